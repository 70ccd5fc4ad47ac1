/*
 * people.c — the people index: person names recorded under script- and
 * spelling-independent keys when a passage is indexed, and found again at
 * query time under any of their spellings.
 *
 * Terms (see the schema in nx_store.h):
 *   N<key>           a person named in the passage (wdf 1: it weighs)
 *   M<key>:<form>    the surname as written (normalised, case endings
 *                    removed): the vocabulary of spellings, counted by
 *                    Xapian's term frequency
 *   F<key>:<gkey>    a given name seen with the surname (Vikram Ruza,
 *                    Vikram Ruzakhunov), which lets a short form join a
 *                    long one
 *
 * Query side: a word expands to the keys of its other spellings only when
 * the index knows it mostly as a name (so "oil", "order", "police" never
 * expand) — see nx_name_variants().
 */
#include "nx_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nx_db_namekey(nxt_namekey **out, nx_db *db)
{
	if (!db->nk) {
		int rc = nxt_namekey_new(&db->nk);

		if (rc)
			return rc;
	}
	*out = db->nk;
	return NX_OK;
}

/* ---- indexing ------------------------------------------------------------ */

typedef struct people_ctx {
	nxt_namekey *nk;
	nx_people_fn emit;
	void *ctx;
	nx_buf term;
	nx_buf key;
} people_ctx;

static int put_term(people_ctx *c, const char *prefix, const char *a, size_t alen,
		    const char *b, size_t blen, int weighted)
{
	nx_buf_clear(&c->term);
	nx_buf_puts(&c->term, prefix);
	nx_buf_put(&c->term, a, alen);
	if (b) {
		nx_buf_putc(&c->term, ':');
		nx_buf_put(&c->term, b, blen);
	}
	if (c->term.failed)
		return NX_ENOMEM;
	if (c->term.len > NX_MAX_TERM)
		return NX_OK;
	return c->emit(c->ctx, c->term.ptr, c->term.len, weighted);
}

static int on_name(void *vc, const nxt_name *n)
{
	people_ctx *c = vc;
	const char *k;
	size_t klen;
	int rc;

	if ((rc = nxt_name_key(&k, &klen, c->nk, n->surname, n->surname_len)) || klen < 2)
		return rc;
	nx_buf_clear(&c->key);
	nx_buf_put(&c->key, k, klen);
	if (c->key.failed)
		return NX_ENOMEM;
	if ((rc = put_term(c, NX_PREFIX_NAME, c->key.ptr, c->key.len, NULL, 0, 1)) ||
	    (rc = put_term(c, NX_PREFIX_NAME_FORM, c->key.ptr, c->key.len, n->surname,
			   n->surname_len, 0)))
		return rc;
	if (n->given) {
		if ((rc = nxt_name_key(&k, &klen, c->nk, n->given, n->given_len)))
			return rc;
		if (klen >= 2)
			rc = put_term(c, NX_PREFIX_GIVEN, c->key.ptr, c->key.len, k, klen, 0);
	}
	return rc;
}

int nx_people_terms(nx_db *db, nxt_analyzer *a, const char *text, size_t len,
		    nx_people_fn emit, void *ctx)
{
	people_ctx c = { NULL, emit, ctx, NX_BUF_INIT, NX_BUF_INIT };
	int rc;

	if ((rc = nx_db_namekey(&c.nk, db)))
		return rc;
	rc = nxt_names(a, text, len, on_name, &c);
	nx_buf_free(&c.term);
	nx_buf_free(&c.key);
	return rc;
}

/* ---- querying ------------------------------------------------------------ */

static int termfreq(uint32_t *out, nx_db *db, const char *prefix, const char *body, size_t len)
{
	nx_buf t = NX_BUF_INIT;
	int rc;

	nx_buf_puts(&t, prefix);
	nx_buf_put(&t, body, len);
	if (t.failed)
		return NX_ENOMEM;
	rc = nxx_db_termfreq(out, db->x, t.ptr, t.len);
	nx_buf_free(&t);
	return rc;
}

typedef struct given_ctx {
	nx_buf *list;    /* NUL-separated given-name keys */
	size_t n;
	size_t skip;     /* prefix length to drop from each term */
	const nx_buf *other;
	size_t nother;
	int shared;
} given_ctx;

static int collect_given(void *vc, const char *term, size_t len, uint32_t tf)
{
	given_ctx *g = vc;

	nx_buf_put(g->list, term + g->skip, len - g->skip);
	nx_buf_putc(g->list, '\0');
	g->n++;
	return g->list->failed ? NX_ENOMEM : 0;
}

static int check_given(void *vc, const char *term, size_t len, uint32_t tf)
{
	given_ctx *g = vc;
	const char *p = g->other->ptr;

	for (size_t i = 0; i < g->nother; i++) {
		size_t n = strlen(p);

		if (n == len - g->skip && !memcmp(p, term + g->skip, n)) {
			g->shared = 1;
			return 1;  /* found: stop */
		}
		p += n + 1;
	}
	return 0;
}

/* Do keys a and b share a given name in the index? */
static int share_given(int *out, nx_db *db, const char *a, size_t alen, const char *b, size_t blen)
{
	nx_buf pa = NX_BUF_INIT, pb = NX_BUF_INIT, names = NX_BUF_INIT;
	given_ctx g = { &names, 0, 0, NULL, 0, 0 };
	int rc;

	*out = 0;
	nx_buf_puts(&pa, NX_PREFIX_GIVEN);
	nx_buf_put(&pa, a, alen);
	nx_buf_putc(&pa, ':');
	nx_buf_puts(&pb, NX_PREFIX_GIVEN);
	nx_buf_put(&pb, b, blen);
	nx_buf_putc(&pb, ':');
	rc = pa.failed || pb.failed ? NX_ENOMEM : NX_OK;
	if (!rc) {
		g.skip = pa.len;
		rc = nxx_db_allterms(db->x, pa.ptr, collect_given, &g);
	}
	if (!rc && g.n) {
		given_ctx h = { NULL, 0, pb.len, &names, g.n, 0 };

		rc = nxx_db_allterms(db->x, pb.ptr, check_given, &h);
		if (rc == 1)
			rc = NX_OK;
		*out = h.shared;
	}
	nx_buf_free(&pa);
	nx_buf_free(&pb);
	nx_buf_free(&names);
	return rc;
}

typedef struct variant_ctx {
	nx_db *db;
	const char *key;
	size_t klen;
	unsigned tol;
	nx_buf *out;
	size_t *n;
	int rc;
} variant_ctx;

static int on_name_key(void *vc, const char *term, size_t len, uint32_t tf)
{
	variant_ctx *v = vc;
	const char *k = term + strlen(NX_PREFIX_NAME);
	size_t kl = len - strlen(NX_PREFIX_NAME);
	int same = 0;

	unsigned d;

	if (kl == v->klen && !memcmp(k, v->key, kl))
		return 0;  /* the word's own key is already first */
	if ((d = nxt_edit_distance(v->key, v->klen, k, kl, v->tol)) <= v->tol) {
		same = 1;
	} else if (v->klen >= 4 && kl >= 4) {
		/* A short form of the same name (Ruza, Ruzakhunov) counts
		 * when both were written with the same given name. */
		size_t m = v->klen < kl ? v->klen : kl;

		if (!memcmp(v->key, k, m) && (v->rc = share_given(&same, v->db, v->key, v->klen, k, kl)))
			return 1;
		d = NX_NAME_SHORT_FORM;
	}
	if (same) {
		nx_buf_putc(v->out, (char)('0' + d));
		nx_buf_put(v->out, k, kl);
		nx_buf_putc(v->out, '\0');
		(*v->n)++;
	}
	return v->out->failed ? 1 : 0;
}

int nx_name_variants(nx_buf *keys, size_t *n, nx_db *db, nxt_analyzer *a, const char *norm,
		     size_t len)
{
	nxt_namekey *nk;
	const char *k;
	char base[256];
	size_t klen, blen;
	uint32_t as_name = 0, as_word = 0;
	int rc;

	nx_buf_clear(keys);
	*n = 0;
	if (len < 3 || len >= sizeof base)
		return NX_OK;
	/* A query may name someone in a case form: Тоқаевтың. */
	memcpy(base, norm, len);
	base[len] = '\0';
	blen = nxt_surname_base(base, len);
	if ((rc = nx_db_namekey(&nk, db)) || (rc = nxt_name_key(&k, &klen, nk, base, blen)))
		return rc;
	if (klen < 3)
		return NX_OK;
	nx_buf_putc(keys, '0');
	nx_buf_put(keys, k, klen);
	nx_buf_putc(keys, '\0');
	if (keys->failed)
		return NX_ENOMEM;

	if ((rc = termfreq(&as_name, db, NX_PREFIX_NAME, keys->ptr + 1, klen)) ||
	    (rc = nxx_db_termfreq(&as_word, db->x, norm, len)))
		return rc;
	/* Expand only what the index knows mostly as a name, or a word it
	 * does not know at all (a spelling of a name it knows otherwise). */
	if (as_name ? as_name * 2 < as_word : as_word > 0)
		return NX_OK;
	*n = 1;

	char prefix[8];
	snprintf(prefix, sizeof prefix, "%s%c", NX_PREFIX_NAME, keys->ptr[1]);
	variant_ctx v = { db, NULL, klen, nxt_name_tolerance(klen), keys, n, NX_OK };
	char *own = nx_strndup(keys->ptr + 1, klen);
	if (!own)
		return NX_ENOMEM;
	v.key = own;
	rc = nxx_db_allterms(db->x, prefix, on_name_key, &v);
	free(own);
	if (rc == 1)
		rc = v.rc ? v.rc : keys->failed ? NX_ENOMEM : NX_OK;
	if (!rc && !as_name && *n == 1)
		*n = 0;  /* unknown word, no name near it: nothing to expand */
	return rc;
}
