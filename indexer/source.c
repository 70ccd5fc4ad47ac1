/*
 * source.c — reading input files for the readers: plain or gzip through one
 * zlib handle, whole or line by line, with size limits, binary detection,
 * and clear reports of damaged gzip streams; plus the small diagnostic and
 * text helpers every reader shares.
 */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- open and close --------------------------------------------------------- */

/* The status that best describes a failed open() or stat(). */
static int status_of_errno(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return NX_ENOTFOUND;
	case ENOMEM:
		return NX_ENOMEM;
	default:
		return NX_EIO;
	}
}

int nx_source_open(nx_source *src, const char *path, int check_binary,
		   nx_index_stats *stats)
{
	struct stat st;
	int fd, e;

	memset(src, 0, sizeof *src);
	src->path = path;
	src->stats = stats;
	src->check_binary = check_binary;

	/* open() ourselves rather than gzopen(): we get errno for the message,
	 * and can refuse a directory, which open() happily accepts on Linux. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		e = errno;
		if (e == ENOENT)
			return nx_error_set(NX_ENOTFOUND, "no such file or directory");
		return nx_error_set(status_of_errno(e), "%s", strerror(e));
	}
	if (fstat(fd, &st) != 0) {
		e = errno;
		close(fd);
		return nx_error_set(status_of_errno(e), "%s", strerror(e));
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return nx_error_set(NX_EIO, "%s", strerror(EISDIR));
	}
	src->buf = malloc(NX_SOURCE_CHUNK);
	if (!src->buf) {
		close(fd);
		return nx_error_set(NX_ENOMEM, "out of memory opening a file");
	}
	src->gz = gzdopen(fd, "rb");
	if (!src->gz) {
		/* gzdopen fails only for lack of memory, and leaves fd open. */
		close(fd);
		free(src->buf);
		src->buf = NULL;
		return nx_error_set(NX_ENOMEM, "out of memory opening a file");
	}
	/* zlib's default 8 KiB input buffer means a read() per 8 KiB; news
	 * dumps are large, so trade a little memory for far fewer syscalls. */
	gzbuffer(src->gz, (unsigned)NX_SOURCE_CHUNK);
	return NX_OK;
}

void nx_source_close(nx_source *src)
{
	if (src->gz)
		gzclose_r(src->gz);
	free(src->buf);
	src->gz = NULL;
	src->buf = NULL;
	src->pos = src->end = 0;
}

/* ---- reading ----------------------------------------------------------------- */

/* zlib's message is "<fd:N>: text"; keep the text. */
static const char *gz_message(gzFile gz, int *errnum)
{
	const char *msg = gzerror(gz, errnum);
	const char *colon = msg ? strstr(msg, ": ") : NULL;

	if (!msg)
		return "unknown error";
	return colon ? colon + 2 : msg;
}

/* Turn zlib's error state into a sticky source error. */
static int source_fail(nx_source *src)
{
	int errnum = Z_OK;
	const char *msg = gz_message(src->gz, &errnum);
	unsigned long long at = (unsigned long long)src->offset;

	switch (errnum) {
	case Z_BUF_ERROR:
		/* The only Z_BUF_ERROR of reading: the compressed data stopped
		 * before the gzip trailer, i.e. a truncated file. */
		src->status = nx_error_set(NX_ECORRUPT,
					   "truncated gzip data: unexpected end of file after %llu bytes",
					   at);
		break;
	case Z_DATA_ERROR:
		src->status = nx_error_set(NX_ECORRUPT, "corrupt gzip data after %llu bytes: %s",
					   at, msg);
		break;
	case Z_MEM_ERROR:
		src->status = nx_error_set(NX_ENOMEM, "out of memory decompressing");
		break;
	default:
		src->status = nx_error_set(NX_EIO, "read error after %llu bytes: %s", at, msg);
		break;
	}
	return src->status;
}

/*
 * Refill the (empty) buffer.  Returns the number of bytes now buffered, 0 at
 * a clean end, or an error status.  Binary detection lives here so that no
 * line is handed out before the first NX_BINARY_PROBE bytes were checked.
 */
static int source_fill(nx_source *src)
{
	int n, errnum;

	if (src->status)
		return src->status;
	if (src->eof)
		return 0;
	src->pos = src->end = 0;
	for (;;) {
		n = gzread(src->gz, src->buf + src->end, (unsigned)(NX_SOURCE_CHUNK - src->end));
		if (n < 0)
			return source_fail(src);
		if (n == 0) {
			/* A truncated stream ends in a short read, not -1: only
			 * gzerror tells it from a clean end. */
			gzerror(src->gz, &errnum);
			if (errnum != Z_OK)
				return source_fail(src);
			src->eof = 1;
			break;
		}
		if (src->check_binary && src->offset < NX_BINARY_PROBE) {
			uint64_t room = NX_BINARY_PROBE - src->offset;
			size_t probe = (uint64_t)n < room ? (size_t)n : (size_t)room;
			const unsigned char *nul = memchr(src->buf + src->end, 0, probe);

			if (nul) {
				unsigned long long at = (unsigned long long)src->offset
					+ (unsigned long long)(nul - (src->buf + src->end));
				src->status = nx_error_set(NX_EFORMAT,
							   "binary file (NUL byte at offset %llu)", at);
				NX_STAT_ADD(src, bytes, (uint64_t)n);
				return src->status;
			}
		}
		src->offset += (uint64_t)n;
		src->end += (size_t)n;
		NX_STAT_ADD(src, bytes, (uint64_t)n);
		/* gzread fills what it is asked for unless the data ends, but a
		 * pipe may return less: keep going until the probe is covered. */
		if (!src->check_binary || src->offset >= NX_BINARY_PROBE
		    || src->end == NX_SOURCE_CHUNK)
			break;
	}
	return (int)src->end;
}

int nx_source_read_all(nx_source *src, nx_buf *out, size_t limit)
{
	int rc;

	for (;;) {
		size_t avail = src->end - src->pos;

		if (avail) {
			if (out->len > limit || avail > limit - out->len)
				return src->status = nx_error_set(NX_EFORMAT,
								  "file is larger than %zu bytes (max_record_bytes)",
								  limit);
			if (nx_buf_put(out, src->buf + src->pos, avail))
				return src->status = NX_ENOMEM;
			src->pos = src->end;
		}
		rc = source_fill(src);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return NX_OK;
	}
}

int nx_source_getline(nx_source *src, nx_buf *line, size_t limit)
{
	int skipping = 0, got = 0, rc;

	nx_buf_clear(line);
	for (;;) {
		const unsigned char *p, *nl;
		size_t avail, n;

		if (src->pos == src->end) {
			rc = source_fill(src);
			if (rc < 0)
				return rc;
			if (rc == 0) {
				if (skipping)
					return NX_LINE_LONG;
				if (!got)
					return NX_LINE_EOF;
				break;  /* a last line without a newline */
			}
		}
		p = src->buf + src->pos;
		avail = src->end - src->pos;
		nl = memchr(p, '\n', avail);
		n = nl ? (size_t)(nl - p) : avail;
		got = 1;
		if (!skipping) {
			/* line->len <= limit holds here, so this cannot wrap. */
			if (n > limit - line->len) {
				/* Drop what we have and stop buffering: a 100 MB line
				 * over the limit must cost no memory. */
				skipping = 1;
				nx_buf_clear(line);
			} else if (nx_buf_put(line, p, n)) {
				return src->status = NX_ENOMEM;
			}
		}
		src->pos += n + (nl ? 1 : 0);
		if (nl) {
			if (skipping)
				return NX_LINE_LONG;
			break;
		}
	}
	if (line->len && line->ptr[line->len - 1] == '\r')
		line->ptr[--line->len] = '\0';
	return NX_LINE_OK;
}

/* ---- diagnostics --------------------------------------------------------------- */

void nx_report(const nx_read_ctx *ctx, nx_severity sev, int status, const char *path,
	       unsigned long line, const char *fmt, ...)
{
	char msg[1024];
	nx_diag d;
	va_list ap;

	if (!ctx->diag)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	d.severity = sev;
	d.status = status;
	d.path = path;
	d.line = line;
	d.message = msg;
	ctx->diag(ctx->diag_ctx, &d);
}

int nx_report_last_error(const nx_read_ctx *ctx, const char *path, unsigned long line)
{
	int status = nx_error_code();

	if (status == NX_OK)
		status = NX_ERROR;
	nx_report(ctx, NX_SEV_ERROR, status, path, line, "%s",
		  nx_error_message()[0] ? nx_error_message() : nx_strerror(status));
	return status;
}

size_t nx_record_limit(const nx_read_ctx *ctx)
{
	return ctx->max_record_bytes ? ctx->max_record_bytes : SIZE_MAX;
}

/* ---- names and text ----------------------------------------------------------- */

static int ends_with_ci(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && strncasecmp(s + len - n, suffix, n) == 0;
}

int nx_source_is_markdown(const char *path)
{
	size_t len = strlen(path);

	if (ends_with_ci(path, len, ".gz"))
		len -= 3;
	return ends_with_ci(path, len, ".md") || ends_with_ci(path, len, ".markdown");
}

size_t nx_skip_bom(const char *s, size_t len)
{
	return len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

int nx_is_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case ' ': case '\t': case '\r': case '\n': case '\f': case '\v':
			break;
		default:
			return 0;
		}
	}
	return 1;
}
