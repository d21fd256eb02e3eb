/*
 * Fuzz fetch/mutf7: the input, raw bytes, is given to each function.
 * Invariants: a name the decoder accepts encodes back to the same bytes
 * (the decoder is strict: one spelling per name); a name the encoder
 * accepts (exactly the valid UTF-8 without NUL) decodes back to itself;
 * an astring is an atom of ASTRING-CHARs or a quoted string that unquotes
 * to the name; a path component is never "", "." or "..", holds no '/'
 * nor the delimiter nor a byte a shell treats specially, and undoing its
 * "+HH" escapes gives the name back.  A failure appends nothing.
 */
#include "autoconf.h"

#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "mutf7.h"

#define OUT_MAX	(8 * FUZZ_INPUT_MAX)

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void
check_component(const char *in, size_t n, char delim)
{
	struct buf out, back;
	struct errinfo ei;
	size_t i;

	buf_init(&out, OUT_MAX);
	buf_init(&back, OUT_MAX);
	FUZZ_CHECK(mutf7_component(in, n, delim, &out, &ei) == 0,
	    "component refused: %s", ei.msg);
	FUZZ_CHECK(out.len > 0 && strcmp(out.data, ".") != 0 &&
	    strcmp(out.data, "..") != 0, "component '%s'", out.data);
	FUZZ_CHECK(out.data[0] != '-', "component starts with '-'");
	for (i = 0; i < out.len; i++) {
		unsigned char c = (unsigned char)out.data[i];

		FUZZ_CHECK(c != '/' &&
		    (c == '+' || c != (unsigned char)delim) &&
		    (c >= 0x80 || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("_@.-+", c) != NULL), "byte %#x in a component", c);
		if (c == '+' && out.len > 1) {
			int h, l;

			FUZZ_CHECK(i + 2 < out.len, "cut escape");
			h = hexval(out.data[i + 1]);
			l = hexval(out.data[i + 2]);
			FUZZ_CHECK(h >= 0 && l >= 0, "bad escape");
			buf_addch(&back, (char)(h * 16 + l));
			i += 2;
		} else if (c != '+') {
			buf_addch(&back, (char)c);
		}
	}
	FUZZ_CHECK(back.len == n && memcmp(back.data, in, n) == 0,
	    "component does not unescape to the name");
	buf_free(&out);
	buf_free(&back);
}

/* Must imap_astring() refuse the name? */
static int
refused(const char *in, size_t n, int utf8)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (in[i] == '\0' || in[i] == '\r' || in[i] == '\n' ||
		    ((unsigned char)in[i] >= 0x80 && !utf8))
			return 1;
	return utf8 && !mutf7_utf8_valid(in, n);
}

static void
check_astring(const char *in, size_t n, int utf8)
{
	struct buf out;
	struct errinfo ei;
	size_t i;

	buf_init(&out, OUT_MAX);
	buf_addch(&out, 'x');
	if (imap_astring(in, n, utf8, &out, &ei) < 0) {
		FUZZ_CHECK(out.len == 1 && ei.st == ST_CONFIG,
		    "astring failure appended or bad status");
		FUZZ_CHECK(refused(in, n, utf8), "astring refused: %s",
		    ei.msg);
		buf_free(&out);
		return;
	}
	FUZZ_CHECK(!refused(in, n, utf8), "astring accepted");
	FUZZ_CHECK(memchr(out.data, '\r', out.len) == NULL &&
	    memchr(out.data, '\n', out.len) == NULL &&
	    memchr(out.data + 1, '\0', out.len - 1) == NULL,
	    "CR, LF or NUL in an astring");
	if (out.data[1] != '"') {
		FUZZ_CHECK(out.len - 1 == n && memcmp(out.data + 1, in, n) == 0
		    && n > 0, "atom differs from the name");
	} else {
		size_t o = 0;

		FUZZ_CHECK(out.len >= 3 && out.data[out.len - 1] == '"',
		    "unterminated quoted string");
		for (i = 2; i < out.len - 1; i++) {
			char c = out.data[i];

			if (c == '\\')
				c = out.data[++i];
			else
				FUZZ_CHECK(c != '"', "unescaped quote");
			FUZZ_CHECK(o < n && in[o] == c,
			    "quoted string differs from the name");
			o++;
		}
		FUZZ_CHECK(o == n, "quoted string shorter than the name");
	}
	buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	struct buf a, b;
	struct errinfo ei;
	int valid;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	buf_init(&a, OUT_MAX);
	buf_init(&b, OUT_MAX);
	/* Decode, then encode: the same bytes. */
	if (mutf7_decode(in, size, &a, &ei) == 0) {
		FUZZ_CHECK(mutf7_utf8_valid(a.data, a.len) &&
		    memchr(a.data, '\0', a.len) == NULL,
		    "decoded to invalid UTF-8 or NUL");
		FUZZ_CHECK(mutf7_encode(a.data, a.len, &b, &ei) == 0,
		    "decoded name refused by the encoder: %s", ei.msg);
		FUZZ_CHECK(b.len == size && memcmp(b.data, in, size) == 0,
		    "decode then encode changes the name");
	} else {
		FUZZ_CHECK(a.len == 0 && ei.st == ST_PROTOCOL,
		    "decode failure appended or bad status");
	}
	buf_reset(&a);
	buf_reset(&b);
	/* Encode, then decode: the same bytes. */
	valid = mutf7_utf8_valid(in, size) && memchr(in, '\0', size) == NULL;
	if (mutf7_encode(in, size, &a, &ei) == 0) {
		FUZZ_CHECK(valid, "invalid UTF-8 encoded");
		FUZZ_CHECK(mutf7_decode(a.data, a.len, &b, &ei) == 0,
		    "encoded name refused by the decoder: %s", ei.msg);
		FUZZ_CHECK(b.len == size && memcmp(b.data, in, size) == 0,
		    "encode then decode changes the name");
	} else {
		FUZZ_CHECK(!valid && a.len == 0 && ei.st == ST_CONFIG,
		    "valid UTF-8 refused, or failure appended");
	}
	buf_free(&a);
	buf_free(&b);
	check_astring(in, size, 0);
	check_astring(in, size, 1);
	check_component(in, size, '/');
	check_component(in, size, size > 0 ? (char)(in[0] & 0x7f) : '.');
	return 0;
}
