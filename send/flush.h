/*
 * flush: send what the queue holds (msend -q, --queue-flush-now=ID, the
 * opportunistic flush after a send, the systemd units).
 *
 * Every queue directory the accounts file names (each account's
 * queue_dir, and the default one) is read; the messages that are due
 * (their next try has come, or their lifetime has run out) are grouped
 * by account, and each account gets one connection: its messages go one
 * after the other, several in flight at once when the server offers
 * PIPELINING and CHUNKING (submit.h: MAIL, RCPT and BDAT of up to
 * FLUSH_WINDOW messages before their replies are read).  Each message is
 * locked while it is in flight (queue.h): overlapping flushes and new
 * msend processes send it at most once.
 *
 * After the replies, each recipient is done (2xx: dropped from the
 * envelope's work), to retry (4xx, or the connection failed: the whole
 * message is retried later, with the back-off of qenv.h), or refused for
 * good (5xx: bounced to the sender at once, then dropped).  A message
 * whose lifetime has run out when a try fails is bounced for every
 * recipient still to do.  A message is removed from the queue only once
 * every recipient is done or bounced.  Bounces (bounce.h) go to the
 * account's bounce_to (default mbox,~/dead.letter); the null sender
 * gets none (the log says so).  One log line per message tried.
 */
#ifndef FACTEUR_FLUSH_H
#define FACTEUR_FLUSH_H

#include "cliopts.h"
#include "config.h"
#include "status.h"

#define FLUSH_WINDOW	32		/* messages in flight at once */
#define FLUSH_WINDOW_BYTES (4 * 1024 * 1024)	/* their bytes, at most */

struct flush_opts {
	const char *id;		/* only this message, due or not; NULL: all
				   that are due */
	const char *account;	/* only this account's; NULL: all */
	long long now;		/* the time; 0: time(NULL) */
};

struct flush_stats {
	unsigned long sent, deferred, bounced, busy, broken;
};

/*
 * Flush the queues of the accounts in cfg (may be NULL: the default
 * queue only, accounts resolved from the command line options).
 * Returns 0 when the flush ran (messages that could not go yet are
 * deferred, not an error); -1 for a local failure (a queue that cannot
 * be read, ST_IOERR...) or, with o->id, when that message was not sent
 * (its error).
 */
int flush_run(const struct cliopts *co, const struct config *cfg,
    const struct flush_opts *o, struct flush_stats *st, struct errinfo *ei);

/*
 * Flush in the background: a detached process (its own session, stdio on
 * /dev/null) runs flush_run() for every account and exits; the caller
 * goes on at once and never waits for it.
 */
void flush_spawn(const struct cliopts *co, const struct config *cfg);

/*
 * The distinct queue directories of cfg's accounts (their queue_dir, and
 * the default), allocated; for listing and flushing.
 */
char **flush_queue_dirs(const struct cliopts *co, const struct config *cfg,
    size_t *n);
void flush_dirs_free(char **dirs, size_t n);

#endif
