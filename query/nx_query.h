/*
 * nx_query.h — private interfaces of the query layer: the parsed query and
 * the snippet/highlight drawer shared by search.c and snippet.c.
 */
#ifndef NX_QUERY_H
#define NX_QUERY_H

#include "nx_store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a query looks for, as analysed words: used to build the Xapian query
 * and, with the same analyzer, to find the words to highlight. */
typedef struct nx_qterms {
	nx_buf norms;   /* NUL-separated normalised words */
	size_t nnorms;
	nx_buf stems;   /* NUL-separated stems (script-chosen stemmer) */
	size_t nstems;
} nx_qterms;

void nx_qterms_free(nx_qterms *q);

/* Does the normalised word, or its stem in `lang`, occur in q? */
int nx_qterms_match(int *out, const nx_qterms *q, nxt_analyzer *a, const char *lang,
		    const nxt_token *tok);

/* Highlights of `passage` for q: *out malloc'd array of *n byte spans. */
int nx_highlight(nx_span **out, size_t *n, nxt_analyzer *a, const nx_qterms *q,
		 const char *lang, const char *passage, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* NX_QUERY_H */
