/*
 * snippet.c — highlights: which words of a passage the query matched.
 *
 * The passage is re-analysed with the very analyzer that indexed it, so a
 * word is highlighted exactly when its normalised form or its stem is one of
 * the query's; byte offsets come straight from the tokenizer.
 */
#include "nx_query.h"

#include <stdlib.h>

typedef struct hl_ctx {
	nxt_analyzer *an;
	const nx_qterms *q;
	const char *lang;
	nx_span *spans;
	size_t n, cap;
} hl_ctx;

static int on_passage_word(void *vc, const nxt_token *t)
{
	hl_ctx *c = vc;
	int hit, rc;

	if ((rc = nx_qterms_match(&hit, c->q, c->an, c->lang, t)) || !hit)
		return rc;
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

int nx_highlight(nx_span **out, size_t *n, nxt_analyzer *a, const nx_qterms *q,
		 const char *lang, const char *passage, size_t len)
{
	hl_ctx c = { a, q, lang, NULL, 0, 0 };
	int rc = nxt_words(a, passage, len, on_passage_word, &c);

	if (rc) {
		free(c.spans);
		c.spans = NULL;
		c.n = 0;
	}
	*out = c.spans;
	*n = c.n;
	return rc;
}
