/*
 * bench_analysis.c — speed of text analysis alone: every article of the
 * given JSON Lines files (plain or gzip) through the whole per-word
 * pipeline the indexer runs (segmentation, NFKC case folding, folded
 * forms, compounds, match keys, stems: nx_terms_for_word), with the terms
 * counted and dropped.  No index is written.  Run by scripts/bench-analysis;
 * not a test.
 *
 * Usage: bench_analysis [--repeat N] FILE.jsonl[.gz]...
 * Environment: BENCH_WORDS_ONLY (segmentation and normalisation alone),
 * BENCH_ICU_ONLY (ICU for every text and word: the fast paths off),
 * BENCH_TERMS_OUT=FILE (every term of the first run written to FILE, one a
 * line after its article and word number and a P for a positional one, to
 * show that a change of the analysis left the terms as they were).
 * Prints one line per run: bytes, words, terms, CPU seconds, MB/s.
 */
#include "nx_store.h"
#include "nx_text_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

typedef struct article {
	char *text;
	size_t len;
	char lang[16];
} article;

typedef struct corpus {
	article *a;
	size_t n, cap;
	size_t bytes;
} corpus;

static int load(corpus *c, const char *path)
{
	gzFile f = gzopen(path, "rb");
	char *line = NULL;
	size_t cap = 1 << 20;

	if (!f)
		return -1;
	line = malloc(cap);
	while (line && gzgets(f, line, (int)cap)) {
		size_t l = strlen(line);
		while (l == cap - 1 && line[l - 1] != '\n') {  /* a longer line */
			char *p = realloc(line, cap * 2);
			if (!p)
				break;
			line = p;
			if (!gzgets(f, line + l, (int)(cap * 2 - l)))
				break;
			cap *= 2;
			l = strlen(line);
		}
		json_error_t err;
		json_t *o = json_loads(line, 0, &err);
		const char *text = json_string_value(json_object_get(o, "text"));
		const char *lang = json_string_value(json_object_get(o, "lang"));
		if (text) {
			if (c->n == c->cap) {
				c->cap = c->cap ? 2 * c->cap : 1024;
				c->a = realloc(c->a, c->cap * sizeof *c->a);
				if (!c->a)
					exit(2);
			}
			article *a = &c->a[c->n++];
			a->len = strlen(text);
			a->text = malloc(a->len + 1);
			if (!a->text)
				exit(2);
			memcpy(a->text, text, a->len + 1);
			snprintf(a->lang, sizeof a->lang, "%s", lang ? lang : "");
			c->bytes += a->len;
		}
		json_decref(o);
	}
	free(line);
	gzclose(f);
	return 0;
}

typedef struct run {
	nxt_analyzer *an;
	const char *lang;
	size_t words, terms;
	int words_only;   /* $BENCH_WORDS_ONLY: segmentation and folding alone */
	FILE *terms_out;  /* $BENCH_TERMS_OUT, first run only */
	size_t article;
} run;

static int count_term(void *ctx, const char *term, size_t len, int positional)
{
	run *r = ctx;

	r->terms++;
	if (r->terms_out)
		fprintf(r->terms_out, "%zu %zu %c %.*s\n", r->article, r->words,
			positional ? 'P' : '-', (int)len, term);
	return 0;
}

static int on_word(void *ctx, const nxt_token *t)
{
	run *r = ctx;

	r->words++;
	if (r->words_only)
		return 0;
	return nx_terms_for_word(r->an, r->lang, t, count_term, r);
}

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	corpus c = { 0 };
	int repeat = 1, i = 1;
	run r = { 0 };

	if (argc > 2 && strcmp(argv[1], "--repeat") == 0) {
		repeat = atoi(argv[2]);
		i = 3;
	}
	if (i >= argc || repeat < 1) {
		fprintf(stderr, "usage: bench_analysis [--repeat N] FILE.jsonl[.gz]...\n");
		return 2;
	}
	for (; i < argc; i++) {
		if (load(&c, argv[i])) {
			fprintf(stderr, "bench_analysis: cannot read %s\n", argv[i]);
			return 1;
		}
	}
	r.words_only = getenv("BENCH_WORDS_ONLY") != NULL;
	if (getenv("BENCH_TERMS_OUT") && !(r.terms_out = fopen(getenv("BENCH_TERMS_OUT"), "w"))) {
		fprintf(stderr, "bench_analysis: cannot write %s\n", getenv("BENCH_TERMS_OUT"));
		return 1;
	}
	if (nxt_analyzer_new(&r.an)) {
		fprintf(stderr, "bench_analysis: %s\n", nx_error_message());
		return 1;
	}
	/* $BENCH_ICU_ONLY: without the fast paths (ASCII segmentation, simple
	 * case folding), to measure them. */
	r.an->icu_only = getenv("BENCH_ICU_ONLY") != NULL;
	for (int k = 0; k < repeat; k++) {
		double t0 = cpu_seconds(), s;
		r.words = r.terms = 0;
		for (size_t j = 0; j < c.n; j++) {
			r.lang = c.a[j].lang;
			r.article = j;
			if (nxt_words(r.an, c.a[j].text, c.a[j].len, on_word, &r)) {
				fprintf(stderr, "bench_analysis: %s\n", nx_error_message());
				return 1;
			}
		}
		s = cpu_seconds() - t0;
		if (r.terms_out) {
			if (fclose(r.terms_out)) {
				fprintf(stderr, "bench_analysis: cannot write the terms\n");
				return 1;
			}
			r.terms_out = NULL;
		}
		printf("run %d: %zu articles, %zu bytes, %zu words, %zu terms, %.3f s CPU, %.1f MB/s\n",
		       k + 1, c.n, c.bytes, r.words, r.terms, s, s > 0 ? c.bytes / s / 1e6 : 0.0);
	}
	for (size_t j = 0; j < c.n; j++)
		free(c.a[j].text);
	free(c.a);
	nxt_analyzer_free(r.an);
	return 0;
}
