/*
 * nx_passage.h — splitting an article body into passages: runs of whole
 * sentences of roughly min..max words that never cross a paragraph break
 * (a blank line).  A single sentence longer than max words is cut between
 * words.
 */
#ifndef NX_PASSAGE_H
#define NX_PASSAGE_H

#include "newsidx.h"
#include "nx_text.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Split text[0, len) into passages.  *out is a malloc'd array of *n byte
 * ranges (free() it) in text order, each trimmed of surrounding white space,
 * none empty.  Passages grow sentence by sentence: a passage is closed at a
 * paragraph break, or when it has at least min_words and the next sentence
 * would take it past max_words.  Text without words yields no passages.
 */
int nx_passages_split(nx_span **out, size_t *n, nxt_analyzer *a,
		      const char *text, size_t len,
		      unsigned min_words, unsigned max_words);

/*
 * nx_passages_split, and the words it segmented on the way (the paragraphs
 * that are not short ASCII ones), so that they need not be segmented
 * again: `words` receives them as nxt_words reported them for their
 * paragraph, with offsets in text; (*word_ranges)[i] (malloc'd, like *out)
 * is the range of passage i's words in words->w, or start == SIZE_MAX when
 * its words are not there (not segmented, or they could differ from those
 * of the passage alone): the caller segments that passage itself.
 */
int nx_passages_split_words(nx_span **out, size_t *n, nx_span **word_ranges,
			    nxt_words_rec *words, nxt_analyzer *a, const char *text, size_t len,
			    unsigned min_words, unsigned max_words);

#ifdef __cplusplus
}
#endif

#endif /* NX_PASSAGE_H */
