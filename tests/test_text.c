/*
 * test_text.c — unit tests of the text analyzer (text/): words with their
 * byte offsets and normalised forms, sentences, stems and the language
 * guess.  Table-driven; each word case lists the expected tokens as
 * "norm@start:end" separated by spaces.
 */
#include "nx_common.h"
#include "nx_names.h"
#include "nx_test.h"
#include "nx_text.h"

#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------- */

/* Collects tokens as "norm@start:end norm@start:end ..." and checks the
 * invariants every token must satisfy. */
typedef struct collect {
	nx_buf out;
	const char *text;
	size_t len;
	uint32_t next_index;
	int scripts[64];
	size_t nscripts;
	int bad;
} collect;

static int collect_fn(void *ctx, const nxt_token *t)
{
	collect *c = ctx;

	if (c->out.len)
		nx_buf_putc(&c->out, ' ');
	nx_buf_printf(&c->out, "%s@%zu:%zu", t->norm, t->start, t->end);
	/* index counts from 0 without gaps; offsets lie inside the text
	 * and are in order; norm is NUL-terminated at norm_len. */
	if (t->index != c->next_index++ || t->start >= t->end || t->end > c->len ||
	    strlen(t->norm) != t->norm_len || t->norm_len == 0)
		c->bad++;
	if (c->nscripts < sizeof c->scripts / sizeof c->scripts[0])
		c->scripts[c->nscripts++] = t->script;
	return 0;
}

/* Run nxt_words on s and return the collected tokens (static buffer). */
static const char *words_of(nxt_analyzer *a, const char *s, collect *c)
{
	static char result[4096];

	memset(c, 0, sizeof *c);
	c->text = s;
	c->len = strlen(s);
	CHECK_INT(nxt_words(a, s, c->len, collect_fn, c), NX_OK);
	CHECK_INT(c->bad, 0);
	snprintf(result, sizeof result, "%s", c->out.ptr ? c->out.ptr : "");
	nx_buf_free(&c->out);
	return result;
}

/* ---- words --------------------------------------------------------------- */

static void test_words(nxt_analyzer *a)
{
	static const struct {
		const char *text, *tokens;
	} cases[] = {
		/* ASCII fast path */
		{ "Hello, World!", "hello@0:5 world@7:12" },
		{ "  The quick  brown fox. ", "the@2:5 quick@6:11 brown@13:18 fox@19:22" },
		/* Russian and Kazakh: offsets are bytes (2 per Cyrillic letter) */
		{ "Токаев объявил", "токаев@0:12 объявил@13:27" },
		{ "Тоқаевтың", "тоқаевтың@0:18" },
		{ "ҚАЗАҚСТАН Республикасы", "қазақстан@0:18 республикасы@19:43" },
		/* mixed scripts and punctuation */
		{ "«Президент» Tokayev (Токаев) — said: \"no\".",
		  "президент@2:20 tokayev@23:30 токаев@32:44 said@50:54 no@57:59" },
		/* numbers: ICU keeps digit groups and decimals together */
		{ "about 16,000 arrested", "about@0:5 16,000@6:12 arrested@13:21" },
		{ "in 2019, 5.93 mln", "in@0:2 2019@3:7 5.93@9:13 mln@14:17" },
		/* abbreviations: "U.S" is one word, the final period is not part of it */
		{ "the U.S. Army", "the@0:3 u.s@4:7 army@9:13" },
		/* hyphens split words (UAX #29 has no rule joining letters across "-") */
		{ "Alma-Ata", "alma@0:4 ata@5:8" },
		{ "Kassym-Jomart Tokayev", "kassym@0:6 jomart@7:13 tokayev@14:21" },
		{ "180-day cap", "180@0:3 day@4:7 cap@8:11" },
		/* apostrophes: possessive 's dropped, ASCII or typographic */
		{ "Tokayev's", "tokayev@0:9" },
		{ "Tokayev\xE2\x80\x99s", "tokayev@0:11" },
		{ "TOKAYEV'S", "tokayev@0:9" },
		{ "don't", "don't@0:5" },
		{ "don\xE2\x80\x99t", "don't@0:7" },
		{ "O\xCA\xBC" "Brien", "o'brien@0:8" },  /* U+02BC modifier apostrophe */
		{ "'s", "s@1:2" },                         /* nothing to drop it from */
		/* NFKC case folding */
		{ "\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3", "abc@0:9" },  /* fullwidth ABC */
		{ "Stra\xC3\x9F" "e", "strasse@0:7" },
		{ "\xEF\xAC\x81nal", "final@0:6" },       /* "ﬁ" ligature */
		{ "CAF\xC3\x89 cafe\xCC\x81", "café@0:5 café@6:12" },  /* composed */
		/* nothing to find */
		{ "", "" },
		{ "   \n\t ", "" },
		{ "... !?! --- (\xC2\xAB\xC2\xBB)", "" },
		{ "\xF0\x9F\x98\x80 \xF0\x9F\x87\xB0\xF0\x9F\x87\xBF \xE2\x9D\xA4\xEF\xB8\x8F", "" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		collect c;
		const char *got = words_of(a, cases[i].text, &c);
		CHECK_MSG(strcmp(got, cases[i].tokens) == 0, "case %zu \"%s\": got \"%s\", want \"%s\"",
			  i, cases[i].text, got, cases[i].tokens);
	}
}

/* Every token's [start, end) is the original spelling; its norm is the
 * folded form of exactly that. */
typedef struct spelling {
	const char *text;
	const char *const *want;  /* original spellings, NULL-terminated */
	size_t n;
	int bad;
} spelling;

static int spelling_fn(void *ctx, const nxt_token *t)
{
	spelling *s = ctx;
	const char *w = s->want[s->n];

	if (!w || strlen(w) != t->end - t->start || memcmp(w, s->text + t->start, strlen(w)) != 0)
		s->bad++;
	if (w)
		s->n++;
	return 0;
}

static void test_spellings(nxt_analyzer *a)
{
	static const char text[] = "\xE2\x80\x9C" "ТОҚАЕВ\xE2\x80\x99s\xE2\x80\x9D order: "
				   "Stra\xC3\x9F" "e \xEF\xBC\xA1\xEF\xBC\xA2 U.S.";
	static const char *const want[] = { "ТОҚАЕВ\xE2\x80\x99s", "order", "Stra\xC3\x9F" "e",
					    "\xEF\xBC\xA1\xEF\xBC\xA2", "U.S", NULL };
	spelling s = { text, want, 0, 0 };

	CHECK_INT(nxt_words(a, text, strlen(text), spelling_fn, &s), NX_OK);
	CHECK_INT(s.bad, 0);
	CHECK_INT(s.n, 5);
}

static void test_scripts(nxt_analyzer *a)
{
	collect c;
	const char *got = words_of(a, "Tokayev Токаев 2019 北京 Αθήνα _x \xEF\xBC\x91\xEF\xBC\x92", &c);
	static const int want[] = { NXT_SCRIPT_LATIN, NXT_SCRIPT_CYRILLIC, NXT_SCRIPT_DIGIT,
				    NXT_SCRIPT_HAN, NXT_SCRIPT_OTHER, NXT_SCRIPT_LATIN,
				    NXT_SCRIPT_DIGIT };

	CHECK_MSG(c.nscripts == sizeof want / sizeof want[0], "%zu tokens: %s", c.nscripts, got);
	for (size_t i = 0; i < c.nscripts && i < sizeof want / sizeof want[0]; i++)
		CHECK_MSG(c.scripts[i] == want[i], "token %zu: script %d, want %d", i, c.scripts[i], want[i]);
}

/* ICU's dictionary splits unspaced Chinese into several words. */
static void test_cjk(nxt_analyzer *a)
{
	static const char text[] = "北京是中国的首都";
	collect c;
	const char *got = words_of(a, text, &c);
	size_t count = 0;

	CHECK_MSG(c.nscripts >= 3, "CJK: %s", got);
	for (size_t i = 0; i < c.nscripts; i++)
		CHECK_INT(c.scripts[i], NXT_SCRIPT_HAN);
	CHECK(strncmp(got, "北京@0:6 ", strlen("北京@0:6 ")) == 0);
	CHECK_INT(nxt_count_words(&count, a, text, strlen(text)), NX_OK);
	CHECK_INT(count, c.nscripts);
}

static int stop_at_third(void *ctx, const nxt_token *t)
{
	int *seen = ctx;
	(*seen)++;
	return t->index == 2 ? 42 : 0;
}

static void test_words_api(nxt_analyzer *a)
{
	static const char text[] = "one two three four five";
	int seen = 0;
	size_t n = 99;

	/* The callback's non-zero value stops the walk and is returned. */
	CHECK_INT(nxt_words(a, text, strlen(text), stop_at_third, &seen), 42);
	CHECK_INT(seen, 3);

	/* Counting agrees with nxt_words. */
	CHECK_INT(nxt_count_words(&n, a, text, strlen(text)), NX_OK);
	CHECK_INT(n, 5);
	CHECK_INT(nxt_count_words(&n, a, "", 0), NX_OK);
	CHECK_INT(n, 0);
	CHECK_INT(nxt_count_words(&n, a, NULL, 0), NX_OK);
	CHECK_INT(n, 0);
	CHECK_INT(nxt_count_words(&n, a, "-- \xF0\x9F\x98\x80 !", 8), NX_OK);
	CHECK_INT(n, 0);

	/* Only [0, len) is read: no NUL terminator needed. */
	{
		collect c;
		memset(&c, 0, sizeof c);
		c.text = "alpha beta";
		c.len = 7;
		CHECK_INT(nxt_words(a, c.text, c.len, collect_fn, &c), NX_OK);
		CHECK_STR(c.out.ptr, "alpha@0:5 b@6:7");
		nx_buf_free(&c.out);
	}
}

/* A word far longer than the analyzer's initial buffers. */
static void test_long_word(nxt_analyzer *a)
{
	size_t n = 5000;
	char *s = malloc(2 * n + 1);
	collect c;

	if (!s)
		return;
	for (size_t i = 0; i < n; i++)
		memcpy(s + 2 * i, "Ж", 2);  /* U+0416, two bytes */
	s[2 * n] = '\0';
	memset(&c, 0, sizeof c);
	c.text = s;
	c.len = 2 * n;
	CHECK_INT(nxt_words(a, s, c.len, collect_fn, &c), NX_OK);
	CHECK_INT(c.next_index, 1);
	CHECK(c.out.ptr && strncmp(c.out.ptr, "жж", 4) == 0);
	nx_buf_free(&c.out);
	free(s);
}

/* ICU segments a region of text in UTF-16 (copied, with a map back to
 * bytes) unless the region is very long, when it reads the UTF-8 itself:
 * both must give the same words.  A sample of what goes to ICU (ideographs
 * in and beyond the BMP, kana, a combining mark, an emoji, ill-formed
 * bytes) is segmented alone and repeated into 400 KB of one region. */
typedef struct wordlist {
	nx_buf norms;   /* the norms, NUL-separated */
	size_t starts[64], ends[64], n, at, bad;
	size_t period;  /* checking: the sample's length, 0 while collecting */
} wordlist;

static int wordlist_fn(void *ctx, const nxt_token *t)
{
	wordlist *w = ctx;

	if (!w->period) {
		if (w->n < 64) {
			w->starts[w->n] = t->start;
			w->ends[w->n] = t->end;
			nx_buf_put(&w->norms, t->norm, t->norm_len + 1);
		}
		w->n++;
		return 0;
	}
	/* The k-th word of the long text is word k % n of the sample, k / n
	 * samples further on; a sample of more than 64 words (the check in
	 * test_long_icu_region has failed) is not compared. */
	if (w->n > 64)
		return 0;
	{
		size_t i = w->at % w->n, shift = (w->at / w->n) * w->period;
		const char *norm = w->norms.ptr;

		for (size_t j = 0; j < i; j++)
			norm += strlen(norm) + 1;
		if (t->start != w->starts[i] + shift || t->end != w->ends[i] + shift ||
		    strcmp(t->norm, norm) != 0)
			w->bad++;
		w->at++;
	}
	return 0;
}

static void test_long_icu_region(nxt_analyzer *a)
{
	static const char sample[] = "北京是中国的首都 Tokayev \xF0\xA0\xAE\xB7野家 カタカナ "
				     "cafe\xCC\x81 \xF0\x9F\x98\x80 ab\xFF" "cd \xE4\xB8" "x 東京\n";
	size_t len = sizeof sample - 1, copies = (400 << 10) / len + 1;
	char *text = malloc(copies * len);
	wordlist w;

	if (!text)
		return;
	memset(&w, 0, sizeof w);
	CHECK_INT(nxt_words(a, sample, len, wordlist_fn, &w), NX_OK);
	CHECK_MSG(w.n >= 8 && w.n <= 64, "%zu words in the sample", w.n);
	for (size_t k = 0; k < copies; k++)
		memcpy(text + k * len, sample, len);
	w.period = len;
	CHECK_INT(nxt_words(a, text, copies * len, wordlist_fn, &w), NX_OK);
	CHECK_INT(w.at, copies * w.n);
	CHECK_INT(w.bad, 0);
	nx_buf_free(&w.norms);
	free(text);
}

/* Input should be valid UTF-8 (nxt_utf8_repair), but bad bytes must not
 * crash the analyzer or make it fail: offsets stay inside the text. */
static void test_bad_utf8(nxt_analyzer *a)
{
	static const char *const texts[] = {
		"abc\xFF" "def ghi",
		"\xD0\x9F\xD1",           /* "П" then a truncated sequence */
		"\xE2\x80" "Tokayev \xC0\xAF",
		"caf\xC3",
		"x\0y z",
	};
	static const size_t lens[] = { 11, 3, 12, 4, 5 };

	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		collect c;
		size_t n = 0;
		memset(&c, 0, sizeof c);
		c.text = texts[i];
		c.len = lens[i];
		CHECK_INT(nxt_words(a, c.text, c.len, collect_fn, &c), NX_OK);
		CHECK_INT(c.bad, 0);
		CHECK_INT(nxt_count_words(&n, a, c.text, c.len), NX_OK);
		CHECK_INT(n, c.next_index);
		CHECK(c.next_index > 0);
		nx_buf_free(&c.out);
	}
}

/* ---- sentences ----------------------------------------------------------- */

typedef struct spans {
	size_t start[32], end[32];
	size_t n;
} spans;

static int span_fn(void *ctx, size_t start, size_t end)
{
	spans *s = ctx;
	if (s->n < 32) {
		s->start[s->n] = start;
		s->end[s->n] = end;
	}
	s->n++;
	return 0;
}

static int stop_span(void *ctx, size_t start, size_t end)
{
	(void)ctx;
	(void)start;
	(void)end;
	return -7;
}

static void test_sentences(nxt_analyzer *a)
{
	static const struct {
		const char *text;
		size_t n;
	} cases[] = {
		{ "Hello world. How are you? Fine.", 3 },
		{ "Mr. Smith went to Washington. He said hi.", 2 },
		{ "They arrived on Jan. 6 in Almaty.", 1 },
		/* "U.S." is not in ICU's list of abbreviations (it ends many
		 * sentences), so ICU breaks after it. */
		{ "The U.S. Army arrived.", 2 },
		{ "Токаев объявил. Протесты продолжились! Почему?", 3 },
		{ "\xE2\x80\x9CWe tried,\xE2\x80\x9D he said. \xE2\x80\x9CThey came.\xE2\x80\x9D", 2 },
		{ "no final punctuation", 1 },
		{ "", 0 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		spans s;
		size_t len = strlen(cases[i].text);
		memset(&s, 0, sizeof s);
		CHECK_INT(nxt_sentences(a, cases[i].text, len, span_fn, &s), NX_OK);
		CHECK_MSG(s.n == cases[i].n, "\"%s\": %zu sentences, want %zu", cases[i].text, s.n,
			  cases[i].n);
		/* The sentences tile [0, len). */
		size_t at = 0;
		for (size_t k = 0; k < s.n && k < 32; k++) {
			CHECK(s.start[k] == at && s.end[k] > s.start[k]);
			at = s.end[k];
		}
		CHECK_INT(at, len);
	}

	{
		spans s;
		static const char text[] = "Hello world. How are you? Fine.";
		memset(&s, 0, sizeof s);
		CHECK_INT(nxt_sentences(a, text, strlen(text), span_fn, &s), NX_OK);
		CHECK_INT(s.end[0], 13);  /* trailing space belongs to the sentence */
		CHECK_INT(s.end[1], 26);
		CHECK_INT(nxt_sentences(a, text, strlen(text), stop_span, NULL), -7);
	}
}

/* Words inside a sentence callback: the two iterators are independent. */
typedef struct nested {
	nxt_analyzer *a;
	const char *text;
	size_t words;
	int rc;
} nested;

static int count_cb(void *ctx, const nxt_token *t)
{
	(void)t;
	++*(size_t *)ctx;
	return 0;
}

static int nested_fn(void *ctx, size_t start, size_t end)
{
	nested *n = ctx;
	size_t w = 0;
	int rc = nxt_words(n->a, n->text + start, end - start, count_cb, &w);
	if (rc)
		n->rc = rc;
	n->words += w;
	return 0;
}

static int reenter_fn(void *ctx, const nxt_token *t)
{
	nxt_analyzer *a = ctx;
	size_t n;
	(void)t;
	return nxt_count_words(&n, a, "x", 1);
}

static void test_nesting(nxt_analyzer *a)
{
	static const char text[] = "One two. Three four five. Six.";
	nested n = { a, text, 0, 0 };

	CHECK_INT(nxt_sentences(a, text, strlen(text), nested_fn, &n), NX_OK);
	CHECK_INT(n.rc, 0);
	CHECK_INT(n.words, 6);
	/* Re-entering the word walk from its own callback is refused. */
	CHECK_INT(nxt_words(a, text, strlen(text), reenter_fn, a), NX_EINVAL);
	/* ... and the analyzer still works afterwards. */
	size_t count = 0;
	CHECK_INT(nxt_count_words(&count, a, text, strlen(text)), NX_OK);
	CHECK_INT(count, 6);
}

/* ---- stems --------------------------------------------------------------- */

static void test_stems(nxt_analyzer *a)
{
	static const struct {
		const char *lang, *word;
		int script;
		const char *stem;  /* NULL: a proper, shorter prefix of word */
	} cases[] = {
		{ "en", "shooting", NXT_SCRIPT_LATIN, "shoot" },
		{ "en", "protesters", NXT_SCRIPT_LATIN, "protest" },
		{ "EN-us", "shooting", NXT_SCRIPT_LATIN, "shoot" },
		{ "ru", "протестующих", NXT_SCRIPT_CYRILLIC, NULL },
		/* Kazakh: Latin words by script; Cyrillic ones by kkstem.c */
		{ "kk", "shooting", NXT_SCRIPT_LATIN, "shoot" },
		{ "kk", "тоқаевтың", NXT_SCRIPT_CYRILLIC, "тоқаев" },
		{ "kk", "тоқаевқа", NXT_SCRIPT_CYRILLIC, "тоқаев" },
		{ "kk", "тоқаев", NXT_SCRIPT_CYRILLIC, "тоқаев" },
		{ "kk", "назарбаевтың", NXT_SCRIPT_CYRILLIC, "назарбаев" },
		{ "kk", "назарбаев", NXT_SCRIPT_CYRILLIC, "назарбаев" },
		{ "kk", "ата", NXT_SCRIPT_CYRILLIC, "ата" },  /* too short to strip */
		/* a suffix only where the sounds before it allow it */
		{ "kk", "президенті", NXT_SCRIPT_CYRILLIC, "президент" },  /* -і, not -ті after н */
		{ "kk", "президенттің", NXT_SCRIPT_CYRILLIC, "президент" },
		{ "kk", "нұрсұлтан", NXT_SCRIPT_CYRILLIC, "нұрсұлтан" },   /* -тан after л: no */
		{ "kk", "нұрсұлтанды", NXT_SCRIPT_CYRILLIC, "нұрсұлтан" },
		{ "kk", "қазақстан", NXT_SCRIPT_CYRILLIC, "қазақстан" },   /* -стан stays */
		{ "kk", "өзбекстанның", NXT_SCRIPT_CYRILLIC, "өзбекстан" },
		{ "kk", "қазақстандағы", NXT_SCRIPT_CYRILLIC, "қазақстан" },  /* not -ндағы */
		{ "kk", "достан", NXT_SCRIPT_CYRILLIC, "дос" },            /* дос + ablative */
		{ "kk", "экономика", NXT_SCRIPT_CYRILLIC, "экономика" },   /* -ка after a vowel: no */
		{ "kk", "техника", NXT_SCRIPT_CYRILLIC, "техника" },
		{ "kk", "қайта", NXT_SCRIPT_CYRILLIC, "қайта" },           /* -та after й: no */
		{ "kk", "мереке", NXT_SCRIPT_CYRILLIC, "мереке" },
		{ "kk", "болатын", NXT_SCRIPT_CYRILLIC, "болатын" },       /* -тын after а: no */
		{ "kk", "гектар", NXT_SCRIPT_CYRILLIC, "гектар" },
		{ "kk", "жақсы", NXT_SCRIPT_CYRILLIC, "жақс" },            /* -сы after қ: no; -ы */
		{ "kk", "райдер", NXT_SCRIPT_CYRILLIC, "райдер" },         /* harmony: -дер after а */
		{ "kk", "жұмыспен", NXT_SCRIPT_CYRILLIC, "жұмыс" },        /* -пен has one form */
		{ "kk", "болуы", NXT_SCRIPT_CYRILLIC, "болу" },            /* у as /w/ */
		{ "tt", "америка", NXT_SCRIPT_CYRILLIC, "америка" },
		{ "tt", "президенты", NXT_SCRIPT_CYRILLIC, "президент" },
		{ "ky", "токаевдин", NXT_SCRIPT_CYRILLIC, "токаев" },
		{ "ky", "бишкекте", NXT_SCRIPT_CYRILLIC, "бишкек" },
		{ "tt", "казандагы", NXT_SCRIPT_CYRILLIC, "казан" },
		/* unknown language: Kazakh letters pick kkstem, else Russian */
		{ NULL, "тоқаевтың", NXT_SCRIPT_CYRILLIC, "тоқаев" },
		{ NULL, "токаева", NXT_SCRIPT_CYRILLIC, NULL },
		/* a language's own stemmer wins over the letters */
		{ "ru", "тоқаевтың", NXT_SCRIPT_CYRILLIC, "тоқаевтың" },
		{ NULL, "shooting", NXT_SCRIPT_LATIN, "shoot" },
		{ "", "протестующих", NXT_SCRIPT_CYRILLIC, NULL },
		/* a stemmer only sees words of its own script */
		{ "ru", "shooting", NXT_SCRIPT_LATIN, "shoot" },
		{ "en", "протестующих", NXT_SCRIPT_CYRILLIC, NULL },
		/* a language Xapian 1.4 knows but has no stemmer for */
		{ "el", "shooting", NXT_SCRIPT_LATIN, "shoot" },
		/* unchanged: digits, CJK, other scripts without a language */
		{ "en", "2019", NXT_SCRIPT_DIGIT, "2019" },
		{ "ru", "16,000", NXT_SCRIPT_DIGIT, "16,000" },
		{ "en", "北京", NXT_SCRIPT_HAN, "北京" },
		{ NULL, "αθήνα", NXT_SCRIPT_OTHER, "αθήνα" },
		{ "en", "", NXT_SCRIPT_LATIN, "" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *out = NULL;
		size_t len = 99;
		size_t wl = strlen(cases[i].word);
		nx_error_clear();
		int rc = nxt_stem(&out, &len, a, cases[i].lang, cases[i].word, wl, cases[i].script);
		CHECK_MSG(rc == NX_OK, "case %zu: %d %s", i, rc, nx_error_message());
		if (rc)
			continue;
		CHECK_INT(strlen(out), len);
		if (cases[i].stem)
			CHECK_MSG(strcmp(out, cases[i].stem) == 0, "case %zu: stem(%s) = \"%s\", want \"%s\"",
				  i, cases[i].word, out, cases[i].stem);
		else
			CHECK_MSG(len > 0 && len < wl && memcmp(out, cases[i].word, len) == 0,
				  "case %zu: stem(%s) = \"%s\"", i, cases[i].word, out);
	}

	/* Kazakh stems need not be dictionary forms, but a word and its
	 * inflected forms must agree (query and text meet on them). */
	static const char *const kk_families[][4] = {
		{ "қазақстан", "қазақстандағы", "қазақстанда", "қазақстанның" },
		{ "республика", "республикасының", "республикасында", "республикалар" },
		{ "президент", "президентке", "президентпен", "президенттер" },
		{ "астана", "астанада", "астананың", "астанаға" },
		{ "алматы", "алматыда", "алматының", "алматыдағы" },
		{ "нұрсұлтан", "нұрсұлтанның", "нұрсұлтанға", "нұрсұлтанды" },
		{ "президент", "президенті", "президенттің", "президентпен" },
		{ "тоқаев", "тоқаевтың", "тоқаевқа", "тоқаевпен" },
	};
	for (size_t f = 0; f < sizeof kk_families / sizeof kk_families[0]; f++) {
		char base[64];
		const char *out = NULL;
		size_t len = 0;
		CHECK_INT(nxt_stem(&out, &len, a, "kk", kk_families[f][0], strlen(kk_families[f][0]),
				   NXT_SCRIPT_CYRILLIC), NX_OK);
		snprintf(base, sizeof base, "%s", out ? out : "");
		CHECK_MSG(len >= 6, "stem(%s) = %s is too short", kk_families[f][0], base);
		for (int k = 1; k < 4; k++) {
			CHECK_INT(nxt_stem(&out, &len, a, "kk", kk_families[f][k],
					   strlen(kk_families[f][k]), NXT_SCRIPT_CYRILLIC), NX_OK);
			CHECK_MSG(out && strcmp(out, base) == 0, "stem(%s) = %s, stem(%s) = %s",
				  kk_families[f][k], out ? out : "", kk_families[f][0], base);
		}
	}

	/* Repeated lookups of a language without a stemmer stay cheap and
	 * keep working (the "none" answer is cached). */
	for (int i = 0; i < 1000; i++) {
		const char *out = NULL;
		if (nxt_stem(&out, NULL, a, "kk", "тоқаевтың", strlen("тоқаевтың"),
			     NXT_SCRIPT_CYRILLIC) != NX_OK) {
			CHECK(0);
			break;
		}
	}
}

/* ---- variant forms ------------------------------------------------------- */

static void test_fold(nxt_analyzer *a)
{
	static const struct {
		const char *word;
		int script;
		const char *fold;
	} cases[] = {
		{ "café", NXT_SCRIPT_LATIN, "cafe" },
		{ "zürich", NXT_SCRIPT_LATIN, "zurich" },
		{ "łódź", NXT_SCRIPT_LATIN, "lodz" },
		{ "straße", NXT_SCRIPT_LATIN, "straße" },  /* ß is ss after casefold, not here */
		{ "øresund", NXT_SCRIPT_LATIN, "oresund" },
		{ "i̇stanbul", NXT_SCRIPT_LATIN, "istanbul" },  /* i + combining dot */
		{ "ışık", NXT_SCRIPT_LATIN, "isik" },
		{ "u.s", NXT_SCRIPT_LATIN, "us" },
		{ "don't", NXT_SCRIPT_LATIN, "dont" },
		{ "o'brien", NXT_SCRIPT_LATIN, "obrien" },
		{ "ёлка", NXT_SCRIPT_CYRILLIC, "елка" },
		{ "мой", NXT_SCRIPT_CYRILLIC, "мой" },       /* й stays */
		{ "қазақ", NXT_SCRIPT_CYRILLIC, "қазақ" },   /* Kazakh letters stay */
		{ "әңгіме", NXT_SCRIPT_CYRILLIC, "әңгіме" },
		{ "5.93", NXT_SCRIPT_DIGIT, "5.93" },
		{ "16,000", NXT_SCRIPT_DIGIT, "16000" },
		{ "16.000", NXT_SCRIPT_DIGIT, "16000" },
		{ "1,234,567.89", NXT_SCRIPT_DIGIT, "1234567.89" },
		{ "1,5", NXT_SCRIPT_DIGIT, "1,5" },
		{ "1,2345", NXT_SCRIPT_DIGIT, "1,2345" },
		{ "2019", NXT_SCRIPT_DIGIT, "2019" },
		{ "北京", NXT_SCRIPT_HAN, "北京" },
		{ "'", NXT_SCRIPT_OTHER, "'" },
		{ "كَتَبَ", NXT_SCRIPT_OTHER, "كتب" },        /* harakat dropped */
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *out = NULL;
		size_t len = 0;
		CHECK_INT(nxt_fold(&out, &len, a, cases[i].word, strlen(cases[i].word), cases[i].script),
			  NX_OK);
		CHECK_MSG(out && len == strlen(cases[i].fold) && memcmp(out, cases[i].fold, len) == 0,
			  "fold(%s) = %.*s, want %s", cases[i].word, (int)len, out ? out : "",
			  cases[i].fold);
	}
}

static void test_keys(nxt_analyzer *a)
{
	static const struct {
		const char *word;
		int script;
		const char *key;
	} cases[] = {
		{ "токаев", NXT_SCRIPT_CYRILLIC, "tokaev" },
		{ "тоқаев", NXT_SCRIPT_CYRILLIC, "tokaev" },
		{ "tokayev", NXT_SCRIPT_LATIN, "tokaev" },
		{ "toqaev", NXT_SCRIPT_LATIN, "tokaev" },
		{ "tokaev", NXT_SCRIPT_LATIN, "tokaev" },
		{ "назарбаев", NXT_SCRIPT_CYRILLIC, "nazarbaev" },
		{ "nazarbayev", NXT_SCRIPT_LATIN, "nazarbaev" },
		{ "жомарт", NXT_SCRIPT_CYRILLIC, "jomart" },
		{ "jomart", NXT_SCRIPT_LATIN, "jomart" },
		{ "zhomart", NXT_SCRIPT_LATIN, "jomart" },
		{ "касым", NXT_SCRIPT_CYRILLIC, "kasim" },
		{ "қасым", NXT_SCRIPT_CYRILLIC, "kasim" },
		{ "kassym", NXT_SCRIPT_LATIN, "kasim" },
		{ "нұрсұлтан", NXT_SCRIPT_CYRILLIC, "nursultan" },
		{ "сергей", NXT_SCRIPT_CYRILLIC, "sergei" },
		{ "sergei", NXT_SCRIPT_LATIN, "sergei" },
		{ "дмитрий", NXT_SCRIPT_CYRILLIC, "dmitri" },
		{ "dmitry", NXT_SCRIPT_LATIN, "dmitri" },
		{ "ерлан", NXT_SCRIPT_CYRILLIC, "erlan" },
		{ "yerlan", NXT_SCRIPT_LATIN, "erlan" },
		{ "мұхтар", NXT_SCRIPT_CYRILLIC, "muhtar" },
		{ "mukhtar", NXT_SCRIPT_LATIN, "muhtar" },
		{ "ғабит", NXT_SCRIPT_CYRILLIC, "gabit" },
		{ "алматы", NXT_SCRIPT_CYRILLIC, "almati" },
		{ "almaty", NXT_SCRIPT_LATIN, "almati" },
		{ "объявил", NXT_SCRIPT_CYRILLIC, "obiavil" },
		{ "zürich", NXT_SCRIPT_LATIN, "zurich" },
		{ "u.s", NXT_SCRIPT_LATIN, "us" },
		{ "year", NXT_SCRIPT_LATIN, "year" },  /* ye before a vowel stays */
		{ "айбар", NXT_SCRIPT_CYRILLIC, "aibar" },
		{ "aybar", NXT_SCRIPT_LATIN, "aibar" },
		{ "ӑрӑм", NXT_SCRIPT_CYRILLIC, "aram" }, /* Chuvash ӑ: through ICU */
		{ "2019", NXT_SCRIPT_DIGIT, "" },
		{ "北京", NXT_SCRIPT_HAN, "" },
	};

	for (int round = 0; round < 2; round++) {  /* the second from the cache */
		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			const char *out = NULL;
			size_t len = 99;
			CHECK_INT(nxt_key(&out, &len, a, cases[i].word, strlen(cases[i].word),
					  cases[i].script), NX_OK);
			CHECK_MSG(out && len == strlen(cases[i].key) && memcmp(out, cases[i].key, len) == 0,
				  "key(%s) = %.*s, want %s", cases[i].word, (int)len, out ? out : "",
				  cases[i].key);
		}
	}
}

/* Hyphenated compounds and mixed-script repair, through nxt_words. */
typedef struct joins {
	nx_buf out;
} joins;

static int joins_fn(void *ctx, const nxt_token *t)
{
	joins *j = ctx;

	if (j->out.len)
		nx_buf_putc(&j->out, ' ');
	nx_buf_puts(&j->out, t->norm);
	if (t->joined) {
		nx_buf_putc(&j->out, '+');
		nx_buf_puts(&j->out, t->joined);
		CHECK_INT(strlen(t->joined), t->joined_len);
	}
	return 0;
}

static void test_compounds(nxt_analyzer *a)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "Alma-Ata", "alma ata+almaata" },
		{ "бизнес-климат", "бизнес климат+бизнесклимат" },
		{ "Kassym-Jomart Tokayev", "kassym jomart+kassymjomart tokayev" },
		{ "a-b-c", "a b+ab c+abc" },
		{ "COVID-19", "covid 19+covid19" },
		{ "2021-2022", "2021 2022" },             /* numbers: a range */
		{ "Alma - Ata", "alma ata" },              /* spaced: a dash */
		{ "Alma\xE2\x80\x91" "Ata", "alma ata+almaata" },  /* U+2011 */
		{ "Alma\xE2\x80\x93" "Ata", "alma ata" },  /* en dash: a range */
		{ "Alma--Ata", "alma ata" },
		/* mixed scripts: Latin o, c in Cyrillic words; Cyrillic а in Latin */
		{ "Тoкаев", "токаев" },
		{ "Aлматы", "алматы" },
		{ "Almаty", "almaty" },
		{ "Тоқaев", "тоқаев" },
		{ "Bшq", "bшq" },                          /* ш has no look-alike */
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		joins j = { NX_BUF_INIT };
		CHECK_INT(nxt_words(a, cases[i].text, strlen(cases[i].text), joins_fn, &j), NX_OK);
		CHECK_MSG(j.out.ptr && strcmp(j.out.ptr, cases[i].want) == 0, "\"%s\": \"%s\", want \"%s\"",
			  cases[i].text, j.out.ptr ? j.out.ptr : "", cases[i].want);
		nx_buf_free(&j.out);
	}
}

/* ---- language guess ------------------------------------------------------ */

static void test_guess_lang(void)
{
	static const struct {
		const char *text, *lang;
	} cases[] = {
		{ "Mass protests in Kazakhstan began peacefully over the New Year's weekend.", "en" },
		{ "Массовые протесты в Казахстане начались мирно в новогодние выходные.", "ru" },
		{ "Қазақстандағы жаппай наразылық Жаңа жыл мерекесінде бейбіт түрде басталды.", "kk" },
		{ "Тоқаевтың", "kk" },
		/* і as the only Kazakh letter: Kazakh with ы (which Ukrainian
		 * lacks) and without ї є ґ ў (which Kazakh lacks) */
		{ "Даже он проценті де болмайды.", "kk" },
		{ "Масові протести в Казахстані почалися мирно і спокійно.", "ru" },
		/* 40 letters or more: libexttextcat */
		{ "Масові протести в Казахстані почалися мирно і спокійно, її є.", "uk" },
		{ "Die Proteste in Kasachstan begannen friedlich am Neujahrswochenende.", "de" },
		{ "Кыргызстандын президенти Садыр Жапаров бүгүн Бишкекте жыйын өткөрдү.", "ky" },
		{ "Les manifestations au Kazakhstan ont commencé pacifiquement.", "fr" },
		{ "Масавыя пратэсты ў Казахстане пачаліся мірна.", "ru" },
		/* one stray Kazakh letter in a long Russian text is noise */
		{ "Президент Казахстана Касым-Жомарт Токаев заявил, что в Алматы (Алматы қаласы) "
		  "введен режим чрезвычайного положения, и пообещал жестко действовать против "
		  "участников беспорядков, которых он назвал террористами и бандитами.", "ru" },
		{ "Токаев said: the protests in Almaty were organised by foreign terrorists.", "en" },
		/* CJK by script */
		{ "北京是中国的首都", "zh" },
		{ "東京は日本の首都です", "ja" },
		{ "서울은 한국의 수도입니다", "ko" },
		{ "12345", "" },
		{ "", "" },
		{ "... -- !!", "" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got = nxt_guess_lang(cases[i].text, strlen(cases[i].text));
		CHECK_MSG(strcmp(got, cases[i].lang) == 0, "guess(\"%s\") = \"%s\", want \"%s\"",
			  cases[i].text, got, cases[i].lang);
	}
	CHECK_STR(nxt_guess_lang(NULL, 0), "");
}

/* ---- errors -------------------------------------------------------------- */

static int never(void *ctx, const nxt_token *t)
{
	(void)ctx;
	(void)t;
	return 0;
}

static void test_errors(nxt_analyzer *a)
{
	size_t n;
	const char *out;

	nx_error_clear();
	CHECK_INT(nxt_words(a, NULL, 3, never, NULL), NX_EINVAL);
	CHECK(nx_error_message()[0] != '\0');
	CHECK_INT(nxt_words(a, "abc", 3, NULL, NULL), NX_EINVAL);
	CHECK_INT(nxt_count_words(&n, NULL, "abc", 3), NX_EINVAL);
	CHECK_INT(nxt_sentences(a, "abc", 3, NULL, NULL), NX_EINVAL);
	CHECK_INT(nxt_stem(&out, NULL, a, "en", NULL, 3, NXT_SCRIPT_LATIN), NX_EINVAL);
	nxt_analyzer_free(NULL);
}

/* ---- recorded words ------------------------------------------------------ */

static int stop_fn(void *ctx, const nxt_token *t)
{
	(void)ctx;
	(void)t;
	return 7;
}

/* Every field of each token, so that a walked record is compared in full. */
static int describe_fn(void *ctx, const nxt_token *t)
{
	nx_buf *b = ctx;

	nx_buf_printf(b, "%s@%zu:%zu#%u/%d/%s ", t->norm, t->start, t->end, t->index, t->script,
		      t->joined ? t->joined : "-");
	return 0;
}

static int record_fn(void *ctx, const nxt_token *t)
{
	return nxt_words_record(ctx, t);
}

static int describe_name(void *ctx, const nxt_name *n)
{
	nx_buf *b = ctx;

	nx_buf_printf(b, "%s@%zu:%zu(%.*s) ", n->surname, n->start, n->end, (int)n->given_len,
		      n->given ? n->given : "");
	return 0;
}

static void test_recorded(nxt_analyzer *a)
{
	static const char *const texts[] = {
		"President Kassym-Jomart Tokayev's order: Alma-Ata, U.S. forces.",
		"Президент Тоқаев Назарбаевқа хат жазды. Владимир Путин Нұрсұлтан Назарбаевқа.",
		"Тoкаев (a Latin o) met Almаty officials; 2021-2022 бизнес-климат.",
		"東京で会議。 Analyst Arzanov noted 16,000 cafés.",
		"",
	};
	const char *other = "Another text entirely.";
	nxt_words_rec r = NXT_WORDS_REC_INIT;

	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		const char *t = texts[i];
		size_t len = strlen(t);
		nx_buf direct = NX_BUF_INIT, walked = NX_BUF_INIT;
		nx_buf names = NX_BUF_INIT, rnames = NX_BUF_INIT;

		nxt_words_rec_clear(&r);
		CHECK_INT(nxt_words(a, t, len, record_fn, &r), NX_OK);
		CHECK_INT(nxt_words(a, t, len, describe_fn, &direct), NX_OK);
		/* the walker gives back every field of every word */
		CHECK_INT(nxt_words_rec_each(&r, describe_fn, &walked), NX_OK);
		CHECK_STR(walked.ptr ? walked.ptr : "", direct.ptr ? direct.ptr : "");

		CHECK_INT(nxt_names(a, t, len, describe_name, &names), NX_OK);
		CHECK_INT(nxt_names_ex(a, t, len, &r, 0, describe_name, &rnames), NX_OK);
		CHECK_STR(rnames.ptr ? rnames.ptr : "", names.ptr ? names.ptr : "");
		CHECK(i >= 2 || names.len > 0);  /* the first two name people */
		nx_buf_free(&direct);
		nx_buf_free(&walked);
		nx_buf_free(&names);
		nx_buf_free(&rnames);
	}

	/* The name finder reads the recorded words, not the text's. */
	{
		nx_buf b = NX_BUF_INIT;

		nxt_words_rec_clear(&r);
		CHECK_INT(nxt_words(a, other, strlen(other), record_fn, &r), NX_OK);
		CHECK_INT(nxt_names_ex(a, texts[0], strlen(texts[0]), &r, 0, describe_name, &b),
			  NX_OK);
		CHECK(!b.ptr || strstr(b.ptr, "tokayev") == NULL);
		nx_buf_clear(&b);
		CHECK_INT(nxt_names_ex(a, texts[0], strlen(texts[0]), NULL, 0, describe_name, &b),
			  NX_OK);
		CHECK(b.ptr && strstr(b.ptr, "tokayev") != NULL);
		nx_buf_free(&b);
	}
	/* a non-zero return of the callback stops the walk and is returned */
	CHECK_INT(nxt_words_rec_each(&r, stop_fn, NULL), 7);
	CHECK_INT(nxt_words_rec_each(NULL, describe_fn, NULL), NX_EINVAL);
	CHECK_INT(nxt_names_ex(NULL, "x", 1, NULL, 0, describe_name, NULL), NX_EINVAL);
	/* words recorded from a longer text than the one given */
	CHECK_INT(nxt_names_ex(a, "x", 1, &r, 0, describe_name, NULL), NX_EINVAL);
	CHECK(strstr(nx_error_message(), "of a text of 1 bytes") != NULL);
	nxt_words_rec_free(&r);
}

int main(void)
{
	nxt_analyzer *a = NULL;

	CHECK_INT(nxt_analyzer_new(&a), NX_OK);
	if (!a) {
		fprintf(stderr, "nxt_analyzer_new: %s\n", nx_error_message());
		return nx_test_done("test_text");
	}
	test_words(a);
	test_spellings(a);
	test_scripts(a);
	test_cjk(a);
	test_words_api(a);
	test_long_word(a);
	test_long_icu_region(a);
	test_bad_utf8(a);
	test_sentences(a);
	test_nesting(a);
	test_stems(a);
	test_fold(a);
	test_keys(a);
	test_compounds(a);
	test_recorded(a);
	test_guess_lang();
	test_errors(a);
	nxt_analyzer_free(a);
	return nx_test_done("test_text");
}
