/*
 * daemon_time: the daemon's clocks and back-off, apart so that a test
 * can check them.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <time.h>

#include "daemon_time.h"

static double
clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

double
dnow(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

double
dboot(void)
{
	return clock_s(CLOCK_BOOTTIME);
}

double
dslept(double dmono, double dboot)
{
	double slept = dboot - dmono;

	return slept > DAEMON_SLEEP_JUMP ? slept : 0;
}

int
dbackoff(int cur, int *delay_r)
{
	int next = cur <= 0 ? 1 : cur >= DAEMON_BACKOFF_MAX / 2 ?
	    DAEMON_BACKOFF_MAX : cur * 2;
	int jitter = next / 4;

	/* Up to a quarter less: many watchers of one server spread out. */
	*delay_r = next - (jitter > 0 ? (int)(random() % (jitter + 1)) : 0);
	return next;
}
