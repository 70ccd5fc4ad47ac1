/*
 * nx_common.h — private helpers shared by every layer of libnewsidx:
 * the per-thread error slot behind nx_error_message(), and a growable
 * byte buffer.  Not part of the public API.
 */
#ifndef NX_COMMON_H
#define NX_COMMON_H

#include "newsidx.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define NX_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define NX_PRINTF(f, a)
#endif

/* Record `status` and a formatted message as this thread's last error and
 * return `status`, so that callers can write `return nx_error_set(...)`. */
int nx_error_set(int status, const char *fmt, ...) NX_PRINTF(2, 3);
int nx_error_setv(int status, const char *fmt, va_list ap);

/* Prefix the current error message with "context: " (keeps the status).
 * Returns the current status. */
int nx_error_prefix(const char *fmt, ...) NX_PRINTF(1, 2);

/* ---- growable buffer ---------------------------------------------------- */

/* A byte buffer that is always NUL-terminated when ptr != NULL.
 * Sticky errors: once an append fails (out of memory), `failed` is set and
 * further appends do nothing, so a chain of appends needs one check. */
typedef struct nx_buf {
	char *ptr;
	size_t len;
	size_t cap;
	int failed;
} nx_buf;

#define NX_BUF_INIT { NULL, 0, 0, 0 }

int nx_buf_grow(nx_buf *b, size_t extra);
int nx_buf_put(nx_buf *b, const void *data, size_t len);
int nx_buf_puts(nx_buf *b, const char *s);
int nx_buf_putc(nx_buf *b, char c);
int nx_buf_printf(nx_buf *b, const char *fmt, ...) NX_PRINTF(2, 3);
void nx_buf_clear(nx_buf *b);  /* len = 0, keeps memory */
void nx_buf_free(nx_buf *b);
/* Hand the memory to the caller (malloc'd, NUL-terminated); resets b. */
char *nx_buf_detach(nx_buf *b);

/* 64-bit FNV-1a of len bytes: for the hash tables of the layers above. */
uint64_t nx_hash(const char *s, size_t len);

/* The days of month m (1-12) of year y, Gregorian. */
static inline unsigned nx_month_days(int64_t y, unsigned m)
{
	static const unsigned days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* strdup that returns NULL (and sets NX_ENOMEM) on failure. */
char *nx_strdup(const char *s);
char *nx_strndup(const char *s, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* NX_COMMON_H */
