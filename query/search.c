/*
 * search.c — nx_search(): parse and compile the query (parse.c, compile.c),
 * rank passages, keep the best passage per article, and hand back hits with
 * their highlights, snippet windows and, on request, the parts of their
 * scores.
 *
 * Ranking, in order:
 *   1. BM25 over passages; each query word also matches the stems of the
 *      article's title (S terms, in every passage), so a title match adds
 *      weight (store/terms.c decides a word's terms).
 *   2. Passages that hold every item of the query come first: the stricter
 *      query runs first, the ranked one fills up after it.
 *   3. Long queries (NX_FEEDBACK_MIN_WORDS plain words: questions, pasted
 *      text) are expanded with the terms that best tell their best few
 *      passages from the rest (pseudo-relevance feedback, Bo1 as in
 *      Terrier, each term shared by two of those passages at least).  The
 *      expansion only reorders: every hit still matches the query as typed.
 *   4. With recent_days, a recency boost multiplies the score.
 * EVALUATION.md has the effect of each step on judged collections.
 */
#include "nx_query.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unicode/utf8.h>

/* ---- tuning (each measured with scripts/eval, see EVALUATION.md) ---------- */

/* Feedback: from the best passages of this many best articles, this many
 * stems (Bo1-weighted, each found in at least NX_FEEDBACK_MIN_DOCS of those
 * passages), the best one weighted this much against a query word. */
#define NX_FEEDBACK_MIN_WORDS 5
#define NX_FEEDBACK_DOCS 5
#define NX_FEEDBACK_MIN_DOCS 2
#define NX_FEEDBACK_TERMS 20
#define NX_FEEDBACK_WEIGHT 0.5
/* Recency: today's articles score up to (1 + this) times their weight. */
#define NX_RECENCY_WEIGHT 1.0
/* Snippet: the densest run of this many words, with opts->context words
 * on each side. */
#define NX_SNIPPET_CORE 16
/* "Did you mean" when the query finds fewer articles than this. */
#define NX_SUGGEST_BELOW 5

struct nx_results {
	nx_hit *hits;
	size_t n;
	size_t estimate;
	nx_stored *docs;  /* the stored data of each hit: owns its strings */
	nx_span **spans;  /* highlights of each hit */
	char **explains;  /* --explain text of each hit */
	nx_matched_form **matched;  /* each hit's matched forms (one block) */
	char *suggestion;
};

/* ---- candidates ------------------------------------------------------------ */

/* A passage that may be shown: where it is, its score, its tier. */
typedef struct cand {
	nxx_mset *m;
	size_t i;
	nxx_docid docid;
	double weight;     /* from Xapian */
	double score;      /* after recency */
	double recency;    /* the factor applied (1: none) */
	int all;           /* from the all-items query */
	char *key;         /* article key (or docid) for de-duplication */
} cand;

typedef struct cands {
	cand *c;
	size_t n, cap;
	nxx_mset *msets[2];
	size_t nmsets;
} cands;

static void cands_free(cands *cs)
{
	for (size_t i = 0; i < cs->n; i++)
		free(cs->c[i].key);
	free(cs->c);
	for (size_t i = 0; i < cs->nmsets; i++)
		nxx_mset_free(cs->msets[i]);
	memset(cs, 0, sizeof *cs);
}

static int cands_has(const cands *cs, const char *key)
{
	for (size_t i = 0; i < cs->n; i++)
		if (!strcmp(cs->c[i].key, key))
			return 1;
	return 0;
}

/* Append the hits of m not already held (by article, or by passage). */
static int cands_add(cands *cs, nxx_mset *m, int all, int by_article)
{
	int rc = NX_OK;

	cs->msets[cs->nmsets++] = m;
	for (size_t i = 0; i < nxx_mset_size(m) && !rc; i++) {
		nxx_hit h;
		char *key = NULL, num[16];
		size_t len;

		if ((rc = nxx_mset_hit(&h, m, i)))
			break;
		if (by_article) {
			if ((rc = nxx_mset_value(&key, &len, m, i, NX_SLOT_ARTICLE)))
				break;
		} else {
			snprintf(num, sizeof num, "%u", (unsigned)h.docid);
			if (!(key = strdup(num))) {
				rc = nx_error_set(NX_ENOMEM, "out of memory ranking results");
				break;
			}
		}
		if (!all && cs->n && cands_has(cs, key)) {
			free(key);
			continue;
		}
		if (cs->n == cs->cap) {
			size_t cap = cs->cap ? cs->cap * 2 : 32;
			cand *c = realloc(cs->c, cap * sizeof *c);

			if (!c) {
				free(key);
				rc = nx_error_set(NX_ENOMEM, "out of memory ranking results");
				break;
			}
			cs->c = c;
			cs->cap = cap;
		}
		cs->c[cs->n] = (cand){ m, i, h.docid, h.weight, h.weight, 1.0, all, key };
		cs->n++;
	}
	return rc;
}

/* ---- feedback --------------------------------------------------------------- */

typedef struct fb_term {
	char *term;
	double weight;
} fb_term;

typedef struct fb_ctx {
	fb_term t[NX_FEEDBACK_TERMS];
	size_t n;
} fb_ctx;

static int on_expand(void *vc, const char *term, size_t len, double weight)
{
	fb_ctx *f = vc;

	if (f->n == NX_FEEDBACK_TERMS)
		return NX_OK;
	if (!(f->t[f->n].term = strndup(term, len)))
		return nx_error_set(NX_ENOMEM, "out of memory expanding the query");
	f->t[f->n++].weight = weight;
	return NX_OK;
}

/* The expansion of q from its best articles' passages (*out: NULL when
 * there is nothing to add).  Expansion terms are index terms already (Z
 * stems of the passages), not words to analyse. */
static int feedback_query(nxx_query **out, nx_db *db, const nxx_query *q, const nxx_enquire_opts *eo)
{
	nxx_enquire_opts fo = *eo;
	nxx_mset *m = NULL;
	nxx_docid docs[NX_FEEDBACK_DOCS];
	nxx_query *terms[NX_FEEDBACK_TERMS];
	size_t nd = 0, nt = 0;
	fb_ctx f;
	int rc;

	*out = NULL;
	memset(&f, 0, sizeof f);
	fo.offset = 0;
	fo.limit = NX_FEEDBACK_DOCS;
	fo.collapse_slot = NX_SLOT_ARTICLE;
	fo.sort_by_value = -1;
	if ((rc = nxx_enquire(&m, db->x, q, &fo)))
		return rc;
	for (size_t i = 0; i < nxx_mset_size(m) && nd < NX_FEEDBACK_DOCS && !rc; i++) {
		nxx_hit h;

		if (!(rc = nxx_mset_hit(&h, m, i)))
			docs[nd++] = h.docid;
	}
	nxx_mset_free(m);
	if (!rc && nd)
		rc = nxx_expand(db->x, docs, nd, NX_PREFIX_STEM, NX_FEEDBACK_MIN_DOCS, NX_WDF_SCALE, q,
				 NX_FEEDBACK_TERMS,
				 on_expand, &f);
	for (size_t i = 0; i < f.n && !rc; i++) {
		nxx_query *t = NULL;

		if (f.t[0].weight <= 0)
			break;
		rc = nxx_query_term(&t, f.t[i].term, strlen(f.t[i].term), 1, 0);
		if (!rc)
			rc = nxx_query_scale(&terms[nt], t, NX_FEEDBACK_WEIGHT * f.t[i].weight / f.t[0].weight);
		if (!rc)
			nt++;
		nxx_query_free(t);
	}
	if (!rc && nt)
		rc = nxx_query_combine(out, NXX_OP_OR, terms, nt, 0);
	for (size_t i = 0; i < nt; i++)
		nxx_query_free(terms[i]);
	for (size_t i = 0; i < f.n; i++)
		free(f.t[i].term);
	return rc;
}

/* q AND_MAYBE e, in place. */
static int boost_with(nxx_query **q, const nxx_query *e)
{
	nxx_query *pair[2] = { *q, (nxx_query *)e }, *b = NULL;
	int rc = nxx_query_combine(&b, NXX_OP_AND_MAYBE, pair, 2, 0);

	if (rc)
		return rc;
	nxx_query_free(*q);
	*q = b;
	return NX_OK;
}

/* ---- recency ----------------------------------------------------------------- */

/* Days since 1970 of "YYYY-MM-DD", or -1. */
static long iso_days(const char *s)
{
	int y, m, d;
	struct tm tm;

	if (!s || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	return (long)(timegm(&tm) / 86400);
}

static int apply_recency(cands *cs, double half_life, int64_t now)
{
	long today = (long)(now / 86400);

	for (size_t i = 0; i < cs->n; i++) {
		cand *c = &cs->c[i];
		char *v = NULL;
		size_t len;
		long days;
		int rc;

		if ((rc = nxx_mset_value(&v, &len, c->m, c->i, NX_SLOT_DATE)))
			return rc;
		days = iso_days(v);
		free(v);
		if (days < 0)
			continue;
		/* Future dates count as today. */
		c->recency = 1.0 + NX_RECENCY_WEIGHT *
				   pow(0.5, (double)(today > days ? today - days : 0) / half_life);
		c->score = c->weight * c->recency;
	}
	return NX_OK;
}

static int by_tier_score(const void *a, const void *b)
{
	const cand *x = a, *y = b;

	if (x->all != y->all)
		return y->all - x->all;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->docid < y->docid ? -1 : x->docid > y->docid;
}

/* ---- did you mean ------------------------------------------------------------- */

/* Decode UTF-8 into code points (at most max); returns the count. */
static size_t code_points(uint32_t *out, size_t max, const char *s, size_t len)
{
	size_t n = 0;
	int32_t i = 0;

	while (i < (int32_t)len && n < max) {
		UChar32 c;

		U8_NEXT(s, i, (int32_t)len, c);
		out[n++] = (uint32_t)c;
	}
	return n;
}

/* Damerau-Levenshtein (optimal string alignment) distance over code
 * points, or max + 1 when it is larger. */
static unsigned typo_distance(const char *a, size_t alen, const char *b, size_t blen, unsigned max)
{
	uint32_t x[48], y[48];
	unsigned d[49][49];
	size_t n = code_points(x, 48, a, alen), m = code_points(y, 48, b, blen);

	if ((n > m ? n - m : m - n) > max)
		return max + 1;
	for (size_t i = 0; i <= n; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= n; i++) {
		unsigned best = max + 1;

		for (size_t j = 1; j <= m; j++) {
			unsigned v = d[i - 1][j - 1] + (x[i - 1] != y[j - 1]);

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
			if (v < best)
				best = v;
		}
		if (best > max)
			return max + 1;
	}
	return d[n][m] > max ? max + 1 : d[n][m];
}

typedef struct spell_ctx {
	const char *word;
	size_t len;
	unsigned max;
	uint32_t own;        /* the word's own frequency */
	char *best;
	unsigned best_dist;
	uint32_t best_freq;
} spell_ctx;

static int on_spelling(void *vc, const char *term, size_t len, uint32_t freq)
{
	spell_ctx *s = vc;
	unsigned d;

	if (freq <= s->own || (len == s->len && !memcmp(term, s->word, len)))
		return NX_OK;
	d = typo_distance(s->word, s->len, term, len, s->max);
	if (d > s->max || d > s->best_dist || (d == s->best_dist && freq <= s->best_freq))
		return NX_OK;
	free(s->best);
	if (!(s->best = strndup(term, len)))
		return nx_error_set(NX_ENOMEM, "out of memory finding a spelling");
	s->best_dist = d;
	s->best_freq = freq;
	return NX_OK;
}

typedef struct one_word {
	char norm[64];
	size_t len, n;
} one_word;

static int on_one_word(void *vc, const nxt_token *t)
{
	one_word *w = vc;

	if (w->n++ == 0 && t->norm_len < sizeof w->norm) {
		memcpy(w->norm, t->norm, t->norm_len);
		w->len = t->norm_len;
	}
	return NX_OK;
}

/* The query with each unknown or rare word replaced by the most frequent
 * word of the index within one typo (two for long words) that shares its
 * first letter (*out NULL when there is none).  Cheap: only the words that
 * start like it are looked at, and only when the query found little. */
static int suggest(char **out, nx_db *db, nxt_analyzer *an, const char *query, const nxq_compiled *cc)
{
	nx_buf b = NX_BUF_INIT;
	size_t at = 0;
	int changed = 0, rc = NX_OK;

	*out = NULL;
	for (size_t i = 0; i < cc->nwords_typed && !rc; i++) {
		const nx_span *sp = &cc->words[i];
		one_word w;
		spell_ctx s;
		char first[8];
		size_t flen;

		memset(&w, 0, sizeof w);
		if ((rc = nxt_words(an, query + sp->start, sp->end - sp->start, on_one_word, &w)))
			break;
		if (w.n != 1 || w.len == 0 || w.len >= sizeof w.norm || w.len < 3)
			continue;
		memset(&s, 0, sizeof s);
		s.word = w.norm;
		s.len = w.len;
		s.best_dist = 99;
		if ((rc = nxx_db_termfreq(&s.own, db->x, w.norm, w.len)))
			break;
		if (s.own >= 3)
			continue;
		{
			uint32_t cps[48];
			size_t ncp = code_points(cps, 48, w.norm, w.len);

			s.max = ncp <= 4 ? 1 : 2;
		}
		flen = ((unsigned char)w.norm[0] < 0x80) ? 1 : ((unsigned char)w.norm[0] < 0xE0) ? 2 :
		       ((unsigned char)w.norm[0] < 0xF0) ? 3 : 4;
		memcpy(first, w.norm, flen);
		first[flen] = '\0';
		rc = nxx_db_allterms(db->x, first, on_spelling, &s);
		if (!rc && s.best) {
			nx_buf_put(&b, query + at, sp->start - at);
			nx_buf_puts(&b, s.best);
			at = sp->end;
			changed = 1;
		}
		free(s.best);
	}
	if (!rc && changed) {
		nx_buf_puts(&b, query + at);
		nx_buf_putc(&b, '\0');
		if (b.failed)
			rc = nx_error_set(NX_ENOMEM, "out of memory finding a spelling");
		else
			*out = b.ptr;
	}
	if (rc || !changed)
		nx_buf_free(&b);
	return rc;
}

/* ---- hits ---------------------------------------------------------------------- */

static int fill_hit(nx_results *r, size_t i, const cand *c, const nx_search_options *opts,
		    nxt_analyzer *an, const nx_qterms *qt, const nx_qforms *qf, nx_hlcache *hc)
{
	nx_hit *h = &r->hits[i];
	nx_stored *sd = &r->docs[i];
	nx_span win = { 0, 0 };
	char *data = NULL, what[32];
	size_t len = 0;
	int rc;

	if ((rc = nxx_mset_data(&data, &len, c->m, c->i)))
		return rc;
	snprintf(what, sizeof what, "document %u", (unsigned)c->docid);
	rc = nx_stored_parse(sd, data, len, what);
	free(data);
	if (rc)
		return rc;
	h->rank = opts->offset + i + 1;
	h->score = c->score;
	h->id = sd->id;
	h->title = sd->title;
	h->date = sd->date;
	h->source = sd->source;
	h->url = sd->url;
	h->lang = sd->lang;
	h->passage = sd->text;
	h->passage_len = sd->text_len;
	h->passage_start = sd->start;
	h->passage_end = h->passage_start + h->passage_len;
	h->passage_no = (unsigned)sd->no;
	h->explain = "";
	h->all_words = c->all;
	rc = nx_highlight_forms(&r->spans[i], &h->nhighlights, &win, &r->matched[i], &h->nmatched,
				an, qt, qf, h->lang, h->passage, h->passage_len, NX_SNIPPET_CORE,
				opts->context, hc);
	h->highlights = r->spans[i];
	h->matched = r->matched[i];
	h->snippet_start = win.start;
	h->snippet_end = win.end;
	return rc;
}

/* The parts of each shown hit's score: each top-level item's weight in the
 * passage, the feedback's, and the recency factor. */
static int explain_hits(nx_results *r, const cand *shown, nx_db *db, const nxq_compiled *cc,
			const nxx_query *fb, const nxx_enquire_opts *eo, int tiered)
{
	nxx_docid *docs = calloc(r->n + 1, sizeof *docs);
	double *w = calloc(r->n + 1, sizeof *w);
	nx_buf *b = calloc(r->n + 1, sizeof *b);
	int rc = NX_OK;

	if (!docs || !w || !b) {
		rc = nx_error_set(NX_ENOMEM, "out of memory explaining scores");
		goto out;
	}
	for (size_t i = 0; i < r->n; i++) {
		docs[i] = shown[i].docid;
		if (tiered)
			nx_buf_printf(&b[i], "%s; ", shown[i].all ? "has every word: ranked first"
								 : "has some of the words");
		nx_buf_printf(&b[i], "bm25 %.3f", shown[i].weight);
	}
	for (size_t p = 0; p <= cc->nparts && !rc; p++) {
		const nxx_query *q = p < cc->nparts ? cc->parts[p] : fb;
		const char *label = p < cc->nparts ? cc->labels[p] : "feedback";

		if (!q || (rc = nxx_weigh(w, db->x, q, docs, r->n, eo)))
			continue;
		for (size_t i = 0; i < r->n; i++)
			nx_buf_printf(&b[i], "%s%s %.3f", p == 0 ? " = " : " + ", label, w[i]);
	}
	for (size_t i = 0; i < r->n && !rc; i++) {
		if (shown[i].recency != 1.0)
			nx_buf_printf(&b[i], "; x recency %.3f = %.3f", shown[i].recency, shown[i].score);
		nx_buf_putc(&b[i], '\0');
		if (b[i].failed) {
			rc = nx_error_set(NX_ENOMEM, "out of memory explaining scores");
			break;
		}
		r->explains[i] = b[i].ptr;
		b[i].ptr = NULL;
		r->hits[i].explain = r->explains[i];
	}
out:
	for (size_t i = 0; b && i < r->n; i++)
		nx_buf_free(&b[i]);
	free(b);
	free(docs);
	free(w);
	return rc;
}

/* ---- nx_search ------------------------------------------------------------------- */

/* Run q for up to `limit` hits into cs (tier `all`). */
static int run_into(cands *cs, nx_db *db, const nxx_query *q, const nxx_enquire_opts *base,
		    size_t limit, int all, int by_article, size_t *estimate)
{
	nxx_enquire_opts eo = *base;
	nxx_mset *m = NULL;
	int rc;

	eo.offset = 0;
	eo.limit = limit;
	if ((rc = nxx_enquire(&m, db->x, q, &eo)))
		return rc;
	if (estimate)
		*estimate = nxx_mset_estimate(m);
	if (!limit) {
		nxx_mset_free(m);
		return NX_OK;
	}
	return cands_add(cs, m, all, by_article);
}

/* An ISO 639 code (2 or 3 letters, any case) in lower case into out;
 * NX_EINVAL otherwise. */
int nxq_lang_code(char out[4], const char *lang)
{
	size_t n = strlen(lang);

	for (size_t i = 0; i < n && i < 4; i++) {
		char c = lang[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c < 'a' || c > 'z')
			n = 0;
		else
			out[i] = c;
	}
	if (n < 2 || n > 3)
		return nx_error_set(NX_EINVAL, "lang wants a language code such as en, ru or kk, "
				    "not '%s'", lang);
	out[n] = '\0';
	return NX_OK;
}

static int search_once(nx_results **out, nx_db *db, const char *query,
		       const nx_search_options *user_opts)
{
	nx_search_options opts = NX_SEARCH_OPTIONS_INIT;
	nxx_enquire_opts eo = NXX_ENQUIRE_OPTS_INIT;
	nx_qterms qt;
	nx_qforms qf = { NX_BUF_INIT, 0 };
	nx_hlcache hc = NX_HLCACHE_INIT;
	nxq_node *root = NULL;
	nxq_compiled cc;
	nxx_query *fb = NULL;
	cands cs;
	nxt_analyzer *an;
	nx_results *r = NULL;
	size_t need, fetch, est_all = 0, est = 0;
	int64_t now;
	char lang[4];
	int rc;

	*out = NULL;
	memset(&cc, 0, sizeof cc);
	memset(&cs, 0, sizeof cs);
	memset(&qt, 0, sizeof qt);
	if (!db || !query)
		return nx_error_set(NX_EINVAL, "nx_search needs an index and a query");
	if (user_opts) {
		if (user_opts->version == 1)
			memcpy(&opts, user_opts, offsetof(nx_search_options, explain));
		else if (user_opts->version == 2)
			memcpy(&opts, user_opts, offsetof(nx_search_options, lang));
		else if (user_opts->version == NX_SEARCH_OPTIONS_VERSION)
			opts = *user_opts;
		else
			return nx_error_set(NX_EINVAL, "nx_search_options version %u not supported",
					    user_opts->version);
		opts.version = NX_SEARCH_OPTIONS_VERSION;
	}
	if (!(opts.recent_days >= 0))
		return nx_error_set(NX_EINVAL, "recent_days must be 0 (off) or a number of days");
	if (opts.lang && (rc = nxq_lang_code(lang, opts.lang)))
		return rc;
	if (!nxt_utf8_valid(query, strlen(query)))
		return nx_error_set(NX_ESYNTAX, "the query is not valid UTF-8");
	now = opts.now ? opts.now : (int64_t)time(NULL);
	if ((rc = nx_db_analyzer(&an, db)))
		return rc;
	if ((rc = nxq_parse(&root, NULL, query, now)))
		return rc;
	qt.db = db;
	qt.lang = opts.lang ? lang : NULL;
	if ((rc = nxq_compile(&cc, root, query, db, an, &qt)))
		goto out;
	/* Names expanded: which query word a spelling stands for. */
	if (qt.nnames && (rc = nx_qforms_build(&qf, db, an, query, &cc)))
		goto out;

	eo.lazy = 1;   /* only the shown hits' documents are read */
	eo.bm25_k1 = NX_QUERY_BM25_K1;
	eo.bm25_b = NX_QUERY_BM25_B;
	eo.collapse_slot = opts.all_passages ? -1 : NX_SLOT_ARTICLE;
	if (!cc.weighted)
		eo.sort_by_value = NX_SLOT_DATE;   /* only filters: newest first */

	if (cc.weighted && (opts.feedback > 0 ||
			    (opts.feedback == 0 && cc.nwords >= NX_FEEDBACK_MIN_WORDS))) {
		if ((rc = feedback_query(&fb, db, cc.q, &eo)))
			goto out;
		if (fb && ((rc = boost_with(&cc.q, fb)) || (cc.all && (rc = boost_with(&cc.all, fb)))))
			goto out;
	}

	/* Candidates: the all-items tier first, then the rest; recency
	 * re-ranks a wider set than is shown. */
	need = opts.offset + opts.limit;
	fetch = need;
	if (opts.recent_days > 0 && cc.weighted)
		fetch = need + (need > 50 ? need : 50);
	if (cc.all && (rc = run_into(&cs, db, cc.all, &eo, fetch, 1, !opts.all_passages, &est_all)))
		goto out;
	if (cs.n < fetch)
		rc = run_into(&cs, db, cc.q, &eo, fetch + cs.n, 0, !opts.all_passages, &est);
	else
		rc = run_into(&cs, db, cc.q, &eo, 0, 0, !opts.all_passages, &est);
	if (rc)
		goto out;
	if (opts.recent_days > 0 && cc.weighted &&
	    (rc = apply_recency(&cs, opts.recent_days, now)))
		goto out;
	if (opts.recent_days > 0 && cc.weighted)
		qsort(cs.c, cs.n, sizeof *cs.c, by_tier_score);

	r = calloc(1, sizeof *r);
	if (!r) {
		rc = nx_error_set(NX_ENOMEM, "out of memory holding results");
		goto out;
	}
	r->estimate = est > est_all ? est : est_all;
	if (r->estimate < cs.n)
		r->estimate = cs.n;
	r->n = cs.n > opts.offset ? cs.n - opts.offset : 0;
	if (r->n > opts.limit)
		r->n = opts.limit;
	if (r->n) {
		r->hits = calloc(r->n, sizeof *r->hits);
		r->docs = calloc(r->n, sizeof *r->docs);
		r->spans = calloc(r->n, sizeof *r->spans);
		r->explains = calloc(r->n, sizeof *r->explains);
		r->matched = calloc(r->n, sizeof *r->matched);
		if (!r->hits || !r->docs || !r->spans || !r->explains || !r->matched) {
			rc = nx_error_set(NX_ENOMEM, "out of memory holding results");
			goto out;
		}
	}
	for (size_t i = 0; i < r->n && !rc; i++)
		rc = fill_hit(r, i, &cs.c[opts.offset + i], &opts, an, &qt, &qf, &hc);
	if (!rc && opts.explain && r->n)
		rc = explain_hits(r, cs.c + opts.offset, db, &cc, fb, &eo, cc.all != NULL);
	if (!rc && cc.weighted && r->estimate < NX_SUGGEST_BELOW && opts.offset == 0)
		rc = suggest(&r->suggestion, db, an, query, &cc);
out:
	cands_free(&cs);
	nxx_query_free(fb);
	nxq_compiled_free(&cc);
	nxq_free(root);
	nx_qterms_free(&qt);
	nx_qforms_free(&qf);
	nx_hlcache_free(&hc);
	if (rc) {
		nx_results_free(r);
		return rc;
	}
	*out = r;
	return NX_OK;
}

/* The index changed under us (an indexer committed), or a writer discarded
 * the revision meanwhile (hits' documents are read after the queries ran,
 * eo.lazy): the whole search again on the newest state, a few times
 * (NX_SEARCH_RETRIES). */
int nx_search(nx_results **out, nx_db *db, const char *query, const nx_search_options *user_opts)
{
	for (int attempt = 0;; attempt++) {
		int rc = search_once(out, db, query, user_opts);

		if (rc != NX_EMODIFIED || attempt == NX_SEARCH_RETRIES)
			return rc;
		if ((rc = nx_db_reopen(db)))
			return rc;
	}
}

size_t nx_results_count(const nx_results *r)
{
	return r ? r->n : 0;
}

size_t nx_results_estimate(const nx_results *r)
{
	return r ? r->estimate : 0;
}

const nx_hit *nx_results_get(const nx_results *r, size_t i)
{
	return r && i < r->n ? &r->hits[i] : NULL;
}

const char *nx_results_suggestion(const nx_results *r)
{
	return r ? r->suggestion : NULL;
}

void nx_results_free(nx_results *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		if (r->docs)
			nx_stored_free(&r->docs[i]);
		if (r->spans)
			free(r->spans[i]);
		if (r->explains)
			free(r->explains[i]);
		if (r->matched)
			free(r->matched[i]);
	}
	free(r->hits);
	free(r->docs);
	free(r->spans);
	free(r->explains);
	free(r->matched);
	free(r->suggestion);
	free(r);
}
