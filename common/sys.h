/*
 * sys: process set-up shared by both programs, done first in main():
 * no core files (they could hold passwords), SIGPIPE ignored (a closed
 * connection is an error value, not a signal), and descriptors 0, 1 and 2
 * open (cron and daemons sometimes start us with them closed; a later
 * open() must never land on them).
 *
 * And a polite stop: once sys_catch_stop() is called, SIGTERM, SIGINT
 * and SIGHUP only set a flag (no SA_RESTART, so a blocking call returns
 * EINTR).  Every place that waits (net_wait, lock and child waits) asks
 * sys_check_stop() at least every SYS_STOP_POLL_MS, so the work in hand
 * is rolled back and the program ends within a second or so with
 * ST_TEMPFAIL (75: try again).
 */
#ifndef FACTEUR_SYS_H
#define FACTEUR_SYS_H

#include <signal.h>

#include "status.h"

#define SYS_STOP_POLL_MS	250

void sys_init(void);

/* Turn SIGTERM, SIGINT and SIGHUP into a stop request. */
void sys_catch_stop(void);
/* The signal that asked for a stop, or 0. */
int sys_stop_signal(void);
/* 0, or -1 with ST_TEMPFAIL ("stopped by SIGTERM") once a stop is asked. */
int sys_check_stop(struct errinfo *ei);

/*
 * For an event loop (mfetch --daemon), after sys_catch_stop(): SIGHUP
 * asks for a reload (sys_take_reload()) instead of a stop, and SIGTERM,
 * SIGINT, SIGHUP and SIGCHLD are blocked except inside ppoll(2) with
 * *waitmask, so that none is lost between a check and the wait (each
 * ends the ppoll).  Threads started afterwards keep them blocked.
 */
void sys_daemon_signals(sigset_t *waitmask);
/* Was a reload asked since the last call? */
int sys_take_reload(void);
/* Undo the blocking in a child about to exec (async-signal-safe). */
void sys_child_signals(void);

/* The home directory: $HOME, else the password database's, else "/". */
const char *sys_home(void);

#endif
