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

#ifdef __cplusplus
}
#endif

#endif /* NX_NAMES_H */
