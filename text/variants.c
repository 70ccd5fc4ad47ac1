/*
 * variants.c — the other spellings a word is indexed and searched under:
 * its folded form (diacritics, apostrophes, abbreviation dots), its Latin
 * match key (transliteration plus spelling-variant folding, so Tokayev,
 * Toqaev, Токаев and Тоқаев meet), and the repair of words typed in a mix
 * of Latin and Cyrillic look-alike letters.
 *
 * The rules and why they are what they are are documented in nx_text.h.
 *
 * Speed: the key of a Cyrillic word comes from a table of BGN/PCGN letter
 * values (Russian, Kazakh, Kyrgyz, Tatar, Ukrainian, Belarusian, Serbian,
 * Macedonian letters).  ICU's rule-based transforms cost 1.4-4 us a word
 * here, more than the whole per-word budget of the analysis benchmark, so
 * ICU ("Any-Latin; Latin-ASCII", behind a cache) only handles the Cyrillic
 * and Latin letters the table lacks (opening it costs some 10 ms of CPU,
 * once per process).  tests/test_text.c checks the keys.
 */
#include "nx_text.h"
#include "nx_text_int.h"

#include "nx_common.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>
#include <unicode/utrans.h>

/* ---- helpers ------------------------------------------------------------- */

static void put_cp(char *out, size_t *o, UChar32 c)
{
	size_t i = *o;

	U8_APPEND_UNSAFE(out, i, c);
	*o = i;
}

static int is_cyrillic_cp(UChar32 c)
{
	return (c >= 0x0400 && c <= 0x052F) || (c >= 0x1C80 && c <= 0x1C8F) ||
	       (c >= 0x2DE0 && c <= 0x2DFF) || (c >= 0xA640 && c <= 0xA69F);
}

static int is_latin_cp(UChar32 c)
{
	return (c >= 0x00C0 && c <= 0x024F) || (c >= 0x1E00 && c <= 0x1EFF) ||
	       (c >= 0x2C60 && c <= 0x2C7F) || (c >= 0xA720 && c <= 0xA7FF) ||
	       (c >= 0x0250 && c <= 0x02AF);
}

/* Latin letters with no canonical decomposition, and their base letters. */
static const char *latin_special(UChar32 c)
{
	switch (c) {
	case 0x00E6: return "ae";  /* æ */
	case 0x0153: return "oe";  /* œ */
	case 0x00F8: return "o";   /* ø */
	case 0x0111: return "d";   /* đ */
	case 0x00F0: return "d";   /* ð */
	case 0x00FE: return "th";  /* þ */
	case 0x0142: return "l";   /* ł */
	case 0x0131: return "i";   /* ı */
	case 0x0259: return "a";   /* ə (Azerbaijani) */
	case 0x014B: return "ng";  /* ŋ */
	case 0x0127: return "h";   /* ħ */
	case 0x0180: return "b";   /* ƀ */
	case 0x0268: return "i";   /* ɨ */
	case 0x0275: return "o";   /* ɵ */
	case 0x01B6: return "z";   /* ƶ */
	default: return NULL;
	}
}

/* The ASCII base of a Latin letter with diacritics (é -> e, ǖ -> u), or 0. */
static int latin_base(const nxt_analyzer *a, UChar32 c)
{
	for (int depth = 0; depth < 4 && c >= 0x80; depth++) {
		UErrorCode st = U_ZERO_ERROR;
		UChar d[8];
		int32_t n = unorm2_getRawDecomposition(a->nfd, c, d, 8, &st);
		if (U_FAILURE(st) || n <= 0)
			return 0;
		U16_GET(d, 0, 0, n, c);
	}
	return c < 0x80 ? (int)c : 0;
}

/* (A byte loop: the strings are a letter or two, and this runs per letter.) */
static void put_str(char *out, size_t *o, const char *s)
{
	size_t i = *o;

	while (*s)
		out[i++] = *s++;
	*o = i;
}

/* latin_ascii without the table of U+00C0..U+02AF (which it fills). */
static int latin_ascii_icu(const nxt_analyzer *a, UChar32 c, char *out, size_t *o)
{
	const char *sp;
	int base;

	if (!is_latin_cp(c))
		return 0;
	if ((sp = latin_special(c)) != NULL) {
		put_str(out, o, sp);
		return 1;
	}
	if ((base = latin_base(a, c)) != 0) {
		out[(*o)++] = (char)base;
		return 1;
	}
	return 0;
}

/* Append the ASCII spelling of a Latin letter (é -> e, ǖ -> u, æ -> ae) to
 * out at *o; 0 when c is no Latin letter with one.  The letters of
 * U+00C0..U+02AF (those of European languages, Turkish, Uzbek) come from a
 * table, as ICU's decomposition costs some 300 instructions a letter. */
static int latin_ascii(const nxt_analyzer *a, UChar32 c, char *out, size_t *o)
{
	if (c >= 0xC0 && c < 0x2B0) {
		unsigned k = (unsigned)c - 0xC0, n = a->latin_key_len[k];

		if (!n)
			return 0;
		out[(*o)++] = a->latin_key[k][0];
		if (n > 1)
			out[(*o)++] = a->latin_key[k][1];
		return 1;
	}
	return latin_ascii_icu(a, c, out, o);
}

/* ---- folding ------------------------------------------------------------- */

/* Append the folded form of the character c (not ASCII) to out at *o. */
static void fold_char(const nxt_analyzer *a, UChar32 c, char *out, size_t *o)
{
	if (c == 0x0451) {             /* ё -> е */
		put_cp(out, o, 0x0435);
		return;
	}
	if (latin_ascii(a, c, out, o))
		return;
	if (!is_latin_cp(c) && u_charType(c) == U_NON_SPACING_MARK) {
		/* Marks of no script of their own: accents left
		 * uncomposed, Arabic harakat. */
		UErrorCode st = U_ZERO_ERROR;
		if (uscript_getScript(c, &st) == USCRIPT_INHERITED && U_SUCCESS(st))
			return;
	}
	put_cp(out, o, c);
}

/* A number without its thousands separators: a , . or ' followed by
 * exactly three digits (16,000 = 16.000 = 16'000 = 16000; 5.93 and 1,5
 * stay as they are). */
static int fold_number(const char **out, size_t *outlen, nxt_analyzer *a, const char *w,
		       size_t n)
{
	size_t o = 0;
	int rc;

	if ((rc = nxt_grow_bytes(&a->fold, &a->fold_cap, n + 1)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		char c = w[i];
		if ((c == ',' || c == '.' || c == '\'') && i > 0 && w[i - 1] >= '0' && w[i - 1] <= '9' &&
		    i + 3 < n) {
			size_t d = 0;
			while (i + 1 + d < n && w[i + 1 + d] >= '0' && w[i + 1 + d] <= '9')
				d++;
			if (d == 3)
				continue;
		}
		a->fold[o++] = c;
	}
	a->fold[o] = '\0';
	if (o != n) {
		*out = a->fold;
		*outlen = o;
	}
	return NX_OK;
}

/* Does folding leave w as it is, for a plain reason: it is made of ASCII
 * letters and digits and of Cyrillic letters other than ё and the
 * combining marks U+0483..U+0489?  (Most words of Cyrillic and English
 * text: the loop below need not see them.) */
static int fold_keeps(const char *w, size_t n)
{
	const unsigned char *p = (const unsigned char *)w;

	for (size_t i = 0; i < n; i++) {
		unsigned char b = p[i];

		if (b < 0x80) {
			if (b == '\'' || b == '.')
				return 0;
			continue;
		}
		if (b < 0xD0 || b > 0xD3 || i + 1 >= n || (p[i + 1] & 0xC0) != 0x80)
			return 0;
		i++;
		if ((b == 0xD1 && p[i] == 0x91) || (b == 0xD2 && p[i] >= 0x83 && p[i] <= 0x89))
			return 0;
	}
	return 1;
}

int nxt_fold(const char **out, size_t *outlen, nxt_analyzer *a, const char *w, size_t n,
	     int script)
{
	size_t o = 0;
	int32_t i = 0, len;
	int rc;

	*out = w;
	*outlen = n;
	if (script == NXT_SCRIPT_DIGIT)
		return fold_number(out, outlen, a, w, n);
	if (script == NXT_SCRIPT_HAN || n == 0)
		return NX_OK;
	if (n > INT32_MAX)
		return NX_OK;
	if (fold_keeps(w, n))
		return NX_OK;
	len = (int32_t)n;
	/* Every rule maps a character to as many bytes or fewer. */
	if ((rc = nxt_grow_bytes(&a->fold, &a->fold_cap, n + 1)))
		return rc;
	while (i < len) {
		unsigned char b = (unsigned char)w[i];
		UChar32 c;

		if (b < 0x80) {
			i++;
			if (b != '\'' && b != '.')
				a->fold[o++] = (char)b;
			continue;
		}
		/* U+0080..U+07FF: from the table fold_char made (two bytes
		 * written, at most two kept, within the word's length) */
		if (b >= 0xC2 && b <= 0xDF && i + 1 < len && ((unsigned char)w[i + 1] & 0xC0) == 0x80) {
			unsigned k = ((unsigned)(b & 0x1F) << 6 | ((unsigned char)w[i + 1] & 0x3F)) - 0x80;

			memcpy(a->fold + o, a->fold2[k], 2);
			o += a->fold2_len[k];
			i += 2;
			continue;
		}
		U8_NEXT(w, i, len, c);
		if (c < 0)
			continue;
		fold_char(a, c, a->fold, &o);
	}
	a->fold[o] = '\0';
	/* A word of apostrophes and dots alone stays what it is. */
	if (o == 0)
		return NX_OK;
	*out = a->fold;
	*outlen = o;
	return NX_OK;
}

/* ---- transliteration ------------------------------------------------------ */

/*
 * BGN/PCGN values of Cyrillic letters, as ICU's Russian-Latin/BGN and
 * Kazakh-Latin/BGN write them with the diacritics dropped (Latin-ASCII).
 * Where the two differ the key rules below make them meet: Russian е is
 * "ye" after a vowel and "e" elsewhere, Kazakh е always "e"; key rules drop
 * y between vowels, so both give "e" there.  й is "i" as in Kazakh BGN
 * (ī̆), which the key rules make of Russian BGN's "y" too (Sergey = Sergei),
 * except between vowels (Zeyin is zein, Зейін zeiin).  Letters of other languages
 * take their own BGN values (Ukrainian є ї, Serbian ђ љ њ ћ џ ...).
 */
static const char *cyrillic_latin(UChar32 c)
{
	static const char *const basic[32] = {
		"a", "b", "v", "g", "d", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p",
		"r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
	};

	if (c >= 0x0430 && c <= 0x044F)
		return basic[c - 0x0430];
	switch (c) {
	case 0x0451: return "e";    /* ё (BGN ë) */
	case 0x0452: return "dj";   /* ђ */
	case 0x0453: return "gj";   /* ѓ */
	case 0x0454: return "ye";   /* є */
	case 0x0455: return "dz";   /* ѕ */
	case 0x0456: return "i";    /* і */
	case 0x0457: return "yi";   /* ї */
	case 0x0458: return "j";    /* ј */
	case 0x0459: return "lj";   /* љ */
	case 0x045A: return "nj";   /* њ */
	case 0x045B: return "c";    /* ћ */
	case 0x045C: return "kj";   /* ќ */
	case 0x045E: return "u";    /* ў */
	case 0x045F: return "dzh";  /* џ */
	case 0x0491: return "g";    /* ґ */
	case 0x0493: return "gh";   /* ғ */
	case 0x0497: return "zh";   /* җ (Tatar) */
	case 0x049B: return "q";    /* қ */
	case 0x04A3: return "ng";   /* ң */
	case 0x04AF: return "u";    /* ү */
	case 0x04B1: return "u";    /* ұ */
	case 0x04B3: return "h";    /* ҳ (Uzbek, Tajik) */
	case 0x04C8: return "ng";   /* ӈ and ӊ, typed for ң (Kyrgyz) */
	case 0x04CA: return "ng";
	case 0x04BB: return "h";    /* һ */
	case 0x04D9: return "a";    /* ә */
	case 0x04E9: return "o";    /* ө */
	case 0x04E3: return "i";    /* ӣ (Tajik) */
	case 0x04EF: return "u";    /* ӯ (Tajik) */
	default: return NULL;
	}
}

void nxt_make_key_tables(nxt_analyzer *a)
{
	for (UChar32 c = 0x400; c < 0x500; c++) {
		const char *t = cyrillic_latin(c);
		size_t n = t ? strlen(t) : 0;

		memset(a->cyr_key[c - 0x400], 0, 4);
		a->cyr_key_len[c - 0x400] = t && n <= 4 ? (uint8_t)n : 0xFF;
		if (t && n <= 4)
			memcpy(a->cyr_key[c - 0x400], t, n);
	}
	for (UChar32 c = 0xC0; c < 0x2B0; c++) {
		char out[8];
		size_t o = 0;

		a->latin_key_len[c - 0xC0] = 0;
		if (latin_ascii_icu(a, c, out, &o) && o <= 2) {
			memcpy(a->latin_key[c - 0xC0], out, o);
			a->latin_key_len[c - 0xC0] = (uint8_t)o;
		}
	}
	/* after latin_key: fold_char reads it */
	for (UChar32 c = 0x80; c < 0x800; c++) {
		char out[8] = { 0 };
		size_t o = 0;

		fold_char(a, c, out, &o);
		memcpy(a->fold2[c - 0x80], out, 2);
		a->fold2_len[c - 0x80] = (uint8_t)o;  /* 0..2: no character grows */
	}
}

static uint32_t hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/* ASCII letters and digits of a transliteration, lower-cased, appended. */
static void ascii_alnum(char *out, size_t *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + ('a' - 'A'));
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[(*o)++] = c;
	}
}

/*
 * The raw transliteration of w by ICU ("Any-Latin; Latin-ASCII"), reduced
 * to ASCII letters and digits, into a->tmp from offset 0; *o is its length.
 * Cached: a word is transliterated once per analyzer while it stays in the
 * cache.  When ICU is unavailable the word has no key (*o == 0).
 */
static int icu_translit(nxt_analyzer *a, const char *w, size_t n, size_t *o)
{
	uint32_t h = hash_bytes(w, n);
	nxt_cache_slot *set = NULL;
	UErrorCode st = U_ZERO_ERROR;
	int32_t ulen, lim, blen;
	int rc;

	*o = 0;
	if (n < NXT_CACHE_WORD) {
		if (!a->cache) {
			a->cache = calloc((size_t)NXT_CACHE_SETS * 2, sizeof *a->cache);
			if (!a->cache)
				return nx_error_set(NX_ENOMEM, "out of memory for the transliteration cache");
		}
		set = &a->cache[(h % NXT_CACHE_SETS) * 2];
		for (int k = 0; k < 2; k++) {
			if (set[k].wlen == n && set[k].hash == h && memcmp(set[k].word, w, n) == 0) {
				set[k].used = ++a->cache_tick;
				if ((rc = nxt_grow_bytes(&a->tmp, &a->tmp_cap, NXT_CACHE_WORD)))
					return rc;
				memcpy(a->tmp, set[k].key, set[k].klen);
				*o = set[k].klen;
				a->cache_hits++;
				return NX_OK;
			}
		}
	}
	a->cache_misses++;
	if (!a->any_latin && !a->any_latin_failed) {
		static const UChar id[] = u"Any-Latin; Latin-ASCII";
		a->any_latin = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
		if (U_FAILURE(st)) {
			a->any_latin = NULL;
			a->any_latin_failed = 1;
		}
		st = U_ZERO_ERROR;
	}
	if (!a->any_latin || n > INT32_MAX / 8)
		return NX_OK;
	/* Transliteration may grow a word several times over. */
	{
		int32_t cap = (int32_t)n * 4 + 16;
		UChar *buf = malloc((size_t)cap * sizeof *buf);
		char *b8;

		if (!buf)
			return nx_error_set(NX_ENOMEM, "out of memory transliterating a word");
		u_strFromUTF8WithSub(buf, cap, &ulen, w, (int32_t)n, 0xFFFD, NULL, &st);
		lim = ulen;
		if (U_SUCCESS(st))
			utrans_transUChars(a->any_latin, buf, &ulen, cap, 0, &lim, &st);
		if (U_FAILURE(st)) {
			free(buf);
			return NX_OK;  /* no key rather than no word */
		}
		b8 = malloc((size_t)ulen * 3 + 1);
		if (!b8) {
			free(buf);
			return nx_error_set(NX_ENOMEM, "out of memory transliterating a word");
		}
		u_strToUTF8(b8, ulen * 3 + 1, &blen, buf, ulen, &st);
		if (U_SUCCESS(st)) {
			if ((rc = nxt_grow_bytes(&a->tmp, &a->tmp_cap, (size_t)blen + 1))) {
				free(buf);
				free(b8);
				return rc;
			}
			ascii_alnum(a->tmp, o, b8, (size_t)blen);
		}
		free(buf);
		free(b8);
	}
	if (set && *o < NXT_CACHE_WORD) {
		nxt_cache_slot *s = set[0].used <= set[1].used ? &set[0] : &set[1];
		s->hash = h;
		s->wlen = (uint8_t)n;
		s->klen = (uint8_t)*o;
		memcpy(s->word, w, n);
		memcpy(s->key, a->tmp, *o);
		s->used = ++a->cache_tick;
	}
	return NX_OK;
}

/* ---- match keys ---------------------------------------------------------- */

static int is_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/*
 * Spelling-variant folding of a lower-case ASCII transliteration s[0, n)
 * into out (room for 2n + 1 bytes); returns the key's length.  Each rule
 * merges spellings the press uses for one Cyrillic name; rules that would
 * merge many English words were measured and left out (nx_text.h).
 */
size_t nxt_key_rules(char *out, const char *s, size_t n)
{
	size_t o = 0;

	/* The letters a rule below starts at: d g k q s x y z. */
	const uint32_t rule_letters = 1u << ('d' - 'a') | 1u << ('g' - 'a') | 1u << ('k' - 'a') |
				      1u << ('q' - 'a') | 1u << ('s' - 'a') | 1u << ('x' - 'a') |
				      1u << ('y' - 'a') | 1u << ('z' - 'a');

	for (size_t i = 0; i < n; i++) {
		char c = s[i], next;

		if (!(c >= 'a' && c <= 'z' && (rule_letters >> (c - 'a') & 1))) {
			out[o++] = c;
			continue;
		}
		next = i + 1 < n ? s[i + 1] : 0;
		/* Initial ye before a consonant: Yerlan = Erlan, Yevgeny = Evgeny. */
		if (i == 0 && c == 'y' && next == 'e' && i + 2 < n && !is_vowel(s[i + 2]) &&
		    s[i + 2] != 'y')
			continue;
		/* zh, dzh = j: Zhomart = Jomart, Dzhaksybekov = Jaksybekov. */
		if (c == 'd' && next == 'z' && i + 2 < n && s[i + 2] == 'h') {
			out[o++] = 'j';
			i += 2;
			continue;
		}
		if (c == 'z' && next == 'h') {
			out[o++] = 'j';
			i++;
			continue;
		}
		/* kh = h (Mukhtar = Muhtar); gh before a vowel = g (Ghabit = Gabit). */
		if ((c == 'k' && next == 'h') || (c == 'g' && next == 'h' && i + 2 < n &&
						  is_vowel(s[i + 2]))) {
			out[o++] = c == 'k' ? 'h' : 'g';
			i++;
			continue;
		}
		if (c == 'q') {                  /* Toqaev = Tokaev */
			out[o++] = 'k';
			continue;
		}
		if (c == 'x') {                  /* Alexei = Aleksei */
			out[o++] = 'k';
			out[o++] = 's';
			continue;
		}
		if (c == 'y' && o > 0) {
			/* between vowels dropped: Tokayev = Tokaev; elsewhere
			 * but first, i: Aybar = Aibar (Kazakh BGN writes й as
			 * ī̆), Sergey = Sergei, Dmitry = Dmitri, Kassym = Kassim */
			if (is_vowel(out[o - 1]) && is_vowel(next))
				continue;
			c = 'i';
			if (i + 1 == n && out[o - 1] == 'i')
				continue;
		}
		/* A doubled s: Kassym = Kasym. */
		if (c == 's' && o > 0 && out[o - 1] == 's')
			continue;
		out[o++] = c;
	}
	/* Dmitrii = Dmitri */
	if (o > 2 && out[o - 1] == 'i' && out[o - 2] == 'i')
		o--;
	out[o] = '\0';
	return o;
}

/* Is w its own key: lower-case ASCII letters and digits that no rule of
 * nxt_key_rules touches?  Most English words are ("the", "market"). */
static int ascii_key_is_word(const char *w, size_t n)
{
	char prev = 0;

	for (size_t i = 0; i < n; i++) {
		char c = w[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			return 0;
		if (c == 'y' || c == 'q' || c == 'x' || (c == 'z' && i + 1 < n && w[i + 1] == 'h') ||
		    (c == 'h' && (prev == 'k' || prev == 'g')) || (c == 's' && prev == 's'))
			return 0;
		prev = c;
	}
	/* "ii" at the end is folded too */
	return !(n > 2 && w[n - 1] == 'i' && w[n - 2] == 'i');
}

int nxt_key(const char **out, size_t *outlen, nxt_analyzer *a, const char *w, size_t n,
	    int script)
{
	size_t o = 0;
	int32_t i = 0, len;
	int unknown = 0, rc;

	*out = "";
	*outlen = 0;
	if ((script != NXT_SCRIPT_LATIN && script != NXT_SCRIPT_CYRILLIC) || n == 0 ||
	    n > INT32_MAX / 4)
		return NX_OK;
	if (ascii_key_is_word(w, n)) {
		*out = w;
		*outlen = n;
		return NX_OK;
	}
	len = (int32_t)n;
	/* "shch" (4 bytes) for a 2-byte letter is the most any letter takes;
	 * the table's letters are copied 4 bytes at a time, hence the 4 more. */
	if ((rc = nxt_grow_bytes(&a->tmp, &a->tmp_cap, 2 * n + 5)))
		return rc;
	while (i < len) {
		unsigned char b = (unsigned char)w[i];
		UChar32 c;
		const char *t;

		if (b < 0x80) {
			i++;
			if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9'))
				a->tmp[o++] = (char)b;
			else if (b >= 'A' && b <= 'Z')
				a->tmp[o++] = (char)(b + ('a' - 'A'));
			continue;
		}
		/* U+0400..U+04FF: D0..D3 and a continuation byte */
		if (b >= 0xD0 && b <= 0xD3 && i + 1 < len && ((unsigned char)w[i + 1] & 0xC0) == 0x80) {
			unsigned k = (unsigned)(b & 3) << 6 | ((unsigned char)w[i + 1] & 0x3F);
			if (a->cyr_key_len[k] != 0xFF) {
				memcpy(a->tmp + o, a->cyr_key[k], 4);
				o += a->cyr_key_len[k];
				i += 2;
				continue;
			}
		}
		U8_NEXT(w, i, len, c);
		if (c < 0)
			continue;
		if ((t = cyrillic_latin(c)) != NULL) {
			put_str(a->tmp, &o, t);
			continue;
		}
		if (latin_ascii(a, c, a->tmp, &o))
			continue;
		if (u_charType(c) == U_NON_SPACING_MARK || u_charType(c) == U_MODIFIER_LETTER ||
		    !u_isalnum(c))
			continue;  /* accents, ʹ ʺ, punctuation inside words */
		if (u_charType(c) == U_DECIMAL_DIGIT_NUMBER) {
			a->tmp[o++] = (char)('0' + u_charDigitValue(c));
			continue;
		}
		/* A letter of another script: a word glued to its neighbour
		 * across a missing space (westمن) is no name to match. */
		if (!is_latin_cp(c) && !is_cyrillic_cp(c))
			return NX_OK;
		unknown = 1;
		break;
	}
	if (unknown && (rc = icu_translit(a, w, n, &o)))
		return rc;
	if (o == 0)
		return NX_OK;
	if ((rc = nxt_grow_bytes(&a->key, &a->key_cap, 2 * o + 1)))
		return rc;
	*outlen = nxt_key_rules(a->key, a->tmp, o);
	*out = a->key;
	return NX_OK;
}

/* ---- all forms, cached ---------------------------------------------------- */

static int same_str(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && (a == b || memcmp(a, b, alen) == 0);
}

static int compute_forms(nxt_forms *f, nxt_analyzer *a, const char *lang, const char *w,
			 size_t n, int script)
{
	const char *k;
	size_t kl;
	int rc;

	if ((rc = nxt_fold(&f->fold, &f->fold_len, a, w, n, script)) ||
	    (rc = nxt_stem(&f->stem, &f->stem_len, a, lang, w, n, script)))
		return rc;
	/* The stem's key first, kept in its own buffer; then the word's key
	 * (nxt_key's buffer is shared). */
	if ((rc = nxt_key(&k, &kl, a, f->stem, f->stem_len, script)))
		return rc;
	if (k == f->stem || kl == 0) {
		f->stem_key = kl ? f->stem : "";
	} else {
		if ((rc = nxt_grow_bytes(&a->stem_key, &a->stem_key_cap, kl + 1)))
			return rc;
		memcpy(a->stem_key, k, kl);
		a->stem_key[kl] = '\0';
		f->stem_key = a->stem_key;
	}
	f->stem_key_len = kl;
	/* A word that is its own stem has the stem's key. */
	if (f->stem_len == n && memcmp(f->stem, w, n) == 0) {
		f->key = f->stem_key;
		f->key_len = f->stem_key_len;
	} else if ((rc = nxt_key(&f->key, &f->key_len, a, w, n, script))) {
		return rc;
	}
	f->repeats = (same_str(f->fold, f->fold_len, w, n) ? NXT_FORMS_FOLD_IS_WORD : 0) |
		     (!f->key_len || same_str(f->key, f->key_len, w, n) ||
				      same_str(f->key, f->key_len, f->fold, f->fold_len)
			      ? NXT_FORMS_KEY_REPEATS : 0) |
		     (!f->stem_key_len || same_str(f->stem_key, f->stem_key_len, f->stem, f->stem_len)
			      ? NXT_FORMS_STEM_KEY_REPEATS : 0);
	return NX_OK;
}

/* Is lang (NUL-terminated) the cached language l? */
static int same_lang(const char *l, const char *lang)
{
	/* l ends by its 16th byte: so does the loop (at a difference or at
	 * the NUL of both) */
	for (size_t i = 0; l[i] == lang[i]; i++)
		if (!l[i])
			return 1;
	return 0;
}

/* The forms cache's number for lang, or -1 when it has none: a code of
 * more than 15 bytes, or more languages than the cache holds (the words
 * of those are not cached). */
static int forms_lang(nxt_analyzer *a, const char *lang)
{
	size_t ll;

	if (a->forms_nlangs && same_lang(a->forms_langs[a->forms_last_lang], lang))
		return (int)a->forms_last_lang;
	for (unsigned i = 0; i < a->forms_nlangs; i++) {
		if (same_lang(a->forms_langs[i], lang)) {
			a->forms_last_lang = i;
			return (int)i;
		}
	}
	ll = strlen(lang);
	if (ll > 15 || a->forms_nlangs == NXT_FORMS_LANGS)
		return -1;
	memcpy(a->forms_langs[a->forms_nlangs], lang, ll + 1);
	a->forms_last_lang = a->forms_nlangs++;
	return (int)a->forms_last_lang;
}

int nxt_word_forms(nxt_forms *out, nxt_analyzer *a, const char *lang, const char *w, size_t n,
		   int script)
{
	nxt_forms_slot *set = NULL, *slot;
	size_t need;
	uint32_t h;
	int li, rc;

	if (!lang)
		lang = "";
	if (n == 0 || n > 40 || (li = forms_lang(a, lang)) < 0)
		return compute_forms(out, a, lang, w, n, script);
	h = nxt_hash_short(w, n, (uint64_t)li);
	if (!a->forms_cache)
		a->forms_cache = calloc((size_t)NXT_FORMS_SETS * 2, sizeof *a->forms_cache);
	if (!a->forms_cache)
		return compute_forms(out, a, lang, w, n, script);
	set = &a->forms_cache[(h % NXT_FORMS_SETS) * 2];
	for (int k = 0; k < 2; k++) {
		slot = &set[k];
		if (slot->hash == h && slot->wlen == n && slot->lang == li &&
		    nxt_same_bytes(slot->blob, w, n)) {
			const char *p = slot->blob + n + 1;
			int same = slot->repeats & NXT_FORMS_FOLD_IS_WORD;

			slot->used = ++a->forms_tick;
			out->fold = same ? w : p;
			out->fold_len = same ? n : slot->flen;
			p += slot->flen + 1;
			out->key = p;
			out->key_len = slot->klen;
			p += slot->klen + 1;
			out->stem = p;
			out->stem_len = slot->slen;
			p += slot->slen + 1;
			out->stem_key = p;
			out->stem_key_len = slot->sklen;
			out->repeats = slot->repeats;
			return NX_OK;
		}
	}
	if ((rc = compute_forms(out, a, lang, w, n, script)))
		return rc;
	need = n + out->fold_len + out->key_len + out->stem_len + out->stem_key_len + 5;
	if (need > NXT_FORMS_BLOB || out->fold_len > 255 || out->key_len > 255 ||
	    out->stem_len > 255 || out->stem_key_len > 255)
		return NX_OK;
	slot = set[0].used <= set[1].used ? &set[0] : &set[1];
	{
		char *p = slot->blob;
		int same = out->repeats & NXT_FORMS_FOLD_IS_WORD;
#define PUT(s_, l_) do { memcpy(p, (s_), (l_)); p[(l_)] = '\0'; p += (l_) + 1; } while (0)
		PUT(w, n);
		PUT(out->fold, out->fold_len);
		PUT(out->key, out->key_len);
		PUT(out->stem, out->stem_len);
		PUT(out->stem_key, out->stem_key_len);
#undef PUT
		slot->hash = h;
		slot->used = ++a->forms_tick;
		slot->lang = (uint8_t)li;
		slot->wlen = (uint8_t)n;
		slot->flen = (uint8_t)out->fold_len;
		slot->klen = (uint8_t)out->key_len;
		slot->slen = (uint8_t)out->stem_len;
		slot->sklen = (uint8_t)out->stem_key_len;
		slot->repeats = (uint8_t)out->repeats;
		/* Hand out the slot's copies: they outlive the buffers. */
		p = slot->blob + n + 1;
		out->fold = same ? w : p;
		p += out->fold_len + 1;
		out->key = p;
		p += out->key_len + 1;
		out->stem = p;
		p += out->stem_len + 1;
		out->stem_key = p;
	}
	return NX_OK;
}

/* ---- mixed-script repair ------------------------------------------------- */

/* Lower-case Latin letters that look like Cyrillic ones (in one case or
 * the other: B/В, H/Н, M/М, T/Т), and those Cyrillic letters. */
static UChar32 latin_to_cyrillic(UChar32 c)
{
	switch (c) {
	case 'a': return 0x0430;
	case 'b': return 0x0432;
	case 'c': return 0x0441;
	case 'e': return 0x0435;
	case 'h': return 0x043D;
	case 'i': return 0x0456;
	case 'j': return 0x0458;
	case 'k': return 0x043A;
	case 'm': return 0x043C;
	case 'o': return 0x043E;
	case 'p': return 0x0440;
	case 't': return 0x0442;
	case 'x': return 0x0445;
	case 'y': return 0x0443;
	default: return 0;
	}
}

static UChar32 cyrillic_to_latin(UChar32 c)
{
	switch (c) {
	case 0x0430: return 'a';
	case 0x0432: return 'b';
	case 0x0441: return 'c';
	case 0x0435: return 'e';
	case 0x043D: return 'h';
	case 0x0456: return 'i';
	case 0x0458: return 'j';
	case 0x043A: return 'k';
	case 0x043C: return 'm';
	case 0x043E: return 'o';
	case 0x0440: return 'p';
	case 0x0442: return 't';
	case 0x0445: return 'x';
	case 0x0443: return 'y';
	case 0x0455: return 's';
	case 0x04BB: return 'h';
	case 0x051B: return 'q';
	case 0x051D: return 'w';
	default: return 0;
	}
}

static int is_cyrillic_letter(UChar32 c)
{
	return (c >= 0x0400 && c <= 0x052F) && u_isalpha(c);
}

int nxt_repair_mixed(nxt_analyzer *a, size_t *len)
{
	size_t latin = 0, cyr = 0, latin_lk = 0, cyr_lk = 0, o = 0;
	int32_t i = 0, n;
	const char *w = a->norm;
	int to_cyr, rc;

	if (*len > INT32_MAX / 2)
		return 0;
	n = (int32_t)*len;
	/* Cheap first: no ASCII letter, no Latin to repair or repair to
	 * (Cyrillic words, CJK: most non-ASCII words). */
	{
		int ascii_letter = 0;
		for (int32_t k = 0; k < n && !ascii_letter; k++)
			ascii_letter = (w[k] >= 'a' && w[k] <= 'z');
		if (!ascii_letter)
			return 0;
	}
	while (i < n) {
		UChar32 c;
		U8_NEXT(w, i, n, c);
		if (c < 0)
			continue;
		if ((c >= 'a' && c <= 'z') || (c >= 0x80 && is_latin_cp(c) && u_isalpha(c))) {
			latin++;
			latin_lk += latin_to_cyrillic(c) != 0;
		} else if (is_cyrillic_letter(c)) {
			cyr++;
			cyr_lk += cyrillic_to_latin(c) != 0;
		}
	}
	if (!latin || !cyr)
		return 0;
	if (cyr >= latin && latin_lk == latin)
		to_cyr = 1;
	else if (latin > cyr && cyr_lk == cyr)
		to_cyr = 0;
	else
		return 0;
	/* A Latin letter becomes two bytes at most. */
	if ((rc = nxt_grow_bytes(&a->tmp, &a->tmp_cap, 2 * (size_t)n + 1)))
		return rc;
	i = 0;
	while (i < n) {
		int32_t at = i;
		UChar32 c, r;
		U8_NEXT(w, i, n, c);
		r = c < 0 ? 0 : to_cyr ? latin_to_cyrillic(c) : cyrillic_to_latin(c);
		if (r) {
			put_cp(a->tmp, &o, r);
		} else {
			memcpy(a->tmp + o, w + at, (size_t)(i - at));
			o += (size_t)(i - at);
		}
	}
	if ((rc = nxt_grow_bytes(&a->norm, &a->norm_cap, o + 1)))
		return rc;
	memcpy(a->norm, a->tmp, o);
	a->norm[o] = '\0';
	*len = o;
	return 1;
}

/* ---- Turkic letters ------------------------------------------------------- */

int nxt_has_turkic_letters(const char *w, size_t n)
{
	/* All these letters are two bytes, lead D2 or D3 (or D1 96 for і). */
	for (size_t i = 0; i + 1 < n; i++) {
		unsigned char b = (unsigned char)w[i], c = (unsigned char)w[i + 1];
		if (b == 0xD1 && c == 0x96)
			return 1;  /* і */
		if (b == 0xD2 && (c == 0x93 || c == 0x9B || c == 0xA3 || c == 0xAF || c == 0xB1 ||
				  c == 0xBB || c == 0x97 || c == 0x92 || c == 0x9A || c == 0xA2 ||
				  c == 0xAE || c == 0xB0 || c == 0xBA || c == 0x96))
			return 1;  /* ғ қ ң ү ұ һ җ and capitals */
		if (b == 0xD3 && (c == 0x99 || c == 0xA9 || c == 0x98 || c == 0xA8))
			return 1;  /* ә ө Ә Ө */
	}
	return 0;
}
