/*
 * json.c — hits as JSON Lines objects (the format of `search --json`,
 * documented in README.md), and the reader of a passage's stored data.
 */
#include "nx_query.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/utf8.h>

int nx_hit_to_json(char **out, const nx_hit *h)
{
	json_t *o, *hl;
	int rc = NX_OK;

	*out = NULL;
	if (!h)
		return nx_error_set(NX_EINVAL, "no hit to encode");
	hl = json_array();
	for (size_t i = 0; hl && i < h->nhighlights; i++) {
		json_t *pair = json_pack("[I, I]", (json_int_t)h->highlights[i].start,
					 (json_int_t)h->highlights[i].end);

		if (!pair || json_array_append_new(hl, pair)) {
			json_decref(hl);
			hl = NULL;
		}
	}
	if (!hl)
		return nx_error_set(NX_ENOMEM, "out of memory encoding a hit");
	o = json_pack("{s:I, s:f, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s%, s:o}",
		      "rank", (json_int_t)h->rank, "score", h->score, "id", h->id,
		      "title", h->title, "date", h->date, "source", h->source, "url", h->url,
		      "lang", h->lang, "passage_no", (json_int_t)h->passage_no,
		      "passage_start", (json_int_t)h->passage_start,
		      "passage_end", (json_int_t)h->passage_end,
		      "passage", h->passage, h->passage_len, "highlights", hl);
	if (!o)
		return nx_error_set(NX_ENOMEM, "out of memory encoding a hit");
	/* Version 2 keys: the snippet window, the tier, the explanation. */
	/* Since 0.2: the words matched as another spelling of a name. */
	if (h->nmatched) {
		json_t *m = json_array();

		for (size_t i = 0; m && i < h->nmatched; i++) {
			const nx_matched_form *f = &h->matched[i];
			json_t *one = json_pack("{s:s, s:s, s:[I, I]}", "form", f->form, "query",
						f->query, "span", (json_int_t)f->start,
						(json_int_t)f->end);

			if (!one || json_array_append_new(m, one)) {
				json_decref(m);
				m = NULL;
			}
		}
		if (!m || json_object_set_new(o, "matched", m)) {
			json_decref(o);
			return nx_error_set(NX_ENOMEM, "out of memory encoding a hit");
		}
	}
	if (json_object_set_new(o, "snippet", json_pack("[I, I]", (json_int_t)h->snippet_start,
							(json_int_t)h->snippet_end)) ||
	    json_object_set_new(o, "all_words", json_boolean(h->all_words)) ||
	    (h->explain && *h->explain &&
	     json_object_set_new(o, "explain", json_string(h->explain)))) {
		json_decref(o);
		return nx_error_set(NX_ENOMEM, "out of memory encoding a hit");
	}
	*out = json_dumps(o, JSON_COMPACT);
	if (!*out)
		rc = nx_error_set(NX_ENOMEM, "out of memory encoding a hit");
	json_decref(o);
	return rc;
}

/* ---- stored passage data ------------------------------------------------------ */

/*
 * A reader for the document data the indexer writes (store/nx_store.h): a
 * flat JSON object of strings and integers.  It does what jansson's
 * json_loadb() did here, at a fraction of the cost (parsing was 15% of a
 * query's instructions): the fields are decoded into one block, unknown
 * keys of any type are skipped, the last of repeated keys wins, and
 * anything that is not JSON (bad escapes, \u0000, lone surrogates,
 * trailing bytes, invalid UTF-8) is an error, as it was.
 */

typedef struct sd_parser {
	const char *p, *end;
	char *out;           /* next free byte of the block */
	const char *err;
} sd_parser;

static void sd_space(sd_parser *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int sd_fail(sd_parser *s, const char *why)
{
	if (!s->err)
		s->err = why;
	return -1;
}

static int sd_hex4(sd_parser *s, unsigned *cp)
{
	*cp = 0;
	if (s->end - s->p < 4)
		return sd_fail(s, "truncated \\u escape");
	for (int i = 0; i < 4; i++) {
		char c = *s->p++;

		*cp <<= 4;
		if (c >= '0' && c <= '9')
			*cp |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*cp |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*cp |= (unsigned)(c - 'A' + 10);
		else
			return sd_fail(s, "bad \\u escape");
	}
	return 0;
}

/* A string at s->p (the opening quote), decoded into the block (*str,
 * *len; NUL-terminated); NULL str: skip it.  Never longer than its JSON. */
static int sd_string(sd_parser *s, const char **str, size_t *len)
{
	char *o = s->out, *start = o;

	s->p++;
	for (;;) {
		const char *q = s->p;

		/* The plain run up to the next quote or backslash. */
		while (q < s->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
			q++;
		if (str) {
			memcpy(o, s->p, (size_t)(q - s->p));
			o += q - s->p;
		}
		s->p = q;
		if (q == s->end)
			return sd_fail(s, "unterminated string");
		if ((unsigned char)*q < 0x20)
			return sd_fail(s, "control character in a string");
		s->p++;
		if (*q == '"')
			break;
		if (s->p == s->end)
			return sd_fail(s, "unterminated string");
		{
			char c = *s->p++;
			unsigned cp;

			switch (c) {
			case '"': case '\\': case '/': cp = (unsigned char)c; break;
			case 'b': cp = '\b'; break;
			case 'f': cp = '\f'; break;
			case 'n': cp = '\n'; break;
			case 'r': cp = '\r'; break;
			case 't': cp = '\t'; break;
			case 'u':
				if (sd_hex4(s, &cp))
					return -1;
				if (cp >= 0xD800 && cp <= 0xDBFF) {
					unsigned lo;

					if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u')
						return sd_fail(s, "lone surrogate in \\u escape");
					s->p += 2;
					if (sd_hex4(s, &lo))
						return -1;
					if (lo < 0xDC00 || lo > 0xDFFF)
						return sd_fail(s, "lone surrogate in \\u escape");
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
					return sd_fail(s, "lone surrogate in \\u escape");
				} else if (cp == 0) {
					return sd_fail(s, "\\u0000 in a string");
				}
				break;
			default:
				return sd_fail(s, "bad escape in a string");
			}
			if (str) {
				size_t n = 0;

				U8_APPEND_UNSAFE((uint8_t *)o, n, cp);
				o += n;
			}
		}
	}
	if (str) {
		*o++ = '\0';
		*str = start;
		*len = (size_t)(o - start - 1);
		s->out = o;
	}
	return 0;
}

/* A number at s->p (JSON's grammar); *val its value when it is a
 * non-negative integer that fits, else 0 (as json_integer_value() gave). */
static int sd_number(sd_parser *s, size_t *val)
{
	const char *q = s->p;
	int neg = 0, integer = 1;
	size_t v = 0;

	if (q < s->end && *q == '-') {
		neg = 1;
		q++;
	}
	if (q == s->end || *q < '0' || *q > '9')
		return sd_fail(s, "bad number");
	if (*q == '0' && q + 1 < s->end && q[1] >= '0' && q[1] <= '9')
		return sd_fail(s, "bad number");
	for (; q < s->end && *q >= '0' && *q <= '9'; q++) {
		if (v > ((size_t)INT64_MAX - (size_t)(*q - '0')) / 10)
			return sd_fail(s, "integer too big");
		v = v * 10 + (size_t)(*q - '0');
	}
	if (q < s->end && *q == '.') {
		integer = 0;
		if (++q == s->end || *q < '0' || *q > '9')
			return sd_fail(s, "bad number");
		while (q < s->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < s->end && (*q == 'e' || *q == 'E')) {
		integer = 0;
		if (++q < s->end && (*q == '+' || *q == '-'))
			q++;
		if (q == s->end || *q < '0' || *q > '9')
			return sd_fail(s, "bad number");
		while (q < s->end && *q >= '0' && *q <= '9')
			q++;
	}
	s->p = q;
	if (val)
		*val = integer && !neg ? v : 0;
	return 0;
}

/* Any value, skipped (depth: how deep in arrays and objects). */
static int sd_skip(sd_parser *s, int depth)
{
	static const char *const words[] = { "true", "false", "null" };

	sd_space(s);
	if (s->p == s->end)
		return sd_fail(s, "a value is missing");
	if (depth > 64)
		return sd_fail(s, "nested too deeply");
	if (*s->p == '"')
		return sd_string(s, NULL, NULL);
	if (*s->p == '[' || *s->p == '{') {
		char close = *s->p == '[' ? ']' : '}';

		s->p++;
		sd_space(s);
		if (s->p < s->end && *s->p == close) {
			s->p++;
			return 0;
		}
		for (;;) {
			if (close == '}') {
				sd_space(s);
				if (s->p == s->end || *s->p != '"' || sd_string(s, NULL, NULL))
					return sd_fail(s, "an object key is missing");
				sd_space(s);
				if (s->p == s->end || *s->p++ != ':')
					return sd_fail(s, "':' is missing");
			}
			if (sd_skip(s, depth + 1))
				return -1;
			sd_space(s);
			if (s->p < s->end && *s->p == ',') {
				s->p++;
				continue;
			}
			if (s->p < s->end && *s->p == close) {
				s->p++;
				return 0;
			}
			return sd_fail(s, "',' or a closing bracket is missing");
		}
	}
	for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
		size_t n = strlen(words[i]);

		if ((size_t)(s->end - s->p) >= n && !memcmp(s->p, words[i], n)) {
			s->p += n;
			return 0;
		}
	}
	return sd_number(s, NULL);
}

int nx_stored_parse(nx_stored *out, const char *data, size_t len, const char *what)
{
	static const char *const keys[] = { "id", "title", "date", "source", "url", "lang", "text" };
	const char **strs[] = { &out->id, &out->title, &out->date, &out->source, &out->url,
				&out->lang, &out->text };
	sd_parser s = { data, data + len, NULL, NULL };

	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
		*strs[i] = "";
	if (!nxt_utf8_valid(data, len))
		return nx_error_set(NX_ECORRUPT, "%s has unreadable stored data: invalid UTF-8", what);
	/* Decoded strings are never longer than their JSON. */
	if (!(out->mem = malloc(len + 1)))
		return nx_error_set(NX_ENOMEM, "out of memory reading stored data");
	s.out = out->mem;
	sd_space(&s);
	if (s.p == s.end || *s.p++ != '{') {
		sd_fail(&s, "not a JSON object");
		goto bad;
	}
	sd_space(&s);
	if (s.p < s.end && *s.p == '}') {
		s.p++;
		goto end;
	}
	for (;;) {
		const char *key, *str;
		size_t klen, slen, k;

		sd_space(&s);
		if (s.p == s.end || *s.p != '"') {
			sd_fail(&s, "an object key is missing");
			goto bad;
		}
		if (sd_string(&s, &key, &klen))
			goto bad;
		/* The key's bytes go back to the block: only values stay. */
		s.out = (char *)key;
		sd_space(&s);
		if (s.p == s.end || *s.p++ != ':') {
			sd_fail(&s, "':' is missing");
			goto bad;
		}
		sd_space(&s);
		for (k = 0; k < sizeof keys / sizeof *keys; k++)
			if (strlen(keys[k]) == klen && !memcmp(keys[k], key, klen))
				break;
		if (k < sizeof keys / sizeof *keys) {
			/* A known key of another type reads as "" (as before). */
			if (s.p < s.end && *s.p == '"') {
				if (sd_string(&s, &str, &slen))
					goto bad;
				*strs[k] = str;
				if (strs[k] == &out->text)
					out->text_len = slen;
			} else {
				if (sd_skip(&s, 0))
					goto bad;
				*strs[k] = "";
				if (strs[k] == &out->text)
					out->text_len = 0;
			}
		} else if ((klen == 5 && !memcmp(key, "start", 5)) || (klen == 2 && !memcmp(key, "no", 2))) {
			/* Anything but a number reads as 0 (as before). */
			size_t v = 0;

			if (s.p < s.end && (*s.p == '-' || (*s.p >= '0' && *s.p <= '9')) ?
			    sd_number(&s, &v) : sd_skip(&s, 0))
				goto bad;
			*(klen == 2 ? &out->no : &out->start) = v;
		} else if (sd_skip(&s, 0)) {
			goto bad;
		}
		sd_space(&s);
		if (s.p < s.end && *s.p == ',') {
			s.p++;
			continue;
		}
		if (s.p < s.end && *s.p == '}') {
			s.p++;
			break;
		}
		sd_fail(&s, "',' or '}' is missing");
		goto bad;
	}
end:
	sd_space(&s);
	if (s.p == s.end)
		return NX_OK;
	sd_fail(&s, "bytes after the object");
bad:
	free(out->mem);
	memset(out, 0, sizeof *out);
	return nx_error_set(NX_ECORRUPT, "%s has unreadable stored data: %s at byte %zu", what, s.err,
			    (size_t)(s.p - data));
}

void nx_stored_free(nx_stored *sd)
{
	if (sd) {
		free(sd->mem);
		sd->mem = NULL;
	}
}
