/*
 * store.c — opening, checking and committing a newsidx index (the schema is
 * documented in nx_store.h), and the default index location.
 */
#include "nx_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- paths -------------------------------------------------------------- */

int nx_default_db_path(char **out)
{
	const char *env;
	nx_buf b = NX_BUF_INIT;

	*out = NULL;
	if ((env = getenv("NEWSIDX_DB")) && *env)
		nx_buf_puts(&b, env);
	else if ((env = getenv("XDG_DATA_HOME")) && *env)
		nx_buf_printf(&b, "%s/newsidx/index", env);
	else if ((env = getenv("HOME")) && *env)
		nx_buf_printf(&b, "%s/.local/share/newsidx/index", env);
	else
		return nx_error_set(NX_ENOTFOUND,
				    "no default index location: set NEWSIDX_DB, XDG_DATA_HOME or HOME");
	if (b.failed) {
		nx_buf_free(&b);
		return NX_ENOMEM;
	}
	*out = nx_buf_detach(&b);
	return NX_OK;
}

/* mkdir -p for the parents of `path` (the index directory itself is made by
 * Xapian). */
static int make_parents(const char *path)
{
	char *p = nx_strdup(path), *s;
	int rc = NX_OK;

	if (!p)
		return NX_ENOMEM;
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			rc = nx_error_set(NX_EIO, "cannot create directory %s: %s", p, strerror(errno));
			break;
		}
		*s = '/';
	}
	free(p);
	return rc;
}

/* Is the Xapian lock file in `dir` held by a process?  (A writer holds an
 * fcntl lock on it for as long as it has the database open.) */
static int lock_held(const char *dir)
{
	nx_buf b = NX_BUF_INIT;
	struct flock fl;
	int fd, held = 0;

	nx_buf_printf(&b, "%s/flintlock", dir);
	fd = b.failed ? -1 : open(b.ptr, O_RDONLY | O_CLOEXEC);
	nx_buf_free(&b);
	if (fd < 0)
		return 0;
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		held = 1;
	close(fd);
	return held;
}

/* Does the directory hold a Xapian database, or nothing at all?
 * Returns 1 for a database, 0 for empty, 2 for a database that another
 * process is creating right now (Xapian's files, the lock held, but no
 * version file yet), -1 for anything else. */
static int dir_kind(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int kind = 0, xapian_files = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!strcmp(e->d_name, "iamglass") || !strcmp(e->d_name, "iamchert") ||
		    !strcmp(e->d_name, "iamhoney")) {
			kind = 1;
			break;
		}
		if (!strcmp(e->d_name, "flintlock") || !strncmp(e->d_name, "iamglass", 8) ||
		    (len > 6 && !strcmp(e->d_name + len - 6, ".glass")) ||
		    (len > 4 && !strcmp(e->d_name + len - 4, ".tmp")))
			xapian_files = 1;
		else
			kind = -1;
	}
	closedir(d);
	if (kind == 0 && xapian_files && lock_held(path))
		kind = 2;
	return kind;
}

/* ---- open / close ------------------------------------------------------- */

/* Check (or, for a new empty writable index, write) the schema version. */
/* *older: the index's schema is an earlier one, which a rebuild may
 * replace (a later one is a newer newsidx's, to be left alone). */
static int check_schema(nx_db *db, int *older)
{
	char *val = NULL;
	uint32_t ndocs = 0;
	int rc;

	rc = nxx_db_get_metadata(&val, NULL, db->x, NX_META_SCHEMA);
	if (rc)
		return nx_error_prefix("%s", db->path);
	if (*val) {
		char *end;
		long v = strtol(val, &end, 10);

		*older = !*end && v < NX_SCHEMA_VERSION;
		if (!*end && v > NX_SCHEMA_VERSION) {
			rc = nx_error_set(NX_EVERSION,
					  "%s: index schema version %s, from a newer newsidx; this one "
					  "reads version %d", db->path, val, NX_SCHEMA_VERSION);
		} else if (*end) {
			/* Not a number: maybe a newer scheme; not ours to empty. */
			rc = nx_error_set(NX_EVERSION,
					  "%s: index schema version '%s' is none this newsidx knows "
					  "(it reads version %d), so it will not rebuild it; index into "
					  "a new directory, or remove this one first",
					  db->path, val, NX_SCHEMA_VERSION);
		} else if (v != NX_SCHEMA_VERSION) {
			rc = nx_error_set(NX_EVERSION,
					  "%s: index schema version %s, this newsidx reads version %d; "
					  "rebuild it: indexer --force PATH... (the files and "
					  "directories it was built from)",
					  db->path, val, NX_SCHEMA_VERSION);
		}
		free(val);
		return rc;
	}
	free(val);
	if ((rc = nxx_db_doccount(&ndocs, db->x)))
		return nx_error_prefix("%s", db->path);
	if (ndocs > 0 || !db->writable)
		return nx_error_set(NX_ENOTINDEX,
				    "%s is a Xapian database but not a newsidx index", db->path);

	/* A new index: record what it is. */
	char ver[16], when[32];
	time_t now = time(NULL);
	struct tm tm;

	snprintf(ver, sizeof ver, "%d", NX_SCHEMA_VERSION);
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((rc = nxx_db_set_metadata(db->x, NX_META_SCHEMA, ver, strlen(ver))) ||
	    (rc = nxx_db_set_metadata(db->x, NX_META_CREATED, when, strlen(when))) ||
	    (rc = nxx_db_commit(db->x)))
		return nx_error_prefix("%s", db->path);
	return NX_OK;
}

int nx_db_open(nx_db **out, const char *path, nx_open_mode mode)
{
	struct stat st;
	nx_db *db;
	int rc, flags, older = 0;

	*out = NULL;
	if (!path || !*path)
		return nx_error_set(NX_EINVAL, "no index path given");
	if (mode != NX_OPEN_READ && mode != NX_OPEN_WRITE && mode != NX_OPEN_REBUILD)
		return nx_error_set(NX_EINVAL, "%s: unknown open mode %d", path, (int)mode);
	if (stat(path, &st) != 0) {
		if (errno != ENOENT)
			return nx_error_set(NX_EIO, "%s: %s", path, strerror(errno));
		if (mode == NX_OPEN_READ)
			return nx_error_set(NX_ENOTFOUND, "no index at %s", path);
		if ((rc = make_parents(path)))
			return rc;
	} else if (!S_ISDIR(st.st_mode)) {
		/* Xapian stub database files are not ours to write. */
		return nx_error_set(NX_ENOTINDEX, "%s is not an index directory", path);
	} else {
		int kind = dir_kind(path);

		if (kind == 2)
			return nx_error_set(mode == NX_OPEN_READ ? NX_ENOTFOUND : NX_EBUSY,
					    "the index at %s is being created by another process", path);
		if (kind < 0)
			return nx_error_set(NX_ENOTINDEX,
					    "%s is a directory that holds something other than an index; "
					    "refusing to use it",
					    path);
		if (kind == 0 && mode == NX_OPEN_READ)
			return nx_error_set(NX_ENOTFOUND, "no index at %s (the directory is empty)", path);
	}

	db = calloc(1, sizeof *db);
	if (!db)
		return nx_error_set(NX_ENOMEM, "out of memory opening %s", path);
	db->writable = mode == NX_OPEN_WRITE || mode == NX_OPEN_REBUILD;
	db->path = nx_strdup(path);
	if (!db->path) {
		free(db);
		return NX_ENOMEM;
	}
	flags = db->writable ? NXX_WRITE | NXX_CREATE : NXX_READ;
	rc = nxx_db_open(&db->x, path, flags);
	if (rc && rc != NX_EBUSY && db->writable) {
		/* Another writer may have been creating the index just then. */
		int kind = dir_kind(path);

		if (kind == 2)
			rc = nx_error_set(NX_EBUSY, "the index at %s is being created by another process",
					  path);
		else if (kind == 1)
			rc = nxx_db_open(&db->x, path, flags);
	}
	if (!rc)
		rc = check_schema(db, &older);
	if (rc == NX_EVERSION && mode == NX_OPEN_REBUILD && older) {
		/* An index of an earlier schema: empty it and start again.
		 * Closing lets the writer lock go; the overwrite takes it
		 * again (NX_EBUSY if another writer came in between). */
		nxx_db_close(db->x);
		db->x = NULL;
		nx_error_clear();
		rc = nxx_db_open(&db->x, path, NXX_WRITE | NXX_OVERWRITE);
		if (!rc)
			rc = check_schema(db, &older);
	}
	if (rc) {
		nx_db_close(db);
		return rc;
	}
	*out = db;
	return NX_OK;
}

void nx_db_close(nx_db *db)
{
	if (!db)
		return;
	nxx_db_close(db->x);
	nxt_analyzer_free(db->an);
	nxt_namekey_free(db->nk);
	free(db->path);
	free(db);
}

int nx_db_commit(nx_db *db)
{
	if (!db)
		return nx_error_set(NX_EINVAL, "no index handle");
	if (!db->writable)
		return NX_OK;
	if (nxx_db_commit(db->x))
		return nx_error_prefix("committing %s", db->path);
	return NX_OK;
}

int nx_db_reopen(nx_db *db)
{
	if (!db)
		return nx_error_set(NX_EINVAL, "no index handle");
	if (nxx_db_reopen(db->x))
		return nx_error_prefix("reopening %s", db->path);
	return NX_OK;
}

const char *nx_db_path(const nx_db *db)
{
	return db ? db->path : "";
}

int nx_db_analyzer(nxt_analyzer **out, nx_db *db)
{
	if (!db->an) {
		int rc = nxt_analyzer_new(&db->an);

		if (rc)
			return rc;
	}
	*out = db->an;
	return NX_OK;
}

/* ---- statistics --------------------------------------------------------- */

static int count_term(void *ctx, const char *term, size_t len, uint32_t tf)
{
	(*(uint64_t *)ctx)++;
	return 0;
}

static int count_key(void *ctx, const char *key, size_t len)
{
	(*(uint64_t *)ctx)++;
	return 0;
}

/* Space the files directly in `dir` take on disk (an index is flat). */
static uint64_t dir_disk_bytes(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	uint64_t total = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
			total += (uint64_t)st.st_blocks * 512;
	}
	closedir(d);
	return total;
}

int nx_db_stats_get(nx_db_stats *out, nx_db *db)
{
	uint32_t ndocs = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (!db)
		return nx_error_set(NX_EINVAL, "no index handle");
	if ((rc = nxx_db_doccount(&ndocs, db->x)))
		return rc;
	out->passages = ndocs;
	out->schema_version = NX_SCHEMA_VERSION;
	if ((rc = nxx_db_allterms(db->x, NX_PREFIX_ARTICLE, count_term, &out->articles)) ||
	    (rc = nxx_db_metadata_keys(db->x, NX_META_SOURCE, count_key, &out->sources)))
		return rc;
	out->disk_bytes = dir_disk_bytes(db->path);
	return NX_OK;
}

typedef struct lang_ctx {
	nx_lang_fn fn;
	void *data;
	nx_buf code;
} lang_ctx;

static int on_lang_term(void *vc, const char *term, size_t len, uint32_t tf)
{
	lang_ctx *c = vc;
	size_t plen = strlen(NX_PREFIX_LANG);

	nx_buf_clear(&c->code);
	if (nx_buf_put(&c->code, term + plen, len - plen))
		return NX_ENOMEM;
	return c->fn(c->data, c->code.ptr, tf);
}

int nx_db_languages(nx_db *db, nx_lang_fn fn, void *data)
{
	lang_ctx c = { fn, data, NX_BUF_INIT };
	int rc;

	if (!db || !fn)
		return nx_error_set(NX_EINVAL, "nx_db_languages: NULL argument");
	rc = nxx_db_allterms(db->x, NX_PREFIX_LANG, on_lang_term, &c);
	nx_buf_free(&c.code);
	return rc;
}

/* ---- the last indexing run ----------------------------------------------- */

/* The counters of nx_index_stats by name, for NX_META_LAST_RUN. */
static const struct {
	const char *name;
	size_t off;
} run_counters[] = {
#define C(f) { #f, offsetof(nx_index_stats, f) }
	C(files), C(files_failed), C(files_skipped), C(articles), C(records_failed),
	C(passages), C(bytes), C(utf8_repaired), C(added), C(updated), C(deleted),
	C(unchanged), C(sources_found), C(sources_unchanged), C(sources_deleted), C(commits),
#undef C
};

int nx_store_put_last_run(nx_db *db, const nx_index_stats *s)
{
	json_t *o = json_object();
	char when[32], *text = NULL;
	time_t now = time(NULL);
	struct tm tm;
	int rc = NX_OK;

	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!o || json_object_set_new(o, "time", json_string(when)) ||
	    json_object_set_new(o, "unix", json_integer((json_int_t)now)) ||
	    json_object_set_new(o, "seconds", json_real(s->seconds)))
		rc = NX_ENOMEM;
	for (size_t i = 0; !rc && i < sizeof run_counters / sizeof run_counters[0]; i++) {
		uint64_t v;

		memcpy(&v, (const char *)s + run_counters[i].off, sizeof v);
		if (json_object_set_new(o, run_counters[i].name, json_integer((json_int_t)v)))
			rc = NX_ENOMEM;
	}
	if (!rc && !(text = json_dumps(o, JSON_COMPACT)))
		rc = NX_ENOMEM;
	json_decref(o);
	if (rc)
		return nx_error_set(NX_ENOMEM, "out of memory recording the indexing run");
	rc = nxx_db_set_metadata(db->x, NX_META_LAST_RUN, text, strlen(text));
	free(text);
	return rc;
}

int nx_db_last_run(nx_index_stats *out, int64_t *when, nx_db *db)
{
	json_error_t err;
	json_t *o;
	char *text = NULL;
	size_t len = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (when)
		*when = 0;
	if (!db)
		return nx_error_set(NX_EINVAL, "no index handle");
	if ((rc = nxx_db_get_metadata(&text, &len, db->x, NX_META_LAST_RUN)))
		return rc;
	if (!len) {
		free(text);
		return nx_error_set(NX_ENOTFOUND, "%s: no indexing run has completed", db->path);
	}
	o = json_loadb(text, len, 0, &err);
	free(text);
	if (!json_is_object(o)) {
		json_decref(o);
		return nx_error_set(NX_ECORRUPT, "%s: unreadable record of the last run", db->path);
	}
	for (size_t i = 0; i < sizeof run_counters / sizeof run_counters[0]; i++) {
		json_t *v = json_object_get(o, run_counters[i].name);
		uint64_t n = json_is_integer(v) && json_integer_value(v) > 0 ?
			     (uint64_t)json_integer_value(v) : 0;

		memcpy((char *)out + run_counters[i].off, &n, sizeof n);
	}
	out->seconds = json_number_value(json_object_get(o, "seconds"));
	if (when)
		*when = (int64_t)json_integer_value(json_object_get(o, "unix"));
	json_decref(o);
	return NX_OK;
}

/* ---- keys and dates ----------------------------------------------------- */

int nx_store_key(nx_buf *b, const char *id)
{
	size_t len = strlen(id);

	/* Leave room for a prefix of up to 8 bytes. */
	if (len + 8 <= NX_MAX_TERM && !memchr(id, '\0', len))
		return nx_buf_put(b, id, len);

	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)id[i];
		h *= 0x100000001b3ULL;
	}
	return nx_buf_printf(b, "#%016llx", (unsigned long long)h);
}

static int digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int nx_store_parse_date(char iso[11], const char *date)
{
	if (!date || strlen(date) < 10)
		return 0;
	if (!digits(date, 4) || date[4] != '-' || !digits(date + 5, 2) || date[7] != '-' ||
	    !digits(date + 8, 2))
		return 0;
	if (date[10] && date[10] != 'T' && date[10] != ' ')
		return 0;
	int year = atoi(date);
	int month = (date[5] - '0') * 10 + (date[6] - '0');
	int day = (date[8] - '0') * 10 + (date[9] - '0');
	if (month < 1 || month > 12 || day < 1 || day > (int)nx_month_days(year, (unsigned)month))
		return 0;
	memcpy(iso, date, 10);
	iso[10] = '\0';
	return 1;
}
