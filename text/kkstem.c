/*
 * kkstem.c — a light suffix stripper for Kazakh, Kyrgyz and Tatar, which
 * Snowball (and so Xapian) has no stemmer for.
 *
 * These languages add suffixes in a fixed order: stem + plural +
 * possessive + case ("Республика-лар-ы-ның").  The stripper removes, up to
 * three times, the longest suffix of the list below that leaves a stem of
 * at least three letters with a vowel in it: Тоқаевтың, Тоқаевқа -> тоқаев,
 * Назарбаевтың -> назарбаев, Қазақстандағы -> қазақстан, Республикасының ->
 * республика.
 *
 * It is deliberately light.  Stems only have to agree between a query and
 * the text, not be dictionary forms, so a suffix is left out when it also
 * ends many nominatives and would separate a word from its own inflected
 * forms: the dative -на/-не (Астана), the bare vowels -а/-е/-и/-у of
 * datives and Kyrgyz possessives, and the one-letter -м/-ң/-н.  Both
 * Астана and Астанада stem to астана; Алматы and Алматыда to алмат (the
 * possessive -ы is stripped from both alike).
 *
 * Known limits: the longest suffix wins, so where a possessive follows a
 * stem ending in т/д/н the accusative reading can win (президенті ->
 * президен, not президент); stems ending like an ablative (Қазақстан,
 * Нұрсұлтан: -тан) lose it, in every form alike.
 */
#include "nx_text_int.h"

#include <pthread.h>
#include <string.h>

/* Kazakh, then Kyrgyz (rounded vowels) and Tatar (ә) forms of each ending. */
typedef struct suffix {
	const char *s;
	size_t len;   /* bytes */
} suffix;

#define S(x) { x, sizeof(x) - 1 }

static const suffix suffixes[] = {
	/* case: genitive */
	S("ның"), S("нің"), S("дың"), S("дің"), S("тың"), S("тің"),
	S("нын"), S("нин"), S("нун"), S("нүн"), S("дын"), S("дин"), S("дун"), S("дүн"), S("тын"), S("тин"), S("тун"), S("түн"), S("нең"),
	/* ablative */
	S("дан"), S("ден"), S("тан"), S("тен"), S("нан"), S("нен"),
	S("дон"), S("дөн"), S("тон"), S("төн"), S("нон"), S("нөн"), S("дән"), S("тән"), S("нән"),
	/* locative, and the relative -дағы S("(the one) in") */
	S("нда"), S("нде"), S("да"), S("де"), S("та"), S("те"), S("до"), S("дө"), S("то"), S("тө"), S("дә"), S("тә"),
	S("дағы"), S("дегі"), S("тағы"), S("тегі"), S("ндағы"), S("ндегі"), S("дагы"), S("деги"), S("тагы"), S("теги"),
	/* instrumental */
	S("мен"), S("бен"), S("пен"), S("менен"), S("бенен"), S("пенен"),
	/* dative */
	S("ға"), S("ге"), S("қа"), S("ке"), S("га"), S("го"), S("гө"), S("ка"), S("ко"), S("кө"), S("гә"), S("кә"),
	/* accusative */
	S("ны"), S("ні"), S("ды"), S("ді"), S("ты"), S("ті"), S("ни"), S("ну"), S("нү"), S("ди"), S("ду"), S("дү"), S("ти"), S("ту"), S("тү"),
	/* possessive */
	S("сы"), S("сі"), S("ы"), S("і"), S("ым"), S("ім"), S("ың"), S("ің"), S("мыз"), S("міз"), S("ымыз"), S("іміз"),
	S("ңыз"), S("ңіз"), S("ыңыз"), S("іңіз"), S("си"), S("су"), S("сү"), S("сын"), S("сін"),
	/* plural */
	S("лар"), S("лер"), S("дар"), S("дер"), S("тар"), S("тер"),
	S("лор"), S("лөр"), S("дор"), S("дөр"), S("тор"), S("төр"), S("ләр"), S("нар"), S("нәр"),
};


#define MIN_STEM_LETTERS 3
#define MAX_STRIPS 3

/* Letters (code points) in w[0, n): count of non-continuation bytes. */
static size_t letters(const char *w, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)w[i] & 0xC0) != 0x80;
	return k;
}

static int has_vowel(const char *w, size_t n)
{
	static const char *const vowels[] = { "а", "ә", "е", "ё", "и", "о", "ө", "у",
					      "ұ", "ү", "ы", "і", "э", "ю", "я" };

	for (size_t i = 0; i + 1 < n; i++)
		for (size_t v = 0; v < sizeof vowels / sizeof vowels[0]; v++)
			if (w[i] == vowels[v][0] && w[i + 1] == vowels[v][1])
				return 1;
	return 0;
}

/* The suffixes by the last byte of their last letter (0x80..0xBF), each
 * list ending in -1: a word is compared only with the suffixes that can end
 * it.  Built once. */
#define NBUCKETS 64
static short buckets[NBUCKETS][sizeof suffixes / sizeof suffixes[0] + 1];
static pthread_once_t buckets_once = PTHREAD_ONCE_INIT;

static void make_buckets(void)
{
	size_t fill[NBUCKETS] = { 0 };

	for (size_t s = 0; s < sizeof suffixes / sizeof suffixes[0]; s++) {
		unsigned b = (unsigned char)suffixes[s].s[suffixes[s].len - 1] & 0x3F;
		buckets[b][fill[b]++] = (short)s;
	}
	for (size_t b = 0; b < NBUCKETS; b++)
		buckets[b][fill[b]] = -1;
}

size_t nxt_kk_stem_len(const char *w, size_t n)
{
	pthread_once(&buckets_once, make_buckets);
	/* Every suffix ends in a two-byte Cyrillic letter (D0..D3 xx): a word
	 * not ending in one has none to strip. */
	if (n < 2 || ((unsigned char)w[n - 2] & 0xFC) != 0xD0)
		return n;
	for (int round = 0; round < MAX_STRIPS; round++) {
		size_t best = 0;

		if (((unsigned char)w[n - 1] & 0xC0) != 0x80)
			break;
		for (const short *bs = buckets[(unsigned char)w[n - 1] & 0x3F]; *bs >= 0; bs++) {
			size_t s = (size_t)*bs, sl = suffixes[s].len;

			/* All suffixes are Cyrillic: compare the last byte first. */
			if (sl > best && sl < n && w[n - 1] == suffixes[s].s[sl - 1] &&
			    w[n - 2] == suffixes[s].s[sl - 2] &&
			    memcmp(w + n - sl, suffixes[s].s, sl) == 0 &&
			    letters(w, n - sl) >= MIN_STEM_LETTERS && has_vowel(w, n - sl))
				best = sl;
		}
		if (!best)
			break;
		n -= best;
	}
	return n;
}
