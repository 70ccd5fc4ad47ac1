/*
 * nx_text.h — text analysis on ICU: UTF-8 validation and repair, word
 * segmentation with NFKC case folding, sentence segmentation, stemming by
 * language, and a cheap language guess.
 *
 * This layer knows ICU (and reaches Xapian's Snowball stemmers through
 * xapian-c/) and nothing about storage.  The same functions run when
 * indexing, when parsing a query and when drawing highlights, so the three
 * can never drift apart.  Every token carries its byte offsets in the
 * original UTF-8 text.
 *
 * All input text must be valid UTF-8 (use nxt_utf8_repair first).
 */
#ifndef NX_TEXT_H
#define NX_TEXT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- UTF-8 -------------------------------------------------------------- */

/* Is [s, s+len) well-formed UTF-8 (no surrogates, no overlongs, <= U+10FFFF)?
 * NUL bytes are valid UTF-8. */
int nxt_utf8_valid(const char *s, size_t len);

/*
 * Copy `s` with every ill-formed sequence replaced by U+FFFD (the W3C/WHATWG
 * "maximal subpart" practice) and every NUL byte replaced by a space.
 * *out is malloc'd and NUL-terminated, *outlen its length, *nbad the number
 * of replacements of ill-formed sequences (NULs are not counted).
 */
int nxt_utf8_repair(char **out, size_t *outlen, size_t *nbad, const char *s, size_t len);

/* ---- analyzer ----------------------------------------------------------- */

/* An analyzer holds ICU break iterators, the normalizer and stemmers.  It is
 * not thread-safe; use one per thread. */
typedef struct nxt_analyzer nxt_analyzer;

int nxt_analyzer_new(nxt_analyzer **out);
void nxt_analyzer_free(nxt_analyzer *a);

/* ---- words -------------------------------------------------------------- */

typedef struct nxt_token {
	const char *norm;   /* NFKC-casefolded form, NUL-terminated; owned by
			       the analyzer, valid during the callback only */
	size_t norm_len;
	size_t start, end;  /* byte range of the word in the original text */
	uint32_t index;     /* 0-based word number within this call */
	int script;         /* NXT_SCRIPT_* of the word's first letter */
} nxt_token;

enum nxt_script {
	NXT_SCRIPT_OTHER = 0,
	NXT_SCRIPT_LATIN = 1,
	NXT_SCRIPT_CYRILLIC = 2,
	NXT_SCRIPT_DIGIT = 3,
	NXT_SCRIPT_HAN = 4  /* CJK ideographs, kana, Hangul, Thai ... */
};

/* Return non-zero from the callback to stop; that value is returned. */
typedef int (*nxt_token_fn)(void *ctx, const nxt_token *tok);

/*
 * Segment `text` into words (Unicode UAX #29 word boundaries via ICU, with
 * ICU's dictionaries for CJK and Thai) and call fn for each word: segments
 * of letters, digits, ideographs or kana; punctuation and spaces are not
 * words.  Normalisation: NFKC case folding; typographic apostrophes become
 * ASCII ones and a trailing possessive 's is dropped (Tokayev's -> tokayev).
 */
int nxt_words(nxt_analyzer *a, const char *text, size_t len, nxt_token_fn fn, void *ctx);

/* Count words (as nxt_words would report them). */
int nxt_count_words(size_t *out, nxt_analyzer *a, const char *text, size_t len);

/* ---- sentences ---------------------------------------------------------- */

typedef int (*nxt_span_fn)(void *ctx, size_t start, size_t end);

/* Call fn for each sentence (ICU sentence break rules) as a byte range;
 * the ranges tile [0, len). */
int nxt_sentences(nxt_analyzer *a, const char *text, size_t len, nxt_span_fn fn, void *ctx);

/* ---- languages and stems ------------------------------------------------ */

/* A guess at the language of `text` from its letters: "kk" for Cyrillic with
 * Kazakh-specific letters, "ru" for other Cyrillic, "en" for Latin, "" when
 * unknown.  Static string. */
const char *nxt_guess_lang(const char *text, size_t len);

/*
 * Stem a normalised word for language `lang` (ISO 639-1 code).  When no
 * stemmer exists for `lang`, or lang is NULL/"", the stemmer is chosen by the
 * word's script (Latin: English, Cyrillic: Russian).  Words of other scripts
 * and digits are returned unchanged.  *out is owned by the analyzer and valid
 * until the next call.
 */
int nxt_stem(const char **out, size_t *outlen, nxt_analyzer *a, const char *lang,
	     const char *word, size_t len, int script);

#ifdef __cplusplus
}
#endif

#endif /* NX_TEXT_H */
