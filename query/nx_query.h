/*
 * nx_query.h — private interfaces of the query layer: the syntax tree of a
 * query (parse.c), its translation into a Xapian query (compile.c), and the
 * highlights and snippet windows of passages (snippet.c), shared by
 * search.c and the unit tests.
 */
#ifndef NX_QUERY_H
#define NX_QUERY_H

#include "nx_store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- syntax tree (parse.c) ------------------------------------------------ */

typedef enum nxq_kind {
	NXQ_SEQ,     /* items side by side: ranked, passages with all first */
	NXQ_OR,      /* a OR b */
	NXQ_AND,     /* a AND b */
	NXQ_NOT,     /* NOT a, -a (one kid) */
	NXQ_NEAR,    /* a NEAR/n b: words or phrases within n words */
	NXQ_WORDS,   /* a run of text without spaces: one word, or several
			(covid-19, U.S.-led) matched as a phrase */
	NXQ_PHRASE,  /* "an exact phrase" */
	NXQ_PREFIX,  /* prefix*: text is the prefix without the star */
	NXQ_TITLE,   /* title:x (one kid: words, phrase, prefix or a group) */
	NXQ_PERSON,  /* person:x, person:"x y" (text: the name) */
	NXQ_LANG,    /* lang:xx (text: the code, lowercase) */
	NXQ_SOURCE,  /* source:x (text: part of the source path) */
	NXQ_DATE     /* since:, until:, date: (lo, hi: YYYY-MM-DD or "") */
} nxq_kind;

typedef struct nxq_node {
	nxq_kind kind;
	size_t col;             /* 1-based column (characters) in the query */
	size_t start, end;      /* byte range in the query (words, phrases) */
	char *text;             /* NUL-terminated; see the kinds */
	char lo[11], hi[11];    /* NXQ_DATE: first and last day, "" = open */
	unsigned window;        /* NXQ_NEAR: most words between the parts */
	struct nxq_node **kids;
	size_t nkids;
} nxq_node;

/* NEAR without /n: at most this many words between the parts. */
#define NXQ_NEAR_DEFAULT 10

/*
 * Parse `query` (valid UTF-8) into a syntax tree (*out, free with
 * nxq_free).  `now` (seconds since 1970, UTC) dates relative dates
 * (since:7d).  Errors: NX_ESYNTAX with a message that ends in
 * "(column N)"; *errcol (may be NULL) receives N, the 1-based column in
 * characters of the problem.  NX_ENOMEM.
 */
int nxq_parse(nxq_node **out, size_t *errcol, const char *query, int64_t now);

void nxq_free(nxq_node *n);

/* The tree as an S-expression, for tests: (seq a (or b "c d") (not e)). */
int nxq_dump(nx_buf *b, const nxq_node *n);

/* ---- Xapian query (compile.c) -------------------------------------------- */

/* A query ready to run: the ranked query, the stricter query of passages
 * that hold every item of the top level (NULL when there are fewer than
 * two), and what the ranker needs to know about them. */
typedef struct nxq_compiled {
	nxx_query *q;          /* matches what the query asks for */
	nxx_query *all;        /* q AND every top-level item; or NULL */
	int weighted;          /* 0: only filters and exclusions (rank by date) */
	size_t nwords;         /* plain, non-stop words of the top level */
	/* The top-level parts that carry weight, for --explain: their
	 * queries and labels (the text as typed). */
	nxx_query **parts;
	char **labels;
	size_t nparts;
	/* Plain words of the query (byte ranges in it), for "did you mean". */
	nx_span *words;
	size_t nwords_typed;
	/* The surnames of person: items (byte ranges in the query), for
	 * "which form matched" (with the plain words above). */
	nx_span *names;
	size_t nnames;
} nxq_compiled;

/*
 * Turn the tree into Xapian queries for `db`.  Every word becomes query
 * terms through nx_query_for_word() (store/terms.c), which also records in
 * qt what to highlight.  Errors: NX_ESYNTAX (nothing to search for),
 * NX_ENOMEM, and the index's errors.
 */
int nxq_compile(nxq_compiled *out, const nxq_node *root, const char *query, nx_db *db,
		nxt_analyzer *an, nx_qterms *qt);

void nxq_compiled_free(nxq_compiled *c);

/* Is the normalised word a stop word (English, Russian, Kazakh function
 * words), left out of ranked word lists that have other words? */
int nxq_is_stopword(const char *norm, size_t len);

/* ---- highlights and snippets (snippet.c) ---------------------------------- */

/*
 * What nx_qterms_match() said of each distinct word (its form, script and
 * the article's language) for one query: the passages of a page share most
 * of their words, and matching a word (folding, keys, stem, name key) costs
 * far more than looking it up.  Valid for one nx_qterms and analyzer only;
 * start it zeroed (NX_HLCACHE_INIT), free it with nx_hlcache_free().
 */
typedef struct nx_hlcache {
	struct nx_hlslot *slots;
	size_t cap, n;
	nx_buf keys;      /* the words' keys, one after the other */
} nx_hlcache;

#define NX_HLCACHE_INIT { NULL, 0, 0, NX_BUF_INIT }

void nx_hlcache_free(nx_hlcache *c);

/* The words of a query that may name people (its plain words and the
 * surnames of its person: items), as typed and as name keys: what a
 * passage word matched as another spelling is reported against. */
typedef struct nx_qforms {
	nx_buf text;   /* per word: the word as typed, NUL, its name key, NUL */
	size_t n;
} nx_qforms;

int nx_qforms_build(nx_qforms *out, nx_db *db, nxt_analyzer *a, const char *query,
		    const nxq_compiled *cc);
void nx_qforms_free(nx_qforms *qf);

/* Highlights of `passage` for q: *out malloc'd array of *n byte spans;
 * and, when win is not NULL, the snippet window *win: the densest run of
 * `core` words widened by `context` words on each side, as byte offsets
 * [start, end) at word boundaries (the whole passage when it is not
 * longer).  With matched, also the words the query matched only as another
 * spelling of a name (nx_qterms_match() == 2) whose name key differs from
 * every query word's: each reported against the query word (qf) whose key
 * is nearest (nxt_name_cost).  *matched is one malloc'd block (the array
 * and its strings; free() it), NULL when there is none; qf may be NULL. */
int nx_highlight_forms(nx_span **out, size_t *n, nx_span *win, nx_matched_form **matched,
		       size_t *nmatched, nxt_analyzer *a, const nx_qterms *q, const nx_qforms *qf,
		       const char *lang, const char *passage, size_t len, unsigned core,
		       unsigned context, nx_hlcache *cache);

/* ---- stored passage data (json.c) ------------------------------------------ */

/* A passage's stored data (store/nx_store.h), decoded.  Every string is
 * NUL-terminated and "" when absent or not a string; start and no are 0
 * when absent or not a non-negative integer.  The strings live in `mem`. */
typedef struct nx_stored {
	const char *id, *title, *date, *source, *url, *lang, *text;
	size_t text_len;
	size_t start, no;
	char *mem;
} nx_stored;

/* Decode `data`.  NX_ECORRUPT ("WHAT has unreadable stored data: ...")
 * when it is not a JSON object, NX_ENOMEM; *out is then empty.  Free with
 * nx_stored_free(). */
int nx_stored_parse(nx_stored *out, const char *data, size_t len, const char *what);
void nx_stored_free(nx_stored *sd);

/* ---- ranking (search.c, people.c) ---------------------------------------- */

/* BM25 as Xapian is asked for it: the index holds the length
 * normalisation in the wdf (NX_BM25_K1, nx_passage_wdf_factor in nx_store.h). */
#define NX_QUERY_BM25_K1 (NX_BM25_K1 * NX_WDF_SCALE)
#define NX_QUERY_BM25_B 0.0

/* The filter of passages dated lo..hi ("YYYY-MM-DD", "" = open):
 * weightless, made of the fewest Y and D terms that cover the range
 * (*nterms of them; 0 when it falls back to a value range or matches
 * nothing) (compile.c). */
int nxq_date_filter(nxx_query **out, size_t *nterms, nx_db *db, const char *lo, const char *hi);

/* An ISO 639 code (2 or 3 letters, any case) in lower case into out;
 * NX_EINVAL naming it otherwise (search.c). */
int nxq_lang_code(char out[4], const char *lang);

/* How many times a search runs again when the index changed under it
 * (NX_EMODIFIED). */
#define NX_SEARCH_RETRIES 3

#ifdef __cplusplus
}
#endif

#endif /* NX_QUERY_H */
