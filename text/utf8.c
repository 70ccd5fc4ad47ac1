/*
 * utf8.c — UTF-8 validation and repair.
 *
 * Well-formed UTF-8 is exactly the byte sequences of Unicode Table 3-7:
 *
 *   00..7F
 *   C2..DF  80..BF
 *   E0      A0..BF  80..BF        (E0 80..9F would be overlong)
 *   E1..EC  80..BF  80..BF
 *   ED      80..9F  80..BF        (ED A0..BF would be a surrogate)
 *   EE..EF  80..BF  80..BF
 *   F0      90..BF  80..BF 80..BF (F0 80..8F would be overlong)
 *   F1..F3  80..BF  80..BF 80..BF
 *   F4      80..8F  80..BF 80..BF (F4 90.. would be above U+10FFFF)
 *
 * Repair follows the W3C/WHATWG "maximal subpart" practice (Unicode 3.9,
 * U+FFFD Substitution of Maximal Subparts): a lead byte followed by the
 * longest run of continuation bytes that can still begin a well-formed
 * sequence is replaced by one U+FFFD; any other byte that cannot start a
 * sequence (80..BF alone, C0, C1, F5..FF) is replaced by one U+FFFD each.
 * So "\xE2\x82" at the end of input gives one U+FFFD, "\xC0\xAF" two and
 * "\xED\xA0\x80" three.  Decoders in browsers and ICU agree on this, so a
 * repaired text reads the same everywhere.
 */
#include "nx_text.h"

#include "nx_common.h"
#include "nx_text_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- scanning ------------------------------------------------------------ */

/* 8 bytes at a time with nxt_load8, NXT_HIGH_BITS and nxt_has_below
 * (nx_text_int.h). */

/*
 * Look at the sequence starting at p[0] (n >= 1 bytes left) that is not
 * ASCII.  Returns its length and sets *ok when it is well-formed; otherwise
 * clears *ok and returns the length of its maximal subpart (>= 1), which is
 * what one U+FFFD replaces.
 */
static size_t scan_seq(const unsigned char *p, size_t n, int *ok)
{
	unsigned c = p[0];
	unsigned lo = 0x80, hi = 0xBF;
	size_t need, i;

	*ok = 0;
	if (c < 0xC2)
		return 1;  /* stray continuation byte, or C0/C1 (always overlong) */
	if (c < 0xE0) {
		need = 2;
	} else if (c < 0xF0) {
		need = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c < 0xF5) {
		need = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 1;  /* F5..FF never appear in UTF-8 (5- and 6-byte forms) */
	}
	/* Only the second byte has a narrowed range; the rest are 80..BF. */
	if (n < 2 || p[1] < lo || p[1] > hi)
		return 1;
	for (i = 2; i < need; i++)
		if (i >= n || (p[i] & 0xC0) != 0x80)
			return i;
	*ok = 1;
	return need;
}

int nxt_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len;
	int ok;

	while (p < end) {
		/* Fast path: news text is mostly ASCII; skip it 8 bytes at a time. */
		while ((size_t)(end - p) >= 8 && (nxt_load8((const char *)p) & NXT_HIGH_BITS) == 0)
			p += 8;
		while (p < end && *p < 0x80)
			p++;
		if (p == end)
			break;
		p += scan_seq(p, (size_t)(end - p), &ok);
		if (!ok)
			return 0;
	}
	return 1;
}

/* ---- repair -------------------------------------------------------------- */

static const unsigned char REPLACEMENT[3] = { 0xEF, 0xBF, 0xBD };  /* U+FFFD */

/*
 * One pass of repair.  With out == NULL it only measures, so that the caller
 * can allocate the exact size instead of the worst case (3 bytes per input
 * byte, which for a 64 MB article with one bad byte would be 192 MB).
 * Returns the output length; *nbad gets the number of replacements.
 */
static size_t repair_pass(unsigned char *out, size_t *nbad, const unsigned char *p, size_t len)
{
	const unsigned char *end = p + len;
	size_t o = 0, bad = 0, k;
	int ok;

	while (p < end) {
		/* Fast path: 8 ASCII bytes without a NUL are copied as they are. */
		while ((size_t)(end - p) >= 8) {
			uint64_t v = nxt_load8((const char *)p);

			if ((v & NXT_HIGH_BITS) != 0 || nxt_has_below(v, 1))
				break;
			if (out)
				memcpy(out + o, p, 8);
			o += 8;
			p += 8;
		}
		if (p == end)
			break;
		if (*p < 0x80) {
			/* NUL would end C strings early in every later layer. */
			if (out)
				out[o] = *p ? *p : ' ';
			o++;
			p++;
			continue;
		}
		k = scan_seq(p, (size_t)(end - p), &ok);
		if (ok) {
			if (out)
				memcpy(out + o, p, k);
			o += k;
		} else {
			if (out)
				memcpy(out + o, REPLACEMENT, sizeof REPLACEMENT);
			o += sizeof REPLACEMENT;
			bad++;
		}
		p += k;
	}
	*nbad = bad;
	return o;
}

int nxt_utf8_repair(char **out, size_t *outlen, size_t *nbad, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, bad, bad2;
	char *r;

	*out = NULL;
	if (outlen)
		*outlen = 0;
	if (nbad)
		*nbad = 0;
	if (!s && len)
		return nx_error_set(NX_EINVAL, "nxt_utf8_repair: NULL input");
	/* The output is at most 3 bytes per input byte; this cannot overflow
	 * in practice, but the measure pass must not wrap either. */
	if (len > (SIZE_MAX - 1) / 3)
		return nx_error_set(NX_ENOMEM, "text of %zu bytes is too large to repair", len);

	n = repair_pass(NULL, &bad, p, len);
	r = malloc(n + 1);
	if (!r)
		return nx_error_set(NX_ENOMEM, "out of memory repairing %zu bytes of text", len);
	repair_pass((unsigned char *)r, &bad2, p, len);
	r[n] = '\0';
	*out = r;
	if (outlen)
		*outlen = n;
	if (nbad)
		*nbad = bad;
	return NX_OK;
}
