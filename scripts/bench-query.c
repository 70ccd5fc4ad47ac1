/*
 * bench-query.c — in-process query latency of newsidx, for scripts/bench.
 *
 * Usage: bench-query [--cpu | --dump] DB QUERIES
 *
 * Runs every query of QUERIES (one a line) once to warm the caches, then once
 * more timed, and prints one latency (wall clock, microseconds) per line on
 * stdout, in the order of the file; with --cpu, also the CPU time of this
 * thread (microseconds), which a loaded machine disturbs far less.  A timed query is what a caller of the library pays for a
 * first page: nx_search() (parse, match, rank, collapse, stored data,
 * highlights) and reading every hit.  Uses only the public header.
 *
 * --dump: instead of timing, print every query's results (the estimate, the
 * suggestion and each hit as `search --json` writes it), to check that a
 * change to the query path left them as they were (diff two dumps).
 */
#include "newsidx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_us(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Print the results of q (for --dump).  Returns an nx_status. */
static int dump(nx_db *db, const char *q)
{
	nx_search_options opts = NX_SEARCH_OPTIONS_INIT;
	nx_results *r = NULL;
	int rc = nx_search(&r, db, q, &opts);

	printf("query %s\n", q);
	if (rc) {
		printf("error %d %s\n", rc, nx_error_message());
		return rc;
	}
	printf("estimate %zu suggestion %s\n", nx_results_estimate(r),
	       nx_results_suggestion(r) ? nx_results_suggestion(r) : "-");
	for (size_t i = 0; i < nx_results_count(r) && !rc; i++) {
		char *js = NULL;

		if (!(rc = nx_hit_to_json(&js, nx_results_get(r, i))))
			printf("%s\n", js);
		free(js);
	}
	nx_results_free(r);
	return rc;
}

/* Run one query; the number of hits in *hits.  Returns an nx_status. */
static int run(nx_db *db, const char *q, size_t *hits)
{
	nx_search_options opts = NX_SEARCH_OPTIONS_INIT;
	nx_results *r = NULL;
	size_t sum = 0;
	int rc = nx_search(&r, db, q, &opts);

	if (rc)
		return rc;
	*hits = nx_results_count(r);
	for (size_t i = 0; i < *hits; i++)
		sum += nx_results_get(r, i)->passage_len;
	nx_results_free(r);
	return sum == (size_t)-1; /* keep the loop */
}

int main(int argc, char **argv)
{
	FILE *f;
	char line[4096];
	char **qs = NULL;
	size_t n = 0, cap = 0, hits, total = 0, failed = 0;
	nx_db *db = NULL;
	int rc, dumping = argc == 4 && !strcmp(argv[1], "--dump");
	int cpu = argc == 4 && !strcmp(argv[1], "--cpu");

	if (argc != 3 && !dumping && !cpu) {
		fprintf(stderr, "usage: bench-query [--cpu | --dump] DB QUERIES\n");
		return 2;
	}
	argv += argc - 3;
	if (!(f = fopen(argv[2], "r"))) {
		perror(argv[2]);
		return 1;
	}
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (n == cap) {
			cap = cap ? cap * 2 : 512;
			if (!(qs = realloc(qs, cap * sizeof *qs)))
				return 1;
		}
		if (!(qs[n++] = strdup(line)))
			return 1;
	}
	fclose(f);
	if ((rc = nx_db_open(&db, argv[1], NX_OPEN_READ))) {
		fprintf(stderr, "bench-query: %s\n", nx_error_message());
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		if (dumping ? dump(db, qs[i]) : run(db, qs[i], &hits))
			failed++;
	for (size_t i = 0; i < n && !dumping; i++) {
		double t0 = now_us(CLOCK_MONOTONIC), c0 = now_us(CLOCK_THREAD_CPUTIME_ID);

		hits = 0;
		run(db, qs[i], &hits);
		if (cpu)
			printf("%.1f %.1f\n", now_us(CLOCK_MONOTONIC) - t0,
			       now_us(CLOCK_THREAD_CPUTIME_ID) - c0);
		else
			printf("%.1f\n", now_us(CLOCK_MONOTONIC) - t0);
		total += hits;
	}
	fprintf(stderr, "bench-query: %zu queries, %zu hits, %zu failed\n", n, total, failed);
	nx_db_close(db);
	for (size_t i = 0; i < n; i++)
		free(qs[i]);
	free(qs);
	return failed ? 1 : 0;
}
