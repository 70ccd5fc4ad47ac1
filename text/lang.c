/*
 * lang.c — the language of an article that does not say: language
 * identification with libexttextcat, backed by a letter-statistics
 * heuristic for texts too short for it.
 *
 * Why libexttextcat and not CLD2 (both in Debian): it is a C library (CLD2's
 * API is C++, and only xapian-c/ may be C++), and its fingerprints cover
 * every language of our newsrooms, Kazakh, Kyrgyz, Tatar and Uzbek
 * included.  On NTREX (1,000 bytes of each story) it names the language of
 * every ar, de, en, es, fr, ja, kk, ky, ru, tr, tt and uz story; it takes
 * some Ukrainian and Belarusian stories for Russian (15%, 10%: they then get
 * the Russian stemmer, as before) and is unsure of a fifth of the Chinese
 * ones, which the script decides before it is asked.  It costs about 2 ms an
 * article, paid only by articles without a "lang".
 */
#include "nx_text.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <textcat.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#ifndef NX_TEXTCAT_DIR
#define NX_TEXTCAT_DIR "/usr/share/libexttextcat"
#endif

/* How much of an article textcat reads: a few hundred bytes are enough
 * (its documentation), and the cost hardly grows with more. */
#define TEXTCAT_BYTES 1000
/* Below this many letters the heuristic decides alone. */
#define TEXTCAT_MIN_LETTERS 40

/* Letters beyond this many bytes do not change the answer for an article;
 * the cap keeps the guess cheap on huge inputs. */
#define GUESS_MAX_BYTES ((size_t)64 << 10)

/* ---- Kazakh letters ------------------------------------------------------ */

/*
 * The Kazakh Cyrillic letters Russian lacks: ә ғ қ ң ө ұ ү һ і.  Ukrainian
 * and Belarusian use і as well, so і without any of the others counts only
 * in a text that has ы (which Ukrainian lacks) and none of ї є ґ ў (which
 * Kazakh lacks): "Даже он проценті де болмайды" is Kazakh.  Returns 2 for
 * the Kazakh-only letters, 1 for і, 3 for ы, -1 for ї є ґ ў, else 0.
 */
static int kazakh_letter(UChar32 c)
{
	switch (c) {
	case 0x04D8: case 0x04D9:  /* Ә ә */
	case 0x0492: case 0x0493:  /* Ғ ғ */
	case 0x049A: case 0x049B:  /* Қ қ */
	case 0x04A2: case 0x04A3:  /* Ң ң */
	case 0x04E8: case 0x04E9:  /* Ө ө */
	case 0x04B0: case 0x04B1:  /* Ұ ұ */
	case 0x04AE: case 0x04AF:  /* Ү ү */
	case 0x04BA: case 0x04BB:  /* Һ һ */
		return 2;
	case 0x0406: case 0x0456:  /* І і */
		return 1;
	case 0x0407: case 0x0457:  /* Ї ї */
	case 0x0404: case 0x0454:  /* Є є */
	case 0x0490: case 0x0491:  /* Ґ ґ */
	case 0x040E: case 0x045E:  /* Ў ў */
		return -1;
	case 0x042B: case 0x044B:  /* Ы ы: Kazakh and Russian, never Ukrainian */
		return 3;
	default:
		return 0;
	}
}

/* ---- libexttextcat ------------------------------------------------------- */

/* The languages we accept from textcat, in its names, with our codes (its
 * other candidates are minor languages that it confuses with major ones:
 * Scots for English, Rusyn for Ukrainian). */
static const struct {
	const char *textcat, *code;
} accepted[] = {
	{ "en", "en" }, { "ru", "ru" }, { "kk", "kk" }, { "ky", "ky" }, { "tt", "tt" },
	{ "uz", "uz" }, { "uz-Cyrl", "uz" }, { "uk", "uk" }, { "be", "be" }, { "bg", "bg" },
	{ "sr", "sr" }, { "mk", "mk" }, { "tg", "tg" }, { "mn", "mn" }, { "az", "az" },
	{ "tr", "tr" }, { "de", "de" }, { "fr", "fr" }, { "es", "es" }, { "it", "it" },
	{ "pt", "pt" }, { "nl", "nl" }, { "da", "da" }, { "sv", "sv" }, { "nb", "nb" },
	{ "nn", "nn" }, { "fi", "fi" }, { "hu", "hu" }, { "ro", "ro" }, { "ca", "ca" },
	{ "eu", "eu" }, { "ga", "ga" }, { "id", "id" }, { "lt", "lt" }, { "lv", "lv" },
	{ "et", "et" }, { "pl", "pl" }, { "cs", "cs" }, { "sk", "sk" }, { "sl", "sl" },
	{ "hr", "hr" }, { "ar", "ar" }, { "fa", "fa" }, { "he", "he" }, { "el", "el" },
	{ "hy", "hy" }, { "ka", "ka" }, { "hi", "hi" }, { "ne", "ne" }, { "ta", "ta" },
	{ "th", "th" }, { "vi", "vi" }, { "ja", "ja" }, { "ko", "ko" }, { "zh-CN", "zh" },
	{ "zh-TW", "zh" }, { "yi", "yi" },
};

static pthread_once_t textcat_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t textcat_lock = PTHREAD_MUTEX_INITIALIZER;
static void *textcat;  /* loaded once, kept for the life of the process */

static void textcat_load(void)
{
	textcat = special_textcat_Init(NX_TEXTCAT_DIR "/fpdb.conf", NX_TEXTCAT_DIR "/");
}

/* textcat's answer for text, as one of our codes, or NULL. */
static const char *textcat_guess(const char *text, size_t len)
{
	char answer[256];
	const char *r, *p;

	pthread_once(&textcat_once, textcat_load);
	if (!textcat)
		return NULL;
	if (len > TEXTCAT_BYTES) {
		len = TEXTCAT_BYTES;
		while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
			len--;  /* do not cut a character */
	}
	/* The handle keeps the text's fingerprint: one caller at a time. */
	pthread_mutex_lock(&textcat_lock);
	r = textcat_Classify(textcat, text, len);
	snprintf(answer, sizeof answer, "%s", r ? r : "");
	pthread_mutex_unlock(&textcat_lock);

	/* "[kk--utf8][ky--utf8]": candidates, best first. */
	for (p = answer; (p = strchr(p, '[')) != NULL; p++) {
		const char *end = strstr(p, "-utf8]");
		size_t n;

		if (!end)
			break;
		n = (size_t)(end - p - 1);
		if (n > 0 && p[n] == '-')
			n--;  /* "kk-" of "kk--utf8" */
		for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++)
			if (strlen(accepted[i].textcat) == n && memcmp(accepted[i].textcat, p + 1, n) == 0)
				return accepted[i].code;
	}
	return NULL;
}

/* ---- the guess ----------------------------------------------------------- */

const char *nxt_guess_lang(const char *text, size_t len)
{
	size_t latin = 0, cyrillic = 0, other = 0, kazakh = 0, kazakh_only = 0, slavic = 0, yery = 0;
	size_t han = 0, kana = 0, hangul = 0;
	size_t full_len = len;
	int32_t i = 0, n;

	if (!text)
		return "";
	if (len > GUESS_MAX_BYTES)
		len = GUESS_MAX_BYTES;  /* a cut character at the end is skipped */
	n = (int32_t)len;

	while (i < n) {
		unsigned char b = (unsigned char)text[i];
		UChar32 c;

		if (b < 0x80) {
			if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z')
				latin++;
			i++;
			continue;
		}
		U8_NEXT(text, i, n, c);
		if (c < 0 || !u_isalpha(c))
			continue;
		UErrorCode st = U_ZERO_ERROR;
		UScriptCode sc = uscript_getScript(c, &st);
		if (U_FAILURE(st))
			continue;
		if (sc == USCRIPT_CYRILLIC) {
			cyrillic++;
			int k = kazakh_letter(c);
			if (k == 1 || k == 2)
				kazakh++;
			if (k == 2)
				kazakh_only++;
			else if (k == 3)
				yery++;
			else if (k < 0)
				slavic++;
		} else if (sc == USCRIPT_LATIN) {
			latin++;
		} else {
			other++;
			han += sc == USCRIPT_HAN;
			kana += sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA;
			hangul += sc == USCRIPT_HANGUL;
		}
	}

	/* Scripts that name their language (textcat is unsure of Chinese). */
	if (other > latin && other > cyrillic) {
		if (kana * 10 >= other && kana > 0)
			return "ja";
		if (hangul * 2 >= other)
			return "ko";
		if (han * 2 >= other)
			return "zh";
	}
	if (latin + cyrillic + other >= TEXTCAT_MIN_LETTERS) {
		const char *g = textcat_guess(text, full_len);
		if (g)
			return g;
	}

	/* The script with the most letters wins; other scripts, or a tie,
	 * mean we do not know. */
	if (cyrillic > latin && cyrillic > other) {
		/* One Kazakh letter in a hundred is not a stray name or typo. */
		if (kazakh * 100 >= cyrillic && (kazakh_only > 0 || (yery > 0 && slavic == 0)))
			return "kk";
		return "ru";
	}
	if (latin > cyrillic && latin > other)
		return "en";
	return "";
}
