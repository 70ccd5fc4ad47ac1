/*
 * parse.c — the query language: a lexer and a hand-written recursive-descent
 * parser that turn a query string into a syntax tree (nxq_node).  Errors
 * name the problem and its column.  Nothing here knows Xapian or the index;
 * compile.c turns the tree into Xapian queries.
 *
 * Grammar, loosest binding first:
 *
 *   query   := seq EOF
 *   seq     := orx+                  side by side: ranked, all words first
 *   orx     := andx ( OR andx )*
 *   andx    := unary ( AND unary )*
 *   unary   := ( NOT | "-" ) unary | near
 *   near    := primary ( NEAR[/n] primary )*
 *   primary := "(" seq ")" | "phrase" | word | prefix* | field:value
 *
 * AND, OR, NOT and NEAR are operators only in capitals; "-" only at the start
 * of a word ("-word", "-(a b)", "-lang:ru").  A word is a run of characters
 * up to a space, a quote or a parenthesis; the analyzer later splits it into
 * words (several, as in covid-19, make a phrase).  Fields: title:, person:,
 * lang:, source:, since:, until:, date:.  Quotes are " and the typographic
 * “ ” „ « ».
 */
#include "nx_query.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- tokens --------------------------------------------------------------- */

typedef enum ttype {
	T_EOF, T_WORD, T_PHRASE, T_LP, T_RP, T_AND, T_OR, T_NOT, T_MINUS, T_NEAR, T_FIELD
} ttype;

enum field {
	F_TITLE, F_PERSON, F_LANG, F_SOURCE, F_SINCE, F_UNTIL, F_DATE
};

static const char *const field_names[] = {
	"title", "person", "lang", "source", "since", "until", "date"
};
#define NFIELDS (sizeof field_names / sizeof field_names[0])

typedef struct tok {
	ttype type;
	size_t off, len;   /* the token's text: a word, a phrase's inside, a field's name */
	size_t col;        /* 1-based column of the token's first character */
	size_t start;      /* first byte of the whole token (opening quote included) */
	size_t end;        /* byte just after the whole token (closing quote included) */
	unsigned window;   /* T_NEAR */
	int field;         /* T_FIELD */
} tok;

typedef struct parser {
	const char *q;
	size_t qlen;
	int64_t now;
	tok *t;
	size_t nt, cap, pos;
	size_t errcol;
	int depth;
} parser;

/* Deeper nesting than this is refused rather than recursed into. */
#define MAX_DEPTH 100

/* The 1-based column (in characters) of byte `off`. */
static size_t column(const parser *p, size_t off)
{
	size_t col = 1;

	for (size_t i = 0; i < off && i < p->qlen; i++)
		if (((unsigned char)p->q[i] & 0xC0) != 0x80)
			col++;
	return col;
}

static int fail(parser *p, size_t off, const char *fmt, ...) NX_PRINTF(3, 4);
static int fail(parser *p, size_t off, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	p->errcol = column(p, off);
	return nx_error_set(NX_ESYNTAX, "%s (column %zu)", msg, p->errcol);
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Length of the quote mark at s (0: none): " “ ” „ « ». */
static size_t quote_at(const char *s, size_t left)
{
	const unsigned char *u = (const unsigned char *)s;

	if (left >= 1 && u[0] == '"')
		return 1;
	if (left >= 3 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x9C || u[2] == 0x9D || u[2] == 0x9E))
		return 3;
	if (left >= 2 && u[0] == 0xC2 && (u[1] == 0xAB || u[1] == 0xBB))
		return 2;
	return 0;
}

/* Does a word end before byte i? */
static int word_ends(const parser *p, size_t i)
{
	return i >= p->qlen || is_space((unsigned char)p->q[i]) || p->q[i] == '(' ||
	       p->q[i] == ')' || quote_at(p->q + i, p->qlen - i);
}

static int push(parser *p, ttype type, size_t off, size_t len, size_t start, size_t end)
{
	if (p->nt == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		tok *t = realloc(p->t, cap * sizeof *t);

		if (!t)
			return nx_error_set(NX_ENOMEM, "out of memory parsing the query");
		p->t = t;
		p->cap = cap;
	}
	memset(&p->t[p->nt], 0, sizeof p->t[p->nt]);
	p->t[p->nt].type = type;
	p->t[p->nt].off = off;
	p->t[p->nt].len = len;
	p->t[p->nt].col = column(p, start);
	p->t[p->nt].start = start;
	p->t[p->nt].end = end;
	p->nt++;
	return NX_OK;
}

/* A phrase starting with the quote at i; *next: the byte after it. */
static int lex_phrase(parser *p, size_t i, size_t *next)
{
	size_t open = quote_at(p->q + i, p->qlen - i), j = i + open, close = 0;

	while (j < p->qlen && !(close = quote_at(p->q + j, p->qlen - j)))
		j++;
	if (j >= p->qlen)
		return fail(p, i, "this quote is never closed: a phrase needs a closing quote");
	*next = j + close;
	return push(p, T_PHRASE, i + open, j - (i + open), i, *next);
}

static const char *field_example(size_t f)
{
	static const char *const examples[] = {
		"title:protest", "person:Tokayev", "lang:en", "source:reuters", "since:2022-01-05",
		"until:2022-01-07", "date:2022-01-05..2022-01-07"
	};

	return examples[f];
}

/* Is q[i, i+len) the field name `name`, ignoring case? */
static int field_is(const char *s, size_t len, const char *name)
{
	if (strlen(name) != len)
		return 0;
	for (size_t k = 0; k < len; k++)
		if (tolower((unsigned char)s[k]) != name[k])
			return 0;
	return 1;
}

static int lex(parser *p)
{
	size_t i = 0;
	int rc;

	while (i < p->qlen) {
		unsigned char c = (unsigned char)p->q[i];
		size_t j, next;

		if (is_space(c)) {
			i++;
			continue;
		}
		if (c == '(' || c == ')') {
			if ((rc = push(p, c == '(' ? T_LP : T_RP, i, 1, i, i + 1)))
				return rc;
			i++;
			continue;
		}
		if (quote_at(p->q + i, p->qlen - i)) {
			if ((rc = lex_phrase(p, i, &next)))
				return rc;
			i = next;
			continue;
		}
		/* "-" before a word, a phrase or a group excludes it ("--" is
		 * just punctuation). */
		if (c == '-' && i + 1 < p->qlen && p->q[i + 1] != '-' &&
		    (!word_ends(p, i + 1) || p->q[i + 1] == '(' ||
		     quote_at(p->q + i + 1, p->qlen - i - 1))) {
			if ((rc = push(p, T_MINUS, i, 1, i, i + 1)))
				return rc;
			i++;
			continue;
		}
		for (j = i; !word_ends(p, j); j++)
			;
		/* Operators. */
		if (j - i == 3 && !memcmp(p->q + i, "AND", 3)) {
			rc = push(p, T_AND, i, 3, i, j);
		} else if (j - i == 2 && !memcmp(p->q + i, "OR", 2)) {
			rc = push(p, T_OR, i, 2, i, j);
		} else if (j - i == 3 && !memcmp(p->q + i, "NOT", 3)) {
			rc = push(p, T_NOT, i, 3, i, j);
		} else if (j - i >= 4 && !memcmp(p->q + i, "NEAR", 4) && (j - i == 4 || p->q[i + 4] == '/')) {
			unsigned long n = NXQ_NEAR_DEFAULT;

			if (j - i > 4) {
				char *end;

				if (j - i == 5 || !isdigit((unsigned char)p->q[i + 5]))
					return fail(p, i, "NEAR/ wants a number of words, as in NEAR/5");
				n = strtoul(p->q + i + 5, &end, 10);
				if (end != p->q + j)
					return fail(p, i, "NEAR/ wants a number of words, as in NEAR/5");
				if (n > 1000)
					return fail(p, i, "NEAR/%lu: at most 1000 words apart", n);
			}
			rc = push(p, T_NEAR, i, j - i, i, j);
			if (!rc)
				p->t[p->nt - 1].window = (unsigned)n;
		} else {
			/* A field: letters, a colon, and its value right after. */
			size_t k = i, f = NFIELDS;
			int value;

			while (k < j && isalpha((unsigned char)p->q[k]))
				k++;
			if (k > i && k < j && p->q[k] == ':') {
				for (f = 0; f < NFIELDS && !field_is(p->q + i, k - i, field_names[f]); f++)
					;
				value = k + 1 < j || (k + 1 < p->qlen && (p->q[k + 1] == '(' ||
						      quote_at(p->q + k + 1, p->qlen - k - 1)));
				/* "Note: ..." and "http://" are words, "Re:Trump" a mistake. */
				if (f == NFIELDS && value && (k + 1 >= j || isalnum((unsigned char)p->q[k + 1])))
					return fail(p, i, "unknown field '%.*s:'; the fields are title:, "
						    "person:, lang:, source:, since:, until: and date:",
						    (int)(k - i), p->q + i);
				if (f < NFIELDS && !value)
					return fail(p, i, "%s: needs a value right after the colon, as in %s",
						    field_names[f], field_example(f));
			}
			if (f < NFIELDS) {
				if ((rc = push(p, T_FIELD, i, k - i, i, k + 1)))
					return rc;
				p->t[p->nt - 1].field = (int)f;
				/* The value: a phrase, a group, or a word taken as
				 * it is (no operators inside). */
				i = k + 1;
				if (quote_at(p->q + i, p->qlen - i)) {
					if ((rc = lex_phrase(p, i, &next)))
						return rc;
					i = next;
				} else if (p->q[i] != '(') {
					for (j = i; !word_ends(p, j); j++)
						;
					if ((rc = push(p, T_WORD, i, j - i, i, j)))
						return rc;
					i = j;
				}
				continue;
			}
			rc = push(p, T_WORD, i, j - i, i, j);
		}
		if (rc)
			return rc;
		i = j;
	}
	return push(p, T_EOF, p->qlen, 0, p->qlen, p->qlen);
}

/* ---- nodes ---------------------------------------------------------------- */

static nxq_node *node_new(parser *p, nxq_kind kind, const tok *t)
{
	nxq_node *n = calloc(1, sizeof *n);

	(void)p;
	if (!n) {
		nx_error_set(NX_ENOMEM, "out of memory parsing the query");
		return NULL;
	}
	n->kind = kind;
	if (t) {
		n->col = t->col;
		n->start = t->off;
		n->end = t->off + t->len;
	}
	return n;
}

static int node_text(nxq_node *n, const char *s, size_t len)
{
	n->text = malloc(len + 1);
	if (!n->text)
		return nx_error_set(NX_ENOMEM, "out of memory parsing the query");
	memcpy(n->text, s, len);
	n->text[len] = '\0';
	return NX_OK;
}

static int node_add(nxq_node *n, nxq_node *kid)
{
	nxq_node **k = realloc(n->kids, (n->nkids + 1) * sizeof *k);

	if (!k) {
		nxq_free(kid);
		return nx_error_set(NX_ENOMEM, "out of memory parsing the query");
	}
	n->kids = k;
	n->kids[n->nkids++] = kid;
	return NX_OK;
}

void nxq_free(nxq_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		nxq_free(n->kids[i]);
	free(n->kids);
	free(n->text);
	free(n);
}

/* ---- dates ---------------------------------------------------------------- */

/* The civil date of a day number (days since 1970-01-01), after Howard
 * Hinnant's algorithm. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static const char *const month_names[] = {
	"January", "February", "March", "April", "May", "June", "July", "August",
	"September", "October", "November", "December"
};

static void iso(char out[11], int64_t y, unsigned m, unsigned d)
{
	char tmp[48];

	snprintf(tmp, sizeof tmp, "%04d-%02u-%02u", (int)(y % 10000), m % 100, d % 100);
	memcpy(out, tmp, 10);
	out[10] = '\0';
}

/* The period a date value names: its first and last day.  relative: the
 * value counts back from today (7d, 2w, 3m, 1y, today, yesterday), and
 * first == last is that day. */
static int date_spec(parser *p, char first[11], char last[11], int *relative, size_t off,
		     size_t len, const char *field)
{
	const char *s = p->q + off;
	int64_t today = p->now >= 0 ? p->now / 86400 : (p->now - 86399) / 86400, y;
	unsigned m, d;
	size_t k;

	*relative = 0;
	if ((len == 5 && !strncmp(s, "today", 5)) || (len == 9 && !strncmp(s, "yesterday", 9))) {
		civil_from_days(today - (len == 9), &y, &m, &d);
		iso(first, y, m, d);
		memcpy(last, first, 11);
		*relative = 1;
		return NX_OK;
	}
	for (k = 0; k < len && isdigit((unsigned char)s[k]); k++)
		;
	/* Relative: a number and a unit. */
	if (k > 0 && k == len - 1 && strchr("dwmy", s[k]) && k <= 5) {
		long n = strtol(s, NULL, 10);

		if (s[k] == 'd' || s[k] == 'w') {
			civil_from_days(today - n * (s[k] == 'w' ? 7 : 1), &y, &m, &d);
		} else {
			int64_t months;

			civil_from_days(today, &y, &m, &d);
			months = y * 12 + (m - 1) - n * (s[k] == 'y' ? 12 : 1);
			y = months / 12;
			m = (unsigned)(months % 12) + 1;
			if (d > nx_month_days(y, m))
				d = nx_month_days(y, m);
		}
		if (y < 1)
			return fail(p, off, "%s%.*s reaches back before the year 1", field, (int)len, s);
		iso(first, y, m, d);
		memcpy(last, first, 11);
		*relative = 1;
		return NX_OK;
	}
	/* YYYY, YYYY-MM or YYYY-MM-DD. */
	if (!(k == 4 && (len == 4 || (len == 7 && s[4] == '-') || (len == 10 && s[4] == '-' && s[7] == '-')) &&
	      (len < 7 || (isdigit((unsigned char)s[5]) && isdigit((unsigned char)s[6]))) &&
	      (len < 10 || (isdigit((unsigned char)s[8]) && isdigit((unsigned char)s[9])))))
		return fail(p, off, "bad date '%.*s' after %s use YYYY-MM-DD, YYYY-MM, YYYY, today, "
			    "or a time ago such as 7d, 2w, 3m, 1y", (int)len, s, field);
	y = strtol(s, NULL, 10);
	m = len >= 7 ? (unsigned)((s[5] - '0') * 10 + (s[6] - '0')) : 0;
	d = len == 10 ? (unsigned)((s[8] - '0') * 10 + (s[9] - '0')) : 0;
	if (y < 1)
		return fail(p, off, "bad date '%.*s': there is no year 0", (int)len, s);
	if (len >= 7 && (m < 1 || m > 12))
		return fail(p, off, "bad date '%.*s': there is no month %02u", (int)len, s, m);
	if (len == 10 && (d < 1 || d > nx_month_days(y, m)))
		return fail(p, off, "bad date '%.*s': %s %d has %u days", (int)len, s,
			    month_names[m - 1], (int)y, nx_month_days(y, m));
	iso(first, y, len >= 7 ? m : 1, len == 10 ? d : 1);
	iso(last, y, len >= 7 ? m : 12, len == 10 ? d : nx_month_days(y, len >= 7 ? m : 12));
	return NX_OK;
}

/* since:, until: or date: with the value token t. */
static int parse_date(parser *p, nxq_node *n, int field, const tok *t)
{
	char first[11], last[11], f2[11], l2[11];
	const char *fname = field_names[field];
	char label[16];
	const char *dots;
	int rel, rel2, rc;

	snprintf(label, sizeof label, "%s:", fname);
	dots = NULL;
	for (size_t k = t->off; k + 1 < t->off + t->len && !dots; k++)
		if (p->q[k] == '.' && p->q[k + 1] == '.')
			dots = p->q + k;
	if (dots && field != F_DATE)
		return fail(p, t->off, "%s takes one date; for a range use date:FROM..TO", label);
	if (dots) {
		size_t a = (size_t)(dots - p->q), b = a + 2, end = t->off + t->len;

		if (a == t->off && b == end)
			return fail(p, t->off, "date:.. needs a date on at least one side");
		if (a > t->off && (rc = date_spec(p, first, last, &rel, t->off, a - t->off, label)))
			return rc;
		if (b < end && (rc = date_spec(p, f2, l2, &rel2, b, end - b, label)))
			return rc;
		if (a > t->off)
			memcpy(n->lo, first, 11);
		if (b < end)
			memcpy(n->hi, l2, 11);
		if (*n->lo && *n->hi && strcmp(n->lo, n->hi) > 0)
			return fail(p, t->off, "the date range %.*s ends before it starts",
				    (int)t->len, p->q + t->off);
		return NX_OK;
	}
	if ((rc = date_spec(p, first, last, &rel, t->off, t->len, label)))
		return rc;
	if (field == F_SINCE || (field == F_DATE && rel)) {
		memcpy(n->lo, first, 11);   /* date:7d: the last seven days */
	} else if (field == F_UNTIL) {
		memcpy(n->hi, last, 11);
	} else {
		memcpy(n->lo, first, 11);
		memcpy(n->hi, last, 11);
	}
	return NX_OK;
}

/* ---- parser --------------------------------------------------------------- */

static const tok *peek(const parser *p)
{
	return &p->t[p->pos];
}

static int parse_seq(parser *p, nxq_node **out, const tok *open);

/* Can this token start an item? */
static int starts_item(ttype t)
{
	return t == T_WORD || t == T_PHRASE || t == T_LP || t == T_NOT || t == T_MINUS ||
	       t == T_FIELD;
}

static const char *tok_name(const parser *p, const tok *t, char buf[32])
{
	switch (t->type) {
	case T_EOF: return "the end of the query";
	case T_RP: return "')'";
	default:
		snprintf(buf, 32, "'%.*s'", (int)(t->len > 20 ? 20 : t->len), p->q + t->off);
		return buf;
	}
}

/* The value of a field: t is the field token, already consumed. */
static int parse_field(parser *p, nxq_node **out, const tok *ft)
{
	const tok *v = peek(p);
	nxq_node *n = NULL;
	int rc = NX_OK;

	*out = NULL;
	switch (ft->field) {
	case F_TITLE:
		if (!(n = node_new(p, NXQ_TITLE, ft)))
			return NX_ENOMEM;
		if (v->type == T_LP) {
			nxq_node *g = NULL;
			const tok *open = v;

			p->pos++;
			rc = parse_seq(p, &g, open);
			if (!rc)
				rc = node_add(n, g);
		} else {
			nxq_node *w;
			int prefix = v->type == T_WORD && v->len > 0 && p->q[v->off + v->len - 1] == '*';

			if (prefix && v->len == 1) {
				nxq_free(n);
				return fail(p, v->start, "a * ends the start of a word, as in title:protest*");
			}

			w = node_new(p, v->type == T_PHRASE ? NXQ_PHRASE : prefix ? NXQ_PREFIX : NXQ_WORDS, v);
			rc = w ? node_text(w, p->q + v->off, v->len - (size_t)prefix) : NX_ENOMEM;
			if (w && !rc)
				w->end -= (size_t)prefix;
			if (!rc)
				rc = node_add(n, w);
			else
				nxq_free(w);
			p->pos++;
		}
		break;
	case F_PERSON:
	case F_LANG:
	case F_SOURCE:
		if (v->type == T_LP)
			return fail(p, v->start, "%s: takes one value, not a group: write (%s:a OR %s:b)",
				    field_names[ft->field], field_names[ft->field], field_names[ft->field]);
		if (v->type == T_PHRASE && ft->field == F_LANG)
			return fail(p, v->start, "lang: wants a language code such as en, ru or kk");
		n = node_new(p, ft->field == F_PERSON ? NXQ_PERSON : ft->field == F_LANG ? NXQ_LANG : NXQ_SOURCE, ft);
		if (!n)
			return NX_ENOMEM;
		n->start = v->off;
		n->end = v->off + v->len;
		rc = node_text(n, p->q + v->off, v->len);
		if (!rc && ft->field == F_LANG) {
			/* The rule nx_search_options.lang follows (nxq_lang_code),
			 * with the query's column in the message. */
			char code[4];

			if (v->len > 3 || nxq_lang_code(code, n->text))
				rc = fail(p, v->start, "lang: wants a language code such as en, ru or kk, "
					  "not '%.*s'", (int)v->len, p->q + v->off);
			else
				memcpy(n->text, code, v->len + 1);
		}
		if (!rc && v->len == 0)
			rc = fail(p, v->start, "%s: needs a value", field_names[ft->field]);
		p->pos++;
		break;
	default: /* dates */
		if (v->type != T_WORD)
			return fail(p, v->start, "%s: wants a date such as 2022-01-05, 2022-01 or 7d",
				    field_names[ft->field]);
		if (!(n = node_new(p, NXQ_DATE, ft)))
			return NX_ENOMEM;
		rc = parse_date(p, n, ft->field, v);
		p->pos++;
		break;
	}
	if (rc) {
		nxq_free(n);
		return rc;
	}
	*out = n;
	return NX_OK;
}

static int parse_primary(parser *p, nxq_node **out)
{
	const tok *t = peek(p);
	nxq_node *n;
	char buf[32];
	int rc;

	*out = NULL;
	switch (t->type) {
	case T_LP:
		p->pos++;
		return parse_seq(p, out, t);
	case T_PHRASE:
		if (!(n = node_new(p, NXQ_PHRASE, t)))
			return NX_ENOMEM;
		p->pos++;
		if ((rc = node_text(n, p->q + t->off, t->len))) {
			nxq_free(n);
			return rc;
		}
		*out = n;
		return NX_OK;
	case T_WORD: {
		int prefix = t->len > 0 && p->q[t->off + t->len - 1] == '*';
		size_t len = t->len;

		while (prefix && len > 0 && p->q[t->off + len - 1] == '*')
			len--;
		if (prefix && len == 0)
			return fail(p, t->off, "a * ends the start of a word, as in protest*");
		if (!(n = node_new(p, prefix ? NXQ_PREFIX : NXQ_WORDS, t)))
			return NX_ENOMEM;
		n->end = t->off + len;
		p->pos++;
		if ((rc = node_text(n, p->q + t->off, len))) {
			nxq_free(n);
			return rc;
		}
		*out = n;
		return NX_OK;
	}
	case T_FIELD:
		p->pos++;
		return parse_field(p, out, t);
	case T_AND:
	case T_OR:
	case T_NEAR:
		return fail(p, t->off, "%.*s needs a word, a phrase or a group before it",
			    (int)t->len, p->q + t->off);
	case T_RP:
		return fail(p, t->off, "')' closes nothing: there is no '(' before it");
	default:
		return fail(p, t->off, "a word, a phrase or a group was expected, not %s",
			    tok_name(p, t, buf));
	}
}

static int parse_near(parser *p, nxq_node **out)
{
	nxq_node *first = NULL, *near = NULL, *kid = NULL;
	int rc;

	if ((rc = parse_primary(p, &first)))
		return rc;
	while (peek(p)->type == T_NEAR) {
		const tok *op = peek(p);

		if (!near && first->kind != NXQ_WORDS && first->kind != NXQ_PHRASE) {
			rc = fail(p, op->off, "NEAR joins words or phrases, not groups or fields");
			break;
		}
		p->pos++;
		if (!starts_item(peek(p)->type)) {
			rc = fail(p, op->off, "NEAR needs a word or a phrase after it");
			break;
		}
		if ((rc = parse_primary(p, &kid)))
			break;
		if (kid->kind != NXQ_WORDS && kid->kind != NXQ_PHRASE) {
			rc = fail(p, op->off, "NEAR joins words or phrases, not groups or fields");
			break;
		}
		if (!near) {
			if (!(near = node_new(p, NXQ_NEAR, op))) {
				rc = NX_ENOMEM;
				break;
			}
			near->window = op->window;
			rc = node_add(near, first);
			first = NULL;
			if (rc)
				break;
		} else if (op->window > near->window) {
			near->window = op->window;
		}
		rc = node_add(near, kid);
		kid = NULL;
		if (rc)
			break;
	}
	nxq_free(kid);
	if (rc) {
		nxq_free(first);
		nxq_free(near);
		return rc;
	}
	*out = near ? near : first;
	return NX_OK;
}

static int parse_unary(parser *p, nxq_node **out)
{
	const tok *t = peek(p);
	nxq_node *n, *kid = NULL;
	int rc;

	if (t->type != T_NOT && t->type != T_MINUS)
		return parse_near(p, out);
	*out = NULL;
	p->pos++;
	if (!starts_item(peek(p)->type))
		return fail(p, t->off, "%s needs a word, a phrase or a group after it",
			    t->type == T_NOT ? "NOT" : "'-'");
	if (++p->depth > MAX_DEPTH)
		return fail(p, t->off, "the query nests deeper than %d levels", MAX_DEPTH);
	rc = parse_unary(p, &kid);
	p->depth--;
	if (rc)
		return rc;
	if (!(n = node_new(p, NXQ_NOT, t))) {
		nxq_free(kid);
		return NX_ENOMEM;
	}
	if ((rc = node_add(n, kid))) {
		nxq_free(n);
		return rc;
	}
	*out = n;
	return NX_OK;
}

/* andx and orx: left operands joined by `op` into one node of `kind`. */
static int parse_binary(parser *p, nxq_node **out, ttype op, nxq_kind kind,
			int (*sub)(parser *, nxq_node **))
{
	nxq_node *first = NULL, *n = NULL, *kid = NULL;
	int rc;

	if ((rc = sub(p, &first)))
		return rc;
	while (peek(p)->type == op) {
		const tok *t = peek(p);

		p->pos++;
		if (!starts_item(peek(p)->type)) {
			rc = fail(p, t->off, "%s needs a word, a phrase or a group after it",
				  op == T_AND ? "AND" : "OR");
			break;
		}
		if ((rc = sub(p, &kid)))
			break;
		if (!n) {
			if (!(n = node_new(p, kind, t))) {
				rc = NX_ENOMEM;
				break;
			}
			rc = node_add(n, first);
			first = NULL;
			if (rc)
				break;
		}
		rc = node_add(n, kid);
		kid = NULL;
		if (rc)
			break;
	}
	if (rc) {
		nxq_free(first);
		nxq_free(n);
		return rc;
	}
	*out = n ? n : first;
	return NX_OK;
}

static int parse_and(parser *p, nxq_node **out)
{
	return parse_binary(p, out, T_AND, NXQ_AND, parse_unary);
}

static int parse_or(parser *p, nxq_node **out)
{
	return parse_binary(p, out, T_OR, NXQ_OR, parse_and);
}

/* Items up to ')' (open != NULL: a group opened by that token) or the end. */
static int parse_seq(parser *p, nxq_node **out, const tok *open)
{
	nxq_node *seq = NULL, *item = NULL;
	int rc = NX_OK;

	*out = NULL;
	if (++p->depth > MAX_DEPTH) {
		p->depth--;
		return fail(p, open ? open->off : 0, "the query nests deeper than %d levels", MAX_DEPTH);
	}
	if (!(seq = node_new(p, NXQ_SEQ, open))) {
		p->depth--;
		return NX_ENOMEM;
	}
	for (;;) {
		const tok *t = peek(p);

		if (t->type == T_EOF) {
			if (open)
				rc = fail(p, open->off, "'(' is never closed: a ')' is missing");
			break;
		}
		if (t->type == T_RP) {
			if (!open) {
				rc = fail(p, t->off, "')' closes nothing: there is no '(' before it");
				break;
			}
			if (seq->nkids == 0)
				rc = fail(p, open->off, "empty parentheses: put words between them");
			p->pos++;
			break;
		}
		if ((rc = parse_or(p, &item)))
			break;
		if ((rc = node_add(seq, item)))
			break;
	}
	p->depth--;
	if (rc) {
		nxq_free(seq);
		return rc;
	}
	/* One item needs no list around it. */
	if (seq->nkids == 1) {
		*out = seq->kids[0];
		seq->nkids = 0;
		nxq_free(seq);
	} else {
		*out = seq;
	}
	return NX_OK;
}

int nxq_parse(nxq_node **out, size_t *errcol, const char *query, int64_t now)
{
	parser p;
	int rc;

	*out = NULL;
	if (errcol)
		*errcol = 0;
	memset(&p, 0, sizeof p);
	p.q = query;
	p.qlen = strlen(query);
	p.now = now;
	rc = lex(&p);
	if (!rc && p.nt == 1)
		rc = fail(&p, 0, "empty query: give one or more words to search for");
	if (!rc)
		rc = parse_seq(&p, out, NULL);
	if (rc && errcol)
		*errcol = p.errcol;
	free(p.t);
	return rc;
}

/* ---- dump ----------------------------------------------------------------- */

int nxq_dump(nx_buf *b, const nxq_node *n)
{
	static const char *const names[] = {
		[NXQ_SEQ] = "seq", [NXQ_OR] = "or", [NXQ_AND] = "and", [NXQ_NOT] = "not",
		[NXQ_TITLE] = "title", [NXQ_PERSON] = "person"
	};

	switch (n->kind) {
	case NXQ_WORDS:
		nx_buf_puts(b, n->text);
		break;
	case NXQ_PHRASE:
		nx_buf_printf(b, "\"%s\"", n->text);
		break;
	case NXQ_PREFIX:
		nx_buf_printf(b, "%s*", n->text);
		break;
	case NXQ_PERSON:
		nx_buf_printf(b, "(person \"%s\")", n->text);
		break;
	case NXQ_LANG:
		nx_buf_printf(b, "lang:%s", n->text);
		break;
	case NXQ_SOURCE:
		nx_buf_printf(b, "source:%s", n->text);
		break;
	case NXQ_DATE:
		nx_buf_printf(b, "date:%s..%s", n->lo, n->hi);
		break;
	case NXQ_NEAR:
		nx_buf_printf(b, "(near/%u", n->window);
		for (size_t i = 0; i < n->nkids; i++) {
			nx_buf_putc(b, ' ');
			nxq_dump(b, n->kids[i]);
		}
		nx_buf_putc(b, ')');
		break;
	default:
		nx_buf_printf(b, "(%s", names[n->kind]);
		for (size_t i = 0; i < n->nkids; i++) {
			nx_buf_putc(b, ' ');
			nxq_dump(b, n->kids[i]);
		}
		nx_buf_putc(b, ')');
		break;
	}
	return b->failed ? NX_ENOMEM : NX_OK;
}
