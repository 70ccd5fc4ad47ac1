/*
 * main.c — the `indexer` program: index news files into a newsidx index,
 * incrementally, one writer at a time, quietly enough for cron; and
 * `indexer --status`.  It uses only the public API of newsidx.h.
 */
#include "newsidx.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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
	"       indexer --status [--db DIR]\n"
	"Index news files into a newsidx index, or describe the index.\n"
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
	"Re-running on the same paths is incremental: files whose size, times and\n"
	"inode are unchanged are not read; of a changed file only new and changed\n"
	"articles are written, and those it no longer holds are deleted; files that\n"
	"no longer exist under a PATH are deleted from the index (not when PATH itself\n"
	"is missing or has nothing indexable in it: an unmounted disk must not empty\n"
	"the index).  Changes are committed in batches (--batch); if the indexer is\n"
	"killed, the index keeps the last batch and the next run finishes the work.\n"
	"\n"
	"Options:\n"
	"  --db DIR       the index (default: $NEWSIDX_DB, else $XDG_DATA_HOME/newsidx/index,\n"
	"                 else ~/.local/share/newsidx/index); created if missing\n"
	"  --wait SECONDS when another indexer is writing to the index, wait up to\n"
	"                 SECONDS for it to finish (default 0: exit 75 at once)\n"
	"  --force        read and re-analyse every file, changed or not; an index of\n"
	"                 an older schema version is emptied and rebuilt\n"
	"  --batch N      commit every N changes, at least a second apart (default 1000)\n"
	"  --threads N    into an empty index, build N shards in parallel and merge\n"
	"                 them (default auto: the cores, at most 4, when the files\n"
	"                 given hold 8 MB or more; else 1)\n"
	"  --no-prune     keep the articles of files that no longer exist\n"
	"  --status       print what the index holds and how the last run went\n"
	"  -q, --quiet    print only errors\n"
	"  -v, --verbose  print a summary, warnings and notes (e.g. files of unknown\n"
	"                 type skipped) even when not on a terminal\n"
	"  -h, --help     show this help\n"
	"  --version      show the version\n"
	"\n"
	"Output: errors, one line each (indexer: PATH[:LINE]: error: REASON), on\n"
	"stderr.  On a terminal also warnings, a progress bar (stderr) and a one-line\n"
	"summary (stdout); when neither is a terminal (cron) nothing else, so a run\n"
	"in which nothing failed prints nothing.\n"
	"\n"
	"Exit status:\n"
	"  0   all sources indexed\n"
	"  1   some sources or records could not be indexed (each was reported;\n"
	"      everything else was indexed)\n"
	"  2   usage error\n"
	"  3   the index could not be opened or written (not an index, damaged,\n"
	"      incompatible version, I/O error)\n"
	"  75  another indexer is writing to the index (still, after --wait); try\n"
	"      again later\n";

/* ---- what to print ------------------------------------------------------ */

typedef struct ui {
	int verbose;
	int quiet;
	int tty_out, tty_err;
	int bar;                 /* a progress bar is on screen (stderr) */
	double read_start;       /* seconds into the run the reading began */
	unsigned long warnings, errors;
} ui;

static void clear_bar(ui *u)
{
	if (u->bar) {
		fputs("\r\033[K", stderr);
		u->bar = 0;
	}
}

static void on_diag(void *data, const nx_diag *d)
{
	ui *u = data;
	const char *kind = d->severity == NX_SEV_ERROR ? "error" :
			   d->severity == NX_SEV_WARNING ? "warning" : "note";

	if (d->severity == NX_SEV_ERROR)
		u->errors++;
	else if (d->severity == NX_SEV_WARNING)
		u->warnings++;
	if (d->severity == NX_SEV_NOTE && !u->verbose)
		return;
	if (d->severity == NX_SEV_WARNING && (u->quiet || !(u->verbose || u->tty_err)))
		return;
	clear_bar(u);
	if (d->path && d->line)
		fprintf(stderr, "indexer: %s:%lu: %s: %s\n", d->path, d->line, kind, d->message);
	else if (d->path)
		fprintf(stderr, "indexer: %s: %s: %s\n", d->path, kind, d->message);
	else
		fprintf(stderr, "indexer: %s: %s\n", kind, d->message);
}

static void fmt_duration(char *out, size_t n, double s)
{
	long t = s < 0 ? 0 : s > 359999 ? 359999 : (long)(s + 0.5);

	if (t >= 3600)
		snprintf(out, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(out, n, "%ld:%02ld", t / 60, t % 60);
}

/* The progress bar (nx_progress_fn): stderr, terminal only. */
static void on_progress(void *data, const nx_index_progress *p)
{
	ui *u = data;
	char eta[32] = "", line[160];
	double frac, rate, elapsed;
	int width = 24, filled;

	switch (p->phase) {
	case NX_PHASE_SCAN:
		snprintf(line, sizeof line, "scanning: %llu files, %llu to read",
			 (unsigned long long)p->sources_found, (unsigned long long)p->sources_todo);
		break;
	case NX_PHASE_READ:
		if (u->read_start == 0)
			u->read_start = p->seconds > 0 ? p->seconds : 1e-9;
		if (!p->sources_todo)
			return;
		frac = p->bytes_todo ? (double)p->bytes_done / (double)p->bytes_todo :
				       (double)p->sources_done / (double)p->sources_todo;
		if (frac > 1)
			frac = 1;
		elapsed = p->seconds - u->read_start;
		rate = elapsed > 0.5 ? (double)p->bytes_done / elapsed : 0;
		if (rate > 0 && p->bytes_todo > p->bytes_done)
			fmt_duration(eta, sizeof eta, (double)(p->bytes_todo - p->bytes_done) / rate);
		filled = (int)(frac * width);
		snprintf(line, sizeof line, "[%.*s%*s] %3d%%  %llu/%llu files  %.1f MB/s%s%s",
			 filled, "########################", width - filled, "", (int)(frac * 100),
			 (unsigned long long)p->sources_done, (unsigned long long)p->sources_todo,
			 rate / 1e6, *eta ? "  ETA " : "", eta);
		break;
	case NX_PHASE_PRUNE:
		snprintf(line, sizeof line, "deleting files that disappeared: %llu",
			 (unsigned long long)p->stats->sources_deleted);
		break;
	default:
		clear_bar(u);
		return;
	}
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
	u->bar = 1;
}

static void print_summary(const char *dbpath, const nx_index_stats *s, int verbose)
{
	unsigned long long failed = s->files_failed + s->records_failed;

	printf("%s: %llu added, %llu updated, %llu deleted, %llu unchanged, %llu failed in %.2f s"
	       " (%llu file%s read, %.2f MB, %llu passages written",
	       dbpath, (unsigned long long)s->added, (unsigned long long)s->updated,
	       (unsigned long long)s->deleted, (unsigned long long)s->unchanged, failed, s->seconds,
	       (unsigned long long)s->files, s->files == 1 ? "" : "s", s->bytes / 1e6,
	       (unsigned long long)s->passages);
	if (s->threads > 1)
		printf(", %llu threads", (unsigned long long)s->threads);
	if (s->sources_deleted)
		printf("; %llu file%s gone", (unsigned long long)s->sources_deleted,
		       s->sources_deleted == 1 ? "" : "s");
	if (failed)
		printf("; failed: %llu file%s, %llu record%s", (unsigned long long)s->files_failed,
		       s->files_failed == 1 ? "" : "s", (unsigned long long)s->records_failed,
		       s->records_failed == 1 ? "" : "s");
	if (s->utf8_repaired)
		printf("; %llu invalid UTF-8 sequence%s repaired",
		       (unsigned long long)s->utf8_repaired, s->utf8_repaired == 1 ? "" : "s");
	if (s->files_skipped)
		printf("; %llu file%s of unknown type skipped%s", (unsigned long long)s->files_skipped,
		       s->files_skipped == 1 ? "" : "s", verbose ? "" : " (-v lists them)");
	printf(")\n");
}

/* ---- --status ----------------------------------------------------------- */

typedef struct langs {
	char text[1024];
	size_t len;
} langs;

static int add_lang(void *data, const char *lang, uint64_t passages)
{
	langs *l = data;
	int n;

	if (l->len >= sizeof l->text - 1)
		return 0;
	n = snprintf(l->text + l->len, sizeof l->text - l->len, "%s%s %llu", l->len ? ", " : "",
		     lang, (unsigned long long)passages);
	l->len = n < 0 ? l->len : l->len + (size_t)n;
	if (l->len >= sizeof l->text)
		l->len = sizeof l->text - 1;
	return 0;
}

/* Everything --status shows, read from one revision of the index. */
static int read_status(nx_db *db, nx_db_stats *ds, langs *l, nx_index_stats *last,
		       int64_t *when, int *have_last)
{
	int rc;

	memset(l, 0, sizeof *l);
	if ((rc = nx_db_stats_get(ds, db)) || (rc = nx_db_languages(db, add_lang, l)))
		return rc;
	rc = nx_db_last_run(last, when, db);
	*have_last = rc == NX_OK;
	return rc == NX_ENOTFOUND ? NX_OK : rc;
}

static int show_status(const char *dbpath)
{
	nx_db *db = NULL;
	nx_db_stats ds;
	nx_index_stats last;
	langs l;
	int64_t when = 0;
	int rc, have_last = 0;

	if ((rc = nx_db_open(&db, dbpath, NX_OPEN_READ)) != NX_OK) {
		fprintf(stderr, "indexer: cannot open index: %s\n", nx_error_message());
		return EXIT_INDEX;
	}
	/* An indexer may commit meanwhile: start again on the new revision. */
	for (int tries = 0; tries < 10; tries++) {
		rc = read_status(db, &ds, &l, &last, &when, &have_last);
		if (rc != NX_EMODIFIED || nx_db_reopen(db) != NX_OK)
			break;
	}
	if (rc != NX_OK) {
		fprintf(stderr, "indexer: reading the index: %s\n", nx_error_message());
		nx_db_close(db);
		return rc == NX_EMODIFIED ? EXIT_BUSY : EXIT_INDEX;
	}
	nx_db_close(db);
	printf("index:     %s\n", dbpath);
	printf("articles:  %llu\n", (unsigned long long)ds.articles);
	printf("passages:  %llu\n", (unsigned long long)ds.passages);
	printf("files:     %llu\n", (unsigned long long)ds.sources);
	printf("languages: %s%s\n", l.len ? l.text : "none", l.len ? " (passages)" : "");
	printf("size:      %.1f MB on disk\n", ds.disk_bytes / 1e6);
	if (have_last) {
		char iso[32];
		time_t t = (time_t)when;
		struct tm tm;
		double ago = difftime(time(NULL), t);

		gmtime_r(&t, &tm);
		strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
		printf("last run:  %s (%.0f min ago): %llu added, %llu updated, %llu deleted, "
		       "%llu unchanged, %llu failed in %.2f s\n",
		       iso, ago / 60, (unsigned long long)last.added, (unsigned long long)last.updated,
		       (unsigned long long)last.deleted, (unsigned long long)last.unchanged,
		       (unsigned long long)(last.files_failed + last.records_failed), last.seconds);
	} else {
		printf("last run:  none recorded\n");
	}
	return EXIT_OK;
}

/* ---- main --------------------------------------------------------------- */

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Open for writing; while another writer holds the lock, retry for up to
 * `wait` seconds. */
static int open_writer(nx_db **db, const char *path, double wait, nx_open_mode mode)
{
	double deadline = now_seconds() + wait, left;
	int rc;

	for (;;) {
		rc = nx_db_open(db, path, mode);
		left = deadline - now_seconds();
		if (rc != NX_EBUSY || left <= 0)
			return rc;
		usleep((useconds_t)((left < 0.2 ? left : 0.2) * 1e6));
	}
}

int main(int argc, char **argv)
{
	enum { OPT_WAIT = 256, OPT_FORCE, OPT_NO_PRUNE, OPT_STATUS, OPT_BATCH, OPT_THREADS };
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "wait", required_argument, NULL, OPT_WAIT },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "batch", required_argument, NULL, OPT_BATCH },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "no-prune", no_argument, NULL, OPT_NO_PRUNE },
		{ "status", no_argument, NULL, OPT_STATUS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	nx_index_options opts = NX_INDEX_OPTIONS_INIT;
	nx_index_stats stats;
	ui u;
	char *dbpath = NULL, *end;
	nx_db *db = NULL;
	double wait = 0;
	int c, rc, status = 0;

	memset(&u, 0, sizeof u);
	opts.threads = NX_INDEX_THREADS_AUTO;
	while ((c = getopt_long(argc, argv, "qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			free(dbpath);
			dbpath = strdup(optarg);
			break;
		case OPT_WAIT:
			wait = strtod(optarg, &end);
			if (end == optarg || *end || !(wait >= 0 && wait <= 86400 * 7)) {
				fprintf(stderr, "indexer: --wait wants a number of seconds (0 to 604800), "
					"not '%s'\n", optarg);
				free(dbpath);
				return EXIT_USAGE;
			}
			break;
		case OPT_BATCH: {
			unsigned long n = strtoul(optarg, &end, 10);

			if (end == optarg || *end || *optarg == '-' || n == 0 || n > 10000000) {
				fprintf(stderr, "indexer: --batch wants a number of changes (1 to "
					"10000000), not '%s'\n", optarg);
				free(dbpath);
				return EXIT_USAGE;
			}
			opts.commit_every = (unsigned)n;
			break;
		}
		case OPT_THREADS: {
			unsigned long n = strtoul(optarg, &end, 10);

			if (!strcmp(optarg, "auto")) {
				opts.threads = NX_INDEX_THREADS_AUTO;
				break;
			}
			if (end == optarg || *end || *optarg == '-' || n == 0 || n > 64) {
				fprintf(stderr, "indexer: --threads wants 1 to 64 or auto, not '%s'\n",
					optarg);
				free(dbpath);
				return EXIT_USAGE;
			}
			opts.threads = (unsigned)n;
			break;
		}
		case OPT_FORCE:
			opts.flags |= NX_INDEX_FORCE;
			break;
		case OPT_NO_PRUNE:
			opts.flags |= NX_INDEX_NO_PRUNE;
			break;
		case OPT_STATUS:
			status = 1;
			break;
		case 'q':
			u.quiet = 1;
			break;
		case 'v':
			u.verbose = 1;
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
	if (status && optind < argc) {
		fputs("indexer: --status takes no PATH\n"
		      "Try 'indexer --help' for more information.\n", stderr);
		free(dbpath);
		return EXIT_USAGE;
	}
	if (!status && optind >= argc) {
		fputs("indexer: no PATH given: name the files or directories to index\n"
		      "Try 'indexer --help' for more information.\n", stderr);
		free(dbpath);
		return EXIT_USAGE;
	}
	if (!dbpath && nx_default_db_path(&dbpath) != NX_OK) {
		fprintf(stderr, "indexer: %s; or give --db DIR\n", nx_error_message());
		return EXIT_USAGE;
	}
	if (status) {
		rc = show_status(dbpath);
		free(dbpath);
		return rc;
	}

	/* --force rebuilds an index of an older schema (every source is read
	 * again anyway); without it such an index is an error that says so. */
	rc = open_writer(&db, dbpath, wait,
			 opts.flags & NX_INDEX_FORCE ? NX_OPEN_REBUILD : NX_OPEN_WRITE);
	if (rc != NX_OK) {
		if (rc == NX_EBUSY)
			fprintf(stderr, "indexer: %s: another indexer is writing to this index%s; "
				"try again later\n", dbpath,
				wait > 0 ? " (still, after waiting)" : "");
		else
			fprintf(stderr, "indexer: cannot open index: %s\n", nx_error_message());
		free(dbpath);
		return rc == NX_EBUSY ? EXIT_BUSY : EXIT_INDEX;
	}

	u.tty_out = isatty(STDOUT_FILENO);
	u.tty_err = isatty(STDERR_FILENO);
	opts.diag = on_diag;
	opts.diag_data = &u;
	if (u.tty_err && !u.quiet) {
		opts.progress = on_progress;
		opts.progress_data = &u;
	}
	rc = nx_index_paths(db, (const char *const *)argv + optind, (size_t)(argc - optind),
			    &opts, &stats);
	clear_bar(&u);
	if (rc != NX_OK) {
		fprintf(stderr, "indexer: indexing stopped: %s\n", nx_error_message());
		fprintf(stderr, "indexer: the index keeps everything committed before the error; "
			"the next run goes on from there\n");
		nx_db_close(db);
		free(dbpath);
		return rc == NX_EBUSY ? EXIT_BUSY : EXIT_INDEX;
	}
	nx_db_close(db);

	if (u.verbose || (u.tty_out && !u.quiet))
		print_summary(dbpath, &stats, u.verbose);
	free(dbpath);
	return u.errors || stats.files_failed || stats.records_failed ? EXIT_PARTIAL : EXIT_OK;
}
