/*
 * test_api.c — libnewsidx through its public header only, as an embedding
 * newsroom script would use it: index real files into a real index on disk,
 * search, replace, and every documented error status.
 */
#include "newsidx.h"
#include "nx_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[256];

static void write_file(const char *name, const char *content, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tmp, name);
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		exit(1);
	}
	fwrite(content, 1, len, f);
	fclose(f);
}

static char *path_of(const char *name)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", tmp, name);
	return buf[i];
}

typedef struct diag_log {
	int errors, warnings;
	char last[512];
} diag_log;

static void on_diag(void *data, const nx_diag *d)
{
	diag_log *l = data;

	if (d->severity == NX_SEV_ERROR)
		l->errors++;
	if (d->severity == NX_SEV_WARNING)
		l->warnings++;
	snprintf(l->last, sizeof l->last, "%s:%lu: %s", d->path ? d->path : "", d->line, d->message);
}

static int index_one(nx_db *db, const char *name, diag_log *log, nx_index_stats *st)
{
	nx_index_options o = NX_INDEX_OPTIONS_INIT;
	const char *p = path_of(name);

	o.diag = on_diag;
	o.diag_data = log;
	return nx_index_paths(db, &p, 1, &o, st);
}

/* The id of the top hit for q, or "" (static buffer). */
static const char *top_id(nx_db *db, const char *q, size_t *count)
{
	static char id[512];
	nx_results *r = NULL;

	id[0] = '\0';
	*count = 0;
	if (nx_search(&r, db, q, NULL) != NX_OK)
		return "(error)";
	*count = nx_results_count(r);
	if (*count)
		snprintf(id, sizeof id, "%s", nx_results_get(r, 0)->id);
	nx_results_free(r);
	return id;
}

static void test_index_and_search(void)
{
	static const char wire[] =
		"{\"id\":\"w1\",\"title\":\"Court hears protest cases\",\"date\":\"2022-01-20\","
		"\"lang\":\"en\",\"text\":\"A court in Almaty heard the cases of twelve detained "
		"protesters on Thursday. Lawyers said their clients were beaten.\"}\n"
		"{\"id\":\"w2\",\"title\":\"Суд в Алматы\",\"lang\":\"ru\",\"text\":\"Суд в Алматы "
		"рассмотрел дела задержанных протестующих. Адвокаты заявили о пытках.\"}\n"
		"this line is not JSON\n"
		"{\"id\":\"w3\",\"title\":\"Fuel prices\",\"text\":\"Fuel prices doubled in "
		"Zhanaozen, and people marched to the square.\"}\n";
	static const char story[] =
		"Tokayev's order\n\nThe president said he had issued a shooting order.\n\n"
		"A second paragraph talks about fuel, prices and public order.\n";
	nx_index_stats st;
	diag_log log = { 0 };
	nx_db *db = NULL;
	nx_results *r = NULL;
	nx_db_stats ds;
	size_t n;
	int rc;

	write_file("wire.jsonl", wire, sizeof wire - 1);
	write_file("story.txt", story, sizeof story - 1);

	rc = nx_db_open(&db, path_of("db"), NX_OPEN_WRITE);
	CHECK_INT(rc, NX_OK);
	if (rc)
		return;
	CHECK_STR(nx_db_path(db), path_of("db"));
	rc = index_one(db, "wire.jsonl", &log, &st);
	CHECK_INT(rc, NX_OK);
	CHECK_INT(st.articles, 3);
	CHECK_INT(st.records_failed, 1);
	CHECK_INT(log.errors, 1);
	CHECK_MSG(strstr(log.last, "wire.jsonl:3:") != NULL, "diag was '%s'", log.last);
	rc = index_one(db, "story.txt", &log, &st);
	CHECK_INT(rc, NX_OK);
	CHECK_INT(st.articles, 1);
	CHECK_INT(st.passages, 2); /* two paragraphs, two passages */
	CHECK_INT(nx_db_commit(db), NX_OK);

	CHECK_INT(nx_db_stats_get(&ds, db), NX_OK);
	CHECK_INT(ds.articles, 4);
	CHECK_INT(ds.passages, 5);

	/* Stemmed English, Russian and possessive forms all match. */
	CHECK_STR(top_id(db, "courts", &n), "w1");
	CHECK_STR(top_id(db, "протестующие", &n), "w2");
	CHECK_STR(top_id(db, "tokayev shooting", &n), path_of("story.txt"));
	CHECK_STR(top_id(db, "\"shooting order\"", &n), path_of("story.txt"));
	CHECK_STR(top_id(db, "\"order shooting\"", &n), "");
	CHECK_INT(n, 0);
	CHECK_STR(top_id(db, "nonexistentword", &n), "");

	/* Best passage per article by default; every passage on request. */
	nx_search_options so = NX_SEARCH_OPTIONS_INIT;
	CHECK_INT(nx_search(&r, db, "fuel prices", &so), NX_OK);
	CHECK_INT(nx_results_count(r), 2);
	nx_results_free(r);
	so.all_passages = 1;
	CHECK_INT(nx_search(&r, db, "fuel prices", &so), NX_OK);
	CHECK_INT(nx_results_count(r), 2);
	nx_results_free(r);
	so.all_passages = 0;
	CHECK_INT(nx_search(&r, db, "order", &so), NX_OK);
	CHECK_INT(nx_results_count(r), 1);
	nx_results_free(r);
	so.all_passages = 1;
	CHECK_INT(nx_search(&r, db, "order", &so), NX_OK);
	CHECK_INT(nx_results_count(r), 2);
	if (nx_results_count(r) == 2)
		CHECK(nx_results_get(r, 0)->passage_no != nx_results_get(r, 1)->passage_no);
	nx_results_free(r);

	/* Hits carry metadata, offsets and highlights of the matched words. */
	CHECK_INT(nx_search(&r, db, "court protesters", NULL), NX_OK);
	const nx_hit *h = nx_results_get(r, 0);
	CHECK(h != NULL);
	if (h) {
		CHECK_INT(h->rank, 1);
		CHECK_STR(h->title, "Court hears protest cases");
		CHECK_STR(h->date, "2022-01-20");
		CHECK_STR(h->lang, "en");
		CHECK(h->score > 0);
		CHECK_INT(h->passage_end - h->passage_start, h->passage_len);
		CHECK_INT(h->nhighlights, 2);
		/* Nothing matched as another spelling of a name. */
		CHECK(h->matched == NULL && h->nmatched == 0);
		if (h->nhighlights == 2) {
			CHECK(strncmp(h->passage + h->highlights[0].start, "court", 5) == 0);
			CHECK(strncmp(h->passage + h->highlights[1].start, "protesters", 10) == 0);
		}
		char *json = NULL;
		CHECK_INT(nx_hit_to_json(&json, h), NX_OK);
		CHECK(json && strstr(json, "\"highlights\":[[") && strstr(json, "\"id\":\"w1\""));
		free(json);
	}
	CHECK(nx_results_get(r, 99) == NULL);
	nx_results_free(r);

	/* Re-indexing replaces: the edited story loses its old words, and its
	 * passage count is the new one. */
	static const char story2[] = "Tokayev's order\n\nThe president spoke about wages.\n";
	write_file("story.txt", story2, sizeof story2 - 1);
	CHECK_INT(index_one(db, "story.txt", &log, &st), NX_OK);
	CHECK_STR(top_id(db, "shooting", &n), "");
	CHECK_STR(top_id(db, "wages", &n), path_of("story.txt"));
	CHECK_INT(nx_db_stats_get(&ds, db), NX_OK);
	CHECK_INT(ds.articles, 4);
	CHECK_INT(ds.passages, 4);

	/* A source that fails leaves what it indexed before untouched. */
	write_file("story.txt", "bin\0ary\0\0data", 13);
	log.errors = 0;
	CHECK_INT(index_one(db, "story.txt", &log, &st), NX_OK);
	CHECK_INT(log.errors, 1);
	CHECK_INT(st.files_failed, 1);
	CHECK_STR(top_id(db, "wages", &n), path_of("story.txt"));

	/* One writer at a time. */
	nx_db *db2 = NULL;
	CHECK_INT(nx_db_open(&db2, path_of("db"), NX_OPEN_WRITE), NX_EBUSY);
	CHECK(db2 == NULL);
	CHECK(*nx_error_message() != '\0');
	/* Readers are fine while a writer works. */
	CHECK_INT(nx_db_open(&db2, path_of("db"), NX_OPEN_READ), NX_OK);
	CHECK_STR(top_id(db2, "wages", &n), path_of("story.txt"));
	nx_db_close(db2);

	/* The people of a query, through the public header only: the
	 * protesters' passages name nobody; a bad version is refused. */
	{
		nx_people_options po = NX_PEOPLE_OPTIONS_INIT;
		nx_people_list *pl = NULL;

		CHECK_INT(nx_people(&pl, db, "protesters", &po), NX_OK);
		CHECK(pl != NULL);
		CHECK_INT(nx_people_list_count(pl), 0);
		CHECK_INT(nx_people_list_passages(pl), 2);
		nx_people_list_free(pl);
		pl = NULL;
		po.version = NX_PEOPLE_OPTIONS_VERSION + 1;
		CHECK_INT(nx_people(&pl, db, "protesters", &po), NX_EINVAL);
		CHECK(pl == NULL);
	}

	/* Malformed queries. */
	CHECK_INT(nx_search(&r, db, "", NULL), NX_ESYNTAX);
	CHECK_INT(nx_search(&r, db, "   ", NULL), NX_ESYNTAX);
	CHECK_INT(nx_search(&r, db, "\"shooting order", NULL), NX_ESYNTAX);
	CHECK(strstr(nx_error_message(), "quote") != NULL);
	CHECK_INT(nx_search(&r, db, "!!! ???", NULL), NX_ESYNTAX);
	CHECK_INT(nx_search(&r, db, "bad \xff utf8", NULL), NX_ESYNTAX);
	CHECK(r == NULL);
	nx_db_close(db);
}

static void test_open_errors(void)
{
	nx_db *db = (nx_db *)1;

	CHECK_INT(nx_db_open(&db, path_of("missing"), NX_OPEN_READ), NX_ENOTFOUND);
	CHECK(db == NULL);
	CHECK(strstr(nx_error_message(), "missing") != NULL);
	CHECK_INT(nx_error_code(), NX_ENOTFOUND);

	mkdir(path_of("junk"), 0755);
	write_file("junk/notes.txt", "hello", 5);
	CHECK_INT(nx_db_open(&db, path_of("junk"), NX_OPEN_READ), NX_ENOTINDEX);
	CHECK_INT(nx_db_open(&db, path_of("junk"), NX_OPEN_WRITE), NX_ENOTINDEX);
	/* ... and nothing was written into it. */
	CHECK(access(path_of("junk/iamglass"), F_OK) != 0);
	CHECK_INT(nx_db_open(&db, path_of("junk/notes.txt"), NX_OPEN_READ), NX_ENOTINDEX);
	CHECK_INT(nx_db_open(&db, "", NX_OPEN_READ), NX_EINVAL);

	/* Nested parents are created for a new index. */
	CHECK_INT(nx_db_open(&db, path_of("a/b/c/db"), NX_OPEN_WRITE), NX_OK);
	nx_db_close(db);
	CHECK_INT(nx_db_open(&db, path_of("a/b/c/db"), NX_OPEN_READ), NX_OK);
	nx_db_close(db);

	nx_error_clear();
	CHECK_INT(nx_error_code(), NX_OK);
	CHECK_STR(nx_error_message(), "");
	nx_db_close(NULL);
	nx_results_free(NULL);
	CHECK_INT(nx_results_count(NULL), 0);
}

static void test_misc(void)
{
	static const int codes[] = { NX_OK, NX_ERROR, NX_ENOMEM, NX_EIO, NX_ENOTFOUND, NX_EBUSY,
				     NX_ESYNTAX, NX_ECORRUPT, NX_ENOTINDEX, NX_EVERSION,
				     NX_EINVAL, NX_EFORMAT, NX_EMODIFIED, NX_EUNSUPPORTED };
	char *p = NULL;

	for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
		CHECK(nx_strerror(codes[i]) && *nx_strerror(codes[i]));
	CHECK_STR(nx_strerror(NX_EBUSY), "index is locked by another writer");
	CHECK_STR(nx_version(), NX_VERSION_STRING);

	setenv("NEWSIDX_DB", "/x/y", 1);
	CHECK_INT(nx_default_db_path(&p), NX_OK);
	CHECK_STR(p, "/x/y");
	free(p);
	unsetenv("NEWSIDX_DB");
	setenv("XDG_DATA_HOME", "/data", 1);
	CHECK_INT(nx_default_db_path(&p), NX_OK);
	CHECK_STR(p, "/data/newsidx/index");
	free(p);
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/home/r", 1);
	CHECK_INT(nx_default_db_path(&p), NX_OK);
	CHECK_STR(p, "/home/r/.local/share/newsidx/index");
	free(p);
}

/* ---- incremental runs, progress, options of version 1 ---------------------- */

typedef struct progress_log {
	int calls, done, scan, read;
	nx_index_phase last;
	uint64_t todo;
	int stats_seen;
} progress_log;

static void on_progress(void *data, const nx_index_progress *p)
{
	progress_log *l = data;

	l->calls++;
	l->done += p->phase == NX_PHASE_DONE;
	l->scan += p->phase == NX_PHASE_SCAN;
	l->read += p->phase == NX_PHASE_READ;
	l->last = p->phase;
	l->todo = p->sources_todo;
	l->stats_seen += p->stats != NULL;
}

static int count_lang(void *data, const char *lang, uint64_t passages)
{
	if (!strcmp(lang, "en"))
		*(uint64_t *)data = passages;
	return 0;
}

/* The options and counters as a program built against version 1 has them. */
typedef struct v1_options {
	unsigned version, passage_min_words, passage_max_words;
	size_t max_record_bytes;
	unsigned commit_every;
	nx_diag_fn diag;
	void *diag_data;
} v1_options;

typedef struct v1_stats {
	uint64_t files, files_failed, files_skipped, articles, records_failed, passages, bytes,
		utf8_repaired;
	double seconds;
} v1_stats;

static void test_incremental(void)
{
	static const char three[] =
		"{\"id\":\"i1\",\"text\":\"The first wire story about a heron.\"}\n"
		"{\"id\":\"i2\",\"text\":\"The second wire story about a heron.\"}\n"
		"{\"id\":\"i3\",\"text\":\"The third wire story about a heron.\"}\n";
	static const char two[] =
		"{\"id\":\"i1\",\"text\":\"The first wire story about a heron.\"}\n"
		"{\"id\":\"i3\",\"text\":\"The third wire story, now about an egret.\"}\n";
	nx_index_options o = NX_INDEX_OPTIONS_INIT;
	progress_log pl;
	nx_index_stats st, last;
	nx_db_stats ds;
	nx_db *db = NULL;
	const char *dir = path_of("inc");
	int64_t when = 0;
	uint64_t en = 0;
	size_t n;
	int rc;

	mkdir(dir, 0777);
	write_file("inc/w.jsonl", three, sizeof three - 1);
	rc = nx_db_open(&db, path_of("incdb"), NX_OPEN_WRITE);
	CHECK_INT(rc, NX_OK);
	if (rc)
		return;
	CHECK_INT(nx_db_last_run(&last, &when, db), NX_ENOTFOUND);

	memset(&pl, 0, sizeof pl);
	o.progress = on_progress;
	o.progress_data = &pl;
	CHECK_INT(nx_index_paths(db, &dir, 1, &o, &st), NX_OK);
	CHECK_INT(st.added, 3);
	CHECK_INT(st.updated + st.deleted + st.unchanged, 0);
	CHECK_INT(st.sources_found, 1);
	CHECK(st.commits >= 1);
	CHECK_INT(pl.done, 1);
	CHECK_INT(pl.last, NX_PHASE_DONE);
	CHECK(pl.scan >= 1 && pl.read >= 1);
	CHECK_INT(pl.todo, 1);
	CHECK_INT(pl.stats_seen, pl.calls);

	CHECK_INT(nx_db_last_run(&last, &when, db), NX_OK);
	CHECK_INT(last.added, 3);
	CHECK(when > 0);
	CHECK_INT(nx_db_stats_get(&ds, db), NX_OK);
	CHECK_INT(ds.sources, 1);
	CHECK_INT(ds.articles, 3);
	CHECK(ds.disk_bytes > 0);
	CHECK_INT(nx_db_languages(db, count_lang, &en), NX_OK);
	CHECK_INT(en, 3);

	/* Unchanged: nothing written (the file is read again only because it
	 * was written in the same second as the run). */
	CHECK_INT(nx_index_paths(db, &dir, 1, &o, &st), NX_OK);
	CHECK_INT(st.unchanged, 3);
	CHECK_INT(st.sources_unchanged, 1);
	CHECK_INT(st.added + st.updated + st.deleted, 0);

	/* One record gone, one changed (the file is new to the clock: its
	 * size changed). */
	write_file("inc/w.jsonl", two, sizeof two - 1);
	CHECK_INT(nx_index_paths(db, &dir, 1, &o, &st), NX_OK);
	CHECK_INT(st.unchanged, 1);
	CHECK_INT(st.updated, 1);
	CHECK_INT(st.deleted, 1);
	CHECK_STR(top_id(db, "egret", &n), "i3");
	CHECK_STR(top_id(db, "second", &n), "");

	/* A caller built against version 1: its shorter structs are respected. */
	v1_options v1 = { 1, 40, 150, (size_t)64 << 20, 1000, NULL, NULL };
	struct {
		v1_stats s;
		unsigned char guard[64];
	} out;
	int intact = 1;

	memset(&out, 0xab, sizeof out);
	write_file("inc/w.jsonl", three, sizeof three - 1);
	CHECK_INT(nx_index_paths(db, &dir, 1, (const nx_index_options *)(const void *)&v1,
				 (nx_index_stats *)(void *)&out), NX_OK);
	CHECK_INT(out.s.articles, 2);  /* i2 back, i3 changed back */
	for (size_t i = 0; i < sizeof out.guard; i++)
		intact &= out.guard[i] == 0xab;
	CHECK_MSG(intact, "a version 1 caller's memory after its stats was written");
	v1.version = 99;
	CHECK_INT(nx_index_paths(db, &dir, 1, (const nx_index_options *)(const void *)&v1, NULL),
		  NX_EINVAL);
	nx_db_close(db);
}

/* What a passage stores comes back as it was written, whatever characters
 * its fields hold: quotes, backslashes, slashes, control characters (JSON
 * escapes), Cyrillic and typographic characters (as they are). */
static void test_stored_fields(void)
{
	static const char rec[] =
		"{\"id\":\"q\\\"1\\\\x/y\",\"title\":\"T\\u0001ab\\tle \\\"q\\\" \\\\ /\","
		"\"date\":\"2020-01-02\",\"url\":\"http://x.kz/a?b=1&c=\\u001f\","
		"\"text\":\"Glyphmarker one \\u001f with \\b\\f control.\\r\\nТоқаев said "
		"\\u201chi\\u201d \\\\ done \\\"quoted\\\".\"}\n";
	diag_log log = { 0 };
	nx_index_stats st;
	nx_results *r = NULL;
	nx_db *db = NULL;
	const nx_hit *h;

	write_file("fields.jsonl", rec, sizeof rec - 1);
	CHECK_INT(nx_db_open(&db, path_of("fields-db"), NX_OPEN_WRITE), NX_OK);
	if (!db)
		return;
	CHECK_INT(index_one(db, "fields.jsonl", &log, &st), NX_OK);
	CHECK_INT(st.articles, 1);
	CHECK_INT(nx_search(&r, db, "glyphmarker", NULL), NX_OK);
	h = nx_results_get(r, 0);
	CHECK(h != NULL);
	if (h) {
		CHECK_STR(h->id, "q\"1\\x/y");
		CHECK_STR(h->title, "T\001ab\tle \"q\" \\ /");
		CHECK_STR(h->url, "http://x.kz/a?b=1&c=\037");
		CHECK_STR(h->passage, "Glyphmarker one \037 with \b\f control.\r\n"
				      "Тоқаев said \u201chi\u201d \\ done \"quoted\".");
	}
	nx_results_free(r);
	nx_db_close(db);
}

/* Dates: one that is no day of the calendar is named in a warning and the
 * article indexed undated; dates centuries apart still filter (a range
 * needing hundreds of year terms falls back to the date values). */
static void test_dates(void)
{
	static const char lines[] =
		"{\"id\":\"feb30\",\"date\":\"2022-02-30\",\"text\":\"Walruses on the ice.\"}\n"
		"{\"id\":\"old\",\"date\":\"1600-01-01\",\"text\":\"Walruses in a chronicle.\"}\n"
		"{\"id\":\"new\",\"date\":\"2020-06-15\",\"text\":\"Walruses on the radio.\"}\n";
	static const struct {
		const char *q, *want;
	} cases[] = {
		{ "walruses date:1600-01-02..2020-06-15", "new" },
		{ "walruses until:2020-06-14", "old" },
		{ "walruses date:1600", "old" },
		{ "walruses date:2022-02", "" },
	};
	diag_log log = { 0 };
	nx_db *db = NULL;
	size_t n;

	write_file("dates.jsonl", lines, sizeof lines - 1);
	CHECK_INT(nx_db_open(&db, path_of("dates-db"), NX_OPEN_WRITE), NX_OK);
	if (!db)
		return;
	CHECK_INT(index_one(db, "dates.jsonl", &log, NULL), NX_OK);
	CHECK_INT(log.warnings, 1);
	CHECK_MSG(strstr(log.last, "dates.jsonl:1:") && strstr(log.last, "'2022-02-30'") &&
			  strstr(log.last, "without a date"), "diag was '%s'", log.last);
	CHECK_STR(top_id(db, "walruses ice", &n), "feb30");
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *id = top_id(db, cases[i].q, &n);

		CHECK_MSG(!strcmp(id, cases[i].want) && n == (*cases[i].want != 0),
			  "%s: %zu hits, first '%s'", cases[i].q, n, id);
	}
	nx_db_close(db);
}

int main(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmp, sizeof tmp, "%s/nx-api-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 1;
	}
	test_index_and_search();
	test_stored_fields();
	test_open_errors();
	test_misc();
	test_incremental();
	test_dates();

	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp);
	return nx_test_done("test_api");
}
