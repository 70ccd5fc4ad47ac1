/*
 * test_conformance.c — our text analysis against other people's data:
 *
 *  - Unicode's WordBreakTest.txt (Debian unicode-data): every word nxt_words
 *    reports must start and end on a boundary the test expects, with no
 *    expected boundary inside it.  Deliberate deviations: segments that are
 *    not words (spaces, punctuation, emoji: UAX #29 splits them, we skip
 *    them) are not checked, nor are words that NFKC_Casefold erases
 *    (default-ignorables alone), and the lines where a colon joins letters
 *    (ICU's root rules do not: "a:b" is two words).  The number of lines
 *    that disagree must be 0, and each is printed.
 *  - Snowball's vocabulary/output pairs (Debian snowball-data) for English
 *    and Russian through nxt_stem with lang "en" / "ru": 100% equal, twice
 *    (the second pass comes from the stem cache).  Snowball 2.x stems ё as
 *    е; Xapian 1.4's older Russian stemmer does not, so nxt_stem folds ё
 *    first (as nxt_fold does), which makes the 112 pairs with ё agree.
 *
 * Skips (exit 77) when neither data file is installed.
 */
#include "nx_common.h"
#include "nx_test.h"
#include "nx_text.h"
#include "nx_text_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <unicode/utf8.h>

#define WORDBREAK_TEST "/usr/share/unicode/auxiliary/WordBreakTest.txt"
#define SNOWBALL_DIR "/usr/share/snowball/data"

/* ---- WordBreakTest -------------------------------------------------------- */

typedef struct wb {
	const unsigned char *allowed;  /* allowed[i]: a boundary before byte i */
	size_t len;
	int bad;
} wb;

static int wb_token(void *ctx, const nxt_token *t)
{
	wb *w = ctx;

	if (!w->allowed[t->start] || !w->allowed[t->end])
		w->bad = 1;
	for (size_t i = t->start + 1; i < t->end; i++)
		if (w->allowed[i] && w->allowed[i] == 2)
			w->bad = 1;
	return 0;
}

/* Does text[0, n) end in a colon and then only marks and joiners
 * (Extend, Format: U+0308, U+200D, U+2060, U+00AD)?  Where we break. */
static int after_colon(const char *text, size_t n)
{
	while (n > 0) {
		int32_t i = (int32_t)n;
		UChar32 c;
		U8_PREV((const uint8_t *)text, 0, i, c);
		if (c == ':')
			return 1;
		if (c != 0x0308 && c != 0x200D && c != 0x2060 && c != 0x00AD)
			return 0;
		n = (size_t)i;
	}
	return 0;
}

/* One line: "÷ 0041 × 0308 ÷ 0020 ÷	#  ...".  Returns 1 when it agrees,
 * 0 when not, -1 when the line is no test. */
static int wordbreak_line(nxt_analyzer *a, const char *line, int *colon)
{
	char text[1024];
	unsigned char mark[1024];
	size_t n = 0;
	const char *p = line;
	wb w;

	if (strncmp(p, "\xC3\xB7", 2) != 0)  /* ÷ */
		return -1;

	memset(mark, 0, sizeof mark);
	while (*p && *p != '#') {
		if (strncmp(p, "\xC3\xB7", 2) == 0) {          /* ÷ break */
			mark[n] = 2;
			p += 2;
		} else if (strncmp(p, "\xC3\x97", 2) == 0) {   /* × no break */
			mark[n] = after_colon(text, n) ? 2 : 0;
			p += 2;
		} else if (*p == ' ' || *p == '\t') {
			p++;
		} else {
			char *end;
			unsigned long cp = strtoul(p, &end, 16);
			if (end == p || n + 4 >= sizeof text)
				return -1;
			size_t i = n;
			UBool err = 0;
			U8_APPEND((uint8_t *)text, i, (int32_t)sizeof text, (UChar32)cp, err);
			if (err)
				return -1;
			/* Deliberate deviation (ICU's root rules, kept): a
			 * colon does not join letters ("a:b" is two words;
			 * UAX #29 joins them for Swedish "S:t"), so 10:30,
			 * http: and key:value split as users expect. */
			if (cp == 0x3A) {
				mark[n] = 2;
				mark[i] = 2;
				*colon = 1;
			}
			n = i;
			p = end;
		}
	}
	/* Bytes inside a character are no boundary either way. */
	w.allowed = mark;
	w.len = n;
	w.bad = 0;
	if (nxt_words(a, text, n, wb_token, &w) != NX_OK)
		return 0;
	return !w.bad;
}

static int test_wordbreak(nxt_analyzer *a)
{
	FILE *f = fopen(WORDBREAK_TEST, "r");
	char line[4096];
	size_t lines = 0, ok = 0, deviations = 0;

	if (!f) {
		printf("test_conformance: %s not found (Debian unicode-data); skipped\n", WORDBREAK_TEST);
		return 0;
	}
	while (fgets(line, sizeof line, f)) {
		int colon = 0;
		int r = wordbreak_line(a, line, &colon);
		if (r < 0)
			continue;
		deviations += colon;
		lines++;
		if (r)
			ok++;
		else
			fprintf(stderr, "WordBreakTest disagrees: %s", line);
	}
	fclose(f);
	printf("WordBreakTest.txt: %zu of %zu lines agree (%zu of them with a colon, where we break "
	       "around it: the deliberate deviation)\n", ok, lines, deviations);
	CHECK(lines > 1000);
	CHECK_INT(ok, lines);
	return 1;
}

/* ---- Snowball ----------------------------------------------------------------- */

static int test_snowball(nxt_analyzer *a, const char *language, const char *lang, int script)
{
	char voc[512], out[512], w[512], s[512];
	gzFile fv, fo;
	size_t pairs = 0, equal = 0;

	snprintf(voc, sizeof voc, "%s/%s/voc.txt", SNOWBALL_DIR, language);
	snprintf(out, sizeof out, "%s/%s/output.txt", SNOWBALL_DIR, language);
	/* gzopen reads plain files as they are, and voc.txt.gz when that is
	 * how the package ships a language. */
	fv = gzopen(voc, "rb");
	if (!fv) {
		strcat(voc, ".gz");
		fv = gzopen(voc, "rb");
	}
	fo = gzopen(out, "rb");
	if (!fo) {
		strcat(out, ".gz");
		fo = gzopen(out, "rb");
	}
	if (!fv || !fo) {
		printf("test_conformance: %s/%s not found (Debian snowball-data); skipped\n",
		       SNOWBALL_DIR, language);
		if (fv)
			gzclose(fv);
		if (fo)
			gzclose(fo);
		return 0;
	}
	for (int pass = 0; pass < 2; pass++) {
		gzrewind(fv);
		gzrewind(fo);
		pairs = equal = 0;
		while (gzgets(fv, w, sizeof w) && gzgets(fo, s, sizeof s)) {
			const char *stem = NULL;
			size_t wl = strcspn(w, "\r\n"), sl = strcspn(s, "\r\n"), len = 0;

			w[wl] = s[sl] = '\0';
			if (!wl)
				continue;
			pairs++;
			if (nxt_stem(&stem, &len, a, lang, w, wl, script) == NX_OK && len == sl &&
			    memcmp(stem, s, sl) == 0)
				equal++;
			else if (pass == 0)
				fprintf(stderr, "snowball %s: %s -> %s, want %s\n", language, w,
					stem ? stem : "(error)", s);
		}
		printf("Snowball %s (pass %d): %zu of %zu pairs equal\n", language, pass + 1, equal, pairs);
		CHECK(pairs > 1000);
		CHECK_INT(equal, pairs);
	}
	gzclose(fv);
	gzclose(fo);
	return 1;
}

/* ---- ASCII segmentation = ICU's ------------------------------------------ */

typedef struct toks {
	nx_buf b;
} toks;

static int tok_fn(void *ctx, const nxt_token *t)
{
	toks *k = ctx;

	/* the script nxt_words tells from the first character (token_script)
	 * is the word's, by either path */
	CHECK_INT(t->script, nxt_word_script_of(t->norm, t->norm_len));
	nx_buf_printf(&k->b, "%s@%zu:%zu%s%s ", t->norm, t->start, t->end, t->joined ? "+" : "",
		      t->joined ? t->joined : "");
	return 0;
}

/* The words of an ASCII text by the fast path and by ICU: equal? */
static int same_words(nxt_analyzer *a, const char *text, size_t len)
{
	toks fast = { NX_BUF_INIT }, icu = { NX_BUF_INIT };
	size_t n1 = 0, n2 = 0;
	int ok;

	a->icu_only = 0;
	CHECK_INT(nxt_words(a, text, len, tok_fn, &fast), NX_OK);
	CHECK_INT(nxt_count_words(&n1, a, text, len), NX_OK);
	a->icu_only = 1;
	CHECK_INT(nxt_words(a, text, len, tok_fn, &icu), NX_OK);
	CHECK_INT(nxt_count_words(&n2, a, text, len), NX_OK);
	a->icu_only = 0;
	ok = n1 == n2 && fast.b.len == icu.b.len && (fast.b.len == 0 || memcmp(fast.b.ptr, icu.b.ptr, fast.b.len) == 0);
	if (!ok)
		fprintf(stderr, "ASCII segmentation differs on \"%.*s\":\n fast: %s\n  icu: %s\n",
			(int)len, text, fast.b.ptr ? fast.b.ptr : "", icu.b.ptr ? icu.b.ptr : "");
	nx_buf_free(&fast.b);
	nx_buf_free(&icu.b);
	return ok;
}

/* same_words on the first max lines of ../shared/data/NAME (or
 * $NX_SHARED_DIR/data/NAME; gzip or plain), when it is there: counted into
 * *texts and *equal, and said on stdout when it is not. */
static void same_words_in_file(nxt_analyzer *a, const char *name, int max, size_t *texts,
			       size_t *equal)
{
	const char *shared = getenv("NX_SHARED_DIR");
	char path[1024], *line;
	gzFile f;

	snprintf(path, sizeof path, "%s/data/%s", shared ? shared : "../shared", name);
	if (!(f = gzopen(path, "rb"))) {
		printf("(%s absent: not compared)\n", path);
		return;
	}
	line = malloc(1 << 20);
	for (int k = 0; line && k < max && gzgets(f, line, 1 << 20); k++) {
		(*texts)++;
		*equal += same_words(a, line, strlen(line));
	}
	free(line);
	gzclose(f);
}

/* `rounds` texts of 1 to maxk pieces drawn at random (seven in eight from
 * the first `common`), each segmented by the fast paths and by ICU: how
 * many agree. */
static size_t random_texts(nxt_analyzer *a, unsigned *seed, const char *const *pieces,
			   size_t npieces, size_t common, int rounds, int maxk)
{
	size_t equal = 0;

	for (int round = 0; round < rounds; round++) {
		char mix[512];
		size_t n = 0;
		int k = 1 + round % maxk;
		while (k-- > 0 && n < sizeof mix - 8) {
			*seed = *seed * 1103515245u + 12345u;
			const char *p = pieces[(*seed >> 8) % 8 ? (*seed >> 16) % common
								: (*seed >> 16) % npieces];
			memcpy(mix + n, p, strlen(p));
			n += strlen(p);
		}
		equal += same_words(a, mix, n);
	}
	return equal;
}

static void test_ascii_segmentation(nxt_analyzer *a)
{
	static const char alphabet[] = "aZq09_.',;:- \n\t!\"(/@#$%&*+=?[]{}~`|<>^\\\r";
	char buf[64];
	unsigned seed = 4242;
	size_t texts = 0, equal = 0;

	for (int round = 0; round < 200000; round++) {
		size_t n = 1 + round % 24;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		texts++;
		equal += same_words(a, buf, n);
	}
	/* Real text: the first articles of Reuters-21578, when present. */
	same_words_in_file(a, "news/reuters21578.jsonl.gz", 3000, &texts, &equal);
	printf("ASCII segmentation: %zu of %zu texts segmented as ICU does\n", equal, texts);
	CHECK_INT(equal, texts);

	/* The fast case folding (simple_fold) against ICU's normaliser: every
	 * character of the BMP between letters (Latin, and ideographs for
	 * the dictionary scripts), and random mixes with combining marks and
	 * joiners. */
	texts = equal = 0;
	for (UChar32 c = 0x80; c < 0x10000; c++) {
		char w[16];
		int32_t i = 2;
		if (U_IS_SURROGATE(c))
			continue;
		w[0] = 'X';
		w[1] = 'y';
		U8_APPEND_UNSAFE((uint8_t *)w, i, c);
		w[i++] = 'Z';
		texts++;
		equal += same_words(a, w, (size_t)i);
		i = 0;
		U8_APPEND_UNSAFE((uint8_t *)w, i, 0x4E2D);  /* 中 */
		U8_APPEND_UNSAFE((uint8_t *)w, i, c);
		U8_APPEND_UNSAFE((uint8_t *)w, i, 0x6587);  /* 文 */
		texts++;
		equal += same_words(a, w, (size_t)i);
	}
	{
		static const char *const pieces[] = { "a", "Ж", "é", "E\xCC\x81", "\xCC\x81", "ß", "İ",
						      "ё", "Қ", "ʼ", "'", "s", "Σ", "ς", "ǅ", "ŉ", "ſ",
						      "\xC2\xAD", "µ", "ª", "\xD2\x83", "Ӏ", " ", "-",
						      "ا", "\xD9\x94", "か", "\xE3\x82\x99", "ｶ", "ﾞ",
						      "한", "\xE1\x86\xA8", "’", "ﬁ", "㈱", "中" };
		const size_t npieces = sizeof pieces / sizeof pieces[0];
		texts += 50000;
		equal += random_texts(a, &seed, pieces, npieces, npieces, 50000, 10);
	}
	printf("Fast case folding: %zu of %zu texts normalised as ICU does\n", equal, texts);
	CHECK_INT(equal, texts);

	/* Mixed texts, cut into ASCII and ICU regions at white space: random
	 * runs of ASCII and non-ASCII words, and NTREX's 15 languages. */
	texts = equal = 0;
	{
		static const char *const words[] = { "Tokayev", "U.S.", "don't", "5.93", "a_b", "CSTO,",
						     "Alma-Ata", "e-mail", "x@y", "Токаев", "қазақ",
						     "café", "“quoted”", "北京", "東京は", "\xF0\x9F\x98\x80",
						     "a\xCC\x81", "\xE2\x80\x8D", "-", "'", "Ж-", "-ata" };
		static const char *const spaces[] = { " ", "  ", "\n", "\t", " \r\n" };
		for (int round = 0; round < 20000; round++) {
			char mix[2048];
			size_t n = 0;
			int k = 1 + round % 40;
			while (k-- > 0 && n < sizeof mix - 64) {
				seed = seed * 1103515245u + 12345u;
				const char *w = words[(seed >> 16) % (sizeof words / sizeof words[0])];
				/* mostly ASCII words, in runs */
				if ((seed >> 8) % 4)
					w = words[(seed >> 20) % 9];
				const char *sp = spaces[(seed >> 4) % (sizeof spaces / sizeof spaces[0])];
				memcpy(mix + n, w, strlen(w));
				n += strlen(w);
				if ((seed >> 12) % 5) {
					memcpy(mix + n, sp, strlen(sp));
					n += strlen(sp);
				}
			}
			texts++;
			equal += same_words(a, mix, n);
		}
	}
	{
		static const char *const langs[] = { "ar", "be", "de", "en", "es", "fr", "ja", "kk",
						     "ky", "ru", "tr", "tt", "uk", "uz", "zh" };
		for (size_t l = 0; l < sizeof langs / sizeof langs[0]; l++) {
			char name[64];

			snprintf(name, sizeof name, "news/ntrex/%s.jsonl", langs[l]);
			same_words_in_file(a, name, 40, &texts, &equal);
		}
	}
	printf("Mixed texts (ASCII and ICU regions): %zu of %zu segmented as ICU does\n", equal, texts);
	CHECK_INT(equal, texts);

	/* The scanner's classes beyond ASCII: random texts of letters,
	 * digits and punctuation of U+0080..U+07FF and U+2000..U+206F, with
	 * ASCII between them, and the characters that send a piece to ICU
	 * (marks, format characters, Hebrew, CJK, emoji). */
	texts = equal = 0;
	{
		static const char *const chars[] = {
			/* the scanner's own: 58 */
			"a", "Z", "7", "_", ".", "'", ",", ";", ":", "@", "-", " ", " ", "\n",
			"ж", "Қ", "é", "ß", "ا", "ب", "٣", "۴", "߁", "ª", "º", "ʰ", "µ", "Σ",
			"«", "»", "×", "§", "©", "\xC2\xA0", "·", "\xCE\x87", "\xD5\x9F", "\xCD\xBE",
			"\xD8\x8C", "\xD9\xAC", "\xD9\xAB", "\xDF\xB8", "’", "‘", "․", "‧", "‿",
			"⁀", "⁔", "—", "–", "“", "”", "…", "\xE2\x80\x83", "\xE2\x80\xAF", "ⁿ", "²",
			/* more, some of them ICU's */
			"\xE2\x81\x9F", "\xCC\x81", "\xC2\xAD", "\xE2\x80\x8D", "\xE2\x80\x8C",
			"\xE2\x80\x8F", "\xE2\x81\xA0", "\xE2\x80\xA8", "\xC2\x85", "א", "\"",
			"\xD8\x80", "\xD9\x8B", "中", "か", "カ", "ก", "\xF0\x9F\x98\x80", "⁄", "‼" };
		/* mostly the scanner's own classes */
		texts += 100000;
		equal += random_texts(a, &seed, chars, sizeof chars / sizeof chars[0], 58, 100000, 30);
	}
	printf("Scanner classes beyond ASCII: %zu of %zu texts segmented as ICU does\n", equal,
	       texts);
	CHECK_INT(equal, texts);
}

int main(void)
{
	nxt_analyzer *a = NULL;
	int ran = 0;

	CHECK_INT(nxt_analyzer_new(&a), NX_OK);
	if (!a)
		return nx_test_done("test_conformance");
	test_ascii_segmentation(a);
	ran += test_wordbreak(a);
	ran += test_snowball(a, "english", "en", NXT_SCRIPT_LATIN);
	ran += test_snowball(a, "russian", "ru", NXT_SCRIPT_CYRILLIC);
	nxt_analyzer_free(a);
	if (!ran) {
		printf("test_conformance: no conformance data installed; skipped\n");
		return 77;
	}
	return nx_test_done("test_conformance");
}
