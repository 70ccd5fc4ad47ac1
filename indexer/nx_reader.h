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

typedef struct nx_read_ctx {
	nx_article_fn on_article;
	void *article_ctx;
	nx_diag_fn diag;          /* may be NULL */
	void *diag_ctx;
	size_t max_record_bytes;  /* larger JSONL lines / text files: error */
	nx_index_stats *stats;    /* counters updated: files, files_failed,
				     files_skipped, records_failed, bytes,
				     utf8_repaired (may be NULL) */
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
 * Read a path: a file (any name; the kind comes from the name and, failing
 * that, is an error), or a directory walked recursively in sorted order
 * (entries starting with '.' skipped; files of unknown kind counted in
 * files_skipped and reported as notes).  A directory with no readable
 * source in it is reported as an error.  Same return convention as
 * nx_read_file: NX_OK unless the path as a whole failed or on_article
 * stopped the walk.
 */
int nx_read_path(const char *path, const nx_read_ctx *ctx);

#ifdef __cplusplus
}
#endif

#endif /* NX_READER_H */
