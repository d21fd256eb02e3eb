/*
 * Unit tests for send/smtp_reply: a table of server inputs, each fed whole,
 * byte by byte, in two chunks split at every offset and (short inputs) in
 * three chunks split at every pair of offsets.  Every way of feeding must
 * give the same transcript: the replies parsed, in order, then the error
 * or a mark for an unfinished reply.
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
#include "smtp_reply.h"
#include "splitfeed.h"
#include "status.h"
#include "xalloc.h"

/* ---- running the SMTP parser ------------------------------------------ */

/* One parsed reply: "CODE [ENH] 'line' 'line'...". */
static void
log_reply(const struct smtp_reply *r, struct buf *log)
{
	size_t i, len;
	const char *l;

	buf_printf(log, "%d [%s]", r->code, r->enh);
	for (i = 0; (l = smtp_reply_line(r, i, &len)) != NULL; i++) {
		buf_addstr(log, " '");
		log_esc(log, l, len);
		buf_addch(log, '\'');
	}
	if (i != r->nlines || !r->done)
		buf_printf(log, " (BAD: nlines %zu, done %d)", r->nlines,
		    r->done);
	buf_addch(log, '\n');
}

/*
 * Feed the chunks as pp_read() does: call feed until each chunk is used
 * up, read each reply as soon as it is done.
 */
static void
run_smtp(const void *arg, const char *in, size_t len, const size_t *cuts,
    size_t ncuts, struct buf *log)
{
	struct smtp_reply r;
	size_t start = 0, k, last = 0;

	smtp_reply_init(&r);
	for (k = 0; k <= ncuts; k++) {
		size_t end = k < ncuts ? cuts[k] : len, off = start;

		while (off < end) {
			struct errinfo ei;
			int done = -1;
			ssize_t used;

			err_clear(&ei);
			used = smtp_reply_feed(&r, in + off, end - off, &done,
			    &ei);
			if (used < 0) {
				buf_printf(log, "E %s: %s\n",
				    status_name(ei.st), ei.msg);
				goto out;
			}
			if (!feed_return_ok(used, end - off, done, log))
				goto out;
			off += (size_t)used;
			if (done) {
				if (in[off - 1] != '\n')
					buf_addstr(log, "NOT AT A LINE END: ");
				log_reply(&r, log);
				last = off;
			}
		}
		start = end;
	}
	if (last < len)
		buf_addstr(log, "...\n");
out:
	smtp_reply_free(&r);
}

struct sr_case {
	const char *name;
	const char *in;
	const char *want;
};

static void
check_table(const struct sr_case *cases, size_t n)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		if (check_splits(cases[i].name, cases[i].in,
		    strlen(cases[i].in), cases[i].want, run_smtp, NULL) < 0)
			bad++;
	if (bad > 0)
		fail_msg("%zu of %zu cases failed", bad, n);
}

#define PROTO "E protocol error: "

static void
test_replies(void **state)
{
	static const struct sr_case cases[] = {
		{ "one line", "250 OK\r\n", "250 [] 'OK'\n" },
		{ "lf only", "220 mx.example.org ESMTP\n",
		    "220 [] 'mx.example.org ESMTP'\n" },
		{ "code alone", "250\r\n", "250 [] ''\n" },
		{ "code and space", "250 \r\n", "250 [] ''\n" },
		{ "text with spaces", "220  two  spaces \r\n",
		    "220 [] ' two  spaces '\n" },
		{ "multi-line", "250-mx.example.org\r\n250-PIPELINING\r\n"
		    "250-SIZE 10240000\r\n250 AUTH PLAIN LOGIN\r\n",
		    "250 [] 'mx.example.org' 'PIPELINING' 'SIZE 10240000' "
		    "'AUTH PLAIN LOGIN'\n" },
		{ "multi-line, empty texts", "250-\r\n250\r\n",
		    "250 [] '' ''\n" },
		{ "multi-line, code-only last", "250-a\r\n250\r\n",
		    "250 [] 'a' ''\n" },
		{ "dash inside text", "250-a-b\r\n250 c d-e\r\n",
		    "250 [] 'a-b' 'c d-e'\n" },
		{ "cr inside text", "250 a\rb\r\n", "250 [] 'a\\rb'\n" },
		{ "unfinished", "250-a\r\n250 b", "...\n" },
		{ "unfinished line", "25", "...\n" },
		{ "classes", "354 go ahead\r\n421 busy\r\n535 no\r\n",
		    "354 [] 'go ahead'\n421 [] 'busy'\n535 [] 'no'\n" },
	};

	check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_enhanced(void **state)
{
	static const struct sr_case cases[] = {
		{ "2.1.0", "250 2.1.0 Sender ok\r\n",
		    "250 [2.1.0] '2.1.0 Sender ok'\n" },
		{ "5.7.8", "535 5.7.8 Authentication failed\r\n",
		    "535 [5.7.8] '5.7.8 Authentication failed'\n" },
		{ "4.3.0", "451 4.3.0 Try later\r\n",
		    "451 [4.3.0] '4.3.0 Try later'\n" },
		{ "alone", "250 2.0.0\r\n", "250 [2.0.0] '2.0.0'\n" },
		{ "three digits", "550 5.123.456 x\r\n",
		    "550 [5.123.456] '5.123.456 x'\n" },
		{ "class differs", "250 5.0.0 ok\r\n", "250 [] '5.0.0 ok'\n" },
		{ "class differs 4/5", "451 5.7.1 x\r\n",
		    "451 [] '5.7.1 x'\n" },
		{ "not followed by space", "250 2.0.0x\r\n",
		    "250 [] '2.0.0x'\n" },
		{ "subject too long", "250 2.1234.0 x\r\n",
		    "250 [] '2.1234.0 x'\n" },
		{ "detail too long", "250 2.0.1234 x\r\n",
		    "250 [] '2.0.1234 x'\n" },
		{ "class two digits", "250 22.0.0 x\r\n",
		    "250 [] '22.0.0 x'\n" },
		{ "two parts", "250 2.0 x\r\n", "250 [] '2.0 x'\n" },
		{ "empty part", "250 2..0 x\r\n", "250 [] '2..0 x'\n" },
		{ "four parts", "250 2.0.0.1 x\r\n", "250 [] '2.0.0.1 x'\n" },
		{ "letters", "250 2.a.0 x\r\n", "250 [] '2.a.0 x'\n" },
		{ "not at start", "250 ok 2.0.0\r\n", "250 [] 'ok 2.0.0'\n" },
		{ "first line's", "250-2.0.0 a\r\n250 2.1.0 b\r\n",
		    "250 [2.0.0] '2.0.0 a' '2.1.0 b'\n" },
		{ "only the first line", "250-a\r\n250 2.0.0 b\r\n",
		    "250 [] 'a' '2.0.0 b'\n" },
		{ "per reply", "250 2.0.0 a\r\n250 b\r\n",
		    "250 [2.0.0] '2.0.0 a'\n250 [] 'b'\n" },
	};

	check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_errors(void **state)
{
	static const struct sr_case cases[] = {
		{ "garbage", "hello\r\n",
		    PROTO "malformed SMTP reply line: 'hello'\n" },
		{ "empty line", "\r\n",
		    PROTO "malformed SMTP reply line: ''\n" },
		{ "short code", "25\r\n",
		    PROTO "malformed SMTP reply line: '25'\n" },
		{ "first digit 1", "150 x\r\n",
		    PROTO "malformed SMTP reply line: '150 x'\n" },
		{ "first digit 6", "650 x\r\n",
		    PROTO "malformed SMTP reply line: '650 x'\n" },
		{ "second digit 6", "260 x\r\n",
		    PROTO "malformed SMTP reply line: '260 x'\n" },
		{ "letter in code", "2a0 x\r\n",
		    PROTO "malformed SMTP reply line: '2a0 x'\n" },
		{ "third not digit", "25x x\r\n",
		    PROTO "malformed SMTP reply line: '25x x'\n" },
		{ "no separator", "250x\r\n",
		    PROTO "malformed SMTP reply line: '250x'\n" },
		{ "tab separator", "250\tx\r\n",
		    PROTO "malformed SMTP reply line: '250\\x09x'\n" },
		{ "four digits", "2500 x\r\n",
		    PROTO "malformed SMTP reply line: '2500 x'\n" },
		{ "leading space", " 250 x\r\n",
		    PROTO "malformed SMTP reply line: ' 250 x'\n" },
		{ "control quoted", "x\x01y\x7f\r\n",
		    PROTO "malformed SMTP reply line: 'x\\x01y\\x7f'\n" },
		{ "code changes", "250-a\r\n251 b\r\n",
		    PROTO "reply code changes within a multi-line reply: "
		    "'251 b'\n" },
		{ "code changes to 550", "250-a\r\n250-b\r\n550 c\r\n",
		    PROTO "reply code changes within a multi-line reply: "
		    "'550 c'\n" },
		{ "garbage continuation", "250-a\r\nxyz\r\n",
		    PROTO "malformed SMTP reply line: 'xyz'\n" },
		{ "after a good reply", "250 ok\r\nbad\r\n",
		    "250 [] 'ok'\n" PROTO "malformed SMTP reply line: "
		    "'bad'\n" },
	};

	check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

/* "250-" lines then "250 ", n in all, each with text of tlen bytes. */
static char *
make_reply(size_t n, size_t tlen, const char *eol)
{
	struct buf b;
	char *p;
	size_t i, j;

	buf_init(&b, 1 << 24);
	for (i = 0; i < n; i++) {
		buf_addstr(&b, i + 1 < n ? "250-" : "250 ");
		for (j = 0; j < tlen; j++)
			buf_addch(&b, (char)('a' + (i + j) % 26));
		buf_addstr(&b, eol);
	}
	p = buf_detach(&b, NULL);
	buf_free(&b);
	return p;
}

/* What run_smtp logs for make_reply(n, tlen). */
static char *
want_reply(size_t n, size_t tlen)
{
	struct buf b;
	char *p;
	size_t i, j;

	buf_init(&b, 1 << 24);
	buf_addstr(&b, "250 []");
	for (i = 0; i < n; i++) {
		buf_addstr(&b, " '");
		for (j = 0; j < tlen; j++)
			buf_addch(&b, (char)('a' + (i + j) % 26));
		buf_addch(&b, '\'');
	}
	buf_addch(&b, '\n');
	p = buf_detach(&b, NULL);
	buf_free(&b);
	return p;
}

static int
check_generated(const char *name, size_t n, size_t tlen, const char *eol,
    const char *want_err)
{
	char *in = make_reply(n, tlen, eol);
	char *want = want_err != NULL ? xstrdup(want_err) : want_reply(n, tlen);
	int rc = check_splits(name, in, strlen(in), want, run_smtp, NULL);

	free(in);
	free(want);
	return rc;
}

static void
test_limits(void **state)
{
	char want[300];
	int bad = 0;

	/* Lines: SMTP_LINE_MAX is the longest line, without CR LF. */
	bad |= check_generated("longest line, lf", 1, SMTP_LINE_MAX - 4, "\n",
	    NULL);
	/* The message quotes the start of the line: 76 bytes and "...". */
	snprintf(want, sizeof(want), PROTO "SMTP reply line longer than %d "
	    "bytes: '250 %.72s...'\n", SMTP_LINE_MAX,
	    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
	    "abcdefghijklmnopqrstuvwxyz");
	bad |= check_generated("line one byte too long, lf", 1,
	    SMTP_LINE_MAX - 3, "\n", want);
	bad |= check_generated("line one byte too long, crlf", 1,
	    SMTP_LINE_MAX - 3, "\r\n", want);
	/* Lines per reply. */
	bad |= check_generated("most lines", SMTP_REPLY_LINES_MAX, 3, "\r\n",
	    NULL);
	snprintf(want, sizeof(want), PROTO "SMTP reply has more than %d "
	    "lines\n", SMTP_REPLY_LINES_MAX);
	bad |= check_generated("one line too many", SMTP_REPLY_LINES_MAX + 1, 3,
	    "\r\n", want);
	/* The text of a whole reply. */
	/* 64 lines of 1000 bytes and 63 LFs: 64063 bytes of text. */
	bad |= check_generated("longest text", 64, 1000, "\r\n", NULL);
	snprintf(want, sizeof(want), PROTO "SMTP reply longer than %d bytes\n",
	    SMTP_REPLY_TEXT_MAX);
	bad |= check_generated("text too long", 40, 2000, "\r\n", want);
	if (bad)
		fail_msg("limit cases failed");
}

/*
 * A line of exactly SMTP_LINE_MAX bytes is accepted with a bare LF; it
 * must be with CR LF too (the CR is not part of the line).
 */
static void
test_longest_line_crlf(void **state)
{
	if (check_generated("longest line, crlf", 1, SMTP_LINE_MAX - 4,
	    "\r\n", NULL) < 0)
		fail_msg("a line of SMTP_LINE_MAX bytes ended by CR LF is "
		    "refused");
}

/* Two replies buffered: feed stops right after the first one. */
static void
test_pipelining(void **state)
{
	static const char in[] = "250-2.1.0 a\r\n250 b\r\n354 go\r\n25";
	struct smtp_reply r;
	struct errinfo ei;
	size_t len;
	int done = -1;

	smtp_reply_init(&r);
	err_clear(&ei);
	assert_int_equal(smtp_reply_feed(&r, in, sizeof(in) - 1, &done, &ei),
	    20);
	assert_int_equal(done, 1);
	assert_int_equal(r.code, 250);
	assert_string_equal(r.enh, "2.1.0");
	assert_int_equal(r.nlines, 2);
	assert_memory_equal(smtp_reply_line(&r, 0, &len), "2.1.0 a", 7);
	assert_int_equal(len, 7);
	assert_memory_equal(smtp_reply_line(&r, 1, &len), "b", 1);
	assert_int_equal(len, 1);
	assert_null(smtp_reply_line(&r, 2, &len));

	/* The next feed starts the next reply afresh. */
	assert_int_equal(smtp_reply_feed(&r, in + 20, sizeof(in) - 1 - 20,
	    &done, &ei), 8);
	assert_int_equal(done, 1);
	assert_int_equal(r.code, 354);
	assert_string_equal(r.enh, "");
	assert_int_equal(r.nlines, 1);
	assert_memory_equal(smtp_reply_line(&r, 0, &len), "go", 2);
	assert_int_equal(len, 2);
	assert_null(smtp_reply_line(&r, 1, &len));

	/* An unfinished reply: all used, not done. */
	assert_int_equal(smtp_reply_feed(&r, in + 28, 2, &done, &ei), 2);
	assert_int_equal(done, 0);
	assert_int_equal(smtp_reply_feed(&r, "0 ok\r\n", 6, &done, &ei), 6);
	assert_int_equal(done, 1);
	assert_int_equal(r.code, 250);
	assert_int_equal(r.nlines, 1);
	assert_memory_equal(smtp_reply_line(&r, 0, &len), "ok", 2);
	assert_int_equal(ei.st, ST_OK);
	smtp_reply_free(&r);
}

/* Parse in (one whole reply) into r. */
static void
parse1(struct smtp_reply *r, const char *in)
{
	struct errinfo ei;
	int done = 0;

	smtp_reply_init(r);
	err_clear(&ei);
	assert_int_equal(smtp_reply_feed(r, in, strlen(in), &done, &ei),
	    (ssize_t)strlen(in));
	assert_int_equal(done, 1);
}

static void
test_quote(void **state)
{
	struct smtp_reply r;
	char dst[256], small[8];

	parse1(&r, "535-5.7.8 first\r\n535 second\r\n");
	assert_string_equal(smtp_reply_quote(&r, dst, sizeof(dst)),
	    "535 5.7.8 first second");
	/* Cut to the destination, always terminated. */
	assert_ptr_equal(smtp_reply_quote(&r, small, sizeof(small)), small);
	assert_string_equal(small, "535 5.7");
	smtp_reply_free(&r);

	parse1(&r, "250\r\n");
	assert_string_equal(smtp_reply_quote(&r, dst, sizeof(dst)), "250");
	smtp_reply_free(&r);

	parse1(&r, "250-\r\n250 x\r\n");
	assert_string_equal(smtp_reply_quote(&r, dst, sizeof(dst)), "250  x");
	smtp_reply_free(&r);

	/* Control characters never reach a message. */
	parse1(&r, "550 bad\x01text\x1b[31m\r\n");
	assert_string_equal(smtp_reply_quote(&r, dst, sizeof(dst)),
	    "550 bad\\x01text\\x1b[31m");
	smtp_reply_free(&r);
}

static void
test_classes(void **state)
{
	static const struct {
		const char *in;
		int pos, inter, trans, perm;
	} cases[] = {
		{ "220 hi\r\n", 1, 0, 0, 0 },
		{ "250 ok\r\n", 1, 0, 0, 0 },
		{ "251 ok\r\n", 1, 0, 0, 0 },
		{ "334 VXNlcm5hbWU6\r\n", 0, 1, 0, 0 },
		{ "354 go\r\n", 0, 1, 0, 0 },
		{ "421 bye\r\n", 0, 0, 1, 0 },
		{ "450 busy\r\n", 0, 0, 1, 0 },
		{ "500 what\r\n", 0, 0, 0, 1 },
		{ "554 no\r\n", 0, 0, 0, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct smtp_reply r;

		parse1(&r, cases[i].in);
		assert_int_equal(!!SMTP_POSITIVE(&r), cases[i].pos);
		assert_int_equal(!!SMTP_INTERMEDIATE(&r), cases[i].inter);
		assert_int_equal(!!SMTP_TRANSIENT(&r), cases[i].trans);
		assert_int_equal(!!SMTP_PERMANENT(&r), cases[i].perm);
		smtp_reply_free(&r);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_enhanced),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_longest_line_crlf),
		cmocka_unit_test(test_pipelining),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_classes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
