/*
 * passage.c — splitting an article body into passages, the unit that is
 * indexed and returned by a search: runs of whole sentences, about
 * min..max words long, that never cross a paragraph break (a blank line).
 *
 * Each paragraph is segmented once into sentences and once into words
 * (text/), so the split is linear in the length of the text; a short
 * paragraph of ASCII text is not segmented at all (short_ascii()).  The
 * words found can be handed back (nx_passages_split_words), so that the
 * indexer does not segment those passages again.
 */
#include "nx_passage.h"

#include "nx_common.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- state --------------------------------------------------------------- */

/* A byte range inside the current paragraph.  Paragraphs are segmented by
 * ICU, whose offsets are int32_t, so 32 bits are enough and halve the
 * memory of the word table. */
typedef struct range32 {
	uint32_t start, end;
} range32;

/* A passage being planned: sentences [k0, k1), words [w0, w1) of the
 * paragraph.  A cut passage is a piece of one over-long sentence k0. */
typedef struct plan {
	size_t k0, k1;
	size_t w0, w1;
	int cut;
} plan;

typedef struct splitter {
	nxt_analyzer *a;
	const char *text;
	unsigned min_words, max_words;

	nx_span *out;          /* the result */
	size_t nout, out_cap;
	nxt_words_rec *rec;    /* nx_passages_split_words: every word segmented */
	nx_span *wout;         /* ... and each passage's range in rec */
	size_t wout_cap;
	size_t rec_base;       /* rec index of the paragraph's first word */

	char *scratch;         /* the paragraph with line breaks made spaces */
	size_t scratch_cap;
	range32 *sents;
	size_t nsents, sents_cap;
	range32 *words;
	size_t nwords, words_cap;
	size_t *first;         /* first[k]: index of sentence k's first word */
	size_t first_cap;
	plan *plans;
	size_t nplans, plans_cap;
} splitter;

/* Make room for `need` elements of `size` bytes in *arr. */
static int reserve(void *arr, size_t *cap, size_t need, size_t size)
{
	void **p = arr;
	size_t n;
	void *q;

	if (need <= *cap)
		return NX_OK;
	n = *cap ? *cap : 16;
	while (n < need)
		n = n > SIZE_MAX / 2 / size ? need : n * 2;
	if (n > SIZE_MAX / size)
		return nx_error_set(NX_ENOMEM, "out of memory splitting passages");
	q = realloc(*p, n * size);
	if (!q)
		return nx_error_set(NX_ENOMEM, "out of memory splitting passages (%zu items)", need);
	*p = q;
	*cap = n;
	return NX_OK;
}

/* ---- white space --------------------------------------------------------- */

/*
 * The length of the white-space character at p (before end), or 0.  Besides
 * ASCII, the spaces that turn up in news copied from the web: no-break,
 * en/em and thin spaces, ideographic space, zero-width space and a stray
 * byte-order mark.  Hand-decoded: this layer does not talk to ICU.
 */
static size_t space_len(const unsigned char *p, const unsigned char *end)
{
	size_t left = (size_t)(end - p);

	switch (p[0]) {
	case ' ': case '\t': case '\n': case '\r': case '\f': case '\v':
		return 1;
	case 0xC2:  /* U+0085 NEL, U+00A0 NBSP */
		return left >= 2 && (p[1] == 0x85 || p[1] == 0xA0) ? 2 : 0;
	case 0xE2:  /* U+2000..U+200B, U+2028, U+2029, U+202F, U+205F */
		if (left < 3)
			return 0;
		if (p[1] == 0x80 && ((p[2] >= 0x80 && p[2] <= 0x8B) || p[2] == 0xA8 ||
				     p[2] == 0xA9 || p[2] == 0xAF))
			return 3;
		return p[1] == 0x81 && p[2] == 0x9F ? 3 : 0;
	case 0xE3:  /* U+3000 IDEOGRAPHIC SPACE */
		return left >= 3 && p[1] == 0x80 && p[2] == 0x80 ? 3 : 0;
	case 0xEF:  /* U+FEFF BOM */
		return left >= 3 && p[1] == 0xBB && p[2] == 0xBF ? 3 : 0;
	default:
		return 0;
	}
}

/* The length of a white-space character that ends just before `end`. */
static size_t space_len_before(const unsigned char *begin, const unsigned char *end)
{
	for (size_t k = 1; k <= 3 && k <= (size_t)(end - begin); k++)
		if (space_len(end - k, end) == k)
			return k;
	return 0;
}

/* ---- segmenting a paragraph ---------------------------------------------- */

static int sentence_cb(void *ctx, size_t start, size_t end)
{
	splitter *s = ctx;
	int rc;

	if ((rc = reserve(&s->sents, &s->sents_cap, s->nsents + 1, sizeof *s->sents)))
		return rc;
	s->sents[s->nsents].start = (uint32_t)start;
	s->sents[s->nsents].end = (uint32_t)end;
	s->nsents++;
	return 0;
}

static int word_cb(void *ctx, const nxt_token *t)
{
	splitter *s = ctx;
	int rc;

	if (s->rec && (rc = nxt_words_record(s->rec, t)))
		return rc;
	if ((rc = reserve(&s->words, &s->words_cap, s->nwords + 1, sizeof *s->words)))
		return rc;
	s->words[s->nwords].start = (uint32_t)t->start;
	s->words[s->nwords].end = (uint32_t)t->end;
	s->nwords++;
	return 0;
}

/* Sentences and words of paragraph p[0, n) (at byte `base` of the text),
 * and first[] linking them. */
static int segment(splitter *s, size_t base, size_t n)
{
	const char *p = s->text + base;
	size_t k, w;
	int rc;

	/* ICU ends a sentence at every line break (UAX #29 rule SB4), but news
	 * text is often hard-wrapped mid-sentence; inside a paragraph a line
	 * break is only a space.  Same length, so offsets carry over. */
	if ((rc = reserve(&s->scratch, &s->scratch_cap, n, 1)))
		return rc;
	for (size_t i = 0; i < n; i++)
		s->scratch[i] = (p[i] == '\n' || p[i] == '\r') ? ' ' : p[i];

	s->nsents = s->nwords = 0;
	if ((rc = nxt_sentences(s->a, s->scratch, n, sentence_cb, s)))
		return rc;
	if (s->rec)
		s->rec_base = s->rec->n;
	if ((rc = nxt_words(s->a, p, n, word_cb, s)))
		return rc;
	for (size_t i = s->rec ? s->rec_base : 0; s->rec && i < s->rec->n; i++) {
		s->rec->w[i].start += base;  /* offsets in the text */
		s->rec->w[i].end += base;
	}

	/* A word belongs to the sentence it starts in. */
	if ((rc = reserve(&s->first, &s->first_cap, s->nsents + 1, sizeof *s->first)))
		return rc;
	for (k = 0, w = 0; k < s->nsents; k++) {
		while (w < s->nwords && s->words[w].start < s->sents[k].start)
			w++;
		s->first[k] = w;
	}
	s->first[s->nsents] = s->nwords;
	return NX_OK;
}

/* ---- planning passages --------------------------------------------------- */

static size_t plan_words(const plan *p)
{
	return p->w1 - p->w0;
}

static int add_plan(splitter *s, size_t k0, size_t k1, size_t w0, size_t w1, int cut)
{
	int rc;

	if ((rc = reserve(&s->plans, &s->plans_cap, s->nplans + 1, sizeof *s->plans)))
		return rc;
	s->plans[s->nplans++] = (plan){ k0, k1, w0, w1, cut };
	return NX_OK;
}

/*
 * A whole-sentence passage [k0, k1) is complete.  If it is short (below
 * min_words, as the last passage of a paragraph often is) and follows
 * another of the same paragraph, join the two when they fit in max_words,
 * else take sentences from the end of the previous one while that stays at
 * least min_words long.
 */
static int close_plan(splitter *s, size_t k0, size_t k1)
{
	size_t w0 = s->first[k0], w1 = s->first[k1];
	plan *prev;

	if (k1 <= k0)
		return NX_OK;
	if (w1 - w0 < s->min_words && s->nplans > 0 && !(prev = &s->plans[s->nplans - 1])->cut) {
		if (plan_words(prev) + (w1 - w0) <= s->max_words) {
			prev->k1 = k1;
			prev->w1 = w1;
			return NX_OK;
		}
		while (w1 - w0 < s->min_words && prev->k1 - prev->k0 > 1) {
			size_t k = prev->k1 - 1;
			size_t nk = s->first[k + 1] - s->first[k];
			if (plan_words(prev) - nk < s->min_words || (w1 - w0) + nk > s->max_words)
				break;
			prev->k1 = k;
			prev->w1 = s->first[k];
			k0 = k;
			w0 = s->first[k];
		}
	}
	return add_plan(s, k0, k1, w0, w1, 0);
}

/* Greedy: add sentences while they fit in max_words; an over-long sentence
 * becomes pieces of max_words words of its own. */
static int plan_paragraph(splitter *s)
{
	size_t k0 = 0, words = 0;
	int rc;

	s->nplans = 0;
	for (size_t k = 0; k < s->nsents; k++) {
		size_t nk = s->first[k + 1] - s->first[k];

		if (nk > s->max_words) {
			if ((rc = close_plan(s, k0, k)))
				return rc;
			for (size_t w = s->first[k]; w < s->first[k + 1]; w += s->max_words) {
				size_t w1 = s->first[k + 1] - w > s->max_words ? w + s->max_words
									       : s->first[k + 1];
				if ((rc = add_plan(s, k, k + 1, w, w1, 1)))
					return rc;
			}
			k0 = k + 1;
			words = 0;
			continue;
		}
		/* Close at max_words even when the passage is still short of
		 * min_words: max_words is the bound we promise. */
		if (words > 0 && words + nk > s->max_words) {
			if ((rc = close_plan(s, k0, k)))
				return rc;
			k0 = k;
			words = 0;
		}
		words += nk;
	}
	return close_plan(s, k0, s->nsents);
}

/* ---- emitting passages --------------------------------------------------- */

/* Append passage [start, end) of the text; words: its range in s->rec, or
 * start == SIZE_MAX when its words are to be found by segmenting it. */
static int add_passage(splitter *s, size_t start, size_t end, nx_span words)
{
	int rc;

	if ((rc = reserve(&s->out, &s->out_cap, s->nout + 1, sizeof *s->out)))
		return rc;
	if (s->rec && (rc = reserve(&s->wout, &s->wout_cap, s->nout + 1, sizeof *s->wout)))
		return rc;
	s->out[s->nout].start = start;
	s->out[s->nout].end = end;
	if (s->rec)
		s->wout[s->nout] = words;
	s->nout++;
	return NX_OK;
}

/* Are the paragraph's words [w0, w1) exactly what segmenting its bytes
 * [start, end) alone would give?  Yes when they lie inside it, no other
 * word overlaps it, and the first is no part of a hyphenated compound
 * begun before it (nxt_token.joined looks back): segmentation is
 * otherwise the same at a sentence boundary or between words.  p is the
 * paragraph, offsets are in it. */
static int words_carry_over(const splitter *s, const unsigned char *p, size_t start, size_t end,
			    size_t w0, size_t w1)
{
	if (w0 >= w1 || s->words[w0].start < start || s->words[w1 - 1].end > end)
		return 0;
	if ((w0 > 0 && s->words[w0 - 1].end > start) || (w1 < s->nwords && s->words[w1].start < end))
		return 0;
	if (s->rec->w[s->rec_base + w0].joined != SIZE_MAX)
		return 0;
	/* after a hyphen (-, U+2010, U+2011) a compound could go on */
	return !(start >= 1 && p[start - 1] == '-') &&
	       !(start >= 3 && p[start - 3] == 0xE2 && p[start - 2] == 0x80 &&
		 (p[start - 1] == 0x90 || p[start - 1] == 0x91));
}

/* Turn the plans of paragraph p (at byte `base` of the text, `n` bytes)
 * into trimmed byte ranges of the text. */
static int emit_paragraph(splitter *s, size_t base, size_t n)
{
	const unsigned char *p = (const unsigned char *)s->text + base;
	size_t floor = 0;
	int rc;

	for (size_t i = 0; i < s->nplans; i++) {
		const plan *pl = &s->plans[i];
		size_t start, end;

		if (pl->w1 == pl->w0)
			continue;  /* no words: nothing to find there */
		if (!pl->cut) {
			start = s->sents[pl->k0].start;
			end = s->sents[pl->k1 - 1].end;
		} else {
			/* Pieces of one sentence meet where the next piece's
			 * first word starts, so punctuation stays with the
			 * words before it. */
			size_t k = pl->k0;
			start = pl->w0 == s->first[k] ? s->sents[k].start : s->words[pl->w0].start;
			end = pl->w1 == s->first[k + 1] ? s->sents[k].end : s->words[pl->w1].start;
		}
		/* Sentence and word breaks come from different rules: never
		 * cut a word in two, never overlap the previous passage. */
		if (end < s->words[pl->w1 - 1].end)
			end = s->words[pl->w1 - 1].end;
		if (end > n)
			end = n;
		if (start < floor)
			start = floor;
		floor = end;

		size_t k;
		while (start < end && (k = space_len(p + start, p + end)) > 0)
			start += k;
		while (end > start && (k = space_len_before(p + start, p + end)) > 0)
			end -= k;
		if (start >= end)
			continue;
		nx_span words = { SIZE_MAX, SIZE_MAX };
		if (s->rec && words_carry_over(s, p, start, end, pl->w0, pl->w1)) {
			words.start = s->rec_base + pl->w0;
			words.end = s->rec_base + pl->w1;
		}
		if ((rc = add_passage(s, base + start, base + end, words)))
			return rc;
	}
	return NX_OK;
}

/*
 * Is paragraph p[0, n) pure ASCII, with at most max_words runs of the
 * characters that make ASCII words (letters, digits, @ and _), at least one
 * of them holding a letter, a digit or an @?  Then it has at most max_words
 * words (UAX #29 never breaks inside such a run, so a word holds one run or
 * more; __ alone is a word) and at least one, and the plan is one passage
 * of all its sentences: the paragraph, trimmed.  Most news paragraphs are
 * such, and this spares segmenting them twice (here and when they are
 * indexed).
 */
static int short_ascii(const unsigned char *p, size_t n, unsigned max_words)
{
	size_t runs = 0;
	int in = 0, wordy = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned c = p[i];
		int letter = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
			     c == '@';
		int part = letter || c == '_';

		if (c >= 0x80)
			return 0;
		if (part && !in && ++runs > max_words)
			return 0;
		in = part;
		wordy |= letter;
	}
	return wordy;
}

static int split_paragraph(splitter *s, size_t start, size_t end)
{
	const unsigned char *t = (const unsigned char *)s->text;
	int rc;

	if (short_ascii(t + start, end - start, s->max_words)) {
		while (start < end && space_len(t + start, t + end))
			start++;
		while (end > start && space_len_before(t + start, t + end))
			end--;
		return add_passage(s, start, end, (nx_span){ SIZE_MAX, SIZE_MAX });
	}
	if ((rc = segment(s, start, end - start)))
		return rc;
	if (s->nwords == 0)
		return NX_OK;
	if ((rc = plan_paragraph(s)))
		return rc;
	return emit_paragraph(s, start, end - start);
}

/* ---- paragraphs ---------------------------------------------------------- */

int nx_passages_split(nx_span **out, size_t *n, nxt_analyzer *a,
		      const char *text, size_t len,
		      unsigned min_words, unsigned max_words)
{
	return nx_passages_split_words(out, n, NULL, NULL, a, text, len, min_words, max_words);
}

int nx_passages_split_words(nx_span **out, size_t *n, nx_span **word_ranges,
			    nxt_words_rec *words, nxt_analyzer *a, const char *text, size_t len,
			    unsigned min_words, unsigned max_words)
{
	const unsigned char *t = (const unsigned char *)text;
	splitter s;
	size_t pos = 0, para = 0;
	int in_para = 0, rc = NX_OK;

	*out = NULL;
	*n = 0;
	if (word_ranges)
		*word_ranges = NULL;
	if (!word_ranges != !words)
		return nx_error_set(NX_EINVAL, "nx_passages_split_words: words and word_ranges must be given together");
	if (!a || (!text && len))
		return nx_error_set(NX_EINVAL, "nx_passages_split: NULL argument");
	if (max_words == 0 || min_words > max_words)
		return nx_error_set(NX_EINVAL, "passage size %u..%u words is not a range",
				    min_words, max_words);

	memset(&s, 0, sizeof s);
	s.a = a;
	s.text = text;
	s.min_words = min_words;
	s.max_words = max_words;
	s.rec = words;
	if (words)
		nxt_words_rec_clear(words);

	/* A paragraph is a run of lines that are not blank; a line ends at
	 * "\n", "\r\n" or a lone "\r". */
	while (pos < len) {
		size_t line = pos;
		int blank = 1;

		while (pos < len && t[pos] != '\n' && t[pos] != '\r') {
			size_t k = blank ? space_len(t + pos, t + len) : 0;
			if (k == 0) {
				blank = 0;
				k = 1;
			}
			pos += k;
		}
		if (pos < len && t[pos] == '\r')
			pos++;
		if (pos < len && t[pos] == '\n')
			pos++;

		if (blank && in_para) {
			if ((rc = split_paragraph(&s, para, line)))
				goto out;
			in_para = 0;
		} else if (!blank && !in_para) {
			para = line;
			in_para = 1;
		}
	}
	if (in_para)
		rc = split_paragraph(&s, para, len);
out:
	free(s.scratch);
	free(s.sents);
	free(s.words);
	free(s.first);
	free(s.plans);
	if (rc) {
		free(s.out);
		free(s.wout);
		return rc;
	}
	*out = s.out;
	*n = s.nout;
	if (word_ranges)
		*word_ranges = s.wout;
	return NX_OK;
}
