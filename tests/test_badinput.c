/*
 * test_badinput.c — the whole analysis pipeline (UTF-8 repair, words, the
 * terms of each word, sentences, language guess) on hostile text: invalid
 * UTF-8, NUL bytes, encoded surrogates, unassigned code points, RTL and
 * other format controls, zero-width joiners, emoji, a 10 MB word and a
 * 100 MB line.  Nothing may crash or fail; every token and term keeps the
 * invariants; memory stays bounded by the longest word, not the text.
 */
#include "nx_store.h"
#include "nx_test.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

typedef struct check {
	nxt_analyzer *an;
	const char *text;
	size_t len;
	size_t words, terms, bad;
	uint32_t next;
	int terms_on;
} check;

static int on_term(void *ctx, const char *term, size_t len, int positional)
{
	check *c = ctx;

	(void)positional;
	c->terms++;
	if (len == 0 || len > NX_MAX_TERM || memchr(term, '\0', len) || !nxt_utf8_valid(term, len))
		c->bad++;
	return 0;
}

static int on_word(void *ctx, const nxt_token *t)
{
	check *c = ctx;

	c->words++;
	if (t->start >= t->end || t->end > c->len || t->index != c->next++ || t->norm_len == 0 ||
	    strlen(t->norm) != t->norm_len || !nxt_utf8_valid(t->norm, t->norm_len))
		c->bad++;
	if (t->joined && (strlen(t->joined) != t->joined_len || t->joined_len > 240))
		c->bad++;
	if (!c->terms_on)
		return 0;
	return nx_terms_for_word(c->an, "", t, on_term, c);
}

static int on_sentence(void *ctx, size_t start, size_t end)
{
	check *c = ctx;

	if (start >= end || end > c->len)
		c->bad++;
	return 0;
}

/* Repair, then analyse; returns the number of words. */
static size_t pipeline(nxt_analyzer *a, const char *in, size_t inlen, size_t *nbad_utf8)
{
	char *text = NULL;
	size_t len = 0, nbad = 0;
	check c;

	CHECK_INT(nxt_utf8_repair(&text, &len, &nbad, in, inlen), NX_OK);
	if (!text)
		return 0;
	CHECK(nxt_utf8_valid(text, len));
	CHECK(memchr(text, '\0', len) == NULL);
	memset(&c, 0, sizeof c);
	c.an = a;
	c.text = text;
	c.len = len;
	c.terms_on = 1;
	CHECK_INT(nxt_words(a, text, len, on_word, &c), NX_OK);
	CHECK_INT(nxt_sentences(a, text, len, on_sentence, &c), NX_OK);
	(void)nxt_guess_lang(text, len);
	CHECK_INT(c.bad, 0);
	if (nbad_utf8)
		*nbad_utf8 = nbad;
	free(text);
	return c.words;
}

static void test_hostile(nxt_analyzer *a)
{
	static const struct {
		const char *text;
		size_t len;      /* 0: strlen */
		size_t min_words;
		size_t bad_utf8; /* replacements expected */
	} cases[] = {
		{ "abc\xFF" "def \xC0\xAF ghi", 0, 3, 3 },
		{ "caf\xC3", 0, 1, 1 },
		{ "x\0y z\0\0w", 8, 3, 0 },                          /* NULs: spaces */
		{ "\xED\xA0\x80\xED\xB0\x80 surrogate pair in CESU", 0, 4, 6 },
		{ "\xF4\x90\x80\x80 above U+10FFFF", 0, 2, 4 },
		{ "unassigned \xCD\xB8\xCD\xB9 \xF3\xA0\x82\x80 U+E0080", 0, 2, 0 },
		{ "private \xEE\x80\x80\xEF\xA3\xBF use", 0, 2, 0 },
		{ "RTL \xE2\x80\x8F\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D\xE2\x80\x8E and \xE2\x80\xAE" "evil\xE2\x80\xAC", 0, 3, 0 },
		{ "zero\xE2\x80\x8Dwidth join\xE2\x80\x8C" "er", 0, 2, 0 },
		{ "family \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7 flag "
		  "\xF0\x9F\x87\xB0\xF0\x9F\x87\xBF ok \xE2\x9D\xA4\xEF\xB8\x8F", 0, 3, 0 },
		{ "\xE2\x80\x8B\xE2\x80\x8B\xE2\x81\xA0", 0, 0, 0 },      /* only invisibles */
		{ "a\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81 zalgo", 0, 2, 0 },
		{ "Тo\xE2\x80\x8Dкаев Alma-\xE2\x80\x8B" "Ata", 0, 2, 0 },
		{ "-", 0, 0, 0 },
		{ "", 0, 0, 0 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text), nbad = 99;
		size_t words = pipeline(a, cases[i].text, len, &nbad);
		CHECK_MSG(words >= cases[i].min_words, "case %zu: %zu words", i, words);
		CHECK_MSG(nbad == cases[i].bad_utf8, "case %zu: %zu replacements, want %zu", i, nbad,
			  cases[i].bad_utf8);
	}
}

/* Random bytes, and random mixes of valid pieces. */
static void test_random(nxt_analyzer *a)
{
	static const char *const pieces[] = {
		"a", "Z", "é", "ё", "қ", "-", "'", "’", ".", " ", "\n", "1", "北", "ア", "\xE2\x80\x8D",
		"\xE2\x80\x8F", "\xF0\x9F\x98\x80", "\xCC\x81", "\xD9\x8E", "\xFF", "\xC3", "\0", "ß", "İ",
	};
	char buf[512];
	unsigned seed = 12345;

	for (int round = 0; round < 2000; round++) {
		size_t n = 0;
		while (n < sizeof buf - 8) {
			seed = seed * 1103515245u + 12345u;
			const char *p = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
			size_t pl = p[0] ? strlen(p) : 1;
			if ((seed >> 8) % 7 == 0)
				buf[n++] = (char)(seed >> 3);  /* a raw byte */
			else {
				memcpy(buf + n, p, pl);
				n += pl;
			}
			if ((seed >> 20) % 13 == 0)
				break;
		}
		pipeline(a, buf, n, NULL);
	}
}

static long max_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* A 10 MB word: one token, no term (too long for Xapian), no failure. */
static void test_huge_word(nxt_analyzer *a)
{
	size_t n = (size_t)10 << 20;
	char *s = malloc(n);
	check c;

	if (!s)
		return;
	for (size_t i = 0; i < n; i += 2)
		memcpy(s + i, "ж", 2);
	memset(&c, 0, sizeof c);
	c.an = a;
	c.text = s;
	c.len = n;
	c.terms_on = 1;
	CHECK_INT(nxt_words(a, s, n, on_word, &c), NX_OK);
	CHECK_INT(c.words, 1);
	CHECK_INT(c.terms, 0);
	CHECK_INT(c.bad, 0);
	free(s);
}

/* A 100 MB line of words without a newline: memory grows by the text and
 * per-word buffers only, not by anything per word or per byte. */
static void test_huge_line(nxt_analyzer *a)
{
	size_t n = (size_t)100 << 20;
	static const char words[] = "Tokayev Тоқаевтың café Alma-Ata U.S. 北京 ";
	char *s = malloc(n);
	long before, after;
	check c;

	if (!s)
		return;
	for (size_t i = 0; i < n; i += sizeof words - 1)
		memcpy(s + i, words, i + sizeof words - 1 <= n ? sizeof words - 1 : n - i);
	while (n > 0 && ((unsigned char)s[n - 1] & 0xC0) == 0x80)
		n--;  /* end on a whole character */
	n--;
	before = max_rss_kb();
	memset(&c, 0, sizeof c);
	c.an = a;
	c.text = s;
	c.len = n;
	c.terms_on = !getenv("NX_TEST_QUICK");
	CHECK_INT(nxt_words(a, s, n, on_word, &c), NX_OK);
	after = max_rss_kb();
	CHECK_INT(c.bad, 0);
	CHECK(c.words > (size_t)10 << 20);
	/* The text is 100 MB and was already resident; allow 64 MB more for
	 * ICU's and the allocator's working memory.  (AddressSanitizer keeps
	 * freed memory in quarantine, 256 MB of it: not measured there.) */
#if !defined(__SANITIZE_ADDRESS__)
	CHECK_MSG(after - before < 64 * 1024, "max RSS grew by %ld kB over a 100 MB line",
		  after - before);
#else
	(void)before;
	(void)after;
#endif
	free(s);
}

int main(void)
{
	nxt_analyzer *a = NULL;

	CHECK_INT(nxt_analyzer_new(&a), NX_OK);
	if (!a)
		return nx_test_done("test_badinput");
	test_hostile(a);
	test_random(a);
	test_huge_word(a);
	test_huge_line(a);
	nxt_analyzer_free(a);
	return nx_test_done("test_badinput");
}
