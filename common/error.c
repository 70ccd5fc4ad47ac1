/*
 * error.c — status codes, their descriptions, and the per-thread error slot.
 */
#include "nx_common.h"

#include <stdio.h>
#include <string.h>

#define NX_ERRMSG_MAX 1024

static _Thread_local int err_code;
static _Thread_local char err_msg[NX_ERRMSG_MAX];

const char *nx_strerror(int status)
{
	switch (status) {
	case NX_OK: return "success";
	case NX_ERROR: return "unexpected error";
	case NX_ENOMEM: return "out of memory";
	case NX_EIO: return "input/output error";
	case NX_ENOTFOUND: return "not found";
	case NX_EBUSY: return "index is locked by another writer";
	case NX_ESYNTAX: return "malformed query";
	case NX_ECORRUPT: return "data is corrupt";
	case NX_ENOTINDEX: return "not a newsidx index";
	case NX_EVERSION: return "index format version not supported";
	case NX_EINVAL: return "invalid argument";
	case NX_EFORMAT: return "malformed input";
	case NX_EMODIFIED: return "index modified while reading";
	case NX_EUNSUPPORTED: return "not supported";
	default: return "unknown status";
	}
}

const char *nx_error_message(void)
{
	return err_msg;
}

int nx_error_code(void)
{
	return err_code;
}

void nx_error_clear(void)
{
	err_code = NX_OK;
	err_msg[0] = '\0';
}

const char *nx_version(void)
{
	return NX_VERSION_STRING;
}

int nx_error_setv(int status, const char *fmt, va_list ap)
{
	err_code = status;
	if (fmt)
		vsnprintf(err_msg, sizeof err_msg, fmt, ap);
	else
		snprintf(err_msg, sizeof err_msg, "%s", nx_strerror(status));
	return status;
}

int nx_error_set(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	nx_error_setv(status, fmt, ap);
	va_end(ap);
	return status;
}

int nx_error_prefix(const char *fmt, ...)
{
	char prefix[NX_ERRMSG_MAX], old[NX_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, err_msg, sizeof old);
	/* Truncation is fine: the message is for people. */
	size_t n = strlen(prefix);
	if (n > sizeof err_msg - 3)
		n = sizeof err_msg - 3;
	memcpy(err_msg, prefix, n);
	memcpy(err_msg + n, ": ", 2);
	n += 2;
	size_t m = strlen(old);
	if (m > sizeof err_msg - 1 - n)
		m = sizeof err_msg - 1 - n;
	memcpy(err_msg + n, old, m);
	err_msg[n + m] = '\0';
	return err_code;
}
