/*
 * source.h — private helpers shared by the readers (source.c, read_text.c,
 * read_jsonl.c, walk.c): a byte source over zlib that reads plain and gzip
 * files alike, whole or line by line with limits; diagnostics and counters;
 * and the per-format reader entry points that walk.c dispatches to.
 * Not part of any public API.
 */
#ifndef NX_SOURCE_H
#define NX_SOURCE_H

#include "nx_common.h"
#include "nx_reader.h"

#include <stdint.h>
#include <zlib.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- byte source ---------------------------------------------------------- */

#define NX_SOURCE_CHUNK ((size_t)128 << 10)  /* our read buffer and zlib's */
#define NX_BINARY_PROBE ((uint64_t)8 << 10)   /* NUL in here: a binary file */

typedef struct nx_source {
	gzFile gz;
	const char *path;       /* for messages; not owned */
	nx_index_stats *stats;  /* bytes are counted here; may be NULL */
	int check_binary;       /* reject a NUL in the first NX_BINARY_PROBE bytes */
	unsigned char *buf;     /* NX_SOURCE_CHUNK bytes */
	size_t pos, end;        /* unread data is buf[pos, end) */
	uint64_t offset;        /* uncompressed bytes read from the file so far */
	int eof;                /* the data ended cleanly */
	int status;             /* sticky error: once set, reads return it */
} nx_source;

#define NX_SOURCE_INIT { NULL, NULL, NULL, 0, NULL, 0, 0, 0, 0, NX_OK }

/*
 * Open `path` for reading; gzip is recognised by content, anything else is
 * read as it is.  A directory fails with "Is a directory".  On error nothing
 * stays open, and the status and nx_error message ("No such file or
 * directory", strerror text) are set for the caller to report.
 */
int nx_source_open(nx_source *src, const char *path, int check_binary,
		   nx_index_stats *stats);

/* Close and free; safe on a source that failed to open or is all zero. */
void nx_source_close(nx_source *src);

/*
 * Append the whole (uncompressed) content to `out`.  Fails with NX_EFORMAT
 * when it exceeds `limit` bytes (reading stops there: a gzip bomb is not
 * inflated to the end), "binary file", or the errors of a damaged gzip
 * stream: NX_ECORRUPT ("truncated gzip data ..."), NX_EIO, NX_ENOMEM.
 */
int nx_source_read_all(nx_source *src, nx_buf *out, size_t limit);

enum {
	NX_LINE_EOF = 0,   /* no more lines */
	NX_LINE_OK = 1,    /* `line` holds one line, without "\n" or "\r\n" */
	NX_LINE_LONG = 2   /* a line over the limit was skipped; `line` is empty */
};

/*
 * Read the next line into `line` (cleared first).  A last line without a
 * newline is a line.  A line longer than `limit` bytes is skipped to its
 * newline without being buffered and reported as NX_LINE_LONG.  On error
 * (< 0, nx_error set) `line` keeps the incomplete line read before the
 * damage, so that the caller can report it; the error is sticky.
 */
int nx_source_getline(nx_source *src, nx_buf *line, size_t limit);

/* ---- diagnostics and counters ----------------------------------------- */

#define NX_STAT_ADD(ctx, field, n) \
	do { \
		if ((ctx)->stats) \
			(ctx)->stats->field += (n); \
	} while (0)

/* Send a diagnostic to ctx->diag (if any).  The message is formatted into a
 * bounded buffer; overly long messages are cut, which is fine for people. */
void nx_report(const nx_read_ctx *ctx, nx_severity sev, int status, const char *path,
	       unsigned long line, const char *fmt, ...) NX_PRINTF(6, 7);

/* Report this thread's last error (nx_error_code/nx_error_message) as an
 * NX_SEV_ERROR diagnostic; returns its status (NX_ERROR if none was set). */
int nx_report_last_error(const nx_read_ctx *ctx, const char *path, unsigned long line);

/* The record limit of ctx: max_record_bytes, with 0 meaning no limit. */
size_t nx_record_limit(const nx_read_ctx *ctx);

/* Does the name end (after an optional ".gz") in .md or .markdown? */
int nx_source_is_markdown(const char *path);

/* The text minus a leading UTF-8 byte order mark: editors on Windows write
 * one, and it would otherwise end up in titles or break JSON parsing. */
size_t nx_skip_bom(const char *s, size_t len);

/* Only ASCII white space in [s, s+len)? */
int nx_is_blank(const char *s, size_t len);

/* ---- readers --------------------------------------------------------------- */

/*
 * Read an opened source of one kind.  `path` names the file in diagnostics,
 * `abspath` is its absolute path (the article source, and id of text files).
 * Same return convention as nx_read_file; the reader reports its failures
 * and counts them in files_failed.  When ctx->on_article returns non-OK,
 * *stopped is set and that status is returned without a diagnostic.
 */
int nx_read_text_source(nx_source *src, const char *path, const char *abspath,
			const nx_read_ctx *ctx, int *stopped);
int nx_read_jsonl_source(nx_source *src, const char *path, const char *abspath,
			 const nx_read_ctx *ctx, int *stopped);

#ifdef __cplusplus
}
#endif

#endif /* NX_SOURCE_H */
