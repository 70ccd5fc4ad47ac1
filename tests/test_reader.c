/*
 * test_reader.c — unit tests of the readers (indexer/source.c, read_text.c,
 * read_jsonl.c, walk.c) and of UTF-8 validation and repair (text/utf8.c).
 *
 * Every fixture is written at run time into a mkdtemp() directory that is
 * removed at the end: plain and gzip files written with zlib, truncated and
 * corrupted gzip, binary and empty files, directory trees with hidden and
 * unknown entries, symbolic links.  Tests run as root, so unreadable files
 * are made with a directory named x.txt and dangling symbolic links rather
 * than chmod.
 */
/* nftw() is an X/Open extension. */
#define _XOPEN_SOURCE 700
#include "nx_test.h"

#include "nx_reader.h"
#include "nx_text.h"
#include "newsidx.h"
#include "source.h"

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* ---- collecting articles and diagnostics ------------------------------- */

typedef struct got_article {
	char *id, *title, *date, *lang, *url, *source, *text;
	size_t text_len;
	unsigned long line;
} got_article;

typedef struct got_diag {
	nx_severity severity;
	int status;
	char *path;
	unsigned long line;
	char *message;
} got_diag;

static struct {
	got_article art[10000];
	size_t narts;
	got_diag diag[10000];
	size_t ndiags;
	size_t stop_after;  /* on_article fails after this many (0: never) */
	int stop_status;
} G;

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int on_article(void *ctx, const nx_article *a)
{
	got_article *g;

	(void)ctx;
	if (G.stop_after && G.narts >= G.stop_after)
		return G.stop_status;
	if (G.narts == sizeof G.art / sizeof G.art[0])
		return NX_ERROR;
	g = &G.art[G.narts++];
	g->id = dup_or_null(a->id);
	g->title = dup_or_null(a->title);
	g->date = dup_or_null(a->date);
	g->lang = dup_or_null(a->lang);
	g->url = dup_or_null(a->url);
	g->source = dup_or_null(a->source);
	g->text = malloc(a->text_len + 1);
	memcpy(g->text, a->text, a->text_len + 1);
	g->text_len = a->text_len;
	g->line = a->line;
	/* The contract: text is valid UTF-8 and NUL-terminated at text_len. */
	CHECK(a->text[a->text_len] == '\0');
	CHECK(nxt_utf8_valid(a->text, a->text_len));
	CHECK(strlen(a->text) == a->text_len);
	return NX_OK;
}

static void on_diag(void *ctx, const nx_diag *d)
{
	got_diag *g;

	(void)ctx;
	if (G.ndiags == sizeof G.diag / sizeof G.diag[0])
		return;
	g = &G.diag[G.ndiags++];
	g->severity = d->severity;
	g->status = d->status;
	g->path = dup_or_null(d->path);
	g->line = d->line;
	g->message = dup_or_null(d->message);
	/* Every diagnostic names its file. */
	CHECK(d->path != NULL && d->path[0] != '\0');
	CHECK(d->message != NULL && d->message[0] != '\0');
}

static nx_index_stats S;
static nx_read_ctx C;

static void reset(void)
{
	size_t i;

	for (i = 0; i < G.narts; i++) {
		got_article *a = &G.art[i];
		free(a->id), free(a->title), free(a->date), free(a->lang);
		free(a->url), free(a->source), free(a->text);
	}
	for (i = 0; i < G.ndiags; i++) {
		free(G.diag[i].path);
		free(G.diag[i].message);
	}
	G.narts = G.ndiags = 0;
	G.stop_after = 0;
	memset(&S, 0, sizeof S);
	memset(&C, 0, sizeof C);
	C.on_article = on_article;
	C.diag = on_diag;
	C.max_record_bytes = 1 << 20;
	C.stats = &S;
}

/* Diagnostics of one severity. */
static size_t count_diags(nx_severity sev)
{
	size_t i, n = 0;

	for (i = 0; i < G.ndiags; i++)
		n += G.diag[i].severity == sev;
	return n;
}

/* The first diagnostic of `sev` whose message contains `needle`, or NULL. */
static const got_diag *find_diag(nx_severity sev, const char *needle)
{
	size_t i;

	for (i = 0; i < G.ndiags; i++)
		if (G.diag[i].severity == sev && strstr(G.diag[i].message, needle))
			return &G.diag[i];
	return NULL;
}

static void dump_diags(void)
{
	size_t i;

	for (i = 0; i < G.ndiags; i++)
		fprintf(stderr, "  diag %d %d %s:%lu: %s\n", (int)G.diag[i].severity,
			G.diag[i].status, G.diag[i].path, G.diag[i].line, G.diag[i].message);
}

/* ---- fixtures ---------------------------------------------------------- */

static char tmpdir[64];

/* A path in the temporary directory (rotating static buffers). */
static const char *P(const char *fmt, ...)
{
	static char bufs[8][512];
	static int k;
	char name[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof name, fmt, ap);
	va_end(ap);
	k = (k + 1) % 8;
	snprintf(bufs[k], sizeof bufs[k], "%s/%s", tmpdir, name);
	return bufs[k];
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	CHECK(f != NULL);
	if (!f)
		return;
	CHECK(fwrite(data, 1, len, f) == len);
	fclose(f);
}

static void write_str(const char *path, const char *s)
{
	write_file(path, s, strlen(s));
}

static void write_gz(const char *path, const void *data, size_t len)
{
	gzFile gz = gzopen(path, "wb");

	CHECK(gz != NULL);
	if (!gz)
		return;
	CHECK(gzwrite(gz, data, (unsigned)len) == (int)len);
	CHECK(gzclose(gz) == Z_OK);
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* realpath of a fixture, for the expected ids (static buffer). */
static const char *abs_of(const char *path)
{
	static char buf[4096];

	if (!realpath(path, buf))
		snprintf(buf, sizeof buf, "(realpath failed: %s)", path);
	return buf;
}

static const char *base_of(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

/* Deterministic pseudo-random words, so compressed files are not tiny. */
static uint32_t rng_state;

static uint32_t rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

static void random_words(char *out, size_t nwords)
{
	static const char *syl[] = { "ka", "za", "li", "mor", "nes", "tu", "qa", "bek",
				     "ra", "sol", "vin", "da", "ek", "ul", "pri", "go" };
	size_t i, j, n, o = 0;

	for (i = 0; i < nwords; i++) {
		n = 1 + rng() % 4;
		for (j = 0; j < n; j++) {
			const char *s = syl[rng() % 16];

			memcpy(out + o, s, strlen(s));
			o += strlen(s);
		}
		out[o++] = i + 1 < nwords ? ' ' : '.';
	}
	out[o] = '\0';
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* ---- UTF-8 ------------------------------------------------------------- */

#define FFFD "\xEF\xBF\xBD"

static void test_utf8(void)
{
	static const struct {
		const char *in;
		size_t inlen;
		const char *out;
		size_t nbad;
	} cases[] = {
#define T(in, out, n) { in, sizeof(in) - 1, out, n }
		T("", "", 0),
		T("plain ASCII text, long enough for the fast path", "plain ASCII text, long enough for the fast path", 0),
		T("caf\xC3\xA9 \xD0\x9A\xD0\xB0\xD0\xB7\xD0\xB0\xD2\x9B", "caf\xC3\xA9 \xD0\x9A\xD0\xB0\xD0\xB7\xD0\xB0\xD2\x9B", 0),
		T("\xE2\x82\xAC euro", "\xE2\x82\xAC euro", 0),
		T("emoji \xF0\x9F\x98\x80!", "emoji \xF0\x9F\x98\x80!", 0),
		T("max \xF4\x8F\xBF\xBF", "max \xF4\x8F\xBF\xBF", 0),
		T("\xEF\xBF\xBD", "\xEF\xBF\xBD", 0),  /* U+FFFD itself is fine */
		T("\xED\x9F\xBF", "\xED\x9F\xBF", 0),  /* U+D7FF, just below surrogates */
		/* overlong "/" */
		T("\xC0\xAF", FFFD FFFD, 2),
		T("\xE0\x80\xAF", FFFD FFFD FFFD, 3),
		T("\xF0\x80\x80\xAF", FFFD FFFD FFFD FFFD, 4),
		/* surrogate U+D800 */
		T("\xED\xA0\x80", FFFD FFFD FFFD, 3),
		/* truncated: maximal subpart gives one U+FFFD */
		T("\xE2\x82", FFFD, 1),
		T("a\xE2\x82z", "a" FFFD "z", 1),
		T("\xF0\x9F\x98", FFFD, 1),
		T("\xF0\x9F\x98 x", FFFD " x", 1),
		/* 5-byte form */
		T("\xF8\x88\x80\x80\x80", FFFD FFFD FFFD FFFD FFFD, 5),
		/* above U+10FFFF */
		T("\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD, 4),
		T("\xFF\xFE", FFFD FFFD, 2),
		T("\x80", FFFD, 1),
		T("ab\xC3", "ab" FFFD, 1),
		/* the bad byte after a run of 8+ ASCII bytes */
		T("0123456789abcdef\xC3(0123456789", "0123456789abcdef" FFFD "(0123456789", 1),
		/* NUL becomes a space and is not counted */
		T("a\0b", "a b", 0),
		T("01234567\0\0abcdefgh", "01234567  abcdefgh", 0),
		T("\0\xC0", " " FFFD, 1),
#undef T
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *out = NULL;
		size_t outlen = 0, nbad = 99;
		int rc = nxt_utf8_repair(&out, &outlen, &nbad, cases[i].in, cases[i].inlen);

		CHECK_INT(rc, NX_OK);
		CHECK_MSG(out && outlen == strlen(cases[i].out)
			  && memcmp(out, cases[i].out, outlen) == 0 && out[outlen] == '\0',
			  "case %zu: wrong repair", i);
		CHECK_MSG(nbad == cases[i].nbad, "case %zu: nbad %zu != %zu", i, nbad, cases[i].nbad);
		/* Valid iff nothing was replaced; NUL is valid UTF-8. */
		CHECK_MSG(nxt_utf8_valid(cases[i].in, cases[i].inlen) == (cases[i].nbad == 0),
			  "case %zu: nxt_utf8_valid", i);
		CHECK(out && nxt_utf8_valid(out, outlen));
		free(out);
	}

	/* A bad byte at every position of a long ASCII run (fast-path edges). */
	for (i = 0; i < 40; i++) {
		char buf[41];
		char *out = NULL;
		size_t outlen, nbad;

		memset(buf, 'x', 40);
		buf[40] = '\0';
		CHECK(nxt_utf8_valid(buf, 40));
		buf[i] = (char)0xC3;
		CHECK_MSG(!nxt_utf8_valid(buf, 40), "bad byte at %zu not seen", i);
		CHECK_INT(nxt_utf8_repair(&out, &outlen, &nbad, buf, 40), NX_OK);
		CHECK_INT(nbad, 1);
		CHECK_INT(outlen, 42);
		free(out);
	}
}

/* ---- text files --------------------------------------------------------- */

static void test_text(void)
{
	const char *p;
	int rc;

	/* .txt: first non-empty line is the title, CRLF and blank lines away */
	reset();
	p = P("good.txt");
	write_str(p, "\r\n  Headline here  \r\n\r\n\r\nFirst paragraph.\r\nSecond line.\r\n\r\n");
	rc = nx_read_file(p, &C);
	CHECK_INT(rc, NX_OK);
	CHECK_INT(G.narts, 1);
	if (G.narts == 1) {
		CHECK_STR(G.art[0].title, "Headline here");
		CHECK_STR(G.art[0].text, "First paragraph.\r\nSecond line.");
		CHECK_STR(G.art[0].id, abs_of(p));
		CHECK_STR(G.art[0].source, abs_of(p));
		CHECK(G.art[0].id[0] == '/');
		CHECK_STR(G.art[0].date, "");
		CHECK_STR(G.art[0].lang, "");
		CHECK_STR(G.art[0].url, "");
		CHECK_INT(G.art[0].line, 0);
	}
	CHECK_INT(S.files, 1);
	CHECK_INT(S.files_failed, 0);
	CHECK_INT(S.bytes, file_size(p));
	CHECK_INT(G.ndiags, 0);

	/* .md: ATX heading marks stripped */
	reset();
	p = P("good.md");
	write_str(p, "\n\n## My Title ##\n\n\nBody line one.\nBody two.\n\n");
	CHECK_INT(nx_read_file(p, &C), NX_OK);
	CHECK_INT(G.narts, 1);
	if (G.narts == 1) {
		CHECK_STR(G.art[0].title, "My Title");
		CHECK_STR(G.art[0].text, "Body line one.\nBody two.");
	}

	/* .markdown with a setext heading and a UTF-8 BOM */
	reset();
	p = P("setext.markdown");
	write_str(p, "\xEF\xBB\xBFTitle \xE2\x80\x94 Almaty\n=========\n\nBody.\n");
	CHECK_INT(nx_read_file(p, &C), NX_OK);
	CHECK_INT(G.narts, 1);
	if (G.narts == 1) {
		CHECK_STR(G.art[0].title, "Title \xE2\x80\x94 Almaty");
		CHECK_STR(G.art[0].text, "Body.");
	}

	/* a .txt keeps its '#': only Markdown has headings */
	reset();
	p = P("hash.txt");
	write_str(p, "# not a heading\nbody\n");
	CHECK_INT(nx_read_file(p, &C), NX_OK);
	if (G.narts == 1)
		CHECK_STR(G.art[0].title, "# not a heading");

	/* one line: the title is the text too */
	reset();
	p = P("oneline.text");
	write_str(p, "Just one line of news");
	CHECK_INT(nx_read_file(p, &C), NX_OK);
	CHECK_INT(G.narts, 1);
	if (G.narts == 1) {
		CHECK_STR(G.art[0].title, "Just one line of news");
		CHECK_STR(G.art[0].text, "Just one line of news");
	}

	/* invalid UTF-8: repaired, counted, warned once, still delivered */
	reset();
	p = P("bad-utf8.txt");
	write_str(p, "Caf\xE9 news\n\nThe price rose \xC0\xAF and \xE2\x82 fell.\n");
	CHECK_INT(nx_read_file(p, &C), NX_OK);
	CHECK_INT(G.narts, 1);
	if (G.narts == 1) {
		CHECK_STR(G.art[0].title, "Caf" FFFD " news");
		CHECK_STR(G.art[0].text, "The price rose " FFFD FFFD " and " FFFD " fell.");
	}
	CHECK_INT(S.utf8_repaired, 4);
	CHECK_INT(count_diags(NX_SEV_WARNING), 1);
	CHECK(find_diag(NX_SEV_WARNING, "4 invalid UTF-8 sequences replaced with U+FFFD") != NULL);
	CHECK_INT(S.files_failed, 0);

	/* a binary file named .txt */
	reset();
	p = P("binary.txt");
	write_file(p, "PK\x03\x04\0\0\x14\0binary stuff", 20);
	rc = nx_read_file(p, &C);
	CHECK_INT(rc, NX_EFORMAT);
	CHECK_INT(G.narts, 0);
	CHECK(find_diag(NX_SEV_ERROR, "binary file") != NULL);
	CHECK_INT(S.files, 1);
	CHECK_INT(S.files_failed, 1);
	if (G.ndiags)
		CHECK_STR(G.diag[0].path, p);

	/* empty and blank files */
	reset();
	p = P("empty.txt");
	write_str(p, "");
	CHECK_INT(nx_read_file(p, &C), NX_EFORMAT);
	CHECK_INT(G.narts, 0);
	CHECK(find_diag(NX_SEV_ERROR, "no text") != NULL);
	CHECK_INT(S.files_failed, 1);
	reset();
	p = P("blank.md");
	write_str(p, "\n   \n\t\r\n");
	CHECK_INT(nx_read_file(p, &C), NX_EFORMAT);
	CHECK_INT(G.narts, 0);
	CHECK(find_diag(NX_SEV_ERROR, "no text") != NULL);

	/* larger than max_record_bytes */
	reset();
	C.max_record_bytes = 100;
	p = P("big.txt");
	{
		char big[300];

		memset(big, 'a', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		write_str(p, big);
	}
	CHECK_INT(nx_read_file(p, &C), NX_EFORMAT);
	CHECK_INT(G.narts, 0);
	CHECK(find_diag(NX_SEV_ERROR, "larger than 100 bytes") != NULL);
	CHECK_INT(S.files_failed, 1);

	/* .txt.gz, with stats->bytes counting uncompressed bytes */
	reset();
	p = P("news.txt.gz");
	{
		const char *t = "Gzip title\n\nGzip body text.\n";

		write_gz(p, t, strlen(t));
		CHECK_INT(nx_read_file(p, &C), NX_OK);
		CHECK_INT(G.narts, 1);
		if (G.narts == 1) {
			CHECK_STR(G.art[0].title, "Gzip title");
			CHECK_STR(G.art[0].text, "Gzip body text.");
		}
		CHECK_INT(S.bytes, strlen(t));
	}

	/* gzip is found by content: a .txt that is really gzip */
	reset();
	p = P("secretly-gzip.txt");
	write_gz(p, "Hidden\n\nbody\n", 13);
	CHECK_INT(nx_read_file(p, &C), NX_OK);
	if (G.narts == 1)
		CHECK_STR(G.art[0].title, "Hidden");
}

/* ---- damaged gzip ------------------------------------------------------- */

#define TRUNC_RECORDS 8000

/* The text of record i of the truncation fixture (static buffer). */
static const char *record_text(size_t i)
{
	static char buf[2048];

	rng_state = (uint32_t)i * 2654435761u + 1;
	random_words(buf, 20 + i % 30);
	return buf;
}

static void test_gzip_damage(void)
{
	const char *p;
	char *data;
	size_t i, o = 0, cap = (size_t)TRUNC_RECORDS * 1024;
	long size;
	int rc, ok;

	/* a .jsonl.gz of many records, truncated to half */
	data = malloc(cap);
	for (i = 0; i < TRUNC_RECORDS; i++)
		o += (size_t)snprintf(data + o, cap - o, "{\"id\": \"r%zu\", \"text\": \"%s\"}\n",
				      i, record_text(i));
	p = P("trunc.jsonl.gz");
	write_gz(p, data, o);
	size = file_size(p);
	CHECK(size > 100000);  /* several zlib buffers, damage in the middle */
	CHECK(truncate(p, size / 2) == 0);

	reset();
	rc = nx_read_file(p, &C);
	CHECK_INT(rc, NX_ECORRUPT);
	CHECK(G.narts > 100);
	CHECK(G.narts < TRUNC_RECORDS);
	/* complete records only, in order, none partial */
	ok = 1;
	for (i = 0; i < G.narts; i++) {
		char id[32];

		snprintf(id, sizeof id, "r%zu", i);
		if (strcmp(G.art[i].id, id) != 0 || strcmp(G.art[i].text, record_text(i)) != 0
		    || G.art[i].line != i + 1)
			ok = 0;
	}
	CHECK_MSG(ok, "records of the truncated file differ from those written");
	{
		const got_diag *d = find_diag(NX_SEV_ERROR, "truncated");

		CHECK(d != NULL);
		if (d) {
			CHECK_INT(d->status, NX_ECORRUPT);
			CHECK_INT(d->line, 0);
			CHECK_STR(d->path, p);
		}
		d = find_diag(NX_SEV_ERROR, "incomplete line dropped");
		CHECK(d != NULL);
		if (d)
			CHECK_INT(d->line, G.narts + 1);
	}
	CHECK_INT(S.files, 1);
	CHECK_INT(S.files_failed, 1);
	CHECK(S.bytes > 0 && S.bytes < o);

	/* a corrupted (not truncated) .jsonl.gz: bytes flipped in the middle */
	p = P("corrupt.jsonl.gz");
	write_gz(p, data, o);
	{
		FILE *f = fopen(p, "r+b");
		char junk[64];

		memset(junk, 0x55, sizeof junk);
		CHECK(f != NULL);
		if (f) {
			fseek(f, size / 2, SEEK_SET);
			fwrite(junk, 1, sizeof junk, f);
			fclose(f);
		}
	}
	reset();
	rc = nx_read_file(p, &C);
	CHECK_INT(rc, NX_ECORRUPT);
	CHECK(G.narts < TRUNC_RECORDS);
	CHECK(find_diag(NX_SEV_ERROR, "gzip") != NULL);
	CHECK_INT(S.files_failed, 1);
	free(data);

	/* a truncated .txt.gz gives no article at all */
	data = malloc(400000);
	rng_state = 7;
	memcpy(data, "Title\n\n", 7);
	random_words(data + 7, 40000);
	p = P("trunc.txt.gz");
	write_gz(p, data, strlen(data));
	size = file_size(p);
	CHECK(truncate(p, size / 2) == 0);
	reset();
	rc = nx_read_file(p, &C);
	CHECK_INT(rc, NX_ECORRUPT);
	CHECK_INT(G.narts, 0);
	CHECK(find_diag(NX_SEV_ERROR, "truncated") != NULL);
	CHECK_INT(S.files_failed, 1);

	/* cut inside the gzip header: still a truncation, not an empty file */
	CHECK(truncate(p, 12) == 0);
	reset();
	CHECK_INT(nx_read_file(p, &C), NX_ECORRUPT);
	CHECK(find_diag(NX_SEV_ERROR, "truncated gzip data") != NULL);
	CHECK(find_diag(NX_SEV_ERROR, "no text") == NULL);
	free(data);
}

/* ---- JSON Lines --------------------------------------------------------- */

static void test_jsonl(void)
{
	const char *p;
	char idbuf[4200];
	int rc;

	/* three good records: integer id, unknown field, wrong-type date */
	reset();
	p = P("good.jsonl");
	write_str(p,
		  "{\"id\": \"a1\", \"title\": \"First\", \"date\": \"2024-01-05\", \"lang\": \"en\", "
		  "\"url\": \"https://example.org/1\", \"text\": \"Alpha text.\"}\n"
		  "{\"id\": 42, \"title\": \"Second\", \"text\": \"Beta text.\", "
		  "\"extra\": {\"nested\": [1, 2]}}\r\n"
		  "\n"
		  "{\"title\": \"Third\", \"date\": 17, \"text\": \"Gamma\\u0000text \\u00e9.\"}");
	rc = nx_read_file(p, &C);
	CHECK_INT(rc, NX_OK);
	CHECK_INT(G.narts, 3);
	if (G.narts == 3) {
		CHECK_STR(G.art[0].id, "a1");
		CHECK_STR(G.art[0].title, "First");
		CHECK_STR(G.art[0].date, "2024-01-05");
		CHECK_STR(G.art[0].lang, "en");
		CHECK_STR(G.art[0].url, "https://example.org/1");
		CHECK_STR(G.art[0].text, "Alpha text.");
		CHECK_STR(G.art[0].source, abs_of(p));
		CHECK_INT(G.art[0].line, 1);
		CHECK_STR(G.art[1].id, "42");
		CHECK_STR(G.art[1].title, "Second");
		CHECK_STR(G.art[1].date, "");
		CHECK_INT(G.art[1].line, 2);
		snprintf(idbuf, sizeof idbuf, "%s:4", abs_of(p));
		CHECK_STR(G.art[2].id, idbuf);
		CHECK_STR(G.art[2].date, "");
		CHECK_STR(G.art[2].text, "Gamma text \xC3\xA9.");
		CHECK_INT(G.art[2].line, 4);
	}
	CHECK_INT(count_diags(NX_SEV_ERROR), 0);
	CHECK_INT(count_diags(NX_SEV_WARNING), 1);
	{
		const got_diag *d = find_diag(NX_SEV_WARNING, "\"date\"");

		CHECK(d != NULL);
		if (d)
			CHECK_INT(d->line, 4);
	}
	CHECK_INT(S.records_failed, 0);
	CHECK_INT(S.files, 1);
	CHECK_INT(S.bytes, file_size(p));

	/* bad records in the middle are reported with their line numbers */
	reset();
	p = P("mixed.ndjson");
	write_str(p,
		  "{\"id\": \"ok1\", \"text\": \"one\"}\n"  /* 1 */
		  "this is not json\n"                      /* 2 */
		  "   \n"                                   /* 3: blank */
		  "[1, 2]\n"                                /* 4 */
		  "{\"title\": \"no text\"}\n"              /* 5 */
		  "{\"text\": 5}\n"                         /* 6 */
		  "{\"id\": \"ok2\", \"text\": \"two\"}\n"  /* 7 */
		  "{\"text\": \"a\"} trailing\n"            /* 8 */
		  "{\"id\": true, \"text\": \"three\"}\n"   /* 9 */
		  "{\"text\": \"   \"}\n"                  /* 10 */
		  "{\"id\": \"empty\", \"title\": \" \"}\n");  /* 11 */
	rc = nx_read_file(p, &C);
	CHECK_INT(rc, NX_OK);
	CHECK_INT(G.narts, 4);
	if (G.narts == 4) {
		CHECK_STR(G.art[0].id, "ok1");
		/* a title alone: the title is the text */
		CHECK_INT(G.art[1].line, 5);
		CHECK_STR(G.art[1].text, "no text");
		CHECK_STR(G.art[1].title, "no text");
		CHECK_STR(G.art[2].id, "ok2");
		CHECK_INT(G.art[2].line, 7);
		snprintf(idbuf, sizeof idbuf, "%s:9", abs_of(p));
		CHECK_STR(G.art[3].id, idbuf);
	}
	CHECK_INT(S.records_failed, 6);
	CHECK_INT(S.files_failed, 0);
	CHECK_INT(count_diags(NX_SEV_ERROR), 6);
	{
		static const struct {
			unsigned long line;
			const char *needle;
		} want[] = {
			{ 2, "invalid JSON: " }, { 4, "not a JSON object (found an array)" },
			{ 6, "\"text\" is a number" }, { 8, "invalid JSON: " },
			{ 10, "\"text\" is empty and no \"title\"" },
			{ 11, "no \"text\" and no \"title\"" },
		};
		size_t i, j;

		for (i = 0; i < sizeof want / sizeof want[0]; i++) {
			int found = 0;

			for (j = 0; j < G.ndiags; j++)
				if (G.diag[j].severity == NX_SEV_ERROR && G.diag[j].line == want[i].line
				    && strstr(G.diag[j].message, want[i].needle)
				    && strcmp(G.diag[j].path, p) == 0 && G.diag[j].status == NX_EFORMAT)
					found = 1;
			CHECK_MSG(found, "no error \"%s\" on line %lu", want[i].needle, want[i].line);
		}
		CHECK(find_diag(NX_SEV_ERROR, "(column ") != NULL);
		CHECK(find_diag(NX_SEV_WARNING, "\"id\" is a boolean") != NULL);
	}

	/* a line over max_record_bytes is skipped, the next ones are read */
	reset();
	C.max_record_bytes = 1024;
	p = P("long.jsonl");
	{
		size_t n = 300000;  /* longer than the 128 KiB read buffer */
		char *s = malloc(n + 200);
		size_t o = 0;

		o += (size_t)sprintf(s + o, "{\"id\": \"before\", \"text\": \"short\"}\n{\"text\": \"");
		memset(s + o, 'x', n);
		o += n;
		o += (size_t)sprintf(s + o, "\"}\n{\"id\": \"after\", \"text\": \"short too\"}\n");
		write_file(p, s, o);
		free(s);
	}
	CHECK_INT(nx_read_file(p, &C), NX_OK);
	CHECK_INT(G.narts, 2);
	if (G.narts == 2) {
		CHECK_STR(G.art[0].id, "before");
		CHECK_STR(G.art[1].id, "after");
		CHECK_INT(G.art[1].line, 3);
	}
	{
		const got_diag *d = find_diag(NX_SEV_ERROR, "longer than 1024 bytes");

		CHECK(d != NULL);
		if (d)
			CHECK_INT(d->line, 2);
	}
	CHECK_INT(S.records_failed, 1);

	/* a long line within the limit crosses read buffers intact */
	reset();
	C.max_record_bytes = 1 << 20;
	{
		size_t n = 400000;
		char *s = malloc(n + 100);
		size_t o = (size_t)sprintf(s, "{\"text\": \"");

		memset(s + o, 'y', n);
		o += n;
		o += (size_t)sprintf(s + o, "\"}");
		p = P("longok.jsonl.gz");
		write_gz(p, s, o);
		free(s);
	}
	CHECK_INT(nx_read_file(p, &C), NX_OK);
	CHECK_INT(G.narts, 1);
	if (G.narts == 1)
		CHECK_INT(G.art[0].text_len, 400000);
	CHECK_INT(S.bytes, 400000 + 12);

	/* invalid UTF-8 in a record: repaired before parsing */
	reset();
	p = P("bad-utf8.jsonl");
	write_str(p, "{\"text\": \"ok\"}\n{\"title\": \"T\xFF\", \"text\": \"caf\xE9 \xED\xA0\x80\"}\n");
	CHECK_INT(nx_read_file(p, &C), NX_OK);
	CHECK_INT(G.narts, 2);
	if (G.narts == 2) {
		CHECK_STR(G.art[1].title, "T" FFFD);
		CHECK_STR(G.art[1].text, "caf" FFFD " " FFFD FFFD FFFD);
	}
	CHECK_INT(S.utf8_repaired, 5);
	{
		const got_diag *d = find_diag(NX_SEV_WARNING, "5 invalid UTF-8 sequences replaced");

		CHECK(d != NULL);
		if (d)
			CHECK_INT(d->line, 2);
	}

	/* .jsonl.gz */
	reset();
	p = P("news.jsonl.gz");
	{
		const char *t = "{\"id\": \"g1\", \"text\": \"gz one\"}\n{\"id\": \"g2\", \"text\": \"gz two\"}\n";

		write_gz(p, t, strlen(t));
		CHECK_INT(nx_read_file(p, &C), NX_OK);
		CHECK_INT(G.narts, 2);
		if (G.narts == 2)
			CHECK_STR(G.art[1].id, "g2");
		CHECK_INT(S.bytes, strlen(t));
	}

	/* empty JSON Lines file, and a binary one */
	reset();
	p = P("empty.jsonl");
	write_str(p, "\n\n");
	CHECK_INT(nx_read_file(p, &C), NX_EFORMAT);
	CHECK(find_diag(NX_SEV_ERROR, "no records") != NULL);
	CHECK_INT(S.files_failed, 1);
	reset();
	p = P("binary.jsonl");
	write_file(p, "{\"text\": \"x\"}\n\0\0\0\x01", 18);
	CHECK_INT(nx_read_file(p, &C), NX_EFORMAT);
	CHECK_INT(G.narts, 0);
	CHECK(find_diag(NX_SEV_ERROR, "binary file") != NULL);
}

/* ---- the line reader ----------------------------------------------------- */

/* An over-limit line must be skipped without being buffered: with a 20 MB
 * line in a gzip file and a 1 KiB limit, the line buffer stays small. */
static void test_getline(void)
{
	const size_t huge = (size_t)20 << 20;
	nx_source src = NX_SOURCE_INIT;
	nx_buf line = NX_BUF_INIT;
	nx_index_stats st;
	size_t maxcap = 0;
	char *data = malloc(huge + 64);
	const char *p = P("huge-line.jsonl.gz");
	int rc;

	memcpy(data, "first\r\n", 7);
	memset(data + 7, 'h', huge);
	memcpy(data + 7 + huge, "\nlast", 5);
	write_gz(p, data, huge + 12);
	free(data);

	memset(&st, 0, sizeof st);
	CHECK_INT(nx_source_open(&src, p, 1, &st), NX_OK);
	rc = nx_source_getline(&src, &line, 1024);
	CHECK_INT(rc, NX_LINE_OK);
	CHECK_STR(line.ptr, "first");
	rc = nx_source_getline(&src, &line, 1024);
	CHECK_INT(rc, NX_LINE_LONG);
	CHECK_INT(line.len, 0);
	maxcap = line.cap;
	rc = nx_source_getline(&src, &line, 1024);
	CHECK_INT(rc, NX_LINE_OK);
	CHECK_STR(line.ptr, "last");
	CHECK_INT(nx_source_getline(&src, &line, 1024), NX_LINE_EOF);
	CHECK_INT(nx_source_getline(&src, &line, 1024), NX_LINE_EOF);
	CHECK_MSG(maxcap <= 2048, "line buffer grew to %zu bytes", maxcap);
	CHECK_INT(st.bytes, huge + 12);
	nx_source_close(&src);
	nx_source_close(&src);  /* closing twice is harmless */
	nx_buf_free(&line);

	/* a line exactly at the limit is kept, one byte more is not */
	p = P("limit.jsonl");
	write_str(p, "abcd\nabcde\n");
	CHECK_INT(nx_source_open(&src, p, 1, NULL), NX_OK);
	CHECK_INT(nx_source_getline(&src, &line, 4), NX_LINE_OK);
	CHECK_STR(line.ptr, "abcd");
	CHECK_INT(nx_source_getline(&src, &line, 4), NX_LINE_LONG);
	CHECK_INT(nx_source_getline(&src, &line, 4), NX_LINE_EOF);
	nx_source_close(&src);
	nx_buf_free(&line);
}

/* ---- paths and directories ---------------------------------------------- */

static void test_paths(void)
{
	const got_diag *d;
	int rc;

	/* missing path */
	reset();
	rc = nx_read_path(P("no-such-file.txt"), &C);
	CHECK_INT(rc, NX_ENOTFOUND);
	CHECK_INT(G.ndiags, 1);
	d = find_diag(NX_SEV_ERROR, "no such file or directory");
	CHECK(d != NULL);
	if (d) {
		CHECK_INT(d->status, NX_ENOTFOUND);
		CHECK_STR(d->path, P("no-such-file.txt"));
	}
	CHECK_INT(S.files_failed, 1);
	reset();
	CHECK_INT(nx_read_file(P("no-such-file.jsonl"), &C), NX_ENOTFOUND);
	CHECK(find_diag(NX_SEV_ERROR, "no such file or directory") != NULL);

	/* a named file of an unknown kind */
	reset();
	write_str(P("report.pdf"), "%PDF-1.4");
	rc = nx_read_path(P("report.pdf"), &C);
	CHECK_INT(rc, NX_EUNSUPPORTED);
	d = find_diag(NX_SEV_ERROR, "unsupported file type");
	CHECK(d != NULL);
	if (d)
		CHECK_INT(d->status, NX_EUNSUPPORTED);
	CHECK_INT(S.files_failed, 1);
	CHECK_INT(S.files_skipped, 0);

	/* unreadable: a directory named x.txt, a dangling symlink */
	reset();
	CHECK(mkdir(P("x.txt"), 0755) == 0);
	rc = nx_read_file(P("x.txt"), &C);
	CHECK(rc != NX_OK);
	CHECK(find_diag(NX_SEV_ERROR, strerror(EISDIR)) != NULL);
	CHECK_INT(S.files_failed, 1);
	CHECK_INT(S.files, 0);
	reset();
	CHECK(symlink(P("nowhere.txt"), P("dangling.txt")) == 0);
	rc = nx_read_file(P("dangling.txt"), &C);
	CHECK_INT(rc, NX_ENOTFOUND);
	CHECK_INT(count_diags(NX_SEV_ERROR), 1);

	/* a tree */
	CHECK(mkdir(P("tree"), 0755) == 0);
	CHECK(mkdir(P("tree/a"), 0755) == 0);
	CHECK(mkdir(P("tree/a/deeper"), 0755) == 0);
	CHECK(mkdir(P("tree/.git"), 0755) == 0);
	write_str(P("tree/.git/HEAD.txt"), "hidden\n\nnot to be read\n");
	write_str(P("tree/.hidden.md"), "hidden\n\nnot to be read\n");
	write_str(P("tree/b.txt"), "B title\n\nB text\n");
	write_str(P("tree/a/z.md"), "# Z title\n\nZ text\n");
	write_str(P("tree/a/c.jsonl"), "{\"id\": \"c1\", \"text\": \"C one\"}\n{\"id\": \"c2\", \"text\": \"C two\"}\n");
	write_str(P("tree/a/deeper/d.TXT"), "D title\n\nD text\n");
	write_gz(P("tree/c.txt.gz"), "C gz title\n\nC gz text\n", 22);
	write_str(P("tree/doc.pdf"), "%PDF");
	CHECK(symlink(P("tree/a"), P("tree/link-to-a")) == 0);
	CHECK(symlink(P("tree"), P("tree/a/loop")) == 0);

	reset();
	rc = nx_read_path(P("tree"), &C);
	CHECK_INT(rc, NX_OK);
	CHECK_INT(G.narts, 6);
	if (G.narts == 6) {
		/* byte order, depth first: a/c.jsonl a/deeper/d.TXT a/z.md b.txt c.txt.gz */
		CHECK_STR(G.art[0].id, "c1");
		CHECK_STR(G.art[1].id, "c2");
		CHECK_STR(base_of(G.art[2].source), "d.TXT");
		CHECK_STR(G.art[3].title, "Z title");
		CHECK_STR(G.art[4].title, "B title");
		CHECK_STR(G.art[5].title, "C gz title");
		CHECK_STR(G.art[4].id, abs_of(P("tree/b.txt")));
	}
	CHECK_INT(S.files, 5);
	CHECK_INT(S.files_failed, 0);
	CHECK_INT(S.files_skipped, 1);
	CHECK_INT(count_diags(NX_SEV_ERROR), 0);
	d = find_diag(NX_SEV_NOTE, "unsupported file type");
	CHECK(d != NULL);
	if (d)
		CHECK_STR(d->path, P("tree/doc.pdf"));
	CHECK(find_diag(NX_SEV_NOTE, "symbolic link to a directory") != NULL);
	if (count_diags(NX_SEV_ERROR))
		dump_diags();

	/* a trailing slash gives clean child paths */
	reset();
	{
		char withslash[600];

		snprintf(withslash, sizeof withslash, "%s/", P("tree"));
		CHECK_INT(nx_read_path(withslash, &C), NX_OK);
		d = find_diag(NX_SEV_NOTE, "unsupported file type");
		if (d)
			CHECK_STR(d->path, P("tree/doc.pdf"));
	}

	/* on_article failing stops the walk, its status comes back, no diag */
	reset();
	G.stop_after = 2;
	G.stop_status = NX_EIO;
	rc = nx_read_path(P("tree"), &C);
	CHECK_INT(rc, NX_EIO);
	CHECK_INT(G.narts, 2);
	CHECK_INT(count_diags(NX_SEV_ERROR), 0);
	reset();
	G.stop_after = 4;  /* stops inside a text file, in the middle */
	G.stop_status = NX_ENOMEM;
	CHECK_INT(nx_read_path(P("tree"), &C), NX_ENOMEM);
	CHECK_INT(G.narts, 4);
	CHECK_INT(S.files, 4);
	CHECK_INT(count_diags(NX_SEV_ERROR), 0);

	/* a tree with a failing file still reads the rest */
	CHECK(mkdir(P("tree2"), 0755) == 0);
	write_str(P("tree2/a.txt"), "A\n\nA text\n");
	write_str(P("tree2/b.txt"), "");
	reset();
	CHECK_INT(nx_read_path(P("tree2"), &C), NX_OK);
	CHECK_INT(G.narts, 1);
	CHECK_INT(S.files_failed, 1);

	/* only failing sources: the last failure comes back */
	CHECK(mkdir(P("tree3"), 0755) == 0);
	write_str(P("tree3/b.txt"), "");
	reset();
	CHECK_INT(nx_read_path(P("tree3"), &C), NX_EFORMAT);
	CHECK_INT(count_diags(NX_SEV_ERROR), 1);

	/* an empty directory, one with only unknown files */
	CHECK(mkdir(P("emptydir"), 0755) == 0);
	reset();
	rc = nx_read_path(P("emptydir"), &C);
	CHECK(rc != NX_OK);
	d = find_diag(NX_SEV_ERROR, "no indexable files (.txt, .md, .jsonl, .gz) found");
	CHECK(d != NULL);
	if (d)
		CHECK_STR(d->path, P("emptydir"));
	CHECK(mkdir(P("unknowns"), 0755) == 0);
	CHECK(mkdir(P("unknowns/sub"), 0755) == 0);
	write_str(P("unknowns/a.pdf"), "x");
	write_str(P("unknowns/sub/b.doc"), "x");
	write_str(P("unknowns/.c.txt"), "hidden\n");
	reset();
	rc = nx_read_path(P("unknowns"), &C);
	CHECK(rc != NX_OK);
	CHECK(find_diag(NX_SEV_ERROR, "no indexable files") != NULL);
	CHECK_INT(count_diags(NX_SEV_NOTE), 2);
	CHECK_INT(S.files_skipped, 2);
	CHECK_INT(G.narts, 0);

	/* the diag callback may be NULL */
	reset();
	C.diag = NULL;
	CHECK_INT(nx_read_path(P("no-such-dir"), &C), NX_ENOTFOUND);
	CHECK_INT(nx_read_path(P("tree"), &C), NX_OK);
	CHECK_INT(G.narts, 6);
}

static void test_kinds(void)
{
	static const struct {
		const char *name;
		enum nx_source_kind kind;
	} cases[] = {
		{ "a.txt", NX_SOURCE_TEXT }, { "a.text", NX_SOURCE_TEXT },
		{ "dir/A.MD", NX_SOURCE_TEXT }, { "a.markdown.gz", NX_SOURCE_TEXT },
		{ "a.TXT.GZ", NX_SOURCE_TEXT }, { "a.jsonl", NX_SOURCE_JSONL },
		{ "a.ndjson", NX_SOURCE_JSONL }, { "/x/y.JsonL.Gz", NX_SOURCE_JSONL },
		{ "a.json", NX_SOURCE_UNKNOWN }, { "a.gz", NX_SOURCE_UNKNOWN },
		{ "a.tar.gz", NX_SOURCE_UNKNOWN }, { "a.pdf", NX_SOURCE_UNKNOWN },
		{ "txt", NX_SOURCE_UNKNOWN }, { "a.txt/b", NX_SOURCE_UNKNOWN },
		{ "a.txt.gz.bak", NX_SOURCE_UNKNOWN },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK_MSG(nx_source_kind_of(cases[i].name) == cases[i].kind, "%s", cases[i].name);
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/nx_reader_XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_utf8();
	test_kinds();
	test_text();
	test_gzip_damage();
	test_jsonl();
	test_getline();
	test_paths();
	reset();
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return nx_test_done("test_reader");
}
