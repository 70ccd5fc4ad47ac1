/*
 * names.c — person-name candidates in Latin and Cyrillic text (the rules are
 * described in nx_names.h).  Precision comes first: a false name would make
 * ordinary words expand to look-alikes at query time.
 */
#include "nx_names.h"

#include "nx_common.h"

#include <pthread.h>
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
	"spokesperson", "speaker", "musician", "pianist", "leader", "commander", "former", "deputy",
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
	"district", "airport", "station", "road", "avenue", "county", "river", "lake",
	"lakes", "bay", "coast", "creek", "basin", "sea", "beach", "island", "islands", "valley",
	"canal", "strait", "peninsula", "gulf", "north", "south", "east", "west",
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

/*
 * The word lists looked up for every word (titles, breakers, given names,
 * company suffixes) as open-addressing hash sets, filled once for the
 * process (lsets_fill, below the lists): scanning them string by string was
 * 14% of indexing's instructions.  Each list fills its set at most half.
 */
#define LSET_BITS 12
#define LSET_SIZE (1u << LSET_BITS)

typedef struct lset {
	const char *slot[LSET_SIZE];
	unsigned short len[LSET_SIZE];
} lset;

static lset titles_set, weak_titles_set, breakers_set, given_names_set, org_after_set,
	institutions_set;
static pthread_once_t lsets_once = PTHREAD_ONCE_INIT;

static void lsets_fill(void);

static uint32_t lset_hash(const char *w, size_t len)
{
	return (uint32_t)(nx_hash(w, len) & (LSET_SIZE - 1));
}

static void lset_fill(lset *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(list[i]);
		uint32_t h = lset_hash(list[i], len);

		while (s->slot[h])
			h = (h + 1) & (LSET_SIZE - 1);
		s->slot[h] = list[i];
		s->len[h] = (unsigned short)len;
	}
}

static int lset_has(const lset *s, const char *w, size_t len)
{
	if (!len || len > 0xffff)
		return 0;
	pthread_once(&lsets_once, lsets_fill);
	for (uint32_t h = lset_hash(w, len); s->slot[h]; h = (h + 1) & (LSET_SIZE - 1))
		if (s->len[h] == len && !memcmp(s->slot[h], w, len))
			return 1;
	return 0;
}

/* Is the word w in the list `name` (its set name##_set)? */
#define IN(name, w, len) lset_has(&name##_set, w, len)

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
	"ов", "ова", "ев", "ева", "ёв", "ёва", "ин", "ина", "цын", "цына", "ский", "ская",
	"цкий", "енко", "ук", "юк", "ұлы", "қызы", "улы", "кызы", "ович", "евич", "овна",
	"евна",
};
/* Shapes that many other words have too: -ин/-ина (Путин, but Карантин,
 * Машина), -ук/-юк.  (-ын ends countless Kazakh words, Алтын, Бұрын,
 * Қорытынды, so only -цын counts: Солженицын.)  Such a word alone at the
 * start of a sentence is no name. */
static const char *const cyr_weak_shapes[] = { "ин", "ина", "цын", "цына", "ук", "юк" };

static int shape_of_base(const char *w, size_t len, int script);

/* Does the word, once case endings are removed, have a surname's shape?
 * 2: a distinctive one (-ов, -ұлы, -енко ...), 1: a weak one (-ин), 0: no. */
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
		if (ends_with(w, len, list[i]) && len >= strlen(list[i]) + 3) {
			if (script != NXT_SCRIPT_CYRILLIC)
				return 2;
			for (size_t j = 0; j < sizeof cyr_weak_shapes / sizeof *cyr_weak_shapes; j++)
				if (!strcmp(list[i], cyr_weak_shapes[j]))
					return 1;
			return 2;
		}
	return 0;
}

/* Common given names in Cyrillic (Kazakh, Russian, and foreign ones as the
 * Kazakh and Russian press write them): a Cyrillic run that starts with
 * one is a person even when the surname has no Russian shape (Kazakh
 * surnames from a father's name: Дархан Әбдуахит; foreign ones: Дональд
 * Трамп).  Chosen from general lists of frequent names, not from the
 * evaluation data. */
static const char *const given_names[] = {
	/* Kazakh, men */
	"абай", "әбілқайыр", "әди", "әлихан", "әлібек", "айбек", "айдар", "айдос", "ақжол",
	"алмас", "алтынбек", "амангелді", "арман", "арсен", "асхат", "асқар", "ахмет",
	"азамат", "бағдат", "бақытжан", "бауыржан", "бейбіт", "бекзат", "болат", "ғалым",
	"дамир", "даниял", "дархан", "дастан", "дәурен", "думан", "ербол", "ерболат", "ерлан",
	"ермек", "ержан", "жандос", "жанболат", "жасұлан", "жомарт", "қайрат", "қанат",
	"қасым", "мақсат", "марат", "мейрам", "мұрат", "мұхтар", "нұрбек", "нұрлан",
	"нұрсұлтан", "олжас", "рахат", "руслан", "сәкен", "серік", "берік", "сұлтан",
	"талғат", "темірлан", "тимур", "төлеген", "ұлан", "шыңғыс", "ерғали", "бекен",
	/* Kazakh, women */
	"айгүл", "айжан", "айнұр", "алуа", "аружан", "әсел", "әсем", "ақмарал", "балжан",
	"гүлнар", "гүлмира", "дана", "дариға", "динара", "жанар", "жансая", "зарина",
	"іңкәр", "қарлығаш", "ләззат", "мадина", "мақпал", "меруерт", "назерке", "салтанат",
	"сәуле", "толқын", "ұлжан", "шынар", "әйгерім",
	/* Russian and other Slavic */
	"александр", "алексей", "анатолий", "андрей", "антон", "аркадий", "борис", "вадим",
	"валентин", "валерий", "василий", "виктор", "виталий", "владимир", "владислав",
	"вячеслав", "геннадий", "георгий", "григорий", "денис", "дмитрий", "евгений", "егор",
	"иван", "игорь", "илья", "кирилл", "константин", "леонид", "максим", "михаил",
	"никита", "николай", "олег", "павел", "пётр", "петр", "роман", "сергей", "станислав",
	"степан", "юрий", "ярослав", "анна", "алла", "валентина", "галина", "дарья", "евгения",
	"екатерина", "елена", "елизавета", "ирина", "людмила", "мария", "надежда", "наталья",
	"наталия", "нина", "ольга", "светлана", "софья", "татьяна", "юлия", "вера", "любовь",
	/* foreign names in the press */
	"джо", "джон", "джордж", "дональд", "барак", "билл", "уильям", "роберт", "майкл",
	"дэвид", "джеймс", "ричард", "томас", "питер", "пол", "марк", "эммануэль", "ангела",
	"олаф", "реджеп", "си", "ли", "антониу", "жан",
	"франсуа", "шарль", "мухаммед", "мохаммед", "ахмед", "али", "хасан", "мустафа",
	"ильхам", "шавкат", "садыр", "эмомали", "сердар", "нарендра", "шинзо", "фумио",
};

static int given_name(const char *w, size_t len)
{
	return IN(given_names, w, len);
}

/* Patronymics have a surname's shape but follow the given name (Путин
 * Владимир Владимирович): not the surname when another word is. */
static int patronymic(const char *w, size_t len)
{
	return ends_with(w, len, "ович") || ends_with(w, len, "евич") ||
	       ends_with(w, len, "овна") || ends_with(w, len, "евна") ||
	       ends_with(w, len, "ovich") || ends_with(w, len, "evich") ||
	       ends_with(w, len, "ovna") || ends_with(w, len, "evna");
}

/* Russian adjectives look like surnames (Кыргызский, Российская): alone,
 * capitalised, they are far more often part of an organisation's name. */
static int adjective(const char *w, size_t len)
{
	return ends_with(w, len, "ский") || ends_with(w, len, "ская") || ends_with(w, len, "цкий") ||
	       ends_with(w, len, "ской") || ends_with(w, len, "ского");
}

/* ---- case endings -------------------------------------------------------- */

/* Kazakh case suffixes, longest first within each group (the similative
 * -тай too: Саттархановтай), and the plural ones that may come before
 * them (Маңғұтовтар, Таукеновтердің). */
static const char *const kk_endings[] = {
	"тың", "тің", "дың", "дің", "ның", "нің", "тан", "тен", "дан", "ден", "нан", "нен",
	"пен", "бен", "мен", "тай", "тей", "дай", "дей", "қа", "ке", "ға", "ге", "на", "не",
	"ты", "ті", "ды", "ді", "ны", "ні", "та", "те", "да", "де",
};
static const char *const kk_plurals[] = { "тар", "тер", "дар", "дер", "лар", "лер" };
/* Russian endings of -ов/-ев/-ин surnames (masculine cases and the
 * feminine forms, which we merge: they name one family). */
static const char *const ru_endings[] = { "ыми", "ого", "ому", "ым", "ом", "ой", "ых", "ою",
					   "а", "у", "е", "ы" };
/* What a surname ends in before its case ending (Толыбаеваға: -ева). */
static const char *const surname_bases[] = { "ов", "ев", "ёв", "ин", "цын", "ұлы", "улы",
					     "ова", "ева", "ёва", "ина" };

static int base_shaped(const char *w, size_t len)
{
	for (size_t i = 0; i < sizeof surname_bases / sizeof *surname_bases; i++)
		if (ends_with(w, len, surname_bases[i]) && len >= strlen(surname_bases[i]) + 4)
			return 1;
	return 0;
}

/*
 * Can a Kazakh suffix starting with the letter `suffix` follow w[0, len)?
 * Its first consonant takes after the last sound of the stem: after в
 * (Тоқаев) the voiceless т, қ, к, п (Тоқаевтың, Тоқаевқа, Тоқаевпен);
 * after н, р and vowels н, ғ, г, д, м, л (Путиннің, Путинге,
 * Таукеновтердің, Толыбаеваға).  So Васильевна, Этелинда, Юрьевна are no
 * case forms.
 */
static int suffix_fits(const char *w, size_t len, const char *suffix)
{
	static const char *const after_v = "тқкпб";
	static const char *const after_other = "нғгдмл";
	char first[3] = { suffix[0], suffix[1], 0 };

	if (len < 2)
		return 0;
	return strstr(!memcmp(w + len - 2, "в", 2) ? after_v : after_other, first) != NULL;
}

/* The length of w[0, len) without a plural suffix that leaves a surname's
 * base, or 0. */
static size_t without_plural(const char *w, size_t len)
{
	for (size_t i = 0; i < sizeof kk_plurals / sizeof *kk_plurals; i++) {
		size_t pl = strlen(kk_plurals[i]);

		if (ends_with(w, len, kk_plurals[i]) && base_shaped(w, len - pl) &&
		    suffix_fits(w, len - pl, kk_plurals[i]))
			return len - pl;
	}
	return 0;
}

size_t nxt_surname_base(char *w, size_t len)
{
	size_t i, b;

	/* Latin transcriptions: the feminine -ova/-eva/-ina names the same
	 * family (Karenina ~ Каренина, whose -а goes below). */
	if ((ends_with(w, len, "ova") || ends_with(w, len, "eva") || ends_with(w, len, "ina") ||
	     ends_with(w, len, "yna")) && len >= 6 && (unsigned char)w[0] < 0x80) {
		w[--len] = '\0';
		return len;
	}
	/* Czech and Slovak: Juríková ~ Юрикова. */
	if (ends_with(w, len, "ov\xc3\xa1") && len >= 7 && (unsigned char)w[0] < 0x80) {
		len -= 2;
		w[len] = '\0';
		return len;
	}
	/* Kazakh: a case suffix, after a plural one or not, or a plural alone. */
	for (i = 0; i < sizeof kk_endings / sizeof *kk_endings; i++) {
		size_t el = strlen(kk_endings[i]);

		if (!ends_with(w, len, kk_endings[i]) || !suffix_fits(w, len - el, kk_endings[i]))
			continue;
		if (base_shaped(w, len - el))
			b = len - el;
		else if (!(b = without_plural(w, len - el)))
			continue;
		len = b;
		w[len] = '\0';
		break;
	}
	if (i == sizeof kk_endings / sizeof *kk_endings && (b = without_plural(w, len))) {
		len = b;
		w[len] = '\0';
	}
	/* Russian case endings, and the feminine -а of a Kazakh form. */
	for (i = 0; i < sizeof ru_endings / sizeof *ru_endings; i++) {
		size_t el = strlen(ru_endings[i]);

		if (ends_with(w, len, ru_endings[i]) && base_shaped(w, len - el)) {
			len -= el;
			w[len] = '\0';
			break;
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
	nx_buf orgs;         /* NUL-separated words of companies' names */
	size_t norgs;
	nx_buf cos;          /* pairs of consecutive words of those before a
				company's suffix (not an institution's: party,
				council, act ...), NUL-separated */
	size_t ncos;         /* pairs */
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
	return s->norms.failed ? nx_error_set(NX_ENOMEM, "out of memory finding names") : NX_OK;
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
	/* One line break is a space: wire copy breaks its lines anywhere
	 * ("Finance Minister Gerhard\nStoltenberg"); paragraphs end with
	 * two. */
	if (n == 1 && (*p == '-' || *p == ' ' || *p == '\n'))
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

/* Is w one of the n NUL-separated words of list? */
static int listed(const nx_buf *list, size_t n, const char *w, size_t len)
{
	const char *p = list->ptr;

	for (size_t i = 0; i < n; i++) {
		size_t pl = strlen(p);

		if (pl == len && !memcmp(p, w, len))
			return 1;
		p += pl + 1;
	}
	return 0;
}

static int seen_surname(const scan *s, const char *w, size_t len)
{
	return listed(&s->seen, s->nseen, w, len);
}

/* Words that, after a capitalised run, make it a company's or an
 * institution's name: "Linear Films Inc", "Wertheim Schroder and Co",
 * "Tokyo Grain Exchange". */
static const char *const org_after[] = {
	"inc", "co", "corp", "corporation", "company", "ltd", "llc", "plc", "lp", "sa", "ag",
	"nv", "bv", "gmbh", "spa", "ab", "asa", "oy", "kk", "group", "holding", "holdings",
	"bank", "bancorp", "exchange", "stock", "securities", "industries", "international",
	"partners", "airlines", "airways", "motors", "systems", "trust", "fund", "foundation",
	"association", "institute", "university", "council", "commission", "committee",
	"party", "act", "law", "agency", "ministry", "department", "sons", "brothers",
	"associates", "division", "hospital",
};

/* The words of org_after that end an institution's name, not a company's. */
static const char *const institutions[] = {
	"exchange", "foundation", "association", "institute", "university", "council",
	"commission", "committee", "party", "act", "law", "agency", "ministry", "department",
	"hospital", "division",
};

#define LSET_FILL(name)                                                               \
	do {                                                                            \
		_Static_assert(sizeof name / sizeof *name <= LSET_SIZE / 2, #name " fits"); \
		lset_fill(&name##_set, name, sizeof name / sizeof *name);               \
	} while (0)

static void lsets_fill(void)
{
	LSET_FILL(titles);
	LSET_FILL(weak_titles);
	LSET_FILL(breakers);
	LSET_FILL(given_names);
	LSET_FILL(org_after);
	LSET_FILL(institutions);
}
/* Only white space and ampersands between tokens a and b (wire copy
 * breaks lines anywhere)? */
static int blank_between(const scan *s, size_t a, size_t b)
{
	for (size_t k = s->toks[a].end; k < s->toks[b].start; k++)
		if (s->text[k] != ' ' && s->text[k] != '\n' && s->text[k] != '\r' &&
		    s->text[k] != '\t' && s->text[k] != '&')
			return 0;
	return s->toks[b].start > s->toks[a].end;
}

/* Does a patronymic follow token i within two words (Путин Владимир
 * Владимирович: surname, given name, patronymic)? */
static int patronymic_follows(const scan *s, size_t i)
{
	for (size_t j = i + 1; j <= i + 2 && j < s->n; j++) {
		if (!s->toks[j].cap || gap_between(s, j - 1) == GAP_BREAK)
			return 0;
		if (patronymic(norm_of(s, j), s->toks[j].norm_len))
			return 1;
	}
	return 0;
}

/* Is the run ending at token `last` followed by one of org_after, maybe
 * after "and" or "&" ("Braun and Co")?  The suffix's token, else 0. */
static size_t org_follows(const scan *s, size_t last)
{
	size_t i = last + 1;

	if (i < s->n && s->toks[i].norm_len == 3 && !memcmp(norm_of(s, i), "and", 3)) {
		if (!blank_between(s, last, i))
			return 0;
		last = i++;
	}
	if (i < s->n && blank_between(s, last, i) && s->toks[i].script == NXT_SCRIPT_LATIN &&
	    IN(org_after, norm_of(s, i), s->toks[i].norm_len))
		return i;
	return 0;
}

/*
 * The words of every Latin run that a company suffix follows ("Texaco Inc",
 * "Chevron Corp"), into s->orgs: the same text names the company without
 * its suffix too ("Texaco Canada said", "Chevron's"), which is no person
 * either.
 */
static int find_orgs(scan *s, unsigned flags)
{
	for (size_t i = 0; i < s->n; i++) {
		size_t suffix;
		int company;

		if (s->toks[i].script != NXT_SCRIPT_LATIN || !s->toks[i].cap ||
		    !(suffix = org_follows(s, i)))
			continue;
		/* A company's suffix, not an institution's ("Merrill Lynch
		 * and Co", not "Hawke's Labour Party", "Gramm-Rudman Act"):
		 * its pairs of words, when the caller wants them. */
		company = (flags & NXT_NAMES_ORGS) &&
			  !IN(institutions, norm_of(s, suffix), s->toks[suffix].norm_len);
		for (size_t j = i + 1; j-- > 0;) {
			const ntok *t = &s->toks[j];

			if (!t->cap || t->title || t->breaker || t->script != NXT_SCRIPT_LATIN)
				break;
			if (!listed(&s->orgs, s->norgs, norm_of(s, j), t->norm_len)) {
				nx_buf_put(&s->orgs, norm_of(s, j), t->norm_len);
				nx_buf_putc(&s->orgs, '\0');
				s->norgs++;
			}
			/* With the word after it in the run: a pair. */
			if (company && j < i) {
				nx_buf_put(&s->cos, norm_of(s, j), t->norm_len);
				nx_buf_putc(&s->cos, '\0');
				nx_buf_put(&s->cos, norm_of(s, j + 1), s->toks[j + 1].norm_len);
				nx_buf_putc(&s->cos, '\0');
				s->ncos++;
			}
			if (j == 0 || gap_between(s, j - 1) == GAP_BREAK)
				break;
		}
	}
	if (s->orgs.failed || s->cos.failed)
		return nx_error_set(NX_ENOMEM, "out of memory finding companies' names");
	return NX_OK;
}

/* Is token k the last word of a title's complement: "Secretary of State",
 * "Minister of the Interior"?  (What follows is a person.) */
static int title_of(const scan *s, size_t k)
{
	size_t j = k;

	if (j >= 1 && s->toks[j - 1].norm_len == 3 && !memcmp(norm_of(s, j - 1), "the", 3))
		j--;
	if (j < 2 || s->toks[j - 1].norm_len != 2 || memcmp(norm_of(s, j - 1), "of", 2))
		return 0;
	return s->toks[j - 2].title;
}

static int emit(scan *s, size_t first, size_t last, nxt_name_fn fn, void *ctx, nx_buf *sur)
{
	const ntok *l = &s->toks[last];
	nxt_name nm;

	nx_buf_clear(sur);
	nx_buf_put(sur, norm_of(s, last), l->norm_len);
	if (sur->failed)
		return nx_error_set(NX_ENOMEM, "out of memory finding names");
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
	nm.org = 0;
	return fn(ctx, &nm);
}

/* The pairs of consecutive words of companies' names (s->cos): the first
 * as the given name, the second as the surname. */
static int emit_orgs(scan *s, nxt_name_fn fn, void *ctx, nx_buf *sur)
{
	const char *p = s->cos.ptr;
	int rc = NX_OK;

	for (size_t i = 0; i < s->ncos && !rc; i++) {
		nxt_name nm;

		memset(&nm, 0, sizeof nm);
		nm.given = p;
		nm.given_len = strlen(p);
		p += nm.given_len + 1;
		nx_buf_clear(sur);
		nx_buf_puts(sur, p);
		p += strlen(p) + 1;
		if (sur->failed)
			return nx_error_set(NX_ENOMEM, "out of memory finding companies' names");
		sur->len = nxt_surname_base(sur->ptr, sur->len);
		nm.surname = sur->ptr;
		nm.surname_len = sur->len;
		nm.script = NXT_SCRIPT_LATIN;
		nm.org = 1;
		rc = fn(ctx, &nm);
	}
	return rc;
}

static int names_scan(nxt_analyzer *a, const char *text, size_t len, const nxt_words_rec *words,
		      unsigned flags, nxt_name_fn fn, void *ctx);

int nxt_names(nxt_analyzer *a, const char *text, size_t len, nxt_name_fn fn, void *ctx)
{
	return names_scan(a, text, len, NULL, 0, fn, ctx);
}

/* words, when given, are all the words of text as nxt_words reported them:
 * they are read instead of segmenting the text again. */
static int names_scan(nxt_analyzer *a, const char *text, size_t len, const nxt_words_rec *words,
		      unsigned flags, nxt_name_fn fn, void *ctx)
{
	scan s;
	nx_buf sur = NX_BUF_INIT;
	int rc;

	memset(&s, 0, sizeof s);
	s.text = text;
	rc = words ? nxt_words_rec_each(words, on_token, &s) : nxt_words(a, text, len, on_token, &s);
	if (rc || (rc = find_orgs(&s, flags)))
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
			/* So does a surname after a given name: "Владимир Путин
			 * Нұрсұлтан Назарбаевқа" names two men. */
			if (g == GAP_SPACE && last > first &&
			    surname_shaped(norm_of(&s, last), s.toks[last].norm_len,
					   s.toks[last].script) &&
			    !patronymic(norm_of(&s, last), s.toks[last].norm_len) &&
			    !patronymic_follows(&s, last))
				break;
			if (g != GAP_HYPHEN)
				components++;
			last++;
		}
		i = last + 1;

		/* Jr and Sr follow the surname (James Baker Jr), and are never
		 * one themselves (King Jr, where King was taken for a title). */
		if (s.toks[last].script == NXT_SCRIPT_LATIN && s.toks[last].norm_len == 2 &&
		    (!memcmp(norm_of(&s, last), "jr", 2) || !memcmp(norm_of(&s, last), "sr", 2))) {
			if (last == first)
				continue;
			/* it counted as a component unless a hyphen joined it */
			if (gap_between(&s, last - 1) != GAP_HYPHEN)
				components--;
			last--;
		}
		/* A capitalised word that ends runs, in the middle of a sentence
		 * and directly before this one, opens a longer name that it only
		 * cut (West Texas Intermediate, National Wildlife Refuge, East
		 * St. Louis): no person, unless a title announces one. */
		if (!titled && first > 0 && s.toks[first - 1].cap && s.toks[first - 1].breaker &&
		    s.toks[first - 1].script == NXT_SCRIPT_LATIN &&
		    gap_between(&s, first - 1) == GAP_SPACE && !sentence_start(&s, first - 1) &&
		    !title_of(&s, first - 1))
			continue;

		/* In a run such as "Викрам Рузахунов Бішкекке" (a headline's
		 * name, then a place), the surname is the last word with a
		 * surname's shape. */
		int shaped = 0;
		for (size_t j = last + 1; j-- > first;) {
			if (surname_shaped(norm_of(&s, j), s.toks[j].norm_len, s.toks[j].script)) {
				/* a patronymic yields to an earlier surname */
				if (patronymic(norm_of(&s, j), s.toks[j].norm_len) && j > first &&
				    !shaped)
					for (size_t e = j; e-- > first;)
						if (surname_shaped(norm_of(&s, e), s.toks[e].norm_len,
								   s.toks[e].script) &&
						    !patronymic(norm_of(&s, e), s.toks[e].norm_len)) {
							j = e;
							break;
						}
				if (j < last && gap_between(&s, j) != GAP_HYPHEN)
					last = j;
				shaped = 1;
				break;
			}
		}

		/* A sentence's first word is capitalised anyway: "Тілшіміз
		 * Дархан Әбдуахит" (our correspondent D. Ä.). */
		if (!shaped && !titled && components >= 3 && sentence_start(&s, first) &&
		    !given_name(norm_of(&s, first), s.toks[first].norm_len) &&
		    gap_between(&s, first) == GAP_SPACE &&
		    given_name(norm_of(&s, first + 1), s.toks[first + 1].norm_len)) {
			first++;
			components--;
		}
		/* A run that opens with a given name and has no surname's shape
		 * (Уильям Мозер Қазақстанда) names the given name and the word
		 * after it; what follows is scanned again. */
		if (!shaped && !titled && components >= 2 &&
		    given_name(norm_of(&s, first), s.toks[first].norm_len)) {
			size_t j = first + 1;

			while (j < last && gap_between(&s, j) == GAP_HYPHEN)
				j++;
			last = j;
			i = last + 1;
			components = 2;
		}

		const ntok *sn = &s.toks[last];
		const char *w = norm_of(&s, last);
		int accept, shape;

		/* Russian and Kazakh capitalise organisations word by word
		 * ("Қырғызстан Сыртқы істер министрлігі"): a Cyrillic run needs
		 * a surname's shape or a title. */
		if (components >= 2)
			accept = shaped || titled || sn->script != NXT_SCRIPT_CYRILLIC ||
				 given_name(norm_of(&s, first), s.toks[first].norm_len);
		else if (titled)
			accept = 1;
		else if ((shape = surname_shaped(w, sn->norm_len, sn->script)) &&
			 !adjective(w, sn->norm_len))
			/* At a sentence's start only with a distinctive shape
			 * and when a lower-case word follows ("Tokayev has
			 * said"; not "Бұрын", "Карантин"). */
			accept = !sentence_start(&s, first) ||
				 (shape == 2 && (last + 1 >= s.n || !s.toks[last + 1].cap));
		else
			accept = !sentence_start(&s, first) && seen_surname(&s, w, sn->norm_len);
		if (accept && sn->script == NXT_SCRIPT_LATIN && !titled &&
		    (org_follows(&s, last) || listed(&s.orgs, s.norgs, w, sn->norm_len) ||
		     listed(&s.orgs, s.norgs, norm_of(&s, first), s.toks[first].norm_len)))
			accept = 0;
		if (!accept || sn->norm_len < 2)
			continue;
		if (components >= 2 && !seen_surname(&s, w, sn->norm_len)) {
			nx_buf_put(&s.seen, w, sn->norm_len);
			nx_buf_putc(&s.seen, '\0');
			s.nseen++;
		}
		rc = emit(&s, first, last, fn, ctx, &sur);
	}
	if (!rc && (flags & NXT_NAMES_ORGS))
		rc = emit_orgs(&s, fn, ctx, &sur);
out:
	free(s.toks);
	nx_buf_free(&s.norms);
	nx_buf_free(&s.seen);
	nx_buf_free(&s.orgs);
	nx_buf_free(&s.cos);
	nx_buf_free(&sur);
	return rc;
}

/* ---- name keys ----------------------------------------------------------- */

#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

/*
 * A name key is built in three steps, each measured on the names of
 * ../shared/data/names (EVALUATION.md, "Named people"):
 *
 *  1. Transliteration to lower-case ASCII: Cyrillic by table, as BGN/PCGN
 *     (the English-language press's system; е and ё are ye at the start
 *     and after vowels, else e; ъ and ь vanish), Kazakh letters as
 *     Kazakh BGN (қ q, ғ g, ң ng, ә a, ө o, ұ ү u, һ h, і i); Latin
 *     letters lose their accents, except where the accent makes another
 *     sound that Russian spells apart (č ch, š sh, ž zh, ł l, ř rzh ...);
 *     any other script through ICU's Any-Latin.
 *  2. Words written in Latin script only: the usual spellings of European
 *     languages turned into how they sound (sch, cz -> ch/sh; c before
 *     a, o, u or a consonant -> k; ph -> f; th -> t; w -> v; qu -> k;
 *     ou, oo -> u; ee -> i; x -> ks; gh -> g; sz -> sh).  Rules that would
 *     merge more names than they join were measured and left out (final
 *     silent e, h after a consonant, j -> y: Jomart is Жомарт).
 *  3. For all: transcription variants merged (kh h, zh dzh dj j, ts tz c,
 *     shch sh, q k, w v), a y between vowels dropped (Tokayev ~ Tokaev),
 *     any other y but an initial one read as i (Sergey ~ Sergei), ye- before
 *     a consonant as e- (Yerlan ~ Erlan), doubled letters single, -ii/-iy
 *     endings -> i, and the sounds ch and sh written as one letter each (q,
 *     x: both letters are free by then) so an edit distance counts them as
 *     one sound.
 */

struct nxt_namekey {
	UTransliterator *any;  /* Any-Latin; Latin-ASCII; Lower (created on first use) */
	const UNormalizer2 *nfd;
	UChar *u16;
	int32_t u16_cap;
	nx_buf a, b;           /* rewriting passes alternate between them */
	nx_buf key;
	int off;               /* nxt_namekey_enable(k, 0) */
};

int nxt_namekey_new(nxt_namekey **out)
{
	UErrorCode st = U_ZERO_ERROR;
	nxt_namekey *k = calloc(1, sizeof *k);

	*out = NULL;
	if (!k)
		return nx_error_set(NX_ENOMEM, "out of memory creating a name keyer");
	k->nfd = unorm2_getNFDInstance(&st);
	if (U_FAILURE(st)) {
		free(k);
		return nx_error_set(NX_ERROR, "ICU NFD normaliser: %s", u_errorName(st));
	}
	*out = k;
	return NX_OK;
}

void nxt_namekey_free(nxt_namekey *k)
{
	if (!k)
		return;
	if (k->any)
		utrans_close(k->any);
	free(k->u16);
	nx_buf_free(&k->a);
	nx_buf_free(&k->b);
	nx_buf_free(&k->key);
	free(k);
}

void nxt_namekey_enable(nxt_namekey *k, int on)
{
	k->off = !on;
}

/* Cyrillic а..я (U+0430..U+044F) as BGN/PCGN writes them; е is "e" here,
 * "ye" in the contexts named above. */
static const char *const cyr_basic[32] = {
	"a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
	"r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
};

/* Other Cyrillic letters (Kazakh, Kyrgyz, Tatar, Ukrainian, Belarusian,
 * Serbian, Macedonian) and Latin letters whose accent is a sound. */
static const struct {
	UChar32 c;
	const char *s;
} letters[] = {
	{ 0x0451, "yo" }, { 0x04D9, "a" }, { 0x0493, "g" }, { 0x049B, "q" }, { 0x04A3, "ng" },
	{ 0x04E9, "o" }, { 0x04B1, "u" }, { 0x04AF, "u" }, { 0x04BB, "h" }, { 0x0456, "i" },
	{ 0x0457, "yi" }, { 0x0454, "ye" }, { 0x0491, "g" }, { 0x045E, "w" }, { 0x0452, "dj" },
	{ 0x0458, "j" }, { 0x0459, "lj" }, { 0x045A, "nj" }, { 0x045B, "ch" }, { 0x045F, "dzh" },
	{ 0x0453, "gj" }, { 0x045C, "kj" }, { 0x0455, "dz" }, { 0x0497, "zh" },
	{ 0x010D, "ch" }, { 0x0161, "sh" }, { 0x017E, "zh" }, { 0x0107, "ch" }, { 0x015B, "s" },
	{ 0x017A, "z" }, { 0x017C, "zh" }, { 0x0142, "l" }, { 0x00F1, "n" }, { 0x00F8, "o" },
	{ 0x00DF, "ss" }, { 0x00E6, "ae" }, { 0x0153, "oe" }, { 0x0111, "dj" }, { 0x00F0, "d" },
	{ 0x00FE, "th" }, { 0x0159, "rzh" }, { 0x011B, "e" }, { 0x016F, "u" }, { 0x0131, "i" },
	{ 0x015F, "sh" }, { 0x00E7, "ch" }, { 0x011F, "g" }, { 0x0151, "o" }, { 0x0171, "u" },
	{ 0x00E4, "a" }, { 0x00F6, "o" }, { 0x00FC, "u" }, { 0x00E5, "o" }, { 0x0259, "a" },
	{ 0x014B, "ng" }, { 0x021B, "ts" }, { 0x0163, "ts" }, { 0x0219, "sh" },
};

static int cyr_vowel(UChar32 c)
{
	switch (c) {
	case 0x0430: case 0x0435: case 0x0451: case 0x0438: case 0x043E: case 0x0443:
	case 0x044B: case 0x044D: case 0x044E: case 0x044F: case 0x04D9: case 0x04E9:
	case 0x04B1: case 0x04AF: case 0x0456: case 0x0439: case 0x044A: case 0x044C:
		return 1;  /* vowels, й, ъ, ь: a following е is ye */
	}
	return 0;
}

/* Any-Latin for letters the tables do not know (Greek, Georgian ...). */
static int translit_icu(nxt_namekey *k, const char *w, size_t len)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t ulen, limit, cap = (int32_t)len * 4 + 16, blen;

	if (!k->any) {
		UChar id[64];

		u_uastrncpy(id, "Any-Latin; Latin-ASCII; Lower", 64);
		k->any = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
		if (U_FAILURE(st)) {
			k->any = NULL;
			return nx_error_set(NX_ERROR, "ICU transliterator Any-Latin: %s",
					    u_errorName(st));
		}
	}
	if (k->u16_cap < cap) {
		UChar *p = realloc(k->u16, (size_t)cap * sizeof *p);

		if (!p)
			return nx_error_set(NX_ENOMEM, "out of memory keying a name");
		k->u16 = p;
		k->u16_cap = cap;
	}
	u_strFromUTF8WithSub(k->u16, k->u16_cap, &ulen, w, (int32_t)len, 0xFFFD, NULL, &st);
	limit = ulen;
	utrans_transUChars(k->any, k->u16, &ulen, k->u16_cap, 0, &limit, &st);
	nx_buf_clear(&k->a);
	if (U_FAILURE(st) || nx_buf_grow(&k->a, (size_t)ulen * 3 + 1))
		return U_FAILURE(st) ? nx_error_set(NX_ERROR, "ICU transliteration: %s",
						    u_errorName(st)) : NX_ENOMEM;
	u_strToUTF8(k->a.ptr, (int32_t)k->a.cap, &blen, k->u16, ulen, &st);
	if (U_FAILURE(st))
		return nx_error_set(NX_ERROR, "ICU conversion: %s", u_errorName(st));
	/* keep a-z only */
	size_t m = 0;
	for (int32_t i = 0; i < blen; i++) {
		char c = k->a.ptr[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c >= 'a' && c <= 'z')
			k->a.ptr[m++] = c;
	}
	k->a.len = m;
	k->a.ptr[m] = '\0';
	return NX_OK;
}

/* Step 1 into k->a; *cyrillic: the word has Cyrillic letters. */
static int translit(nxt_namekey *k, const char *w, size_t len, int *cyrillic)
{
	int32_t i = 0, n = (int32_t)len;
	UChar32 prev = 0;

	*cyrillic = 0;
	nx_buf_clear(&k->a);
	while (i < n) {
		UChar32 c;
		const char *s = NULL;
		char one[2] = { 0, 0 };

		U8_NEXT(w, i, n, c);
		if (c < 0)
			continue;
		c = u_tolower(c);
		if (c >= 'a' && c <= 'z') {
			one[0] = (char)c;
			s = one;
		} else if (c >= 0x0430 && c <= 0x044F) {
			*cyrillic = 1;
			s = c == 0x0435 && (!prev || cyr_vowel(prev)) ? "ye" : cyr_basic[c - 0x0430];
		} else {
			for (size_t j = 0; j < sizeof letters / sizeof *letters && !s; j++)
				if (letters[j].c == c)
					s = letters[j].s;
			if (s && c >= 0x0400 && c <= 0x04FF) {
				*cyrillic = 1;
				/* ё after a consonant: Fyodor, Semyon.  (Горбачёв
				 * printed Горбачев is one word to nxt_fold, whose
				 * terms find it, and one cheap edit here.) */
				if (c == 0x0451 && prev && !cyr_vowel(prev))
					s = "o";
			}
		}
		if (!s && u_isalpha(c)) {
			UChar d[8];
			UErrorCode st = U_ZERO_ERROR;
			int32_t dl = unorm2_getRawDecomposition(k->nfd, c, d, 8, &st);

			if (U_SUCCESS(st) && dl > 0 && d[0] < 0x80 && u_isalpha(d[0])) {
				one[0] = (char)u_tolower(d[0]);
				s = one;
			} else {
				return translit_icu(k, w, len);  /* another script */
			}
		}
		if (s)
			nx_buf_puts(&k->a, s);
		prev = c;
	}
	if (nx_buf_putc(&k->a, '\0'))
		return NX_ENOMEM;
	k->a.len--;
	return NX_OK;
}

static int is_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* Replace every `from` by `to` in k->a (left to right, non-overlapping). */
static int subst(nxt_namekey *k, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), i;

	if (!strstr(k->a.ptr, from))
		return NX_OK;
	nx_buf_clear(&k->b);
	for (i = 0; i < k->a.len;) {
		if (i + fl <= k->a.len && !memcmp(k->a.ptr + i, from, fl)) {
			nx_buf_put(&k->b, to, tl);
			i += fl;
		} else {
			nx_buf_putc(&k->b, k->a.ptr[i++]);
		}
	}
	if (nx_buf_putc(&k->b, '\0'))
		return NX_ENOMEM;
	k->b.len--;
	nx_buf tmp = k->a;
	k->a = k->b;
	k->b = tmp;
	return NX_OK;
}

/* The rules with a context, on k->a in place (they never lengthen it). */
static void rule_c_as_k(char *s)
{
	/* c before a, o, u, a consonant other than h, or at the end */
	for (; *s; s++)
		if (*s == 'c' && s[1] != 'e' && s[1] != 'i' && s[1] != 'y' && s[1] != 'h')
			*s = 'k';
}

static size_t rules_y_and_doubles(char *s, size_t n)
{
	size_t i, m = 0;

	/* y between vowels dropped; any other y but an initial one is i */
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == 'y' && i > 0 && is_vowel(s[i - 1]) && i + 1 < n && is_vowel(s[i + 1]))
			continue;
		s[m++] = c == 'y' && i > 0 ? 'i' : c;
	}
	n = m;
	/* ye- before a consonant: Yerlan ~ Erlan */
	if (n >= 3 && s[0] == 'y' && s[1] == 'e' && !is_vowel(s[2]) && s[2] != 'y') {
		memmove(s, s + 1, n - 1);
		n--;
	}
	/* doubled letters single */
	for (i = 0, m = 0; i < n; i++)
		if (!m || s[m - 1] != s[i])
			s[m++] = s[i];
	n = m;
	/* -ii, -iy, -yi -> -i */
	if (n >= 4 && (!memcmp(s + n - 2, "ii", 2) || !memcmp(s + n - 2, "iy", 2) ||
		       !memcmp(s + n - 2, "yi", 2))) {
		s[n - 2] = 'i';
		n--;
	}
	s[n] = '\0';
	return n;
}

int nxt_name_key(const char **out, size_t *outlen, nxt_namekey *k, const char *word, size_t len)
{
	static const char *const latin[][2] = {
		{ "tsch", "ch" }, { "sch", "sh" }, { "cz", "ch" }, { "ck", "k" }, { NULL, NULL },
		{ "ph", "f" }, { "th", "t" }, { "x", "ks" }, { "w", "v" }, { "qu", "k" },
		{ "ou", "u" }, { "oo", "u" }, { "ee", "i" }, { "gh", "g" }, { "sz", "sh" },
	};
	static const char *const common[][2] = {
		{ "shch", "sh" }, { "kh", "h" }, { "dzh", "j" }, { "zh", "j" }, { "dj", "j" },
		{ "dz", "z" },
		{ "ts", "c" }, { "tz", "c" }, { "q", "k" }, { "w", "v" }, { "x", "ks" },
	};
	int cyrillic, rc = NX_OK;
	size_t i;

	*out = "";
	*outlen = 0;
	if (len > 4096)
		return nx_error_set(NX_EINVAL, "a %zu-byte word is too long for a name", len);
	if (k->off)
		return NX_OK;
	if ((rc = translit(k, word, len, &cyrillic)))
		return rc;
	/* -ij is -ий (Dmitrij); read before дж becomes j (Колледж, Элдридж) */
	if (k->a.len >= 4 && !memcmp(k->a.ptr + k->a.len - 2, "ij", 2))
		k->a.ptr[--k->a.len] = '\0';
	for (i = 0; !cyrillic && i < sizeof latin / sizeof *latin && !rc; i++) {
		if (latin[i][0])
			rc = subst(k, latin[i][0], latin[i][1]);
		else
			rule_c_as_k(k->a.ptr);
	}
	for (i = 0; i < sizeof common / sizeof *common && !rc; i++)
		rc = subst(k, common[i][0], common[i][1]);
	if (rc)
		return rc;
	k->a.len = rules_y_and_doubles(k->a.ptr, k->a.len);
	if ((rc = subst(k, "ch", "q")) || (rc = subst(k, "sh", "x")))
		return rc;
	nx_buf_clear(&k->key);
	if (nx_buf_put(&k->key, k->a.ptr, k->a.len) || nx_buf_putc(&k->key, '\0'))
		return NX_ENOMEM;
	k->key.len--;
	*out = k->key.ptr;
	*outlen = k->key.len;
	return NX_OK;
}

/* ---- other readings of a key --------------------------------------------- */

/*
 * A few letters of a Latin spelling sound differently in different
 * languages, and one key cannot hold both sounds.  A key is therefore also
 * read the other way (from the key alone, so the index and the query agree):
 *
 *   j -> y   Latin j is y in German, the Slavic languages, Scandinavian and
 *            Dutch (Juríková Юрикова, Ljuboja Любоя); as a key's j also
 *            stands for ж and дж, the key keeps it and the reading adds y.
 *   q -> h   ch is kh in German, Polish, Czech, Dutch and Greek names
 *            (Reichenbach Райхенбах, Chremonides Хремонид).
 *   q -> k   ch is k in Italian and in Greek names (Chigi Киджи).
 *   g -> j   g before e, i (and gi before a vowel) is dzh in Italian and
 *            English (Loggia Лоджа, Eldredge Элдридж).
 *   -us -os -as -is -es -um dropped: the Latin and Greek endings that
 *            Russian leaves out (Spartacus Спартак, Laonikos Лаоник).
 *   Japanese (Hepburn, which Russian writes after Polivanov): sh s, ch t,
 *            j z (Shunji Сюндзи, Chūkichi Тюкити).
 *   French:  eau, au o; a final t, d, s, z, x after a vowel silent, and
 *            the r of -ier (Foucault Фуко, Berthelot Бертло, Chevreau
 *            Шевро, Perrier Перье).
 *   English: w (and wh) before a vowel u, wa uo, wai uei (Weatherly
 *            Уэзерли, Swain Суэйн, Wharton Уортон); and its
 *            vowels: ea, ie i, a final e after a consonant silent, a before
 *            it ei (Greasley Грисли, Lottie Лотти, Cade Кейд).
 *   English read aloud (comparisons only): a as э, u before a consonant
 *            but r as а, c before i or e as s, a final -ey as и (Hattie
 *            Хэтти, Hutton Хаттон, Nancy Нэнси, Storey Стори); and long a
 *            as эй (Casey Кэйси).
 *   Hungarian (comparisons only): cs ч, zs ж, sz с, s ш, gy дь (Kocsis
 *            Кочиш, Szilágyi Силадьи).
 *   Dutch (comparisons only): oe у, ij and ui ей, sj ш (Hoeks Хукс, Dijk
 *            Дейк, Sjoerd Шурд).
 *   Chinese: pinyin read after Palladius, the Russian system, for keys
 *            that split into pinyin syllables (Xiaoxuan Сяосюань, Chengjiang
 *            Чэнцзян, Zhongli Чжунли).
 *
 * and the first five at once (Jachmann Яхман).  A reading files the key under
 * its own probes too (nxt_name_probes; all but the English read aloud,
 * Hungarian and Dutch, whose spellings mostly share a reduced probe
 * already), so a spelling that differs from another by such a letter in
 * several places still shares a probe with it; nxt_name_cost counts a
 * reading's letters at what they cost (reading_cost) instead of as edits.
 */
enum { READ_JY, READ_QH, READ_QK, READ_GJ, READ_END, READ_JA, READ_FR, READ_W, READ_EN,
       READ_AE, READ_EI, READ_ZH, READ_HU, READ_NL, READ_ALL, NREADINGS };

/* What reading a key another way costs, in hundredths of an edit. */
static const unsigned reading_cost[READ_ALL] = { 20, 20, 30, 30, 35, 30, 35, 30, 30, 30, 30,
						 30, 30, 30 };
#define READING_MIN 20

/* Readings that only nxt_name_cost tries: the index files no probes under
 * them (nxt_name_probes), as the spellings they join mostly share a probe
 * already (a reduced one: vowels are one letter there). */
#define COST_ONLY(rule) \
	((rule) == READ_AE || (rule) == READ_EI || (rule) == READ_HU || (rule) == READ_NL)

static const char *const dropped_endings[] = { "us", "os", "as", "is", "es", "um" };

/* The French reading of s[0, len) into d (see above); its length. */
static size_t read_french(char *d, const char *s, size_t len)
{
	size_t i, m = 0, au = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == 'e' && i + 2 < len && s[i + 1] == 'a' && s[i + 2] == 'u')
			continue;  /* eau: the e goes, au becomes o */
		if (s[i] == 'a' && i + 1 < len && s[i + 1] == 'u') {
			d[m++] = 'o';
			i++;
			au = i + 1;
			continue;
		}
		d[m++] = s[i];
	}
	if (m >= 5 && d[m - 2] == 'k' && d[m - 1] == 's' && is_vowel(d[m - 3]))
		m -= 2;  /* x, keyed ks */
	else if (m >= 4 && is_vowel(d[m - 2]) && strchr("tdsz", d[m - 1]))
		m--;
	else if (au && au + 2 == len && s[au] == 'l' && strchr("tdsz", s[au + 1]))
		m -= 2;  /* -ault, -auld */
	else if (m >= 5 && !memcmp(d + m - 3, "ier", 3))
		m--;  /* -ier: Perrier Перье */
	return m;
}

/* The English reading of vowels of s[0, len) into d (see above); its
 * length. */
static size_t read_english(char *d, const char *s, size_t len)
{
	size_t i, m = 0;

	for (i = 0; i < len && m + 2 < 64; i++) {
		if ((s[i] == 'e' && i + 1 < len && s[i + 1] == 'a') ||
		    (s[i] == 'i' && i + 1 < len && s[i + 1] == 'e')) {
			d[m++] = 'i';
			i++;
			continue;
		}
		/* -ade, -ane: a silent e lengthens the a */
		if (s[i] == 'a' && i + 3 == len && !is_vowel(s[i + 1]) && s[i + 2] == 'e') {
			d[m++] = 'e';
			d[m++] = 'i';
			continue;
		}
		if (s[i] == 'e' && i + 1 == len && i >= 3 && !is_vowel(s[i - 1]))
			continue;
		d[m++] = s[i];
	}
	return i < len ? 0 : m;
}

/* c read as s in English: before i, or before an e that does not end the
 * key (police is no Polis). */
static int soft_c(const char *s, size_t i, size_t len)
{
	return s[i] == 'c' && i + 1 < len && (s[i + 1] == 'i' || (s[i + 1] == 'e' && i + 2 < len));
}

/* A final -ey (keyed -ei) as и (Stacey Стейси), on the reading d of s, m
 * letters long: its new length. */
static size_t final_ey(char *d, size_t m, const char *s, size_t len)
{
	if (m >= 4 && len >= 4 && !memcmp(s + len - 2, "ei", 2) && !is_vowel(d[m - 3]))
		d[m - 2] = 'i', m--;
	return m;
}

/* English read aloud, as Russian writes it by ear (Hattie Хэтти, Nancy
 * Нэнси, Bagley Бэгли, Hutton Хаттон): a as э (the e of a key), u before a
 * consonant but r as а, c before e and i as s (not before a final e), a
 * final -ey as и, and READ_EN's ea, ie and silent final e.
 * Into d; its length, 0 when it does not fit. */
static size_t read_aloud(char *d, const char *s, size_t len)
{
	size_t i, m = 0;

	for (i = 0; i < len && m + 2 < 64; i++) {
		char c = s[i];

		if ((c == 'e' && i + 1 < len && s[i + 1] == 'a') ||
		    (c == 'i' && i + 1 < len && s[i + 1] == 'e')) {
			d[m++] = 'i';
			i++;
			continue;
		}
		/* but au and aw (v in a key) are o: Crashaw Крэшо */
		if (c == 'a' && (i + 1 == len || (s[i + 1] != 'u' && s[i + 1] != 'v')))
			c = 'e';
		/* u before a consonant but r is а: Hutton Хаттон, Brush Браш */
		else if (c == 'u' && i > 0 && !is_vowel(s[i - 1]) && i + 1 < len &&
			 !is_vowel(s[i + 1]) && s[i + 1] != 'r' && s[i + 1] != 'v')
			c = 'a';
		else if (soft_c(s, i, len))
			c = 's';
		else if (c == 'e' && i + 1 == len && i >= 3 && !is_vowel(s[i - 1]))
			continue;
		d[m++] = c;
	}
	return i < len ? 0 : final_ey(d, m, s, len);
}

/* English long a, as Russian writes it (Casey Кейси, Dames Деймс, Avery
 * Эйвери): a before one consonant and e or i as эй, and as in read_aloud
 * c before i or e as s, a final -ey as и, a silent final e, also before a
 * final s.  Into d; its length, 0 when it does not fit. */
static size_t read_long_a(char *d, const char *s, size_t len)
{
	size_t i, m = 0;

	for (i = 0; i < len && m + 3 < 64; i++) {
		char c = s[i];

		if (c == 'a' && i + 2 < len && !is_vowel(s[i + 1]) && (s[i + 2] == 'e' || s[i + 2] == 'i')) {
			d[m++] = 'e';
			c = 'i';
		} else if (soft_c(s, i, len)) {
			c = 's';
		} else if (c == 'e' && i >= 3 && !is_vowel(s[i - 1]) &&
			   (i + 1 == len || (i + 2 == len && s[i + 1] == 's'))) {
			continue;
		}
		d[m++] = c;
	}
	return i < len ? 0 : final_ey(d, m, s, len);
}

/* Hungarian (Kocsis Кочиш, Szilágyi Силадьи, Balázs Балаж): cs (keyed ks)
 * as ч, zs as ж, sz (keyed x) as с, s as ш, gy (keyed gi) as дь.  Into d;
 * its length, 0 when it does not fit. */
static size_t read_hungarian(char *d, const char *s, size_t len)
{
	size_t i, m = 0;

	for (i = 0; i < len && m + 2 < 64; i++) {
		char c = s[i], next = i + 1 < len ? s[i + 1] : '\0';

		if ((c == 'k' && next == 's') || (c == 'z' && next == 's')) {
			d[m++] = c == 'k' ? 'q' : 'j';
			i++;
		} else if (c == 'g' && next == 'i' && i > 0) {
			d[m++] = 'd';
			d[m++] = 'i';
			i++;
		} else {
			d[m++] = c == 'x' ? 's' : c == 's' ? 'x' : c;
		}
	}
	return i < len ? 0 : m;
}

/* Dutch (Hoeks Хукс, Dijk Дейк, Nijhuis Нейхейс, Sjoerd Шурд): oe as у, ij
 * and ui as ей, sj as ш.  Into d; its length, 0 when it does not fit. */
static size_t read_dutch(char *d, const char *s, size_t len)
{
	size_t i, m = 0;

	for (i = 0; i < len && m + 2 < 64; i++) {
		char c = s[i], next = i + 1 < len ? s[i + 1] : '\0';

		if (c == 'o' && next == 'e') {
			d[m++] = 'u';
			i++;
		} else if ((c == 'i' && next == 'j') || (c == 'u' && next == 'i')) {
			d[m++] = 'e';
			d[m++] = 'i';
			i++;
		} else if (c == 's' && next == 'j') {
			d[m++] = 'x';
			i++;
		} else {
			d[m++] = c;
		}
	}
	return i < len ? 0 : m;
}

/*
 * Chinese: pinyin keyed, read as Russian writes it after Palladius
 * (Xiaoxuan Сяосюань, Chengjiang Чэнцзян, Zhongli Чжунли): x (keyed ks) as
 * с, before u as сю; z as цз, j (zh or j) as чж, but before i as цз; q
 * (keyed k) before i as ц; r before a vowel as ж; -ng and -ong at a
 * syllable's end as -н and -ун; ie, uo after a consonant as е, о; initial
 * yi as и.  Only for keys that split into pinyin syllables (pinyin_like).
 * Into d; its length, 0 when it does not fit.
 */
static size_t read_pinyin(char *d, const char *s, size_t len)
{
	size_t i, m = 0;

	for (i = 0; i < len && m + 3 < 64; i++) {
		char c = s[i], next = i + 1 < len ? s[i + 1] : '\0';
		/* does a syllable end after s[i + 1]?  (pinyin has no gi: ngi is
		 * ng and yi, keyed i) */
		int end = i + 2 >= len || !is_vowel(s[i + 2]) || s[i + 2] == 'i';

		if (c == 'k' && next == 's') {
			d[m++] = 's';
			if (i + 2 < len && s[i + 2] == 'u')
				d[m++] = 'i';
			i++;
		} else if (c == 'z' || (c == 'j' && next == 'i')) {
			d[m++] = 'c';
			d[m++] = 'z';
		} else if (c == 'j') {
			d[m++] = 'q';
			d[m++] = 'j';
		} else if (c == 'k' && next == 'i') {
			d[m++] = 'c';
		} else if (c == 'r' && is_vowel(next)) {
			d[m++] = 'j';
		} else if (c == 'o' && next == 'n' && i + 2 < len && s[i + 2] == 'g' &&
			   (i + 3 >= len || !is_vowel(s[i + 3]) || s[i + 3] == 'i')) {
			d[m++] = 'u';
			d[m++] = 'n';
			i += 2;
		} else if (c == 'n' && next == 'g' && end) {
			d[m++] = 'n';
			i++;
		} else if (i > 0 && !is_vowel(s[i - 1]) &&
			   ((c == 'i' && next == 'e') || (c == 'u' && next == 'o'))) {
			d[m++] = next;
			i++;
		} else if (i == 0 && c == 'y' && next == 'i') {
			continue;
		} else {
			d[m++] = c;
		}
	}
	return i < len ? 0 : m;
}

/* Pinyin syllables' finals as keyed (ou is u, y between vowels gone or i,
 * doubled letters single). */
static const char *const pinyin_finals[] = {
	"iang", "iong", "uang", "ang", "eng", "ing", "ong", "iao", "ian", "uai", "uan", "ai",
	"ei", "ao", "an", "en", "er", "ia", "ie", "iu", "in", "ua", "uo", "ui", "un", "ue",
	"a", "o", "e", "i", "u",
};

/* Does s[0, len) split into pinyin syllables, each an initial as keyed (zh
 * j, ch q, sh x, x ks, q k, c before a, o, u k, w v) or none, and a final?
 * Most keys fail at once: pinyin has no two consonants in a row but a
 * syllable's -n, -ng or -r before the next one's initial, and x (ks). */
static int pinyin_like(const char *s, size_t len)
{
	unsigned char ok[64];

	if (!len || len >= sizeof ok)
		return 0;
	for (size_t i = 0; i + 1 < len; i++)
		if (!is_vowel(s[i]) && !is_vowel(s[i + 1]) && s[i] != 'n' && s[i] != 'g' &&
		    s[i] != 'r' && !(s[i] == 'k' && s[i + 1] == 's'))
			return 0;
	memset(ok, 0, len + 1);
	ok[0] = 1;
	for (size_t i = 0; i < len; i++) {
		size_t f;

		if (!ok[i])
			continue;
		/* the final starts at f: after the initial, if any */
		f = i + (s[i] == 'k' && i + 1 < len && s[i + 1] == 's' ? 2 :
			 !is_vowel(s[i]) && strchr("bpmfdtnlgkhjqxrzcsyv", s[i]) ? 1 : 0);
		if (f == i && !is_vowel(s[i]))
			continue;
		for (size_t j = 0; f < len && j < sizeof pinyin_finals / sizeof *pinyin_finals; j++) {
			const char *fin = pinyin_finals[j];
			size_t fl = fin[1] ? fin[2] ? fin[3] ? 4 : 3 : 2 : 1;

			if (fin[0] == s[f] && f + fl <= len && !memcmp(s + f, fin, fl))
				ok[f + fl] = 1;
		}
	}
	return ok[len];
}

/* Rule `rule` applied to s[0, len) into d (64 bytes); returns the length
 * of the reading, or 0 when the rule does not apply or the reading does
 * not fit. */
static size_t read_as(char *d, const char *s, size_t len, int rule)
{
	size_t i = 0, m = 0;

	if (rule == READ_END) {
		if (len < 6)
			return 0;
		for (i = 0; i < sizeof dropped_endings / sizeof *dropped_endings; i++)
			if (!memcmp(s + len - 2, dropped_endings[i], 2)) {
				memcpy(d, s, len - 2);
				d[len - 2] = '\0';
				return len - 2;
			}
		return 0;
	}
	if (rule == READ_FR || rule == READ_EN) {
		m = rule == READ_FR ? read_french(d, s, len) : read_english(d, s, len);
		i = len;
	} else if (rule >= READ_AE) {
		m = rule == READ_AE ? read_aloud(d, s, len) :
		    rule == READ_EI ? read_long_a(d, s, len) :
		    rule == READ_HU ? read_hungarian(d, s, len) :
		    rule == READ_NL ? read_dutch(d, s, len) : read_pinyin(d, s, len);
		i = len;
		if (!m)
			return 0;
	}
	for (; i < len && m + 2 < 64; i++) {
		char c = s[i];

		if (rule == READ_JA && (c == 'x' || c == 'q' || c == 'j')) {
			/* sha, chu, jo: ся, тю, дзё */
			d[m++] = c == 'x' ? 's' : c == 'q' ? 't' : 'z';
			if (i + 1 < len && (s[i + 1] == 'a' || s[i + 1] == 'u' || s[i + 1] == 'o'))
				c = 'i';
			else
				continue;
		} else if (rule == READ_W && c == 'v' && (i == 0 || !is_vowel(s[i - 1])) &&
			   i + 1 < len && (is_vowel(s[i + 1]) || (s[i + 1] == 'h' && i + 2 < len &&
								  is_vowel(s[i + 2])))) {
			/* wh as w; wa as уо (Walling Уоллинг), but wai, way as
			 * уэй (Dwayne Дуэйн) */
			i += s[i + 1] == 'h';
			c = 'u';
			if (s[i + 1] == 'a') {
				d[m++] = c;
				c = i + 2 < len && s[i + 2] == 'i' ? 'e' : 'o';
				i++;
			}
		} else if (rule == READ_JY && c == 'j') {
			c = 'y';
		} else if ((rule == READ_QH || rule == READ_QK) && c == 'q') {
			c = rule == READ_QH ? 'h' : 'k';
		} else if (rule == READ_GJ && c == 'g' && i + 1 < len &&
			   (s[i + 1] == 'e' || (s[i + 1] == 'i' && i + 2 < len))) {
			c = 'j';
			/* gia, gio, giu: the i only softens the g */
			if (s[i + 1] == 'i' && (s[i + 2] == 'a' || s[i + 2] == 'o' || s[i + 2] == 'u'))
				i++;
			/* dg(e): one sound */
			if (m && d[m - 1] == 'd')
				m--;
		}
		d[m++] = c;
	}
	if (i < len || (m == len && !memcmp(d, s, len)))
		return 0;
	d[m] = '\0';
	/* a y the reading made follows the key's y rules (Ljuboja: y between
	 * vowels dropped, else i), and doubled letters are single again */
	return rules_y_and_doubles(d, m);
}

typedef struct reading {
	char s[64];
	size_t len;
	unsigned cost;
	int rule;
} reading;


/* a-z as 0-25, anything else 26. */
static unsigned char letter_index(char c)
{
	return c >= 'a' && c <= 'z' ? (unsigned char)(c - 'a') : 26;
}

/* Letter counts of a key, for may_help. */
typedef struct hist {
	unsigned char n[27];
	size_t len;
	unsigned pairs;  /* PAIR_* */
} hist;

/* Letter pairs of a key that READ_ZH reads or makes: Palladius цз, чж
 * (keyed cz, qj), pinyin x (ks) and -ng. */
enum { PAIR_CZ = 1, PAIR_QJ = 2, PAIR_KS = 4, PAIR_NG = 8, END_E = 16 };

static void count_letters(hist *h, const char *key, size_t len)
{
	memset(h, 0, sizeof *h);
	h->len = len;
	for (size_t i = 0; i < len; i++) {
		h->n[letter_index(key[i])]++;
		if (i && (key[i] == 'z' || key[i] == 'j' || key[i] == 's' || key[i] == 'g'))
			h->pairs |= key[i] == 'z' && key[i - 1] == 'c' ? PAIR_CZ :
				    key[i] == 'j' && key[i - 1] == 'q' ? PAIR_QJ :
				    key[i] == 's' && key[i - 1] == 'k' ? PAIR_KS :
				    key[i] == 'g' && key[i - 1] == 'n' ? PAIR_NG : 0;
	}
	/* a final e or -ei (-ey), which English readings drop or read as и */
	if (len >= 2 && (key[len - 1] == 'e' || (key[len - 1] == 'i' && key[len - 2] == 'e')))
		h->pairs |= END_E;
}

#define N(h, c) ((h)->n[(c) - 'a'])

/* Can reading key (letters k) by rule bring it nearer to another key
 * (letters o)?  Only when the other key has fewer of the letters the rule
 * replaces and has a letter it makes (or, for the rules that shorten a
 * key, is shorter).  This spares most comparisons: most keys have nothing
 * a reading could change. */
static int may_help(int rule, const hist *k, const hist *o)
{
	switch (rule) {
	case READ_JY:
		return N(o, 'j') < N(k, 'j') && (N(o, 'y') || N(o, 'i'));
	case READ_QH:
		return N(o, 'q') < N(k, 'q') && N(o, 'h');
	case READ_QK:
		return N(o, 'q') < N(k, 'q') && N(o, 'k');
	case READ_GJ:
		return N(o, 'g') < N(k, 'g') && N(o, 'j');
	case READ_JA:
		return N(o, 'x') + N(o, 'q') + N(o, 'j') < N(k, 'x') + N(k, 'q') + N(k, 'j') &&
		       (N(o, 's') || N(o, 't') || N(o, 'z'));
	case READ_W:
		return N(o, 'v') < N(k, 'v') && N(o, 'u');
	case READ_END:
	case READ_FR:
		return o->len < k->len || N(k, 'a') > N(o, 'a');
	case READ_EN:
		return o->len < k->len || N(k, 'a') > N(o, 'a') || N(k, 'e') > N(o, 'e');
	case READ_AE:
		return (N(k, 'a') > N(o, 'a') && N(o, 'e')) || (N(k, 'u') > N(o, 'u') && N(o, 'a')) ||
		       (N(k, 'c') > N(o, 'c') && N(o, 's')) ||
		       ((k->pairs & END_E) && o->len < k->len);
	case READ_EI:
		return N(k, 'a') > N(o, 'a') && N(o, 'e') && N(o, 'i');
	case READ_NL:
		return (N(k, 'e') > N(o, 'e') && N(o, 'u')) || (N(k, 'j') > N(o, 'j') && N(o, 'e')) ||
		       (N(k, 'u') > N(o, 'u') && N(o, 'e')) || (N(k, 'j') > N(o, 'j') && N(o, 'x'));
	case READ_HU:
		return (N(k, 's') > N(o, 's') && N(o, 'x')) || (N(k, 'x') > N(o, 'x') && N(o, 's')) ||
		       ((k->pairs & PAIR_KS) && N(o, 'q') > N(k, 'q')) ||
		       (N(k, 'z') > N(o, 'z') && N(o, 'j') > N(k, 'j'));
	case READ_ZH:
		return ((o->pairs & PAIR_CZ) && !(k->pairs & PAIR_CZ) && (N(k, 'z') || N(k, 'j'))) ||
		       ((o->pairs & PAIR_QJ) && !(k->pairs & PAIR_QJ) && N(k, 'j')) ||
		       ((k->pairs & PAIR_KS) && N(o, 'k') < N(k, 'k')) ||
		       ((k->pairs & PAIR_NG) && !(o->pairs & PAIR_NG)) ||
		       (N(k, 'k') > N(o, 'k') && N(o, 'c')) || (N(k, 'r') > N(o, 'r') && N(o, 'j'));
	default:
		return 1;
	}
}

/* May rule change a key with letters k at all?  (Most keys have none of
 * the letters.) */
static int may_apply(int rule, const hist *k, const char *key)
{
	size_t len = k->len;

	switch (rule) {
	case READ_JY:
		return N(k, 'j');
	case READ_QH:
	case READ_QK:
		return N(k, 'q');
	case READ_GJ:
		return N(k, 'g');
	case READ_JA:
		return N(k, 'x') + N(k, 'q') + N(k, 'j');
	case READ_W:
		return N(k, 'v');
	case READ_END:
		return len >= 6 && is_vowel(key[len - 2]) && (key[len - 1] == 's' || key[len - 1] == 'm');
	case READ_EN:
		for (size_t i = 0; i + 1 < len; i++)
			if ((key[i] == 'e' && key[i + 1] == 'a') || (key[i] == 'i' && key[i + 1] == 'e'))
				return 1;
		return len >= 4 && key[len - 1] == 'e' && !is_vowel(key[len - 2]);
	case READ_FR:
		for (size_t i = 0; i + 1 < len; i++)
			if (key[i] == 'a' && key[i + 1] == 'u')
				return 1;
		return (len >= 4 && is_vowel(key[len - 2]) && strchr("tdsz", key[len - 1])) ||
		       (len >= 5 && key[len - 2] == 'k' && key[len - 1] == 's') ||
		       (len >= 5 && !memcmp(key + len - 3, "ier", 3));
	case READ_AE:
		if (N(k, 'a') || N(k, 'u') || N(k, 'c') || (len >= 4 && key[len - 1] == 'e'))
			return 1;
		for (size_t i = 0; i + 1 < len; i++)
			if ((key[i] == 'e' && key[i + 1] == 'a') || (key[i] == 'i' && key[i + 1] == 'e'))
				return 1;
		return len >= 4 && key[len - 2] == 'e' && key[len - 1] == 'i';
	case READ_EI:
		return N(k, 'a');
	case READ_HU:
		return N(k, 's') || N(k, 'x');
	case READ_NL:
		for (size_t i = 0; i + 1 < len; i++)
			if ((key[i] == 'o' && key[i + 1] == 'e') || key[i + 1] == 'j' ||
			    (key[i] == 'u' && key[i + 1] == 'i'))
				return 1;
		return 0;
	case READ_ZH:
		return pinyin_like(key, len);
	default:
		return 1;
	}
}

/* The combined rules of readings(), as bits of a subset. */
static unsigned combined_bit(int rule)
{
	return rule == READ_JY ? 1 : rule == READ_QH ? 2 : rule == READ_GJ ? 4 :
	       rule == READ_END ? 8 : 0;
}

/* The readings of a subset of the first five rules (q as h rather than k)
 * at once, into all. */
static void combine_readings(reading *all, const char *key, size_t len, unsigned subset)
{
	char tmp[64];
	size_t l;

	memcpy(all->s, key, len + 1);
	all->len = len;
	all->cost = 0;
	all->rule = READ_ALL;
	for (int rule = 0; rule < READ_JA; rule++)
		if ((subset & combined_bit(rule)) && (l = read_as(tmp, all->s, all->len, rule))) {
			memcpy(all->s, tmp, l + 1);
			all->len = l;
			all->cost += reading_cost[rule];
		}
}

/* The other readings of key[0, len) (len < 64) into r; returns how many.
 * With other (the letters of another key), only those that may bring it
 * nearer to that key. */
static size_t readings(reading *r, const char *key, size_t len, const hist *self,
		       const hist *other)
{
	size_t n = 0, combined = 0;
	unsigned subset = 0;
	int use[READ_ALL];

	for (int rule = 0; rule < READ_ALL; rule++) {
		/* the cheap test first; probes (no other key) skip what only
		 * comparisons read */
		use[rule] = other ? may_help(rule, self, other) && may_apply(rule, self, key) :
				    !COST_ONLY(rule) && may_apply(rule, self, key);
		if (use[rule])
			subset |= combined_bit(rule);
		if (use[rule] && (r[n].len = read_as(r[n].s, key, len, rule))) {
			r[n].cost = reading_cost[rule];
			r[n].rule = rule;
			combined += combined_bit(rule) != 0;
			n++;
		}
	}
	/* the first five at once (q as h rather than k) */
	if (combined >= 2)
		combine_readings(&r[n++], key, len, subset);
	return n;
}

/*
 * The key a comparison keeps coming back to: a query's, against each key
 * its probes find (store/people.c), thousands of them.  Its readings are
 * made once per thread (each rule's, and those of the first five at once
 * by the subset of them that applies), and each comparison takes those
 * that may help against the other key: readings_of gives what readings
 * would.
 */
typedef struct reading_memo {
	char key[64];
	size_t len;
	hist h;
	int applies[READ_ALL];
	reading r[READ_ALL];    /* by rule; len 0 when the rule changes nothing */
	reading all[16];        /* READ_ALL by the subset of JY, QH, GJ, END used */
	unsigned all_made;      /* which of all[] are made */
} reading_memo;

static _Thread_local reading_memo memo;

static const reading_memo *memo_of(const char *key, size_t len)
{
	if (memo.len == len && len && !memcmp(memo.key, key, len))
		return &memo;
	memcpy(memo.key, key, len);
	memo.key[len] = '\0';
	memo.len = len;
	memo.all_made = 0;
	count_letters(&memo.h, key, len);
	for (int rule = 0; rule < READ_ALL; rule++) {
		memo.applies[rule] = may_apply(rule, &memo.h, key);
		memo.r[rule].len = memo.applies[rule] ? read_as(memo.r[rule].s, key, len, rule) : 0;
		memo.r[rule].cost = reading_cost[rule];
		memo.r[rule].rule = rule;
	}
	return &memo;
}

/* readings(r, key, len, &memo's hist, other) from the memo of key. */
static size_t readings_of(reading *r, const char *key, size_t len, const hist *other)
{
	const reading_memo *m = memo_of(key, len);
	size_t n = 0, combined = 0;
	unsigned subset = 0;

	for (int rule = 0; rule < READ_ALL; rule++) {
		if (!m->applies[rule] || !may_help(rule, &m->h, other))
			continue;
		subset |= combined_bit(rule);
		if (m->r[rule].len) {
			r[n++] = m->r[rule];
			combined += combined_bit(rule) != 0;
		}
	}
	if (combined >= 2) {
		reading *all = &memo.all[subset];

		if (!(memo.all_made & 1u << subset)) {
			combine_readings(all, key, len, subset);
			memo.all_made |= 1u << subset;
		}
		r[n++] = *all;
	}
	return n;
}

/* ---- comparing keys ------------------------------------------------------- */

/*
 * What an edit costs between two keys, in hundredths: how often the two
 * letters stand for each other in the odd (training) rows of
 * en-ru-person-names.tsv, aligned key against key (a frequent pair costs
 * little; every pair not listed costs 100).  q is ch, x is sh.
 */
static const struct {
	char pair[3];
	unsigned char cost;
} sub_costs[] = {
	{ "jy", 40 }, { "jz", 40 }, { "sx", 40 }, { "cz", 45 }, { "hq", 45 }, { "sz", 45 },
	{ "cq", 50 }, { "gj", 50 }, { "qx", 50 }, { "ae", 55 }, { "cs", 55 }, { "gh", 55 },
	{ "ij", 55 }, { "ou", 55 }, { "qt", 55 }, { "uv", 55 }, { "ck", 60 }, { "hj", 60 },
	{ "kq", 60 }, { "au", 70 }, { "cj", 70 }, { "ei", 70 }, { "fv", 70 }, { "ao", 75 },
	{ "ai", 80 }, { "ct", 80 }, { "eo", 80 }, { "fp", 80 }, { "hk", 80 }, { "iu", 80 },
	{ "iy", 80 }, { "jx", 80 }, { "xz", 80 }, { "bv", 85 }, { "eu", 85 }, { "ft", 85 },
	{ "gk", 85 }, { "hy", 85 }, { "jk", 85 }, { "jq", 85 }, { "mn", 85 }, { "bp", 90 },
	{ "cg", 90 }, { "dt", 90 }, { "dz", 90 }, { "ey", 90 }, { "hi", 90 }, { "jr", 90 },
	{ "qs", 90 }, { "st", 90 }, { "tz", 90 },
};
/* Inserting or deleting each letter a..z (the same alignments). */
static const unsigned char indel_costs[26] = {
	60, 95, 50, 65, 50, 95, 50, 40, 55, 45, 70, 80, 90,
	80, 75, 90, 65, 75, 55, 60, 55, 70, 100, 85, 55, 80,
};

/* Substitution costs by letter index (letter_index); index 26 stands for
 * anything but a-z, which costs a whole edit against every letter. */
static unsigned char sub_table[27][27];
/* The cheapest insertion or deletion (h): what a difference in length
 * costs at least. */
static unsigned cheapest_indel;
static pthread_once_t sub_once = PTHREAD_ONCE_INIT;

static void init_sub_table(void)
{
	cheapest_indel = indel_costs[0];
	for (int i = 1; i < 26; i++)
		if (indel_costs[i] < cheapest_indel)
			cheapest_indel = indel_costs[i];
	for (int i = 0; i < 27; i++)
		for (int j = 0; j < 27; j++)
			sub_table[i][j] = i == j && i < 26 ? 0 : 100;
	for (size_t i = 0; i < sizeof sub_costs / sizeof *sub_costs; i++) {
		int a = sub_costs[i].pair[0] - 'a', b = sub_costs[i].pair[1] - 'a';

		sub_table[a][b] = sub_table[b][a] = sub_costs[i].cost;
	}
}

static unsigned indel(char c)
{
	return c >= 'a' && c <= 'z' ? indel_costs[c - 'a'] : 100;
}

/* The weighted edit distance itself. */
static unsigned weighted(const char *a, size_t alen, const char *b, size_t blen, unsigned max)
{
	unsigned row[64], ib[64];
	unsigned char bi[64];

	if (blen >= sizeof row / sizeof *row || alen >= sizeof row / sizeof *row)
		return alen == blen && !memcmp(a, b, alen) ? 0 : max + 1;
	/* every length difference costs at least the cheapest insertion */
	if ((alen > blen ? alen - blen : blen - alen) * cheapest_indel > max)
		return max + 1;
	row[0] = 0;
	for (size_t j = 1; j <= blen; j++) {
		bi[j] = letter_index(b[j - 1]);
		ib[j] = indel(b[j - 1]);
		row[j] = row[j - 1] + ib[j];
	}
	for (size_t i = 1; i <= alen; i++) {
		const unsigned char *sub = sub_table[letter_index(a[i - 1])];
		unsigned ia = indel(a[i - 1]), diag = row[0], best;

		row[0] += ia;
		best = row[0];
		for (size_t j = 1; j <= blen; j++) {
			unsigned up = row[j];
			unsigned v = diag + sub[bi[j]];

			if (up + ia < v)
				v = up + ia;
			if (row[j - 1] + ib[j] < v)
				v = row[j - 1] + ib[j];
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

/* The cost of a and b when a is read another way (its nr readings r):
 * the reading's cost plus the distance of that reading to b. */
static unsigned by_readings(const reading *r, size_t nr, const char *b, size_t blen, unsigned best)
{
	for (size_t i = 0; i < nr; i++) {
		size_t d = r[i].len > blen ? r[i].len - blen : blen - r[i].len;
		unsigned c;

		if (r[i].cost + d * cheapest_indel >= best)
			continue;
		c = r[i].cost + weighted(r[i].s, r[i].len, b, blen, best - r[i].cost - 1);
		if (c < best)
			best = c;
	}
	return best;
}

unsigned nxt_name_cost(const char *a, size_t alen, const char *b, size_t blen, unsigned max)
{
	reading r[NREADINGS];
	hist ha, hb;
	unsigned best;

	pthread_once(&sub_once, init_sub_table);
	if (blen >= 64 || alen >= 64)
		return alen == blen && !memcmp(a, b, alen) ? 0 : max + 1;
	best = weighted(a, alen, b, blen, max);
	/* no reading costs less than READING_MIN */
	if (best <= READING_MIN)
		return best;
	if (best > max)
		best = max + 1;
	/* a is the key compared again and again (a query's) */
	ha = memo_of(a, alen)->h;
	count_letters(&hb, b, blen);
	best = by_readings(r, readings_of(r, a, alen, &hb), b, blen, best);
	best = by_readings(r, readings(r, b, blen, &hb, &ha), a, alen, best);
	return best > max ? max + 1 : best;
}

/* A known key of up to five letters still takes a spelling one cheap
 * edit away (a vowel, an h, a doubled or final letter: Bar ~ Bahr, Klet ~
 * Clete), which 12 per letter would refuse. */
#define KNOWN_FLOOR 60

unsigned nxt_name_tolerance(size_t keylen, int known)
{
	if (keylen < 3)
		return 0;
	if (keylen > 10)
		keylen = 10;
	if (known)
		return keylen * 12 > KNOWN_FLOOR ? (unsigned)keylen * 12 : KNOWN_FLOOR;
	return (unsigned)keylen * 30;
}

/* ---- finding near keys ------------------------------------------------------ */

/* The key reduced to what transcriptions rarely disagree on: vowels one
 * letter, h dropped, s z c one letter, no letter twice in a row. */
static size_t reduce(char *out, const char *key, size_t len)
{
	size_t m = 0;

	for (size_t i = 0; i < len; i++) {
		char c = key[i];

		if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y')
			c = 'a';
		else if (c == 'h')
			continue;
		else if (c == 'z' || c == 'c' || c == 'x' || c == 'j' || c == 'q')
			c = 's';
		else if (c == 'g')
			c = 'k';
		else if (c == 'd')
			c = 't';
		else if (c == 'b')
			c = 'p';
		else if (c == 'v')
			c = 'f';
		if (!m || out[m - 1] != c)
			out[m++] = c;
	}
	return m;
}

static int add_probe(nx_buf *out, size_t *n, char kind, const char *s, size_t len)
{
	const char *p = out->ptr;

	for (size_t i = 0; i < *n; i++) {
		size_t pl = strlen(p);

		if (pl == len + 1 && p[0] == kind && !memcmp(p + 1, s, len))
			return NX_OK;
		p += pl + 1;
	}
	nx_buf_putc(out, kind);
	nx_buf_put(out, s, len);
	nx_buf_putc(out, '\0');
	(*n)++;
	return out->failed ? NX_ENOMEM : NX_OK;
}

/* s and each of its one-letter deletions (when s has at least min letters);
 * single: letters that meet by a deletion become one (reduced keys never
 * have a letter twice in a row). */
static int add_deletions(nx_buf *out, size_t *n, char kind, const char *s, size_t len,
			 size_t min, int single)
{
	char d[64];
	int rc = add_probe(out, n, kind, s, len);

	if (rc || len < min || len >= sizeof d)
		return rc;
	for (size_t i = 0; i < len && !rc; i++) {
		size_t dl = len - 1;

		memcpy(d, s, i);
		memcpy(d + i, s + i + 1, len - i - 1);
		if (single && i > 0 && i < dl && d[i - 1] == d[i]) {
			memmove(d + i, d + i + 1, dl - i - 1);
			dl--;
		}
		rc = add_probe(out, n, kind, d, dl);
	}
	return rc;
}

/* Probes go from the nearest keys to the farthest: a query stops taking
 * keys after the first few hundred (store/people.c), which must not all be
 * the far ones the reduced probes bring. */
int nxt_name_probes(nx_buf *out, size_t *n, const char *key, size_t len)
{
	reading r[NREADINGS];
	hist self;
	char red[64];
	size_t nr, rlen;
	int rc;

	nx_buf_clear(out);
	*n = 0;
	if (len < 2 || len >= sizeof red)
		return NX_OK;
	if ((rc = add_deletions(out, n, 'k', key, len, 4, 0)))
		return rc;
	count_letters(&self, key, len);
	nr = readings(r, key, len, &self, NULL);
	for (size_t i = 0; i < nr && !rc; i++)
		rc = add_deletions(out, n, 'k', r[i].s, r[i].len, 4, 0);
	rlen = reduce(red, key, len);
	return rc ? rc : add_deletions(out, n, 'r', red, rlen, 5, 1);
}

/* ---- names, of recorded words or of the text ------------------------------ */

int nxt_names_ex(nxt_analyzer *a, const char *text, size_t len, const nxt_words_rec *words,
		 unsigned flags, nxt_name_fn fn, void *ctx)
{
	if (!a)
		return nx_error_set(NX_EINVAL, "nxt_names_ex: NULL analyzer");
	/* The gaps between words are read in text. */
	if (words && words->n && words->w[words->n - 1].end > len)
		return nx_error_set(NX_EINVAL, "nxt_names_ex: the words recorded end at byte %zu "
				    "of a text of %zu bytes", words->w[words->n - 1].end, len);
	return names_scan(a, text, len, words, flags, fn, ctx);
}
