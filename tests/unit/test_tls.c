/*
 * Unit tests for common/tls's pure parts: tls_parse_fingerprint() takes
 * SHA-256, SHA-1 and MD5 fingerprints (the length says which), with or
 * without colons, in either case; every other length or character is
 * refused with the words that say what is expected.
 */
#include "autoconf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "status.h"
#include "tls.h"

/* n bytes 0x00, 0x11, ... as hex, with sep between bytes. */
static void
hex(size_t n, const char *sep, int upper, char *out, size_t outsz)
{
	size_t i, o = 0;

	out[0] = '\0';
	for (i = 0; i < n && o + 4 < outsz; i++)
		o += (size_t)snprintf(out + o, outsz - o, upper ? "%s%02X" :
		    "%s%02x", i ? sep : "", (unsigned)(i * 0x11 & 0xff));
}

static void
test_lengths(void **state)
{
	static const struct {
		size_t len;
		const char *kind;
	} ok[] = {
		{ 32, "SHA-256" }, { 20, "SHA-1" }, { 16, "MD5" },
	};
	unsigned char out[TLS_FP_MAX];
	struct errinfo ei;
	char text[200];
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		static const char *const seps[] = { "", ":" };

		for (j = 0; j < 4; j++) {
			hex(ok[i].len, seps[j % 2], j / 2, text, sizeof(text));
			assert_int_equal(tls_parse_fingerprint(text, out, &ei),
			    (int)ok[i].len);
			assert_int_equal(out[0], 0x00);
			assert_int_equal(out[1], 0x11);
			assert_int_equal(out[ok[i].len - 1],
			    (ok[i].len - 1) * 0x11 & 0xff);
		}
		assert_string_equal(tls_fingerprint_kind(ok[i].len),
		    ok[i].kind);
	}
	/* Every other length between 1 and 40 bytes is refused. */
	for (i = 1; i <= 40; i++) {
		if (i == 16 || i == 20 || i == 32)
			continue;
		hex(i, ":", 1, text, sizeof(text));
		assert_int_equal(tls_parse_fingerprint(text, out, &ei), -1);
		assert_int_equal(ei.st, ST_CONFIG);
		assert_null(tls_fingerprint_kind(i));
		assert_non_null(strstr(ei.msg, "expected 32 (SHA-256, as "
		    "printed by --serverinfo), or 20 (SHA-1) or 16 (MD5), which "
		    "are weak"));
	}
	hex(33, "", 0, text, sizeof(text));
	assert_int_equal(tls_parse_fingerprint(text, out, &ei), -1);
	assert_non_null(strstr(ei.msg, "more than 32 bytes"));
}

static void
test_bad_characters(void **state)
{
	static const char *const bad[] = {
		"zz", "0", "00:1", "00 11", "0g", "-0011",
		/* An odd number of digits in a 40-digit string. */
		"000102030405060708090a0b0c0d0e0f1011121",
	};
	unsigned char out[TLS_FP_MAX];
	struct errinfo ei;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(tls_parse_fingerprint(bad[i], out, &ei), -1);
		assert_int_equal(ei.st, ST_CONFIG);
		assert_non_null(strstr(ei.msg, "invalid fingerprint"));
	}
	assert_int_equal(tls_parse_fingerprint("", out, &ei), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_bad_characters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
