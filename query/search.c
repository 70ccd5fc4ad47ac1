/*
 * search.c — nx_search(): parse a query with the same analyzer that indexed
 * the text, rank passages with BM25, keep the best passage per article, and
 * hand back hits with their highlights.
 *
 * Query syntax (this version): words, and "double-quoted phrases".  Each
 * word matches its stem (Z-prefixed terms) or its exact normalised form,
 * as one synonym for weighting; a phrase matches its words in order.
 */
#include "nx_query.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

struct nx_results {
	nx_hit *hits;
	size_t n;
	size_t estimate;
	json_t **docs;    /* the stored JSON of each hit: owns its strings */
	nx_span **spans;  /* highlights of each hit */
};

/* ---- parsing ------------------------------------------------------------ */

typedef struct qlist {
	nxx_query **q;
	size_t n, cap;
} qlist;

static int qlist_push(qlist *l, nxx_query *q)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		nxx_query **p = realloc(l->q, cap * sizeof *p);

		if (!p) {
			nxx_query_free(q);
			return nx_error_set(NX_ENOMEM, "out of memory parsing the query");
		}
		l->q = p;
		l->cap = cap;
	}
	l->q[l->n++] = q;
	return NX_OK;
}

static void qlist_free(qlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		nxx_query_free(l->q[i]);
	free(l->q);
	l->q = NULL;
	l->n = l->cap = 0;
}

typedef struct parse_ctx {
	nxt_analyzer *an;
	nx_qterms *qt;
	qlist *out;       /* where words / phrase words go */
	int exact;        /* inside a phrase: exact forms with positions */
	nx_buf term;
} parse_ctx;

static int on_query_word(void *vc, const nxt_token *t)
{
	parse_ctx *c = vc;
	nxx_query *q = NULL;
	int rc = nx_query_for_word(&q, c->an, c->qt, t, c->exact, &c->term);

	if (rc || !q)
		return rc;
	return qlist_push(c->out, q);
}

/* Turn the query string into a Xapian query (*out) and the terms to
 * highlight (*qt). */
static int parse_query(nxx_query **out, nx_qterms *qt, nxt_analyzer *an, const char *query)
{
	qlist top = { 0 }, phrase = { 0 };
	parse_ctx c = { an, qt, &top, 0, NX_BUF_INIT };
	const char *p = query, *q;
	int rc = NX_OK;

	*out = NULL;
	while (*p && !rc) {
		if (*p != '"') {
			q = strchr(p, '"');
			if (!q)
				q = p + strlen(p);
			c.exact = 0;
			c.out = &top;
			rc = nxt_words(an, p, (size_t)(q - p), on_query_word, &c);
			p = q;
			continue;
		}
		q = strchr(p + 1, '"');
		if (!q) {
			rc = nx_error_set(NX_ESYNTAX,
					  "unbalanced quote at character %zu: a phrase needs a closing \"",
					  (size_t)(p - query) + 1);
			break;
		}
		c.exact = 1;
		c.out = &phrase;
		rc = nxt_words(an, p + 1, (size_t)(q - p - 1), on_query_word, &c);
		if (!rc && phrase.n == 1) {
			rc = qlist_push(&top, phrase.q[0]);
			phrase.n = 0;
		} else if (!rc && phrase.n > 1) {
			nxx_query *ph = NULL;

			rc = nxx_query_combine(&ph, NXX_OP_PHRASE, phrase.q, phrase.n, 0);
			if (!rc)
				rc = qlist_push(&top, ph);
		}
		qlist_free(&phrase);
		p = q + 1;
	}
	if (!rc && top.n == 0)
		rc = nx_error_set(NX_ESYNTAX, "the query has no words to search for");
	if (!rc)
		rc = nxx_query_combine(out, NXX_OP_OR, top.q, top.n, 0);
	qlist_free(&top);
	qlist_free(&phrase);
	nx_buf_free(&c.term);
	return rc;
}

/* ---- results ------------------------------------------------------------ */

static const char *str_field(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static size_t int_field(json_t *o, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(o, key));

	return v > 0 ? (size_t)v : 0;
}

static int fill_hit(nx_results *r, size_t i, nxx_mset *m, const nx_search_options *opts,
		    nxt_analyzer *an, const nx_qterms *qt)
{
	nx_hit *h = &r->hits[i];
	nxx_hit xh;
	json_t *doc, *text;
	json_error_t jerr;
	char *data = NULL;
	size_t len = 0;
	int rc;

	if ((rc = nxx_mset_hit(&xh, m, i)) || (rc = nxx_mset_data(&data, &len, m, i)))
		return rc;
	doc = json_loadb(data, len, 0, &jerr);
	free(data);
	if (!doc || !json_is_object(doc)) {
		json_decref(doc);
		return nx_error_set(NX_ECORRUPT, "document %u has unreadable stored data: %s",
				    (unsigned)xh.docid, jerr.text);
	}
	r->docs[i] = doc;
	text = json_object_get(doc, "text");
	h->rank = opts->offset + i + 1;
	h->score = xh.weight;
	h->id = str_field(doc, "id");
	h->title = str_field(doc, "title");
	h->date = str_field(doc, "date");
	h->source = str_field(doc, "source");
	h->url = str_field(doc, "url");
	h->lang = str_field(doc, "lang");
	h->passage = json_string_value(text) ? json_string_value(text) : "";
	h->passage_len = json_string_value(text) ? json_string_length(text) : 0;
	h->passage_start = int_field(doc, "start");
	h->passage_end = h->passage_start + h->passage_len;
	h->passage_no = (unsigned)int_field(doc, "no");
	rc = nx_highlight(&r->spans[i], &h->nhighlights, an, qt, h->lang, h->passage,
			  h->passage_len);
	h->highlights = r->spans[i];
	return rc;
}

int nx_search(nx_results **out, nx_db *db, const char *query, const nx_search_options *opts)
{
	static const nx_search_options defaults = NX_SEARCH_OPTIONS_INIT;
	nxx_enquire_opts eo = NXX_ENQUIRE_OPTS_INIT;
	nx_qterms qt = { NX_BUF_INIT, 0, NX_BUF_INIT, 0, NULL, NX_BUF_INIT, 0 };
	nxx_query *xq = NULL;
	nxx_mset *m = NULL;
	nxt_analyzer *an;
	nx_results *r = NULL;
	const char *s;
	int rc;

	*out = NULL;
	if (!db || !query)
		return nx_error_set(NX_EINVAL, "nx_search needs an index and a query");
	if (!opts)
		opts = &defaults;
	if (opts->version != NX_SEARCH_OPTIONS_VERSION)
		return nx_error_set(NX_EINVAL, "nx_search_options version %u not supported",
				    opts->version);
	for (s = query; *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'; s++)
		;
	if (!*s)
		return nx_error_set(NX_ESYNTAX, "empty query");
	if (!nxt_utf8_valid(query, strlen(query)))
		return nx_error_set(NX_ESYNTAX, "the query is not valid UTF-8");
	if ((rc = nx_db_analyzer(&an, db)))
		return rc;
	qt.db = db;
	if ((rc = parse_query(&xq, &qt, an, query)))
		goto out;

	eo.offset = opts->offset;
	eo.limit = opts->limit;
	eo.collapse_slot = opts->all_passages ? -1 : NX_SLOT_ARTICLE;
	if ((rc = nxx_enquire(&m, db->x, xq, &eo)))
		goto out;

	r = calloc(1, sizeof *r);
	if (!r) {
		rc = nx_error_set(NX_ENOMEM, "out of memory holding results");
		goto out;
	}
	r->n = nxx_mset_size(m);
	r->estimate = nxx_mset_estimate(m);
	if (r->n) {
		r->hits = calloc(r->n, sizeof *r->hits);
		r->docs = calloc(r->n, sizeof *r->docs);
		r->spans = calloc(r->n, sizeof *r->spans);
		if (!r->hits || !r->docs || !r->spans) {
			rc = nx_error_set(NX_ENOMEM, "out of memory holding results");
			goto out;
		}
	}
	for (size_t i = 0; i < r->n && !rc; i++)
		rc = fill_hit(r, i, m, opts, an, &qt);
out:
	nxx_mset_free(m);
	nxx_query_free(xq);
	nx_qterms_free(&qt);
	if (rc) {
		nx_results_free(r);
		return rc;
	}
	*out = r;
	return NX_OK;
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

void nx_results_free(nx_results *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		if (r->docs)
			json_decref(r->docs[i]);
		if (r->spans)
			free(r->spans[i]);
	}
	free(r->hits);
	free(r->docs);
	free(r->spans);
	free(r);
}
