/*
 * sink: where a fetched message goes, one message at a time: an mbox
 * file, a Maildir, or a delivery program (MDA).  POP3 and IMAP use the
 * same sinks through deliver.h.
 *
 * A message is begin()-ed, written in chunks (LF line ends, the message
 * as it is: mboxrd quoting is the mbox sink's business), then either
 * commit()-ed, which returns 0 only once the message is durable (the
 * file and its directory fsync'ed, or the MDA exited 0), or abort()-ed,
 * which leaves no trace of it.  The mbox and the MDA receive a message
 * into a temporary file first and see it only whole, at commit; a
 * Maildir writes it to tmp/ and renames it.  A crash at any instant
 * leaves no part of a message behind, or one that the next run removes
 * (mbox.c, maildir.c explain how).
 */
#ifndef FACTEUR_SINK_H
#define FACTEUR_SINK_H

#include <stddef.h>
#include <time.h>

#include "status.h"

#define SINK_LOCK_TIMEOUT	60	/* seconds to wait for an mbox lock */

struct sink;

/* What every sink needs from the run. */
struct sink_opts {
	const char *statedir;	/* temporary files, the mbox journals */
	int timeout;		/* seconds an MDA may take; 0: none */
};

struct sink_msg {
	const char *from;	/* envelope sender: From_ line, MDA's %F */
	time_t received;	/* for the From_ line */
};

struct sink_ops {
	int (*begin)(struct sink *s, const struct sink_msg *m,
	    struct errinfo *ei);
	int (*write)(struct sink *s, const char *p, size_t n,
	    struct errinfo *ei);
	int (*commit)(struct sink *s, struct errinfo *ei);
	/* NULL when a message is not in the target before its commit. */
	void (*abort)(struct sink *s);
	/* No more messages for now: let go of locks (may be NULL). */
	void (*release)(struct sink *s);
	void (*free)(struct sink *s);
};

struct sink {
	const struct sink_ops *ops;
	char *target;		/* the path or command, for messages */
};

/*
 * Make a sink from a delivery spec, as mpop writes it: "mbox,FILE",
 * "maildir,DIR", "mda,COMMAND" (a leading "~/" is the home directory).
 * Nothing is opened yet.  Returns 0, or -1 (ST_CONFIG for a bad spec).
 */
int sink_new(const char *spec, const struct sink_opts *o, struct sink **s_r,
    struct errinfo *ei);
void sink_free(struct sink *s);
/* Undo the message begun (see abort in sink_ops). */
void sink_abort(struct sink *s);

/* The constructors behind sink_new(). */
struct sink *sink_mbox_new(const char *path, const struct sink_opts *o);
struct sink *sink_maildir_new(const char *dir, const struct sink_opts *o);
struct sink *sink_mda_new(const char *command, const struct sink_opts *o);

/*
 * mpop's filter: run command (as an MDA runs, with %F from and %S size)
 * with a message's header (head, len) on its standard input.  Returns
 * its exit status (0 fetch, 1 delete, 2 skip, others an error: the
 * caller decides), or -1 with ei when it could not run or was killed
 * (a timeout, a stop request, a signal).
 */
int sink_filter_run(const char *command, const struct sink_opts *o,
    const char *from, unsigned long long size, const char *head, size_t len,
    struct errinfo *ei);

#endif
