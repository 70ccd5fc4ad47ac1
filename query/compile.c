/*
 * compile.c — a query's syntax tree (parse.c) as Xapian queries over the
 * schema of store/nx_store.h.
 *
 * Every word goes through nx_query_for_word() (store/terms.c), so a word is
 * looked up under exactly the forms the indexer wrote for it and the
 * highlighter knows what to mark.  Ranked words weigh; filters (lang:,
 * source:, dates) and exclusions (NOT, -) do not.  Side by side, items are
 * ranked together (OR); the search runs the stricter query of passages that
 * hold every item first (nxq_compiled.all), so they come first.  Function
 * words (the, of, и, мен ...) are left out of such a list when it has other
 * words: they would only add noise to the ranking, as in most engines.
 */
#include "nx_query.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A prefix* stands for at most this many words, the most frequent. */
#define MAX_PREFIX_TERMS 100

/* ---- stop words ------------------------------------------------------------ */

/* Sorted, for bsearch: English (as Xapian's quest), Russian and Kazakh
 * function words. */
static const char *const stopwords[] = {
	"a", "about", "an", "and", "are", "as", "at", "be", "by", "for", "from", "how",
	"i", "in", "is", "it", "of", "on", "or", "that", "the", "this", "to", "was",
	"what", "when", "where", "which", "who", "why", "will", "with",
	"а", "бен", "бұл", "в", "во", "да", "де", "для", "до", "же", "и", "или", "к",
	"ли", "мен", "на", "не", "о", "об", "от", "пен", "по", "при", "с", "со", "та",
	"те", "то", "туралы", "у", "что", "это", "үшін"
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int nxq_is_stopword(const char *norm, size_t len)
{
	char w[32];
	const char *key = w;

	if (len >= sizeof w)
		return 0;
	memcpy(w, norm, len);
	w[len] = '\0';
	return bsearch(&key, stopwords, sizeof stopwords / sizeof *stopwords, sizeof *stopwords,
		       cmp_str) != NULL;
}

/* ---- compiled pieces --------------------------------------------------------- */

enum role {
	R_NONE,    /* nothing to search for (punctuation only): left out */
	R_POS,     /* weighs */
	R_FILTER,  /* restricts, weightless */
	R_NEG      /* q is what is excluded */
};

typedef struct cq {
	nxx_query *q;
	enum role role;
	int stop;      /* a lone stop word */
	int single;    /* one plain word */
	nxx_query *all; /* for the all-items query, when it is stricter than q
			 * (a run of unspaced CJK words: all of them) */
} cq;

typedef struct cctx {
	nx_db *db;
	nxt_analyzer *an;
	nx_qterms *qt;
	const char *query;
	nxq_compiled *out;
	nx_buf scratch;
	nx_buf langs;      /* index languages (title terms), NUL-separated */
	size_t nlangs;
	int langs_read;
} cctx;

static void cq_free(cq *c)
{
	nxx_query_free(c->q);
	nxx_query_free(c->all);
	c->q = c->all = NULL;
}

static int oom(void)
{
	return nx_error_set(NX_ENOMEM, "out of memory compiling the query");
}

/* Combine n queries with op (one: a copy of it).  The inputs stay the
 * caller's. */
static int combine(nxx_query **out, enum nxx_query_op op, nxx_query *const *q, size_t n,
		   unsigned window)
{
	if (n == 0)
		return nxx_query_match_nothing(out);
	if (n == 1 && op != NXX_OP_PHRASE && op != NXX_OP_NEAR)
		return nxx_query_scale(out, q[0], 1.0);
	return nxx_query_combine(out, op, q, n, window);
}

/* ---- words ------------------------------------------------------------------- */

static int add_lang(void *ctx, const char *term, size_t len, uint32_t termfreq)
{
	cctx *c = ctx;

	(void)termfreq;
	if (len > 1 && len < 16) {
		nx_buf_put(&c->langs, term + 1, len - 1);
		nx_buf_putc(&c->langs, '\0');
		c->nlangs++;
	}
	return c->langs.failed ? NX_ENOMEM : NX_OK;
}

/* The title terms (S) of a word: its stems under the script's stemmer and
 * under each language of the index, as the indexer stems titles; or, when
 * the caller chose a language (nx_qterms.lang), under that one only.
 * (store/terms.c has no query function for title terms yet.) */
static int title_query(cctx *c, nxx_query **out, const nxt_token *t)
{
	nx_qvec v = { 0 };
	nx_buf seen = NX_BUF_INIT;   /* the terms in v, NUL-separated */
	size_t nseen = 0;
	const char *lang = NULL, *p, *stem;
	size_t slen;
	int rc = NX_OK;

	*out = NULL;
	if (!c->langs_read) {
		c->langs_read = 1;
		if (c->qt->lang) {
			nx_buf_puts(&c->langs, c->qt->lang);
			nx_buf_putc(&c->langs, '\0');
			c->nlangs = 1;
			if (c->langs.failed)
				return oom();
		} else if ((rc = nxx_db_allterms(c->db->x, NX_PREFIX_LANG, add_lang, c))) {
			return rc;
		}
	}
	p = c->langs.ptr;
	for (size_t i = 0; i <= c->nlangs && !rc; i++) {
		nxx_query *q = NULL;

		if (i > 0) {
			lang = p;
			p += strlen(p) + 1;
		} else if (c->qt->lang) {
			continue;
		}
		if ((rc = nxt_stem(&stem, &slen, c->an, lang, t->norm, t->norm_len, t->script)))
			break;
		nx_buf_clear(&c->scratch);
		nx_buf_puts(&c->scratch, NX_PREFIX_TITLE);
		nx_buf_put(&c->scratch, stem, slen);
		if (c->scratch.failed) {
			rc = oom();
			break;
		}
		if (c->scratch.len > NX_MAX_TERM)
			continue;
		/* Two languages may stem the word alike: each term once. */
		if (nx_strlist_has(&seen, nseen, c->scratch.ptr, c->scratch.len))
			continue;
		nx_strlist_add(&seen, &nseen, c->scratch.ptr, c->scratch.len);
		if (seen.failed)
			rc = oom();
		else if (!(rc = nxx_query_term(&q, c->scratch.ptr, c->scratch.len, 1, 0)))
			rc = nx_qvec_push(&v, q);
	}
	if (!rc && v.n)
		rc = combine(out, NXX_OP_SYNONYM, v.q, v.n, 0);
	nx_buf_free(&seen);
	nx_qvec_free(&v);
	return rc;
}

typedef struct words_ctx {
	cctx *c;
	nx_qvec v;
	size_t count;        /* words in the text (from a first pass) */
	int exact;           /* phrase: exact forms with positions */
	int title;           /* title terms */
	size_t base;         /* byte offset of the text in the query */
	int stop;            /* the one word is a stop word */
	int near;            /* words of a NEAR part: each one as typed, none a
				lone word (stop word, "did you mean") or the end
				of a compound to join */
	nxx_query *joined;   /* a hyphen compound as one word (covid-19 ~ covid19) */
} words_ctx;

/* Does the text hold a word of a script written without spaces (Chinese,
 * Japanese, Thai)?  Such a run typed without spaces is several words, as
 * if the user had put spaces between them, not a phrase. */
static int on_word_unspaced(void *vc, const nxt_token *t)
{
	int *unspaced = vc;

	if (t->script == NXT_SCRIPT_HAN)
		*unspaced = 1;
	return NX_OK;
}

static int on_word(void *vc, const nxt_token *t)
{
	words_ctx *w = vc;
	cctx *c = w->c;
	nxx_query *q = NULL;
	int rc;

	if (w->title)
		rc = title_query(c, &q, t);
	else
		rc = nx_query_for_word(&q, c->an, c->qt, t, w->exact, &c->scratch);
	if (rc || !q)
		return rc;
	if (w->count == 1 && !w->exact && !w->title && !w->near) {
		w->stop = nxq_is_stopword(t->norm, t->norm_len);
		/* A plain word the user typed: a candidate for "did you mean". */
		nx_span *sp = realloc(c->out->words, (c->out->nwords_typed + 1) * sizeof *sp);

		if (!sp) {
			nxx_query_free(q);
			return oom();
		}
		c->out->words = sp;
		sp[c->out->nwords_typed].start = w->base + t->start;
		sp[c->out->nwords_typed].end = w->base + t->end;
		c->out->nwords_typed++;
	}
	/* The last word of a hyphen compound also stands for the whole
	 * compound written as one word. */
	if (w->count > 1 && !w->title && !w->near && t->joined && t->index + 1 == w->count && !w->joined) {
		nxt_token j = *t;

		j.norm = t->joined;
		j.norm_len = t->joined_len;
		j.script = nxt_word_script_of(t->joined, t->joined_len);
		j.joined = NULL;
		j.joined_len = 0;
		if (t->index + 1 == w->count && (rc = nx_query_for_word(&w->joined, c->an, c->qt, &j, 1,
									 &c->scratch))) {
			nxx_query_free(q);
			return rc;
		}
	}
	return nx_qvec_push(&w->v, q);
}

/* Text as words: one word (ranked, any form), or several (a phrase of
 * exact forms; in a title, all of them). */
static int compile_text(cctx *c, cq *out, const char *text, size_t base, int phrase, int title)
{
	words_ctx w;
	size_t len = strlen(text);
	int rc, unspaced = 0;

	memset(&w, 0, sizeof w);
	w.c = c;
	w.title = title;
	w.base = base;
	if ((rc = nxt_count_words(&w.count, c->an, text, len)))
		return rc;
	if (w.count == 0)
		return NX_OK;   /* punctuation only: nothing to look for */
	if (!phrase && !title && w.count > 1 &&
	    (rc = nxt_words(c->an, text, len, on_word_unspaced, &unspaced)))
		return rc;
	w.exact = !title && !unspaced && (phrase || w.count > 1);
	if ((rc = nxt_words(c->an, text, len, on_word, &w)))
		goto out;
	if (w.v.n == 0)
		goto out;
	if (title)
		rc = combine(&out->q, NXX_OP_AND, w.v.q, w.v.n, 0);
	else if (unspaced && w.v.n > 1) {
		/* Ranked on any of the words; all of them first. */
		if (!(rc = combine(&out->all, NXX_OP_AND, w.v.q, w.v.n, 0)))
			rc = combine(&out->q, NXX_OP_OR, w.v.q, w.v.n, 0);
	}
	else if (w.v.n == 1)
		rc = combine(&out->q, NXX_OP_OR, w.v.q, 1, 0);
	else
		rc = nxx_query_combine(&out->q, NXX_OP_PHRASE, w.v.q, w.v.n, 0);
	if (!rc && w.joined) {
		nxx_query *pair[2] = { out->q, w.joined }, *q = NULL;

		rc = nxx_query_combine(&q, NXX_OP_OR, pair, 2, 0);
		nxx_query_free(out->q);
		out->q = q;
	}
	if (!rc) {
		out->role = R_POS;
		out->single = w.count == 1 && !phrase && !title;
		out->stop = out->single && w.stop;
	}
out:
	nx_qvec_free(&w.v);
	nxx_query_free(w.joined);
	return rc;
}

/* ---- prefixes ------------------------------------------------------------------ */

typedef struct pterm {
	char *term;
	uint32_t freq;
} pterm;

/* The MAX_PREFIX_TERMS most frequent terms of a prefix, kept as a heap whose
 * root is the one to drop first, so that a short prefix (a*) copies a hundred
 * terms, not every term of the index that starts so. */
typedef struct prefix_ctx {
	pterm t[MAX_PREFIX_TERMS];
	size_t n;
} prefix_ctx;

/* Most frequent first; as frequent: in term order. */
static int by_freq(const void *a, const void *b)
{
	const pterm *x = a, *y = b;

	return x->freq < y->freq ? 1 : x->freq > y->freq ? -1 : strcmp(x->term, y->term);
}

/* Ranks below: less frequent, or as frequent and later in order. */
static int ranks_below(const pterm *a, const pterm *b)
{
	return by_freq(a, b) > 0;
}

static void sift_down(pterm *t, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		pterm x;

		if (l < n && ranks_below(&t[l], &t[m]))
			m = l;
		if (r < n && ranks_below(&t[r], &t[m]))
			m = r;
		if (m == i)
			return;
		x = t[i];
		t[i] = t[m];
		t[m] = x;
		i = m;
	}
}

static int on_prefix_term(void *vc, const char *term, size_t len, uint32_t freq)
{
	prefix_ctx *p = vc;
	char *copy;

	if (p->n == MAX_PREFIX_TERMS) {
		/* Full: only a term that ranks above the root gets in.  The
		 * index lists terms in order, so one as frequent as the root
		 * comes after it and ranks below. */
		if (freq <= p->t[0].freq)
			return NX_OK;
		if (!(copy = strndup(term, len)))
			return oom();
		free(p->t[0].term);
		p->t[0].term = copy;
		p->t[0].freq = freq;
		sift_down(p->t, p->n, 0);
		return NX_OK;
	}
	if (!(copy = strndup(term, len)))
		return oom();
	p->t[p->n].term = copy;
	p->t[p->n++].freq = freq;
	if (p->n == MAX_PREFIX_TERMS)
		for (size_t i = MAX_PREFIX_TERMS / 2; i-- > 0;)
			sift_down(p->t, p->n, i);
	return NX_OK;
}

typedef struct first_word {
	char norm[NX_MAX_TERM + 1];
	size_t len;
	int script;
	size_t n;
} first_word;

static int on_first_word(void *vc, const nxt_token *t)
{
	first_word *f = vc;

	if (f->n++ == 0 && t->norm_len <= NX_MAX_TERM) {
		memcpy(f->norm, t->norm, t->norm_len);
		f->norm[t->norm_len] = '\0';
		f->len = t->norm_len;
		f->script = t->script;
	}
	return NX_OK;
}

/* prefix*: the most frequent words of the index that start with it, as one
 * synonym (their exact forms, through nx_query_for_word). */
static int compile_prefix(cctx *c, cq *out, const nxq_node *n, int title)
{
	first_word f;
	prefix_ctx p;
	nx_qvec v = { 0 };
	int rc;

	memset(&f, 0, sizeof f);
	p.n = 0;
	if ((rc = nxt_words(c->an, n->text, strlen(n->text), on_first_word, &f)))
		return rc;
	if (f.n != 1)
		return nx_error_set(NX_ESYNTAX, "%s*: a * ends the start of one word, as in protest* "
				    "(column %zu)", n->text, n->col);
	if (title) {
		/* Title terms are stems: S + the start of the word. */
		nx_buf_clear(&c->scratch);
		nx_buf_puts(&c->scratch, NX_PREFIX_TITLE);
		nx_buf_put(&c->scratch, f.norm, f.len);
		if (c->scratch.failed)
			return oom();
		rc = nxx_db_allterms(c->db->x, c->scratch.ptr, on_prefix_term, &p);
	} else {
		rc = nxx_db_allterms(c->db->x, f.norm, on_prefix_term, &p);
	}
	if (!rc && p.n > 1)
		qsort(p.t, p.n, sizeof *p.t, by_freq);
	for (size_t i = 0; i < p.n && !rc; i++) {
		nxx_query *q = NULL;

		if (title) {
			rc = nxx_query_term(&q, p.t[i].term, strlen(p.t[i].term), 1, 0);
		} else {
			nxt_token t;

			memset(&t, 0, sizeof t);
			t.norm = p.t[i].term;
			t.norm_len = strlen(p.t[i].term);
			t.script = nxt_word_script_of(t.norm, t.norm_len);
			rc = nx_query_for_word(&q, c->an, c->qt, &t, 1, &c->scratch);
		}
		if (!rc && q)
			rc = nx_qvec_push(&v, q);
	}
	if (!rc) {
		rc = combine(&out->q, NXX_OP_SYNONYM, v.q, v.n, 0);
		out->role = R_POS;
	}
	for (size_t i = 0; i < p.n; i++)
		free(p.t[i].term);
	nx_qvec_free(&v);
	return rc;
}

/* ---- filters ---------------------------------------------------------------------- */

static int boolean_term(cctx *c, nxx_query **out, const char *prefix, const char *body)
{
	nx_buf_clear(&c->scratch);
	nx_buf_puts(&c->scratch, prefix);
	nx_buf_puts(&c->scratch, body);
	if (c->scratch.failed)
		return oom();
	return nxx_query_term(out, c->scratch.ptr, c->scratch.len, 1, 0);
}

typedef struct source_ctx {
	const char *part;
	nx_qvec v;
} source_ctx;

/* Case-insensitive (ASCII) substring. */
static int contains(const char *hay, size_t hlen, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= hlen; i++) {
		size_t k;

		for (k = 0; k < n && tolower((unsigned char)hay[i + k]) == tolower((unsigned char)needle[k]); k++)
			;
		if (k == n)
			return 1;
	}
	return 0;
}

static int on_source(void *vc, const char *term, size_t len, uint32_t freq)
{
	source_ctx *s = vc;
	nxx_query *q = NULL;
	int rc;

	(void)freq;
	if (!contains(term + 1, len - 1, s->part))
		return NX_OK;
	if ((rc = nxx_query_term(&q, term, len, 1, 0)))
		return rc;
	return nx_qvec_push(&s->v, q);
}

/* source:x: every source whose path contains x. */
static int compile_source(cctx *c, cq *out, const nxq_node *n)
{
	source_ctx s = { n->text, { 0 } };
	int rc = nxx_db_allterms(c->db->x, NX_PREFIX_SOURCE, on_source, &s);

	if (!rc)
		rc = combine(&out->q, NXX_OP_OR, s.v.q, s.v.n, 0);
	out->role = R_FILTER;
	nx_qvec_free(&s.v);
	return rc;
}

/* since:, until:, date:.  A dated passage has a D term (YYYYMMDD), Y
 * terms for its year and month (YYYY, YYYYMM) and a date value
 * (YYYY-MM-DD).  A range is matched by the fewest terms that cover its
 * days: whole years by Y<yyyy>, whole months by Y<yyyymm>, the days left
 * by D<yyyymmdd>; an open end stops at the year of the first or last date
 * the index holds.  date:2022-01 is then one term, where an OR of its 31
 * days checks 31 posting lists for every candidate and a value range reads
 * the date of passage after passage (its cost grows with the index).  A
 * range that would need more than NX_DATE_TERMS terms (dates centuries
 * apart) falls back to the value range: the same passages. */
#define NX_DATE_TERMS 400

typedef struct day {
	int y, m, d;
} day;

/* "YYYY-MM-DD" (a date value of the index, or a query's range end) into
 * *out; 0 when it is not such a date. */
static int day_parse(day *out, const char *s)
{
	char iso[11];

	if (strlen(s) != 10 || !nx_store_parse_date(iso, s))
		return 0;
	out->y = atoi(s);
	out->m = atoi(s + 5);
	out->d = atoi(s + 8);
	return 1;
}

/* The last day of a's month. */
static int last_day(const day *a)
{
	return (int)nx_month_days(a->y, (unsigned)a->m);
}

static int day_cmp(const day *a, const day *b)
{
	return a->y != b->y ? (a->y < b->y ? -1 : 1) : a->m != b->m ? (a->m < b->m ? -1 : 1)
							     : (a->d > b->d) - (a->d < b->d);
}

static day next_day(day a)
{
	if (a.d < last_day(&a))
		return (day){ a.y, a.m, a.d + 1 };
	return a.m == 12 ? (day){ a.y + 1, 1, 1 } : (day){ a.y, a.m + 1, 1 };
}

/* The terms that cover [a, b] into v, but for periods wholly outside
 * [f, l] (the index's dates: they match nothing); 1 when that takes more
 * than max. */
static int date_terms(nx_qvec *v, day a, const day *b, const day *f, const day *l, size_t max)
{
	char term[16];
	nxx_query *q;
	int rc, len;

	while (day_cmp(&a, b) <= 0) {
		day start = a, end;
		day year_end = { a.y, 12, 31 }, month_end = { a.y, a.m, last_day(&a) };

		if (v->n == max)
			return 1;
		if (a.m == 1 && a.d == 1 && day_cmp(&year_end, b) <= 0) {
			len = snprintf(term, sizeof term, "%s%04d", NX_PREFIX_PERIOD, a.y);
			end = year_end;
		} else if (a.d == 1 && day_cmp(&month_end, b) <= 0) {
			len = snprintf(term, sizeof term, "%s%04d%02d", NX_PREFIX_PERIOD, a.y, a.m);
			end = month_end;
		} else {
			len = snprintf(term, sizeof term, "%s%04d%02d%02d", NX_PREFIX_DATE, a.y, a.m, a.d);
			end = a;
		}
		a = next_day(end);
		if (day_cmp(&end, f) < 0 || day_cmp(&start, l) > 0)
			continue;
		if ((rc = nxx_query_term(&q, term, (size_t)len, 1, 0)) || (rc = nx_qvec_push(v, q)))
			return rc;
	}
	return NX_OK;
}

/* The passages whose date value is in lo..hi ("" = open). */
static int value_range(nxx_query **out, const char *lo, const char *hi)
{
	return nxx_query_value_range(out, NX_SLOT_DATE, *lo ? lo : NULL, *hi ? hi : NULL);
}

int nxq_date_filter(nxx_query **out, size_t *nterms, nx_db *db, const char *lo, const char *hi)
{
	char first[16], last[16];
	nx_qvec v = { 0 };
	nxx_query *any = NULL;
	day a, b, f, l;
	int rc;

	*out = NULL;
	*nterms = 0;
	if ((rc = nxx_db_value_bounds(db->x, NX_SLOT_DATE, first, last, sizeof first)))
		return rc;
	if ((*lo && !day_parse(&a, lo)) || (*hi && !day_parse(&b, hi)))
		return nx_error_set(NX_EINVAL, "a date range wants YYYY-MM-DD ends, not '%s'..'%s'",
				    lo, hi);
	/* No date in the index: nothing.  Bounds that are no days (an index
	 * written before dates were checked against the calendar): the date
	 * values, which are right whatever they hold. */
	if (!*first || !*last)
		return nxx_query_match_nothing(out);
	if (!day_parse(&f, first) || !day_parse(&l, last))
		return value_range(out, lo, hi);
	/* An end beyond the index's dates moves to the year of its first or
	 * last date: no passage lies between, and whole years and months then
	 * cover more. */
	if (!*lo || day_cmp(&a, &f) <= 0)
		a = (day){ f.y, 1, 1 };
	if (!*hi || day_cmp(&b, &l) >= 0)
		b = (day){ l.y, 12, 31 };
	if (day_cmp(&a, &b) > 0)
		return nxx_query_match_nothing(out);
	rc = date_terms(&v, a, &b, &f, &l, NX_DATE_TERMS);
	if (rc == 1) {
		nx_qvec_free(&v);
		return value_range(out, lo, hi);
	}
	*nterms = v.n;
	/* Weightless, like a value range: only a filter. */
	if (!rc)
		rc = combine(&any, NXX_OP_OR, v.q, v.n, 0);
	if (!rc)
		rc = nxx_query_scale(out, any, 0.0);
	nxx_query_free(any);
	nx_qvec_free(&v);
	return rc;
}

static int date_filter(cctx *c, nxx_query **out, const nxq_node *n)
{
	size_t nterms;

	return nxq_date_filter(out, &nterms, c->db, n->lo, n->hi);
}

/* person:NAME: a filter of the passages that name the person under any
 * spelling (store/people.c); its surname is remembered, as typed, for
 * "which form matched". */
static int compile_person(cctx *c, cq *out, const nxq_node *n)
{
	nx_span sur = { 0, 0 };
	nx_span *sp;
	int rc = nx_person_query(&out->q, &sur, c->db, c->an, c->qt, n->text, strlen(n->text));

	if (rc)
		return rc;
	if (!out->q)
		return nx_error_set(NX_ESYNTAX, "person: wants a name in Latin or Cyrillic letters, "
				    "not '%s' (column %zu)", n->text, n->col);
	out->role = R_FILTER;
	sp = realloc(c->out->names, (c->out->nnames + 1) * sizeof *sp);
	if (!sp)
		return oom();
	c->out->names = sp;
	sp[c->out->nnames].start = n->start + sur.start;
	sp[c->out->nnames].end = n->start + sur.end;
	c->out->nnames++;
	return NX_OK;
}

/* ---- the tree -------------------------------------------------------------------- */

static int compile_node(cctx *c, cq *out, const nxq_node *n, int title);

/* An item of a list, compiled, with the kind of node it came from. */
typedef struct item {
	cq c;
	nxq_kind kind;
} item;

/* In a ranked list, stop words are left out when it has other weighted
 * items ("the" alone is searched for; in "the oil price" it is not). */
static int stop_words_left_out(const item *it, size_t n)
{
	size_t nweighted = 0, nstop = 0;

	for (size_t i = 0; i < n; i++) {
		nweighted += it[i].c.role == R_POS;
		nstop += it[i].c.role == R_POS && it[i].c.stop;
	}
	return nstop < nweighted;
}

/*
 * A list (side by side: op OR) or an AND (op AND) of compiled items:
 *   (op over the weighted items) AND_NOT (OR of the exclusions)
 *   FILTER (the filters: of one kind, lang: or source:, alternatives;
 *           of different kinds, all apply).
 * In a ranked list (drop_stop), stop words are left out when it has other
 * weighted items.  The items stay the caller's.  *npos: weighted items used.
 */
static int assemble(cq *out, const item *it, size_t n, enum nxx_query_op op, int drop_stop,
		    size_t *npos_out)
{
	static const nxq_kind either[] = { NXQ_LANG, NXQ_SOURCE };
	nxx_query **pos = calloc(n + 1, sizeof *pos), **neg = calloc(n + 1, sizeof *neg);
	nxx_query **filt = calloc(n + 3, sizeof *filt), **alt = calloc(n + 1, sizeof *alt);
	nxx_query *owned[2] = { NULL, NULL }, *q = NULL, *t = NULL;
	size_t npos = 0, nneg = 0, nfilt = 0;
	int rc = NX_OK, drop = drop_stop && stop_words_left_out(it, n);

	if (!pos || !neg || !filt || !alt) {
		rc = oom();
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const cq *k = &it[i].c;

		if (k->role == R_POS && !(drop && k->stop))
			pos[npos++] = op == NXX_OP_AND && k->all ? k->all : k->q;
		else if (k->role == R_NEG)
			neg[nneg++] = k->q;
		else if (k->role == R_FILTER && it[i].kind != NXQ_LANG && it[i].kind != NXQ_SOURCE)
			filt[nfilt++] = k->q;
	}
	for (size_t e = 0; e < 2 && !rc; e++) {
		size_t nalt = 0;

		for (size_t i = 0; i < n; i++)
			if (it[i].c.role == R_FILTER && it[i].kind == either[e])
				alt[nalt++] = it[i].c.q;
		if (nalt && !(rc = combine(&owned[e], NXX_OP_OR, alt, nalt, 0)))
			filt[nfilt++] = owned[e];
	}
	if (rc)
		goto out;
	if (npos_out)
		*npos_out = npos;
	out->role = npos ? R_POS : (nfilt || nneg) ? R_FILTER : R_NONE;
	if (out->role == R_NONE)
		goto out;
	if (npos)
		rc = combine(&q, op, pos, npos, 0);
	else if (nfilt)
		rc = combine(&q, NXX_OP_AND, filt, nfilt, 0);
	else
		rc = nxx_query_match_all(&q);
	if (!rc && npos && nfilt) {
		nxx_query *f = NULL;

		if (!(rc = combine(&f, NXX_OP_AND, filt, nfilt, 0))) {
			nxx_query *pair[2] = { q, f };

			rc = nxx_query_combine(&t, NXX_OP_FILTER, pair, 2, 0);
			nxx_query_free(q);
			q = t;
			t = NULL;
		}
		nxx_query_free(f);
	}
	if (!rc && nneg) {
		nxx_query *e = NULL;

		if (!(rc = combine(&e, NXX_OP_OR, neg, nneg, 0))) {
			nxx_query *pair[2] = { q, e };

			rc = nxx_query_combine(&t, NXX_OP_AND_NOT, pair, 2, 0);
			nxx_query_free(q);
			q = t;
			t = NULL;
		}
		nxx_query_free(e);
	}
	if (rc) {
		nxx_query_free(q);
		q = NULL;
	}
	out->q = q;
out:
	nxx_query_free(owned[0]);
	nxx_query_free(owned[1]);
	free(pos);
	free(neg);
	free(filt);
	free(alt);
	return rc;
}

static int compile_items(cctx *c, item **out, const nxq_node *n, int title)
{
	item *it = calloc(n->nkids + 1, sizeof *it);
	int rc = NX_OK;

	*out = it;
	if (!it)
		return oom();
	for (size_t i = 0; i < n->nkids && !rc; i++) {
		it[i].kind = n->kids[i]->kind;
		rc = compile_node(c, &it[i].c, n->kids[i], title);
	}
	return rc;
}

static void items_free(item *it, size_t n)
{
	for (size_t i = 0; it && i < n; i++)
		cq_free(&it[i].c);
	free(it);
}

/* A list (side by side) or an AND. */
static int compile_list(cctx *c, cq *out, const nxq_node *n, int title)
{
	item *it = NULL;
	int rc = compile_items(c, &it, n, title);

	if (!rc)
		rc = assemble(out, it, n->nkids, n->kind == NXQ_SEQ ? NXX_OP_OR : NXX_OP_AND,
			      n->kind == NXQ_SEQ, NULL);
	items_free(it, n->nkids);
	return rc;
}

static int compile_or(cctx *c, cq *out, const nxq_node *n, int title)
{
	nx_qvec v = { 0 };
	int rc = NX_OK, weighted = 0;

	for (size_t i = 0; i < n->nkids && !rc; i++) {
		cq k = { NULL, R_NONE, 0, 0, NULL };

		if ((rc = compile_node(c, &k, n->kids[i], title)))
			break;
		if (k.role == R_NEG) {
			/* a OR NOT b: everything but b, as an alternative. */
			nxx_query *all = NULL, *q = NULL;

			if (!(rc = nxx_query_match_all(&all))) {
				nxx_query *pair[2] = { all, k.q };

				rc = nxx_query_combine(&q, NXX_OP_AND_NOT, pair, 2, 0);
			}
			nxx_query_free(all);
			cq_free(&k);
			k.q = q;
			k.role = R_FILTER;
		}
		if (!rc && k.q) {
			weighted |= k.role == R_POS;
			rc = nx_qvec_push(&v, k.q);
			k.q = NULL;
		}
		cq_free(&k);
	}
	if (!rc && v.n) {
		rc = combine(&out->q, NXX_OP_OR, v.q, v.n, 0);
		out->role = weighted ? R_POS : R_FILTER;
	}
	nx_qvec_free(&v);
	return rc;
}

/* Exact word queries of a NEAR part, appended to v; *nwords counts them. */
static int near_part(cctx *c, nx_qvec *v, const nxq_node *n)
{
	words_ctx w;
	int rc;

	memset(&w, 0, sizeof w);
	w.c = c;
	w.exact = 1;
	w.near = 1;
	w.v = *v;
	rc = nxt_words(c->an, n->text, strlen(n->text), on_word, &w);
	*v = w.v;
	return rc;
}

static int compile_near(cctx *c, cq *out, const nxq_node *n)
{
	nx_qvec v = { 0 };
	int rc = NX_OK;

	for (size_t i = 0; i < n->nkids && !rc; i++)
		rc = near_part(c, &v, n->kids[i]);
	if (!rc && v.n) {
		/* Xapian's window spans all the words: n words between two
		 * words is a window of n + 2. */
		rc = v.n == 1 ? combine(&out->q, NXX_OP_OR, v.q, 1, 0)
			      : nxx_query_combine(&out->q, NXX_OP_NEAR, v.q, v.n,
						  (uint32_t)(n->window + v.n));
		out->role = R_POS;
	}
	nx_qvec_free(&v);
	return rc;
}

static int compile_node(cctx *c, cq *out, const nxq_node *n, int title)
{
	int rc;

	memset(out, 0, sizeof *out);
	switch (n->kind) {
	case NXQ_SEQ:
	case NXQ_AND:
		return compile_list(c, out, n, title);
	case NXQ_OR:
		return compile_or(c, out, n, title);
	case NXQ_NOT:
		if ((rc = compile_node(c, out, n->kids[0], title)))
			return rc;
		if (out->role == R_NEG) {
			/* NOT NOT a is a, without its weight. */
			out->role = R_FILTER;
		} else if (out->role != R_NONE) {
			out->role = R_NEG;
		}
		return NX_OK;
	case NXQ_NEAR:
		return compile_near(c, out, n);
	case NXQ_WORDS:
		return compile_text(c, out, n->text, n->start, 0, title);
	case NXQ_PHRASE:
		return compile_text(c, out, n->text, n->start, 1, title);
	case NXQ_PERSON:
		return compile_person(c, out, n);
	case NXQ_PREFIX:
		return compile_prefix(c, out, n, title);
	case NXQ_TITLE:
		return compile_node(c, out, n->kids[0], 1);
	case NXQ_LANG:
		out->role = R_FILTER;
		return boolean_term(c, &out->q, NX_PREFIX_LANG, n->text);
	case NXQ_SOURCE:
		return compile_source(c, out, n);
	case NXQ_DATE:
		out->role = R_FILTER;
		return date_filter(c, &out->q, n);
	}
	return nx_error_set(NX_ERROR, "unknown query node %d", (int)n->kind);
}

/* ---- entry point ------------------------------------------------------------------ */

/* A part's label for --explain: the query text it came from. */
static int add_part(cctx *c, const nxq_node *n, nxx_query *q)
{
	nxq_compiled *o = c->out;
	nxx_query **parts = realloc(o->parts, (o->nparts + 1) * sizeof *parts);
	char **labels;
	nx_buf b = NX_BUF_INIT;

	if (!parts)
		return oom();
	o->parts = parts;
	labels = realloc(o->labels, (o->nparts + 1) * sizeof *labels);
	if (!labels)
		return oom();
	o->labels = labels;
	if (n->kind == NXQ_WORDS || n->kind == NXQ_PREFIX)
		nx_buf_printf(&b, "%s%s", n->text, n->kind == NXQ_PREFIX ? "*" : "");
	else
		nxq_dump(&b, n);
	nx_buf_putc(&b, '\0');
	if (b.failed) {
		nx_buf_free(&b);
		return oom();
	}
	if (nxx_query_scale(&o->parts[o->nparts], q, 1.0)) {
		nx_buf_free(&b);
		return NX_ENOMEM;
	}
	o->labels[o->nparts++] = b.ptr;
	return NX_OK;
}

int nxq_compile(nxq_compiled *out, const nxq_node *root, const char *query, nx_db *db,
		nxt_analyzer *an, nx_qterms *qt)
{
	cctx c;
	cq top = { NULL, R_NONE, 0, 0, NULL };
	item *it = NULL, one;
	size_t nit = 0, npos = 0;
	const nxq_node *const *nodes;
	int rc;

	memset(out, 0, sizeof *out);
	memset(&c, 0, sizeof c);
	c.db = db;
	c.an = an;
	c.qt = qt;
	c.query = query;
	c.out = out;
	/* The top level's items are compiled once: the ranked query, the
	 * all-items query and the parts of --explain are built from them. */
	if (root->kind == NXQ_SEQ) {
		nit = root->nkids;
		nodes = (const nxq_node *const *)root->kids;
		rc = compile_items(&c, &it, root, 0);
		if (!rc)
			rc = assemble(&top, it, nit, NXX_OP_OR, 1, &npos);
	} else {
		nit = 1;
		nodes = &root;
		memset(&one, 0, sizeof one);
		one.kind = root->kind;
		rc = compile_node(&c, &one.c, root, 0);
		if (!rc) {
			top = one.c;
			one.c.q = one.c.all = NULL;
			if (top.q && (rc = nxx_query_scale(&one.c.q, top.q, 1.0)) == NX_OK)
				npos = top.role == R_POS;
		}
		it = &one;
	}
	if (!rc && top.role == R_NONE)
		rc = nx_error_set(NX_ESYNTAX, "the query has no words to search for (column 1)");
	if (!rc && top.role == R_NEG) {
		/* Only exclusions: everything else. */
		nxx_query *all = NULL, *q = NULL;

		if (!(rc = nxx_query_match_all(&all))) {
			nxx_query *pair[2] = { all, top.q };

			rc = nxx_query_combine(&q, NXX_OP_AND_NOT, pair, 2, 0);
		}
		nxx_query_free(all);
		nxx_query_free(top.q);
		top.q = q;
		top.role = R_FILTER;
	}
	if (!rc) {
		out->q = top.q;
		top.q = NULL;
		out->weighted = top.role == R_POS;
	}
	/* The parts that weigh (for --explain) and the plain words; stop
	 * words count only when the ranked list kept them. */
	if (!rc && out->weighted) {
		int drop = stop_words_left_out(it, nit);

		for (size_t i = 0; i < nit && !rc; i++) {
			const cq *k = &it[i].c;

			if (k->role != R_POS || (k->stop && drop))
				continue;
			rc = add_part(&c, nodes[i], k->q);
			if (k->single && !k->stop)
				out->nwords++;
		}
	}
	/* Every weighted item at once, when there are two or more. */
	if (!rc && out->weighted && root->kind == NXQ_SEQ && npos >= 2) {
		cq all = { NULL, R_NONE, 0, 0, NULL };

		rc = assemble(&all, it, nit, NXX_OP_AND, 1, NULL);
		out->all = all.q;
	} else if (!rc && out->weighted && top.all) {
		/* One item that is stricter with all of its words. */
		out->all = top.all;
		top.all = NULL;
	}
	if (root->kind == NXQ_SEQ)
		items_free(it, nit);
	else
		cq_free(&one.c);
	cq_free(&top);
	nx_buf_free(&c.scratch);
	nx_buf_free(&c.langs);
	if (rc)
		nxq_compiled_free(out);
	return rc;
}

void nxq_compiled_free(nxq_compiled *c)
{
	nxx_query_free(c->q);
	nxx_query_free(c->all);
	for (size_t i = 0; i < c->nparts; i++) {
		nxx_query_free(c->parts[i]);
		free(c->labels[i]);
	}
	free(c->parts);
	free(c->labels);
	free(c->words);
	free(c->names);
	memset(c, 0, sizeof *c);
}
