/*
 * daemon: mfetch --daemon, one process that watches every account and
 * folder and fetches new mail within seconds of its arrival.
 *
 * Watchers: one IMAP connection per folder, IDLE (imap_watch.h),
 * re-issued every idle_interval; folders whose server cannot IDLE, and
 * POP3 accounts, are polled every poll_interval.  The watchers live in
 * one event loop (ppoll(2)) and never block it: they are connected and
 * logged in by setup threads (daemon_setup.c, at most DAEMON_SETUPS at
 * once), then read without waiting.
 *
 * Fetches: new mail, a watcher that is up again, a poll: the account's
 * folders concerned are marked pending, and a fetch job runs the
 * one-shot fetch of exactly those (daemon_job.c: this program again, so
 * delivery, policies, locks and crash safety are exactly those of
 * "mfetch ACCOUNT"), at most -j at once, one per account; what comes in
 * while an account's job runs waits for its next one.
 *
 * Faults: a lost connection is re-made after a back-off (1 s doubling to
 * 5 min, jitter), logged once per state change; a job that fails is
 * retried likewise; a sleep of the machine (the boot clock jumps ahead
 * of the monotonic one) re-makes every connection and polls everything.
 * SIGTERM, SIGINT: jobs stopped (they roll back), connections closed,
 * exit 0 within 2 s.  SIGHUP: the accounts file read again, unchanged
 * accounts and folders keep their connections.  Each account is locked
 * for the daemon's life (daemon_lock()), so a second daemon refuses it.
 */
#ifndef FACTEUR_DAEMON_H
#define FACTEUR_DAEMON_H

#include "cliopts.h"
#include "config.h"
#include "status.h"

#define DAEMON_SETUPS		16	/* connections being made at once */

struct daemon_opts {
	struct cliopts *o;
	char **argv;		/* the command line, for the jobs */
	int argc;
	const char **names;	/* the accounts named, or NULL: every one */
	size_t nnames;
	int jobs;		/* fetch jobs at once */
};

/*
 * Run until stopped.  cfg is the accounts file as loaded (the daemon
 * loads it again on SIGHUP; it frees *cfg_p and replaces it).  Returns
 * 0 after a stop, or -1 when it cannot start (ei).
 */
int daemon_run(const struct daemon_opts *d, struct config **cfg_p,
    struct errinfo *ei);

#endif
