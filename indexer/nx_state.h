/*
 * nx_state.h — what the index remembers about each source file so that a
 * re-run reads only what changed (state.c): the source record stored in the
 * metadata entry NX_META_SOURCE + source key (format in store/nx_store.h),
 * content hashes of articles, and a small string-keyed hash map.
 * Private to indexer/.
 */
#ifndef NX_STATE_H
#define NX_STATE_H

#include "nx_common.h"
#include "nx_reader.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- content hashes ----------------------------------------------------- */

/* A 64-bit non-cryptographic hash of bytes (murmur-style mixing), seeded. */
uint64_t nx_hash_bytes(const void *data, size_t len, uint64_t seed);

/* The content hash of an article as it would be indexed: every field, its
 * source, and the passage sizes (a change to any of them changes the
 * documents written). */
uint64_t nx_article_hash(const nx_article *a, unsigned min_words, unsigned max_words);

/* ---- string map ---------------------------------------------------------- */

/* Keys are copied; values are 64-bit.  Iterate with nx_map_next. */
typedef struct nx_map_ent {
	uint64_t hash;   /* of the key; 0 marks an empty slot */
	size_t off;      /* key in m->keys */
	size_t len;
	uint64_t val;
} nx_map_ent;

typedef struct nx_map {
	nx_buf keys;       /* the keys, NUL-terminated, one after another */
	nx_map_ent *ents;
	size_t n, cap;     /* cap is 0 or a power of two */
} nx_map;

#define NX_MAP_INIT { NX_BUF_INIT, NULL, 0, 0 }

/* Insert or update; *existed (may be NULL) tells whether the key was there. */
int nx_map_put(nx_map *m, const char *key, size_t len, uint64_t val, int *existed);
/* 1 and *val when present, else 0. */
int nx_map_get(const nx_map *m, const char *key, size_t len, uint64_t *val);
/* The key of an entry (NUL-terminated, valid until the next put). */
const char *nx_map_key(const nx_map *m, const nx_map_ent *e);
/* Entries one by one: start with *i = 0; NULL at the end. */
const nx_map_ent *nx_map_next(const nx_map *m, size_t *i);
void nx_map_clear(nx_map *m);
void nx_map_free(nx_map *m);

/* ---- source records ------------------------------------------------------ */

/* What stat() says about a source (equal: unchanged, not even read), and
 * the hash of its bytes on disk (equal: unchanged, read but not parsed). */
typedef struct nx_sig {
	uint64_t size;
	uint64_t ino;
	int64_t mtime_s, mtime_ns;
	int64_t ctime_s, ctime_ns;
	uint64_t content;  /* nx_hash_bytes of the file, seeded; 0: unknown */
} nx_sig;

enum {
	NX_STATE_COMPLETE = 1,  /* the source was read to the end: its signature
				   and article list describe the index */
	NX_STATE_RACY = 2       /* modified too close to when it was read to trust
				   an equal signature: read it again next time */
};

/* A parsed source record.  path and the article list point into the
 * record's text, which must outlive it. */
typedef struct nx_state {
	unsigned flags;
	nx_sig sig;
	uint64_t narticles;
	const char *path;
	size_t path_len;
	const char *articles;  /* the article lines, parsed by nx_state_articles */
	size_t articles_len;
} nx_state;

/* Parse the header of a record.  NX_ECORRUPT for anything unexpected (the
 * caller then treats the source as never seen). */
int nx_state_parse(nx_state *out, const char *text, size_t len);

/* Add the article list of a parsed record to `m` (key -> content hash). */
int nx_state_articles(const nx_state *st, nx_map *m);

/* Encode a record: flags, signature, the source path and the articles of
 * `m` (and of `also`, when not NULL, those of its keys not in m). */
int nx_state_encode(nx_buf *out, unsigned flags, const nx_sig *sig, const char *path,
		    const nx_map *m, const nx_map *also);

#ifdef __cplusplus
}
#endif

#endif /* NX_STATE_H */
