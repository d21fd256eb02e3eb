/*
 * Unit tests for fetch/imap_parse: a table of server inputs, each fed
 * whole, byte by byte, in two chunks split at every offset and (short
 * inputs) in three chunks split at every pair of offsets.  Every way of
 * feeding must give the same transcript: the responses parsed, in order,
 * with what the literal hooks saw, then the error or a mark for an
 * unfinished response.
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
#include "imap_parse.h"
#include "splitfeed.h"
#include "status.h"
#include "xalloc.h"

/* ---- running the IMAP parser ------------------------------------------ */

/* What the begin hook answers. */
enum lit_mode {
	KEEP_ALL,	/* no hooks at all (lit NULL) */
	KEEP,		/* hooks that keep every literal */
	STREAM,		/* stream every literal */
	STREAM_BIG,	/* stream literals of 4 bytes or more, keep others */
	BEGIN_FAILS,	/* begin fails */
	DATA_FAILS,	/* data fails */
	END_FAILS	/* end fails */
};

struct ip_case {
	const char *name;
	enum lit_mode mode;
	const char *in;
	const char *want;
};

/* The hooks' state: what they saw, logged with the response. */
struct hooks {
	enum lit_mode mode;
	struct buf ev;		/* events of the current response */
	struct buf cur;		/* the literal being streamed */
	unsigned long long size;
	int streaming;
};

static int
h_begin(void *arg, const struct imap_resp *r, unsigned long long size,
    struct errinfo *ei)
{
	struct hooks *h = arg;

	buf_printf(&h->ev, " {begin %llu '", size);
	log_esc(&h->ev, r->text.data, r->text.len);
	buf_addstr(&h->ev, "'}");
	if (h->streaming)
		buf_addstr(&h->ev, " (BAD: begin while streaming)");
	if (h->mode == BEGIN_FAILS)
		return err_set(ei, ST_IOERR, "begin refused");
	h->size = size;
	buf_reset(&h->cur);
	h->streaming = h->mode == STREAM || h->mode == DATA_FAILS ||
	    h->mode == END_FAILS || (h->mode == STREAM_BIG && size >= 4);
	return h->streaming;
}

static int
h_data(void *arg, const char *p, size_t n, struct errinfo *ei)
{
	struct hooks *h = arg;

	if (!h->streaming || n == 0 || h->cur.len + n > h->size)
		buf_printf(&h->ev, " (BAD: data of %zu bytes)", n);
	if (h->mode == DATA_FAILS)
		return err_set(ei, ST_IOERR, "data refused");
	if (buf_add(&h->cur, p, n) < 0)
		buf_addstr(&h->ev, " (BAD: too much data)");
	return 0;
}

static int
h_end(void *arg, struct errinfo *ei)
{
	struct hooks *h = arg;

	if (h->cur.len < 64) {
		buf_addstr(&h->ev, " {data '");
		log_esc(&h->ev, h->cur.data, h->cur.len);
		buf_addstr(&h->ev, "' end}");
	} else {
		/* Big literals: their size and a checksum. */
		unsigned long sum = 0;
		size_t i;

		for (i = 0; i < h->cur.len; i++)
			sum = sum * 31 + (unsigned char)h->cur.data[i];
		buf_printf(&h->ev, " {data of %zu bytes, sum %lu, end}",
		    h->cur.len, sum);
	}
	if (!h->streaming || h->cur.len != h->size)
		buf_addstr(&h->ev, " (BAD: end)");
	h->streaming = 0;
	if (h->mode == END_FAILS)
		return err_set(ei, ST_IOERR, "end refused");
	return 0;
}

static const char *const conds[] = { "NONE", "OK", "NO", "BAD", "BYE",
	"PREAUTH" };

/*
 * One response: "*", "+" or "tag=TAG", the condition, 'text', lits=N,
 * and for status responses and continuations the code and human text;
 * then what the hooks saw.
 */
static void
log_resp(const struct imap_resp *r, struct hooks *h, struct buf *log)
{
	const char *code, *human;
	size_t cl;

	if (r->kind == IMAP_TAGGED)
		buf_printf(log, "tag=%s", r->tag);
	else
		buf_addstr(log, r->kind == IMAP_UNTAGGED ? "*" : "+");
	if (r->kind != IMAP_TAGGED && r->tag[0] != '\0')
		buf_addstr(log, " (BAD: tag set)");
	buf_printf(log, " %s '", conds[r->cond]);
	log_esc(log, r->text.data, r->text.len);
	buf_addch(log, '\'');
	if (r->nliterals > 0)
		buf_printf(log, " lits=%zu", r->nliterals);
	if (r->cond != IMAP_NONE &&
	    (code = imap_resp_code(r, &cl)) != NULL) {
		buf_addstr(log, " code='");
		log_esc(log, code, cl);
		buf_addch(log, '\'');
	}
	if (r->cond != IMAP_NONE || r->kind == IMAP_CONTINUE) {
		human = imap_resp_human(r);
		buf_addstr(log, " human='");
		log_esc(log, human, strlen(human));
		buf_addch(log, '\'');
	}
	buf_addstr(log, h->ev.data);
	if (!r->done || r->in_literal || h->streaming)
		buf_addstr(log, " (BAD: not finished)");
	buf_addch(log, '\n');
	buf_reset(&h->ev);
}

/* Feed the chunks as pp_read() does; read each response when done. */
static void
run_imap(const void *arg, const char *in, size_t len, const size_t *cuts,
    size_t ncuts, struct buf *log)
{
	const struct ip_case *c = arg;
	struct imap_literal_ops ops = { h_begin, h_data, h_end, NULL };
	struct imap_resp r;
	struct hooks h;
	size_t start = 0, k, last = 0;

	memset(&h, 0, sizeof(h));
	h.mode = c->mode;
	buf_init(&h.ev, 1 << 20);
	buf_init(&h.cur, 1 << 24);
	ops.arg = &h;
	imap_resp_init(&r);
	r.lit = c->mode == KEEP_ALL ? NULL : &ops;
	for (k = 0; k <= ncuts; k++) {
		size_t end = k < ncuts ? cuts[k] : len, off = start;

		while (off < end) {
			struct errinfo ei;
			int done = -1;
			ssize_t used;

			err_clear(&ei);
			used = imap_resp_feed(&r, in + off, end - off, &done,
			    &ei);
			if (used < 0) {
				if (h.ev.len > 0)
					buf_printf(log, "hooks:%s\n",
					    h.ev.data);
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
				log_resp(&r, &h, log);
				if (r.lit != (c->mode == KEEP_ALL ? NULL :
				    &ops))
					buf_addstr(log, "HOOKS LOST\n");
				last = off;
			}
		}
		start = end;
	}
	if (last < len) {
		if (h.ev.len > 0)
			buf_printf(log, "hooks:%s\n", h.ev.data);
		buf_addstr(log, "...\n");
	}
out:
	imap_resp_free(&r);
	buf_free(&h.ev);
	buf_free(&h.cur);
}

static int
check_case(const struct ip_case *c)
{
	return check_splits(c->name, c->in, strlen(c->in), c->want, run_imap,
	    c);
}

static void
check_table(const struct ip_case *cases, size_t n)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		if (check_case(&cases[i]) < 0)
			bad++;
	if (bad > 0)
		fail_msg("%zu of %zu cases failed", bad, n);
}

#define PROTO "E protocol error: "

static void
test_untagged(void **state)
{
	static const struct ip_case cases[] = {
		{ "capability", KEEP_ALL, "* CAPABILITY IMAP4rev1 IDLE\r\n",
		    "* NONE 'CAPABILITY IMAP4rev1 IDLE'\n" },
		{ "exists", KEEP_ALL, "* 3 EXISTS\r\n", "* NONE '3 EXISTS'\n" },
		{ "lf only", KEEP_ALL, "* 3 EXISTS\n", "* NONE '3 EXISTS'\n" },
		{ "okay is not ok", KEEP_ALL, "* OKAY x\r\n",
		    "* NONE 'OKAY x'\n" },
		{ "no and nothing", KEEP_ALL, "* NOTHING\r\n",
		    "* NONE 'NOTHING'\n" },
		{ "ok", KEEP_ALL,
		    "* OK [CAPABILITY IMAP4rev1 LITERAL+] Dovecot ready.\r\n",
		    "* OK 'OK [CAPABILITY IMAP4rev1 LITERAL+] Dovecot ready.' "
		    "code='CAPABILITY IMAP4rev1 LITERAL+' "
		    "human='Dovecot ready.'\n" },
		{ "ok alone", KEEP_ALL, "* OK\r\n", "* OK 'OK' human=''\n" },
		{ "ok lower case", KEEP_ALL, "* ok fine\r\n",
		    "* OK 'ok fine' human='fine'\n" },
		{ "code alone", KEEP_ALL, "* OK [READ-WRITE]\r\n",
		    "* OK 'OK [READ-WRITE]' code='READ-WRITE' human=''\n" },
		{ "code with parens", KEEP_ALL,
		    "* OK [PERMANENTFLAGS (\\Deleted \\*)] Limited\r\n",
		    "* OK 'OK [PERMANENTFLAGS (\\\\Deleted \\\\*)] Limited' "
		    "code='PERMANENTFLAGS (\\\\Deleted \\\\*)' "
		    "human='Limited'\n" },
		{ "unclosed code", KEEP_ALL, "* OK [ALERT oops\r\n",
		    "* OK 'OK [ALERT oops' human='[ALERT oops'\n" },
		{ "code not first", KEEP_ALL, "* OK hi [ALERT]\r\n",
		    "* OK 'OK hi [ALERT]' human='hi [ALERT]'\n" },
		{ "no", KEEP_ALL, "* NO [ALERT] Quota exceeded\r\n",
		    "* NO 'NO [ALERT] Quota exceeded' code='ALERT' "
		    "human='Quota exceeded'\n" },
		{ "bad", KEEP_ALL, "* BAD junk\r\n",
		    "* BAD 'BAD junk' human='junk'\n" },
		{ "bye", KEEP_ALL, "* BYE [UNAVAILABLE] shutting down\r\n",
		    "* BYE 'BYE [UNAVAILABLE] shutting down' "
		    "code='UNAVAILABLE' human='shutting down'\n" },
		{ "preauth", KEEP_ALL,
		    "* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n",
		    "* PREAUTH 'PREAUTH [CAPABILITY IMAP4rev1] hi' "
		    "code='CAPABILITY IMAP4rev1' human='hi'\n" },
		{ "several", KEEP_ALL, "* 2 EXISTS\r\n* OK x\r\n* 0 RECENT\r\n",
		    "* NONE '2 EXISTS'\n* OK 'OK x' human='x'\n"
		    "* NONE '0 RECENT'\n" },
		{ "unfinished", KEEP_ALL, "* 2 EXISTS\r\n* OK", "* NONE "
		    "'2 EXISTS'\n...\n" },
	};

	check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_tagged(void **state)
{
	static const struct ip_case cases[] = {
		{ "ok", KEEP_ALL, "A1 OK LOGIN completed\r\n",
		    "tag=A1 OK 'OK LOGIN completed' "
		    "human='LOGIN completed'\n" },
		{ "no with code", KEEP_ALL,
		    "a.2 NO [AUTHENTICATIONFAILED] Invalid credentials\r\n",
		    "tag=a.2 NO "
		    "'NO [AUTHENTICATIONFAILED] Invalid credentials' "
		    "code='AUTHENTICATIONFAILED' "
		    "human='Invalid credentials'\n" },
		{ "bad", KEEP_ALL, "A3 BAD Error in IMAP command\r\n",
		    "tag=A3 BAD 'BAD Error in IMAP command' "
		    "human='Error in IMAP command'\n" },
		{ "lower case", KEEP_ALL, "A4 ok done\r\n",
		    "tag=A4 OK 'ok done' human='done'\n" },
		{ "ok alone", KEEP_ALL, "A5 OK\r\n",
		    "tag=A5 OK 'OK' human=''\n" },
		{ "odd tag characters", KEEP_ALL, "x]!~ OK y\r\n",
		    "tag=x]!~ OK 'OK y' human='y'\n" },
		{ "longest tag", KEEP_ALL,
		    "T234567890123456789012345678901 OK y\r\n",
		    "tag=T234567890123456789012345678901 OK 'OK y' "
		    "human='y'\n" },
		{ "after untagged", KEEP_ALL,
		    "* 1 EXISTS\r\nA1 OK [READ-WRITE] SELECT completed\r\n",
		    "* NONE '1 EXISTS'\ntag=A1 OK 'OK [READ-WRITE] SELECT "
		    "completed' code='READ-WRITE' human='SELECT completed'\n" },
	};

	check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_continuation(void **state)
{
	static const struct ip_case cases[] = {
		{ "plus space", KEEP_ALL, "+ \r\n", "+ NONE '' human=''\n" },
		{ "plus alone", KEEP_ALL, "+\r\n", "+ NONE '' human=''\n" },
		{ "base64", KEEP_ALL, "+ dXNlcg==\r\n",
		    "+ NONE 'dXNlcg==' human='dXNlcg=='\n" },
		{ "text", KEEP_ALL, "+ Ready for literal data\r\n",
		    "+ NONE 'Ready for literal data' "
		    "human='Ready for literal data'\n" },
		{ "ends like a literal", STREAM, "+ go {5}\r\nA1 OK x\r\n",
		    "+ NONE 'go {5}' human='go {5}'\n"
		    "tag=A1 OK 'OK x' human='x'\n" },
		{ "exchange", KEEP_ALL, "+ \r\n+ abc\r\nA1 OK done\r\n",
		    "+ NONE '' human=''\n+ NONE 'abc' human='abc'\n"
		    "tag=A1 OK 'OK done' human='done'\n" },
	};

	check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_literals_kept(void **state)
{
	static const struct ip_case cases[] = {
		{ "one", KEEP_ALL, "* 1 FETCH (BODY[] {5}\r\nhello)\r\n",
		    "* NONE '1 FETCH (BODY[] {5}\\r\\nhello)' lits=1\n" },
		{ "one, hooks keep it", KEEP,
		    "* 1 FETCH (BODY[] {5}\r\nhello)\r\n",
		    "* NONE '1 FETCH (BODY[] {5}\\r\\nhello)' lits=1 "
		    "{begin 5 '1 FETCH (BODY[] {5}'}\n" },
		{ "protocol inside", KEEP_ALL,
		    "* 1 FETCH (BODY[] {12}\r\nab\r\n{3}\r\n) x)\r\n",
		    "* NONE '1 FETCH (BODY[] {12}\\r\\nab\\r\\n{3}\\r\\n) x)' "
		    "lits=1\n" },
		{ "lf after the marker", KEEP_ALL, "* X {2}\nab\n",
		    "* NONE 'X {2}\\r\\nab' lits=1\n" },
		{ "zero length", KEEP_ALL, "* 1 FETCH (BODY[] {0}\r\n)\r\n",
		    "* NONE '1 FETCH (BODY[] {0}\\r\\n)' lits=1\n" },
		{ "zero length, line ends", KEEP_ALL, "* X {0}\r\n\r\n* Y\r\n",
		    "* NONE 'X {0}\\r\\n' lits=1\n* NONE 'Y'\n" },
		{ "several", KEEP_ALL,
		    "* 1 FETCH (A {3}\r\nabc B {0}\r\n C {2}\r\nxy)\r\n",
		    "* NONE '1 FETCH (A {3}\\r\\nabc B {0}\\r\\n "
		    "C {2}\\r\\nxy)' lits=3\n" },
		{ "back to back", KEEP_ALL, "* X {1}\r\na{1}\r\nb\r\n",
		    "* NONE 'X {1}\\r\\na{1}\\r\\nb' lits=2\n" },
		{ "marker inside a literal", KEEP_ALL,
		    "* X {5}\r\n{9}\r\n)\r\n* Y\r\n",
		    "* NONE 'X {5}\\r\\n{9}\\r\\n)' lits=1\n* NONE 'Y'\n" },
		{ "non-synchronizing form", KEEP_ALL, "* X {2+}\r\nab\r\n",
		    "* NONE 'X {2+}\\r\\nab' lits=1\n" },
		{ "then the next response", KEEP_ALL,
		    "* X {2}\r\nab\r\nA1 OK y\r\n",
		    "* NONE 'X {2}\\r\\nab' lits=1\n"
		    "tag=A1 OK 'OK y' human='y'\n" },
		{ "unfinished literal", KEEP_ALL, "* X {5}\r\nabc", "...\n" },
		{ "not markers", KEEP_ALL,
		    "* X {a}\r\n* X {5} \r\n* X 5}\r\n* X {5\r\n",
		    "* NONE 'X {a}'\n* NONE 'X {5} '\n"
		    "* NONE 'X 5}'\n* NONE 'X {5'\n" },
	};

	check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_literals_streamed(void **state)
{
	static const struct ip_case cases[] = {
		{ "one", STREAM, "* 1 FETCH (BODY[] {5}\r\nhello)\r\n",
		    "* NONE '1 FETCH (BODY[] {5})' lits=1 "
		    "{begin 5 '1 FETCH (BODY[] {5}'} {data 'hello' end}\n" },
		{ "protocol inside", STREAM,
		    "* 1 FETCH (BODY[] {12}\r\nab\r\n{3}\r\n) x)\r\n",
		    "* NONE '1 FETCH (BODY[] {12})' lits=1 "
		    "{begin 12 '1 FETCH (BODY[] {12}'} "
		    "{data 'ab\\r\\n{3}\\r\\n) x' end}\n" },
		{ "zero length", STREAM, "* 1 FETCH (BODY[] {0}\r\n)\r\n",
		    "* NONE '1 FETCH (BODY[] {0})' lits=1 "
		    "{begin 0 '1 FETCH (BODY[] {0}'} {data '' end}\n" },
		{ "zero length, line ends", STREAM, "* X {0}\r\n\r\n* Y\r\n",
		    "* NONE 'X {0}' lits=1 {begin 0 'X {0}'} {data '' end}\n"
		    "* NONE 'Y'\n" },
		{ "several", STREAM,
		    "* 1 FETCH (A {3}\r\nabc B {0}\r\n C {2}\r\nxy)\r\n",
		    "* NONE '1 FETCH (A {3} B {0} C {2})' lits=3 "
		    "{begin 3 '1 FETCH (A {3}'} {data 'abc' end} "
		    "{begin 0 '1 FETCH (A {3} B {0}'} {data '' end} "
		    "{begin 2 '1 FETCH (A {3} B {0} C {2}'} "
		    "{data 'xy' end}\n" },
		{ "back to back", STREAM, "* X {1}\r\na{1}\r\nb\r\n",
		    "* NONE 'X {1}{1}' lits=2 {begin 1 'X {1}'} {data 'a' end} "
		    "{begin 1 'X {1}{1}'} {data 'b' end}\n" },
		{ "chosen per literal", STREAM_BIG,
		    "* 1 FETCH (A {3}\r\nabc B {4}\r\nwxyz)\r\n",
		    "* NONE '1 FETCH (A {3}\\r\\nabc B {4})' lits=2 "
		    "{begin 3 '1 FETCH (A {3}'} "
		    "{begin 4 '1 FETCH (A {3}\\r\\nabc B {4}'} "
		    "{data 'wxyz' end}\n" },
		{ "then the next response", STREAM,
		    "* X {2}\r\nab\r\nA1 OK y\r\n",
		    "* NONE 'X {2}' lits=1 {begin 2 'X {2}'} {data 'ab' end}\n"
		    "tag=A1 OK 'OK y' human='y'\n" },
		{ "unfinished literal", STREAM, "* X {5}\r\nabc",
		    "hooks: {begin 5 'X {5}'}\n...\n" },
		/* A literal of size 0 ends at once: end() comes before more
		 * input does. */
		{ "unfinished after an empty literal", STREAM, "* X {0}\r\n",
		    "hooks: {begin 0 'X {0}'} {data '' end}\n...\n" },
		{ "largest size", STREAM, "* X {4294967296}\r\nabc",
		    "hooks: {begin 4294967296 'X {4294967296}'}\n...\n" },
		{ "begin fails", BEGIN_FAILS, "* X {2}\r\nab\r\n",
		    "hooks: {begin 2 'X {2}'}\n"
		    "E input/output error: begin refused\n" },
		{ "data fails", DATA_FAILS, "* X {2}\r\nab\r\n",
		    "hooks: {begin 2 'X {2}'}\n"
		    "E input/output error: data refused\n" },
		{ "end fails", END_FAILS, "* X {2}\r\nab\r\n",
		    "hooks: {begin 2 'X {2}'} {data 'ab' end}\n"
		    "E input/output error: end refused\n" },
	};

	check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Status responses and continuations carry no literal. */
static void
test_status_not_literal(void **state)
{
	static const struct ip_case cases[] = {
		{ "untagged ok", STREAM, "* OK hello {5}\r\n* 2 EXISTS\r\n",
		    "* OK 'OK hello {5}' human='hello {5}'\n"
		    "* NONE '2 EXISTS'\n" },
		{ "untagged bye", KEEP_ALL, "* BYE {3}\r\nabc\r\n",
		    "* BYE 'BYE {3}' human='{3}'\n"
		    PROTO "malformed IMAP response: 'abc'\n" },
		{ "tagged", STREAM, "A1 OK {5}\r\nA2 NO x {0}\r\n",
		    "tag=A1 OK 'OK {5}' human='{5}'\n"
		    "tag=A2 NO 'NO x {0}' human='x {0}'\n" },
		{ "continuation", KEEP_ALL, "+ {5}\r\n+ x\r\n",
		    "+ NONE '{5}' human='{5}'\n+ NONE 'x' human='x'\n" },
	};

	check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_errors(void **state)
{
	static const struct ip_case cases[] = {
		{ "empty line", KEEP_ALL, "\r\n",
		    PROTO "empty IMAP response line: ''\n" },
		{ "star alone", KEEP_ALL, "*\r\n",
		    PROTO "malformed IMAP response: '*'\n" },
		{ "star space", KEEP_ALL, "* \r\n",
		    PROTO "malformed IMAP response: '* '\n" },
		{ "star word", KEEP_ALL, "*OK\r\n",
		    PROTO "malformed IMAP response: '*OK'\n" },
		{ "plus word", KEEP_ALL, "+OK\r\n",
		    PROTO "malformed IMAP response: '+OK'\n" },
		{ "tag alone", KEEP_ALL, "A1\r\n",
		    PROTO "malformed IMAP response: 'A1'\n" },
		{ "leading space", KEEP_ALL, " A1 OK x\r\n",
		    PROTO "malformed IMAP response: ' A1 OK x'\n" },
		{ "two spaces", KEEP_ALL, "A1  OK x\r\n",
		    PROTO "tagged IMAP response without OK, NO or BAD: "
		    "'A1  OK x'\n" },
		{ "paren in tag", KEEP_ALL, "A(1 OK x\r\n",
		    PROTO "malformed IMAP response: 'A(1 OK x'\n" },
		{ "brace in tag", KEEP_ALL, "A{1 OK x\r\n",
		    PROTO "malformed IMAP response: 'A{1 OK x'\n" },
		{ "percent in tag", KEEP_ALL, "A%1 OK x\r\n",
		    PROTO "malformed IMAP response: 'A%1 OK x'\n" },
		{ "star in tag", KEEP_ALL, "A*1 OK x\r\n",
		    PROTO "malformed IMAP response: 'A*1 OK x'\n" },
		{ "quote in tag", KEEP_ALL, "A\"1 OK x\r\n",
		    PROTO "malformed IMAP response: 'A\"1 OK x'\n" },
		{ "backslash in tag", KEEP_ALL, "A\\1 OK x\r\n",
		    PROTO "malformed IMAP response: 'A\\1 OK x'\n" },
		{ "plus in tag", KEEP_ALL, "A+1 OK x\r\n",
		    PROTO "malformed IMAP response: 'A+1 OK x'\n" },
		{ "control in tag", KEEP_ALL, "A\x01 OK x\r\n",
		    PROTO "malformed IMAP response: 'A\\x01 OK x'\n" },
		{ "tag too long", KEEP_ALL,
		    "T2345678901234567890123456789012 OK y\r\n",
		    PROTO "IMAP response tag too long: "
		    "'T2345678901234567890123456789012 OK y'\n" },
		{ "tagged bye", KEEP_ALL, "A1 BYE x\r\n",
		    PROTO "tagged IMAP response without OK, NO or BAD: "
		    "'A1 BYE x'\n" },
		{ "tagged preauth", KEEP_ALL, "A1 PREAUTH\r\n",
		    PROTO "tagged IMAP response without OK, NO or BAD: "
		    "'A1 PREAUTH'\n" },
		{ "tagged data", KEEP_ALL, "A1 3 EXISTS\r\n",
		    PROTO "tagged IMAP response without OK, NO or BAD: "
		    "'A1 3 EXISTS'\n" },
		{ "tagged nothing", KEEP_ALL, "A1 \r\n",
		    PROTO "tagged IMAP response without OK, NO or BAD: "
		    "'A1 '\n" },
		{ "okay", KEEP_ALL, "A1 OKAY\r\n",
		    PROTO "tagged IMAP response without OK, NO or BAD: "
		    "'A1 OKAY'\n" },
		{ "after a good one", KEEP_ALL, "A1 OK\r\nbad\r\n",
		    "tag=A1 OK 'OK' human=''\n"
		    PROTO "malformed IMAP response: 'bad'\n" },
		{ "13 digits", STREAM, "* X {1234567890123}\r\n",
		    PROTO "invalid IMAP literal size: 'X {1234567890123}'\n" },
		{ "over 4 GiB", STREAM, "* X {4294967297}\r\n",
		    PROTO "invalid IMAP literal size: 'X {4294967297}'\n" },
		{ "empty braces", STREAM, "* X {}\r\n",
		    PROTO "invalid IMAP literal size: 'X {}'\n" },
		{ "no digits", STREAM, "* X {+}\r\n",
		    PROTO "invalid IMAP literal size: 'X {+}'\n" },
		{ "too large to keep", KEEP, "* X {65537}\r\nabc",
		    "hooks: {begin 65537 'X {65537}'}\n"
		    PROTO "IMAP literal too large to keep: 'X {65537}'\n" },
		{ "too large to keep, no hooks", KEEP_ALL,
		    "* X {4294967296}\r\n",
		    PROTO "IMAP literal too large to keep: "
		    "'X {4294967296}'\n" },
	};

	check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

/* ---- big inputs ------------------------------------------------------- */

/* n bytes of varied data: every byte value, CR LF and "{3}" included. */
static void
add_data(struct buf *b, size_t n)
{
	static const char chunk[] = "ab\r\n{3}\r\n)\n\r* OK\0\xff";
	size_t i;

	for (i = 0; i < n; i++)
		buf_addch(b, i % 64 < sizeof(chunk) - 1 ? chunk[i % 64] :
		    (char)(i * 7));
}

static unsigned long
sum_of(const char *p, size_t n)
{
	unsigned long sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum = sum * 31 + (unsigned char)p[i];
	return sum;
}

static void
test_big(void **state)
{
	struct ip_case c;
	struct buf in, want, data;
	char head[64];
	int bad = 0;

	buf_init(&in, 1 << 24);
	buf_init(&want, 1 << 24);
	buf_init(&data, 1 << 24);

	/* A big literal streamed exactly. */
	add_data(&data, 300000);
	buf_addstr(&in, "* 7 FETCH (BODY[] {300000}\r\n");
	buf_add(&in, data.data, data.len);
	buf_addstr(&in, ")\r\nA1 OK done\r\n");
	buf_printf(&want, "* NONE '7 FETCH (BODY[] {300000})' lits=1 "
	    "{begin 300000 '7 FETCH (BODY[] {300000}'} "
	    "{data of 300000 bytes, sum %lu, end}\n"
	    "tag=A1 OK 'OK done' human='done'\n", sum_of(data.data, data.len));
	c.name = "big literal streamed";
	c.mode = STREAM;
	c.in = in.data;
	c.want = want.data;
	bad |= check_splits(c.name, in.data, in.len, want.data, run_imap, &c);

	/* The biggest literal kept. */
	buf_reset(&in);
	buf_reset(&want);
	buf_reset(&data);
	add_data(&data, IMAP_LITERAL_KEEP_MAX);
	snprintf(head, sizeof(head), "X {%d}\r\n", IMAP_LITERAL_KEEP_MAX);
	buf_addstr(&in, "* ");
	buf_addstr(&in, head);
	buf_add(&in, data.data, data.len);
	buf_addstr(&in, "\r\n");
	buf_addstr(&want, "* NONE '");
	log_esc(&want, head, strlen(head));
	log_esc(&want, data.data, data.len);
	buf_addstr(&want, "' lits=1\n");
	c.name = "biggest literal kept";
	c.mode = KEEP_ALL;
	c.in = in.data;
	c.want = want.data;
	bad |= check_splits(c.name, in.data, in.len, want.data, run_imap, &c);

	/* A response line over IMAP_RESP_MAX. */
	buf_reset(&in);
	buf_reset(&want);
	buf_addstr(&in, "* X ");
	while (in.len < IMAP_RESP_MAX + 1)
		buf_addch(&in, 'a');
	buf_addstr(&in, "\r\n");
	buf_printf(&want, PROTO "IMAP response too long: '* X %.112s...'\n",
	    in.data + 4);
	c.name = "response too long";
	c.mode = KEEP_ALL;
	c.in = in.data;
	c.want = want.data;
	bad |= check_splits(c.name, in.data, in.len, want.data, run_imap, &c);

	/* Kept literals that, together, go over IMAP_RESP_MAX. */
	buf_reset(&in);
	buf_reset(&want);
	buf_reset(&data);
	add_data(&data, 60000);
	buf_addstr(&in, "* X");
	while (in.len < IMAP_RESP_MAX) {
		buf_addstr(&in, " {60000}\r\n");
		buf_add(&in, data.data, data.len);
	}
	buf_addstr(&in, "\r\n");
	/* The message quotes the start of the text: 116 bytes and "...". */
	buf_reset(&data);
	buf_addstr(&data, "X {60000}\r\n");
	add_data(&data, 200);
	{
		char q[120];

		err_quote(q, sizeof(q), data.data, data.len);
		buf_printf(&want, PROTO "IMAP response too long: '%s'\n", q);
	}
	c.name = "kept literals too long";
	c.mode = KEEP_ALL;
	c.in = in.data;
	c.want = want.data;
	bad |= check_splits(c.name, in.data, in.len, want.data, run_imap, &c);

	buf_free(&in);
	buf_free(&want);
	buf_free(&data);
	if (bad)
		fail_msg("big cases failed");
}

/* Two responses buffered: feed stops right after the first one. */
static void
test_pipelining(void **state)
{
	static const char in[] = "* 1 FETCH (X {3}\r\nabc)\r\nA1 OK x\r\n* 2";
	struct imap_resp r;
	struct errinfo ei;
	int done = -1;

	imap_resp_init(&r);
	err_clear(&ei);
	assert_int_equal(imap_resp_feed(&r, in, sizeof(in) - 1, &done, &ei),
	    24);
	assert_int_equal(done, 1);
	assert_int_equal(r.kind, IMAP_UNTAGGED);
	assert_int_equal(r.nliterals, 1);
	assert_string_equal(r.text.data, "1 FETCH (X {3}\r\nabc)");
	assert_int_equal(imap_resp_feed(&r, in + 24, sizeof(in) - 1 - 24,
	    &done, &ei), 9);
	assert_int_equal(done, 1);
	assert_int_equal(r.kind, IMAP_TAGGED);
	assert_int_equal(r.cond, IMAP_OK);
	assert_string_equal(r.tag, "A1");
	assert_int_equal(r.nliterals, 0);
	assert_string_equal(r.text.data, "OK x");
	assert_int_equal(imap_resp_feed(&r, in + 33, 3, &done, &ei), 3);
	assert_int_equal(done, 0);
	assert_int_equal(imap_resp_feed(&r, " EXISTS\r\n", 9, &done, &ei), 9);
	assert_int_equal(done, 1);
	assert_int_equal(r.kind, IMAP_UNTAGGED);
	assert_int_equal(r.cond, IMAP_NONE);
	assert_string_equal(r.tag, "");
	assert_string_equal(r.text.data, "2 EXISTS");
	assert_null(imap_resp_code(&r, &(size_t){ 0 }));
	assert_int_equal(ei.st, ST_OK);
	imap_resp_free(&r);
}

/*
 * A kept literal whose last byte is a CR, followed by a bare LF: the
 * literal's bytes are data, not part of the line ending.  (Stripping that
 * CR also leaves the text shorter than seg_start, and literal_marker()
 * then reads from text.len - seg_start, a size_t wrapped around.)
 */
static void
test_literal_ending_in_cr(void **state)
{
	static const struct ip_case cases[] = {
		{ "kept", KEEP_ALL, "* X {1}\r\n\r\n* Y\r\n",
		    "* NONE 'X {1}\\r\\n\\r' lits=1\n* NONE 'Y'\n" },
		/* Here the CR hid a literal marker "{9}" sent as data. */
		{ "kept, marker before the cr", KEEP_ALL,
		    "* X {4}\r\n{9}\r\n)\r\n* Y\r\n",
		    "* NONE 'X {4}\\r\\n{9}\\r' lits=1\n"
		    PROTO "malformed IMAP response: ')'\n" },
		{ "streamed", STREAM, "* X {1}\r\n\r\n* Y\r\n",
		    "* NONE 'X {1}' lits=1 {begin 1 'X {1}'} {data '\\r' end}\n"
		    "* NONE 'Y'\n" },
	};

	check_table(cases, sizeof(cases) / sizeof(cases[0]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_untagged),
		cmocka_unit_test(test_tagged),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_literals_kept),
		cmocka_unit_test(test_literals_streamed),
		cmocka_unit_test(test_status_not_literal),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_big),
		cmocka_unit_test(test_pipelining),
		cmocka_unit_test(test_literal_ending_in_cr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
