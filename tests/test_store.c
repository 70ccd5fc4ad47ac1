/*
 * test_store.c — the index schema: version checks on open (an older index
 * refused, then rebuilt with NX_OPEN_REBUILD), foreign Xapian databases
 * refused, the terms of a word, article keys and date parsing.
 */
#include "nx_store.h"
#include "nx_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmp[256];

static const char *at(const char *name)
{
	static char buf[512];

	snprintf(buf, sizeof buf, "%s/%s", tmp, name);
	return buf;
}

static void test_foreign_and_version(void)
{
	nxx_db *x = NULL;
	nxx_doc *doc = NULL;
	nx_db *db = NULL;

	/* A Xapian database with documents but none of our metadata. */
	CHECK_INT(nxx_db_open(&x, at("foreign"), NXX_WRITE | NXX_CREATE), NX_OK);
	CHECK_INT(nxx_doc_new(&doc), NX_OK);
	CHECK_INT(nxx_doc_add_term(doc, "hello", 5, 1), NX_OK);
	CHECK_INT(nxx_db_add_document(NULL, x, doc), NX_OK);
	nxx_doc_free(doc);
	CHECK_INT(nxx_db_commit(x), NX_OK);
	nxx_db_close(x);
	CHECK_INT(nx_db_open(&db, at("foreign"), NX_OPEN_READ), NX_ENOTINDEX);
	CHECK(strstr(nx_error_message(), "not a newsidx index") != NULL);
	CHECK_INT(nx_db_open(&db, at("foreign"), NX_OPEN_WRITE), NX_ENOTINDEX);
	CHECK(db == NULL);

	/* A newer schema than we read. */
	CHECK_INT(nx_db_open(&db, at("ours"), NX_OPEN_WRITE), NX_OK);
	CHECK_INT(nxx_db_set_metadata(db->x, NX_META_SCHEMA, "99", 2), NX_OK);
	nx_db_close(db);
	db = NULL;
	CHECK_INT(nx_db_open(&db, at("ours"), NX_OPEN_READ), NX_EVERSION);
	CHECK(strstr(nx_error_message(), "99") != NULL);
	/* A version that is no number: not rebuilt either, and the message
	 * does not send the user to the rebuild that refuses. */
	CHECK_INT(nx_db_open(&db, at("odd"), NX_OPEN_WRITE), NX_OK);
	if (db) {
		CHECK_INT(nxx_db_set_metadata(db->x, NX_META_SCHEMA, "6x", 2), NX_OK);
		nx_db_close(db);
		db = NULL;
	}
	CHECK_INT(nx_db_open(&db, at("odd"), NX_OPEN_REBUILD), NX_EVERSION);
	CHECK(strstr(nx_error_message(), "'6x'") && !strstr(nx_error_message(), "--force"));
	CHECK_INT(nx_db_open(&db, at("odd"), NX_OPEN_READ), NX_EVERSION);
	CHECK(db == NULL);
	CHECK_INT(nx_db_open(&db, at("ours"), NX_OPEN_WRITE), NX_EVERSION);
	/* ... and a rebuild leaves it alone: an older newsidx must not empty
	 * a newer one's index. */
	CHECK_INT(nx_db_open(&db, at("ours"), NX_OPEN_REBUILD), NX_EVERSION);
	CHECK(strstr(nx_error_message(), "newer newsidx") != NULL);
	CHECK(db == NULL);
	CHECK_INT(nx_db_open(&db, at("ours"), NX_OPEN_READ), NX_EVERSION);
	CHECK(strstr(nx_error_message(), "99") != NULL);

	/* A fresh index records its schema and opens for reading. */
	CHECK_INT(nx_db_open(&db, at("fresh"), NX_OPEN_WRITE), NX_OK);
	nx_db_close(db);
	CHECK_INT(nx_db_open(&db, at("fresh"), NX_OPEN_READ), NX_OK);
	char *v = NULL;
	if (db) {
		CHECK_INT(nxx_db_get_metadata(&v, NULL, db->x, NX_META_SCHEMA), NX_OK);
		CHECK_INT(atoi(v), NX_SCHEMA_VERSION);
		free(v);
	}
	nx_db_close(db);
	db = NULL;

	/* An index of the previous schema: refused with a way out, rebuilt
	 * (emptied) when opened for a rebuild. */
	CHECK_INT(nx_db_open(&db, at("old"), NX_OPEN_WRITE), NX_OK);
	if (db) {
		char old[16];

		snprintf(old, sizeof old, "%d", NX_SCHEMA_VERSION - 1);
		CHECK_INT(nxx_doc_new(&doc), NX_OK);
		CHECK_INT(nxx_doc_add_term(doc, "Zhello", 6, 1), NX_OK);
		CHECK_INT(nxx_db_add_document(NULL, db->x, doc), NX_OK);
		nxx_doc_free(doc);
		CHECK_INT(nxx_db_set_metadata(db->x, NX_META_SCHEMA, old, strlen(old)), NX_OK);
		CHECK_INT(nxx_db_set_metadata(db->x, NX_META_SOURCE "/a.txt", "x", 1), NX_OK);
		nx_db_close(db);
		db = NULL;
	}
	CHECK_INT(nx_db_open(&db, at("old"), NX_OPEN_READ), NX_EVERSION);
	CHECK(strstr(nx_error_message(), "indexer --force") != NULL);
	CHECK_INT(nx_db_open(&db, at("old"), NX_OPEN_WRITE), NX_EVERSION);
	CHECK(db == NULL);
	CHECK_INT(nx_db_open(&db, at("old"), NX_OPEN_REBUILD), NX_OK);
	nx_db_close(db);
	db = NULL;
	CHECK_INT(nx_db_open(&db, at("old"), NX_OPEN_READ), NX_OK);
	if (db) {
		uint32_t n = 1;

		CHECK_INT(nxx_db_doccount(&n, db->x), NX_OK);
		CHECK_INT(n, 0);
		CHECK_INT(nxx_db_get_metadata(&v, NULL, db->x, NX_META_SOURCE "/a.txt"), NX_OK);
		CHECK_STR(v, "");
		free(v);
	}
	nx_db_close(db);
	db = NULL;
	/* A current index opened for a rebuild keeps what it holds. */
	CHECK_INT(nx_db_open(&db, at("fresh"), NX_OPEN_REBUILD), NX_OK);
	if (db) {
		CHECK_INT(nxx_db_get_metadata(&v, NULL, db->x, NX_META_CREATED), NX_OK);
		CHECK(*v != '\0');
		free(v);
	}
	nx_db_close(db);
	CHECK_INT(nx_db_open(&db, at("fresh"), (nx_open_mode)7), NX_EINVAL);
}

/* ---- the terms of a word ---------------------------------------------------- */

typedef struct terms_seen {
	char all[1024];   /* "term/positional " each */
} terms_seen;

static int on_term(void *ctx, const char *term, size_t len, int positional)
{
	terms_seen *t = ctx;
	size_t n = strlen(t->all);

	snprintf(t->all + n, sizeof t->all - n, "%.*s/%d ", (int)len, term, positional);
	return NX_OK;
}

typedef struct word_ctx {
	nxt_analyzer *a;
	terms_seen seen;
} word_ctx;

static int on_word(void *ctx, const nxt_token *t)
{
	word_ctx *w = ctx;

	return nx_terms_for_word(w->a, "en", t, on_term, &w->seen);
}

/* Every word has its stem as Z, without positions, also a word that is its
 * own stem (/1: positional). */
static void test_word_terms(void)
{
	static const struct {
		const char *word, *terms;
	} cases[] = {
		{ "shoot", "shoot/1 Zshoot/0 " },
		{ "shooting", "shooting/1 Zshoot/0 " },
		{ "Shoots", "shoots/1 Zshoot/0 " },
		{ "café", "café/1 cafe/1 Zcafé/0 Kcafe/0 " },
		{ "Tokayev", "tokayev/1 Xtokaev/1 Ztokayev/0 Ktokaev/0 " },
	};
	word_ctx w = { NULL, { "" } };

	CHECK_INT(nxt_analyzer_new(&w.a), NX_OK);
	for (size_t i = 0; w.a && i < sizeof cases / sizeof *cases; i++) {
		w.seen.all[0] = '\0';
		CHECK_INT(nxt_words(w.a, cases[i].word, strlen(cases[i].word), on_word, &w), NX_OK);
		CHECK_STR(w.seen.all, cases[i].terms);
	}
	nxt_analyzer_free(w.a);
}

static void test_keys(void)
{
	nx_buf b = NX_BUF_INIT;
	char longid[400];

	CHECK_INT(nx_store_key(&b, "reuters-1"), NX_OK);
	CHECK_STR(b.ptr, "reuters-1");
	nx_buf_clear(&b);
	memset(longid, 'x', sizeof longid - 1);
	longid[sizeof longid - 1] = '\0';
	CHECK_INT(nx_store_key(&b, longid), NX_OK);
	CHECK_INT(b.len, 17);
	CHECK(b.ptr[0] == '#');
	char first[32];
	snprintf(first, sizeof first, "%s", b.ptr);
	nx_buf_clear(&b);
	longid[10] = 'y';
	nx_store_key(&b, longid);
	CHECK(strcmp(first, b.ptr) != 0);
	nx_buf_free(&b);
}

static void test_dates(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "2022-01-05", "2022-01-05" },
		{ "1987-02-26T15:01:01Z", "1987-02-26" },
		{ "2022-01-05 10:00", "2022-01-05" },
		{ "2022-13-05", NULL },
		{ "2022-02-29", NULL },   /* not a leap year */
		{ "2024-02-29", "2024-02-29" },
		{ "2022-04-31", NULL },
		{ "2022-1-5", NULL },
		{ "26-FEB-1987", NULL },
		{ "", NULL },
		{ "2022-01-05x", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char iso[11] = "";
		int ok = nx_store_parse_date(iso, cases[i].in);

		CHECK_INT(ok, cases[i].out != NULL);
		if (cases[i].out)
			CHECK_STR(iso, cases[i].out);
	}
}

int main(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmp, sizeof tmp, "%s/nx-store-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmp))
		return 1;
	test_foreign_and_version();
	test_word_terms();
	test_keys();
	test_dates();
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp);
	return nx_test_done("test_store");
}
