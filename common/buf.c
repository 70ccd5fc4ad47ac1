/*
 * buf.c — a growable, always NUL-terminated byte buffer with sticky errors.
 */
#include "nx_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nx_buf_grow(nx_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->failed)
		return NX_ENOMEM;
	if (extra > SIZE_MAX - b->len - 1)
		goto oom;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return NX_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->ptr, cap);
	if (!p)
		goto oom;
	b->ptr = p;
	b->cap = cap;
	return NX_OK;
oom:
	b->failed = 1;
	return nx_error_set(NX_ENOMEM, "out of memory growing a buffer to %zu bytes",
			    b->len + extra);
}

int nx_buf_put(nx_buf *b, const void *data, size_t len)
{
	if (nx_buf_grow(b, len))
		return NX_ENOMEM;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return NX_OK;
}

int nx_buf_puts(nx_buf *b, const char *s)
{
	return nx_buf_put(b, s, strlen(s));
}

int nx_buf_putc(nx_buf *b, char c)
{
	return nx_buf_put(b, &c, 1);
}

int nx_buf_printf(nx_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->failed)
		return NX_ENOMEM;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return nx_error_set(NX_ERROR, "bad format string");
	if (nx_buf_grow(b, (size_t)n))
		return NX_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return NX_OK;
}

void nx_buf_clear(nx_buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void nx_buf_free(nx_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

uint64_t nx_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

char *nx_buf_detach(nx_buf *b)
{
	char *p = b->ptr;

	if (!p && !b->failed)
		p = nx_strdup("");
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
	return p;
}

char *nx_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (!p) {
		nx_error_set(NX_ENOMEM, "out of memory copying a %zu-byte string", n);
		return NULL;
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *nx_strdup(const char *s)
{
	return nx_strndup(s, strlen(s));
}
