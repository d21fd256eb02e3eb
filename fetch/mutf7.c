/* mutf7: modified UTF-7, astrings and path components for mailbox names. */
#include "autoconf.h"

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "mutf7.h"
#include "utf8.h"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == ',')
		return 63;
	return -1;
}

int
mutf7_utf8_valid(const char *in, size_t len)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0, k;
	uint32_t cp;

	while (i < len) {
		if ((k = utf8_next(p + i, len - i, &cp)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

static int
add_utf8(struct buf *out, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return buf_add(out, u, n);
}

static int
dec_bad(struct errinfo *ei, const char *why, const char *in, size_t len)
{
	char q[160];

	err_quote(q, sizeof(q), in, len);
	return err_set(ei, ST_PROTOCOL, "%s in modified UTF-7 mailbox name "
	    "'%s'", why, q);
}

/*
 * One shift: in[*i] is the first byte after '&' (not '-').  Decodes up to
 * and past its '-'.  Returns 0, or -1 with *why set.
 */
static int
shift(const char *in, size_t len, size_t *i, struct buf *out,
    const char **why)
{
	uint32_t bits = 0, hi = 0;
	unsigned nbits = 0;
	int v;

	for (; *i < len && in[*i] != '-'; (*i)++) {
		if ((v = b64_value((unsigned char)in[*i])) < 0) {
			*why = "bad base64";
			return -1;
		}
		bits = (bits << 6 | (uint32_t)v) & 0xffffff;
		nbits += 6;
		if (nbits < 16)
			continue;
		nbits -= 16;
		{
			uint32_t unit = bits >> nbits & 0xffff;

			if (hi != 0) {
				if (unit < 0xdc00 || unit > 0xdfff) {
					*why = "unpaired surrogate";
					return -1;
				}
				unit = 0x10000 + ((hi - 0xd800) << 10) +
				    (unit - 0xdc00);
				hi = 0;
			} else if (unit >= 0xd800 && unit <= 0xdbff) {
				hi = unit;
				continue;
			} else if (unit >= 0xdc00 && unit <= 0xdfff) {
				*why = "unpaired surrogate";
				return -1;
			}
			if (unit == 0 || (unit >= 0x20 && unit <= 0x7e)) {
				*why = "non-canonical encoding";
				return -1;
			}
			if (add_utf8(out, unit) < 0) {
				*why = "too long";
				return -1;
			}
		}
	}
	if (*i >= len) {
		*why = "unterminated shift";
		return -1;
	}
	if (hi != 0) {
		*why = "unpaired surrogate";
		return -1;
	}
	/* Only the zero bits completing the last base64 byte may remain. */
	if (nbits >= 6 || (bits & ((1u << nbits) - 1)) != 0) {
		*why = "non-canonical encoding";
		return -1;
	}
	(*i)++;
	return 0;
}

int
mutf7_decode(const char *in, size_t len, struct buf *out,
    struct errinfo *ei)
{
	const char *why = "too long";
	size_t i = 0, start = out->len;
	int after_shift = 0;

	while (i < len) {
		unsigned char c = (unsigned char)in[i];

		if (c < 0x20 || c > 0x7e) {
			why = "byte outside printable ASCII";
			goto bad;
		}
		if (c != '&') {
			if (buf_addch(out, (char)c) < 0)
				goto bad;
			i++;
			after_shift = 0;
			continue;
		}
		if (i + 1 < len && in[i + 1] == '-') {
			if (buf_addch(out, '&') < 0)
				goto bad;
			i += 2;
			after_shift = 0;
			continue;
		}
		if (after_shift) {
			why = "two shifts back to back";
			goto bad;
		}
		i++;
		if (shift(in, len, &i, out, &why) < 0)
			goto bad;
		after_shift = 1;
	}
	return 0;
bad:
	buf_truncate(out, out->len - start);
	return dec_bad(ei, why, in, len);
}

static int
enc_bad(struct errinfo *ei, const char *why, const char *in, size_t len)
{
	char q[160];

	err_quote(q, sizeof(q), in, len);
	return err_set(ei, ST_CONFIG, "%s: mailbox name '%s'", why, q);
}

/* Flush bits as base64, the last byte padded with zero bits. */
static int
b64_unit(struct buf *out, uint32_t *bits, unsigned *nbits, uint32_t unit)
{
	*bits = (*bits << 16 | unit) & 0xffffffu;
	*nbits += 16;
	while (*nbits >= 6) {
		*nbits -= 6;
		if (buf_addch(out, b64[*bits >> *nbits & 0x3f]) < 0)
			return -1;
	}
	return 0;
}

int
mutf7_encode(const char *in, size_t len, struct buf *out,
    struct errinfo *ei)
{
	const unsigned char *p = (const unsigned char *)in;
	const char *why = "mailbox name too long";
	size_t i = 0, k, start = out->len;
	uint32_t cp, bits = 0;
	unsigned nbits = 0;
	int shifted = 0;

	while (i < len) {
		if ((k = utf8_next(p + i, len - i, &cp)) == 0 || cp == 0) {
			why = "invalid UTF-8 or NUL";
			goto bad;
		}
		i += k;
		if (cp >= 0x20 && cp <= 0x7e) {
			if (shifted) {
				if (nbits > 0 && buf_addch(out,
				    b64[bits << (6 - nbits) & 0x3f]) < 0)
					goto bad;
				if (buf_addch(out, '-') < 0)
					goto bad;
				shifted = 0;
				nbits = 0;
				bits = 0;
			}
			if (buf_addch(out, (char)cp) < 0 ||
			    (cp == '&' && buf_addch(out, '-') < 0))
				goto bad;
			continue;
		}
		if (!shifted) {
			if (buf_addch(out, '&') < 0)
				goto bad;
			shifted = 1;
		}
		if (cp >= 0x10000) {
			cp -= 0x10000;
			if (b64_unit(out, &bits, &nbits,
			    0xd800 | cp >> 10) < 0 || b64_unit(out, &bits,
			    &nbits, 0xdc00 | (cp & 0x3ff)) < 0)
				goto bad;
		} else if (b64_unit(out, &bits, &nbits, cp) < 0) {
			goto bad;
		}
	}
	if (shifted && ((nbits > 0 && buf_addch(out,
	    b64[bits << (6 - nbits) & 0x3f]) < 0) || buf_addch(out, '-') < 0))
		goto bad;
	return 0;
bad:
	buf_truncate(out, out->len - start);
	return enc_bad(ei, why, in, len);
}

/* ASTRING-CHAR (RFC 3501 9): ATOM-CHAR and ']'. */
static int
astring_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '{' &&
	    c != '%' && c != '*' && c != '"' && c != '\\';
}

int
imap_astring(const char *name, size_t len, int utf8, struct buf *out,
    struct errinfo *ei)
{
	size_t i, start = out->len;
	int atom = len > 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '\0' || c == '\r' || c == '\n')
			return enc_bad(ei, "NUL, CR or LF in mailbox name",
			    name, len);
		if (c >= 0x80 && !utf8)
			return enc_bad(ei, "8-bit mailbox name without "
			    "UTF8=ACCEPT", name, len);
		if (!astring_char(c))
			atom = 0;
	}
	if (utf8 && !mutf7_utf8_valid(name, len))
		return enc_bad(ei, "invalid UTF-8", name, len);
	if (atom)
		return buf_add(out, name, len) < 0 ? enc_bad(ei,
		    "mailbox name too long", name, len) : 0;
	if (buf_addch(out, '"') < 0)
		goto full;
	for (i = 0; i < len; i++)
		if (((name[i] == '"' || name[i] == '\\') &&
		    buf_addch(out, '\\') < 0) || buf_addch(out, name[i]) < 0)
			goto full;
	if (buf_addch(out, '"') < 0)
		goto full;
	return 0;
full:
	buf_truncate(out, out->len - start);
	return enc_bad(ei, "mailbox name too long", name, len);
}

static int
component_kept(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '@' || c == '.' ||
	    c == '-';
}

int
mutf7_component(const char *name, size_t len, char delim,
    struct buf *out, struct errinfo *ei)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t i = 0, k, start = out->len;
	uint32_t cp;

	if (len == 0 && buf_addch(out, '+') < 0)
		goto full;
	while (i < len) {
		if (p[i] >= 0x80 && (k = utf8_next(p + i, len - i, &cp)) > 0 &&
		    cp >= 0xa0) {
			if (buf_add(out, p + i, k) < 0)
				goto full;
			i += k;
			continue;
		}
		if (!component_kept(p[i]) || p[i] == (unsigned char)delim ||
		    (i == 0 && (p[i] == '.' || p[i] == '-'))) {
			if (buf_printf(out, "+%02X", (unsigned)p[i]) < 0)
				goto full;
		} else if (buf_addch(out, (char)p[i]) < 0) {
			goto full;
		}
		i++;
	}
	return 0;
full:
	buf_truncate(out, out->len - start);
	return enc_bad(ei, "mailbox name too long for a path", name, len);
}
