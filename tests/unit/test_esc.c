/*
 * Unit tests for common/esc: what passes as it is (printable ASCII,
 * UTF-8 letters), what is escaped (controls, DEL, C1 raw and encoded,
 * broken UTF-8, overlongs, surrogates, bidi and line separators), the
 * cut with "..." that never splits an escape, and that every byte string
 * comes out printable whatever the buffer size.
 */
#include "autoconf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "esc.h"
#include "status.h"

static const struct {
	const char *in;
	size_t len;
	const char *out;
} cases[] = {
	{ "plain text", 10, "plain text" },
	{ "", 0, "" },
	{ "\x1b[2J\a", 5, "\\x1b[2J\\x07" },
	{ "a\rb\nc\td", 7, "a\\x0db\\x0ac\\x09d" },
	{ "nul\0in", 6, "nul\\x00in" },
	{ "\x7f", 1, "\\x7f" },
	{ "caf\xc3\xa9", 5, "caf\xc3\xa9" },		/* é passes */
	{ "\xe2\x82\xac", 3, "\xe2\x82\xac" },		/* € passes */
	{ "\xf0\x9f\x93\xac", 4, "\xf0\x9f\x93\xac" },	/* U+1F4EC */
	{ "\x9b" "31m", 4, "\\x9b31m" },		/* raw C1 CSI */
	{ "\xc2\x9b" "31m", 5, "\\xc2\\x9b31m" },	/* U+009B encoded */
	{ "\xc0\xaf", 2, "\\xc0\\xaf" },		/* overlong '/' */
	{ "\xe0\x80\xaf", 3, "\\xe0\\x80\\xaf" },	/* overlong */
	{ "\xed\xa0\x80", 3, "\\xed\\xa0\\x80" },	/* surrogate */
	{ "\xf4\x90\x80\x80", 4, "\\xf4\\x90\\x80\\x80" }, /* > U+10FFFF */
	{ "\xe2\x80\xae" "abc", 6, "\\xe2\\x80\\xaeabc" }, /* RLO */
	{ "\xe2\x80\xa8", 3, "\\xe2\\x80\\xa8" },	/* line separator */
	{ "\xc3", 1, "\\xc3" },				/* cut character */
	{ "\xc3(", 2, "\\xc3(" },
	{ "\\x1b", 4, "\\x1b" },	/* a backslash is text, as it is */
};

static void
test_cases(void **state)
{
	char out[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t used = esc_text(out, sizeof(out), cases[i].in,
		    cases[i].len);

		assert_string_equal(out, cases[i].out);
		assert_int_equal(used, cases[i].len);
	}
}

/* Printable ASCII, or a UTF-8 sequence esc_safe_len() accepts. */
static void
assert_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0;

	while (i < len) {
		size_t k = esc_safe_len(p + i, len - i);

		assert_true(k > 0);
		i += k;
	}
}

static void
test_every_size(void **state)
{
	static const char text[] = "ab\x1b" "c\xc3\xa9\x9b" "d";
	char out[64];
	size_t sz, n = sizeof(text) - 1;

	(void)state;
	for (sz = 1; sz < sizeof(out); sz++) {
		size_t used = esc_text(out, sz, text, n);

		assert_true(strlen(out) < sz);
		assert_safe(out);
		if (used < n) {
			/* Cut: "..." at the end when there was room for it. */
			if (sz > 4)
				assert_non_null(strstr(out, "..."));
		} else {
			assert_string_equal(out, "ab\\x1bc\xc3\xa9\\x9bd");
		}
		/* Never half an escape before the dots. */
		assert_null(strstr(out, "\\x..."));
		assert_null(strstr(out, "\\..."));
	}
}

/* Every 1- and 2-byte string comes out safe. */
static void
test_all_pairs(void **state)
{
	char in[2], out[16];
	unsigned a, b;

	(void)state;
	for (a = 0; a < 256; a++)
		for (b = 0; b < 256; b++) {
			in[0] = (char)a;
			in[1] = (char)b;
			assert_int_equal(esc_text(out, sizeof(out), in, 2), 2);
			assert_safe(out);
		}
}

static void
test_buf_and_quote(void **state)
{
	struct buf b;
	char q[8], big[1000];
	FILE *f;
	char *mem = NULL;
	size_t memlen = 0;

	(void)state;
	buf_init(&b, 1024);
	esc_buf(&b, "x\ay", 3);
	assert_string_equal(b.data, "x\\x07y");
	buf_free(&b);

	err_quote(q, sizeof(q), "\x1b\x1b\x1b", 3);
	assert_string_equal(q, "\\x1b...");

	/* Long text through the stream writer: no character split. */
	memset(big, 'a', sizeof(big));
	big[199] = '\xc3';
	big[200] = '\xa9';
	big[500] = '\x1b';
	f = open_memstream(&mem, &memlen);
	assert_non_null(f);
	esc_fwrite(f, big, sizeof(big));
	fclose(f);
	assert_int_equal(memlen, sizeof(big) + 3);
	assert_memory_equal(mem + 199, "\xc3\xa9", 2);
	assert_memory_equal(mem + 500, "\\x1b", 4);
	free(mem);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_every_size),
		cmocka_unit_test(test_all_pairs),
		cmocka_unit_test(test_buf_and_quote),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
