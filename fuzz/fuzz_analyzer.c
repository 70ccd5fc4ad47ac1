/*
 * fuzz_analyzer.c — libFuzzer target over the whole text pipeline: UTF-8
 * repair, words and their index terms (folded forms, compounds, match
 * keys, stems in a language the input picks), query terms and the
 * highlight decision for each word, sentences and the language guess.
 *
 * Build: cmake -S . -B build-fuzz -DNX_FUZZ=ON (clang); run:
 *   build-fuzz/fuzz/fuzz_analyzer -max_total_time=30 CORPUS fuzz/seeds
 * The first byte of an input picks the language (none, en, ru, kk, ky, tr,
 * de, ar, zh); the rest is the text.  The words found by the fast paths
 * (the segmentation scanner, the case-folding tables) must be ICU's.
 */
#include "nx_store.h"
#include "nx_text_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static nxt_analyzer *an;

typedef struct fctx {
	const char *lang;
	size_t len;
	nx_buf scratch;
	nx_qterms qt;
} fctx;

static int on_term(void *ctx, const char *term, size_t len, int positional)
{
	(void)ctx;
	(void)positional;
	if (len == 0 || len > NX_MAX_TERM || !term)
		abort();
	return 0;
}

static int on_word(void *vc, const nxt_token *t)
{
	fctx *c = vc;
	nxx_query *q = NULL;
	int hit = 0, rc;

	if (t->start >= t->end || t->end > c->len || t->norm_len == 0 ||
	    strlen(t->norm) != t->norm_len)
		abort();
	if ((rc = nx_terms_for_word(an, c->lang, t, on_term, c)))
		return rc;
	/* The same word as a query (every fourth, exact), then highlighted. */
	if ((rc = nx_query_for_word(&q, an, &c->qt, t, (t->index & 3) == 3, &c->scratch)))
		return rc;
	nxx_query_free(q);
	return nx_qterms_match(&hit, &c->qt, an, c->lang, t);
}

static int on_sentence(void *ctx, size_t start, size_t end)
{
	fctx *c = ctx;

	if (start >= end || end > c->len)
		abort();
	return 0;
}

/* Each word as "start:end:norm+joined|". */
static int list_word(void *ctx, const nxt_token *t)
{
	nx_buf_printf(ctx, "%zu:%zu:%s+%s|", t->start, t->end, t->norm, t->joined ? t->joined : "");
	return 0;
}

static void same_as_icu(const char *text, size_t len)
{
	nx_buf fast = NX_BUF_INIT, icu = NX_BUF_INIT;

	an->icu_only = 0;
	if (nxt_words(an, text, len, list_word, &fast))
		abort();
	an->icu_only = 1;
	if (nxt_words(an, text, len, list_word, &icu))
		abort();
	an->icu_only = 0;
	if (fast.len != icu.len || (fast.len && memcmp(fast.ptr, icu.ptr, fast.len) != 0))
		abort();
	nx_buf_free(&fast);
	nx_buf_free(&icu);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const langs[] = { "", "en", "ru", "kk", "ky", "tr", "de", "ar", "zh" };
	fctx c;
	char *text = NULL;
	size_t len = 0, nbad = 0;

	if (!an && nxt_analyzer_new(&an))
		abort();
	if (size == 0)
		return 0;
	memset(&c, 0, sizeof c);
	c.lang = langs[data[0] % (sizeof langs / sizeof langs[0])];
	if (nxt_utf8_repair(&text, &len, &nbad, (const char *)data + 1, size - 1))
		return 0;
	if (!nxt_utf8_valid(text, len))
		abort();
	c.len = len;
	if (nxt_words(an, text, len, on_word, &c))
		abort();
	if (nxt_sentences(an, text, len, on_sentence, &c))
		abort();
	same_as_icu(text, len);
	(void)nxt_guess_lang(text, len);
	nx_buf_free(&c.scratch);
	nx_qterms_free(&c.qt);
	free(text);
	return 0;
}
