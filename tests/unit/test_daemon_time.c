/* test_daemon_time: the daemon's back-off and its sleep detection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "daemon_time.h"

/* 1, 2, 4 ... 256, then 300 for ever; each delay within a quarter. */
static void
test_backoff(void **state)
{
	static const int want[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 300,
	    300, 300 };
	int cur = 0, delay, round;
	size_t i;

	(void)state;
	for (round = 0; round < 50; round++) {
		srandom((unsigned)round);
		cur = 0;
		for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			cur = dbackoff(cur, &delay);
			assert_int_equal(cur, want[i]);
			assert_true(delay <= cur);
			assert_true(delay >= cur - cur / 4);
			assert_true(delay >= 1);
		}
	}
}

/* The jitter spreads: not every delay of a step is the same. */
static void
test_jitter(void **state)
{
	int delay, seen_low = 0, seen_high = 0, i;

	(void)state;
	srandom(1);
	for (i = 0; i < 200; i++) {
		dbackoff(128, &delay);
		if (delay < 240)
			seen_low = 1;
		if (delay == 256)
			seen_high = 1;
	}
	assert_true(seen_low);
	assert_true(seen_high);
}

static void
test_slept(void **state)
{
	(void)state;
	/* Both clocks together: awake, however long the turn. */
	assert_true(dslept(60.0, 60.0) == 0);
	assert_true(dslept(0.5, 0.51) == 0);
	/* A few seconds apart (clock adjustments, a stopped process): no. */
	assert_true(dslept(1.0, 9.0) == 0);
	/* The boot clock ran 3600 s ahead: slept an hour. */
	assert_true(dslept(2.0, 3602.0) == 3600.0);
	assert_true(dslept(0.0, 10.5) == 10.5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_jitter),
		cmocka_unit_test(test_slept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
