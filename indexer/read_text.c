/*
 * read_text.c — plain text and Markdown articles: one file, one article.
 *
 * The first non-blank line is the title (for Markdown without its heading
 * marks: "## Title ##" -> "Title"); the text is everything after it, from
 * the next non-blank line on, with trailing white space trimmed.  A file of
 * a single line is an article whose title and text are that line, so that
 * one-paragraph notes are still searchable.  The article id and source are
 * the file's absolute path.
 */
#include "source.h"
#include "nx_text.h"

#include <stdlib.h>
#include <string.h>

/* ---- lines ---------------------------------------------------------------- */

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* End of the line starting at `pos` (the index of its '\n', or len). */
static size_t line_end(const char *s, size_t len, size_t pos)
{
	const char *nl = memchr(s + pos, '\n', len - pos);

	return nl ? (size_t)(nl - s) : len;
}

/* The start of the line after the one ending at `end`. */
static size_t next_line(size_t len, size_t end)
{
	return end < len ? end + 1 : len;
}

static void trim(const char *s, size_t *start, size_t *end)
{
	while (*start < *end && is_space(s[*start]))
		(*start)++;
	while (*end > *start && is_space(s[*end - 1]))
		(*end)--;
}

/* Strip an ATX heading's marks: leading '#'s and the optional closing
 * sequence of '#'s, which CommonMark only counts after a space. */
static void strip_atx(const char *s, size_t *start, size_t *end)
{
	size_t e;

	if (*start >= *end || s[*start] != '#')
		return;
	while (*start < *end && s[*start] == '#')
		(*start)++;
	trim(s, start, end);
	e = *end;
	while (e > *start && s[e - 1] == '#')
		e--;
	if (e == *start || is_space(s[e - 1])) {
		*end = e;
		trim(s, start, end);
	}
}

/* A Markdown setext underline ("=====" or "-----") under the title. */
static int is_setext_underline(const char *s, size_t start, size_t end)
{
	char c;

	trim(s, &start, &end);
	if (start == end || (s[start] != '=' && s[start] != '-'))
		return 0;
	for (c = s[start]; start < end; start++)
		if (s[start] != c)
			return 0;
	return 1;
}

/* ---- the article ---------------------------------------------------------- */

/*
 * Find the title [*ts, *te) and text [*xs, *xe) in s.  Returns 0 when the
 * file holds nothing but white space.
 */
static int split_article(const char *s, size_t len, int markdown,
			 size_t *ts, size_t *te, size_t *xs, size_t *xe)
{
	size_t pos = 0, end;

	/* The title: the first non-blank line. */
	for (;;) {
		if (pos >= len)
			return 0;
		end = line_end(s, len, pos);
		*ts = pos;
		*te = end;
		trim(s, ts, te);
		if (*ts < *te)
			break;
		pos = next_line(len, end);
	}
	pos = next_line(len, end);
	if (markdown) {
		strip_atx(s, ts, te);
		end = line_end(s, len, pos);
		if (pos < len && is_setext_underline(s, pos, end))
			pos = next_line(len, end);
	}

	/* The text: from the next non-blank line to the last non-space. */
	for (;;) {
		if (pos >= len)
			break;
		end = line_end(s, len, pos);
		if (!nx_is_blank(s + pos, end - pos))
			break;
		pos = next_line(len, end);
	}
	*xs = pos;
	*xe = len;
	while (*xe > *xs && is_space(s[*xe - 1]))
		(*xe)--;
	if (*xs == *xe) {
		/* A one-line file: its line is the text too. */
		*xs = *ts;
		*xe = *te;
	}
	return *xs < *xe;
}

int nx_read_text_source(nx_source *src, const char *path, const char *abspath,
			const nx_read_ctx *ctx, int *stopped)
{
	nx_buf raw = NX_BUF_INIT;
	char *fixed = NULL, *title = NULL, *s;
	size_t len, nbad = 0, skip, ts, te, xs, xe;
	nx_article art;
	int rc;

	*stopped = 0;
	/* Text articles are handed out only when the whole file was read, so a
	 * truncated .txt.gz never yields half an article. */
	rc = nx_source_read_all(src, &raw, nx_record_limit(ctx));
	if (rc != NX_OK)
		goto fail;
	s = raw.ptr ? raw.ptr : "";
	len = raw.len;
	skip = nx_skip_bom(s, len);
	s += skip;
	len -= skip;

	/* NULs past the binary probe are repaired too (into spaces). */
	if (!nxt_utf8_valid(s, len) || memchr(s, 0, len)) {
		rc = nxt_utf8_repair(&fixed, &len, &nbad, s, len);
		if (rc != NX_OK)
			goto fail;
		s = fixed;
		nx_buf_free(&raw);  /* the file may be large: keep one copy */
	}
	if (nbad) {
		NX_STAT_ADD(ctx, utf8_repaired, nbad);
		nx_report(ctx, NX_SEV_WARNING, NX_EFORMAT, path, 0,
			  "%zu invalid UTF-8 sequence%s replaced with U+FFFD", nbad,
			  nbad == 1 ? "" : "s");
	}

	if (!split_article(s, len, nx_source_is_markdown(path), &ts, &te, &xs, &xe)) {
		rc = nx_error_set(NX_EFORMAT, "no text");
		goto fail;
	}
	title = nx_strndup(s + ts, te - ts);
	if (!title) {
		rc = NX_ENOMEM;
		goto fail;
	}
	/* The buffer is ours: end the text in place instead of copying it. */
	s[xe] = '\0';

	memset(&art, 0, sizeof art);
	art.id = abspath;
	art.title = title;
	art.date = "";
	art.lang = "";
	art.url = "";
	art.source = abspath;
	art.text = s + xs;
	art.text_len = xe - xs;
	art.line = 0;
	rc = ctx->on_article ? ctx->on_article(ctx->article_ctx, &art) : NX_OK;
	if (rc != NX_OK)
		*stopped = 1;
	goto out;

fail:
	nx_report_last_error(ctx, path, 0);
	NX_STAT_ADD(ctx, files_failed, 1);
out:
	free(title);
	free(fixed);
	nx_buf_free(&raw);
	return rc;
}
