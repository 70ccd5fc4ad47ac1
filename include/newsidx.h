/*
 * newsidx.h — the one public header of libnewsidx, a passage-level full-text
 * search engine for multilingual news.
 *
 * Conventions (see docs/ARCHITECTURE.md):
 *  - Handles are opaque.  Every function that creates one (`*_open`, `*_new`,
 *    `nx_search`) has a matching `*_close`/`*_free` that accepts NULL.
 *  - Functions return an `nx_status` (NX_OK == 0, errors < 0).  On error a
 *    detailed, human-readable message for the calling thread is available
 *    from nx_error_message() until the next failing call on that thread.
 *  - Output parameters come first and are named `out`.
 *  - Option structs carry a version; initialise them with their `_INIT`
 *    macro so that new fields do not break old callers.
 *  - The library never prints, never exits and never aborts on a bad input or
 *    on running out of memory.  Diagnostics about individual input files go
 *    through a callback (nx_diag_fn); the caller decides what to show.
 *  - All text is UTF-8.  Byte offsets are offsets into UTF-8 strings.
 *
 * This header is C99 and compiles on its own with -pedantic.
 */
#ifndef NEWSIDX_H
#define NEWSIDX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(NX_BUILDING_LIBRARY) && defined(__GNUC__)
#define NX_EXPORT __attribute__((visibility("default")))
#else
#define NX_EXPORT
#endif

#define NX_VERSION_STRING "0.1.0"

/* ---- status codes ------------------------------------------------------- */

typedef enum nx_status {
	NX_OK = 0,
	NX_ERROR = -1,      /* an unexpected failure; see the message */
	NX_ENOMEM = -2,     /* out of memory */
	NX_EIO = -3,        /* reading or writing a file failed */
	NX_ENOTFOUND = -4,  /* a path, index, language or record does not exist */
	NX_EBUSY = -5,      /* the index is locked by another writer: try later */
	NX_ESYNTAX = -6,    /* the query is malformed */
	NX_ECORRUPT = -7,   /* the index (or a compressed input) is damaged */
	NX_ENOTINDEX = -8,  /* the path exists but is not a newsidx index */
	NX_EVERSION = -9,   /* the index was written by an incompatible version */
	NX_EINVAL = -10,    /* an argument is invalid (caller's mistake) */
	NX_EFORMAT = -11,   /* input data is malformed (bad JSON, binary file) */
	NX_EMODIFIED = -12, /* the index changed under a reader; reopen, retry */
	NX_EUNSUPPORTED = -13 /* a file type or feature that is not supported */
} nx_status;

/* A short static description of a status code ("index is locked"). */
NX_EXPORT const char *nx_strerror(int status);

/* The detailed message of the last error on this thread, or "" if none.
 * The string is owned by the library and valid until the next failing call
 * on the same thread. */
NX_EXPORT const char *nx_error_message(void);

/* The status of the last error on this thread (NX_OK if none). */
NX_EXPORT int nx_error_code(void);

/* Forget the last error on this thread. */
NX_EXPORT void nx_error_clear(void);

/* The library version, e.g. "0.1.0". */
NX_EXPORT const char *nx_version(void);

/* ---- diagnostics about inputs ------------------------------------------- */

typedef enum nx_severity {
	NX_SEV_NOTE = 0,    /* informational (e.g. a file of an unknown type skipped) */
	NX_SEV_WARNING = 1, /* input repaired or partly lost (invalid UTF-8 repaired) */
	NX_SEV_ERROR = 2    /* a source or a record could not be indexed */
} nx_severity;

typedef struct nx_diag {
	nx_severity severity;
	int status;          /* nx_status that best describes the problem */
	const char *path;    /* the source file, or NULL */
	unsigned long line;  /* 1-based line in `path` (JSON Lines), 0 if n/a */
	const char *message; /* human-readable, without the path prefix */
} nx_diag;

/* Called for every diagnostic while indexing.  `d` and its strings are valid
 * only during the call. */
typedef void (*nx_diag_fn)(void *data, const nx_diag *d);

/* ---- index -------------------------------------------------------------- */

typedef struct nx_db nx_db;

typedef enum nx_open_mode {
	NX_OPEN_READ = 0,  /* read-only; the index must exist */
	NX_OPEN_WRITE = 1,  /* read-write; created if missing; takes the writer lock */
	NX_OPEN_REBUILD = 2 /* as NX_OPEN_WRITE, but an index of an earlier
			       schema version is emptied, to be indexed again
			       (instead of NX_EVERSION); a newer newsidx's index
			       is still refused */
} nx_open_mode;

/*
 * Open the index at `path`.
 *
 * Errors: NX_ENOTFOUND (no index there, read mode), NX_ENOTINDEX (the path
 * holds something else, e.g. a non-empty directory or a Xapian database
 * not written by newsidx), NX_EVERSION, NX_ECORRUPT, NX_EBUSY (write mode:
 * another writer holds the lock), NX_EIO.
 *
 * On success *out is a handle to free with nx_db_close().  A write handle
 * commits pending changes on close.
 */
NX_EXPORT int nx_db_open(nx_db **out, const char *path, nx_open_mode mode);

/* Commit pending changes (write mode), release the lock, free.  NULL is a
 * no-op.  Use nx_db_commit() first to learn whether the commit worked. */
NX_EXPORT void nx_db_close(nx_db *db);

/* Make pending changes durable.  A no-op in read mode. */
NX_EXPORT int nx_db_commit(nx_db *db);

/* Bring a read handle up to the latest committed state. */
NX_EXPORT int nx_db_reopen(nx_db *db);

/* The path the handle was opened with; owned by the handle. */
NX_EXPORT const char *nx_db_path(const nx_db *db);

/*
 * The default index location: $NEWSIDX_DB if set and non-empty, else
 * $XDG_DATA_HOME/newsidx/index, else $HOME/.local/share/newsidx/index.
 * On success *out is a malloc'd string the caller frees with free().
 * Errors: NX_ENOTFOUND when none of the variables is set.
 */
NX_EXPORT int nx_default_db_path(char **out);

typedef struct nx_db_stats {
	uint64_t articles;
	uint64_t passages;
	uint32_t schema_version;
	/* since 0.2 */
	uint64_t sources;      /* source files the index keeps state for */
	uint64_t disk_bytes;   /* space the index directory takes on disk */
} nx_db_stats;

NX_EXPORT int nx_db_stats_get(nx_db_stats *out, nx_db *db);

/* Called by nx_db_languages for each language: its code ("en") and the
 * number of passages in it.  Return non-zero to stop. */
typedef int (*nx_lang_fn)(void *data, const char *lang, uint64_t passages);

/* The languages of the index, in code order. */
NX_EXPORT int nx_db_languages(nx_db *db, nx_lang_fn fn, void *data);

/* ---- indexing ----------------------------------------------------------- */

typedef struct nx_index_stats nx_index_stats;

/* Where a run of nx_index_paths is (nx_index_progress.phase). */
typedef enum nx_index_phase {
	NX_PHASE_SCAN = 0,   /* walking the paths, comparing files with the index */
	NX_PHASE_READ = 1,   /* reading new and changed sources */
	NX_PHASE_PRUNE = 2,  /* deleting sources that disappeared */
	NX_PHASE_DONE = 3    /* finished (reported once, last) */
} nx_index_phase;

typedef struct nx_index_progress {
	nx_index_phase phase;
	uint64_t sources_found;   /* source files found by the scan so far */
	uint64_t sources_todo;    /* of those, new or changed: to be read */
	uint64_t sources_done;    /* of those, read so far */
	uint64_t bytes_todo;      /* their (uncompressed) size, as far as known */
	uint64_t bytes_done;      /* bytes read so far */
	double seconds;           /* since the run started */
	const char *path;         /* the source being read, or NULL */
	const nx_index_stats *stats; /* the counters so far */
} nx_index_progress;

/* Called by nx_index_paths about ten times a second at most, and once at
 * the end (NX_PHASE_DONE).  `p` is valid only during the call. */
typedef void (*nx_progress_fn)(void *data, const nx_index_progress *p);

/* nx_index_options.flags */
#define NX_INDEX_FORCE 1u     /* read and re-analyse every source, changed or not */
#define NX_INDEX_NO_PRUNE 2u  /* keep what sources that disappeared had indexed */

typedef struct nx_index_options {
	unsigned version;           /* NX_INDEX_OPTIONS_VERSION */
	unsigned passage_min_words; /* a passage grows to at least this ... */
	unsigned passage_max_words; /* ... and stops before exceeding this */
	size_t max_record_bytes;    /* larger JSONL lines / text files are errors */
	unsigned commit_every;      /* changes per commit: articles added, replaced
				       or deleted (a crash loses at most this, or
				       the last second's work: commits are at
				       least a second apart, so that a search
				       started before one can finish) */
	nx_diag_fn diag;            /* may be NULL: diagnostics are then dropped */
	void *diag_data;
	/* version 2 */
	unsigned flags;             /* NX_INDEX_FORCE, NX_INDEX_NO_PRUNE */
	nx_progress_fn progress;    /* may be NULL */
	void *progress_data;
	/* version 3 */
	unsigned threads;           /* > 1: a run into an empty index builds this many
				       shards in parallel and merges them (0, 1: one);
				       NX_INDEX_THREADS_AUTO: the cores (at most 4)
				       when the input is 8 MB or more, else one */
} nx_index_options;

#define NX_INDEX_THREADS_AUTO 0xffffffffu

/* Versions 1 (without flags and progress), 2 (without threads) and 3 (the
 * options of version 4, nx_index_stats without threads) are still accepted. */
#define NX_INDEX_OPTIONS_VERSION 4
#define NX_INDEX_OPTIONS_INIT \
	{ NX_INDEX_OPTIONS_VERSION, 40, 150, (size_t)64 << 20, 1000, NULL, NULL, 0, NULL, NULL, 1 }

struct nx_index_stats {
	uint64_t files;           /* source files read (fully or partly) */
	uint64_t files_failed;    /* sources that could not be (fully) indexed */
	uint64_t files_skipped;   /* files of unsupported type inside directories */
	uint64_t articles;        /* articles added or replaced */
	uint64_t records_failed;  /* JSONL records rejected */
	uint64_t passages;        /* passages written */
	uint64_t bytes;           /* bytes of (uncompressed) input read */
	uint64_t utf8_repaired;   /* invalid UTF-8 sequences replaced by U+FFFD */
	double seconds;           /* wall-clock time spent */
	/* Since version 2 of nx_index_options (not written for version 1) */
	uint64_t added;           /* articles new to the index */
	uint64_t updated;         /* articles replaced by a changed version */
	uint64_t deleted;         /* articles deleted: their record or source is gone */
	uint64_t unchanged;       /* articles found as they were indexed */
	uint64_t sources_found;   /* source files found under the paths */
	uint64_t sources_unchanged; /* of those, unchanged (most not even read) */
	uint64_t sources_deleted; /* sources gone from disk, removed from the index */
	uint64_t commits;         /* batches committed */
	/* Since version 4 (not written for versions 1 to 3) */
	uint64_t threads;         /* shards built in parallel and merged (2 or more),
				     or 1: one thread wrote the index */
};

/*
 * Index the files and directories in `paths` (directories recursively;
 * hidden entries skipped) into `db`, which must be open for writing.
 *
 * Incremental: the index keeps, per source file, its size, times, inode and
 * the content hash of every article it produced.  A file whose stat() is
 * unchanged is not read; a changed file is read, and of its articles only
 * new and changed ones are analysed and written; articles a file no longer
 * holds are deleted (unless another file holds them now).  Sources that no
 * longer exist under a path given are deleted with their articles, unless
 * NX_INDEX_NO_PRUNE; a path that is missing, or a directory in which nothing
 * indexable is found, is an error and nothing under it is deleted (an
 * unmounted disk must not empty the index).  NX_INDEX_FORCE re-reads and
 * re-analyses everything (after an upgrade of the text analysis).
 *
 * Changes are committed in batches of opts->commit_every, each together
 * with the state of the sources it concerns, as a Xapian transaction: a
 * crash or a failed call keeps the last committed batch, never half an
 * article, and the next run completes the work.
 *
 * Supported sources: plain text (.txt, .md: the first line, or the first
 * Markdown heading, is the title), JSON Lines (.jsonl, .ndjson: one article
 * per line with "id", "title", "date", "lang", "url", "text"), and gzip of
 * either (.gz; detected by content, not only by name).
 *
 * An article whose id is already indexed is replaced.  A source that fails
 * leaves what was indexed from it before untouched.  Per-file and per-record
 * problems are reported through opts->diag and counted in *stats; they do
 * not make the call fail.  The call itself fails only when the index cannot
 * be written (NX_EIO, NX_ENOMEM, NX_ECORRUPT ...); committed work is kept.
 *
 * `opts` may be NULL for the defaults; `stats` may be NULL.  With version 1
 * options only the fields of nx_index_stats up to `seconds` are written.
 */
NX_EXPORT int nx_index_paths(nx_db *db, const char *const *paths, size_t npaths,
			     const nx_index_options *opts, nx_index_stats *stats);

/*
 * The counters of the last nx_index_paths() run that completed on this
 * index, and when it ended (*when: seconds since 1970; may be NULL).
 * NX_ENOTFOUND when no run has completed since the index was created (or
 * since before newsidx 0.2 wrote it).
 */
NX_EXPORT int nx_db_last_run(nx_index_stats *out, int64_t *when, nx_db *db);

/* ---- searching ---------------------------------------------------------- */

typedef struct nx_search_options {
	unsigned version;      /* NX_SEARCH_OPTIONS_VERSION */
	size_t offset;         /* skip this many hits */
	size_t limit;          /* return at most this many hits */
	int all_passages;      /* 0: best passage per article; 1: every passage */
	/* version 2 */
	int explain;           /* 1: fill nx_hit.explain with the score's parts */
	double recent_days;    /* > 0: favour recent articles: a boost that halves
				  every recent_days days of age; 0: off */
	unsigned context;      /* words of context on each side of the densest
				  run of matches in the snippet (nx_hit.snippet_*) */
	int feedback;          /* query expansion from the best passages:
				  0 automatic (queries of 5 or more words),
				  1 always, -1 never */
	int64_t now;           /* the time relative dates (since:7d) and
				  recent_days count from, seconds since 1970;
				  0: the clock */
	/* version 3 */
	const char *lang;      /* ISO 639 code ("ru"): query words stem for this
				  language only; NULL: for every language of the
				  index */
} nx_search_options;

/* Versions 1 (without explain ... now) and 2 (without lang) are still
 * accepted. */
#define NX_SEARCH_OPTIONS_VERSION 3
#define NX_SEARCH_OPTIONS_INIT { NX_SEARCH_OPTIONS_VERSION, 0, 10, 0, 0, 0.0, 8, 0, 0, NULL }

/* A byte range [start, end). */
typedef struct nx_span {
	size_t start;
	size_t end;
} nx_span;

/* A word of a hit's passage that the query matched only as another
 * spelling of a name it asked for (Ruzakunov for Ruzakhunov).  The same
 * name in another script or transcription (Токаев for Tokayev) is not
 * "another spelling": those words are only highlighted. */
typedef struct nx_matched_form {
	size_t start;          /* the word in nx_hit.passage, bytes [start, end) */
	size_t end;
	const char *form;      /* the word as written in the passage */
	const char *query;     /* the word of the query it was matched for, as
				  typed (a person: item: its surname) */
} nx_matched_form;

/* One hit.  All pointers are owned by the nx_results it came from. */
typedef struct nx_hit {
	size_t rank;           /* 1-based, counting from opts->offset + 1 */
	double score;          /* the ranking score: BM25 weight of the passage,
				  with feedback and recency when they apply */
	const char *id;        /* article id: JSONL "id", else the source path */
	const char *title;     /* "" if unknown */
	const char *date;      /* as given in the input, "" if unknown */
	const char *source;    /* the file the article came from */
	const char *url;       /* "" if unknown */
	const char *lang;      /* language code, "" if unknown */
	const char *passage;   /* the passage text, NUL-terminated */
	size_t passage_len;    /* its length in bytes */
	size_t passage_start;  /* byte offset of the passage in the article text */
	size_t passage_end;    /* passage_start + passage_len */
	unsigned passage_no;   /* 0-based passage number within the article */
	const nx_span *highlights; /* matched words, byte ranges in `passage` */
	size_t nhighlights;
	/* Since version 2 of nx_search_options (zero/"" for version 1 callers) */
	const char *explain;   /* the score's parts (opts->explain), else "" */
	size_t snippet_start;  /* the snippet: the densest run of matches with */
	size_t snippet_end;    /* opts->context words around it, bytes of `passage` */
	int all_words;         /* 1: the passage holds every item of the query */
	/* Since 0.2 (the struct only grows at its end; hits are the library's) */
	const nx_matched_form *matched; /* words matched as another spelling, in
				  passage order; NULL when none */
	size_t nmatched;
} nx_hit;

typedef struct nx_results nx_results;

/*
 * Run `query` against `db` (opened for reading or writing).
 *
 * The query language (README.md, "Searching"): words (ranked; passages that
 * hold all of them first), "exact phrases", a NEAR/n b, AND, OR, NOT, -word,
 * prefix*, (groups), and the fields title:, person:, lang:, source:, since:,
 * until:, date:.  Words are analysed exactly as indexed text is (Unicode
 * segmentation, NFKC case folding, stemming).
 *
 * Passages are ranked with BM25 (the article's title counts in each of its
 * passages); long queries (opts->feedback) are expanded with the terms of
 * their best passages; opts->recent_days favours recent articles.
 *
 * Errors: NX_ESYNTAX for a malformed query (empty, an unbalanced quote or
 * parenthesis, a bad date, an unknown field ...): the message says what and
 * ends in "(column N)", the 1-based column in characters of the problem;
 * NX_EINVAL for bad options (opts->lang not a language code);
 * NX_EMODIFIED when the index changed under the search again after it was
 * reopened and the search run once more; NX_ENOMEM.
 *
 * On success *out holds the hits; free it with nx_results_free().
 */
NX_EXPORT int nx_search(nx_results **out, nx_db *db, const char *query,
			const nx_search_options *opts);

/* Number of hits held (<= opts->limit). */
NX_EXPORT size_t nx_results_count(const nx_results *r);

/* Xapian's estimate of how many passages (or articles, when collapsing)
 * match in all. */
NX_EXPORT size_t nx_results_estimate(const nx_results *r);

/* Hit i (0-based), or NULL when out of range.  Valid until nx_results_free. */
NX_EXPORT const nx_hit *nx_results_get(const nx_results *r, size_t i);

NX_EXPORT void nx_results_free(nx_results *r);

/* "Did you mean": the query with a word the index does not know (or hardly
 * knows) replaced by a close spelling it knows well, when the query found
 * few articles; else NULL.  Owned by r. */
NX_EXPORT const char *nx_results_suggestion(const nx_results *r);

/*
 * One hit as a single-line JSON object (no trailing newline) with the keys
 * rank, score, id, title, date, source, url, lang, passage, passage_no,
 * passage_start, passage_end, highlights ([[start, end], ...] in bytes of
 * `passage`), snippet ([start, end] in bytes of `passage`), all_words,
 * explain when the hit has one, and matched when it has matched forms
 * ([{"form": ..., "query": ..., "span": [start, end]}, ...]).  On success
 * *out is malloc'd; the caller frees it with free().
 */
NX_EXPORT int nx_hit_to_json(char **out, const nx_hit *hit);

/* ---- people ------------------------------------------------------------- */

typedef struct nx_people_options {
	unsigned version;      /* NX_PEOPLE_OPTIONS_VERSION */
	size_t limit;          /* list at most this many people (>= 1) */
	size_t passages;       /* count the people of at most this many matching
				  passages, the best by rank (newest first for
				  a query of filters only); the cost of a call
				  grows with it (>= 1, at most 100000) */
	int64_t now;           /* as nx_search_options.now (relative dates) */
	const char *lang;      /* as nx_search_options.lang; NULL: every
				  language of the index */
} nx_people_options;

#define NX_PEOPLE_OPTIONS_VERSION 1
#define NX_PEOPLE_OPTIONS_INIT { NX_PEOPLE_OPTIONS_VERSION, 10, 1000, 0, NULL }

/* One spelling of a person's surname and the passages that write it. */
typedef struct nx_spelling {
	const char *form;      /* as the index records it: normalised, case
				  endings removed, then capitalised (Tokayev,
				  Токаев) */
	size_t passages;
} nx_spelling;

/* One person.  All pointers are owned by the nx_people_list. */
typedef struct nx_person {
	size_t rank;           /* 1-based */
	const char *name;      /* the most frequent spelling (spellings[0].form) */
	const char *key;       /* its name key (Latin a-z: tokaev) */
	size_t passages;       /* passages counted that name the person */
	size_t articles;       /* the articles those passages belong to */
	const nx_spelling *spellings; /* every spelling, most passages first */
	size_t nspellings;
} nx_person;

typedef struct nx_people_list nx_people_list;

/*
 * The people most mentioned in the passages that match `query` (the query
 * language of nx_search), each person once under all the spellings of the
 * surname: transliterations (Tokayev, Токаев, Тоқаев), spellings near the
 * most frequent one (Ruzakhunov, Ruzakunov, Ruzakhnunov), and a short form
 * written with the same given name (Ruza).  People are ordered by
 * passages, then articles.  Names come from the people index (name
 * detection at indexing time), so a person is counted only where the
 * indexer recognised a name.
 *
 * Bounded cost: the people of at most opts->passages matching passages are
 * counted (every one when fewer match): one read of each passage's terms.
 *
 * Errors: as nx_search (NX_ESYNTAX for a malformed query ...), NX_EINVAL
 * for bad options.  On success *out holds the list (possibly empty); free
 * it with nx_people_list_free().  opts may be NULL for the defaults.
 */
NX_EXPORT int nx_people(nx_people_list **out, nx_db *db, const char *query,
			const nx_people_options *opts);

/* Number of people held (<= opts->limit). */
NX_EXPORT size_t nx_people_list_count(const nx_people_list *l);

/* Person i (0-based), or NULL when out of range.  Valid until
 * nx_people_list_free(). */
NX_EXPORT const nx_person *nx_people_list_get(const nx_people_list *l, size_t i);

/* Passages whose people were counted, and Xapian's estimate of how many
 * passages match in all (more than counted when opts->passages cut). */
NX_EXPORT size_t nx_people_list_passages(const nx_people_list *l);
NX_EXPORT size_t nx_people_list_estimate(const nx_people_list *l);

NX_EXPORT void nx_people_list_free(nx_people_list *l);

/*
 * One person as a single-line JSON object (no trailing newline):
 * {"rank", "name", "key", "passages", "articles", "spellings":
 * [{"form", "passages"}, ...]}.  *out is malloc'd; free it with free().
 */
NX_EXPORT int nx_person_to_json(char **out, const nx_person *p);

#ifdef __cplusplus
}
#endif

#endif /* NEWSIDX_H */
