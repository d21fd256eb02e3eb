/*
 * Unit tests for fetch/exitcode and common/mdaexit: how accounts' exit codes combine into
 * the run's, and what an MDA's exit code becomes (never a server's
 * refusal).
 */
#include "autoconf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sysexits.h>

#include <cmocka.h>

#include "exitcode.h"
#include "mdaexit.h"

/* A run's codes in account order, and the status they make. */
static int
fold(const int *v, int n)
{
	int i, r = 0;

	for (i = 0; i < n; i++)
		r = exitcode_combine(r, v[i]);
	return r;
}

static void
test_combine(void **state)
{
	static const struct {
		int v[4];
		int n;
		int want;
	} t[] = {
		{ { 0, 0, 0 }, 3, 0 },
		{ { 0, 75, 0 }, 3, 75 },
		{ { 75, 69 }, 2, 69 },
		{ { 69, 75 }, 2, 69 },
		{ { 76, 69 }, 2, 76 },		/* same class: the first */
		{ { 69, 76 }, 2, 69 },
		{ { 69, 77 }, 2, 77 },
		{ { 77, 74 }, 2, 74 },
		{ { 74, 73 }, 2, 74 },
		{ { 73, 74 }, 2, 73 },
		{ { 74, 78 }, 2, 78 },
		{ { 78, 64 }, 2, 78 },
		{ { 64, 78 }, 2, 64 },
		{ { 75, 77, 0, 68 }, 4, 77 },
		{ { 0, 70 }, 2, 70 },		/* a child killed: local */
		{ { 75, 0, 75 }, 3, 75 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(fold(t[i].v, t[i].n), t[i].want);
	assert_int_equal(exitcode_rank(0), 0);
	assert_true(exitcode_rank(EX_TEMPFAIL) < exitcode_rank(EX_UNAVAILABLE));
	assert_true(exitcode_rank(EX_UNAVAILABLE) < exitcode_rank(EX_NOPERM));
	assert_true(exitcode_rank(EX_NOPERM) < exitcode_rank(EX_IOERR));
	assert_true(exitcode_rank(EX_IOERR) < exitcode_rank(EX_CONFIG));
}

static void
test_mda(void **state)
{
	int ec;

	(void)state;
	assert_int_equal(mdaexit_status(1), ST_IOERR);
	assert_int_equal(mdaexit_status(2), ST_IOERR);
	assert_int_equal(mdaexit_status(EX_TEMPFAIL), ST_TEMPFAIL);
	assert_int_equal(mdaexit_status(127), ST_CONFIG);
	assert_int_equal(mdaexit_status(126), ST_CONFIG);
	assert_int_equal(mdaexit_status(EX_USAGE), ST_CONFIG);
	assert_int_equal(mdaexit_status(EX_CONFIG), ST_CONFIG);
	assert_int_equal(mdaexit_status(EX_NOUSER), ST_NOUSER);
	assert_int_equal(mdaexit_status(EX_CANTCREAT), ST_CANTCREAT);
	assert_int_equal(mdaexit_status(EX_IOERR), ST_IOERR);
	/* Whatever the program says, never a server's words. */
	for (ec = 1; ec < 256; ec++) {
		enum status st = mdaexit_status(ec);

		assert_int_not_equal(st, ST_UNAVAILABLE);
		assert_int_not_equal(st, ST_NOHOST);
		assert_int_not_equal(st, ST_PROTOCOL);
		assert_int_not_equal(st, ST_NOPERM);
		assert_int_not_equal(st, ST_OK);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_combine),
		cmocka_unit_test(test_mda),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
