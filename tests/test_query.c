/*
 * test_query.c — the query language: every syntax element as the tree it
 * parses to, every malformed query with its message and column, and the
 * elements at work in searches of a small index (phrases, NEAR, NOT,
 * prefixes, fields, dates, all-words-first, snippets, explanations,
 * "did you mean"); and the query path's internals against what they
 * replace (the stored-data reader against jansson, highlights with and
 * without their cache, lazy against copied-out hits).
 */
#include "nx_query.h"
#include "nx_test.h"

#include <math.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* 2022-01-10 12:00 UTC: "now" for relative dates. */
#define NOW ((int64_t)1641816000)

/* ---- parse trees -------------------------------------------------------------- */

static const struct {
	const char *query;
	const char *tree;
} parses[] = {
	{ "tokayev", "tokayev" },
	{ "  tokayev  ", "tokayev" },
	{ "tokayev shooting order", "(seq tokayev shooting order)" },
	{ "\"security forces\"", "\"security forces\"" },
	{ "\xE2\x80\x9C" "security forces" "\xE2\x80\x9D", "\"security forces\"" },
	{ "\xC2\xAB" "силовые структуры" "\xC2\xBB", "\"силовые структуры\"" },
	{ "a \"b c\" d", "(seq a \"b c\" d)" },
	{ "a OR b c", "(seq (or a b) c)" },
	{ "a AND b OR c", "(or (and a b) c)" },
	{ "a b AND c d", "(seq a (and b c) d)" },
	{ "a OR b OR c", "(or a b c)" },
	{ "NOT a", "(not a)" },
	{ "a -b", "(seq a (not b))" },
	{ "a NOT b", "(seq a (not b))" },
	{ "a AND NOT b", "(and a (not b))" },
	{ "-(a b) c", "(seq (not (seq a b)) c)" },
	{ "-\"a b\" c", "(seq (not \"a b\") c)" },
	{ "-lang:ru a", "(seq (not lang:ru) a)" },
	{ "(a OR b) c", "(seq (or a b) c)" },
	{ "((a))", "a" },
	{ "a NEAR b", "(near/10 a b)" },
	{ "a NEAR/3 \"b c\"", "(near/3 a \"b c\")" },
	{ "a NEAR/2 b NEAR/5 c", "(near/5 a b c)" },
	{ "protest*", "protest*" },
	{ "protest** x", "(seq protest* x)" },
	{ "title:tokayev", "(title tokayev)" },
	{ "TITLE:tokayev", "(title tokayev)" },
	{ "title:\"shooting order\"", "(title \"shooting order\")" },
	{ "title:(a OR b)", "(title (or a b))" },
	{ "title:prot*", "(title prot*)" },
	{ "title:AND", "(title AND)" },
	{ "person:Tokayev", "(person \"Tokayev\")" },
	{ "person:\"Kassym-Jomart Tokayev\"", "(person \"Kassym-Jomart Tokayev\")" },
	{ "lang:EN", "lang:en" },
	{ "lang:en lang:ru a", "(seq lang:en lang:ru a)" },
	{ "source:reuters", "source:reuters" },
	{ "source:\"my files\"", "source:my files" },
	{ "since:2022-01-05", "date:2022-01-05.." },
	{ "until:2022-01-07", "date:..2022-01-07" },
	{ "date:2022-01-05..2022-01-07", "date:2022-01-05..2022-01-07" },
	{ "date:2022-01-05", "date:2022-01-05..2022-01-05" },
	{ "date:2022-01", "date:2022-01-01..2022-01-31" },
	{ "date:2024-02", "date:2024-02-01..2024-02-29" },
	{ "date:1900-02", "date:1900-02-01..1900-02-28" },
	{ "date:2022", "date:2022-01-01..2022-12-31" },
	{ "until:2022", "date:..2022-12-31" },
	{ "date:..2022-01-07", "date:..2022-01-07" },
	{ "date:2021..", "date:2021-01-01.." },
	{ "since:7d", "date:2022-01-03.." },
	{ "since:2w", "date:2021-12-27.." },
	{ "since:1m", "date:2021-12-10.." },
	{ "since:1y", "date:2021-01-10.." },
	{ "since:today", "date:2022-01-10.." },
	{ "until:yesterday", "date:..2022-01-09" },
	{ "date:7d", "date:2022-01-03.." },
	{ "date:30d..7d", "date:2021-12-11..2022-01-03" },
	{ "covid-19", "covid-19" },
	{ "Note: this", "(seq Note: this)" },
	{ "http://example.org/a", "http://example.org/a" },
	{ "10:30 news", "(seq 10:30 news)" },
	{ "and or not near", "(seq and or not near)" },
	{ "ORANGE NEARBY NOTE ANDES", "(seq ORANGE NEARBY NOTE ANDES)" },
	{ "a--b", "a--b" },
	{ "-- a", "(seq -- a)" },
	{ "a - b", "(seq a - b)" },
	{ "Тоқаев", "Тоқаев" },
};

static void test_parses(void)
{
	for (size_t i = 0; i < sizeof parses / sizeof *parses; i++) {
		nxq_node *n = NULL;
		nx_buf b = NX_BUF_INIT;
		size_t col = 99;
		int rc = nxq_parse(&n, &col, parses[i].query, NOW);

		CHECK_MSG(rc == NX_OK, "parse '%s': %s", parses[i].query, nx_error_message());
		if (rc == NX_OK) {
			CHECK_INT(col, 0);
			nxq_dump(&b, n);
			nx_buf_putc(&b, '\0');
			CHECK_MSG(b.ptr && strcmp(b.ptr, parses[i].tree) == 0, "'%s' parsed as %s, want %s",
				  parses[i].query, b.ptr ? b.ptr : "(null)", parses[i].tree);
		}
		nx_buf_free(&b);
		nxq_free(n);
	}
}

/* ---- malformed queries ----------------------------------------------------------- */

static const struct {
	const char *query;
	const char *message;   /* a part of the message */
	size_t column;
} errors[] = {
	{ "", "empty query", 1 },
	{ "   ", "empty query", 1 },
	{ "\"unbalanced", "quote is never closed", 1 },
	{ "a \"b c", "quote is never closed", 3 },
	{ "(a b", "'(' is never closed", 1 },
	{ "x (a (b) c", "'(' is never closed", 3 },
	{ "a b)", "')' closes nothing", 4 },
	{ ")", "')' closes nothing", 1 },
	{ "()", "empty parentheses", 1 },
	{ "a ( ) b", "empty parentheses", 3 },
	{ "a OR", "OR needs a word, a phrase or a group after it", 3 },
	{ "OR a", "OR needs a word, a phrase or a group before it", 1 },
	{ "a AND AND b", "AND needs", 3 },
	{ "a AND", "AND needs", 3 },
	{ "(a OR) b", "OR needs", 4 },
	{ "NOT", "NOT needs", 1 },
	{ "a -", "", 0 },   /* a lone "-" is punctuation: parses (checked below) */
	{ "a NOT", "NOT needs", 3 },
	{ "a NEAR", "NEAR needs", 3 },
	{ "NEAR a", "NEAR needs a word, a phrase or a group before it", 1 },
	{ "(a b) NEAR c", "NEAR joins words or phrases", 7 },
	{ "a NEAR lang:en", "NEAR joins words or phrases", 3 },
	{ "a NEAR/x b", "NEAR/ wants a number", 3 },
	{ "a NEAR/ b", "NEAR/ wants a number", 3 },
	{ "a NEAR/5000 b", "at most 1000", 3 },
	{ "foo:bar", "unknown field 'foo:'", 1 },
	{ "x Re:Trump", "unknown field 'Re:'", 3 },
	{ "x title:", "title: needs a value", 3 },
	{ "title: x", "title: needs a value", 1 },
	{ "since:2022-13-01", "no month 13", 7 },
	{ "since:2022-00", "no month 00", 7 },
	{ "since:2022-02-30", "February 2022 has 28 days", 7 },
	{ "date:2024-02-30", "February 2024 has 29 days", 6 },
	{ "since:2022-1-5", "bad date '2022-1-5'", 7 },
	{ "since:yesteryear", "bad date", 7 },
	{ "until:0000", "no year 0", 7 },
	{ "since:2022-01-05..2022-01-07", "since: takes one date", 7 },
	{ "date:2022-01-07..2022-01-05", "ends before it starts", 6 },
	{ "date:..", "needs a date on at least one side", 6 },
	{ "since:\"2022\"", "since: wants a date", 7 },
	{ "lang:english", "lang: wants a language code", 6 },
	{ "lang:e1", "lang: wants a language code", 6 },
	{ "lang:\"en\"", "lang: wants a language code", 6 },
	{ "person:(a b)", "person: takes one value", 8 },
	{ "*", "a * ends the start of a word", 1 },
	{ "a ***", "a * ends the start of a word", 3 },
	{ "title:*", "a * ends the start of a word", 7 },
	{ "\xC3\xBC" "n" "\xC3\xAF" "code (x", "'(' is never closed", 9 },
	{ "Тоқаев \"бұйрық", "quote is never closed", 8 },
};

static void test_errors(void)
{
	char deep[400];

	for (size_t i = 0; i < sizeof errors / sizeof *errors; i++) {
		nxq_node *n = NULL;
		size_t col = 0;
		int rc = nxq_parse(&n, &col, errors[i].query, NOW);

		if (!errors[i].column) {
			CHECK_MSG(rc == NX_OK, "'%s' should parse: %s", errors[i].query, nx_error_message());
			nxq_free(n);
			continue;
		}
		CHECK_MSG(rc == NX_ESYNTAX, "'%s' gave %d, want NX_ESYNTAX", errors[i].query, rc);
		CHECK_MSG(n == NULL, "'%s' left a tree", errors[i].query);
		CHECK_MSG(strstr(nx_error_message(), errors[i].message) != NULL,
			  "'%s': message \"%s\" lacks \"%s\"", errors[i].query, nx_error_message(),
			  errors[i].message);
		CHECK_MSG(col == errors[i].column, "'%s': column %zu, want %zu", errors[i].query, col,
			  errors[i].column);
		{
			char tail[32];

			snprintf(tail, sizeof tail, "(column %zu)", errors[i].column);
			CHECK_MSG(strstr(nx_error_message(), tail) != NULL, "'%s': \"%s\" lacks %s",
				  errors[i].query, nx_error_message(), tail);
		}
		nxq_free(n);
	}
	/* Nesting deeper than the parser recurses is refused, not a crash. */
	memset(deep, '(', 300);
	strcpy(deep + 300, "a");
	{
		nxq_node *n = NULL;
		int rc = nxq_parse(&n, NULL, deep, NOW);

		CHECK_INT(rc, NX_ESYNTAX);
		CHECK(strstr(nx_error_message(), "nests deeper") != NULL);
	}
	{
		static char nots[700];
		nxq_node *n = NULL;
		int rc;

		for (int i = 0; i < 150; i++)
			memcpy(nots + 4 * i, "NOT ", 4);
		strcpy(nots + 600, "a");
		rc = nxq_parse(&n, NULL, nots, NOW);
		CHECK_INT(rc, NX_ESYNTAX);
		nxq_free(n);
	}
}

/* ---- searches ------------------------------------------------------------------- */

static const char *const articles[] = {
	"{\"id\":\"a1\",\"title\":\"Protest in Almaty\",\"date\":\"2022-01-05\",\"lang\":\"en\","
	"\"text\":\"Security forces fired on protesters in Almaty. The president issued a shooting order.\"}",
	"{\"id\":\"a2\",\"title\":\"Weather report\",\"date\":\"2021-06-01\",\"lang\":\"en\","
	"\"text\":\"Sunny weather in Almaty and Astana. No protest is expected this week.\"}",
	"{\"id\":\"a3\",\"title\":\"Markets\",\"date\":\"2022-01-09\",\"lang\":\"en\","
	"\"text\":\"Oil prices rose sharply as markets reopened. Traders in London watched protesters far away.\"}",
	"{\"id\":\"a4\",\"title\":\"Шествие\",\"date\":\"2022-01-08\",\"lang\":\"ru\","
	"\"text\":\"Силовики открыли огонь по демонстрантам на площади.\"}",
	"{\"id\":\"a5\",\"title\":\"A long day\",\"date\":\"2020-03-01\",\"lang\":\"en\","
	"\"text\":\"The morning began quietly with tea and toast and a walk along the river bank "
	"past the old mill and the bakery and the school where children played games in the yard "
	"while teachers talked about lessons plans budgets holidays and the weather until the bell "
	"rang and everyone went inside for another ordinary day that ended with a surprising "
	"giraffe parade downtown.\"}",
};

typedef struct run {
	nx_results *r;
	int rc;
} run;

static run search(nx_db *db, const char *q, int explain)
{
	nx_search_options o = NX_SEARCH_OPTIONS_INIT;
	run x;

	o.now = NOW;
	o.explain = explain;
	o.context = 4;
	x.r = NULL;
	x.rc = nx_search(&x.r, db, q, &o);
	return x;
}

/* The ids of the hits, space-separated. */
static const char *ids(const nx_results *r, char *buf, size_t size)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < nx_results_count(r) && at < size; i++)
		at += (size_t)snprintf(buf + at, size - at, "%s%s", i ? " " : "",
				       nx_results_get(r, i)->id);
	return buf;
}

static const struct {
	const char *query;
	const char *ids;   /* in order */
} searches[] = {
	{ "\"shooting order\"", "a1" },
	{ "protesters NEAR/2 almaty", "a1" },
	{ "almaty NEAR/0 protesters", "" },
	{ "protest* -almaty", "a3" },
	{ "almaty AND sunny", "a2" },
	{ "almaty sunny", "a2 a1" },
	{ "almaty protest", "a1 a2 a3" },
	{ "lang:ru", "a4" },
	{ "almaty since:2022-01-01", "a1" },
	{ "almaty date:2021", "a2" },
	{ "date:2022-01-05..2022-01-08", "a4 a1" },
	{ "title:weather", "a2" },
	{ "title:(weather OR markets)", "a2 a3" },
	{ "NOT oil", "a4 a1 a2 a5" },
	{ "oil OR giraffe", "a3 a5" },
	{ "source:nowhere-such almaty", "" },
	{ "giraffe lang:ru", "" },
	{ "the giraffe", "a5" },
};

static void test_searches(nx_db *db)
{
	char buf[256];

	for (size_t i = 0; i < sizeof searches / sizeof *searches; i++) {
		run x = search(db, searches[i].query, 0);

		CHECK_MSG(x.rc == NX_OK, "search '%s': %s", searches[i].query, nx_error_message());
		if (x.rc == NX_OK) {
			/* Order matters where the list is ranked; sorted
			 * comparison is not needed for these. */
			CHECK_MSG(!strcmp(ids(x.r, buf, sizeof buf), searches[i].ids),
				  "'%s' found [%s], want [%s]", searches[i].query, buf, searches[i].ids);
		}
		nx_results_free(x.r);
	}
}

static void test_ranking(nx_db *db)
{
	run x;
	const nx_hit *h;

	/* All words first: a1 and a2 hold both, a3 only protesters. */
	x = search(db, "almaty protest", 1);
	CHECK_INT(x.rc, NX_OK);
	CHECK_INT(nx_results_count(x.r), 3);
	if (nx_results_count(x.r) == 3) {
		CHECK(nx_results_get(x.r, 0)->all_words);
		CHECK(nx_results_get(x.r, 1)->all_words);
		CHECK(!nx_results_get(x.r, 2)->all_words);
		h = nx_results_get(x.r, 0);
		CHECK_MSG(strstr(h->explain, "almaty") && strstr(h->explain, "protest") &&
			  strstr(h->explain, "every word"), "explain: %s", h->explain);
		CHECK(h->nhighlights >= 2);
	}
	nx_results_free(x.r);

	/* The snippet of a long passage is its densest part. */
	x = search(db, "giraffe parade", 0);
	CHECK_INT(x.rc, NX_OK);
	h = nx_results_get(x.r, 0);
	CHECK(h != NULL);
	if (h) {
		CHECK(h->snippet_start > 0);
		CHECK_INT(h->snippet_end, h->passage_len);
		CHECK(strstr(h->passage + h->snippet_start, "giraffe") != NULL);
	}
	nx_results_free(x.r);

	/* Did you mean. */
	x = search(db, "girafe", 0);
	CHECK_INT(x.rc, NX_OK);
	CHECK_INT(nx_results_count(x.r), 0);
	CHECK_MSG(nx_results_suggestion(x.r) && !strcmp(nx_results_suggestion(x.r), "giraffe"),
		  "suggestion %s", nx_results_suggestion(x.r) ? nx_results_suggestion(x.r) : "(none)");
	nx_results_free(x.r);
	x = search(db, "giraffe", 0);
	CHECK(nx_results_suggestion(x.r) == NULL);
	nx_results_free(x.r);

	/* Recency: the newest of equal matches first. */
	{
		nx_search_options o = NX_SEARCH_OPTIONS_INIT;
		nx_results *r = NULL;
		char buf[64];

		o.now = NOW;
		o.explain = 1;
		CHECK_INT(nx_search(&r, db, "traders OR sunny", &o), NX_OK);
		CHECK_MSG(!strcmp(ids(r, buf, sizeof buf), "a2 a3"), "not recent: %s", buf);
		nx_results_free(r);
		/* a3 is a day old: x 1.93; a2 half a year: x 1.00. */
		o.recent_days = 10;
		CHECK_INT(nx_search(&r, db, "traders OR sunny", &o), NX_OK);
		CHECK_MSG(!strcmp(ids(r, buf, sizeof buf), "a3 a2"), "recent: %s [%s] [%s]", buf, nx_results_get(r, 0)->explain, nx_results_get(r, 1)->explain);
		CHECK(nx_results_count(r) && strstr(nx_results_get(r, 0)->explain, "recency"));
		nx_results_free(r);
	}

	/* Version 1 options are still accepted. */
	{
		struct { unsigned version; size_t offset, limit; int all_passages; } v1 = { 1, 0, 1, 0 };
		nx_results *r = NULL;

		CHECK_INT(nx_search(&r, db, "almaty", (const nx_search_options *)(void *)&v1), NX_OK);
		CHECK_INT(nx_results_count(r), 1);
		nx_results_free(r);
	}

	/* Errors through nx_search keep their column. */
	x = search(db, "almaty (protest", 0);
	CHECK_INT(x.rc, NX_ESYNTAX);
	CHECK(strstr(nx_error_message(), "(column 8)") != NULL);
	x = search(db, "\"--\"", 0);
	CHECK_INT(x.rc, NX_ESYNTAX);
	CHECK(strstr(nx_error_message(), "no words") != NULL);
}

/* ---- separate small indexes ------------------------------------------------------ */

static int cmp_ids(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Index the JSON Lines records `lines` into dir/name (created), open it for
 * reading into *db. */
static int index_lines(nx_db **db, const char *dir, const char *name, const char *const *lines,
		       size_t n)
{
	char path[600], db_path[600];
	const char *paths[] = { path };
	FILE *f;
	int rc;

	*db = NULL;
	snprintf(path, sizeof path, "%s/%s.jsonl", dir, name);
	snprintf(db_path, sizeof db_path, "%s/%s", dir, name);
	if (!(f = fopen(path, "w")))
		return nx_error_set(NX_EIO, "%s: %s", path, strerror(errno));
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\n", lines[i]);
	fclose(f);
	if ((rc = nx_db_open(db, db_path, NX_OPEN_WRITE)))
		return rc;
	rc = nx_index_paths(*db, paths, 1, NULL, NULL);
	nx_db_close(*db);
	*db = NULL;
	return rc ? rc : nx_db_open(db, db_path, NX_OPEN_READ);
}

/* wdf of `term` in the passage of article `id` (0 when absent). */
typedef struct wdf_of {
	const char *term;
	uint32_t wdf;
} wdf_of;

static int on_wdf(void *vc, const char *term, size_t len, uint32_t wdf)
{
	wdf_of *w = vc;

	if (strlen(w->term) == len && !memcmp(w->term, term, len))
		w->wdf = wdf;
	return 0;
}

static uint32_t passage_wdf(nx_db *db, const char *id, const char *term)
{
	char akey[64];
	wdf_of w = { term, 0 };
	uint32_t n = 0;

	snprintf(akey, sizeof akey, "A%s", id);
	CHECK_INT(nxx_db_doccount(&n, db->x), NX_OK);
	/* The articles here are one passage each: find the one with the key. */
	for (nxx_docid did = 1; did <= n; did++) {
		wdf_of a = { akey, UINT32_MAX };

		if (nxx_db_termlist(db->x, did, "A", on_wdf, &a) == NX_OK && a.wdf != UINT32_MAX) {
			nxx_db_termlist(db->x, did, NULL, on_wdf, &w);
			break;
		}
	}
	return w.wdf;
}

/* BM25's length normalisation, which the index holds in the wdf
 * (nx_passage_wdf_factor): an occurrence in a short passage weighs more
 * than one in a long passage, and two more than one. */
static void test_length_norm(const char *dir)
{
	static const char filler[] =
		" Boats came back to the harbour at dawn with full nets, gulls followed"
		" them, the fishermen sold their catch on the quay and the market was"
		" busy until noon.";
	char text[3][2048];
	const char *lines[] = { text[0], text[1], text[2] };
	nx_db *db = NULL;
	uint32_t once, twice, boats;
	char buf[64];
	run x;

	snprintf(text[0], sizeof text[0],
		 "{\"id\":\"short\",\"text\":\"A walrus slept on the rocks near the harbour.\"}");
	snprintf(text[1], sizeof text[1], "{\"id\":\"long\",\"text\":\"A walrus slept.%s%s%s%s\"}",
		 filler, filler, filler, filler);
	snprintf(text[2], sizeof text[2],
		 "{\"id\":\"long2\",\"text\":\"A walrus slept, another walrus woke.%s%s%s%s\"}",
		 filler, filler, filler, filler);
	CHECK_INT(index_lines(&db, dir, "lengths", lines, 3), NX_OK);
	if (!db)
		return;
	x = search(db, "walrus", 0);
	CHECK_INT(x.rc, NX_OK);
	CHECK_MSG(!strcmp(ids(x.r, buf, sizeof buf), "short long2 long"), "order %s", buf);
	nx_results_free(x.r);

	once = passage_wdf(db, "long", "walrus");
	twice = passage_wdf(db, "long2", "walrus");
	boats = passage_wdf(db, "long2", "boats");  /* four times */
	CHECK_MSG(passage_wdf(db, "short", "walrus") > once && once > 1,
		  "wdf short %u long %u", passage_wdf(db, "short", "walrus"), once);
	/* Occurrences times the passage's factor, rounded once per term. */
	CHECK_MSG(twice > 0 && boats + 2 >= 2 * twice && boats <= 2 * twice + 2,
		  "wdf walrus x2 %u, boats x4 %u", twice, boats);
	/* Filters stay boolean. */
	CHECK_INT((int)passage_wdf(db, "long2", "Along2"), 0);
	nx_db_close(db);
}

/* A record that is a title alone is found by title:, and its words count
 * once: it scores as the same words given as text without a title. */
static void test_title_only(const char *dir)
{
	static const char *const lines[] = {
		"{\"id\":\"t1\",\"title\":\"Zebra census in Kenya\"}",
		"{\"id\":\"t2\",\"text\":\"Zebra census in Kenya\"}",
		"{\"id\":\"t3\",\"title\":\"Rain\",\"text\":\"Heavy rain fell on Nairobi.\"}",
	};
	nx_db *db = NULL;
	run x;
	char buf[64];

	CHECK_INT(index_lines(&db, dir, "titles", lines, 3), NX_OK);
	if (!db)
		return;
	x = search(db, "title:census", 0);
	CHECK_INT(x.rc, NX_OK);
	CHECK_MSG(!strcmp(ids(x.r, buf, sizeof buf), "t1"), "title:census found [%s]", buf);
	nx_results_free(x.r);
	x = search(db, "kenya", 0);
	CHECK_INT(x.rc, NX_OK);
	CHECK_INT(nx_results_count(x.r), 2);
	if (nx_results_count(x.r) == 2) {
		const nx_hit *a = nx_results_get(x.r, 0), *b = nx_results_get(x.r, 1);

		CHECK_MSG(fabs(a->score - b->score) < 1e-9, "%s %.6f vs %s %.6f", a->id, a->score,
			  b->id, b->score);
		CHECK_STR(nx_results_get(x.r, strcmp(a->id, "t1") ? 1 : 0)->passage,
			  "Zebra census in Kenya");
	}
	nx_results_free(x.r);
	nx_db_close(db);
}

/* search --lang: query words stem for that language only. */
static void test_lang(nx_db *db)
{
	nx_search_options o = NX_SEARCH_OPTIONS_INIT;
	nx_results *r = NULL;

	/* protesting -> protest (English) finds "protesters" and "protest";
	 * French leaves the word as it is. */
	CHECK_INT(nx_search(&r, db, "protesting", &o), NX_OK);
	CHECK_INT(nx_results_count(r), 3);
	nx_results_free(r);
	o.lang = "EN";
	CHECK_INT(nx_search(&r, db, "protesting", &o), NX_OK);
	CHECK_INT(nx_results_count(r), 3);
	nx_results_free(r);
	o.lang = "fr";
	CHECK_INT(nx_search(&r, db, "protesting", &o), NX_OK);
	CHECK_INT(nx_results_count(r), 0);
	nx_results_free(r);
	/* The exact word is found whatever the language. */
	CHECK_INT(nx_search(&r, db, "protesters", &o), NX_OK);
	CHECK_INT(nx_results_count(r), 2);
	nx_results_free(r);
	for (size_t i = 0; i < 3; i++) {
		static const char *const bad[] = { "english", "e1", "" };

		r = NULL;
		o.lang = bad[i];
		CHECK_INT(nx_search(&r, db, "protesting", &o), NX_EINVAL);
		CHECK(r == NULL);
		CHECK(strstr(nx_error_message(), "language code") != NULL);
	}
	/* A version 2 caller has no lang: whatever follows is not read. */
	o.version = 2;
	CHECK_INT(nx_search(&r, db, "protesting", &o), NX_OK);
	CHECK_INT(nx_results_count(r), 3);
	nx_results_free(r);
}

/* A hyphenated word is a phrase of its parts or the parts written as one
 * word, never its parts anywhere. */
static void test_hyphens(const char *dir)
{
	static const char *const lines[] = {
		"{\"id\":\"h1\",\"lang\":\"en\",\"text\":\"Alma-Ata was the capital.\"}",
		"{\"id\":\"h2\",\"lang\":\"en\",\"text\":\"Alma is a name. Ata is a word.\"}",
		"{\"id\":\"h3\",\"lang\":\"en\",\"text\":\"Almaata is another spelling.\"}",
		"{\"id\":\"h4\",\"lang\":\"en\",\"text\":\"The Alma Ata road.\"}",
		"{\"id\":\"h5\",\"lang\":\"ru\",\"text\":\"Бизнес-климат в стране улучшился.\"}",
		"{\"id\":\"h6\",\"lang\":\"ru\",\"text\":\"Климат меняется. Бизнес растёт.\"}",
		"{\"id\":\"h7\",\"lang\":\"ru\",\"text\":\"Бизнес климат страны.\"}",
	};
	static const struct {
		const char *query, *ids;   /* ids sorted */
	} want[] = {
		{ "Alma-Ata", "h1 h3 h4" },
		{ "alma-ata", "h1 h3 h4" },
		{ "\"Alma-Ata\"", "h1 h3 h4" },
		{ "Бизнес-климат", "h5 h7" },
		{ "бизнес-климат рост", "h5 h7" },
	};
	nx_db *db = NULL;

	CHECK_INT(index_lines(&db, dir, "hyphens", lines, sizeof lines / sizeof *lines), NX_OK);
	for (size_t i = 0; db && i < sizeof want / sizeof *want; i++) {
		run x = search(db, want[i].query, 0);
		const char *got[8];
		char buf[64] = "";
		size_t n = nx_results_count(x.r), at = 0;

		CHECK_INT(x.rc, NX_OK);
		for (size_t k = 0; k < n && k < 8; k++)
			got[k] = nx_results_get(x.r, k)->id;
		qsort(got, n < 8 ? n : 8, sizeof *got, cmp_ids);
		for (size_t k = 0; k < n && k < 8; k++)
			at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%s", k ? " " : "", got[k]);
		CHECK_MSG(!strcmp(buf, want[i].ids), "'%s' found [%s], want [%s]", want[i].query, buf,
			  want[i].ids);
		nx_results_free(x.r);
	}
	nx_db_close(db);
}

/* The index changes under an open reader (an indexer commits again and
 * again): the search reopens it and answers from the newest state. */
static void test_modified(const char *dir)
{
	char path[600], db_path[600];
	const char *paths[] = { path };
	nx_db *r = NULL, *w = NULL;
	run x;

	snprintf(path, sizeof path, "%s/mod.jsonl", dir);
	snprintf(db_path, sizeof db_path, "%s/mod", dir);
	for (int round = 0; round < 12; round++) {
		FILE *f = fopen(path, "w");

		CHECK(f != NULL);
		if (!f)
			return;
		for (int i = 0; i < 300; i++)
			fprintf(f, "{\"id\":\"m%d\",\"text\":\"Round %d of the story %d: "
				"zebra%d giraffe%d okapi.\"}\n", i, round, i, round * 1000 + i, i);
		fclose(f);
		CHECK_INT(nx_db_open(&w, db_path, NX_OPEN_WRITE), NX_OK);
		CHECK_INT(nx_index_paths(w, paths, 1, NULL, NULL), NX_OK);
		nx_db_close(w);
		w = NULL;
		if (round == 0)
			CHECK_INT(nx_db_open(&r, db_path, NX_OPEN_READ), NX_OK);
	}
	x = search(r, "okapi zebra11005", 0);
	CHECK_MSG(x.rc == NX_OK, "search after changes: %d %s", x.rc, nx_error_message());
	CHECK(nx_results_count(x.r) > 0 && !strcmp(nx_results_get(x.r, 0)->id, "m5"));
	nx_results_free(x.r);
	nx_db_close(r);
}

/* ---- people ------------------------------------------------------------------------ */

static const char *const people_articles[] = {
	"{\"id\":\"p1\",\"title\":\"Talks\",\"date\":\"2022-01-05\",\"lang\":\"en\","
	"\"text\":\"President Kassym-Jomart Tokayev met the pianist Vikram Ruzakhunov in Almaty. "
	"Tokayev promised a fair trial.\"}",
	"{\"id\":\"p2\",\"title\":\"Released\",\"date\":\"2022-01-07\",\"lang\":\"en\","
	"\"text\":\"The pianist Ruzakhunov was released on Monday. Ruzakunov thanked his lawyers in "
	"Almaty.\"}",
	"{\"id\":\"p3\",\"title\":\"Заявление\",\"date\":\"2022-01-06\",\"lang\":\"ru\","
	"\"text\":\"Президент Касым-Жомарт Токаев выступил в Алматы.\"}",
	"{\"id\":\"p4\",\"title\":\"Police\",\"date\":\"2022-01-08\",\"lang\":\"en\","
	"\"text\":\"Police said the order came from the city. Police patrolled Almaty all night.\"}",
	"{\"id\":\"p5\",\"title\":\"Visit\",\"date\":\"2022-01-09\",\"lang\":\"en\","
	"\"text\":\"President Tokayev visited Astana on Sunday.\"}",
	/* Two people one edit apart, told apart by their given names. */
	"{\"id\":\"p6\",\"title\":\"Staff\",\"date\":\"2022-01-10\",\"lang\":\"en\","
	"\"text\":\"The chief of staff Donald Regan resigned. Regan left the White House.\"}",
	"{\"id\":\"p7\",\"title\":\"White House\",\"date\":\"2022-01-10\",\"lang\":\"en\","
	"\"text\":\"President Ronald Reagan accepted the letter. Reagan thanked the staff.\"}",
};

/* The ids of the hits of q, sorted, space-separated. */
static const char *sorted_ids(nx_db *db, const char *q, char *buf, size_t size, int *rc)
{
	run x = search(db, q, 0);
	const char *list[16];
	size_t n = 0, at = 0;

	*rc = x.rc;
	buf[0] = '\0';
	for (size_t i = 0; i < nx_results_count(x.r) && n < 16; i++)
		list[n++] = nx_results_get(x.r, i)->id;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(list[j - 1], list[j]) > 0; j--) {
			const char *t = list[j];

			list[j] = list[j - 1];
			list[j - 1] = t;
		}
	for (size_t i = 0; i < n && at < size; i++)
		at += (size_t)snprintf(buf + at, size - at, "%s%s", i ? " " : "", list[i]);
	nx_results_free(x.r);
	return buf;
}

static const struct {
	const char *query;
	const char *ids;   /* sorted */
} person_searches[] = {
	{ "person:Tokayev", "p1 p3 p5" },
	{ "person:Токаев", "p1 p3 p5" },
	{ "person:Тоқаевтың", "p1 p3 p5" },
	{ "person:\"Kassym-Jomart Tokayev\"", "p1 p3 p5" },
	{ "person:Ruzakhunov", "p1 p2" },
	{ "person:Ruzakunov", "p1 p2" },
	{ "person:Ruzakhunov almaty", "p1 p2" },
	{ "person:Tokayev -person:Ruzakhunov", "p3 p5" },
	{ "person:Tokayev OR police", "p1 p3 p4 p5" },
	{ "person:Reagan", "p7" },
	{ "person:Regan", "p6" },
	{ "Reagan", "p7" },
	{ "almaty person:Tokayev lang:en", "p1" },
	/* unknown people and ordinary words: nothing, and no error */
	{ "person:Qwertyuiopov", "" },
	{ "person:police", "" },
	{ "person:order almaty", "" },
};

static void test_person_filter(nx_db *db)
{
	char buf[128];
	int rc;

	for (size_t i = 0; i < sizeof person_searches / sizeof *person_searches; i++) {
		sorted_ids(db, person_searches[i].query, buf, sizeof buf, &rc);
		CHECK_MSG(rc == NX_OK, "search '%s': %s", person_searches[i].query, nx_error_message());
		CHECK_MSG(!strcmp(buf, person_searches[i].ids), "'%s' found [%s], want [%s]",
			  person_searches[i].query, buf, person_searches[i].ids);
	}
	/* A name with nothing to key, or no name at all: a syntax error. */
	{
		static const char *const bad[] = { "person:\"--\"", "person:", "person:\"\"",
						   "x person:\"\xE4\xB8\xAD\xE6\x96\x87\"" };

		for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
			run x = search(db, bad[i], 0);

			CHECK_MSG(x.rc == NX_ESYNTAX, "'%s' gave %d", bad[i], x.rc);
			CHECK_MSG(strstr(nx_error_message(), "person:") &&
				  strstr(nx_error_message(), "(column "), "'%s': %s", bad[i],
				  nx_error_message());
			nx_results_free(x.r);
		}
	}
}

static void test_matched_forms(nx_db *db)
{
	static const char *const queries[] = { "Ruzakhunov", "person:Ruzakhunov" };

	for (size_t q = 0; q < 2; q++) {
		run x = search(db, queries[q], 0);
		size_t found = 0;

		CHECK_INT(x.rc, NX_OK);
		for (size_t i = 0; i < nx_results_count(x.r); i++) {
			const nx_hit *h = nx_results_get(x.r, i);

			for (size_t k = 0; k < h->nmatched; k++) {
				const nx_matched_form *f = &h->matched[k];

				CHECK(f->end <= h->passage_len && f->start < f->end);
				CHECK(!strncmp(h->passage + f->start, f->form, f->end - f->start));
				CHECK_STR(f->query, "Ruzakhunov");
				found += !strcmp(h->id, "p2") && !strcmp(f->form, "Ruzakunov");
			}
			/* The exact spelling is never "another form". */
			for (size_t k = 0; k < h->nmatched; k++)
				CHECK(strcmp(h->matched[k].form, "Ruzakhunov") != 0);
			if (!strcmp(h->id, "p2")) {
				char *json = NULL;

				CHECK_INT(nx_hit_to_json(&json, h), NX_OK);
				CHECK_MSG(json && strstr(json, "\"matched\":[{\"form\":\"Ruzakunov\","
								"\"query\":\"Ruzakhunov\",\"span\":["),
					  "json: %s", json ? json : "(null)");
				free(json);
			}
		}
		CHECK_MSG(found == 1, "'%s': Ruzakunov matched for Ruzakhunov %zu times in p2",
			  queries[q], found);
		nx_results_free(x.r);
	}
	/* Another script is the same name, not another spelling. */
	{
		run x = search(db, "Токаев", 0);

		CHECK_INT(x.rc, NX_OK);
		CHECK(nx_results_count(x.r) == 3);
		for (size_t i = 0; i < nx_results_count(x.r); i++)
			CHECK_INT(nx_results_get(x.r, i)->nmatched, 0);
		nx_results_free(x.r);
	}
}

/* The person named `name` in l, or NULL. */
static const nx_person *person_named(const nx_people_list *l, const char *name)
{
	for (size_t i = 0; i < nx_people_list_count(l); i++)
		if (!strcmp(nx_people_list_get(l, i)->name, name))
			return nx_people_list_get(l, i);
	return NULL;
}

static int has_spelling(const nx_person *p, const char *form)
{
	for (size_t i = 0; p && i < p->nspellings; i++)
		if (!strcmp(p->spellings[i].form, form))
			return 1;
	return 0;
}

static void test_people_list(nx_db *db)
{
	nx_people_options o = NX_PEOPLE_OPTIONS_INIT;
	nx_people_list *l = NULL;
	const nx_person *p;
	char *json = NULL;

	o.now = NOW;
	CHECK_INT(nx_people(&l, db, "almaty OR алматы", &o), NX_OK);
	CHECK_INT(nx_people_list_passages(l), 4);
	/* Tokayev: p1 and p3, his two spellings one person, under the one
	 * more common in the index (tied in these passages). */
	p = person_named(l, "Tokayev");
	CHECK(p != NULL);
	if (p) {
		CHECK_INT(p->passages, 2);
		CHECK_INT(p->articles, 2);
		CHECK(has_spelling(p, "Токаев"));
		CHECK_STR(p->key, "tokaev");
		CHECK_INT(p->rank, 1);
	}
	/* Ruzakhunov: p1 and p2, Ruzakunov among his spellings, not apart. */
	p = person_named(l, "Ruzakhunov");
	CHECK(p != NULL);
	if (p) {
		CHECK_INT(p->passages, 2);
		CHECK(has_spelling(p, "Ruzakunov"));
		CHECK_INT(p->spellings[0].passages, 2);
	}
	CHECK(person_named(l, "Ruzakunov") == NULL);
	CHECK(person_named(l, "Токаев") == NULL);
	CHECK(nx_people_list_get(l, nx_people_list_count(l)) == NULL);
	CHECK_INT(nx_person_to_json(&json, nx_people_list_get(l, 0)), NX_OK);
	CHECK_MSG(json && strstr(json, "\"name\":\"Tokayev\"") && strstr(json, "\"form\":\"Токаев\""),
		  "json: %s", json ? json : "(null)");
	free(json);
	nx_people_list_free(l);
	l = NULL;

	/* -n and the passage bound. */
	o.limit = 1;
	o.passages = 1;
	CHECK_INT(nx_people(&l, db, "almaty OR алматы", &o), NX_OK);
	CHECK(nx_people_list_count(l) <= 1);
	CHECK_INT(nx_people_list_passages(l), 1);
	CHECK(nx_people_list_estimate(l) >= 4);
	nx_people_list_free(l);
	l = NULL;

	/* Look-alike names of two people stay two people. */
	CHECK_INT(nx_people(&l, db, "staff", NULL), NX_OK);
	p = person_named(l, "Reagan");
	CHECK(p && p->nspellings == 1 && p->passages == 1);
	p = person_named(l, "Regan");
	CHECK(p && p->nspellings == 1 && p->passages == 1);
	nx_people_list_free(l);
	l = NULL;

	/* A query nobody is named for: an empty list, no error. */
	CHECK_INT(nx_people(&l, db, "patrolled", NULL), NX_OK);
	CHECK_INT(nx_people_list_count(l), 0);
	CHECK_INT(nx_people_list_passages(l), 1);
	nx_people_list_free(l);
	l = NULL;

	/* Bad input. */
	o = (nx_people_options)NX_PEOPLE_OPTIONS_INIT;
	CHECK_INT(nx_people(&l, db, NULL, NULL), NX_EINVAL);
	CHECK(l == NULL);
	CHECK_INT(nx_people(&l, NULL, "almaty", NULL), NX_EINVAL);
	CHECK_INT(nx_people(NULL, db, "almaty", NULL), NX_EINVAL);
	CHECK_INT(nx_people(&l, db, "almaty (", NULL), NX_ESYNTAX);
	CHECK(strstr(nx_error_message(), "(column 8)") != NULL);
	CHECK_INT(nx_people(&l, db, "", NULL), NX_ESYNTAX);
	CHECK_INT(nx_people(&l, db, "\xFF", NULL), NX_ESYNTAX);
	o.version = 99;
	CHECK_INT(nx_people(&l, db, "almaty", &o), NX_EINVAL);
	CHECK(strstr(nx_error_message(), "version 99") != NULL);
	o.version = NX_PEOPLE_OPTIONS_VERSION;
	o.limit = 0;
	CHECK_INT(nx_people(&l, db, "almaty", &o), NX_EINVAL);
	o.limit = 10;
	o.passages = 0;
	CHECK_INT(nx_people(&l, db, "almaty", &o), NX_EINVAL);
	o.passages = 100001;
	CHECK_INT(nx_people(&l, db, "almaty", &o), NX_EINVAL);
	CHECK(l == NULL);
	CHECK_INT(nx_person_to_json(&json, NULL), NX_EINVAL);
	CHECK(json == NULL);
	CHECK_INT(nx_people_list_count(NULL), 0);
	CHECK(nx_people_list_get(NULL, 0) == NULL);
	nx_people_list_free(NULL);
}

static int count_key(void *ctx, const char *key, size_t len)
{
	(void)key;
	(void)len;
	(*(size_t *)ctx)++;
	return 0;
}

static int count_term(void *ctx, const char *term, size_t len, uint32_t tf)
{
	(void)tf;
	return count_key(ctx, term, len);
}

static int count_ruzakhunov(void *ctx, const char *key, size_t len)
{
	static const char k[] = ":ruzahunov";  /* Ruzakhunov's name key */

	if (len > sizeof k - 1 && !memcmp(key + len - (sizeof k - 1), k, sizeof k - 1))
		(*(size_t *)ctx)++;
	return 0;
}

/* Probes stay when a spelling's passages go: its key is no variant any
 * more. */
static void test_probes_of_gone(const char *dir)
{
	static const char *const both[] = {
		"{\"id\":\"g1\",\"text\":\"The pianist Vikram Ruzakhunov was released.\"}",
		"{\"id\":\"g2\",\"text\":\"Vikram Ruzakunov thanked his lawyers.\"}",
	};
	nx_buf keys = NX_BUF_INIT;
	nxt_analyzer *an = NULL;
	nx_db *db = NULL;
	size_t n = 0;

	for (size_t lines = 2; lines >= 1; lines--) {
		CHECK_INT(index_lines(&db, dir, "gone", both, lines), NX_OK);
		if (!db)
			return;
		CHECK_INT(nx_db_analyzer(&an, db), NX_OK);
		CHECK_INT(nx_name_variants(&keys, &n, db, an, "ruzakhunov", 10), NX_OK);
		/* the own key first, then Ruzakunov's while it has a passage */
		CHECK_MSG(n == lines, "%zu passages' spellings, %zu keys", lines, n);
		nx_db_close(db);
		db = NULL;
	}
	nx_buf_free(&keys);
}

/* Name probes are metadata filed once per key, not terms on passages. */
static void test_probes(nx_db *db)
{
	size_t terms = 0, keys = 0, ruza = 0;

	CHECK_INT(nxx_db_allterms(db->x, NX_PREFIX_NAME_PROBE, count_term, &terms), NX_OK);
	CHECK_INT(nxx_db_metadata_keys(db->x, NX_PREFIX_NAME_PROBE, count_key, &keys), NX_OK);
	CHECK_MSG(terms == 0 && keys > 10, "%zu B terms, %zu B metadata keys", terms, keys);
	CHECK_INT(nxx_db_metadata_keys(db->x, NX_PREFIX_NAME_PROBE, count_ruzakhunov, &ruza), NX_OK);
	CHECK_MSG(ruza >= 10, "Ruzakhunov's key under %zu probes", ruza);
}

static void test_people(nx_db *db)
{
	test_probes(db);
	test_person_filter(db);
	test_matched_forms(db);
	test_people_list(db);
}

/* ---- query path internals: stored data, highlight cache, lazy hits ------------- */

/* nx_stored_parse() against jansson, which read the stored data before:
 * the same fields, and an error exactly when jansson had one. */
static void check_stored_like_jansson(const char *data, size_t len)
{
	nx_stored sd;
	json_error_t jerr;
	json_t *o = json_loadb(data, len, 0, &jerr);
	int rc = nx_stored_parse(&sd, data, len, "doc");
	int ok = o && json_is_object(o);

	CHECK_MSG((rc == NX_OK) == ok, "'%.*s': ours %d, jansson %s", (int)len, data, rc,
		  ok ? "ok" : jerr.text);
	if (rc == NX_OK && ok) {
		static const char *const keys[] = { "id", "title", "date", "source", "url", "lang" };
		const char *got[] = { sd.id, sd.title, sd.date, sd.source, sd.url, sd.lang };
		json_t *text = json_object_get(o, "text");
		json_int_t start = json_integer_value(json_object_get(o, "start"));
		json_int_t no = json_integer_value(json_object_get(o, "no"));

		for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
			const char *want = json_string_value(json_object_get(o, keys[i]));

			CHECK_MSG(!strcmp(got[i], want ? want : ""), "'%.*s': %s is '%s'", (int)len,
				  data, keys[i], got[i]);
		}
		CHECK_MSG(sd.text_len == (json_is_string(text) ? json_string_length(text) : 0) &&
			  !memcmp(sd.text, json_is_string(text) ? json_string_value(text) : "",
				  sd.text_len), "'%.*s': text differs", (int)len, data);
		CHECK_MSG(sd.start == (size_t)(start > 0 ? start : 0) && sd.no == (size_t)(no > 0 ? no : 0),
			  "'%.*s': start %zu no %zu", (int)len, data, sd.start, sd.no);
	} else if (rc != NX_OK) {
		CHECK_INT(rc, NX_ECORRUPT);
		CHECK_MSG(strstr(nx_error_message(), "doc has unreadable stored data"), "message: %s",
			  nx_error_message());
	}
	nx_stored_free(&sd);
	json_decref(o);
}

static void test_stored_data(void)
{
	static const char *const cases[] = {
		"{\"id\":\"a1\",\"title\":\"T\",\"date\":\"2022-01-05\",\"source\":\"/s.jsonl\","
		"\"url\":\"\",\"lang\":\"en\",\"no\":3,\"start\":120,\"end\":130,\"text\":\"hello\"}",
		"{\"text\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u0416\\u20ac\\ud83d\\ude00\"}",
		"{\"text\":\"\xd0\x96\xe2\x82\xac\xf0\x9f\x98\x80 raw\"}",
		" { \"id\" : \"x\" , \"extra\" : [1, {\"a\": [true, false, null]}, \"s\"], \"n\": -1.5e3 } ",
		"{\"id\":\"first\",\"id\":\"last\"}",
		"{\"title\":5,\"start\":\"7\",\"no\":-2,\"text\":null}",
		"{\"start\":2.0,\"no\":1e2}",
		"{\"\\u0069d\":\"escaped key\"}",
		"{}",
		"{\"start\":9223372036854775807}",
		/* not JSON, or not what jansson accepts */
		"", "[]", "\"text\"", "{", "{\"id\"}", "{\"id\":}", "{\"id\":\"x\",}", "{\"id\":\"x\"} x",
		"{\"id\":\"x\"}{}", "{\"text\":\"\\u0000\"}", "{\"text\":\"\\ud83d\"}",
		"{\"text\":\"\\ude00\"}", "{\"text\":\"\\ud83dx\"}", "{\"text\":\"\\x\"}",
		"{\"text\":\"\\u12\"}", "{\"text\":\"a\nb\"}", "{\"text\":\"\xff\"}", "{\"text\":\"abc",
		"{\"no\":01}", "{\"no\":1.}", "{\"no\":-}", "{\"no\":9223372036854775808}",
		"{\"x\":tru}", "{\"x\":[1,]}", "{\"x\":[1 2]}", "{'id':'x'}",
	};
	const char *seed = cases[0];
	size_t slen = strlen(seed);
	char buf[512];
	unsigned r = 12345;
	nx_stored sd;

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		check_stored_like_jansson(cases[i], strlen(cases[i]));
	CHECK_INT(nx_stored_parse(&sd, "{\"no\":1\0}", 9, "doc"), NX_ECORRUPT);
	CHECK_INT(nx_stored_parse(&sd, "{\"id\":\"a\0b\"}", 12, "doc"), NX_ECORRUPT);
	/* Every byte of a record changed (to a byte that matters to JSON, or
	 * any), dropped, or the record cut short there. */
	for (size_t at = 0; at < slen; at++) {
		static const char special[] = "{}[]\":,\\ u0e-.9";

		for (size_t k = 0; k < sizeof special; k++) {
			memcpy(buf, seed, slen);
			/* Not a NUL byte: jansson's reader skips those
			 * outside strings; ours refuses them (below). */
			r = r * 1103515245 + 12345;
			buf[at] = k < sizeof special - 1 ? special[k] : (char)(1 + (r >> 16) % 255);
			check_stored_like_jansson(buf, slen);
		}
		memcpy(buf, seed, at);
		memcpy(buf + at, seed + at + 1, slen - at - 1);
		check_stored_like_jansson(buf, slen - 1);
		check_stored_like_jansson(seed, at);
	}
}

/* Highlights through the per-query cache are the ones without it, on every
 * passage of the index, with the cache cold and warm. */
static void test_highlight_cache(nx_db *db)
{
	static const char *const queries[] = { "tokayev shooting order", "\"security forces\" almaty",
					       "protest*", "fuel prices -police" };
	nxt_analyzer *an = NULL;

	CHECK_INT(nx_db_analyzer(&an, db), NX_OK);
	for (size_t qi = 0; an && qi < sizeof queries / sizeof *queries; qi++) {
		nx_hlcache hc = NX_HLCACHE_INIT;
		nx_search_options o = NX_SEARCH_OPTIONS_INIT;
		nx_results *r = NULL;
		nxq_node *root = NULL;
		nxq_compiled cc;
		nx_qterms qt;

		memset(&cc, 0, sizeof cc);
		memset(&qt, 0, sizeof qt);
		qt.db = db;
		o.all_passages = 1;
		o.limit = 100;
		CHECK_INT(nx_search(&r, db, queries[qi], &o), NX_OK);
		CHECK_INT(nxq_parse(&root, NULL, queries[qi], NOW), NX_OK);
		CHECK_INT(nxq_compile(&cc, root, queries[qi], db, an, &qt), NX_OK);
		CHECK(nx_results_count(r) > 0);
		for (int pass = 0; pass < 2; pass++) {
			for (size_t i = 0; i < nx_results_count(r); i++) {
				const nx_hit *h = nx_results_get(r, i);
				nx_span *a = NULL, *b = NULL, wa, wb;
				size_t na = 0, nb = 0;

				CHECK_INT(nx_highlight_forms(&a, &na, &wa, NULL, NULL, an, &qt, NULL, h->lang,
							     h->passage, h->passage_len, 16, 4, NULL), NX_OK);
				CHECK_INT(nx_highlight_forms(&b, &nb, &wb, NULL, NULL, an, &qt, NULL, h->lang,
							     h->passage, h->passage_len, 16, 4, &hc), NX_OK);
				CHECK_MSG(na == nb && (!na || !memcmp(a, b, na * sizeof *a)) &&
					  wa.start == wb.start && wa.end == wb.end,
					  "'%s', hit %zu: %zu highlights, %zu through the cache",
					  queries[qi], i, na, nb);
				free(a);
				free(b);
			}
		}
		CHECK(hc.n > 0);
		nx_hlcache_free(&hc);
		nxq_compiled_free(&cc);
		nxq_free(root);
		nx_qterms_free(&qt);
		nx_results_free(r);
	}
}

/* A lazy result set reads the same data and values as one copied out. */
static void test_lazy_hits(nx_db *db)
{
	nxx_enquire_opts eager = NXX_ENQUIRE_OPTS_INIT, lazy = NXX_ENQUIRE_OPTS_INIT;
	nxx_mset *me = NULL, *ml = NULL;
	nxx_query *q = NULL;

	eager.limit = lazy.limit = 50;
	eager.collapse_slot = lazy.collapse_slot = NX_SLOT_ARTICLE;
	lazy.lazy = 1;
	CHECK_INT(nxx_query_match_all(&q), NX_OK);
	CHECK_INT(nxx_enquire(&me, db->x, q, &eager), NX_OK);
	CHECK_INT(nxx_enquire(&ml, db->x, q, &lazy), NX_OK);
	CHECK(nxx_mset_size(me) > 1);
	CHECK_INT(nxx_mset_size(ml), nxx_mset_size(me));
	for (size_t i = nxx_mset_size(me); i-- > 0;) {   /* backwards: out of order */
		for (unsigned slot = 0; slot <= NX_SLOT_PASSAGE + 1; slot++) {
			char *a = NULL, *b = NULL;

			CHECK_INT(nxx_mset_value(&a, NULL, me, i, slot), NX_OK);
			CHECK_INT(nxx_mset_value(&b, NULL, ml, i, slot), NX_OK);
			CHECK_MSG(a && b && !strcmp(a, b), "hit %zu slot %u: '%s' vs '%s'", i, slot, a, b);
			free(a);
			free(b);
		}
		for (int twice = 0; twice < 2; twice++) {
			char *a = NULL, *b = NULL;
			size_t al = 0, bl = 0;

			CHECK_INT(nxx_mset_data(&a, &al, me, i), NX_OK);
			CHECK_INT(nxx_mset_data(&b, &bl, ml, i), NX_OK);
			CHECK(a && b && al == bl && al > 0 && !memcmp(a, b, al));
			free(a);
			free(b);
		}
	}
	nxx_mset_free(me);
	nxx_mset_free(ml);
	nxx_query_free(q);
}

/* The docids a query matches, ascending, as text. */
static void docids(char *buf, size_t size, nx_db *db, const nxx_query *q)
{
	nxx_enquire_opts eo = NXX_ENQUIRE_OPTS_INIT;
	nxx_mset *m = NULL;
	unsigned ids[64];
	size_t n = 0, at = 0;

	eo.limit = 64;
	eo.lazy = 1;
	*buf = '\0';
	CHECK_INT(nxx_enquire(&m, db->x, q, &eo), NX_OK);
	for (size_t i = 0; i < nxx_mset_size(m) && n < 64; i++) {
		nxx_hit h;

		if (nxx_mset_hit(&h, m, i) == NX_OK)
			ids[n++] = (unsigned)h.docid;
	}
	nxx_mset_free(m);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
			unsigned t = ids[j];

			ids[j] = ids[j - 1];
			ids[j - 1] = t;
		}
	for (size_t i = 0; i < n && at + 12 < size; i++)
		at += (size_t)snprintf(buf + at, size - at, "%u ", ids[i]);
}

/* Date filters by Y and D terms match what the date values do, for ranges
 * with and without indexed days at either end, with the fewest terms. */
static void test_date_terms(nx_db *db)
{
	/* The index's dates: 2020-03-01, 2021-06-01, 2022-01-05, -08, -09. */
	static const char *const days[] = { NULL, "1999-01-01", "2019-12-31", "2020-01-01",
					     "2020-02-29", "2020-03-01", "2020-03-31", "2020-12-31",
					     "2021-01-01", "2021-05-31", "2021-06-01", "2021-06-30",
					     "2021-12-31", "2022-01-01", "2022-01-05", "2022-01-06",
					     "2022-01-08", "2022-01-09", "2022-01-31", "2030-01-01" };
	static const struct {
		const char *lo, *hi;
		size_t nterms;
		const char *terms;
	} cases[] = {
		{ "2021-01-01", "2021-12-31", 1, "Y2021" },                 /* date:2021 */
		{ "2022-01-01", "2022-01-31", 1, "Y2022" },  /* date:2022-01: the index ends in it */
		{ "2021-06-01", "2021-06-30", 1, "Y202106" },
		{ "2021-06-01", "", 8, "Y202106" },                         /* since: 7 months, 2022 */
		{ "", "2022-01-07", 9, "D20220107" },      /* until: 2020, 2021, 7 days of 2022 */
		{ "2020-02-29", "2020-03-01", 1, "D20200301" },  /* February holds nothing */
	};
	size_t nd = sizeof days / sizeof *days;

	for (size_t i = 0; i < nd; i++) {
		for (size_t j = 0; j < nd; j++) {
			const char *lo = days[i], *hi = days[j];
			char a[800], b[800];
			nxx_query *vq = NULL, *tq = NULL;
			size_t count = 0;

			if (lo && hi && strcmp(lo, hi) > 0)
				continue;
			CHECK_INT(nxx_query_value_range(&vq, NX_SLOT_DATE, lo, hi), NX_OK);
			CHECK_INT(nxq_date_filter(&tq, &count, db, lo ? lo : "", hi ? hi : ""), NX_OK);
			/* Years 2020-2022: at most 2 x (11 months + 30 days) + 1 year. */
			CHECK_MSG(tq != NULL && count <= 83, "%s..%s: %zu terms", lo ? lo : "",
				  hi ? hi : "", count);
			if (vq && tq) {
				docids(a, sizeof a, db, vq);
				docids(b, sizeof b, db, tq);
				CHECK_MSG(!strcmp(a, b), "%s..%s: values [%s], terms [%s]",
					  lo ? lo : "", hi ? hi : "", a, b);
			}
			nxx_query_free(vq);
			nxx_query_free(tq);
		}
	}
	{
		nxx_query *tq = NULL;
		size_t count = 0;

		CHECK_INT(nxq_date_filter(&tq, &count, db, "2022-13-01", ""), NX_EINVAL);
		CHECK(tq == NULL && strstr(nx_error_message(), "2022-13-01"));
		CHECK_INT(nxq_date_filter(&tq, &count, db, "", "2022-1-1"), NX_EINVAL);
	}
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		nxx_query *tq = NULL;
		char *desc = NULL;
		size_t count = 0;

		CHECK_INT(nxq_date_filter(&tq, &count, db, cases[i].lo, cases[i].hi), NX_OK);
		CHECK_INT(nxx_query_describe(&desc, tq), NX_OK);
		CHECK_MSG(count == cases[i].nterms && desc && strstr(desc, cases[i].terms),
			  "%s..%s: %zu terms, %s", cases[i].lo, cases[i].hi, count, desc ? desc : "");
		free(desc);
		nxx_query_free(tq);
	}
	/* An index whose dates bound at a day that is none (written before
	 * dates were checked): the date values filter. */
	{
		nx_db *w = NULL;
		nxx_doc *doc = NULL;
		nxx_query *tq = NULL;
		char a[800];
		size_t count = 9;

		CHECK_INT(nx_db_open(&w, nx_db_path(db), NX_OPEN_WRITE), NX_OK);
		CHECK_INT(nxx_doc_new(&doc), NX_OK);
		if (w && doc) {
			CHECK_INT(nxx_doc_add_term(doc, "walrus", 6, 1), NX_OK);
			CHECK_INT(nxx_doc_set_value(doc, NX_SLOT_DATE, "2031-02-30", 10), NX_OK);
			CHECK_INT(nxx_db_add_document(NULL, w->x, doc), NX_OK);
			CHECK_INT(nxx_db_commit(w->x), NX_OK);
		}
		nxx_doc_free(doc);
		nx_db_close(w);
		CHECK_INT(nxx_db_reopen(db->x), NX_OK);
		CHECK_INT(nxq_date_filter(&tq, &count, db, "2031-01-01", ""), NX_OK);
		CHECK_INT((int)count, 0);
		if (tq) {
			docids(a, sizeof a, db, tq);
			/* one docid: the new passage, "N " */
			CHECK_MSG(strchr(a, ' ') && !strchr(strchr(a, ' ') + 1, ' '),
				  "2031-01-01.. found [%s], want the one passage", a);
		}
		nxx_query_free(tq);
	}
}

/* Chinese and Japanese are written without spaces: a run of their words
 * typed as one token is several words (all of them first), and only in
 * quotes a phrase. */
static const char *const cjk_articles[] = {
	"{\"id\":\"c1\",\"title\":\"新闻一\",\"text\":\"北京的官员昨天宣布了新的环境政策。\"}",
	"{\"id\":\"c2\",\"title\":\"新闻二\",\"text\":\"北京的天气今天很好。\"}",
	"{\"id\":\"c3\",\"title\":\"新闻三\",\"text\":\"上海的市场今天很忙。\"}",
};

static void test_cjk(nx_db *db)
{
	static const struct {
		const char *query, *ids;
	} cases[] = {
		{ "北京政策", "c1 c2" },        /* not adjacent in c1: still found, first */
		{ "\"北京政策\"", "" },       /* a phrase only in quotes */
		{ "\"北京的官员\"", "c1" },
		{ "上海今天", "c3 c2" },
	};
	char buf[256];

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		run x = search(db, cases[i].query, 0);

		CHECK_MSG(x.rc == NX_OK, "search '%s': %s", cases[i].query, nx_error_message());
		if (x.rc == NX_OK)
			CHECK_MSG(!strcmp(ids(x.r, buf, sizeof buf), cases[i].ids),
				  "'%s' found [%s], want [%s]", cases[i].query, buf, cases[i].ids);
		if (x.rc == NX_OK && i == 0 && nx_results_count(x.r) == 2) {
			CHECK(nx_results_get(x.r, 0)->all_words);
			CHECK(!nx_results_get(x.r, 1)->all_words);
		}
		nx_results_free(x.r);
	}
}

/* Write the JSON Lines records into DIR/NAME.jsonl, index them into
 * DIR/NAME-db and run fn on that index opened for reading. */
static void with_index(const char *dir, const char *name, const char *const *records, size_t n,
		       void (*fn)(nx_db *))
{
	nx_db *db = NULL;

	CHECK_INT(index_lines(&db, dir, name, records, n), NX_OK);
	if (db)
		fn(db);
	nx_db_close(db);
}

static void test_news(nx_db *db)
{
	test_searches(db);
	test_ranking(db);
	test_lang(db);
	test_highlight_cache(db);
	test_lazy_hits(db);
	test_date_terms(db);
}

/* prefix*: the MAX_PREFIX_TERMS (100) most frequent words that start so.
 * zqa (one article) sorts before the hundred zqb000..zqb099 (two articles
 * each), so it comes first and must make way for them. */
static void test_prefix_cap(const char *dir)
{
	static char many[1200], lines_buf[3][1300];
	const char *lines[] = { lines_buf[0], lines_buf[1], lines_buf[2] };
	nx_db *db = NULL;
	size_t at = 0;
	char buf[64];
	run x;

	for (int i = 0; i < 100; i++)
		at += (size_t)snprintf(many + at, sizeof many - at, "%szqb%03d", i ? " " : "", i);
	snprintf(lines_buf[0], sizeof lines_buf[0], "{\"id\":\"r1\",\"text\":\"%s.\"}", many);
	snprintf(lines_buf[1], sizeof lines_buf[1], "{\"id\":\"r2\",\"text\":\"%s.\"}", many);
	snprintf(lines_buf[2], sizeof lines_buf[2], "{\"id\":\"r3\",\"text\":\"zqa and more.\"}");
	CHECK_INT(index_lines(&db, dir, "prefixes", lines, 3), NX_OK);
	if (!db)
		return;
	x = search(db, "zq*", 0);
	CHECK_INT(x.rc, NX_OK);
	CHECK_MSG(!strcmp(ids(x.r, buf, sizeof buf), "r1 r2") || !strcmp(buf, "r2 r1"),
		  "zq* found [%s], want r1 and r2: zqa is not among the 100 most frequent", buf);
	nx_results_free(x.r);
	x = search(db, "zqa*", 0);
	CHECK_INT(x.rc, NX_OK);
	CHECK_MSG(!strcmp(ids(x.r, buf, sizeof buf), "r3"), "zqa* found [%s]", buf);
	nx_results_free(x.r);
	nx_db_close(db);
}

int main(void)
{
	char dir[] = "/tmp/nx-test-query-XXXXXX";

	test_parses();
	test_errors();
	test_stored_data();

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	with_index(dir, "news", articles, sizeof articles / sizeof *articles, test_news);
	with_index(dir, "people", people_articles, sizeof people_articles / sizeof *people_articles,
		   test_people);
	with_index(dir, "cjk", cjk_articles, sizeof cjk_articles / sizeof *cjk_articles, test_cjk);
	test_title_only(dir);
	test_length_norm(dir);
	test_probes_of_gone(dir);
	test_prefix_cap(dir);
	test_hyphens(dir);
	test_modified(dir);
	{
		char cmd[700];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return nx_test_done("test_query");
}
