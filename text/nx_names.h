/*
 * nx_names.h — person-name candidates in running text (Latin and Cyrillic).
 *
 * The news spells people many ways; this finds where a person is named so
 * the indexer can record the name under a script-independent key.  It is a
 * precision-first heuristic, not a named-entity model:
 *
 *   - a name is a run of capitalised words (joined by spaces, hyphens, or an
 *     initial's full stop: "Kassym-Jomart Tokayev", "Н. Назарбаев");
 *   - titles before it ("President", "Президент", "analyst") are dropped and
 *     make the following word a name even when it stands alone;
 *   - institutional and calendar words ("Council", "Press", "January",
 *     "Совет") break a run, all-capital acronyms ("CSTO") are never names;
 *   - a run of two or more words counts unless it opens a sentence with a
 *     function word; a single word counts when it has a surname's shape
 *     (-ov, -yev, -in, -uly, -ов, -ев, -ұлы ...), follows a title, or was the
 *     surname of a longer name earlier in the same text;
 *   - the surname (the run's last word) loses possessives and Russian and
 *     Kazakh case endings: Токаева, Тоқаевтың, Тоқаевқа -> токаев, тоқаев.
 */
#ifndef NX_NAMES_H
#define NX_NAMES_H

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
} nxt_name;

/* Called for each name; strings are valid during the call only.  A non-zero
 * return stops the scan and is returned. */
typedef int (*nxt_name_fn)(void *ctx, const nxt_name *n);

/* Find person-name candidates in text[0, len) (valid UTF-8). */
int nxt_names(nxt_analyzer *a, const char *text, size_t len, nxt_name_fn fn, void *ctx);

/* Remove Russian and Kazakh case endings from a normalised surname
 * (токаева -> токаев, тоқаевтың -> тоқаев) in place; returns the new
 * length.  Words without a surname's shape are left as they are. */
size_t nxt_surname_base(char *w, size_t len);

/* ---- name keys ------------------------------------------------------------ */

/* Turns a surname in any script into a Latin "name key" on which spellings
 * of one name meet: Токаев, Тоқаев, Tokayev, Toqaev -> tokaev; Рузахунов,
 * Ruzakhunov -> ruzahunov.  Holds ICU transliterators; one per thread. */
typedef struct nxt_namekey nxt_namekey;

int nxt_namekey_new(nxt_namekey **out);
void nxt_namekey_free(nxt_namekey *k);

/*
 * The key of a normalised word (as nxt_token.norm).  Cyrillic goes through
 * ICU's BGN/PCGN transforms (Kazakh-Latin/BGN when the word has Kazakh
 * letters, else Russian-Latin/BGN) as the English-language press spells
 * names; then Latin-ASCII, and a folding of the usual variation in
 * transcriptions: kh->h, zh/dzh->j, q->k, ts->c, a y between vowels dropped
 * (Tokayev/Tokaev), -iy/-yy endings -> y, doubled letters single, anything
 * but a-z dropped.  *out is owned by k and valid until the next call; an
 * empty key means the word has no letters to key.
 */
int nxt_name_key(const char **out, size_t *outlen, nxt_namekey *k, const char *word, size_t len);

/* Levenshtein distance between a and b, or max + 1 when it exceeds max. */
unsigned nxt_edit_distance(const char *a, size_t alen, const char *b, size_t blen, unsigned max);

/* How far two name keys of this length may be apart and still be the same
 * name: 0 below 5 letters, 1 up to 7, 2 from 8. */
unsigned nxt_name_tolerance(size_t keylen);

#ifdef __cplusplus
}
#endif

#endif /* NX_NAMES_H */
