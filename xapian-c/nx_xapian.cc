/*
 * nx_xapian.cc — the C API of nx_xapian.h over libxapian 1.4.  This is the
 * only C++ file in newsidx and the only one that includes <xapian.h>.
 *
 * Every extern "C" function is an exception firewall: its body is one try
 * block whose catch (...) calls nx_from_exception(), which rethrows the
 * active exception, classifies it (most derived type first) and records an
 * nx_status with a message through nx_error_set().  Nothing thrown by
 * Xapian or by the C++ runtime may reach the C caller.
 *
 * The code is deliberately C-like: plain structs holding Xapian objects,
 * new/delete inside the firewall (so std::bad_alloc becomes NX_ENOMEM), and
 * malloc for every string handed to C (the caller frees it with free()).
 */
#include "nx_xapian.h"
#include "nx_common.h"

#include <xapian.h>

#include <new>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <string>

/* ---- exceptions -> statuses --------------------------------------------- */

/* Record a Xapian::Error as `status`: "context: Type: message (detail): errno". */
static int set_xapian_error(int status, const char *ctx, const Xapian::Error &e)
{
	const std::string &msg = e.get_msg();
	const std::string &detail = e.get_context();
	const char *errstr = e.get_error_string();

	return nx_error_set(status, "%s: %s: %s%s%s%s%s%s", ctx, e.get_type(), msg.c_str(),
			    detail.empty() ? "" : " (", detail.c_str(), detail.empty() ? "" : ")",
			    errstr ? ": " : "", errstr ? errstr : "");
}

/*
 * Turn the exception being handled into an nx_status and a message.  Call it
 * only from a catch block.  `fmt` describes what we were doing ("opening
 * database /x"); it is formatted first, because formatting must not throw
 * and the message slot is overwritten below.
 */
static int nx_from_exception(const char *fmt, ...) NX_PRINTF(1, 2);
static int nx_from_exception(const char *fmt, ...)
{
	char ctx[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx, sizeof ctx, fmt, ap);
	va_end(ap);

	try {
		throw;
	/* Subclasses of DatabaseOpeningError before it, and every subclass
	 * of DatabaseError before DatabaseError itself. */
	} catch (const Xapian::DatabaseLockError &e) {
		return set_xapian_error(NX_EBUSY, ctx, e);
	} catch (const Xapian::DatabaseNotFoundError &e) {
		return set_xapian_error(NX_ENOTFOUND, ctx, e);
	} catch (const Xapian::DatabaseVersionError &e) {
		return set_xapian_error(NX_EVERSION, ctx, e);
	} catch (const Xapian::DatabaseOpeningError &e) {
		return set_xapian_error(NX_ENOTINDEX, ctx, e);
	} catch (const Xapian::DatabaseCorruptError &e) {
		return set_xapian_error(NX_ECORRUPT, ctx, e);
	} catch (const Xapian::DatabaseModifiedError &e) {
		return set_xapian_error(NX_EMODIFIED, ctx, e);
	} catch (const Xapian::DatabaseClosedError &e) {
		/* Using a handle after close is the caller's mistake. */
		return set_xapian_error(NX_EINVAL, ctx, e);
	} catch (const Xapian::DatabaseError &e) {
		return set_xapian_error(NX_EIO, ctx, e);
	} catch (const Xapian::DocNotFoundError &e) {
		return set_xapian_error(NX_ENOTFOUND, ctx, e);
	} catch (const Xapian::InvalidArgumentError &e) {
		return set_xapian_error(NX_EINVAL, ctx, e);
	} catch (const Xapian::InvalidOperationError &e) {
		return set_xapian_error(NX_EINVAL, ctx, e);
	} catch (const Xapian::RangeError &e) {
		return set_xapian_error(NX_EINVAL, ctx, e);
	} catch (const Xapian::Error &e) {
		return set_xapian_error(NX_ERROR, ctx, e);
	} catch (const std::bad_alloc &) {
		return nx_error_set(NX_ENOMEM, "%s: out of memory", ctx);
	} catch (const std::exception &e) {
		return nx_error_set(NX_ERROR, "%s: %s", ctx, e.what());
	} catch (...) {
		return nx_error_set(NX_ERROR, "%s: unknown C++ exception", ctx);
	}
}

/* ---- stemming ----------------------------------------------------------- */

struct nxx_stem {
	Xapian::Stem stem;
	std::string in;   /* reused input buffer: no allocation once grown */
	std::string out;  /* the result handed to the caller */
};

/*
 * ISO 639-1 codes -> Xapian stemmer names.  Xapian 1.4 knows most codes
 * itself, but not all we want (e.g. "nb"), and we check names against
 * get_available_languages() so that a language 1.4.22 lacks (Greek, Hindi,
 * Serbian, Yiddish: added in later Snowball releases) is a clean NX_ENOTFOUND
 * rather than whatever Xapian would do.
 */
static const struct {
	const char *code;
	const char *name;
} stem_codes[] = {
	{ "ar", "arabic" },    { "hy", "armenian" },   { "eu", "basque" },
	{ "ca", "catalan" },   { "da", "danish" },     { "nl", "dutch" },
	{ "en", "english" },   { "fi", "finnish" },    { "fr", "french" },
	{ "de", "german" },    { "el", "greek" },      { "hi", "hindi" },
	{ "hu", "hungarian" }, { "id", "indonesian" }, { "ga", "irish" },
	{ "it", "italian" },   { "lt", "lithuanian" }, { "ne", "nepali" },
	{ "no", "norwegian" }, { "nb", "norwegian" },  { "nn", "norwegian" },
	{ "pt", "portuguese" }, { "ro", "romanian" },  { "ru", "russian" },
	{ "sr", "serbian" },   { "es", "spanish" },    { "sv", "swedish" },
	{ "ta", "tamil" },     { "tr", "turkish" },    { "yi", "yiddish" },
};

/* Is `name` one word of Xapian's space-separated list `list`? */
static int in_word_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (n && (p = strstr(p, name)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/* Xapian's list, computed once (it returns a fresh std::string each call). */
static const char *stem_language_list(void)
{
	static const std::string langs = Xapian::Stem::get_available_languages();
	return langs.c_str();
}

extern "C" const char *nxx_stem_languages(void)
{
	try {
		return stem_language_list();
	} catch (...) {
		nx_from_exception("listing stemmer languages");
		return "";
	}
}

extern "C" int nxx_stem_new(nxx_stem **out, const char *lang)
{
	nxx_stem *s = NULL;

	*out = NULL;
	if (!lang)
		return nx_error_set(NX_EINVAL, "stemmer: no language given");
	try {
		const char *name = lang;
		for (size_t i = 0; i < sizeof stem_codes / sizeof stem_codes[0]; i++) {
			if (strcmp(lang, stem_codes[i].code) == 0) {
				name = stem_codes[i].name;
				break;
			}
		}
		if (!in_word_list(stem_language_list(), name)) {
			if (name != lang)
				return nx_error_set(NX_ENOTFOUND, "no stemmer for language \"%s\" (%s) in Xapian %s",
						    lang, name, Xapian::version_string());
			return nx_error_set(NX_ENOTFOUND, "no stemmer for language \"%s\" in Xapian %s (known: %s)",
					    lang, Xapian::version_string(), stem_language_list());
		}
		s = new nxx_stem;
		s->stem = Xapian::Stem(name);
		/* Tokens are short: reserve once so stemming never reallocates
		 * the input buffer for ordinary words. */
		s->in.reserve(64);
		*out = s;
		return NX_OK;
	} catch (...) {
		delete s;
		return nx_from_exception("creating stemmer for \"%s\"", lang);
	}
}

extern "C" void nxx_stem_free(nxx_stem *s)
{
	delete s;  /* Xapian::Stem and std::string destructors do not throw */
}

extern "C" int nxx_stem_apply(const char **out, size_t *outlen, nxx_stem *s, const char *word, size_t len)
{
	*out = NULL;
	if (outlen)
		*outlen = 0;
	if (!s || (!word && len))
		return nx_error_set(NX_EINVAL, "stemmer: NULL argument");
	try {
		/* assign() reuses s->in's capacity; the result is moved into
		 * s->out (short stems stay in the small-string buffer). */
		s->in.assign(word ? word : "", len);
		s->out = s->stem(s->in);
		*out = s->out.c_str();
		if (outlen)
			*outlen = s->out.size();
		return NX_OK;
	} catch (...) {
		return nx_from_exception("stemming a word of %zu bytes", len);
	}
}
