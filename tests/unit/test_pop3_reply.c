/*
 * Unit tests for fetch/pop3_reply: a table of server inputs, each fed
 * whole, byte by byte, in two chunks split at every offset and (short
 * inputs) in three chunks split at every pair of offsets.  Every way of
 * feeding must give the same transcript: the responses parsed, in order,
 * then the error or a mark for an unfinished response.
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
#include "pop3_reply.h"
#include "splitfeed.h"
#include "status.h"
#include "xalloc.h"

/* ---- running the POP3 parser ------------------------------------------ */

/* How the caller sets the parser up for a case. */
enum { COLLECT = 0, CALLBACK = 1 };

struct pr_case {
	const char *name;
	int multiline;
	int allow_cont;
	int mode;		/* COLLECT or CALLBACK */
	const char *in;
	const char *want;
};

/* The on_line callback: keeps the lines; fails on a line "FAIL". */
struct sink {
	struct buf lines;
	size_t n;
};

static int
sink_line(void *arg, const char *line, size_t len, struct errinfo *ei)
{
	struct sink *s = arg;

	if (len == 4 && memcmp(line, "FAIL", 4) == 0)
		return err_set(ei, ST_IOERR, "sink failed on 'FAIL'");
	buf_addstr(&s->lines, " '");
	log_esc(&s->lines, line, len);
	buf_addch(&s->lines, '\'');
	s->n++;
	return 0;
}

static const char *const kinds[] = { "OK", "ERR", "CONT" };

/* One response: "KIND 'status'" and, for multi-line, its data. */
static void
log_resp(const struct pop3_reply *r, struct sink *s, struct buf *log)
{
	buf_printf(log, "%s '", kinds[r->kind]);
	log_esc(log, r->status.data, r->status.len);
	buf_addch(log, '\'');
	if (r->multiline && r->kind == POP3_OK) {
		if (r->on_line != NULL) {
			buf_printf(log, " n=%zu lines:%s", r->ndata,
			    s->lines.data);
			if (s->n != r->ndata || r->data.len != 0)
				buf_printf(log, " (BAD: %zu lines seen, %zu "
				    "bytes collected)", s->n, r->data.len);
		} else {
			buf_printf(log, " n=%zu data='", r->ndata);
			log_esc(log, r->data.data, r->data.len);
			buf_addch(log, '\'');
		}
	} else if (r->ndata != 0 || r->data.len != 0 || s->n != 0) {
		buf_addstr(log, " (BAD: data without a multi-line +OK)");
	}
	if (!r->done || r->in_data)
		buf_printf(log, " (BAD: done %d in_data %d)", r->done,
		    r->in_data);
	buf_addch(log, '\n');
	buf_reset(&s->lines);
	s->n = 0;
}

/* Feed the chunks as pp_read() does; read each response when done. */
static void
run_pop3(const void *arg, const char *in, size_t len, const size_t *cuts,
    size_t ncuts, struct buf *log)
{
	const struct pr_case *c = arg;
	struct pop3_reply r;
	struct sink s;
	size_t start = 0, k, last = 0;

	pop3_reply_init(&r);
	buf_init(&s.lines, 1 << 24);
	s.n = 0;
	r.multiline = c->multiline;
	r.allow_cont = c->allow_cont;
	r.on_line = c->mode == CALLBACK ? sink_line : NULL;
	r.arg = &s;
	for (k = 0; k <= ncuts; k++) {
		size_t end = k < ncuts ? cuts[k] : len, off = start;

		while (off < end) {
			struct errinfo ei;
			int done = -1;
			ssize_t used;

			err_clear(&ei);
			used = pop3_reply_feed(&r, in + off, end - off, &done,
			    &ei);
			if (used < 0) {
				if (s.n > 0)
					buf_printf(log, "lines:%s\n",
					    s.lines.data);
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
				log_resp(&r, &s, log);
				/* The caller's settings survive. */
				if (r.multiline != c->multiline ||
				    r.allow_cont != c->allow_cont)
					buf_addstr(log, "SETTINGS LOST\n");
				last = off;
			}
		}
		start = end;
	}
	if (last < len)
		buf_addstr(log, "...\n");
out:
	buf_free(&s.lines);
	pop3_reply_free(&r);
}

static void
check_table(const struct pr_case *cases, size_t n)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		if (check_splits(cases[i].name, cases[i].in,
		    strlen(cases[i].in), cases[i].want, run_pop3,
		    &cases[i]) < 0)
			bad++;
	if (bad > 0)
		fail_msg("%zu of %zu cases failed", bad, n);
}

#define PROTO "E protocol error: "
#define MALFORMED PROTO "malformed POP3 response: "

static void
test_single_line(void **state)
{
	static const struct pr_case cases[] = {
		{ "ok", 0, 0, COLLECT, "+OK\r\n", "OK ''\n" },
		{ "ok text", 0, 0, COLLECT, "+OK POP3 server ready\r\n",
		    "OK 'POP3 server ready'\n" },
		{ "ok, lf only", 0, 0, COLLECT, "+OK ready\n", "OK 'ready'\n" },
		{ "ok, one space skipped", 0, 0, COLLECT, "+OK  two \r\n",
		    "OK ' two '\n" },
		{ "ok, trailing space", 0, 0, COLLECT, "+OK \r\n", "OK ''\n" },
		{ "err", 0, 0, COLLECT, "-ERR\r\n", "ERR ''\n" },
		{ "err text", 0, 0, COLLECT, "-ERR [AUTH] bad password\r\n",
		    "ERR '[AUTH] bad password'\n" },
		{ "several", 0, 0, COLLECT, "+OK a\r\n-ERR b\r\n+OK c\r\n",
		    "OK 'a'\nERR 'b'\nOK 'c'\n" },
		{ "unfinished", 0, 0, COLLECT, "+OK a\r\n+OK",
		    "OK 'a'\n...\n" },
		{ "cr inside", 0, 0, COLLECT, "+OK a\rb\r\n", "OK 'a\\rb'\n" },
	};

	check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_multi_line(void **state)
{
	static const struct pr_case cases[] = {
		{ "list", 1, 0, COLLECT,
		    "+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n",
		    "OK '2 messages' n=2 data='1 120\\n2 200'\n" },
		{ "no data", 1, 0, COLLECT, "+OK\r\n.\r\n",
		    "OK '' n=0 data=''\n" },
		{ "lf only", 1, 0, COLLECT, "+OK\na\n.\n",
		    "OK '' n=1 data='a'\n" },
		{ "dot-unstuffing", 1, 0, COLLECT,
		    "+OK\r\n..\r\n..x\r\n...\r\n.y\r\n. \r\n.\r\n",
		    "OK '' n=5 data='.\\n.x\\n..\\ny\\n '\n" },
		{ "terminator needs its own line", 1, 0, COLLECT,
		    "+OK\r\na.\r\n.\r\n", "OK '' n=1 data='a.'\n" },
		{ "empty line inside", 1, 0, COLLECT,
		    "+OK\r\nA\r\n\r\nB\r\n.\r\n",
		    "OK '' n=3 data='A\\n\\nB'\n" },
		{ "err has no data", 1, 0, COLLECT,
		    "-ERR no such message\r\n",
		    "ERR 'no such message'\n" },
		{ "err, then the next response", 1, 0, COLLECT,
		    "-ERR x\r\n+OK y\r\nz\r\n.\r\n",
		    "ERR 'x'\nOK 'y' n=1 data='z'\n" },
		{ "two responses", 1, 0, COLLECT,
		    "+OK\r\n1 a\r\n.\r\n+OK\r\n2 b\r\n.\r\n",
		    "OK '' n=1 data='1 a'\nOK '' n=1 data='2 b'\n" },
		{ "status words in data", 1, 0, COLLECT,
		    "+OK\r\n+OK\r\n-ERR\r\n+ x\r\n.\r\n",
		    "OK '' n=3 data='+OK\\n-ERR\\n+ x'\n" },
		{ "unfinished data", 1, 0, COLLECT, "+OK\r\na\r\n.",
		    "...\n" },
		{ "callback", 1, 0, CALLBACK,
		    "+OK\r\na\r\n..b\r\n\r\n.\r\n",
		    "OK '' n=3 lines: 'a' '.b' ''\n" },
		{ "callback, two responses", 1, 0, CALLBACK,
		    "+OK x\r\na\r\n.\r\n-ERR y\r\n+OK\r\n.\r\n",
		    "OK 'x' n=1 lines: 'a'\nERR 'y'\nOK '' n=0 lines:\n" },
		{ "callback error", 1, 0, CALLBACK,
		    "+OK\r\na\r\nFAIL\r\nb\r\n.\r\n",
		    "lines: 'a'\n"
		    "E input/output error: sink failed on 'FAIL'\n" },
	};

	check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

/*
 * The data lines are joined with '\n': an empty first line must not
 * vanish (ndata says 2, the data must hold 2 lines).
 */
static void
test_empty_first_data_line(void **state)
{
	static const struct pr_case cases[] = {
		{ "empty first line", 1, 0, COLLECT,
		    "+OK\r\n\r\nA\r\n.\r\n", "OK '' n=2 data='\\nA'\n" },
		{ "two empty lines", 1, 0, COLLECT,
		    "+OK\r\n\r\n\r\n.\r\n", "OK '' n=2 data='\\n'\n" },
		{ "one empty line", 1, 0, COLLECT,
		    "+OK\r\n\r\n.\r\n", "OK '' n=1 data=''\n" },
	};

	check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_continuation(void **state)
{
	static const struct pr_case cases[] = {
		{ "challenge", 0, 1, COLLECT, "+ VXNlcm5hbWU6\r\n",
		    "CONT 'VXNlcm5hbWU6'\n" },
		{ "empty challenge", 0, 1, COLLECT, "+\r\n", "CONT ''\n" },
		{ "empty challenge, space", 0, 1, COLLECT, "+ \r\n",
		    "CONT ''\n" },
		{ "ok still ok", 0, 1, COLLECT, "+OK logged in\r\n",
		    "OK 'logged in'\n" },
		{ "err still err", 0, 1, COLLECT, "-ERR [AUTH] no\r\n",
		    "ERR '[AUTH] no'\n" },
		{ "exchange", 0, 1, COLLECT, "+ abc=\r\n+ \r\n+OK\r\n",
		    "CONT 'abc='\nCONT ''\nOK ''\n" },
		{ "no data after a continuation", 1, 1, COLLECT,
		    "+ abc\r\n+OK\r\nx\r\n.\r\n",
		    "CONT 'abc'\nOK '' n=1 data='x'\n" },
		{ "not allowed", 0, 0, COLLECT, "+ abc\r\n",
		    MALFORMED "'+ abc'\n" },
		{ "not allowed, bare", 0, 0, COLLECT, "+\r\n",
		    MALFORMED "'+'\n" },
		{ "plus word", 0, 1, COLLECT, "+abc\r\n",
		    MALFORMED "'+abc'\n" },
	};

	check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_errors(void **state)
{
	static const struct pr_case cases[] = {
		{ "garbage", 0, 0, COLLECT, "HELLO\r\n",
		    MALFORMED "'HELLO'\n" },
		{ "empty line", 0, 0, COLLECT, "\r\n", MALFORMED "''\n" },
		{ "okay", 0, 0, COLLECT, "+OKAY\r\n", MALFORMED "'+OKAY'\n" },
		{ "error", 0, 0, COLLECT, "-ERROR x\r\n",
		    MALFORMED "'-ERROR x'\n" },
		{ "tab", 0, 0, COLLECT, "+OK\tx\r\n", MALFORMED "'+OK\\x09x'\n" },
		{ "leading space", 0, 0, COLLECT, " +OK\r\n",
		    MALFORMED "' +OK'\n" },
		{ "smtp", 1, 0, COLLECT, "220 ready\r\n",
		    MALFORMED "'220 ready'\n" },
		{ "control quoted", 0, 0, COLLECT, "\x1b[2J\x01\r\n",
		    MALFORMED "'\\x1b[2J\\x01'\n" },
		{ "after a good one", 0, 0, COLLECT, "+OK\r\nbad\r\n",
		    "OK ''\n" MALFORMED "'bad'\n" },
	};

	check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Two responses buffered: feed stops right after the first one. */
static void
test_pipelining(void **state)
{
	static const char in[] = "+OK 1\r\na\r\n.\r\n-ERR 2\r\n+OK";
	struct pop3_reply r;
	struct errinfo ei;
	int done = -1;

	pop3_reply_init(&r);
	r.multiline = 1;
	err_clear(&ei);
	assert_int_equal(pop3_reply_feed(&r, in, sizeof(in) - 1, &done, &ei),
	    13);
	assert_int_equal(done, 1);
	assert_int_equal(r.kind, POP3_OK);
	assert_string_equal(r.status.data, "1");
	assert_int_equal(r.ndata, 1);
	assert_string_equal(r.data.data, "a");
	assert_int_equal(pop3_reply_feed(&r, in + 13, sizeof(in) - 1 - 13,
	    &done, &ei), 8);
	assert_int_equal(done, 1);
	assert_int_equal(r.kind, POP3_ERR);
	assert_string_equal(r.status.data, "2");
	assert_int_equal(r.ndata, 0);
	assert_string_equal(r.data.data, "");
	assert_int_equal(pop3_reply_feed(&r, in + 21, 3, &done, &ei), 3);
	assert_int_equal(done, 0);
	assert_int_equal(pop3_reply_feed(&r, "\r\n.\r\n", 5, &done, &ei), 5);
	assert_int_equal(done, 1);
	assert_int_equal(r.kind, POP3_OK);
	assert_int_equal(r.ndata, 0);
	assert_int_equal(ei.st, ST_OK);
	pop3_reply_free(&r);
}

/* Parse one single-line response and return has_code(code). */
static int
has_code(const char *in, const char *code)
{
	struct pop3_reply r;
	struct errinfo ei;
	int done = 0, rc;

	pop3_reply_init(&r);
	assert_int_equal(pop3_reply_feed(&r, in, strlen(in), &done, &ei),
	    (ssize_t)strlen(in));
	assert_int_equal(done, 1);
	rc = pop3_reply_has_code(&r, code);
	pop3_reply_free(&r);
	return rc;
}

static void
test_has_code(void **state)
{
	assert_int_equal(has_code("-ERR [AUTH] bad\r\n", "AUTH"), 1);
	assert_int_equal(has_code("-ERR [AUTH] bad\r\n", "AUT"), 0);
	assert_int_equal(has_code("-ERR [AUTH] bad\r\n", "AUTHX"), 0);
	assert_int_equal(has_code("-ERR [AUTH] bad\r\n", "SYS"), 0);
	assert_int_equal(has_code("-ERR [SYS/TEMP] later\r\n", "SYS/TEMP"), 1);
	assert_int_equal(has_code("-ERR [SYS/TEMP] later\r\n", "SYS/PERM"), 0);
	assert_int_equal(has_code("-ERR [SYS/TEMP] later\r\n", "SYS"), 0);
	assert_int_equal(has_code("-ERR [IN-USE]\r\n", "IN-USE"), 1);
	assert_int_equal(has_code("-ERR [LOGIN-DELAY] wait\r\n",
	    "LOGIN-DELAY"), 1);
	assert_int_equal(has_code("-ERR AUTH bad\r\n", "AUTH"), 0);
	assert_int_equal(has_code("-ERR x [AUTH] bad\r\n", "AUTH"), 0);
	assert_int_equal(has_code("-ERR [AUTH\r\n", "AUTH"), 0);
	assert_int_equal(has_code("-ERR\r\n", "AUTH"), 0);
	assert_int_equal(has_code("+OK [AUTH] odd\r\n", "AUTH"), 1);
}

/* ---- limits ----------------------------------------------------------- */

/* Append a line of n bytes of text (varying letters) and eol. */
static void
add_line(struct buf *b, const char *prefix, size_t n, size_t seed,
    const char *eol)
{
	size_t j;

	buf_addstr(b, prefix);
	for (j = 0; j < n; j++)
		buf_addch(b, (char)('a' + (seed + j) % 26));
	buf_addstr(b, eol);
}

/* A multi-line +OK with data lines of the given lengths (0-terminated). */
static int
check_data(const char *name, const size_t *lens, int mode, const char *eol,
    const char *want_err)
{
	struct pr_case c = { name, 1, 0, mode, NULL, NULL };
	struct buf in, want, data;
	size_t i, n = 0;
	int rc;

	buf_init(&in, 1 << 24);
	buf_init(&want, 1 << 24);
	buf_init(&data, 1 << 24);
	buf_addstr(&in, "+OK\r\n");
	for (i = 0; lens[i] != 0; i++) {
		add_line(&in, "", lens[i], i, eol);
		/* Joined with '\n', as log_esc() writes it. */
		if (mode == COLLECT && i > 0)
			buf_addstr(&data, "\\n");
		add_line(&data, mode == CALLBACK ? " '" : "", lens[i], i,
		    mode == CALLBACK ? "'" : "");
		n++;
	}
	buf_addstr(&in, ".\r\n");
	if (want_err != NULL)
		buf_addstr(&want, want_err);
	else if (mode == CALLBACK)
		buf_printf(&want, "OK '' n=%zu lines:%s\n", n, data.data);
	else
		buf_printf(&want, "OK '' n=%zu data='%s'\n", n, data.data);
	c.in = in.data;
	c.want = want.data;
	rc = check_splits(name, in.data, in.len, want.data, run_pop3, &c);
	buf_free(&in);
	buf_free(&want);
	buf_free(&data);
	return rc;
}

/* A single-line response "+OK " and n bytes of text. */
static int
check_status(const char *name, size_t n, const char *eol, const char *want_err)
{
	struct pr_case c = { name, 0, 0, COLLECT, NULL, NULL };
	struct buf in, want;
	int rc;

	buf_init(&in, 1 << 24);
	buf_init(&want, 1 << 24);
	add_line(&in, "+OK ", n, 0, eol);
	if (want_err != NULL) {
		buf_addstr(&want, want_err);
	} else {
		add_line(&want, "OK '", n, 0, "'\n");
	}
	c.in = in.data;
	c.want = want.data;
	rc = check_splits(name, in.data, in.len, want.data, run_pop3, &c);
	buf_free(&in);
	buf_free(&want);
	return rc;
}

static void
test_limits(void **state)
{
	static const size_t longest[] = { POP3_LINE_MAX, 0 };
	static const size_t too_long[] = { POP3_LINE_MAX + 1, 0 };
	/* 16 lines of 4000, one of 1520 and 16 LFs: 65536 bytes. */
	static const size_t full[] = { 4000, 4000, 4000, 4000, 4000, 4000,
	    4000, 4000, 4000, 4000, 4000, 4000, 4000, 4000, 4000, 4000, 1520,
	    0 };
	static const size_t over[] = { 4000, 4000, 4000, 4000, 4000, 4000,
	    4000, 4000, 4000, 4000, 4000, 4000, 4000, 4000, 4000, 4000, 1521,
	    0 };
	char line_err[300], data_err[100];
	int bad = 0;

	snprintf(line_err, sizeof(line_err), PROTO "POP3 line longer than %d "
	    "bytes: '%.76s...'\n", POP3_LINE_MAX,
	    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
	    "abcdefghijklmnopqrstuvwxyz");
	snprintf(data_err, sizeof(data_err), PROTO "POP3 response longer "
	    "than %d bytes\n", POP3_DATA_MAX);

	bad |= check_status("longest status, lf", POP3_LINE_MAX - 4, "\n",
	    NULL);
	bad |= check_data("longest data line, lf", longest, COLLECT, "\n",
	    NULL);
	bad |= check_data("data line too long", too_long, COLLECT, "\r\n",
	    line_err);
	bad |= check_data("data line too long, lf", too_long, CALLBACK, "\n",
	    line_err);
	bad |= check_data("most data", full, COLLECT, "\r\n", NULL);
	bad |= check_data("too much data", over, COLLECT, "\r\n", data_err);
	/* A callback takes any amount. */
	bad |= check_data("callback, much data", over, CALLBACK, "\r\n", NULL);
	snprintf(line_err, sizeof(line_err), PROTO "POP3 line longer than %d "
	    "bytes: '+OK %.72s...'\n", POP3_LINE_MAX,
	    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
	    "abcdefghijklmnopqrstuvwxyz");
	bad |= check_status("status too long", POP3_LINE_MAX - 3, "\r\n",
	    line_err);
	if (bad)
		fail_msg("limit cases failed");
}

/* A line of exactly POP3_LINE_MAX bytes ended by CR LF is accepted. */
static void
test_longest_line_crlf(void **state)
{
	static const size_t longest[] = { POP3_LINE_MAX, 0 };
	int bad = 0;

	bad |= check_status("longest status, crlf", POP3_LINE_MAX - 4, "\r\n",
	    NULL);
	bad |= check_data("longest data line, crlf", longest, COLLECT, "\r\n",
	    NULL);
	if (bad)
		fail_msg("a line of POP3_LINE_MAX bytes ended by CR LF is "
		    "refused");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_line),
		cmocka_unit_test(test_multi_line),
		cmocka_unit_test(test_empty_first_data_line),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_pipelining),
		cmocka_unit_test(test_has_code),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_longest_line_crlf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
