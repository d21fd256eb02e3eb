/*
 * atomicfile: a file replaced whole or not at all.  The new content goes
 * to a temporary file next to the target (same directory, so the rename
 * stays in one file system), which is fsync'ed, renamed over the target
 * (or linked to a new name that must not exist yet), and then the
 * directory is fsync'ed: after a crash the target holds the old content
 * or the new one, never a mix.  mfetch's UID state file is written this
 * way; msend's queue files are meant to be.  Errors come back in an
 * errinfo; nothing is printed.
 */
#ifndef FACTEUR_ATOMICFILE_H
#define FACTEUR_ATOMICFILE_H

#include <stddef.h>

#include "status.h"

/*
 * One write in progress.  The temporary file is "PATH.tmp": one writer per
 * target at a time (the caller's lock, or a target name no one else
 * uses), and a temporary file a crash left is simply reused (truncated)
 * by the next atomicfile_begin().
 */
struct atomicfile {
	char	*path;		/* the target */
	char	*tmp;		/* the temporary file, PATH.tmp */
	int	 fd;		/* on tmp; -1 once closed */
	int	 err;		/* the first failed atomicfile_write(), errno */
};

/*
 * Create (or truncate) PATH.tmp, mode 0600, through durable_open(): a
 * symbolic link or anything but a regular file in its place is refused.
 * af->fd is then open for writing.  Returns 0, or -1 with ST_CANTCREAT
 * "cannot write PATH.tmp: REASON" (af holds nothing to abort then).
 */
int atomicfile_begin(struct atomicfile *af, const char *path,
    struct errinfo *ei);

/*
 * Write all n bytes to the temporary file.  A failure is remembered and
 * reported by atomicfile_commit() (so a writer may check only there);
 * later writes are then skipped.  Returns 0, or the errno value.
 */
int atomicfile_write(struct atomicfile *af, const void *p, size_t n);

/*
 * Make the temporary file the target: fsync it, close it, then rename it
 * over the target (replace != 0) or link it to the target, which must
 * not exist (replace == 0: a name taken is an error, not overwritten),
 * and fsync the directory.  Returns 0 with the new content durable in
 * place, or -1 with:
 *   ST_TEMPFAIL / ST_IOERR  "cannot write PATH.tmp: REASON" (a write or
 *                           the fsync failed; ST_TEMPFAIL for a full disk
 *                           or quota), the target untouched;
 *   ST_CANTCREAT            "cannot create PATH: File exists" and the like
 *                           (replace == 0), the target untouched;
 *   ST_IOERR                "cannot replace PATH: REASON" (the rename or
 *                           the directory's fsync failed; "cannot create"
 *                           when replace == 0).
 * Either way the temporary file is gone and af is released.
 */
int atomicfile_commit(struct atomicfile *af, int replace,
    struct errinfo *ei);

/*
 * The same without the directory's fsync, for a writer that makes
 * several names and fsyncs their directory once at the end (the queue:
 * the message, then its envelope): the content is durable on return, the
 * new name only after that fsync.  The errors are atomicfile_commit()'s.
 */
int atomicfile_commit_nodirsync(struct atomicfile *af, int replace,
    struct errinfo *ei);

/* Give up: close and remove the temporary file; the target is untouched. */
void atomicfile_abort(struct atomicfile *af);

#endif
