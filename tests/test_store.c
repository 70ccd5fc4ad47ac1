/*
 * test_store.c — the index schema: version checks on open, foreign Xapian
 * databases refused, article keys and date parsing.
 */
#include "nx_store.h"
#include "nx_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmp[256];

static const char *at(const char *name)
{
	static char buf[512];

	snprintf(buf, sizeof buf, "%s/%s", tmp, name);
	return buf;
}

static void test_foreign_and_version(void)
{
	nxx_db *x = NULL;
	nxx_doc *doc = NULL;
	nx_db *db = NULL;

	/* A Xapian database with documents but none of our metadata. */
	CHECK_INT(nxx_db_open(&x, at("foreign"), NXX_WRITE | NXX_CREATE), NX_OK);
	CHECK_INT(nxx_doc_new(&doc), NX_OK);
	CHECK_INT(nxx_doc_add_term(doc, "hello", 5, 1), NX_OK);
	CHECK_INT(nxx_db_add_document(NULL, x, doc), NX_OK);
	nxx_doc_free(doc);
	CHECK_INT(nxx_db_commit(x), NX_OK);
	nxx_db_close(x);
	CHECK_INT(nx_db_open(&db, at("foreign"), NX_OPEN_READ), NX_ENOTINDEX);
	CHECK(strstr(nx_error_message(), "not a newsidx index") != NULL);
	CHECK_INT(nx_db_open(&db, at("foreign"), NX_OPEN_WRITE), NX_ENOTINDEX);
	CHECK(db == NULL);

	/* A newer schema than we read. */
	CHECK_INT(nx_db_open(&db, at("ours"), NX_OPEN_WRITE), NX_OK);
	CHECK_INT(nxx_db_set_metadata(db->x, NX_META_SCHEMA, "99", 2), NX_OK);
	nx_db_close(db);
	db = NULL;
	CHECK_INT(nx_db_open(&db, at("ours"), NX_OPEN_READ), NX_EVERSION);
	CHECK(strstr(nx_error_message(), "99") != NULL);
	CHECK_INT(nx_db_open(&db, at("ours"), NX_OPEN_WRITE), NX_EVERSION);

	/* A fresh index records its schema and opens for reading. */
	CHECK_INT(nx_db_open(&db, at("fresh"), NX_OPEN_WRITE), NX_OK);
	nx_db_close(db);
	CHECK_INT(nx_db_open(&db, at("fresh"), NX_OPEN_READ), NX_OK);
	char *v = NULL;
	if (db) {
		CHECK_INT(nxx_db_get_metadata(&v, NULL, db->x, NX_META_SCHEMA), NX_OK);
		CHECK_STR(v, "1");
		free(v);
	}
	nx_db_close(db);
}

static void test_keys(void)
{
	nx_buf b = NX_BUF_INIT;
	char longid[400];

	CHECK_INT(nx_store_key(&b, "reuters-1"), NX_OK);
	CHECK_STR(b.ptr, "reuters-1");
	nx_buf_clear(&b);
	memset(longid, 'x', sizeof longid - 1);
	longid[sizeof longid - 1] = '\0';
	CHECK_INT(nx_store_key(&b, longid), NX_OK);
	CHECK_INT(b.len, 17);
	CHECK(b.ptr[0] == '#');
	char first[32];
	snprintf(first, sizeof first, "%s", b.ptr);
	nx_buf_clear(&b);
	longid[10] = 'y';
	nx_store_key(&b, longid);
	CHECK(strcmp(first, b.ptr) != 0);
	nx_buf_free(&b);
}

static void test_dates(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "2022-01-05", "2022-01-05" },
		{ "1987-02-26T15:01:01Z", "1987-02-26" },
		{ "2022-01-05 10:00", "2022-01-05" },
		{ "2022-13-05", NULL },
		{ "2022-1-5", NULL },
		{ "26-FEB-1987", NULL },
		{ "", NULL },
		{ "2022-01-05x", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char iso[11] = "";
		int ok = nx_store_parse_date(iso, cases[i].in);

		CHECK_INT(ok, cases[i].out != NULL);
		if (cases[i].out)
			CHECK_STR(iso, cases[i].out);
	}
}

int main(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmp, sizeof tmp, "%s/nx-store-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmp))
		return 1;
	test_foreign_and_version();
	test_keys();
	test_dates();
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp);
	return nx_test_done("test_store");
}
