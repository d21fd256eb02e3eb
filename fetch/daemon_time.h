/*
 * daemon_time: the daemon's clocks and back-off.
 *
 * Timers run on the monotonic clock, which stops while the machine
 * sleeps; the boot clock does not.  When the boot clock ran ahead of the
 * monotonic one by more than DAEMON_SLEEP_JUMP seconds between two turns
 * of the loop, the machine slept (a laptop's suspend): the connections
 * are likely dead and mail came.
 */
#ifndef FACTEUR_DAEMON_TIME_H
#define FACTEUR_DAEMON_TIME_H

#define DAEMON_BACKOFF_MAX	300	/* seconds */
#define DAEMON_SLEEP_JUMP	10	/* seconds of sleep that count as one */

/* The monotonic clock and the boot clock, in seconds. */
double dnow(void);
double dboot(void);

/*
 * Given how far each clock went since the last look: the seconds the
 * machine slept, or 0.  Pure.
 */
double dslept(double dmono, double dboot);

/*
 * A back-off step: from cur (seconds; 0 at first) the next, 1 doubling
 * up to DAEMON_BACKOFF_MAX; *delay_r gets it less up to a quarter
 * (random jitter).
 */
int dbackoff(int cur, int *delay_r);

#endif
