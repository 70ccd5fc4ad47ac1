/*
 * snippet.c — highlights and snippet windows: which words of a passage the
 * query matched, and where in a long passage they are densest.
 *
 * The passage is re-analysed with the very analyzer that indexed it, and
 * nx_qterms_match() (store/terms.c) decides for each word whether the query
 * matched it: its form, its stem, a variant spelling or transliteration.  A
 * word is highlighted exactly when the index matched it; byte offsets come
 * straight from the tokenizer.
 */
#include "nx_query.h"

#include <stdlib.h>

typedef struct word {
	size_t start, end;
	int hit;
} word;

typedef struct hl_ctx {
	nxt_analyzer *an;
	const nx_qterms *q;
	const char *lang;
	nx_span *spans;
	size_t n, cap;
	word *words;       /* every word, for the window; NULL: not wanted */
	size_t nwords, wcap;
	int want_words;
} hl_ctx;

static int on_passage_word(void *vc, const nxt_token *t)
{
	hl_ctx *c = vc;
	int hit, rc;

	if ((rc = nx_qterms_match(&hit, c->q, c->an, c->lang, t)))
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

int nx_highlight_window(nx_span **out, size_t *n, nx_span *win, nxt_analyzer *a,
			const nx_qterms *q, const char *lang, const char *passage, size_t len,
			unsigned core, unsigned context)
{
	hl_ctx c = { a, q, lang, NULL, 0, 0, NULL, 0, 0, win != NULL };
	int rc = nxt_words(a, passage, len, on_passage_word, &c);

	if (rc) {
		free(c.spans);
		c.spans = NULL;
		c.n = 0;
	} else if (win) {
		densest(win, &c, len, core, context);
	}
	free(c.words);
	*out = c.spans;
	*n = c.n;
	return rc;
}

int nx_highlight(nx_span **out, size_t *n, nxt_analyzer *a, const nx_qterms *q,
		 const char *lang, const char *passage, size_t len)
{
	return nx_highlight_window(out, n, NULL, a, q, lang, passage, len, 0, 0);
}
