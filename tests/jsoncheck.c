/*
 * jsoncheck.c — a test helper for the CLI tests: reads `search --json`
 * output on stdin and checks that every line is a JSON object with the
 * documented fields and consistent offsets.  With arguments LINE KEY it also
 * prints that field of that (1-based) line.  Exit 0 when all lines pass.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const string_keys[] = { "id", "title", "date", "source", "url", "lang",
					   "passage" };
static const char *const int_keys[] = { "rank", "passage_no", "passage_start", "passage_end" };

#define BAD(...) (fprintf(stderr, "jsoncheck: line %lu: ", lineno), \
		  fprintf(stderr, __VA_ARGS__), fputc('\n', stderr), bad = 1)

/* A line of `search --people --json`: a person with its spellings. */
static int check_person(json_t *o, unsigned long lineno)
{
	int bad = 0;
	json_t *sp = json_object_get(o, "spellings");
	json_int_t sum = 0;

	if (!json_is_string(json_object_get(o, "name")) || !json_is_string(json_object_get(o, "key")))
		BAD("\"name\" or \"key\" missing or not a string");
	if (json_integer_value(json_object_get(o, "rank")) != (json_int_t)lineno)
		BAD("rank is not %lu", lineno);
	if (json_integer_value(json_object_get(o, "passages")) < 1 ||
	    json_integer_value(json_object_get(o, "articles")) < 1 ||
	    json_integer_value(json_object_get(o, "articles")) >
	    json_integer_value(json_object_get(o, "passages")))
		BAD("\"passages\" and \"articles\" are not counts with articles <= passages");
	if (!json_is_array(sp) || !json_array_size(sp))
		return BAD("\"spellings\" missing or empty"), 1;
	for (size_t i = 0; i < json_array_size(sp); i++) {
		json_t *f = json_array_get(sp, i);

		if (!json_is_string(json_object_get(f, "form")) ||
		    json_integer_value(json_object_get(f, "passages")) < 1)
			BAD("spelling %zu lacks a form or a count", i);
		sum += json_integer_value(json_object_get(f, "passages"));
	}
	const char *first = json_string_value(json_object_get(json_array_get(sp, 0), "form"));
	const char *name = json_string_value(json_object_get(o, "name"));
	if (!first || !name || strcmp(first, name))
		BAD("\"name\" is not the first spelling");
	if (sum < json_integer_value(json_object_get(o, "passages")))
		BAD("the spellings count fewer passages than the person");
	return bad;
}

static int check(json_t *o, unsigned long lineno)
{
	int bad = 0;
	size_t i;

	if (!json_is_object(o))
		return BAD("not an object"), 1;
	if (json_object_get(o, "spellings"))
		return check_person(o, lineno);
	for (i = 0; i < sizeof string_keys / sizeof *string_keys; i++)
		if (!json_is_string(json_object_get(o, string_keys[i])))
			BAD("\"%s\" missing or not a string", string_keys[i]);
	for (i = 0; i < sizeof int_keys / sizeof *int_keys; i++)
		if (!json_is_integer(json_object_get(o, int_keys[i])))
			BAD("\"%s\" missing or not an integer", int_keys[i]);
	if (!json_is_number(json_object_get(o, "score")))
		BAD("\"score\" missing or not a number");
	json_t *hl = json_object_get(o, "highlights");
	if (!json_is_array(hl))
		BAD("\"highlights\" missing or not an array");
	if (bad)
		return 1;
	size_t plen = json_string_length(json_object_get(o, "passage"));
	json_int_t s = json_integer_value(json_object_get(o, "passage_start"));
	json_int_t e = json_integer_value(json_object_get(o, "passage_end"));
	if (s < 0 || e - s != (json_int_t)plen)
		BAD("passage_end - passage_start (%lld) != passage length (%zu)",
		    (long long)(e - s), plen);
	if (json_integer_value(json_object_get(o, "rank")) != (json_int_t)lineno)
		BAD("rank is not %lu", lineno);
	for (i = 0; i < json_array_size(hl); i++) {
		json_t *p = json_array_get(hl, i);
		json_int_t a = json_integer_value(json_array_get(p, 0));
		json_int_t b = json_integer_value(json_array_get(p, 1));
		if (json_array_size(p) != 2 || a < 0 || b <= a || b > (json_int_t)plen)
			BAD("highlight %zu is not a range inside the passage", i);
	}
	/* "matched": each form is the passage's text at its span. */
	json_t *m = json_object_get(o, "matched");
	for (i = 0; i < json_array_size(m); i++) {
		json_t *f = json_array_get(m, i), *sp = json_object_get(f, "span");
		const char *form = json_string_value(json_object_get(f, "form"));
		json_int_t a = json_integer_value(json_array_get(sp, 0));
		json_int_t b = json_integer_value(json_array_get(sp, 1));
		const char *pas = json_string_value(json_object_get(o, "passage"));
		if (!form || !json_is_string(json_object_get(f, "query")) || a < 0 || b <= a ||
		    b > (json_int_t)plen || strlen(form) != (size_t)(b - a) ||
		    memcmp(pas + a, form, (size_t)(b - a)))
			BAD("matched %zu is not a form at its span of the passage", i);
	}
	if (m && (!json_is_array(m) || !json_array_size(m)))
		BAD("\"matched\" is not a non-empty array");
	return bad;
}
#undef BAD

int main(int argc, char **argv)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0, want = argc > 2 ? strtoul(argv[1], NULL, 10) : 0;
	int bad = 0;

	while ((n = getline(&line, &cap, stdin)) > 0) {
		json_error_t err;
		json_t *o;

		lineno++;
		o = json_loadb(line, (size_t)n, 0, &err);
		if (!o) {
			fprintf(stderr, "jsoncheck: line %lu: not JSON: %s\n", lineno, err.text);
			bad = 1;
			continue;
		}
		bad |= check(o, lineno);
		if (lineno == want) {
			json_t *v = json_object_get(o, argv[2]);
			if (json_is_string(v))
				printf("%s\n", json_string_value(v));
			else if (v) {
				char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
				printf("%s\n", s ? s : "");
				free(s);
			}
		}
		json_decref(o);
	}
	free(line);
	if (lineno == 0) {
		fprintf(stderr, "jsoncheck: no lines\n");
		return 1;
	}
	return bad;
}
