/*
 * names.c — person-name candidates in Latin and Cyrillic text (the rules are
 * described in nx_names.h).  Precision comes first: a false name would make
 * ordinary words expand to look-alikes at query time.
 */
#include "nx_names.h"

#include "nx_common.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

/* ---- word lists ---------------------------------------------------------- */

/* Honorifics and offices that, directly before a capitalised word, announce
 * a person whatever their case ("president Tokayev", "Президент Токаев"). */
static const char *const titles[] = {
	"president", "vice", "prime", "minister", "mr", "mrs", "ms", "dr", "sir", "lord",
	"general", "gen", "colonel", "col", "major", "captain", "capt", "lieutenant", "lt",
	"sergeant", "sgt", "senator", "sen", "rep", "governor", "gov", "mayor", "judge",
	"justice", "chairman", "chairwoman", "chair", "director", "ceo", "secretary",
	"ambassador", "king", "queen", "prince", "princess", "pope", "rev", "father", "sheikh",
	"президент", "президента", "президентом", "президенту", "премьер", "министр",
	"министра", "вице", "председатель", "председателя", "господин", "госпожа", "генерал",
	"полковник", "мэр", "аким", "судья", "депутат", "сенатор", "посол", "президенті",
	"президентінің", "министрі", "елбасы", "әкім", "төраға", "төрағасы",
};

/* Descriptions that announce a person only when written with a capital, at
 * the start of a sentence ("Analyst Arzanov noted"): in running text they are
 * ordinary nouns ("a musician Kazakhstan invited"). */
static const char *const weak_titles[] = {
	"analyst", "activist", "protester", "lawyer", "journalist", "spokesman", "spokeswoman",
	"spokesperson", "musician", "pianist", "leader", "commander", "former", "deputy",
	"acting", "premier", "chancellor", "envoy", "officer", "professor", "prof", "coach",
	"singer", "writer", "author", "editor", "reporter", "correspondent", "billionaire",
	"businessman", "tycoon", "blogger", "poet", "dissident", "economist", "detective",
	"глава", "главы", "адвокат", "журналист", "аналитик", "политолог", "активист", "экс",
	"бывший", "бывшего", "лидер", "директор", "музыкант", "пианист", "спикер",
	"сарапшы", "белсенді", "бұрынғы",
};

/* Capitalised words that are not parts of person names: they end a run. */
static const char *const breakers[] = {
	/* calendar */
	"january", "february", "march", "april", "may", "june", "july", "august", "september",
	"october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
	"sep", "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday",
	"friday", "saturday", "sunday", "christmas", "easter", "ramadan", "year", "years", "day",
	/* institutions and places */
	"council", "organization", "organisation", "treaty", "security", "press", "associated",
	"national", "central", "asian", "new", "party", "ministry", "court", "army", "police",
	"committee", "republic", "union", "bank", "company", "corporation", "corp", "inc", "co",
	"ltd", "llc", "plc", "group", "news", "agency", "tv", "radio", "foundation",
	"university", "state", "states", "united", "federal", "international", "assembly",
	"parliament", "government", "street", "square", "region", "city", "province",
	"district", "airport", "station", "road", "avenue", "north", "south", "east", "west",
	"northern", "southern", "eastern", "western", "world", "war", "house", "office",
	"department", "service", "services", "forces", "force", "guard", "broadcasting",
	"television", "channel", "times", "post", "journal", "review", "reuters", "collective",
	"oil", "gas", "energy", "exchange", "market", "fund", "trust", "holdings", "industries",
	"airlines", "motors", "systems", "communications", "international", "association",
	"institute", "center", "centre", "church", "museum", "hospital", "school", "college",
	"club", "league", "cup", "prize", "award", "act", "law", "code", "constitution",
	"commission", "terminal", "partners", "partnership", "bancorp", "bancshares",
	"trading", "products", "investors", "institution", "foods", "enterprises", "capital",
	"financial", "securities", "savings", "reserve", "board", "industries", "resources",
	"petroleum", "chemical", "chemicals", "electric", "steel", "mining", "airways",
	"insurance", "properties", "technologies", "technology", "pharmaceuticals", "labs",
	"laboratories", "brothers", "bros", "sons", "limited", "incorporated", "holding",
	"stock", "credit", "loan", "investment", "investments", "management", "general's",
	"test", "program", "programme", "project", "plan", "index", "price", "prices",
	/* nationalities */
	"kazakh", "kyrgyz", "russian", "soviet", "american", "british", "chinese", "european",
	"english", "french", "german", "turkish", "uzbek", "tajik", "ukrainian", "belarusian",
	"japanese", "arab", "western", "muslim", "christian",
	/* function words that open sentences */
	"the", "a", "an", "and", "or", "of", "in", "on", "at", "to", "for", "by", "with", "from",
	"but", "as", "after", "before", "during", "while", "when", "where", "what", "who", "why",
	"how", "this", "that", "these", "those", "it", "its", "he", "she", "they", "we", "i",
	"you", "his", "her", "their", "our", "my", "your", "there", "here", "some", "many",
	"most", "much", "all", "one", "two", "three", "another", "other", "however", "although",
	"meanwhile", "also", "amid", "since", "until", "if", "then", "than", "so", "not", "no",
	"yes", "said", "says", "more", "less", "under", "over", "about", "against", "between",
	"january's", "mass", "dear", "hello", "thanks", "please", "only", "even", "still",
	/* Cyrillic */
	"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
	"октября", "ноября", "декабря", "январь", "февраль", "март", "апрель", "май", "июнь",
	"июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь", "қаңтар", "ақпан",
	"наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан", "қараша",
	"желтоқсан", "совет", "совета", "комитет", "комитета", "министерство", "республика",
	"республики", "партия", "суд", "правительство", "парламент", "ассамблея",
	"организация", "агентство", "компания", "банк", "университет", "фонд", "служба",
	"национальный", "национальной", "государственный", "центральной", "киев", "kiev",
	"в", "на", "и", "но", "а", "по", "с", "со", "к", "у", "о", "об", "от", "до", "за", "из",
	"это", "этот", "эта", "он", "она", "они", "мы", "я", "вы", "его", "ее", "её", "их",
	"как", "что", "когда", "где", "после", "перед", "при", "для", "также", "однако",
	"бұл", "ол", "олар", "біз", "мен", "сен", "және", "бірақ", "кейін", "сондай",
};

static int in_list(const char *const *list, size_t n, const char *w, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && memcmp(list[i], w, len) == 0)
			return 1;
	return 0;
}

#define IN(list, w, len) in_list(list, sizeof list / sizeof *list, w, len)

static int ends_with(const char *w, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len > n && memcmp(w + len - n, suffix, n) == 0;
}

/* Surname shapes of the region (normalised, possessives already dropped).
 * Deliberately narrow in Latin script, where -in or -ian would take in
 * Berlin and Christian. */
static const char *const latin_shapes[] = {
	"ov", "ova", "ev", "eva", "yev", "yeva", "iev", "uly", "kyzy", "enko", "chuk",
	"ovich", "evich", "ovna", "evna", "sky", "skiy", "skaya", "shvili", "dze", "bayev",
	"bayeva", "ayev",
};
static const char *const cyr_shapes[] = {
	"ов", "ова", "ев", "ева", "ёв", "ёва", "ин", "ина", "ын", "ына", "ский", "ская",
	"цкий", "енко", "ук", "юк", "ұлы", "қызы", "улы", "кызы", "ович", "евич", "овна",
	"евна",
};

static int shape_of_base(const char *w, size_t len, int script);

/* Does the word, once case endings are removed, have a surname's shape? */
static int surname_shaped(const char *w, size_t len, int script)
{
	char buf[128];

	if (len >= sizeof buf)
		return 0;
	memcpy(buf, w, len);
	buf[len] = '\0';
	len = nxt_surname_base(buf, len);
	return shape_of_base(buf, len, script);
}

static int shape_of_base(const char *w, size_t len, int script)
{
	const char *const *list = script == NXT_SCRIPT_CYRILLIC ? cyr_shapes : latin_shapes;
	size_t n = script == NXT_SCRIPT_CYRILLIC ? sizeof cyr_shapes / sizeof *cyr_shapes :
						   sizeof latin_shapes / sizeof *latin_shapes;

	/* A shape needs a stem before it: "ov" alone is no surname. */
	for (size_t i = 0; i < n; i++)
		if (ends_with(w, len, list[i]) && len >= strlen(list[i]) + 3)
			return 1;
	return 0;
}

/* Russian adjectives look like surnames (Кыргызский, Российская): alone,
 * capitalised, they are far more often part of an organisation's name. */
static int adjective(const char *w, size_t len)
{
	return ends_with(w, len, "ский") || ends_with(w, len, "ская") || ends_with(w, len, "цкий") ||
	       ends_with(w, len, "ской") || ends_with(w, len, "ского");
}

/* ---- case endings -------------------------------------------------------- */

/* Kazakh case suffixes, longest first within each group. */
static const char *const kk_endings[] = {
	"тың", "тің", "дың", "дің", "ның", "нің", "тан", "тен", "дан", "ден", "нан", "нен",
	"пен", "бен", "мен", "қа", "ке", "ға", "ге", "на", "не", "ты", "ті", "ды", "ді", "ны",
	"ні", "та", "те", "да", "де",
};
/* Russian endings of -ов/-ев/-ин surnames (masculine cases and the
 * feminine forms, which we merge: they name one family). */
static const char *const ru_endings[] = { "ыми", "ого", "ому", "ым", "ом", "ой", "ых", "ою",
					   "а", "у", "е", "ы" };
static const char *const surname_bases[] = { "ов", "ев", "ёв", "ин", "ын", "ұлы", "улы" };

static int base_shaped(const char *w, size_t len)
{
	for (size_t i = 0; i < sizeof surname_bases / sizeof *surname_bases; i++)
		if (ends_with(w, len, surname_bases[i]) && len >= strlen(surname_bases[i]) + 4)
			return 1;
	return 0;
}

size_t nxt_surname_base(char *w, size_t len)
{
	size_t i;

	/* Latin transcriptions: the feminine -ova/-eva names the same family. */
	if ((ends_with(w, len, "ova") || ends_with(w, len, "eva")) && len >= 6 &&
	    (unsigned char)w[0] < 0x80) {
		w[--len] = '\0';
		return len;
	}

	for (i = 0; i < sizeof kk_endings / sizeof *kk_endings; i++) {
		size_t n = strlen(kk_endings[i]);

		if (ends_with(w, len, kk_endings[i]) && base_shaped(w, len - n)) {
			len -= n;
			w[len] = '\0';
			return len;
		}
	}
	for (i = 0; i < sizeof ru_endings / sizeof *ru_endings; i++) {
		size_t n = strlen(ru_endings[i]);

		if (ends_with(w, len, ru_endings[i]) && base_shaped(w, len - n)) {
			len -= n;
			w[len] = '\0';
			return len;
		}
	}
	return len;
}

/* ---- scanning ------------------------------------------------------------ */

typedef struct ntok {
	size_t start, end;   /* in the text */
	size_t norm;         /* offset of the normalised form in the scan's buffer */
	size_t norm_len;
	int script;
	int cap;             /* starts with a capital and is not all capitals */
	int title, breaker;
} ntok;

typedef struct scan {
	const char *text;
	ntok *toks;
	size_t n, cap;
	nx_buf norms;
	nx_buf seen;         /* NUL-separated surnames of multi-word names */
	size_t nseen;
} scan;

/* Capitalisation of text[start, end): 1 when the first letter is upper or
 * title case and not every letter is (acronyms such as CSTO, AP, KNB). */
static int capitalised(const char *text, size_t start, size_t end)
{
	int32_t i = (int32_t)start, n = (int32_t)end;
	int first = -1, letters = 0, upper = 0;

	while (i < n) {
		UChar32 c;

		U8_NEXT(text, i, n, c);
		if (c < 0 || !u_isalpha(c))
			continue;
		letters++;
		if (u_isupper(c) || u_istitle(c))
			upper++;
		if (first < 0)
			first = u_isupper(c) || u_istitle(c);
	}
	if (first != 1)
		return 0;
	return letters == 1 || upper < letters;
}

static int on_token(void *vc, const nxt_token *t)
{
	scan *s = vc;
	ntok *k;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		ntok *p = realloc(s->toks, cap * sizeof *p);

		if (!p)
			return nx_error_set(NX_ENOMEM, "out of memory finding names");
		s->toks = p;
		s->cap = cap;
	}
	k = &s->toks[s->n++];
	k->start = t->start;
	k->end = t->end;
	k->norm = s->norms.len;
	k->norm_len = t->norm_len;
	k->script = t->script;
	k->cap = (t->script == NXT_SCRIPT_LATIN || t->script == NXT_SCRIPT_CYRILLIC) &&
		 capitalised(s->text, t->start, t->end);
	k->title = IN(titles, t->norm, t->norm_len) ||
		   (k->cap && IN(weak_titles, t->norm, t->norm_len));
	k->breaker = IN(breakers, t->norm, t->norm_len);
	nx_buf_put(&s->norms, t->norm, t->norm_len);
	nx_buf_putc(&s->norms, '\0');
	return s->norms.failed ? NX_ENOMEM : NX_OK;
}

/* What lies between two tokens decides whether they belong to one name. */
enum gap { GAP_SPACE, GAP_HYPHEN, GAP_INITIAL, GAP_BREAK };

static enum gap gap_between(const scan *s, size_t i)
{
	const ntok *a = &s->toks[i], *b = &s->toks[i + 1];
	const char *p = s->text + a->end, *e = s->text + b->start;
	size_t n = (size_t)(e - p);

	if (n == 0)
		return GAP_BREAK;
	if (n == 1 && (*p == '-' || *p == ' '))
		return *p == '-' ? GAP_HYPHEN : GAP_SPACE;
	/* "Н. Назарбаев", "J. Smith": a one-letter token with its full stop. */
	if (n == 2 && p[0] == '.' && p[1] == ' ' && a->end - a->start <= 2)
		return GAP_INITIAL;
	/* U+2010 hyphen, non-breaking space. */
	if ((n == 3 && !memcmp(p, "\xe2\x80\x90", 3)) || (n == 2 && !memcmp(p, "\xc2\xa0", 2)))
		return n == 3 ? GAP_HYPHEN : GAP_SPACE;
	return GAP_BREAK;
}

/* Does token i open a sentence (nothing but quotes and spaces since the
 * last sentence-final punctuation, or the start of the text)? */
static int sentence_start(const scan *s, size_t i)
{
	const char *p = s->text + s->toks[i].start;
	const char *lim = i ? s->text + s->toks[i - 1].end : s->text;

	while (p > lim) {
		unsigned char c = (unsigned char)p[-1];

		if (c == '.' || c == '!' || c == '?' || c == '\n' || c == ':')
			return 1;
		p--;
	}
	return i == 0;
}

static const char *norm_of(const scan *s, size_t i)
{
	return s->norms.ptr + s->toks[i].norm;
}

/* A Cyrillic surname carrying a case ending (тоқаевқа, токаева). */
static int inflected_surname(const scan *s, size_t i)
{
	const ntok *t = &s->toks[i];
	char buf[128];
	size_t n;

	if (t->script != NXT_SCRIPT_CYRILLIC || t->norm_len >= sizeof buf)
		return 0;
	memcpy(buf, norm_of(s, i), t->norm_len);
	buf[t->norm_len] = '\0';
	n = nxt_surname_base(buf, t->norm_len);
	return n < t->norm_len && shape_of_base(buf, n, t->script);
}

static int seen_surname(const scan *s, const char *w, size_t len)
{
	const char *p = s->seen.ptr;

	for (size_t i = 0; i < s->nseen; i++) {
		size_t n = strlen(p);

		if (n == len && !memcmp(p, w, len))
			return 1;
		p += n + 1;
	}
	return 0;
}

static int emit(scan *s, size_t first, size_t last, nxt_name_fn fn, void *ctx, nx_buf *sur)
{
	const ntok *l = &s->toks[last];
	nxt_name nm;

	nx_buf_clear(sur);
	nx_buf_put(sur, norm_of(s, last), l->norm_len);
	if (sur->failed)
		return NX_ENOMEM;
	sur->len = nxt_surname_base(sur->ptr, sur->len);
	nm.start = s->toks[first].start;
	nm.end = l->end;
	nm.surname = sur->ptr;
	nm.surname_len = sur->len;
	nm.surname_start = l->start;
	nm.surname_end = l->end;
	nm.script = l->script;
	nm.given = first < last ? norm_of(s, first) : NULL;
	nm.given_len = first < last ? s->toks[first].norm_len : 0;
	return fn(ctx, &nm);
}

int nxt_names(nxt_analyzer *a, const char *text, size_t len, nxt_name_fn fn, void *ctx)
{
	scan s;
	nx_buf sur = NX_BUF_INIT;
	int rc;

	memset(&s, 0, sizeof s);
	s.text = text;
	if ((rc = nxt_words(a, text, len, on_token, &s)))
		goto out;

	for (size_t i = 0; i < s.n && !rc;) {
		size_t first = i, last = i, components = 1;
		int titled = 0;

		/* Titles (any case) directly before a capitalised word. */
		while (i < s.n && s.toks[i].title && i + 1 < s.n &&
		       gap_between(&s, i) != GAP_BREAK) {
			titled = 1;
			i++;
		}
		if (!s.toks[i].cap || s.toks[i].breaker || s.toks[i].title) {
			i++;
			continue;
		}
		first = last = i;
		while (last + 1 < s.n && s.toks[last + 1].cap && !s.toks[last + 1].breaker &&
		       !s.toks[last + 1].title && s.toks[last + 1].script == s.toks[first].script) {
			enum gap g = gap_between(&s, last);

			/* A surname in a case form ends its name: "Назарбаевтан
			 * Тоқаевқа" is "from Nazarbayev to Tokayev". */
			if (inflected_surname(&s, last))
				break;
			if (g == GAP_BREAK)
				break;
			if (g != GAP_HYPHEN)
				components++;
			last++;
		}
		i = last + 1;

		/* In a run such as "Викрам Рузахунов Бішкекке" (a headline's
		 * name, then a place), the surname is the last word with a
		 * surname's shape. */
		int shaped = 0;
		for (size_t j = last + 1; j-- > first;) {
			if (surname_shaped(norm_of(&s, j), s.toks[j].norm_len, s.toks[j].script)) {
				if (j < last && gap_between(&s, j) != GAP_HYPHEN)
					last = j;
				shaped = 1;
				break;
			}
		}

		const ntok *sn = &s.toks[last];
		const char *w = norm_of(&s, last);
		int accept;

		/* Russian and Kazakh capitalise organisations word by word
		 * ("Қырғызстан Сыртқы істер министрлігі"): a Cyrillic run needs
		 * a surname's shape or a title. */
		if (components >= 2)
			accept = shaped || titled || sn->script != NXT_SCRIPT_CYRILLIC;
		else if (titled)
			accept = 1;
		else if (surname_shaped(w, sn->norm_len, sn->script) && !adjective(w, sn->norm_len))
			/* At a sentence's start only when a lower-case word
			 * follows ("Tokayev has said"). */
			accept = !sentence_start(&s, first) || last + 1 >= s.n ||
				 !s.toks[last + 1].cap;
		else
			accept = !sentence_start(&s, first) && seen_surname(&s, w, sn->norm_len);
		if (!accept || sn->norm_len < 2)
			continue;
		if (components >= 2 && !seen_surname(&s, w, sn->norm_len)) {
			nx_buf_put(&s.seen, w, sn->norm_len);
			nx_buf_putc(&s.seen, '\0');
			s.nseen++;
		}
		rc = emit(&s, first, last, fn, ctx, &sur);
	}
out:
	free(s.toks);
	nx_buf_free(&s.norms);
	nx_buf_free(&s.seen);
	nx_buf_free(&sur);
	return rc;
}

/* ---- name keys ----------------------------------------------------------- */

#include <unicode/ustring.h>
#include <unicode/utrans.h>

struct nxt_namekey {
	UTransliterator *ru;   /* Russian-Latin/BGN; Latin-ASCII; Lower */
	UTransliterator *kk;   /* Kazakh-Latin/BGN; Latin-ASCII; Lower */
	UChar *u16;
	int32_t u16_cap;
	nx_buf latin;
	nx_buf key;
};

static int open_trans(UTransliterator **out, const char *id)
{
	UErrorCode st = U_ZERO_ERROR;
	UChar uid[128];

	u_uastrncpy(uid, id, (int32_t)(sizeof uid / sizeof *uid));
	*out = utrans_openU(uid, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
	if (U_FAILURE(st))
		return nx_error_set(NX_ERROR, "ICU transliterator %s: %s", id, u_errorName(st));
	return NX_OK;
}

int nxt_namekey_new(nxt_namekey **out)
{
	nxt_namekey *k = calloc(1, sizeof *k);
	int rc;

	*out = NULL;
	if (!k)
		return nx_error_set(NX_ENOMEM, "out of memory creating a name keyer");
	if ((rc = open_trans(&k->ru, "Russian-Latin/BGN; Latin-ASCII; Lower")) ||
	    (rc = open_trans(&k->kk, "Kazakh-Latin/BGN; Latin-ASCII; Lower"))) {
		nxt_namekey_free(k);
		return rc;
	}
	*out = k;
	return NX_OK;
}

void nxt_namekey_free(nxt_namekey *k)
{
	if (!k)
		return;
	if (k->ru)
		utrans_close(k->ru);
	if (k->kk)
		utrans_close(k->kk);
	free(k->u16);
	nx_buf_free(&k->latin);
	nx_buf_free(&k->key);
	free(k);
}

/* Letters of Kazakh (and Kyrgyz, Tatar) that Russian does not have. */
static int has_kazakh_letter(const char *w, size_t len)
{
	int32_t i = 0, n = (int32_t)len;

	while (i < n) {
		UChar32 c;

		U8_NEXT(w, i, n, c);
		switch (c) {
		case 0x04D9: case 0x0493: case 0x049B: case 0x04A3: case 0x04E9:
		case 0x04B1: case 0x04AF: case 0x04BB: case 0x0456:
			return 1;
		}
	}
	return 0;
}

static int transliterate(nxt_namekey *k, UTransliterator *t, const char *w, size_t len)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t ulen, limit, cap = (int32_t)len * 4 + 16;
	char *out;
	int32_t blen;

	if (len > 4096)
		return nx_error_set(NX_EINVAL, "a %zu-byte word is too long for a name", len);
	if (k->u16_cap < cap) {
		UChar *p = realloc(k->u16, (size_t)cap * sizeof *p);

		if (!p)
			return nx_error_set(NX_ENOMEM, "out of memory keying a name");
		k->u16 = p;
		k->u16_cap = cap;
	}
	u_strFromUTF8WithSub(k->u16, k->u16_cap, &ulen, w, (int32_t)len, 0xFFFD, NULL, &st);
	limit = ulen;
	utrans_transUChars(t, k->u16, &ulen, k->u16_cap, 0, &limit, &st);
	if (U_FAILURE(st))
		return nx_error_set(NX_ERROR, "ICU transliteration: %s", u_errorName(st));
	nx_buf_clear(&k->latin);
	if (nx_buf_grow(&k->latin, (size_t)ulen * 3 + 1))
		return NX_ENOMEM;
	out = k->latin.ptr;
	u_strToUTF8(out, (int32_t)k->latin.cap, &blen, k->u16, ulen, &st);
	if (U_FAILURE(st))
		return nx_error_set(NX_ERROR, "ICU conversion: %s", u_errorName(st));
	k->latin.len = (size_t)blen;
	out[blen] = '\0';
	return NX_OK;
}

static int is_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

int nxt_name_key(const char **out, size_t *outlen, nxt_namekey *k, const char *word, size_t len)
{
	const char *s;
	size_t n, i;
	char *d;
	int rc;

	*out = "";
	*outlen = 0;
	if ((rc = transliterate(k, has_kazakh_letter(word, len) ? k->kk : k->ru, word, len)))
		return rc;
	s = k->latin.ptr;
	n = k->latin.len;

	nx_buf_clear(&k->key);
	if (nx_buf_grow(&k->key, n + 1))
		return NX_ENOMEM;
	d = k->key.ptr;
	size_t m = 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c < 'a' || c > 'z')
			continue;
		char next = i + 1 < n ? (char)(s[i + 1] | 0x20) : 0;
		if (c == 'k' && next == 'h') {        /* kh -> h */
			c = 'h';
			i++;
		} else if (c == 'd' && next == 'z' && i + 2 < n && (s[i + 2] | 0x20) == 'h') {
			c = 'j';                       /* dzh -> j */
			i += 2;
		} else if (c == 'z' && next == 'h') { /* zh -> j */
			c = 'j';
			i++;
		} else if (c == 't' && next == 's') { /* ts -> c */
			c = 'c';
			i++;
		} else if (c == 'q') {
			c = 'k';
		} else if (c == 'y' && m > 0 && is_vowel(d[m - 1]) && is_vowel(next)) {
			continue;                      /* Tokayev ~ Tokaev */
		}
		if (m > 0 && d[m - 1] == c)
			continue;                      /* Kassym ~ Kasym */
		d[m++] = c;
	}
	/* -iy, -yy, -ii endings (Zelenskiy, Zelenskyy, Zelenskii) -> -y */
	if (m >= 3 && (d[m - 1] == 'y' || d[m - 1] == 'i') && (d[m - 2] == 'i' || d[m - 2] == 'y')) {
		d[m - 2] = 'y';
		m--;
	}
	d[m] = '\0';
	k->key.len = m;
	*out = d;
	*outlen = m;
	return NX_OK;
}

unsigned nxt_edit_distance(const char *a, size_t alen, const char *b, size_t blen, unsigned max)
{
	unsigned row[64];

	if (alen > blen ? alen - blen > max : blen - alen > max)
		return max + 1;
	if (blen >= sizeof row / sizeof *row)
		return alen == blen && !memcmp(a, b, alen) ? 0 : max + 1;
	for (size_t j = 0; j <= blen; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= alen; i++) {
		unsigned diag = row[0], best;

		row[0] = (unsigned)i;
		best = row[0];
		for (size_t j = 1; j <= blen; j++) {
			unsigned up = row[j];
			unsigned v = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best > max)
			return max + 1;
	}
	return row[blen] > max ? max + 1 : row[blen];
}

unsigned nxt_name_tolerance(size_t keylen)
{
	return keylen < 5 ? 0 : keylen < 8 ? 1 : 2;
}
