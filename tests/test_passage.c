/*
 * test_passage.c — unit tests of passage splitting (indexer/passage.c): the
 * seed article and the bundled corpus, checked against the invariants every
 * split must keep, plus synthetic cases with exact expectations.
 */
#include "nx_common.h"
#include "nx_test.h"
#include "nx_text.h"
/* indexer/ is not on this test's include path: it links only passage.c. */
#include "nx_passage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_WORDS 40
#define MAX_WORDS 150

/* ---- helpers ------------------------------------------------------------- */

static nxt_analyzer *an;

static size_t count_words(const char *s, size_t len)
{
	size_t n = 0;
	CHECK_INT(nxt_count_words(&n, an, s, len), NX_OK);
	return n;
}

static int contains(const char *s, size_t len, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; i + m <= len; i++)
		if (memcmp(s + i, needle, m) == 0)
			return 1;
	return 0;
}

/* Does s[0, len) hold a blank line: a line break, then nothing but spaces
 * and tabs (and a CR), then another line break? */
static int has_blank_line(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\n' && s[i] != '\r')
			continue;
		size_t j = i + 1;
		if (s[i] == '\r' && j < len && s[j] == '\n')
			j++;
		while (j < len && (s[j] == ' ' || s[j] == '\t'))
			j++;
		if (j < len && (s[j] == '\n' || s[j] == '\r'))
			return 1;
	}
	return 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Every word of the text lies inside one passage. */
typedef struct cover {
	const nx_span *p;
	size_t n, i, lost;
} cover;

static int cover_fn(void *ctx, const nxt_token *t)
{
	cover *c = ctx;
	while (c->i < c->n && c->p[c->i].end <= t->start)
		c->i++;
	if (c->i >= c->n || t->start < c->p[c->i].start || t->end > c->p[c->i].end)
		c->lost++;
	return 0;
}

/*
 * The invariants of any split: passages in text order, non-overlapping,
 * trimmed, with words, never across a blank line, never more than max
 * words, and together covering every word of the text.  Returns the number
 * of passages below min_words (allowed only where a paragraph is short).
 */
static size_t check_split(const char *name, const char *text, size_t len, const nx_span *p,
			  size_t n, unsigned max_words)
{
	size_t prev_end = 0, short_ones = 0;

	for (size_t i = 0; i < n; i++) {
		const char *s = text + p[i].start;
		size_t l = p[i].end - p[i].start;

		CHECK_MSG(p[i].start < p[i].end && p[i].end <= len, "%s: passage %zu is [%zu, %zu)",
			  name, i, p[i].start, p[i].end);
		if (!(p[i].start < p[i].end && p[i].end <= len))
			return 0;
		CHECK_MSG(p[i].start >= prev_end, "%s: passage %zu overlaps the one before", name, i);
		prev_end = p[i].end;
		CHECK_MSG(!is_space(s[0]) && !is_space(s[l - 1]), "%s: passage %zu is not trimmed",
			  name, i);
		CHECK_MSG(!has_blank_line(s, l), "%s: passage %zu crosses a blank line", name, i);
		size_t w = count_words(s, l);
		CHECK_MSG(w > 0 && w <= max_words, "%s: passage %zu has %zu words", name, i, w);
		if (w < MIN_WORDS)
			short_ones++;
	}

	cover c = { p, n, 0, 0 };
	CHECK_INT(nxt_words(an, text, len, cover_fn, &c), NX_OK);
	CHECK_MSG(c.lost == 0, "%s: %zu words are in no passage", name, c.lost);
	return short_ones;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	nx_buf b = NX_BUF_INIT;
	char chunk[8192];
	size_t got;

	if (!f)
		return NULL;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		nx_buf_put(&b, chunk, got);
	fclose(f);
	if (b.failed || !b.ptr) {
		nx_buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return nx_buf_detach(&b);
}

/* Split `text` and return the passages' texts joined by "|". */
static char *split_str(const char *text, unsigned min_words, unsigned max_words, size_t *np)
{
	nx_span *p = NULL;
	size_t n = 0;
	nx_buf b = NX_BUF_INIT;
	int rc = nx_passages_split(&p, &n, an, text, strlen(text), min_words, max_words);

	CHECK_MSG(rc == NX_OK, "split: %s", nx_error_message());
	check_split("split_str", text, strlen(text), p, n, max_words);
	nx_buf_puts(&b, "");
	for (size_t i = 0; i < n; i++) {
		if (i)
			nx_buf_putc(&b, '|');
		nx_buf_put(&b, text + p[i].start, p[i].end - p[i].start);
	}
	free(p);
	if (np)
		*np = n;
	return nx_buf_detach(&b);
}

/* ---- the seed article and the corpus ------------------------------------- */

static int test_seed(void)
{
	/* corpus/ carries a copy of ../shared/seed, so this never skips. */
	const char *dir = getenv("NX_SOURCE_DIR");
	char path[4096];
	char *text;
	size_t len = 0, n = 0, paragraphs = 0;
	nx_span *p = NULL;
	int found = 0;

	snprintf(path, sizeof path, "%s/corpus/kazakhstan-protests.txt", dir ? dir : "..");
	text = read_file(path, &len);
	if (!text) {
		CHECK_MSG(text != NULL, "cannot read %s (set NX_SOURCE_DIR)", path);
		return 0;
	}
	CHECK_INT(nx_passages_split(&p, &n, an, text, len, MIN_WORDS, MAX_WORDS), NX_OK);
	check_split("seed", text, len, p, n, MAX_WORDS);

	/* Each paragraph yields at least one passage. */
	for (size_t i = 0; i < len; i++)
		if (text[i] != '\n' && (i == 0 || (text[i - 1] == '\n' && i >= 2 && text[i - 2] == '\n')))
			paragraphs++;
	CHECK_MSG(n >= paragraphs, "%zu passages for %zu paragraphs", n, paragraphs);

	for (size_t i = 0; i < n; i++) {
		const char *s = text + p[i].start;
		size_t l = p[i].end - p[i].start;
		if (contains(s, l, "Tokayev announced") && contains(s, l, "shooting order"))
			found = 1;
	}
	CHECK(found);
	/* The headline is a passage of its own. */
	CHECK(n > 0 && p[0].start == 0 &&
	      p[0].end == strlen("Kazakhstan activists recall road from protest to bloodshed"));
	free(p);
	free(text);
	return 0;
}

static void test_corpus(void)
{
	static const char *const files[] = {
		"kazakhstan-protests.txt", "almaty-court-detainees.txt", "csto-withdrawal.txt",
		"first-family-posts.ru.txt", "lawyer-interview.ru.txt", "musician-bishkek.kk.txt",
		"musician-released.txt", "zhanaozen-fuel-protest.kk.txt",
	};
	const char *dir = getenv("NX_SOURCE_DIR");

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[4096];
		size_t len = 0, n = 0;
		nx_span *p = NULL;
		char *text;

		snprintf(path, sizeof path, "%s/corpus/%s", dir ? dir : ".", files[i]);
		if (!(text = read_file(path, &len)))
			continue;  /* the corpus is optional here */
		CHECK_INT(nx_passages_split(&p, &n, an, text, len, MIN_WORDS, MAX_WORDS), NX_OK);
		CHECK(n > 0);
		check_split(files[i], text, len, p, n, MAX_WORDS);
		/* Tight bounds too: everything still holds. */
		free(p);
		CHECK_INT(nx_passages_split(&p, &n, an, text, len, 5, 12), NX_OK);
		check_split(files[i], text, len, p, n, 12);
		free(p);
		free(text);
	}
}

/* ---- synthetic cases ----------------------------------------------------- */

static void test_short_paragraphs(void)
{
	static const struct {
		const char *text, *passages;
	} cases[] = {
		{ "First short paragraph.\n\nSecond one here. Two sentences.\n\nThird.",
		  "First short paragraph.|Second one here. Two sentences.|Third." },
		/* CRLF line endings, blank lines holding spaces and tabs, a
		 * hard-wrapped sentence kept whole */
		{ "  Para one, line one\r\ncontinues here.\r\n \t \r\nPara two.\r\n\r\n\r\n",
		  "Para one, line one\r\ncontinues here.|Para two." },
		/* a lone CR ends a line as well; a no-break space line is blank */
		{ "One.\r\rTwo.\n\xC2\xA0\nThree.", "One.|Two.|Three." },
		/* wordless paragraphs vanish; wordless sentences stay with words */
		{ "***\n\nReal text. ...\n\n-- 30 --", "Real text. ...|-- 30 --" },
		{ "", "" },
		{ "   \n\n\t\r\n", "" },
		{ "... -- !!! \xE2\x80\x94\n\n\xF0\x9F\x98\x80", "" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = split_str(cases[i].text, MIN_WORDS, MAX_WORDS, NULL);
		CHECK_MSG(got && strcmp(got, cases[i].passages) == 0, "case %zu: got \"%s\", want \"%s\"",
			  i, got ? got : "(null)", cases[i].passages);
		free(got);
	}
}

/* A paragraph of `nsent` sentences of `words` words each. */
static char *make_paragraph(size_t nsent, size_t words, int punctuate)
{
	nx_buf b = NX_BUF_INIT;

	for (size_t k = 0; k < nsent; k++) {
		for (size_t w = 0; w < words; w++)
			nx_buf_printf(&b, "%s%s%zu", w ? " " : (k ? " " : ""), w ? "word" : "Begin", k);
		if (punctuate)
			nx_buf_putc(&b, '.');
	}
	return nx_buf_detach(&b);
}

/* Split and return the word counts of the passages. */
static size_t split_counts(size_t *counts, size_t max, const char *text, unsigned min_words,
			   unsigned max_words)
{
	nx_span *p = NULL;
	size_t n = 0, len = strlen(text);

	CHECK_INT(nx_passages_split(&p, &n, an, text, len, min_words, max_words), NX_OK);
	check_split("synthetic", text, len, p, n, max_words);
	for (size_t i = 0; i < n && i < max; i++)
		counts[i] = count_words(text + p[i].start, p[i].end - p[i].start);
	free(p);
	return n;
}

/* Short ASCII paragraphs are not segmented; @ and _ make words too, so a
 * paragraph with more than max_words of any kind is still cut. */
static void test_short_ascii(void)
{
	static const char *const texts[] = { "x y @", "x y __", "a b c @ @ @ @", "__ x", "@" };
	size_t counts[16];

	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		size_t n = split_counts(counts, 16, texts[i], 1, 2), words = 0;

		CHECK_MSG(n >= 1, "'%s': no passage", texts[i]);
		for (size_t j = 0; j < n && j < 16; j++) {
			CHECK_MSG(counts[j] <= 2, "'%s': passage %zu of %zu words", texts[i], j, counts[j]);
			words += counts[j];
		}
		CHECK_MSG(words == count_words(texts[i], strlen(texts[i])), "'%s': %zu words in passages",
			  texts[i], words);
	}
}

static void test_long_paragraphs(void)
{
	size_t counts[16];
	char *text;
	size_t n;

	/* 400 words in 20-word sentences: whole sentences, 40..150 words. */
	text = make_paragraph(20, 20, 1);
	CHECK_INT(count_words(text, strlen(text)), 400);
	n = split_counts(counts, 16, text, 40, 150);
	CHECK_INT(n, 3);
	for (size_t i = 0; i < n && i < 16; i++)
		CHECK_MSG(counts[i] >= 40 && counts[i] <= 150 && counts[i] % 20 == 0, "passage %zu: %zu",
			  i, counts[i]);
	free(text);

	/* 160 words: greedy would leave 140 + 20; the short tail takes
	 * sentences from the passage before it. */
	text = make_paragraph(8, 20, 1);
	n = split_counts(counts, 16, text, 40, 150);
	CHECK_INT(n, 2);
	CHECK_INT(counts[0], 120);
	CHECK_INT(counts[1], 40);
	free(text);

	/* 1000 words without punctuation: one sentence, cut every 150 words. */
	text = make_paragraph(1, 1000, 0);
	n = split_counts(counts, 16, text, 40, 150);
	CHECK_INT(n, 7);
	for (size_t i = 0; i < n && i < 16; i++)
		CHECK_INT(counts[i], i < 6 ? 150 : 100);
	free(text);

	/* A long sentence between short ones: the short ones are not merged
	 * into the cut pieces. */
	{
		nx_buf b = NX_BUF_INIT;
		char *mid = make_paragraph(1, 320, 1);
		nx_buf_printf(&b, "A short start. %s A short end.", mid);
		free(mid);
		text = nx_buf_detach(&b);
		n = split_counts(counts, 16, text, 40, 150);
		CHECK_INT(n, 5);
		if (n == 5) {
			CHECK_INT(counts[0], 3);
			CHECK_INT(counts[1], 150);
			CHECK_INT(counts[2], 150);
			CHECK_INT(counts[3], 20);
			CHECK_INT(counts[4], 3);
		}
		free(text);
	}
}

/* ---- words handed back ---------------------------------------------------- */

static int describe_fn(void *ctx, const nxt_token *t)
{
	nx_buf_printf(ctx, "%s@%zu:%zu#%u/%d/%s ", t->norm, t->start, t->end, t->index, t->script,
		      t->joined ? t->joined : "-");
	return 0;
}

static size_t handed_back;  /* passages whose words came from the split */

/* nx_passages_split_words splits as nx_passages_split does, and the words
 * it hands back for a passage are exactly those of the passage segmented
 * alone (offsets made the passage's, numbered from 0). */
static void check_split_words(const char *text, size_t len, unsigned min_words,
			      unsigned max_words)
{
	nx_span *p = NULL, *q = NULL, *wr = NULL;
	size_t n = 0, m = 0;
	nxt_words_rec r = NXT_WORDS_REC_INIT;

	CHECK_INT(nx_passages_split(&p, &n, an, text, len, min_words, max_words), NX_OK);
	CHECK_INT(nx_passages_split_words(&q, &m, &wr, &r, an, text, len, min_words, max_words),
		  NX_OK);
	CHECK_INT(m, n);
	for (size_t i = 0; i < n && i < m; i++) {
		nx_buf alone = NX_BUF_INIT, got = NX_BUF_INIT;

		CHECK(p[i].start == q[i].start && p[i].end == q[i].end);
		if (wr[i].start == SIZE_MAX)
			continue;
		handed_back++;
		CHECK_INT(nxt_words(an, text + q[i].start, q[i].end - q[i].start, describe_fn,
				    &alone), NX_OK);
		for (size_t k = wr[i].start; k < wr[i].end && k < r.n; k++) {
			const nxt_rec_word *w = &r.w[k];

			nx_buf_printf(&got, "%s@%zu:%zu#%zu/%d/%s ", r.chars + w->norm,
				      w->start - q[i].start, w->end - q[i].start, k - wr[i].start,
				      w->script, w->joined == SIZE_MAX ? "-" : r.chars + w->joined);
		}
		CHECK_STR(got.ptr ? got.ptr : "", alone.ptr ? alone.ptr : "");
		nx_buf_free(&alone);
		nx_buf_free(&got);
	}
	free(p);
	free(q);
	free(wr);
	nxt_words_rec_free(&r);
}

/* Random texts from fragments that stress the edges (line ends, blank
 * lines, Unicode spaces, punctuation-only sentences, scripts, long runs):
 * whatever the sizes, every invariant holds.  Fixed seed: reproducible. */
static void test_random(void)
{
	static const char *const frags[] = {
		"word", "Word", " ", "  ", "\n", "\r\n", "\r", "\n\n", "\n \t\n", ". ", "? ", "!",
		"...", ", ", "-", "\xE2\x80\x94", "\xC2\xA0", "\xE3\x80\x80", "\xE2\x80\x8B",
		"Tokayev\xE2\x80\x99s", "U.S.", "16,000", "5.93", "\xD0\xA2\xD0\xBE\xD2\x9B",
		"\xE5\x8C\x97\xE4\xBA\xAC\xE6\x98\xAF", "\xF0\x9F\x98\x80", "\xE2\x80\x9C", "\xE2\x80\x9D",
		"Mr. ", "e.g.", "(", ")", "\t",
	};
	const size_t nf = sizeof frags / sizeof frags[0];
	unsigned long long x = 0x9E3779B97F4A7C15ull;

	for (int round = 0; round < 300; round++) {
		nx_buf b = NX_BUF_INIT;
		size_t pieces, n = 0;
		nx_span *p = NULL;

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		pieces = (size_t)(x >> 33) % 400;
		for (size_t i = 0; i < pieces; i++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			nx_buf_puts(&b, frags[(x >> 33) % nf]);
		}
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		unsigned max_words = 1 + (unsigned)((x >> 33) % 60);
		unsigned min_words = (unsigned)((x >> 45) % (max_words + 1));
		const char *text = b.ptr ? b.ptr : "";
		CHECK_INT(nx_passages_split(&p, &n, an, text, b.len, min_words, max_words), NX_OK);
		check_split("random", text, b.len, p, n, max_words);
		check_split_words(text, b.len, min_words, max_words);
		free(p);
		nx_buf_free(&b);
	}
}

static void test_errors(void)
{
	nx_span *p = (nx_span *)1;
	size_t n = 99;
	nxt_words_rec r = NXT_WORDS_REC_INIT;

	CHECK_INT(nx_passages_split(&p, &n, an, "x", 1, 10, 0), NX_EINVAL);
	CHECK(p == NULL && n == 0);
	CHECK_INT(nx_passages_split(&p, &n, an, "x", 1, 20, 10), NX_EINVAL);
	CHECK_INT(nx_passages_split(&p, &n, NULL, "x", 1, 1, 10), NX_EINVAL);
	CHECK_INT(nx_passages_split(&p, &n, an, NULL, 1, 1, 10), NX_EINVAL);
	CHECK_INT(nx_passages_split(&p, &n, an, NULL, 0, 1, 10), NX_OK);
	CHECK(n == 0);
	free(p);
	CHECK_INT(nx_passages_split_words(&p, &n, NULL, &r, an, "x", 1, 1, 10), NX_EINVAL);
	nxt_words_rec_free(&r);
	/* min 0 and max 1: a passage per word */
	{
		size_t np = 0;
		char *got = split_str("one two, three.", 0, 1, &np);
		CHECK_STR(got, "one|two,|three.");
		free(got);
	}
}

int main(void)
{

	if (nxt_analyzer_new(&an) != NX_OK) {
		fprintf(stderr, "nxt_analyzer_new: %s\n", nx_error_message());
		return 1;
	}
	test_short_paragraphs();
	test_long_paragraphs();
	test_short_ascii();
	test_corpus();
	/* cuts inside hyphenated compounds (the words after a cut are no
	 * compound with those before it) and sentences of one word */
	{
		const char *t = "Alma-Ata is far-away from Ust-Kamenogorsk-Oskemen today. Yes.";

		check_split_words(t, strlen(t), 0, 1);
		check_split_words(t, strlen(t), 1, 3);
	}
	test_random();
	CHECK(handed_back > 100);  /* the random texts did exercise it */
	test_errors();
	test_seed();
	nxt_analyzer_free(an);
	return nx_test_done("test_passage");
}
