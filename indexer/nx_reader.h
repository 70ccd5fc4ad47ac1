/*
 * nx_reader.h — reading news sources into articles: plain text / Markdown,
 * JSON Lines, gzip of either, and directory trees.
 *
 * Readers know files and formats, nothing about the index.  They hand every
 * article to a callback and report every problem through an nx_diag_fn with
 * the file (and line) it concerns.  Text handed out is always valid UTF-8:
 * ill-formed sequences are replaced by U+FFFD, counted and reported.
 */
#ifndef NX_READER_H
#define NX_READER_H

#include "newsidx.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nx_article {
	const char *id;      /* JSONL "id" (as a string), else the source path */
	const char *title;   /* "" if none */
	const char *date;    /* as given, "" if none */
	const char *lang;    /* as given, "" if none (the indexer guesses) */
	const char *url;     /* "" if none */
	const char *source;  /* path of the file the article came from */
	const char *text;    /* the body, valid UTF-8, NUL-terminated */
	size_t text_len;
	unsigned long line;  /* JSONL line number, 0 for whole-file articles */
	int title_only;      /* a record with a title and no text: text is the
				title (its title terms then weigh nothing) */
} nx_article;

/* Called for each article; the article and its strings are valid only during
 * the call.  Return NX_OK to go on; any other status stops reading and is
 * returned by the reader (use it for fatal index errors). */
typedef int (*nx_article_fn)(void *ctx, const nx_article *a);

enum nx_source_kind {
	NX_SOURCE_UNKNOWN = 0,
	NX_SOURCE_TEXT,   /* .txt .text .md .markdown (optionally .gz) */
	NX_SOURCE_JSONL   /* .jsonl .ndjson (optionally .gz) */
};

/* The kind of source a file name denotes (after stripping a .gz suffix). */
enum nx_source_kind nx_source_kind_of(const char *path);

struct stat;

/* What an nx_found_fn returns besides an error (< 0) that stops the walk. */
enum {
	NX_FOUND_READ = 0,  /* read the source now */
	NX_FOUND_SKIP = 1   /* do not read it; it counts as read without error */
};

/* Called for each source file a walk finds (by name, and a regular file or
 * a symbolic link to one), before it is read: `path` as walked, `abspath`
 * its absolute path without symbolic links (the article source), `st` the
 * stat of the file itself (of the target for a link).  All are valid only
 * during the call. */
typedef int (*nx_found_fn)(void *ctx, const char *path, const char *abspath,
			   const struct stat *st);

typedef struct nx_read_ctx {
	nx_article_fn on_article;
	void *article_ctx;
	nx_diag_fn diag;          /* may be NULL */
	void *diag_ctx;
	size_t max_record_bytes;  /* larger JSONL lines / text files: error */
	nx_index_stats *stats;    /* counters updated: files, files_failed,
				     files_skipped, records_failed, bytes,
				     utf8_repaired (may be NULL) */
	nx_found_fn on_found;     /* may be NULL: every source found is read */
	void *found_ctx;
} nx_read_ctx;

/*
 * Read one file.  Returns NX_OK when the file was read, even if some records
 * were rejected (they are reported and counted).  Returns an error status
 * when the file as a whole failed (unreadable, binary, truncated gzip,
 * unsupported type): that too has been reported through ctx->diag and
 * counted in files_failed, so callers may simply go on with the next file.
 * If ctx->on_article returns an error, reading stops and that status is
 * returned *without* a diag (the caller owns that error).
 *
 * Articles from a text file are handed out only once the whole file was
 * read without error.  Records of a JSON Lines file are handed out as they
 * are read; a truncated .jsonl.gz keeps the complete records before the
 * damage and reports the rest.
 */
int nx_read_file(const char *path, const nx_read_ctx *ctx);

/*
 * Read one source file found earlier (by nx_read_path with an on_found that
 * said NX_FOUND_SKIP): `path` names it in diagnostics, `abspath` is its
 * absolute path as on_found got it (NULL: worked out here).  on_found is
 * not called.  Same return convention as nx_read_file.
 */
int nx_read_source(const char *path, const char *abspath, const nx_read_ctx *ctx);

/*
 * Read a path: a file (any name; the kind comes from the name and, failing
 * that, is an error), or a directory walked recursively in sorted order
 * (entries starting with '.' skipped; files of unknown kind counted in
 * files_skipped and reported as notes).  A directory with no readable
 * source in it is reported as an error.  Same return convention as
 * nx_read_file: NX_OK unless the path as a whole failed or on_article (or
 * on_found) stopped the walk.  With ctx->on_found, each source is offered
 * to it first and read only when it returns NX_FOUND_READ.
 */
int nx_read_path(const char *path, const nx_read_ctx *ctx);

#ifdef __cplusplus
}
#endif

#endif /* NX_READER_H */
