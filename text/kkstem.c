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

#include <string.h>

/* Kazakh, then Kyrgyz (rounded vowels) and Tatar (ә) forms of each ending. */
static const char *const suffixes[] = {
	/* case: genitive */
	"ның", "нің", "дың", "дің", "тың", "тің",
	"нын", "нин", "нун", "нүн", "дын", "дин", "дун", "дүн", "тын", "тин", "тун", "түн", "нең",
	/* ablative */
	"дан", "ден", "тан", "тен", "нан", "нен",
	"дон", "дөн", "тон", "төн", "нон", "нөн", "дән", "тән", "нән",
	/* locative, and the relative -дағы "(the one) in" */
	"нда", "нде", "да", "де", "та", "те", "до", "дө", "то", "тө", "дә", "тә",
	"дағы", "дегі", "тағы", "тегі", "ндағы", "ндегі", "дагы", "деги", "тагы", "теги",
	/* instrumental */
	"мен", "бен", "пен", "менен", "бенен", "пенен",
	/* dative */
	"ға", "ге", "қа", "ке", "га", "го", "гө", "ка", "ко", "кө", "гә", "кә",
	/* accusative */
	"ны", "ні", "ды", "ді", "ты", "ті", "ни", "ну", "нү", "ди", "ду", "дү", "ти", "ту", "тү",
	/* possessive */
	"сы", "сі", "ы", "і", "ым", "ім", "ың", "ің", "мыз", "міз", "ымыз", "іміз",
	"ңыз", "ңіз", "ыңыз", "іңіз", "си", "су", "сү", "сын", "сін",
	/* plural */
	"лар", "лер", "дар", "дер", "тар", "тер",
	"лор", "лөр", "дор", "дөр", "тор", "төр", "ләр", "нар", "нәр",
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

size_t nxt_kk_stem_len(const char *w, size_t n)
{
	for (int round = 0; round < MAX_STRIPS; round++) {
		size_t best = 0;

		for (size_t s = 0; s < sizeof suffixes / sizeof suffixes[0]; s++) {
			size_t sl = strlen(suffixes[s]);

			if (sl > best && sl < n && memcmp(w + n - sl, suffixes[s], sl) == 0 &&
			    letters(w, n - sl) >= MIN_STEM_LETTERS && has_vowel(w, n - sl))
				best = sl;
		}
		if (!best)
			break;
		n -= best;
	}
	return n;
}
