/*
 * people.c — the people index: person names recorded under script- and
 * spelling-independent keys when a passage is indexed, and found again at
 * query time under any of their spellings.
 *
 * Terms (see the schema in nx_store.h):
 *   N<key>           a person named in the passage (weighted: one occurrence)
 *   M<key>:<form>    the surname as written (normalised, case endings
 *                    removed): the vocabulary of spellings, counted by
 *                    Xapian's term frequency
 *   F<key>:<gkey>    a given name seen with the surname (Vikram Ruza,
 *                    Vikram Ruzakhunov), which lets a short form join a
 *                    long one
 *   O<key>:<gkey>    two consecutive words of a company's name in the
 *                    passage, the second first (Merrill Lynch and Co:
 *                    Olinq:meril): the F terms of the same pair are the
 *                    company written without its suffix
 * Metadata:
 *   B<probe>:<key>   the key filed under each of its probes
 *                    (nxt_name_probes), so that the keys near a query's are
 *                    found by a few prefix lookups instead of a scan; once
 *                    per key and run (the indexer asks nx_people_file_probes
 *                    the first time a run meets a key), not a term on every
 *                    passage: the query side never needs their postings.
 *                    Never removed; a key no passage holds is skipped
 *
 * Query side: a word expands to the keys of its other spellings only when
 * the index knows it mostly as a name (so "oil", "order", "police" never
 * expand) — see nx_name_variants().
 */
#include "nx_store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucal.h>
#include <unicode/uchar.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

/* NX_ENOMEM, with what we were doing in the message. */
static int oom(const char *what)
{
	return nx_error_set(NX_ENOMEM, "out of memory %s", what);
}

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
		    const char *b, size_t blen, int kind)
{
	nx_buf_clear(&c->term);
	nx_buf_puts(&c->term, prefix);
	nx_buf_put(&c->term, a, alen);
	if (b) {
		nx_buf_putc(&c->term, ':');
		nx_buf_put(&c->term, b, blen);
	}
	if (c->term.failed)
		return oom("indexing names");
	if (c->term.len > NX_MAX_TERM)
		return NX_OK;
	return c->emit(c->ctx, c->term.ptr, c->term.len, kind);
}

static int on_name(void *vc, const nxt_name *n)
{
	people_ctx *c = vc;
	const char *k;
	size_t klen;
	int rc;

	if ((rc = nxt_name_key(&k, &klen, c->nk, n->surname, n->surname_len)) || klen < 2)
		return rc;
	if (n->org) {  /* O<key>:<key of the word before> */
		nx_buf_clear(&c->key);
		nx_buf_put(&c->key, k, klen);
		if (c->key.failed)
			return oom("indexing names");
		if ((rc = nxt_name_key(&k, &klen, c->nk, n->given, n->given_len)) || klen < 2)
			return rc;
		return put_term(c, NX_PREFIX_ORG, c->key.ptr, c->key.len, k, klen,
				NX_PEOPLE_BOOLEAN);
	}
	nx_buf_clear(&c->key);
	nx_buf_put(&c->key, k, klen);
	if (c->key.failed)
		return oom("indexing names");
	if ((rc = put_term(c, NX_PREFIX_NAME, c->key.ptr, c->key.len, NULL, 0,
			   NX_PEOPLE_WEIGHTED)) ||
	    (rc = put_term(c, NX_PREFIX_NAME_FORM, c->key.ptr, c->key.len, n->surname,
			   n->surname_len, NX_PEOPLE_BOOLEAN)))
		return rc;
	if ((rc = c->emit(c->ctx, c->key.ptr, c->key.len, NX_PEOPLE_KEY)))
		return rc;
	if (n->given) {
		if ((rc = nxt_name_key(&k, &klen, c->nk, n->given, n->given_len)))
			return rc;
		if (klen >= 2)
			rc = put_term(c, NX_PREFIX_GIVEN, c->key.ptr, c->key.len, k, klen,
				      NX_PEOPLE_BOOLEAN);
	}
	return rc;
}

int nx_people_terms(nx_db *db, nxt_analyzer *a, const char *text, size_t len,
		    const nxt_words_rec *words, nx_people_fn emit, void *ctx)
{
	people_ctx c = { NULL, emit, ctx, NX_BUF_INIT, NX_BUF_INIT };
	int rc;

	if ((rc = nx_db_namekey(&c.nk, db)))
		return rc;
	rc = nxt_names_ex(a, text, len, words, NXT_NAMES_ORGS, on_name, &c);
	nx_buf_free(&c.term);
	nx_buf_free(&c.key);
	return rc;
}

int nx_people_file_probes(nx_db *db, const char *key, size_t len)
{
	nx_buf probes = NX_BUF_INIT, mkey = NX_BUF_INIT;
	const char *p;
	size_t np;
	int rc = nxt_name_probes(&probes, &np, key, len);

	p = probes.ptr;
	for (size_t i = 0; i < np && !rc; i++, p += strlen(p) + 1) {
		nx_buf_clear(&mkey);
		nx_buf_puts(&mkey, NX_PREFIX_NAME_PROBE);
		nx_buf_puts(&mkey, p);
		nx_buf_putc(&mkey, ':');
		nx_buf_put(&mkey, key, len);
		if (mkey.failed)
			rc = oom("filing name probes");
		else if (mkey.len <= NX_MAX_TERM)
			rc = nxx_db_set_metadata(db->x, mkey.ptr, "1", 1);  /* "" would delete */
	}
	nx_buf_free(&probes);
	nx_buf_free(&mkey);
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
		return oom("looking up a name");
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
	return g->list->failed ? oom("reading given names") : 0;
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

/* The given-name keys written with surname key k in the index (its F
 * terms), NUL-separated into list, *n of them. */
static int givens_of(nx_buf *list, size_t *n, nx_db *db, const char *k, size_t klen)
{
	nx_buf prefix = NX_BUF_INIT;
	given_ctx g = { list, 0, 0, NULL, 0, 0 };
	int rc;

	nx_buf_clear(list);
	nx_buf_puts(&prefix, NX_PREFIX_GIVEN);
	nx_buf_put(&prefix, k, klen);
	nx_buf_putc(&prefix, ':');
	g.skip = prefix.len;
	rc = prefix.failed ? oom("reading given names")
			   : nxx_db_allterms(db->x, prefix.ptr, collect_given, &g);
	nx_buf_free(&prefix);
	*n = g.n;
	return rc;
}

/* Do keys a and b share a given name in the index? */
static int share_given(int *out, nx_db *db, const char *a, size_t alen, const char *b, size_t blen)
{
	nx_buf pb = NX_BUF_INIT, names = NX_BUF_INIT;
	size_t n = 0;
	int rc;

	*out = 0;
	rc = givens_of(&names, &n, db, a, alen);
	if (!rc && n) {
		given_ctx h = { NULL, 0, 0, &names, n, 0 };

		nx_buf_printf(&pb, "%s%.*s:", NX_PREFIX_GIVEN, (int)blen, b);
		h.skip = pb.len;
		rc = pb.failed ? oom("reading given names")
			       : nxx_db_allterms(db->x, pb.ptr, check_given, &h);
		if (rc == 1)
			rc = NX_OK;
		*out = h.shared;
	}
	nx_buf_free(&pb);
	nx_buf_free(&names);
	return rc;
}

/* A key near the query's, with what it costs to get there. */
typedef struct near {
	unsigned cost;
	int short_form;   /* a short or long form of the query's key that shares
			     a given name with it (SHORT_FORM_COST) */
	char key[64];
} near;

#define MAX_NEAR 256

/* At most this many spellings join a query word, the nearest first. */
#define MAX_VARIANTS 10

/* What a short or long form sharing a given name costs (Ruza ~
 * Ruzakhunov): as much as a spelling one and a half edits away. */
#define SHORT_FORM_COST 150

typedef struct variant_ctx {
	nx_db *db;
	const char *key;   /* the query word's key */
	size_t klen;
	unsigned tol;
	size_t skip;       /* length of the prefix of the terms enumerated */
	near *near;
	size_t n;
	int rc;
} variant_ctx;

static int near_add(variant_ctx *v, const char *k, size_t kl, unsigned cost, int short_form)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strncmp(v->near[i].key, k, kl) && !v->near[i].key[kl]) {
			if (cost < v->near[i].cost)
				v->near[i].cost = cost;
			v->near[i].short_form |= short_form;
			return 0;
		}
	if (v->n == MAX_NEAR)
		return 1;  /* enough: stop enumerating */
	v->near[v->n].cost = cost;
	v->near[v->n].short_form = short_form;
	memcpy(v->near[v->n].key, k, kl);
	v->near[v->n++].key[kl] = '\0';
	return 0;
}

/* A B<probe>:<key> metadata key: is its key near enough? */
static int on_probe_key(void *vc, const char *term, size_t len)
{
	variant_ctx *v = vc;
	const char *k = term + v->skip;
	size_t kl = len - v->skip;
	unsigned cost;
	uint32_t tf = 0;

	if (kl >= sizeof v->near->key || (kl == v->klen && !memcmp(k, v->key, kl)))
		return 0;  /* the word's own key is already first */
	/* A key shares several probes with the query's: weighed once. */
	for (size_t i = 0; i < v->n; i++)
		if (!strncmp(v->near[i].key, k, kl) && !v->near[i].key[kl])
			return 0;
	cost = nxt_name_cost(v->key, v->klen, k, kl, v->tol);
	if (cost > v->tol)
		return 0;
	/* Probes are not removed with the passages: a key no passage holds
	 * any more is left out. */
	if ((v->rc = termfreq(&tf, v->db, NX_PREFIX_NAME, k, kl)))
		return 1;
	return tf ? near_add(v, k, kl, cost, 0) : 0;
}

/* An N term whose key extends the query's (Ruza -> Ruzakhunov). */
static int on_longer_key(void *vc, const char *term, size_t len, uint32_t tf)
{
	variant_ctx *v = vc;
	const char *k = term + strlen(NX_PREFIX_NAME);
	size_t kl = len - strlen(NX_PREFIX_NAME);
	int shared = 0;

	if (kl == v->klen || kl >= sizeof v->near->key)
		return 0;
	if ((v->rc = share_given(&shared, v->db, v->key, v->klen, k, kl)))
		return 1;
	return shared ? near_add(v, k, kl, SHORT_FORM_COST, 1) : 0;
}

static int by_cost(const void *a, const void *b)
{
	const near *x = a, *y = b;

	if (x->cost != y->cost)
		return x->cost < y->cost ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* Keys near `key` in the index, into v->near. */
static int find_near(variant_ctx *v)
{
	nx_buf probes = NX_BUF_INIT, prefix = NX_BUF_INIT;
	size_t np, m;
	const char *p;
	int rc;

	/* Spellings within the tolerance: the keys filed under its probes. */
	rc = v->tol ? nxt_name_probes(&probes, &np, v->key, v->klen) : NX_OK;
	p = probes.ptr;
	for (size_t i = 0; v->tol && i < np && !rc; i++, p += strlen(p) + 1) {
		nx_buf_clear(&prefix);
		nx_buf_puts(&prefix, NX_PREFIX_NAME_PROBE);
		nx_buf_puts(&prefix, p);
		nx_buf_putc(&prefix, ':');
		if (prefix.failed) {
			rc = oom("finding other spellings of a name");
			break;
		}
		v->skip = prefix.len;
		rc = nxx_db_metadata_keys(v->db->x, prefix.ptr, on_probe_key, v);
		if (rc == 1)  /* MAX_NEAR keys found, or an error in v->rc */
			rc = v->rc;
	}
	if (rc || v->klen < 4)
		goto out;
	/* Short and long forms of one name (Ruza, Ruzakhunov) count when both
	 * were written with the same given name: keys that extend this one,
	 * and keys this one extends. */
	nx_buf_clear(&prefix);
	nx_buf_puts(&prefix, NX_PREFIX_NAME);
	nx_buf_put(&prefix, v->key, v->klen);
	if (prefix.failed) {
		rc = oom("finding other spellings of a name");
		goto out;
	}
	rc = nxx_db_allterms(v->db->x, prefix.ptr, on_longer_key, v);
	if (rc == 1)
		rc = v->rc;
	for (m = 4; m < v->klen && !rc; m++) {
		uint32_t tf = 0;
		int shared = 0;

		if ((rc = termfreq(&tf, v->db, NX_PREFIX_NAME, v->key, m)) || !tf)
			continue;
		if (!(rc = share_given(&shared, v->db, v->key, v->klen, v->key, m)) && shared)
			near_add(v, v->key, m, SHORT_FORM_COST, 1);
	}
out:
	nx_buf_free(&probes);
	nx_buf_free(&prefix);
	return rc;
}

/* Do two lists of given-name keys share one (within its tolerance)? */
static int givens_meet(const nx_buf *a, size_t na, const nx_buf *b, size_t nb)
{
	const char *p = a->ptr;

	for (size_t i = 0; i < na; i++, p += strlen(p) + 1) {
		const char *q = b->ptr;
		size_t pl = strlen(p);
		unsigned tol = nxt_name_tolerance(pl, 1);

		for (size_t j = 0; j < nb; j++, q += strlen(q) + 1)
			if (nxt_name_cost(p, pl, q, strlen(q), tol) <= tol)
				return 1;
	}
	return 0;
}

int nx_name_apart(int *out, nx_db *db, const char *a, size_t alen, const char *b, size_t blen)
{
	nx_buf ga = NX_BUF_INIT, gb = NX_BUF_INIT;
	size_t na = 0, nb = 0;
	int rc;

	*out = 0;
	if (!(rc = givens_of(&ga, &na, db, a, alen)) && na &&
	    !(rc = givens_of(&gb, &nb, db, b, blen)) && nb)
		*out = !givens_meet(&ga, na, &gb, nb);
	nx_buf_free(&ga);
	nx_buf_free(&gb);
	return rc;
}

/*
 * Near spellings that the index shows to be other people: both the query's
 * key and the spelling were written with given names, and none of them
 * meet (Donald Regan is not Ronald Reagan).  Short and long forms already
 * share a given name.  Only the first MAX_VARIANTS kept are looked at.
 */
static int drop_other_people(near *found, size_t *n, nx_db *db, const char *own, size_t klen)
{
	nx_buf mine = NX_BUF_INIT, theirs = NX_BUF_INIT;
	size_t nmine = 0, ntheirs, kept = 0;
	int rc = givens_of(&mine, &nmine, db, own, klen);

	for (size_t i = 0; i < *n && !rc; i++) {
		if (nmine && kept < MAX_VARIANTS && !found[i].short_form) {
			if ((rc = givens_of(&theirs, &ntheirs, db, found[i].key, strlen(found[i].key))))
				break;
			if (ntheirs && !givens_meet(&mine, nmine, &theirs, ntheirs))
				continue;
		}
		found[kept++] = found[i];
	}
	if (!rc)
		*n = kept;
	nx_buf_free(&mine);
	nx_buf_free(&theirs);
	return rc;
}

int nx_name_key_of(const char **out, size_t *outlen, nx_db *db, const char *norm, size_t len)
{
	nxt_namekey *nk;
	char base[256];
	size_t blen;
	int rc;

	*out = "";
	*outlen = 0;
	if (len < 2 || len >= sizeof base)
		return NX_OK;
	/* A query may name someone in a case form: Тоқаевтың. */
	memcpy(base, norm, len);
	base[len] = '\0';
	blen = nxt_surname_base(base, len);
	if ((rc = nx_db_namekey(&nk, db)))
		return rc;
	return nxt_name_key(out, outlen, nk, base, blen);
}

int nx_name_usage(uint32_t *as_name, uint32_t *as_word, nx_db *db, const char *norm, size_t len,
		  const char *key, size_t klen)
{
	int rc = termfreq(as_name, db, NX_PREFIX_NAME, key, klen);

	return rc ? rc : nxx_db_termfreq(as_word, db->x, norm, len);
}

#define MAX_ORG_GIVENS 64

typedef struct org_ctx {
	nx_buf givens;    /* NUL-separated given keys of the O terms */
	uint32_t tf[MAX_ORG_GIVENS];
	size_t n, skip;
	uint32_t as_org;
} org_ctx;

static int collect_org(void *vc, const char *term, size_t len, uint32_t tf)
{
	org_ctx *o = vc;

	if (o->n == MAX_ORG_GIVENS)
		return 1;  /* enough */
	nx_buf_put(&o->givens, term + o->skip, len - o->skip);
	nx_buf_putc(&o->givens, '\0');
	o->tf[o->n++] = tf;
	return o->givens.failed ? oom("reading company names") : 0;
}

/* An F<key>:<given> term: is the pair a company's name, written with its
 * suffix in 1 of NX_NAME_ORG_SHARE of its passages or more (Merrill Lynch
 * 95 of 120; not Paul Volcker, 1 of 81)? */
static int count_org(void *vc, const char *term, size_t len, uint32_t tf)
{
	org_ctx *o = vc;
	const char *p = o->givens.ptr;

	for (size_t i = 0; i < o->n; i++, p += strlen(p) + 1)
		if (strlen(p) == len - o->skip && !memcmp(p, term + o->skip, len - o->skip)) {
			if ((uint64_t)o->tf[i] * NX_NAME_ORG_SHARE >= tf)
				o->as_org += tf;
			break;
		}
	return 0;
}

int nx_name_as_org(uint32_t *out, nx_db *db, const char *key, size_t klen)
{
	org_ctx o;
	nx_buf prefix = NX_BUF_INIT;
	int rc;

	*out = 0;
	memset(&o, 0, sizeof o);
	nx_buf_printf(&prefix, "%s%.*s:", NX_PREFIX_ORG, (int)klen, key);
	o.skip = prefix.len;
	rc = prefix.failed ? oom("reading company names")
			   : nxx_db_allterms(db->x, prefix.ptr, collect_org, &o);
	if (rc == 1)
		rc = NX_OK;
	if (!rc && o.n) {
		nx_buf_clear(&prefix);
		nx_buf_printf(&prefix, "%s%.*s:", NX_PREFIX_GIVEN, (int)klen, key);
		o.skip = prefix.len;
		rc = prefix.failed ? oom("reading company names")
				   : nxx_db_allterms(db->x, prefix.ptr, count_org, &o);
	}
	*out = o.as_org;
	nx_buf_free(&prefix);
	nx_buf_free(&o.givens);
	return rc;
}

int nx_name_variants(nx_buf *keys, size_t *n, nx_db *db, nxt_analyzer *a, const char *norm,
		     size_t len)
{
	const char *k;
	char own[64];
	size_t klen;
	uint32_t as_name = 0, as_word = 0;
	near *found;
	int rc;

	nx_buf_clear(keys);
	*n = 0;
	if ((rc = nx_name_key_of(&k, &klen, db, norm, len)))
		return rc;
	if (klen < 2 || klen >= sizeof own)
		return NX_OK;
	memcpy(own, k, klen);
	own[klen] = '\0';

	if ((rc = nx_name_usage(&as_name, &as_word, db, norm, len, own, klen)))
		return rc;
	/* Expand only what the index knows mostly as a name, or a word it
	 * does not know at all (a spelling of a name it knows otherwise). */
	if (as_name ? as_name * 2 < as_word : as_word > 0)
		return NX_OK;

	found = malloc(MAX_NEAR * sizeof *found);
	if (!found)
		return oom("expanding a name");
	variant_ctx v = { db, own, klen, nxt_name_tolerance(klen, as_name > 0), 0, found, 0,
			 NX_OK };
	rc = find_near(&v);
	if (!rc) {
		qsort(found, v.n, sizeof *found, by_cost);
		rc = drop_other_people(found, &v.n, db, own, klen);
	}
	if (!rc) {
		if (v.n > MAX_VARIANTS)
			v.n = MAX_VARIANTS;
		/* Unknown word, no name near it: nothing to expand. */
		if (as_name || v.n) {
			nx_buf_putc(keys, '0');
			nx_buf_put(keys, own, klen);
			nx_buf_putc(keys, '\0');
			*n = 1;
		}
		for (size_t i = 0; i < v.n; i++) {
			unsigned level = 1 + found[i].cost / NX_NAME_LEVEL_COST;

			nx_buf_putc(keys, (char)('0' + (level > NX_NAME_LEVEL_MAX ? NX_NAME_LEVEL_MAX
									 : level)));
			nx_buf_puts(keys, found[i].key);
			nx_buf_putc(keys, '\0');
			(*n)++;
		}
		if (keys->failed)
			rc = oom("expanding a name");
	}
	free(found);
	if (rc)
		*n = 0;
	return rc;
}

/* ---- places ------------------------------------------------------------- */

/*
 * The keys of the names ICU gives countries, regions and languages in the
 * languages of the index (CLDR display names: "Saudi Arabia", "Hong Kong",
 * "Dutch", "Германия", "Қазақстан"), made once for the process: one-word
 * names as their key, longer names as each pair of consecutive words'
 * keys ("saudi:arabia").  Name detection takes any capitalised run for a
 * name, so Saudi Arabia is recorded as Mr Arabia, with Saudi for a given
 * name (F term), and Royal Dutch as Mr Dutch.  Cities of several words
 * come from the time zone database's names.  Last words of longer names
 * alone are not places: Marshall (Islands), Martin (Saint), Cook (Islands).
 */

static const char *const place_locales[] = { "en", "ru", "kk" };

typedef struct place_set {
	char **key;   /* sorted */
	size_t n, cap;
	int failed;
} place_set;

static place_set place_words, place_pairs;
static pthread_once_t places_once = PTHREAD_ONCE_INIT;

static void place_add(place_set *s, const char *k, size_t len)
{
	char *c;

	if (s->failed || !len)
		return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		char **p = realloc(s->key, cap * sizeof *p);

		if (!p) {
			s->failed = 1;
			return;
		}
		s->key = p;
		s->cap = cap;
	}
	if (!(c = malloc(len + 1))) {
		s->failed = 1;
		return;
	}
	memcpy(c, k, len);
	c[len] = '\0';
	s->key[s->n++] = c;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void place_sort(place_set *s)
{
	if (s->n)
		qsort(s->key, s->n, sizeof *s->key, by_str);
}

static int place_has(const place_set *s, const char *k)
{
	return s->n && !s->failed && bsearch(&k, s->key, s->n, sizeof *s->key, by_str);
}

/* One display name: its words' keys into the sets. */
static void place_name(nxt_namekey *nk, const UChar *name, int32_t len)
{
	UChar folded[256];
	char word[256], prev[128] = "";
	int32_t flen, i = 0, nwords = 0;
	UErrorCode err = U_ZERO_ERROR;
	char single[128] = "";

	flen = u_strFoldCase(folded, 256, name, len, U_FOLD_CASE_DEFAULT, &err);
	if (U_FAILURE(err) || flen >= 256)
		return;
	while (i < flen) {
		int32_t start, wlen = 0;
		const char *k;
		size_t klen;
		UChar32 c;

		while (i < flen) {
			int32_t j = i;

			U16_NEXT(folded, j, flen, c);
			if (u_isalpha(c))
				break;
			i = j;
		}
		start = i;
		while (i < flen) {
			int32_t j = i;

			U16_NEXT(folded, j, flen, c);
			if (!u_isalpha(c))
				break;
			i = j;
		}
		if (i == start)
			break;
		err = U_ZERO_ERROR;
		u_strToUTF8(word, sizeof word, &wlen, folded + start, i - start, &err);
		if (U_FAILURE(err) || wlen >= (int32_t)sizeof word ||
		    nxt_name_key(&k, &klen, nk, word, (size_t)wlen) || klen < 2 ||
		    klen >= sizeof prev)
			return;
		if (nwords++) {
			char pair[256];

			snprintf(pair, sizeof pair, "%s:%.*s", prev, (int)klen, k);
			place_add(&place_pairs, pair, strlen(pair));
		} else {
			memcpy(single, k, klen);
			single[klen] = '\0';
		}
		memcpy(prev, k, klen);
		prev[klen] = '\0';
	}
	if (nwords == 1)
		place_add(&place_words, single, strlen(single));
}

static void places_fill(void)
{
	nxt_namekey *nk = NULL;
	const char *const *codes;

	if (nxt_namekey_new(&nk)) {
		place_words.failed = place_pairs.failed = 1;
		return;
	}
	for (size_t l = 0; l < sizeof place_locales / sizeof *place_locales; l++) {
		UChar name[256];
		int32_t len;
		UErrorCode err;

		for (codes = uloc_getISOCountries(); *codes; codes++) {
			char loc[16];

			snprintf(loc, sizeof loc, "und_%s", *codes);
			err = U_ZERO_ERROR;
			len = uloc_getDisplayCountry(loc, place_locales[l], name, 256, &err);
			if (U_SUCCESS(err) && err != U_USING_DEFAULT_WARNING && len < 256)
				place_name(nk, name, len);
		}
		for (codes = uloc_getISOLanguages(); *codes; codes++) {
			/* Two-letter codes only: the languages of ISO 639-1, not
			 * the thousands of small ones whose names are often
			 * surnames too. */
			if (strlen(*codes) != 2)
				continue;
			err = U_ZERO_ERROR;
			len = uloc_getDisplayLanguage(*codes, place_locales[l], name, 256, &err);
			if (U_SUCCESS(err) && err != U_USING_DEFAULT_WARNING && len < 256)
				place_name(nk, name, len);
		}
	}
	/* Cities of more than one word, as the time zone database names
	 * them (America/Buenos_Aires, Asia/Kuala_Lumpur): pairs only, as
	 * one-word cities are also surnames (Antarctica/Davis,
	 * Pacific/Johnston). */
	{
		UErrorCode err = U_ZERO_ERROR;
		UEnumeration *tz = ucal_openTimeZones(&err);
		const char *id;
		int32_t len;

		while (U_SUCCESS(err) && (id = uenum_next(tz, &len, &err))) {
			const char *city = strrchr(id, '/');
			UChar name[128];
			int32_t n = 0;

			if (!city || !strncmp(id, "Antarctica/", 11) || !strchr(city, '_'))
				continue;
			for (city++; *city && n < 127; city++)
				name[n++] = *city == '_' ? ' ' : (UChar)(unsigned char)*city;
			place_name(nk, name, n);
		}
		uenum_close(tz);
	}
	nxt_namekey_free(nk);
	place_sort(&place_words);
	place_sort(&place_pairs);
}

typedef struct place_ctx {
	size_t skip;       /* length of "F<key>:" */
	const char *key;
	size_t klen;
	uint32_t as_place;
	nx_buf pair;
} place_ctx;

/* An F<key>:<given> term: do the two make a place's name? */
static int on_place_given(void *vc, const char *term, size_t len, uint32_t tf)
{
	place_ctx *p = vc;

	nx_buf_clear(&p->pair);
	nx_buf_put(&p->pair, term + p->skip, len - p->skip);
	nx_buf_putc(&p->pair, ':');
	nx_buf_put(&p->pair, p->key, p->klen);
	nx_buf_putc(&p->pair, '\0');
	if (p->pair.failed)
		return oom("reading the names of places");
	if (place_has(&place_pairs, p->pair.ptr))
		p->as_place += tf;
	return 0;
}

int nx_name_place(int *out, nx_db *db, const char *key, size_t klen, uint32_t as_name)
{
	place_ctx p = { 0, key, klen, 0, NX_BUF_INIT };
	nx_buf prefix = NX_BUF_INIT;
	int rc;

	*out = 0;
	pthread_once(&places_once, places_fill);
	if (place_words.failed || place_pairs.failed)
		return oom("reading the names of places");
	nx_buf_put(&p.pair, key, klen);
	nx_buf_putc(&p.pair, '\0');
	if (p.pair.failed) {
		rc = oom("reading the names of places");
		goto out;
	}
	if (place_has(&place_words, p.pair.ptr)) {
		*out = 1;
		rc = NX_OK;
		goto out;
	}
	nx_buf_puts(&prefix, NX_PREFIX_GIVEN);
	nx_buf_put(&prefix, key, klen);
	nx_buf_putc(&prefix, ':');
	p.skip = prefix.len;
	rc = prefix.failed ? oom("reading the names of places")
			   : nxx_db_allterms(db->x, prefix.ptr, on_place_given, &p);
	/* Mostly written as the last word of a place's name. */
	if (!rc)
		*out = p.as_place && (uint64_t)p.as_place * 2 >= as_name;
out:
	nx_buf_free(&prefix);
	nx_buf_free(&p.pair);
	return rc;
}

/* ---- person: ------------------------------------------------------------- */

/* The surname (and given name) of the text of person:NAME. */
typedef struct person_name {
	char surname[128];
	size_t slen;
	size_t sstart, send;   /* its bytes in the text */
	char given[128];
	size_t glen;
	int named;             /* nxt_names found a name in the text */
	size_t nwords;
} person_name;

static void copy_word(char *dst, size_t *dlen, size_t cap, const char *src, size_t len)
{
	*dlen = len < cap ? len : 0;
	memcpy(dst, src, *dlen);
	dst[*dlen] = '\0';
}

/* The last name nxt_names finds: its surname and given name. */
static int on_person_name(void *vc, const nxt_name *n)
{
	person_name *p = vc;

	p->named = 1;
	copy_word(p->surname, &p->slen, sizeof p->surname, n->surname, n->surname_len);
	p->sstart = n->surname_start;
	p->send = n->surname_end;
	p->glen = 0;
	if (n->given)
		copy_word(p->given, &p->glen, sizeof p->given, n->given, n->given_len);
	return 0;
}

/* Without a detected name: the last word is the surname, the first (of
 * several) the given name. */
static int on_person_word(void *vc, const nxt_token *t)
{
	person_name *p = vc;

	if (t->script != NXT_SCRIPT_LATIN && t->script != NXT_SCRIPT_CYRILLIC)
		return 0;
	if (p->nwords++ == 0)
		copy_word(p->given, &p->glen, sizeof p->given, t->norm, t->norm_len);
	copy_word(p->surname, &p->slen, sizeof p->surname, t->norm, t->norm_len);
	p->sstart = t->start;
	p->send = t->end;
	return 0;
}

/* The term prefix + a onto l; too long a term is left out. */
static int add_term(nx_qvec *l, const char *prefix, const char *a)
{
	nx_buf t = NX_BUF_INIT;
	nxx_query *q = NULL;
	int rc = NX_OK;

	nx_buf_puts(&t, prefix);
	nx_buf_puts(&t, a);
	if (t.failed)
		rc = oom("compiling person:");
	else if (t.len <= NX_MAX_TERM && !(rc = nxx_query_term(&q, t.ptr, t.len, 1, 0)))
		rc = nx_qvec_push(l, q);
	nx_buf_free(&t);
	return rc;
}

/* The F terms of one surname key, sorted by whether their given name is
 * near the one asked for. */
typedef struct given_split {
	const char *key;      /* the surname key */
	const char *given;    /* the given name's key asked for */
	size_t glen;
	unsigned tol;
	nx_qvec *same, *other;
	size_t skip;
} given_split;

static int on_given_term(void *vc, const char *term, size_t len, uint32_t tf)
{
	given_split *g = vc;
	nxx_query *q = NULL;
	int same = nxt_name_cost(g->given, g->glen, term + g->skip, len - g->skip, g->tol) <= g->tol;
	int rc = nxx_query_term(&q, term, len, 1, 0);

	(void)tf;
	return rc ? rc : nx_qvec_push(same ? g->same : g->other, q);
}

/* The first spelling (M term) of a key, into form. */
static int first_form(void *vc, const char *term, size_t len, uint32_t tf)
{
	nx_buf *form = vc;
	const char *colon = memchr(term, ':', len);

	if (colon) {
		nx_buf_put(form, colon + 1, len - (size_t)(colon - term) - 1);
		nx_buf_putc(form, '\0');
	}
	return 1;
}

static int has_key(const nx_buf *keys, size_t n, const char *k)
{
	const char *p = keys->ptr;

	for (size_t i = 0; i < n; i++, p += strlen(p) + 1)
		if (!strcmp(p + 1, k))
			return 1;
	return 0;
}

/*
 * A person is asked for by one spelling; when a spelling near it is more
 * common in the index as a name, the one asked for is taken for a
 * misspelling of that one, and that one's spellings join as well
 * (person:Ruzakunov finds Ruzakhnunov, a spelling of Ruzakhunov two
 * edits from Ruzakunov).  One step only: spellings never chain further.
 */
static int join_dominant(nx_buf *keys, size_t *n, nx_db *db, nxt_analyzer *a)
{
	nx_buf form = NX_BUF_INIT, more = NX_BUF_INIT;  /* more: the M prefix, then keys */
	const char *k = keys->ptr, *best = NULL;
	uint32_t own = 0, top = 0, tf;
	size_t nmore = 0;
	int rc = NX_OK;

	for (size_t i = 0; i < *n && !rc; i++, k += strlen(k) + 1) {
		if ((rc = termfreq(&tf, db, NX_PREFIX_NAME, k + 1, strlen(k + 1))))
			break;
		if (i == 0 && k[0] == '0')
			own = tf;
		else if (tf > top) {
			top = tf;
			best = k + 1;
		}
	}
	if (rc || !best || top <= own)
		return rc;
	nx_buf_printf(&more, "%s%s:", NX_PREFIX_NAME_FORM, best);
	rc = more.failed ? oom("compiling person:")
			 : nxx_db_allterms(db->x, more.ptr, first_form, &form);
	if (rc == 1)
		rc = NX_OK;
	if (!rc && form.len)
		rc = nx_name_variants(&more, &nmore, db, a, form.ptr, strlen(form.ptr));
	k = more.ptr;
	for (size_t i = 0; i < nmore && !rc; i++, k += strlen(k) + 1) {
		if (has_key(keys, *n, k + 1))
			continue;
		nx_buf_putc(keys, k[0] == '0' ? '1' : k[0]);
		nx_buf_puts(keys, k + 1);
		nx_buf_putc(keys, '\0');
		(*n)++;
	}
	if (!rc && keys->failed)
		rc = oom("compiling person:");
	nx_buf_free(&form);
	nx_buf_free(&more);
	return rc;
}

int nx_person_query(nxx_query **out, nx_span *surname, nx_db *db, nxt_analyzer *a,
		    nx_qterms *qt, const char *name, size_t len)
{
	person_name p;
	nx_buf keys = NX_BUF_INIT;
	nx_qvec named = { 0 }, same = { 0 }, other = { 0 };
	nxx_query *any = NULL, *not_other = NULL, *q = NULL;
	const char *k;
	char gkey[64];
	size_t n = 0, klen, glen = 0;
	int rc;

	*out = NULL;
	memset(&p, 0, sizeof p);
	if ((rc = nxt_names(a, name, len, on_person_name, &p)))
		return rc;
	if (!p.named && (rc = nxt_words(a, name, len, on_person_word, &p)))
		return rc;
	if (!p.named && p.nwords < 2)
		p.glen = 0;
	if (!p.slen)
		return NX_OK;  /* no Latin or Cyrillic word: the caller says so */
	if (surname) {
		surname->start = p.sstart;
		surname->end = p.send;
	}
	/* The surname's key and its spellings in the index; a word the index
	 * knows mostly as an ordinary word stays its own key only. */
	if ((rc = nx_name_variants(&keys, &n, db, a, p.surname, p.slen)))
		goto out;
	if (n == 0) {
		if ((rc = nx_name_key_of(&k, &klen, db, p.surname, p.slen)))
			goto out;
		if (klen < 2) {
			rc = NX_OK;  /* nothing to key: the caller says so */
			goto out;
		}
		nx_buf_putc(&keys, '0');
		nx_buf_put(&keys, k, klen);
		nx_buf_putc(&keys, '\0');
		n = 1;
	}
	if ((rc = join_dominant(&keys, &n, db, a)))
		goto out;
	if (p.glen) {
		if ((rc = nx_name_key_of(&k, &klen, db, p.given, p.glen)))
			goto out;
		if (klen >= 2 && klen < sizeof gkey) {
			memcpy(gkey, k, klen);
			gkey[klen] = '\0';
			glen = klen;
		}
	}
	k = keys.ptr;
	for (size_t i = 0; i < n && !rc && !keys.failed; i++, k += strlen(k) + 1) {
		nx_strlist_add(&qt->names, &qt->nnames, k + 1, strlen(k + 1));
		rc = add_term(&named, NX_PREFIX_NAME, k + 1);
		if (!rc && glen) {
			nx_buf prefix = NX_BUF_INIT;
			given_split g = { k + 1, gkey, glen, nxt_name_tolerance(glen, 1), &same, &other, 0 };

			nx_buf_printf(&prefix, "%s%s:", NX_PREFIX_GIVEN, k + 1);
			g.skip = prefix.len;
			rc = prefix.failed ? oom("compiling person:")
					   : nxx_db_allterms(db->x, prefix.ptr, on_given_term, &g);
			nx_buf_free(&prefix);
		}
	}
	if (!rc && (keys.failed || qt->names.failed))
		rc = oom("compiling person:");
	if (rc)
		goto out;
	/* Any spelling; with a given name, passages that write the surname
	 * only with other given names are another person of that surname
	 * (Dariga Nazarbayeva is not Nursultan Nazarbayev), unless they name
	 * this one too. */
	if ((rc = nx_qvec_combine(&any, &named, NXX_OP_OR)))
		goto out;
	if (!other.n) {
		*out = any;
		any = NULL;
		goto out;
	}
	if ((rc = nx_qvec_combine(&q, &other, NXX_OP_OR)))
		goto out;
	{
		nxx_query *pair[2] = { any, q };

		rc = nxx_query_combine(&not_other, NXX_OP_AND_NOT, pair, 2, 0);
	}
	nxx_query_free(q);
	q = NULL;
	if (!rc && same.n) {
		if (!(rc = nx_qvec_combine(&q, &same, NXX_OP_OR))) {
			nxx_query *pair[2] = { not_other, q };

			rc = nxx_query_combine(out, NXX_OP_OR, pair, 2, 0);
		}
	} else if (!rc) {
		*out = not_other;
		not_other = NULL;
	}
out:
	nxx_query_free(any);
	nxx_query_free(not_other);
	nxx_query_free(q);
	nx_qvec_free(&named);
	nx_qvec_free(&same);
	nx_qvec_free(&other);
	nx_buf_free(&keys);
	return rc;
}
