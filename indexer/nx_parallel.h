/*
 * nx_parallel.h — a first run of nx_index_paths on several cores: shards
 * built in parallel and merged with Xapian's compaction (parallel.c).
 */
#ifndef NX_PARALLEL_H
#define NX_PARALLEL_H

#include "nx_reader.h"
#include "nx_store.h"

/*
 * Index `paths` into the empty index `db` with opts->threads threads.  Each
 * thread runs nx_index_paths (one thread) into a shard of its own, a
 * temporary index next to `db`, reading every source but analysing and
 * writing only the articles whose key hashes to it; the shards are then
 * compacted into one index that takes the place of `db` (an atomic exchange
 * of directories), and the handle is reopened on it.
 *
 * *done is 0 when the run does not qualify (the index is not empty, or
 * fewer than two threads, or NX_INDEX_THREADS_AUTO chose one): the caller
 * then indexes as usual.  Otherwise the
 * result is the run's status and *out holds its counters.  On error the
 * index is left as it was (empty) and the shards are removed.
 */
int nx_index_parallel(int *done, nx_db *db, const char *const *paths, size_t npaths,
		      const nx_index_options *opts, nx_index_stats *out);

/*
 * NX_INDEX_THREADS_AUTO: the number of threads of a first run, from the
 * size of its input (the files named and the regular files under the
 * directories named, as on disk): one below NX_PARALLEL_MIN_BYTES, where
 * reading every source in every shard and merging cost more than a second
 * core gives; else the online cores, at most NX_PARALLEL_AUTO_MAX (each
 * shard parses every source, and the merge is one thread).
 */
#define NX_PARALLEL_MIN_BYTES ((uint64_t)8 << 20)
#define NX_PARALLEL_AUTO_MAX 4

/* Remove the scratch directories ("PATH.build-XXXXXX") of runs into db
 * that were killed before they finished; db must be open for writing (its
 * lock is what makes this safe).  Nothing is reported: what cannot be
 * removed is left for the next run. */
void nx_parallel_remove_stale(const nx_db *db);

unsigned nx_parallel_auto(const char *const *paths, size_t npaths);

/*
 * Called by index.c for each article it is about to analyse, with the
 * article's key: in a shard's thread, 1 when the article is this shard's,
 * else 0 (another shard writes it); outside a parallel run, always 1.
 */
int nx_shard_owns(const nx_article *a, const char *key, size_t len);

#endif /* NX_PARALLEL_H */
