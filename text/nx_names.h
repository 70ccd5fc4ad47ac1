/*
 * nx_names.h — person-name candidates in running text (Latin and Cyrillic).
 *
 * The news spells people many ways; this finds where a person is named so
 * the indexer can record the name under a script-independent key.  It is a
 * precision-first heuristic, not a named-entity model:
 *
 *   - a name is a run of capitalised words (joined by spaces, one line break,
 *     hyphens, or an initial's full stop: "Kassym-Jomart Tokayev", "Н.
 *     Назарбаев"); Jr and Sr after it are not its surname;
 *   - titles before it ("President", "Президент", "analyst") are dropped and
 *     make the following word a name even when it stands alone;
 *   - institutional, geographic and calendar words ("Council", "Press",
 *     "River", "January", "Совет") break a run, and a run that such a word
 *     opens in mid-sentence is no name (West Texas Intermediate) unless it
 *     ends a title ("Secretary of State George Shultz"); all-capital
 *     acronyms ("CSTO") are never names;
 *   - a run of two or more words counts unless it opens a sentence with a
 *     function word; a single word counts when it has a surname's shape
 *     (-ov, -yev, -in, -uly, -ов, -ев, -ұлы ...), follows a title, or was the
 *     surname of a longer name earlier in the same text;
 *   - the surname (the run's last word) loses possessives and Russian and
 *     Kazakh case endings: Токаева, Тоқаевтың, Тоқаевқа -> токаев, тоқаев.
 */
#ifndef NX_NAMES_H
#define NX_NAMES_H

#include "nx_common.h"
#include "nx_text.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nxt_name {
	size_t start, end;     /* byte range of the name in the text (no title) */
	const char *surname;   /* normalised, case endings removed; NUL-terminated */
	size_t surname_len;
	size_t surname_start;  /* byte range of the surname as written */
	size_t surname_end;
	int script;            /* NXT_SCRIPT_LATIN or NXT_SCRIPT_CYRILLIC */
	const char *given;     /* normalised first word of a multi-word name
				  ("kassym" of Kassym-Jomart Tokayev), or NULL */
	size_t given_len;
	int org;               /* 1: no name but two consecutive words of a
				  company's name in the text (a run that Inc,
				  Co, Corp ... follows: merrill, lynch of
				  "Merrill Lynch and Co"), in given and surname;
				  only for NXT_NAMES_ORGS */
} nxt_name;

/* Called for each name; strings are valid during the call only.  A non-zero
 * return stops the scan and is returned. */
typedef int (*nxt_name_fn)(void *ctx, const nxt_name *n);

/* Find person-name candidates in text[0, len) (valid UTF-8). */
int nxt_names(nxt_analyzer *a, const char *text, size_t len, nxt_name_fn fn, void *ctx);

/* nxt_names; when words is not NULL, it holds all the words of text[0, len)
 * as nxt_words reported them (recorded with nxt_words_record), and they are
 * read instead of analysing the text again (the indexer records a passage's
 * words for its terms).  With NXT_NAMES_ORGS in flags, also each pair of
 * consecutive words of a company's name (org set), after the names. */
#define NXT_NAMES_ORGS 1u

int nxt_names_ex(nxt_analyzer *a, const char *text, size_t len, const nxt_words_rec *words,
		 unsigned flags, nxt_name_fn fn, void *ctx);

/* Remove Russian and Kazakh case endings from a normalised surname
 * (токаева -> токаев, тоқаевтың -> тоқаев) in place; returns the new
 * length.  Words without a surname's shape are left as they are. */
size_t nxt_surname_base(char *w, size_t len);

/* ---- name keys ------------------------------------------------------------ */

/* Turns a surname in any script into a Latin "name key" on which spellings
 * of one name meet: Токаев, Тоқаев, Tokayev, Toqaev -> tokaev; Рузахунов,
 * Ruzakhunov -> ruzahunov; Schröder, Шрёдер -> xroder.  Holds buffers and an
 * ICU transliterator; one per thread. */
typedef struct nxt_namekey nxt_namekey;

int nxt_namekey_new(nxt_namekey **out);
void nxt_namekey_free(nxt_namekey *k);

/* For measurements only (scripts/eval-names): with on == 0 every word gets
 * an empty key, so nothing is expanded or highlighted as a name. */
void nxt_namekey_enable(nxt_namekey *k, int on);

/*
 * The key of a normalised word (as nxt_token.norm): lower-case a-z.
 * Cyrillic is transliterated as BGN/PCGN (Kazakh letters as Kazakh BGN),
 * Latin loses its accents (those that make another sound become that
 * sound: č ch, š sh, ł l), words in Latin script have their orthography
 * read (sch sh, cz ch, c k before a/o/u, ph f, th t, w v, qu k, ou u ...),
 * then the variation of transcriptions is folded: kh h, zh dzh j, ts c,
 * q k, a y between vowels dropped (Tokayev ~ Tokaev), other non-initial y
 * -> i, ye- before a consonant -> e-, doubled letters single, -ii -> -i
 * (and a Latin -ij: Dmitrij), and ch and sh become the single letters q and
 * x.  text/names.c lists the
 * rules and why.  *out is owned by k and valid until the next call; an
 * empty key means the word has no letters to key.
 */
int nxt_name_key(const char **out, size_t *outlen, nxt_namekey *k, const char *word, size_t len);


/* A weighted edit distance between two name keys, in hundredths of an
 * edit: letters that transcriptions often exchange (s/z, j/y, ch/sh, a/e
 * ...) cost less than 100, measured on names in Latin and Cyrillic.  Where
 * a Latin letter sounds differently by language, either key may be read
 * the other way at a small cost (j as y, ch as kh or k, g as dzh, Latin
 * and Greek endings dropped, Japanese, French, English and pinyin
 * readings: text/names.c): Spartacus ~ Спартак, Reichenbach ~ Райхенбах,
 * Xiaoxuan ~ Сяосюань.  Symmetric.
 * Returns max + 1 when it exceeds max. */
unsigned nxt_name_cost(const char *a, size_t alen, const char *b, size_t blen, unsigned max);

/* The largest nxt_name_cost at which a key of keylen letters and another
 * may still be one name: 0 below 3 letters, else 12 per letter (at most
 * 10 letters, at least 60: one cheap edit) when the index knows the key
 * itself as a name (known: the spelling asked for exists; only near
 * variants join it, not look-alike names such as Arzanov for Ruzakhunov),
 * 30 per letter when it does not (a transliteration or a misspelling,
 * which needs all the tolerance). */
unsigned nxt_name_tolerance(size_t keylen, int known);

/*
 * The probes of a key, under which the index files it (store/people.c) and
 * under which a query looks for keys near it: two keys within one edit of
 * each other share a probe.  Each probe is a kind letter and a string,
 * NUL-terminated in out, *n of them, nearest first: 'k' the key and (4
 * letters or more) each one-letter deletion of it, then the same for each
 * other reading of the key (see nxt_name_cost); 'r' the key reduced to
 * what transcriptions agree on (one vowel letter, no h, s z c as one) and
 * (5 letters or more) its deletions.
 */
int nxt_name_probes(nx_buf *out, size_t *n, const char *key, size_t len);


#ifdef __cplusplus
}
#endif

#endif /* NX_NAMES_H */
