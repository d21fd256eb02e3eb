/*
 * Unit tests for fetch/mutf7: modified UTF-7 both ways (RFC 3501 5.1.3's
 * examples, every form the decoder must refuse), the round trip over
 * every code point class, astrings for commands, and path components.
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
#include "mutf7.h"
#include "status.h"

#define OUT_MAX	4096

struct mcase {
	const char *in;
	const char *want;	/* NULL: refused */
	const char *err;	/* the start of the message when refused */
};

typedef int (*conv_fn)(const char *, size_t, struct buf *, struct errinfo *);

static void
check(const char *what, const struct mcase *c, size_t n, conv_fn fn)
{
	size_t i;
	int bad = 0;

	for (i = 0; i < n; i++) {
		struct errinfo ei;
		struct buf out;
		int rc;

		err_clear(&ei);
		buf_init(&out, OUT_MAX);
		buf_addstr(&out, "pre:");
		rc = fn(c[i].in, strlen(c[i].in), &out, &ei);
		if (c[i].want != NULL && (rc != 0 ||
		    strcmp(out.data + 4, c[i].want) != 0)) {
			printf("# %s '%s': want '%s', got %d '%s' (%s)\n", what,
			    c[i].in, c[i].want, rc, out.data, ei.msg);
			bad = 1;
		}
		if (c[i].want == NULL && (rc != -1 ||
		    strcmp(out.data, "pre:") != 0 ||
		    strncmp(ei.msg, c[i].err, strlen(c[i].err)) != 0)) {
			printf("# %s '%s': want refusal '%s', got %d '%s' "
			    "(%s)\n", what, c[i].in, c[i].err, rc, out.data,
			    ei.msg);
			bad = 1;
		}
		buf_free(&out);
	}
	assert_int_equal(bad, 0);
}

static void
test_decode(void **state)
{
	static const struct mcase cases[] = {
		{ "INBOX", "INBOX", NULL },
		{ "", "", NULL },
		{ "~peter/mail/&U,BTFw-/&ZeVnLIqe-",
		    "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/"
		    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", NULL },
		{ "Entw&APw-rfe", "Entw\xc3\xbc" "rfe", NULL },
		{ "&-", "&", NULL },
		{ "a&-b&-", "a&b&", NULL },
		{ "&-&AOk-", "&\xc3\xa9", NULL },
		{ "&AOk-&-", "\xc3\xa9&", NULL },
		{ "&AOkA6Q-", "\xc3\xa9\xc3\xa9", NULL },
		{ "&2D3eAA-", "\xf0\x9f\x98\x80", NULL },
		{ "&AAE-", "\x01", NULL },
		{ "&AH8-", "\x7f", NULL },
		{ "&AOk-x&AOk-", "\xc3\xa9x\xc3\xa9", NULL },
		{ "&AOk", NULL, "unterminated shift" },
		{ "&", NULL, "unterminated shift" },
		{ "a&", NULL, "unterminated shift" },
		{ "&AOk-&AOk-", NULL, "two shifts back to back" },
		{ "&AGE-", NULL, "non-canonical encoding" },
		{ "&ACY-", NULL, "non-canonical encoding" },
		{ "&AAA-", NULL, "non-canonical encoding" },
		{ "&AOl-", NULL, "non-canonical encoding" },
		{ "&AOkA-", NULL, "non-canonical encoding" },
		{ "&A-", NULL, "non-canonical encoding" },
		{ "&AOk=-", NULL, "bad base64" },
		{ "&AO/-", NULL, "bad base64" },
		{ "&AO k-", NULL, "bad base64" },
		{ "&2D0-", NULL, "unpaired surrogate" },
		{ "&2D3YPQ-", NULL, "unpaired surrogate" },
		{ "&3gA-", NULL, "unpaired surrogate" },
		{ "&2D0AQQ-", NULL, "unpaired surrogate" },
		{ "caf\xc3\xa9", NULL, "byte outside printable ASCII" },
		{ "a\tb", NULL, "byte outside printable ASCII" },
		{ "a\x7f", NULL, "byte outside printable ASCII" },
	};

	(void)state;
	check("decode", cases, sizeof(cases) / sizeof(cases[0]), mutf7_decode);
}

static void
test_encode(void **state)
{
	static const struct mcase cases[] = {
		{ "INBOX", "INBOX", NULL },
		{ "", "", NULL },
		{ "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/"
		    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
		    "~peter/mail/&U,BTFw-/&ZeVnLIqe-", NULL },
		{ "Entw\xc3\xbc" "rfe", "Entw&APw-rfe", NULL },
		{ "&", "&-", NULL },
		{ "a&b&", "a&-b&-", NULL },
		{ "\xc3\xa9\xc3\xa9", "&AOkA6Q-", NULL },
		{ "\xc3\xa9&", "&AOk-&-", NULL },
		{ "\xf0\x9f\x98\x80", "&2D3eAA-", NULL },
		{ "\x01", "&AAE-", NULL },
		{ "a\tb", "a&AAk-b", NULL },
		{ "\xc3\xa9", "&AOk-", NULL },
		{ "\xc3", NULL, "invalid UTF-8" },
		{ "\xc0\xaf", NULL, "invalid UTF-8" },
		{ "\xe0\x80\xaf", NULL, "invalid UTF-8" },
		{ "\xed\xa0\x80", NULL, "invalid UTF-8" },
		{ "\xf4\x90\x80\x80", NULL, "invalid UTF-8" },
		{ "\xf8\x88\x80\x80\x80", NULL, "invalid UTF-8" },
		{ "\xff", NULL, "invalid UTF-8" },
		{ "a\x80", NULL, "invalid UTF-8" },
	};

	(void)state;
	check("encode", cases, sizeof(cases) / sizeof(cases[0]), mutf7_encode);
}

/* NUL, which C strings cannot carry in the tables. */
static void
test_nul(void **state)
{
	struct errinfo ei;
	struct buf out;

	(void)state;
	buf_init(&out, OUT_MAX);
	assert_int_equal(mutf7_encode("a\0b", 3, &out, &ei), -1);
	assert_int_equal(mutf7_decode("a\0b", 3, &out, &ei), -1);
	assert_int_equal(imap_astring("a\0b", 3, 1, &out, &ei), -1);
	assert_int_equal(out.len, 0);
	assert_int_equal(mutf7_component("a\0b", 3, '/', &out, &ei), 0);
	assert_string_equal(out.data, "a+00b");
	buf_free(&out);
}

/* A full output buffer: an error, and nothing appended. */
static void
test_bounds(void **state)
{
	struct errinfo ei;
	struct buf out;

	(void)state;
	buf_init(&out, 8);
	buf_addstr(&out, "xy");
	assert_int_equal(mutf7_encode("\xc3\xa9\xc3\xa9", 4, &out, &ei), -1);
	assert_string_equal(out.data, "xy");
	assert_int_equal(mutf7_encode("abcdef", 6, &out, &ei), 0);
	assert_string_equal(out.data, "xyabcdef");
	buf_reset(&out);
	assert_int_equal(mutf7_decode("&AOkA6QDp-", 10, &out, &ei), 0);
	assert_int_equal(mutf7_decode("&AOkA6Q-", 8, &out, &ei), -1);
	assert_int_equal(out.len, 6);
	buf_reset(&out);
	assert_int_equal(imap_astring("a b c d", 7, 0, &out, &ei), -1);
	assert_int_equal(out.len, 0);
	assert_int_equal(mutf7_component("......", 6, '/', &out, &ei), 0);
	assert_int_equal(mutf7_component(".", 1, '/', &out, &ei), -1);
	assert_string_equal(out.data, "+2E.....");
	buf_free(&out);
}

/*
 * Every code point class, alone and between ASCII, through the round
 * trip: encode then decode gives the UTF-8 back, and decoding the
 * encoding of what decoded gives the same mUTF-7.
 */
static void
test_round_trip(void **state)
{
	static const uint32_t cps[] = { 0x01, 0x1f, 0x20, 0x26, 0x41, 0x7e,
		0x7f, 0x80, 0xe9, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff,
		0x10000, 0x1f600, 0x10ffff };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(cps) / sizeof(cps[0]); i++)
		for (j = 0; j < sizeof(cps) / sizeof(cps[0]); j++) {
			char u[32];
			size_t n = 0, k;
			uint32_t pair[2] = { cps[i], cps[j] };
			struct buf m, back, again;
			struct errinfo ei;

			for (k = 0; k < 2; k++) {
				uint32_t c = pair[k];

				if (c < 0x80) {
					u[n++] = (char)c;
				} else if (c < 0x800) {
					u[n++] = (char)(0xc0 | c >> 6);
					u[n++] = (char)(0x80 | (c & 0x3f));
				} else if (c < 0x10000) {
					u[n++] = (char)(0xe0 | c >> 12);
					u[n++] = (char)(0x80 | (c >> 6 & 0x3f));
					u[n++] = (char)(0x80 | (c & 0x3f));
				} else {
					u[n++] = (char)(0xf0 | c >> 18);
					u[n++] = (char)(0x80 |
					    (c >> 12 & 0x3f));
					u[n++] = (char)(0x80 | (c >> 6 & 0x3f));
					u[n++] = (char)(0x80 | (c & 0x3f));
				}
				u[n++] = 'x';
			}
			buf_init(&m, OUT_MAX);
			buf_init(&back, OUT_MAX);
			buf_init(&again, OUT_MAX);
			assert_int_equal(mutf7_utf8_valid(u, n), 1);
			assert_int_equal(mutf7_encode(u, n, &m, &ei), 0);
			assert_int_equal(mutf7_decode(m.data, m.len,
			    &back, &ei), 0);
			assert_int_equal(back.len, n);
			assert_memory_equal(back.data, u, n);
			assert_int_equal(mutf7_encode(back.data, back.len,
			    &again, &ei), 0);
			assert_string_equal(again.data, m.data);
			buf_free(&m);
			buf_free(&back);
			buf_free(&again);
		}
}

static int
astring8(const char *in, size_t len, struct buf *out, struct errinfo *ei)
{
	return imap_astring(in, len, 1, out, ei);
}

static int
astring7(const char *in, size_t len, struct buf *out, struct errinfo *ei)
{
	return imap_astring(in, len, 0, out, ei);
}

static void
test_astring(void **state)
{
	static const struct mcase cases7[] = {
		{ "INBOX", "INBOX", NULL },
		{ "Lists/foo", "Lists/foo", NULL },
		{ "a]b", "a]b", NULL },
		{ "Entw&APw-rfe", "Entw&APw-rfe", NULL },
		{ "", "\"\"", NULL },
		{ "Sent Messages", "\"Sent Messages\"", NULL },
		{ "Lists/*", "\"Lists/*\"", NULL },
		{ "Lists/%", "\"Lists/%\"", NULL },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"", NULL },
		{ "(x)", "\"(x)\"", NULL },
		{ "{5}", "\"{5}\"", NULL },
		{ "a\tb", "\"a\tb\"", NULL },
		{ "a\rb", NULL, "NUL, CR or LF in mailbox name" },
		{ "a\nb", NULL, "NUL, CR or LF in mailbox name" },
		{ "Entw\xc3\xbcrfe", NULL, "8-bit mailbox name without "
		    "UTF8=ACCEPT" },
	}, cases8[] = {
		{ "Entw\xc3\xbcrfe", "\"Entw\xc3\xbcrfe\"", NULL },
		{ "INBOX", "INBOX", NULL },
		{ "\xc3", NULL, "invalid UTF-8" },
		{ "\xed\xa0\x80", NULL, "invalid UTF-8" },
		{ "a\r\n", NULL, "NUL, CR or LF in mailbox name" },
	};

	(void)state;
	check("astring", cases7, sizeof(cases7) / sizeof(cases7[0]), astring7);
	check("astring utf8", cases8, sizeof(cases8) / sizeof(cases8[0]),
	    astring8);
}

static int
comp_slash(const char *in, size_t len, struct buf *out, struct errinfo *ei)
{
	return mutf7_component(in, len, '/', out, ei);
}

static int
comp_dot(const char *in, size_t len, struct buf *out, struct errinfo *ei)
{
	return mutf7_component(in, len, '.', out, ei);
}

static void
test_component(void **state)
{
	static const struct mcase slash[] = {
		{ "INBOX", "INBOX", NULL },
		{ "", "+", NULL },
		{ ".", "+2E", NULL },
		{ "..", "+2E.", NULL },
		{ "...", "+2E..", NULL },
		{ "a.b", "a.b", NULL },
		{ "Lists/foo", "Lists+2Ffoo", NULL },
		{ "../../etc", "+2E.+2F..+2Fetc", NULL },
		{ "-rf", "+2Drf", NULL },
		{ "a-b", "a-b", NULL },
		{ "a+b", "a+2Bb", NULL },
		{ "+2F", "+2B2F", NULL },
		{ "Sent Messages", "Sent+20Messages", NULL },
		{ "x'$(id)`;|&<>\"\\*?~#!%", "x+27+24+28id+29+60+3B+7C+26+3C"
		    "+3E+22+5C+2A+3F+7E+23+21+25", NULL },
		{ "a\tb\x01\x7f", "a+09b+01+7F", NULL },
		{ "Entw\xc3\xbcrfe", "Entw\xc3\xbcrfe", NULL },
		{ "\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac",
		    NULL },
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80", NULL },
		{ "\xc2\x85", "+C2+85", NULL },
		{ "\xc2\xa0", "\xc2\xa0", NULL },
		{ "\xc3", "+C3", NULL },
		{ "\xc0\xaf", "+C0+AF", NULL },
		{ "\xed\xa0\x80", "+ED+A0+80", NULL },
		{ "\xff" "a", "+FFa", NULL },
		{ "&AOk-", "+26AOk-", NULL },
	}, dot[] = {
		{ "INBOX.Lists", "INBOX+2ELists", NULL },
		{ "a/b", "a+2Fb", NULL },
		{ "..", "+2E+2E", NULL },
	};

	(void)state;
	check("component /", slash, sizeof(slash) / sizeof(slash[0]),
	    comp_slash);
	check("component .", dot, sizeof(dot) / sizeof(dot[0]), comp_dot);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_astring),
		cmocka_unit_test(test_component),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
