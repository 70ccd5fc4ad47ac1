/*
 * analyzer.c — the text analyzer: words (ICU UAX #29 word breaks with NFKC
 * case folding), sentences (ICU sentence breaks) and stems (Xapian's
 * Snowball stemmers, chosen by language and script).
 *
 * Offsets come for free: the break iterators run over a UTF-8 UText, whose
 * native indices are byte offsets into the caller's text, so every token's
 * [start, end) maps back to the original spelling without any bookkeeping.
 *
 * Nothing here allocates per token: the UTexts, the UTF-16 scratch buffers
 * and the normalised output are owned by the analyzer and grow as needed.
 */
#include "nx_text.h"
#include "nx_text_int.h"

#include "nx_common.h"
#include "nx_xapian.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

/* ---- the analyzer ------------------------------------------------------ */

static void make_simple_table(nxt_analyzer *a);
static int folds_to_itself(nxt_analyzer *a, UChar32 c);
static void make_class_tables(nxt_analyzer *a);

static int icu_error(const char *what, UErrorCode st)
{
	return nx_error_set(NX_ERROR, "ICU %s: %s", what, u_errorName(st));
}

int nxt_analyzer_new(nxt_analyzer **out)
{
	UErrorCode st = U_ZERO_ERROR;
	nxt_analyzer *a;

	*out = NULL;
	a = calloc(1, sizeof *a);
	if (!a)
		return nx_error_set(NX_ENOMEM, "out of memory creating a text analyzer");

	a->nfkc_cf = unorm2_getNFKCCasefoldInstance(&st);
	if (U_FAILURE(st)) {
		nxt_analyzer_free(a);
		return icu_error("loading the NFKC_Casefold normalizer", st);
	}
	a->nfd = unorm2_getNFDInstance(&st);
	if (U_FAILURE(st)) {
		nxt_analyzer_free(a);
		return icu_error("loading the NFD normalizer", st);
	}
	make_simple_table(a);
	make_class_tables(a);
	nxt_make_key_tables(a);
	/* Word breaks do not depend on the locale, except through the
	 * dictionaries, which ICU picks by script. */
	a->word_brk = ubrk_open(UBRK_WORD, "root", NULL, 0, &st);
	if (U_FAILURE(st)) {
		nxt_analyzer_free(a);
		return icu_error("opening a word break iterator", st);
	}
	/* "ss=standard" suppresses sentence breaks after common English
	 * abbreviations ("Mr. Smith", "the U.S. Army"), which news is full of. */
	a->sent_brk = ubrk_open(UBRK_SENTENCE, "en@ss=standard", NULL, 0, &st);
	if (U_FAILURE(st)) {
		nxt_analyzer_free(a);
		return icu_error("opening a sentence break iterator", st);
	}
	*out = a;
	return NX_OK;
}

void nxt_analyzer_free(nxt_analyzer *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nstems; i++)
		nxx_stem_free(a->stems[i].stem);
	free(a->stems);
	ubrk_close(a->word_brk);
	ubrk_close(a->sent_brk);
	utext_close(a->word_text);
	utext_close(a->sent_text);
	free(a->reg16);
	free(a->reg_map);
	free(a->u16);
	free(a->n16);
	free(a->norm);
	free(a->word_copy);
	free(a->stem_cache);
	free(a->forms_cache);
	free(a->stem_key);
	free(a->yo_copy);
	free(a->chain);
	free(a->fold);
	free(a->key);
	free(a->tmp);
	free(a->cache);
	if (a->any_latin)
		utrans_close(a->any_latin);
	free(a);
}

/* ---- buffers ------------------------------------------------------------- */

static int grow_uchars(UChar **buf, int32_t *cap, int32_t need)
{
	int32_t n;
	UChar *p;

	if (need <= *cap)
		return NX_OK;
	n = *cap ? *cap : 64;
	while (n < need)
		n = n > INT32_MAX / 2 ? need : n * 2;
	p = realloc(*buf, (size_t)n * sizeof *p);
	if (!p)
		return nx_error_set(NX_ENOMEM, "out of memory normalising a word of %ld units",
				    (long)need);
	*buf = p;
	*cap = n;
	return NX_OK;
}

int nxt_grow_bytes_to(char **buf, size_t *cap, size_t need)
{
	size_t n;
	char *p;

	if (need <= *cap)
		return NX_OK;
	n = *cap ? *cap : 64;
	while (n < need)
		n = n > SIZE_MAX / 2 ? need : n * 2;
	p = realloc(*buf, n);
	if (!p)
		return nx_error_set(NX_ENOMEM, "out of memory growing a word buffer to %zu bytes", need);
	*buf = p;
	*cap = n;
	return NX_OK;
}

/* Open (or reopen, reusing its memory) a UTF-8 UText over text and hand it to
 * the break iterator.  ICU's indices are int32_t, hence the length limit. */
static int set_text(UText **ut, UBreakIterator *brk, const char *text, size_t len)
{
	UErrorCode st = U_ZERO_ERROR;

	if (len > INT32_MAX)
		return nx_error_set(NX_EINVAL, "text of %zu bytes is too long to segment (max %d)",
				    len, INT32_MAX);
	*ut = utext_openUTF8(*ut, text, (int64_t)len, &st);
	if (U_FAILURE(st))
		return icu_error("opening UTF-8 text", st);
	ubrk_setUText(brk, *ut, &st);
	if (U_FAILURE(st))
		return icu_error("setting break iterator text", st);
	return NX_OK;
}

/* ---- words --------------------------------------------------------------- */

static int script_class(UChar32 c)
{
	UErrorCode st = U_ZERO_ERROR;
	UScriptCode sc = uscript_getScript(c, &st);

	if (U_FAILURE(st))
		return -1;
	switch (sc) {
	case USCRIPT_COMMON:
	case USCRIPT_INHERITED:
		return -1;  /* undecided: look at the next character */
	case USCRIPT_LATIN:
		return NXT_SCRIPT_LATIN;
	case USCRIPT_CYRILLIC:
		return NXT_SCRIPT_CYRILLIC;
	/* Scripts written without spaces, segmented by ICU's dictionaries
	 * (or one ideograph per word): they take no stemmer. */
	case USCRIPT_HAN:
	case USCRIPT_HIRAGANA:
	case USCRIPT_KATAKANA:
	case USCRIPT_KATAKANA_OR_HIRAGANA:
	case USCRIPT_HANGUL:
	case USCRIPT_BOPOMOFO:
	case USCRIPT_YI:
	case USCRIPT_THAI:
	case USCRIPT_LAO:
	case USCRIPT_KHMER:
	case USCRIPT_MYANMAR:
		return NXT_SCRIPT_HAN;
	default:
		return NXT_SCRIPT_OTHER;
	}
}

/* The script of a word's first letter, or DIGIT when a digit comes first.
 * Characters of no particular script (underscores, combining marks) are
 * skipped. */
int nxt_word_script(const char *w, int32_t n)
{
	int32_t i = 0;

	while (i < n) {
		UChar32 c;
		unsigned char b = (unsigned char)w[i];

		if (b < 0x80) {
			if (b >= '0' && b <= '9')
				return NXT_SCRIPT_DIGIT;
			if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z')
				return NXT_SCRIPT_LATIN;
			i++;
			continue;
		}
		/* U+0400..U+04FF: Cyrillic but for two combining marks */
		if (b >= 0xD0 && b <= 0xD3 && i + 1 < n && ((unsigned char)w[i + 1] & 0xC0) == 0x80 &&
		    !(b == 0xD2 && ((unsigned char)w[i + 1] == 0x85 || (unsigned char)w[i + 1] == 0x86)))
			return NXT_SCRIPT_CYRILLIC;
		U8_NEXT(w, i, n, c);
		if (c < 0)
			continue;
		if (u_charType(c) == U_DECIMAL_DIGIT_NUMBER)
			return NXT_SCRIPT_DIGIT;
		int s = script_class(c);
		if (s >= 0)
			return s;
	}
	return NXT_SCRIPT_OTHER;
}

/* The script nxt_word_script gives a word for the character of
 * U+0800..U+FFFF at w (three bytes), when every character of its block of
 * 64 gives that same one (CJK ideographs, Hangul; not kana, whose blocks
 * hold Common and Inherited marks); else -1.  The blocks are asked of ICU
 * when first met (script_blk: 0 not yet, 1 mixed, else the script + 2). */
static int block_script(nxt_analyzer *a, const char *w)
{
	const unsigned char *p = (const unsigned char *)w;
	unsigned blk;

	if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
		return -1;
	blk = ((unsigned)(p[0] & 0x0F) << 12 | (unsigned)(p[1] & 0x3F) << 6) >> 6;
	if (blk < 0x800 >> 6 || (blk >= 0xD800 >> 6 && blk <= 0xDFFF >> 6))
		return -1;  /* overlong, or a surrogate: not UTF-8 */
	if (!a->script_blk[blk]) {
		int s0 = -2;

		for (unsigned k = 0; k < 64 && s0 != -1; k++) {
			UChar32 c = (UChar32)(blk << 6 | k);
			int s = u_charType(c) == U_DECIMAL_DIGIT_NUMBER ? NXT_SCRIPT_DIGIT
									  : script_class(c);
			if (s < 0 || (s0 != -2 && s != s0))
				s0 = -1;
			else
				s0 = s;
		}
		a->script_blk[blk] = (uint8_t)(s0 < 0 ? 1 : s0 + 2);
	}
	return a->script_blk[blk] >= 2 ? a->script_blk[blk] - 2 : -1;
}

int nxt_word_script_of(const char *w, size_t len)
{
	return nxt_word_script(w, len > INT32_MAX ? INT32_MAX : (int32_t)len);
}

/* Would NFKC_Casefold leave anything of w?  It erases exactly the
 * Default_Ignorable_Code_Points, so a word made only of those (a lone
 * U+3164 HANGUL FILLER, say) normalises to nothing and is not a word.
 * Used when counting, to agree with nxt_words without normalising. */
static int has_non_ignorable(const char *w, int32_t n)
{
	int32_t i = 0;

	while (i < n) {
		UChar32 c;
		if ((unsigned char)w[i] < 0x80)
			return 1;
		U8_NEXT(w, i, n, c);
		if (c >= 0 && !u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
			return 1;
	}
	return 0;
}

/* Does the UTF-8 s[0, n) hold a character of U+0400..U+053F (a lead byte
 * D0..D4)?  (Kept out of simple_fold's loop: few words get here.) */
NXT_NOINLINE static int has_cyrillic_lead(const char *s, size_t n)
{
	for (size_t k = 0; k + 1 < n; k++)
		if ((unsigned char)s[k] >= 0xD0 && (unsigned char)s[k] <= 0xD4)
			return 1;
	return 0;
}

/*
 * NFKC_Casefold without ICU's normaliser for the commonest non-ASCII words:
 * those whose every character is ASCII, or one of U+0080..U+07FF (Latin-1,
 * Latin Extended, Greek, Cyrillic, Armenian, Hebrew, Arabic) that folds to
 * one character on its own,
 * or a character of U+0800..U+FFFF that folds to itself (ideographs, kana,
 * Hangul, Arabic ...), and never composes with the character before it (so
 * no combining marks; no default-ignorables; not U+02BC or U+2019, which
 * become apostrophes).  With a normalisation boundary before every
 * character, NFKC_Casefold is character by character; the tables are ICU's
 * own answer for each character, made when the analyzer is (U+0080..
 * U+07FF) or a block of 64 is first met (the rest).  Returns 1 when it did
 * the word, 0 when the word needs ICU, < 0 on error; *mixed is set when
 * the result has ASCII letters and other characters (mixed-script repair
 * is then worth trying).  avail: the bytes of text from w on (at least n),
 * which the ASCII loop may read past the word.
 */
static int simple_fold(nxt_analyzer *a, const char *w, int32_t n, size_t avail, size_t *outlen,
		       int *mixed)
{
	size_t o = 0;
	int32_t i = 0, ascii_end;
	int rc, ascii_letter = 0, other = 0;

	/* 8 more: the ASCII loop writes eight bytes at a time */
	if ((rc = nxt_grow_bytes(&a->norm, &a->norm_cap, (size_t)n + 8)))
		return rc;
	/* ASCII first, eight bytes at a time, reading on past the word while
	 * the text goes on (what is past it is not kept): A-Z (a byte plus
	 * 0x3F has its top bit set from 'A' on, plus 0x25 from '[' on) get
	 * 0x20 more.  Most words are ASCII all through. */
	while (i < n && (size_t)i + 8 <= avail) {
		uint64_t v = nxt_load8(w + i);

		if (v & NXT_HIGH_BITS)
			break;
		v |= ((v + 0x3F * NXT_LOW_BITS) & ~(v + 0x25 * NXT_LOW_BITS) & NXT_HIGH_BITS) >> 2;
		memcpy(a->norm + i, &v, 8);
		i += 8;
	}
	if (i > n)
		i = n;
	ascii_end = i;
	o = (size_t)i;
	while (i < n) {
		unsigned char b = (unsigned char)w[i];
		UChar32 c;

		/* A run of two-byte letters that fold to two bytes (Cyrillic,
		 * Greek, Arabic ...), in a loop of its own. */
		while (b >= 0xC2 && b <= 0xDF && i + 1 < n && ((unsigned char)w[i + 1] & 0xC0) == 0x80) {
			c = (((b & 0x1F) << 6) | ((unsigned char)w[i + 1] & 0x3F)) - 0x80;
			if (a->simple[c] < 0x80)
				break;
			memcpy(a->norm + o, a->simple8[c], 2);
			o += 2;
			i += 2;
			other = 1;
			if (i >= n)
				break;
			b = (unsigned char)w[i];
		}
		if (i >= n)
			break;
		if (b < 0x80) {
			ascii_letter |= (b | 0x20) >= 'a' && (b | 0x20) <= 'z';
			a->norm[o++] = (b >= 'A' && b <= 'Z') ? (char)(b + ('a' - 'A')) : (char)b;
			i++;
			continue;
		}
		other = 1;
		/* Three bytes: U+0800..U+FFFF, copied when it folds to itself. */
		if (b >= 0xE0 && b <= 0xEF) {
			if (i + 2 >= n || ((unsigned char)w[i + 1] & 0xC0) != 0x80 ||
			    ((unsigned char)w[i + 2] & 0xC0) != 0x80)
				return 0;
			c = ((b & 0x0F) << 12) | (((unsigned char)w[i + 1] & 0x3F) << 6) |
			    ((unsigned char)w[i + 2] & 0x3F);
			if (c < 0x800 || !folds_to_itself(a, c))
				return 0;
			memcpy(a->norm + o, w + i, 3);
			o += 3;
			i += 3;
			continue;
		}
		/* Two-byte sequences C2..DF are U+0080..U+07FF. */
		if (b < 0xC2 || b > 0xDF || i + 1 >= n || ((unsigned char)w[i + 1] & 0xC0) != 0x80)
			return 0;
		c = (((b & 0x1F) << 6) | ((unsigned char)w[i + 1] & 0x3F)) - 0x80;
		i += 2;
		/* (one that stays two bytes was done by the loop above) */
		if (!a->simple[c])
			return 0;
		c = a->simple[c];  /* ſ -> s */
		ascii_letter |= (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
		a->norm[o++] = (char)c;
	}
	if (o > 2 && a->norm[o - 2] == '\'' && a->norm[o - 1] == 's')
		o -= 2;
	a->norm[o] = '\0';
	*outlen = o;
	/* only then can it mix Latin and Cyrillic (the letters of the ASCII
	 * run are looked for only then); and only with a character of
	 * U+0400..U+053F (lead byte D0..D4) as folded: nxt_repair_mixed has
	 * nothing to do without one (café, Zürich) */
	for (int32_t k = 0; other && !ascii_letter && k < ascii_end; k++)
		ascii_letter = a->norm[k] >= 'a' && a->norm[k] <= 'z';
	*mixed = ascii_letter && other && has_cyrillic_lead(a->norm, o);
	return 1;
}

/* Can the BMP character c be case-folded on its own: does it compose with
 * nothing before it, and is it no mark, no default-ignorable, no
 * apostrophe (U+02BC, U+2019: normalize_word makes them ASCII)? */
static int folds_alone(const nxt_analyzer *a, UChar32 c)
{
	return c != 0x02BC && c != 0x2019 && !U16_IS_SURROGATE(c) &&
	       !u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) &&
	       u_getCombiningClass(c) == 0 && u_charType(c) != U_NON_SPACING_MARK &&
	       u_charType(c) != U_ENCLOSING_MARK && u_charType(c) != U_COMBINING_SPACING_MARK &&
	       unorm2_hasBoundaryBefore(a->nfkc_cf, c);
}

/* The table of simple_fold for U+0080..U+07FF: the character's
 * NFKC_Casefold when it folds alone to one character below U+0800, else 0. */
static void make_simple_table(nxt_analyzer *a)
{
	for (UChar32 c = 0x80; c < 0x800; c++) {
		UErrorCode st = U_ZERO_ERROR;
		UChar in[1] = { (UChar)c }, out[8];
		int32_t len;

		a->simple[c - 0x80] = 0;
		if (!folds_alone(a, c))
			continue;
		len = unorm2_normalize(a->nfkc_cf, in, 1, out, 8, &st);
		if (U_SUCCESS(st) && len == 1 && out[0] != 0 && out[0] < 0x800 && !U16_IS_SURROGATE(out[0]))
			a->simple[c - 0x80] = out[0];
		a->simple8[c - 0x80][0] = (char)(0xC0 | (a->simple[c - 0x80] >> 6));
		a->simple8[c - 0x80][1] = (char)(0x80 | (a->simple[c - 0x80] & 0x3F));
	}
}

/* Does the character c of U+0800..U+FFFF fold to itself and compose with
 * nothing?  Its block of 64 is asked of ICU when first met. */
static int folds_to_itself(nxt_analyzer *a, UChar32 c)
{
	unsigned blk = (unsigned)c >> 6;

	if (!(a->same_known[blk >> 3] & (1u << (blk & 7)))) {
		uint64_t bits = 0;
		for (unsigned k = 0; k < 64; k++) {
			UErrorCode st = U_ZERO_ERROR;
			UChar32 ch = (UChar32)(blk << 6 | k);
			UChar in[1] = { (UChar)ch };
			if (folds_alone(a, ch) && unorm2_isNormalized(a->nfkc_cf, in, 1, &st) &&
			    U_SUCCESS(st))
				bits |= (uint64_t)1 << k;
		}
		a->same_bits[blk] = bits;
		a->same_known[blk >> 3] |= (uint8_t)(1u << (blk & 7));
	}
	return (int)(a->same_bits[blk] >> (c & 63)) & 1;
}

/* Normalise w[0, n) into a->norm; *outlen is set to its length (possibly 0).
 * Possessive "'s" is dropped only when something precedes it. */
/* (avail >= n bytes can be read at w.) */
static int normalize_word(nxt_analyzer *a, const char *w, int32_t n, size_t avail, size_t *outlen)
{
	UErrorCode st = U_ZERO_ERROR;
	unsigned char any = 0;
	int32_t ulen, nlen, blen;
	int rc, mixed = 0;

	/* Most words, ASCII ones included: without ICU's normaliser. */
	if (!a->icu_only && (rc = simple_fold(a, w, n, avail, outlen, &mixed)) != 0) {
		if (rc < 0)
			return rc;
		if (mixed && (rc = nxt_repair_mixed(a, outlen)) < 0)
			return rc;
		return NX_OK;
	}

	for (int32_t i = 0; i < n; i++)
		any |= (unsigned char)w[i];
	if (any < 0x80) {
		/* ASCII: NFKC_Casefold is plain lower-casing. */
		size_t m = (size_t)n;
		if ((rc = nxt_grow_bytes(&a->norm, &a->norm_cap, m + 1)))
			return rc;
		for (size_t i = 0; i < m; i++) {
			char c = w[i];
			a->norm[i] = (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
		}
		if (m > 2 && a->norm[m - 2] == '\'' && a->norm[m - 1] == 's')
			m -= 2;
		a->norm[m] = '\0';
		*outlen = m;
		return NX_OK;
	}

	/* UTF-16 never needs more units than UTF-8 has bytes.  Input should
	 * be valid UTF-8, but a stray bad byte becomes U+FFFD, not an error. */
	if ((rc = grow_uchars(&a->u16, &a->u16_cap, n)))
		return rc;
	u_strFromUTF8WithSub(a->u16, a->u16_cap, &ulen, w, n, 0xFFFD, NULL, &st);
	if (U_FAILURE(st))
		return icu_error("converting a word to UTF-16", st);

	/* Case folding can expand ("ß" -> "ss", "ﬃ" -> "ffi"): start with
	 * room to spare and retry on overflow. */
	if ((rc = grow_uchars(&a->n16, &a->n16_cap, ulen < INT32_MAX / 2 ? 2 * ulen + 8 : ulen)))
		return rc;
	nlen = unorm2_normalize(a->nfkc_cf, a->u16, ulen, a->n16, a->n16_cap, &st);
	if (st == U_BUFFER_OVERFLOW_ERROR) {
		st = U_ZERO_ERROR;
		if ((rc = grow_uchars(&a->n16, &a->n16_cap, nlen)))
			return rc;
		nlen = unorm2_normalize(a->nfkc_cf, a->u16, ulen, a->n16, a->n16_cap, &st);
	}
	if (U_FAILURE(st))
		return icu_error("normalising a word (NFKC_Casefold)", st);

	/* One apostrophe, whatever the typography: ’ (U+2019, also
	 * the closing quote) and ʼ (U+02BC, the letter apostrophe). */
	for (int32_t i = 0; i < nlen; i++)
		if (a->n16[i] == 0x2019 || a->n16[i] == 0x02BC)
			a->n16[i] = '\'';
	if (nlen > 2 && a->n16[nlen - 2] == '\'' && a->n16[nlen - 1] == 's')
		nlen -= 2;

	/* Each UTF-16 unit becomes at most 3 UTF-8 bytes. */
	if ((rc = nxt_grow_bytes(&a->norm, &a->norm_cap, (size_t)nlen * 3 + 1)))
		return rc;
	u_strToUTF8(a->norm, (int32_t)(a->norm_cap > INT32_MAX ? INT32_MAX : a->norm_cap),
		    &blen, a->n16, nlen, &st);
	if (U_FAILURE(st))
		return icu_error("converting a word to UTF-8", st);
	a->norm[blen] = '\0';
	*outlen = (size_t)blen;
	/* Only a non-ASCII word can mix Latin and Cyrillic letters. */
	if ((rc = nxt_repair_mixed(a, outlen)) < 0)
		return rc;
	return NX_OK;
}

/* Is text[from, to) one hyphen (-, U+2010, U+2011) and nothing else? */
static int is_hyphen(const char *text, int32_t from, int32_t to)
{
	const unsigned char *p = (const unsigned char *)text + from;

	if (to - from == 1)
		return p[0] == '-';
	return to - from == 3 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0x90 || p[2] == 0x91);
}

/* Compounds longer than this are not joined (they could not be terms). */
#define MAX_JOINED_BYTES 240
#define MAX_JOINED_PARTS 6

/* nxt_word_script of a normalised word w[0, n), n >= 1: a lower-case
 * ASCII letter, a digit or a letter of U+0400..U+047F first, a character of
 * U+0080..U+07FF of one script (the analyzer's table), or a CJK block of one
 * script, without the call. */
static inline int token_script(nxt_analyzer *a, const char *w, size_t n)
{
	unsigned char b0 = (unsigned char)w[0];
	int script;

	if ((unsigned)b0 - 'a' < 26u)
		return NXT_SCRIPT_LATIN;
	if ((unsigned)b0 - '0' < 10u)
		return NXT_SCRIPT_DIGIT;
	if ((b0 == 0xD0 || b0 == 0xD1) && n > 1 && ((unsigned char)w[1] & 0xC0) == 0x80)
		return NXT_SCRIPT_CYRILLIC;
	if (b0 >= 0xC2 && b0 <= 0xDF && n > 1 && ((unsigned char)w[1] & 0xC0) == 0x80 &&
	    (script = a->script2[((b0 & 0x1F) << 6 | ((unsigned char)w[1] & 0x3F)) - 0x80]) >= 0)
		return script;
	if (b0 >= 0xE0 && b0 <= 0xEF && n > 2 && (script = block_script(a, w)) >= 0)
		return script;  /* CJK: the script of the character's block */
	return nxt_word_script(w, n > INT32_MAX ? INT32_MAX : (int32_t)n);
}

/* Track chains of words joined by single hyphens: set tok->joined when the
 * word continues the chain of the previous word (ending at prev_end).  A
 * word starts a chain only when a hyphen follows it in text[0, len). */
static int chain_word(nxt_analyzer *a, nxt_token *tok, const char *text, size_t len,
		      int32_t prev_end, int prev_script)
{
	int joins = prev_end >= 0 && a->chain_parts > 0 && a->chain_parts < MAX_JOINED_PARTS &&
		    is_hyphen(text, prev_end, (int32_t)tok->start) &&
		    !(prev_script == NXT_SCRIPT_DIGIT && tok->script == NXT_SCRIPT_DIGIT) &&
		    a->chain_len + tok->norm_len <= MAX_JOINED_BYTES;
	int rc;

	tok->joined = NULL;
	tok->joined_len = 0;
	if (!joins) {
		a->chain_len = 0;
		a->chain_parts = 0;
		if (tok->norm_len > MAX_JOINED_BYTES ||
		    !(tok->end < len && (text[tok->end] == '-' || (unsigned char)text[tok->end] == 0xE2)))
			return NX_OK;
	}
	if ((rc = nxt_grow_bytes(&a->chain, &a->chain_cap, a->chain_len + tok->norm_len + 1)))
		return rc;
	memcpy(a->chain + a->chain_len, tok->norm, tok->norm_len);
	a->chain_len += tok->norm_len;
	a->chain[a->chain_len] = '\0';
	a->chain_parts++;
	if (joins) {
		tok->joined = a->chain;
		tok->joined_len = a->chain_len;
	}
	return NX_OK;
}

/* ---- segmentation without ICU ------------------------------------------- */

/*
 * Word segments of text in the alphabets of news (Latin, Cyrillic, Greek,
 * Arabic ...) without ICU: UAX #29 without the rules for marks, joiners,
 * Hebrew, kana, emoji and dictionaries is a handful of rules, and ICU's
 * iterator was the largest single cost of analysis.  The classes are
 * UAX #29 Word_Break as ICU's root rules have them (the colon is not
 * MidLetter there; '@' is a letter):
 *   letter (ALetter); digit (Numeric); '_' ‿ ⁀ ⁔ ExtendNumLet;
 *   '.' '\'' ’ ‘ ․ MidNumLet / Single_Quote: join letter.letter (WB6/7)
 *   and digit.digit (WB11/12); · ‧ MidLetter: letter·letter only; ',' ';'
 *   ، ٬ MidNum: digit,digit only; anything else of ASCII, U+0080..U+07FF
 *   and U+2000..U+207F (punctuation, super- and subscripts) that UAX #29
 *   calls Other or WSegSpace separates words.
 * A run of letters, digits and ExtendNumLet is one segment (WB5, 8-10,
 * 13a/b), a word unless it is one ExtendNumLet alone (as ICU's rule
 * statuses have it).  Any other character (Extend, Format, ZWJ, Hebrew,
 * CJK, emoji, the rest of the BMP and beyond) is C_ICU: a piece holding
 * one is segmented by ICU.  The table is made from ICU's own Word_Break
 * property when the analyzer is; tests/test_conformance.c checks the
 * scanner against ICU on WordBreakTest.txt, on random texts of these
 * classes, Reuters and NTREX.
 */
enum { C_OTHER, C_LETTER, C_DIGIT, C_EXT, C_MIDNUMLET, C_MIDLETTER, C_MIDNUM, C_ICU };

/* The scanner's class of code point c (below U+0800, or U+2000..U+207F),
 * from ICU's Word_Break property. */
static uint8_t wb_class(UChar32 c)
{
	if (c == '@')
		return C_LETTER;  /* ICU's root rules: e-mail addresses */
	if (c == ':')
		return C_OTHER;   /* not MidLetter in ICU's root rules */
	if (u_getIntPropertyValue(c, UCHAR_LINE_BREAK) == U_LB_COMPLEX_CONTEXT ||
	    u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC))
		return C_ICU;     /* dictionary scripts */
	switch (u_getIntPropertyValue(c, UCHAR_WORD_BREAK)) {
	case U_WB_OTHER:
	case U_WB_WSEGSPACE:
	case U_WB_DOUBLE_QUOTE:  /* joins Hebrew letters only */
		return C_OTHER;
	case U_WB_ALETTER: return C_LETTER;
	case U_WB_NUMERIC: return C_DIGIT;
	case U_WB_EXTENDNUMLET: return C_EXT;
	case U_WB_MIDNUMLET:
	case U_WB_SINGLE_QUOTE: return C_MIDNUMLET;
	case U_WB_MIDLETTER: return C_MIDLETTER;
	case U_WB_MIDNUM: return C_MIDNUM;
	default: return C_ICU;   /* CR LF Newline Extend Format ZWJ Hebrew ... */
	}
}

static void make_class_tables(nxt_analyzer *a)
{
	for (UChar32 c = 0; c < 0x800; c++)
		a->wb_low[c] = wb_class(c);
	for (UChar32 c = 0x2000; c < 0x2080; c++)
		a->wb_punct[c - 0x2000] = wb_class(c);
	/* what nxt_word_script makes of a word's first character */
	for (UChar32 c = 0x80; c < 0x800; c++)
		a->script2[c - 0x80] = (int8_t)(u_charType(c) == U_DECIMAL_DIGIT_NUMBER
							? NXT_SCRIPT_DIGIT
							: script_class(c));
	for (unsigned lead = 0; lead < 32; lead++) {
		a->wb_lead_plain[lead] = 1;
		for (unsigned k = 0; k < 64; k++)
			if (a->wb_low[lead << 6 | k] == C_ICU)
				a->wb_lead_plain[lead] = 0;
	}
	{
		static const unsigned char mask[8] = { 0xFE, 0xC0, 0xFE, 0xC0, 0xFE, 0xC0, 0xFE, 0xC0 };
		static const unsigned char bits[8] = { 0xD0, 0x80, 0xD0, 0x80, 0xD0, 0x80, 0xD0, 0x80 };

		memcpy(&a->cyr4_mask, mask, 8);
		memcpy(&a->cyr4_bits, bits, 8);
		a->cyr4_plain = a->wb_lead_plain[0xD0 & 0x1F] && a->wb_lead_plain[0xD1 & 0x1F];
	}
}

/* The class of the character at t[i] (i < len); *next is where the next
 * one starts.  Ill-formed bytes are C_ICU. */
static inline int char_class(const nxt_analyzer *a, const char *t, size_t len, size_t i, size_t *next)
{
	const unsigned char *p = (const unsigned char *)t + i;

	if (p[0] < 0x80) {
		*next = i + 1;
		return a->wb_low[p[0]];
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF && i + 1 < len && (p[1] & 0xC0) == 0x80) {
		*next = i + 2;
		return a->wb_low[((p[0] & 0x1F) << 6) | (p[1] & 0x3F)];
	}
	/* U+2000..U+207F: E2 80..81 xx */
	if (p[0] == 0xE2 && i + 2 < len && (p[1] == 0x80 || p[1] == 0x81) && (p[2] & 0xC0) == 0x80) {
		*next = i + 3;
		return a->wb_punct[((p[1] & 0x01) << 6) | (p[2] & 0x3F)];
	}
	*next = i + 1;
	return C_ICU;
}

/* char_class inside a scanner's region, whose characters char_class has
 * already found to be no C_ICU (next_region): a byte of 0x80 or above
 * starts a whole two-byte sequence or E2 80..81 xx, so neither the bounds
 * nor the continuation bytes need checking again. */
static inline int region_class(const nxt_analyzer *a, const char *t, size_t i, size_t *next)
{
	const unsigned char *p = (const unsigned char *)t + i;

	if (p[0] < 0x80) {
		*next = i + 1;
		return a->wb_low[p[0]];
	}
	if (p[0] < 0xE0) {
		*next = i + 2;
		return a->wb_low[((p[0] & 0x1F) << 6) | (p[1] & 0x3F)];
	}
	*next = i + 3;
	return a->wb_punct[((p[1] & 0x01) << 6) | (p[2] & 0x3F)];
}

/* The end of the segment starting at i (a letter, digit or ExtendNumLet)
 * in a scanner's region ending at len, and whether it is a word. */
static size_t fast_segment(const nxt_analyzer *a, const char *t, size_t len, size_t i, int *word)
{
	size_t start = i, next, after_next;
	int has = 0, prev = C_OTHER;

	while (i < len) {
		int c = region_class(a, t, i, &next);

		if (c == C_LETTER || c == C_DIGIT) {
			has = 1;
		} else if (c == C_EXT) {
			/* ICU: a run of two ExtendNumLet or more is a word, one is not */
			has |= i > start;
		} else if ((c == C_MIDNUMLET || c == C_MIDLETTER || c == C_MIDNUM) && next < len) {
			int after = region_class(a, t, next, &after_next);
			if ((prev == C_LETTER && after == C_LETTER && c != C_MIDNUM) ||
			    (prev == C_DIGIT && after == C_DIGIT && c != C_MIDLETTER)) {
				i = after_next;
				continue;  /* prev stays what it was: a letter or digit */
			}
			break;
		} else {
			break;
		}
		prev = c;
		i = next;
	}
	*word = has;
	return i;
}

/* ---- the word loop --------------------------------------------------------- */

/*
 * Where the next word segment comes from.  The text is cut into regions at
 * ASCII white space, where UAX #29 always breaks: a run of at least
 * FAST_RUN white-space-separated pieces that the scanner above can segment
 * (or a text made only of such pieces) goes to it; the rest to ICU's
 * iterator, set on that region alone.  Text in Latin, Cyrillic or Arabic
 * letters then stays off ICU, except around a piece with a combining mark
 * or a format character; Chinese and Japanese (dictionary segmentation)
 * stay with ICU.
 */
#define FAST_RUN 8

typedef struct seg_iter {
	nxt_analyzer *a;
	const char *text;
	size_t len;
	int fast;       /* fast paths allowed */
	size_t next;    /* where the next region starts */
	int scan;       /* the current region's kind: 1 for the scanner */
	size_t rs, re;  /* the current region */
	size_t pos;     /* scanner: where to scan from */
	int32_t prev;   /* ICU: the last boundary (a unit of a->reg16, or a
			 * byte when the region is too long for it) */
	const int32_t *map;  /* ICU: a->reg_map, or NULL for a UTF-8 region */
	size_t icu_at;  /* next_region: the first C_ICU character at or after */
	int icu_known;  /* ... the start of a region, once looked for */
} seg_iter;

/* ' ', '\t', '\n', '\v', '\f', '\r' (one test: this runs per byte). */
static inline int is_space(unsigned char c)
{
	return c <= ' ' && ((0x100003E00ull >> c) & 1);
}

/* The piece (run of non-space bytes) at or after p: [*ps, *pe); returns
 * whether the scanner can segment it (no C_ICU character), or -1 when
 * there is none. */
static int piece(const nxt_analyzer *a, const char *t, size_t n, size_t p, size_t *ps,
		 size_t *pe)
{
	int fast = 1;

	while (p < n && is_space((unsigned char)t[p]))
		p++;
	if (p >= n)
		return -1;
	*ps = p;
	while (p < n && !is_space((unsigned char)t[p])) {
		size_t next;
		if (!fast) {
			/* Only the piece's end is wanted now: eight bytes at
			 * a time up to one below 0x21 (a space among them). */
			while (p + 8 <= n && !nxt_has_below(nxt_load8(t + p), 0x21))
				p += 8;
			while (p < n && !is_space((unsigned char)t[p]))
				p++;
			break;
		}
		if ((unsigned char)t[p] < 0x80) {
			p++;
			continue;
		}
		fast = char_class(a, t, n, p, &next) != C_ICU;
		p = next;
	}
	*pe = p;
	return fast;
}

/* Where the first character of class C_ICU (char_class) at or after p is
 * in t[0, len), or len when there is none.  Runs of ASCII, which has no
 * C_ICU character but the spaces between pieces, go eight bytes at a time. */
static size_t first_icu(const nxt_analyzer *a, const char *t, size_t len, size_t p)
{
	while (p < len) {
		size_t next;

		if ((unsigned char)t[p] < 0x80) {
			p++;
			while (p + 8 <= len && !(nxt_load8(t + p) & NXT_HIGH_BITS))
				p += 8;
			continue;
		}
		/* A two-byte character whose lead byte has no C_ICU one
		 * (Cyrillic, most of Latin): no need to look it up; and four
		 * of U+0400..U+047F (D0 or D1, a continuation byte: mask and
		 * bits in memory order) at a time after it. */
		if ((unsigned char)t[p] >= 0xC2 && (unsigned char)t[p] <= 0xDF && p + 1 < len &&
		    ((unsigned char)t[p + 1] & 0xC0) == 0x80 && a->wb_lead_plain[t[p] & 0x1F]) {
			p += 2;
			while (a->cyr4_plain && p + 8 <= len &&
			       (nxt_load8(t + p) & a->cyr4_mask) == a->cyr4_bits)
				p += 8;
			continue;
		}
		if (char_class(a, t, len, p, &next) == C_ICU)
			return p;
		p = next;
	}
	return len;
}

/* Choose the next region, from it->next.  Returns 0 at the end of text. */
static int next_region(seg_iter *it)
{
	size_t p = it->next, ps, pe, run_start = 0, nrun = 0;
	int k;

	if (p >= it->len)
		return 0;
	it->rs = p;
	/* No C_ICU character in the rest of the text (most texts of the
	 * alphabets): every piece of it is the scanner's, so the rest is one
	 * scanner's region, as the loop below would find piece by piece.
	 * (Were it all spaces, the loop would hand it to ICU: no words
	 * either way.) */
	if (!it->icu_known || it->icu_at < p) {
		it->icu_at = first_icu(it->a, it->text, it->len, p);
		it->icu_known = 1;
	}
	if (it->icu_at == it->len) {
		it->scan = 1;
		it->re = it->len;
		return 1;
	}
	/* A scanner's region: FAST_RUN of its pieces or more, or all the rest. */
	for (k = piece(it->a, it->text, it->len, p, &ps, &pe); k == 1;
	     k = piece(it->a, it->text, it->len, pe, &ps, &pe)) {
		nrun++;
		p = pe;
	}
	if (nrun > 0 && (nrun >= FAST_RUN || k < 0)) {
		it->scan = 1;
		it->re = k < 0 ? it->len : p;
		return 1;
	}
	/* An ICU region: up to the next run of FAST_RUN of the scanner's
	 * pieces, or to the end (a trailing run of any length goes with it). */
	it->scan = 0;
	nrun = 0;
	for (k = piece(it->a, it->text, it->len, it->rs, &ps, &pe); k >= 0;
	     k = piece(it->a, it->text, it->len, pe, &ps, &pe)) {
		if (k == 1) {
			if (nrun++ == 0)
				run_start = ps;
			if (nrun == FAST_RUN) {
				it->re = run_start;
				return 1;
			}
		} else {
			nrun = 0;
		}
	}
	it->re = it->len;
	return 1;
}

#define REGION16_MAX ((size_t)256 << 10)

/* Hand ICU's word iterator the region t[0, n) in UTF-16 (a->reg16, with
 * a->reg_map from its units back to bytes).  Ill-formed bytes become
 * U+FFFD as in ICU's own UTF-8 text (U8_NEXT_OR_FFFD). */
static int set_region_text(nxt_analyzer *a, const char *t, size_t n)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t i = 0, u = 0, len;

	if (n > INT32_MAX - 1)
		return nx_error_set(NX_EINVAL, "text of %zu bytes is too long to segment (max %d)",
				    n, INT32_MAX - 1);
	len = (int32_t)n;
	/* UTF-16 never needs more units than UTF-8 has bytes. */
	if (n + 1 > a->reg_cap) {
		size_t cap = a->reg_cap ? a->reg_cap : 256;
		UChar *r;
		int32_t *m;

		while (cap < n + 1)
			cap *= 2;
		if (!(r = realloc(a->reg16, cap * sizeof *r)))
			return nx_error_set(NX_ENOMEM, "out of memory segmenting %zu bytes", n);
		a->reg16 = r;
		if (!(m = realloc(a->reg_map, cap * sizeof *m)))
			return nx_error_set(NX_ENOMEM, "out of memory segmenting %zu bytes", n);
		a->reg_map = m;
		a->reg_cap = cap;
	}
	while (i < len) {
		int32_t at = i;
		UChar32 c;
		unsigned char b = (unsigned char)t[i];

		/* ASCII and well-formed three-byte characters (CJK) inline */
		if (b < 0x80) {
			a->reg_map[u] = at;
			a->reg16[u++] = b;
			i++;
			continue;
		}
		if (b >= 0xE1 && b <= 0xEC && i + 2 < len && ((unsigned char)t[i + 1] & 0xC0) == 0x80 &&
		    ((unsigned char)t[i + 2] & 0xC0) == 0x80) {
			a->reg_map[u] = at;
			a->reg16[u++] = (UChar)((b & 0x0F) << 12 | ((unsigned char)t[i + 1] & 0x3F) << 6 |
						((unsigned char)t[i + 2] & 0x3F));
			i += 3;
			continue;
		}
		U8_NEXT_OR_FFFD(t, i, len, c);
		if (U_IS_BMP(c)) {
			a->reg_map[u] = at;
			a->reg16[u++] = (UChar)c;
		} else {
			a->reg_map[u] = at;
			a->reg16[u++] = U16_LEAD(c);
			a->reg_map[u] = at;  /* never a boundary */
			a->reg16[u++] = U16_TRAIL(c);
		}
	}
	a->reg_map[u] = len;
	a->word_text = utext_openUChars(a->word_text, a->reg16, u, &st);
	if (U_FAILURE(st))
		return icu_error("opening UTF-16 text", st);
	ubrk_setUText(a->word_brk, a->word_text, &st);
	if (U_FAILURE(st))
		return icu_error("setting break iterator text", st);
	return NX_OK;
}

static int start_region(seg_iter *it)
{
	int rc;

	it->next = it->re;
	if (it->scan) {
		it->pos = it->rs;
		return NX_OK;
	}
	/* A region longer than REGION16_MAX (a 100 MB line of mixed
	 * scripts, say) stays UTF-8: its UTF-16 copy and map would take six
	 * times its size. */
	if (it->re - it->rs <= REGION16_MAX) {
		rc = set_region_text(it->a, it->text + it->rs, it->re - it->rs);
		it->map = it->a->reg_map;
	} else {
		rc = set_text(&it->a->word_text, it->a->word_brk, it->text + it->rs,
			      it->re - it->rs);
		it->map = NULL;
	}
	if (rc)
		return rc;
	it->prev = ubrk_first(it->a->word_brk);
	return NX_OK;
}

/* The next word segment [*start, *end): 1, or 0 at the end, or < 0 on an
 * error. */
static int next_segment(seg_iter *it, size_t *start, size_t *end)
{
	int rc;

	for (;;) {
		if (it->scan) {
			while (it->pos < it->re) {
				size_t i = it->pos, e;
				int c = region_class(it->a, it->text, i, &e), word;

				if (c != C_LETTER && c != C_DIGIT && c != C_EXT) {
					it->pos = e;
					continue;
				}
				e = fast_segment(it->a, it->text, it->re, i, &word);
				it->pos = e;
				if (word) {
					*start = i;
					*end = e;
					return 1;
				}
			}
		} else if (it->re > it->rs) {
			for (int32_t cur = ubrk_next(it->a->word_brk); cur != UBRK_DONE;
			     it->prev = cur, cur = ubrk_next(it->a->word_brk)) {
				/* The rule status of the boundary ending a segment
				 * tells what it is: >= NONE_LIMIT means number,
				 * letters, kana or ideographs; below it, spaces,
				 * punctuation, emoji. */
				if (ubrk_getRuleStatus(it->a->word_brk) < UBRK_WORD_NONE_LIMIT)
					continue;
				*start = it->rs + (size_t)(it->map ? it->map[it->prev] : it->prev);
				*end = it->rs + (size_t)(it->map ? it->map[cur] : cur);
				it->prev = cur;
				return 1;
			}
		}
		/* This region is done: on to the next. */
		if (!it->fast) {
			if (it->next >= it->len)
				return 0;
			it->scan = 0;
			it->rs = it->next;
			it->re = it->len;
		} else if (!next_region(it)) {
			return 0;
		}
		if ((rc = start_region(it)))
			return rc;
	}
}

/* The word loop behind nxt_words (normalize != 0) and nxt_count_words
 * (fn == NULL, normalize == 0: only *count is kept). */
static int words_run(nxt_analyzer *a, const char *text, size_t len, nxt_token_fn fn,
		     void *ctx, int normalize, size_t *count)
{
	nxt_token tok;
	int32_t prev_end = -1;
	int prev_script = NXT_SCRIPT_OTHER;
	uint32_t index = 0;
	size_t n = 0, start = 0, end = 0;
	seg_iter it;
	int rc;

	if (!a || (!text && len))
		return nx_error_set(NX_EINVAL, "nxt_words: NULL argument");
	if (a->in_words)
		return nx_error_set(NX_EINVAL, "nxt_words: called again from its own callback");
	if (len == 0)
		goto done;
	if (len > INT32_MAX)
		return nx_error_set(NX_EINVAL, "text of %zu bytes is too long to segment (max %d)",
				    len, INT32_MAX);
	memset(&it, 0, sizeof it);
	it.a = a;
	it.text = text;
	it.len = len;
	it.fast = !a->icu_only;
	it.scan = 1;  /* an empty first region: next_segment picks the first real one */

	a->in_words = 1;
	a->chain_len = 0;
	a->chain_parts = 0;
	rc = NX_OK;
	for (;;) {
		int got = next_segment(&it, &start, &end);
		if (got <= 0) {
			rc = got;
			break;
		}
		const char *w = text + start;
		int32_t wn = (int32_t)(end - start);

		if (!normalize) {
			if (has_non_ignorable(w, wn))
				n++;
			continue;
		}
		if ((rc = normalize_word(a, w, wn, len - start, &tok.norm_len)))
			break;
		if (tok.norm_len == 0)
			continue;
		tok.norm = a->norm;
		tok.start = start;
		tok.end = end;
		tok.index = index++;
		/* The script of the normalised word: mixed-script repair
		 * may have changed it. */
		tok.script = token_script(a, a->norm, tok.norm_len);
		if ((rc = chain_word(a, &tok, text, len, prev_end, prev_script)))
			break;
		prev_end = (int32_t)end;
		prev_script = tok.script;
		n++;
		if ((rc = fn(ctx, &tok)) != 0)
			break;
	}
	a->in_words = 0;
	if (rc)
		return rc;
done:
	if (count)
		*count = n;
	return NX_OK;
}

int nxt_words(nxt_analyzer *a, const char *text, size_t len, nxt_token_fn fn, void *ctx)
{
	if (!fn)
		return nx_error_set(NX_EINVAL, "nxt_words: NULL callback");
	return words_run(a, text, len, fn, ctx, 1, NULL);
}

int nxt_count_words(size_t *out, nxt_analyzer *a, const char *text, size_t len)
{
	*out = 0;
	return words_run(a, text, len, NULL, NULL, 0, out);
}

/* ---- sentences ----------------------------------------------------------- */

int nxt_sentences(nxt_analyzer *a, const char *text, size_t len, nxt_span_fn fn, void *ctx)
{
	int32_t prev, cur;
	int rc;

	if (!a || !fn || (!text && len))
		return nx_error_set(NX_EINVAL, "nxt_sentences: NULL argument");
	if (a->in_sentences)
		return nx_error_set(NX_EINVAL, "nxt_sentences: called again from its own callback");
	if (len == 0)
		return NX_OK;
	if ((rc = set_text(&a->sent_text, a->sent_brk, text, len)))
		return rc;

	a->in_sentences = 1;
	rc = NX_OK;
	prev = ubrk_first(a->sent_brk);
	for (cur = ubrk_next(a->sent_brk); cur != UBRK_DONE;
	     prev = cur, cur = ubrk_next(a->sent_brk)) {
		if ((rc = fn(ctx, (size_t)prev, (size_t)cur)) != 0)
			break;
	}
	a->in_sentences = 0;
	return rc;
}

/* ---- stems --------------------------------------------------------------- */

enum { LANG_LATIN = 1, LANG_CYRILLIC = 2, LANG_BOTH = 3, LANG_OTHER = 4 };

/*
 * The script each Xapian stemmer is written for.  A stemmer only sees words
 * of its own script; others go to the stemmer of their script.  That keeps
 * index and query in step: "shooting" in a Russian article is stemmed as
 * English, just as in a query whose language is unknown.
 */
static const struct {
	const char *lang;
	int script;
} lang_scripts[] = {
	{ "en", LANG_LATIN },    { "english", LANG_LATIN },  { "ru", LANG_CYRILLIC },
	{ "russian", LANG_CYRILLIC }, { "de", LANG_LATIN },  { "german", LANG_LATIN },
	{ "fr", LANG_LATIN },    { "french", LANG_LATIN },   { "es", LANG_LATIN },
	{ "spanish", LANG_LATIN }, { "it", LANG_LATIN },     { "italian", LANG_LATIN },
	{ "pt", LANG_LATIN },    { "portuguese", LANG_LATIN }, { "nl", LANG_LATIN },
	{ "dutch", LANG_LATIN }, { "da", LANG_LATIN },       { "danish", LANG_LATIN },
	{ "sv", LANG_LATIN },    { "swedish", LANG_LATIN },  { "no", LANG_LATIN },
	{ "nb", LANG_LATIN },    { "nn", LANG_LATIN },       { "norwegian", LANG_LATIN },
	{ "fi", LANG_LATIN },    { "finnish", LANG_LATIN },  { "hu", LANG_LATIN },
	{ "hungarian", LANG_LATIN }, { "ro", LANG_LATIN },   { "romanian", LANG_LATIN },
	{ "tr", LANG_LATIN },    { "turkish", LANG_LATIN },  { "ca", LANG_LATIN },
	{ "catalan", LANG_LATIN }, { "eu", LANG_LATIN },     { "basque", LANG_LATIN },
	{ "ga", LANG_LATIN },    { "irish", LANG_LATIN },    { "id", LANG_LATIN },
	{ "indonesian", LANG_LATIN }, { "lt", LANG_LATIN },  { "lithuanian", LANG_LATIN },
	{ "porter", LANG_LATIN }, { "lovins", LANG_LATIN },  { "kraaij_pohlmann", LANG_LATIN },
	{ "earlyenglish", LANG_LATIN }, { "sr", LANG_BOTH }, { "serbian", LANG_BOTH },
	{ "ar", LANG_OTHER },    { "arabic", LANG_OTHER },   { "hy", LANG_OTHER },
	{ "armenian", LANG_OTHER }, { "el", LANG_OTHER },    { "greek", LANG_OTHER },
	{ "hi", LANG_OTHER },    { "hindi", LANG_OTHER },    { "ne", LANG_OTHER },
	{ "nepali", LANG_OTHER }, { "ta", LANG_OTHER },      { "tamil", LANG_OTHER },
	{ "yi", LANG_OTHER },    { "yiddish", LANG_OTHER },
};

/* The script of `lang`'s stemmer, or 0 when there is none. */
static int lang_script(const char *lang)
{
	for (size_t i = 0; i < sizeof lang_scripts / sizeof lang_scripts[0]; i++)
		if (strcmp(lang, lang_scripts[i].lang) == 0)
			return lang_scripts[i].script;
	return 0;
}

/* The cached stemmer for `lang` (created on first use); *out is NULL when
 * Xapian has none.  Only failures other than "no such stemmer" are errors. */
static int get_stemmer(nxx_stem **out, nxt_analyzer *a, const char *lang)
{
	nxx_stem *s = NULL;
	int rc;

	*out = NULL;
	for (size_t i = 0; i < a->nstems; i++) {
		if (strcmp(a->stems[i].lang, lang) == 0) {
			*out = a->stems[i].stem;
			return NX_OK;
		}
	}
	if (a->nstems == a->stems_cap) {
		size_t cap = a->stems_cap ? a->stems_cap * 2 : 4;
		stem_entry *p = realloc(a->stems, cap * sizeof *p);
		if (!p)
			return nx_error_set(NX_ENOMEM, "out of memory caching a stemmer");
		a->stems = p;
		a->stems_cap = cap;
	}
	rc = nxx_stem_new(&s, lang);
	if (rc && rc != NX_ENOTFOUND)
		return rc;
	/* lang fits: the caller checked its length. */
	snprintf(a->stems[a->nstems].lang, sizeof a->stems[a->nstems].lang, "%s", lang);
	a->stems[a->nstems].stem = s;
	a->nstems++;
	*out = s;
	return NX_OK;
}

/* Language key: the primary subtag, lower-cased ("en-GB", "EN_gb" -> "en").
 * Returns 0 when it does not fit (no real language code is that long). */
static int lang_key(char *key, size_t size, const char *lang)
{
	size_t i;

	for (i = 0; lang[i] && lang[i] != '-' && lang[i] != '_'; i++) {
		if (i + 1 >= size)
			return 0;
		char c = lang[i];
		key[i] = (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
	}
	key[i] = '\0';
	return i > 0;
}

/* Languages whose Cyrillic words kkstem.c stems. */
static int is_turkic_lang(const char *key)
{
	return strcmp(key, "kk") == 0 || strcmp(key, "ky") == 0 || strcmp(key, "tt") == 0 ||
	       strcmp(key, "kaz") == 0 || strcmp(key, "kir") == 0 || strcmp(key, "tat") == 0;
}

static int return_unchanged(const char **out, size_t *outlen, nxt_analyzer *a,
			    const char *word, size_t len)
{
	int rc;

	if (len == SIZE_MAX)
		return nx_error_set(NX_ENOMEM, "word too long");
	if ((rc = nxt_grow_bytes(&a->word_copy, &a->word_copy_cap, len + 1)))
		return rc;
	if (len)
		memcpy(a->word_copy, word, len);
	a->word_copy[len] = '\0';
	*out = a->word_copy;
	if (outlen)
		*outlen = len;
	return NX_OK;
}

/* The Snowball stemmer for a word of `script` in `lang` (*out NULL: the
 * word passes unchanged), and whether lang is one kkstem.c stems. */
static int choose_stemmer(nxx_stem **out, int *turkic, nxt_analyzer *a, const char *lang,
			  int script)
{
	char key[16];
	const char *use = NULL;
	nxx_stem *s = NULL;
	int rc;

	*out = NULL;
	*turkic = 0;
	/* The stemmer of `lang`, if it exists and is made for this script. */
	if (lang && lang_key(key, sizeof key, lang)) {
		int ls = lang_script(key);
		int fits = (script == NXT_SCRIPT_LATIN && (ls == LANG_LATIN || ls == LANG_BOTH)) ||
			   (script == NXT_SCRIPT_CYRILLIC && (ls == LANG_CYRILLIC || ls == LANG_BOTH)) ||
			   (script == NXT_SCRIPT_OTHER && ls == LANG_OTHER);
		*turkic = is_turkic_lang(key);
		if (fits) {
			if ((rc = get_stemmer(&s, a, key)))
				return rc;
		}
	}
	/* Otherwise (no stemmer for "kk", none in this Xapian, or a word of
	 * another script) the script decides. */
	if (!s) {
		if (script == NXT_SCRIPT_LATIN)
			use = "en";
		else if (script == NXT_SCRIPT_CYRILLIC)
			use = "ru";
		else
			return NX_OK;
		if ((rc = get_stemmer(&s, a, use)))
			return rc;
	}
	*out = s;
	return NX_OK;
}

/* Does the UTF-8 word contain ё (D1 91)? */
static int has_yo(const char *w, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if ((unsigned char)w[i] == 0xD1 && (unsigned char)w[i + 1] == 0x91)
			return 1;
	return 0;
}

static uint32_t stem_hash(const void *who, const char *w, size_t n)
{
	return nxt_hash_short(w, n, (uint64_t)(uintptr_t)who);
}

/* Stem with s through the cache. */
static int cached_stem(const char **out, size_t *outlen, nxt_analyzer *a, nxx_stem *s,
		       const char *word, size_t len)
{
	nxt_stem_slot *set = NULL, *slot;
	uint32_t h = 0;
	size_t sl;
	int rc;

	if (len > 0 && len < NXT_STEM_WORD) {
		if (!a->stem_cache)
			a->stem_cache = calloc((size_t)NXT_STEM_SETS * 2, sizeof *a->stem_cache);
		if (a->stem_cache) {  /* without one, stem every time */
			h = stem_hash(s, word, len);
			set = &a->stem_cache[(h % NXT_STEM_SETS) * 2];
			for (int k = 0; k < 2; k++) {
				slot = &set[k];
				if (slot->hash == h && slot->wlen == len && slot->stemmer == s &&
				    nxt_same_bytes(slot->word, word, len)) {
					slot->used = ++a->stem_tick;
					*out = slot->stem;
					if (outlen)
						*outlen = slot->slen;
					return NX_OK;
				}
			}
		}
	}
	if ((rc = nxx_stem_apply(out, outlen, s, word, len)))
		return rc;
	sl = strlen(*out);
	if (set && sl < NXT_STEM_WORD) {
		slot = set[0].used <= set[1].used ? &set[0] : &set[1];
		slot->hash = h;
		slot->stemmer = s;
		slot->wlen = (uint8_t)len;
		slot->slen = (uint8_t)sl;
		memcpy(slot->word, word, len);
		memcpy(slot->stem, *out, sl + 1);
		slot->used = ++a->stem_tick;
		*out = slot->stem;  /* stays valid like the stemmer's own buffer */
	}
	return NX_OK;
}

int nxt_stem(const char **out, size_t *outlen, nxt_analyzer *a, const char *lang,
	     const char *word, size_t len, int script)
{
	nxx_stem *stem;
	int rc, sel_turkic;

	*out = NULL;
	if (outlen)
		*outlen = 0;
	if (!a || (!word && len))
		return nx_error_set(NX_EINVAL, "nxt_stem: NULL argument");
	if (script == NXT_SCRIPT_DIGIT)
		return return_unchanged(out, outlen, a, word, len);

	if (!lang)
		lang = "";
	if (!a->sel_valid || strcmp(a->sel_lang, lang) != 0) {
		size_t ll = strlen(lang);

		memset(a->sel_known, 0, sizeof a->sel_known);
		a->sel_valid = ll < sizeof a->sel_lang;
		if (a->sel_valid)
			memcpy(a->sel_lang, lang, ll + 1);
	}
	if (script < 0 || script > NXT_SCRIPT_HAN || !a->sel_valid || !a->sel_known[script]) {
		int turkic;

		if ((rc = choose_stemmer(&stem, &turkic, a, lang, script)))
			return rc;
		if (script >= 0 && script <= NXT_SCRIPT_HAN && a->sel_valid) {
			a->sel_stem[script] = stem;
			a->sel_turkic[script] = (uint8_t)turkic;
			a->sel_known[script] = 1;
		}
		sel_turkic = turkic;
	} else {
		stem = a->sel_stem[script];
		sel_turkic = a->sel_turkic[script];
	}
	/* Kazakh, Kyrgyz and Tatar have no Snowball stemmer: our light
	 * suffix stripper (kkstem.c) takes their Cyrillic words, and, when
	 * the language is unknown, Cyrillic words with letters of theirs. */
	if (script == NXT_SCRIPT_CYRILLIC &&
	    (*lang ? sel_turkic : nxt_has_turkic_letters(word, len)))
		return return_unchanged(out, outlen, a, word, nxt_kk_stem_len(word, len));
	if (!stem)
		return return_unchanged(out, outlen, a, word, len);
	/* ё is е to Russian readers and to Snowball since 2.0, but Xapian
	 * 1.4's Russian stemmer predates that: fold it first (2 bytes each). */
	if (script == NXT_SCRIPT_CYRILLIC && has_yo(word, len)) {
		if ((rc = nxt_grow_bytes(&a->yo_copy, &a->yo_copy_cap, len + 1)))
			return rc;
		memcpy(a->yo_copy, word, len);
		for (size_t i = 0; i + 1 < len; i++)
			if ((unsigned char)a->yo_copy[i] == 0xD1 && (unsigned char)a->yo_copy[i + 1] == 0x91)
				a->yo_copy[i] = (char)0xD0, a->yo_copy[i + 1] = (char)0xB5;
		word = a->yo_copy;
	}
	return cached_stem(out, outlen, a, stem, word, len);
}

/* ---- recorded words ------------------------------------------------------ */

int nxt_words_record(nxt_words_rec *r, const nxt_token *tok)
{
	size_t need = tok->norm_len + 1 + (tok->joined ? tok->joined_len + 1 : 0);
	nxt_rec_word *w;
	int rc;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		nxt_rec_word *p = realloc(r->w, cap * sizeof *p);

		if (!p)
			return nx_error_set(NX_ENOMEM, "out of memory recording words");
		r->w = p;
		r->cap = cap;
	}
	if ((rc = nxt_grow_bytes(&r->chars, &r->chars_cap, r->chars_len + need)))
		return rc;
	w = &r->w[r->n++];
	w->start = tok->start;
	w->end = tok->end;
	w->index = tok->index;
	w->script = tok->script;
	w->norm = r->chars_len;
	w->norm_len = tok->norm_len;
	memcpy(r->chars + r->chars_len, tok->norm, tok->norm_len);
	r->chars[r->chars_len + tok->norm_len] = '\0';
	r->chars_len += tok->norm_len + 1;
	w->joined = SIZE_MAX;
	w->joined_len = 0;
	if (tok->joined) {
		w->joined = r->chars_len;
		w->joined_len = tok->joined_len;
		memcpy(r->chars + r->chars_len, tok->joined, tok->joined_len);
		r->chars[r->chars_len + tok->joined_len] = '\0';
		r->chars_len += tok->joined_len + 1;
	}
	return NX_OK;
}

void nxt_words_rec_clear(nxt_words_rec *r)
{
	r->n = 0;
	r->chars_len = 0;
}

void nxt_words_rec_free(nxt_words_rec *r)
{
	free(r->w);
	free(r->chars);
	memset(r, 0, sizeof *r);
}

int nxt_words_rec_each(const nxt_words_rec *r, nxt_token_fn fn, void *ctx)
{
	if (!r || !fn)
		return nx_error_set(NX_EINVAL, "nxt_words_rec_each: NULL argument");
	for (size_t i = 0; i < r->n; i++) {
		const nxt_rec_word *w = &r->w[i];
		nxt_token t;
		int rc;

		t.norm = r->chars + w->norm;
		t.norm_len = w->norm_len;
		t.start = w->start;
		t.end = w->end;
		t.index = w->index;
		t.script = w->script;
		t.joined = w->joined == SIZE_MAX ? NULL : r->chars + w->joined;
		t.joined_len = w->joined_len;
		if ((rc = fn(ctx, &t)))
			return rc;
	}
	return NX_OK;
}
