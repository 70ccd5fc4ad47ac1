/*
 * nx_test.h — a minimal table-friendly test harness for C unit tests.
 * CHECK(cond) records a failure and goes on; the test's main returns
 * nx_test_done() which prints "N passed, N failed" and sets the exit code.
 */
#ifndef NX_TEST_H
#define NX_TEST_H

#include <stdio.h>
#include <string.h>

static int nx_test_pass, nx_test_fail;

#define CHECK(cond) \
	do { \
		if (cond) { \
			nx_test_pass++; \
		} else { \
			nx_test_fail++; \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		} \
	} while (0)

#define CHECK_MSG(cond, ...) \
	do { \
		if (cond) { \
			nx_test_pass++; \
		} else { \
			nx_test_fail++; \
			fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
		} \
	} while (0)

#define CHECK_STR(a, b) \
	do { \
		const char *nx_a_ = (a), *nx_b_ = (b); \
		CHECK_MSG(nx_a_ && nx_b_ && strcmp(nx_a_, nx_b_) == 0, "\"%s\" != \"%s\"", \
			  nx_a_ ? nx_a_ : "(null)", nx_b_ ? nx_b_ : "(null)"); \
	} while (0)

#define CHECK_INT(a, b) \
	do { \
		long long nx_a_ = (long long)(a), nx_b_ = (long long)(b); \
		CHECK_MSG(nx_a_ == nx_b_, "%lld != %lld", nx_a_, nx_b_); \
	} while (0)

static inline int nx_test_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, nx_test_pass, nx_test_fail);
	return nx_test_fail ? 1 : 0;
}

#endif /* NX_TEST_H */
