/*
 * Unit tests for common/scram: the iteration count of a
 * server-first-message, wherever the attribute stands, and every
 * malformed or huge form.
 */
#include "autoconf.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scram.h"

static const struct {
	const char *msg;
	int rc;
	unsigned long iter;
} cases[] = {
	{ "r=abc,s=QSXCR+Q6sek8bf92,i=4096", 0, 4096 },
	{ "i=1,r=x,s=y", 0, 1 },
	{ "r=x,i=4096,s=y,e=ext", 0, 4096 },
	{ "m=ext,r=x,s=y,i=2147483647", 0, 2147483647UL },
	{ "r=x,s=y,i=99999999999999999999999999", 0, ULONG_MAX },
	/* Found by fuzz_scram: a huge count was taken before its end. */
	{ "r=x,s=y,i=9999999000000133712154934]7", -1, 0 },
	{ "r=x,s=y", -1, 0 },
	{ "r=x,s=y,i=", -1, 0 },
	{ "r=x,s=y,i=0", -1, 0 },
	{ "r=x,s=y,i=-5", -1, 0 },
	{ "r=x,s=y,i=12a", -1, 0 },
	{ "r=x,s=y,i= 12", -1, 0 },
	{ "r=xi=5,s=y", -1, 0 },	/* not an attribute of its own */
	{ "", -1, 0 },
	{ ",,,", -1, 0 },
};

static void
test_cases(void **state)
{
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned long iter = 7;
		int rc = scram_iterations(cases[i].msg, strlen(cases[i].msg),
		    &iter);

		assert_int_equal(rc, cases[i].rc);
		assert_int_equal(iter, cases[i].iter);
	}
	/* Length-bounded: a prefix is parsed on its own. */
	{
		unsigned long iter;
		const char *m = "r=x,i=40961234";

		for (n = 0; n <= strlen(m); n++)
			scram_iterations(m, n, &iter);
		assert_int_equal(scram_iterations(m, 10, &iter), 0);
		assert_int_equal(iter, 4096);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
