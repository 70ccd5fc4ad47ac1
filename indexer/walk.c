/*
 * walk.c — from paths to readers: the kind of a file from its name, reading
 * one file, and walking directory trees in a stable, sorted order.
 *
 * Walk rules: entries whose name starts with '.' are skipped (.git, editor
 * droppings); entries are visited in byte order of their names, depth
 * first, so that the same tree is always indexed in the same order; symbolic
 * links to files are read, symbolic links to directories are not followed
 * (they are the usual way to build loops and duplicates), and a directory
 * already on the current path (a bind-mount loop) is not entered again.
 */
#include "source.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* ---- kinds ----------------------------------------------------------------- */

enum nx_source_kind nx_source_kind_of(const char *path)
{
	static const struct {
		const char *ext;
		enum nx_source_kind kind;
	} exts[] = {
		{ ".txt", NX_SOURCE_TEXT },
		{ ".text", NX_SOURCE_TEXT },
		{ ".md", NX_SOURCE_TEXT },
		{ ".markdown", NX_SOURCE_TEXT },
		{ ".jsonl", NX_SOURCE_JSONL },
		{ ".ndjson", NX_SOURCE_JSONL },
	};
	const char *base = strrchr(path, '/');
	size_t len, i, n;

	base = base ? base + 1 : path;
	len = strlen(base);
	if (len >= 3 && strcasecmp(base + len - 3, ".gz") == 0)
		len -= 3;
	for (i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		n = strlen(exts[i].ext);
		/* The extension must follow a name: "a.txt", not ".txt". */
		if (len > n && strncasecmp(base + len - n, exts[i].ext, n) == 0)
			return exts[i].kind;
	}
	return NX_SOURCE_UNKNOWN;
}

/* ---- one file --------------------------------------------------------------- */

/* Read one file; *stopped tells a stop by on_article from a failed file.
 * `abspath` is its absolute path, or NULL to work it out here. */
static int read_file(const char *path, const char *known_abspath, const nx_read_ctx *ctx,
		     int *stopped)
{
	enum nx_source_kind kind = nx_source_kind_of(path);
	nx_source src = NX_SOURCE_INIT;
	char *abspath = NULL;
	const char *id;
	int rc;

	*stopped = 0;
	if (kind == NX_SOURCE_UNKNOWN) {
		nx_error_set(NX_EUNSUPPORTED,
			     "unsupported file type (expected .txt, .text, .md, .markdown, "
			     ".jsonl or .ndjson, optionally .gz)");
		goto fail;
	}
	rc = nx_source_open(&src, path, 1, ctx->stats);
	if (rc != NX_OK)
		goto fail;
	NX_STAT_ADD(ctx, files, 1);

	/* Ids and sources must not depend on the working directory the indexer
	 * was started in.  realpath() cannot fail for a file we just opened
	 * but for lack of memory or a rename meanwhile; the given path will
	 * do then. */
	if (!known_abspath)
		abspath = realpath(path, NULL);
	id = known_abspath ? known_abspath : abspath ? abspath : path;
	if (kind == NX_SOURCE_TEXT)
		rc = nx_read_text_source(&src, path, id, ctx, stopped);
	else
		rc = nx_read_jsonl_source(&src, path, id, ctx, stopped);
	free(abspath);
	nx_source_close(&src);
	return rc;

fail:
	rc = nx_report_last_error(ctx, path, 0);
	NX_STAT_ADD(ctx, files_failed, 1);
	return rc;
}

int nx_read_file(const char *path, const nx_read_ctx *ctx)
{
	int stopped;

	if (!path || !ctx)
		return nx_error_set(NX_EINVAL, "nx_read_file: NULL argument");
	return read_file(path, NULL, ctx, &stopped);
}

int nx_read_source(const char *path, const char *abspath, const nx_read_ctx *ctx)
{
	int stopped;

	if (!path || !ctx)
		return nx_error_set(NX_EINVAL, "nx_read_source: NULL argument");
	return read_file(path, abspath, ctx, &stopped);
}

/*
 * A source found: offer it to on_found, then read it unless told to skip.
 * Returns NX_OK or the status of a failed read; *stopped is set when
 * on_article or on_found stopped everything (that status is returned).
 */
static int found_file(const char *path, const char *abspath, const struct stat *st,
		      const nx_read_ctx *ctx, int *stopped)
{
	*stopped = 0;
	if (ctx->on_found) {
		int r = ctx->on_found(ctx->found_ctx, path, abspath, st);

		if (r < 0) {
			*stopped = 1;
			return r;
		}
		if (r == NX_FOUND_SKIP)
			return NX_OK;
	}
	return read_file(path, abspath, ctx, stopped);
}

/* ---- directories -------------------------------------------------------------- */

typedef struct dir_id {
	dev_t dev;
	ino_t ino;
} dir_id;

typedef struct walk {
	const nx_read_ctx *ctx;
	nx_buf abs;            /* absolute path of the directory being walked */
	dir_id *stack;         /* the directories on the current path */
	size_t depth, cap;
	unsigned long found;   /* source files met (by name) */
	unsigned long read_ok; /* of which read without error */
	unsigned long dirs;    /* directories listed */
	int last_error;        /* status of the last failed source */
	int stopped;           /* on_article said stop */
} walk;

static int skip_hidden(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* Byte order, not alphasort's strcoll: the order must not depend on the
 * locale the indexer runs in. */
static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int on_stack(const walk *w, const struct stat *st)
{
	size_t i;

	for (i = 0; i < w->depth; i++)
		if (w->stack[i].dev == st->st_dev && w->stack[i].ino == st->st_ino)
			return 1;
	return 0;
}

static int push_dir(walk *w, const struct stat *st)
{
	if (w->depth == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		dir_id *p = realloc(w->stack, cap * sizeof *p);

		if (!p)
			return nx_error_set(NX_ENOMEM, "out of memory walking directories");
		w->stack = p;
		w->cap = cap;
	}
	w->stack[w->depth].dev = st->st_dev;
	w->stack[w->depth].ino = st->st_ino;
	w->depth++;
	return NX_OK;
}

static int walk_dir(walk *w, const char *dir, const struct stat *dirst);

/* One entry of a directory; w->abs holds its absolute path (the walked
 * directories are not symbolic links, so only a link itself needs
 * realpath()).  Returns non-OK only to stop the whole walk. */
static int walk_entry(walk *w, const char *path)
{
	const nx_read_ctx *ctx = w->ctx;
	struct stat st, target;
	char *linked = NULL;
	int rc, stopped, is_link;

	if (lstat(path, &st) != 0) {
		/* Gone since readdir: a race with someone deleting files. */
		nx_error_set(errno == ENOENT ? NX_ENOTFOUND : NX_EIO, "%s", strerror(errno));
		w->last_error = nx_report_last_error(ctx, path, 0);
		NX_STAT_ADD(ctx, files_failed, 1);
		return NX_OK;
	}
	is_link = S_ISLNK(st.st_mode);
	if (is_link && stat(path, &target) == 0) {
		if (S_ISDIR(target.st_mode)) {
			nx_report(ctx, NX_SEV_NOTE, NX_EUNSUPPORTED, path, 0,
				  "symbolic link to a directory not followed");
			return NX_OK;
		}
		st = target;
	}
	if (S_ISDIR(st.st_mode))
		return walk_dir(w, path, &st);

	if (nx_source_kind_of(path) == NX_SOURCE_UNKNOWN) {
		nx_report(ctx, NX_SEV_NOTE, NX_EUNSUPPORTED, path, 0,
			  "unsupported file type; skipped");
		NX_STAT_ADD(ctx, files_skipped, 1);
		return NX_OK;
	}
	/* A FIFO or device named like a source would block or never end.
	 * A dangling symbolic link stays S_ISLNK and is left to read_file,
	 * which reports it as missing. */
	if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
		nx_report(ctx, NX_SEV_NOTE, NX_EUNSUPPORTED, path, 0,
			  "not a regular file; skipped");
		NX_STAT_ADD(ctx, files_skipped, 1);
		return NX_OK;
	}
	w->found++;
	if (is_link)
		linked = realpath(path, NULL);
	rc = found_file(path, is_link ? linked : w->abs.ptr, &st, ctx, &stopped);
	free(linked);
	if (stopped) {
		w->stopped = 1;
		return rc;
	}
	if (rc == NX_OK)
		w->read_ok++;
	else
		w->last_error = rc;
	return NX_OK;
}

static int walk_dir(walk *w, const char *dir, const struct stat *dirst)
{
	const nx_read_ctx *ctx = w->ctx;
	struct dirent **names = NULL;
	nx_buf child = NX_BUF_INIT;
	size_t dirlen = strlen(dir), abslen = w->abs.len;
	int n, i, rc = NX_OK;

	if (on_stack(w, dirst)) {
		nx_report(ctx, NX_SEV_NOTE, NX_EUNSUPPORTED, dir, 0,
			  "directory loop; not entered again");
		return NX_OK;
	}
	n = scandir(dir, &names, skip_hidden, by_name);
	if (n < 0) {
		nx_error_set(errno == ENOENT ? NX_ENOTFOUND : errno == ENOMEM ? NX_ENOMEM : NX_EIO,
			     "%s", strerror(errno));
		w->last_error = nx_report_last_error(ctx, dir, 0);
		NX_STAT_ADD(ctx, files_failed, 1);
		return NX_OK;
	}
	w->dirs++;
	if (push_dir(w, dirst) != NX_OK) {
		w->last_error = nx_report_last_error(ctx, dir, 0);
		goto out;
	}
	while (dirlen > 1 && dir[dirlen - 1] == '/')
		dirlen--;
	for (i = 0; i < n; i++) {
		nx_buf_clear(&child);
		nx_buf_put(&child, dir, dirlen);
		if (!(dirlen == 1 && dir[0] == '/'))
			nx_buf_putc(&child, '/');
		nx_buf_puts(&child, names[i]->d_name);
		w->abs.len = abslen;
		if (!(abslen == 1 && w->abs.ptr[0] == '/'))
			nx_buf_putc(&w->abs, '/');
		nx_buf_puts(&w->abs, names[i]->d_name);
		if (child.failed || w->abs.failed) {
			nx_error_set(NX_ENOMEM, "out of memory walking directories");
			w->last_error = nx_report_last_error(ctx, dir, 0);
			break;
		}
		rc = walk_entry(w, child.ptr);
		if (w->stopped)
			break;
	}
	w->depth--;
out:
	if (!w->abs.failed) {
		w->abs.len = abslen;
		w->abs.ptr[abslen] = '\0';
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	nx_buf_free(&child);
	return w->stopped ? rc : NX_OK;
}

/* ---- paths ------------------------------------------------------------------------ */

int nx_read_path(const char *path, const nx_read_ctx *ctx)
{
	struct stat st;
	walk w;
	char *abspath;
	int rc, stopped;

	if (!path || !ctx)
		return nx_error_set(NX_EINVAL, "nx_read_path: NULL argument");
	/* A named path is followed even when it is a symbolic link: the user
	 * chose it. */
	if (stat(path, &st) != 0) {
		int e = errno;

		if (e == ENOENT)
			nx_error_set(NX_ENOTFOUND, "no such file or directory");
		else
			nx_error_set(e == ENOTDIR ? NX_ENOTFOUND : NX_EIO, "%s", strerror(e));
		rc = nx_report_last_error(ctx, path, 0);
		NX_STAT_ADD(ctx, files_failed, 1);
		return rc;
	}
	/* realpath() fails here only for lack of memory, or when the path
	 * vanished since stat(): reading will tell which. */
	abspath = realpath(path, NULL);
	if (!S_ISDIR(st.st_mode)) {
		if (nx_source_kind_of(path) == NX_SOURCE_UNKNOWN || !abspath) {
			free(abspath);
			return nx_read_file(path, ctx);  /* reports the failure */
		}
		rc = found_file(path, abspath, &st, ctx, &stopped);
		free(abspath);
		return rc;
	}

	memset(&w, 0, sizeof w);
	w.ctx = ctx;
	nx_buf_puts(&w.abs, abspath ? abspath : path);
	free(abspath);
	if (w.abs.failed) {
		nx_buf_free(&w.abs);
		return nx_error_set(NX_ENOMEM, "out of memory walking directories");
	}
	rc = walk_dir(&w, path, &st);
	free(w.stack);
	nx_buf_free(&w.abs);
	if (w.stopped)
		return rc;
	if (w.dirs == 0)
		return w.last_error;  /* the directory itself could not be listed */
	if (w.found == 0) {
		nx_error_set(NX_ENOTFOUND, "no indexable files (.txt, .md, .jsonl, .gz) found");
		rc = nx_report_last_error(ctx, path, 0);
		NX_STAT_ADD(ctx, files_failed, 1);
		return rc;
	}
	/* Every failed source was reported on its own; the path as a whole
	 * failed only when none of its sources could be read. */
	return w.read_ok ? NX_OK : w.last_error;
}
