/*
 * test_xapian.c — unit tests of the C API over libxapian (xapian-c/).
 */
#include "nx_common.h"
#include "nx_test.h"
#include "nx_xapian.h"

#include <string.h>

/* ---- stemming ----------------------------------------------------------- */

static void test_stem(void)
{
	static const struct {
		const char *lang, *word, *stem;
	} cases[] = {
		{ "english", "running", "run" },
		{ "en", "running", "run" },
		{ "en", "", "" },
		{ "german", "häuser", "haus" },
		{ "de", "häuser", "haus" },
		{ "fr", "continuellement", "continuel" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		nxx_stem *s = NULL;
		const char *out = NULL;
		size_t len = 0;
		CHECK_INT(nxx_stem_new(&s, cases[i].lang), NX_OK);
		CHECK_INT(nxx_stem_apply(&out, &len, s, cases[i].word, strlen(cases[i].word)), NX_OK);
		CHECK_STR(out, cases[i].stem);
		CHECK_INT(len, strlen(cases[i].stem));
		nxx_stem_free(s);
	}

	/* Russian: the stem is a proper prefix of the inflected form. */
	{
		static const char word[] = "протестующих";
		nxx_stem *s = NULL;
		const char *out = NULL;
		size_t len = 0;
		CHECK_INT(nxx_stem_new(&s, "ru"), NX_OK);
		CHECK_INT(nxx_stem_apply(&out, &len, s, word, strlen(word)), NX_OK);
		CHECK(out && len > 0 && len < strlen(word) && memcmp(out, word, len) == 0);
		CHECK_INT(strlen(out), len);
		nxx_stem_free(s);
	}

	/* Unknown languages, and languages Xapian 1.4 has no stemmer for. */
	{
		static const char *const unknown[] = { "xx", "klingon", "", "el", "hi", "sr" };
		for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
			nxx_stem *s = (nxx_stem *)&s;  /* must be reset to NULL */
			nx_error_clear();
			CHECK_INT(nxx_stem_new(&s, unknown[i]), NX_ENOTFOUND);
			CHECK(s == NULL);
			CHECK(nx_error_message()[0] != '\0');
			CHECK(strstr(nx_error_message(), unknown[i]) != NULL);
		}
	}

	/* Every name Xapian lists is accepted. */
	{
		const char *langs = nxx_stem_languages();
		char name[64];
		int n = 0;
		CHECK(strstr(langs, "english") != NULL);
		for (const char *p = langs; *p;) {
			size_t k = strcspn(p, " ");
			if (k && k < sizeof name) {
				nxx_stem *s = NULL;
				memcpy(name, p, k);
				name[k] = '\0';
				CHECK_MSG(nxx_stem_new(&s, name) == NX_OK, "%s", name);
				nxx_stem_free(s);
				n++;
			}
			p += k;
			p += strspn(p, " ");
		}
		CHECK(n > 20);
	}
	nxx_stem_free(NULL);
}

int main(void)
{
	test_stem();
	return nx_test_done("test_xapian");
}
