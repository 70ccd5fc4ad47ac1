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

/* Read one file; *stopped tells a stop by on_article from a failed file. */
static int read_file(const char *path, const nx_read_ctx *ctx, int *stopped)
{
	enum nx_source_kind kind = nx_source_kind_of(path);
	nx_source src = NX_SOURCE_INIT;
	char *abspath;
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
	abspath = realpath(path, NULL);
	if (kind == NX_SOURCE_TEXT)
		rc = nx_read_text_source(&src, path, abspath ? abspath : path, ctx, stopped);
	else
		rc = nx_read_jsonl_source(&src, path, abspath ? abspath : path, ctx, stopped);
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
	return read_file(path, ctx, &stopped);
}

/* ---- directories -------------------------------------------------------------- */

typedef struct dir_id {
	dev_t dev;
	ino_t ino;
} dir_id;

typedef struct walk {
	const nx_read_ctx *ctx;
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

/* One entry of a directory.  Returns non-OK only to stop the whole walk. */
static int walk_entry(walk *w, const char *path)
{
	const nx_read_ctx *ctx = w->ctx;
	struct stat st, target;
	int rc, stopped;

	if (lstat(path, &st) != 0) {
		/* Gone since readdir: a race with someone deleting files. */
		nx_error_set(errno == ENOENT ? NX_ENOTFOUND : NX_EIO, "%s", strerror(errno));
		w->last_error = nx_report_last_error(ctx, path, 0);
		NX_STAT_ADD(ctx, files_failed, 1);
		return NX_OK;
	}
	if (S_ISLNK(st.st_mode) && stat(path, &target) == 0) {
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
	rc = read_file(path, ctx, &stopped);
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
	size_t dirlen = strlen(dir);
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
		if (child.failed) {
			w->last_error = nx_report_last_error(ctx, dir, 0);
			break;
		}
		rc = walk_entry(w, child.ptr);
		if (w->stopped)
			break;
	}
	w->depth--;
out:
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
	int rc;

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
	if (!S_ISDIR(st.st_mode))
		return nx_read_file(path, ctx);

	memset(&w, 0, sizeof w);
	w.ctx = ctx;
	rc = walk_dir(&w, path, &st);
	free(w.stack);
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
