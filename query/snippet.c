/*
 * snippet.c — highlights and snippet windows: which words of a passage the
 * query matched, and where in a long passage they are densest.
 *
 * The passage is re-analysed with the very analyzer that indexed it, and
 * nx_qterms_match() (store/terms.c) decides for each word whether the query
 * matched it: its form, its stem, a variant spelling or transliteration.  A
 * word is highlighted exactly when the index matched it; byte offsets come
 * straight from the tokenizer.
 *
 * A word matched only as another spelling of a name the query asked for
 * (Ruzakunov for Ruzakhunov) is also reported with the query word it stands
 * for, so that `search` can say which form matched.
 */
#include "nx_query.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct word {
	size_t start, end;
	int hit;
} word;

/* A word matched as another spelling: where, and which query word. */
typedef struct other_form {
	size_t start, end;
	size_t qword;      /* index in the nx_qforms */
} other_form;

typedef struct hl_ctx {
	nxt_analyzer *an;
	const nx_qterms *q;
	const char *lang;
	nx_span *spans;
	size_t n, cap;
	word *words;       /* every word, for the window; NULL: not wanted */
	size_t nwords, wcap;
	int want_words;
	const nx_qforms *qf;  /* NULL: forms not wanted */
	other_form *forms;
	size_t nforms, fcap;
	nx_hlcache *cache;    /* NULL: match every word afresh */
} hl_ctx;

/* The query word a passage word matched as another spelling stands for
 * (*form): -1 when the word's name key is a query word's own (the same name
 * in another script) or it has none; else the query word whose key is
 * nearest. */
static int form_of(int *form, hl_ctx *c, const nxt_token *t)
{
	const char *key, *p = c->qf->text.ptr;
	size_t klen, best = 0;
	unsigned best_cost = ~0u;
	int rc;

	*form = -1;
	if ((rc = nx_name_key_of(&key, &klen, c->q->db, t->norm, t->norm_len)) || !klen)
		return rc;
	for (size_t i = 0; i < c->qf->n; i++) {
		const char *qk = p + strlen(p) + 1;
		size_t qlen = strlen(qk);
		unsigned cost;

		p = qk + qlen + 1;
		if (qlen == klen && !memcmp(qk, key, klen))
			return NX_OK;
		cost = nxt_name_cost(qk, qlen, key, klen, 10000);
		if (cost < best_cost) {
			best_cost = cost;
			best = i;
		}
	}
	*form = (int)best;
	return NX_OK;
}

/* Note that word t stands for query word `form`. */
static int add_form(hl_ctx *c, const nxt_token *t, int form)
{
	if (c->nforms == c->fcap) {
		size_t cap = c->fcap ? c->fcap * 2 : 4;
		other_form *f = realloc(c->forms, cap * sizeof *f);

		if (!f)
			return nx_error_set(NX_ENOMEM, "out of memory highlighting a passage");
		c->forms = f;
		c->fcap = cap;
	}
	c->forms[c->nforms++] = (other_form){ t->start, t->end, (size_t)form };
	return NX_OK;
}

/* ---- the words' verdicts, per query ------------------------------------------------ */

struct nx_hlslot {
	uint64_t hash;
	size_t off, len;   /* the key in the cache's keys; len 0: empty slot */
	int hit;
	int form;          /* hit 2: form_of's answer; FORM_UNKNOWN: not asked */
};

#define FORM_UNKNOWN (-2)

/* Most distinct words a cache holds; the rest are matched every time. */
#define NX_HLCACHE_MAX 65536

/* A word's key: its script, the article's language, its form and its
 * compound (all that nx_qterms_match() looks at besides the query).
 * Returns its length, 0 when it does not fit (or there is no language). */
static size_t hl_key(char *k, size_t size, const char *lang, const nxt_token *t)
{
	size_t llen, jlen = t->joined ? t->joined_len : 0, n;

	if (!lang)
		return 0;
	llen = strlen(lang);
	n = 1 + llen + 1 + t->norm_len + 1 + jlen;
	if (n > size)
		return 0;
	k[0] = (char)t->script;
	memcpy(k + 1, lang, llen + 1);
	memcpy(k + 2 + llen, t->norm, t->norm_len);
	k[2 + llen + t->norm_len] = '\0';
	if (jlen)
		memcpy(k + 3 + llen + t->norm_len, t->joined, jlen);
	return n;
}

/* The slot of key k: its own, or the empty one where it would go. */
static struct nx_hlslot *hl_slot(const nx_hlcache *c, const char *k, size_t len, uint64_t h)
{
	size_t mask = c->cap - 1, i = (size_t)h & mask;

	for (;; i = (i + 1) & mask) {
		struct nx_hlslot *sl = &c->slots[i];

		if (!sl->len || (sl->hash == h && sl->len == len && !memcmp(c->keys.ptr + sl->off, k, len)))
			return sl;
	}
}

/* Remember a word's verdict; a cache that cannot grow just stays as it is. */
static void hl_remember(nx_hlcache *c, const char *k, size_t len, uint64_t h, int hit, int form)
{
	struct nx_hlslot *sl;

	if (c->n >= NX_HLCACHE_MAX)
		return;
	if (2 * (c->n + 1) > c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 256;
		struct nx_hlslot *old = c->slots, *slots = calloc(cap, sizeof *slots);
		size_t ocap = c->cap;

		if (!slots)
			return;
		c->slots = slots;
		c->cap = cap;
		for (size_t i = 0; i < ocap; i++)
			if (old[i].len)
				*hl_slot(c, c->keys.ptr + old[i].off, old[i].len, old[i].hash) = old[i];
		free(old);
	}
	sl = hl_slot(c, k, len, h);
	if (sl->len)
		return;
	if (nx_buf_put(&c->keys, k, len)) {
		c->keys.failed = 0;
		return;
	}
	*sl = (struct nx_hlslot){ h, c->keys.len - len, len, hit, form };
	c->n++;
}

void nx_hlcache_free(nx_hlcache *c)
{
	if (!c)
		return;
	free(c->slots);
	nx_buf_free(&c->keys);
	memset(c, 0, sizeof *c);
}

/* nx_qterms_match() (*hit) and, for another spelling when forms are
 * wanted, form_of() (*form; -1 otherwise), through the cache when there is
 * one. */
static int match_word(int *hit, int *form, hl_ctx *c, const nxt_token *t)
{
	char k[512];
	size_t len = c->cache ? hl_key(k, sizeof k, c->lang, t) : 0;
	int want_form = c->qf && c->qf->n;
	uint64_t h = 0;
	int rc;

	*form = -1;
	if (len) {
		h = nx_hash(k, len);
		if (c->cache->cap) {
			struct nx_hlslot *sl = hl_slot(c->cache, k, len, h);

			if (sl->len) {
				*hit = sl->hit;
				if (*hit != 2 || !want_form)
					return NX_OK;
				if (sl->form == FORM_UNKNOWN && (rc = form_of(&sl->form, c, t)))
					return rc;
				*form = sl->form;
				return NX_OK;
			}
		}
	}
	if ((rc = nx_qterms_match(hit, c->q, c->an, c->lang, t)))
		return rc;
	if (*hit == 2 && want_form && (rc = form_of(form, c, t)))
		return rc;
	if (len)
		hl_remember(c->cache, k, len, h, *hit, *hit == 2 && want_form ? *form : FORM_UNKNOWN);
	return NX_OK;
}

/* ---- highlights ----------------------------------------------------------------------- */

static int on_passage_word(void *vc, const nxt_token *t)
{
	hl_ctx *c = vc;
	int hit, form, rc;

	if ((rc = match_word(&hit, &form, c, t)))
		return rc;
	if (form >= 0 && (rc = add_form(c, t, form)))
		return rc;
	if (c->want_words) {
		if (c->nwords == c->wcap) {
			size_t cap = c->wcap ? c->wcap * 2 : 64;
			word *p = realloc(c->words, cap * sizeof *p);

			if (!p)
				return nx_error_set(NX_ENOMEM, "out of memory drawing a snippet");
			c->words = p;
			c->wcap = cap;
		}
		c->words[c->nwords].start = t->start;
		c->words[c->nwords].end = t->end;
		c->words[c->nwords].hit = hit != 0;
		c->nwords++;
	}
	if (!hit)
		return NX_OK;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		nx_span *p = realloc(c->spans, cap * sizeof *p);

		if (!p)
			return nx_error_set(NX_ENOMEM, "out of memory highlighting a passage");
		c->spans = p;
		c->cap = cap;
	}
	c->spans[c->n].start = t->start;
	c->spans[c->n].end = t->end;
	c->n++;
	return NX_OK;
}

/* The window: the run of `core` words with the most matches (the first of
 * equals), widened by `context` words each side; the whole passage when it
 * is not longer than that. */
static void densest(nx_span *win, const hl_ctx *c, size_t len, unsigned core, unsigned context)
{
	size_t best = 0, best_at = 0, count = 0, first, last;

	win->start = 0;
	win->end = len;
	if (!core || c->nwords <= (size_t)core + 2 * (size_t)context)
		return;
	for (size_t i = 0; i < c->nwords; i++) {
		count += (size_t)c->words[i].hit;
		if (i >= core)
			count -= (size_t)c->words[i - core].hit;
		if (i + 1 >= core && count > best) {
			best = count;
			best_at = i + 1 - core;
		}
	}
	/* No match in the text (a title-only match): the start. */
	first = best_at > context ? best_at - context : 0;
	last = best_at + core + context;
	if (last > c->nwords)
		last = c->nwords;
	/* Keep the window's size at the edges. */
	if (last - first < (size_t)core + 2 * (size_t)context) {
		size_t want = (size_t)core + 2 * (size_t)context;

		if (first == 0)
			last = want < c->nwords ? want : c->nwords;
		else
			first = c->nwords > want ? c->nwords - want : 0;
	}
	win->start = first == 0 ? 0 : c->words[first].start;
	win->end = last >= c->nwords ? len : c->words[last - 1].end;
}

/* The matched forms as one block: the array, then its strings. */
static int forms_block(nx_matched_form **out, const hl_ctx *c, const char *passage)
{
	const char **typed = calloc(c->qf->n + 1, sizeof *typed);
	const char *p = c->qf->text.ptr;
	size_t bytes = c->nforms * sizeof(nx_matched_form);
	nx_matched_form *m;
	char *s;

	if (!typed)
		return nx_error_set(NX_ENOMEM, "out of memory highlighting a passage");
	for (size_t i = 0; i < c->qf->n; i++) {
		typed[i] = p;
		p += strlen(p) + 1;
		p += strlen(p) + 1;
	}
	for (size_t i = 0; i < c->nforms; i++)
		bytes += c->forms[i].end - c->forms[i].start + strlen(typed[c->forms[i].qword]) + 2;
	if (!(m = malloc(bytes))) {
		free(typed);
		return nx_error_set(NX_ENOMEM, "out of memory highlighting a passage");
	}
	s = (char *)(m + c->nforms);
	for (size_t i = 0; i < c->nforms; i++) {
		size_t flen = c->forms[i].end - c->forms[i].start;
		size_t qlen = strlen(typed[c->forms[i].qword]);

		m[i].start = c->forms[i].start;
		m[i].end = c->forms[i].end;
		m[i].form = s;
		memcpy(s, passage + m[i].start, flen);
		s[flen] = '\0';
		s += flen + 1;
		m[i].query = s;
		memcpy(s, typed[c->forms[i].qword], qlen + 1);
		s += qlen + 1;
	}
	free(typed);
	*out = m;
	return NX_OK;
}

int nx_highlight_forms(nx_span **out, size_t *n, nx_span *win, nx_matched_form **matched,
		       size_t *nmatched, nxt_analyzer *a, const nx_qterms *q, const nx_qforms *qf,
		       const char *lang, const char *passage, size_t len, unsigned core,
		       unsigned context, nx_hlcache *cache)
{
	hl_ctx c = { a, q, lang, NULL, 0, 0, NULL, 0, 0, win != NULL, matched ? qf : NULL,
		     NULL, 0, 0, cache };
	int rc = nxt_words(a, passage, len, on_passage_word, &c);

	if (matched) {
		*matched = NULL;
		*nmatched = 0;
	}
	if (!rc && win)
		densest(win, &c, len, core, context);
	if (!rc && c.nforms && !(rc = forms_block(matched, &c, passage)))
		*nmatched = c.nforms;
	if (rc) {
		free(c.spans);
		c.spans = NULL;
		c.n = 0;
	}
	free(c.words);
	free(c.forms);
	*out = c.spans;
	*n = c.n;
	return rc;
}

/* ---- the query's name words ------------------------------------------------------ */

typedef struct qform_ctx {
	nx_db *db;
	nx_qforms *qf;
	const char *typed;
	size_t typed_len;
	int done;
} qform_ctx;

static int on_query_word(void *vc, const nxt_token *t)
{
	qform_ctx *c = vc;
	const char *key;
	size_t klen;
	int rc;

	if (c->done++)
		return NX_OK;  /* one word per span */
	if ((rc = nx_name_key_of(&key, &klen, c->db, t->norm, t->norm_len)) || !klen)
		return rc;
	nx_buf_put(&c->qf->text, c->typed, c->typed_len);
	nx_buf_putc(&c->qf->text, '\0');
	nx_buf_put(&c->qf->text, key, klen);
	nx_buf_putc(&c->qf->text, '\0');
	c->qf->n++;
	return c->qf->text.failed ? nx_error_set(NX_ENOMEM, "out of memory reading the query") : NX_OK;
}

int nx_qforms_build(nx_qforms *out, nx_db *db, nxt_analyzer *a, const char *query,
		    const nxq_compiled *cc)
{
	int rc = NX_OK;

	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < cc->nwords_typed + cc->nnames && !rc; i++) {
		const nx_span *sp = i < cc->nwords_typed ? &cc->words[i]
							 : &cc->names[i - cc->nwords_typed];
		qform_ctx c = { db, out, query + sp->start, sp->end - sp->start, 0 };

		rc = nxt_words(a, c.typed, c.typed_len, on_query_word, &c);
	}
	if (rc)
		nx_qforms_free(out);
	return rc;
}

void nx_qforms_free(nx_qforms *qf)
{
	nx_buf_free(&qf->text);
	qf->n = 0;
}
