/*
 * Unit tests for send/qualify: which addresses are local, what local
 * recipients and senders become, and the From values and headers
 * rewritten, compared byte for byte.  Every prefix of every value is
 * also fed: the addresses found always equal common/addr's, the value
 * is refused exactly when addr_parse_list() refuses it, and what comes
 * out holds no local address any more.
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

#include "addr.h"
#include "buf.h"
#include "qualify.h"

#define ME	"me@example.org"
#define HOST	"web1.example.net"
#define DN	"\"root on web1.example.net\" <" ME ">"

static void
test_init(void **state)
{
	struct qualify q;

	(void)state;
	assert_int_equal(qualify_init(&q, ME, HOST), 1);
	assert_string_equal(q.address, ME);
	assert_string_equal(q.host, HOST);
	assert_int_equal(qualify_init(&q, NULL, HOST), 0);
	assert_null(q.address);
	/* Only a qualified mailbox that is not itself local. */
	assert_int_equal(qualify_init(&q, "me", HOST), 0);
	assert_int_equal(qualify_init(&q, "", HOST), 0);
	assert_int_equal(qualify_init(&q, "me@localhost", HOST), 0);
	assert_int_equal(qualify_init(&q, "me@LocalHost.localdomain", HOST),
	    0);
	assert_int_equal(qualify_init(&q, "me@[127.0.0.1]", HOST), 0);
	/* The host's own name is then the account's mail domain. */
	assert_int_equal(qualify_init(&q, "alice@web1", HOST), 1);
	assert_int_equal(qualify_init(&q, "alice@WEB1.example.net", HOST), 1);
	assert_int_equal(qualify_init(&q, "@example.org", HOST), 0);
	assert_int_equal(qualify_init(&q, "a b@example.org", HOST), 0);
	assert_int_equal(qualify_init(&q, "a@b@example.org", HOST), 0);
	assert_int_equal(qualify_init(&q, "alice@web1", NULL), 1);
}

static void
test_local(void **state)
{
	struct qualify q;

	(void)state;
	qualify_init(&q, ME, HOST);
	assert_true(qualify_is_unqualified("root"));
	assert_true(qualify_is_unqualified("\"a@b\""));
	assert_false(qualify_is_unqualified(""));
	assert_false(qualify_is_unqualified("root@localhost"));

	assert_true(qualify_is_local(&q, "root"));
	assert_true(qualify_is_local(&q, "www-data"));
	assert_true(qualify_is_local(&q, "root@localhost"));
	assert_true(qualify_is_local(&q, "root@LocalHost"));
	assert_true(qualify_is_local(&q, "root@localhost.localdomain"));
	assert_true(qualify_is_local(&q, "root@web1"));
	assert_true(qualify_is_local(&q, "root@Web1.Example.Net"));
	assert_true(qualify_is_local(&q, "root@[127.0.0.1]"));
	assert_true(qualify_is_local(&q, "root@[127.1.2.3]"));
	assert_true(qualify_is_local(&q, "root@[IPv6:::1]"));
	assert_true(qualify_is_local(&q, "\"a@b\""));
	assert_true(qualify_is_local(&q, "\"x\"@localhost"));
	assert_false(qualify_is_local(&q, ""));
	assert_false(qualify_is_local(&q, "root@example.org"));
	assert_false(qualify_is_local(&q, "root@web1.example"));
	assert_false(qualify_is_local(&q, "root@web"));
	assert_false(qualify_is_local(&q, "root@web1x"));
	assert_false(qualify_is_local(&q, "root@example.net"));
	assert_false(qualify_is_local(&q, "root@localhost.evil.org"));
	assert_false(qualify_is_local(&q, "root@[10.0.0.1]"));
	assert_false(qualify_is_local(&q, "root@[127.0.0.1"));
	assert_false(qualify_is_local(&q, "root@[127.x]"));
	assert_false(qualify_is_local(&q, "\"r@localhost\"@x.org"));

	/* A machine named after the mail domain: its addresses are real. */
	qualify_init(&q, ME, "example.org");
	assert_false(qualify_is_local(&q, "bob@example.org"));
	assert_false(qualify_is_local(&q, "bob@EXAMPLE.ORG"));
	assert_true(qualify_is_local(&q, "bob"));
	assert_true(qualify_is_local(&q, "bob@localhost"));
	/* Without a host name, only the fixed names. */
	qualify_init(&q, ME, NULL);
	assert_false(qualify_is_local(&q, "root@web1"));
	assert_true(qualify_is_local(&q, "root@localhost"));
	qualify_init(&q, ME, "");
	assert_false(qualify_is_local(&q, "root@"));
	/* A host name without a dot has no short name. */
	qualify_init(&q, ME, "web1");
	assert_true(qualify_is_local(&q, "root@web1"));
	assert_false(qualify_is_local(&q, "root@web1.example.net"));
	qualify_init(&q, ME, ".x");
	assert_false(qualify_is_local(&q, "root@"));
}

static void
test_envelope(void **state)
{
	struct qualify q;

	(void)state;
	qualify_init(&q, ME, HOST);
	assert_string_equal(qualify_recipient(&q, "root"), ME);
	assert_string_equal(qualify_recipient(&q, "www-data"), ME);
	/* Recipients: only those without '@'. */
	assert_null(qualify_recipient(&q, "root@localhost"));
	assert_null(qualify_recipient(&q, "bob@example.org"));
	assert_null(qualify_recipient(&q, ""));
	assert_string_equal(qualify_sender(&q, "root"), ME);
	assert_string_equal(qualify_sender(&q, "root@localhost"), ME);
	assert_string_equal(qualify_sender(&q, "alice@web1.example.net"), ME);
	assert_null(qualify_sender(&q, ""));
	assert_null(qualify_sender(&q, "bob@example.org"));
	assert_null(qualify_sender(&q, "cron@example.net"));
	/* No address of its own: nothing changes. */
	qualify_init(&q, NULL, HOST);
	assert_null(qualify_recipient(&q, "root"));
	assert_null(qualify_sender(&q, "root@localhost"));
}

static void
test_default_name(void **state)
{
	struct qualify q;
	char *n;

	(void)state;
	qualify_init(&q, ME, HOST);
	n = qualify_default_name(&q, "root");
	assert_string_equal(n, "root on " HOST);
	free(n);
	n = qualify_default_name(&q, "www-data@localhost");
	assert_string_equal(n, "www-data on " HOST);
	free(n);
	n = qualify_default_name(&q, "\"john \\\"j\\\" doe\"@localhost");
	assert_string_equal(n, "john \"j\" doe on " HOST);
	free(n);
	n = qualify_default_name(&q, "\"\"");
	assert_string_equal(n, " on " HOST);
	free(n);
	qualify_init(&q, ME, NULL);
	n = qualify_default_name(&q, "root");
	assert_string_equal(n, "root");
	free(n);
}

struct vcase {
	const char *in;
	int want;		/* mailboxes rewritten, or -1 */
	const char *out;	/* NULL: as in */
};

static const struct vcase vcases[] = {
	{ "root", 1, DN },
	{ "root (Cron Daemon)", 1, "Cron Daemon <" ME ">" },
	{ "\"Cron Daemon\" <root>", 1, "Cron Daemon <" ME ">" },
	{ "Cron Daemon <root>", 1, "Cron Daemon <" ME ">" },
	{ "Cron  Daemon\t<root>", 1, "Cron Daemon <" ME ">" },
	{ "Cron <root@localhost> (x)", 1, "Cron <" ME ">" },
	{ "root@localhost", 1, DN },
	{ "root@LOCALHOST.localdomain", 1, DN },
	{ "root@[127.0.0.1]", 1, DN },
	{ "root@[IPv6:::1]", 1, DN },
	{ "root@web1", 1, DN },
	{ "root@web1.example.net", 1, DN },
	{ "<root>", 1, DN },
	{ "<@relay.example.org:root>", 1, DN },
	{ "\"\" <root>", 1, DN },
	{ "www-data", 1, "\"www-data on web1.example.net\" <" ME ">" },
	{ "\"john doe\"@localhost", 1,
	    "\"john doe on web1.example.net\" <" ME ">" },
	/* Quoted strings: '"' and '\' escaped again. */
	{ "\"J. \\\"Q\\\" Doe\" <root>", 1, "\"J. \\\"Q\\\" Doe\" <" ME ">" },
	{ "\"back\\\\slash\" <root>", 1, "\"back\\\\slash\" <" ME ">" },
	{ "\"a\\b\" <root>", 1, "ab <" ME ">" },
	{ "John Q. Public <root>", 1, "\"John Q. Public\" <" ME ">" },
	{ "root (a \"b\" \\(c\\))", 1, "\"a \\\"b\\\" (c)\" <" ME ">" },
	{ "root (nested (comment) here)", 1,
	    "\"nested (comment) here\" <" ME ">" },
	{ "root (  spaced\tname  )", 1, "spaced name <" ME ">" },
	{ "root ()", 1, DN },
	{ "root (   )", 1, DN },
	{ "Alice (her) <root>", 1, "Alice <" ME ">" },
	{ "<root> (Cron Daemon)", 1, "Cron Daemon <" ME ">" },
	/* Non-ASCII: RFC 2047, or kept when it already was. */
	{ "\"\xc3\x89lodie\" <root>", 1, "=?UTF-8?B?w4lsb2RpZQ==?= <" ME ">" },
	{ "\xc3\x89lodie <root>", 1, "=?UTF-8?B?w4lsb2RpZQ==?= <" ME ">" },
	{ "=?UTF-8?B?w4lsb2RpZQ==?= <root>", 1,
	    "=?UTF-8?B?w4lsb2RpZQ==?= <" ME ">" },
	{ "=?utf-8?q?Cron_D=C3=A6mon?=  \"x, y\" <root>", 1,
	    "=?utf-8?q?Cron_D=C3=A6mon?= \"x, y\" <" ME ">" },
	{ "root (=?UTF-8?B?w4lsb2RpZQ==?= Daemon)", 1,
	    "=?UTF-8?B?w4lsb2RpZQ==?= Daemon <" ME ">" },
	{ "root (=?UTF-8?B?w4lsb2RpZQ==?=, x)", 1,
	    "\"=?UTF-8?B?w4lsb2RpZQ==?=, x\" <" ME ">" },
	{ "root (\xc3\x89lodie)", 1, "=?UTF-8?B?w4lsb2RpZQ==?= <" ME ">" },
	/* Several mailboxes, groups, white space: only the local change. */
	{ "Bob <bob@example.org>, root", 1,
	    "Bob <bob@example.org>, " DN },
	{ "root, www-data", 2,
	    DN ", \"www-data on web1.example.net\" <" ME ">" },
	{ "root,bob@x.org ,  root@localhost  ", 2,
	    DN ",bob@x.org ,  " DN "  " },
	{ "Admins: root, bob@x.org;", 1, "Admins: " DN ", bob@x.org;" },
	{ "Admins: root;, cron (Cron)", 2,
	    "Admins: " DN ";, Cron <" ME ">" },
	{ "a: b: root", 1, "a: b: " DN },
	{ "a@b.org,root", 1, "a@b.org, " DN },
	{ "=?:x?B?y?-z?B?", 1, "=?: \"x?B?y?-z?B? on web1.example.net\" <"
	    ME ">" },
	{ "=?:-?B?B?\t-?B?B?=?U-0?B?\t?=", 1,
	    "=?: \"-?B?B?-?B?B?=?U-0?B?" "?= on web1.example.net\" <" ME ">" },
	{ "<x@localhost> Team: root", 1,
	    "\"x on web1.example.net\" <" ME ">" },
	{ "  root  ", 1, "  " DN "  " },
	/* Qualified ones are never touched. */
	{ "bob@example.org", 0, NULL },
	{ "Bob (Builder) <bob@example.org>", 0, NULL },
	{ "root@web1.example", 0, NULL },
	{ "root@[10.0.0.1]", 0, NULL },
	{ "undisclosed-recipients:;", 0, NULL },
	{ "", 0, NULL },
	{ "   ", 0, NULL },
	{ "(only a comment)", 0, NULL },
	/* What common/addr refuses is refused here. */
	{ "\"unbalanced <root>", -1, NULL },
	{ "root (", -1, NULL },
	{ "<root", -1, NULL },
	{ "root>", -1, NULL },
	{ "<<root>>", -1, NULL },
	{ "root\nx", -1, NULL },
	{ "root\r", -1, NULL },
	{ "a@b.org,\r\n root", -1, NULL },
};

/* The addresses of l joined with '|'. */
static void
join(const struct addr_list *l, struct buf *b)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		buf_printf(b, "%s%s", i ? "|" : "", l->v[i]);
}

/*
 * What must hold for any value: the same addresses as addr_parse_list()
 * and refused when it refuses; what comes out parses, and holds the
 * same addresses with the local ones made q's address.
 */
static void
check_value(const struct qualify *q, const char *in)
{
	struct addr_list got, want, again;
	struct buf out, b1, b2;
	struct errinfo ei;
	size_t i;
	int n, prc;

	addr_list_init(&got);
	addr_list_init(&want);
	addr_list_init(&again);
	buf_init(&out, 1024 * 1024);
	buf_init(&b1, 1024 * 1024);
	buf_init(&b2, 1024 * 1024);
	prc = addr_parse_list(in, &want, &ei);
	n = qualify_from_value(q, in, &out, &got);
	if (strpbrk(in, "\r\n") != NULL) {
		if (n != -1)
			fail_msg("'%s': a line end, yet %d", in, n);
		goto out;
	}
	if (prc < 0) {
		if (n != -1)
			fail_msg("'%s': addr refuses it, qualify says %d", in,
			    n);
		goto out;
	}
	if (n < 0)
		fail_msg("'%s': addr takes it, qualify refuses it", in);
	join(&want, &b1);
	join(&got, &b2);
	if (strcmp(b1.data, b2.data) != 0)
		fail_msg("'%s': addr finds '%s', qualify '%s'", in, b1.data,
		    b2.data);
	if (n == 0 && strcmp(out.data, in) != 0)
		fail_msg("'%s': nothing rewritten but '%s' out", in, out.data);
	if (addr_parse_list(out.data, &again, &ei) < 0)
		fail_msg("'%s': '%s' out does not parse: %s", in, out.data,
		    ei.msg);
	assert_int_equal(again.n, want.n);
	for (i = 0; i < want.n; i++) {
		const char *w = qualify_is_local(q, want.v[i]) ? q->address :
		    want.v[i];

		if (strcmp(again.v[i], w) != 0)
			fail_msg("'%s' -> '%s': address %zu is '%s', not '%s'",
			    in, out.data, i, again.v[i], w);
	}
out:
	addr_list_free(&got);
	addr_list_free(&want);
	addr_list_free(&again);
	buf_free(&out);
	buf_free(&b1);
	buf_free(&b2);
}

static void
test_from_value(void **state)
{
	struct qualify q;
	size_t i, k;

	(void)state;
	qualify_init(&q, ME, HOST);
	for (i = 0; i < sizeof(vcases) / sizeof(vcases[0]); i++) {
		const struct vcase *c = &vcases[i];
		struct buf out;
		int n;

		buf_init(&out, 64 * 1024);
		n = qualify_from_value(&q, c->in, &out, NULL);
		if (n != c->want)
			fail_msg("'%s': %d rewritten, not %d", c->in, n,
			    c->want);
		if (n >= 0 && strcmp(out.data, c->out != NULL ? c->out :
		    c->in) != 0)
			fail_msg("'%s': '%s', not '%s'", c->in, out.data,
			    c->out != NULL ? c->out : c->in);
		buf_free(&out);
		/* The whole value, and every prefix of it. */
		for (k = 0; k <= strlen(c->in); k++) {
			char *p = strndup(c->in, k);

			check_value(&q, p);
			free(p);
		}
	}
}

static void
test_from_value_host(void **state)
{
	struct qualify q;
	struct buf out;

	(void)state;
	/* No address: nothing is local enough to rewrite. */
	qualify_init(&q, NULL, HOST);
	buf_init(&out, 1024);
	assert_int_equal(qualify_from_value(&q, "root", &out, NULL), 0);
	assert_string_equal(out.data, "root");
	buf_free(&out);
	/* A short host name: a plain phrase needs no quotes. */
	qualify_init(&q, ME, "web1");
	buf_init(&out, 1024);
	assert_int_equal(qualify_from_value(&q, "root", &out, NULL), 1);
	assert_string_equal(out.data, "root on web1 <" ME ">");
	buf_free(&out);
	/* The host unknown: the local part alone. */
	qualify_init(&q, ME, NULL);
	buf_init(&out, 1024);
	assert_int_equal(qualify_from_value(&q, "root@localhost", &out, NULL),
	    1);
	assert_string_equal(out.data, "root <" ME ">");
	buf_free(&out);
	/* out too small. */
	qualify_init(&q, ME, HOST);
	buf_init(&out, 10);
	assert_int_equal(qualify_from_value(&q, "root", &out, NULL), -2);
	buf_free(&out);
	buf_init(&out, 10);
	assert_int_equal(qualify_from_value(&q, "a@b.org, c@d.org", &out,
	    NULL), -2);
	buf_free(&out);
	buf_init(&out, 10);
	assert_int_equal(qualify_from_value(&q, "<x", &out, NULL), -1);
	buf_free(&out);
}

struct hcase {
	const char *in;
	int want;
	const char *out;	/* with want > 0 */
};

static const struct hcase hcases[] = {
	{ "From: root\nSubject: x\n", 1, "From: " DN "\nSubject: x\n" },
	{ "Subject: x\nFrom: root\n", 1, "Subject: x\nFrom: " DN "\n" },
	{ "FROM:root (Cron Daemon)\n", 1, "FROM: Cron Daemon <" ME ">\n" },
	/* A folded field is unfolded. */
	{ "From: Cron\n Daemon\n\t<root>\nTo: x\n", 1,
	    "From: Cron Daemon <" ME ">\nTo: x\n" },
	{ "From: Cron\r\n Daemon <root>\r\nTo: x\r\n", 1,
	    "From: Cron Daemon <" ME ">\nTo: x\r\n" },
	/* Every From field; the others as they were. */
	{ "From: root\nFrom: a@b.org\nFrom: www-data\n", 2,
	    "From: " DN "\nFrom: a@b.org\nFrom: \"www-data on "
	    "web1.example.net\" <" ME ">\n" },
	/* Folded again after a comma when the line is too long. */
	{ "From: Someone With A Long Name <someone@example.org>, root, "
	    "other@example.org\n", 1,
	    "From: Someone With A Long Name <someone@example.org>,\n "
	    "\"root on web1.example.net\" <" ME ">, other@example.org\n" },
	{ "From: root, \"a, b\" <bob@example.org>, (c, d) www-data, x@y.org, "
	    "z@y.org\n", 2,
	    "From: " DN ", \"a, b\" <bob@example.org>,\n \"c, d\" <" ME ">, "
	    "x@y.org, z@y.org\n" },
	/* What follows the fields stays. */
	{ "From: root\nnot a field\n", 1, "From: " DN "\nnot a field\n" },
	{ "From: root", 1, "From: " DN "\n" },
	/* Nothing to do. */
	{ "From: bob@example.org\nTo: root\n", 0, NULL },
	{ "Resent-From: root\nSender: root\n", 0, NULL },
	{ "From: \"unbalanced <root>\n", 0, NULL },
	{ "", 0, NULL },
};

static void
test_header(void **state)
{
	struct qualify q;
	size_t i;

	(void)state;
	qualify_init(&q, ME, HOST);
	for (i = 0; i < sizeof(hcases) / sizeof(hcases[0]); i++) {
		const struct hcase *c = &hcases[i];
		struct buf out, again;
		size_t k;
		int n;

		buf_init(&out, 64 * 1024);
		n = qualify_header(&q, c->in, strlen(c->in), &out);
		if (n != c->want)
			fail_msg("'%s': %d rewritten, not %d", c->in, n,
			    c->want);
		if (n > 0 && strcmp(out.data, c->out) != 0)
			fail_msg("'%s':\n'%s', not\n'%s'", c->in, out.data,
			    c->out);
		if (n == 0)
			assert_int_equal(out.len, 0);
		/* Nothing local is left: a second pass does nothing. */
		if (n > 0) {
			buf_init(&again, 64 * 1024);
			assert_int_equal(qualify_header(&q, out.data, out.len,
			    &again), 0);
			buf_free(&again);
		}
		buf_free(&out);
		/* Every prefix. */
		for (k = 0; k < strlen(c->in); k++) {
			buf_init(&out, 64 * 1024);
			assert_true(qualify_header(&q, c->in, k, &out) >= 0);
			buf_free(&out);
		}
	}
}

static void
test_header_limits(void **state)
{
	struct qualify q;
	struct buf out;
	static const char nul[] = "From: root\0x\nTo: y\n";

	(void)state;
	qualify_init(&q, ME, HOST);
	/* A field with a NUL is left alone. */
	buf_init(&out, 1024);
	assert_int_equal(qualify_header(&q, nul, sizeof(nul) - 1, &out), 0);
	assert_int_equal(out.len, 0);
	buf_free(&out);
	/* Too long once rewritten: -1, out emptied. */
	buf_init(&out, 30);
	assert_int_equal(qualify_header(&q, "From: root\n", 11, &out), -1);
	assert_int_equal(out.len, 0);
	buf_free(&out);
	/* No address: nothing. */
	qualify_init(&q, NULL, HOST);
	buf_init(&out, 1024);
	assert_int_equal(qualify_header(&q, "From: root\n", 11, &out), 0);
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_local),
		cmocka_unit_test(test_envelope),
		cmocka_unit_test(test_default_name),
		cmocka_unit_test(test_from_value),
		cmocka_unit_test(test_from_value_host),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_header_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
