/*
 * terms.c — how one analysed word becomes index terms, query terms, and a
 * highlight decision.  The three live side by side so they cannot drift
 * apart: whatever form the indexer writes for a word, the query side asks
 * for, and the highlighter recognises.
 */
#include "nx_store.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- indexing ------------------------------------------------------------ */

static int same(const char *a, size_t alen, const char *b, size_t blen)
{
	/* The forms often are the word itself (the same pointer). */
	return alen == blen && (a == b || memcmp(a, b, alen) == 0);
}

/* prefix + body as a term in scratch; 0 when too long or out of memory.
 * (The query side's builder; the index side uses term_buf below.) */
static int prefixed(nx_buf *scratch, const char *prefix, const char *body, size_t len)
{
	nx_buf_clear(scratch);
	if (strlen(prefix) + len > NX_MAX_TERM)
		return 0;
	nx_buf_puts(scratch, prefix);
	nx_buf_put(scratch, body, len);
	return !scratch->failed;
}

/* A prefixed index term, built on the stack: every word's terms pass
 * through here, several per word, and a growing buffer's calls cost more
 * than the copy (the prefixes of word terms are one letter). */
typedef struct term_buf {
	char s[NX_MAX_TERM + 1];
	size_t len;
} term_buf;

/* prefix (one byte) + body in *t; 0 when the term would be too long. */
static int term_make(term_buf *t, char prefix, const char *body, size_t len)
{
	if (len + 1 > NX_MAX_TERM)
		return 0;
	t->s[0] = prefix;
	memcpy(t->s + 1, body, len);
	t->len = len + 1;
	return 1;
}

_Static_assert(sizeof NX_PREFIX_STEM == 2 && sizeof NX_PREFIX_KEY == 2 &&
		       sizeof NX_PREFIX_STEM_KEY == 2,
	       "term_make takes one-letter prefixes");

/* A word's positional forms: itself, its folded form and its match key
 * (X), each unless it repeats one before it. */
static int emit_positional(const char *w, size_t len, const char *fold, size_t flen,
			   const char *key, size_t klen, nx_term_fn emit, void *ctx)
{
	term_buf t;
	int rc;

	if ((rc = emit(ctx, w, len, 1)))
		return rc;
	if (!same(fold, flen, w, len) && (rc = emit(ctx, fold, flen, 1)))
		return rc;
	if (!klen || same(key, klen, w, len) || same(key, klen, fold, flen) ||
	    !term_make(&t, NX_PREFIX_KEY[0], key, klen))
		return NX_OK;
	return emit(ctx, t.s, t.len, 1);
}

/* The positional forms of a hyphen compound written as one word. */
static int emit_joined(nxt_analyzer *a, const char *w, size_t len, nx_term_fn emit, void *ctx)
{
	int script = nxt_word_script_of(w, len);
	const char *fold, *key;
	size_t flen, klen;
	int rc;

	if (len > NX_MAX_TERM)
		return NX_OK;
	if ((rc = nxt_fold(&fold, &flen, a, w, len, script)) ||
	    (rc = nxt_key(&key, &klen, a, w, len, script)))
		return rc;
	return emit_positional(w, len, fold, flen, key, klen, emit, ctx);
}

int nx_terms_for_word(nxt_analyzer *a, const char *lang, const nxt_token *t,
		      nx_term_fn emit, void *ctx)
{
	nxt_forms f;
	term_buf tb;
	int rc;

	/* Over-long "words" (base64 blobs, 10 MB of letters) are not searchable
	 * terms; Xapian would reject them. */
	if (t->norm_len > NX_MAX_TERM)
		return NX_OK;
	if (t->joined && (rc = emit_joined(a, t->joined, t->joined_len, emit, ctx)))
		return rc;
	if ((rc = nxt_word_forms(&f, a, lang, t->norm, t->norm_len, t->script)))
		return rc;
	/* emit_positional, with the comparisons done once per word in the
	 * forms cache (f.repeats) */
	if ((rc = emit(ctx, t->norm, t->norm_len, 1)) ||
	    (!(f.repeats & NXT_FORMS_FOLD_IS_WORD) && (rc = emit(ctx, f.fold, f.fold_len, 1))) ||
	    (!(f.repeats & NXT_FORMS_KEY_REPEATS) &&
	     term_make(&tb, NX_PREFIX_KEY[0], f.key, f.key_len) &&
	     (rc = emit(ctx, tb.s, tb.len, 1))))
		return rc;
	if (term_make(&tb, NX_PREFIX_STEM[0], f.stem, f.stem_len) &&
	    (rc = emit(ctx, tb.s, tb.len, 0)))
		return rc;
	/* The stem's key meets the stems of the same name in other scripts
	 * and languages (K); when it equals the stem, Z already holds it. */
	if (!(f.repeats & NXT_FORMS_STEM_KEY_REPEATS) &&
	    term_make(&tb, NX_PREFIX_STEM_KEY[0], f.stem_key, f.stem_key_len) &&
	    (rc = emit(ctx, tb.s, tb.len, 0)))
		return rc;
	return NX_OK;
}

/* ---- querying ------------------------------------------------------------ */

void nx_qterms_free(nx_qterms *q)
{
	nx_buf_free(&q->norms);
	nx_buf_free(&q->stems);
	nx_buf_free(&q->names);
	q->nnorms = q->nstems = q->nnames = 0;
}

int nx_qvec_push(nx_qvec *v, nxx_query *q)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		nxx_query **p = realloc(v->q, cap * sizeof *p);

		if (!p) {
			nxx_query_free(q);
			return nx_error_set(NX_ENOMEM, "out of memory building a query");
		}
		v->q = p;
		v->cap = cap;
	}
	v->q[v->n++] = q;
	return NX_OK;
}

void nx_qvec_free(nx_qvec *v)
{
	for (size_t i = 0; i < v->n; i++)
		nxx_query_free(v->q[i]);
	free(v->q);
	memset(v, 0, sizeof *v);
}

int nx_qvec_combine(nxx_query **out, const nx_qvec *v, enum nxx_query_op op)
{
	if (!v->n)
		return nxx_query_match_nothing(out);
	return nxx_query_combine(out, op, v->q, v->n, 0);
}

int nx_strlist_has(const nx_buf *b, size_t n, const char *s, size_t len)
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

void nx_strlist_add(nx_buf *b, size_t *n, const char *s, size_t len)
{
	if (nx_strlist_has(b, *n, s, len))
		return;
	nx_buf_put(b, s, len);
	nx_buf_putc(b, '\0');
	(*n)++;
}

/* How much a passage that names the person under another spelling weighs,
 * by the spelling's level (nx_name_variants: its cost from the query's key
 * in steps of NX_NAME_LEVEL_COST): the same key (another script, another
 * transcription) fully, near spellings less, the nearest most.
 * A spelling weighs 0.8 for the first level and 0.8 more for every
 * NAME_WEIGHT_STEP cost units beyond it: a spelling further away must lose
 * to a nearer one even in a passage 10-20% shorter (BM25's length
 * normalisation); flatter steps let the length decide (EVALUATION.md,
 * "Names in Latin and Cyrillic"). */
#define NAME_WEIGHT_STEP 20.0

static double name_weight(unsigned level)
{
	if (level == 0)
		return 1.0;
	return 0.8 * pow(0.8, (level - 1) * (double)NX_NAME_LEVEL_COST / NAME_WEIGHT_STEP);
}

/* Xapian's BM25 idf of a term in n of N documents (floored: a key in most
 * documents still counts a little). */
static double name_idf(uint32_t n, uint32_t ndocs)
{
	double idf = log(((double)ndocs - n + 0.5) / (n + 0.5));

	return idf < 0.1 ? 0.1 : idf;
}

/*
 * If the word names a person the index knows, *q becomes
 * q OR scale(f1, N<key1>) OR scale(f2, N<key2>) ...: the person under each
 * of its spellings in the index.  Each spelling weighs by its level, and as
 * much as the nearest spelling found in the index would for the same passage
 * (its idf brought to that one's), so a rare misspelling does not outrank a
 * common spelling nearer the query because it is rare.
 */
static int expand_name(nxx_query **q, nxt_analyzer *a, nx_qterms *qt, const nxt_token *t,
		       nx_buf *scratch)
{
	nx_buf keys = NX_BUF_INIT;
	nxx_query **subs = NULL, *acc = NULL, *term = NULL;
	size_t n = 0, made = 0;
	uint32_t ndocs = 0, tf;
	double ref = 0;
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
	if ((rc = nxx_db_doccount(&ndocs, qt->db->x)))
		goto out;
	subs[made++] = *q;
	*q = NULL;
	k = keys.ptr;
	for (size_t i = 0; i < n && !rc; i++, k += strlen(k) + 1) {
		unsigned level = (unsigned)(k[0] - '0');

		nx_strlist_add(&qt->names, &qt->nnames, k + 1, strlen(k + 1));
		nx_buf_clear(scratch);
		nx_buf_puts(scratch, NX_PREFIX_NAME);
		nx_buf_puts(scratch, k + 1);
		if (scratch->failed || qt->names.failed) {
			rc = NX_ENOMEM;
			break;
		}
		if ((rc = nxx_db_termfreq(&tf, qt->db->x, scratch->ptr, scratch->len)) || !tf)
			continue;
		if (ref == 0)
			ref = name_idf(tf, ndocs);
		if (!(rc = nxx_query_term(&term, scratch->ptr, scratch->len, 1, 0)))
			rc = nxx_query_scale(&subs[made], term,
					     name_weight(level) * ref / name_idf(tf, ndocs));
		nxx_query_free(term);
		term = NULL;
		if (!rc)
			made++;
	}
	if (!rc)
		rc = nxx_query_combine(&acc, NXX_OP_OR, subs, made, 0);
	if (!rc) {
		*q = acc;
		acc = NULL;
	} else if (made) {
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

/* ---- query words ---------------------------------------------------------- */

/* A growing list of term queries, combined at the end; sticky error. */
typedef struct tlist {
	nxx_query *q[48];
	size_t n;
	nx_buf terms;   /* the terms added, NUL-separated */
	size_t nterms;
	int rc;
	nxx_db *db;     /* when set, terms it does not hold are left out */
} tlist;

static void tlist_add(tlist *l, nx_buf *scratch, const char *prefix, const char *body,
		      size_t len, uint32_t pos)
{
	if (l->rc || l->n == sizeof l->q / sizeof l->q[0])
		return;
	if (!prefixed(scratch, prefix, body, len)) {
		if (scratch->failed)
			l->rc = NX_ENOMEM;
		return;
	}
	/* The same term twice would count twice in a synonym. */
	if (nx_strlist_has(&l->terms, l->nterms, scratch->ptr, scratch->len))
		return;
	nx_strlist_add(&l->terms, &l->nterms, scratch->ptr, scratch->len);
	if (l->terms.failed) {
		l->rc = NX_ENOMEM;
		return;
	}
	/* A term the index does not hold adds nothing to a synonym's weight
	 * or estimate, but Xapian still walks an operator for it: a phrase
	 * word as (word OR Xword) instead of the word's positions alone. */
	if (l->db) {
		uint32_t tf = 0;

		if ((l->rc = nxx_db_termfreq(&tf, l->db, scratch->ptr, scratch->len)) || !tf)
			return;
	}
	l->rc = nxx_query_term(&l->q[l->n], scratch->ptr, scratch->len, 1, pos);
	if (!l->rc)
		l->n++;
}

static void tlist_free(tlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		nxx_query_free(l->q[i]);
	l->n = 0;
	nx_buf_free(&l->terms);
	l->nterms = 0;
}

typedef struct langs {
	nx_buf list;    /* NUL-separated language codes */
	size_t n;
	int only;       /* 1: these only, not the script's default stemmer */
} langs;

static int add_lang(void *ctx, const char *term, size_t len, uint32_t termfreq)
{
	langs *l = ctx;

	(void)termfreq;
	if (len > 1 && len < 16)
		nx_strlist_add(&l->list, &l->n, term + 1, len - 1);
	return l->list.failed ? NX_ENOMEM : NX_OK;
}

/* The languages whose stemmers a query word goes through: the caller's
 * (q->lang: that one only), else every language of the index (its L terms;
 * a few, read per word, which costs less than a term lookup), else (no
 * index, or none recorded) Kazakh; with the script's default stemmer (lang
 * NULL) unless the caller chose a language. */
static int query_langs(langs *l, nx_qterms *q)
{
	int rc;

	if (q->lang) {
		nx_strlist_add(&l->list, &l->n, q->lang, strlen(q->lang));
		l->only = 1;
		return l->list.failed ? NX_ENOMEM : NX_OK;
	}
	if (q->db && q->db->x && (rc = nxx_db_allterms(q->db->x, NX_PREFIX_LANG, add_lang, l)))
		return rc;
	if (!l->n)
		nx_strlist_add(&l->list, &l->n, "kk", 2);
	return l->list.failed ? NX_ENOMEM : NX_OK;
}

/* Each distinct stem of the word over the query's languages, with the
 * stems' match keys: into the list as Z and K terms, and recorded in
 * qt->stems for highlighting. */
static int add_stems(tlist *l, tlist *kl, tlist *tl, nxt_analyzer *a, nx_qterms *qt,
		     const langs *ql, const nxt_token *t, nx_buf *scratch)
{
	const char *lang = NULL, *p = ql->list.ptr, *stem, *key;
	size_t slen, klen;
	nx_buf seen = NX_BUF_INIT;
	size_t nseen = 0;
	int rc = NX_OK;

	for (size_t i = 0; i <= ql->n && !rc && !l->rc; i++) {
		if (i > 0) {
			lang = p;
			p += strlen(p) + 1;
		} else if (ql->only) {
			continue;
		}
		if ((rc = nxt_stem(&stem, &slen, a, lang, t->norm, t->norm_len, t->script)))
			break;
		if (nx_strlist_has(&seen, nseen, stem, slen))
			continue;
		nx_strlist_add(&seen, &nseen, stem, slen);
		nx_strlist_add(&qt->stems, &qt->nstems, stem, slen);
		tlist_add(l, scratch, NX_PREFIX_STEM, stem, slen, 0);
		tlist_add(tl, scratch, NX_PREFIX_TITLE, stem, slen, 0);
		if ((rc = nxt_key(&key, &klen, a, stem, slen, t->script)) || !klen)
			continue;
		/* Text whose stem has this key holds it as K, or as Z when
		 * the key is the stem itself. */
		nx_strlist_add(&qt->stems, &qt->nstems, key, klen);
		tlist_add(kl, scratch, NX_PREFIX_STEM_KEY, key, klen, 0);
		if (!same(key, klen, stem, slen))
			tlist_add(kl, scratch, NX_PREFIX_STEM, key, klen, 0);
	}
	if (!rc && (seen.failed || qt->stems.failed))
		rc = NX_ENOMEM;
	nx_buf_free(&seen);
	return rc ? rc : l->rc ? l->rc : kl->rc ? kl->rc : tl->rc;
}

/* The positional forms of a word or compound, as the index holds them
 * (emit_positional), into the list at position pos. */
static int add_forms(tlist *l, tlist *kl, nxt_analyzer *a, nx_qterms *qt, const char *w,
		     size_t len, int script, uint32_t pos, nx_buf *scratch)
{
	const char *fold, *key;
	size_t flen, klen;
	int rc;

	nx_strlist_add(&qt->norms, &qt->nnorms, w, len);
	tlist_add(l, scratch, "", w, len, pos);
	if ((rc = nxt_fold(&fold, &flen, a, w, len, script)))
		return rc;
	if (!same(fold, flen, w, len)) {
		nx_strlist_add(&qt->norms, &qt->nnorms, fold, flen);
		tlist_add(l, scratch, "", fold, flen, pos);
	}
	if ((rc = nxt_key(&key, &klen, a, w, len, script)) || !klen)
		return rc ? rc : l->rc;
	/* Keys go with the forms: a passage word whose key is one of them
	 * matched through X or an unprefixed form. */
	nx_strlist_add(&qt->norms, &qt->nnorms, key, klen);
	tlist_add(kl, scratch, NX_PREFIX_KEY, key, klen, pos);
	if (!same(key, klen, w, len) && !same(key, klen, fold, flen))
		tlist_add(kl, scratch, "", key, klen, pos);
	if (qt->norms.failed)
		return NX_ENOMEM;
	return l->rc ? l->rc : kl->rc;
}

/* How much a match through a key (another script or transcription of the
 * word, a variant spelling) weighs beside a match of the word itself, so
 * that text in the query's own spelling ranks first. */
#define KEY_WEIGHT 0.5

/* The keys' part of a query word: the synonym of its keys, weighted
 * KEY_WEIGHT, in passages that do not hold the word itself (`own`: any of
 * its forms or stems).  A passage that writes the word as the query does
 * also holds its keys (indexing -> X indeksing, K indeks): counted again,
 * they would favour words whose key happens to differ from their spelling. */
static int key_part(nxx_query **out, const tlist *kl, const nxx_query *own)
{
	nxx_query *syn = NULL, *other = NULL;
	int rc = nxx_query_combine(&syn, NXX_OP_SYNONYM, kl->q, kl->n, 0);

	if (!rc) {
		nxx_query *pair[2] = { syn, (nxx_query *)own };

		rc = nxx_query_combine(&other, NXX_OP_AND_NOT, pair, 2, 0);
	}
	if (!rc)
		rc = nxx_query_scale(out, other, KEY_WEIGHT);
	nxx_query_free(syn);
	nxx_query_free(other);
	return rc;
}

/*
 * A query word matches what the index holds for it (nx_terms_for_word):
 *  - not exact: one synonym of its forms (word, folded, compound) and its
 *    stems in each query language (Z), OR'ed with a synonym of its keys
 *    (X, K, and a key that is some text's form or stem) weighted
 *    KEY_WEIGHT in passages without the word's own forms (key_part):
 *    Tokayev finds Tokayev's first, then Токаев, Тоқаевтың;
 *    and OR'ed with its stems as title terms (S), so a title match adds
 *    its own weight;
 *  - exact (inside a phrase): any of its positional forms at its position:
 *    the word, its folded form and its key (so "Kassym-Jomart Tokayev"
 *    matches the phrase in Cyrillic too).
 */
int nx_query_for_word(nxx_query **out, nxt_analyzer *a, nx_qterms *qt, const nxt_token *t,
		      int exact, nx_buf *scratch)
{
	nxx_db *x = qt->db ? qt->db->x : NULL;
	tlist l = { .n = 0, .terms = NX_BUF_INIT, .rc = NX_OK, .db = x };
	tlist kl = { .n = 0, .terms = NX_BUF_INIT, .rc = NX_OK, .db = x };
	tlist tl = { .n = 0, .terms = NX_BUF_INIT, .rc = NX_OK, .db = x };
	langs ql = { NX_BUF_INIT, 0, 0 };
	nxx_query *parts[3] = { NULL, NULL, NULL };
	size_t nparts = 1;
	uint32_t pos = t->index + 1;
	int rc;

	*out = NULL;
	if (t->norm_len > NX_MAX_TERM)
		return NX_OK;
	if (exact) {
		rc = add_forms(&l, &l, a, qt, t->norm, t->norm_len, t->script, pos, scratch);
		if (!rc && l.n == 1) {
			*out = l.q[0];
			l.n = 0;
		} else if (!rc && l.n == 0) {
			rc = nxx_query_match_nothing(out);
		} else if (!rc) {
			rc = nxx_query_combine(out, NXX_OP_OR, l.q, l.n, 0);
		}
		tlist_free(&l);
		return rc;
	}
	rc = add_forms(&l, &kl, a, qt, t->norm, t->norm_len, t->script, 0, scratch);
	if (!rc && t->joined && t->joined_len <= NX_MAX_TERM)
		rc = add_forms(&l, &kl, a, qt, t->joined, t->joined_len,
			       nxt_word_script_of(t->joined, t->joined_len), 0, scratch);
	if (!rc)
		rc = query_langs(&ql, qt);
	if (!rc)
		rc = add_stems(&l, &kl, &tl, a, qt, &ql, t, scratch);
	nx_buf_free(&ql.list);
	if (!rc)
		rc = nxx_query_combine(&parts[0], NXX_OP_SYNONYM, l.q, l.n, 0);
	if (!rc && kl.n)
		rc = key_part(&parts[nparts++], &kl, parts[0]);
	/* The word in the article's title (S): its own weight, on top. */
	if (!rc && tl.n)
		rc = nxx_query_combine(&parts[nparts++], NXX_OP_SYNONYM, tl.q, tl.n, 0);
	if (!rc)
		rc = nparts > 1 ? nxx_query_combine(out, NXX_OP_OR, parts, nparts, 0)
				: nxx_query_combine(out, NXX_OP_SYNONYM, parts, 1, 0);
	for (size_t i = 0; i < nparts; i++)
		nxx_query_free(parts[i]);
	tlist_free(&l);
	tlist_free(&kl);
	tlist_free(&tl);
	if (!rc && qt->db && (rc = expand_name(out, a, qt, t, scratch))) {
		nxx_query_free(*out);
		*out = NULL;
	}
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
	if (nx_strlist_has(&q->norms, q->nnorms, tok->norm, tok->norm_len) ||
	    (tok->joined && nx_strlist_has(&q->norms, q->nnorms, tok->joined, tok->joined_len))) {
		*out = 1;
		return NX_OK;
	}
	if ((rc = nxt_fold(&stem, &slen, a, tok->norm, tok->norm_len, tok->script)))
		return rc;
	if (nx_strlist_has(&q->norms, q->nnorms, stem, slen)) {
		*out = 1;
		return NX_OK;
	}
	if ((rc = nxt_key(&stem, &slen, a, tok->norm, tok->norm_len, tok->script)))
		return rc;
	if (slen && nx_strlist_has(&q->norms, q->nnorms, stem, slen)) {
		*out = 1;
		return NX_OK;
	}
	if (q->nstems) {
		if ((rc = nxt_stem(&stem, &slen, a, lang, tok->norm, tok->norm_len, tok->script)))
			return rc;
		if (nx_strlist_has(&q->stems, q->nstems, stem, slen)) {
			*out = 1;
			return NX_OK;
		}
		if ((rc = nxt_key(&stem, &slen, a, stem, slen, tok->script)))
			return rc;
		if (slen && nx_strlist_has(&q->stems, q->nstems, stem, slen)) {
			*out = 1;
			return NX_OK;
		}
	}
	if (q->nnames && q->db && tok->norm_len >= 2 && tok->norm_len < 128 &&
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
		if (klen && nx_strlist_has(&q->names, q->nnames, key, klen))
			*out = 2;
	}
	return NX_OK;
}
