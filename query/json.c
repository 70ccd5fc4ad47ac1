/*
 * json.c — hits as JSON Lines objects (the format of `search --json`,
 * documented in README.md).
 */
#include "nx_query.h"

#include <jansson.h>

int nx_hit_to_json(char **out, const nx_hit *h)
{
	json_t *o, *hl;
	int rc = NX_OK;

	*out = NULL;
	if (!h)
		return nx_error_set(NX_EINVAL, "no hit to encode");
	hl = json_array();
	for (size_t i = 0; hl && i < h->nhighlights; i++) {
		json_t *pair = json_pack("[I, I]", (json_int_t)h->highlights[i].start,
					 (json_int_t)h->highlights[i].end);

		if (!pair || json_array_append_new(hl, pair)) {
			json_decref(hl);
			hl = NULL;
		}
	}
	if (!hl)
		return nx_error_set(NX_ENOMEM, "out of memory encoding a hit");
	o = json_pack("{s:I, s:f, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s%, s:o}",
		      "rank", (json_int_t)h->rank, "score", h->score, "id", h->id,
		      "title", h->title, "date", h->date, "source", h->source, "url", h->url,
		      "lang", h->lang, "passage_no", (json_int_t)h->passage_no,
		      "passage_start", (json_int_t)h->passage_start,
		      "passage_end", (json_int_t)h->passage_end,
		      "passage", h->passage, h->passage_len, "highlights", hl);
	if (!o)
		return nx_error_set(NX_ENOMEM, "out of memory encoding a hit");
	/* Version 2 keys: the snippet window, the tier, the explanation. */
	/* Since 0.2: the words matched as another spelling of a name. */
	if (h->nmatched) {
		json_t *m = json_array();

		for (size_t i = 0; m && i < h->nmatched; i++) {
			const nx_matched_form *f = &h->matched[i];
			json_t *one = json_pack("{s:s, s:s, s:[I, I]}", "form", f->form, "query",
						f->query, "span", (json_int_t)f->start,
						(json_int_t)f->end);

			if (!one || json_array_append_new(m, one)) {
				json_decref(m);
				m = NULL;
			}
		}
		if (!m || json_object_set_new(o, "matched", m)) {
			json_decref(o);
			return nx_error_set(NX_ENOMEM, "out of memory encoding a hit");
		}
	}
	if (json_object_set_new(o, "snippet", json_pack("[I, I]", (json_int_t)h->snippet_start,
							(json_int_t)h->snippet_end)) ||
	    json_object_set_new(o, "all_words", json_boolean(h->all_words)) ||
	    (h->explain && *h->explain &&
	     json_object_set_new(o, "explain", json_string(h->explain)))) {
		json_decref(o);
		return nx_error_set(NX_ENOMEM, "out of memory encoding a hit");
	}
	*out = json_dumps(o, JSON_COMPACT);
	if (!*out)
		rc = nx_error_set(NX_ENOMEM, "out of memory encoding a hit");
	json_decref(o);
	return rc;
}
