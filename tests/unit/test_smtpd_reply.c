/*
 * Unit tests for send/smtpd_reply: each reply line made safe (only
 * printable ASCII, at most 512 bytes with its CR LF, an enhanced code
 * added unless the text has one of its class), and a table of message
 * outcomes, each with the exact reply msend -bs gives for it.
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
#include "smtpd_reply.h"
#include "status.h"

/* Every line of r: "NNN[- ]" then printable ASCII, CR LF, <= 512. */
static void
check_lines(const struct buf *r)
{
	const char *p = r->data, *end = r->data + r->len;

	while (p < end) {
		const char *crlf = strstr(p, "\r\n");
		const char *c;

		assert_non_null(crlf);
		assert_true(crlf + 2 - p <= SMTPD_REPLY_LINE_MAX);
		assert_true(crlf - p >= 4);
		for (c = p; c < p + 3; c++)
			assert_true(*c >= '0' && *c <= '9');
		assert_true(p[3] == ' ' || p[3] == '-');
		/* The last line ends the reply, the others continue it. */
		assert_int_equal(p[3] == ' ', crlf + 2 == end);
		for (c = p + 4; c < crlf; c++)
			assert_true(*c >= 0x20 && *c < 0x7f);
		p = crlf + 2;
	}
}

static void
test_line(void **state)
{
	static const struct {
		int code, more;
		const char *enh, *text, *want;
	} t[] = {
		{ 250, 0, "2.1.0", "sender ok", "250 2.1.0 sender ok\r\n" },
		{ 250, 1, NULL, "PIPELINING", "250-PIPELINING\r\n" },
		{ 250, 0, "2.0.0", "", "250 2.0.0\r\n" },
		{ 250, 0, "2.0.0", NULL, "250 2.0.0\r\n" },
		/* The upstream's own enhanced code, when of the same class. */
		{ 451, 0, "4.3.0", "4.7.1 later", "451 4.7.1 later\r\n" },
		{ 451, 0, "4.3.0", "5.7.1 odd", "451 4.3.0 5.7.1 odd\r\n" },
		{ 250, 0, "2.0.0", "2.0.0x", "250 2.0.0 2.0.0x\r\n" },
		/* No byte that could end, forge or colour a line. */
		{ 554, 0, "5.0.0", "a\r\n250 b", "554 5.0.0 a??250 b\r\n" },
		{ 554, 0, "5.0.0", "\x1b[31mred\x7f",
		    "554 5.0.0 ?[31mred?\r\n" },
		{ 554, 0, "5.0.0", "caf\xc3\xa9", "554 5.0.0 caf??\r\n" },
		/* A code no client could class. */
		{ 999, 0, NULL, "x", "451 x\r\n" },
		{ 0, 0, NULL, "x", "451 x\r\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct buf r;

		buf_init(&r, 4096);
		smtpd_reply_line(&r, t[i].code, t[i].more, t[i].enh, t[i].text);
		assert_string_equal(r.data, t[i].want);
		buf_free(&r);
	}
}

/* A text over the line's room is cut, and says so. */
static void
test_line_cut(void **state)
{
	char text[2000];
	struct buf r;

	(void)state;
	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	buf_init(&r, 4096);
	smtpd_reply_line(&r, 451, 0, "4.3.0", text);
	check_lines(&r);
	assert_int_equal(r.len, SMTPD_REPLY_LINE_MAX);
	assert_memory_equal(r.data + r.len - 5, "...\r\n", 5);
	buf_free(&r);
}

struct outcome {
	const char *name;
	int rc;
	enum status st;
	const char *msg;
	int queued, code;
	const char *reply, *refused, *want;
};

static const struct outcome outcomes[] = {
	{ "sent", 0, ST_OK, "", 0, 250, "250 2.0.0 Ok: queued as X", "",
	    "250 2.0.0 Ok: queued as X\r\n" },
	{ "sent, no enhanced code", 0, ST_OK, "", 0, 250, "250 ok", "",
	    "250 2.0.0 ok\r\n" },
	{ "sent, no reply known", 0, ST_OK, "", 0, 0, "", "",
	    "250 2.0.0 sent\r\n" },
	{ "queued", 0, ST_OK, "", 1, 0, "", "",
	    "250 2.0.0 queued as Q1\r\n" },
	{ "partly refused", -1, ST_NOUSER, "sent to 1, not to the others", 0,
	    250, "250 2.0.0 ok", "recipient <c@x> refused: server said: "
	    "'550 5.1.1 no'\n",
	    "250-2.0.0 recipient <c@x> refused: server said: '550 5.1.1 no'"
	    "\r\n250 2.0.0 sent to 1, not to the others: ok\r\n" },
	{ "partly refused, LMTP's last reply a refusal", -1, ST_NOUSER,
	    "sent to 1", 0, 550, "550 5.1.1 no", "recipient <c@x> refused "
	    "the message: server said: '550 5.1.1 no'\n",
	    "250-2.0.0 recipient <c@x> refused the message: server said: "
	    "'550 5.1.1 no'\r\n250 2.0.0 sent to 1\r\n" },
	{ "upstream 4xx", -1, ST_TEMPFAIL, "h: failed: '451 4.3.0 later'", 0,
	    451, "451 4.3.0 later", "", "451 4.3.0 later\r\n" },
	{ "temporary, no 4xx", -1, ST_TEMPFAIL, "cannot connect", 0, 0, "",
	    "", "451 4.3.0 cannot connect\r\n" },
	{ "temporary, last reply 250", -1, ST_TEMPFAIL, "timeout", 0, 250,
	    "250 SIZE 1000", "", "451 4.3.0 timeout\r\n" },
	{ "every recipient 4xx", -1, ST_TEMPFAIL, "no recipient", 0, 554,
	    "554 5.5.1 no valid recipients", "recipient <b@x> refused: "
	    "server said: '452 4.2.2 full'\n",
	    "451-4.3.0 recipient <b@x> refused: server said: '452 4.2.2 "
	    "full'\r\n451 4.3.0 no recipient\r\n" },
	{ "upstream 5xx", -1, ST_UNAVAILABLE, "x", 0, 554,
	    "554 5.7.1 spam", "", "554 5.7.1 spam\r\n" },
	{ "permanent, found here", -1, ST_UNAVAILABLE, "over SIZE", 0, 250,
	    "250 SIZE 10", "", "554 5.0.0 over SIZE\r\n" },
	{ "bad message", -1, ST_DATA, "NUL byte in the header", 0, 0, "", "",
	    "554 5.6.0 NUL byte in the header\r\n" },
	{ "sender not allowed", -1, ST_USAGE, "pattern", 0, 0, "", "",
	    "553 5.7.1 pattern\r\n" },
	{ "login refused", -1, ST_NOPERM, "login refused", 0, 535,
	    "535 5.7.8 bad", "", "451 4.3.0 login refused\r\n" },
	{ "configuration", -1, ST_CONFIG, "no host", 0, 0, "", "",
	    "451 4.3.0 no host\r\n" },
	{ "protocol", -1, ST_PROTOCOL, "garbage", 0, 250, "250 ok", "",
	    "451 4.3.0 garbage\r\n" },
};

static void
test_outcomes(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++) {
		const struct outcome *o = &outcomes[i];
		struct mailjob_out out;
		struct errinfo ei;
		struct buf r;

		memset(&out, 0, sizeof(out));
		out.queued = o->queued;
		snprintf(out.qid, sizeof(out.qid), "Q1");
		out.code = o->code;
		snprintf(out.reply, sizeof(out.reply), "%s", o->reply);
		snprintf(out.refused, sizeof(out.refused), "%s", o->refused);
		err_clear(&ei);
		ei.st = o->st;
		snprintf(ei.msg, sizeof(ei.msg), "%s", o->msg);
		buf_init(&r, 64 * 1024);
		smtpd_reply_outcome(&r, o->rc, &ei, &out);
		if (strcmp(r.data, o->want) != 0)
			fail_msg("%s: got '%s', want '%s'", o->name, r.data,
			    o->want);
		check_lines(&r);
		buf_free(&r);
	}
}

/* Many refused recipients: the first ones named, then a count. */
static void
test_refused_many(void **state)
{
	struct mailjob_out out;
	struct errinfo ei;
	struct buf r;
	size_t i, n = 0;
	const char *p;

	(void)state;
	memset(&out, 0, sizeof(out));
	out.code = 250;
	snprintf(out.reply, sizeof(out.reply), "250 ok");
	for (i = 0; i < 30; i++) {
		size_t have = strlen(out.refused);

		snprintf(out.refused + have, sizeof(out.refused) - have,
		    "recipient <r%zu@x> refused\n", i);
	}
	err_clear(&ei);
	err_set(&ei, ST_NOUSER, "sent to 1");
	buf_init(&r, 64 * 1024);
	smtpd_reply_outcome(&r, -1, &ei, &out);
	check_lines(&r);
	for (p = r.data; (p = strstr(p, "\r\n")) != NULL; p += 2)
		n++;
	assert_int_equal(n, SMTPD_REPLY_REFUSED_MAX + 2);
	assert_non_null(strstr(r.data, "<r19@x>"));
	assert_null(strstr(r.data, "<r20@x>"));
	assert_non_null(strstr(r.data, "250-2.0.0 and 10 more refused "
	    "recipients"));
	buf_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_line_cut),
		cmocka_unit_test(test_outcomes),
		cmocka_unit_test(test_refused_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
