/*
 * nx_text_int.h — what the files of text/ share and nothing outside needs:
 * the analyzer's fields, and helpers between analyzer.c, variants.c and
 * kkstem.c.
 */
#ifndef NX_TEXT_INT_H
#define NX_TEXT_INT_H

#include "nx_text.h"
#include "nx_xapian.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/utext.h>
#include <unicode/utrans.h>

/* One cached stemmer per language key; stem == NULL caches "Xapian has no
 * stemmer for this language", so a failed lookup is not repeated per token. */
typedef struct stem_entry {
	char lang[16];
	nxx_stem *stem;
} stem_entry;

/* A transliteration cache slot (variants.c): the word and its match key,
 * both short enough for the slot; longer words are not cached. */
#define NXT_CACHE_WORD 48
typedef struct nxt_cache_slot {
	uint32_t hash;
	uint32_t used;        /* analyzer's tick at the last use */
	uint8_t wlen, klen;   /* wlen == 0: empty */
	char word[NXT_CACHE_WORD];
	char key[NXT_CACHE_WORD];
} nxt_cache_slot;

/* 2-way set associative: a set's older entry is the one replaced. */
#define NXT_CACHE_SETS 1024

/* The word-forms cache (variants.c, nxt_word_forms): a word's folded form,
 * key, stem and stem key, by language.  Words repeat (Zipf), so most of
 * the per-word work of indexing is a lookup.  The language is a number
 * (forms_langs), so a lookup compares the word alone. */
#define NXT_FORMS_BLOB 176
#define NXT_FORMS_SETS 8192
#define NXT_FORMS_LANGS 64
typedef struct nxt_forms_slot {
	uint32_t hash;
	uint32_t used;
	uint8_t lang, wlen, flen, klen, slen, sklen;  /* wlen == 0: empty */
	uint8_t repeats;      /* nxt_forms.repeats (FOLD_IS_WORD: the fold handed out is w) */
	char blob[NXT_FORMS_BLOB];  /* word fold key stem stemkey, each + NUL */
} nxt_forms_slot;

/* The stem cache (analyzer.c): Snowball stemming is the costliest step of
 * analysis, and news repeats its words. */
#define NXT_STEM_WORD 40
#define NXT_STEM_SETS 8192
typedef struct nxt_stem_slot {
	uint32_t hash;
	uint32_t used;
	const void *stemmer;  /* which stemmer made it */
	uint8_t wlen, slen;   /* wlen == 0: empty */
	char word[NXT_STEM_WORD];
	char stem[NXT_STEM_WORD];
} nxt_stem_slot;

struct nxt_analyzer {
	UBreakIterator *word_brk;
	UBreakIterator *sent_brk;
	UText *word_text;    /* reopened over each caller's text */
	UText *sent_text;
	const UNormalizer2 *nfkc_cf;  /* owned by ICU, never freed */
	const UNormalizer2 *nfd;      /* likewise */
	uint16_t simple[0x800 - 0x80];  /* analyzer.c, simple_fold */
	char simple8[0x800 - 0x80][2];  /* ... in UTF-8 where it is 0x80 or more */
	/* analyzer.c, folds_to_itself: a bit per character of the BMP, in
	 * blocks of 64 filled when first needed (same_known) */
	uint64_t same_bits[1024];
	uint8_t same_known[128];
	/* analyzer.c: the word-break classes of the scanner, for U+0000..
	 * U+07FF and U+2000..U+207F (char_class) */
	uint8_t wb_low[0x800];
	uint8_t wb_punct[0x80];
	uint8_t wb_lead_plain[32];  /* ... no C_ICU class under this lead byte */
	/* ... four characters of U+0400..U+047F as eight bytes: bits under
	 * mask; cyr4_plain when none of them is C_ICU */
	uint64_t cyr4_mask, cyr4_bits;
	int cyr4_plain;
	uint8_t script_blk[1024];   /* analyzer.c, block_script */
	int8_t script2[0x800 - 0x80];  /* ... the same for U+0080..U+07FF, -1:
					* none (the next character decides) */

	/* An ICU region of nxt_words in UTF-16, which ICU's dictionary
	 * segmentation reads in place (UTF-8 it copies character by character
	 * into a string of its own, with a map back), and where each of its
	 * units starts in the UTF-8 region (reg_map[reg_len] is its end). */
	UChar *reg16;
	int32_t *reg_map;
	size_t reg_cap;      /* units of both */

	UChar *u16;          /* a word converted to UTF-16 */
	int32_t u16_cap;
	UChar *n16;          /* ... and normalised */
	int32_t n16_cap;
	char *norm;          /* ... and back in UTF-8: nxt_token.norm */
	size_t norm_cap;

	/* Hyphenated compounds: the norms of the chain of words joined by
	 * single hyphens so far, concatenated (nxt_token.joined). */
	char *chain;
	size_t chain_len, chain_cap;
	unsigned chain_parts;

	/* The iterators keep their position between next() calls, so a
	 * callback that re-enters the same iteration would corrupt it. */
	int in_words;
	int in_sentences;
	int icu_only;        /* tests: segment and normalise everything with ICU */

	stem_entry *stems;
	size_t nstems, stems_cap;
	char *word_copy;     /* nxt_stem's output when a word is not stemmed */
	size_t word_copy_cap;
	nxt_stem_slot *stem_cache;    /* NXT_STEM_SETS * 2, on first use */
	nxt_forms_slot *forms_cache;  /* NXT_FORMS_SETS * 2, on first use */
	uint32_t forms_tick;
	/* The languages of the forms cache (at most 15 bytes each): a
	 * slot's lang is an index here; the last one used is tried first. */
	char forms_langs[NXT_FORMS_LANGS][16];
	unsigned forms_nlangs, forms_last_lang;
	char *stem_key;               /* nxt_word_forms: the stem's key */
	size_t stem_key_cap;
	char *yo_copy;                /* a word with ё made е, for Snowball */
	size_t yo_copy_cap;
	uint32_t stem_tick;
	/* The stemmers chosen for the last lang, by script (NXT_SCRIPT_*):
	 * lang is compared as given, so the words of one article, of
	 * whatever scripts, resolve them once. */
	char sel_lang[16];
	int sel_valid;                /* sel_lang holds the last lang */
	uint8_t sel_known[NXT_SCRIPT_HAN + 1];
	uint8_t sel_turkic[NXT_SCRIPT_HAN + 1];  /* lang is kk/ky/tt */
	nxx_stem *sel_stem[NXT_SCRIPT_HAN + 1];  /* NULL: words pass unchanged */

	/* variants.c (nxt_make_key_tables): the BGN/PCGN letters of
	 * U+0400..U+04FF for match keys (up to four; length 0xFF: none), and
	 * the ASCII spellings of the Latin letters of U+00C0..U+02AF (up to
	 * two; length 0: none), as the functions that made them say. */
	char cyr_key[256][4];
	uint8_t cyr_key_len[256];
	char latin_key[0x2B0 - 0xC0][2];
	uint8_t latin_key_len[0x2B0 - 0xC0];
	/* ... and nxt_fold's output for each of U+0080..U+07FF (0-2 bytes) */
	char fold2[0x800 - 0x80][2];
	uint8_t fold2_len[0x800 - 0x80];

	/* variants.c: outputs of nxt_fold and nxt_key, a scratch buffer,
	 * the fallback transliterator and its cache. */
	char *fold;
	size_t fold_cap;
	char *key;
	size_t key_cap;
	char *tmp;
	size_t tmp_cap;
	UTransliterator *any_latin;  /* opened on first use */
	int any_latin_failed;
	nxt_cache_slot *cache;       /* NXT_CACHE_SETS * 2 slots, on first use */
	uint32_t cache_tick;
	unsigned long cache_hits, cache_misses;
};

/* Eight, four and one bytes of s as a number (unaligned reads; compilers
 * turn the memcpy into one load). */
static inline uint64_t nxt_load8(const char *s)
{
	uint64_t v;

	memcpy(&v, s, 8);
	return v;
}

/* Eight bytes at a time: the top bit and the low bit of each byte. */
#define NXT_HIGH_BITS UINT64_C(0x8080808080808080)
#define NXT_LOW_BITS  UINT64_C(0x0101010101010101)

/* Non-zero when one of the 8 bytes of v is below b (1 <= b <= 0x80; the
 * classic bit trick, which can only misfire on bytes >= 0x80: callers
 * exclude them or stop at them anyway). */
static inline int nxt_has_below(uint64_t v, unsigned b)
{
	return ((v - b * NXT_LOW_BITS) & ~v & NXT_HIGH_BITS) != 0;
}

static inline uint64_t nxt_load4(const char *s)
{
	uint32_t v;

	memcpy(&v, s, 4);
	return v;
}

/* The last 1-8 bytes of s[0, n) (n >= 1) as a number, in at most two
 * reads: the last eight (overlapping what came before) when n >= 8, else
 * the first and last four, else the first, middle and last byte. */
static inline uint64_t nxt_tail_bytes(const char *s, size_t n)
{
	if (n >= 8)
		return nxt_load8(s + n - 8);
	if (n >= 4)
		return nxt_load4(s) << 32 | nxt_load4(s + n - 4);
	return (uint64_t)(unsigned char)s[0] << 16 | (uint64_t)(unsigned char)s[n >> 1] << 8 |
	       (unsigned char)s[n - 1];
}

/* The caches' hash of a short string (a word, a language code), a word of
 * eight bytes at a time: the FNV-1a byte loop it replaces was a tenth of a
 * cache hit.  Where a string lands in a cache depends on it, nothing else. */
static inline uint32_t nxt_hash_short(const char *s, size_t n, uint64_t seed)
{
	const uint64_t m = 0x9E3779B97F4A7C15ull;
	uint64_t h = (seed ^ n) * m;
	size_t i = 0;

	for (; i + 8 < n; i += 8) {
		h = (h ^ nxt_load8(s + i)) * m;
		h ^= h >> 29;
	}
	if (n)
		h = (h ^ nxt_tail_bytes(s, n)) * m;
	/* The low bits pick the set: mix the high ones in (MurmurHash3). */
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDull;
	h ^= h >> 33;
	return (uint32_t)h;
}

/* memcmp(a, b, n) == 0 for the short strings of the caches, inline, with
 * the reads of nxt_tail_bytes. */
static inline int nxt_same_bytes(const char *a, const char *b, size_t n)
{
	size_t i = 0;

	for (; i + 8 < n; i += 8)
		if (nxt_load8(a + i) != nxt_load8(b + i))
			return 0;
	return n == 0 || nxt_tail_bytes(a, n) == nxt_tail_bytes(b, n);
}

/* A rare path kept out of the loop around it (GCC, Clang). */
#if defined(__GNUC__)
#define NXT_NOINLINE __attribute__((noinline))
#else
#define NXT_NOINLINE
#endif

/* Grow a byte buffer to hold at least `need` bytes (doubling). */
int nxt_grow_bytes_to(char **buf, size_t *cap, size_t need);

/* The same, inline when the buffer is big enough (several times a word). */
static inline int nxt_grow_bytes(char **buf, size_t *cap, size_t need)
{
	return need <= *cap ? 0 : nxt_grow_bytes_to(buf, cap, need);  /* 0: NX_OK */
}

/*
 * Mixed-script repair of a normalised word in a->norm (variants.c): a word
 * with both Latin and Cyrillic letters is rewritten in one script when the
 * other script's letters all look like letters of the first.  *len is
 * updated.  Returns 1 when the word changed, 0 when not, < 0 on error.
 */
int nxt_repair_mixed(nxt_analyzer *a, size_t *len);

/* Fill the analyzer's tables of nxt_key and nxt_fold (variants.c). */
void nxt_make_key_tables(nxt_analyzer *a);

/* The spelling-variant rules of match keys over a lower-case ASCII
 * transliteration s[0, n), written to out (room for 2n + 1 bytes);
 * returns the key's length. */
size_t nxt_key_rules(char *out, const char *s, size_t n);

/* The script class (NXT_SCRIPT_*) of a word's first letter or digit. */
int nxt_word_script(const char *w, int32_t n);

/* Does the Cyrillic word have letters of Kazakh, Kyrgyz or Tatar that
 * Russian lacks (ә ғ қ ң ө ұ ү һ і җ)? */
int nxt_has_turkic_letters(const char *w, size_t n);

/* The Kazakh/Kyrgyz/Tatar suffix stripper (kkstem.c): the length in bytes
 * of the stem of the lower-case Cyrillic word w (a prefix of w). */
size_t nxt_kk_stem_len(const char *w, size_t n);

#endif /* NX_TEXT_INT_H */
