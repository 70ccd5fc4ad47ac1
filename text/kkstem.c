/*
 * kkstem.c — a light suffix stripper for Kazakh, Kyrgyz and Tatar, which
 * Snowball (and so Xapian) has no stemmer for.
 *
 * These languages add suffixes in a fixed order: stem + plural +
 * possessive + case ("Республика-лар-ы-ның").  The stripper removes, up to
 * three times, the longest suffix of the list below that could follow the
 * stem left in front of it: Тоқаевтың, Тоқаевқа -> тоқаев, Назарбаевтың ->
 * назарбаев, Президенті -> президент, Қазақстандағы -> қазақстан,
 * Республикасының -> республика.
 *
 * "Could follow" is the languages' own sound rules, which pick each
 * suffix's form by the end of the stem:
 *  - consonants: a suffix starting with т қ к п (-тың, -тан, -та, -ты,
 *    -тар, -қа, -ке, -пен) follows a voiceless consonant or б в г д
 *    (Тоқаев-тың, Тоқаев-қа); one starting with д ғ г б (-дың, -дан, -да,
 *    -ды, -дар, -ға, -бен) follows anything but a voiceless consonant; so
 *    Президенті is президент + і, not президен + the accusative -ті, and
 *    Нұрсұлтан keeps its -тан (after л the ablative is -дан);
 *  - vowels: the possessive -сы/-сі and -ңыз follow a vowel; -ы, -і, -ым,
 *    -ың, -ымыз follow a consonant;
 *  - harmony: a suffix with back vowels (а о ұ ы, Kyrgyz у) needs a back
 *    vowel in the stem, one with front vowels (ә е ө ү і, Kyrgyz и) a front
 *    one (и and у count as both).  Loans and Russian names mix the two
 *    (Тоқаев takes -тың), so any vowel of the suffix's kind will do.
 * The rules for н and л (-ның, -нан, -лар) are left out: Tatar writes -ның
 * and -лар after any consonant.  A stem keeps at least three letters and a
 * vowel, and the country suffix -стан after two syllables is never taken
 * for the ablative (Қазақстан, Өзбекстан stay whole).
 *
 * It is deliberately light.  Stems only have to agree between a query and
 * the text, not be dictionary forms, so a suffix is left out when it also
 * ends many nominatives and would separate a word from its own inflected
 * forms: the dative -на/-не (Астана), the bare vowels -а/-е/-и/-у of
 * datives and Kyrgyz possessives, and the one-letter -м/-ң/-н.  Both
 * Астана and Астанада stem to астана; Алматы and Алматыда to алмат (the
 * possessive -ы is stripped from both alike).
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

/* ---- letters ---------------------------------------------------------------- */

/* Letters (code points) in w[0, n): count of non-continuation bytes. */
static size_t letters(const char *w, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)w[i] & 0xC0) != 0x80;
	return k;
}

/* The code point of the two-byte letter at w[i] (Cyrillic: D0..D3 xx), or
 * 0 when it is none. */
static unsigned letter_at(const char *w, size_t i)
{
	unsigned char b = (unsigned char)w[i], c = (unsigned char)w[i + 1];

	if (b < 0xD0 || b > 0xD3 || (c & 0xC0) != 0x80)
		return 0;
	return ((unsigned)(b & 0x1F) << 6) | (c & 0x3F);
}

enum {
	K_OTHER = 0,
	K_BACK = 1,       /* back vowel: а о ұ ы */
	K_FRONT = 2,      /* front vowel: ә е ө ү і э */
	K_VOWEL = 3,      /* either: у и, and я ё ю of Russian loans */
	K_VOICELESS = 4,  /* к қ п с т ф х ц ч ш щ */
	K_BVGD = 8,       /* б в г д: take either form of a suffix */
	K_CONSONANT = 16  /* any other consonant */
};

static int kind(unsigned c)
{
	switch (c) {
	case 0x0430: case 0x043E: case 0x04B1: case 0x044B:
		return K_BACK;    /* а о ұ ы */
	case 0x0443: case 0x0438:
		return K_VOWEL | K_CONSONANT;  /* у и: also the glides /w/ /j/ (болу-ы) */
	case 0x044F: case 0x0451: case 0x044E:
		return K_VOWEL;   /* я ё ю */
	case 0x04D9: case 0x0435: case 0x04E9: case 0x04AF: case 0x0456: case 0x044D:
		return K_FRONT;   /* ә е ө ү і э */
	case 0x043A: case 0x049B: case 0x043F: case 0x0441: case 0x0442: case 0x0444: case 0x0445:
	case 0x0446: case 0x0447: case 0x0448: case 0x0449:
		return K_VOICELESS;
	case 0x0431: case 0x0432: case 0x0433: case 0x0434:
		return K_BVGD;
	case 0x044A: case 0x044C:
		return K_OTHER;   /* ъ ь */
	default:
		return c >= 0x0400 && c <= 0x04FF ? K_CONSONANT : K_OTHER;
	}
}

/* The kinds of the vowels in w[0, n), or'ed. */
static int vowels(const char *w, size_t n)
{
	int k = 0;

	for (size_t i = 0; i + 1 < n; i++) {
		unsigned c = letter_at(w, i);
		if (c) {
			k |= kind(c) & K_VOWEL;
			i++;
		}
	}
	return k;
}

static int is_instrumental(const char *s, size_t sl)
{
	return sl >= 6 && memcmp(s + 2, "ен", 4) == 0 &&
	       (s[1] == "м"[1] || s[1] == "б"[1] || s[1] == "п"[1]) && s[0] == "м"[0];
}

/* May the suffix s[0, sl) follow the stem w[0, n)?  (The rules at the top.) */
static int may_follow(const char *w, size_t n, const char *s, size_t sl)
{
	unsigned last = n >= 2 ? letter_at(w, n - 2) : 0;
	int end = kind(last), ok, sv, wv;

	if (!last)
		return 0;
	switch (letter_at(s, 0)) {
	case 0x0442: case 0x049B: case 0x043A: case 0x043F:  /* т қ к п */
		ok = (end & (K_VOICELESS | K_BVGD)) != 0;
		break;
	case 0x0434: case 0x0493: case 0x0433: case 0x0431:  /* д ғ г б */
		ok = end != K_VOICELESS;
		break;
	case 0x0441: case 0x04A3:                            /* с ң */
		ok = (end & K_VOWEL) != 0;
		break;
	case 0x044B: case 0x0456:                            /* ы і */
		ok = (end & (K_VOICELESS | K_BVGD | K_CONSONANT)) != 0;
		break;
	default:
		ok = 1;
	}
	if (!ok || letters(w, n) < MIN_STEM_LETTERS)
		return 0;
	/* A vowel in the stem; harmony: one of the suffix's kind (the
	 * instrumental -мен/-бен/-пен has one form only). */
	wv = vowels(w, n);
	sv = vowels(s, sl);
	return wv && (!sv || (wv & sv) || is_instrumental(s, sl));
}

/* How much of w[0, n) no suffix may cut into: up to the end of the
 * country suffix -стан after two syllables or more (Қазақ-стан-дағы,
 * Өзбек-стан; not дос-тан "from a friend"), else 0. */
static size_t stan_end(const char *w, size_t n)
{
	static const char stan[] = "стан";
	const size_t sl = sizeof stan - 1;

	for (size_t p = n >= sl ? n - sl + 1 : 0; p-- > 0;) {
		size_t syllables = 0;

		/* стан starts with a lead byte: a match is on a letter (its
		 * с compared first: this runs at every byte) */
		if (w[p + 1] != stan[1] || w[p] != stan[0] || memcmp(w + p, stan, sl) != 0)
			continue;
		for (size_t i = 0; i + 1 < p; i++) {
			unsigned c = letter_at(w, i);
			if (c) {
				syllables += (kind(c) & K_VOWEL) != 0;
				i++;
			}
		}
		return syllables >= 2 ? p + sl : 0;
	}
	return 0;
}

/* ---- the stripper ------------------------------------------------------------ */

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
	size_t keep;

	pthread_once(&buckets_once, make_buckets);
	/* Every suffix ends in a two-byte Cyrillic letter (D0..D3 xx): a word
	 * not ending in one has none to strip. */
	if (n < 2 || ((unsigned char)w[n - 2] & 0xFC) != 0xD0)
		return n;
	keep = stan_end(w, n);
	for (int round = 0; round < MAX_STRIPS; round++) {
		size_t best = 0;

		if (((unsigned char)w[n - 1] & 0xC0) != 0x80)
			break;
		for (const short *bs = buckets[(unsigned char)w[n - 1] & 0x3F]; *bs >= 0; bs++) {
			size_t s = (size_t)*bs, sl = suffixes[s].len;

			/* All suffixes are Cyrillic: compare the last byte first. */
			if (sl > best && sl < n && n - sl >= keep && w[n - 1] == suffixes[s].s[sl - 1] &&
			    w[n - 2] == suffixes[s].s[sl - 2] &&
			    nxt_same_bytes(w + n - sl, suffixes[s].s, sl) &&
			    may_follow(w, n - sl, suffixes[s].s, sl))
				best = sl;
		}
		if (!best)
			break;
		n -= best;
	}
	return n;
}
