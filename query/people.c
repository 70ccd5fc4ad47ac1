/*
 * people.c — nx_people(): the people most mentioned in the passages that
 * match a query, each person once under every spelling of the surname.
 *
 * The query is parsed and compiled as by nx_search() and run for at most
 * opts->passages passages (the best by rank; newest first for filters
 * only).  Each passage's people terms are read from its term list: the
 * people index of store/people.c records N<key> for each person named,
 * M<key>:<spelling> for the surname as written, F<key>:<given key> for a
 * given name written with it, and every passage carries its article's A
 * term.  One term-list read per passage is the whole cost beyond the
 * search itself; nothing is re-analysed.
 *
 * One person, many keys.  The keys of transliterations are one key
 * already (Tokayev, Токаев, Тоқаев -> tokaev).  Spellings (Ruzakhunov,
 * Ruzakunov, Ruzakhnunov) are merged as the query side expands a name the
 * index knows (nx_name_variants): keys are taken most mentioned first, and
 * each joins the first person whose leading key is within
 * nxt_name_tolerance(known) of it by nxt_name_cost, unless the index shows
 * them to be two people (both written with given names, none in common:
 * Donald Regan, Ronald Reagan), or which it extends or is extended by (4
 * letters or more) with a given name in common in the passages read
 * (Vikram Ruza, Vikram Ruzakhunov); otherwise it leads a new person.  Comparing with leaders only keeps look-alikes from chaining
 * (Arzanov never joins Ruzakhunov through a third spelling).
 */
#include "nx_query.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

/* At most this many passages are read, whatever the caller asks. */
#define MAX_PASSAGES 100000

/* ---- interned strings -------------------------------------------------------- */

/* Strings by id (0, 1, ...), each kept once: passages repeat the same keys
 * and spellings, and tuples of ids sort without touching the strings. */
typedef struct strtab {
	nx_buf arena;       /* NUL-terminated strings */
	size_t *off;        /* id -> offset in arena */
	size_t n, offcap;
	uint32_t *slot;     /* open addressing: id + 1, 0 empty */
	size_t cap;
} strtab;


static const char *str_of(const strtab *t, uint32_t id)
{
	return t->arena.ptr + t->off[id];
}

static int oom(void)
{
	return nx_error_set(NX_ENOMEM, "out of memory counting people");
}

/* Room in the array that pp points to (the address of a pointer to *cap
 * elements of `size` bytes) for one more than n, doubling. */
static int make_room(void *pp, size_t *cap, size_t n, size_t size, size_t first)
{
	size_t c;
	void *p, *q;

	if (n < *cap)
		return NX_OK;
	c = *cap ? *cap * 2 : first;
	memcpy(&p, pp, sizeof p);
	if (!(q = realloc(p, c * size)))
		return oom();
	memcpy(pp, &q, sizeof q);
	*cap = c;
	return NX_OK;
}

static int strtab_grow(strtab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 256;
	uint32_t *slot = calloc(cap, sizeof *slot);

	if (!slot)
		return oom();
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->slot[i])
			continue;
		const char *s = str_of(t, t->slot[i] - 1);
		size_t j = nx_hash(s, strlen(s)) & (cap - 1);

		while (slot[j])
			j = (j + 1) & (cap - 1);
		slot[j] = t->slot[i];
	}
	free(t->slot);
	t->slot = slot;
	t->cap = cap;
	return NX_OK;
}

/* The id of s[0, len), added when new. */
static int intern(uint32_t *id, strtab *t, const char *s, size_t len)
{
	size_t j;
	int rc;

	if (t->n * 2 >= t->cap && (rc = strtab_grow(t)))
		return rc;
	for (j = nx_hash(s, len) & (t->cap - 1); t->slot[j]; j = (j + 1) & (t->cap - 1)) {
		const char *o = str_of(t, t->slot[j] - 1);

		if (!strncmp(o, s, len) && !o[len]) {
			*id = t->slot[j] - 1;
			return NX_OK;
		}
	}
	if ((rc = make_room(&t->off, &t->offcap, t->n, sizeof *t->off, 256)))
		return rc;
	t->off[t->n] = t->arena.len;
	nx_buf_put(&t->arena, s, len);
	nx_buf_putc(&t->arena, '\0');
	if (t->arena.failed)
		return oom();
	*id = (uint32_t)t->n;
	t->slot[j] = (uint32_t)++t->n;
	return NX_OK;
}

static void strtab_free(strtab *t)
{
	nx_buf_free(&t->arena);
	free(t->off);
	free(t->slot);
	memset(t, 0, sizeof *t);
}

/* ---- what the passages hold ---------------------------------------------------- */

/* A tuple of ids: (key, passage, article) for a mention, (key, spelling)
 * for a spelling in a passage, (key, given key) for a given name.  Also
 * (person, passage, article) and (person, spelling) once merged. */
typedef struct tuple {
	uint32_t a, b;
	uint64_t c;
} tuple;

typedef struct tuples {
	tuple *t;
	size_t n, cap;
} tuples;

static int tuples_add(tuples *v, uint32_t a, uint32_t b, uint64_t c)
{
	int rc = make_room(&v->t, &v->cap, v->n, sizeof *v->t, 256);

	if (rc)
		return rc;
	v->t[v->n++] = (tuple){ a, b, c };
	return NX_OK;
}

static int by_tuple(const void *x, const void *y)
{
	const tuple *p = x, *q = y;

	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	if (p->b != q->b)
		return p->b < q->b ? -1 : 1;
	return p->c < q->c ? -1 : p->c > q->c;
}

/* qsort must not be given NULL, even for no elements. */
static void sort_tuples(tuples *v)
{
	if (v->n)
		qsort(v->t, v->n, sizeof *v->t, by_tuple);
}

typedef struct scan {
	strtab s;
	tuples mentions;   /* (key, passage, article hash) */
	tuples spellings;  /* (key, spelling) per passage */
	tuples givens;     /* (key, given key) */
	uint32_t passage;
	uint64_t article;
} scan;

/* "<key>:<rest>" after a one-letter prefix: both interned. */
static int split_term(scan *sc, uint32_t *key, uint32_t *rest, const char *term, size_t len)
{
	const char *colon = memchr(term + 1, ':', len - 1);

	if (!colon)
		return 1;
	if (intern(key, &sc->s, term + 1, (size_t)(colon - term - 1)) ||
	    intern(rest, &sc->s, colon + 1, len - (size_t)(colon - term) - 1))
		return -1;
	return 0;
}

/* One term of a passage (sorted: A < F < M < N, then the rest). */
static int on_passage_term(void *vc, const char *term, size_t len, uint32_t wdf)
{
	scan *sc = vc;
	uint32_t key, rest;
	int r;

	(void)wdf;
	if (!len)
		return 0;
	switch (term[0]) {
	case 'A':
		sc->article = nx_hash(term, len);
		return 0;
	case 'F':
	case 'M':
		if ((r = split_term(sc, &key, &rest, term, len)) == 1)
			return 0;
		if (r)
			return NX_ENOMEM;
		return tuples_add(term[0] == 'F' ? &sc->givens : &sc->spellings, key, rest, 0);
	case 'N':
		if (len < 2 || intern(&key, &sc->s, term + 1, len - 1))
			return len < 2 ? 0 : NX_ENOMEM;
		return tuples_add(&sc->mentions, key, sc->passage, sc->article);
	default:
		/* Past the people terms: stop reading this passage. */
		return (unsigned char)term[0] > 'N' ? 1 : 0;
	}
}

/* ---- merging spellings ----------------------------------------------------------- */

typedef struct keyinfo {
	uint32_t key;
	size_t passages;
} keyinfo;

static int by_passages(const void *x, const void *y)
{
	const keyinfo *p = x, *q = y;

	if (p->passages != q->passages)
		return p->passages > q->passages ? -1 : 1;
	return p->key < q->key ? -1 : p->key > q->key;
}

/* The first of sorted tuples whose a is k (g->n when none). */
static size_t first_of(const tuples *g, uint32_t k)
{
	size_t lo = 0, hi = g->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g->t[mid].a < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < g->n && g->t[lo].a == k ? lo : g->n;
}

/* Has key k a given name in the passages read? (givens sorted) */
static int has_given(const tuples *g, uint32_t k)
{
	return first_of(g, k) < g->n;
}

/* Do the keys a and b share a given name in the passages read? (givens
 * sorted) */
static int share_given(const tuples *g, uint32_t a, uint32_t b)
{
	size_t i = first_of(g, a), j = first_of(g, b);

	while (i < g->n && j < g->n && g->t[i].a == a && g->t[j].a == b) {
		if (g->t[i].b == g->t[j].b)
			return 1;
		if (g->t[i].b < g->t[j].b)
			i++;
		else
			j++;
	}
	return 0;
}

/* Is key k a spelling of the person led by key l (*out)?  Near spellings
 * are, unless the index shows them to be two people (nx_name_apart). */
static int same_person(int *out, nx_db *db, const scan *sc, uint32_t l, uint32_t k)
{
	const char *ls = str_of(&sc->s, l), *ks = str_of(&sc->s, k);
	size_t ll = strlen(ls), kl = strlen(ks);
	unsigned tol = nxt_name_tolerance(ll, 1);
	const char *shorter = ll < kl ? ls : ks, *longer = ll < kl ? ks : ls;
	size_t sl = ll < kl ? ll : kl;
	int apart = 0, rc;

	/* k first: it is the key compared with leader after leader, whose
	 * readings nxt_name_cost keeps (the cost is symmetric). */
	if (nxt_name_cost(ks, kl, ls, ll, tol) <= tol) {
		if ((rc = nx_name_apart(&apart, db, ls, ll, ks, kl)))
			return rc;
		*out = !apart;
		return NX_OK;
	}
	*out = sl >= 4 && ll != kl && !strncmp(shorter, longer, sl) &&
	       share_given(&sc->givens, l, k);
	return NX_OK;
}

typedef struct agg {
	uint32_t lead;            /* the leading key */
	size_t passages, articles;
	size_t first_spelling, nspellings;
} agg;

/* The leading keys filed under their probes (nxt_name_probes): a key is
 * compared only with the leaders it shares a probe with, as a query word
 * meets only the spellings of the index that share one (store/people.c),
 * and, for short forms, with the leaders written with a given name that
 * share its first four letters.  Of the reduced key's probes only the
 * reduced key itself counts (its deletions would make almost every short
 * key a candidate): leaders within one edit of the key, or with its
 * reduced form, are compared. */
typedef struct probe_entry {
	size_t person, next;   /* next: entry index + 1, 0 at the end */
} probe_entry;

typedef struct leaders {
	strtab probes;
	size_t *head;          /* per probe id: first entry + 1, 0 none */
	size_t headcap;
	probe_entry *e;
	size_t ne, ecap;
	size_t *cand;          /* scratch: candidates of one key */
	size_t ncand, ccap;
	uint32_t *ids;         /* scratch: the probe ids of the key last found */
	size_t nids, icap;
	nx_buf buf;
} leaders;

static void leaders_free(leaders *ld)
{
	strtab_free(&ld->probes);
	free(ld->head);
	free(ld->e);
	free(ld->cand);
	free(ld->ids);
	nx_buf_free(&ld->buf);
}

/* The probe ids of key k into ld->ids (each with room in ld->head). */
static int leaders_probe(leaders *ld, const scan *sc, uint32_t k)
{
	const char *key = str_of(&sc->s, k), *q;
	size_t np, rmax = 0;
	int rc = nxt_name_probes(&ld->buf, &np, key, strlen(key));

	if (rc)
		return rc;
	q = ld->buf.ptr;
	for (size_t i = 0; i < np; i++, q += strlen(q) + 1)
		if (q[0] == 'r' && strlen(q) > rmax)
			rmax = strlen(q);
	/* Short and long forms share their first four letters: a probe of
	 * its own ('p'), for keys written with a given name. */
	if (strlen(key) >= 4 && has_given(&sc->givens, k)) {
		nx_buf_putc(&ld->buf, 'p');
		nx_buf_put(&ld->buf, key, 4);
		nx_buf_putc(&ld->buf, '\0');
		if (ld->buf.failed)
			return oom();
		np++;
	}
	ld->nids = 0;
	q = ld->buf.ptr;
	for (size_t i = 0; i < np && !rc; i++, q += strlen(q) + 1) {
		uint32_t id;

		/* The reduced key's deletions would make most short keys
		 * meet: the key's own deletions and the reduced key do. */
		if (q[0] == 'r' && strlen(q) < rmax)
			continue;
		if ((rc = intern(&id, &ld->probes, q, strlen(q))))
			break;
		while (!rc && ld->headcap <= id) {
			size_t old = ld->headcap;

			if (!(rc = make_room(&ld->head, &ld->headcap, old, sizeof *ld->head, 256)))
				memset(ld->head + old, 0, (ld->headcap - old) * sizeof *ld->head);
		}
		if (!rc && !(rc = make_room(&ld->ids, &ld->icap, ld->nids, sizeof *ld->ids, 64)))
			ld->ids[ld->nids++] = id;
	}
	return rc;
}

static int by_size(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;

	return a < b ? -1 : a > b;
}

/* The person key k belongs to among those led so far (*person = npeople
 * when none): the first, in order, that same_person accepts. */
static int leaders_find(size_t *person, leaders *ld, nx_db *db, const scan *sc, const agg *people,
			size_t npeople, uint32_t k)
{
	int rc, same = 0;

	*person = npeople;
	ld->ncand = 0;
	if ((rc = leaders_probe(ld, sc, k)))
		return rc;
	for (size_t i = 0; i < ld->nids && !rc; i++)
		for (size_t j = ld->head[ld->ids[i]]; j && !rc; j = ld->e[j - 1].next)
			if (!(rc = make_room(&ld->cand, &ld->ccap, ld->ncand, sizeof *ld->cand, 64)))
				ld->cand[ld->ncand++] = ld->e[j - 1].person;
	if (rc || !ld->ncand)
		return rc;
	/* The first person that takes it: the lowest candidate that does. */
	if (ld->ncand > 1)
		qsort(ld->cand, ld->ncand, sizeof *ld->cand, by_size);
	for (size_t i = 0; i < ld->ncand && !rc; i++) {
		if (i && ld->cand[i] == ld->cand[i - 1])
			continue;
		if (!(rc = same_person(&same, db, sc, people[ld->cand[i]].lead, k)) && same) {
			*person = ld->cand[i];
			break;
		}
	}
	return rc;
}

/* Person p joins the leaders, filed under the probes of its leading key,
 * the key leaders_find was last asked about. */
static int leaders_add(leaders *ld, size_t p)
{
	for (size_t i = 0; i < ld->nids; i++) {
		uint32_t id = ld->ids[i];
		int rc = make_room(&ld->e, &ld->ecap, ld->ne, sizeof *ld->e, 256);

		if (rc)
			return rc;
		ld->e[ld->ne] = (probe_entry){ p, ld->head[id] };
		ld->head[id] = ++ld->ne;
	}
	return NX_OK;
}

/* ---- the list --------------------------------------------------------------------- */

struct nx_people_list {
	nx_person *people;
	size_t n;
	size_t passages;   /* read */
	size_t estimate;   /* matching in all */
	nx_spelling *spellings;
	nx_buf text;       /* names and keys: offsets until the end, then pointers */
};

/* Capitalise a normalised name: the first letter of each part (after a
 * hyphen, an apostrophe or a space) in title case. */
static void capitalise(nx_buf *b, const char *s, size_t len)
{
	int32_t i = 0;
	int start = 1;

	while ((size_t)i < len) {
		UChar32 c;
		uint8_t out[4];
		int32_t k = 0;
		UBool err = 0;

		U8_NEXT(s, i, (int32_t)len, c);
		if (c < 0) {
			nx_buf_putc(b, '?');
			start = 0;
			continue;
		}
		if (start && u_isalpha(c))
			c = u_totitle(c);
		start = c == '-' || c == '\'' || c == ' ' || c == 0x2019;
		U8_APPEND((uint8_t *)out, k, 4, c, err);
		if (!err)
			nx_buf_put(b, out, (size_t)k);
	}
}


static int by_mentions(const void *x, const void *y)
{
	const agg *p = x, *q = y;

	if (p->passages != q->passages)
		return p->passages > q->passages ? -1 : 1;
	if (p->articles != q->articles)
		return p->articles > q->articles ? -1 : 1;
	return p->lead < q->lead ? -1 : p->lead > q->lead;
}

typedef struct spell_count {
	size_t person;
	uint32_t form;
	uint32_t key;
	size_t passages;
	uint32_t in_index;  /* passages of the whole index (ties, listed people) */
} spell_count;

static int by_person_form(const void *x, const void *y)
{
	const spell_count *p = x, *q = y;

	if (p->person != q->person)
		return p->person < q->person ? -1 : 1;
	return p->form < q->form ? -1 : p->form > q->form;
}

static int by_person_count(const void *x, const void *y)
{
	const spell_count *p = x, *q = y;

	if (p->person != q->person)
		return p->person < q->person ? -1 : 1;
	if (p->passages != q->passages)
		return p->passages > q->passages ? -1 : 1;
	if (p->in_index != q->in_index)
		return p->in_index > q->in_index ? -1 : 1;
	return p->form < q->form ? -1 : p->form > q->form;
}

/* Count the distinct (a, b) pairs per a of sorted tuples into count[a]
 * (field: 0 b, 1 c). */
static void count_distinct(const tuples *v, int field, agg *people)
{
	for (size_t i = 0; i < v->n; i++) {
		const tuple *t = &v->t[i], *prev = i ? &v->t[i - 1] : NULL;
		int same = prev && prev->a == t->a && (field ? prev->c == t->c : prev->b == t->b);

		if (!same) {
			if (field)
				people[t->a].articles++;
			else
				people[t->a].passages++;
		}
	}
}

/* The people the scan found, merged and counted: their aggregates
 * (*out, most mentioned first, *n of them) and spellings (*sp_out). */
static int merge_people(agg **out, size_t *n, spell_count **sp_out, nx_db *db, scan *sc)
{
	keyinfo *keys = NULL;
	agg *people = NULL;
	spell_count *sp = NULL;
	size_t nkeys = 0, npeople = 0, nsp = 0, *person_of = NULL;
	tuples merged = { 0 };
	leaders ld;
	int rc = NX_OK;

	memset(&ld, 0, sizeof ld);
	*out = NULL;
	*n = 0;
	*sp_out = NULL;
	sort_tuples(&sc->mentions);
	sort_tuples(&sc->givens);
	keys = calloc(sc->mentions.n + 1, sizeof *keys);
	person_of = malloc((sc->s.n + 1) * sizeof *person_of);
	people = calloc(sc->mentions.n + 1, sizeof *people);
	sp = calloc(sc->spellings.n + 1, sizeof *sp);
	if (!keys || !person_of || !people || !sp) {
		rc = oom();
		goto out;
	}
	for (size_t i = 0; i <= sc->s.n; i++)
		person_of[i] = SIZE_MAX;
	/* Passages per key (an N term is once per passage). */
	for (size_t i = 0; i < sc->mentions.n; i++) {
		if (!nkeys || keys[nkeys - 1].key != sc->mentions.t[i].a)
			keys[nkeys++] = (keyinfo){ sc->mentions.t[i].a, 0 };
		keys[nkeys - 1].passages++;
	}
	qsort(keys, nkeys, sizeof *keys, by_passages);
	for (size_t i = 0; i < nkeys && !rc; i++) {
		size_t p;

		if ((rc = leaders_find(&p, &ld, db, sc, people, npeople, keys[i].key)))
			goto out;
		if (p == npeople) {
			people[npeople++].lead = keys[i].key;
			if ((rc = leaders_add(&ld, p)))
				goto out;
		}
		person_of[keys[i].key] = p;
	}
	/* Passages and articles per person: a passage that names one person
	 * under two spellings counts once. */
	for (size_t i = 0; i < sc->mentions.n && !rc; i++)
		rc = tuples_add(&merged, (uint32_t)person_of[sc->mentions.t[i].a],
				sc->mentions.t[i].b, sc->mentions.t[i].c);
	if (rc)
		goto out;
	sort_tuples(&merged);
	count_distinct(&merged, 0, people);
	for (size_t i = 0; i < merged.n; i++)
		merged.t[i].b = 0;
	sort_tuples(&merged);
	count_distinct(&merged, 1, people);
	/* Spellings per person, by passages (an M term is once per passage;
	 * its key always has an N term there, unless the N term was too
	 * long to write). */
	for (size_t i = 0; i < sc->spellings.n; i++) {
		const tuple *t = &sc->spellings.t[i];

		if (person_of[t->a] != SIZE_MAX)
			sp[nsp++] = (spell_count){ person_of[t->a], t->b, t->a, 1, 0 };
	}
	qsort(sp, nsp, sizeof *sp, by_person_form);
	{
		size_t w = 0;

		for (size_t i = 0; i < nsp; i++) {
			if (w && sp[w - 1].person == sp[i].person && sp[w - 1].form == sp[i].form)
				sp[w - 1].passages++;
			else
				sp[w++] = sp[i];
		}
		nsp = w;
	}
	qsort(sp, nsp, sizeof *sp, by_person_count);
	for (size_t i = nsp; i-- > 0;) {
		people[sp[i].person].first_spelling = i;
		people[sp[i].person].nspellings++;
	}
	qsort(people, npeople, sizeof *people, by_mentions);
	*out = people;
	*n = npeople;
	*sp_out = sp;
	people = NULL;
	sp = NULL;
out:
	leaders_free(&ld);
	free(keys);
	free(person_of);
	free(people);
	free(sp);
	free(merged.t);
	return rc;
}

/* Spellings of equal counts among the passages read: the one more common
 * in the whole index first (its M term's frequency). */
static int break_ties(nx_db *db, scan *sc, spell_count *sp, size_t n)
{
	nx_buf t = NX_BUF_INIT;
	int rc = NX_OK;

	for (size_t i = 0; i < n && !rc; i++) {
		int tied = (i > 0 && sp[i - 1].passages == sp[i].passages) ||
			   (i + 1 < n && sp[i + 1].passages == sp[i].passages);

		if (!tied)
			continue;
		nx_buf_clear(&t);
		nx_buf_printf(&t, "%s%s:%s", NX_PREFIX_NAME_FORM, str_of(&sc->s, sp[i].key),
			      str_of(&sc->s, sp[i].form));
		rc = t.failed ? oom() : nxx_db_termfreq(&sp[i].in_index, db->x, t.ptr, t.len);
	}
	nx_buf_free(&t);
	if (!rc)
		qsort(sp, n, sizeof *sp, by_person_count);
	return rc;
}

/*
 * Is the person led by a a person, by what the whole index knows of the
 * leading key (*out)?  Name detection takes capitalised runs for names, so
 * the index also records ordinary words that open sentences or headlines
 * (Budget, Rate, Countries) and the last words of places (Saudi Arabia,
 * Hong Kong).  Not a person:
 *   - a word the index mostly knows as an ordinary word, by the counts the
 *     query side uses to decide whether to expand a word (nx_name_usage):
 *     named in fewer than 1 of NX_PEOPLE_WORD_SHARE of the passages that
 *     hold the word.  Expansion asks for half; people's surnames are
 *     named as such in 29-60% of their passages on Reuters-21578 (a
 *     passage is analysed alone, and a lone surname is taken for a name
 *     only with a title or a surname's shape: Reagan 53%, Lawson 46%,
 *     Lukman 45%, Ali 29%), ordinary words in 1-22% (budget 3%, rate 2%,
 *     finance 7%, administration 22%); between 24% and 45% both meet
 *     (Smith 24%, Island 24%, Coast 36%, River 42%);
 *   - a company's name written without its suffix: at least half of its
 *     passages write it after a "given name" that makes with it two words
 *     of a company's name the index has seen with Inc, Co, Corp ...
 *     (nx_name_as_org: Merrill Lynch, Shearson Lehman, Phelps Dodge);
 *   - a place or a language by ICU's names of them (nx_name_place).
 */
static int is_person(int *out, nx_db *db, const scan *sc, const agg *a, const spell_count *sp)
{
	const char *lead = str_of(&sc->s, a->lead), *form = lead;
	uint32_t as_name = 0, as_word = 0, as_org = 0;
	int place = 0, rc;

	for (size_t k = 0; k < a->nspellings; k++)
		if (sp[a->first_spelling + k].key == a->lead) {
			form = str_of(&sc->s, sp[a->first_spelling + k].form);
			break;
		}
	*out = 0;
	if ((rc = nx_name_usage(&as_name, &as_word, db, form, strlen(form), lead, strlen(lead))))
		return rc;
	if ((uint64_t)as_name * NX_PEOPLE_WORD_SHARE < as_word)
		return NX_OK;
	if ((rc = nx_name_as_org(&as_org, db, lead, strlen(lead))))
		return rc;
	if (as_org && (uint64_t)as_org * 2 >= as_name)
		return NX_OK;
	if ((rc = nx_name_place(&place, db, lead, strlen(lead), as_name)))
		return rc;
	*out = !place;
	return NX_OK;
}

/* The best `limit` people into l. */
static int build_list(nx_people_list *l, nx_db *db, scan *sc, size_t limit)
{
	agg *people = NULL;
	spell_count *sp = NULL;
	size_t npeople = 0, ns = 0, total = 0, kept = 0;
	int rc = merge_people(&people, &npeople, &sp, db, sc);

	if (rc)
		return rc;
	/* The most mentioned that are people, in order. */
	for (size_t i = 0; i < npeople && kept < limit && !rc; i++) {
		int yes = 0;

		if (!(rc = is_person(&yes, db, sc, &people[i], sp)) && yes)
			people[kept++] = people[i];
	}
	if (rc)
		goto out;
	l->n = kept;
	for (size_t i = 0; i < l->n && !rc; i++)
		rc = break_ties(db, sc, sp + people[i].first_spelling, people[i].nspellings);
	if (rc)
		goto out;
	for (size_t i = 0; i < l->n; i++)
		total += people[i].nspellings;
	l->people = calloc(l->n + 1, sizeof *l->people);
	l->spellings = calloc(total + 1, sizeof *l->spellings);
	if (!l->people || !l->spellings) {
		rc = oom();
		goto out;
	}
	/* Strings go into l->text, which may move: offsets first, pointers
	 * at the end. */
	for (size_t i = 0; i < l->n; i++) {
		const agg *a = &people[i];
		nx_person *pp = &l->people[i];

		pp->rank = i + 1;
		pp->passages = a->passages;
		pp->articles = a->articles;
		pp->nspellings = a->nspellings;
		pp->spellings = l->spellings + ns;
		for (size_t k = 0; k < a->nspellings; k++, ns++) {
			const char *f = str_of(&sc->s, sp[a->first_spelling + k].form);

			l->spellings[ns].form = (const char *)(uintptr_t)l->text.len;
			l->spellings[ns].passages = sp[a->first_spelling + k].passages;
			capitalise(&l->text, f, strlen(f));
			nx_buf_putc(&l->text, '\0');
		}
		pp->key = (const char *)(uintptr_t)l->text.len;
		nx_buf_puts(&l->text, str_of(&sc->s, a->lead));
		nx_buf_putc(&l->text, '\0');
	}
	if (l->text.failed) {
		rc = oom();
		goto out;
	}
	for (size_t i = 0; i < ns; i++)
		l->spellings[i].form = l->text.ptr + (uintptr_t)l->spellings[i].form;
	for (size_t i = 0; i < l->n; i++) {
		nx_person *pp = &l->people[i];

		pp->key = l->text.ptr + (uintptr_t)pp->key;
		/* A person always has a spelling (its N and M terms go
		 * together); the key stands in otherwise. */
		pp->name = pp->nspellings ? pp->spellings[0].form : pp->key;
	}
out:
	free(people);
	free(sp);
	return rc;
}

/* ---- nx_people --------------------------------------------------------------------- */

static int by_docid(const void *x, const void *y)
{
	nxx_docid p = *(const nxx_docid *)x, q = *(const nxx_docid *)y;

	return p < q ? -1 : p > q;
}

/* Read the people terms of the passages of m into sc, until *nseen reaches
 * max, leaving out those among skip[0, nskip) (sorted). */
static int scan_mset(scan *sc, nx_db *db, nxx_mset *m, const nxx_docid *skip, size_t nskip,
		     nxx_docid *seen, size_t *nseen, size_t max)
{
	int rc = NX_OK;

	for (size_t i = 0; i < nxx_mset_size(m) && *nseen < max && !rc; i++) {
		nxx_hit h;

		if ((rc = nxx_mset_hit(&h, m, i)))
			break;
		if (nskip && bsearch(&h.docid, skip, nskip, sizeof *skip, by_docid))
			continue;
		seen[(*nseen)++] = h.docid;
		sc->article = 0;
		rc = nxx_db_termlist(db->x, h.docid, NULL, on_passage_term, sc);
		if (rc == 1)
			rc = NX_OK;
		sc->passage++;
	}
	return rc;
}

static int people_once(nx_people_list **out, nx_db *db, const char *query,
		       const nx_people_options *opts)
{
	nx_people_options o = NX_PEOPLE_OPTIONS_INIT;
	nxx_enquire_opts eo = NXX_ENQUIRE_OPTS_INIT;
	nx_qterms qt;
	nxq_node *root = NULL;
	nxq_compiled cc;
	nxt_analyzer *an;
	nxx_mset *m = NULL;
	nxx_docid *seen = NULL;
	size_t nseen = 0;
	scan sc;
	nx_people_list *l = NULL;
	char lang[4];
	int rc;

	if (out)
		*out = NULL;
	memset(&cc, 0, sizeof cc);
	memset(&qt, 0, sizeof qt);
	memset(&sc, 0, sizeof sc);
	if (!out || !db || !query)
		return nx_error_set(NX_EINVAL, "nx_people needs a result, an index and a query");
	if (opts) {
		if (opts->version != NX_PEOPLE_OPTIONS_VERSION)
			return nx_error_set(NX_EINVAL, "nx_people_options version %u not supported",
					    opts->version);
		o = *opts;
	}
	if (o.limit == 0)
		return nx_error_set(NX_EINVAL, "nx_people: limit must be at least 1");
	if (o.passages == 0 || o.passages > MAX_PASSAGES)
		return nx_error_set(NX_EINVAL, "nx_people: passages must be from 1 to %d, not %zu",
				    MAX_PASSAGES, o.passages);
	if (o.lang && (rc = nxq_lang_code(lang, o.lang)))
		return rc;
	if (!nxt_utf8_valid(query, strlen(query)))
		return nx_error_set(NX_ESYNTAX, "the query is not valid UTF-8");
	if ((rc = nx_db_analyzer(&an, db)))
		return rc;
	if ((rc = nxq_parse(&root, NULL, query, o.now ? o.now : (int64_t)time(NULL))))
		return rc;
	qt.db = db;
	qt.lang = o.lang ? lang : NULL;
	if ((rc = nxq_compile(&cc, root, query, db, an, &qt)))
		goto out;
	if (!(l = calloc(1, sizeof *l)) || !(seen = malloc(o.passages * sizeof *seen))) {
		rc = oom();
		goto out;
	}
	/* The passages: those that hold every item first, as nx_search
	 * ranks them, then the rest; by date for filters only. */
	eo.limit = o.passages;
	eo.lazy = 1;   /* the terms are read, not the passages */
	eo.bm25_k1 = NX_QUERY_BM25_K1;
	eo.bm25_b = NX_QUERY_BM25_B;
	if (!cc.weighted)
		eo.sort_by_value = NX_SLOT_DATE;
	if (cc.all) {
		if ((rc = nxx_enquire(&m, db->x, cc.all, &eo)) ||
		    (rc = scan_mset(&sc, db, m, NULL, 0, seen, &nseen, o.passages)))
			goto out;
		l->estimate = nxx_mset_estimate(m);
		nxx_mset_free(m);
		m = NULL;
		qsort(seen, nseen, sizeof *seen, by_docid);
	}
	if (nseen < o.passages) {
		size_t first = nseen;

		eo.limit = o.passages + first;
		if ((rc = nxx_enquire(&m, db->x, cc.q, &eo)) ||
		    (rc = scan_mset(&sc, db, m, seen, first, seen, &nseen, o.passages)))
			goto out;
		if (nxx_mset_estimate(m) > l->estimate)
			l->estimate = nxx_mset_estimate(m);
	}
	l->passages = nseen;
	if (l->estimate < nseen)
		l->estimate = nseen;
	rc = build_list(l, db, &sc, o.limit);
out:
	nxx_mset_free(m);
	free(seen);
	strtab_free(&sc.s);
	free(sc.mentions.t);
	free(sc.spellings.t);
	free(sc.givens.t);
	nxq_compiled_free(&cc);
	nxq_free(root);
	nx_qterms_free(&qt);
	if (rc) {
		nx_people_list_free(l);
		return rc;
	}
	*out = l;
	return NX_OK;
}

/* The index may change under the many term-list reads: as nx_search. */
int nx_people(nx_people_list **out, nx_db *db, const char *query, const nx_people_options *opts)
{
	for (int attempt = 0;; attempt++) {
		int rc = people_once(out, db, query, opts);

		if (rc != NX_EMODIFIED || attempt == NX_SEARCH_RETRIES)
			return rc;
		if ((rc = nx_db_reopen(db)))
			return rc;
	}
}

size_t nx_people_list_count(const nx_people_list *l)
{
	return l ? l->n : 0;
}

const nx_person *nx_people_list_get(const nx_people_list *l, size_t i)
{
	return l && i < l->n ? &l->people[i] : NULL;
}

size_t nx_people_list_passages(const nx_people_list *l)
{
	return l ? l->passages : 0;
}

size_t nx_people_list_estimate(const nx_people_list *l)
{
	return l ? l->estimate : 0;
}

void nx_people_list_free(nx_people_list *l)
{
	if (!l)
		return;
	free(l->people);
	free(l->spellings);
	nx_buf_free(&l->text);
	free(l);
}

int nx_person_to_json(char **out, const nx_person *p)
{
	json_t *o, *sp;
	int rc = NX_OK;

	if (!out)
		return nx_error_set(NX_EINVAL, "nowhere to put the JSON of a person");
	*out = NULL;
	if (!p)
		return nx_error_set(NX_EINVAL, "no person to encode");
	sp = json_array();
	for (size_t i = 0; sp && i < p->nspellings; i++) {
		json_t *one = json_pack("{s:s, s:I}", "form", p->spellings[i].form, "passages",
					(json_int_t)p->spellings[i].passages);

		if (!one || json_array_append_new(sp, one)) {
			json_decref(sp);
			sp = NULL;
		}
	}
	if (!sp)
		return oom();
	o = json_pack("{s:I, s:s, s:s, s:I, s:I, s:o}", "rank", (json_int_t)p->rank, "name",
		      p->name, "key", p->key, "passages", (json_int_t)p->passages, "articles",
		      (json_int_t)p->articles, "spellings", sp);
	if (!o)
		return oom();
	*out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!*out)
		rc = oom();
	json_decref(o);
	return rc;
}
