/*
 * test_state.c — the per-source records of incremental indexing
 * (indexer/state.c): content hashes, the string map, and the record format
 * (round trips with awkward paths and keys, and every kind of damage
 * refused rather than misread).
 */
#include "nx_state.h"
#include "nx_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static nx_article article(const char *id, const char *text)
{
	nx_article a;

	memset(&a, 0, sizeof a);
	a.id = id;
	a.title = "Title";
	a.date = "2022-01-05";
	a.lang = "en";
	a.url = "";
	a.source = "/news/a.jsonl";
	a.text = text;
	a.text_len = strlen(text);
	return a;
}

static void test_hashes(void)
{
	nx_article a = article("k1", "Some text."), b;
	uint64_t h = nx_article_hash(&a, 40, 150);

	CHECK(h != 0);
	CHECK(nx_article_hash(&a, 40, 150) == h);
	b = a;
	b.text = "Some text!";
	CHECK(nx_article_hash(&b, 40, 150) != h);
	b = a;
	b.title = "Title ";
	CHECK(nx_article_hash(&b, 40, 150) != h);
	b = a;
	b.source = "/news/b.jsonl";   /* moved: must be rewritten with its new source */
	CHECK(nx_article_hash(&b, 40, 150) != h);
	b = a;
	b.lang = "";
	CHECK(nx_article_hash(&b, 40, 150) != h);
	CHECK(nx_article_hash(&a, 41, 150) != h);  /* other passages */
	CHECK(nx_article_hash(&a, 40, 151) != h);
	/* Field boundaries count: "ab"+"c" is not "a"+"bc". */
	b = a;
	b.title = "ab";
	b.date = "c";
	a.title = "a";
	a.date = "bc";
	CHECK(nx_article_hash(&a, 40, 150) != nx_article_hash(&b, 40, 150));
	CHECK(nx_hash_bytes("", 0, 1) != nx_hash_bytes("", 0, 2));
	CHECK(nx_hash_bytes("abcdefgh1", 9, 0) != nx_hash_bytes("abcdefgh2", 9, 0));
}

static void test_map(void)
{
	nx_map m = NX_MAP_INIT;
	char key[32];
	uint64_t v = 0;
	int existed = -1, ok = 1;
	size_t i, n = 0;
	const nx_map_ent *e;

	CHECK_INT(nx_map_get(&m, "x", 1, &v), 0);
	for (i = 0; i < 10000; i++) {
		snprintf(key, sizeof key, "key-%zu", i);
		ok &= nx_map_put(&m, key, strlen(key), i * 3, &existed) == NX_OK && !existed;
	}
	CHECK(ok);
	CHECK_INT(m.n, 10000);
	for (i = 0; i < 10000; i++) {
		snprintf(key, sizeof key, "key-%zu", i);
		ok &= nx_map_get(&m, key, strlen(key), &v) && v == i * 3;
	}
	CHECK(ok);
	CHECK_INT(nx_map_put(&m, "key-7", 5, 99, &existed), NX_OK);
	CHECK_INT(existed, 1);
	CHECK_INT(m.n, 10000);
	CHECK(nx_map_get(&m, "key-7", 5, &v) && v == 99);
	CHECK_INT(nx_map_get(&m, "key-7", 4, NULL), 0);  /* "key-" */
	/* Keys with NULs and newlines are keys like any other. */
	CHECK_INT(nx_map_put(&m, "a\0b", 3, 1, NULL), NX_OK);
	CHECK_INT(nx_map_get(&m, "a\0c", 3, NULL), 0);
	CHECK_INT(nx_map_get(&m, "a\0b", 3, NULL), 1);
	i = 0;
	while ((e = nx_map_next(&m, &i)))
		n++;
	CHECK_INT(n, 10001);
	nx_map_clear(&m);
	CHECK_INT(m.n, 0);
	CHECK_INT(nx_map_get(&m, "key-7", 5, NULL), 0);
	nx_map_free(&m);
	nx_map_free(&m);  /* twice is fine */
}

static int parse(nx_state *st, const char *s)
{
	return nx_state_parse(st, s, strlen(s));
}

static void test_records(void)
{
	static const nx_sig sig = { 12345, 987654321, 1700000000, 123456789, 1700000001, 5,
				    0xfedcba9876543210ULL };
	static const char *const keys[] = { "r1", "with space", "new\nline", "#0123456789abcdef",
					    "кириллица" };
	nx_map m = NX_MAP_INIT, also = NX_MAP_INIT, got = NX_MAP_INIT;
	nx_buf b = NX_BUF_INIT;
	nx_state st;
	const char *path = "/news/odd name\nwith newline.jsonl";
	uint64_t v;
	int ok = 1;

	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		CHECK_INT(nx_map_put(&m, keys[i], strlen(keys[i]), 0x1000 + i, NULL), NX_OK);
	CHECK_INT(nx_state_encode(&b, NX_STATE_COMPLETE | NX_STATE_RACY, &sig, path, &m, NULL), NX_OK);
	CHECK_INT(nx_state_parse(&st, b.ptr, b.len), NX_OK);
	CHECK_INT(st.flags, NX_STATE_COMPLETE | NX_STATE_RACY);
	CHECK(memcmp(&st.sig, &sig, sizeof sig) == 0);
	CHECK_INT(st.narticles, 5);
	CHECK(st.path_len == strlen(path) && memcmp(st.path, path, st.path_len) == 0);
	CHECK_INT(nx_state_articles(&st, &got), NX_OK);
	CHECK_INT(got.n, 5);
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		ok &= nx_map_get(&got, keys[i], strlen(keys[i]), &v) && v == 0x1000 + i;
	CHECK(ok);

	/* A partial record: m, plus what `also` has that m has not. */
	CHECK_INT(nx_map_put(&also, "r1", 2, 7, NULL), NX_OK);     /* m's wins */
	CHECK_INT(nx_map_put(&also, "old", 3, 8, NULL), NX_OK);
	CHECK_INT(nx_state_encode(&b, 0, &sig, path, &m, &also), NX_OK);
	CHECK_INT(nx_state_parse(&st, b.ptr, b.len), NX_OK);
	CHECK_INT(st.flags, 0);
	CHECK_INT(st.narticles, 6);
	nx_map_clear(&got);
	CHECK_INT(nx_state_articles(&st, &got), NX_OK);
	CHECK(nx_map_get(&got, "r1", 2, &v) && v == 0x1000);
	CHECK(nx_map_get(&got, "old", 3, &v) && v == 8);

	/* Damage of every kind is refused, never misread. */
	nx_buf copy = NX_BUF_INIT;
	size_t cut;

	CHECK_INT(nx_state_encode(&b, NX_STATE_COMPLETE, &sig, path, &m, NULL), NX_OK);
	for (cut = 0; cut < b.len; cut++) {
		/* every truncation: the header refused, or the article list */
		int rc = nx_state_parse(&st, b.ptr, cut);

		if (rc == NX_OK) {
			nx_map_clear(&got);
			rc = nx_state_articles(&st, &got);
		}
		ok &= rc == NX_ECORRUPT;
	}
	CHECK_MSG(ok, "a truncated record was accepted");
	nx_error_clear();
	CHECK_INT(parse(&st, "nxsrc 2 1 1 1 -1 1 1 1 77 0 1\nx\n"), NX_OK);  /* the model */
	CHECK_INT(st.sig.mtime_s, -1);
	CHECK_INT(st.sig.content, 77);
	CHECK_INT(parse(&st, "nxsrc 1 1 1 1 -1 1 1 1 0 1\nx\n"), NX_OK);  /* version 1 */
	CHECK_INT(st.sig.content, 0);
	CHECK_INT(st.path_len, 1);
	CHECK_INT(parse(&st, "nxsrc 3 1 1 1 -1 1 1 1 77 0 1\nx\n"), NX_ECORRUPT);
	CHECK_INT(nx_state_parse(&st, "", 0), NX_ECORRUPT);
	CHECK_INT(parse(&st, "nxsrc 2 1 1 1 1 1 1 1 0 1\nx\n"), NX_ECORRUPT);
	CHECK_INT(parse(&st, "nxsrc 1 1 1 1 1 1 1 1 0 99\nx\n"), NX_ECORRUPT);
	CHECK_INT(parse(&st, "nxsrc 1 1 1 1 1 1 1 1 0 99999999999999999999999\nx\n"), NX_ECORRUPT);
	CHECK_INT(parse(&st, "nxsrc 1 x 1 1 1 1 1 1 0 1\nx\n"), NX_ECORRUPT);
	nx_buf_puts(&copy, "nxsrc 1 1 1 1 1 1 1 1 1 1\nx\n0123456789abcdeZ 1 k\n");
	CHECK_INT(nx_state_parse(&st, copy.ptr, copy.len), NX_OK);
	CHECK_INT(nx_state_articles(&st, &got), NX_ECORRUPT);  /* not hex */
	nx_buf_clear(&copy);
	nx_buf_puts(&copy, "nxsrc 1 1 1 1 1 1 1 1 1 1\nx\n0123456789abcdef 5 k\n");
	CHECK_INT(nx_state_parse(&st, copy.ptr, copy.len), NX_OK);
	CHECK_INT(nx_state_articles(&st, &got), NX_ECORRUPT);  /* key longer than the rest */
	nx_error_clear();

	nx_buf_free(&copy);
	nx_buf_free(&b);
	nx_map_free(&m);
	nx_map_free(&also);
	nx_map_free(&got);
}

int main(void)
{
	test_hashes();
	test_map();
	test_records();
	return nx_test_done("test_state");
}
