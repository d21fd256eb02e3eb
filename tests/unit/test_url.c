/*
 * Unit tests for common/url: every scheme with its TLS mode and default
 * port, ports, IPv6 hosts, users with percent escapes, ";AUTH=", and every
 * refusal with the words that say what is wrong.
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

#include "account.h"
#include "buf.h"
#include "status.h"
#include "url.h"

/* A parsed URL as one line, with the port a connection would use. */
static void
describe(const struct url *u, char *out, size_t outsz)
{
	struct server s;

	memset(&s, 0, sizeof(s));
	s.proto = u->proto;
	s.tls = u->tls;
	s.starttls = u->starttls;
	s.port = u->port;
	snprintf(out, outsz, "%s tls=%d starttls=%d user=%s auth=%s host=%s "
	    "port=%u uses=%u", proto_name(u->proto), u->tls, u->starttls,
	    u->user != NULL ? u->user : "(none)",
	    u->auth != NULL ? u->auth : "(none)",
	    u->host != NULL ? u->host : "(none)", u->port, server_port(&s));
}

static void
test_valid(void **state)
{
	static const struct {
		const char *url;
		const char *want;
	} cases[] = {
		/* Every scheme: its protocol, TLS mode and default port. */
		{ "pop3://mail.example.org", "POP3 tls=1 starttls=1 "
		    "user=(none) auth=(none) host=mail.example.org port=0 "
		    "uses=110" },
		{ "pop3s://mail.example.org", "POP3 tls=1 starttls=0 "
		    "user=(none) auth=(none) host=mail.example.org port=0 "
		    "uses=995" },
		{ "imap://mail.example.org", "IMAP tls=1 starttls=1 "
		    "user=(none) auth=(none) host=mail.example.org port=0 "
		    "uses=143" },
		{ "imaps://mail.example.org", "IMAP tls=1 starttls=0 "
		    "user=(none) auth=(none) host=mail.example.org port=0 "
		    "uses=993" },
		{ "smtp://mail.example.org", "SMTP tls=1 starttls=1 "
		    "user=(none) auth=(none) host=mail.example.org port=0 "
		    "uses=587" },
		{ "submission://mail.example.org", "SMTP tls=1 starttls=1 "
		    "user=(none) auth=(none) host=mail.example.org port=0 "
		    "uses=587" },
		{ "smtps://mail.example.org", "SMTP tls=1 starttls=0 "
		    "user=(none) auth=(none) host=mail.example.org port=0 "
		    "uses=465" },
		{ "submissions://mail.example.org", "SMTP tls=1 starttls=0 "
		    "user=(none) auth=(none) host=mail.example.org port=0 "
		    "uses=465" },
		/* The scheme is case-insensitive. */
		{ "IMAPS://Mail.Example.ORG", "IMAP tls=1 starttls=0 "
		    "user=(none) auth=(none) host=Mail.Example.ORG port=0 "
		    "uses=993" },
		/* Ports. */
		{ "imaps://h:1", "IMAP tls=1 starttls=0 user=(none) "
		    "auth=(none) host=h port=1 uses=1" },
		{ "smtp://h:25", "SMTP tls=1 starttls=1 user=(none) "
		    "auth=(none) host=h port=25 uses=25" },
		{ "pop3s://h:65535", "POP3 tls=1 starttls=0 user=(none) "
		    "auth=(none) host=h port=65535 uses=65535" },
		{ "imap://h:0143", "IMAP tls=1 starttls=1 user=(none) "
		    "auth=(none) host=h port=143 uses=143" },
		/* Hosts. */
		{ "imaps://192.0.2.1", "IMAP tls=1 starttls=0 user=(none) "
		    "auth=(none) host=192.0.2.1 port=0 uses=993" },
		{ "imaps://my_host-1.example", "IMAP tls=1 starttls=0 "
		    "user=(none) auth=(none) host=my_host-1.example port=0 "
		    "uses=993" },
		{ "imaps://[::1]", "IMAP tls=1 starttls=0 user=(none) "
		    "auth=(none) host=::1 port=0 uses=993" },
		{ "imaps://[2001:db8::1]:10993", "IMAP tls=1 starttls=0 "
		    "user=(none) auth=(none) host=2001:db8::1 port=10993 "
		    "uses=10993" },
		{ "smtp://[::ffff:192.0.2.1]:587/", "SMTP tls=1 starttls=1 "
		    "user=(none) auth=(none) host=::ffff:192.0.2.1 port=587 "
		    "uses=587" },
		/* A trailing slash. */
		{ "imaps://h/", "IMAP tls=1 starttls=0 user=(none) auth=(none) "
		    "host=h port=0 uses=993" },
		{ "imaps://h:993/", "IMAP tls=1 starttls=0 user=(none) "
		    "auth=(none) host=h port=993 uses=993" },
		/* Users, percent-decoded. */
		{ "imaps://alice@h", "IMAP tls=1 starttls=0 user=alice "
		    "auth=(none) host=h port=0 uses=993" },
		{ "imaps://alice%40example.org@h", "IMAP tls=1 starttls=0 "
		    "user=alice@example.org auth=(none) host=h port=0 "
		    "uses=993" },
		{ "imaps://a%2Fb%2fc%20d%25@h", "IMAP tls=1 starttls=0 "
		    "user=a/b/c d% auth=(none) host=h port=0 uses=993" },
		{ "imaps://alice@example.org@h", "IMAP tls=1 starttls=0 "
		    "user=alice@example.org auth=(none) host=h port=0 "
		    "uses=993" },
		{ "imaps://%41@h:1", "IMAP tls=1 starttls=0 user=A auth=(none) "
		    "host=h port=1 uses=1" },
		/* ;AUTH= */
		{ "imaps://alice;AUTH=PLAIN@h", "IMAP tls=1 starttls=0 "
		    "user=alice auth=PLAIN host=h port=0 uses=993" },
		{ "smtps://bob;auth=scram-sha-256@[::1]:465", "SMTP tls=1 "
		    "starttls=0 user=bob auth=scram-sha-256 host=::1 port=465 "
		    "uses=465" },
		{ "imap://;AUTH=*@h", "IMAP tls=1 starttls=1 user=(none) "
		    "auth=* host=h port=0 uses=143" },
		{ "imap://a%3Bb;AUTH=X%2DY@h", "IMAP tls=1 starttls=1 user=a;b "
		    "auth=X-Y host=h port=0 uses=143" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct url u;
		struct errinfo ei;
		char got[512];

		err_clear(&ei);
		if (url_parse(cases[i].url, &u, &ei) < 0)
			fail_msg("'%s' refused: %s", cases[i].url, ei.msg);
		describe(&u, got, sizeof(got));
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("'%s':\n  got:  %s\n  want: %s", cases[i].url,
			    got, cases[i].want);
		assert_int_equal(ei.st, ST_OK);
		url_free(&u);
		assert_null(u.host);
		assert_null(u.user);
		assert_null(u.auth);
	}
}

static void
test_errors(void **state)
{
	static const struct {
		const char *url;
		const char *want;	/* in the message */
	} cases[] = {
		{ "imap.example.org", "invalid server URL 'imap.example.org': "
		    "expected scheme://host[:port]" },
		{ "imaps:/h", "invalid server URL 'imaps:/h'" },
		{ "", "invalid server URL ''" },
		{ "http://h", "unknown URL scheme 'http' in 'http://h'" },
		{ "imapss://h", "unknown URL scheme 'imapss'" },
		{ "pop://h", "unknown URL scheme 'pop'" },
		{ "://h", "unknown URL scheme ''" },
		{ "imaps://alice:secret@h", "a password in the URL is not "
		    "allowed" },
		{ "imaps://:secret@h", "a password in the URL is not allowed" },
		{ "imaps://h:0", "invalid port '0' in URL 'imaps://h:0'" },
		{ "imaps://h:65536", "invalid port '65536'" },
		{ "imaps://h:99999", "invalid port '99999'" },
		{ "imaps://h:123456", "invalid port '123456'" },
		{ "imaps://h:abc", "invalid port 'abc'" },
		{ "imaps://h:99x", "invalid port '99x'" },
		{ "imaps://h:-1", "invalid port '-1'" },
		{ "imaps://h:+1", "invalid port '+1'" },
		{ "imaps://h:", "invalid port ''" },
		{ "imaps://h:993:1", "invalid port '993:1'" },
		{ "imaps://[::1]:", "invalid port ''" },
		{ "imaps://[::1]:0", "invalid port '0'" },
		{ "imaps://h/INBOX", "unexpected '/INBOX' after the host in "
		    "URL 'imaps://h/INBOX' (no path or query is allowed)" },
		{ "imaps://h//", "unexpected '//' after the host" },
		{ "imaps://h:993/x", "unexpected '/x' after the host" },
		{ "imaps://h?x=1", "unexpected '?x=1' after the host" },
		{ "imaps://h#frag", "unexpected '#frag' after the host" },
		{ "imaps://a%4@h", "invalid percent escape in the user part" },
		{ "imaps://a%@h", "invalid percent escape in the user part" },
		{ "imaps://a%zz@h", "invalid percent escape in the user part" },
		{ "imaps://a%g1@h", "invalid percent escape in the user part" },
		{ "imaps://a%00b@h",
		    "invalid percent escape in the user part" },
		{ "imaps://a;AUTH=%2@h", "invalid percent escape in the user "
		    "part" },
		{ "imaps://a;FOO=x@h", "invalid ';' in the user part of URL "
		    "'imaps://a;FOO=x@h' (only ;AUTH=mechanism is known)" },
		{ "imaps://a;AUTH=@h", "invalid ';' in the user part" },
		{ "imaps://a;AUTH@h", "invalid ';' in the user part" },
		{ "imaps://[::1", "missing ']' in URL 'imaps://[::1'" },
		{ "imaps://[::1:993", "missing ']'" },
		{ "imaps://[]", "invalid IPv6 address '' in URL" },
		{ "imaps://[zz::1]", "invalid IPv6 address 'zz::1'" },
		{ "imaps://[1234]", "invalid IPv6 address '1234'" },
		{ "imaps://[::1]x", "unexpected 'x' after ']' in URL" },
		{ "imaps://[::1]]", "unexpected ']' after ']'" },
		{ "imaps://", "invalid host name '' in URL 'imaps://'" },
		{ "imaps://alice@", "invalid host name ''" },
		{ "imaps://:993", "invalid host name ''" },
		{ "imaps://ho st", "invalid host name 'ho st'" },
		{ "imaps://h%41", "invalid host name 'h%41'" },
		{ "imaps://::1", "invalid host name ''" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct url u;
		struct errinfo ei;

		err_clear(&ei);
		if (url_parse(cases[i].url, &u, &ei) == 0) {
			url_free(&u);
			fail_msg("'%s' accepted", cases[i].url);
		}
		assert_int_equal(ei.st, ST_CONFIG);
		if (strstr(ei.msg, cases[i].want) == NULL)
			fail_msg("'%s':\n  got:  %s\n  want: ...%s...",
			    cases[i].url, ei.msg, cases[i].want);
		/* Nothing is left allocated. */
		assert_null(u.host);
		assert_null(u.user);
		assert_null(u.auth);
	}
}

static void
test_too_long(void **state)
{
	struct url u;
	struct errinfo ei;
	struct buf b;

	buf_init(&b, URL_MAX + 10);
	buf_addstr(&b, "imaps://");
	while (b.len < URL_MAX)
		buf_addch(&b, 'h');
	assert_int_equal(url_parse(b.data, &u, &ei), 0);
	assert_int_equal(strlen(u.host), URL_MAX - 8);
	url_free(&u);
	buf_addch(&b, 'h');
	err_clear(&ei);
	assert_int_equal(url_parse(b.data, &u, &ei), -1);
	assert_int_equal(ei.st, ST_CONFIG);
	assert_string_equal(ei.msg, "URL too long");
	buf_free(&b);
}

/*
 * A password in a URL is refused so that it never reaches a log: the
 * message must not repeat it, whatever else is wrong with the URL.
 */
static void
test_password_not_repeated(void **state)
{
	static const char *const urls[] = {
		"imaps://alice:s3cr3t@h",
		"imaps://alice:s3cr3t@h/INBOX",
		"imaps://alice:s3cr3t@h?x",
		"http://alice:s3cr3t@h",
		"imaps://alice:s3cr3t@h:99999",
		"imaps://alice:s3cr3t@[::1",
		"imaps://alice:s3/cr3t@h",
		"alice:s3cr3t@h",
	};
	size_t i, bad = 0;

	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		struct url u;
		struct errinfo ei;

		err_clear(&ei);
		assert_int_equal(url_parse(urls[i], &u, &ei), -1);
		assert_int_equal(ei.st, ST_CONFIG);
		if (strstr(ei.msg, "s3cr3t") != NULL) {
			print_error("'%s': the message shows the password: "
			    "%s\n", urls[i], ei.msg);
			bad++;
		}
	}
	if (bad > 0)
		fail_msg("%zu messages show the password", bad);
}

static void
test_parse_port(void **state)
{
	static const struct {
		const char *s;
		int rc;
		unsigned port;
	} cases[] = {
		{ "1", 0, 1 }, { "25", 0, 25 }, { "65535", 0, 65535 },
		{ "00587", 0, 587 }, { "0", -1, 0 }, { "00000", -1, 0 },
		{ "65536", -1, 0 }, { "99999", -1, 0 }, { "100000", -1, 0 },
		{ "", -1, 0 }, { " 1", -1, 0 }, { "1 ", -1, 0 },
		{ "-1", -1, 0 },
		{ "+1", -1, 0 }, { "0x10", -1, 0 }, { "1e3", -1, 0 },
		{ "18446744073709551617", -1, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned port = 4242;

		if (parse_port(cases[i].s, &port) != cases[i].rc)
			fail_msg("parse_port('%s') did not return %d",
			    cases[i].s, cases[i].rc);
		if (port != (cases[i].rc == 0 ? cases[i].port : 4242))
			fail_msg("parse_port('%s') gave %u", cases[i].s, port);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_password_not_repeated),
		cmocka_unit_test(test_parse_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
