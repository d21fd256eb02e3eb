/*
 * Unit tests for send/bounce's composer (pure): the bounce's structure
 * (header fields, three parts, each with its type), the RFC 3464 fields
 * per message and per recipient, the Status taken from a reply's
 * enhanced code (a table of good and bad replies) or 5.0.0 / 4.4.7, the
 * original message byte for byte in part 3 between its header and the
 * closing boundary, hostile values (CR, LF, ESC, NUL-free binary, a
 * forged header field) kept on their own line and escaped, long values
 * folded or broken so that no line reaches 998 bytes, and the refusals
 * (null sender, no recipient, a bad boundary, a buffer too small).
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

#include "bounce.h"
#include "buf.h"

static char boundary[BOUNCE_BOUNDARY_MAX + 1];

static const char original[] =
    "From: Me <me@example.org>\n"
    "To: bob@example.net, carol@example.net\n"
    "Subject: the report\n"
    "\n"
    "From the start: a line an mbox quotes\n"
    "--=_facteur_ a line that looks like a boundary\n"
    ".\n"
    "..two dots\n"
    "last line\n";

static const struct bounce_rcpt rcpts[] = {
	{ "bob@example.net", "550 5.1.1 <bob@example.net>: user unknown", 1 },
	{ "carol@example.net", "451 4.2.2 mailbox full", 0 },
	{ "dave@example.net", "", 0 },
	{ "erin@example.net", "554 rejected", 1 },
};

static void
fill(struct bounce *b)
{
	memset(b, 0, sizeof(*b));
	b->id = "20260101T120000-42-abcdef";
	b->envid = "QQ314159";
	b->sender = "me@example.org";
	b->host = "laptop.example.org";
	b->remote = "smtp.example.org";
	b->arrival = 1767268800;	/* 2026-01-01T12:00:00Z */
	b->now = b->arrival + 5 * 86400;
	b->reason = "could not be delivered within 5 days: the last attempt "
	    "said 451 4.2.2 mailbox full";
	b->rcpt = rcpts;
	b->nrcpt = sizeof(rcpts) / sizeof(rcpts[0]);
}

/* The whole bounce for b with the original, in out. */
static void
whole(const struct bounce *b, struct buf *out)
{
	struct errinfo ei;

	buf_init(out, 64 * 1024 * 1024);
	assert_int_equal(bounce_compose(b, boundary, out, &ei), 0);
	assert_int_equal(buf_addstr(out, original), 0);
	assert_int_equal(bounce_close(boundary, out), 0);
}

/* Where needle starts in hay after from, or -1. */
static long
find(const struct buf *hay, size_t from, const char *needle)
{
	const char *p = memmem(hay->data + from, hay->len - from, needle,
	    strlen(needle));

	return p != NULL ? (long)(p - hay->data) : -1;
}

static int
count(const struct buf *hay, const char *needle)
{
	long at = 0;
	int n = 0;

	while ((at = find(hay, (size_t)at, needle)) >= 0) {
		n++;
		at++;
	}
	return n;
}

/* Every line shorter than 999 bytes, printable ASCII (tab allowed). */
static void
lines_safe(const char *p, size_t len)
{
	size_t i, col = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\n') {
			col = 0;
			continue;
		}
		assert_true((c >= 0x20 && c < 0x7f) || c == '\t');
		col++;
		assert_true(col < 999);
	}
}

/* How many lines before end start with s. */
static int
lines_starting(const struct buf *b, size_t end, const char *s)
{
	size_t i;
	int n = 0;

	for (i = 0; i < end; i++)
		if ((i == 0 || b->data[i - 1] == '\n') &&
		    strncmp(b->data + i, s, strlen(s)) == 0)
			n++;
	return n;
}

/* Every backslash starts a whole "\\xHH" (no escape cut by a fold). */
static void
escapes_whole(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] == '\\')
			assert_true(i + 3 < len && p[i + 1] == 'x' &&
			    strchr("0123456789ABCDEF", p[i + 2]) != NULL &&
			    strchr("0123456789ABCDEF", p[i + 3]) != NULL);
}

static int
setup(void **state)
{
	unsigned char r[BOUNCE_RANDOM_LEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(r); i++)
		r[i] = (unsigned char)(i * 37 + 11);
	bounce_boundary(r, sizeof(r), boundary);
	return 0;
}

static void
test_boundary(void **state)
{
	unsigned char z[BOUNCE_RANDOM_LEN] = { 0 };
	char b[BOUNCE_BOUNDARY_MAX + 1];

	(void)state;
	bounce_boundary(z, sizeof(z), b);
	assert_string_equal(b, "=_facteur_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	assert_int_equal(strlen(boundary), BOUNCE_BOUNDARY_MAX);
	assert_int_equal(strncmp(boundary, "=_facteur_", 10), 0);
	assert_string_not_equal(boundary, b);
}

static void
test_structure(void **state)
{
	struct bounce b;
	struct buf out;
	char delim[160];
	long hend, p1, p2, p3, end;

	(void)state;
	fill(&b);
	whole(&b, &out);
	/* The header, in order, ending at the first empty line. */
	hend = find(&out, 0, "\n\n");
	assert_true(hend > 0);
	assert_int_equal(find(&out, 0, "Return-Path: <>\n"), 0);
	assert_true(find(&out, 0, "\nFrom: Mail Delivery System "
	    "<MAILER-DAEMON@laptop.example.org>\n") < hend);
	assert_true(find(&out, 0, "\nTo: <me@example.org>\n") < hend);
	assert_true(find(&out, 0, "\nSubject: Undelivered Mail Returned to "
	    "Sender\n") < hend);
	assert_true(find(&out, 0, "\nDate: ") < hend);
	assert_true(find(&out, 0, "\nMessage-ID: <bounce.") < hend);
	assert_true(find(&out, 0, "@laptop.example.org>\n") < hend);
	assert_true(find(&out, 0, "\nAuto-Submitted: auto-replied\n") < hend);
	assert_true(find(&out, 0, "\nMIME-Version: 1.0\n") < hend);
	snprintf(delim, sizeof(delim), "\nContent-Type: multipart/report; "
	    "report-type=delivery-status;\n\tboundary=\"%s\"\n", boundary);
	assert_true(find(&out, 0, delim) > 0 && find(&out, 0, delim) < hend);
	/* Three parts and the end. */
	snprintf(delim, sizeof(delim), "\n--%s\n", boundary);
	assert_int_equal(count(&out, delim), 3);
	p1 = find(&out, 0, delim);
	p2 = find(&out, (size_t)p1 + 1, delim);
	p3 = find(&out, (size_t)p2 + 1, delim);
	assert_true(p1 > hend && p2 > p1 && p3 > p2);
	snprintf(delim, sizeof(delim), "\n--%s--\n", boundary);
	end = find(&out, 0, delim);
	assert_int_equal((size_t)end + strlen(delim), out.len);
	assert_true(find(&out, (size_t)p1, "Content-Type: text/plain; "
	    "charset=us-ascii\n\n") < p2);
	assert_true(find(&out, (size_t)p2, "Content-Type: message/"
	    "delivery-status\n\n") < p3);
	assert_true(find(&out, (size_t)p3, "Content-Type: message/rfc822\n"
	    "Content-Transfer-Encoding: 7bit\n\n") > p3);
	/* Part 1 names every recipient and the reason. */
	assert_true(find(&out, (size_t)p1, "<bob@example.net>: refused by "
	    "smtp.example.org, which said: 550 5.1.1") < p2);
	assert_true(find(&out, (size_t)p1, "<dave@example.net>: not "
	    "delivered in time") < p2);
	assert_true(find(&out, (size_t)p1, "could not be delivered within 5 "
	    "days") < p2);
	lines_safe(out.data, (size_t)p3);
	buf_free(&out);
}

static void
test_report_fields(void **state)
{
	static const char *const want[] = {
		"\n\nReporting-MTA: dns; laptop.example.org\n"
		"Original-Envelope-Id: QQ314159\n"
		"X-Queue-ID: 20260101T120000-42-abcdef\n"
		"Arrival-Date: ",
		"\n\nFinal-Recipient: rfc822; bob@example.net\n"
		"Action: failed\nStatus: 5.1.1\n"
		"Remote-MTA: dns; smtp.example.org\n"
		"Diagnostic-Code: smtp; 550 5.1.1 <bob@example.net>: user "
		"unknown\nLast-Attempt-Date: ",
		"\n\nFinal-Recipient: rfc822; carol@example.net\n"
		"Action: failed\nStatus: 4.2.2\n"
		"Remote-MTA: dns; smtp.example.org\n"
		"Diagnostic-Code: smtp; 451 4.2.2 mailbox full\n"
		"Last-Attempt-Date: ",
		"\n\nFinal-Recipient: rfc822; dave@example.net\n"
		"Action: failed\nStatus: 4.4.7\n"
		"Remote-MTA: dns; smtp.example.org\n"
		"Last-Attempt-Date: ",
		"\n\nFinal-Recipient: rfc822; erin@example.net\n"
		"Action: failed\nStatus: 5.0.0\n"
		"Remote-MTA: dns; smtp.example.org\n"
		"Diagnostic-Code: smtp; 554 rejected\n"
		"Last-Attempt-Date: ",
	};
	struct bounce b;
	struct buf out;
	long at = 0;
	size_t i;

	(void)state;
	fill(&b);
	whole(&b, &out);
	at = find(&out, 0, "message/delivery-status");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		at = find(&out, (size_t)at, want[i]);
		assert_true(at > 0);
	}
	/* Without an envid, a queue id, a remote host: no such field. */
	b.envid = NULL;
	b.id = "";
	b.remote = NULL;
	buf_free(&out);
	whole(&b, &out);
	assert_int_equal(find(&out, 0, "Original-Envelope-Id"), -1);
	assert_int_equal(find(&out, 0, "X-Queue-ID"), -1);
	assert_int_equal(find(&out, 0, "Remote-MTA"), -1);
	assert_true(find(&out, 0, "Reporting-MTA: dns; laptop.example.org\n"
	    "Arrival-Date: ") > 0);
	buf_free(&out);
}

static void
test_status_code(void **state)
{
	static const struct {
		const char *reply;
		const char *want;	/* "" none */
	} t[] = {
		{ "550 5.1.1 no such user", "5.1.1" },
		{ "550-5.1.1 first line", "5.1.1" },
		{ "451 4.7.650 greylisted", "4.7.650" },
		{ "550 5.123.123", "5.123.123" },
		{ "5.2.2 mailbox full", "5.2.2" },
		{ "452 4.2.2\tfull", "4.2.2" },
		{ "550 4.1.1 class differs", "" },
		{ "250 2.0.0 ok", "" },
		{ "550 5.1234.1 too long", "" },
		{ "550 5.1.1234", "" },
		{ "550 5..1 empty", "" },
		{ "550 5.1. x", "" },
		{ "550 5.1.1x", "" },
		{ "550 51.1.1", "" },
		{ "550 user unknown", "" },
		{ "550", "" },
		{ "5", "" },
		{ "", "" },
		{ "550  5.1.1 two spaces", "" },
		{ "5501 5.1.1", "" },
		{ "550 5.1.1\r\nX-Injected: 1", "5.1.1" },
		{ "550 5.1.1\n", "5.1.1" },
		{ "550 5.1.1\x1b[31m", "" },
	};
	char out[BOUNCE_STATUS_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int r = bounce_status_code(t[i].reply, strlen(t[i].reply),
		    out);

		if (r != (*t[i].want != '\0') || strcmp(out, t[i].want) != 0)
			fail_msg("'%s': got %d '%s', want '%s'", t[i].reply, r,
			    out, t[i].want);
	}
	/* Cut short: the length given is the end. */
	assert_int_equal(bounce_status_code("550 5.1.1 x", 9, out), 1);
	assert_string_equal(out, "5.1.1");
	assert_int_equal(bounce_status_code("550 5.1.12", 9, out), 1);
	assert_string_equal(out, "5.1.1");
	assert_int_equal(bounce_status_code(NULL, 0, out), 0);
}

static void
test_hostile(void **state)
{
	static const struct bounce_rcpt evil[] = {
		{ "bob@example.net\r\nBcc: victim@example.com",
		  "550 5.1.1 gone\r\nX-Injected: yes\r\n\x1b[31mred\x1b[0m "
		  "\xc3\xa9t\xe9 \x7f\x01", 1 },
	};
	struct bounce b;
	struct buf out;
	long p3;

	(void)state;
	fill(&b);
	b.rcpt = evil;
	b.nrcpt = 1;
	b.sender = "me@example.org>\nSubject: forged";
	b.reason = "gave up\r\n\r\n--=_facteur_ fake part\n";
	b.remote = "smtp.example.org\nX-Remote: forged";
	b.host = "host\n<evil>";
	b.envid = "E\r\nX-Envid: forged";
	/* Folded on a line of its own (fuzz_bounce found it at column 0). */
	b.id = "--=_facteur_--------------------------------------------------"
	    "-------------------------------------------------------------";
	whole(&b, &out);
	p3 = find(&out, 0, "Content-Type: message/rfc822");
	assert_true(p3 > 0);
	lines_safe(out.data, (size_t)p3);
	/* No value starts a line of its own. */
	assert_int_equal(lines_starting(&out, (size_t)p3, "--"), 3);
	assert_int_equal(find(&out, 0, "\nX-Injected"), -1);
	assert_int_equal(find(&out, 0, "\nBcc:"), -1);
	assert_int_equal(find(&out, 0, "\nSubject: forged"), -1);
	assert_int_equal(find(&out, 0, "\nX-Remote"), -1);
	assert_int_equal(find(&out, 0, "\nX-Envid"), -1);
	assert_int_equal(find(&out, 0, "\n--=_facteur_ fake"), -1);
	assert_true(find(&out, 0, "smtp; 550 5.1.1 gone X-Injected: yes "
	    "\\x1B[31mred\\x1B[0m\n \\xC3\\xA9t\\xE9 \\x7F\\x01\n") > 0);
	assert_true(find(&out, 0, "\nTo: <me@example.org> Subject: forged>\n")
	    > 0);
	assert_true(find(&out, 0, "MAILER-DAEMON@host__evil_>\n") > 0);
	assert_true(find(&out, 0, "\nStatus: 5.1.1\n") > 0);
	buf_free(&out);
}

static void
test_long_values(void **state)
{
	struct bounce_rcpt r[2];
	char word[2000], words[2000];
	struct bounce b;
	struct buf out;
	size_t i;
	long p3;

	(void)state;
	/* No white space at all, every byte escaped 4 times longer. */
	for (i = 0; i + 1 < sizeof(word); i++)
		word[i] = i < 4 ? "550 "[i] : (char)(0x80 + i % 64);
	word[sizeof(word) - 1] = '\0';
	for (i = 0; i + 1 < sizeof(words); i++)
		words[i] = i % 7 == 6 ? ' ' : 'a' + i % 26;
	words[sizeof(words) - 1] = '\0';
	r[0].addr = word;
	r[0].reply = word;
	r[0].final = 1;
	r[1].addr = "x@example.org";
	r[1].reply = words;
	r[1].final = 0;
	fill(&b);
	b.rcpt = r;
	b.nrcpt = 2;
	b.reason = words;
	b.sender = word;
	b.host = word;
	whole(&b, &out);
	p3 = find(&out, 0, "Content-Type: message/rfc822");
	assert_true(p3 > 0);
	lines_safe(out.data, (size_t)p3);
	escapes_whole(out.data, (size_t)p3);
	/* Cut at BOUNCE_VALUE_MAX bytes, said so. */
	assert_true(find(&out, 0, "...") > 0);
	/* Words are folded before 78 columns when they can be. */
	assert_true(find(&out, 0, "\nDiagnostic-Code: smtp; 550\n \\x84") > 0);
	assert_true(find(&out, 0, "\nDiagnostic-Code: X-Facteur; "
	    "abcdef hijklm") > 0);
	buf_free(&out);
}

/* The original is part 3 exactly, and 8-bit says so. */
static void
test_original_intact(void **state)
{
	struct bounce b;
	struct buf out;
	char delim[80];
	long start, end;

	(void)state;
	fill(&b);
	b.eightbit = 1;
	whole(&b, &out);
	start = find(&out, 0, "Content-Transfer-Encoding: 8bit\n\n");
	assert_true(start > 0);
	start += strlen("Content-Transfer-Encoding: 8bit\n\n");
	snprintf(delim, sizeof(delim), "\n--%s--\n", boundary);
	end = find(&out, 0, delim);
	assert_int_equal(end - start, (long)strlen(original));
	assert_memory_equal(out.data + start, original, strlen(original));
	buf_free(&out);
}

static void
test_refused(void **state)
{
	struct bounce b;
	struct bounce_rcpt r = { NULL, "", 1 };
	struct buf out;
	struct errinfo ei;

	(void)state;
	buf_init(&out, 64 * 1024 * 1024);
	fill(&b);
	b.sender = "";
	assert_int_equal(bounce_compose(&b, boundary, &out, &ei), -1);
	assert_int_equal(ei.st, ST_SOFTWARE);
	fill(&b);
	b.nrcpt = 0;
	assert_int_equal(bounce_compose(&b, boundary, &out, &ei), -1);
	b.nrcpt = BOUNCE_RCPT_MAX + 1;
	assert_int_equal(bounce_compose(&b, boundary, &out, &ei), -1);
	b.rcpt = &r;
	b.nrcpt = 1;
	assert_int_equal(bounce_compose(&b, boundary, &out, &ei), -1);
	fill(&b);
	assert_int_equal(bounce_compose(&b, "=_facteur_ x", &out, &ei), -1);
	assert_int_equal(bounce_compose(&b, "", &out, &ei), -1);
	assert_int_equal(bounce_compose(&b, "plain", &out, &ei), -1);
	assert_int_equal(out.len, 0);
	buf_free(&out);
	/* Too small a buffer: nothing added. */
	buf_init(&out, 100);
	buf_addstr(&out, "keep");
	assert_int_equal(bounce_compose(&b, boundary, &out, &ei), -1);
	assert_string_equal(out.data, "keep");
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boundary),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_report_fields),
		cmocka_unit_test(test_status_code),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_long_values),
		cmocka_unit_test(test_original_intact),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
