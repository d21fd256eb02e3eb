/*
 * sink: where a fetched message goes, one message at a time: an mbox
 * file, a Maildir, or a delivery program (MDA).  POP3 and IMAP use the
 * same sinks through deliver.h.
 *
 * A message is begin()-ed, written in chunks (LF line ends, the message
 * as it is: mboxrd quoting is the mbox sink's business), then either
 * stage()-d or abort()-ed, which leaves no trace of it.  A staged message
 * is whole, in the target or ready to go there, but not yet durable: a
 * crash may lose it, never leave a part of it.  sync() makes every
 * staged message durable at once (group commit: one round of fsyncs for
 * many messages) and returns 0 only once they all are (the files and
 * their directory fsync'ed); when it fails, none of them is delivered.
 * A sink that cannot defer (the MDA: its exit 0 is its promise) makes
 * stage() durable itself and has no sync().  sink_commit() is stage()
 * then sync(): the message and every one staged before it are durable.
 *
 * The mbox and the MDA receive a message into a temporary file first
 * and see it only whole (the mbox: a whole batch, at sync); a Maildir
 * writes it to tmp/ and renames it into new/ once it is durable.  A
 * crash at any instant leaves no part of a message behind, or one that
 * the next run removes (mbox.c, maildir.c explain how).
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
	/*
	 * The message begun is whole: stage it (see above).  On failure
	 * that message is gone, the ones staged before it stay staged.
	 */
	int (*stage)(struct sink *s, struct errinfo *ei);
	/*
	 * Make every staged message durable: 0 once they all are (also
	 * when none is staged); -1 when they are not, and then none of them
	 * is delivered.  Nothing stays staged either way.  NULL when
	 * stage() is durable already.
	 */
	int (*sync)(struct sink *s, struct errinfo *ei);
	/* Undo the message begun, not the staged ones (may be NULL). */
	void (*abort)(struct sink *s);
	/* No more messages for now: let go of locks (may be NULL). */
	void (*release)(struct sink *s);
	/* Staged messages not synced are dropped. */
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
/* Every staged message durable (see sync in sink_ops). */
int sink_sync(struct sink *s, struct errinfo *ei);
/* 1 when stage() defers durability to sync(); 0 when a staged message is
 * delivered for good already (the MDA). */
int sink_defers(const struct sink *s);
/*
 * Stage the message begun, then sync: 0 once it and the ones staged
 * before are durable.  When staging fails, the others stay staged.
 */
int sink_commit(struct sink *s, struct errinfo *ei);

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
