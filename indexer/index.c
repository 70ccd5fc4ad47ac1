/*
 * index.c — nx_index_paths(): articles from the readers, split into
 * passages, analysed by text/ and written as Xapian documents in the schema
 * of store/nx_store.h; incrementally: only sources and records that changed
 * since the last run are read and written, sources that disappeared are
 * deleted, and every batch of changes is one Xapian transaction.
 *
 * A run: (1) scan: walk the paths; a source whose stat() matches its
 * recorded state (NX_META_SOURCE, see store/nx_store.h and state.c) is not
 * read, the others are listed; (2) read the listed sources: an article whose
 * content hash matches the state is left alone, a new or changed one is
 * (re)written, and the articles a source no longer holds are deleted if it
 * still owns them (a record that moved to another file is that file's
 * now); then the source's new state is written; (3) prune: sources under a
 * path given that were not seen and no longer exist are deleted; (4) the
 * run's counters are recorded (NX_META_LAST_RUN).
 */
#include "nx_parallel.h"
#include "nx_passage.h"
#include "nx_reader.h"
#include "nx_state.h"
#include "nx_store.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Bytes hashed at a time by content_hash(). */
#define NX_HASH_CHUNK ((size_t)256 << 10)

/* Seconds between two commits at least (see changed()). */
#define NX_COMMIT_SPACING 1.0

/* A source the scan found new or changed. */
typedef struct todo {
	size_t path, abspath;  /* offsets in index_ctx.names */
	nx_sig sig;
	uint64_t bytes;        /* expected (uncompressed) size */
} todo;

/* A source read to the end that no longer holds some of its articles. */
typedef struct cleanup {
	const todo *t;         /* points into index_ctx.todo, complete by then */
	size_t keys, n;        /* n NUL-terminated article keys at gone_all + keys */
} cleanup;

typedef struct index_ctx {
	nx_db *db;
	nxt_analyzer *an;
	nx_index_options o;    /* the caller's options, completed to the current version */
	const nx_index_options *opts;  /* &o */
	nx_index_stats *stats;
	unsigned pending;      /* changes since the last commit */
	int fatal;             /* an error writing the index: stop everything */
	/* per-article state, reused */
	const char *lang;
	nxx_doc *doc;
	nx_buf term;
	nxt_words_rec words;   /* the passage's words: its terms, then its names */
	nxt_words_rec split_words;  /* words the passage split segmented */
	nx_buf data;           /* the passage's document data */
	uint32_t pos;          /* position of the word being added */
	nx_buf title_terms;    /* NUL-separated S terms of the current title */
	size_t ntitle_terms;
	/* the run */
	double t0, last_progress;
	double last_commit;    /* wall-clock time of the index's last commit */
	double racy_after;     /* a source modified after this (wall clock) is racy */
	nx_index_progress prog;
	nx_map seen;           /* source keys found by the scan */
	nx_map probed;         /* name keys filed under their probes this run */
	nx_buf names;          /* paths of the listed sources */
	todo *todo;
	size_t ntodo, captodo;
	/* the source being read */
	int in_source;
	const char *cur_path;  /* its absolute path */
	nx_buf skey;           /* its source key */
	nx_buf meta;           /* NX_META_SOURCE + source key */
	nx_buf record;         /* its stored state, as text */
	nx_map old;            /* articles of the stored state: key -> content hash */
	nx_map now;            /* articles met in this read */
	uint64_t changes;      /* index changes made for it */
	nx_buf enc;            /* scratch for encoding states */
	char *hashbuf;         /* NX_HASH_CHUNK bytes for content_hash() */
	/* articles that disappeared from the sources read, deleted last */
	nx_buf gone;           /* of the current source, NUL-terminated keys */
	nx_buf gone_all;       /* of all sources */
	cleanup *cleanup;
	size_t ncleanup, capcleanup;
	nx_map gone_set;
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

static int emit_people(void *vc, const char *term, size_t len, int kind)
{
	index_ctx *c = vc;

	if (kind == NX_PEOPLE_KEY) {
		int filed, rc = nx_map_put(&c->probed, term, len, 0, &filed);

		return rc || filed ? rc : nx_people_file_probes(c->db, term, len);
	}
	if (kind == NX_PEOPLE_WEIGHTED)
		return nxx_doc_add_term(c->doc, term, len, 1);
	return nxx_doc_add_boolean_term(c->doc, term, len);
}

static int add_word(void *vc, const nxt_token *t)
{
	index_ctx *c = vc;

	c->pos = t->index + 1;
	return nx_terms_for_word(c->an, c->lang, t, emit_term, c);
}

static int record_word(void *vc, const nxt_token *t)
{
	return nxt_words_record(vc, t);
}

/*
 * The words of passage p, in c->words: those the passage split found
 * (range wr of c->split_words, offsets made the passage's), else by
 * segmenting it.  Either way the passage is analysed once: its words make
 * its terms and its names.
 */
static int passage_words(index_ctx *c, const nx_article *a, const nx_span *p, const nx_span *wr)
{
	const nxt_words_rec *sw = &c->split_words;
	int rc = NX_OK;

	nxt_words_rec_clear(&c->words);
	if (wr->start == SIZE_MAX)
		return nxt_words(c->an, a->text + p->start, p->end - p->start, record_word,
				 &c->words);
	for (size_t i = wr->start; i < wr->end && !rc; i++) {
		const nxt_rec_word *w = &sw->w[i];
		nxt_token t = { sw->chars + w->norm, w->norm_len, w->start - p->start,
				w->end - p->start, (uint32_t)(i - wr->start), w->script,
				w->joined == SIZE_MAX ? NULL : sw->chars + w->joined, w->joined_len };

		rc = nxt_words_record(&c->words, &t);
	}
	return rc;
}

static int add_bool(index_ctx *c, const char *prefix, const char *body)
{
	if (!make_term(c, prefix, body, strlen(body)))
		return c->term.failed ? NX_ENOMEM : NX_OK;
	return nxx_doc_add_boolean_term(c->doc, c->term.ptr, c->term.len);
}

/* ---- one article -------------------------------------------------------- */

/* A JSON string as jansson's json_dumps writes one (the query side reads
 * the document data with jansson): '"', '\\' and control characters
 * escaped, everything else (UTF-8 included) as it is. */
static void put_json_string(nx_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t done = 0;

	nx_buf_putc(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		char esc[7] = { '\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15], 0 };

		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		nx_buf_put(b, s + done, i - done);
		done = i + 1;
		switch (ch) {
		case '"': case '\\': esc[1] = (char)ch; esc[2] = 0; break;
		case '\b': esc[1] = 'b'; esc[2] = 0; break;
		case '\f': esc[1] = 'f'; esc[2] = 0; break;
		case '\n': esc[1] = 'n'; esc[2] = 0; break;
		case '\r': esc[1] = 'r'; esc[2] = 0; break;
		case '\t': esc[1] = 't'; esc[2] = 0; break;
		default: break;
		}
		nx_buf_puts(b, esc);
	}
	nx_buf_put(b, s + done, len - done);
	nx_buf_putc(b, '"');
}

static void put_json_field(nx_buf *b, const char *name, const char *s, size_t len)
{
	nx_buf_printf(b, ",\"%s\":", name);
	put_json_string(b, s, len);
}

/* The document data of a passage (nx_store.h) in c->data: the bytes
 * json_dumps(JSON_COMPACT) would make of it, written directly (building and
 * dumping a jansson object per passage was 3.5 % of indexing). */
static int passage_data(index_ctx *c, const nx_article *a, unsigned no, const nx_span *p)
{
	nx_buf *b = &c->data;

	nx_buf_clear(b);
	nx_buf_puts(b, "{\"id\":");
	put_json_string(b, a->id, strlen(a->id));
	put_json_field(b, "title", a->title, strlen(a->title));
	put_json_field(b, "date", a->date, strlen(a->date));
	put_json_field(b, "source", a->source, strlen(a->source));
	put_json_field(b, "url", a->url, strlen(a->url));
	put_json_field(b, "lang", c->lang, strlen(c->lang));
	nx_buf_printf(b, ",\"no\":%u,\"start\":%zu,\"end\":%zu", no, p->start, p->end);
	put_json_field(b, "text", a->text + p->start, p->end - p->start);
	nx_buf_putc(b, '}');
	return b->failed ? nx_error_set(NX_ENOMEM, "out of memory encoding a passage") : NX_OK;
}

static int normalise_wdf(index_ctx *c)
{
	uint64_t length;
	int rc = nxx_doc_wdf_total(&length, c->doc);

	return rc ? rc : nxx_doc_scale_wdf(c->doc, nx_passage_wdf_factor(length));
}

static int write_passage(index_ctx *c, const nx_article *a, const char *key,
			 const char *source_key, const char *iso, unsigned no, const nx_span *p,
			 const nx_span *wr)
{
	char num[16];
	const char *t;
	int rc, title_wdf;

	if ((rc = nxx_doc_new(&c->doc)))
		return rc;
	if (!(rc = passage_words(c, a, p, wr)))
		rc = nxt_words_rec_each(&c->words, add_word, c);
	if (!rc)
		rc = nx_people_terms(c->db, c->an, a->text + p->start, p->end - p->start,
				     &c->words, emit_people, c);
	/* A record that is its title alone has the title as its text
	 * (read_jsonl.c): its title terms then only serve title: (wdf 0), so
	 * that its words weigh once. */
	title_wdf = !a->title_only;
	t = c->title_terms.ptr;
	for (size_t i = 0; !rc && i < c->ntitle_terms; i++, t += strlen(t) + 1)
		rc = title_wdf ? nxx_doc_add_term(c->doc, t, strlen(t), 1)
			       : nxx_doc_add_boolean_term(c->doc, t, strlen(t));
	/* Every weighted term is in: BM25's length normalisation goes into
	 * their wdf (nx_passage_wdf_factor); the terms below are boolean. */
	if (!rc)
		rc = normalise_wdf(c);
	if (!rc)
		rc = add_bool(c, NX_PREFIX_ARTICLE, key);
	if (!rc)
		rc = add_bool(c, NX_PREFIX_SOURCE, source_key);
	if (!rc && *c->lang)
		rc = add_bool(c, NX_PREFIX_LANG, c->lang);
	if (!rc && *iso) {
		char ymd[9] = { iso[0], iso[1], iso[2], iso[3], iso[5], iso[6], iso[8], iso[9], 0 };

		rc = add_bool(c, NX_PREFIX_DATE, ymd);
		ymd[6] = '\0';  /* the month, YYYYMM */
		if (!rc)
			rc = add_bool(c, NX_PREFIX_PERIOD, ymd);
		ymd[4] = '\0';  /* the year */
		if (!rc)
			rc = add_bool(c, NX_PREFIX_PERIOD, ymd);
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
		rc = passage_data(c, a, no, p);
	if (!rc)
		rc = nxx_doc_set_data(c->doc, c->data.ptr, c->data.len);
	if (!rc)
		rc = nxx_db_add_document(NULL, c->db->x, c->doc);
	nxx_doc_free(c->doc);
	c->doc = NULL;
	return rc;
}

/* ---- batches ------------------------------------------------------------ */

/* Every change happens inside a transaction: a batch of up to commit_every
 * changes with the states of the sources they concern.  Nothing of a batch
 * reaches the disk before commit_transaction, so neither a crash nor an
 * error (the transaction is then cancelled) can leave half an article. */
static int batch_begin(index_ctx *c)
{
	if (nxx_db_in_transaction(c->db->x))
		return NX_OK;
	return nxx_db_begin_transaction(c->db->x);
}

static double wall_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* When the index was last committed: its version file is rewritten then. */
static double index_committed_at(const nx_db *db)
{
	nx_buf b = NX_BUF_INIT;
	struct stat st;
	double t = 0;

	nx_buf_printf(&b, "%s/iamglass", db->path);
	if (!b.failed && stat(b.ptr, &st) == 0)
		t = (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9;
	nx_buf_free(&b);
	return t;
}

static int batch_commit(index_ctx *c)
{
	int rc;

	c->pending = 0;
	if (!nxx_db_in_transaction(c->db->x))
		return NX_OK;
	if ((rc = nxx_db_commit_transaction(c->db->x)))
		return rc;
	c->last_commit = wall_seconds();
	c->stats->commits++;
	return NX_OK;
}

/* Record the run's counters with the last batch (or alone) and commit. */
static int finish_run(index_ctx *c)
{
	int rc, with_batch = nxx_db_in_transaction(c->db->x);
	double wait = c->last_commit + NX_COMMIT_SPACING - wall_seconds();

	/* Keep commits apart (see changed()) when this run made some. */
	if (c->stats->commits && wait > 0 && wait < NX_COMMIT_SPACING) {
		struct timespec ts = { (time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9) };

		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}
	c->stats->commits += with_batch;
	c->stats->seconds = now_seconds() - c->t0;
	if ((rc = batch_begin(c)) || (rc = nx_store_put_last_run(c->db, c->stats)))
		return rc;
	rc = batch_commit(c);
	c->stats->commits -= 1;  /* counted above, or a commit of the record alone */
	return rc;
}

static int save_partial_state(index_ctx *c);

/*
 * Count `n` changes; commit when the batch is full.  In the middle of a
 * source, its state so far goes into the same batch.
 *
 * Commits are also kept NX_COMMIT_SPACING apart: a Xapian reader can read
 * the revision it opened while the writer commits once more, but not
 * twice (the second commit may reuse the blocks it reads), so this is
 * how long a search that began just before a commit has to finish.
 */
static int changed(index_ctx *c, unsigned n)
{
	int rc;

	c->pending += n;
	if (c->pending < c->o.commit_every)
		return NX_OK;
	if (wall_seconds() - c->last_commit < NX_COMMIT_SPACING)
		return NX_OK;
	if (c->in_source && (rc = save_partial_state(c)))
		return rc;
	return batch_commit(c);
}

/* ---- progress ----------------------------------------------------------- */

static void progress(index_ctx *c, nx_index_phase phase, const char *path, int force)
{
	double now;

	if (!c->o.progress)
		return;
	now = now_seconds();
	if (!force && phase == c->prog.phase && now - c->last_progress < 0.1)
		return;
	c->last_progress = now;
	c->prog.phase = phase;
	c->prog.path = path;
	c->prog.seconds = now - c->t0;
	c->prog.bytes_done = c->stats->bytes;
	c->prog.stats = c->stats;
	c->o.progress(c->o.progress_data, &c->prog);
}

/* ---- ownership ---------------------------------------------------------- */

/* The Xapian query prefix+body (boolean term). */
static int term_query(nxx_query **out, index_ctx *c, const char *prefix, const char *body,
		      size_t len)
{
	*out = NULL;
	if (!make_term(c, prefix, body, len))
		return c->term.failed ? NX_ENOMEM : NX_OK;
	return nxx_query_term(out, c->term.ptr, c->term.len, 1, 0);
}

/*
 * How many articles does the source with key c->skey own, i.e. have
 * passages with its P term: of article `akey` only (then *out is 0 or 1),
 * or of all when akey is NULL.  An article is replaced as a unit, so its
 * passages always share one source.
 */
static int owned_articles(uint64_t *out, index_ctx *c, const char *akey, size_t alen)
{
	nxx_query *qs[2] = { NULL, NULL }, *q = NULL;
	nxx_enquire_opts eo = NXX_ENQUIRE_OPTS_INIT;
	nxx_mset *m = NULL;
	uint32_t passages = 0;
	int rc;

	*out = 0;
	if (!make_term(c, NX_PREFIX_SOURCE, c->skey.ptr, c->skey.len))
		return c->term.failed ? NX_ENOMEM : NX_OK;
	if ((rc = nxx_db_termfreq(&passages, c->db->x, c->term.ptr, c->term.len)) || !passages)
		return rc;
	if ((rc = term_query(&qs[0], c, NX_PREFIX_SOURCE, c->skey.ptr, c->skey.len)))
		return rc;
	if (akey) {
		if ((rc = term_query(&qs[1], c, NX_PREFIX_ARTICLE, akey, alen)) || !qs[1])
			goto out;
		rc = nxx_query_combine(&q, NXX_OP_FILTER, qs, 2, 0);
		eo.limit = 1;
	} else {
		rc = nxx_query_combine(&q, NXX_OP_AND, qs, 1, 0);
		eo.limit = passages;
		eo.collapse_slot = NX_SLOT_ARTICLE;
	}
	if (!rc)
		rc = nxx_enquire(&m, c->db->x, q, &eo);
	if (!rc)
		*out = nxx_mset_size(m);
out:
	nxx_mset_free(m);
	nxx_query_free(q);
	nxx_query_free(qs[0]);
	nxx_query_free(qs[1]);
	return rc;
}

/* ---- an article, if it changed ------------------------------------------ */

static int index_article(void *vc, const nx_article *a)
{
	index_ctx *c = vc;
	nx_span *passages = NULL, *word_ranges = NULL;
	size_t npassages = 0;
	nx_buf key = NX_BUF_INIT;
	char iso[11] = "";
	uint32_t existing = 0;
	uint64_t h, old;
	int rc, again = 0;

	if ((rc = nx_store_key(&key, a->id)))
		goto out;
	/* Unchanged since the last run: nothing to analyse or write.  A key met
	 * twice in one source is written each time, so that the last record
	 * wins, as in a first run. */
	h = nx_article_hash(a, c->o.passage_min_words, c->o.passage_max_words);
	if ((rc = nx_map_put(&c->now, key.ptr, key.len, h, &again)))
		goto out;
	if (!again && !(c->o.flags & NX_INDEX_FORCE) && nx_map_get(&c->old, key.ptr, key.len, &old) &&
	    old == h) {
		c->stats->unchanged++;
		goto out;
	}
	if (!nx_shard_owns(a, key.ptr, key.len))
		goto out;  /* a parallel run: another shard's article (parallel.c) */

	c->lang = *a->lang ? a->lang : nxt_guess_lang(a->text, a->text_len);
	rc = nx_passages_split_words(&passages, &npassages, &word_ranges, &c->split_words, c->an,
				     a->text, a->text_len, c->opts->passage_min_words,
				     c->opts->passage_max_words);
	if (rc)
		goto out;
	if (npassages == 0 && c->opts->diag) {
		nx_diag d = { NX_SEV_WARNING, NX_EFORMAT, a->source, a->line,
			      "article has no words to index; skipped" };
		c->opts->diag(c->opts->diag_data, &d);
	}
	nx_buf_clear(&c->title_terms);
	c->ntitle_terms = 0;
	if (npassages && (rc = nxt_words(c->an, a->title, strlen(a->title), add_title_term, c)))
		goto out;
	if (!nx_store_parse_date(iso, a->date) && a->date && *a->date && npassages &&
	    c->opts->diag) {
		char msg[160];
		nx_diag d = { NX_SEV_WARNING, NX_EFORMAT, a->source, a->line, msg };

		snprintf(msg, sizeof msg, "date '%.40s' is not a day written YYYY-MM-DD; "
			 "the article is indexed without a date", a->date);
		c->opts->diag(c->opts->diag_data, &d);
	}

	/* Replace the article as a unit: its old passages go, whatever their
	 * number was (all of them, when it has no words any more). */
	if (!make_term(c, NX_PREFIX_ARTICLE, key.ptr, key.len)) {
		rc = NX_ENOMEM;
		goto out;
	}
	if ((rc = nxx_db_termfreq(&existing, c->db->x, c->term.ptr, c->term.len)))
		goto out;
	if (!existing && !npassages)
		goto out;
	if ((rc = batch_begin(c)))
		goto out;
	if (existing && (rc = nxx_db_delete_documents(c->db->x, c->term.ptr, c->term.len)))
		goto out;
	for (size_t i = 0; i < npassages && !rc; i++)
		rc = write_passage(c, a, key.ptr, c->skey.ptr, iso, (unsigned)i, &passages[i],
				   &word_ranges[i]);
	if (rc)
		goto out;
	if (!npassages)
		c->stats->deleted++;
	else if (existing)
		c->stats->updated++;
	else
		c->stats->added++;
	if (npassages) {
		c->stats->articles++;
		c->stats->passages += npassages;
	}
	c->changes++;
	rc = changed(c, 1);
out:
	if (rc)
		c->fatal = rc;
	else
		progress(c, NX_PHASE_READ, a->source, 0);
	free(passages);
	free(word_ranges);
	nx_buf_free(&key);
	return rc;
}

/* ---- sources ------------------------------------------------------------ */

static void sig_of(nx_sig *sig, const struct stat *st)
{
	sig->size = (uint64_t)st->st_size;
	sig->ino = (uint64_t)st->st_ino;
	sig->mtime_s = (int64_t)st->st_mtim.tv_sec;
	sig->mtime_ns = (int64_t)st->st_mtim.tv_nsec;
	sig->ctime_s = (int64_t)st->st_ctim.tv_sec;
	sig->ctime_ns = (int64_t)st->st_ctim.tv_nsec;
}

static int sig_equal(const nx_sig *a, const nx_sig *b)
{
	return a->size == b->size && a->ino == b->ino && a->mtime_s == b->mtime_s &&
	       a->mtime_ns == b->mtime_ns && a->ctime_s == b->ctime_s && a->ctime_ns == b->ctime_ns;
}

/* Make c->skey and c->meta the keys of the source at `abspath`. */
static int source_keys(index_ctx *c, const char *abspath)
{
	nx_buf_clear(&c->skey);
	nx_buf_clear(&c->meta);
	nx_store_key(&c->skey, abspath);
	nx_buf_puts(&c->meta, NX_META_SOURCE);
	nx_buf_put(&c->meta, c->skey.ptr, c->skey.len);
	return c->skey.failed || c->meta.failed ? nx_error_set(NX_ENOMEM, "out of memory") : NX_OK;
}

/*
 * Load the stored state of the source c->meta into c->record and *st.
 * *found is 0 when there is none, or it is unreadable, or it belongs to
 * another path (a hashed key's collision): the source is then new.
 */
static int load_state(index_ctx *c, nx_state *st, int *found, const char *abspath)
{
	char *val = NULL;
	size_t len = 0;
	int rc;

	*found = 0;
	if ((rc = nxx_db_get_metadata(&val, &len, c->db->x, c->meta.ptr)))
		return rc;
	nx_buf_clear(&c->record);
	rc = nx_buf_put(&c->record, val, len);
	free(val);
	if (rc)
		return rc;
	if (!len || nx_state_parse(st, c->record.ptr, c->record.len) != NX_OK) {
		nx_error_clear();
		return NX_OK;
	}
	*found = st->path_len == strlen(abspath) && memcmp(st->path, abspath, st->path_len) == 0;
	return NX_OK;
}

/* Is the stored state of a source with signature `sig` still true? */
static int state_current(const index_ctx *c, const nx_state *st, const nx_sig *sig)
{
	return !(c->o.flags & NX_INDEX_FORCE) && (st->flags & NX_STATE_COMPLETE) &&
	       !(st->flags & NX_STATE_RACY) && sig_equal(&st->sig, sig);
}

/* Record the state of the source being read (c->meta) in the batch. */
static int put_state(index_ctx *c)
{
	int rc = batch_begin(c);

	if (!rc)
		rc = nxx_db_set_metadata(c->db->x, c->meta.ptr, c->enc.ptr, c->enc.len);
	return rc;
}

/* In the middle of a source, before a commit: record what the index holds
 * for it at this point (the articles written so far, and the stored ones
 * not met yet), as incomplete, so that the next run reads the source again
 * but re-analyses only what this one did not get to. */
static int save_partial_state(index_ctx *c)
{
	static const nx_sig none;
	int rc;

	if ((rc = nx_state_encode(&c->enc, 0, &none, c->cur_path, &c->now, &c->old)))
		return rc;
	return put_state(c);
}

/* The size a source will have once read: its gzip trailer's when it is
 * gzip (mod 2^32, so only an estimate past 4 GiB), else its size. */
static uint64_t expected_bytes(const char *path, uint64_t size)
{
	unsigned char b[4];
	uint64_t n = size;
	int fd;

	if (size < 18 || (fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0)
		return size;
	if (pread(fd, b, 2, 0) == 2 && b[0] == 0x1f && b[1] == 0x8b &&
	    pread(fd, b, 4, (off_t)size - 4) == 4) {
		n = (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 | (uint64_t)b[3] << 24;
		if (n < size)
			n = size;
	}
	close(fd);
	return n;
}

static int add_todo(index_ctx *c, const char *path, const char *abspath, const nx_sig *sig)
{
	todo *t;

	if (c->ntodo == c->captodo) {
		size_t cap = c->captodo ? c->captodo * 2 : 256;
		todo *p = realloc(c->todo, cap * sizeof *p);

		if (!p)
			return nx_error_set(NX_ENOMEM, "out of memory listing sources");
		c->todo = p;
		c->captodo = cap;
	}
	t = &c->todo[c->ntodo];
	t->path = c->names.len;
	nx_buf_puts(&c->names, path);
	nx_buf_putc(&c->names, '\0');
	t->abspath = c->names.len;
	nx_buf_puts(&c->names, abspath);
	nx_buf_putc(&c->names, '\0');
	if (c->names.failed)
		return nx_error_set(NX_ENOMEM, "out of memory listing sources");
	t->sig = *sig;
	t->bytes = expected_bytes(abspath, sig->size);
	c->ntodo++;
	c->prog.sources_todo++;
	c->prog.bytes_todo += t->bytes;
	return NX_OK;
}

/* The scan (nx_found_fn): sources whose state is current are counted and
 * left alone; the others are listed to be read. */
static int on_found(void *vc, const char *path, const char *abspath, const struct stat *st)
{
	index_ctx *c = vc;
	nx_state state;
	nx_sig sig;
	int found, again, rc;

	if ((rc = source_keys(c, abspath)) ||
	    (rc = nx_map_put(&c->seen, c->skey.ptr, c->skey.len, 0, &again)))
		return c->fatal = rc;
	if (again)
		return NX_FOUND_SKIP;  /* named twice, or linked to */
	c->stats->sources_found++;
	c->prog.sources_found++;
	sig_of(&sig, st);
	if ((rc = load_state(c, &state, &found, abspath)))
		return c->fatal = rc;
	if (found && state_current(c, &state, &sig)) {
		c->stats->sources_unchanged++;
		c->stats->unchanged += state.narticles;
	} else if ((rc = add_todo(c, path, abspath, &sig))) {
		return c->fatal = rc;
	}
	progress(c, NX_PHASE_SCAN, NULL, 0);
	return NX_FOUND_SKIP;
}

/* Delete the passages of article `akey` (the batch is open). */
static int delete_article(index_ctx *c, const char *akey, size_t len)
{
	if (!make_term(c, NX_PREFIX_ARTICLE, akey, len))
		return c->term.failed ? NX_ENOMEM : NX_OK;
	return nxx_db_delete_documents(c->db->x, c->term.ptr, c->term.len);
}

/* The flags of the state of a source read to the end.  One modified in the
 * second before the run started, or since, may change again within the
 * same timestamp: it is read again next time (not re-analysed, unless it
 * did change). */
static unsigned complete_flags(const index_ctx *c, const todo *t)
{
	double mtime = (double)t->sig.mtime_s + (double)t->sig.mtime_ns / 1e9;

	return NX_STATE_COMPLETE | (mtime >= c->racy_after ? NX_STATE_RACY : 0);
}

static int defer_cleanup(index_ctx *c, const todo *t, size_t n);

/*
 * The hash of the bytes of a file as they are on disk (compressed or not),
 * seeded with the passage sizes (a change of those changes every article);
 * 0 when the file cannot be read: the reader will say why.
 */
static int content_hash(uint64_t *out, index_ctx *c, const char *path)
{
	uint64_t h = 0x636f6e74656e7431ULL ^ ((uint64_t)c->o.passage_min_words << 32) ^
		     c->o.passage_max_words;
	struct stat st;
	ssize_t n;
	size_t got;
	int fd;

	*out = 0;
	if (!c->hashbuf && !(c->hashbuf = malloc(NX_HASH_CHUNK)))
		return nx_error_set(NX_ENOMEM, "out of memory");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return NX_OK;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NX_OK;
	}
	for (;;) {
		/* Whole chunks, so that the hash does not depend on how read()
		 * splits the file. */
		for (got = 0; got < NX_HASH_CHUNK; got += (size_t)n) {
			n = read(fd, c->hashbuf + got, NX_HASH_CHUNK - got);
			if (n < 0 && errno == EINTR) {
				n = 0;
				continue;
			}
			if (n <= 0)
				break;
		}
		if (n < 0) {
			close(fd);
			return NX_OK;
		}
		h = nx_hash_bytes(c->hashbuf, got, h);
		if (got < NX_HASH_CHUNK)
			break;
	}
	close(fd);
	*out = h ? h : 1;
	return NX_OK;
}

/* Read one listed source and bring the index and its state up to date. */
static int read_source(index_ctx *c, todo *t, const nx_read_ctx *rctx)
{
	static const nx_sig none;
	const char *path = c->names.ptr + t->path, *abspath = c->names.ptr + t->abspath;
	const nx_map_ent *e;
	nx_state st;
	size_t i = 0, n;
	int found, rc, read_rc;

	if ((rc = source_keys(c, abspath)) || (rc = load_state(c, &st, &found, abspath)))
		return rc;
	nx_map_clear(&c->old);
	nx_map_clear(&c->now);
	if (found && (rc = nx_state_articles(&st, &c->old))) {
		if (rc != NX_ECORRUPT)
			return rc;
		nx_error_clear();
		nx_map_clear(&c->old);  /* as if new: everything is written */
		found = 0;
	}

	/* Touched, copied back, rewritten with the same bytes: the content
	 * hash says so, and the file need not be parsed. */
	if ((rc = content_hash(&t->sig.content, c, abspath)))
		return rc;
	if (found && t->sig.content && t->sig.content == st.sig.content &&
	    (st.flags & NX_STATE_COMPLETE) && !(c->o.flags & NX_INDEX_FORCE)) {
		c->stats->sources_unchanged++;
		c->stats->unchanged += st.narticles;
		c->prog.sources_done++;
		if ((rc = nx_state_encode(&c->enc, complete_flags(c, t), &t->sig, abspath, &c->old,
					  NULL)) ||
		    (rc = put_state(c)))
			return rc;
		return changed(c, 1);
	}

	c->in_source = 1;
	c->cur_path = abspath;
	c->changes = 0;
	read_rc = nx_read_source(path, abspath, rctx);
	c->in_source = 0;
	if (c->fatal)
		return c->fatal;
	c->prog.sources_done++;

	if (read_rc != NX_OK) {
		/* The source failed (reported and counted): what it held stays.
		 * Records read before the failure may have been written; record
		 * them, incomplete, so that the next run tries again. */
		if (!c->changes)
			return NX_OK;
		if ((rc = nx_state_encode(&c->enc, 0, &none, abspath, &c->now, &c->old)) ||
		    (rc = put_state(c)))
			return rc;
		return changed(c, 0);
	}

	/* Articles the source no longer holds are deleted after every changed
	 * source has been read, so that a record that moved to a file read
	 * later is not deleted (it is that file's by then).  Until then the
	 * state keeps them, incomplete: a crash meanwhile and the next run
	 * reads the source again and finishes the job. */
	nx_buf_clear(&c->gone);
	n = 0;
	while ((e = nx_map_next(&c->old, &i))) {
		if (nx_map_get(&c->now, nx_map_key(&c->old, e), e->len, NULL))
			continue;
		nx_buf_put(&c->gone, nx_map_key(&c->old, e), e->len + 1);
		n++;
	}
	if (c->gone.failed)
		return nx_error_set(NX_ENOMEM, "out of memory");
	if (n) {
		if ((rc = defer_cleanup(c, t, n)) ||
		    (rc = nx_state_encode(&c->enc, 0, &none, abspath, &c->now, &c->old)) ||
		    (rc = put_state(c)))
			return rc;
		return changed(c, 0);
	}
	if (!c->changes)
		c->stats->sources_unchanged++;
	if ((rc = nx_state_encode(&c->enc, complete_flags(c, t), &t->sig, abspath, &c->now, NULL)) ||
	    (rc = put_state(c)))
		return rc;
	return changed(c, c->changes ? 0 : 1);
}

/* Remember that source t has n articles to delete (in c->gone). */
static int defer_cleanup(index_ctx *c, const todo *t, size_t n)
{
	cleanup *d;

	if (c->ncleanup == c->capcleanup) {
		size_t cap = c->capcleanup ? c->capcleanup * 2 : 16;
		cleanup *p = realloc(c->cleanup, cap * sizeof *p);

		if (!p)
			return nx_error_set(NX_ENOMEM, "out of memory");
		c->cleanup = p;
		c->capcleanup = cap;
	}
	d = &c->cleanup[c->ncleanup];
	d->t = t;
	d->keys = c->gone_all.len;
	d->n = n;
	if (nx_buf_put(&c->gone_all, c->gone.ptr, c->gone.len))
		return nx_error_set(NX_ENOMEM, "out of memory");
	c->ncleanup++;
	return NX_OK;
}

/* Delete what the sources read no longer hold, unless another source owns
 * it now; then their states are complete: what they had, less what went. */
static int clean_up(index_ctx *c)
{
	for (size_t i = 0; i < c->ncleanup; i++) {
		const cleanup *d = &c->cleanup[i];
		const char *abspath = c->names.ptr + d->t->abspath;
		const char *k = c->gone_all.ptr + d->keys;
		const nx_map_ent *e;
		size_t j = 0;
		uint64_t owned;
		nx_state st;
		int found, rc;

		if ((rc = source_keys(c, abspath)) || (rc = load_state(c, &st, &found, abspath)))
			return rc;
		nx_map_clear(&c->old);
		nx_map_clear(&c->now);
		nx_map_clear(&c->gone_set);
		if (found && (rc = nx_state_articles(&st, &c->old)))
			return rc;
		for (size_t g = 0; g < d->n; g++, k += strlen(k) + 1) {
			size_t len = strlen(k);

			if ((rc = nx_map_put(&c->gone_set, k, len, 0, NULL)) ||
			    (rc = owned_articles(&owned, c, k, len)))
				return rc;
			if (!owned)
				continue;
			if ((rc = batch_begin(c)) || (rc = delete_article(c, k, len)))
				return rc;
			c->stats->deleted++;
			c->pending++;
		}
		while ((e = nx_map_next(&c->old, &j))) {
			if (!nx_map_get(&c->gone_set, nx_map_key(&c->old, e), e->len, NULL) &&
			    (rc = nx_map_put(&c->now, nx_map_key(&c->old, e), e->len, e->val, NULL)))
				return rc;
		}
		if ((rc = nx_state_encode(&c->enc, complete_flags(c, d->t), &d->t->sig, abspath,
					  &c->now, NULL)) ||
		    (rc = put_state(c)) || (rc = changed(c, 0)))
			return rc;
		progress(c, NX_PHASE_READ, abspath, 0);
	}
	return NX_OK;
}

/* ---- sources that disappeared ------------------------------------------- */

typedef struct prune_ctx {
	index_ctx *c;
	nx_buf keys;    /* metadata keys of sources not seen, NUL-separated */
	size_t n;
} prune_ctx;

static int collect_unseen(void *vp, const char *key, size_t len)
{
	prune_ctx *p = vp;
	size_t plen = strlen(NX_META_SOURCE);

	if (len <= plen || nx_map_get(&p->c->seen, key + plen, len - plen, NULL))
		return 0;
	nx_buf_put(&p->keys, key, len);
	nx_buf_putc(&p->keys, '\0');
	p->n++;
	return p->keys.failed ? NX_ENOMEM : 0;
}

/* Is `path` one of `roots` or under one? */
static int under_roots(const char *path, char *const *roots, size_t nroots)
{
	for (size_t i = 0; i < nroots; i++) {
		size_t len;

		if (!roots[i])
			continue;
		len = strlen(roots[i]);
		if (!strncmp(path, roots[i], len) &&
		    (path[len] == '\0' || path[len] == '/' || (len == 1 && roots[i][0] == '/')))
			return 1;
	}
	return 0;
}

/* Delete every source whose state is recorded, whose path is under one of
 * the roots that were scanned without error, that the scan did not see, and
 * that does not exist any more (a directory that could not be listed, or
 * a file the walk does not follow, is not a reason to delete). */
static int prune(index_ctx *c, char *const *roots, size_t nroots)
{
	prune_ctx p = { c, NX_BUF_INIT, 0 };
	const char *key;
	size_t plen = strlen(NX_META_SOURCE);
	int rc;

	rc = nxx_db_metadata_keys(c->db->x, NX_META_SOURCE, collect_unseen, &p);
	key = p.keys.ptr;
	for (size_t i = 0; !rc && i < p.n; i++, key += strlen(key) + 1) {
		const char *path = key + plen;
		struct stat st;
		nx_state state;
		uint64_t owned;
		int found = 0;

		nx_buf_clear(&c->meta);
		nx_buf_clear(&c->skey);
		nx_buf_puts(&c->meta, key);
		nx_buf_puts(&c->skey, path);
		if (c->meta.failed || c->skey.failed) {
			rc = nx_error_set(NX_ENOMEM, "out of memory");
			break;
		}
		if (path[0] != '/') {
			/* A hashed key: the path is in the state. */
			nx_buf_clear(&c->record);
			if ((rc = load_state(c, &state, &found, "")))
				break;
			if (nx_state_parse(&state, c->record.ptr, c->record.len) != NX_OK) {
				nx_error_clear();
				continue;
			}
			nx_buf_clear(&c->enc);
			nx_buf_put(&c->enc, state.path, state.path_len);
			if (c->enc.failed) {
				rc = NX_ENOMEM;
				break;
			}
			path = c->enc.ptr;
		}
		if (!under_roots(path, roots, nroots))
			continue;
		if (lstat(path, &st) == 0 ? !S_ISDIR(st.st_mode) : errno != ENOENT && errno != ENOTDIR)
			continue;
		if ((rc = owned_articles(&owned, c, NULL, 0)) || (rc = batch_begin(c)))
			break;
		if (!make_term(c, NX_PREFIX_SOURCE, c->skey.ptr, c->skey.len)) {
			rc = c->term.failed ? NX_ENOMEM : NX_OK;
		} else {
			rc = nxx_db_delete_documents(c->db->x, c->term.ptr, c->term.len);
		}
		if (!rc)
			rc = nxx_db_set_metadata(c->db->x, c->meta.ptr, "", 0);
		if (rc)
			break;
		c->stats->deleted += owned;
		c->stats->sources_deleted++;
		rc = changed(c, owned ? (unsigned)(owned > c->o.commit_every ? c->o.commit_every : owned)
				      : 1);
		progress(c, NX_PHASE_PRUNE, path, 0);
	}
	nx_buf_free(&p.keys);
	return rc;
}

/* ---- entry point -------------------------------------------------------- */

int nx_index_paths(nx_db *db, const char *const *paths, size_t npaths,
		   const nx_index_options *opts, nx_index_stats *stats)
{
	static const nx_index_options defaults = NX_INDEX_OPTIONS_INIT;
	nx_index_stats full;
	size_t stats_size = offsetof(nx_index_stats, added);
	char **roots = NULL;
	index_ctx c;
	nx_read_ctx rctx;
	int rc = NX_OK;

	memset(&full, 0, sizeof full);
	if (!opts)
		opts = &defaults;
	if (opts->version >= 4)
		stats_size = sizeof full;
	else if (opts->version >= 2)
		stats_size = offsetof(nx_index_stats, threads);
	if (stats)
		memset(stats, 0, stats_size);
	if (!db || !db->writable)
		return nx_error_set(NX_EINVAL, "the index must be open for writing to index into it");
	if (opts->version < 1 || opts->version > NX_INDEX_OPTIONS_VERSION)
		return nx_error_set(NX_EINVAL, "nx_index_options version %u not supported", opts->version);
	if (opts->passage_min_words == 0 || opts->passage_max_words < opts->passage_min_words)
		return nx_error_set(NX_EINVAL, "passage sizes must satisfy 0 < min <= max");
	if (npaths && !paths)
		return nx_error_set(NX_EINVAL, "nx_index_paths: no paths");

	memset(&c, 0, sizeof c);
	/* A version 1 caller's struct ends before `flags`, a version 2's before
	 * `threads`. */
	c.o = defaults;
	memcpy(&c.o, opts, opts->version == 1 ? offsetof(nx_index_options, flags) :
			   opts->version == 2 ? offsetof(nx_index_options, threads) : sizeof c.o);
	c.o.version = NX_INDEX_OPTIONS_VERSION;
	/* Shards of an earlier run that was killed: removed by any run (we
	 * hold the writer lock), not only by the next parallel one. */
	nx_parallel_remove_stale(db);
	if (c.o.commit_every == 0)
		c.o.commit_every = 1;
	c.opts = &c.o;
	if (c.o.threads > 1) {  /* NX_INDEX_THREADS_AUTO too */
		/* A first run on several cores (parallel.c). */
		int done = 0;

		rc = nx_index_parallel(&done, db, paths, npaths, &c.o, &full);
		if (done) {
			if (stats)
				memcpy(stats, &full, stats_size);
			return rc;
		}
	}
	c.db = db;
	c.stats = &full;
	full.threads = 1;
	c.t0 = now_seconds();
	c.last_commit = index_committed_at(db);
	c.racy_after = wall_seconds() - 1.0;
	if ((rc = nx_db_analyzer(&c.an, db)))
		return rc;
	if (npaths && !(roots = calloc(npaths, sizeof *roots)))
		return nx_error_set(NX_ENOMEM, "out of memory");

	memset(&rctx, 0, sizeof rctx);
	rctx.on_article = index_article;
	rctx.article_ctx = &c;
	rctx.diag = c.o.diag;
	rctx.diag_ctx = c.o.diag_data;
	rctx.max_record_bytes = c.o.max_record_bytes;
	rctx.stats = &full;
	rctx.on_found = on_found;
	rctx.found_ctx = &c;

	/* Scan.  A failed source has been reported through the diag callback
	 * and counted; only an error of the index (c.fatal) stops the run.  A
	 * path that scanned without error is one to prune under. */
	progress(&c, NX_PHASE_SCAN, NULL, 1);
	for (size_t i = 0; i < npaths && !c.fatal; i++) {
		if (nx_read_path(paths[i], &rctx) == NX_OK && !c.fatal)
			roots[i] = realpath(paths[i], NULL);
	}

	/* Read what is new or changed. */
	rctx.on_found = NULL;
	progress(&c, NX_PHASE_READ, NULL, 1);
	for (size_t i = 0; i < c.ntodo && !c.fatal; i++) {
		if ((rc = read_source(&c, &c.todo[i], &rctx)))
			c.fatal = rc;
		progress(&c, NX_PHASE_READ, NULL, 0);
	}

	if (!c.fatal && (rc = clean_up(&c)))
		c.fatal = rc;
	if (!c.fatal && !(c.o.flags & NX_INDEX_NO_PRUNE)) {
		progress(&c, NX_PHASE_PRUNE, NULL, 1);
		if ((rc = prune(&c, roots, npaths)))
			c.fatal = rc;
	}

	if (!c.fatal && (rc = finish_run(&c)))
		c.fatal = rc;
	rc = c.fatal;
	if (rc) {
		/* Keep the message of the error, not of the cancel. */
		char msg[1024];

		snprintf(msg, sizeof msg, "%s", nx_error_message());
		if (nxx_db_in_transaction(db->x))
			nxx_db_cancel_transaction(db->x);
		nx_error_set(rc, "%s: %s", db->path, msg);
	}
	full.seconds = now_seconds() - c.t0;
	progress(&c, NX_PHASE_DONE, NULL, 1);
	if (stats)
		memcpy(stats, &full, stats_size);

	for (size_t i = 0; i < npaths; i++)
		free(roots ? roots[i] : NULL);
	free(roots);
	free(c.todo);
	nx_buf_free(&c.names);
	nx_map_free(&c.seen);
	nx_map_free(&c.probed);
	nx_map_free(&c.old);
	nx_map_free(&c.now);
	nx_buf_free(&c.skey);
	nx_buf_free(&c.meta);
	nx_buf_free(&c.record);
	nx_buf_free(&c.enc);
	free(c.hashbuf);
	nx_buf_free(&c.gone);
	nx_buf_free(&c.gone_all);
	free(c.cleanup);
	nx_map_free(&c.gone_set);
	nx_buf_free(&c.term);
	nxt_words_rec_free(&c.words);
	nxt_words_rec_free(&c.split_words);
	nx_buf_free(&c.data);
	nx_buf_free(&c.title_terms);
	return rc;
}
