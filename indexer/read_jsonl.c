/*
 * read_jsonl.c — JSON Lines articles: one JSON object per line with the keys
 * "id", "title", "date", "lang", "url" and "text" (a "text" or, for a record
 * that is a title alone, a "title" is required), parsed with jansson.
 *
 * A bad record (not JSON, not an object, "text" not a string, neither text
 * nor title, longer than max_record_bytes) is reported with its line number and skipped; the rest
 * of the file is read on.  Records are handed out as they are read, so a
 * damaged .jsonl.gz keeps every complete line before the damage; the
 * incomplete line at the damage is dropped and reported.
 */
#include "source.h"
#include "nx_text.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- fields ----------------------------------------------------------------- */

/* Lines are read into a buffer that is kept between lines; after an
 * unusually long one, give its memory back. */
#define KEEP_LINE_BUFFER ((size_t)4 << 20)

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "a value";
}

/* The state of one record, so that its strings can be freed in one place. */
typedef struct record {
	const char *path;
	unsigned long line;
	const nx_read_ctx *ctx;
	char *owned[6];  /* copies made to replace NULs (see field_string) */
	size_t nowned;
} record;

/*
 * A string field as a C string.  JSON may carry "\u0000", which jansson
 * decodes (JSON_ALLOW_NUL); a NUL would cut the string short in every later
 * layer, so such strings are copied with NULs turned into spaces, like raw
 * NULs in files.  Returns NULL only when out of memory.
 */
static const char *field_string(record *r, const json_t *v, size_t *len)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v), i;
	char *copy;

	*len = n;
	if (strlen(s) == n)
		return s;
	copy = nx_strndup(s, n);
	if (!copy)
		return NULL;
	for (i = 0; i < n; i++)
		if (copy[i] == '\0')
			copy[i] = ' ';
	r->owned[r->nowned++] = copy;
	return copy;
}

/* An optional string field: "" when missing or null; a warning and ""
 * when of another type (the record is still worth indexing). */
static const char *optional_string(record *r, const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	size_t len;

	if (!v || json_is_null(v))
		return "";
	if (!json_is_string(v)) {
		nx_report(r->ctx, NX_SEV_WARNING, NX_EFORMAT, r->path, r->line,
			  "\"%s\" is %s, expected a string; ignored", key, type_name(v));
		return "";
	}
	return field_string(r, v, &len);
}

/* ---- one record --------------------------------------------------------------- */

/* Report a rejected record and count it. */
static void reject(const record *r, const char *fmt, ...) NX_PRINTF(2, 3);
static void reject(const record *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	nx_report(r->ctx, NX_SEV_ERROR, NX_EFORMAT, r->path, r->line, "%s", msg);
	NX_STAT_ADD(r->ctx, records_failed, 1);
}

/*
 * Parse one line and hand its article out.  Record errors are reported here
 * and give NX_OK; anything else returned is either NX_ENOMEM or the status
 * of ctx->on_article (then *stopped is set).
 */
static int read_record(record *r, const char *abspath, const char *s, size_t len, int *stopped)
{
	json_error_t jerr;
	json_t *obj, *v;
	char idbuf[32];
	nx_buf fallback = NX_BUF_INIT;
	nx_article art;
	const char *text;
	size_t text_len = 0, id_len;
	int rc = NX_OK;

	/* JSON_DECODE_ANY: "42" or "[...]" parse, so the message can say "not
	 * an object" instead of jansson's less helpful "'[' or '{' expected".
	 * The EOF check stays on: trailing garbage after the object is an error. */
	obj = json_loadb(s, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (!obj) {
		if (json_error_code(&jerr) == json_error_out_of_memory)
			return nx_error_set(NX_ENOMEM, "out of memory parsing JSON");
		reject(r, "invalid JSON: %s (column %d)", jerr.text, jerr.column > 0 ? jerr.column : 1);
		return NX_OK;
	}
	if (!json_is_object(obj)) {
		reject(r, "not a JSON object (found %s)", type_name(obj));
		goto out;
	}

	/* The text; a record without one (missing, null or blank) is its title
	 * alone, as in catalogues of references: the title is then also the
	 * text, so that it has a passage, and the record says so
	 * (nx_article.title_only): index.c keeps its title terms for title:
	 * only (wdf 0), so that its words weigh once (EVALUATION.md). */
	v = json_object_get(obj, "text");
	if (v && !json_is_null(v) && !json_is_string(v)) {
		reject(r, "\"text\" is %s, expected a string", type_name(v));
		goto out;
	}
	text = v && json_is_string(v) ? field_string(r, v, &text_len) : "";
	if (!text)
		goto oom;

	memset(&art, 0, sizeof art);
	art.title = optional_string(r, obj, "title");
	if (!art.title)
		goto oom;
	if (nx_is_blank(text, text_len)) {
		if (nx_is_blank(art.title, strlen(art.title))) {
			reject(r, "%s and no \"title\": nothing to index",
			       v && !json_is_null(v) ? "\"text\" is empty" : "no \"text\"");
			goto out;
		}
		text = art.title;
		text_len = strlen(art.title);
		art.title_only = 1;
	}
	art.text = text;
	art.text_len = text_len;
	art.date = optional_string(r, obj, "date");
	art.lang = optional_string(r, obj, "lang");
	art.url = optional_string(r, obj, "url");
	if (!art.date || !art.lang || !art.url)
		goto oom;

	/* The id: a string, or an integer written in decimal; else the line. */
	v = json_object_get(obj, "id");
	if (v && json_is_string(v)) {
		art.id = field_string(r, v, &id_len);
		if (!art.id)
			goto oom;
		if (nx_is_blank(art.id, id_len)) {
			nx_report(r->ctx, NX_SEV_WARNING, NX_EFORMAT, r->path, r->line,
				  "\"id\" is empty; using path:line as the id");
			art.id = NULL;
		}
	} else if (v && json_is_integer(v)) {
		snprintf(idbuf, sizeof idbuf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		art.id = idbuf;
	} else if (v && !json_is_null(v)) {
		nx_report(r->ctx, NX_SEV_WARNING, NX_EFORMAT, r->path, r->line,
			  "\"id\" is %s, expected a string or an integer; using path:line as the id",
			  type_name(v));
	}
	if (!art.id) {
		if (nx_buf_printf(&fallback, "%s:%lu", abspath, r->line))
			goto oom;
		art.id = fallback.ptr;
	}
	art.source = abspath;
	art.line = r->line;

	rc = r->ctx->on_article ? r->ctx->on_article(r->ctx->article_ctx, &art) : NX_OK;
	if (rc != NX_OK)
		*stopped = 1;
	goto out;

oom:
	rc = NX_ENOMEM;
out:
	while (r->nowned)
		free(r->owned[--r->nowned]);
	nx_buf_free(&fallback);
	json_decref(obj);
	return rc;
}

/* ---- the file ---------------------------------------------------------------- */

int nx_read_jsonl_source(nx_source *src, const char *path, const char *abspath,
			 const nx_read_ctx *ctx, int *stopped)
{
	nx_buf line = NX_BUF_INIT;
	size_t limit = nx_record_limit(ctx), nbad_total = 0, nrecords = 0;
	unsigned long lineno = 0, first_bad_line = 0;
	record r;
	int rc;

	*stopped = 0;
	memset(&r, 0, sizeof r);
	r.path = path;
	r.ctx = ctx;
	for (;;) {
		const char *s;
		char *fixed = NULL;
		size_t len, nbad = 0, skip;

		if (line.cap > KEEP_LINE_BUFFER)
			nx_buf_free(&line);
		rc = nx_source_getline(src, &line, limit);
		if (rc <= 0)
			break;  /* the end, or a damaged source: handled below */
		lineno++;
		r.line = lineno;
		if (rc == NX_LINE_LONG) {
			nx_report(ctx, NX_SEV_ERROR, NX_EFORMAT, path, lineno,
				  "line is longer than %zu bytes (max_record_bytes); skipped", limit);
			NX_STAT_ADD(ctx, records_failed, 1);
			nrecords++;
			continue;
		}
		s = line.ptr;
		len = line.len;
		skip = lineno == 1 ? nx_skip_bom(s, len) : 0;
		s += skip;
		len -= skip;
		if (nx_is_blank(s, len))
			continue;
		nrecords++;

		/* jansson rejects invalid UTF-8 outright; repair first so that
		 * one bad byte does not cost the whole record. */
		if (!nxt_utf8_valid(s, len) || memchr(s, 0, len)) {
			rc = nxt_utf8_repair(&fixed, &len, &nbad, s, len);
			if (rc != NX_OK)
				goto fail;
			s = fixed;
			if (nbad) {
				nbad_total += nbad;
				if (!first_bad_line)
					first_bad_line = lineno;
			}
		}
		rc = read_record(&r, abspath, s, len, stopped);
		free(fixed);
		if (*stopped)
			goto out;
		if (rc != NX_OK)
			goto fail;
	}

	if (nbad_total) {
		NX_STAT_ADD(ctx, utf8_repaired, nbad_total);
		nx_report(ctx, NX_SEV_WARNING, NX_EFORMAT, path, first_bad_line,
			  "%zu invalid UTF-8 sequence%s replaced with U+FFFD (first on line %lu)",
			  nbad_total, nbad_total == 1 ? "" : "s", first_bad_line);
	}
	if (rc < 0) {
		/* The source is damaged (truncated or corrupt gzip, read error).
		 * An incomplete last line is not a record: drop it, say so. */
		if (line.len && !nx_is_blank(line.ptr, line.len)) {
			nx_report(ctx, NX_SEV_ERROR, rc, path, lineno + 1,
				  "incomplete line dropped: the data ends in the middle of it");
			NX_STAT_ADD(ctx, records_failed, 1);
		}
		goto fail;
	}
	if (nrecords == 0) {
		rc = nx_error_set(NX_EFORMAT, "no records");
		goto fail;
	}
	rc = NX_OK;
	goto out;

fail:
	nx_report_last_error(ctx, path, 0);
	NX_STAT_ADD(ctx, files_failed, 1);
out:
	nx_buf_free(&line);
	return rc;
}
