/*
 * terms.c — how one analysed word becomes index terms, query terms, and a
 * highlight decision.  The three live side by side so they cannot drift
 * apart: whatever form the indexer writes for a word, the query side asks
 * for, and the highlighter recognises.
 */
#include "nx_store.h"

#include <stdlib.h>
#include <string.h>

/* ---- indexing ------------------------------------------------------------ */

int nx_terms_for_word(nxt_analyzer *a, const char *lang, const nxt_token *t,
		      nx_term_fn emit, void *ctx, nx_buf *scratch)
{
	const char *stem;
	size_t slen;
	int rc;

	/* Over-long "words" (base64 blobs, 10 MB of letters) are not searchable
	 * terms; Xapian would reject them. */
	if (t->norm_len > NX_MAX_TERM)
		return NX_OK;
	if ((rc = emit(ctx, t->norm, t->norm_len, 1)))
		return rc;
	if ((rc = nxt_stem(&stem, &slen, a, lang, t->norm, t->norm_len, t->script)))
		return rc;
	if (slen + strlen(NX_PREFIX_STEM) > NX_MAX_TERM)
		return NX_OK;
	nx_buf_clear(scratch);
	nx_buf_puts(scratch, NX_PREFIX_STEM);
	nx_buf_put(scratch, stem, slen);
	if (scratch->failed)
		return NX_ENOMEM;
	return emit(ctx, scratch->ptr, scratch->len, 0);
}

/* ---- querying ------------------------------------------------------------ */

void nx_qterms_free(nx_qterms *q)
{
	nx_buf_free(&q->norms);
	nx_buf_free(&q->stems);
	nx_buf_free(&q->names);
	q->nnorms = q->nstems = q->nnames = 0;
}

static int list_has(const nx_buf *b, size_t n, const char *s, size_t len)
{
	const char *p = b->ptr;

	for (size_t i = 0; i < n; i++) {
		size_t plen = strlen(p);

		if (plen == len && memcmp(p, s, len) == 0)
			return 1;
		p += plen + 1;
	}
	return 0;
}

static void list_add(nx_buf *b, size_t *n, const char *s, size_t len)
{
	if (list_has(b, *n, s, len))
		return;
	nx_buf_put(b, s, len);
	nx_buf_putc(b, '\0');
	(*n)++;
}

/* How much a passage that names the person under another spelling weighs,
 * by the spelling's edit distance from the query's: the same key (another
 * script, another transcription) fully, near spellings less. */
static const double name_weight[] = { 1.0, 0.7, 0.5, 0.4 };

/* If the word names a person the index knows, *q becomes
 * q OR (the person under any spelling, weighted down). */
static int expand_name(nxx_query **q, nxt_analyzer *a, nx_qterms *qt, const nxt_token *t,
		       nx_buf *scratch)
{
	nx_buf keys = NX_BUF_INIT;
	nxx_query **subs = NULL, *acc = NULL;
	size_t n = 0, made = 0;
	const char *k;
	int rc;

	if (t->script != NXT_SCRIPT_LATIN && t->script != NXT_SCRIPT_CYRILLIC)
		return NX_OK;
	if ((rc = nx_name_variants(&keys, &n, qt->db, a, t->norm, t->norm_len)) || n == 0)
		goto out;
	subs = calloc(n + 1, sizeof *subs);
	if (!subs) {
		rc = nx_error_set(NX_ENOMEM, "out of memory expanding a name");
		goto out;
	}
	/* q OR scale(w0, SYNONYM(distance-0 keys)) OR scale(w1, ...) ... */
	subs[made++] = *q;
	*q = NULL;
	for (unsigned d = 0; d < sizeof name_weight / sizeof *name_weight && !rc; d++) {
		nxx_query *terms[64], *syn = NULL;
		size_t nt = 0;

		k = keys.ptr;
		for (size_t i = 0; i < n && !rc; i++, k += strlen(k) + 1) {
			if ((unsigned)(k[0] - '0') != d || nt == sizeof terms / sizeof *terms)
				continue;
			list_add(&qt->names, &qt->nnames, k + 1, strlen(k + 1));
			nx_buf_clear(scratch);
			nx_buf_puts(scratch, NX_PREFIX_NAME);
			nx_buf_puts(scratch, k + 1);
			rc = scratch->failed ? NX_ENOMEM :
			     nxx_query_term(&terms[nt], scratch->ptr, scratch->len, 1, 0);
			if (!rc)
				nt++;
		}
		if (!rc && nt)
			rc = nxx_query_combine(&syn, NXX_OP_SYNONYM, terms, nt, 0);
		if (!rc && syn)
			rc = nxx_query_scale(&subs[made], syn, name_weight[d]);
		if (!rc && syn)
			made++;
		nxx_query_free(syn);
		for (size_t i = 0; i < nt; i++)
			nxx_query_free(terms[i]);
	}
	if (!rc)
		rc = nxx_query_combine(&acc, NXX_OP_OR, subs, made, 0);
	if (!rc) {
		*q = acc;
		acc = NULL;
	} else {
		*q = subs[0];  /* leave the caller's query as it was */
		subs[0] = NULL;
	}
out:
	for (size_t i = 0; subs && i < made; i++)
		nxx_query_free(subs[i]);
	free(subs);
	nxx_query_free(acc);
	nx_buf_free(&keys);
	return rc;
}

int nx_query_for_word(nxx_query **out, nxt_analyzer *a, nx_qterms *qt, const nxt_token *t,
		      int exact, nx_buf *scratch)
{
	nxx_query *raw = NULL, *stemq = NULL;
	const char *stem;
	size_t slen;
	int rc;

	*out = NULL;
	if (t->norm_len > NX_MAX_TERM)
		return NX_OK;
	list_add(&qt->norms, &qt->nnorms, t->norm, t->norm_len);
	if ((rc = nxx_query_term(&raw, t->norm, t->norm_len, 1, t->index + 1)))
		return rc;
	if (exact) {
		*out = raw;
		return NX_OK;
	}
	/* The query's language is unknown: the stemmer is chosen by script,
	 * as nxt_stem does for indexed text in a language without its own
	 * stemmer.  The exact form is a synonym, so a word indexed under a
	 * different language's stemmer still matches as typed. */
	if ((rc = nxt_stem(&stem, &slen, a, NULL, t->norm, t->norm_len, t->script)))
		goto out;
	list_add(&qt->stems, &qt->nstems, stem, slen);
	nx_buf_clear(scratch);
	nx_buf_puts(scratch, NX_PREFIX_STEM);
	nx_buf_put(scratch, stem, slen);
	if (scratch->failed) {
		rc = NX_ENOMEM;
		goto out;
	}
	if ((rc = nxx_query_term(&stemq, scratch->ptr, scratch->len, 1, 0)))
		goto out;
	nxx_query *pair[2] = { stemq, raw };
	rc = nxx_query_combine(out, NXX_OP_SYNONYM, pair, 2, 0);
	if (!rc && qt->db && (rc = expand_name(out, a, qt, t, scratch))) {
		nxx_query_free(*out);
		*out = NULL;
	}
out:
	nxx_query_free(raw);
	nxx_query_free(stemq);
	return rc;
}

/* ---- highlighting -------------------------------------------------------- */

int nx_qterms_match(int *out, const nx_qterms *q, nxt_analyzer *a, const char *lang,
		    const nxt_token *tok)
{
	const char *stem;
	size_t slen;
	int rc;

	*out = 0;
	if (list_has(&q->norms, q->nnorms, tok->norm, tok->norm_len)) {
		*out = 1;
		return NX_OK;
	}
	if (q->nstems) {
		if ((rc = nxt_stem(&stem, &slen, a, lang, tok->norm, tok->norm_len, tok->script)))
			return rc;
		if (list_has(&q->stems, q->nstems, stem, slen)) {
			*out = 1;
			return NX_OK;
		}
	}
	if (q->nnames && q->db && tok->norm_len >= 3 && tok->norm_len < 128 &&
	    (tok->script == NXT_SCRIPT_LATIN || tok->script == NXT_SCRIPT_CYRILLIC)) {
		nxt_namekey *nk;
		const char *key;
		size_t klen;
		char base[128];

		memcpy(base, tok->norm, tok->norm_len);
		base[tok->norm_len] = '\0';
		size_t blen = nxt_surname_base(base, tok->norm_len);
		if ((rc = nx_db_namekey(&nk, q->db)) || (rc = nxt_name_key(&key, &klen, nk, base, blen)))
			return rc;
		if (klen && list_has(&q->names, q->nnames, key, klen))
			*out = 2;
	}
	return NX_OK;
}
