/*
 * index.c — nx_index_paths(): articles from the readers, split into
 * passages, analysed by text/ and written as Xapian documents in the schema
 * of store/nx_store.h.
 */
#include "nx_passage.h"
#include "nx_reader.h"
#include "nx_store.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct index_ctx {
	nx_db *db;
	nxt_analyzer *an;
	const nx_index_options *opts;
	nx_index_stats *stats;
	unsigned pending;      /* articles since the last commit */
	int fatal;             /* an error writing the index: stop everything */
	/* per-article state, reused */
	const char *lang;
	nxx_doc *doc;
	nx_buf term;
	nx_buf scratch;        /* for nx_terms_for_word */
	uint32_t pos;          /* position of the word being added */
	nx_buf title_terms;    /* NUL-separated S terms of the current title */
	size_t ntitle_terms;
} index_ctx;

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- terms -------------------------------------------------------------- */

/* Build prefix+body in ctx->term; 0 when the term would be too long. */
static int make_term(index_ctx *c, const char *prefix, const char *body, size_t len)
{
	nx_buf_clear(&c->term);
	if (strlen(prefix) + len > NX_MAX_TERM)
		return 0;
	nx_buf_puts(&c->term, prefix);
	nx_buf_put(&c->term, body, len);
	return !c->term.failed;
}

static int add_title_term(void *vc, const nxt_token *t)
{
	index_ctx *c = vc;
	const char *stem;
	size_t slen;
	int rc;

	if ((rc = nxt_stem(&stem, &slen, c->an, c->lang, t->norm, t->norm_len, t->script)))
		return rc;
	if (slen + 1 > NX_MAX_TERM)
		return NX_OK;
	nx_buf_puts(&c->title_terms, NX_PREFIX_TITLE);
	nx_buf_put(&c->title_terms, stem, slen);
	nx_buf_putc(&c->title_terms, '\0');
	c->ntitle_terms++;
	return c->title_terms.failed ? NX_ENOMEM : NX_OK;
}

static int emit_term(void *vc, const char *term, size_t len, int positional)
{
	index_ctx *c = vc;

	if (positional)
		return nxx_doc_add_posting(c->doc, term, len, c->pos, 1);
	return nxx_doc_add_term(c->doc, term, len, 1);
}

static int emit_people(void *vc, const char *term, size_t len, int weighted)
{
	index_ctx *c = vc;

	if (weighted)
		return nxx_doc_add_term(c->doc, term, len, 1);
	return nxx_doc_add_boolean_term(c->doc, term, len);
}

static int add_word(void *vc, const nxt_token *t)
{
	index_ctx *c = vc;

	c->pos = t->index + 1;
	return nx_terms_for_word(c->an, c->lang, t, emit_term, c, &c->scratch);
}

static int add_bool(index_ctx *c, const char *prefix, const char *body)
{
	if (!make_term(c, prefix, body, strlen(body)))
		return c->term.failed ? NX_ENOMEM : NX_OK;
	return nxx_doc_add_boolean_term(c->doc, c->term.ptr, c->term.len);
}

/* ---- one article -------------------------------------------------------- */

static int passage_data(char **out, const nx_article *a, const char *lang, unsigned no,
			const nx_span *p)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s%}",
			      "id", a->id, "title", a->title, "date", a->date,
			      "source", a->source, "url", a->url, "lang", lang,
			      "no", (json_int_t)no, "start", (json_int_t)p->start,
			      "end", (json_int_t)p->end,
			      "text", a->text + p->start, p->end - p->start);

	*out = NULL;
	if (!o)
		return nx_error_set(NX_ENOMEM, "out of memory encoding a passage");
	*out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!*out)
		return nx_error_set(NX_ENOMEM, "out of memory encoding a passage");
	return NX_OK;
}

static int write_passage(index_ctx *c, const nx_article *a, const char *key,
			 const char *source_key, const char *iso, unsigned no, const nx_span *p)
{
	char *data = NULL, num[16];
	const char *t;
	int rc;

	if ((rc = nxx_doc_new(&c->doc)))
		return rc;
	rc = nxt_words(c->an, a->text + p->start, p->end - p->start, add_word, c);
	if (!rc)
		rc = nx_people_terms(c->db, c->an, a->text + p->start, p->end - p->start,
				     emit_people, c);
	t = c->title_terms.ptr;
	for (size_t i = 0; !rc && i < c->ntitle_terms; i++, t += strlen(t) + 1)
		rc = nxx_doc_add_term(c->doc, t, strlen(t), 1);
	if (!rc)
		rc = add_bool(c, NX_PREFIX_ARTICLE, key);
	if (!rc)
		rc = add_bool(c, NX_PREFIX_SOURCE, source_key);
	if (!rc && *c->lang)
		rc = add_bool(c, NX_PREFIX_LANG, c->lang);
	if (!rc && *iso) {
		char ymd[9] = { iso[0], iso[1], iso[2], iso[3], iso[5], iso[6], iso[8], iso[9], 0 };

		rc = add_bool(c, NX_PREFIX_DATE, ymd);
		if (!rc)
			rc = nxx_doc_set_value(c->doc, NX_SLOT_DATE, iso, 10);
	}
	if (!rc)
		rc = nxx_doc_set_value(c->doc, NX_SLOT_ARTICLE, key, strlen(key));
	if (!rc) {
		snprintf(num, sizeof num, "%u", no);
		rc = nxx_doc_set_value(c->doc, NX_SLOT_PASSAGE, num, strlen(num));
	}
	if (!rc)
		rc = passage_data(&data, a, c->lang, no, p);
	if (!rc)
		rc = nxx_doc_set_data(c->doc, data, strlen(data));
	if (!rc)
		rc = nxx_db_add_document(NULL, c->db->x, c->doc);
	free(data);
	nxx_doc_free(c->doc);
	c->doc = NULL;
	return rc;
}

static int index_article(void *vc, const nx_article *a)
{
	index_ctx *c = vc;
	nx_span *passages = NULL;
	size_t npassages = 0;
	nx_buf key = NX_BUF_INIT, skey = NX_BUF_INIT;
	char iso[11] = "";
	uint32_t existing = 0;
	int rc;

	c->lang = *a->lang ? a->lang : nxt_guess_lang(a->text, a->text_len);
	rc = nx_passages_split(&passages, &npassages, c->an, a->text, a->text_len,
			       c->opts->passage_min_words, c->opts->passage_max_words);
	if (rc)
		goto out;
	if (npassages == 0) {
		if (c->opts->diag) {
			nx_diag d = { NX_SEV_WARNING, NX_EFORMAT, a->source, a->line,
				      "article has no words to index; skipped" };
			c->opts->diag(c->opts->diag_data, &d);
		}
		goto out;
	}
	nx_buf_clear(&c->title_terms);
	c->ntitle_terms = 0;
	if ((rc = nxt_words(c->an, a->title, strlen(a->title), add_title_term, c)))
		goto out;
	nx_store_key(&key, a->id);
	nx_store_key(&skey, a->source);
	if (key.failed || skey.failed) {
		rc = NX_ENOMEM;
		goto out;
	}
	nx_store_parse_date(iso, a->date);

	/* Replace the article as a unit: its old passages go, whatever their
	 * number was. */
	if (!make_term(c, NX_PREFIX_ARTICLE, key.ptr, key.len)) {
		rc = NX_ENOMEM;
		goto out;
	}
	if ((rc = nxx_db_termfreq(&existing, c->db->x, c->term.ptr, c->term.len)))
		goto out;
	if (existing && (rc = nxx_db_delete_documents(c->db->x, c->term.ptr, c->term.len)))
		goto out;
	for (size_t i = 0; i < npassages && !rc; i++)
		rc = write_passage(c, a, key.ptr, skey.ptr, iso, (unsigned)i, &passages[i]);
	if (rc)
		goto out;
	if (c->stats) {
		c->stats->articles++;
		c->stats->passages += npassages;
	}
	if (++c->pending >= c->opts->commit_every) {
		if ((rc = nxx_db_commit(c->db->x)))
			goto out;
		c->pending = 0;
	}
out:
	if (rc)
		c->fatal = rc;
	free(passages);
	nx_buf_free(&key);
	nx_buf_free(&skey);
	return rc;
}

/* ---- entry point -------------------------------------------------------- */

int nx_index_paths(nx_db *db, const char *const *paths, size_t npaths,
		   const nx_index_options *opts, nx_index_stats *stats)
{
	static const nx_index_options defaults = NX_INDEX_OPTIONS_INIT;
	nx_index_stats local;
	index_ctx c;
	nx_read_ctx rctx;
	double t0 = now_seconds();
	int rc = NX_OK;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof *stats);
	if (!db || !db->writable)
		return nx_error_set(NX_EINVAL, "the index must be open for writing to index into it");
	if (!opts)
		opts = &defaults;
	if (opts->version != NX_INDEX_OPTIONS_VERSION)
		return nx_error_set(NX_EINVAL, "nx_index_options version %u not supported", opts->version);
	if (opts->passage_min_words == 0 || opts->passage_max_words < opts->passage_min_words)
		return nx_error_set(NX_EINVAL, "passage sizes must satisfy 0 < min <= max");

	memset(&c, 0, sizeof c);
	c.db = db;
	c.opts = opts;
	c.stats = stats;
	if ((rc = nx_db_analyzer(&c.an, db)))
		return rc;

	memset(&rctx, 0, sizeof rctx);
	rctx.on_article = index_article;
	rctx.article_ctx = &c;
	rctx.diag = opts->diag;
	rctx.diag_ctx = opts->diag_data;
	rctx.max_record_bytes = opts->max_record_bytes;
	rctx.stats = stats;

	/* A failed source has been reported through the diag callback and
	 * counted; only an error writing the index (c.fatal) stops the run. */
	for (size_t i = 0; i < npaths && !c.fatal; i++)
		nx_read_path(paths[i], &rctx);
	rc = c.fatal;
	nx_buf_free(&c.term);
	nx_buf_free(&c.scratch);
	nx_buf_free(&c.title_terms);
	if (!rc && (rc = nxx_db_commit(db->x)))
		nx_error_prefix("committing %s", db->path);
	stats->seconds = now_seconds() - t0;
	return rc;
}
