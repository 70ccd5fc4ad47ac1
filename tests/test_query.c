/*
 * test_query.c — the query language: every syntax element as the tree it
 * parses to, every malformed query with its message and column, and the
 * elements at work in searches of a small index (phrases, NEAR, NOT,
 * prefixes, fields, dates, all-words-first, snippets, explanations,
 * "did you mean").
 */
#include "nx_query.h"
#include "nx_test.h"

#include <math.h>
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
		return NX_EIO;
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

int main(void)
{
	char dir[] = "/tmp/nx-test-query-XXXXXX", path[600], db_path[600];
	nx_db *db = NULL;
	FILE *f;

	test_parses();
	test_errors();

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof path, "%s/news.jsonl", dir);
	snprintf(db_path, sizeof db_path, "%s/db", dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	for (size_t i = 0; f && i < sizeof articles / sizeof *articles; i++)
		fprintf(f, "%s\n", articles[i]);
	if (f)
		fclose(f);
	CHECK_INT(nx_db_open(&db, db_path, NX_OPEN_WRITE), NX_OK);
	{
		const char *paths[] = { path };

		CHECK_INT(nx_index_paths(db, paths, 1, NULL, NULL), NX_OK);
	}
	nx_db_close(db);
	db = NULL;
	CHECK_INT(nx_db_open(&db, db_path, NX_OPEN_READ), NX_OK);
	if (db) {
		test_searches(db);
		test_ranking(db);
		test_lang(db);
	}
	nx_db_close(db);
	test_title_only(dir);
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
