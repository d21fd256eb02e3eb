/*
 * Unit tests for common/buf: the invariants written in buf.h (always
 * NUL-terminated, never past max, a failed addition adds nothing), the
 * editing functions, and buf_feed_line() fed whole, byte by byte and split
 * at every offset; buf_read_fd() on a regular file and on a pipe, at and
 * around max.
 */
#include "autoconf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "splitfeed.h"
#include "xalloc.h"

/* The invariants of buf.h, checked after every operation. */
static void
check_inv(const struct buf *b)
{
	assert_non_null(b->data);
	assert_true(b->len <= b->max);
	assert_true(b->alloc > b->len);
	assert_int_equal(b->data[b->len], '\0');
}

/* b holds exactly the n bytes of want. */
static void
check_is(const struct buf *b, const char *want, size_t n)
{
	check_inv(b);
	assert_int_equal(b->len, n);
	assert_memory_equal(b->data, want, n);
}

static void
test_init(void **state)
{
	struct buf b;

	buf_init(&b, 100);
	check_is(&b, "", 0);
	assert_int_equal(b.max, 100);
	assert_string_equal(b.data, "");
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);

	/* max 0: the buffer can hold nothing at all. */
	buf_init(&b, 0);
	check_is(&b, "", 0);
	assert_int_equal(buf_addch(&b, 'x'), -1);
	assert_int_equal(buf_add(&b, "", 0), 0);
	check_is(&b, "", 0);
	buf_free(&b);
}

static void
test_add(void **state)
{
	struct buf b;
	char big[1000];
	size_t i;

	buf_init(&b, 4096);
	assert_int_equal(buf_add(&b, "ab", 2), 0);
	check_is(&b, "ab", 2);
	assert_int_equal(buf_addstr(&b, "cde"), 0);
	check_is(&b, "abcde", 5);
	assert_int_equal(buf_addch(&b, 'f'), 0);
	check_is(&b, "abcdef", 6);
	assert_int_equal(buf_add(&b, "", 0), 0);
	check_is(&b, "abcdef", 6);
	assert_string_equal(b.data, "abcdef");
	/* NUL bytes are data like any other. */
	assert_int_equal(buf_add(&b, "x\0y", 3), 0);
	check_is(&b, "abcdefx\0y", 9);
	buf_reset(&b);
	check_is(&b, "", 0);
	assert_int_equal(b.max, 4096);

	/* Growing far past the first allocation keeps every byte. */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	for (i = 0; i < sizeof(big); i++) {
		assert_int_equal(buf_addch(&b, big[i]), 0);
		check_inv(&b);
	}
	check_is(&b, big, sizeof(big));
	assert_int_equal(buf_add(&b, big, sizeof(big)), 0);
	assert_int_equal(b.len, 2 * sizeof(big));
	assert_memory_equal(b.data + sizeof(big), big, sizeof(big));
	buf_free(&b);
}

static void
test_max(void **state)
{
	struct buf b;

	buf_init(&b, 10);
	assert_int_equal(buf_addstr(&b, "12345678"), 0);
	/* Would go past max: fails and adds nothing. */
	assert_int_equal(buf_add(&b, "abc", 3), -1);
	check_is(&b, "12345678", 8);
	assert_int_equal(buf_addstr(&b, "abc"), -1);
	check_is(&b, "12345678", 8);
	/* Up to max exactly is fine. */
	assert_int_equal(buf_add(&b, "9", 1), 0);
	assert_int_equal(buf_addch(&b, '0'), 0);
	check_is(&b, "1234567890", 10);
	assert_int_equal(buf_addch(&b, 'x'), -1);
	check_is(&b, "1234567890", 10);
	assert_int_equal(buf_add(&b, "", 0), 0);
	check_is(&b, "1234567890", 10);
	/* A huge n must not wrap around. */
	assert_int_equal(buf_add(&b, "x", (size_t)-1), -1);
	check_is(&b, "1234567890", 10);
	buf_reset(&b);
	assert_int_equal(buf_add(&b, "x", (size_t)-1), -1);
	check_is(&b, "", 0);
	assert_int_equal(buf_add(&b, "12345678901", 11), -1);
	check_is(&b, "", 0);
	buf_free(&b);
}

static void
test_printf(void **state)
{
	struct buf b;
	char want[300];

	buf_init(&b, 300);
	assert_int_equal(buf_printf(&b, "%d-%s", 42, "x"), 0);
	check_is(&b, "42-x", 4);
	assert_int_equal(buf_printf(&b, "%s", ""), 0);
	check_is(&b, "42-x", 4);
	assert_int_equal(buf_printf(&b, "[%05u]", 7u), 0);
	check_is(&b, "42-x[00007]", 11);
	/* Growth past the first allocation. */
	memset(want, 'z', 200);
	want[200] = '\0';
	assert_int_equal(buf_printf(&b, "%s", want), 0);
	assert_int_equal(b.len, 211);
	assert_memory_equal(b.data + 11, want, 200);
	check_inv(&b);
	/* Past max: fails, adds nothing. */
	want[89] = '\0';	/* 89 + 211 = 300: fits exactly */
	assert_int_equal(buf_printf(&b, "%s!", want), -1);
	assert_int_equal(b.len, 211);
	check_inv(&b);
	assert_int_equal(buf_printf(&b, "%s", want), 0);
	assert_int_equal(b.len, 300);
	check_inv(&b);
	assert_int_equal(buf_printf(&b, "%c", 'x'), -1);
	assert_int_equal(buf_printf(&b, "%s", ""), 0);
	assert_int_equal(b.len, 300);
	check_inv(&b);
	buf_free(&b);
}

static void
test_consume_truncate(void **state)
{
	struct buf b;

	buf_init(&b, 100);
	buf_addstr(&b, "hello world");
	buf_consume(&b, 0);
	check_is(&b, "hello world", 11);
	buf_consume(&b, 6);
	check_is(&b, "world", 5);
	buf_consume(&b, 5);
	check_is(&b, "", 0);
	buf_addstr(&b, "again");
	buf_consume(&b, 99);
	check_is(&b, "", 0);
	buf_consume(&b, 1);
	check_is(&b, "", 0);

	buf_addstr(&b, "hello world");
	buf_truncate(&b, 0);
	check_is(&b, "hello world", 11);
	buf_truncate(&b, 6);
	check_is(&b, "hello", 5);
	buf_truncate(&b, 5);
	check_is(&b, "", 0);
	buf_addstr(&b, "abc");
	buf_truncate(&b, 4);
	check_is(&b, "", 0);
	buf_truncate(&b, 1);
	check_is(&b, "", 0);
	/* Still usable up to max. */
	assert_int_equal(b.max, 100);
	buf_addstr(&b, "ok");
	check_is(&b, "ok", 2);
	buf_free(&b);
}

static void
test_detach(void **state)
{
	struct buf b;
	size_t len = 99;
	char *p;

	buf_init(&b, 20);
	buf_addstr(&b, "secret stuff");
	p = buf_detach(&b, &len);
	assert_int_equal(len, 12);
	assert_string_equal(p, "secret stuff");
	/* The buffer is a fresh one with the same max. */
	check_is(&b, "", 0);
	assert_int_equal(b.max, 20);
	assert_ptr_not_equal(b.data, p);
	assert_int_equal(buf_addstr(&b, "12345678901234567890"), 0);
	assert_int_equal(buf_addch(&b, 'x'), -1);
	free(p);
	p = buf_detach(&b, NULL);
	assert_string_equal(p, "12345678901234567890");
	free(p);
	p = buf_detach(&b, &len);
	assert_int_equal(len, 0);
	assert_string_equal(p, "");
	free(p);
	buf_free_secret(&b);
	assert_null(b.data);
}

static void
test_line(void **state)
{
	static const struct {
		const char *text;
		const char *lines[6];	/* NULL-terminated */
	} cases[] = {
		{ "", { "", NULL } },
		{ "one", { "one", NULL } },
		{ "a\nbb\n\nccc", { "a", "bb", "", "ccc", NULL } },
		{ "a\n", { "a", "", NULL } },
		{ "\n\n", { "", "", "", NULL } },
		{ "x\r\ny", { "x\r", "y", NULL } },
	};
	size_t i, j, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b;

		buf_init(&b, 100);
		buf_addstr(&b, cases[i].text);
		for (j = 0; cases[i].lines[j] != NULL; j++) {
			const char *l;

			len = 999;
			l = buf_line(&b, j, &len);
			assert_non_null(l);
			assert_int_equal(len, strlen(cases[i].lines[j]));
			assert_memory_equal(l, cases[i].lines[j], len);
		}
		assert_null(buf_line(&b, j, &len));
		assert_null(buf_line(&b, j + 5, &len));
		buf_free(&b);
	}
}

/* ---- buf_feed_line, fed in every way ---------------------------------- */

struct fl_case {
	const char *name;
	const char *in;
	size_t max;
	const char *want;	/* L:'line' per line, P:'' partial, E:'' */
};

/*
 * Feed in[0..len) cut into chunks at cuts[], as a reader would: call
 * buf_feed_line() until each chunk is used up, take each whole line.
 */
static void
fl_run(const struct fl_case *c, const char *in, size_t len,
    const size_t *cuts, size_t ncuts, struct buf *log)
{
	struct buf b;
	size_t start = 0, k;

	buf_init(&b, c->max);
	for (k = 0; k <= ncuts; k++) {
		size_t end = k < ncuts ? cuts[k] : len, off = start;

		while (off < end) {
			int done = -1;
			ssize_t used = buf_feed_line(&b, in + off, end - off,
			    &done);

			if (b.len > b.max || b.data[b.len] != '\0' ||
			    b.alloc <= b.len) {
				buf_addstr(log, "INVARIANT BROKEN\n");
				goto out;
			}
			if (used < 0) {
				buf_addstr(log, "E:'");
				log_esc(log, b.data, b.len);
				buf_addstr(log, "'\n");
				goto out;
			}
			if (used == 0 || (size_t)used > end - off ||
			    (done != 1 && done != 0) ||
			    (!done && (size_t)used != end - off)) {
				buf_printf(log, "BAD RETURN %zd done=%d\n",
				    used, done);
				goto out;
			}
			off += (size_t)used;
			if (done) {
				buf_addstr(log, "L:'");
				log_esc(log, b.data, b.len);
				buf_addstr(log, "'\n");
				buf_reset(&b);
			}
		}
		start = end;
	}
	if (b.len > 0) {
		buf_addstr(log, "P:'");
		log_esc(log, b.data, b.len);
		buf_addstr(log, "'\n");
	}
out:
	buf_free(&b);
}

/* Describe a split for failure messages. */
static void
describe(struct buf *d, const size_t *cuts, size_t ncuts, size_t len)
{
	size_t i;

	buf_reset(d);
	if (ncuts == 0) {
		buf_addstr(d, "whole");
		return;
	}
	if (ncuts + 1 == len) {
		buf_addstr(d, "byte by byte");
		return;
	}
	buf_addstr(d, "cut at");
	for (i = 0; i < ncuts; i++)
		buf_printf(d, " %zu", cuts[i]);
}

/* Run one split of a case; 0 if it logs what is wanted, else -1. */
static int
fl_try(const struct fl_case *c, const size_t *cuts, size_t ncuts,
    struct buf *log)
{
	size_t len = strlen(c->in);
	struct buf how;

	buf_reset(log);
	fl_run(c, c->in, len, cuts, ncuts, log);
	if (strcmp(log->data, c->want) == 0)
		return 0;
	buf_init(&how, 1024);
	describe(&how, cuts, ncuts, len);
	print_error("%s (%s):\n  got:  %s\n  want: %s\n", c->name, how.data,
	    log->data, c->want);
	buf_free(&how);
	return -1;
}

/*
 * Run one case whole, byte by byte, in two chunks at every offset and in
 * three chunks at every pair of offsets; every run must log want.
 */
static int
fl_check(const struct fl_case *c)
{
	size_t len = strlen(c->in), a, z, *cuts;
	struct buf log;
	int rc;

	cuts = xcalloc(len + 1, sizeof(*cuts));
	buf_init(&log, 1 << 20);
	rc = fl_try(c, cuts, 0, &log);
	for (a = 0; rc == 0 && a + 1 < len; a++)
		cuts[a] = a + 1;
	if (rc == 0 && len > 1)
		rc = fl_try(c, cuts, len - 1, &log);
	for (a = 1; rc == 0 && a < len; a++) {
		cuts[0] = a;
		rc = fl_try(c, cuts, 1, &log);
		for (z = a + 1; rc == 0 && z < len; z++) {
			cuts[1] = z;
			rc = fl_try(c, cuts, 2, &log);
		}
	}
	buf_free(&log);
	free(cuts);
	return rc;
}

/* Check every case of a table; fail once, after all have run. */
static void
fl_check_all(const struct fl_case *cases, size_t n)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		if (fl_check(&cases[i]) < 0)
			bad++;
	if (bad > 0)
		fail_msg("%zu of %zu buf_feed_line cases failed", bad, n);
}

static void
test_feed_line(void **state)
{
	static const struct fl_case cases[] = {
		{ "crlf", "abc\r\n", 100, "L:'abc'\n" },
		{ "lf", "abc\n", 100, "L:'abc'\n" },
		{ "empty crlf", "\r\n", 100, "L:''\n" },
		{ "empty lf", "\n", 100, "L:''\n" },
		{ "inner cr kept", "a\rb\r\n", 100, "L:'a\\rb'\n" },
		{ "one cr stripped", "abc\r\r\n", 100, "L:'abc\\r'\n" },
		{ "several lines", "one\r\ntwo\nthree", 100,
		    "L:'one'\nL:'two'\nP:'three'\n" },
		{ "partial", "abc", 100, "P:'abc'\n" },
		{ "cr then more", "abc\rdef", 100, "P:'abc\\rdef'\n" },
		{ "blank lines", "\n\r\n\n", 100, "L:''\nL:''\nL:''\n" },
		/* Limits: max 8. */
		{ "max lf", "12345678\n", 8, "L:'12345678'\n" },
		{ "max lf, more", "12345678\nab\n", 8,
		    "L:'12345678'\nL:'ab'\n" },
		{ "max+1 lf", "123456789\n", 8, "E:'12345678'\n" },
		{ "max+1 no eol", "123456789", 8, "E:'12345678'\n" },
		{ "max+1 crlf", "123456789\r\n", 8, "E:'12345678'\n" },
		{ "max-1 crlf", "1234567\r\n", 8, "L:'1234567'\n" },
	};

	fl_check_all(cases, sizeof(cases) / sizeof(cases[0]));
}

/*
 * A line of exactly max bytes ended by CR LF: the line (without CR LF)
 * fits in max, so buf.h says it must be taken, as it is with a bare LF.
 */
static void
test_feed_line_crlf_at_max(void **state)
{
	static const struct fl_case cases[] = {
		{ "max crlf", "12345678\r\n", 8, "L:'12345678'\n" },
		{ "max crlf, more", "12345678\r\nab\r\n", 8,
		    "L:'12345678'\nL:'ab'\n" },
		{ "max, cr then byte", "12345678\rx\n", 8, "E:'12345678'\n" },
	};

	fl_check_all(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Exact return values, as a caller sees them. */
static void
test_feed_line_returns(void **state)
{
	struct buf b;
	int done = -1;

	buf_init(&b, 100);
	assert_int_equal(buf_feed_line(&b, "ab\r\ncd", 6, &done), 4);
	assert_int_equal(done, 1);
	check_is(&b, "ab", 2);
	buf_reset(&b);
	assert_int_equal(buf_feed_line(&b, "cd", 2, &done), 2);
	assert_int_equal(done, 0);
	check_is(&b, "cd", 2);
	/* A final CR may or may not be stored yet: not checked. */
	assert_int_equal(buf_feed_line(&b, "e\r", 2, &done), 2);
	assert_int_equal(done, 0);
	assert_int_equal(buf_feed_line(&b, "\nrest", 5, &done), 1);
	assert_int_equal(done, 1);
	check_is(&b, "cde", 3);
	buf_reset(&b);
	/* A NUL byte is kept as data. */
	assert_int_equal(buf_feed_line(&b, "a\0b\n", 4, &done), 4);
	assert_int_equal(done, 1);
	check_is(&b, "a\0b", 3);
	buf_free(&b);

	/* Past max: -1, done cleared, the start of the line kept. */
	buf_init(&b, 4);
	done = 1;
	assert_int_equal(buf_feed_line(&b, "abcdef\n", 7, &done), -1);
	assert_int_equal(done, 0);
	check_is(&b, "abcd", 4);
	buf_free(&b);
}

/* A descriptor reading the n bytes of p: a regular file, or a pipe. */
static int
source(const char *p, size_t n, int pipe_)
{
	char path[] = "/tmp/test_buf.XXXXXX";
	int fds[2], fd;

	if (pipe_) {
		assert_true(n < 65536);	/* Fits in the pipe: no writer. */
		assert_int_equal(pipe(fds), 0);
		assert_int_equal(write(fds[1], p, n), (ssize_t)n);
		close(fds[1]);
		return fds[0];
	}
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* buf_read_fd(): everything up to max, EFBIG past it, appending. */
static void
test_read_fd(void **state)
{
	static const struct {
		size_t n, max, have;
		int efbig;
	} cases[] = {
		{ 0, 10, 0, 0 }, { 1, 10, 0, 0 }, { 9, 10, 0, 0 },
		{ 10, 10, 0, 0 }, { 11, 10, 0, 1 }, { 30, 10, 0, 1 },
		{ 5, 10, 5, 0 }, { 6, 10, 5, 1 }, { 0, 0, 0, 0 },
		{ 1, 0, 0, 1 }, { 60000, 60000, 0, 0 }, { 60000, 59999, 0, 1 },
		{ 59900, 1 << 20, 100, 0 },
	};
	char *data = xmalloc(60000);
	size_t i, keep;
	struct buf b;
	int p, fd;

	for (i = 0; i < 60000; i++)
		data[i] = (char)(i * 7 % 251);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (p = 0; p < 2; p++) {
			buf_init(&b, cases[i].max);
			assert_int_equal(buf_add(&b, data, cases[i].have), 0);
			fd = source(data + cases[i].have, cases[i].n, p);
			errno = 0;
			if (cases[i].efbig) {
				assert_int_equal(buf_read_fd(&b, fd), -1);
				assert_int_equal(errno, EFBIG);
				keep = cases[i].max;
			} else {
				assert_int_equal(buf_read_fd(&b, fd), 0);
				keep = cases[i].have + cases[i].n;
			}
			check_is(&b, data, keep);
			close(fd);
			buf_free(&b);
		}
	}
	free(data);

	/* read()'s error comes back in errno. */
	buf_init(&b, 10);
	assert_int_equal(buf_read_fd(&b, -1), -1);
	assert_int_equal(errno, EBADF);
	fd = open("/", O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(buf_read_fd(&b, fd), -1);
	assert_int_equal(errno, EISDIR);
	close(fd);
	check_is(&b, "", 0);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_max),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_consume_truncate),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_feed_line),
		cmocka_unit_test(test_feed_line_crlf_at_max),
		cmocka_unit_test(test_feed_line_returns),
		cmocka_unit_test(test_read_fd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
