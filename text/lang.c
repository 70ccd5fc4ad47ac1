/*
 * lang.c — a cheap language guess from the letters of a text: enough to
 * pick a stemmer for the languages of our news (Kazakh, Russian, English),
 * not a general language identifier.
 */
#include "nx_text.h"

#include <stdint.h>

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

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

/* ---- the guess ----------------------------------------------------------- */

const char *nxt_guess_lang(const char *text, size_t len)
{
	size_t latin = 0, cyrillic = 0, other = 0, kazakh = 0, kazakh_only = 0, slavic = 0, yery = 0;
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
		}
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
