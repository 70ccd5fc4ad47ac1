/*
 * bench-fts5.c — SQLite FTS5 as a peer in scripts/bench: indexing and
 * in-process query latency over libsqlite3.
 *
 * Usage: bench-fts5 index DB RECORDS   (RECORDS: id TAB title TAB text a line,
 *                                      with \\, \t and \n escaped)
 *        bench-fts5 query DB QUERIES   (FTS5 MATCH expressions, one a line)
 *
 * The table is fts5(id UNINDEXED, title, text, tokenize='porter unicode61'):
 * stored text and full positions (detail=full), like the other engines.
 * Indexing commits every 1000 articles in WAL mode with synchronous=NORMAL,
 * the usual settings for a bulk load.  `query` prints one latency in
 * microseconds per line, after one warm-up pass: prepare, step through the
 * ten best rows by bm25 reading id and title.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "bench-fts5: %s: %s\n", what, db ? sqlite3_errmsg(db) : "failed");
	exit(1);
}

/* Unescape a TAB-separated field in place; returns the start of the next one. */
static char *field(char *p, char **out)
{
	char *w = p;

	*out = p;
	for (; *p && *p != '\t' && *p != '\n'; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			*w++ = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
		} else {
			*w++ = *p;
		}
	}
	char *next = *p == '\t' ? p + 1 : p;
	*w = '\0';
	return next;
}

static int do_index(const char *path, const char *records)
{
	sqlite3 *db;
	sqlite3_stmt *ins;
	FILE *f = fopen(records, "r");
	char *line = NULL, *id, *title, *text;
	size_t cap = 0;
	unsigned long n = 0;

	if (!f) {
		perror(records);
		return 1;
	}
	if (sqlite3_open(path, &db))
		die(db, "open");
	if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			 "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, text,"
			 " tokenize='porter unicode61');", NULL, NULL, NULL))
		die(db, "create");
	if (sqlite3_prepare_v2(db, "INSERT INTO docs(id, title, text) VALUES (?, ?, ?)", -1, &ins, NULL))
		die(db, "prepare");
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	while (getline(&line, &cap, f) > 0) {
		char *p = field(line, &id);

		p = field(p, &title);
		field(p, &text);
		sqlite3_bind_text(ins, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, title, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, text, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			die(db, "insert");
		sqlite3_reset(ins);
		if (++n % 1000 == 0 && (sqlite3_exec(db, "COMMIT; BEGIN", NULL, NULL, NULL)))
			die(db, "commit");
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL))
		die(db, "commit");
	sqlite3_finalize(ins);
	/* Fold the WAL into the database file so its size is the index's. */
	sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	if (sqlite3_close(db))
		die(db, "close");
	free(line);
	fclose(f);
	fprintf(stderr, "bench-fts5: %lu articles\n", n);
	return 0;
}

static int run(sqlite3 *db, sqlite3_stmt *st, const char *q, size_t *hits)
{
	int rc;

	*hits = 0;
	sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		(void)sqlite3_column_text(st, 0);
		(void)sqlite3_column_text(st, 1);
		(*hits)++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : 1;
}

static int do_query(const char *path, const char *queries)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	FILE *f = fopen(queries, "r");
	char line[4096], **qs = NULL;
	size_t n = 0, cap = 0, hits, total = 0, failed = 0;

	if (!f) {
		perror(queries);
		return 1;
	}
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (n == cap) {
			cap = cap ? cap * 2 : 512;
			if (!(qs = realloc(qs, cap * sizeof *qs)))
				return 1;
		}
		if (!(qs[n++] = strdup(line)))
			return 1;
	}
	fclose(f);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL))
		die(db, "open");
	if (sqlite3_prepare_v2(db, "SELECT id, title FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10",
			       -1, &st, NULL))
		die(db, "prepare");
	for (size_t i = 0; i < n; i++)
		if (run(db, st, qs[i], &hits))
			failed++;
	for (size_t i = 0; i < n; i++) {
		double t0 = now_us();

		run(db, st, qs[i], &hits);
		printf("%.1f\n", now_us() - t0);
		total += hits;
	}
	fprintf(stderr, "bench-fts5: %zu queries, %zu hits, %zu failed\n", n, total, failed);
	sqlite3_finalize(st);
	sqlite3_close(db);
	for (size_t i = 0; i < n; i++)
		free(qs[i]);
	free(qs);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "index"))
		return do_index(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "query"))
		return do_query(argv[2], argv[3]);
	fprintf(stderr, "usage: bench-fts5 index DB RECORDS | query DB QUERIES\n");
	return 2;
}
