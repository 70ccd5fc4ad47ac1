/*
 * nx_store.h — the newsidx index on disk: its schema, and the nx_db handle.
 *
 * An index is a Xapian database (glass backend) in one directory.
 *
 * ---- Schema version 6 -------------------------------------------------------
 *
 * One Xapian document per PASSAGE (a run of whole sentences of one article,
 * roughly 40-150 words, never across a paragraph break).
 *
 * Terms
 *   (none)  word        NFKC-casefolded word, with positions (phrases, NEAR)
 *   (none)  folded      the word's folded form (nxt_fold: café -> cafe,
 *                       u.s -> us, ёлка -> елка), at the word's position,
 *                       when it differs from the word
 *   (none)  compound    the words of a hyphenated compound joined
 *                       (nxt_token.joined: Alma-Ata -> almaata), with its
 *                       folded form, at the position of its last word
 *   X       key         the match key (nxt_key: Latin transliteration with
 *                       spelling variants merged: Тоқаев, Tokayev ->
 *                       tokaev) of a Latin or Cyrillic word or compound, at
 *                       its position, when it differs from its unprefixed
 *                       forms (a key equal to one of them is found there)
 *   K       stem key    the match key of the word's stem (Z), no positions,
 *                       when it differs from the stem: Тоқаевтың (kk) and
 *                       Токаевым (ru) -> Ktokaev, found by Tokayev's
 *   Z       stem        Snowball stem of each word, no positions (ranking);
 *                       language from the article ("lang", else guessed).
 *                       Every word has one, also a word that is its own
 *                       stem: a query word matches its form and its stem,
 *                       so the form as typed counts twice, an inflected
 *                       form once (schema 2 left Z out for words that are
 *                       their own stem: -8.5% indexing instructions, -8.8%
 *                       size, but nDCG@10 average 0.4908 -> 0.4829; see
 *                       EVALUATION.md)
 *   S       title stem  stems of the article title, weighted (title matches);
 *                       wdf 0 when the article is its title alone (a JSON
 *                       Lines record without text: the title is its text,
 *                       and its words weigh once)
 *   A       article key boolean; every passage of an article carries it, so
 *                       an article is replaced/deleted as a unit
 *   P       source      boolean; the source file's absolute path (or its key
 *                       when too long), for deleting what a file held
 *   L       language    boolean; ISO 639-1 code ("en", "ru", "kk")
 *   D       date        boolean; YYYYMMDD when the date parses as ISO 8601
 *   Y       year, month boolean; YYYY and YYYYMM of that date: a date range
 *                       is matched by the fewest terms that cover its days
 *                       (query/compile.c, date_filter)
 *   N       person      name key (text/nx_names.h) of each person named in
 *                       the passage, weighted (store/people.c)
 *   M       name form   "M" key ":" surname as written (normalised, case
 *                       endings removed), boolean: spellings and their counts
 *   F       given name  "F" key ":" key of a given name written with it,
 *                       boolean: joins short forms to long ones
 *   (B)     name probe  not a term: the metadata key "B" probe ":" key for
 *                       each probe of each N key (nxt_name_probes), value
 *                       "1": finds the keys near a query's by prefix
 *                       lookups.  Written once per key and indexing run,
 *                       never removed (a key no passage holds any more is
 *                       skipped by its N term's frequency)
 *   O       company     "O" key ":" key of the word before it, for each two
 *                       consecutive words of a company's name in the passage
 *                       (a capitalised run that Inc, Co, Corp ... follows:
 *                       Merrill Lynch and Co -> Olinq:meril), boolean: the
 *                       people of a query leave out a key mostly written
 *                       after such a word (its F terms)
 *
 *   Within-passage frequency (wdf) of a weighted term (words, X, K, Z, S,
 *   N): its occurrences times nx_passage_wdf_factor(the passage's length),
 *   rounded: BM25's length normalisation, done when the passage is
 *   written, so that a query reads no passage lengths (see below).
 *
 *   Terms longer than NX_MAX_TERM bytes are never written (Xapian limits
 *   terms to 245 bytes); article keys and source keys that would be longer
 *   are replaced by "#" + 16 hex digits of a 64-bit FNV-1a hash of the id.
 *
 * Values
 *   0  NX_SLOT_ARTICLE  article key (the collapse key: best passage/article)
 *   1  NX_SLOT_DATE     "YYYY-MM-DD" when the date parses, else absent
 *   2  NX_SLOT_PASSAGE  passage number within the article, decimal
 *
 * Document data: a compact JSON object
 *   {"id","title","date","source","url","lang","no","start","end","text"}
 *   where text is the passage and start/end are its byte offsets in the
 *   article text.
 *
 * Metadata keys
 *   newsidx.schema   "6" — checked on open (NX_ENOTINDEX when absent from a
 *                    non-empty database, NX_EVERSION when different: the
 *                    index must be rebuilt, `indexer --force`, which opens
 *                    it with NX_OPEN_REBUILD)
 *                    Version 1 (newsidx up to 0.3): a Z term for every word.
 *                    Version 3: the same terms, but no B probes under a
 *                    key's pinyin reading (nxt_name_probes, READ_ZH).
 *                    Version 4: the same terms without O.
 *                    Version 5: a weighted term's wdf its occurrences (BM25
 *                    read the passage lengths), no Y terms, and the name
 *                    probes as B terms on every passage naming the key.
 *   newsidx.created  ISO 8601 time the index was created
 *   newsidx.lastrun  JSON object: the counters of the last completed indexing
 *                    run (nx_index_stats names) and "time" (ISO 8601), "unix"
 *   newsidx.src:KEY  the state of one source file (indexer/state.c); KEY is
 *                    its source key, as in its P terms.  Text:
 *                      "nxsrc 2 FLAGS SIZE INO MTIME_S MTIME_NS CTIME_S
 *                       CTIME_NS CONTENT NARTICLES PATHLEN\n" PATH "\n"
 *                      then per article "HASH KEYLEN KEY\n"
 *                    FLAGS: 1 complete (read to the end; the signature is
 *                    valid), 2 racy (modified within a second of being read:
 *                    read again next time).  Equal size, times and inode:
 *                    the file is not read; else an equal CONTENT (a hash of
 *                    its bytes and the passage sizes, decimal): it is not
 *                    parsed.  HASH: 16 hex digits of the article's content
 *                    hash (fields, source, passage sizes); KEY: its article
 *                    key.  Written in the same transaction as the documents
 *                    it describes.  "nxsrc 1" (no CONTENT) is still read.
 *                    Indexes without these entries (before 0.2) work: every
 *                    source is read once.
 */
#ifndef NX_STORE_H
#define NX_STORE_H

#include "newsidx.h"
#include "nx_common.h"
#include "nx_names.h"
#include "nx_text.h"
#include "nx_xapian.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NX_SCHEMA_VERSION 6
#define NX_META_SCHEMA "newsidx.schema"
#define NX_META_CREATED "newsidx.created"
#define NX_META_LAST_RUN "newsidx.lastrun"
#define NX_META_SOURCE "newsidx.src:"

/*
 * BM25 (k1, b) over passages, with the length normalisation in the index.
 * BM25's tf part is (k1+1)tf / (k1 L + tf) with L = 1 - b + b len/avglen,
 * which is (k1+1)t / (k1 + t) for t = tf/L.  The indexer writes each
 * weighted term's wdf as round(tf * NX_WDF_SCALE / L)
 * (nx_passage_wdf_factor), and the query side asks Xapian for BM25 with
 * b = 0 and k1 * NX_WDF_SCALE: the same ranking up to a constant factor
 * and the rounding, without reading the length of every candidate
 * passage.  That read was 45% of a query's instructions on the x16
 * benchmark index: Xapian 1.4 walks its list of document lengths entry by
 * entry (BENCHMARKS.md, "Query latency").
 *
 * len is the passage's length: the occurrences of its weighted terms
 * (forms, keys, stems, title stems, names), as BM25 counted it before.
 * avglen is a constant, not the index's mean, which changes with every
 * passage added: passages are cut to 40-150 words, so their lengths vary
 * little between corpora (Reuters-21578 208 on average).  Of 150, 200 and
 * 300, 200 ranks best on the judged collections (EVALUATION.md).
 * k1 is twice the usual 1.2: a word matches both its exact form and its
 * stem, so each occurrence counts about twice.
 */
#define NX_BM25_K1 2.4
#define NX_BM25_B 0.75
#define NX_WDF_SCALE 20
#define NX_PASSAGE_AVG_LENGTH 200

/* The factor for the wdf of a passage of `length` weighted occurrences:
 * NX_WDF_SCALE / L, at least 1 (L is capped at NX_WDF_SCALE, which only a
 * passage of thousands of words, that no sentence break could cut,
 * reaches). */
static inline double nx_passage_wdf_factor(uint64_t length)
{
	double l = 1 - NX_BM25_B + NX_BM25_B * (double)length / NX_PASSAGE_AVG_LENGTH;

	return NX_WDF_SCALE / (l < NX_WDF_SCALE ? l : NX_WDF_SCALE);
}

#define NX_PREFIX_STEM "Z"
#define NX_PREFIX_KEY "X"
#define NX_PREFIX_STEM_KEY "K"
#define NX_PREFIX_TITLE "S"
#define NX_PREFIX_ARTICLE "A"
#define NX_PREFIX_SOURCE "P"
#define NX_PREFIX_LANG "L"
#define NX_PREFIX_DATE "D"
#define NX_PREFIX_NAME "N"
#define NX_PREFIX_NAME_FORM "M"
#define NX_PREFIX_GIVEN "F"
#define NX_PREFIX_NAME_PROBE "B"
#define NX_PREFIX_ORG "O"
#define NX_PREFIX_PERIOD "Y"

enum {
	NX_SLOT_ARTICLE = 0,
	NX_SLOT_DATE = 1,
	NX_SLOT_PASSAGE = 2
};

#define NX_MAX_TERM 240

struct nx_db {
	nxx_db *x;
	char *path;
	int writable;
	nxt_analyzer *an;  /* created on first use */
	nxt_namekey *nk;      /* created on first use (store/people.c) */
};

/* The analyzer of a handle, created on first use. */
int nx_db_analyzer(nxt_analyzer **out, nx_db *db);

/* Append the key of an article id (or a source path) to b: the id itself, or
 * "#" + hex hash when longer than fits in a term with its prefix. */
int nx_store_key(nx_buf *b, const char *id);

/* Parse the start of `date` as YYYY-MM-DD, a day of the calendar (a time
 * may follow; 2022-02-30 is no date).  On success writes "YYYY-MM-DD" (11
 * bytes with NUL) into iso and returns 1; else 0. */
int nx_store_parse_date(char iso[11], const char *date);

/* Record the counters of a completed indexing run (NX_META_LAST_RUN). */
int nx_store_put_last_run(nx_db *db, const nx_index_stats *s);

/* ---- people (people.c) ---------------------------------------------------- */

/* The name keyer of a handle, created on first use. */
int nx_db_namekey(nxt_namekey **out, nx_db *db);

/* Receives what nx_people_terms finds, by `kind`: NX_PEOPLE_BOOLEAN and
 * NX_PEOPLE_WEIGHTED a term (wdf 0, or one occurrence); NX_PEOPLE_KEY not
 * a term but a person's name key, for the caller to file under its probes
 * once (nx_people_file_probes). */
enum { NX_PEOPLE_BOOLEAN, NX_PEOPLE_WEIGHTED, NX_PEOPLE_KEY };
typedef int (*nx_people_fn)(void *ctx, const char *term, size_t len, int kind);

/* The people terms (N, M, F, O) of a passage, and its name keys.  words: all the words of the
 * passage as nxt_words reported them (nxt_words_record), or NULL to
 * segment it here. */
int nx_people_terms(nx_db *db, nxt_analyzer *a, const char *text, size_t len,
		    const nxt_words_rec *words, nx_people_fn emit, void *ctx);

/* File name key `key` under each of its probes (nxt_name_probes): the
 * metadata keys B<probe>:<key> (writable handles; inside the caller's
 * transaction).  Once per key is enough: they are never removed. */
int nx_people_file_probes(nx_db *db, const char *key, size_t len);

/*
 * The name keys a query word (normalised) stands for: its own key first,
 * then the keys of the other spellings of that name in the index, nearest
 * first (transliterations, spellings within nxt_name_tolerance by
 * nxt_name_cost, short and long forms that share a given name; not the
 * spellings nx_name_apart shows to be another person).  keys
 * receives them NUL-separated, each preceded by one character, '0' + its
 * level: 0 for the word's own key, else 1 + cost / NX_NAME_LEVEL_COST (at
 * most NX_NAME_LEVEL_MAX);
 * *n is their number.  *n is 0 when the word is not to be expanded: the
 * index knows it mostly as an ordinary word, or it is unknown and no name
 * is near it.
 */
#define NX_NAME_LEVEL_COST 10
#define NX_NAME_LEVEL_MAX 30

int nx_name_variants(nx_buf *keys, size_t *n, nx_db *db, nxt_analyzer *a, const char *norm,
		     size_t len);

/* How the index uses a normalised word whose name key is key: *as_name
 * passages name it as a person (its N term), *as_word hold the word at
 * all (the unprefixed term).  nx_name_variants expands a word only when
 * as_name * 2 >= as_word; the people of a query (query/people.c) leave out
 * keys with as_name * NX_PEOPLE_WORD_SHARE < as_word. */
#define NX_PEOPLE_WORD_SHARE 4

int nx_name_usage(uint32_t *as_name, uint32_t *as_word, nx_db *db, const char *norm, size_t len,
		  const char *key, size_t klen);

/* The passages that write name key k after a given name (F terms) that
 * makes with it two words of a company's name, written with the company's
 * suffix in 1 of NX_NAME_ORG_SHARE of the pair's passages or more (O
 * terms: Merrill Lynch and Co), into *out. */
#define NX_NAME_ORG_SHARE 4

int nx_name_as_org(uint32_t *out, nx_db *db, const char *key, size_t klen);

/* Is name key k (named in as_name passages) a place or a language rather
 * than a person?  *out = 1 when it is the key of a one-word name ICU gives
 * a country, region or language in English, Russian or Kazakh (Dutch,
 * Германия), or when at least half of its passages write it after a given
 * name (F term) that makes with it two consecutive words of such a name
 * (Saudi Arabia, Hong Kong). */
int nx_name_place(int *out, nx_db *db, const char *key, size_t klen, uint32_t as_name);

/* Are name keys a and b two people?  *out = 1 when both were written with
 * given names in the index (F terms) and none of those meet (Donald Regan,
 * Ronald Reagan); else 0. */
int nx_name_apart(int *out, nx_db *db, const char *a, size_t alen, const char *b, size_t blen);

/* The name key of a normalised word, its case endings removed (*out owned
 * by the handle's keyer, valid until its next use; "" when the word has no
 * letters to key or is too long). */
int nx_name_key_of(const char **out, size_t *outlen, nx_db *db, const char *norm, size_t len);

/*
 * person:NAME as a boolean query (*out): the passages that name the person
 * under any spelling of the surname (the last word of NAME, or the surname
 * name detection finds in it): the N terms of its key and of the keys of
 * nx_name_variants; a word the index knows mostly as an ordinary word keeps
 * its own key only.  With a given name (Kassym-Jomart Tokayev), passages
 * that write the surname only with other given names (F terms) are left
 * out.  The keys are added to qt->names for the highlighter.  *surname
 * (may be NULL) receives the surname's byte range in name.  *out is NULL
 * when NAME has no Latin or Cyrillic word to key.
 */
struct nx_qterms;
int nx_person_query(nxx_query **out, nx_span *surname, nx_db *db, nxt_analyzer *a,
		    struct nx_qterms *qt, const char *name, size_t len);

/* ---- words as terms (terms.c) -------------------------------------------- */

/* Receives one index term of a word; positional != 0 means the term takes
 * the word's position (for phrases), else it is added without one. */
typedef int (*nx_term_fn)(void *ctx, const char *term, size_t len, int positional);

/* Every index term of one analysed word, for an article in `lang`. */
int nx_terms_for_word(nxt_analyzer *a, const char *lang, const nxt_token *t,
		      nx_term_fn emit, void *ctx);

/* What a query looks for, as analysed words: used to build the Xapian query
 * and, with the same analyzer, to find the words to highlight. */
typedef struct nx_qterms {
	nx_buf norms;   /* NUL-separated normalised words */
	size_t nnorms;
	nx_buf stems;   /* NUL-separated stems (script-chosen stemmer) */
	size_t nstems;
	nx_db *db;      /* set by the caller to expand names; NULL: no expansion */
	nx_buf names;   /* NUL-separated name keys the query expanded to */
	size_t nnames;
	const char *lang; /* set by the caller: stem for this language only;
			     NULL: the index's languages and the script's */
} nx_qterms;

void nx_qterms_free(nx_qterms *q);

/* A growable list of queries, owned: push takes q (and frees it when it
 * cannot grow: NX_ENOMEM); free frees them all. */
typedef struct nx_qvec {
	nxx_query **q;
	size_t n, cap;
} nx_qvec;

int nx_qvec_push(nx_qvec *v, nxx_query *q);
void nx_qvec_free(nx_qvec *v);
/* *out = v[0] op v[1] ... ; a query that matches nothing when v is empty. */
int nx_qvec_combine(nxx_query **out, const nx_qvec *v, enum nxx_query_op op);

/* Is s one of the n NUL-separated strings of b?  Append it unless it is
 * (b->failed on OOM). */
int nx_strlist_has(const nx_buf *b, size_t n, const char *s, size_t len);
void nx_strlist_add(nx_buf *b, size_t *n, const char *s, size_t len);

/* The Xapian query for one analysed query word (*out; NULL when the word
 * yields no term), recording in qt what to highlight.  exact: the word as
 * typed, with its position (inside a phrase); else any of its forms. */
int nx_query_for_word(nxx_query **out, nxt_analyzer *a, nx_qterms *qt, const nxt_token *t,
		      int exact, nx_buf *scratch);

/* Does the passage word `tok` (from an article in `lang`) match q?
 * *out: 0 no, 1 as a word (its form or stem), 2 only as another spelling of
 * a name the query asked for (Ruzakunov for Ruzakhunov). */
int nx_qterms_match(int *out, const nx_qterms *q, nxt_analyzer *a, const char *lang,
		    const nxt_token *tok);

#ifdef __cplusplus
}
#endif

#endif /* NX_STORE_H */
