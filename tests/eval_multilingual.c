/*
 * eval_multilingual.c — does multilingual analysis find what it should?
 * Run by scripts/eval-multilingual; not a test (it takes a minute).
 *
 *  kaznerd DIR: index news/kaznerd-test.jsonl; for each gold person name
 *    of a sentence, search its first token (as the query parser would
 *    analyse it: nx_query_for_word) and count the name as found when the
 *    sentence matches.  Prints the recall; then again with the token
 *    written in Latin as the press would (ICU's Kazakh-Latin/BGN; its
 *    diacritics dropped: Нұрсұлтан -> Nursultan), the cross-script case.
 *  ntrex DIR LANG...: for each language, index news/ntrex/LANG.jsonl on its
 *    own; for each story, search its title's words (nx_search, punctuation
 *    made spaces so no query syntax applies) and count the story found at
 *    rank 1 and in the top 10.  Prints the rates per language.  With
 *    $EVAL_SPACED, the title's words are searched separated by spaces.
 *
 *  keys DIR: what match keys merge.  Over the word types of Reuters-21578
 *    (English), the share that meet another type under one key whose
 *    folded forms differ (false matches); over the name pairs of
 *    names/en-ru-person-names.tsv, the share whose Latin and Cyrillic
 *    spellings get one key (true matches).
 *
 * DIR is the shared data directory (../shared/data); indexes go to a
 * temporary directory, removed at the end.
 */
#include "nx_store.h"

#include <jansson.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static char tmpdir[256];

static int cleanup(void)
{
	char cmd[300];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd);
}

static nx_db *build_index(const char *name, const char *src)
{
	char path[512];
	nx_db *db = NULL;
	nx_index_stats st;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	if (nx_db_open(&db, path, NX_OPEN_WRITE) ||
	    nx_index_paths(db, &src, 1, NULL, &st) || nx_db_commit(db)) {
		fprintf(stderr, "eval: indexing %s: %s\n", src, nx_error_message());
		exit(1);
	}
	fprintf(stderr, "indexed %s: %llu articles, %llu passages, %.1f s\n", src,
		(unsigned long long)st.articles, (unsigned long long)st.passages, st.seconds);
	return db;
}

/* ---- kaznerd ------------------------------------------------------------- */

typedef struct qctx {
	nx_qterms *qt;
	nxt_analyzer *an;
	nxx_query *q[16];
	size_t n;
	nx_buf scratch;
	int rc;
} qctx;

static int on_query_word(void *vc, const nxt_token *t)
{
	qctx *c = vc;
	nxx_query *q = NULL;

	if (c->n == 16)
		return 0;
	c->rc = nx_query_for_word(&q, c->an, c->qt, t, 0, &c->scratch);
	if (!c->rc && q)
		c->q[c->n++] = q;
	return c->rc;
}

/* Does the query `word` match the article `id`? */
static int matches(nx_db *db, nxt_analyzer *an, const char *word, const char *id)
{
	nx_qterms qt = { NX_BUF_INIT, 0, NX_BUF_INIT, 0, db, NX_BUF_INIT, 0 };
	qctx c = { &qt, an, { 0 }, 0, NX_BUF_INIT, 0 };
	nxx_query *words = NULL, *filter = NULL, *both = NULL;
	nxx_mset *m = NULL;
	nxx_enquire_opts eo = NXX_ENQUIRE_OPTS_INIT;
	nx_buf key = NX_BUF_INIT;
	int found = 0;

	if (nxt_words(an, word, strlen(word), on_query_word, &c) || c.n == 0)
		goto out;
	nx_buf_puts(&key, NX_PREFIX_ARTICLE);
	nx_store_key(&key, id);
	if (nxx_query_combine(&words, NXX_OP_OR, c.q, c.n, 0) ||
	    nxx_query_term(&filter, key.ptr, key.len, 1, 0))
		goto out;
	nxx_query *pair[2] = { words, filter };
	eo.limit = 1;
	if (nxx_query_combine(&both, NXX_OP_FILTER, pair, 2, 0) || nxx_enquire(&m, db->x, both, &eo))
		goto out;
	found = nxx_mset_size(m) > 0;
out:
	for (size_t i = 0; i < c.n; i++)
		nxx_query_free(c.q[i]);
	nxx_query_free(words);
	nxx_query_free(filter);
	nxx_query_free(both);
	nxx_mset_free(m);
	nx_buf_free(&key);
	nx_buf_free(&c.scratch);
	nx_qterms_free(&qt);
	return found;
}

/* w in Latin, as ICU's "Kazakh-Latin/BGN; Latin-ASCII" writes it. */
static void to_latin(char *out, size_t size, UTransliterator *t, const char *w)
{
	UErrorCode st = U_ZERO_ERROR;
	UChar buf[512];
	int32_t len = 0, lim;

	out[0] = '\0';
	u_strFromUTF8(buf, 256, &len, w, -1, &st);
	lim = len;
	utrans_transUChars(t, buf, &len, 512, 0, &lim, &st);
	u_strToUTF8(out, (int32_t)size, NULL, buf, len, &st);
	if (U_FAILURE(st))
		out[0] = '\0';
}

static int eval_kaznerd(const char *dir)
{
	char src[512], line[65536];
	size_t names = 0, found = 0, found_latin = 0;
	UErrorCode st = U_ZERO_ERROR;
	UTransliterator *bgn = utrans_openU(u"Kazakh-Latin/BGN; Latin-ASCII", -1, UTRANS_FORWARD,
					    NULL, 0, NULL, &st);
	nx_db *db;
	nxt_analyzer *an;
	FILE *f;

	snprintf(src, sizeof src, "%s/news/kaznerd-test.jsonl", dir);
	db = build_index("kaznerd", src);
	if (nx_db_analyzer(&an, db) || !(f = fopen(src, "r")))
		return 1;
	while (fgets(line, sizeof line, f)) {
		json_t *o = json_loads(line, 0, NULL);
		json_t *persons = json_object_get(o, "persons");
		const char *id = json_string_value(json_object_get(o, "id"));
		size_t i;
		json_t *p;

		json_array_foreach(persons, i, p) {
			const char *name = json_string_value(p);
			char first[256];
			size_t n;

			if (!name || !id)
				continue;
			n = strcspn(name, " ");
			if (n >= sizeof first)
				n = sizeof first - 1;
			memcpy(first, name, n);
			first[n] = '\0';
			names++;
			if (matches(db, an, first, id))
				found++;
			else if (getenv("EVAL_VERBOSE"))
				fprintf(stderr, "missed: %s in %s\n", first, id);
			if (bgn) {
				char latin[512];
				to_latin(latin, sizeof latin, bgn, first);
				if (matches(db, an, latin, id))
					found_latin++;
				else if (getenv("EVAL_VERBOSE"))
					fprintf(stderr, "missed in Latin: %s (%s) in %s\n", latin, first, id);
			}
		}
		json_decref(o);
	}
	fclose(f);
	nx_db_close(db);
	printf("kaznerd: %zu of %zu gold person names found by their first token: recall %.2f%%\n",
	       found, names, names ? 100.0 * found / names : 0.0);
	if (bgn)
		printf("kaznerd: ... by that token in Latin (BGN/PCGN): %zu, recall %.2f%%\n",
		       found_latin, names ? 100.0 * found_latin / names : 0.0);
	utrans_close(bgn);
	return 0;
}

/* ---- NTREX --------------------------------------------------------------- */

/* The title with ASCII punctuation made spaces: words only. */
static void words_only(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x80 && !((*s >= '0' && *s <= '9') || ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z')))
			*s = ' ';
}

/* $EVAL_SPACED: the title's words as the analyzer finds them, one space
 * between each: what the analysis alone finds, whatever the query parser
 * makes of the title as typed. */
typedef struct spaced {
	const char *text;
	nx_buf out;
} spaced;

static int space_word(void *ctx, const nxt_token *t)
{
	spaced *sp = ctx;

	nx_buf_put(&sp->out, sp->text + t->start, t->end - t->start);
	nx_buf_putc(&sp->out, ' ');
	return 0;
}

static char *spaced_words(nx_db *db, char *q)
{
	spaced sp = { q, NX_BUF_INIT };
	nxt_analyzer *an;
	char *r;

	if (nx_db_analyzer(&an, db) || nxt_words(an, q, strlen(q), space_word, &sp) || !sp.out.ptr) {
		nx_buf_free(&sp.out);
		return q;
	}
	r = strdup(sp.out.ptr);
	nx_buf_free(&sp.out);
	if (!r)
		return q;
	free(q);
	return r;
}

static int eval_ntrex(const char *dir, const char *lang, double *at1, double *at10)
{
	char src[512], line[1 << 17], name[64];
	size_t stories = 0, top1 = 0, top10 = 0;
	nx_db *db;
	FILE *f;

	snprintf(src, sizeof src, "%s/news/ntrex/%s.jsonl", dir, lang);
	snprintf(name, sizeof name, "ntrex-%s", lang);
	if (access(src, R_OK) != 0) {
		fprintf(stderr, "eval: %s missing\n", src);
		return 1;
	}
	db = build_index(name, src);
	if (!(f = fopen(src, "r")))
		return 1;
	while (fgets(line, sizeof line, f)) {
		json_t *o = json_loads(line, 0, NULL);
		const char *id = json_string_value(json_object_get(o, "id"));
		const char *title = json_string_value(json_object_get(o, "title"));
		nx_search_options so = NX_SEARCH_OPTIONS_INIT;
		nx_results *r = NULL;
		char *q;

		if (!id || !title) {
			json_decref(o);
			continue;
		}
		q = strdup(title);
		words_only(q);
		if (getenv("EVAL_SPACED"))
			q = spaced_words(db, q);
		stories++;
		so.limit = 10;
		if (nx_search(&r, db, q, &so) == NX_OK) {
			for (size_t i = 0; i < nx_results_count(r); i++) {
				if (strcmp(nx_results_get(r, i)->id, id) == 0) {
					top10++;
					top1 += i == 0;
					break;
				}
			}
			if (getenv("EVAL_VERBOSE") && (nx_results_count(r) == 0 ||
						       strcmp(nx_results_get(r, 0)->id, id) != 0))
				fprintf(stderr, "%s: not first: %s\n", lang, title);
		} else if (getenv("EVAL_VERBOSE")) {
			fprintf(stderr, "%s: query failed: %s: %s\n", lang, q, nx_error_message());
		}
		nx_results_free(r);
		free(q);
		json_decref(o);
	}
	fclose(f);
	nx_db_close(db);
	*at1 = stories ? 100.0 * top1 / stories : 0;
	*at10 = stories ? 100.0 * top10 / stories : 0;
	printf("ntrex %s: %zu stories, title finds the story at rank 1: %.1f%%, in the top 10: %.1f%%\n",
	       lang, stories, *at1, *at10);
	return 0;
}

/* ---- keys ---------------------------------------------------------------- */

typedef struct wtype {
	char *norm, *fold, *key;
	size_t count;
} wtype;

typedef struct vocab {
	wtype *t;
	size_t n, cap;
	nxt_analyzer *an;
	size_t tokens;
} vocab;

static int cmp_norm(const void *a, const void *b)
{
	return strcmp(((const wtype *)a)->norm, ((const wtype *)b)->norm);
}

static int cmp_key(const void *a, const void *b)
{
	int c = strcmp(((const wtype *)a)->key, ((const wtype *)b)->key);
	return c ? c : strcmp(((const wtype *)a)->fold, ((const wtype *)b)->fold);
}

static int on_vocab_word(void *vc, const nxt_token *t)
{
	vocab *v = vc;

	if (t->script != NXT_SCRIPT_LATIN)
		return 0;
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 1 << 16;
		v->t = realloc(v->t, v->cap * sizeof *v->t);
		if (!v->t)
			exit(2);
	}
	v->t[v->n].norm = strdup(t->norm);
	v->t[v->n].count = 1;
	v->n++;
	v->tokens++;
	return 0;
}

static int eval_keys(const char *dir)
{
	char path[512];
	vocab v = { 0 };
	gzFile f;
	char *line = malloc(1 << 20);
	size_t types = 0, shared = 0, shared_tok = 0, u = 0;

	if (!line || nxt_analyzer_new(&v.an))
		return 1;
	snprintf(path, sizeof path, "%s/news/reuters21578.jsonl.gz", dir);
	if (!(f = gzopen(path, "rb")))
		return 1;
	while (gzgets(f, line, 1 << 20)) {
		json_t *o = json_loads(line, 0, NULL);
		const char *text = json_string_value(json_object_get(o, "text"));
		if (text)
			nxt_words(v.an, text, strlen(text), on_vocab_word, &v);
		json_decref(o);
		if (v.n > (1u << 22)) {  /* fold duplicates now and then */
			qsort(v.t, v.n, sizeof *v.t, cmp_norm);
			u = 0;
			for (size_t i = 0; i < v.n; i++) {
				if (u && strcmp(v.t[u - 1].norm, v.t[i].norm) == 0) {
					v.t[u - 1].count += v.t[i].count;
					free(v.t[i].norm);
				} else {
					v.t[u++] = v.t[i];
				}
			}
			v.n = u;
		}
	}
	gzclose(f);
	qsort(v.t, v.n, sizeof *v.t, cmp_norm);
	u = 0;
	for (size_t i = 0; i < v.n; i++) {
		if (u && strcmp(v.t[u - 1].norm, v.t[i].norm) == 0) {
			v.t[u - 1].count += v.t[i].count;
			free(v.t[i].norm);
		} else {
			v.t[u++] = v.t[i];
		}
	}
	v.n = u;
	/* Types seen at least twice: hapaxes are mostly typos and codes. */
	u = 0;
	for (size_t i = 0; i < v.n; i++) {
		const char *x;
		size_t xl;
		if (v.t[i].count < 2) {
			free(v.t[i].norm);
			continue;
		}
		nxt_fold(&x, &xl, v.an, v.t[i].norm, strlen(v.t[i].norm), NXT_SCRIPT_LATIN);
		v.t[u] = v.t[i];
		v.t[u].fold = strndup(x, xl);
		nxt_key(&x, &xl, v.an, v.t[i].norm, strlen(v.t[i].norm), NXT_SCRIPT_LATIN);
		v.t[u].key = strndup(x, xl);
		u++;
	}
	v.n = u;
	types = v.n;
	qsort(v.t, v.n, sizeof *v.t, cmp_key);
	for (size_t i = 0; i < v.n;) {
		size_t j = i, folds = 1, tok = 0;
		while (j < v.n && strcmp(v.t[j].key, v.t[i].key) == 0) {
			if (j > i && strcmp(v.t[j].fold, v.t[j - 1].fold) != 0)
				folds++;
			tok += v.t[j].count;
			j++;
		}
		if (folds > 1) {
			shared += j - i;
			shared_tok += tok;
			if (getenv("EVAL_VERBOSE")) {
				fprintf(stderr, "key %s:", v.t[i].key);
				for (size_t k = i; k < j; k++)
					fprintf(stderr, " %s(%zu)", v.t[k].norm, v.t[k].count);
				fputc('\n', stderr);
			}
		}
		i = j;
	}
	printf("keys: Reuters-21578, %zu English word types (seen twice or more): %zu (%.2f%%) share a "
	       "key with a type of another folded spelling; %.2f%% of the word occurrences\n",
	       types, shared, types ? 100.0 * shared / types : 0.0,
	       v.tokens ? 100.0 * shared_tok / v.tokens : 0.0);
	for (size_t i = 0; i < v.n; i++) {
		free(v.t[i].norm);
		free(v.t[i].fold);
		free(v.t[i].key);
	}
	free(v.t);

	/* Name pairs: Latin and Cyrillic spellings of one person's name. */
	snprintf(path, sizeof path, "%s/names/en-ru-person-names.tsv", dir);
	FILE *nf = fopen(path, "r");
	size_t pairs = 0, same = 0;
	while (nf && fgets(line, 1 << 20, nf)) {
		char *tab = strchr(line, '\t'), *end;
		char k1[256];
		const char *x;
		size_t xl;
		if (!tab || strncmp(line, "latin\t", 6) == 0)
			continue;
		*tab = '\0';
		end = strchr(tab + 1, '\t');
		if (end)
			*end = '\0';
		if (nxt_key(&x, &xl, v.an, line, strlen(line), NXT_SCRIPT_LATIN) || xl >= sizeof k1)
			continue;
		memcpy(k1, x, xl);
		k1[xl] = '\0';
		if (nxt_key(&x, &xl, v.an, tab + 1, strlen(tab + 1), NXT_SCRIPT_CYRILLIC))
			continue;
		pairs++;
		if (xl == strlen(k1) && memcmp(k1, x, xl) == 0)
			same++;
	}
	if (nf) {
		fclose(nf);
		printf("keys: %zu Latin/Cyrillic name pairs (Wikidata, names of every origin): %zu (%.1f%%) "
		       "get one key\n", pairs, same, pairs ? 100.0 * same / pairs : 0.0);
	}
	free(line);
	nxt_analyzer_free(v.an);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 0;

	if (argc == 3 && strcmp(argv[1], "keys") == 0)
		return eval_keys(argv[2]);
	if (argc < 3 || (strcmp(argv[1], "kaznerd") && strcmp(argv[1], "ntrex"))) {
		fprintf(stderr, "usage: eval_multilingual kaznerd DATA_DIR\n"
				"       eval_multilingual keys DATA_DIR\n"
				"       eval_multilingual ntrex DATA_DIR LANG...\n");
		return 2;
	}
	snprintf(tmpdir, sizeof tmpdir, "/tmp/nx-eval-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	if (strcmp(argv[1], "kaznerd") == 0) {
		rc = eval_kaznerd(argv[2]);
	} else {
		double s1 = 0, s10 = 0, a1, a10, min10 = 100;
		int n = 0;
		for (int i = 3; i < argc; i++) {
			if (eval_ntrex(argv[2], argv[i], &a1, &a10)) {
				rc = 1;
				continue;
			}
			s1 += a1;
			s10 += a10;
			min10 = a10 < min10 ? a10 : min10;
			n++;
		}
		if (n)
			printf("ntrex all %d languages: rank 1 %.1f%%, top 10 %.1f%% (lowest %.1f%%)\n", n,
			       s1 / n, s10 / n, min10);
	}
	if (cleanup() != 0)
		fprintf(stderr, "eval: could not remove %s\n", tmpdir);
	return rc;
}
