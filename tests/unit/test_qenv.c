/*
 * Unit tests for send/qenv: the envelope written and read back exactly
 * (every byte of an address and a reply survives, none breaks a line),
 * a table of hostile or malformed files each refused with its
 * "name:line", every cut of a good file refused, the bounds (recipients,
 * field lengths), and the retry schedule and lifetime on fixed clocks.
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

#include "qenv_same.h"

#include "buf.h"
#include "qenv.h"

/* A fixed-size field of struct qenv set to a string literal. */
#define SET(dst, s) snprintf((dst), sizeof(dst), "%s", (s))

static const char good[] =
    "facteur-queue 1\n"
    "id 1733212800.4242-ab_C\n"
    "account work%20mail\n"
    "sender me@example.org\n"
    "notify failure,delay\n"
    "ret headers\n"
    "envid QQ314159\n"
    "created 1733212800\n"
    "attempts 3\n"
    "next 1733213100\n"
    "error 451%204.3.0%20try%20later\n"
    "rcpt todo a@example.org 451%20later\n"
    "rcpt done b@example.org \n"
    "rcpt failed c@example.org 550%205.1.1%20no%0D%0Asuch%25user\n"
    "end\n";

/* Write q, read it back: the same envelope, and the same text again. */
static void
round_trip(const struct qenv *q)
{
	struct qenv r;
	struct errinfo ei;
	struct buf b1, b2;

	buf_init(&b1, QENV_FILE_MAX);
	buf_init(&b2, QENV_FILE_MAX);
	assert_int_equal(qenv_write(q, &b1, &ei), 0);
	assert_int_equal(qenv_parse("q", b1.data, b1.len, &r, &ei), 0);
	qenv_assert_same(q, &r);
	assert_int_equal(qenv_write(&r, &b2, &ei), 0);
	assert_int_equal(b1.len, b2.len);
	assert_memory_equal(b1.data, b2.data, b1.len);
	qenv_free(&r);
	buf_free(&b1);
	buf_free(&b2);
}

static void
test_good(void **state)
{
	struct qenv q;
	struct errinfo ei;
	struct buf b;

	(void)state;
	assert_int_equal(qenv_parse("q", good, sizeof(good) - 1, &q, &ei), 0);
	assert_string_equal(q.id, "1733212800.4242-ab_C");
	assert_string_equal(q.account, "work mail");
	assert_string_equal(q.notify, "failure,delay");
	assert_int_equal(q.ret, QENV_RET_HEADERS);
	assert_int_equal(q.created, 1733212800);
	assert_int_equal(q.attempts, 3);
	assert_string_equal(q.error, "451 4.3.0 try later");
	assert_int_equal(q.nrcpt, 3);
	assert_int_equal(q.rcpt[1].state, QENV_DONE);
	assert_string_equal(q.rcpt[1].reply, "");
	assert_int_equal(q.rcpt[2].state, QENV_FAILED);
	assert_string_equal(q.rcpt[2].reply,
	    "550 5.1.1 no\r\nsuch%user");
	/* Written again: byte for byte the same text. */
	buf_init(&b, QENV_FILE_MAX);
	assert_int_equal(qenv_write(&q, &b, &ei), 0);
	assert_int_equal(b.len, sizeof(good) - 1);
	assert_memory_equal(b.data, good, b.len);
	buf_free(&b);
	qenv_free(&q);
}

/* Every byte but NUL in every text field, the longest fields, many rcpts. */
static void
test_round_trip(void **state)
{
	struct qenv q;
	struct errinfo ei;
	char all[256], addr[QENV_ADDR_MAX + 1];
	size_t i;

	(void)state;
	for (i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	qenv_init(&q);
	SET(q.id, "x");
	memcpy(q.account, all, sizeof(all));
	memcpy(q.sender, all, sizeof(all));
	memcpy(q.envid, all + 155, 101);
	memcpy(q.error, all, sizeof(all));
	SET(q.notify, "never");
	q.ret = QENV_RET_FULL;
	q.created = QENV_TIME_MAX;
	q.next = 0;
	q.attempts = QENV_ATTEMPTS_MAX;
	assert_int_equal(qenv_add_rcpt(&q, all, &ei), 0);
	memset(q.rcpt[0].reply, '\n', QENV_TEXT_MAX);
	memset(addr, '%', QENV_ADDR_MAX);
	addr[QENV_ADDR_MAX] = '\0';
	assert_int_equal(qenv_add_rcpt(&q, addr, &ei), 0);
	memset(q.rcpt[1].reply, ' ', QENV_TEXT_MAX);
	q.rcpt[1].state = QENV_FAILED;
	round_trip(&q);
	/* The empty sender and reply, no DSN: still exact. */
	q.sender[0] = q.envid[0] = q.notify[0] = q.error[0] = '\0';
	q.rcpt[0].reply[0] = '\0';
	q.ret = QENV_RET_NONE;
	round_trip(&q);
	while (q.nrcpt < QENV_RCPT_MAX)
		assert_int_equal(qenv_add_rcpt(&q, addr, &ei), 0);
	round_trip(&q);
	assert_int_equal(qenv_add_rcpt(&q, "one@more", &ei), -1);
	assert_int_equal(ei.st, ST_SOFTWARE);
	assert_int_equal(q.nrcpt, QENV_RCPT_MAX);
	qenv_free(&q);
}

/* What qenv_write() refuses to write. */
static void
test_check(void **state)
{
	struct qenv q;
	struct errinfo ei;
	struct buf b;
	char addr[QENV_ADDR_MAX + 2];

	(void)state;
	buf_init(&b, QENV_FILE_MAX);
	qenv_init(&q);
	assert_int_equal(qenv_write(&q, &b, &ei), -1);		/* no id */
	SET(q.id, ".x");
	SET(q.account, "a");
	assert_int_equal(qenv_add_rcpt(&q, "r@x", &ei), 0);
	assert_int_equal(qenv_write(&q, &b, &ei), -1);		/* ".x" */
	SET(q.id, "a/b");
	assert_int_equal(qenv_write(&q, &b, &ei), -1);
	SET(q.id, "ok");
	assert_int_equal(qenv_write(&q, &b, &ei), 0);
	buf_reset(&b);
	SET(q.notify, "success,success");
	assert_int_equal(qenv_write(&q, &b, &ei), -1);
	SET(q.notify, "never,delay");
	assert_int_equal(qenv_write(&q, &b, &ei), -1);
	SET(q.notify, "");
	q.created = -1;
	assert_int_equal(qenv_write(&q, &b, &ei), -1);
	assert_int_equal(ei.st, ST_SOFTWARE);
	assert_int_equal(b.len, 0);
	q.created = 0;
	/* Too small a buffer: an error, not a cut envelope taken as whole. */
	buf_free(&b);
	buf_init(&b, 40);
	assert_int_equal(qenv_write(&q, &b, &ei), -1);
	buf_free(&b);
	memset(addr, 'a', sizeof(addr) - 1);
	addr[sizeof(addr) - 1] = '\0';
	assert_int_equal(qenv_add_rcpt(&q, addr, &ei), -1);
	assert_int_equal(qenv_add_rcpt(&q, "", &ei), -1);
	assert_int_equal(q.nrcpt, 1);
	qenv_free(&q);
}

/* Replace the line "key ..." of the good file by line (NULL: drop it). */
static char *
edit(const char *key, const char *line)
{
	struct buf b;
	const char *p = good, *nl;
	char *text;

	buf_init(&b, 1 << 20);
	while ((nl = strchr(p, '\n')) != NULL) {
		if (strncmp(p, key, strlen(key)) == 0) {
			if (line != NULL)
				buf_addstr(&b, line);
		} else
			buf_add(&b, p, (size_t)(nl + 1 - p));
		p = nl + 1;
	}
	text = buf_detach(&b, NULL);
	buf_free(&b);		/* buf_detach() inits it again */
	return text;
}

static const struct bad {
	const char *key;	/* the line replaced */
	const char *line;	/* by this (NULL: removed) */
	const char *msg;	/* the error's start */
} bad[] = {
	{ "facteur-queue", "facteur-queue 2\n", "q:1: invalid" },
	{ "facteur-queue", "facteur-queue 01\n", "q:1: invalid" },
	{ "facteur-queue", NULL, "q:1: expected \"facteur-queue\"" },
	{ "id", "id ../etc\n", "q:2: invalid \"id\"" },
	{ "id", "id .x\n", "q:2: invalid \"id\"" },
	{ "id", "id \n", "q:2: invalid \"id\"" },
	{ "id", "id a b\n", "q:2: invalid \"id\"" },
	{ "id", "id x\nid y\n", "q:3: expected \"account\"" },
	{ "account", "account \n", "q:3: invalid" },
	{ "account", "account a b\n", "q:3: invalid" },
	{ "account", "account a\tb\n", "q:3: invalid" },
	{ "account", "account a%00b\n", "q:3: invalid" },
	{ "account", "account a%0\n", "q:3: invalid" },
	{ "account", "account a%zz\n", "q:3: invalid" },
	{ "account", "account a\x7f\n", "q:3: invalid" },
	{ "account", "account\n", "q:3: expected \"account\"" },
	{ "account", "Account a\n", "q:3: expected \"account\"" },
	{ "sender", "sender a\r\n", "q:4: invalid" },
	{ "sender", "sender  \n", "q:4: invalid" },
	{ "notify", "notify sometimes\n", "q:5: invalid" },
	{ "notify", "notify never,success\n", "q:5: invalid" },
	{ "notify", "notify success,\n", "q:5: invalid" },
	{ "notify", "notify delay,delay\n", "q:5: invalid" },
	{ "ret", "ret hdrs\n", "q:6: invalid" },
	{ "envid", "envid \n", NULL },
	{ "created", "created -1\n", "q:8: invalid" },
	{ "created", "created 0123\n", "q:8: invalid" },
	{ "created", "created \n", "q:8: invalid" },
	{ "created", "created 253402300800\n", "q:8: invalid" },
	{ "created", "created 99999999999999999999999\n", "q:8: invalid" },
	{ "attempts", "attempts 100001\n", "q:9: invalid" },
	{ "attempts", "attempts 1 \n", "q:9: invalid" },
	{ "next", NULL, "q:10: expected \"next\"" },
	{ "error", "error a b\n", "q:11: invalid" },
	{ "rcpt todo", "rcpt todo \n", "q:12: invalid \"rcpt\"" },
	{ "rcpt todo", "rcpt todo a\n", "q:12: invalid \"rcpt\"" },
	{ "rcpt todo", "rcpt todo  x\n", "q:12: invalid \"rcpt\"" },
	{ "rcpt todo", "rcpt later a x\n", "q:12: invalid \"rcpt\"" },
	{ "rcpt todo", "rcpt todo a x y\n", "q:12: invalid \"rcpt\"" },
	{ "rcpt todo", "rcpt\n", "q:12: invalid \"rcpt\"" },
	{ "rcpt todo", "note x\n", "q:12: expected \"rcpt\" or \"end\"" },
	{ "rcpt", NULL, "q:12: no recipient" },
	{ "end", NULL, "q:15: cut short (no \"end\")" },
	{ "end", "end\nrcpt todo a x\n", "q:16: text after \"end\"" },
	{ "end", "end\n\n", "q:16: text after \"end\"" },
	{ "end", "end", "q:15: cut short (no line end)" },
	{ "end", "end \n", "q:15: expected \"rcpt\" or \"end\"" },
};

static void
test_bad(void **state)
{
	struct qenv q;
	struct errinfo ei;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *text = edit(bad[i].key, bad[i].line);
		int rc = qenv_parse("q", text, strlen(text), &q, &ei);

		if (bad[i].msg == NULL) {
			assert_int_equal(rc, 0);
			qenv_free(&q);
		} else {
			if (rc != -1 || strncmp(ei.msg, bad[i].msg,
			    strlen(bad[i].msg)) != 0)
				fail_msg("case %zu: rc %d, '%s'", i, rc,
				    rc == 0 ? "" : ei.msg);
			assert_int_equal(ei.st, ST_DATA);
			assert_int_equal(q.nrcpt, 0);
			assert_null(q.rcpt);
		}
		free(text);
	}
}

/* Every cut of the good file, and a NUL at every offset: refused. */
static void
test_cuts(void **state)
{
	struct qenv q;
	struct errinfo ei;
	char copy[sizeof(good)];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) - 1; i++) {
		assert_int_equal(qenv_parse("q", good, i, &q, &ei), -1);
		assert_int_equal(ei.st, ST_DATA);
		memcpy(copy, good, sizeof(good));
		copy[i] = '\0';
		assert_int_equal(qenv_parse("q", copy, sizeof(good) - 1, &q,
		    &ei), -1);
	}
	assert_int_equal(qenv_parse("q", good, sizeof(good) - 1, &q, &ei), 0);
	qenv_free(&q);
}

/* Too many recipients, too long lines and fields. */
static void
test_bounds(void **state)
{
	struct qenv q;
	struct errinfo ei;
	struct buf b;
	size_t i, head = strstr(good, "rcpt ") - good;
	char *text;

	(void)state;
	buf_init(&b, 1 << 24);
	buf_add(&b, good, head);
	for (i = 0; i < QENV_RCPT_MAX; i++)
		buf_addstr(&b, "rcpt todo a@b x\n");
	buf_addstr(&b, "end\n");
	assert_int_equal(qenv_parse("q", b.data, b.len, &q, &ei), 0);
	assert_int_equal(q.nrcpt, QENV_RCPT_MAX);
	qenv_free(&q);
	buf_truncate(&b, 4);
	buf_addstr(&b, "rcpt todo a@b x\nend\n");
	assert_int_equal(qenv_parse("q", b.data, b.len, &q, &ei), -1);
	assert_string_equal(ei.msg, "q:1012: more than 1000 recipients");

	/* An address of QENV_ADDR_MAX bytes passes, one more does not. */
	buf_reset(&b);
	buf_addstr(&b, "rcpt todo ");
	for (i = 0; i < QENV_ADDR_MAX; i++)
		buf_addstr(&b, "%25");
	buf_addstr(&b, " x\n");
	text = edit("rcpt todo", b.data);
	assert_int_equal(qenv_parse("q", text, strlen(text), &q, &ei), 0);
	assert_int_equal(strlen(q.rcpt[0].addr), QENV_ADDR_MAX);
	qenv_free(&q);
	free(text);
	buf_reset(&b);
	buf_addstr(&b, "rcpt todo ");
	for (i = 0; i <= QENV_ADDR_MAX; i++)
		buf_addch(&b, 'a');
	buf_addstr(&b, " x\n");
	text = edit("rcpt todo", b.data);
	assert_int_equal(qenv_parse("q", text, strlen(text), &q, &ei), -1);
	assert_string_equal(ei.msg, "q:12: invalid \"rcpt\" line");
	free(text);

	/* A reply one byte too long; a line past QENV_LINE_MAX. */
	buf_reset(&b);
	buf_addstr(&b, "error ");
	for (i = 0; i <= QENV_TEXT_MAX; i++)
		buf_addch(&b, 'e');
	buf_addch(&b, '\n');
	text = edit("error", b.data);
	assert_int_equal(qenv_parse("q", text, strlen(text), &q, &ei), -1);
	assert_string_equal(ei.msg, "q:11: invalid \"error\" line");
	free(text);
	buf_reset(&b);
	buf_addstr(&b, "error ");
	for (i = 0; i < QENV_LINE_MAX; i++)
		buf_addch(&b, 'e');
	buf_addch(&b, '\n');
	text = edit("error", b.data);
	assert_int_equal(qenv_parse("q", text, strlen(text), &q, &ei), -1);
	assert_string_equal(ei.msg, "q:11: line too long");
	free(text);
	buf_free(&b);

	/* qenv_set_text(): cut at the bound or at a NUL. */
	qenv_init(&q);
	text = malloc(QENV_TEXT_MAX + 10);
	memset(text, 'r', QENV_TEXT_MAX + 10);
	qenv_set_text(q.error, text, QENV_TEXT_MAX + 10);
	assert_int_equal(strlen(q.error), QENV_TEXT_MAX);
	qenv_set_text(q.error, "45\0x", 4);
	assert_string_equal(q.error, "45");
	free(text);
}

static void
test_next_try(void **state)
{
	/* Waits in minutes after 1, 2, ... failed tries, no jitter. */
	static const long long minutes[] = {
		1, 2, 4, 8, 16, 32, 60, 120, 240, 480, 720, 720, 720
	};
	const long long now = 1733212800;
	size_t i;

	(void)state;
	assert_int_equal(qenv_next_try(now, 0, 12345), now);
	for (i = 0; i < sizeof(minutes) / sizeof(minutes[0]); i++)
		assert_int_equal(qenv_next_try(now, i + 1, 0),
		    now + 60 * minutes[i]);
	assert_int_equal(qenv_next_try(now, QENV_ATTEMPTS_MAX, 0),
	    now + QENV_RETRY_CAP);
	assert_int_equal(qenv_next_try(now, (unsigned long)-1, UINT32_MAX),
	    now + QENV_RETRY_CAP);
	/* The jitter: up to a quarter of the wait, from rnd. */
	assert_int_equal(qenv_next_try(now, 1, UINT32_MAX), now + 60 + 14);
	assert_int_equal(qenv_next_try(now, 1, 1U << 31), now + 60 + 7);
	assert_int_equal(qenv_next_try(now, 7, 1U << 31), now + 3600 + 450);
	assert_int_equal(qenv_next_try(now, 7, UINT32_MAX), now + 3600 + 899);
	/* Never past the cap, whatever the jitter. */
	assert_int_equal(qenv_next_try(now, 11, UINT32_MAX),
	    now + QENV_RETRY_CAP);
	assert_int_equal(qenv_next_try(now, 10, UINT32_MAX),
	    now + 8 * 3600 + 7199);
	assert_int_equal(qenv_next_try(now, 9, UINT32_MAX),
	    now + 4 * 3600 + 3599);
}

static void
test_expired(void **state)
{
	const long long t = 1733212800;

	(void)state;
	assert_int_equal(qenv_expired(t, t, 0), 0);
	assert_int_equal(qenv_expired(t, t + QENV_LIFETIME - 1, 0), 0);
	assert_int_equal(qenv_expired(t, t + QENV_LIFETIME, 0), 1);
	assert_int_equal(qenv_expired(t, t + QENV_LIFETIME, -5), 1);
	assert_int_equal(qenv_expired(t, t + 3599, 3600), 0);
	assert_int_equal(qenv_expired(t, t + 3600, 3600), 1);
	/* A clock set back: not expired. */
	assert_int_equal(qenv_expired(t, t - 10 * QENV_LIFETIME, 0), 0);
	assert_int_equal(QENV_LIFETIME, 5 * 24 * 3600);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_cuts),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_next_try),
		cmocka_unit_test(test_expired),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
