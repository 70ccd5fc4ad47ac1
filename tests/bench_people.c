/*
 * bench_people.c — the driver of scripts/bench-people: for each query (one a
 * line on stdin), the in-process time of nx_people() (search --people) and of
 * nx_search() for its first 10 hits on one open index, the median of R runs
 * after a warm-up run, wall and CPU time of the thread.  Prints one
 * tab-separated line per query: query, passages counted, matching passages
 * (estimate), people found in them, then search wall and CPU, people wall and
 * CPU (µs; the people listed are the 10 first, as search --people lists).
 *
 * Usage: bench_people DB REPS <queries
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

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, by_value);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One run of the query: *wall and *cpu in µs; 0 or the status. */
static int run(nx_db *db, const char *q, int people, double *wall, double *cpu,
	       nx_people_list **keep)
{
	nx_people_options all = NX_PEOPLE_OPTIONS_INIT;
	double w0 = now_us(CLOCK_MONOTONIC), c0 = now_us(CLOCK_THREAD_CPUTIME_ID);
	int rc;

	if (people) {
		nx_people_list *l = NULL;

		/* The warm-up run keeps everyone, to count them; the timed
		 * runs list 10, as search --people does. */
		all.limit = 1000000;
		rc = nx_people(&l, db, q, keep ? &all : NULL);
		if (keep && !rc)
			*keep = l;
		else
			nx_people_list_free(l);
	} else {
		nx_results *r = NULL;

		rc = nx_search(&r, db, q, NULL);
		nx_results_free(r);
	}
	*wall = now_us(CLOCK_MONOTONIC) - w0;
	*cpu = now_us(CLOCK_THREAD_CPUTIME_ID) - c0;
	return rc;
}

int main(int argc, char **argv)
{
	char line[1024];
	nx_db *db = NULL;
	int reps = argc > 2 ? atoi(argv[2]) : 0;

	if (argc != 3 || reps < 1 || reps > 1000) {
		fputs("usage: bench_people DB REPS <queries\n", stderr);
		return 2;
	}
	if (nx_db_open(&db, argv[1], NX_OPEN_READ)) {
		fprintf(stderr, "bench_people: %s\n", nx_error_message());
		return 1;
	}
	while (fgets(line, sizeof line, stdin)) {
		double w[2][1000], c[2][1000], dw, dc;
		nx_people_list *l = NULL;

		line[strcspn(line, "\n")] = '\0';
		if (!*line)
			continue;
		/* warm-up: the index's blocks in the page cache */
		if (run(db, line, 1, &dw, &dc, &l) || run(db, line, 0, &dw, &dc, NULL)) {
			fprintf(stderr, "bench_people: %s: %s\n", line, nx_error_message());
			nx_people_list_free(l);
			nx_db_close(db);
			return 1;
		}
		for (int i = 0; i < reps; i++)
			for (int k = 0; k < 2; k++)
				if (run(db, line, k, &w[k][i], &c[k][i], NULL)) {
					/* a failed run's time is not a query's */
					fprintf(stderr, "bench_people: %s: %s\n", line, nx_error_message());
					nx_people_list_free(l);
					nx_db_close(db);
					return 1;
				}
		printf("%s\t%zu\t%zu\t%zu\t%.0f\t%.0f\t%.0f\t%.0f\n", line, nx_people_list_passages(l),
		       nx_people_list_estimate(l), nx_people_list_count(l), median(w[0], reps),
		       median(c[0], reps), median(w[1], reps), median(c[1], reps));
		nx_people_list_free(l);
	}
	nx_db_close(db);
	return 0;
}
