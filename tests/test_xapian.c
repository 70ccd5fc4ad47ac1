/*
 * test_xapian.c — unit tests of the C API over libxapian (xapian-c/): a
 * small database built in a temporary directory, the query operators, the
 * enquiry options, the stemmers, and Xapian's exceptions as nx_status codes.
 */
#include "nx_common.h"
#include "nx_test.h"
#include "nx_xapian.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------ */

static char tmpdir[4096];  /* shorter than path_buf, so names fit */

typedef char path_buf[4400];

/* "<tmpdir>/<name>" in `buf`. */
static const char *tmp_path(path_buf buf, const char *name)
{
	snprintf(buf, sizeof(path_buf), "%s/%s", tmpdir, name);
	return buf;
}

static int make_tmpdir(void)
{
	const char *base = getenv("TMPDIR");

	if (!base || !*base)
		base = "/tmp";
	snprintf(tmpdir, sizeof tmpdir, "%s/test_xapian-XXXXXX", base);
	return mkdtemp(tmpdir) != NULL;
}

static void remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	char sub[4400];

	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode) && (d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
			remove_tree(sub);
		}
		closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* The failed call must have left a message (mentioning `needle` if given). */
static void check_errmsg(int line, const char *needle)
{
	const char *m = nx_error_message();

	CHECK_MSG(m[0] != '\0', "line %d: empty error message", line);
	if (needle)
		CHECK_MSG(strstr(m, needle) != NULL, "line %d: \"%s\" not in \"%s\"", line, needle, m);
}
#define CHECK_ERRMSG(needle) check_errmsg(__LINE__, (needle))

static const char *dummy = "not reset";
#define DUMMY(type) ((type *)(void *)&dummy)

/* ---- the test collection -------------------------------------------------- */

/*
 * Six short articles.  Slot 0: date (sorts); slot 1: story (collapse key);
 * unique term Q<n>; boolean term K<source>; words as positional terms.
 */
enum { SLOT_DATE = 0, SLOT_STORY = 1 };

static const struct {
	const char *id, *text, *date, *story, *source;
} docs[] = {
	{ "Q1", "the quick brown fox jumps", "2024-01-01", "A", "Kreuters" },
	{ "Q2", "brown quick fox", "2024-01-02", "A", "Kap" },
	{ "Q3", "the lazy dog sleeps", "2024-01-03", "B", "Kreuters" },
	{ "Q4", "quick dog and fox", "2024-01-04", "B", "Kap" },
	{ "Q5", "fox fox fox hunting", "2024-01-05", "C", "Kreuters" },
	{ "Q6", "a slow brown dog far from the fox", "2024-01-06", "C", "Kap" },
};
#define NDOCS (sizeof docs / sizeof docs[0])

/* Build a document: every space-separated word a posting at 1, 2, ... */
static nxx_doc *make_doc(const char *id, const char *text, const char *date, const char *story,
			 const char *source, const char *data)
{
	nxx_doc *doc = NULL;
	uint32_t pos = 1;

	CHECK_INT(nxx_doc_new(&doc), NX_OK);
	if (!doc)
		return NULL;
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, " ");
		if (n)
			CHECK_INT(nxx_doc_add_posting(doc, p, n, pos++, 1), NX_OK);
		p += n;
		p += strspn(p, " ");
	}
	CHECK_INT(nxx_doc_add_boolean_term(doc, id, strlen(id)), NX_OK);
	CHECK_INT(nxx_doc_add_boolean_term(doc, source, strlen(source)), NX_OK);
	CHECK_INT(nxx_doc_add_term(doc, "Xall", 4, 1), NX_OK);
	CHECK_INT(nxx_doc_set_value(doc, SLOT_DATE, date, strlen(date)), NX_OK);
	CHECK_INT(nxx_doc_set_value(doc, SLOT_STORY, story, strlen(story)), NX_OK);
	CHECK_INT(nxx_doc_set_data(doc, data, strlen(data)), NX_OK);
	return doc;
}

static void check_data(nxx_db *db, nxx_docid did, const char *want)
{
	char *s = DUMMY(char);
	size_t len = 99;

	CHECK_INT(nxx_db_get_data(&s, &len, db, did), NX_OK);
	CHECK_STR(s, want);
	CHECK_INT(len, strlen(want));
	free(s);
}

static uint32_t termfreq(nxx_db *db, const char *term)
{
	uint32_t n = 12345;
	CHECK_INT(nxx_db_termfreq(&n, db, term, strlen(term)), NX_OK);
	return n;
}

static uint32_t doccount(nxx_db *db)
{
	uint32_t n = 12345;
	CHECK_INT(nxx_db_doccount(&n, db), NX_OK);
	return n;
}

/* ---- allterms ----------------------------------------------------------- */

struct term_list {
	char text[256];
	int count, stop_after;
};

static int collect_term(void *ctx, const char *term, size_t len, uint32_t tf)
{
	struct term_list *tl = ctx;
	size_t used = strlen(tl->text);

	snprintf(tl->text + used, sizeof tl->text - used, "%s%.*s:%u", used ? " " : "", (int)len, term,
		 (unsigned)tf);
	tl->count++;
	return tl->stop_after && tl->count == tl->stop_after ? 42 : 0;
}

/* ---- writing ------------------------------------------------------------ */

static void test_write(const char *path)
{
	nxx_db *w = DUMMY(nxx_db), *r = NULL;
	nxx_docid did = 0;
	char *s = NULL;
	size_t len = 99;

	CHECK_INT(nxx_db_open(&w, path, NXX_WRITE | NXX_CREATE), NX_OK);
	if (!w)
		return;
	CHECK_INT(nxx_db_is_writable(w), 1);
	CHECK_INT(doccount(w), 0);

	for (size_t i = 0; i < NDOCS; i++) {
		char data[32];
		snprintf(data, sizeof data, "doc %zu", i + 1);
		nxx_doc *doc = make_doc(docs[i].id, docs[i].text, docs[i].date, docs[i].story,
					docs[i].source, data);
		CHECK_INT(nxx_db_add_document(&did, w, doc), NX_OK);
		CHECK_INT(did, i + 1);
		nxx_doc_free(doc);
	}
	/* A writer reads its own uncommitted changes. */
	CHECK_INT(doccount(w), NDOCS);
	CHECK_INT(nxx_db_commit(w), NX_OK);

	/* A reader sees the committed state, and writes through it fail. */
	CHECK_INT(nxx_db_open(&r, path, NXX_READ), NX_OK);
	CHECK_INT(nxx_db_is_writable(r), 0);
	CHECK_INT(doccount(r), NDOCS);
	nx_error_clear();
	CHECK_INT(nxx_db_set_metadata(r, "k", "v", 1), NX_EINVAL);
	CHECK_ERRMSG("read-only");
	CHECK_INT(nxx_db_delete_documents(r, "Q1", 2), NX_EINVAL);
	CHECK_INT(nxx_db_commit(r), NX_OK);     /* a no-op when reading */
	CHECK_INT(nxx_db_reopen(w), NX_OK);     /* a no-op when writing */

	/* Term frequencies and lengths. */
	static const struct {
		const char *term;
		uint32_t tf;
	} tfs[] = {
		{ "fox", 5 }, { "dog", 3 }, { "quick", 3 }, { "Kreuters", 3 }, { "Q4", 1 },
		{ "absent", 0 }, { "Fox", 0 }, { "", 6 },
	};
	for (size_t i = 0; i < sizeof tfs / sizeof tfs[0]; i++)
		CHECK_MSG(termfreq(w, tfs[i].term) == tfs[i].tf, "termfreq(%s)", tfs[i].term);

	/* Metadata: unset reads as "", values may hold NULs. */
	CHECK_INT(nxx_db_get_metadata(&s, &len, w, "schema"), NX_OK);
	CHECK_STR(s, "");
	CHECK_INT(len, 0);
	free(s);
	CHECK_INT(nxx_db_set_metadata(w, "schema", "3", 1), NX_OK);
	CHECK_INT(nxx_db_set_metadata(w, "bin", "a\0b", 3), NX_OK);
	CHECK_INT(nxx_db_get_metadata(&s, NULL, w, "schema"), NX_OK);
	CHECK_STR(s, "3");
	free(s);
	CHECK_INT(nxx_db_get_metadata(&s, &len, w, "bin"), NX_OK);
	CHECK(s && len == 3 && memcmp(s, "a\0b", 4) == 0);
	free(s);
	nx_error_clear();
	s = DUMMY(char);
	CHECK_INT(nxx_db_set_metadata(w, "", "x", 1), NX_EINVAL);  /* Xapian: empty key */
	CHECK_ERRMSG(path);
	CHECK_INT(nxx_db_get_metadata(&s, &len, w, ""), NX_EINVAL);
	CHECK(s == NULL);

	/* Stored data and values by docid. */
	check_data(w, 1, "doc 1");
	CHECK_INT(nxx_db_get_value(&s, &len, w, 4, SLOT_DATE), NX_OK);
	CHECK_STR(s, "2024-01-04");
	free(s);
	CHECK_INT(nxx_db_get_value(&s, &len, w, 4, 9), NX_OK);
	CHECK_STR(s, "");
	free(s);
	nx_error_clear();
	s = DUMMY(char);
	CHECK_INT(nxx_db_get_data(&s, &len, w, 999), NX_ENOTFOUND);
	CHECK(s == NULL && len == 0);
	CHECK_ERRMSG("999");
	s = DUMMY(char);
	CHECK_INT(nxx_db_get_value(&s, NULL, w, 999, 0), NX_ENOTFOUND);
	CHECK(s == NULL);
	CHECK_INT(nxx_db_get_data(&s, NULL, w, 0), NX_EINVAL);  /* docid 0 is invalid */

	/* Replace by unique term: in place when present, added when absent. */
	{
		nxx_doc *doc = make_doc("Q3", "the lazy cat", "2024-01-03", "B", "Kreuters", "doc 3b");
		CHECK_INT(nxx_db_replace_document(&did, w, "Q3", 2, doc), NX_OK);
		CHECK_INT(did, 3);
		nxx_doc_free(doc);
		check_data(w, 3, "doc 3b");
		CHECK_INT(termfreq(w, "dog"), 2);
		CHECK_INT(termfreq(w, "cat"), 1);
		CHECK_INT(doccount(w), NDOCS);

		doc = make_doc("Q7", "extra", "2024-01-07", "D", "Kap", "doc 7");
		CHECK_INT(nxx_db_replace_document(&did, w, "Q7", 2, doc), NX_OK);
		CHECK_INT(did, 7);
		nxx_doc_free(doc);
		CHECK_INT(doccount(w), NDOCS + 1);
	}

	/* Uncommitted: the reader still sees the old revision, even after
	 * reopening; after the commit and a reopen it sees the new one. */
	CHECK_INT(doccount(r), NDOCS);
	CHECK_INT(nxx_db_reopen(r), NX_OK);
	check_data(r, 3, "doc 3");
	CHECK_INT(nxx_db_commit(w), NX_OK);
	CHECK_INT(doccount(r), NDOCS);
	CHECK_INT(nxx_db_reopen(r), NX_OK);
	CHECK_INT(doccount(r), NDOCS + 1);
	check_data(r, 3, "doc 3b");
	CHECK_INT(nxx_db_get_metadata(&s, NULL, r, "schema"), NX_OK);
	CHECK_STR(s, "3");
	free(s);

	/* Delete every document indexed by a term. */
	CHECK_INT(nxx_db_delete_documents(w, "Q7", 2), NX_OK);
	CHECK_INT(nxx_db_delete_documents(w, "Qnone", 5), NX_OK);  /* nothing to delete */
	CHECK_INT(doccount(w), NDOCS);
	CHECK_INT(termfreq(w, "extra"), 0);
	CHECK_INT(nxx_db_get_data(&s, NULL, w, 7), NX_ENOTFOUND);

	/* allterms: prefix, sorted order, term frequencies, early stop. */
	{
		struct term_list tl = { "", 0, 0 };
		CHECK_INT(nxx_db_allterms(w, "K", collect_term, &tl), NX_OK);
		CHECK_STR(tl.text, "Kap:3 Kreuters:3");
		memset(&tl, 0, sizeof tl);
		CHECK_INT(nxx_db_allterms(w, "Q", collect_term, &tl), NX_OK);
		CHECK_STR(tl.text, "Q1:1 Q2:1 Q3:1 Q4:1 Q5:1 Q6:1");
		memset(&tl, 0, sizeof tl);
		tl.stop_after = 2;
		CHECK_INT(nxx_db_allterms(w, "", collect_term, &tl), 42);
		CHECK_INT(tl.count, 2);
		CHECK_STR(tl.text, "Kap:3 Kreuters:3");
		memset(&tl, 0, sizeof tl);
		CHECK_INT(nxx_db_allterms(w, "zzz", collect_term, &tl), NX_OK);
		CHECK_INT(tl.count, 0);
		memset(&tl, 0, sizeof tl);
		CHECK_INT(nxx_db_allterms(w, NULL, collect_term, &tl), NX_OK);
		CHECK(tl.count > 20);
	}

	/* A second writer while this one is open: Xapian's lock holds even
	 * within one process. */
	{
		nxx_db *w2 = DUMMY(nxx_db);
		nx_error_clear();
		CHECK_INT(nxx_db_open(&w2, path, NXX_WRITE), NX_EBUSY);
		CHECK(w2 == NULL);
		CHECK_ERRMSG(path);
		CHECK_INT(nx_error_code(), NX_EBUSY);
		w2 = DUMMY(nxx_db);
		CHECK_INT(nxx_db_open(&w2, path, NXX_WRITE | NXX_CREATE), NX_EBUSY);
		CHECK(w2 == NULL);
	}

	/* Bad documents. */
	{
		nxx_doc *doc = NULL;
		CHECK_INT(nxx_doc_new(&doc), NX_OK);
		nx_error_clear();
		CHECK_INT(nxx_doc_add_posting(doc, "", 0, 1, 1), NX_EINVAL);  /* empty term */
		CHECK_ERRMSG(NULL);
		CHECK_INT(nxx_doc_add_term(doc, NULL, 3, 1), NX_EINVAL);
		CHECK_INT(nxx_db_add_document(NULL, r, doc), NX_EINVAL);
		CHECK_INT(nxx_db_add_document(NULL, w, NULL), NX_EINVAL);
		nxx_doc_free(doc);
	}

	nxx_db_close(r);
	nxx_db_close(w);  /* commits the deletion */

	CHECK_INT(nxx_db_open(&r, path, NXX_READ), NX_OK);
	CHECK_INT(doccount(r), NDOCS);
	CHECK_INT(termfreq(r, "cat"), 1);
	nxx_db_close(r);
}

/* ---- queries ------------------------------------------------------------ */

static nxx_query *term(const char *t)
{
	nxx_query *q = NULL;
	CHECK_INT(nxx_query_term(&q, t, strlen(t), 1, 0), NX_OK);
	return q;
}

static nxx_query *combine(enum nxx_query_op op, uint32_t window, nxx_query *a, nxx_query *b,
			  nxx_query *c)
{
	nxx_query *subs[3] = { a, b, c }, *q = NULL;
	size_t n = c ? 3 : b ? 2 : 1;

	CHECK_INT(nxx_query_combine(&q, op, subs, n, window), NX_OK);
	return q;
}

static nxx_query *range(const char *lo, const char *hi)
{
	nxx_query *q = NULL;
	CHECK_INT(nxx_query_value_range(&q, SLOT_DATE, lo, hi), NX_OK);
	return q;
}

/* Space-separated docids of an mset, in mset order or sorted. */
static void docids(char *buf, size_t size, const nxx_mset *m, int sorted)
{
	nxx_docid ids[64];
	size_t n = nxx_mset_size(m), used = 0;
	nxx_hit hit;

	if (n > 64)
		n = 64;
	for (size_t i = 0; i < n; i++) {
		CHECK_INT(nxx_mset_hit(&hit, m, i), NX_OK);
		ids[i] = hit.docid;
	}
	for (size_t i = 0; sorted && i < n; i++) {
		for (size_t j = i + 1; j < n; j++) {
			if (ids[j] < ids[i]) {
				nxx_docid t = ids[i];
				ids[i] = ids[j];
				ids[j] = t;
			}
		}
	}
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%u", i ? " " : "", (unsigned)ids[i]);
}

static void test_queries(const char *path)
{
	nxx_db *db = NULL;
	nxx_query *fox = term("fox"), *quick = term("quick"), *brown = term("brown");
	nxx_query *dog = term("dog"), *cat = term("cat"), *lazy = term("lazy");
	nxx_query *hunting = term("hunting"), *reuters = term("Kreuters"), *q = NULL;
	nxx_query *from3 = range("2024-01-03", NULL);
	nxx_enquire_opts all = NXX_ENQUIRE_OPTS_INIT;

	all.limit = 100;
	CHECK_INT(nxx_db_open(&db, path, NXX_READ), NX_OK);
	if (!db)
		return;

	struct {
		const char *name;
		nxx_query *q;
		const char *want;  /* sorted docids */
	} cases[] = {
		{ "term", term("fox"), "1 2 4 5 6" },
		{ "absent term", term("wolf"), "" },
		{ "AND", combine(NXX_OP_AND, 0, quick, fox, NULL), "1 2 4" },
		{ "AND of 3", combine(NXX_OP_AND, 0, quick, fox, brown), "1 2" },
		{ "OR", combine(NXX_OP_OR, 0, lazy, hunting, NULL), "3 5" },
		{ "AND_NOT", combine(NXX_OP_AND_NOT, 0, fox, quick, NULL), "5 6" },
		{ "AND_NOT of 3", combine(NXX_OP_AND_NOT, 0, fox, quick, hunting), "6" },
		{ "AND_MAYBE", combine(NXX_OP_AND_MAYBE, 0, fox, quick, NULL), "1 2 4 5 6" },
		{ "PHRASE quick brown", combine(NXX_OP_PHRASE, 0, quick, brown, NULL), "1" },
		{ "PHRASE brown quick", combine(NXX_OP_PHRASE, 0, brown, quick, NULL), "2" },
		{ "PHRASE quick brown fox", combine(NXX_OP_PHRASE, 0, quick, brown, fox), "1" },
		{ "NEAR 2", combine(NXX_OP_NEAR, 2, quick, fox, NULL), "2" },
		{ "NEAR 3", combine(NXX_OP_NEAR, 3, quick, fox, NULL), "1 2" },
		{ "NEAR 3 reversed", combine(NXX_OP_NEAR, 3, fox, quick, NULL), "1 2" },
		{ "NEAR 4", combine(NXX_OP_NEAR, 4, quick, fox, NULL), "1 2 4" },
		{ "SYNONYM", combine(NXX_OP_SYNONYM, 0, dog, cat, NULL), "3 4 6" },
		{ "FILTER", combine(NXX_OP_FILTER, 0, fox, reuters, NULL), "1 5" },
		{ "ELITE_SET", combine(NXX_OP_ELITE_SET, 2, lazy, hunting, cat), "" /* any */ },
		{ "range", range("2024-01-02", "2024-01-04"), "2 3 4" },
		{ "range >=", range("2024-01-05", NULL), "5 6" },
		{ "range <=", range(NULL, "2024-01-01"), "1" },
		{ "range open", range(NULL, NULL), "1 2 3 4 5 6" },
		{ "range empty", range("2024-01-04", "2024-01-02"), "" },
		{ "range AND term", combine(NXX_OP_FILTER, 0, fox, from3, NULL), "4 5 6" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		nxx_mset *m = NULL;
		char got[256];
		CHECK_MSG(cases[i].q != NULL, "%s", cases[i].name);
		CHECK_INT(nxx_enquire(&m, db, cases[i].q, &all), NX_OK);
		docids(got, sizeof got, m, 1);
		if (strcmp(cases[i].name, "ELITE_SET") == 0)
			CHECK_MSG(nxx_mset_size(m) >= 1, "%s", cases[i].name);
		else
			CHECK_MSG(strcmp(got, cases[i].want) == 0, "%s: got \"%s\", want \"%s\"", cases[i].name,
				  got, cases[i].want);
		nxx_mset_free(m);
	}
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		nxx_query_free(cases[i].q);

	/* Match all / nothing, emptiness. */
	{
		nxx_query *any = NULL, *none = DUMMY(nxx_query), *empty_or = NULL;
		nxx_mset *m = NULL;
		char got[64];
		CHECK_INT(nxx_query_match_all(&any), NX_OK);
		CHECK_INT(nxx_query_match_nothing(&none), NX_OK);
		CHECK_INT(nxx_query_combine(&empty_or, NXX_OP_OR, NULL, 0, 0), NX_OK);
		CHECK_INT(nxx_query_is_empty(any), 0);
		CHECK_INT(nxx_query_is_empty(fox), 0);
		CHECK_INT(nxx_query_is_empty(none), 1);
		CHECK_INT(nxx_query_is_empty(empty_or), 1);
		CHECK_INT(nxx_enquire(&m, db, any, &all), NX_OK);
		docids(got, sizeof got, m, 1);
		CHECK_STR(got, "1 2 3 4 5 6");
		CHECK_INT(nxx_mset_estimate(m), 6);
		nxx_mset_free(m);
		CHECK_INT(nxx_enquire(&m, db, none, &all), NX_OK);
		CHECK_INT(nxx_mset_size(m), 0);
		CHECK_INT(nxx_mset_estimate(m), 0);
		nxx_mset_free(m);
		nxx_query_free(any);
		nxx_query_free(none);
		nxx_query_free(empty_or);
	}

	/* Weights: scaling, FILTER adds none, descriptions. */
	{
		nxx_query *scaled = NULL, *filtered = combine(NXX_OP_FILTER, 0, fox, reuters, NULL);
		nxx_mset *m1 = NULL, *m2 = NULL, *m3 = NULL;
		nxx_hit h1, h2, h3;
		char *desc = NULL;

		CHECK_INT(nxx_query_scale(&scaled, fox, 2.0), NX_OK);
		CHECK_INT(nxx_enquire(&m1, db, fox, &all), NX_OK);
		CHECK_INT(nxx_enquire(&m2, db, scaled, &all), NX_OK);
		CHECK_INT(nxx_enquire(&m3, db, filtered, &all), NX_OK);
		CHECK_INT(nxx_mset_hit(&h1, m1, 0), NX_OK);
		CHECK_INT(nxx_mset_hit(&h2, m2, 0), NX_OK);
		CHECK_INT(nxx_mset_hit(&h3, m3, 0), NX_OK);
		CHECK_INT(h1.docid, 5);  /* three times "fox" in a short document */
		CHECK_INT(h2.docid, 5);
		CHECK_INT(h3.docid, 5);
		CHECK(h1.weight > 0 && h2.weight > 1.99 * h1.weight && h2.weight < 2.01 * h1.weight);
		CHECK(h3.weight > 0.999 * h1.weight && h3.weight < 1.001 * h1.weight);
		CHECK_INT(h1.percent, 100);
		nxx_mset_free(m1);
		nxx_mset_free(m2);
		nxx_mset_free(m3);

		CHECK_INT(nxx_query_describe(&desc, filtered), NX_OK);
		CHECK(desc && strstr(desc, "fox") && strstr(desc, "FILTER") && strstr(desc, "Kreuters"));
		free(desc);
		q = combine(NXX_OP_PHRASE, 0, quick, brown, NULL);
		CHECK_INT(nxx_query_describe(&desc, q), NX_OK);
		CHECK(desc && strstr(desc, "PHRASE"));
		free(desc);
		nxx_query_free(q);

		nx_error_clear();
		q = DUMMY(nxx_query);
		CHECK_INT(nxx_query_scale(&q, fox, -1.0), NX_EINVAL);
		CHECK(q == NULL);
		CHECK_ERRMSG(NULL);
		nxx_query_free(scaled);
		nxx_query_free(filtered);
	}

	/* Bad combinations. */
	{
		nxx_query *subs[2] = { fox, NULL };
		q = DUMMY(nxx_query);
		CHECK_INT(nxx_query_combine(&q, NXX_OP_AND, subs, 2, 0), NX_EINVAL);
		CHECK(q == NULL);
		q = DUMMY(nxx_query);
		CHECK_INT(nxx_query_combine(&q, (enum nxx_query_op)99, subs, 1, 0), NX_EINVAL);
		CHECK(q == NULL);
		/* A window is ignored where it means nothing. */
		CHECK_INT(nxx_query_combine(&q, NXX_OP_OR, subs, 1, 5), NX_OK);
		nxx_query_free(q);
	}

	/* Subqueries are copied: freeing them leaves the combination valid. */
	{
		nxx_query *a = term("quick"), *b = term("fox"), *both;
		nxx_mset *m = NULL;
		char got[64];
		both = combine(NXX_OP_AND, 0, a, b, NULL);
		nxx_query_free(a);
		nxx_query_free(b);
		CHECK_INT(nxx_enquire(&m, db, both, &all), NX_OK);
		docids(got, sizeof got, m, 1);
		CHECK_STR(got, "1 2 4");
		nxx_mset_free(m);
		nxx_query_free(both);
	}

	nxx_query_free(fox);
	nxx_query_free(quick);
	nxx_query_free(brown);
	nxx_query_free(dog);
	nxx_query_free(cat);
	nxx_query_free(lazy);
	nxx_query_free(hunting);
	nxx_query_free(reuters);
	nxx_query_free(from3);
	nxx_db_close(db);
}

/* ---- enquiry options ---------------------------------------------------- */

static void test_enquire(const char *path)
{
	nxx_db *db = NULL;
	nxx_query *any = NULL, *fox = term("fox");
	nxx_mset *m = NULL;
	char got[128];

	CHECK_INT(nxx_db_open(&db, path, NXX_READ), NX_OK);
	CHECK_INT(nxx_query_match_all(&any), NX_OK);
	if (!db || !any)
		return;

	/* Sorting by value (descending), with offset and limit. */
	static const struct {
		const char *name;
		int fox;
		size_t offset, limit;
		int sort, collapse;
		unsigned collapse_max;
		const char *want;  /* docids in mset order */
		size_t estimate;
	} cases[] = {
		{ "sort all", 0, 0, 10, SLOT_DATE, -1, 1, "6 5 4 3 2 1", 6 },
		{ "sort offset", 0, 2, 2, SLOT_DATE, -1, 1, "4 3", 6 },
		{ "sort past end", 0, 10, 5, SLOT_DATE, -1, 1, "", 6 },
		{ "limit 0", 0, 0, 0, SLOT_DATE, -1, 1, "", 6 },
		{ "sort fox", 1, 0, 10, SLOT_DATE, -1, 1, "6 5 4 2 1", 5 },
		{ "sort by story", 0, 0, 10, SLOT_STORY, -1, 1, "5 6 3 4 1 2", 6 },
		{ "collapse story", 0, 0, 10, SLOT_DATE, SLOT_STORY, 1, "6 4 2", 3 },
		{ "collapse story, 2", 0, 0, 10, SLOT_DATE, SLOT_STORY, 2, "6 5 4 3 2 1", 6 },
		{ "collapse 0 = 1", 0, 0, 10, SLOT_DATE, SLOT_STORY, 0, "6 4 2", 3 },
		{ "collapse fox", 1, 0, 10, SLOT_DATE, SLOT_STORY, 1, "6 4 2", 3 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		nxx_enquire_opts o = NXX_ENQUIRE_OPTS_INIT;
		o.offset = cases[i].offset;
		o.limit = cases[i].limit;
		o.sort_by_value = cases[i].sort;
		o.collapse_slot = cases[i].collapse;
		o.collapse_max = cases[i].collapse_max;
		CHECK_INT(nxx_enquire(&m, db, cases[i].fox ? fox : any, &o), NX_OK);
		docids(got, sizeof got, m, 0);
		CHECK_MSG(strcmp(got, cases[i].want) == 0, "%s: got \"%s\", want \"%s\"", cases[i].name, got,
			  cases[i].want);
		CHECK_MSG(nxx_mset_estimate(m) == cases[i].estimate, "%s: estimate %zu", cases[i].name,
			  nxx_mset_estimate(m));
		nxx_mset_free(m);
		m = NULL;
	}

	/* Collapsing: one hit per story, each having dropped one other. */
	{
		nxx_enquire_opts o = NXX_ENQUIRE_OPTS_INIT;
		char seen[8] = "";
		o.collapse_slot = SLOT_STORY;
		CHECK_INT(nxx_enquire(&m, db, fox, &o), NX_OK);
		for (size_t i = 0; i < nxx_mset_size(m); i++) {
			nxx_hit h;
			char *story = NULL;
			CHECK_INT(nxx_mset_hit(&h, m, i), NX_OK);
			CHECK_INT(nxx_mset_value(&story, NULL, m, i, SLOT_STORY), NX_OK);
			CHECK(story && strlen(story) == 1 && !strchr(seen, story[0]));
			if (story && strlen(seen) < 7)
				strncat(seen, story, 1);
			/* story A: 1, 2; B: 4 (3 lost "fox"); C: 5, 6 */
			CHECK_INT(h.collapse_count, story && story[0] == 'B' ? 0 : 1);
			free(story);
		}
		CHECK_INT(strlen(seen), 3);
		nxx_mset_free(m);
	}

	/* Relevance order, data and values of each hit. */
	{
		nxx_enquire_opts o = NXX_ENQUIRE_OPTS_INIT;
		double last = 1e300;
		CHECK_INT(nxx_enquire(&m, db, fox, &o), NX_OK);
		CHECK_INT(nxx_mset_size(m), 5);
		for (size_t i = 0; i < nxx_mset_size(m); i++) {
			nxx_hit h;
			char *s = NULL, want[32];
			size_t len = 0;
			CHECK_INT(nxx_mset_hit(&h, m, i), NX_OK);
			CHECK(h.weight > 0 && h.weight <= last);
			CHECK(h.percent > 0 && h.percent <= 100);
			last = h.weight;
			CHECK_INT(nxx_mset_data(&s, &len, m, i), NX_OK);
			snprintf(want, sizeof want, "doc %u", (unsigned)h.docid);
			CHECK_STR(s, want);
			CHECK_INT(len, strlen(want));
			free(s);
			CHECK_INT(nxx_mset_value(&s, &len, m, i, SLOT_DATE), NX_OK);
			snprintf(want, sizeof want, "2024-01-0%u", (unsigned)h.docid);
			CHECK_STR(s, want);
			free(s);
			CHECK_INT(nxx_mset_value(&s, &len, m, i, 9), NX_OK);  /* unset */
			CHECK_STR(s, "");
			CHECK_INT(len, 0);
			free(s);
		}
		/* Out of range. */
		{
			nxx_hit h;
			char *s = DUMMY(char);
			nx_error_clear();
			CHECK_INT(nxx_mset_hit(&h, m, 5), NX_EINVAL);
			CHECK_ERRMSG("out of range");
			CHECK_INT(nxx_mset_data(&s, NULL, m, 5), NX_EINVAL);
			CHECK(s == NULL);
			CHECK_INT(nxx_mset_value(&s, NULL, m, 99, 0), NX_EINVAL);
		}

		/* The mset holds its own copies: still readable with the
		 * database closed. */
		nxx_db_close(db);
		db = NULL;
		{
			char *s = NULL;
			CHECK_INT(nxx_mset_data(&s, NULL, m, 0), NX_OK);
			CHECK_STR(s, "doc 5");
			free(s);
		}
		nxx_mset_free(m);
		CHECK_INT(nxx_db_open(&db, path, NXX_READ), NX_OK);
	}

	/* BM25 parameters reach the weighting scheme. */
	{
		nxx_enquire_opts o = NXX_ENQUIRE_OPTS_INIT;
		nxx_mset *m1 = NULL, *m2 = NULL;
		nxx_hit h1, h2;
		CHECK_INT(nxx_enquire(&m1, db, fox, &o), NX_OK);
		o.bm25_k1 = 2.0;
		o.bm25_b = 0.3;
		o.bm25_min_normlen = 0.2;
		CHECK_INT(nxx_enquire(&m2, db, fox, &o), NX_OK);
		CHECK_INT(nxx_mset_hit(&h1, m1, 0), NX_OK);
		CHECK_INT(nxx_mset_hit(&h2, m2, 0), NX_OK);
		CHECK_INT(h1.docid, h2.docid);
		CHECK(h1.weight != h2.weight);
		nxx_mset_free(m1);
		nxx_mset_free(m2);
		/* Default options when NULL. */
		CHECK_INT(nxx_enquire(&m1, db, fox, NULL), NX_OK);
		CHECK_INT(nxx_mset_size(m1), 5);
		nxx_mset_free(m1);

		/* Out-of-range parameters are refused (Xapian would clamp
		 * them silently). */
		static const struct {
			double k1, k2, k3, b, min_normlen;
		} bad[] = {
			{ -1.0, 0, 1, 0.75, 0.5 }, { 1.2, -0.1, 1, 0.75, 0.5 }, { 1.2, 0, -1, 0.75, 0.5 },
			{ 1.2, 0, 1, -0.5, 0.5 },  { 1.2, 0, 1, 1.5, 0.5 },     { 1.2, 0, 1, 0.75, -1 },
		};
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			o.bm25_k1 = bad[i].k1;
			o.bm25_k2 = bad[i].k2;
			o.bm25_k3 = bad[i].k3;
			o.bm25_b = bad[i].b;
			o.bm25_min_normlen = bad[i].min_normlen;
			m1 = DUMMY(nxx_mset);
			nx_error_clear();
			CHECK_INT(nxx_enquire(&m1, db, fox, &o), NX_EINVAL);
			CHECK(m1 == NULL);
			CHECK_ERRMSG("BM25");
		}
		m1 = DUMMY(nxx_mset);
		CHECK_INT(nxx_enquire(&m1, db, NULL, NULL), NX_EINVAL);
		CHECK(m1 == NULL);
	}

	nxx_query_free(any);
	nxx_query_free(fox);
	nxx_db_close(db);
}

/* ---- a reader whose revision is discarded under it ---------------------- */

/*
 * A reader keeps reading the revision it opened; once a writer has
 * committed a few times over its blocks, Xapian throws DatabaseModifiedError.
 * nxx_db_get_data reports that as NX_EMODIFIED; nxx_enquire reopens and
 * retries, so it succeeds and returns the newest data.
 */
static void test_modified(const char *path)
{
	enum { N = 1500, ROUNDS = 4 };
	static char big[600];
	nxx_db *w = NULL, *r = NULL, *r2 = NULL;
	nxx_query *q = term("t");
	nxx_mset *m = NULL;
	char *s = NULL;
	int rc, failed = 0;

	CHECK_INT(nxx_db_open(&w, path, NXX_WRITE | NXX_CREATE), NX_OK);
	if (!w)
		return;
	for (int round = 0; round <= ROUNDS; round++) {
		/* Both readers open on the first revision. */
		if (round == 1) {
			CHECK_INT(nxx_db_open(&r, path, NXX_READ), NX_OK);
			CHECK_INT(nxx_db_open(&r2, path, NXX_READ), NX_OK);
		}
		memset(big, 'a' + round, sizeof big - 1);
		big[0] = (char)('0' + round);
		for (int i = 1; i <= N; i++) {
			nxx_doc *doc = NULL;
			char id[16];
			snprintf(id, sizeof id, "Q%d", i);
			if (nxx_doc_new(&doc) != NX_OK || nxx_doc_add_boolean_term(doc, id, strlen(id)) != NX_OK ||
			    nxx_doc_add_term(doc, "t", 1, 1) != NX_OK ||
			    nxx_doc_add_term(doc, id + 1, strlen(id + 1), 1) != NX_OK ||
			    nxx_doc_set_data(doc, big, sizeof big - 1) != NX_OK ||
			    nxx_db_replace_document(NULL, w, id, strlen(id), doc) != NX_OK)
				failed++;
			nxx_doc_free(doc);
		}
		CHECK_INT(nxx_db_commit(w), NX_OK);
	}
	CHECK_INT(failed, 0);

	/* r2 reads its (discarded) revision without retrying.  Whether a read
	 * fails depends on which blocks Xapian reused, so allow success with
	 * the old data, but any failure must be NX_EMODIFIED. */
	nx_error_clear();
	rc = nxx_db_get_data(&s, NULL, r2, N);
	CHECK_MSG(rc == NX_OK || rc == NX_EMODIFIED, "rc %d: %s", rc, nx_error_message());
	if (getenv("NX_TEST_VERBOSE"))
		fprintf(stderr, "stale reader: %s\n", rc == NX_OK ? "read old revision" : nx_error_message());
	if (rc == NX_OK) {
		CHECK(s && s[0] == '0');
		free(s);
	} else {
		CHECK(s == NULL);
		CHECK_ERRMSG("DatabaseModifiedError");
	}

	/* The enquiry always succeeds; if it had to retry, it sees the last
	 * revision. */
	CHECK_INT(nxx_enquire(&m, r, q, NULL), NX_OK);
	CHECK_INT(nxx_mset_size(m), 10);
	CHECK_INT(nxx_mset_data(&s, NULL, m, 0), NX_OK);
	CHECK(s && (s[0] == '0' || s[0] == '0' + ROUNDS));
	if (rc == NX_EMODIFIED)
		CHECK(s && s[0] == '0' + ROUNDS);
	free(s);
	nxx_mset_free(m);

	nxx_query_free(q);
	nxx_db_close(r);
	nxx_db_close(r2);
	nxx_db_close(w);
}

/* ---- opening errors ----------------------------------------------------- */

static void test_open_errors(void)
{
	path_buf file, empty, dir, emptydir, note, p;

	tmp_path(file, "plain.txt");
	tmp_path(empty, "empty.txt");
	tmp_path(dir, "notes");
	tmp_path(emptydir, "emptydir");

	write_file(file, "hello, I am not a database\n");
	write_file(empty, "");
	mkdir(dir, 0755);
	tmp_path(note, "notes/note.txt");
	write_file(note, "nothing to see");
	mkdir(emptydir, 0755);

	/*
	 * What Xapian 1.4.22 throws, and what we make of it:
	 *  - missing path: DatabaseNotFoundError ("Couldn't stat") -> ENOTFOUND
	 *  - a text file: parsed as a stub database, DatabaseOpeningError
	 *    ("Bad line") -> ENOTINDEX
	 *  - an empty file: opens (a stub listing nothing) -> we say ENOTINDEX
	 *  - a directory without a database: DatabaseNotFoundError ("Couldn't
	 *    detect type") -> ENOTINDEX if it holds anything, else ENOTFOUND
	 *  - creating in a non-empty foreign directory: Xapian would; we refuse.
	 */
	static const struct {
		const char *name;
		int flags;
		int status;
	} cases[] = {
		{ "missing", NXX_READ, NX_ENOTFOUND },
		{ "missing", NXX_WRITE, NX_ENOTFOUND },
		{ "missing/deeper", NXX_READ, NX_ENOTFOUND },
		{ "plain.txt", NXX_READ, NX_ENOTINDEX },
		{ "plain.txt", NXX_WRITE, NX_ENOTINDEX },
		{ "plain.txt", NXX_WRITE | NXX_CREATE, NX_ENOTINDEX },
		{ "empty.txt", NXX_READ, NX_ENOTINDEX },
		{ "empty.txt", NXX_WRITE, NX_ENOTINDEX },
		{ "notes", NXX_READ, NX_ENOTINDEX },
		{ "notes", NXX_WRITE, NX_ENOTINDEX },
		{ "notes", NXX_WRITE | NXX_CREATE, NX_ENOTINDEX },
		{ "emptydir", NXX_READ, NX_ENOTFOUND },
		{ "emptydir", NXX_WRITE, NX_ENOTFOUND },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		nxx_db *db = DUMMY(nxx_db);
		int rc;
		nx_error_clear();
		rc = nxx_db_open(&db, tmp_path(p, cases[i].name), cases[i].flags);
		CHECK_MSG(rc == cases[i].status, "%s flags %d: %d (%s), want %d", cases[i].name,
			  cases[i].flags, rc, nx_error_message(), cases[i].status);
		CHECK_INT(nx_error_code(), cases[i].status);
		CHECK(db == NULL);
		CHECK_ERRMSG(p);
	}
	/* Nothing was created where we refused to. */
	{
		struct stat st;
		CHECK(stat(tmp_path(p, "missing"), &st) != 0);
		CHECK(stat(tmp_path(p, "notes/iamglass"), &st) != 0);
		/* (A writable open of a directory without a database leaves
		 * Xapian's lock file behind; we probe read-only first.) */
		CHECK(stat(tmp_path(p, "notes/flintlock"), &st) != 0);
		CHECK(stat(tmp_path(p, "emptydir/flintlock"), &st) != 0);
	}

	/* Creating in an empty directory or a new path works. */
	{
		nxx_db *db = NULL;
		CHECK_INT(nxx_db_open(&db, emptydir, NXX_WRITE | NXX_CREATE), NX_OK);
		nxx_db_close(db);
		db = NULL;
		CHECK_INT(nxx_db_open(&db, emptydir, NXX_READ), NX_OK);
		CHECK_INT(doccount(db), 0);
		nxx_db_close(db);
		db = NULL;
		CHECK_INT(nxx_db_open(&db, tmp_path(p, "new"), NXX_WRITE | NXX_CREATE), NX_OK);
		nxx_db_close(db);
		/* Xapian creates one directory level only (DatabaseCreateError). */
		db = DUMMY(nxx_db);
		nx_error_clear();
		CHECK_INT(nxx_db_open(&db, tmp_path(p, "noparent/db"), NXX_WRITE | NXX_CREATE), NX_EIO);
		CHECK(db == NULL);
		CHECK_ERRMSG("DatabaseCreateError");
		CHECK_ERRMSG(p);
	}

	/* Bad arguments. */
	{
		nxx_db *db = DUMMY(nxx_db);
		CHECK_INT(nxx_db_open(&db, NULL, NXX_READ), NX_EINVAL);
		CHECK(db == NULL);
		db = DUMMY(nxx_db);
		CHECK_INT(nxx_db_open(&db, "", NXX_READ), NX_EINVAL);
		CHECK(db == NULL);
		db = DUMMY(nxx_db);
		CHECK_INT(nxx_db_open(&db, tmp_path(p, "x"), NXX_CREATE), NX_EINVAL);  /* needs WRITE */
		CHECK(db == NULL);
		CHECK_INT(nxx_db_open(&db, tmp_path(p, "x"), 8), NX_EINVAL);
	}

	/* NULL handles. */
	{
		uint32_t n = 7;
		nxx_db_close(NULL);
		nxx_doc_free(NULL);
		nxx_query_free(NULL);
		nxx_mset_free(NULL);
		nxx_stem_free(NULL);
		CHECK_INT(nxx_db_is_writable(NULL), 0);
		CHECK_INT(nxx_db_commit(NULL), NX_EINVAL);
		CHECK_INT(nxx_db_reopen(NULL), NX_EINVAL);
		CHECK_INT(nxx_db_doccount(&n, NULL), NX_EINVAL);
		CHECK_INT(n, 0);
		CHECK_INT(nxx_mset_size(NULL), 0);
		CHECK_INT(nxx_query_is_empty(NULL), 1);
	}
}

/* ---- stemming ----------------------------------------------------------- */

static void test_stem(void)
{
	static const struct {
		const char *lang, *word, *stem;
	} cases[] = {
		{ "english", "running", "run" },
		{ "en", "running", "run" },
		{ "en", "", "" },
		{ "english", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
		  "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz" },
		{ "german", "häuser", "haus" },
		{ "de", "häuser", "haus" },
		{ "fr", "continuellement", "continuel" },
		{ "es", "corriendo", "corr" },
		{ "nb", "hus", "hus" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		nxx_stem *s = NULL;
		const char *out = NULL;
		size_t len = 0;
		CHECK_INT(nxx_stem_new(&s, cases[i].lang), NX_OK);
		CHECK_INT(nxx_stem_apply(&out, &len, s, cases[i].word, strlen(cases[i].word)), NX_OK);
		CHECK_STR(out, cases[i].stem);
		CHECK_INT(len, strlen(cases[i].stem));
		nxx_stem_free(s);
	}

	/* "en" and "english" agree; the buffer is reused between calls, and
	 * the input need not be NUL-terminated. */
	{
		static const char *const words[] = { "running", "connections", "happily", "news", "agreed" };
		nxx_stem *a = NULL, *b = NULL;
		CHECK_INT(nxx_stem_new(&a, "en"), NX_OK);
		CHECK_INT(nxx_stem_new(&b, "english"), NX_OK);
		for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
			const char *sa = NULL, *sb = NULL;
			size_t la = 0, lb = 0;
			CHECK_INT(nxx_stem_apply(&sa, &la, a, words[i], strlen(words[i])), NX_OK);
			CHECK_INT(nxx_stem_apply(&sb, &lb, b, words[i], strlen(words[i])), NX_OK);
			CHECK_STR(sa, sb);
			CHECK_INT(la, lb);
		}
		{
			const char *out = NULL;
			size_t len = 0;
			CHECK_INT(nxx_stem_apply(&out, &len, a, "runningXXX", 7), NX_OK);
			CHECK_STR(out, "run");
			CHECK_INT(nxx_stem_apply(&out, NULL, a, "connections", 11), NX_OK);
			CHECK_STR(out, "connect");
		}
		nxx_stem_free(a);
		nxx_stem_free(b);
	}

	/* Russian: the stem is a proper prefix of the inflected form. */
	{
		static const char word[] = "протестующих";
		nxx_stem *s = NULL;
		const char *out = NULL;
		size_t len = 0;
		CHECK_INT(nxx_stem_new(&s, "ru"), NX_OK);
		CHECK_INT(nxx_stem_apply(&out, &len, s, word, strlen(word)), NX_OK);
		CHECK(out && len > 0 && len < strlen(word) && memcmp(out, word, len) == 0);
		CHECK_INT(strlen(out), len);
		nxx_stem_free(s);
	}

	/* Unknown languages, and languages Xapian 1.4 has no stemmer for. */
	{
		static const char *const unknown[] = { "xx", "klingon", "", "el", "hi", "sr", "EN" };
		for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
			nxx_stem *s = DUMMY(nxx_stem);
			nx_error_clear();
			CHECK_INT(nxx_stem_new(&s, unknown[i]), NX_ENOTFOUND);
			CHECK(s == NULL);
			CHECK_ERRMSG(unknown[i]);
		}
		nxx_stem *s = DUMMY(nxx_stem);
		CHECK_INT(nxx_stem_new(&s, NULL), NX_EINVAL);
		CHECK(s == NULL);
	}

	/* Every name Xapian lists is accepted. */
	{
		const char *langs = nxx_stem_languages();
		char name[64];
		int n = 0;
		CHECK(strstr(langs, "english") != NULL);
		for (const char *p = langs; *p;) {
			size_t k = strcspn(p, " ");
			if (k && k < sizeof name) {
				nxx_stem *s = NULL;
				memcpy(name, p, k);
				name[k] = '\0';
				CHECK_MSG(nxx_stem_new(&s, name) == NX_OK, "%s", name);
				nxx_stem_free(s);
				n++;
			}
			p += k;
			p += strspn(p, " ");
		}
		CHECK(n > 20);
	}
}

/* ---- query expansion ------------------------------------------------------ */

typedef struct expanded {
	char terms[16][32];
	double weights[16];
	size_t n;
} expanded;

static int on_expanded(void *ctx, const char *term, size_t len, double weight)
{
	expanded *e = ctx;

	if (e->n < 16 && len < 32) {
		memcpy(e->terms[e->n], term, len);
		e->terms[e->n][len] = '\0';
		e->weights[e->n++] = weight;
	}
	return NX_OK;
}

static int expanded_has(const expanded *e, const char *term)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->terms[i], term) == 0)
			return 1;
	return 0;
}

/* nxx_doc_wdf_total and nxx_doc_scale_wdf: a document's length, and every
 * weighted term's wdf times a factor, rounded; boolean terms stay 0. */
static void test_scale_wdf(void)
{
	nxx_doc *doc = NULL;
	uint64_t total = 0;

	CHECK_INT(nxx_doc_new(&doc), NX_OK);
	if (!doc)
		return;
	CHECK_INT(nxx_doc_add_posting(doc, "once", 4, 1, 1), NX_OK);
	CHECK_INT(nxx_doc_add_posting(doc, "twice", 5, 2, 1), NX_OK);
	CHECK_INT(nxx_doc_add_posting(doc, "twice", 5, 3, 1), NX_OK);
	CHECK_INT(nxx_doc_add_boolean_term(doc, "Afilter", 7), NX_OK);
	CHECK_INT(nxx_doc_wdf_total(&total, doc), NX_OK);
	CHECK_INT((int)total, 3);
	CHECK_INT(nxx_doc_scale_wdf(doc, 2.5), NX_OK);
	CHECK_INT(nxx_doc_wdf_total(&total, doc), NX_OK);
	CHECK_INT((int)total, 3 + 5);  /* 2.5 rounds to 3, 5 stays 5, 0 stays 0 */
	CHECK_INT(nxx_doc_scale_wdf(doc, 0.5), NX_EINVAL);
	CHECK_INT(nxx_doc_scale_wdf(NULL, 2), NX_EINVAL);
	CHECK_INT(nxx_doc_wdf_total(NULL, doc), NX_EINVAL);
	nxx_doc_free(doc);
}

/* nxx_expand: Bo1 over the feedback documents, the query's terms and
 * other prefixes left out, and a term must be in min_docs of them. */
static void test_expand(const char *path, unsigned scale)
{
	static const char *texts[] = {
		"Zoil Zprice Zopec Zcartel Yoil", "Zoil Zprice Zopec Zquota", "Zoil Zprice Zbarrel",
		"Zweather Zrain", "Zweather Zsnow", "Zrain Zsnow Zprice", "Zweather Zwind", "Zwind Zrain",
	};
	nxx_db *w = NULL, *r = NULL;
	nxx_docid ids[8];
	nxx_query *q = NULL;
	expanded e;

	CHECK_INT(nxx_db_open(&w, path, NXX_WRITE | NXX_CREATE), NX_OK);
	if (!w)
		return;
	for (size_t i = 0; i < 8; i++) {
		char id[8];
		nxx_doc *doc;

		snprintf(id, sizeof id, "Q%zu", i);
		doc = make_doc(id, texts[i], "2024-01-01", "A", "Kap", "");
		/* wdf as the indexer writes it: occurrences times a unit */
		if (scale > 1)
			CHECK_INT(nxx_doc_scale_wdf(doc, scale), NX_OK);
		CHECK_INT(nxx_db_add_document(&ids[i], w, doc), NX_OK);
		nxx_doc_free(doc);
	}
	CHECK_INT(nxx_db_commit(w), NX_OK);
	nxx_db_close(w);
	CHECK_INT(nxx_db_open(&r, path, NXX_READ), NX_OK);
	CHECK_INT(nxx_query_term(&q, "Zoil", 4, 1, 0), NX_OK);

	/* In two of the three feedback documents at least: opec (2) and
	 * price (3); cartel, quota and barrel (1 each) are left out, as are
	 * the query's oil and the terms of other prefixes. */
	memset(&e, 0, sizeof e);
	CHECK_INT(nxx_expand(r, ids, 3, "Z", 2, scale, q, 10, on_expanded, &e), NX_OK);
	CHECK_INT((int)e.n, 2);
	CHECK(expanded_has(&e, "Zopec") && expanded_has(&e, "Zprice"));
	/* Bo1: tf * log2((1 + P) / P) + log2(1 + P), P = collection
	 * frequency / documents: price 3 log2 3 + log2 1.5 = 5.34 (P 4/8),
	 * opec 2 log2 5 + log2 1.25 = 4.97 (P 2/8); in occurrences, whatever
	 * unit the wdf was written in. */
	CHECK_STR(e.terms[0], "Zprice");
	CHECK_MSG(e.n == 2 && fabs(e.weights[0] - (3 * log2(3) + log2(1.5))) < 1e-9 &&
			  fabs(e.weights[1] - (2 * log2(5) + log2(1.25))) < 1e-9,
		  "weights %g %g (wdf unit %u)", e.weights[0], e.weights[1], scale);

	/* Without the floor, every term of theirs. */
	memset(&e, 0, sizeof e);
	CHECK_INT(nxx_expand(r, ids, 3, "Z", 1, scale, q, 10, on_expanded, &e), NX_OK);
	CHECK_INT((int)e.n, 5);
	CHECK(expanded_has(&e, "Zcartel") && expanded_has(&e, "Zquota") && expanded_has(&e, "Zbarrel"));
	CHECK(!expanded_has(&e, "Zoil") && !expanded_has(&e, "Yoil") && !expanded_has(&e, "Xall"));

	/* max caps the count, best first. */
	memset(&e, 0, sizeof e);
	CHECK_INT(nxx_expand(r, ids, 3, "Z", 2, scale, q, 1, on_expanded, &e), NX_OK);
	CHECK_INT((int)e.n, 1);
	CHECK_STR(e.terms[0], "Zprice");
	CHECK_INT(nxx_expand(r, ids, 3, "Z", 2, scale, q, 10, NULL, &e), NX_EINVAL);
	CHECK_INT(nxx_expand(r, ids, 3, "Z", 2, 0, q, 10, on_expanded, &e), NX_EINVAL);
	nxx_query_free(q);
	nxx_db_close(r);
}

int main(void)
{
	char db[4300], moddb[4300];

	test_stem();
	if (!make_tmpdir()) {
		fprintf(stderr, "test_xapian: cannot create a temporary directory\n");
		return 1;
	}
	snprintf(db, sizeof db, "%s/db", tmpdir);
	snprintf(moddb, sizeof moddb, "%s/moddb", tmpdir);
	test_write(db);
	test_queries(db);
	test_enquire(db);
	test_modified(moddb);
	test_scale_wdf();
	snprintf(moddb, sizeof moddb, "%s/expanddb", tmpdir);
	test_expand(moddb, 1);
	snprintf(moddb, sizeof moddb, "%s/expanddb3", tmpdir);
	test_expand(moddb, 3);
	test_open_errors();
	remove_tree(tmpdir);
	return nx_test_done("test_xapian");
}
