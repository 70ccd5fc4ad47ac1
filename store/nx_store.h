/*
 * nx_store.h — the newsidx index on disk: its schema, and the nx_db handle.
 *
 * An index is a Xapian database (glass backend) in one directory.
 *
 * ---- Schema version 1 -------------------------------------------------------
 *
 * One Xapian document per PASSAGE (a run of whole sentences of one article,
 * roughly 40-150 words, never across a paragraph break).
 *
 * Terms
 *   (none)  word        NFKC-casefolded word, with positions (phrases, NEAR)
 *   Z       stem        Snowball stem of each word, no positions (ranking);
 *                       language from the article ("lang", else guessed)
 *   S       title stem  stems of the article title, wdf 1 (title matches)
 *   A       article key boolean; every passage of an article carries it, so
 *                       an article is replaced/deleted as a unit
 *   P       source      boolean; the source file's absolute path (or its key
 *                       when too long), for deleting what a file held
 *   L       language    boolean; ISO 639-1 code ("en", "ru", "kk")
 *   D       date        boolean; YYYYMMDD when the date parses as ISO 8601
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
 *   newsidx.schema   "1" — checked on open (NX_ENOTINDEX when absent from a
 *                    non-empty database, NX_EVERSION when different)
 *   newsidx.created  ISO 8601 time the index was created
 */
#ifndef NX_STORE_H
#define NX_STORE_H

#include "newsidx.h"
#include "nx_common.h"
#include "nx_text.h"
#include "nx_xapian.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NX_SCHEMA_VERSION 1
#define NX_META_SCHEMA "newsidx.schema"
#define NX_META_CREATED "newsidx.created"

#define NX_PREFIX_STEM "Z"
#define NX_PREFIX_TITLE "S"
#define NX_PREFIX_ARTICLE "A"
#define NX_PREFIX_SOURCE "P"
#define NX_PREFIX_LANG "L"
#define NX_PREFIX_DATE "D"

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
};

/* The analyzer of a handle, created on first use. */
int nx_db_analyzer(nxt_analyzer **out, nx_db *db);

/* Append the key of an article id (or a source path) to b: the id itself, or
 * "#" + hex hash when longer than fits in a term with its prefix. */
int nx_store_key(nx_buf *b, const char *id);

/* Parse the start of `date` as YYYY-MM-DD (a time may follow).  On success
 * writes "YYYY-MM-DD" (11 bytes with NUL) into iso and returns 1; else 0. */
int nx_store_parse_date(char iso[11], const char *date);

#ifdef __cplusplus
}
#endif

#endif /* NX_STORE_H */
