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

#include <algorithm>
#include <dirent.h>
#include <new>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <string>
#include <unordered_map>
#include <cmath>
#include <sys/stat.h>
#include <vector>

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

/* ---- C strings ---------------------------------------------------------- */

/* Hand `s` to C as a malloc'd, NUL-terminated copy.  Sets *out = NULL and
 * returns NX_ENOMEM on failure; never throws. */
static int out_string(char **out, size_t *outlen, const std::string &s, const char *what)
{
	char *p = (char *)malloc(s.size() + 1);

	if (!p) {
		*out = NULL;
		if (outlen)
			*outlen = 0;
		return nx_error_set(NX_ENOMEM, "%s: out of memory copying %zu bytes", what, s.size());
	}
	memcpy(p, s.data(), s.size());
	p[s.size()] = '\0';
	*out = p;
	if (outlen)
		*outlen = s.size();
	return NX_OK;
}

static void clear_out_string(char **out, size_t *outlen)
{
	*out = NULL;
	if (outlen)
		*outlen = 0;
}

/* ---- databases ---------------------------------------------------------- */

/*
 * `rd` is what every read goes through: for a read-only handle it is `ro`;
 * for a writable one it is `rw` (a WritableDatabase is-a Database), so reads
 * on a writer see its own uncommitted changes.
 */
struct nxx_db {
	Xapian::Database ro;
	Xapian::WritableDatabase rw;
	Xapian::Database *rd;
	int writable;
	int in_transaction;  /* between nxx_db_begin_transaction and its end */
	std::string path;
};

static int need_writable(nxx_db *db, const char *what)
{
	if (!db)
		return nx_error_set(NX_EINVAL, "%s: no database", what);
	if (!db->writable)
		return nx_error_set(NX_EINVAL, "%s: %s is open read-only", what, db->path.c_str());
	return NX_OK;
}

/*
 * Does `path` exist and hold something (a file, or a directory with at least
 * one entry)?  Xapian reports a directory without a database in it as
 * DatabaseNotFoundError, but for us "something else is there" (NX_ENOTINDEX)
 * differs from "nothing is there" (NX_ENOTFOUND), which an empty directory
 * still counts as.  A lone "flintlock" is Xapian's own lock file, which a
 * failed writable open leaves behind; it does not count.
 */
static int path_is_occupied(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int found = 0;

	if (stat(path, &st) != 0)
		return 0;
	if (!S_ISDIR(st.st_mode))
		return 1;
	if (!(d = opendir(path)))
		return 1;  /* exists, but we cannot look: not ours either */
	while (!found && (de = readdir(d)) != NULL)
		found = strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 &&
			strcmp(de->d_name, "flintlock") != 0;
	closedir(d);
	return found;
}

/*
 * Open `path` read-only and check it has at least one shard: an empty
 * regular file opens as a stub database listing none, which is not an index.
 * Throws what Xapian throws; returns NX_ENOTINDEX for the empty stub.
 */
static int open_reader(Xapian::Database &xdb, const char *path)
{
	xdb = Xapian::Database(path);
	if (xdb.size() == 0)
		return nx_error_set(NX_ENOTINDEX, "opening database %s: not a Xapian database (no shards)", path);
	return NX_OK;
}

/* Re-label the current error as `status`, keeping its message. */
static int relabel_error(int status)
{
	char msg[1024];

	snprintf(msg, sizeof msg, "%s", nx_error_message());
	return nx_error_set(status, "%s", msg);
}

extern "C" int nxx_db_open(nxx_db **out, const char *path, int flags)
{
	nxx_db *db = NULL;
	int rc;

	*out = NULL;
	if (!path || !*path)
		return nx_error_set(NX_EINVAL, "opening database: no path given");
	if ((flags & ~(NXX_WRITE | NXX_CREATE | NXX_NO_SYNC | NXX_OVERWRITE)) || ((flags & NXX_WRITE) == 0 && flags != NXX_READ))
		return nx_error_set(NX_EINVAL, "opening database %s: bad flags %d", path, flags);
	try {
		db = new nxx_db;
		db->rd = NULL;
		db->writable = 0;
		db->in_transaction = 0;
		db->path = path;
		if (flags & NXX_WRITE) {
			/*
			 * Probe read-only first.  A writable open of a directory
			 * without a database leaves a "flintlock" file in it
			 * before failing, and DB_CREATE_OR_OPEN would build a
			 * database inside any existing directory (a home
			 * directory, say); we want neither.  Readers take no
			 * lock, so the probe does not race with the writer lock.
			 */
			int create = 0;
			try {
				Xapian::Database probe;
				if ((rc = open_reader(probe, path)) != NX_OK) {
					delete db;
					return rc;
				}
			} catch (const Xapian::DatabaseNotFoundError &) {
				if (!(flags & NXX_CREATE) || path_is_occupied(path))
					throw;
				create = 1;
			}
			int action = create ? Xapian::DB_CREATE_OR_OPEN :
				     flags & NXX_OVERWRITE ? Xapian::DB_CREATE_OR_OVERWRITE :
							     Xapian::DB_OPEN;
			db->rw = Xapian::WritableDatabase(path, action |
								(flags & NXX_NO_SYNC ? Xapian::DB_NO_SYNC : 0));
			db->rd = &db->rw;
			db->writable = 1;
		} else {
			if ((rc = open_reader(db->ro, path)) != NX_OK) {
				delete db;
				return rc;
			}
			db->rd = &db->ro;
		}
		*out = db;
		return NX_OK;
	} catch (...) {
		delete db;
		rc = nx_from_exception("opening database %s", path);
		if (rc == NX_ENOTFOUND && path_is_occupied(path))
			rc = relabel_error(NX_ENOTINDEX);
		return rc;
	}
}

extern "C" void nxx_db_close(nxx_db *db)
{
	if (!db)
		return;
	/* close() commits a writable database and releases the lock; its
	 * errors cannot be reported from here (callers commit first). */
	try {
		db->rd->close();
	} catch (...) {
	}
	delete db;  /* destructors are noexcept; close() already did the work */
}

extern "C" int nxx_db_is_writable(const nxx_db *db)
{
	return db && db->writable;
}

extern "C" int nxx_db_commit(nxx_db *db)
{
	if (!db)
		return nx_error_set(NX_EINVAL, "commit: no database");
	if (!db->writable)
		return NX_OK;
	try {
		db->rw.commit();
		return NX_OK;
	} catch (...) {
		return nx_from_exception("committing %s", db->path.c_str());
	}
}

extern "C" int nxx_db_reopen(nxx_db *db)
{
	if (!db)
		return nx_error_set(NX_EINVAL, "reopen: no database");
	if (db->writable)
		return NX_OK;
	try {
		db->ro.reopen();
		return NX_OK;
	} catch (...) {
		return nx_from_exception("reopening %s", db->path.c_str());
	}
}

extern "C" int nxx_db_doccount(uint32_t *out, nxx_db *db)
{
	*out = 0;
	if (!db)
		return nx_error_set(NX_EINVAL, "doccount: no database");
	try {
		*out = db->rd->get_doccount();
		return NX_OK;
	} catch (...) {
		return nx_from_exception("counting documents in %s", db->path.c_str());
	}
}

extern "C" int nxx_db_termfreq(uint32_t *out, nxx_db *db, const char *term, size_t len)
{
	*out = 0;
	if (!db || (!term && len))
		return nx_error_set(NX_EINVAL, "termfreq: NULL argument");
	try {
		*out = db->rd->get_termfreq(std::string(term ? term : "", len));
		return NX_OK;
	} catch (...) {
		return nx_from_exception("term frequency in %s", db->path.c_str());
	}
}

extern "C" int nxx_db_value_bounds(nxx_db *db, unsigned slot, char *lo, char *hi, size_t size)
{
	if (!db || !lo || !hi || !size)
		return nx_error_set(NX_EINVAL, "value bounds: NULL argument");
	*lo = *hi = '\0';
	try {
		std::string l = db->rd->get_value_lower_bound(slot), h = db->rd->get_value_upper_bound(slot);

		if (l.size() >= size || h.size() >= size)
			return NX_OK;  /* not a value we keep: as if none */
		memcpy(lo, l.data(), l.size());
		lo[l.size()] = '\0';
		memcpy(hi, h.data(), h.size());
		hi[h.size()] = '\0';
		return NX_OK;
	} catch (...) {
		*lo = *hi = '\0';
		return nx_from_exception("reading the bounds of value slot %u of %s", slot, db->path.c_str());
	}
}

extern "C" int nxx_db_get_metadata(char **out, size_t *outlen, nxx_db *db, const char *key)
{
	clear_out_string(out, outlen);
	if (!db || !key)
		return nx_error_set(NX_EINVAL, "get metadata: NULL argument");
	try {
		return out_string(out, outlen, db->rd->get_metadata(key), "get metadata");
	} catch (...) {
		return nx_from_exception("reading metadata \"%s\" of %s", key, db->path.c_str());
	}
}

extern "C" int nxx_db_set_metadata(nxx_db *db, const char *key, const char *val, size_t len)
{
	int rc;

	if ((rc = need_writable(db, "set metadata")) != NX_OK)
		return rc;
	if (!key || (!val && len))
		return nx_error_set(NX_EINVAL, "set metadata: NULL argument");
	try {
		db->rw.set_metadata(key, std::string(val ? val : "", len));
		return NX_OK;
	} catch (...) {
		return nx_from_exception("writing metadata \"%s\" of %s", key, db->path.c_str());
	}
}

extern "C" int nxx_db_metadata_keys(nxx_db *db, const char *prefix, nxx_key_fn fn, void *ctx)
{
	if (!db || !fn)
		return nx_error_set(NX_EINVAL, "metadata keys: NULL argument");
	if (!prefix)
		prefix = "";
	try {
		std::string pfx(prefix);
		Xapian::TermIterator end = db->rd->metadata_keys_end(pfx);
		for (Xapian::TermIterator it = db->rd->metadata_keys_begin(pfx); it != end; ++it) {
			const std::string &key = *it;
			int r = fn(ctx, key.data(), key.size());
			if (r)
				return r;
		}
		return NX_OK;
	} catch (...) {
		return nx_from_exception("listing metadata keys \"%s*\" of %s", prefix, db->path.c_str());
	}
}

/* ---- transactions ------------------------------------------------------- */

extern "C" int nxx_db_begin_transaction(nxx_db *db)
{
	int rc;

	if ((rc = need_writable(db, "begin transaction")) != NX_OK)
		return rc;
	if (db->in_transaction)
		return nx_error_set(NX_EINVAL, "begin transaction: %s: a transaction is already in progress",
				    db->path.c_str());
	try {
		db->rw.begin_transaction(true);
		db->in_transaction = 1;
		return NX_OK;
	} catch (...) {
		return nx_from_exception("beginning a transaction on %s", db->path.c_str());
	}
}

extern "C" int nxx_db_commit_transaction(nxx_db *db)
{
	int rc;

	if ((rc = need_writable(db, "commit transaction")) != NX_OK)
		return rc;
	if (!db->in_transaction)
		return nx_error_set(NX_EINVAL, "commit transaction: %s: no transaction in progress",
				    db->path.c_str());
	/* Whatever happens, Xapian ends the transaction. */
	db->in_transaction = 0;
	try {
		db->rw.commit_transaction();
		return NX_OK;
	} catch (...) {
		return nx_from_exception("committing a transaction on %s", db->path.c_str());
	}
}

extern "C" int nxx_db_cancel_transaction(nxx_db *db)
{
	int rc;

	if ((rc = need_writable(db, "cancel transaction")) != NX_OK)
		return rc;
	if (!db->in_transaction)
		return nx_error_set(NX_EINVAL, "cancel transaction: %s: no transaction in progress",
				    db->path.c_str());
	db->in_transaction = 0;
	try {
		db->rw.cancel_transaction();
		return NX_OK;
	} catch (...) {
		return nx_from_exception("cancelling a transaction on %s", db->path.c_str());
	}
}

extern "C" int nxx_db_in_transaction(const nxx_db *db)
{
	return db && db->in_transaction;
}

/* ---- documents ---------------------------------------------------------- */

struct nxx_doc {
	Xapian::Document doc;
};

extern "C" int nxx_doc_new(nxx_doc **out)
{
	*out = NULL;
	try {
		*out = new nxx_doc;
		return NX_OK;
	} catch (...) {
		return nx_from_exception("creating document");
	}
}

extern "C" void nxx_doc_free(nxx_doc *doc)
{
	delete doc;
}

extern "C" int nxx_doc_add_posting(nxx_doc *doc, const char *term, size_t len, uint32_t pos, uint32_t wdfinc)
{
	if (!doc || (!term && len))
		return nx_error_set(NX_EINVAL, "add posting: NULL argument");
	try {
		doc->doc.add_posting(std::string(term ? term : "", len), pos, wdfinc);
		return NX_OK;
	} catch (...) {
		return nx_from_exception("adding posting at %u", (unsigned)pos);
	}
}

extern "C" int nxx_doc_add_term(nxx_doc *doc, const char *term, size_t len, uint32_t wdfinc)
{
	if (!doc || (!term && len))
		return nx_error_set(NX_EINVAL, "add term: NULL argument");
	try {
		doc->doc.add_term(std::string(term ? term : "", len), wdfinc);
		return NX_OK;
	} catch (...) {
		return nx_from_exception("adding term");
	}
}

extern "C" int nxx_doc_wdf_total(uint64_t *out, nxx_doc *doc)
{
	if (!out || !doc)
		return nx_error_set(NX_EINVAL, "wdf total: NULL argument");
	try {
		uint64_t total = 0;

		for (Xapian::TermIterator t = doc->doc.termlist_begin(); t != doc->doc.termlist_end(); ++t)
			total += t.get_wdf();
		*out = total;
		return NX_OK;
	} catch (...) {
		return nx_from_exception("adding up the wdf of a document");
	}
}

extern "C" int nxx_doc_scale_wdf(nxx_doc *doc, double factor)
{
	if (!doc || !(factor >= 1))
		return nx_error_set(NX_EINVAL, "scale wdf: no document, or a factor below 1");
	try {
		std::vector<std::pair<std::string, Xapian::termcount>> add;

		for (Xapian::TermIterator t = doc->doc.termlist_begin(); t != doc->doc.termlist_end(); ++t) {
			Xapian::termcount wdf = t.get_wdf();
			double want = std::floor(wdf * factor + 0.5);

			if (wdf && want > wdf)
				add.emplace_back(*t, (Xapian::termcount)(want - wdf));
		}
		for (const auto &a : add)
			doc->doc.add_term(a.first, a.second);
		return NX_OK;
	} catch (...) {
		return nx_from_exception("scaling the wdf of a document");
	}
}

extern "C" int nxx_doc_add_boolean_term(nxx_doc *doc, const char *term, size_t len)
{
	if (!doc || (!term && len))
		return nx_error_set(NX_EINVAL, "add boolean term: NULL argument");
	try {
		doc->doc.add_boolean_term(std::string(term ? term : "", len));
		return NX_OK;
	} catch (...) {
		return nx_from_exception("adding boolean term");
	}
}

extern "C" int nxx_doc_set_value(nxx_doc *doc, unsigned slot, const char *val, size_t len)
{
	if (!doc || (!val && len))
		return nx_error_set(NX_EINVAL, "set value: NULL argument");
	try {
		doc->doc.add_value(slot, std::string(val ? val : "", len));
		return NX_OK;
	} catch (...) {
		return nx_from_exception("setting value slot %u", slot);
	}
}

extern "C" int nxx_doc_set_data(nxx_doc *doc, const char *data, size_t len)
{
	if (!doc || (!data && len))
		return nx_error_set(NX_EINVAL, "set data: NULL argument");
	try {
		doc->doc.set_data(std::string(data ? data : "", len));
		return NX_OK;
	} catch (...) {
		return nx_from_exception("setting document data");
	}
}

extern "C" int nxx_db_add_document(nxx_docid *out, nxx_db *db, nxx_doc *doc)
{
	int rc;

	if (out)
		*out = 0;
	if ((rc = need_writable(db, "add document")) != NX_OK)
		return rc;
	if (!doc)
		return nx_error_set(NX_EINVAL, "add document: no document");
	try {
		Xapian::docid did = db->rw.add_document(doc->doc);
		if (out)
			*out = did;
		return NX_OK;
	} catch (...) {
		return nx_from_exception("adding document to %s", db->path.c_str());
	}
}

extern "C" int nxx_db_replace_document(nxx_docid *out, nxx_db *db, const char *term, size_t len, nxx_doc *doc)
{
	int rc;

	if (out)
		*out = 0;
	if ((rc = need_writable(db, "replace document")) != NX_OK)
		return rc;
	if (!doc || !term)
		return nx_error_set(NX_EINVAL, "replace document: NULL argument");
	try {
		Xapian::docid did = db->rw.replace_document(std::string(term, len), doc->doc);
		if (out)
			*out = did;
		return NX_OK;
	} catch (...) {
		return nx_from_exception("replacing document in %s", db->path.c_str());
	}
}

extern "C" int nxx_db_delete_documents(nxx_db *db, const char *term, size_t len)
{
	int rc;

	if ((rc = need_writable(db, "delete documents")) != NX_OK)
		return rc;
	if (!term)
		return nx_error_set(NX_EINVAL, "delete documents: no term");
	try {
		db->rw.delete_document(std::string(term, len));
		return NX_OK;
	} catch (...) {
		return nx_from_exception("deleting documents from %s", db->path.c_str());
	}
}

extern "C" int nxx_db_get_data(char **out, size_t *outlen, nxx_db *db, nxx_docid did)
{
	clear_out_string(out, outlen);
	if (!db)
		return nx_error_set(NX_EINVAL, "get data: no database");
	try {
		return out_string(out, outlen, db->rd->get_document(did).get_data(), "get data");
	} catch (...) {
		return nx_from_exception("reading document %u of %s", (unsigned)did, db->path.c_str());
	}
}

extern "C" int nxx_db_get_value(char **out, size_t *outlen, nxx_db *db, nxx_docid did, unsigned slot)
{
	clear_out_string(out, outlen);
	if (!db)
		return nx_error_set(NX_EINVAL, "get value: no database");
	try {
		return out_string(out, outlen, db->rd->get_document(did).get_value(slot), "get value");
	} catch (...) {
		return nx_from_exception("reading value %u of document %u of %s", slot, (unsigned)did,
					 db->path.c_str());
	}
}

extern "C" int nxx_db_allterms(nxx_db *db, const char *prefix, nxx_term_fn fn, void *ctx)
{
	if (!db || !fn)
		return nx_error_set(NX_EINVAL, "allterms: NULL argument");
	if (!prefix)
		prefix = "";
	try {
		std::string pfx(prefix);
		Xapian::TermIterator end = db->rd->allterms_end(pfx);
		for (Xapian::TermIterator it = db->rd->allterms_begin(pfx); it != end; ++it) {
			const std::string &term = *it;
			int r = fn(ctx, term.data(), term.size(), it.get_termfreq());
			if (r)
				return r;
		}
		return NX_OK;
	} catch (...) {
		return nx_from_exception("listing terms \"%s*\" of %s", prefix, db->path.c_str());
	}
}

extern "C" int nxx_db_termlist(nxx_db *db, nxx_docid did, const char *prefix, nxx_term_fn fn,
			       void *ctx)
{
	if (!db || !fn)
		return nx_error_set(NX_EINVAL, "termlist: NULL argument");
	if (!prefix)
		prefix = "";
	try {
		std::string pfx(prefix);
		Xapian::TermIterator end = db->rd->termlist_end(did);
		Xapian::TermIterator it = db->rd->termlist_begin(did);
		if (!pfx.empty())
			it.skip_to(pfx);
		for (; it != end; ++it) {
			const std::string &term = *it;
			if (term.compare(0, pfx.size(), pfx) != 0)
				break;
			int r = fn(ctx, term.data(), term.size(), it.get_wdf());
			if (r)
				return r;
		}
		return NX_OK;
	} catch (...) {
		return nx_from_exception("listing the terms \"%s*\" of document %u of %s", prefix,
					 (unsigned)did, db->path.c_str());
	}
}

/* ---- queries ------------------------------------------------------------ */

struct nxx_query {
	Xapian::Query q;
};

/* Wrap `q` in a new handle; the catch is the caller's. */
static nxx_query *query_new(const Xapian::Query &q)
{
	nxx_query *h = new nxx_query;
	h->q = q;
	return h;
}

extern "C" int nxx_query_term(nxx_query **out, const char *term, size_t len, uint32_t wqf, uint32_t pos)
{
	*out = NULL;
	if (!term && len)
		return nx_error_set(NX_EINVAL, "term query: NULL term");
	try {
		*out = query_new(Xapian::Query(std::string(term ? term : "", len), wqf, pos));
		return NX_OK;
	} catch (...) {
		return nx_from_exception("building term query");
	}
}

extern "C" int nxx_query_combine(nxx_query **out, enum nxx_query_op op, nxx_query *const *subs, size_t n,
				 uint32_t window)
{
	Xapian::Query::op xop;

	*out = NULL;
	switch (op) {
	case NXX_OP_AND: xop = Xapian::Query::OP_AND; break;
	case NXX_OP_OR: xop = Xapian::Query::OP_OR; break;
	case NXX_OP_AND_NOT: xop = Xapian::Query::OP_AND_NOT; break;
	case NXX_OP_AND_MAYBE: xop = Xapian::Query::OP_AND_MAYBE; break;
	case NXX_OP_FILTER: xop = Xapian::Query::OP_FILTER; break;
	case NXX_OP_PHRASE: xop = Xapian::Query::OP_PHRASE; break;
	case NXX_OP_NEAR: xop = Xapian::Query::OP_NEAR; break;
	case NXX_OP_SYNONYM: xop = Xapian::Query::OP_SYNONYM; break;
	case NXX_OP_ELITE_SET: xop = Xapian::Query::OP_ELITE_SET; break;
	default: return nx_error_set(NX_EINVAL, "combining queries: unknown operator %d", (int)op);
	}
	/* Xapian rejects a window for other operators; ours ignore it. */
	if (op != NXX_OP_PHRASE && op != NXX_OP_NEAR && op != NXX_OP_ELITE_SET)
		window = 0;
	if (n && !subs)
		return nx_error_set(NX_EINVAL, "combining queries: no subqueries");
	for (size_t i = 0; i < n; i++) {
		if (!subs[i])
			return nx_error_set(NX_EINVAL, "combining queries: subquery %zu is NULL", i);
	}
	try {
		/* Copies: Xapian::Query is a reference-counted handle to an
		 * immutable tree, so copying is cheap and the caller's
		 * subqueries stay theirs to free. */
		std::vector<Xapian::Query> v;
		v.reserve(n);
		for (size_t i = 0; i < n; i++)
			v.push_back(subs[i]->q);
		*out = query_new(Xapian::Query(xop, v.begin(), v.end(), window));
		return NX_OK;
	} catch (...) {
		return nx_from_exception("combining %zu queries", n);
	}
}

extern "C" int nxx_query_scale(nxx_query **out, const nxx_query *q, double factor)
{
	*out = NULL;
	if (!q)
		return nx_error_set(NX_EINVAL, "scaling query: NULL query");
	try {
		*out = query_new(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor));
		return NX_OK;
	} catch (...) {
		return nx_from_exception("scaling query by %g", factor);
	}
}

extern "C" int nxx_query_value_range(nxx_query **out, unsigned slot, const char *lo, const char *hi)
{
	*out = NULL;
	try {
		if (lo && hi)
			*out = query_new(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi));
		else if (hi)
			*out = query_new(Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi));
		else
			/* GE "" is every document with a value in the slot. */
			*out = query_new(Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo ? lo : ""));
		return NX_OK;
	} catch (...) {
		return nx_from_exception("building value range query on slot %u", slot);
	}
}

extern "C" int nxx_query_match_all(nxx_query **out)
{
	*out = NULL;
	try {
		*out = query_new(Xapian::Query::MatchAll);
		return NX_OK;
	} catch (...) {
		return nx_from_exception("building match-all query");
	}
}

extern "C" int nxx_query_match_nothing(nxx_query **out)
{
	*out = NULL;
	try {
		*out = query_new(Xapian::Query::MatchNothing);
		return NX_OK;
	} catch (...) {
		return nx_from_exception("building match-nothing query");
	}
}

extern "C" int nxx_query_is_empty(const nxx_query *q)
{
	return !q || q->q.empty();
}

extern "C" int nxx_query_describe(char **out, const nxx_query *q)
{
	*out = NULL;
	if (!q)
		return nx_error_set(NX_EINVAL, "describing query: NULL query");
	try {
		return out_string(out, NULL, q->q.get_description(), "describing query");
	} catch (...) {
		return nx_from_exception("describing query");
	}
}

extern "C" void nxx_query_free(nxx_query *q)
{
	delete q;
}

/* ---- searching ---------------------------------------------------------- */

/*
 * An MSet only fetches documents lazily, from the database revision it was
 * run against; once the caller reopens or closes the handle that would fail.
 * So by default each hit is copied out in full (data and all values) while
 * the revision is still readable, within the query's retries, and the C
 * side never touches Xapian again.
 *
 * With opts.lazy, a hit's document is read only when the caller asks for
 * it, through the MSet kept here: a page shows 10 hits, but the tiers and
 * the recency window run queries for more, and reading a document
 * (decompressing its data, seeking each value slot's stream) costs more
 * than the rest of the C side together.  The collapse key comes with the
 * match, so de-duplicating by article reads no document at all.  A writer
 * that discarded the revision meanwhile gives NX_EMODIFIED then: the caller
 * reopens and runs its queries again.
 */
struct nxx_slot_value {
	unsigned slot;
	std::string val;
};

struct nxx_mset_item {
	nxx_hit hit;
	bool have_data;
	std::string data;
	std::vector<nxx_slot_value> values;  /* all slots, or (lazy) those read so far */
};

struct nxx_mset {
	Xapian::MSet ms;
	std::vector<nxx_mset_item> items;
	size_t estimate;
	int lazy;            /* documents read on demand (opts.lazy) */
};

/* One attempt at running the query; throws (DatabaseModifiedError among
 * others) and leaves `m` partly filled in that case. */
static void run_enquire(nxx_mset *m, Xapian::Database &xdb, const Xapian::Query &q, const nxx_enquire_opts *o)
{
	Xapian::Enquire enq(xdb);

	enq.set_query(q);
	enq.set_weighting_scheme(Xapian::BM25Weight(o->bm25_k1, o->bm25_k2, o->bm25_k3, o->bm25_b,
						    o->bm25_min_normlen));
	if (o->collapse_slot >= 0)
		enq.set_collapse_key((Xapian::valueno)o->collapse_slot, o->collapse_max ? o->collapse_max : 1);
	if (o->sort_by_value >= 0)
		enq.set_sort_by_value_then_relevance((Xapian::valueno)o->sort_by_value, true);

	/* Xapian counts in 32 bits: saturate rather than wrap (a limit of
	 * 2^32 must not become 0). */
	Xapian::doccount offset = o->offset > UINT32_MAX ? UINT32_MAX : (Xapian::doccount)o->offset;
	Xapian::doccount limit = o->limit > UINT32_MAX ? UINT32_MAX : (Xapian::doccount)o->limit;
	m->ms = enq.get_mset(offset, limit);
	/* No ms.fetch() prefetch hint: in 1.4.22 it crashes (SIGSEGV in
	 * Enquire::Internal::request_doc) on an MSet with a non-zero first
	 * item, and for a local database it is only a hint anyway. */
	m->estimate = m->ms.get_matches_estimated();
	m->lazy = o->lazy;
	m->items.clear();
	m->items.reserve(m->ms.size());
	for (Xapian::MSetIterator it = m->ms.begin(); it != m->ms.end(); ++it) {
		m->items.push_back(nxx_mset_item());
		nxx_mset_item &item = m->items.back();
		item.hit.docid = *it;
		item.hit.weight = it.get_weight();
		item.hit.percent = it.get_percent();
		item.hit.collapse_count = it.get_collapse_count();
		item.have_data = false;
		if (o->lazy) {
			if (o->collapse_slot >= 0) {
				nxx_slot_value v;

				v.slot = (unsigned)o->collapse_slot;
				v.val = it.get_collapse_key();
				item.values.push_back(v);
			}
			continue;
		}
		Xapian::Document doc = it.get_document();
		item.data = doc.get_data();
		item.have_data = true;
		Xapian::ValueIterator vend = doc.values_end();
		for (Xapian::ValueIterator v = doc.values_begin(); v != vend; ++v) {
			nxx_slot_value mv;
			mv.slot = v.get_valueno();
			mv.val = *v;
			item.values.push_back(mv);
		}
	}
}

/* Attempts after the first when the revision we read is discarded. */
#define NXX_ENQUIRE_RETRIES 3

extern "C" int nxx_enquire(nxx_mset **out, nxx_db *db, const nxx_query *q, const nxx_enquire_opts *opts)
{
	static const nxx_enquire_opts defaults = NXX_ENQUIRE_OPTS_INIT;
	nxx_mset *m = NULL;

	*out = NULL;
	if (!db || !q)
		return nx_error_set(NX_EINVAL, "search: NULL argument");
	if (!opts)
		opts = &defaults;
	/* BM25Weight clamps out-of-range parameters without a word; a caller
	 * passing them has made a mistake we would rather report.  (The
	 * negated comparisons also catch NaN.) */
	if (!(opts->bm25_k1 >= 0) || !(opts->bm25_k2 >= 0) || !(opts->bm25_k3 >= 0) ||
	    !(opts->bm25_b >= 0 && opts->bm25_b <= 1) || !(opts->bm25_min_normlen >= 0))
		return nx_error_set(NX_EINVAL, "searching %s: bad BM25 parameters k1=%g k2=%g k3=%g b=%g "
				    "min_normlen=%g", db->path.c_str(), opts->bm25_k1, opts->bm25_k2,
				    opts->bm25_k3, opts->bm25_b, opts->bm25_min_normlen);
	try {
		m = new nxx_mset;
		m->estimate = 0;
		for (int attempt = 0;; attempt++) {
			try {
				run_enquire(m, *db->rd, q->q, opts);
				break;
			} catch (const Xapian::DatabaseModifiedError &) {
				/* A writer discarded the revision we were reading:
				 * move to the latest one and run again. */
				if (attempt == NXX_ENQUIRE_RETRIES)
					throw;
				db->rd->reopen();
			}
		}
		*out = m;
		return NX_OK;
	} catch (...) {
		delete m;
		return nx_from_exception("searching %s", db->path.c_str());
	}
}

extern "C" size_t nxx_mset_size(const nxx_mset *m)
{
	return m ? m->items.size() : 0;
}

extern "C" size_t nxx_mset_estimate(const nxx_mset *m)
{
	return m ? m->estimate : 0;
}

static int check_index(const nxx_mset *m, size_t i, const char *what)
{
	if (!m)
		return nx_error_set(NX_EINVAL, "%s: NULL result set", what);
	if (i >= m->items.size())
		return nx_error_set(NX_EINVAL, "%s: hit %zu out of range (%zu hits)", what, i, m->items.size());
	return NX_OK;
}

extern "C" int nxx_mset_hit(nxx_hit *out, const nxx_mset *m, size_t i)
{
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = check_index(m, i, "result hit")) != NX_OK)
		return rc;
	*out = m->items[i].hit;
	return NX_OK;
}

extern "C" int nxx_mset_data(char **out, size_t *outlen, const nxx_mset *m, size_t i)
{
	int rc;

	clear_out_string(out, outlen);
	if ((rc = check_index(m, i, "result data")) != NX_OK)
		return rc;
	try {
		nxx_mset_item &item = const_cast<nxx_mset *>(m)->items[i];

		if (!item.have_data) {
			item.data = m->ms[(Xapian::doccount)i].get_document().get_data();
			item.have_data = true;
		}
		return out_string(out, outlen, item.data, "result data");
	} catch (...) {
		return nx_from_exception("reading document %u", (unsigned)m->items[i].hit.docid);
	}
}

extern "C" int nxx_mset_value(char **out, size_t *outlen, const nxx_mset *m, size_t i, unsigned slot)
{
	static const std::string none;
	int rc;

	clear_out_string(out, outlen);
	if ((rc = check_index(m, i, "result value")) != NX_OK)
		return rc;
	try {
		nxx_mset_item &item = const_cast<nxx_mset *>(m)->items[i];

		for (size_t k = 0; k < item.values.size(); k++) {
			if (item.values[k].slot == slot)
				return out_string(out, outlen, item.values[k].val, "result value");
		}
		/* Like Xapian's get_value(): an unset slot reads as "". */
		if (!m->lazy)
			return out_string(out, outlen, none, "result value");
		nxx_slot_value v;

		v.slot = slot;
		v.val = m->ms[(Xapian::doccount)i].get_document().get_value(slot);
		item.values.push_back(v);
		return out_string(out, outlen, item.values.back().val, "result value");
	} catch (...) {
		return nx_from_exception("reading value %u of document %u", slot,
					 (unsigned)m->items[i].hit.docid);
	}
}

extern "C" void nxx_mset_free(nxx_mset *m)
{
	delete m;
}

/* ---- expansion and per-document weights ----------------------------------- */

/* One term of the feedback documents: its frequency in them (each
 * document's wdf over its unit) and how many of them hold it. */
struct nxx_expand_term {
	double rcf = 0;
	unsigned docs = 0;
};

/* Add the terms of document did that start with prefix to cands.  The
 * document's wdf unit is its smallest non-zero wdf: the index writes wdf
 * as occurrences times a per-passage unit (nx_passage_wdf_factor), and every
 * passage has a term that occurs once. */
static void nxx_expand_count(std::unordered_map<std::string, nxx_expand_term> &cands,
			     Xapian::Database &xdb, Xapian::docid did, const std::string &prefix)
{
	std::vector<std::pair<std::string, Xapian::termcount>> mine;
	Xapian::termcount unit = 0;

	for (Xapian::TermIterator t = xdb.termlist_begin(did); t != xdb.termlist_end(did); ++t) {
		Xapian::termcount wdf = t.get_wdf();

		if (wdf && (!unit || wdf < unit))
			unit = wdf;
		if ((*t).compare(0, prefix.size(), prefix) == 0)
			mine.emplace_back(*t, wdf);
	}
	for (const auto &m : mine) {
		nxx_expand_term &e = cands[m.first];

		e.rcf += unit ? (double)m.second / unit : 0;
		e.docs++;
	}
}

extern "C" int nxx_expand(nxx_db *db, const nxx_docid *docs, size_t ndocs, const char *prefix, unsigned min_docs,
			  double cf_unit, const nxx_query *exclude, size_t max, nxx_expand_fn fn, void *ctx)
{
	if (!db || (ndocs && !docs) || !fn)
		return nx_error_set(NX_EINVAL, "query expansion: NULL argument");
	if (!(cf_unit > 0))
		return nx_error_set(NX_EINVAL, "query expansion: the wdf unit must be positive");
	if (!ndocs || !max)
		return NX_OK;
	try {
		std::vector<std::pair<double, std::string>> best;
		const std::string pre(prefix ? prefix : "");

		for (int attempt = 0;; attempt++) {
			try {
				std::unordered_map<std::string, nxx_expand_term> cands;
				double n = db->rd->get_doccount();

				for (size_t i = 0; i < ndocs; i++)
					nxx_expand_count(cands, *db->rd, docs[i], pre);
				/* The query's own terms are left out. */
				if (exclude)
					for (Xapian::TermIterator t = exclude->q.get_unique_terms_begin();
					     t != exclude->q.get_unique_terms_end(); ++t)
						cands.erase(*t);
				best.clear();
				for (const auto &c : cands) {
					/* Bo1 (Amati 2003), as Xapian's Bo1EWeight, on
					 * occurrences: F the term's occurrences in the
					 * database, rcf in the feedback documents. */
					double mean, wt;

					if (c.second.docs < min_docs)
						continue;
					mean = db->rd->get_collection_freq(c.first) / cf_unit / n;
					if (!(mean > 0))
						continue;
					wt = c.second.rcf * log2((1.0 + mean) / mean) + log2(1.0 + mean);
					if (wt > 0)
						best.emplace_back(-wt, c.first);
				}
				/* Best first; equal weights in term order. */
				std::sort(best.begin(), best.end());
				if (best.size() > max)
					best.resize(max);
				break;
			} catch (const Xapian::DatabaseModifiedError &) {
				if (attempt == NXX_ENQUIRE_RETRIES)
					throw;
				db->rd->reopen();
			}
		}
		/* The callback runs outside the Xapian calls: a C function
		 * that returns an error must not be mistaken for a retry. */
		for (const auto &b : best) {
			int rc = fn(ctx, b.second.data(), b.second.size(), -b.first);

			if (rc)
				return rc;
		}
		return NX_OK;
	} catch (...) {
		return nx_from_exception("expanding a query on %s", db->path.c_str());
	}
}

/* Accepts the documents of a sorted list only. */
class nxx_docid_decider : public Xapian::MatchDecider {
	const std::vector<Xapian::docid> &ids;
public:
	explicit nxx_docid_decider(const std::vector<Xapian::docid> &v) : ids(v) {}
	bool operator()(const Xapian::Document &doc) const override
	{
		return std::binary_search(ids.begin(), ids.end(), doc.get_docid());
	}
};

extern "C" int nxx_weigh(double *out, nxx_db *db, const nxx_query *q, const nxx_docid *docs, size_t ndocs,
			 const nxx_enquire_opts *opts)
{
	static const nxx_enquire_opts defaults = NXX_ENQUIRE_OPTS_INIT;

	if (!out || !db || !q || (ndocs && !docs))
		return nx_error_set(NX_EINVAL, "weighing documents: NULL argument");
	if (!opts)
		opts = &defaults;
	for (size_t i = 0; i < ndocs; i++)
		out[i] = 0;
	if (!ndocs)
		return NX_OK;
	try {
		std::vector<Xapian::docid> ids(docs, docs + ndocs);

		std::sort(ids.begin(), ids.end());
		for (int attempt = 0;; attempt++) {
			try {
				Xapian::Enquire enq(*db->rd);
				nxx_docid_decider decider(ids);

				enq.set_query(q->q);
				enq.set_weighting_scheme(Xapian::BM25Weight(opts->bm25_k1, opts->bm25_k2,
									    opts->bm25_k3, opts->bm25_b,
									    opts->bm25_min_normlen));
				Xapian::MSet ms = enq.get_mset(0, (Xapian::doccount)ids.size(), NULL, &decider);
				for (Xapian::MSetIterator it = ms.begin(); it != ms.end(); ++it)
					for (size_t i = 0; i < ndocs; i++)
						if (docs[i] == *it)
							out[i] = it.get_weight();
				return NX_OK;
			} catch (const Xapian::DatabaseModifiedError &) {
				if (attempt == NXX_ENQUIRE_RETRIES)
					throw;
				db->rd->reopen();
			}
		}
	} catch (...) {
		return nx_from_exception("weighing %zu documents on %s", ndocs, db->path.c_str());
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

/* ---- compaction --------------------------------------------------------- */

extern "C" int nxx_db_compact(const char *dest, const char *const *srcs, size_t n)
{
	if (!dest || !srcs || n == 0)
		return nx_error_set(NX_EINVAL, "compact: no source or destination");
	try {
		Xapian::Database all;
		unsigned flags = n > 2 ? Xapian::DBCOMPACT_MULTIPASS : 0;

		for (size_t i = 0; i < n; i++)
			all.add_database(Xapian::Database(srcs[i]));
		all.compact(dest, flags);
		return NX_OK;
	} catch (...) {
		return nx_from_exception("compacting %zu database%s into %s", n, n == 1 ? "" : "s", dest);
	}
}
