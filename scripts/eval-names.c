/*
 * eval-names.c — nx_eval_names, the in-process driver of scripts/eval-names:
 * how well named people are found (issue 5).  It reaches the library's
 * internals (it links the static archive newsidx_internal), so it can run a
 * query with name expansion on and off; the library itself has no switch.
 *
 * Usage:
 *   nx_eval_names gen TSV OUT.jsonl ru|en
 *       one short JSON Lines article per row of the names TSV (latin,
 *       cyrillic, count): "Президент <Name> выступил." (ru, the Cyrillic
 *       form) or "President <Name> spoke." (en, the Latin form), the name
 *       capitalised, id = the row number (1-based, header excluded).
 *   nx_eval_names recall DB TSV lat2cyr|cyr2lat [--every K] [--threads T]
 *                 [--misses FILE]
 *       query each row's other form (with --every K, the rows of every K-th
 *       pair of rows; lat2cyr: the Latin form against an index of the
 *       Cyrillic ones) and report recall@1 and recall@10 of
 *       the right name, for the odd rows (train) and even rows (held out)
 *       separately.  A hit is right when its row's indexed form is the query
 *       row's (rows may share a Cyrillic form).  --misses writes the rows
 *       not found in the top 10.
 *   nx_eval_names topwords JSONL.gz N
 *       the N most frequent words written in lower case, one a line.
 *   nx_eval_names falsexp DB WORDS
 *       for each word (one a line), its results with name expansion and
 *       without: the share of words that expand, and whose results (every
 *       matching article, in order, with scores) change.
 *   nx_eval_names kaznerd FILE.jsonl
 *       detection recall of nxt_names on gold person names ("persons") and
 *       the share of detected names that are not inside a gold name.
 *   nx_eval_names reuters JSONL.gz [--sample N]
 *       distinct names nxt_names finds, and a fixed random sample of them
 *       with their context, for judging by eye.
 *   nx_eval_names latency DB QUERIES [--reps R]
 *       per-query latency of nx_search for each query (one a line), first
 *       10 hits, with and without name expansion, and of the expansion step
 *       alone (nx_name_variants): the median of R runs after a warm-up.
 *   nx_eval_names topnames DB N
 *       the N surname forms (M terms) of the most passages in the index.
 *   nx_eval_names keys < WORDS
 *       the name key of each (normalised) word, for looking at misses.
 *   nx_eval_names cost < PAIRS
 *       for each TAB-separated pair of words: both keys, their nxt_name_cost
 *       and whether they share a probe (1/0).
 *
 * Queries go through nx_search itself, best passage per article; "without
 * expansion" switches the index handle's name keyer off
 * (nxt_namekey_enable), so nothing else about the query changes.
 */
#include "nx_store.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "nx_eval_names: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

static void die_rc(int rc, const char *what)
{
	fprintf(stderr, "nx_eval_names: %s: %s (%s)\n", what, nx_strerror(rc), nx_error_message());
	exit(1);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* ---- input files ----------------------------------------------------------- */

/* Lines of a (possibly gzipped) file; the caller frees each and the array. */
static char **read_lines(const char *path, size_t *n)
{
	gzFile f = gzopen(path, "rb");
	char **v = NULL;
	size_t cap = 0;
	nx_buf line = NX_BUF_INIT;
	char chunk[65536];

	if (!f)
		die("cannot open %s", path);
	*n = 0;
	for (;;) {
		char *s = gzgets(f, chunk, sizeof chunk);
		size_t len;

		if (!s && !line.len)
			break;
		if (s) {
			nx_buf_puts(&line, s);
			len = strlen(s);
			if (len && s[len - 1] != '\n' && !gzeof(f))
				continue;
		}
		while (line.len && (line.ptr[line.len - 1] == '\n' || line.ptr[line.len - 1] == '\r'))
			line.ptr[--line.len] = '\0';
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			v = realloc(v, cap * sizeof *v);
			if (!v)
				die("out of memory reading %s", path);
		}
		v[(*n)++] = nx_strndup(line.ptr ? line.ptr : "", line.len);
		nx_buf_clear(&line);
		if (!s)
			break;
	}
	gzclose(f);
	nx_buf_free(&line);
	return v;
}

typedef struct row {
	char *latin, *cyr;
} row;

/* The names TSV without its header; rows[i] is row number i + 1. */
static row *read_tsv(const char *path, size_t *n)
{
	size_t nl;
	char **lines = read_lines(path, &nl);
	row *rows = calloc(nl ? nl : 1, sizeof *rows);

	*n = 0;
	for (size_t i = 1; i < nl; i++) {
		char *t1 = strchr(lines[i], '\t'), *t2;

		if (!t1 || !(t2 = strchr(t1 + 1, '\t')))
			die("bad line in %s", path);
		rows[*n].latin = nx_strndup(lines[i], (size_t)(t1 - lines[i]));
		rows[*n].cyr = nx_strndup(t1 + 1, (size_t)(t2 - t1 - 1));
		(*n)++;
	}
	for (size_t i = 0; i < nl; i++)
		free(lines[i]);
	free(lines);
	return rows;
}

static void free_rows(row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].latin);
		free(rows[i].cyr);
	}
	free(rows);
}

/* Each record of a (possibly gzipped) JSON Lines file, parsed (NULL when
 * it is no JSON), handed to fn with an analyzer. */
static void each_record(const char *path, void (*fn)(nxt_analyzer *an, json_t *o, void *ctx),
			void *ctx)
{
	size_t nl;
	char **lines = read_lines(path, &nl);
	nxt_analyzer *an;

	if (nxt_analyzer_new(&an))
		die("cannot create an analyzer%s", "");
	for (size_t i = 0; i < nl; i++) {
		json_t *o = json_loads(lines[i], 0, NULL);

		fn(an, o, ctx);
		json_decref(o);
		free(lines[i]);
	}
	free(lines);
	nxt_analyzer_free(an);
}

static nxt_namekey *new_namekey(void)
{
	nxt_namekey *k;

	if (nxt_namekey_new(&k))
		die("cannot create a name keyer%s", "");
	return k;
}

/* The key of a word after its case endings are removed (w is changed),
 * into out (cap bytes); 0 when it has none or it does not fit. */
static size_t word_key(nxt_namekey *k, char *w, char *out, size_t cap)
{
	const char *key;
	size_t klen, n = nxt_surname_base(w, strlen(w));

	if (nxt_name_key(&key, &klen, k, w, n))
		die_rc(nx_error_code(), w);
	if (klen >= cap)
		return 0;
	memcpy(out, key, klen + 1);
	return klen;
}

/* ---- the query path ---------------------------------------------------------- */

typedef struct searcher {
	nx_db *db;
	nxt_analyzer *an;
	/* results of the last run */
	char **ids;
	double *scores;
	size_t n, cap;
	size_t expanded;  /* name keys the query words expanded to */
	nx_buf keys;
} searcher;

static void searcher_open(searcher *s, const char *path)
{
	int rc;

	memset(s, 0, sizeof *s);
	if ((rc = nx_db_open(&s->db, path, NX_OPEN_READ)))
		die_rc(rc, path);
	if ((rc = nx_db_analyzer(&s->an, s->db)))
		die_rc(rc, "analyzer");
}

static void searcher_clear(searcher *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->ids[i]);
	s->n = 0;
}

static void searcher_close(searcher *s)
{
	searcher_clear(s);
	free(s->ids);
	free(s->scores);
	nx_buf_free(&s->keys);
	nx_db_close(s->db);
}

typedef struct step_ctx {
	searcher *s;
	double us;   /* time spent in nx_name_variants */
	int rc;
} step_ctx;

/* The expansion step for one query word: nx_name_variants, timed; the keys
 * it expands to are counted in s->expanded. */
static int expand_word(void *vc, const nxt_token *t)
{
	step_ctx *c = vc;
	size_t n = 0;
	double t0;

	if (t->script != NXT_SCRIPT_LATIN && t->script != NXT_SCRIPT_CYRILLIC)
		return 0;
	t0 = now_us();
	c->rc = nx_name_variants(&c->s->keys, &n, c->s->db, c->s->an, t->norm, t->norm_len);
	c->us += now_us() - t0;
	c->s->expanded += n;
	return c->rc;
}

/* The expansion step for each word of query: *us the time it took. */
static int expand_query(searcher *s, const char *query, double *us)
{
	step_ctx c = { s, 0, NX_OK };
	int rc = nxt_words(s->an, query, strlen(query), expand_word, &c);

	*us = c.us;
	return rc ? rc : c.rc;
}

/*
 * Run `query` through nx_search (best passage per article, `limit` hits)
 * with name expansion on or off: off, the handle's name keyer keys
 * nothing (nxt_namekey_enable), which is all that changes.  keys: also
 * count the name keys the words expand to (s->expanded).
 */
static int search(searcher *s, const char *query, int expand, size_t limit, int keys)
{
	nx_search_options opts = NX_SEARCH_OPTIONS_INIT;
	nx_results *r = NULL;
	nxt_namekey *nk;
	int rc;

	searcher_clear(s);
	s->expanded = 0;
	if ((rc = nx_db_namekey(&nk, s->db)))
		return rc;
	nxt_namekey_enable(nk, expand);
	opts.limit = limit;
	rc = nx_search(&r, s->db, query, &opts);
	if (rc == NX_ESYNTAX) {  /* a word the query language takes for syntax */
		nx_error_clear();
		return NX_OK;
	}
	if (rc)
		return rc;
	size_t n = nx_results_count(r);
	if (n > s->cap) {
		s->cap = n;
		s->ids = realloc(s->ids, n * sizeof *s->ids);
		s->scores = realloc(s->scores, n * sizeof *s->scores);
		if (!s->ids || !s->scores)
			die("out of memory holding %s", "results");
	}
	for (size_t i = 0; i < n; i++) {
		const nx_hit *h = nx_results_get(r, i);

		s->ids[s->n] = nx_strdup(h->id);
		s->scores[s->n++] = h->score;
	}
	nx_results_free(r);
	if (keys && expand) {
		double us;

		rc = expand_query(s, query, &us);
	}
	return rc;
}

/* ---- gen -------------------------------------------------------------------- */

/* The name as a person writes it: every letter after a non-letter made
 * title case ("o'gara" -> "O'Gara", "жан-поль" -> "Жан-Поль"). */
static void capitalise(nx_buf *out, const char *s)
{
	int32_t i = 0, n = (int32_t)strlen(s);
	int after_letter = 0;

	nx_buf_clear(out);
	while (i < n) {
		UChar32 c;
		char u[4];
		int32_t ulen = 0;
		UBool err = 0;

		U8_NEXT(s, i, n, c);
		if (c < 0)
			continue;
		if (u_isalpha(c)) {
			if (!after_letter)
				c = u_totitle(c);
			after_letter = 1;
		} else {
			after_letter = 0;
		}
		U8_APPEND(u, ulen, 4, c, err);
		if (!err)
			nx_buf_put(out, u, (size_t)ulen);
	}
	nx_buf_putc(out, '\0');
	out->len--;
}

static int cmd_gen(int argc, char **argv)
{
	size_t n;
	row *rows;
	FILE *f;
	nx_buf name = NX_BUF_INIT, text = NX_BUF_INIT;
	int ru;

	if (argc != 5)
		die("usage: gen TSV OUT.jsonl ru|en%s", "");
	ru = strcmp(argv[4], "ru") == 0;
	rows = read_tsv(argv[2], &n);
	if (!(f = fopen(argv[3], "w")))
		die("cannot write %s", argv[3]);
	for (size_t i = 0; i < n; i++) {
		char id[32];
		json_t *o;
		char *line;

		capitalise(&name, ru ? rows[i].cyr : rows[i].latin);
		nx_buf_clear(&text);
		nx_buf_printf(&text, ru ? "Президент %s выступил." : "President %s spoke.", name.ptr);
		snprintf(id, sizeof id, "%zu", i + 1);
		o = json_pack("{s:s, s:s, s:s}", "id", id, "lang", ru ? "ru" : "en", "text",
			      text.ptr);
		line = json_dumps(o, JSON_COMPACT);
		fprintf(f, "%s\n", line);
		free(line);
		json_decref(o);
	}
	if (fclose(f))
		die("cannot write %s", argv[3]);
	nx_buf_free(&name);
	nx_buf_free(&text);
	free_rows(rows, n);
	return 0;
}

/* ---- recall ----------------------------------------------------------------- */

typedef struct recall_job {
	const char *db;
	row *rows;
	size_t n;
	int lat2cyr;
	size_t every, first, step;  /* rows first, first + step ... (in units of every) */
	/* [0] train (odd rows), [1] held out (even rows) */
	size_t queries[2], at1[2], at10[2], expanded[2];
	nx_buf misses;
} recall_job;

static void *recall_thread(void *vj)
{
	recall_job *j = vj;
	searcher s;

	searcher_open(&s, j->db);
	/* every K-th pair of rows, so both halves are sampled alike */
	for (size_t k = j->first;; k += j->step) {
		size_t i = k / 2 * 2 * j->every + k % 2, half = (i + 1) % 2 == 0;

		if (i >= j->n)
			break;
		const char *q = j->lat2cyr ? j->rows[i].latin : j->rows[i].cyr;
		const char *want = j->lat2cyr ? j->rows[i].cyr : j->rows[i].latin;
		size_t rank = 0;
		int rc;

		if ((rc = search(&s, q, 1, 10, 1)))
			die_rc(rc, q);
		for (size_t h = 0; h < s.n && !rank; h++) {
			size_t r = strtoul(s.ids[h], NULL, 10);

			if (r >= 1 && r <= j->n) {
				const row *hr = &j->rows[r - 1];

				if (strcmp(j->lat2cyr ? hr->cyr : hr->latin, want) == 0)
					rank = h + 1;
			}
		}
		j->queries[half]++;
		j->at1[half] += rank == 1;
		j->at10[half] += rank >= 1;
		j->expanded[half] += s.expanded;
		if (!rank) {
			nx_buf_printf(&j->misses, "%zu\t%s\t%s\t%zu", i + 1, q, want, s.n);
			for (size_t h = 0; h < s.n && h < 3; h++) {
				size_t r = strtoul(s.ids[h], NULL, 10);

				if (r >= 1 && r <= j->n)
					nx_buf_printf(&j->misses, "\t%s",
						      j->lat2cyr ? j->rows[r - 1].cyr :
								   j->rows[r - 1].latin);
			}
			nx_buf_putc(&j->misses, '\n');
		}
	}
	searcher_close(&s);
	return NULL;
}

static int cmd_recall(int argc, char **argv)
{
	size_t n, every = 1, threads = 2;
	const char *misses = NULL;
	row *rows;
	recall_job jobs[16];
	pthread_t tid[16];
	size_t tot[4][2] = { { 0 } };
	double t0;

	if (argc < 5)
		die("usage: recall DB TSV lat2cyr|cyr2lat [--every K] [--threads T] [--misses F]%s", "");
	for (int i = 5; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--every"))
			every = strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--threads"))
			threads = strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--misses"))
			misses = argv[i + 1];
		else
			die("unknown option %s", argv[i]);
	}
	if (!every)
		every = 1;
	if (threads < 1 || threads > 16)
		threads = 2;
	rows = read_tsv(argv[3], &n);
	t0 = now_us();
	for (size_t t = 0; t < threads; t++) {
		recall_job *j = &jobs[t];

		memset(j, 0, sizeof *j);
		j->db = argv[2];
		j->rows = rows;
		j->n = n;
		j->lat2cyr = strcmp(argv[4], "lat2cyr") == 0;
		j->every = every;
		j->first = t;
		j->step = threads;
		pthread_create(&tid[t], NULL, recall_thread, j);
	}
	FILE *mf = misses ? fopen(misses, "w") : NULL;
	if (misses && !mf)
		die("cannot write %s", misses);
	for (size_t t = 0; t < threads; t++) {
		pthread_join(tid[t], NULL);
		for (int h = 0; h < 2; h++) {
			tot[0][h] += jobs[t].queries[h];
			tot[1][h] += jobs[t].at1[h];
			tot[2][h] += jobs[t].at10[h];
			tot[3][h] += jobs[t].expanded[h];
		}
		if (mf && jobs[t].misses.len)
			fwrite(jobs[t].misses.ptr, 1, jobs[t].misses.len, mf);
		nx_buf_free(&jobs[t].misses);
	}
	if (mf)
		fclose(mf);
	/* Machine-readable: direction half queries r@1 r@10 mean-keys seconds */
	for (int h = 0; h < 2; h++)
		printf("%s\t%s\t%zu\t%.4f\t%.4f\t%.2f\t%.1f\n", argv[4], h ? "heldout" : "train",
		       tot[0][h], tot[0][h] ? (double)tot[1][h] / tot[0][h] : 0,
		       tot[0][h] ? (double)tot[2][h] / tot[0][h] : 0,
		       tot[0][h] ? (double)tot[3][h] / tot[0][h] : 0, (now_us() - t0) / 1e6);
	free_rows(rows, n);
	return 0;
}

/* ---- topwords --------------------------------------------------------------- */

typedef struct wcount {
	char *w;
	size_t n;
} wcount;

typedef struct wtable {
	wcount *v;
	size_t n, cap;  /* open addressing, cap a power of two */
} wtable;


static int by_count(const void *a, const void *b)
{
	const wcount *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->w ? x->w : "", y->w ? y->w : "");
}

/* Count w[0, len) n more times. */
static void wt_add(wtable *t, const char *w, size_t len, size_t n)
{
	if (t->n * 2 >= t->cap) {
		wtable b = { NULL, 0, t->cap ? t->cap * 2 : 1024 };

		b.v = calloc(b.cap, sizeof *b.v);
		for (size_t i = 0; i < t->cap; i++)
			if (t->v[i].w) {
				size_t j = nx_hash(t->v[i].w, strlen(t->v[i].w)) & (b.cap - 1);

				while (b.v[j].w)
					j = (j + 1) & (b.cap - 1);
				b.v[j] = t->v[i];
				b.n++;
			}
		free(t->v);
		*t = b;
	}
	size_t j = nx_hash(w, len) & (t->cap - 1);
	while (t->v[j].w && (strlen(t->v[j].w) != len || memcmp(t->v[j].w, w, len)))
		j = (j + 1) & (t->cap - 1);
	if (!t->v[j].w) {
		t->v[j].w = nx_strndup(w, len);
		t->n++;
	}
	t->v[j].n += n;
}

/* Print the n most frequent words, and free the table. */
static void wt_print_free(wtable *t, size_t top)
{
	if (t->cap)
		qsort(t->v, t->cap, sizeof *t->v, by_count);
	for (size_t i = 0; i < top && i < t->cap && t->v[i].w; i++)
		printf("%s\n", t->v[i].w);
	for (size_t i = 0; i < t->cap; i++)
		free(t->v[i].w);
	free(t->v);
}


typedef struct lower_ctx {
	const char *text;
	wtable *t;
} lower_ctx;

/* Words written with letters only, none of them upper case. */
static int on_lower(void *vc, const nxt_token *tok)
{
	lower_ctx *c = vc;
	int32_t i = (int32_t)tok->start, n = (int32_t)tok->end;

	if (tok->script != NXT_SCRIPT_LATIN && tok->script != NXT_SCRIPT_CYRILLIC)
		return 0;
	while (i < n) {
		UChar32 ch;

		U8_NEXT(c->text, i, n, ch);
		if (ch < 0 || u_isupper(ch) || u_istitle(ch) || u_isdigit(ch))
			return 0;
	}
	wt_add(c->t, tok->norm, tok->norm_len, 1);
	return 0;
}

static void topwords_record(nxt_analyzer *an, json_t *o, void *ctx)
{
	const char *fields[] = { "title", "text" };

	for (size_t f = 0; o && f < 2; f++) {
		const char *s = json_string_value(json_object_get(o, fields[f]));
		lower_ctx c = { s, ctx };

		if (s)
			nxt_words(an, s, strlen(s), on_lower, &c);
	}
}

static int cmd_topwords(int argc, char **argv)
{
	wtable t = { NULL, 0, 0 };

	if (argc != 4)
		die("usage: topwords JSONL.gz N%s", "");
	each_record(argv[2], topwords_record, &t);
	wt_print_free(&t, strtoul(argv[3], NULL, 10));
	return 0;
}

/* ---- falsexp ---------------------------------------------------------------- */

static int same_results(const searcher *a, char **ids, double *scores, size_t n)
{
	if (a->n != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(a->ids[i], ids[i]) || a->scores[i] != scores[i])
			return 0;
	return 1;
}

static int cmd_falsexp(int argc, char **argv)
{
	searcher s;
	size_t nw, expanded = 0, changed = 0, changed10 = 0;
	char **words;

	if (argc != 4)
		die("usage: falsexp DB WORDS%s", "");
	searcher_open(&s, argv[2]);
	words = read_lines(argv[3], &nw);
	for (size_t i = 0; i < nw; i++) {
		char **ids;
		double *scores;
		size_t n, keys;
		int rc;

		if ((rc = search(&s, words[i], 0, 1000, 0)))
			die_rc(rc, words[i]);
		n = s.n;
		ids = malloc((n ? n : 1) * sizeof *ids);
		scores = malloc((n ? n : 1) * sizeof *scores);
		for (size_t h = 0; h < n; h++) {
			ids[h] = nx_strdup(s.ids[h]);
			scores[h] = s.scores[h];
		}
		if ((rc = search(&s, words[i], 1, 1000, 1)))
			die_rc(rc, words[i]);
		keys = s.expanded;
		int same = same_results(&s, ids, scores, n);
		int same10 = 1;
		for (size_t h = 0; h < 10 && h < n; h++)
			if (h >= s.n || strcmp(s.ids[h], ids[h]))
				same10 = 0;
		if (s.n < 10 && s.n != n)
			same10 = 0;
		expanded += keys > 0;
		changed += !same;
		changed10 += !same10;
		if (keys || !same)
			fprintf(stderr, "falsexp: %s expands to %zu keys%s\n", words[i], keys,
				same ? "" : same10 ? ", results change" : ", top 10 change");
		for (size_t h = 0; h < n; h++)
			free(ids[h]);
		free(ids);
		free(scores);
		free(words[i]);
	}
	free(words);
	printf("words\t%zu\nexpanded\t%zu\nchanged\t%zu\nchanged_top10\t%zu\n", nw, expanded,
	       changed, changed10);
	searcher_close(&s);
	return 0;
}

/* ---- detection: kaznerd, reuters -------------------------------------------- */

typedef struct span {
	size_t start, end;
} span;

typedef struct names_ctx {
	span *v;
	size_t n, cap;
	nx_buf surnames;  /* NUL-separated, as detected */
} names_ctx;

static int on_name(void *vc, const nxt_name *nm)
{
	names_ctx *c = vc;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->v = realloc(c->v, c->cap * sizeof *c->v);
		if (!c->v)
			return NX_ENOMEM;
	}
	c->v[c->n].start = nm->surname_start;
	c->v[c->n++].end = nm->surname_end;
	nx_buf_put(&c->surnames, nm->surname, nm->surname_len);
	nx_buf_putc(&c->surnames, '\0');
	return 0;
}

static int taken(const span *g, size_t ng, size_t start)
{
	for (size_t x = 0; x < ng; x++)
		if (g[x].start == start)
			return 1;
	return 0;
}

/* Does [start, end) lie inside one of the n spans? */
static int inside_any(const span *v, size_t n, size_t start, size_t end)
{
	for (size_t i = 0; i < n; i++)
		if (start >= v[i].start && end <= v[i].end)
			return 1;
	return 0;
}

typedef struct kaznerd_ctx {
	const char *path;
	int verbose;
	size_t gold, located, found, gold1, found1, detected, inside;
} kaznerd_ctx;

static void kaznerd_record(nxt_analyzer *an, json_t *o, void *vk)
{
	kaznerd_ctx *kz = vk;
	const char *text = o ? json_string_value(json_object_get(o, "text")) : NULL;
	names_ctx c = { NULL, 0, 0, NX_BUF_INIT };
	span g[64];
	size_t ng = 0, k;
	json_t *p;

	if (!text)
		die("bad record in %s", kz->path);
	nxt_names(an, text, strlen(text), on_name, &c);
	json_array_foreach(json_object_get(o, "persons"), k, p) {
		const char *name = json_string_value(p);
		const char *at = name ? strstr(text, name) : NULL;
		int single = name && !strchr(name, ' '), hit;

		kz->gold++;
		kz->gold1 += single;
		/* the same name twice in a sentence: its next occurrence */
		while (at && taken(g, ng, (size_t)(at - text)))
			at = strstr(at + 1, name);
		if (!at || ng == 64)
			continue;
		kz->located++;
		g[ng].start = (size_t)(at - text);
		g[ng].end = g[ng].start + strlen(name);
		hit = 0;
		for (size_t d = 0; d < c.n && !hit; d++)
			hit = inside_any(&g[ng], 1, c.v[d].start, c.v[d].end);
		kz->found += hit;
		kz->found1 += hit && single;
		if (!hit && kz->verbose)
			printf("MISS\t%s\t%s\n", name, text);
		ng++;
	}
	for (size_t d = 0; d < c.n; d++) {
		int in = inside_any(g, ng, c.v[d].start, c.v[d].end);

		kz->detected++;
		kz->inside += in;
		if (!in && kz->verbose)
			printf("FALSE\t%.*s\t%s\n", (int)(c.v[d].end - c.v[d].start),
			       text + c.v[d].start, text);
	}
	free(c.v);
	nx_buf_free(&c.surnames);
}

static int cmd_kaznerd(int argc, char **argv)
{
	kaznerd_ctx kz = { NULL, 0, 0, 0, 0, 0, 0, 0, 0 };

	if (argc < 3)
		die("usage: kaznerd FILE.jsonl [--verbose]%s", "");
	kz.path = argv[2];
	kz.verbose = argc > 3 && !strcmp(argv[3], "--verbose");
	each_record(argv[2], kaznerd_record, &kz);
	printf("gold\t%zu\nlocated\t%zu\nfound\t%zu\ngold_single\t%zu\nfound_single\t%zu\n"
	       "detected\t%zu\ndetected_in_gold\t%zu\n",
	       kz.gold, kz.located, kz.found, kz.gold1, kz.found1, kz.detected, kz.inside);
	return 0;
}

typedef struct distinct {
	wtable t;
	const char *text;
	nx_buf ctx;  /* "surname\tcontext\n" of the first sighting of each */
} distinct;

static int on_reuters_name(void *vc, const nxt_name *nm)
{
	distinct *d = vc;
	size_t before = d->t.n;

	wt_add(&d->t, nm->surname, nm->surname_len, 1);
	if (d->t.n > before) {
		size_t a = nm->start > 40 ? nm->start - 40 : 0, b = nm->end + 40;
		size_t len = strlen(d->text);

		/* whole UTF-8 characters only */
		while (a > 0 && (d->text[a] & 0xC0) == 0x80)
			a--;
		if (b > len)
			b = len;
		while (b < len && (d->text[b] & 0xC0) == 0x80)
			b++;
		nx_buf_printf(&d->ctx, "%.*s\t", (int)nm->surname_len, nm->surname);
		for (size_t i = a; i < b; i++)
			nx_buf_putc(&d->ctx, d->text[i] == '\n' || d->text[i] == '\t' ? ' ' : d->text[i]);
		nx_buf_putc(&d->ctx, '\n');
	}
	return 0;
}

static void reuters_record(nxt_analyzer *an, json_t *o, void *vd)
{
	distinct *d = vd;
	const char *text = o ? json_string_value(json_object_get(o, "text")) : NULL;

	if (text) {
		d->text = text;
		nxt_names(an, text, strlen(text), on_reuters_name, d);
	}
}

static int cmd_reuters(int argc, char **argv)
{
	size_t sample = 50, mentions = 0;
	distinct d = { { NULL, 0, 0 }, NULL, NX_BUF_INIT };

	if (argc < 3)
		die("usage: reuters JSONL.gz [--sample N]%s", "");
	if (argc > 4 && !strcmp(argv[3], "--sample"))
		sample = strtoul(argv[4], NULL, 10);
	each_record(argv[2], reuters_record, &d);
	for (size_t i = 0; i < d.t.cap; i++)
		mentions += d.t.v[i].n;
	printf("distinct\t%zu\nmentions\t%zu\n", d.t.n, mentions);
	/* A fixed sample: every distinct name in first-seen order, thinned by
	 * a seeded LCG so the same build gives the same sample. */
	{
		size_t nctx = 0;
		char *p = d.ctx.ptr, **v;
		uint64_t x = 20261124;

		for (size_t i = 0; i < d.ctx.len; i++)
			nctx += d.ctx.ptr[i] == '\n';
		v = malloc((nctx ? nctx : 1) * sizeof *v);
		for (size_t i = 0; i < nctx; i++) {
			v[i] = p;
			p = strchr(p, '\n');
			*p++ = '\0';
		}
		for (size_t i = 0; i + 1 < nctx; i++) {  /* Fisher-Yates */
			size_t j;

			x = x * 6364136223846793005ull + 1442695040888963407ull;
			j = i + (size_t)((x >> 33) % (nctx - i));
			char *tmp = v[i];
			v[i] = v[j];
			v[j] = tmp;
		}
		for (size_t i = 0; i < sample && i < nctx; i++)
			printf("sample\t%s\n", v[i]);
		free(v);
	}
	wt_print_free(&d.t, 0);
	nx_buf_free(&d.ctx);
	return 0;
}

/* ---- latency ---------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int cmd_latency(int argc, char **argv)
{
	searcher s;
	size_t nq, reps = 5, nexp = 0;
	char **qs;
	double *on, *off, *step, *t;

	if (argc < 4)
		die("usage: latency DB QUERIES [--reps R]%s", "");
	if (argc > 5 && !strcmp(argv[4], "--reps"))
		reps = strtoul(argv[5], NULL, 10);
	if (!reps)
		reps = 1;
	searcher_open(&s, argv[2]);
	qs = read_lines(argv[3], &nq);
	on = calloc(nq ? nq : 1, sizeof *on);
	off = calloc(nq ? nq : 1, sizeof *off);
	step = calloc(nq ? nq : 1, sizeof *step);
	t = calloc(reps, sizeof *t);
	for (int pass = 0; pass < 2; pass++)  /* warm-up: every query both ways */
		for (size_t i = 0; i < nq; i++) {
			if (search(&s, qs[i], pass, 10, pass))
				die_rc(nx_error_code(), qs[i]);
			nexp += pass && s.expanded > 1;
		}
	for (size_t i = 0; i < nq; i++) {
		for (int expand = 0; expand < 2; expand++) {
			for (size_t r = 0; r < reps; r++) {
				double t0 = now_us();
				int rc = search(&s, qs[i], expand, 10, 0);

				t[r] = now_us() - t0;
				if (rc)
					die_rc(rc, qs[i]);
			}
			qsort(t, reps, sizeof *t, cmp_double);
			(expand ? on : off)[i] = t[reps / 2];
		}
		for (size_t r = 0; r < reps; r++)
			if (expand_query(&s, qs[i], &t[r]))
				die_rc(nx_error_code(), qs[i]);
		qsort(t, reps, sizeof *t, cmp_double);
		step[i] = t[reps / 2];
		printf("query\t%s\t%.1f\t%.1f\t%.1f\n", qs[i], off[i], on[i], step[i]);
	}
	double son = 0, soff = 0, sstep = 0;
	for (size_t i = 0; i < nq; i++) {
		son += on[i];
		soff += off[i];
		sstep += step[i];
	}
	printf("queries\t%zu\nexpanded\t%zu\nmean_off_us\t%.1f\nmean_on_us\t%.1f\nmean_step_us\t%.1f\n",
	       nq, nexp, nq ? soff / nq : 0, nq ? son / nq : 0, nq ? sstep / nq : 0);
	qsort(on, nq, sizeof *on, cmp_double);
	qsort(off, nq, sizeof *off, cmp_double);
	if (nq)
		printf("p50_off_us\t%.1f\np50_on_us\t%.1f\np90_off_us\t%.1f\np90_on_us\t%.1f\n",
		       off[nq / 2], on[nq / 2], off[nq * 9 / 10], on[nq * 9 / 10]);
	for (size_t i = 0; i < nq; i++)
		free(qs[i]);
	free(qs);
	free(on);
	free(off);
	free(step);
	free(t);
	searcher_close(&s);
	return 0;
}

/* ---- topnames --------------------------------------------------------------- */

/* M<key>:<form> terms: the form, counted by its term frequency. */
static int on_form(void *vc, const char *term, size_t len, uint32_t tf)
{
	wtable *t = vc;
	const char *colon = memchr(term, ':', len);

	if (colon && (size_t)(term + len - colon - 1) >= 3) {
		size_t fl = (size_t)(term + len - colon - 1);

		wt_add(t, colon + 1, fl, tf);
	}
	return 0;
}

static int cmd_topnames(int argc, char **argv)
{
	searcher s;
	wtable t = { NULL, 0, 0 };
	size_t top;
	int rc;

	if (argc != 4)
		die("usage: topnames DB N%s", "");
	top = strtoul(argv[3], NULL, 10);
	searcher_open(&s, argv[2]);
	if ((rc = nxx_db_allterms(s.db->x, NX_PREFIX_NAME_FORM, on_form, &t)))
		die_rc(rc, "reading name forms");
	wt_print_free(&t, top);
	searcher_close(&s);
	return 0;
}

/* ---- keys ------------------------------------------------------------------- */

/* The name key of each word on stdin (after case endings are removed). */
static int cmd_keys(int argc, char **argv)
{
	nxt_namekey *k = new_namekey();
	char line[1024], key[1024];

	while (fgets(line, sizeof line, stdin)) {
		line[strcspn(line, "\r\n")] = '\0';
		word_key(k, line, key, sizeof key);
		printf("%s\t%s\n", line, key);
	}
	nxt_namekey_free(k);
	return 0;
}

/* Pairs of words on stdin (TAB-separated): their keys, nxt_name_cost
 * (capped at 999) and whether they share a probe. */
static int cmd_cost(int argc, char **argv)
{
	nxt_namekey *k = new_namekey();
	char line[2048];
	nx_buf pa = NX_BUF_INIT, pb = NX_BUF_INIT;

	while (fgets(line, sizeof line, stdin)) {
		char *tab = strchr(line, '\t'), ka[256], kb[256];
		size_t la, lb, na, nb;
		int shared = 0;

		if (!tab)
			continue;
		*tab++ = '\0';
		tab[strcspn(tab, "\r\n")] = '\0';
		if (!(la = word_key(k, line, ka, sizeof ka)) || !(lb = word_key(k, tab, kb, sizeof kb)))
			continue;
		nxt_name_probes(&pa, &na, ka, la);
		nxt_name_probes(&pb, &nb, kb, lb);
		const char *p = pa.ptr;
		for (size_t i = 0; i < na && !shared; i++, p += strlen(p) + 1) {
			const char *q = pb.ptr;

			for (size_t j = 0; j < nb && !shared; j++, q += strlen(q) + 1)
				shared = !strcmp(p, q);
		}
		printf("%s\t%s\t%u\t%d\n", ka, kb, nxt_name_cost(ka, la, kb, lb, 998), shared);
	}
	nx_buf_free(&pa);
	nx_buf_free(&pb);
	nxt_namekey_free(k);
	return 0;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "gen", cmd_gen },           { "recall", cmd_recall },   { "topwords", cmd_topwords },
	{ "falsexp", cmd_falsexp },   { "kaznerd", cmd_kaznerd }, { "reuters", cmd_reuters },
	{ "latency", cmd_latency },   { "topnames", cmd_topnames }, { "keys", cmd_keys },
	{ "cost", cmd_cost },
};

int main(int argc, char **argv)
{
	if (argc < 2)
		die("usage: nx_eval_names gen|recall|topwords|falsexp|kaznerd|reuters|latency|topnames|keys|cost ...%s",
		    "");
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc, argv);
	die("unknown command %s", argv[1]);
	return 2;
}
