/*
 * main.c — the `indexer` program: index news files into a newsidx index.
 * It uses only the public API of newsidx.h.
 */
#include "newsidx.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Exit codes (documented in --help and README.md). */
enum {
	EXIT_OK = 0,        /* everything indexed */
	EXIT_PARTIAL = 1,   /* some sources or records failed; the rest indexed */
	EXIT_USAGE = 2,     /* bad command line */
	EXIT_INDEX = 3,     /* the index cannot be opened or written */
	EXIT_BUSY = 75      /* another indexer holds the lock (EX_TEMPFAIL) */
};

static const char usage_text[] =
	"Usage: indexer [OPTIONS] PATH...\n"
	"Index news files into a newsidx index.\n"
	"\n"
	"PATH may be a file or a directory (searched recursively; hidden entries are\n"
	"skipped).  Sources:\n"
	"  .txt .md          one article; the first line (or Markdown heading) is the title\n"
	"  .jsonl .ndjson    one article per line: {\"id\", \"title\", \"date\", \"lang\",\n"
	"                    \"url\", \"text\"}; only \"text\" is required\n"
	"  .gz               gzip of either of the above (e.g. wire.jsonl.gz)\n"
	"Articles are split into passages of whole sentences (about 40-150 words,\n"
	"never across a blank line).  Re-indexing an article (same id, or same path\n"
	"for text files) replaces it.\n"
	"\n"
	"Options:\n"
	"  --db DIR       the index (default: $NEWSIDX_DB, else $XDG_DATA_HOME/newsidx/index,\n"
	"                 else ~/.local/share/newsidx/index); created if missing\n"
	"  -q, --quiet    print only errors\n"
	"  -v, --verbose  also print notes (e.g. files of unknown type skipped)\n"
	"  -h, --help     show this help\n"
	"  --version      show the version\n"
	"\n"
	"Exit status:\n"
	"  0   all sources indexed\n"
	"  1   some sources or records could not be indexed (each was reported;\n"
	"      everything else was indexed)\n"
	"  2   usage error\n"
	"  3   the index could not be opened or written (not an index, damaged,\n"
	"      incompatible version, I/O error)\n"
	"  75  another indexer is writing to the index; try again later\n";

typedef struct diag_state {
	int verbose;
	int quiet;
	unsigned long warnings, errors;
} diag_state;

static void on_diag(void *data, const nx_diag *d)
{
	diag_state *s = data;
	const char *kind = d->severity == NX_SEV_ERROR ? "error" :
			   d->severity == NX_SEV_WARNING ? "warning" : "note";

	if (d->severity == NX_SEV_ERROR)
		s->errors++;
	else if (d->severity == NX_SEV_WARNING)
		s->warnings++;
	if (d->severity == NX_SEV_NOTE && !s->verbose)
		return;
	if (d->severity == NX_SEV_WARNING && s->quiet)
		return;
	if (d->path && d->line)
		fprintf(stderr, "indexer: %s:%lu: %s: %s\n", d->path, d->line, kind, d->message);
	else if (d->path)
		fprintf(stderr, "indexer: %s: %s: %s\n", d->path, kind, d->message);
	else
		fprintf(stderr, "indexer: %s: %s\n", kind, d->message);
}

static int exit_for(int status)
{
	return status == NX_EBUSY ? EXIT_BUSY : EXIT_INDEX;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	nx_index_options opts = NX_INDEX_OPTIONS_INIT;
	nx_index_stats stats;
	diag_state ds = { 0, 0, 0, 0 };
	char *dbpath = NULL;
	nx_db *db = NULL;
	int c, rc;

	while ((c = getopt_long(argc, argv, "qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			free(dbpath);
			dbpath = strdup(optarg);
			break;
		case 'q':
			ds.quiet = 1;
			break;
		case 'v':
			ds.verbose = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			free(dbpath);
			return EXIT_OK;
		case 'V':
			printf("indexer (newsidx) %s\n", nx_version());
			free(dbpath);
			return EXIT_OK;
		default:
			fputs("Try 'indexer --help' for more information.\n", stderr);
			free(dbpath);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs("indexer: no PATH given: name the files or directories to index\n"
		      "Try 'indexer --help' for more information.\n", stderr);
		free(dbpath);
		return EXIT_USAGE;
	}
	if (!dbpath && nx_default_db_path(&dbpath) != NX_OK) {
		fprintf(stderr, "indexer: %s; or give --db DIR\n", nx_error_message());
		return EXIT_USAGE;
	}
	if ((rc = nx_db_open(&db, dbpath, NX_OPEN_WRITE)) != NX_OK) {
		fprintf(stderr, "indexer: cannot open index: %s\n", nx_error_message());
		if (rc == NX_EBUSY)
			fputs("indexer: another indexer is running on this index; try again later\n",
			      stderr);
		free(dbpath);
		return exit_for(rc);
	}

	opts.diag = on_diag;
	opts.diag_data = &ds;
	rc = nx_index_paths(db, (const char *const *)argv + optind, (size_t)(argc - optind),
			    &opts, &stats);
	if (rc == NX_OK)
		rc = nx_db_commit(db);
	if (rc != NX_OK) {
		fprintf(stderr, "indexer: indexing stopped: %s\n", nx_error_message());
		fprintf(stderr, "indexer: the index keeps everything committed before the error\n");
		nx_db_close(db);
		free(dbpath);
		return exit_for(rc);
	}
	nx_db_close(db);

	if (!ds.quiet) {
		printf("indexed %llu article%s (%llu passages, %.2f MB) from %llu file%s in %.2f s",
		       (unsigned long long)stats.articles, stats.articles == 1 ? "" : "s",
		       (unsigned long long)stats.passages, stats.bytes / 1e6,
		       (unsigned long long)stats.files, stats.files == 1 ? "" : "s", stats.seconds);
		if (stats.files_failed || stats.records_failed)
			printf("; %llu file%s and %llu record%s failed",
			       (unsigned long long)stats.files_failed,
			       stats.files_failed == 1 ? "" : "s",
			       (unsigned long long)stats.records_failed,
			       stats.records_failed == 1 ? "" : "s");
		if (stats.utf8_repaired)
			printf("; %llu invalid UTF-8 sequence%s repaired",
			       (unsigned long long)stats.utf8_repaired,
			       stats.utf8_repaired == 1 ? "" : "s");
		if (stats.files_skipped)
			printf("; %llu file%s of unknown type skipped%s",
			       (unsigned long long)stats.files_skipped,
			       stats.files_skipped == 1 ? "" : "s", ds.verbose ? "" : " (-v lists them)");
		printf("\nindex: %s\n", dbpath);
	}
	free(dbpath);
	return ds.errors || stats.files_failed || stats.records_failed ? EXIT_PARTIAL : EXIT_OK;
}
