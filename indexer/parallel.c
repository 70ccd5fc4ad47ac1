/*
 * parallel.c — a first run of nx_index_paths on several cores: each thread
 * builds a shard (a temporary index of its own, with its own analyzer),
 * then Xapian's compaction merges the shards into one index, which takes the
 * place of the empty one the caller opened.
 *
 * Why shards: Xapian's write path is most of the time of indexing and a
 * WritableDatabase takes one writer at a time, so only separate databases
 * use separate cores; compaction merges them at a small fraction of the
 * cost of building them, and leaves a compact index.
 *
 * Each shard runs the whole of nx_index_paths (one thread) over every
 * source: the readers and the per-source state are the same in every shard,
 * and index.c asks nx_shard_owns() before it analyses an article, which
 * keeps the articles whose key hashes to the shard.  So an article id met
 * twice lands in one shard and replaces itself there, and every shard
 * records the same state for a source (the compaction keeps the first).
 * Diagnostics about sources come from shard 0 only; those about an article
 * from the shard that owns it.  The shards live in "PATH.build-XXXXXX" next
 * to the index until the merge; every later run into the index removes
 * those a killed run left (nx_parallel_remove_stale).
 */
#define _GNU_SOURCE 1  /* renameat2 */
#include "nx_parallel.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_SHARDS 64

/* ---- which shard an article belongs to ---------------------------------- */

typedef struct shard_tls {
	unsigned k, n;            /* this shard, of n */
	int owned;                /* the last article asked about is ours */
	unsigned long line;       /* ... and where it came from */
	const char *path;
} shard_tls;

static _Thread_local shard_tls *tls_shard;

static uint64_t fnv1a(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

int nx_shard_owns(const nx_article *a, const char *key, size_t len)
{
	shard_tls *s = tls_shard;

	if (!s)
		return 1;
	s->owned = fnv1a(key, len) % s->n == s->k;
	s->line = a->line;
	s->path = a->source;
	return s->owned;
}

/* ---- workers ------------------------------------------------------------ */

typedef struct par {
	const nx_index_options *o;  /* the caller's */
	pthread_mutex_t lock;       /* one diagnostic at a time */
	const char *const *paths;
	size_t npaths;
} par;

typedef struct worker {
	par *p;
	shard_tls tls;
	char *path;                 /* the shard's directory */
	nx_db *db;
	nx_index_options o;
	nx_index_stats stats;
	int rc;
	char msg[1024];             /* the error message of rc (per-thread) */
	pthread_t th;
	int started;
} worker;

static void worker_diag(void *data, const nx_diag *d)
{
	worker *w = data;
	const shard_tls *s = &w->tls;

	/* Source-level news is shard 0's to tell; an article's, its owner's. */
	if (s->k > 0 && !(s->owned && d->line == s->line && d->path && s->path &&
			  strcmp(d->path, s->path) == 0))
		return;
	pthread_mutex_lock(&w->p->lock);
	w->p->o->diag(w->p->o->diag_data, d);
	pthread_mutex_unlock(&w->p->lock);
}

static void *worker_run(void *vw)
{
	worker *w = vw;

	tls_shard = &w->tls;
	w->rc = nx_index_paths(w->db, w->p->paths, w->p->npaths, &w->o, &w->stats);
	if (!w->rc && (w->rc = nx_db_commit(w->db)))
		nx_error_prefix("committing shard %s", w->path);
	if (w->rc)
		snprintf(w->msg, sizeof w->msg, "%s", nx_error_message());
	tls_shard = NULL;
	return NULL;
}

/* ---- the run ------------------------------------------------------------ */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Remove the shards of earlier runs into the index at path[0, len) that
 * were killed before they finished (their "PATH.build-XXXXXX" directories):
 * we hold the index's writer lock, so no other run is using them. */
static void remove_stale(const char *path, size_t len)
{
	const char *slash = memrchr(path, '/', len);
	const char *base = slash ? slash + 1 : path;
	size_t blen = len - (size_t)(base - path);
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, base, blen) == 0 && strncmp(e->d_name + blen, ".build-", 7) == 0 &&
		    strlen(e->d_name + blen) == 13) {
			size_t n = strlen(dir) + strlen(e->d_name) + 2;
			char *p = malloc(n);

			if (p) {
				snprintf(p, n, "%s/%s", dir, e->d_name);
				remove_tree(p);
				free(p);
			}
		}
	}
	if (d)
		closedir(d);
	free(dir);
}

void nx_parallel_remove_stale(const nx_db *db)
{
	size_t len = strlen(db->path);

	if (tls_shard)
		return;  /* a shard: its index is one of ours */
	while (len > 1 && db->path[len - 1] == '/')
		len--;
	remove_stale(db->path, len);
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The run's counters from the shards': what every shard counts alike
 * (sources, bytes, records) from shard 0, what each counts for its own
 * articles summed. */
static void merge_stats(nx_index_stats *out, const worker *w, size_t n)
{
	*out = w[0].stats;
	out->articles = out->passages = out->added = out->updated = out->deleted = 0;
	out->commits = 0;
	for (size_t i = 0; i < n; i++) {
		const nx_index_stats *s = &w[i].stats;

		out->articles += s->articles;
		out->passages += s->passages;
		out->added += s->added;
		out->updated += s->updated;
		out->deleted += s->deleted;
		out->commits += s->commits;
		if (s->unchanged < out->unchanged)
			out->unchanged = s->unchanged;
		if (s->sources_unchanged < out->sources_unchanged)
			out->sources_unchanged = s->sources_unchanged;
	}
}

/* Put the index at `merged` in the place of db's (empty) one, and reopen
 * the handle on it. */
static int swap_in(nx_db *db, const char *merged)
{
	nxx_db *x = NULL;
	int rc;

	if (renameat2(AT_FDCWD, merged, AT_FDCWD, db->path, RENAME_EXCHANGE) != 0)
		return nx_error_set(NX_EIO, "cannot put the merged index in place of %s: %s",
				    db->path, strerror(errno));
	if ((rc = nxx_db_open(&x, db->path, NXX_WRITE))) {
		/* Put the empty index back, as the caller had it. */
		renameat2(AT_FDCWD, merged, AT_FDCWD, db->path, RENAME_EXCHANGE);
		return nx_error_prefix("reopening %s", db->path), rc;
	}
	nxx_db_close(db->x);  /* the empty index, now at `merged`: nothing pending */
	db->x = x;
	return NX_OK;
}

/* ---- how many threads by default ---------------------------------------- */

static _Thread_local uint64_t tls_bytes;

/* The size of what the walk would read (walk.c): files of a kind it knows,
 * hidden entries and what is below them skipped. */
static int add_size(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (ftw->level > 0 && path[ftw->base] == '.')
		return flag == FTW_D ? FTW_SKIP_SUBTREE : FTW_CONTINUE;
	if (flag == FTW_F && S_ISREG(st->st_mode) && nx_source_kind_of(path) != NX_SOURCE_UNKNOWN)
		tls_bytes += (uint64_t)st->st_size;
	/* enough: stop the walk */
	return tls_bytes >= NX_PARALLEL_MIN_BYTES ? FTW_STOP : FTW_CONTINUE;
}

unsigned nx_parallel_auto(const char *const *paths, size_t npaths)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	struct stat st;

	if (cores < 2)
		return 1;
	tls_bytes = 0;
	for (size_t i = 0; i < npaths && tls_bytes < NX_PARALLEL_MIN_BYTES; i++) {
		if (!paths[i] || stat(paths[i], &st) != 0)
			continue;
		if (S_ISREG(st.st_mode))
			tls_bytes += (uint64_t)st.st_size;
		else if (S_ISDIR(st.st_mode))
			nftw(paths[i], add_size, 16, FTW_PHYS | FTW_ACTIONRETVAL);
	}
	if (tls_bytes < NX_PARALLEL_MIN_BYTES)
		return 1;
	return cores > NX_PARALLEL_AUTO_MAX ? NX_PARALLEL_AUTO_MAX : (unsigned)cores;
}

int nx_index_parallel(int *done, nx_db *db, const char *const *paths, size_t npaths,
		      const nx_index_options *opts, nx_index_stats *out)
{
	unsigned n = opts->threads > MAX_SHARDS ? MAX_SHARDS : opts->threads;
	worker *w = NULL;
	par p;
	char *tmp = NULL, *merged = NULL;
	const char **srcs = NULL;
	double t0 = now_seconds();
	uint32_t docs = 1;
	size_t len;
	int rc = NX_OK;

	*done = 0;
	if (n < 2 || tls_shard || nxx_db_in_transaction(db->x))
		return NX_OK;
	if ((rc = nxx_db_doccount(&docs, db->x)))
		return rc;
	if (docs)
		return NX_OK;  /* incremental: shards could not replace what is there */
	if (opts->threads == NX_INDEX_THREADS_AUTO && (n = nx_parallel_auto(paths, npaths)) < 2)
		return NX_OK;
	*done = 1;

	len = strlen(db->path);
	while (len > 1 && db->path[len - 1] == '/')
		len--;
	if (!(tmp = malloc(len + 32)) || !(merged = malloc(len + 48)) ||
	    !(w = calloc(n, sizeof *w)) || !(srcs = calloc(n, sizeof *srcs))) {
		rc = nx_error_set(NX_ENOMEM, "out of memory");
		goto out;
	}
	snprintf(tmp, len + 32, "%.*s.build-XXXXXX", (int)len, db->path);
	if (!mkdtemp(tmp)) {
		rc = nx_error_set(NX_EIO, "cannot create a directory next to %s for the shards: %s",
				  db->path, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	snprintf(merged, len + 48, "%s/merged", tmp);

	memset(&p, 0, sizeof p);
	p.o = opts;
	p.paths = paths;
	p.npaths = npaths;
	pthread_mutex_init(&p.lock, NULL);
	json_object_seed(0);  /* before threads: jansson seeds its hash once */
	for (unsigned k = 0; k < n && !rc; k++) {
		worker *wk = &w[k];
		size_t plen = strlen(tmp) + 16;

		wk->p = &p;
		wk->tls.k = k;
		wk->tls.n = n;
		if (!(wk->path = malloc(plen))) {
			rc = nx_error_set(NX_ENOMEM, "out of memory");
			break;
		}
		snprintf(wk->path, plen, "%s/shard-%u", tmp, k);
		srcs[k] = wk->path;
		if ((rc = nx_db_open(&wk->db, wk->path, NX_OPEN_WRITE)))
			break;
		/* A shard is scratch (a crash loses the run anyway): its commits
		 * need not wait for the disk. */
		nxx_db_close(wk->db->x);
		wk->db->x = NULL;
		if ((rc = nxx_db_open(&wk->db->x, wk->path, NXX_WRITE | NXX_NO_SYNC)))
			break;
		wk->o = *opts;
		wk->o.threads = 1;
		wk->o.diag = opts->diag ? worker_diag : NULL;
		wk->o.diag_data = wk;
		if (k > 0)
			wk->o.progress = NULL;  /* shard 0 reads what every shard reads */
		if (pthread_create(&wk->th, NULL, worker_run, wk) != 0) {
			rc = nx_error_set(NX_ERROR, "cannot start an indexing thread");
			break;
		}
		wk->started = 1;
	}
	for (unsigned k = 0; k < n; k++) {
		if (w[k].started)
			pthread_join(w[k].th, NULL);
		if (!rc && w[k].rc)
			rc = nx_error_set(w[k].rc, "%s", w[k].msg);
		nx_db_close(w[k].db);
		w[k].db = NULL;
	}
	pthread_mutex_destroy(&p.lock);
	if (rc)
		goto out;

	merge_stats(out, w, n);
	out->threads = n;
	if ((rc = nxx_db_compact(merged, srcs, n)) || (rc = swap_in(db, merged)))
		goto out;
	out->seconds = now_seconds() - t0;
	if ((rc = nx_store_put_last_run(db, out)) || (rc = nxx_db_commit(db->x)))
		nx_error_prefix("%s", db->path);
out:
	if (tmp)
		remove_tree(tmp);
	for (unsigned k = 0; w && k < n; k++)
		free(w[k].path);
	free(w);
	free(srcs);
	free(tmp);
	free(merged);
	out->seconds = now_seconds() - t0;
	return rc;
}
