/*
 * nx_xapian.h — a thin C API over libxapian.  The only C++ in the tree lives
 * behind this header (nx_xapian.cc); nothing else includes <xapian.h>.
 *
 * This layer knows Xapian and nothing about news.  Every entry point is an
 * exception firewall: Xapian::Error, std::bad_alloc and anything else thrown
 * are turned into an nx_status with a message (nx_error_message()); no C++
 * exception ever crosses into C.
 *
 * Mapping of exceptions to statuses:
 *   DatabaseLockError        -> NX_EBUSY
 *   DatabaseNotFoundError    -> NX_ENOTFOUND
 *   DatabaseOpeningError     -> NX_ENOTINDEX  (exists, but is not a database)
 *   DatabaseVersionError     -> NX_EVERSION
 *   DatabaseCorruptError     -> NX_ECORRUPT
 *   DatabaseModifiedError    -> NX_EMODIFIED  (enquiry retries after reopen first)
 *   InvalidArgumentError, InvalidOperationError, RangeError -> NX_EINVAL
 *   DocNotFoundError         -> NX_ENOTFOUND
 *   other Xapian::Error      -> NX_ERROR (or NX_EIO for DatabaseError)
 *   std::bad_alloc           -> NX_ENOMEM
 *   anything else            -> NX_ERROR
 *
 * Strings are (pointer, length) pairs where they may hold NULs; returned
 * strings are malloc'd unless the comment says otherwise.
 */
#ifndef NX_XAPIAN_H
#define NX_XAPIAN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t nxx_docid;

/* ---- databases ---------------------------------------------------------- */

typedef struct nxx_db nxx_db;

enum nxx_open_flags {
	NXX_READ = 0,        /* read-only; must exist */
	NXX_WRITE = 1,       /* writable; must exist */
	NXX_CREATE = 2,      /* with NXX_WRITE: create if missing */
	NXX_NO_SYNC = 4,     /* with NXX_WRITE: commits do not fsync (a scratch
				database that a crash may lose whole) */
	NXX_OVERWRITE = 8    /* with NXX_WRITE: an existing database is emptied
				(documents and metadata) */
};

/* Open a database.  *out must be freed with nxx_db_close (which commits a
 * writable database, unless a transaction is in progress: that is
 * cancelled; errors at that point are lost, so commit first). */
int nxx_db_open(nxx_db **out, const char *path, int flags);
void nxx_db_close(nxx_db *db);
int nxx_db_is_writable(const nxx_db *db);

int nxx_db_commit(nxx_db *db);
/* Reopen a read-only database to the latest revision; no-op when writable. */
int nxx_db_reopen(nxx_db *db);

int nxx_db_doccount(uint32_t *out, nxx_db *db);
/* Number of documents indexed by `term` (0 if absent). */
int nxx_db_termfreq(uint32_t *out, nxx_db *db, const char *term, size_t len);

/* The least and greatest values any document has in `slot` (Xapian's
 * bounds: after deletions they may be looser than the documents left),
 * NUL-terminated in lo and hi (size bytes each); both "" when no document
 * has the slot or a bound would not fit. */
int nxx_db_value_bounds(nxx_db *db, unsigned slot, char *lo, char *hi, size_t size);

/* Metadata: *out is malloc'd and NUL-terminated ("" when the key is unset),
 * *outlen its length (may be NULL). */
int nxx_db_get_metadata(char **out, size_t *outlen, nxx_db *db, const char *key);
int nxx_db_set_metadata(nxx_db *db, const char *key, const char *val, size_t len);
/* Call fn for every metadata key starting with `prefix` (sorted); stop early
 * when fn returns non-zero (that value is then returned). */
typedef int (*nxx_key_fn)(void *ctx, const char *key, size_t len);
int nxx_db_metadata_keys(nxx_db *db, const char *prefix, nxx_key_fn fn, void *ctx);

/*
 * Transactions (writable databases): every change between begin and commit
 * is applied at once, or none is.  begin commits changes made before it;
 * commit_transaction makes the transaction's changes durable (a commit);
 * cancel_transaction discards them, and so does nxx_db_close or the end of
 * the process before commit_transaction.  nxx_db_commit inside a
 * transaction is an error (NX_EINVAL), as is a nested begin.
 */
int nxx_db_begin_transaction(nxx_db *db);
int nxx_db_commit_transaction(nxx_db *db);
int nxx_db_cancel_transaction(nxx_db *db);
/* Is a transaction in progress? */
int nxx_db_in_transaction(const nxx_db *db);

/* ---- documents ---------------------------------------------------------- */

typedef struct nxx_doc nxx_doc;

int nxx_doc_new(nxx_doc **out);
void nxx_doc_free(nxx_doc *doc);
/* A term at a position (positions start at 1), wdf increased by wdfinc. */
int nxx_doc_add_posting(nxx_doc *doc, const char *term, size_t len, uint32_t pos, uint32_t wdfinc);
/* A term without position. */
int nxx_doc_add_term(nxx_doc *doc, const char *term, size_t len, uint32_t wdfinc);
/* The sum of the wdf of the document's terms (its length). */
int nxx_doc_wdf_total(uint64_t *out, nxx_doc *doc);
/* Every non-zero wdf times factor (>= 1), rounded. */
int nxx_doc_scale_wdf(nxx_doc *doc, double factor);
/* A term with wdf 0 (filters; does not affect document length). */
int nxx_doc_add_boolean_term(nxx_doc *doc, const char *term, size_t len);
int nxx_doc_set_value(nxx_doc *doc, unsigned slot, const char *val, size_t len);
int nxx_doc_set_data(nxx_doc *doc, const char *data, size_t len);

/* Add a document; *out (may be NULL) receives its docid. */
int nxx_db_add_document(nxx_docid *out, nxx_db *db, nxx_doc *doc);
/* Replace every document indexed by unique term `term` by `doc` (adds it
 * when there is none). */
int nxx_db_replace_document(nxx_docid *out, nxx_db *db, const char *term, size_t len, nxx_doc *doc);
/* Delete every document indexed by `term`. */
int nxx_db_delete_documents(nxx_db *db, const char *term, size_t len);

/* Stored data and values of a document by docid (*out malloc'd,
 * NUL-terminated; NX_ENOTFOUND for a missing docid). */
int nxx_db_get_data(char **out, size_t *outlen, nxx_db *db, nxx_docid did);
int nxx_db_get_value(char **out, size_t *outlen, nxx_db *db, nxx_docid did, unsigned slot);

/* Call fn for every term starting with `prefix` (in sorted order) with its
 * term frequency; stop early when fn returns non-zero (that value is then
 * returned). */
typedef int (*nxx_term_fn)(void *ctx, const char *term, size_t len, uint32_t termfreq);
int nxx_db_allterms(nxx_db *db, const char *prefix, nxx_term_fn fn, void *ctx);

/* Call fn for every term of document `did` starting with `prefix` (sorted;
 * NULL or "" for all), with its wdf in the document as the third argument;
 * stop early when fn returns non-zero (that value is then returned).
 * NX_ENOTFOUND for a missing docid. */
int nxx_db_termlist(nxx_db *db, nxx_docid did, const char *prefix, nxx_term_fn fn, void *ctx);

/* ---- queries ------------------------------------------------------------ */

/* Queries are immutable trees; combining functions take *copies* of their
 * subqueries (the caller still frees what it passed). */
typedef struct nxx_query nxx_query;

enum nxx_query_op {
	NXX_OP_AND,
	NXX_OP_OR,
	NXX_OP_AND_NOT,   /* first AND NOT (rest) */
	NXX_OP_AND_MAYBE, /* first, weighted up by the rest */
	NXX_OP_FILTER,    /* first, filtered by the rest (no weight from them) */
	NXX_OP_PHRASE,    /* window 0 = exact phrase */
	NXX_OP_NEAR,      /* within `window` positions, any order */
	NXX_OP_SYNONYM,   /* one term for weighting */
	NXX_OP_ELITE_SET
};

int nxx_query_term(nxx_query **out, const char *term, size_t len, uint32_t wqf, uint32_t pos);
int nxx_query_combine(nxx_query **out, enum nxx_query_op op, nxx_query *const *subs, size_t n, uint32_t window);
int nxx_query_scale(nxx_query **out, const nxx_query *q, double factor);
/* Documents whose value in `slot` sorts in [lo, hi] (NULL = open end). */
int nxx_query_value_range(nxx_query **out, unsigned slot, const char *lo, const char *hi);
int nxx_query_match_all(nxx_query **out);
int nxx_query_match_nothing(nxx_query **out);
int nxx_query_is_empty(const nxx_query *q);
/* Xapian's description of the query (for --explain / tests); malloc'd. */
int nxx_query_describe(char **out, const nxx_query *q);
void nxx_query_free(nxx_query *q);

/* ---- searching ---------------------------------------------------------- */

typedef struct nxx_enquire_opts {
	size_t offset, limit;
	int collapse_slot;   /* -1: no collapsing */
	unsigned collapse_max; /* documents kept per collapse key (1) */
	double bm25_k1, bm25_k2, bm25_k3, bm25_b, bm25_min_normlen;
	int sort_by_value;   /* -1: by relevance; else slot to sort by (desc) */
	int lazy;            /* 1: read a hit's data and values only when
				asked for (see nxx_mset_data) */
} nxx_enquire_opts;

#define NXX_ENQUIRE_OPTS_INIT { 0, 10, -1, 1, 1.2, 0.0, 1.0, 0.75, 0.5, -1, 0 }

typedef struct nxx_mset nxx_mset;

/* Run the query.  DatabaseModifiedError is handled by reopening and
 * retrying (a few times) before NX_EMODIFIED is returned. */
int nxx_enquire(nxx_mset **out, nxx_db *db, const nxx_query *q, const nxx_enquire_opts *opts);
size_t nxx_mset_size(const nxx_mset *m);
/* Estimated total matches (or distinct collapse keys when collapsing). */
size_t nxx_mset_estimate(const nxx_mset *m);

typedef struct nxx_hit {
	nxx_docid docid;
	double weight;
	int percent;
	uint32_t collapse_count;
} nxx_hit;

int nxx_mset_hit(nxx_hit *out, const nxx_mset *m, size_t i);
/* A hit's document data and values.  Copied out by nxx_enquire, or with
 * opts.lazy read when first asked for (the collapse slot's value comes
 * with the match) from the handle the query ran on: then NX_EMODIFIED when
 * a writer has discarded that revision since (reopen, run the query
 * again), and they must be called before the handle is closed. */
int nxx_mset_data(char **out, size_t *outlen, const nxx_mset *m, size_t i);
int nxx_mset_value(char **out, size_t *outlen, const nxx_mset *m, size_t i, unsigned slot);
void nxx_mset_free(nxx_mset *m);

/*
 * Query expansion (pseudo-relevance feedback): the terms starting with
 * `prefix` that best tell the documents `docs` from the rest of the
 * database, by the Bo1 model of divergence from randomness (Amati 2003;
 * Xapian's "bo1" expansion scheme, Terrier's default), leaving out the terms
 * of `exclude` (may be NULL) and those found in fewer than `min_docs` of
 * `docs` (a word that only one passage uses says more about that passage
 * than about the query).  fn is called for at most `max` terms, best first,
 * with their expansion weight; a non-zero return stops and is returned.
 *
 * Bo1 counts occurrences: a document's wdf is divided by its smallest
 * non-zero wdf (the index writes a per-passage multiple of the occurrences,
 * nx_passage_wdf_factor), a term's collection frequency by cf_unit (1 for
 * an index of plain counts; for newsidx's, NX_WDF_SCALE, the multiple of a
 * passage of mean length: an estimate, as the index keeps no count of its
 * occurrences, close where passages average NX_PASSAGE_AVG_LENGTH).
 */
typedef int (*nxx_expand_fn)(void *ctx, const char *term, size_t len, double weight);
int nxx_expand(nxx_db *db, const nxx_docid *docs, size_t ndocs, const char *prefix, unsigned min_docs,
	       double cf_unit, const nxx_query *exclude, size_t max, nxx_expand_fn fn, void *ctx);

/* The weight of each of the documents `docs` for query q under the weighting
 * of opts (offset, limit and collapsing are ignored): out[i] for docs[i],
 * 0 when it does not match.  For explaining a score part by part. */
int nxx_weigh(double *out, nxx_db *db, const nxx_query *q, const nxx_docid *docs, size_t ndocs,
	      const nxx_enquire_opts *opts);

/* ---- stemming ----------------------------------------------------------- */

typedef struct nxx_stem nxx_stem;

/* `lang` is a Xapian stemmer name or ISO code ("english", "en", "ru" ...).
 * NX_ENOTFOUND for a language Xapian has no stemmer for. */
int nxx_stem_new(nxx_stem **out, const char *lang);
void nxx_stem_free(nxx_stem *s);
/* Stem a (case-folded) word.  *out points into a buffer owned by `s`,
 * valid until the next call on `s`; NUL-terminated. */
int nxx_stem_apply(const char **out, size_t *outlen, nxx_stem *s, const char *word, size_t len);
/* Space-separated list of the stemmer names Xapian knows (static). */
const char *nxx_stem_languages(void);

/* ---- compaction --------------------------------------------------------- */

/* Merge the databases `srcs` (closed, or open only for reading) into a new,
 * compact database at `dest`, which must not exist: documents are
 * renumbered in the order of `srcs`; a metadata key found in several
 * sources keeps the first source's value.  `dest` is left incomplete on
 * error (the caller removes it). */
int nxx_db_compact(const char *dest, const char *const *srcs, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* NX_XAPIAN_H */
