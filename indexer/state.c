/*
 * state.c — the per-source records that make re-indexing incremental
 * (format: store/nx_store.h, "newsidx.src:"), content hashes of articles,
 * and the string map the indexer keeps them in while it works.
 */
#include "nx_state.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- content hashes ----------------------------------------------------- */

#define C1 0x87c37b91114253d5ULL
#define C2 0x4cf5ad432745937fULL

static uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t fmix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

static uint64_t mix(uint64_t h, uint64_t k)
{
	k *= C1;
	k = rotl(k, 31);
	k *= C2;
	h ^= k;
	return rotl(h, 27) * 5 + 0x52dce729;
}

uint64_t nx_hash_bytes(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = seed ^ ((uint64_t)len * C2), k;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&k, p + i, 8);  /* host order: hashes are not portable, nor need be */
		h = mix(h, k);
	}
	if (i < len) {
		k = 0;
		memcpy(&k, p + i, len - i);
		h = mix(h, k);
	}
	return fmix(h);
}

static uint64_t hash_str(uint64_t h, const char *s, size_t len)
{
	return mix(h, nx_hash_bytes(s, len, h));
}

uint64_t nx_article_hash(const nx_article *a, unsigned min_words, unsigned max_words)
{
	uint64_t h = 0x6e65777369647831ULL;  /* "newsidx1" */

	h = mix(h, ((uint64_t)min_words << 32) | max_words);
	h = hash_str(h, a->id, strlen(a->id));
	h = hash_str(h, a->title, strlen(a->title));
	h = hash_str(h, a->date, strlen(a->date));
	h = hash_str(h, a->lang, strlen(a->lang));
	h = hash_str(h, a->url, strlen(a->url));
	h = hash_str(h, a->source, strlen(a->source));
	h = hash_str(h, a->text, a->text_len);
	h = fmix(h);
	return h ? h : 1;
}

/* ---- string map ---------------------------------------------------------- */

static uint64_t key_hash(const char *key, size_t len)
{
	uint64_t h = nx_hash_bytes(key, len, 0x9e3779b97f4a7c15ULL);

	return h ? h : 1;  /* 0 marks an empty slot */
}

static nx_map_ent *find(const nx_map *m, const char *key, size_t len, uint64_t h)
{
	size_t mask = m->cap - 1, i = (size_t)h & mask;

	for (;; i = (i + 1) & mask) {
		nx_map_ent *e = &m->ents[i];

		if (!e->hash)
			return e;
		if (e->hash == h && e->len == len && memcmp(m->keys.ptr + e->off, key, len) == 0)
			return e;
	}
}

static int grow(nx_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64, i;
	nx_map_ent *old = m->ents, *ents = calloc(cap, sizeof *ents);

	if (!ents)
		return nx_error_set(NX_ENOMEM, "out of memory in a map of %zu keys", m->n);
	m->ents = ents;
	for (i = 0; i < m->cap; i++) {
		if (old[i].hash) {
			size_t j = (size_t)old[i].hash & (cap - 1);

			while (ents[j].hash)
				j = (j + 1) & (cap - 1);
			ents[j] = old[i];
		}
	}
	m->cap = cap;
	free(old);
	return NX_OK;
}

int nx_map_put(nx_map *m, const char *key, size_t len, uint64_t val, int *existed)
{
	uint64_t h = key_hash(key, len);
	nx_map_ent *e;
	int rc;

	if ((m->n + 1) * 4 > m->cap * 3 && (rc = grow(m)))
		return rc;
	e = find(m, key, len, h);
	if (existed)
		*existed = e->hash != 0;
	if (!e->hash) {
		size_t off = m->keys.len;

		nx_buf_put(&m->keys, key, len);
		nx_buf_putc(&m->keys, '\0');
		if (m->keys.failed)
			return nx_error_set(NX_ENOMEM, "out of memory in a map of %zu keys", m->n);
		e->hash = h;
		e->off = off;
		e->len = len;
		m->n++;
	}
	e->val = val;
	return NX_OK;
}

int nx_map_get(const nx_map *m, const char *key, size_t len, uint64_t *val)
{
	const nx_map_ent *e;

	if (!m->n)
		return 0;
	e = find(m, key, len, key_hash(key, len));
	if (!e->hash)
		return 0;
	if (val)
		*val = e->val;
	return 1;
}

const char *nx_map_key(const nx_map *m, const nx_map_ent *e)
{
	return m->keys.ptr + e->off;
}

const nx_map_ent *nx_map_next(const nx_map *m, size_t *i)
{
	while (*i < m->cap) {
		const nx_map_ent *e = &m->ents[(*i)++];

		if (e->hash)
			return e;
	}
	return NULL;
}

void nx_map_clear(nx_map *m)
{
	if (m->ents)
		memset(m->ents, 0, m->cap * sizeof *m->ents);
	m->n = 0;
	nx_buf_clear(&m->keys);
}

void nx_map_free(nx_map *m)
{
	free(m->ents);
	nx_buf_free(&m->keys);
	m->ents = NULL;
	m->n = m->cap = 0;
}

/* ---- source records ------------------------------------------------------ */

/*
 * Record format (text, so that `xapian-inspect`/`delve -m` shows it):
 *
 *   nxsrc 2 FLAGS SIZE INO MTIME_S MTIME_NS CTIME_S CTIME_NS CONTENT NARTICLES PATHLEN\n
 *   PATH\n
 *   then per article:  HASH KEYLEN KEY\n   (HASH: 16 hex digits)
 *
 * CONTENT is the file's hash in decimal.  Version 1 (read, not written) had
 * no CONTENT.  Lengths make paths and keys with any bytes (even newlines)
 * safe.
 */
#define MAGIC "nxsrc 2 "
#define MAGIC1 "nxsrc 1 "

static int parse_u64(uint64_t *out, const char **p, const char *end, int last)
{
	uint64_t v = 0;
	const char *s = *p;

	if (s >= end || *s < '0' || *s > '9')
		return 0;
	while (s < end && *s >= '0' && *s <= '9') {
		if (v > (UINT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (uint64_t)(*s++ - '0');
	}
	if (s >= end || *s != (last ? '\n' : ' '))
		return 0;
	*p = s + 1;
	*out = v;
	return 1;
}

static int parse_i64(int64_t *out, const char **p, const char *end)
{
	int neg = *p < end && **p == '-';
	uint64_t v;

	if (neg)
		(*p)++;
	if (!parse_u64(&v, p, end, 0) || v > INT64_MAX)
		return 0;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 1;
}

int nx_state_parse(nx_state *out, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	uint64_t flags, plen;
	int v1;

	memset(out, 0, sizeof *out);
	if (len < sizeof MAGIC - 1)
		goto bad;
	v1 = memcmp(p, MAGIC1, sizeof MAGIC1 - 1) == 0;
	if (!v1 && memcmp(p, MAGIC, sizeof MAGIC - 1) != 0)
		goto bad;
	p += sizeof MAGIC - 1;
	if (!parse_u64(&flags, &p, end, 0) || !parse_u64(&out->sig.size, &p, end, 0) ||
	    !parse_u64(&out->sig.ino, &p, end, 0) || !parse_i64(&out->sig.mtime_s, &p, end) ||
	    !parse_i64(&out->sig.mtime_ns, &p, end) || !parse_i64(&out->sig.ctime_s, &p, end) ||
	    !parse_i64(&out->sig.ctime_ns, &p, end) ||
	    (!v1 && !parse_u64(&out->sig.content, &p, end, 0)) ||
	    !parse_u64(&out->narticles, &p, end, 0) || !parse_u64(&plen, &p, end, 1))
		goto bad;
	if (plen >= (uint64_t)(end - p) || p[plen] != '\n')
		goto bad;
	out->flags = (unsigned)flags;
	out->path = p;
	out->path_len = (size_t)plen;
	p += plen + 1;
	out->articles = p;
	out->articles_len = (size_t)(end - p);
	return NX_OK;
bad:
	memset(out, 0, sizeof *out);
	return nx_error_set(NX_ECORRUPT, "unreadable source record");
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int nx_state_articles(const nx_state *st, nx_map *m)
{
	const char *p = st->articles, *end = st->articles + st->articles_len;
	uint64_t i, klen;
	int rc;

	for (i = 0; i < st->narticles; i++) {
		uint64_t h = 0;
		int k;

		if (end - p < 18 || p[16] != ' ')
			goto bad;
		for (k = 0; k < 16; k++) {
			int v = hexval(p[k]);

			if (v < 0)
				goto bad;
			h = h << 4 | (uint64_t)v;
		}
		p += 17;
		if (!parse_u64(&klen, &p, end, 0) || klen >= (uint64_t)(end - p) || p[klen] != '\n')
			goto bad;
		if ((rc = nx_map_put(m, p, (size_t)klen, h, NULL)))
			return rc;
		p += klen + 1;
	}
	return NX_OK;
bad:
	return nx_error_set(NX_ECORRUPT, "unreadable article list in a source record");
}

static void put_article(nx_buf *out, const char *key, size_t len, uint64_t h)
{
	nx_buf_printf(out, "%016" PRIx64 " %zu ", h, len);
	nx_buf_put(out, key, len);
	nx_buf_putc(out, '\n');
}

int nx_state_encode(nx_buf *out, unsigned flags, const nx_sig *sig, const char *path,
		    const nx_map *m, const nx_map *also)
{
	const nx_map_ent *e;
	size_t i = 0, n = m->n;

	if (also) {
		while ((e = nx_map_next(also, &i)))
			if (!nx_map_get(m, nx_map_key(also, e), e->len, NULL))
				n++;
	}
	nx_buf_clear(out);
	nx_buf_printf(out, MAGIC "%u %" PRIu64 " %" PRIu64 " %" PRId64 " %" PRId64 " %" PRId64
		      " %" PRId64 " %" PRIu64 " %zu %zu\n",
		      flags, sig->size, sig->ino, sig->mtime_s, sig->mtime_ns, sig->ctime_s,
		      sig->ctime_ns, sig->content, n, strlen(path));
	nx_buf_puts(out, path);
	nx_buf_putc(out, '\n');
	i = 0;
	while ((e = nx_map_next(m, &i)))
		put_article(out, nx_map_key(m, e), e->len, e->val);
	if (also) {
		i = 0;
		while ((e = nx_map_next(also, &i)))
			if (!nx_map_get(m, nx_map_key(also, e), e->len, NULL))
				put_article(out, nx_map_key(also, e), e->len, e->val);
	}
	return out->failed ? nx_error_set(NX_ENOMEM, "out of memory encoding a source record")
			   : NX_OK;
}
