/*
 * Unit tests for common/addr (address lists), common/hdr (header
 * fields), send/wire (CR LF and dot-stuffing, split at every offset),
 * send/msghdr (Bcc, Date, Message-ID, From; -t recipients) and
 * send/aliases.
 */
#include "autoconf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "addr.h"
#include "aliases.h"
#include "fromaddr.h"
#include "buf.h"
#include "hdr.h"
#include "msghdr.h"
#include "wire.h"

struct acase {
	const char *in;
	const char *want;	/* addresses joined with '|'; NULL: error */
};

static const struct acase acases[] = {
	{ "a@b.org", "a@b.org" },
	{ "  a@b.org  ", "a@b.org" },
	{ "Alice <a@b.org>", "a@b.org" },
	{ "\"Doe, John\" <j@x.org>, k@x.org", "j@x.org|k@x.org" },
	{ "a@b.org (Alice, the (real) one), c@d.org", "a@b.org|c@d.org" },
	{ "<a@b.org> (comment <x@y>)", "a@b.org" },
	{ "Alice (her) <a (in) @b.org>", "a@b.org" },
	{ "team: a@x.org, Bob <b@x.org>;, c@y.org", "a@x.org|b@x.org|c@y.org" },
	{ "undisclosed-recipients:;", "" },
	{ "empty:; a@b.org", "a@b.org" },
	{ "<@r1.org,@r2.org:u@x.org>", "u@x.org" },
	{ "\"john doe\"@x.org", "\"john doe\"@x.org" },
	{ "\"a\\\"b\"@x.org", "\"a\\\"b\"@x.org" },
	{ "u@[127.0.0.1]", "u@[127.0.0.1]" },
	{ "=?utf-8?q?Doe,_John?= <j@x.org>", "j@x.org" },
	{ "=?UTF-8?B?w6lsw6hu?= <e@x.org>, f@x.org", "e@x.org|f@x.org" },
	{ "a@b.org,,\t, c@d.org", "a@b.org|c@d.org" },
	{ "", "" },
	{ "root", "root" },
	{ "root, admin", "root|admin" },
	{ "\"unbalanced <a@b.org>", NULL },
	{ "(unbalanced a@b.org", NULL },
	{ "Alice <a@b.org", NULL },
	{ "a@b.org>", NULL },
	{ "<<a@b.org>>", NULL },
};

static void
join(const struct addr_list *l, struct buf *b)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		buf_printf(b, "%s%s", i ? "|" : "", l->v[i]);
}

static void
test_addr_lists(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(acases) / sizeof(acases[0]); i++) {
		struct addr_list l;
		struct errinfo ei;
		struct buf b;
		int rc;

		addr_list_init(&l);
		buf_init(&b, 4096);
		rc = addr_parse_list(acases[i].in, &l, &ei);
		if (acases[i].want == NULL) {
			if (rc != -1)
				fail_msg("'%s': no error", acases[i].in);
			assert_int_equal(ei.st, ST_DATA);
		} else {
			if (rc != 0)
				fail_msg("'%s': %s", acases[i].in, ei.msg);
			join(&l, &b);
			if (strcmp(b.data, acases[i].want) != 0)
				fail_msg("'%s': got '%s', want '%s'", acases[i].in,
				    b.data, acases[i].want);
		}
		buf_free(&b);
		addr_list_free(&l);
	}
}

static void
test_addr_limits(void **state)
{
	struct addr_list l;
	struct errinfo ei;
	struct buf b;
	size_t i;

	(void)state;
	/* An address over ADDR_MAX. */
	buf_init(&b, 1 << 20);
	for (i = 0; i < ADDR_MAX; i++)
		buf_addch(&b, 'a');
	buf_addstr(&b, "@x.org");
	addr_list_init(&l);
	assert_int_equal(addr_parse_list(b.data, &l, &ei), -1);
	assert_int_equal(ei.st, ST_DATA);
	assert_non_null(strstr(ei.msg, "too long"));
	addr_list_free(&l);
	buf_free(&b);

	/* Too many addresses: the ones before the limit are kept. */
	buf_init(&b, 1 << 20);
	for (i = 0; i <= ADDR_COUNT_MAX; i++)
		buf_printf(&b, "a%zu@x.org,", i);
	addr_list_init(&l);
	assert_int_equal(addr_parse_list(b.data, &l, &ei), -1);
	assert_int_equal(l.n, ADDR_COUNT_MAX);
	assert_non_null(strstr(ei.msg, "too many"));
	addr_list_free(&l);
	buf_free(&b);

	assert_true(addr_envelope_ok(""));
	assert_true(addr_envelope_ok("a@b.org"));
	assert_true(addr_envelope_ok("\"a b\"@x.org"));
	assert_false(addr_envelope_ok("a b@x.org"));
	assert_false(addr_envelope_ok("a@b.org>"));
	assert_false(addr_envelope_ok("a@b.org\r\nRCPT TO:<x@y>"));
	/* Escaped inside quotes, a line end is no better (found by
	 * tests/fuzz/fuzz_addr). */
	assert_false(addr_envelope_ok("\"a\\\r\\\nRCPT TO:<x@y>\"@b.org"));
	assert_false(addr_envelope_ok("\"a\\\r\"@b.org"));
	assert_false(addr_envelope_ok("\"a\\\x7f\"@b.org"));
	assert_true(addr_envelope_ok("\"a\\\"b\"@b.org"));
	/* A mailbox: both parts, or a local name (issue 11: 'bob@'). */
	assert_true(addr_mailbox_ok("a@b.org"));
	assert_true(addr_mailbox_ok("root"));
	assert_true(addr_mailbox_ok("\"a@b\"@x.org"));
	assert_true(addr_mailbox_ok("a@[192.0.2.1]"));
	assert_false(addr_mailbox_ok("bob@"));
	assert_false(addr_mailbox_ok("@x.org"));
	assert_false(addr_mailbox_ok("a@b@c.org"));
	assert_false(addr_mailbox_ok(""));
	assert_false(addr_mailbox_ok("a b@x.org"));
	assert_true(addr_is_8bit("j\xc3\xbcrgen@x.org"));
	assert_false(addr_is_8bit("j@x.org"));
	assert_true(addr_equal("A@B.org", "a@b.ORG"));
}

static const char block[] =
    "From: Alice <a@x.org>\r\n"
    "To: b@x.org,\r\n"
    "\tc@x.org\n"
    "Subject :  folded\n"
    "  subject  \n"
    "X-Empty:\n"
    "Bcc: d@x.org\n"
    "not a header line\n"
    "To: after@x.org\n";

static void
test_hdr(void **state)
{
	struct hdr_field f;
	size_t off = 0, len = strlen(block), n = 0;
	char *v;

	(void)state;
	while (hdr_next(block, len, &off, &f)) {
		v = hdr_value(block, &f);
		switch (n++) {
		case 0:
			assert_true(hdr_is(block, &f, "from"));
			assert_string_equal(v, "Alice <a@x.org>");
			break;
		case 1:
			assert_true(hdr_is(block, &f, "TO"));
			assert_string_equal(v, "b@x.org,\tc@x.org");
			break;
		case 2:
			assert_true(hdr_is(block, &f, "Subject"));
			assert_string_equal(v, "folded  subject");
			break;
		case 3:
			assert_true(hdr_is(block, &f, "X-Empty"));
			assert_string_equal(v, "");
			break;
		case 4:
			assert_true(hdr_is(block, &f, "Bcc"));
			break;
		}
		free(v);
	}
	/* The block ends at the line that is not a field. */
	assert_int_equal(n, 5);
	assert_memory_equal(block + off, "not a header", 12);
	assert_true(hdr_has(block, len, "bcc"));
	assert_false(hdr_has(block, len, "Cc"));
	v = hdr_get(block, len, "To");
	assert_string_equal(v, "b@x.org,\tc@x.org");
	free(v);
	assert_null(hdr_get(block, len, "Date"));
	assert_true(hdr_is_field_line("A: b", 4));
	assert_true(hdr_is_field_line("A-B:", 4));
	assert_false(hdr_is_field_line(" A: b", 5));
	assert_false(hdr_is_field_line("From x@y Mon", 12));
	assert_false(hdr_is_field_line(":x", 2));
	assert_false(hdr_is_field_line("abc", 3));
}

/* Encode with a split at cut, then one byte at a time. */
static void
wire_all(const char *in, size_t n, size_t cut, int bytewise, struct buf *out,
    struct wire *w)
{
	char o[WIRE_OUT_MAX(256)];
	size_t i;

	wire_init(w);
	if (bytewise) {
		for (i = 0; i < n; i++)
			buf_add(out, o, wire_encode(w, in + i, 1, o));
	} else {
		buf_add(out, o, wire_encode(w, in, cut, o));
		buf_add(out, o, wire_encode(w, in + cut, n - cut, o));
	}
	buf_add(out, o, wire_finish(w, o));
}

static const struct {
	const char *in, *want;
	unsigned long long size;
	int eightbit;
} wcases[] = {
	{ "a\r\nb\r\n", "a\r\nb\r\n", 6, 0 },
	{ "a\nb\n", "a\r\nb\r\n", 6, 0 },
	{ "a\rb\r", "a\r\nb\r\n", 6, 0 },
	{ "a\r\r\nb", "a\r\n\r\nb\r\n", 8, 0 },
	{ "a\n\rb", "a\r\n\r\nb\r\n", 8, 0 },
	{ ".\n..\n. x\nx.\n", "..\r\n...\r\n.. x\r\nx.\r\n", 16, 0 },
	{ "no newline", "no newline\r\n", 12, 0 },
	{ "", "", 0, 0 },
	{ "caf\xc3\xa9\n", "caf\xc3\xa9\r\n", 7, 1 },
	{ "\n\n", "\r\n\r\n", 4, 0 },
};

static void
test_wire(void **state)
{
	size_t i, cut;

	(void)state;
	for (i = 0; i < sizeof(wcases) / sizeof(wcases[0]); i++) {
		size_t n = strlen(wcases[i].in);

		for (cut = 0; cut <= n + 1; cut++) {
			struct buf out;
			struct wire w;

			buf_init(&out, 1024);
			wire_all(wcases[i].in, n, cut > n ? 0 : cut, cut > n,
			    &out, &w);
			if (strcmp(out.data, wcases[i].want) != 0)
				fail_msg("wire case %zu cut %zu", i, cut);
			assert_int_equal(w.size, wcases[i].size);
			assert_int_equal(w.eightbit, wcases[i].eightbit);
			buf_free(&out);
		}
	}
}

/* Random texts: no bare CR or LF out, and unstuffing gives the input. */
static void
test_wire_random(void **state)
{
	static const char alpha[] = "a.\r\n\xe9";
	unsigned seed = 7;
	int t;

	(void)state;
	for (t = 0; t < 2000; t++) {
		char in[64], o[WIRE_OUT_MAX(64)], u[WIRE_OUT_MAX(64)];
		size_t n = seed % 40, i, on, un;
		struct wire w;

		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = alpha[(seed >> 16) % 5];
		}
		seed = seed * 1103515245u + 12345u;
		wire_init(&w);
		on = wire_encode(&w, in, n, o);
		on += wire_finish(&w, o + on);
		for (i = 0; i < on; i++) {
			if (o[i] == '\r')
				assert_true(i + 1 < on && o[i + 1] == '\n');
			if (o[i] == '\n')
				assert_true(i > 0 && o[i - 1] == '\r');
		}
		wire_init(&w);
		un = wire_unstuff(&w, o, on, u);
		/* Unstuffed, the size is what was counted. */
		assert_int_equal(un, on - (on - un));
		wire_init(&w);
		{
			struct wire w2;
			char o2[WIRE_OUT_MAX(64)];
			size_t n2;

			wire_init(&w2);
			n2 = wire_encode(&w2, u, un, o2);
			n2 += wire_finish(&w2, o2 + n2);
			/* Encoding the unstuffed text again gives the same. */
			assert_int_equal(n2, on);
			assert_memory_equal(o2, o, on);
			assert_int_equal(w2.size, un);
		}
	}
}

static void
test_msghdr(void **state)
{
	static const char in[] =
	    "To: b@x.org\n"
	    "Bcc: hidden@x.org,\n"
	    " more@x.org\n"
	    "Subject: s\n"
	    "Resent-Bcc: r@x.org\n";
	struct msghdr_opts o;
	struct addr_list to;
	struct errinfo ei;
	struct buf out;
	char *dn;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	memset(&o, 0, sizeof(o));
	o.from = "a@x.org";
	o.remove_bcc = 1;
	o.msgid_domain = "x.org";
	o.now = 1795392000;	/* 2026-11-23 00:00:00 UTC */
	buf_init(&out, 1 << 16);
	assert_int_equal(msghdr_finish(in, strlen(in), &o, &out, &ei), 0);
	assert_null(strstr(out.data, "Bcc"));
	assert_null(strstr(out.data, "hidden"));
	assert_null(strstr(out.data, "more@"));
	assert_non_null(strstr(out.data, "To: b@x.org\nSubject: s\n"));
	assert_non_null(strstr(out.data, "\nFrom: a@x.org\n"));
	assert_non_null(strstr(out.data,
	    "\nDate: Mon, 23 Nov 2026 00:00:00 +0000\n"));
	assert_non_null(strstr(out.data, "\nMessage-ID: <20261123000000."));
	assert_non_null(strstr(out.data, "@x.org>\n"));
	buf_free(&out);

	/* Kept when asked; nothing added when present; -F quoted. */
	o.remove_bcc = 0;
	o.fullname = "Doe, Jane";
	buf_init(&out, 1 << 16);
	assert_int_equal(msghdr_finish(in, strlen(in), &o, &out, &ei), 0);
	assert_non_null(strstr(out.data, "Bcc: hidden@x.org,\n more@x.org\n"));
	assert_non_null(strstr(out.data, "From: \"Doe, Jane\" <a@x.org>\n"));
	buf_free(&out);

	/* set_from on replaces a (folded) From; off adds nothing. */
	o.fullname = NULL;
	o.set_from = SETHDR_ON;
	o.set_date = SETHDR_OFF;
	o.set_msgid = SETHDR_OFF;
	buf_init(&out, 1 << 16);
	{
		static const char two[] = "From: x@y.org,\n z@y.org\nA: b\n";

		assert_int_equal(msghdr_finish(two, strlen(two), &o, &out, &ei),
		    0);
	}
	assert_string_equal(out.data, "A: b\nFrom: a@x.org\n");
	buf_free(&out);
	o.set_from = SETHDR_OFF;
	buf_init(&out, 1 << 16);
	assert_int_equal(msghdr_finish("A: b\n", 5, &o, &out, &ei), 0);
	assert_string_equal(out.data, "A: b\n");
	buf_free(&out);

	/* undisclosed_recipients: To, Cc, Bcc (folded) go, one To comes. */
	o.set_to = SETTO_UNDISCLOSED;
	buf_init(&out, 1 << 16);
	{
		static const char tcb[] = "To: b@x.org,\n c@x.org\nCc: d@x.org\n"
		    "Bcc: e@x.org\nSubject: s\nReply-To: r@x.org\n";

		assert_int_equal(msghdr_finish(tcb, strlen(tcb), &o, &out, &ei),
		    0);
	}
	assert_string_equal(out.data, "Subject: s\nReply-To: r@x.org\n"
	    "To: undisclosed-recipients:;\n");
	buf_free(&out);
	/* set_to_header on: every envelope recipient, folded. */
	o.set_to = SETTO_ON;
	addr_list_init(&to);
	addr_list_add(&to, "b@x.org");
	addr_list_add(&to, "root@x.org");
	o.to = &to;
	buf_init(&out, 1 << 16);
	assert_int_equal(msghdr_finish("To: root\nCc: c@x\nA: b\n", 22, &o,
	    &out, &ei), 0);
	assert_string_equal(out.data, "A: b\nTo: b@x.org,\n root@x.org\n");
	buf_free(&out);
	addr_list_free(&to);
	o.to = NULL;
	o.set_to = SETTO_OFF;

	/* A line end in the full name is refused. */
	o.set_from = SETHDR_AUTO;
	o.fullname = "Evil\nBcc: x@y";
	buf_init(&out, 1 << 16);
	assert_int_equal(msghdr_finish("A: b\n", 5, &o, &out, &ei), -1);
	assert_int_equal(ei.st, ST_DATA);
	buf_free(&out);

	dn = msghdr_display_name("Jane Doe");
	assert_string_equal(dn, "Jane Doe");
	free(dn);
	dn = msghdr_display_name("J. \"Q\" Doe");
	assert_string_equal(dn, "\"J. \\\"Q\\\" Doe\"");
	free(dn);
	dn = msghdr_display_name("\xc3\x89lodie");
	assert_string_equal(dn, "=?UTF-8?B?w4lsb2RpZQ==?=");
	free(dn);
	/* Long names: several words, none over 75 characters. */
	dn = msghdr_display_name("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	{
		char *w, *save = NULL;

		for (w = strtok_r(dn, " ", &save); w != NULL;
		    w = strtok_r(NULL, " ", &save))
			assert_true(strlen(w) <= 75);
	}
	free(dn);
}

static void
test_recipients(void **state)
{
	static const char normal[] =
	    "From: a@x.org\nTo: B <b@x.org>, c@x.org\nCc: \"D, E\" <d@x.org>\n"
	    "Bcc: e@x.org\nSubject: s\n";
	static const char resent[] =
	    "To: old@x.org\nResent-To: new@x.org\nResent-Cc: g: h@x.org;\n";
	struct addr_list l;
	struct errinfo ei;
	struct buf b;
	char *f;

	(void)state;
	addr_list_init(&l);
	buf_init(&b, 4096);
	assert_int_equal(msghdr_recipients(normal, strlen(normal), &l, &ei), 0);
	join(&l, &b);
	assert_string_equal(b.data, "b@x.org|c@x.org|d@x.org|e@x.org");
	addr_list_free(&l);
	buf_reset(&b);
	assert_int_equal(msghdr_recipients(resent, strlen(resent), &l, &ei), 0);
	join(&l, &b);
	assert_string_equal(b.data, "new@x.org|h@x.org");
	addr_list_free(&l);
	buf_free(&b);
	f = msghdr_from_address(normal, strlen(normal));
	assert_string_equal(f, "a@x.org");
	free(f);
	assert_null(msghdr_from_address("To: x@y\n", 8));
}

static void
test_aliases(void **state)
{
	static const char text[] =
	    "# system aliases\r\n"
	    "\n"
	    "root : admin@x.org, ops@x.org\n"
	    "Cron: me@x.org\n"
	    "default: catchall@x.org\n";
	struct addr_list l, failed;
	struct errinfo ei;
	struct buf b;

	(void)state;
	addr_list_init(&l);
	addr_list_init(&failed);
	buf_init(&b, 4096);
	addr_list_add(&l, "root");
	addr_list_add(&l, "cron");
	addr_list_add(&l, "who");
	addr_list_add(&l, "root@elsewhere.org");
	assert_int_equal(aliases_expand_text("aliases", text, strlen(text), &l,
	    &ei), 0);
	join(&l, &b);
	assert_string_equal(b.data, "admin@x.org|ops@x.org|me@x.org|"
	    "catchall@x.org|root@elsewhere.org");
	addr_list_free(&l);

	/* Without a default entry, unknown names stay. */
	addr_list_add(&l, "who");
	assert_int_equal(aliases_expand_text("a", "root: x@y.org\n", 14, &l,
	    &ei), 0);
	assert_string_equal(l.v[0], "who");
	addr_list_free(&l);

	/* A malformed line: file:line. */
	addr_list_add(&l, "root");
	assert_int_equal(aliases_expand_text("/etc/aliases", "ok: a@b.org\n"
	    "no colon here\n", 26, &l, &ei), -1);
	assert_int_equal(ei.st, ST_CONFIG);
	assert_non_null(strstr(ei.msg, "/etc/aliases:2:"));
	addr_list_free(&l);
	addr_list_add(&l, "root");
	assert_int_equal(aliases_expand_text("f", "root:\n", 6, &l, &ei), -1);
	assert_non_null(strstr(ei.msg, "f:1: no address"));
	addr_list_free(&l);
	/*
	 * A missing file stops only the local names (moved to failed); the
	 * other recipients stay (issue 11).
	 */
	addr_list_add(&l, "root");
	addr_list_add(&l, "bob@example.org");
	addr_list_add(&l, "cron");
	assert_int_equal(aliases_expand("/nonexistent/aliases", &l, &failed,
	    &ei), -1);
	assert_int_equal(ei.st, ST_NOINPUT);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0], "bob@example.org");
	assert_int_equal(failed.n, 2);
	assert_string_equal(failed.v[0], "root");
	assert_string_equal(failed.v[1], "cron");
	addr_list_free(&l);
	addr_list_free(&failed);
	assert_int_equal(aliases_is_local("root"), 1);
	assert_int_equal(aliases_is_local("root@host"), 0);
	buf_free(&b);
}

/* msmtp's from: substitutions, patterns, subaddresses (issue 11). */
static void
test_fromaddr(void **state)
{
	struct fromaddr_env env = { "joe", "box", "box.example.org",
		"example.org", NULL };
	char *v;

	(void)state;
	v = fromaddr_subst("%U@%H", "UHCM", &env);
	assert_string_equal(v, "joe@box");
	free(v);
	v = fromaddr_subst("%U@%C|%M|%X|%%|100%", "UHCM", &env);
	assert_string_equal(v, "joe@box.example.org|example.org|%X|%%|100%");
	free(v);
	/* domain takes %H %C %M only: %U stays. */
	v = fromaddr_subst("%U.%M", "HCM", &env);
	assert_string_equal(v, "%U.example.org");
	free(v);
	env.mailname = NULL;
	v = fromaddr_subst("a@%M", "UHCM", &env);
	assert_string_equal(v, "a@");
	free(v);
	{
		char big[FROMADDR_MAX];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		env.user = big;
		assert_null(fromaddr_subst("%U%U", "U", &env));
	}

	env.user = "joe";
	env.from_header = "writer@example.org";
	v = fromaddr_subst("%F", "F", &env);
	assert_string_equal(v, "writer@example.org");
	free(v);
	v = fromaddr_subst("%F|%U", "UHCM", &env);	/* %F not allowed */
	assert_string_equal(v, "%F|joe");
	free(v);
	{
		static const char h1[] = "Resent-From: r@x.org\nFrom: f@x.org\n";
		static const char h2[] = "From: f@x.org\nResent-From: r@x.org\n";
		char *a;

		a = msghdr_sender_address(h1, strlen(h1));
		assert_string_equal(a, "r@x.org");
		free(a);
		a = msghdr_sender_address(h2, strlen(h2));
		assert_string_equal(a, "f@x.org");
		free(a);
		assert_null(msghdr_sender_address("A: b\n", 5));
	}

	assert_true(fromaddr_is_pattern("*@example.org"));
	assert_true(fromaddr_is_pattern("a?@x"));
	assert_true(fromaddr_is_pattern("[ab]@x"));
	assert_false(fromaddr_is_pattern("a@x"));

	assert_true(fromaddr_match("joe@example.org", "Joe@Example.ORG"));
	assert_true(fromaddr_match("joe@example.org", "joe+lists@example.org"));
	assert_false(fromaddr_match("joe@example.org", "joe@example.com"));
	assert_false(fromaddr_match("joe@example.org", "+x@example.org"));
	assert_false(fromaddr_match("joe+a@example.org", "joe@example.org"));
	assert_true(fromaddr_match("*@example.org", "anyone@example.org"));
	assert_true(fromaddr_match("*@example.org", "x@EXAMPLE.org"));
	assert_false(fromaddr_match("*@example.org", "x@example.org.evil"));
	assert_true(fromaddr_match("j?e@example.org", "joe+x@example.org"));
	assert_false(fromaddr_match(NULL, "a@b"));
	assert_false(fromaddr_match("a@b", ""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_lists),
		cmocka_unit_test(test_addr_limits),
		cmocka_unit_test(test_hdr),
		cmocka_unit_test(test_wire),
		cmocka_unit_test(test_wire_random),
		cmocka_unit_test(test_msghdr),
		cmocka_unit_test(test_fromaddr),
		cmocka_unit_test(test_recipients),
		cmocka_unit_test(test_aliases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
