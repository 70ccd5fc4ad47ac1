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

/* Highlights of `passage` for q: *out malloc'd array of *n byte spans. */
int nx_highlight(nx_span **out, size_t *n, nxt_analyzer *a, const nx_qterms *q,
		 const char *lang, const char *passage, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* NX_QUERY_H */
