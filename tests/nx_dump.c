/*
 * nx_dump.c — print everything an index holds in an order that does not
 * depend on how it was built (for the reindex and crash tests: an index
 * updated incrementally, or after a kill, must dump exactly like a clean
 * build of the same files).  Pipe through `LC_ALL=C sort`.
 *
 * Lines: "doc DATA\tVALUES" per passage; "term PREFIX... FREQ" for the A, P,
 * L and D terms; "src PATH KEY HASH" per article of each source state
 * (signature and flags left out: they say when, not what).
 *
 * Usage: nx_dump DB     exit 0, or 3 when the index cannot be read.
 */
#include "nx_state.h"
#include "nx_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *out;  /* the dump so far (in memory: a retry starts it again) */

static int print_term(void *ctx, const char *term, size_t len, uint32_t tf)
{
	fprintf(out, "term %.*s %u\n", (int)len, term, (unsigned)tf);
	return 0;
}

typedef struct keys {
	nx_buf all;
	size_t n;
} keys;

static int add_key(void *ctx, const char *key, size_t len)
{
	keys *k = ctx;

	nx_buf_put(&k->all, key, len);
	nx_buf_putc(&k->all, '\0');
	k->n++;
	return k->all.failed ? NX_ENOMEM : 0;
}

static int dump_states(nxx_db *x)
{
	keys k = { NX_BUF_INIT, 0 };
	const char *key;
	int rc = nxx_db_metadata_keys(x, NX_META_SOURCE, add_key, &k);

	key = k.all.ptr;
	for (size_t i = 0; !rc && i < k.n; i++, key += strlen(key) + 1) {
		char *val = NULL;
		size_t len = 0, j = 0;
		nx_state st;
		nx_map m = NX_MAP_INIT;
		const nx_map_ent *e;

		if ((rc = nxx_db_get_metadata(&val, &len, x, key)))
			break;
		if ((rc = nx_state_parse(&st, val, len)) || (rc = nx_state_articles(&st, &m))) {
			fprintf(out, "src %s UNREADABLE\n", key);
		} else {
			if (!(st.flags & NX_STATE_COMPLETE))
				fprintf(out, "src %.*s INCOMPLETE\n", (int)st.path_len, st.path);
			while ((e = nx_map_next(&m, &j)))
				fprintf(out, "src %.*s %s %016llx\n", (int)st.path_len, st.path,
				       nx_map_key(&m, e), (unsigned long long)e->val);
		}
		nx_map_free(&m);
		free(val);
	}
	nx_buf_free(&k.all);
	return rc;
}

/* Dump everything into `out`; NX_EMODIFIED when the index changed meanwhile. */
static int dump(nx_db *db)
{
	static const char *const prefixes[] = { NX_PREFIX_ARTICLE, NX_PREFIX_SOURCE,
						NX_PREFIX_LANG, NX_PREFIX_DATE };
	nxx_enquire_opts eo = NXX_ENQUIRE_OPTS_INIT;
	nxx_query *all = NULL;
	nxx_mset *m = NULL;
	uint32_t ndocs = 0;
	int rc;

	if ((rc = nxx_db_doccount(&ndocs, db->x)))
		return rc;
	fprintf(out, "passages %u\n", (unsigned)ndocs);
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if ((rc = nxx_db_allterms(db->x, prefixes[i], print_term, NULL)))
			return rc;
	if ((rc = dump_states(db->x)))
		return rc;
	eo.limit = ndocs ? ndocs : 1;
	if ((rc = nxx_query_match_all(&all)) || (rc = nxx_enquire(&m, db->x, all, &eo)))
		goto out;
	for (size_t i = 0; i < nxx_mset_size(m); i++) {
		char *data = NULL, *v;
		size_t len;

		if ((rc = nxx_mset_data(&data, &len, m, i)))
			goto out;
		fprintf(out, "doc %s\t", data);
		free(data);
		for (unsigned slot = 0; slot < 8; slot++) {
			if (nxx_mset_value(&v, &len, m, i, slot) == NX_OK) {
				if (len)
					fprintf(out, "%u=%s ", slot, v);
				free(v);
			}
		}
		fprintf(out, "\n");
	}
out:
	nxx_mset_free(m);
	nxx_query_free(all);
	return rc;
}

int main(int argc, char **argv)
{
	nx_db *db = NULL;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: nx_dump DB\n");
		return 2;
	}
	if ((rc = nx_db_open(&db, argv[1], NX_OPEN_READ)) == NX_OK) {
		/* An indexer may commit meanwhile: start again on the new revision. */
		for (int tries = 0; tries < 20; tries++) {
			free(text);
			text = NULL;
			if (!(out = open_memstream(&text, &len))) {
				rc = nx_error_set(NX_ENOMEM, "out of memory");
				break;
			}
			rc = dump(db);
			fclose(out);
			if (rc != NX_EMODIFIED || nx_db_reopen(db) != NX_OK)
				break;
		}
	}
	if (rc == NX_OK)
		fwrite(text, 1, len, stdout);
	else
		fprintf(stderr, "nx_dump: %s: %s\n", argv[1], nx_error_message());
	free(text);
	nx_db_close(db);
	return rc == NX_OK ? 0 : 3;
}
