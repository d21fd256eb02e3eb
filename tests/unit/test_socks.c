/*
 * Unit tests for common/socks: the CONNECT request for names and address
 * literals, the method answer, and the answer to CONNECT fed byte by
 * byte: the length asked for never passes the real end, every wrong byte
 * is refused as soon as it arrives, every reply code has its words.
 */
#include "autoconf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "socks.h"
#include "status.h"

static void
test_request(void **state)
{
	unsigned char out[SOCKS_REQUEST_MAX];
	char longname[300];
	struct errinfo ei;
	ssize_t n;

	(void)state;
	n = socks_request("mail.example.org", 995, out, &ei);
	assert_int_equal(n, 4 + 1 + 16 + 2);
	assert_memory_equal(out, "\x05\x01\x00\x03\x10mail.example.org\x03\xe3",
	    (size_t)n);
	n = socks_request("127.0.0.1", 25, out, &ei);
	assert_int_equal(n, 10);
	assert_memory_equal(out, "\x05\x01\x00\x01\x7f\x00\x00\x01\x00\x19", 10);
	n = socks_request("::1", 65535, out, &ei);
	assert_int_equal(n, 4 + 16 + 2);
	assert_int_equal(out[3], 4);
	assert_int_equal(out[19], 1);
	assert_int_equal(out[20], 0xff);
	assert_int_equal(out[21], 0xff);
	memset(longname, 'a', 255);
	longname[255] = '\0';
	assert_int_equal(socks_request(longname, 1, out, &ei), 4 + 1 + 255 + 2);
	longname[255] = 'a';
	longname[256] = '\0';
	assert_int_equal(socks_request(longname, 1, out, &ei), -1);
	assert_int_equal(ei.st, ST_CONFIG);
	assert_non_null(strstr(ei.msg, "1 to 255 bytes, not 256"));
	assert_int_equal(socks_request("", 1, out, &ei), -1);
}

static void
test_method(void **state)
{
	struct errinfo ei;

	(void)state;
	assert_int_equal(socks_check_method((const unsigned char *)"\x05\x00",
	    &ei), 0);
	assert_int_equal(socks_check_method((const unsigned char *)"\x05\xff",
	    &ei), -1);
	assert_int_equal(ei.st, ST_UNAVAILABLE);
	assert_non_null(strstr(ei.msg, "requires authentication"));
	assert_int_equal(socks_check_method((const unsigned char *)"\x05\x02",
	    &ei), -1);
	assert_int_equal(ei.st, ST_PROTOCOL);
	assert_int_equal(socks_check_method((const unsigned char *)"HT", &ei),
	    -1);
	assert_int_equal(ei.st, ST_PROTOCOL);
	assert_non_null(strstr(ei.msg, "starts with 0x48 0x54"));
	assert_int_equal(socks_check_method((const unsigned char *)"\x04\x5a",
	    &ei), -1);
}

/*
 * Feed a reply byte by byte as socks_connect() reads it: it asks for
 * need bytes, we give exactly those.  Returns the final need (the total
 * length) or -1; *used_r is how many bytes were looked at.
 */
static ssize_t
feed(const unsigned char *p, size_t len, size_t *used_r, struct errinfo *ei)
{
	size_t have;
	ssize_t need = 0;

	for (have = 0; have <= len; have++) {
		need = socks_reply_need(p, have, ei);
		if (need < 0)
			break;
		/* Never more than the reply: the rest is the server's. */
		assert_true((size_t)need <= len);
		assert_true((size_t)need >= have);
		if ((size_t)need == have)
			break;
	}
	*used_r = have;
	return need;
}

static void
test_reply_valid(void **state)
{
	static const struct {
		const char *bytes;
		size_t len;
	} ok[] = {
		{ "\x05\x00\x00\x01\x7f\x00\x00\x01\x04\x38", 10 },
		{ "\x05\x00\x00\x03\x04host\x00\x19", 11 },
		{ "\x05\x00\x00\x04" "0123456789abcdef" "\x00\x19", 22 },
	};
	/* What a server sends next must never be asked for. */
	unsigned char buf[64];
	struct errinfo ei;
	size_t i, used;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		memcpy(buf, ok[i].bytes, ok[i].len);
		memcpy(buf + ok[i].len, "+OK ready\r\n", 11);
		assert_int_equal(feed(buf, ok[i].len, &used, &ei),
		    (ssize_t)ok[i].len);
		assert_int_equal(used, ok[i].len);
	}
}

static void
test_reply_bad(void **state)
{
	static const struct {
		const char *bytes;
		size_t len;
		size_t at;		/* refused once this many bytes are in */
		enum status st;
		const char *words;
	} bad[] = {
		{ "HTTP/1.1", 8, 1, ST_PROTOCOL, "starts with 0x48" },
		{ "\x05\x01\x00\x01", 4, 2, ST_TEMPFAIL,
		    "general SOCKS server failure (SOCKS reply 1)" },
		{ "\x05\x02\x00\x01", 4, 2, ST_UNAVAILABLE,
		    "connection not allowed by ruleset (SOCKS reply 2)" },
		{ "\x05\x03\x00\x01", 4, 2, ST_TEMPFAIL,
		    "network unreachable (SOCKS reply 3)" },
		{ "\x05\x04\x00\x01", 4, 2, ST_TEMPFAIL,
		    "host unreachable (SOCKS reply 4)" },
		{ "\x05\x05\x00\x01", 4, 2, ST_TEMPFAIL,
		    "connection refused (SOCKS reply 5)" },
		{ "\x05\x06\x00\x01", 4, 2, ST_TEMPFAIL,
		    "TTL expired (SOCKS reply 6)" },
		{ "\x05\x07\x00\x01", 4, 2, ST_UNAVAILABLE,
		    "command not supported (SOCKS reply 7)" },
		{ "\x05\x08\x00\x01", 4, 2, ST_UNAVAILABLE,
		    "address type not supported (SOCKS reply 8)" },
		{ "\x05\x09\x00\x01", 4, 2, ST_TEMPFAIL,
		    "unknown reply code (SOCKS reply 9)" },
		{ "\x05\x00\x01\x01", 4, 3, ST_PROTOCOL, "reserved byte 0x01" },
		{ "\x05\x00\x00\x02", 4, 4, ST_PROTOCOL, "address type 0x02" },
		{ "\x05\x00\x00\x03\x00\x00\x19", 7, 5, ST_PROTOCOL,
		    "empty bound name" },
	};
	struct errinfo ei;
	size_t i, used;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&ei);
		assert_int_equal(feed((const unsigned char *)bad[i].bytes,
		    bad[i].len, &used, &ei), -1);
		assert_int_equal(used, bad[i].at);
		assert_int_equal(ei.st, bad[i].st);
		if (strstr(ei.msg, bad[i].words) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, ei.msg,
			    bad[i].words);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_method),
		cmocka_unit_test(test_reply_valid),
		cmocka_unit_test(test_reply_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
