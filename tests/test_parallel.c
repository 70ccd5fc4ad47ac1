/*
 * test_parallel.c — a first run with nx_index_options.threads > 1 (shards
 * built in parallel and merged, indexer/parallel.c) gives the same index as
 * a run on one thread: the same articles, passages, counters, diagnostics
 * (each once) and search results; later runs are incremental as usual;
 * NX_INDEX_THREADS_AUTO goes parallel for a large input only.
 * Public header only.
 */
#include "newsidx.h"
#include "nx_test.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static char tmp[256];

static char *path_of(const char *name)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", tmp, name);
	return buf[i];
}

static const char *const vocab[] = {
	"harvest", "cocoa", "bank", "rates", "minister", "shipping", "tanker", "grain",
	"election", "parliament", "currency", "exports", "drought", "factory", "strike",
	"merger", "shares", "profit", "pipeline", "refinery", "weather", "coffee", "sugar",
	"treasury", "bonds", "inflation", "wages", "union", "port", "railway"
};

/* Date the file a minute back, so that no run finds it "racy" (modified in
 * the second it started) and reads it again: runs compare exactly. */
static void age(const char *name)
{
	struct timeval tv[2];

	gettimeofday(&tv[0], NULL);
	tv[0].tv_sec -= 60;
	tv[1] = tv[0];
	utimes(path_of(name), tv);
}

/* 300 articles from a fixed generator, a record replaced later in the file
 * (the last one wins), a malformed line and an article without words. */
static void write_corpus(const char *name)
{
	FILE *f = fopen(path_of(name), "w");
	unsigned s = 8;

	if (!f) {
		perror(name);
		exit(1);
	}
	for (int i = 0; i < 300; i++) {
		fprintf(f, "{\"id\": \"art-%d\", \"title\": \"Report %d on %s\", \"lang\": \"en\", "
			"\"date\": \"1987-03-%02d\", \"text\": \"", i, i, vocab[i % 30], 1 + i % 28);
		for (int sent = 0; sent < 3 + i % 5; sent++) {
			for (int w = 0; w < 12; w++) {
				s = s * 1103515245u + 12345u;
				fprintf(f, "%s%s", w ? " " : "", vocab[(s >> 16) % 30]);
			}
			fprintf(f, " word%d.%s", i, sent % 2 ? "\\n\\n" : " ");
		}
		fprintf(f, "\"}\n");
		if (i == 100)
			fprintf(f, "{\"id\": \"art-5\", \"text\": \"First version mentions zebra.\"}\n"
				   "{\"id\": \"broken\", \"text\": \n"
				   "{\"id\": \"empty\", \"text\": \"!!! ... ???\"}\n");
	}
	fprintf(f, "{\"id\": \"art-5\", \"title\": \"Replaced\", \"text\": \"The second version "
		   "mentions a giraffe near the port.\"}\n");
	fclose(f);
	age(name);
}

typedef struct diags {
	int errors, warnings;
} diags;

static void on_diag(void *data, const nx_diag *d)
{
	diags *g = data;

	if (d->severity == NX_SEV_ERROR)
		g->errors++;
	else if (d->severity == NX_SEV_WARNING)
		g->warnings++;
}

static int run(const char *db_name, const char *src, unsigned threads, nx_index_stats *st,
	       diags *g)
{
	nx_index_options o = NX_INDEX_OPTIONS_INIT;
	const char *paths[1] = { path_of(src) };
	nx_db *db = NULL;
	int rc;

	memset(g, 0, sizeof *g);
	o.threads = threads;
	o.diag = on_diag;
	o.diag_data = g;
	o.commit_every = 40;  /* several batches per shard */
	if ((rc = nx_db_open(&db, path_of(db_name), NX_OPEN_WRITE)))
		return rc;
	rc = nx_index_paths(db, paths, 1, &o, st);
	if (!rc)
		rc = nx_db_commit(db);
	if (rc)
		fprintf(stderr, "%s\n", nx_error_message());
	nx_db_close(db);
	return rc;
}

/* The ids of every hit of `q`, sorted, as one string. */
static void hit_ids(char *out, size_t size, const char *db_name, const char *q)
{
	nx_search_options so = NX_SEARCH_OPTIONS_INIT;
	nx_results *r = NULL;
	nx_db *db = NULL;
	char *ids[400];
	size_t n = 0, len = 0;

	*out = '\0';
	so.limit = 400;
	if (nx_db_open(&db, path_of(db_name), NX_OPEN_READ) || nx_search(&r, db, q, &so)) {
		snprintf(out, size, "error: %s", nx_error_message());
		nx_db_close(db);
		return;
	}
	for (size_t i = 0; i < nx_results_count(r) && n < 400; i++)
		ids[n++] = strdup(nx_results_get(r, i)->id);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(ids[j - 1], ids[j]) > 0; j--) {
			char *t = ids[j];

			ids[j] = ids[j - 1];
			ids[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		len += (size_t)snprintf(out + len, len < size ? size - len : 0, "%s ", ids[i]);
		free(ids[i]);
	}
	nx_results_free(r);
	nx_db_close(db);
}

static void stats_of(nx_db_stats *out, const char *db_name)
{
	nx_db *db = NULL;

	memset(out, 0, sizeof *out);
	if (nx_db_open(&db, path_of(db_name), NX_OPEN_READ) == NX_OK)
		nx_db_stats_get(out, db);
	nx_db_close(db);
}

static int leftovers(void)
{
	DIR *d = opendir(tmp);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += strstr(e->d_name, ".build-") != NULL;
	if (d)
		closedir(d);
	return n;
}

static void test_same_index(void)
{
	static const char *const queries[] = {
		"cocoa", "harvest tanker", "\"grain election\"", "word7", "giraffe", "zebra",
		"replaced", "port railway union"
	};
	static const unsigned threads[] = { 2, 3 };
	static const char *const names[] = { "par2.db", "par3.db" };
	nx_index_stats s1, sp;
	nx_db_stats d1, dp;
	diags g1, gp;
	char a[8192], b[8192];

	write_corpus("wire.jsonl");
	/* What a killed parallel run leaves: removed by the next one. */
	CHECK_INT(mkdir(path_of("par2.db.build-AbC123"), 0700), 0);
	CHECK_INT(mkdir(path_of("par2.db.build-AbC123/shard-0"), 0700), 0);
	CHECK_INT(run("seq.db", "wire.jsonl", 1, &s1, &g1), NX_OK);
	CHECK(s1.articles >= 300);  /* art-5 counts once per version written */
	for (size_t t = 0; t < sizeof threads / sizeof *threads; t++) {
		CHECK_INT(run(names[t], "wire.jsonl", threads[t], &sp, &gp), NX_OK);
		CHECK_INT(sp.articles, s1.articles);
		CHECK_INT(sp.passages, s1.passages);
		CHECK_INT(sp.added, s1.added);
		CHECK_INT(sp.updated, s1.updated);
		CHECK_INT(sp.records_failed, s1.records_failed);
		CHECK_INT(sp.files, s1.files);
		CHECK_INT(sp.bytes, s1.bytes);
		CHECK_INT(gp.errors, g1.errors);      /* the broken line, once */
		CHECK_INT(gp.warnings, g1.warnings);  /* the empty article, once */
		stats_of(&d1, "seq.db");
		stats_of(&dp, names[t]);
		CHECK_INT(dp.articles, d1.articles);
		CHECK_INT(dp.passages, d1.passages);
		for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
			hit_ids(a, sizeof a, "seq.db", queries[i]);
			hit_ids(b, sizeof b, names[t], queries[i]);
			CHECK_STR(b, a);
		}
		/* The later record of art-5 replaced the earlier one. */
		hit_ids(b, sizeof b, names[t], "giraffe");
		CHECK_STR(b, "art-5 ");
		hit_ids(b, sizeof b, names[t], "zebra");
		CHECK_STR(b, "");
	}
	CHECK_INT(g1.errors, 1);
	CHECK_INT(g1.warnings, 1);
	CHECK_INT(leftovers(), 0);
}

static void test_later_runs(void)
{
	nx_index_stats st;
	diags g;
	char b[8192];
	FILE *f;

	/* Nothing changed: incremental, nothing read again. */
	CHECK_INT(run("par2.db", "wire.jsonl", 2, &st, &g), NX_OK);
	CHECK_INT(st.files, 0);
	CHECK_INT(st.added, 0);
	CHECK_INT(st.updated, 0);
	CHECK(st.unchanged >= 300);

	/* A non-empty index takes more sources on one thread, as usual. */
	f = fopen(path_of("more.jsonl"), "w");
	fprintf(f, "{\"id\": \"more-1\", \"text\": \"An okapi was seen near the railway.\"}\n");
	fclose(f);
	age("more.jsonl");
	CHECK_INT(run("par2.db", "more.jsonl", 2, &st, &g), NX_OK);
	CHECK_INT(st.added, 1);
	hit_ids(b, sizeof b, "par2.db", "okapi");
	CHECK_STR(b, "more-1 ");
	hit_ids(b, sizeof b, "par2.db", "giraffe");
	CHECK_STR(b, "art-5 ");
	CHECK_INT(leftovers(), 0);
}

/* A sparse file of mb megabytes of NUL bytes. */
static void sparse_file(const char *name, int mb)
{
	FILE *f = fopen(path_of(name), "w");

	CHECK(f != NULL);
	if (f) {
		CHECK_INT(ftruncate(fileno(f), (off_t)mb << 20), 0);
		fclose(f);
	}
}

/* NX_INDEX_THREADS_AUTO: one thread for a small input, shards for a large
 * one (8 MB or more of files the walk reads: here a sparse .txt file, which
 * it reads and rejects as binary, not the 9 MB of files it skips), and the
 * same index either way (nx_index_stats.threads says which ran).  Any run
 * removes the scratch directories a killed parallel run left, and nothing
 * else next to the index. */
static void test_auto(void)
{
	static const char *const queries[] = { "cocoa", "\"grain election\"", "giraffe" };
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	nx_index_stats st;
	diags g;
	char a[8192], b[8192];

	CHECK_INT(mkdir(path_of("auto1.db.build-AbC123"), 0700), 0);
	CHECK_INT(mkdir(path_of("auto1.db.build-AbC123/shard-0"), 0700), 0);
	CHECK_INT(mkdir(path_of("auto1.db.build-kept"), 0700), 0);   /* not XXXXXX */
	CHECK_INT(mkdir(path_of("auto1.dbx.build-AbC123"), 0700), 0); /* another index's */
	CHECK_INT(run("auto1.db", "wire.jsonl", NX_INDEX_THREADS_AUTO, &st, &g), NX_OK);
	CHECK_INT((int)st.threads, 1);
	CHECK_INT(leftovers(), 2);
	CHECK(access(path_of("auto1.db.build-AbC123"), F_OK) != 0);
	CHECK_INT(rmdir(path_of("auto1.db.build-kept")), 0);
	CHECK_INT(rmdir(path_of("auto1.dbx.build-AbC123")), 0);
	/* An incremental run (nothing to read) removes them too. */
	CHECK_INT(mkdir(path_of("auto1.db.build-XyZ789"), 0700), 0);
	CHECK_INT(run("auto1.db", "wire.jsonl", 1, &st, &g), NX_OK);
	CHECK_INT((int)st.threads, 1);
	CHECK_INT(leftovers(), 0);

	CHECK_INT(mkdir(path_of("big"), 0700), 0);
	write_corpus("big/wire.jsonl");
	/* 9 MB the walk does not read: a file of no known kind and a hidden
	 * one: still one thread. */
	sparse_file("big/pad.dat", 9);
	CHECK_INT(mkdir(path_of("big/.cache"), 0700), 0);
	sparse_file("big/.cache/pad.txt", 9);
	CHECK_INT(run("auto3.db", "big", NX_INDEX_THREADS_AUTO, &st, &g), NX_OK);
	CHECK_INT((int)st.threads, 1);
	/* 9 MB it reads (and rejects as binary): shards. */
	sparse_file("big/pad.txt", 9);
	CHECK_INT(mkdir(path_of("auto2.db.build-AbC123"), 0700), 0);
	CHECK_INT(run("auto2.db", "big", NX_INDEX_THREADS_AUTO, &st, &g), NX_OK);
	CHECK_INT((int)st.threads, cores < 2 ? 1 : cores > 4 ? 4 : (int)cores);
	CHECK_INT((int)st.files_failed, 1);
	CHECK_INT(leftovers(), 0);
	CHECK(st.added >= 300);
	for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
		hit_ids(a, sizeof a, "seq.db", queries[i]);
		hit_ids(b, sizeof b, "auto1.db", queries[i]);
		CHECK_STR(b, a);
		hit_ids(b, sizeof b, "auto2.db", queries[i]);
		CHECK_STR(b, a);
	}
}

static void test_options(void)
{
	nx_index_options o = NX_INDEX_OPTIONS_INIT;

	CHECK_INT(o.version, 4);
	CHECK_INT(o.threads, 1);
}

int main(void)
{
	const char *t = getenv("TMPDIR");
	char cmd[512];

	snprintf(tmp, sizeof tmp, "%s/nx-par-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 1;
	}
	test_options();
	test_same_index();
	test_later_runs();
	test_auto();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp);
	return nx_test_done("test_parallel");
}
