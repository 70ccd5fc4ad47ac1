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
	int script;         /* NXT_SCRIPT_* of the (normalised) word's first
			       letter or digit */
	/* A word joined to the words before it by single hyphens (-, U+2010,
	 * U+2011, no spaces): the norms of the whole compound so far without
	 * the hyphens ("Alma-Ata" -> "almaata" on "ata"; "бизнес-климат" ->
	 * "бизнесклимат"), NUL-terminated and owned by the analyzer like
	 * norm; else NULL.  Numbers joined to numbers ("2021-2022") are not
	 * compounds; at most 6 parts and 240 bytes. */
	const char *joined;
	size_t joined_len;
} nxt_token;

enum nxt_script {
	NXT_SCRIPT_OTHER = 0,
	NXT_SCRIPT_LATIN = 1,
	NXT_SCRIPT_CYRILLIC = 2,
	NXT_SCRIPT_DIGIT = 3,
	NXT_SCRIPT_HAN = 4  /* CJK ideographs, kana, Hangul, Thai ... */
};

/* The script class (NXT_SCRIPT_*) of a normalised word or compound, as
 * nxt_token.script: that of its first letter or digit. */
int nxt_word_script_of(const char *w, size_t len);

/* Return non-zero from the callback to stop; that value is returned. */
typedef int (*nxt_token_fn)(void *ctx, const nxt_token *tok);

/*
 * Segment `text` into words (Unicode UAX #29 word boundaries via ICU, with
 * ICU's dictionaries for CJK and Thai) and call fn for each word: segments
 * of letters, digits, ideographs or kana; punctuation and spaces are not
 * words.  Normalisation: NFKC case folding; typographic apostrophes become
 * ASCII ones and a trailing possessive 's is dropped (Tokayev's -> tokayev).
 *
 * Mixed-script repair: a word with both Latin and Cyrillic letters is
 * rewritten in the script of most of its letters when every letter of the
 * other script has a look-alike there (a c e o p x y k m t h b i j: "Тoкаев"
 * with a Latin o -> "токаев"; "Almаty" with a Cyrillic а -> "almaty").
 * Words whose odd letters have no look-alike stay as they are.
 */
int nxt_words(nxt_analyzer *a, const char *text, size_t len, nxt_token_fn fn, void *ctx);

/* Count words (as nxt_words would report them). */
int nxt_count_words(size_t *out, nxt_analyzer *a, const char *text, size_t len);

/* ---- variant forms (variants.c) ------------------------------------------ */

/*
 * The folded form of a normalised word: what a reader who leaves out
 * diacritics and punctuation types.  It is indexed beside the word, at the
 * same position, and searched for beside it, so café = cafe, Zürich =
 * Zurich, U.S. = US, don't = dont, O'Brien = OBrien, ёлка = елка.
 *
 * Per script, deliberately:
 *  - Latin: letters lose their diacritics (é -> e, ü -> u, ş -> s, ő -> o,
 *    å -> a; æ -> ae, ø -> o, ł -> l, ı -> i, ß was already ss).  Readers
 *    of every Latin-script language here accept the plain letter as a
 *    stand-in, and the exact form stays indexed, so "für" still finds
 *    only "für" exactly while "fur" finds both.
 *  - Cyrillic: only ё -> е, as Russian print and every Russian search
 *    engine treat them.  й stays (и is another letter: "мой" is not
 *    "мои"), and so do the Kazakh, Kyrgyz and Tatar letters ә ғ қ ң ө ұ ү
 *    һ і җ: қ/к, ғ/г, ұ/у distinguish words (қол "hand" / кол).  Those
 *    meet their Russian counterparts only through match keys (nxt_key).
 *  - Everywhere: apostrophes and the dots of abbreviations are dropped,
 *    and combining marks of no script of their own (leftover accents,
 *    Arabic harakat) go.  Numbers lose thousands separators (a , . or '
 *    before exactly three digits: 16,000 = 16.000 = 16000; 5.93 and 1,5
 *    stay).  CJK is unchanged.
 *
 * *out is `word` itself when nothing changes, else owned by the analyzer
 * until the next nxt_fold call.
 */
int nxt_fold(const char **out, size_t *outlen, nxt_analyzer *a, const char *word, size_t len,
	     int script);

/*
 * The match key of a normalised Latin or Cyrillic word: its Latin
 * transliteration in lower-case ASCII with spelling variants merged, so
 * that one name written by different conventions or in different scripts
 * has one key.  Токаев, Тоқаев, Tokayev, Toqaev, Tokaev -> "tokaev";
 * Назарбаев, Nazarbayev -> "nazarbaev"; Жомарт, Zhomart, Jomart ->
 * "jomart".
 *
 *  - Transliteration: BGN/PCGN (the press's system) without diacritics:
 *    Russian letters as ICU's Russian-Latin/BGN, Kazakh ones as
 *    Kazakh-Latin/BGN (қ q, ғ gh, ң ng, ұ ү u, ө o, ә a, һ h, і i), the
 *    letters of Ukrainian, Belarusian, Serbian, Macedonian, Tatar by their
 *    BGN values.  A table does this (ICU's transforms are too slow per
 *    word); ICU's Any-Latin, cached, handles any other Cyrillic or Latin
 *    letter.  Digits of any script are ASCII digits in keys.  A word with
 *    a letter of another script (text glued across a missing space:
 *    "westمن") has no key.
 *  - Variant rules, applied to Latin words too: kh = h, zh = dzh = j,
 *    gh before a vowel = g, q = k, x = ks, ss = s, y between vowels
 *    dropped (Tokayev = Tokaev), initial ye before a consonant = e
 *    (Yerlan = Erlan), any other y but an initial one = i (Aybar = Aibar,
 *    Kassym = Kassim, Sergey = Sergei), final ii = i (Dmitriy = Dmitry =
 *    Dmitrii).  Non-alphanumerics are dropped.
 *
 * Rules that would merge frequent English words were left out (doubled
 * letters other than ss: later/latter; w = v; ts = c); EVALUATION.md has the
 * measurements.  Words of other scripts, and digits, have no key: *outlen
 * is 0.  *out is owned by the analyzer until the next nxt_key call.
 */
int nxt_key(const char **out, size_t *outlen, nxt_analyzer *a, const char *word, size_t len,
	    int script);

/* All the forms of a normalised word the index holds, for language lang:
 * nxt_fold, nxt_key, nxt_stem and the key of the stem. */
typedef struct nxt_forms {
	const char *fold;      /* the word itself when folding changes nothing */
	size_t fold_len;
	const char *key;       /* "" (key_len 0) for words without a key */
	size_t key_len;
	const char *stem;
	size_t stem_len;
	const char *stem_key;  /* "" when none */
	size_t stem_key_len;
	/* NXT_FORMS_*: which forms repeat others, so the index holds them
	 * once (worked out when the forms are, not for every occurrence). */
	unsigned repeats;
} nxt_forms;

enum {
	NXT_FORMS_FOLD_IS_WORD = 1,  /* fold equals the word */
	NXT_FORMS_KEY_REPEATS = 2,   /* no key, or it equals the word or fold */
	NXT_FORMS_STEM_KEY_REPEATS = 4  /* no stem key, or it equals the stem */
};

/* Fill *out as the four functions would (through a cache of recent words,
 * which makes indexing's per-word work mostly a lookup).  The strings are
 * owned by the analyzer and valid until its next call. */
int nxt_word_forms(nxt_forms *out, nxt_analyzer *a, const char *lang, const char *word,
		   size_t len, int script);

/* ---- sentences ---------------------------------------------------------- */

typedef int (*nxt_span_fn)(void *ctx, size_t start, size_t end);

/* Call fn for each sentence (ICU sentence break rules) as a byte range;
 * the ranges tile [0, len). */
int nxt_sentences(nxt_analyzer *a, const char *text, size_t len, nxt_span_fn fn, void *ctx);

/* ---- languages and stems ------------------------------------------------ */

/* The language of `text` as an ISO 639-1 code ("en", "kk", "zh" ...):
 * Chinese, Japanese and Korean by their scripts; other texts of 40 letters
 * or more by libexttextcat (its first 1,000 bytes); shorter ones, or when
 * it is unsure, by letters: "kk" for Cyrillic with Kazakh-specific letters,
 * "ru" for other Cyrillic, "en" for Latin; "" when unknown.  Static string.
 * Thread-safe (calls to libexttextcat are serialised). */
const char *nxt_guess_lang(const char *text, size_t len);

/*
 * Stem a normalised word for language `lang` (ISO 639-1 code).  When no
 * stemmer exists for `lang`, or lang is NULL/"", the stemmer is chosen by the
 * word's script (Latin: English, Cyrillic: Russian).  Kazakh, Kyrgyz and
 * Tatar ("kk", "ky", "tt") Cyrillic words go to a light suffix stripper
 * (kkstem.c: Тоқаевтың, Тоқаевқа -> тоқаев), and so do Cyrillic words with
 * letters of those languages (ә ғ қ ң ө ұ ү һ і җ) when lang is NULL/"".
 * Words of other scripts and digits are returned unchanged.  *out is owned
 * by the analyzer and valid until the next call.
 */
int nxt_stem(const char **out, size_t *outlen, nxt_analyzer *a, const char *lang,
	     const char *word, size_t len, int script);


/* ---- recorded words ------------------------------------------------------ */

/*
 * The words of one text as nxt_words reported them, kept (nxt_words_record
 * from the callback) so that a second reader of the same text gets the same
 * words without segmenting and normalising it again: the indexer analyses a
 * passage once for its terms and its names (nxt_names_ex).
 */
typedef struct nxt_rec_word {
	size_t start, end;
	size_t norm, norm_len;      /* offsets into chars */
	size_t joined, joined_len;  /* joined == SIZE_MAX: no compound */
	uint32_t index;
	int script;
} nxt_rec_word;

typedef struct nxt_words_rec {
	nxt_rec_word *w;
	size_t n, cap;
	char *chars;                /* the norms and compounds, NUL-terminated */
	size_t chars_len, chars_cap;
} nxt_words_rec;

#define NXT_WORDS_REC_INIT { NULL, 0, 0, NULL, 0, 0 }

/* Append a copy of tok to r. */
int nxt_words_record(nxt_words_rec *r, const nxt_token *tok);
/* Forget the words, keep the memory. */
void nxt_words_rec_clear(nxt_words_rec *r);
void nxt_words_rec_free(nxt_words_rec *r);

/*
 * Call fn for each word of r in order, with the token nxt_words reported
 * when it was recorded; a non-zero return stops the walk and is returned.
 */
int nxt_words_rec_each(const nxt_words_rec *r, nxt_token_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* NX_TEXT_H */
