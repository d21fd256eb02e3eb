/*
 * queue: msend's queue directory (issue 13).  One message is two files:
 *   ID.msg   the message as it will be sent: the final header block (LF
 *            line ends), one empty line "\n", then the body in wire form
 *            (CR LF line ends, dot-stuffed: what spool.h keeps), so that
 *            a flush replays it without converting anything;
 *   ID.env   its envelope (qenv.h).
 * A message is queued when its ID.env exists: ID.msg is written first
 * (temporary file ID.msg.tmp, fsync, link to its new name), then ID.env
 * (the same), then the directory is fsync'ed once; only then does the
 * caller hear "queued".  ID.msg is locked (below) from its first byte
 * until ID.env is in place.  A process killed before leaves no ID.env,
 * at worst an orphan ID.msg, unlocked, which queue_clean() removes at
 * once, or temporary files, which it removes once old.  (No directory fsync separates the two links: after
 * a power cut, journalling file systems such as ext4 and XFS commit
 * them in order; POSIX does not promise it.)  The directory is refused
 * when it is a symbolic link, not the user's, or writable by group or
 * others; the files are mode 0600.
 *
 * Whoever sends or changes a message holds its lock: flock(2) on the
 * open ID.msg (never replaced, so every process locks the same inode).
 * Removal unlinks ID.env first, then ID.msg, under the lock; a process
 * that opened ID.msg before and gets the lock after finds no ID.env and
 * skips it: a message is sent at most once by overlapping flushes.
 * An envelope is changed by writing it whole (atomicfile, rename over).
 *
 * Ids: "YYYYMMDDTHHMMSS-PID-RRRRRR" (UTC, the process id, 6 random
 * [a-z0-9]): they sort by the time they were queued, and are valid
 * qenv ids.  A name already taken is never overwritten (another id is
 * drawn).
 *
 * The directory: the account's queue_dir, else for root (euid 0)
 * QUEUE_SYSTEM_DIR, else $XDG_STATE_HOME/facteur/queue (default
 * ~/.local/state/facteur/queue).  Created (mode 0700, parents as needed)
 * when a message is queued; a missing directory is an empty queue.
 */
#ifndef FACTEUR_QUEUE_H
#define FACTEUR_QUEUE_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "qenv.h"
#include "spool.h"
#include "status.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif
#define QUEUE_SYSTEM_DIR LOCALSTATEDIR "/spool/facteur/queue"
/* The longest header block queued: mailjob's, the spool's and msend's. */
#define QUEUE_HEADER_MAX (SPOOL_HEADER_MAX + 64 * 1024)
#define QUEUE_ORPHAN_AGE (3600)	/* seconds before a temporary file
				   counts as a crash's */

struct queue {
	char *dir;		/* the directory's path */
	int dfd;		/* open on it (O_DIRECTORY); -1: missing */
};

/* A locked message. */
struct qmsg {
	char id[QENV_ID_MAX + 1];
	int fd;			/* ID.msg, open, flock'ed; -1: none */
	off_t size;		/* of ID.msg */
	struct qenv env;	/* loaded from ID.env */
};

/*
 * The directory for an account whose queue_dir is dir (NULL or "": the
 * default, see above; $HOME unset: the password database's).  Allocated.
 */
char *queue_dir_path(const char *dir);

/*
 * Open the queue at path.  create: make it (and its parents) when
 * missing; without create, a missing directory is an empty queue
 * (q->dfd -1, returns 0).  Returns 0, or -1: ST_CANTCREAT / ST_IOERR.
 */
int queue_open(struct queue *q, const char *path, int create,
    struct errinfo *ei);
void queue_close(struct queue *q);

/*
 * Queue a message: e (its id is chosen here and written into e->id,
 * e->created and e->next should be set by the caller), hdr the final
 * header block (LF line ends, each line ended, no empty line, at most
 * QUEUE_HEADER_MAX bytes), sp the spooled body (spool_read_body() done).
 * q must be opened with create.  Returns 0 once both files and the
 * directory entry are durable; -1 (ST_TEMPFAIL for a full disk,
 * ST_CANTCREAT, ST_IOERR; ST_SOFTWARE for a bad hdr or envelope) with
 * nothing left behind and e->id "".
 */
int queue_put(struct queue *q, struct qenv *e, const struct buf *hdr,
    struct spool *sp, struct errinfo *ei);

/*
 * The ids of the queued messages (those with an ID.env), sorted, in
 * *ids (allocated array of allocated strings, queue_ids_free()).
 */
int queue_list(struct queue *q, char ***ids, size_t *n, struct errinfo *ei);
void queue_ids_free(char **ids, size_t n);

/*
 * Lock and load message id: returns 1 with m filled (locked), 0 when it
 * is locked by another process or no longer queued, or id cannot be an
 * id (m empty), -1 on an error (m empty): ST_DATA for a broken envelope
 * (qenv_parse()'s message, or an id that is not the file's), ST_IOERR.
 * wait: block for the lock instead of giving up (a stop request,
 * sys_catch_stop(), ends the wait: ST_TEMPFAIL).  The lock is flock(2)'s,
 * held by the open file: a child forked while it is held shares it.
 */
int queue_lock(struct queue *q, const char *id, int wait, struct qmsg *m,
    struct errinfo *ei);
/*
 * Read the envelope without locking (for listing) into e (qenv_init()ed
 * here; qenv_free() it), and ID.msg's size.  0, or -1 as above, or
 * ST_NOINPUT when id is no longer queued (removed since it was listed).
 */
int queue_peek(struct queue *q, const char *id, struct qenv *e,
    off_t *size, struct errinfo *ei);
/* Write m->env back (whole, durable).  0 or -1. */
int queue_update(struct queue *q, struct qmsg *m, struct errinfo *ei);
/*
 * Remove the message (ID.env, then ID.msg) and unlock it (also on an
 * error: m is empty after).  The unlinks are made durable by
 * queue_sync() (one directory fsync for many).
 */
int queue_remove(struct queue *q, struct qmsg *m, struct errinfo *ei);
/* Unlock (and free) m without changing anything. */
void queue_unlock(struct qmsg *m);
/* fsync the directory. */
int queue_sync(struct queue *q, struct errinfo *ei);

/*
 * Make sp read m's message: the header block into sp->hdr, the body
 * from ID.msg itself (no copy; its size and 8-bit-ness counted in one
 * pass).  sp is spool_init()ed by the caller; sp->fd is not closed by
 * spool_free() (it is m->fd, sp->fd_borrowed).  0, or -1 (ST_DATA: not a
 * message file: no empty line within QUEUE_HEADER_MAX bytes, or a NUL
 * byte in the header; ST_IOERR).
 */
int queue_spool(struct qmsg *m, struct spool *sp, struct errinfo *ei);

/*
 * Remove what crashes left: ID.msg without ID.env that no one holds
 * locked (a kill between a removal's two unlinks, or during a put),
 * whatever its age, and temporary files (ID.msg.tmp, ID.env.tmp) older
 * than QUEUE_ORPHAN_AGE at now (their mtime).  Nothing else is touched (an
 * ID.env without ID.msg stays, for a person to see).  Returns how many
 * were removed; the directory is fsync'ed when any was.
 */
int queue_clean(struct queue *q, long long now);

/* A new id (for queue_put; exposed for tests). */
void queue_new_id(char *id, size_t size, long long now, unsigned rnd);

#endif
