/*
 * Unit tests for send/smtpd_parse: tables of what an SMTP client may send
 * to "msend -bs", valid and hostile, each fed whole, byte by byte, and
 * split at every offset (splitfeed.h).  Every way must give the same
 * transcript: the commands and errors in order, the body lines as the
 * caller would write them, the end of the body.  The runner plays the
 * caller that accepts every DATA.
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
#include "smtpd_parse.h"
#include "splitfeed.h"
#include "xalloc.h"

static const char *const verb_names[] = {
	"?", "EHLO", "HELO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT",
	"VRFY", "HELP", "UNKNOWN"
};

static void
log_cmd(const struct smtpd_event *ev, struct buf *log)
{
	static const char *const body[] = { "", "7BIT", "8BITMIME" };
	static const char *const ret[] = { "", "FULL", "HDRS" };

	buf_printf(log, "%s '", verb_names[ev->verb]);
	log_esc(log, ev->arg, strlen(ev->arg));
	buf_addch(log, '\'');
	if (ev->has_size)
		buf_printf(log, " size=%llu", ev->size);
	if (ev->body != SMTPD_BODY_NONE)
		buf_printf(log, " body=%s", body[ev->body]);
	if (ev->smtputf8)
		buf_addstr(log, " smtputf8");
	if (ev->ret != SMTPD_RET_NONE)
		buf_printf(log, " ret=%s", ret[ev->ret]);
	if (ev->envid != NULL)
		buf_printf(log, " envid=%s", ev->envid);
	if (ev->notify != 0)
		buf_printf(log, " notify=%x", ev->notify);
	if (ev->orcpt != NULL)
		buf_printf(log, " orcpt=%s", ev->orcpt);
	buf_addch(log, '\n');
}

/*
 * Feed the chunks as the caller will: call until each chunk is used up,
 * act on each event.  Body pieces are joined into lines.
 */
static void
run_smtpd(const void *arg, const char *in, size_t len, const size_t *cuts,
    size_t ncuts, struct buf *log)
{
	struct smtpd_parse p;
	struct buf line;
	size_t start = 0, k;

	smtpd_init(&p);
	buf_init(&line, 1 << 20);
	for (k = 0; k <= ncuts; k++) {
		size_t end = k < ncuts ? cuts[k] : len, off = start;

		while (off < end) {
			struct smtpd_event ev;
			size_t used = smtpd_feed(&p, in + off, end - off, &ev);

			if (used > end - off ||
			    (used == 0 && ev.kind == SMTPD_NONE) ||
			    (ev.kind == SMTPD_NONE && used != end - off)) {
				buf_addstr(log, "BAD RETURN\n");
				goto out;
			}
			off += used;
			switch (ev.kind) {
			case SMTPD_NONE:
				break;
			case SMTPD_CMD:
				log_cmd(&ev, log);
				if (ev.verb == SMTPD_DATA)
					smtpd_start_data(&p);
				break;
			case SMTPD_ERROR:
				buf_printf(log, "E %d %s: %s\n", ev.code,
				    ev.verb ? verb_names[ev.verb] : "-",
				    ev.msg);
				break;
			case SMTPD_BODY:
				buf_add(&line, ev.data, ev.len);
				if (ev.eol) {
					buf_addstr(log, "B '");
					log_esc(log, line.data, line.len);
					buf_addstr(log, "'\n");
					buf_reset(&line);
				}
				break;
			case SMTPD_END:
				if (line.len > 0)
					buf_addstr(log, "END MID-LINE ");
				buf_printf(log, "END nul %d longest %zu\n",
				    ev.nul, ev.longest);
				break;
			}
		}
		start = end;
	}
	if (line.len > 0 || smtpd_in_data(&p)) {
		buf_addstr(log, "... '");
		log_esc(log, line.data, line.len);
		buf_addstr(log, "'\n");
	} else if (p.len > 0)
		buf_addstr(log, "...\n");
out:
	buf_free(&line);
}

struct sp_case {
	const char *name;
	const char *in;
	const char *want;
};

static void
check_table(const struct sp_case *cases, size_t n)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		if (check_splits(cases[i].name, cases[i].in,
		    strlen(cases[i].in), cases[i].want, run_smtpd, NULL) < 0)
			bad++;
	if (bad > 0)
		fail_msg("%zu of %zu cases failed", bad, n);
}

static void
test_commands(void **state)
{
	static const struct sp_case cases[] = {
		{ "session", "EHLO client.example\r\nMAIL FROM:<a@x.org>\r\n"
		    "RCPT TO:<b@y.org>\r\nQUIT\r\n",
		    "EHLO 'client.example'\nMAIL 'a@x.org'\n"
		    "RCPT 'b@y.org'\nQUIT ''\n" },
		{ "lf only", "HELO h\nRSET\nNOOP\n",
		    "HELO 'h'\nRSET ''\nNOOP ''\n" },
		{ "any case", "ehlo h\r\nmail from:<a@x>\r\nrcpt To:<b@y>\r\n"
		    "quit\r\n",
		    "EHLO 'h'\nMAIL 'a@x'\nRCPT 'b@y'\nQUIT ''\n" },
		{ "address literal", "EHLO [127.0.0.1]\r\n",
		    "EHLO '[127.0.0.1]'\n" },
		{ "null sender", "MAIL FROM:<>\r\n", "MAIL ''\n" },
		{ "space after colon", "MAIL FROM: <a@x>\r\n", "MAIL 'a@x'\n" },
		{ "local recipient", "RCPT TO:<postmaster>\r\n",
		    "RCPT 'postmaster'\n" },
		{ "source route", "RCPT TO:<@a.org,@b.org:u@c.org>\r\n",
		    "RCPT 'u@c.org'\n" },
		{ "quoted local part", "MAIL FROM:<\"a>b\"@x>\r\n",
		    "MAIL '\"a>b\"@x'\n" },
		{ "quoted pair", "MAIL FROM:<\"a\\\">\"@x>\r\n",
		    "MAIL '\"a\\\\\">\"@x'\n" },
		{ "utf-8 address", "MAIL FROM:<j\xc3\xb6@x> SMTPUTF8\r\n",
		    "MAIL 'j\\xc3\\xb6@x' smtputf8\n" },
		{ "noop text", "NOOP hello there\r\n", "NOOP 'hello there'\n" },
		{ "vrfy", "VRFY bob\r\n", "VRFY 'bob'\n" },
		{ "help", "HELP\r\nHELP DATA\r\n", "HELP ''\nHELP 'DATA'\n" },
		{ "unknown", "STARTTLS\r\nEHLOX\r\n\r\n",
		    "UNKNOWN 'STARTTLS'\nUNKNOWN 'EHLOX'\nUNKNOWN ''\n" },
		{ "unfinished", "QUIT", "...\n" },
		{ "unfinished cr", "QUIT\r", "...\n" },
		{ "cr lf after all", "QUIT\r\n", "QUIT ''\n" },
	};

	check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_params(void **state)
{
	static const struct sp_case cases[] = {
		{ "size", "MAIL FROM:<a@x> SIZE=12345\r\n",
		    "MAIL 'a@x' size=12345\n" },
		{ "size zero", "MAIL FROM:<a@x> SIZE=0\r\n",
		    "MAIL 'a@x' size=0\n" },
		{ "size max", "MAIL FROM:<a@x> SIZE=18446744073709551615\r\n",
		    "MAIL 'a@x' size=18446744073709551615\n" },
		{ "all of them", "MAIL FROM:<a@x> size=10 BODY=8bitmime "
		    "SMTPUTF8 RET=HDRS ENVID=QQ+2B1\r\n",
		    "MAIL 'a@x' size=10 body=8BITMIME smtputf8 ret=HDRS "
		    "envid=QQ+2B1\n" },
		{ "7bit, full", "MAIL FROM:<> BODY=7BIT RET=FULL\r\n",
		    "MAIL '' body=7BIT ret=FULL\n" },
		{ "two spaces", "MAIL FROM:<a@x>  SIZE=1\r\n",
		    "MAIL 'a@x' size=1\n" },
		{ "notify", "RCPT TO:<b@y> NOTIFY=SUCCESS,FAILURE,DELAY\r\n",
		    "RCPT 'b@y' notify=e\n" },
		{ "notify never", "RCPT TO:<b@y> NOTIFY=never\r\n",
		    "RCPT 'b@y' notify=1\n" },
		{ "orcpt", "RCPT TO:<b@y> ORCPT=rfc822;b+40y NOTIFY=DELAY\r\n",
		    "RCPT 'b@y' notify=8 orcpt=rfc822;b+40y\n" },
	};

	check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_errors(void **state)
{
	static const struct sp_case cases[] = {
		{ "ehlo without domain", "EHLO\r\nHELO \r\n",
		    "E 501 EHLO: syntax: EHLO domain\n"
		    "E 501 HELO: syntax: HELO domain\n" },
		{ "ehlo two words", "EHLO a b\r\n",
		    "E 501 EHLO: syntax: EHLO domain\n" },
		{ "ehlo control", "EHLO a\x01\r\n",
		    "E 501 EHLO: syntax: EHLO domain\n" },
		{ "data argument", "DATA x\r\nQUIT now\r\nRSET 1\r\n",
		    "E 501 DATA: syntax: DATA takes no argument\n"
		    "E 501 QUIT: syntax: QUIT takes no argument\n"
		    "E 501 RSET: syntax: RSET takes no argument\n" },
		{ "mail without from", "MAIL\r\nMAIL TO:<a@x>\r\n",
		    "E 501 MAIL: syntax: MAIL FROM:<address>\n"
		    "E 501 MAIL: syntax: MAIL FROM:<address>\n" },
		{ "rcpt without to", "RCPT FROM:<a@x>\r\n",
		    "E 501 RCPT: syntax: RCPT TO:<address>\n" },
		{ "no brackets", "MAIL FROM:a@x\r\n",
		    "E 501 MAIL: address must be in angle brackets\n" },
		{ "no closing bracket", "RCPT TO:<a@x\r\n",
		    "E 501 RCPT: no closing angle bracket\n" },
		{ "unclosed quote", "RCPT TO:<\"a>@x\r\n",
		    "E 501 RCPT: no closing angle bracket\n" },
		{ "junk after", "MAIL FROM:<a@x>SIZE=1\r\n",
		    "E 501 MAIL: junk after the address\n" },
		{ "route without colon", "RCPT TO:<@a.org>\r\n",
		    "E 501 RCPT: source route without a colon\n" },
		{ "empty recipient", "RCPT TO:<>\r\n",
		    "E 501 RCPT: bad address\n" },
		{ "bad mailbox", "RCPT TO:<a@>\r\nRCPT TO:<a b@x>\r\n",
		    "E 501 RCPT: bad address\nE 501 RCPT: bad address\n" },
		{ "bad sender", "MAIL FROM:<a\tb@x>\r\n",
		    "E 501 MAIL: bad address\n" },
		{ "unknown mail param", "MAIL FROM:<a@x> AUTH=<>\r\n",
		    "E 555 MAIL: unknown MAIL parameter\n" },
		{ "unknown rcpt param", "RCPT TO:<b@y> SIZE=1\r\n",
		    "E 555 RCPT: unknown RCPT parameter\n" },
		{ "bad sizes", "MAIL FROM:<a@x> SIZE=\r\n"
		    "MAIL FROM:<a@x> SIZE\r\n"
		    "MAIL FROM:<a@x> SIZE=1k\r\nMAIL FROM:<a@x> SIZE=-1\r\n"
		    "MAIL FROM:<a@x> SIZE=000000000000000000001\r\n",
		    "E 501 MAIL: bad SIZE value\nE 501 MAIL: bad SIZE value\n"
		    "E 501 MAIL: bad SIZE value\nE 501 MAIL: bad SIZE value\n"
		    "E 501 MAIL: bad SIZE value\n" },
		{ "size overflow",
		    "MAIL FROM:<a@x> SIZE=18446744073709551616\r\n",
		    "E 501 MAIL: SIZE value too large\n" },
		{ "twice", "MAIL FROM:<a@x> SIZE=1 SIZE=2\r\n"
		    "MAIL FROM:<a@x> BODY=7BIT BODY=7BIT\r\n"
		    "MAIL FROM:<a@x> SMTPUTF8 SMTPUTF8\r\n"
		    "MAIL FROM:<a@x> RET=FULL RET=FULL\r\n"
		    "MAIL FROM:<a@x> ENVID=a ENVID=a\r\n"
		    "RCPT TO:<b@y> NOTIFY=DELAY NOTIFY=DELAY\r\n"
		    "RCPT TO:<b@y> ORCPT=rfc822;a ORCPT=rfc822;a\r\n",
		    "E 501 MAIL: SIZE given twice\n"
		    "E 501 MAIL: BODY given twice\n"
		    "E 501 MAIL: SMTPUTF8 given twice\n"
		    "E 501 MAIL: RET given twice\n"
		    "E 501 MAIL: ENVID given twice\n"
		    "E 501 RCPT: NOTIFY given twice\n"
		    "E 501 RCPT: ORCPT given twice\n" },
		{ "bad values", "MAIL FROM:<a@x> BODY=BINARYMIME\r\n"
		    "MAIL FROM:<a@x> BODY\r\nMAIL FROM:<a@x> SMTPUTF8=1\r\n"
		    "MAIL FROM:<a@x> RET=ALL\r\nMAIL FROM:<a@x> ENVID=\r\n"
		    "MAIL FROM:<a@x> ENVID=a+2b\r\n"
		    "MAIL FROM:<a@x> ENVID=a+4\r\n"
		    "MAIL FROM:<a@x> ENVID=a=b\r\n",
		    "E 501 MAIL: bad BODY value\nE 501 MAIL: bad BODY value\n"
		    "E 501 MAIL: SMTPUTF8 takes no value\n"
		    "E 501 MAIL: bad RET value\nE 501 MAIL: bad ENVID value\n"
		    "E 501 MAIL: bad ENVID value\nE 501 MAIL: bad ENVID value\n"
		    "E 501 MAIL: bad ENVID value\n" },
		{ "bad notify", "RCPT TO:<b@y> NOTIFY=\r\n"
		    "RCPT TO:<b@y> NOTIFY=SOMETIMES\r\n"
		    "RCPT TO:<b@y> NOTIFY=DELAY,DELAY\r\n"
		    "RCPT TO:<b@y> NOTIFY=NEVER,DELAY\r\n"
		    "RCPT TO:<b@y> NOTIFY=DELAY,\r\n",
		    "E 501 RCPT: bad NOTIFY value\n"
		    "E 501 RCPT: bad NOTIFY value\n"
		    "E 501 RCPT: bad NOTIFY value\n"
		    "E 501 RCPT: NOTIFY=NEVER with other values\n"
		    "E 501 RCPT: bad NOTIFY value\n" },
		{ "bad orcpt", "RCPT TO:<b@y> ORCPT=b@y\r\n"
		    "RCPT TO:<b@y> ORCPT=;b@y\r\n"
		    "RCPT TO:<b@y> ORCPT=rfc822;\r\n"
		    "RCPT TO:<b@y> ORCPT=rfc822;a+zz\r\n",
		    "E 501 RCPT: bad ORCPT value\nE 501 RCPT: bad ORCPT value\n"
		    "E 501 RCPT: bad ORCPT value\n"
		    "E 501 RCPT: bad ORCPT value\n" },
		{ "bare cr", "QU\rIT\r\nNOOP\r\n",
		    "E 500 -: bare CR in a command\nNOOP ''\n" },
		{ "goes on", "MAIL FROM:x\r\nMAIL FROM:<a@x>\r\n",
		    "E 501 MAIL: address must be in angle brackets\n"
		    "MAIL 'a@x'\n" },
	};

	check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

/* A NUL byte in a command: the input's length is given, not strlen(). */
static void
test_nul(void **state)
{
	static const char in[] = "QU\0IT\r\nQUIT\r\n";

	if (check_splits("nul inside", in, sizeof(in) - 1,
	    "E 500 -: NUL byte in a command\nQUIT ''\n", run_smtpd, NULL) < 0)
		fail_msg("NUL byte case failed");
}

static void
test_body(void **state)
{
	static const struct sp_case cases[] = {
		{ "simple", "DATA\r\nSubject: x\r\n\r\nhello\r\n.\r\nQUIT\r\n",
		    "DATA ''\nB 'Subject: x'\nB ''\nB 'hello'\n"
		    "END nul 0 longest 10\nQUIT ''\n" },
		{ "lf only", "DATA\na\n.\nNOOP\n",
		    "DATA ''\nB 'a'\nEND nul 0 longest 1\nNOOP ''\n" },
		{ "empty body", "DATA\r\n.\r\n",
		    "DATA ''\nEND nul 0 longest 0\n" },
		{ "unstuffing", "DATA\r\n..\r\n..x\r\n.x\r\n...\r\n.\r\n",
		    "DATA ''\nB '.'\nB '.x'\nB 'x'\nB '..'\n"
		    "END nul 0 longest 2\n" },
		{ "dot not first", "DATA\r\na.\r\n .\r\n.\r\n",
		    "DATA ''\nB 'a.'\nB ' .'\nEND nul 0 longest 2\n" },
		{ "bare cr", "DATA\r\na\rb\r\n\r\r\n.\r\n",
		    "DATA ''\nB 'a\\rb'\nB '\\r'\nEND nul 0 longest 3\n" },
		{ "dot cr x", "DATA\r\n.\rx\r\n.\r\n",
		    "DATA ''\nB '\\rx'\nEND nul 0 longest 2\n" },
		{ "dot cr cr lf", "DATA\r\n.\r\r\n.\r\n",
		    "DATA ''\nB '\\r'\nEND nul 0 longest 1\n" },
		{ "mixed line ends", "DATA\na\r\nb\n.\r\nQUIT\n",
		    "DATA ''\nB 'a'\nB 'b'\nEND nul 0 longest 1\nQUIT ''\n" },
		{ "commands in body", "DATA\r\nQUIT\r\nMAIL FROM:<a>\r\n.\r\n",
		    "DATA ''\nB 'QUIT'\nB 'MAIL FROM:<a>'\n"
		    "END nul 0 longest 13\n" },
		{ "two messages", "DATA\r\na\r\n.\r\nDATA\r\nbb\r\n.\r\n",
		    "DATA ''\nB 'a'\nEND nul 0 longest 1\nDATA ''\nB 'bb'\n"
		    "END nul 0 longest 2\n" },
		{ "unfinished line", "DATA\r\nabc",
		    "DATA ''\n... 'abc'\n" },
		{ "unfinished cr", "DATA\r\nabc\r",
		    "DATA ''\n... 'abc'\n" },
		{ "unfinished dot", "DATA\r\n.", "DATA ''\n... ''\n" },
		{ "unfinished dot cr", "DATA\r\n.\r", "DATA ''\n... ''\n" },
		{ "8 bit", "DATA\r\n\xc3\xa9t\xc3\xa9\r\n.\r\n",
		    "DATA ''\nB '\\xc3\\xa9t\\xc3\\xa9'\n"
		    "END nul 0 longest 5\n" },
	};

	check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

/* A NUL in the body is passed on and reported at the end. */
static void
test_body_nul(void **state)
{
	static const char in[] = "DATA\r\na\0b\r\n.\r\nDATA\r\nc\r\n.\r\n";

	if (check_splits("body nul", in, sizeof(in) - 1,
	    "DATA ''\nB 'a\\x00b'\nEND nul 1 longest 3\n"
	    "DATA ''\nB 'c'\nEND nul 0 longest 1\n", run_smtpd, NULL) < 0)
		fail_msg("body NUL case failed");
}

/* "CMD " then fill bytes so that the line holds len bytes, then eol. */
static char *
make_line(const char *cmd, size_t len, const char *eol, const char *after)
{
	struct buf b;
	char *p;

	buf_init(&b, 1 << 24);
	buf_addstr(&b, cmd);
	while (b.len < len)
		buf_addch(&b, (char)('a' + b.len % 26));
	buf_addstr(&b, eol);
	buf_addstr(&b, after);
	p = buf_detach(&b, NULL);
	buf_free(&b);
	return p;
}

static int
check_line(const char *name, size_t len, const char *eol, const char *want)
{
	char *in = make_line("NOOP ", len, eol, "QUIT\r\n");
	struct buf w;
	int rc;

	buf_init(&w, 1 << 24);
	if (want == NULL) {
		buf_addstr(&w, "NOOP '");
		buf_add(&w, in + 5, len - 5);
		buf_addstr(&w, "'\nQUIT ''\n");
	} else
		buf_addstr(&w, want);
	rc = check_splits(name, in, strlen(in), w.data, run_smtpd, NULL);
	buf_free(&w);
	free(in);
	return rc;
}

static void
test_limits(void **state)
{
	static const char toolong[] = "E 500 -: line longer than 1000 bytes\n"
	    "QUIT ''\n";
	int bad = 0;

	/* 1000 bytes with CR LF: 998 of text. */
	bad |= check_line("longest, crlf", SMTPD_LINE_MAX - 2, "\r\n", NULL);
	bad |= check_line("longest, lf", SMTPD_LINE_MAX - 2, "\n", NULL);
	bad |= check_line("one too long, crlf", SMTPD_LINE_MAX - 1, "\r\n",
	    toolong);
	bad |= check_line("one too long, lf", SMTPD_LINE_MAX - 1, "\n",
	    toolong);
	bad |= check_line("much too long", 5000, "\r\n", toolong);
	if (bad)
		fail_msg("limit cases failed");
}

/* A body line far longer than any buffer streams through. */
static void
test_long_body_line(void **state)
{
	char *in = make_line("DATA\r\n", 100000, "\r\n", ".\r\nQUIT\r\n");
	struct buf w;
	int rc;

	buf_init(&w, 1 << 24);
	buf_addstr(&w, "DATA ''\nB '");
	buf_add(&w, in + 6, 100000 - 6);
	buf_printf(&w, "'\nEND nul 0 longest %d\nQUIT ''\n", 100000 - 6);
	rc = check_splits("long body line", in, strlen(in), w.data, run_smtpd,
	    NULL);
	buf_free(&w);
	free(in);
	if (rc < 0)
		fail_msg("long body line failed");
}

/* Pipelined commands: one event per call, the rest left for the next. */
static void
test_pipelining(void **state)
{
	static const char in[] = "RSET\r\nNOOP\r\nQU";
	struct smtpd_parse p;
	struct smtpd_event ev;

	smtpd_init(&p);
	assert_int_equal(smtpd_feed(&p, in, sizeof(in) - 1, &ev), 6);
	assert_int_equal(ev.kind, SMTPD_CMD);
	assert_int_equal(ev.verb, SMTPD_RSET);
	assert_int_equal(smtpd_feed(&p, in + 6, sizeof(in) - 7, &ev), 6);
	assert_int_equal(ev.verb, SMTPD_NOOP);
	assert_int_equal(smtpd_feed(&p, in + 12, 2, &ev), 2);
	assert_int_equal(ev.kind, SMTPD_NONE);
	assert_int_equal(smtpd_feed(&p, "IT\r\n", 4, &ev), 4);
	assert_int_equal(ev.verb, SMTPD_QUIT);
	assert_int_equal(smtpd_feed(&p, "x", 0, &ev), 0);
	assert_int_equal(ev.kind, SMTPD_NONE);
	assert_false(smtpd_in_data(&p));
	smtpd_start_data(&p);
	assert_true(smtpd_in_data(&p));
	assert_int_equal(smtpd_feed(&p, ".\r\nNOOP\r\n", 9, &ev), 3);
	assert_int_equal(ev.kind, SMTPD_END);
	assert_false(smtpd_in_data(&p));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_body),
		cmocka_unit_test(test_body_nul),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_long_body_line),
		cmocka_unit_test(test_pipelining),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
