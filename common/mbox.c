/*
 * mbox: appending messages to an mbox file, mboxrd-quoted, the way mutt,
 * procmail and Dovecot expect on /var/mail: fcntl lock and dotlock (each
 * with a timeout), no symbolic or hard links followed, a From_ line, a
 * blank line after each message.  The locks are taken at the first sync
 * and kept for the batches that follow at once (a pipelined fetch),
 * until release(), or an error.
 *
 * Crash safety.  A crash (kill -9, OOM, power cut) must never leave part
 * of a message in the mbox, and the next run must be able to undo
 * whatever was left, even after other programs (procmail forcing our
 * stale lock, a mail client) appended messages after it, even ones that
 * do not start their From_ line on a line of its own.  So:
 *
 *  1. Messages are received whole into a temporary file first (msgfile.h)
 *     with their From_ lines and quoting, one after the other: a staged
 *     message is one there.  A crash while one downloads leaves the mbox
 *     untouched; a message that fails half way is cut back out of the
 *     file (its mark), the staged ones before it untouched.  At sync the
 *     file holds the batch, a region of length L and hash H.
 *  2. Under the locks, at the mbox's end X: one journal record "append
 *     dev ino X nl L H head" for the whole batch (mboxjournal.h; nl is 1
 *     when the file did not end with a line end and we add one; head is
 *     the start of the batch's first message) is written and fsync'ed
 *     before the mbox is touched.  The journal lives in mfetch's state
 *     directory, one per mbox path.
 *  3. The mbox is extended to X + nl + L at once (ftruncate), then the
 *     batch is written into that region, then one fsync.  Because the
 *     file has its final size before the first byte is written, whatever
 *     another program appends after a crash starts exactly at
 *     X + nl + L: which bytes were ours is known exactly.
 *  4. The record stays: the next batch's record replaces it, and the
 *     journal is emptied (without an fsync) when the session lets go of
 *     the mbox.  A record that survives (a crash between batches, a
 *     power cut) is recognised as finished (below), so a batch of any
 *     number of messages costs two fsyncs (group commit; the engine
 *     records its UIDs with one more).
 *
 * The next run that locks this mbox reads the journal first
 * (mboxj_recover(), which knows nothing of batches: a region is a
 * region).  If the file is shorter than X + nl + L or the bytes at X are
 * not the start of ours (our first From_ line, or the zeros of a region
 * never written), the run died before step 3: nothing to undo.  If the
 * region hashes to H, the batch is whole: nothing to undo.  Otherwise
 * the region [X, X + nl + L) is cut out, the whole batch (none of its
 * messages was recorded as delivered: the engine records only after
 * sync): the bytes after it are saved to a side file and the plan
 * journaled first, so that a crash in the middle of the repair is
 * finished by the run after.  An mbox whose device or inode changed
 * (replaced by another file) is not touched.  An error while appending
 * (disk full) truncates back to X at once: the batch is not delivered.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "durable.h"
#include "hash.h"
#include "log.h"
#include "mboxjournal.h"
#include "mboxrd.h"
#include "msgfile.h"
#include "sink.h"
#include "sys.h"
#include "xalloc.h"

#define DOTLOCK_STALE	300	/* seconds after which a dotlock is stale */

struct mbox {
	struct sink s;
	char *lockpath;
	char *jpath;		/* the journal, in the state directory */
	char *tailpath;		/* bytes kept aside during a repair */
	int fd;			/* open and locked, or -1 */
	int jfd;
	int dotlocked;
	int recorded;		/* the journal holds a finished append */
	struct msgfile mf;	/* the staged messages, then the one arriving */
	struct msgfile_mark mark;	/* where the one arriving starts */
	unsigned long nstaged;
	struct mboxrd rd;
};

static int
io_error(struct mbox *m, const char *what, int err, struct errinfo *ei)
{
	return err_set(ei, err == ENOSPC || err == EDQUOT ? ST_TEMPFAIL :
	    ST_IOERR, "mbox %s: cannot %s: %s", m->s.target, what,
	    strerror(err));
}

static int
out(void *arg, const char *p, size_t n, struct errinfo *ei)
{
	struct mbox *m = arg;

	return msgfile_write(&m->mf, p, n, ei);
}

/* Is the dotlock's holder (a PID written in it, as procmail and mutt
 * do) gone?  A lock without a readable PID is judged by its age. */
static int
dotlock_stale(const char *path)
{
	char b[32];
	struct stat st;
	ssize_t n;
	long pid;
	int fd = durable_open(path, O_RDONLY, 0);

	if (fd < 0)
		return 0;
	n = read(fd, b, sizeof(b) - 1);
	if (fstat(fd, &st) < 0)
		st.st_mtime = time(NULL);
	close(fd);
	if (n > 0) {
		char *end;

		b[n] = '\0';
		pid = strtol(b, &end, 10);
		if (pid > 0 && (*end == '\n' || *end == '\0'))
			return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
	}
	return time(NULL) - st.st_mtime > DOTLOCK_STALE;
}

/*
 * Create "<path>.lock" holding our PID, atomically: the PID is written to
 * a file of our own first, then linked to the lock name (link() fails if
 * the lock exists), as liblockfile does; so a lock is never seen empty,
 * even if we are killed half way.  0 locked, 1 held by someone, -1.
 */
static int
dotlock_try(struct mbox *m, int *err_r)
{
	char *tmp = xasprintf("%s.%ld", m->lockpath, (long)getpid());
	char pid[32];
	int fd, n, rc;

	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (fd < 0) {
		*err_r = errno;
		free(tmp);
		return -1;
	}
	rc = write(fd, pid, (size_t)n) == n ? 0 : -1;
	*err_r = errno;
	if (close(fd) < 0 && rc == 0) {
		rc = -1;
		*err_r = errno;
	}
	if (rc == 0 && link(tmp, m->lockpath) < 0) {
		*err_r = errno;
		rc = errno == EEXIST ? 1 : -1;
	}
	unlink(tmp);
	free(tmp);
	return rc;
}

/* "<path>.lock" with our PID; a stale one (its process gone) goes. */
static int
dotlock(struct mbox *m, struct errinfo *ei)
{
	time_t until = time(NULL) + SINK_LOCK_TIMEOUT;

	for (;;) {
		int err, r = dotlock_try(m, &err);

		if (r == 0) {
			m->dotlocked = 1;
			return 0;
		}
		if (r < 0 && (err == EACCES || err == EROFS || err == EPERM)) {
			/* No right to lock in this directory: fcntl only. */
			log_debug("mbox %s: no dotlock (%s)", m->s.target,
			    strerror(err));
			return 0;
		}
		if (r < 0)
			return err_set(ei, ST_CANTCREAT, "mbox %s: cannot create "
			    "the lock file %s: %s", m->s.target, m->lockpath,
			    strerror(err));
		if (dotlock_stale(m->lockpath)) {
			log_warn("mbox %s: removing the stale lock file %s",
			    m->s.target, m->lockpath);
			unlink(m->lockpath);
			continue;
		}
		if (time(NULL) >= until)
			return err_set(ei, ST_TEMPFAIL, "mbox %s: locked by "
			    "another program (%s) for %d seconds", m->s.target,
			    m->lockpath, SINK_LOCK_TIMEOUT);
		if (sys_check_stop(ei) < 0)
			return -1;
		usleep(100 * 1000);
	}
}

static int
fcntl_lock(struct mbox *m, struct errinfo *ei)
{
	time_t until = time(NULL) + SINK_LOCK_TIMEOUT;
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	while (fcntl(m->fd, F_SETLK, &fl) < 0) {
		if (errno != EAGAIN && errno != EACCES && errno != EINTR)
			return err_set(ei, ST_IOERR, "mbox %s: cannot lock: %s",
			    m->s.target, strerror(errno));
		if (time(NULL) >= until)
			return err_set(ei, ST_TEMPFAIL, "mbox %s: locked by "
			    "another program for %d seconds", m->s.target,
			    SINK_LOCK_TIMEOUT);
		if (sys_check_stop(ei) < 0)
			return -1;
		usleep(100 * 1000);
	}
	return 0;
}

static void
unlock_close(struct mbox *m)
{
	if (m->recorded && m->jfd >= 0)
		mboxj_clear(m->jfd);	/* before the locks go */
	m->recorded = 0;
	if (m->fd >= 0)
		close(m->fd);	/* drops the fcntl lock */
	m->fd = -1;
	if (m->jfd >= 0)
		close(m->jfd);
	m->jfd = -1;
	if (m->dotlocked)
		unlink(m->lockpath);
	m->dotlocked = 0;
}

/* Open for writing, refusing links; the checks of mail.local(8). */
static int
open_mbox(struct mbox *m, struct errinfo *ei)
{
	struct stat st, lst;

	/* Never blocks: a FIFO or a device in its place is refused. */
	m->fd = durable_open(m->s.target, O_RDWR | O_CREAT, 0600);
	if (m->fd < 0)
		return err_set(ei, ST_CANTCREAT, "mbox %s: cannot open: %s",
		    m->s.target, durable_strerror(errno));
	if (fstat(m->fd, &st) < 0 || lstat(m->s.target, &lst) < 0)
		return err_set(ei, ST_IOERR, "mbox %s: cannot stat: %s",
		    m->s.target, strerror(errno));
	if (st.st_dev != lst.st_dev || st.st_ino != lst.st_ino ||
	    st.st_nlink != 1)
		return err_set(ei, ST_CANTCREAT, "mbox %s: the file changed or "
		    "has other hard links: refused", m->s.target);
	return 0;
}

/* Take the locks, open the journal and undo what a crash left. */
static int
lock_mbox(struct mbox *m, struct errinfo *ei)
{
	if (durable_mkdirs_for(m->jpath, ei) < 0)
		return -1;
	m->jfd = durable_open(m->jpath, O_RDWR | O_CREAT, 0600);
	if (m->jfd < 0)
		return err_set(ei, ST_CANTCREAT, "mbox %s: cannot open its "
		    "journal %s: %s", m->s.target, m->jpath,
		    durable_strerror(errno));
	/* Its directory too, as for a Maildir (delivery mbox,~/mail/x). */
	if (durable_mkdirs_for(m->s.target, ei) < 0) {
		unlock_close(m);
		return err_prefix(ei, "mbox %s: ", m->s.target);
	}
	if (dotlock(m, ei) < 0 || open_mbox(m, ei) < 0 ||
	    fcntl_lock(m, ei) < 0 ||
	    mboxj_recover(m->jfd, m->tailpath, m->fd, m->s.target, ei) < 0) {
		unlock_close(m);
		return -1;
	}
	return 0;
}

static void mbox_abort(struct sink *);

static int
mbox_begin(struct sink *s, const struct sink_msg *msg, struct errinfo *ei)
{
	struct mbox *m = (struct mbox *)s;
	const char *from = msg->from != NULL && *msg->from != '\0' ?
	    msg->from : "MAILER-DAEMON";
	char date[32], line[1100];
	struct tm tm;
	size_t i, n;

	/* The first of a batch starts the file; the next ones follow. */
	if (m->nstaged == 0 && msgfile_start(&m->mf, ei) < 0)
		return err_prefix(ei, "mbox %s: ", s->target);
	msgfile_mark(&m->mf, &m->mark);
	localtime_r(&msg->received, &tm);
	strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm);
	n = (size_t)snprintf(line, sizeof(line), "From %.998s %s\n", from, date);
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	/* No space or control character inside the sender. */
	for (i = 5; i + strlen(date) + 2 < n; i++)
		if ((unsigned char)line[i] <= ' ')
			line[i] = '_';
	mboxrd_init(&m->rd, out, m);
	if (out(m, line, n, ei) < 0) {
		mbox_abort(s);
		return -1;
	}
	return 0;
}

static int
mbox_write(struct sink *s, const char *p, size_t n, struct errinfo *ei)
{
	struct mbox *m = (struct mbox *)s;

	return mboxrd_write(&m->rd, p, n, ei);
}

/* Steps 2 to 4 of the comment at the top, for the staged batch. */
static int
append(struct mbox *m, struct errinfo *ei)
{
	struct mboxj_rec r;
	struct stat st;
	off_t x = lseek(m->fd, 0, SEEK_END);
	char last = '\n';
	int err;

	if (x < 0 || fstat(m->fd, &st) < 0)
		return io_error(m, "seek", errno, ei);
	memset(&r, 0, sizeof(r));
	r.kind = MBOXJ_APPEND;
	r.dev = (unsigned long long)st.st_dev;
	r.ino = (unsigned long long)st.st_ino;
	r.start = (unsigned long long)x;
	/* A file not ending with a line end gets one first. */
	r.nl = x > 0 && pread(m->fd, &last, 1, x - 1) == 1 && last != '\n';
	r.len = m->mf.len;
	r.hash = m->mf.hash;
	r.headlen = m->mf.headlen;
	memcpy(r.head, m->mf.head, r.headlen);
	if (mboxj_write(m->jfd, &r, ei) < 0)
		return err_prefix(ei, "mbox %s: ", m->s.target);
	err = 0;
	if (ftruncate(m->fd, x + r.nl + (off_t)r.len) < 0 ||
	    (r.nl && pwrite(m->fd, "\n", 1, x) != 1))
		err = errno;
	if (err == 0)
		err = msgfile_copy(&m->mf, m->fd, x + r.nl);
	if (err == 0 && fsync(m->fd) < 0)
		err = errno;
	if (err != 0) {
		/* We hold the locks: nobody wrote after us. */
		if (ftruncate(m->fd, x) < 0 || fsync(m->fd) < 0)
			log_error("mbox %s: cannot truncate back to %lld bytes "
			    "after a failed delivery: %s (the next run repairs "
			    "it)", m->s.target, (long long)x, strerror(errno));
		else
			mboxj_clear(m->jfd);
		return io_error(m, "write", err, ei);
	}
	m->recorded = 1;
	return 0;
}

/* Cut the message arriving back out of the file: the batch stays. */
static void
mbox_abort(struct sink *s)
{
	struct mbox *m = (struct mbox *)s;
	struct errinfo ei;

	if (msgfile_rewind(&m->mf, &m->mark, &ei) < 0) {
		/* The batch cannot be told from it: none of it goes. */
		log_error("mbox %s: %s", s->target, ei.msg);
		m->nstaged = 0;
	}
}

static int
mbox_stage(struct sink *s, struct errinfo *ei)
{
	struct mbox *m = (struct mbox *)s;

	if (mboxrd_finish(&m->rd, ei) < 0 || out(m, "\n", 1, ei) < 0 ||
	    msgfile_finish(&m->mf, 0, ei) < 0) {
		mbox_abort(s);
		return -1;
	}
	m->nstaged++;
	return 0;
}

static int
mbox_sync(struct sink *s, struct errinfo *ei)
{
	struct mbox *m = (struct mbox *)s;
	int rc = 0;

	if (m->nstaged == 0)
		return 0;
	/* Locked until release: the next batches come right after. */
	if (m->fd < 0 && lock_mbox(m, ei) < 0)
		rc = -1;
	else if (append(m, ei) < 0) {
		unlock_close(m);
		rc = -1;
	}
	m->nstaged = 0;
	return rc;
}

static void
mbox_release(struct sink *s)
{
	unlock_close((struct mbox *)s);
}

static void
mbox_free(struct sink *s)
{
	struct mbox *m = (struct mbox *)s;

	unlock_close(m);
	msgfile_free(&m->mf);
	free(m->lockpath);
	free(m->jpath);
	free(m->tailpath);
	free(s->target);
	free(m);
}

static const struct sink_ops mbox_ops = {
	mbox_begin, mbox_write, mbox_stage, mbox_sync, mbox_abort,
	mbox_release, mbox_free
};

struct sink *
sink_mbox_new(const char *path, const struct sink_opts *o)
{
	struct mbox *m = xcalloc(1, sizeof(*m));
	uint64_t h = hash_add(HASH_INIT, path, strlen(path));

	m->s.ops = &mbox_ops;
	m->s.target = xstrdup(path);
	m->lockpath = xasprintf("%s.lock", path);
	m->jpath = xasprintf("%s/mbox-%016llx.journal", o->statedir,
	    (unsigned long long)h);
	m->tailpath = xasprintf("%s.tail", m->jpath);
	m->fd = m->jfd = -1;
	msgfile_init(&m->mf, o->statedir);
	return &m->s;
}
