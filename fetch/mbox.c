/*
 * mbox: appending messages to an mbox file, mboxrd-quoted, the way mutt,
 * procmail and Dovecot expect on /var/mail: fcntl lock and dotlock (each
 * with a timeout), no symbolic or hard links followed, a From_ line, a
 * blank line after each message; fsync before success; on any error the
 * file is truncated back to the size it had before the message.  The
 * locks are taken at the first message and kept for the ones that follow
 * at once (a pipelined fetch), until release(), or an error.
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

#include "buf.h"
#include "durable.h"
#include "fdout.h"
#include "log.h"
#include "mboxrd.h"
#include "sink.h"
#include "xalloc.h"

#define DOTLOCK_STALE	300	/* seconds after which a dotlock is stale */

struct mbox {
	struct sink s;
	char *lockpath;
	int fd;
	int dotlocked;
	off_t start;		/* size before this message */
	struct mboxrd rd;
	struct fdout out;
	int failed;		/* a write failed: only abort remains */
};

static int
io_error(struct mbox *m, const char *what, int err, struct errinfo *ei)
{
	return err_set(ei, err == ENOSPC || err == EDQUOT ? ST_TEMPFAIL :
	    ST_IOERR, "mbox %s: cannot %s: %s", m->s.target, what,
	    strerror(err));
}

static int
flush(struct mbox *m, struct errinfo *ei)
{
	int err = fdout_flush(&m->out);

	if (err != 0) {
		m->failed = 1;
		return io_error(m, "write", err, ei);
	}
	return 0;
}

static int
out(void *arg, const char *p, size_t n, struct errinfo *ei)
{
	struct mbox *m = arg;
	int err = fdout_write(&m->out, p, n);

	if (err != 0) {
		m->failed = 1;
		return io_error(m, "write", err, ei);
	}
	return 0;
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
		usleep(100 * 1000);
	}
	return 0;
}

static void
unlock_close(struct mbox *m)
{
	if (m->fd >= 0)
		close(m->fd);	/* drops the fcntl lock */
	m->fd = -1;
	if (m->dotlocked)
		unlink(m->lockpath);
	m->dotlocked = 0;
}

/* Open for appending, refusing links; the checks of mail.local(8). */
static int
open_mbox(struct mbox *m, struct errinfo *ei)
{
	struct stat st, lst;

	/* Never blocks: a FIFO or a device in its place is refused. */
	m->fd = durable_open(m->s.target, O_WRONLY | O_APPEND | O_CREAT, 0600);
	if (m->fd < 0)
		return err_set(ei, ST_CANTCREAT, "mbox %s: cannot open: %s",
		    m->s.target, durable_strerror(errno));
	if (fstat(m->fd, &st) < 0 || lstat(m->s.target, &lst) < 0)
		return err_set(ei, ST_IOERR, "mbox %s: cannot stat: %s",
		    m->s.target, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return err_set(ei, ST_CANTCREAT, "mbox %s: not a regular file",
		    m->s.target);
	if (st.st_dev != lst.st_dev || st.st_ino != lst.st_ino ||
	    st.st_nlink != 1)
		return err_set(ei, ST_CANTCREAT, "mbox %s: the file changed or "
		    "has other hard links: refused", m->s.target);
	return 0;
}

static int
mbox_begin(struct sink *s, const struct sink_msg *msg, struct errinfo *ei)
{
	struct mbox *m = (struct mbox *)s;
	char date[32], last = '\n';
	struct tm tm;

	m->failed = 0;
	if (m->fd < 0) {
		/* Locked until release: the next messages come right after. */
		if (dotlock(m, ei) < 0)
			return -1;
		if (open_mbox(m, ei) < 0 || fcntl_lock(m, ei) < 0) {
			unlock_close(m);
			return -1;
		}
		m->start = lseek(m->fd, 0, SEEK_END);
		if (m->start < 0) {
			io_error(m, "seek", errno, ei);
			unlock_close(m);
			return -1;
		}
		/* A file not ending with a line end gets one first. */
		if (m->start > 0 && pread(m->fd, &last, 1, m->start - 1) == 1 &&
		    last != '\n')
			last = 0;
	}
	fdout_reset(&m->out, m->fd);
	if (last != '\n')
		out(m, "\n", 1, ei);
	localtime_r(&msg->received, &tm);
	strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm);
	{
		const char *from = msg->from != NULL && *msg->from != '\0' ?
		    msg->from : "MAILER-DAEMON";
		char line[1100];
		size_t i, n;

		n = (size_t)snprintf(line, sizeof(line), "From %.998s %s\n",
		    from, date);
		/* No space or control character inside the sender. */
		for (i = 5; i < n - strlen(date) - 2; i++)
			if ((unsigned char)line[i] <= ' ')
				line[i] = '_';
		out(m, line, n, ei);
	}
	mboxrd_init(&m->rd, out, m);
	return 0;
}

static int
mbox_write(struct sink *s, const char *p, size_t n, struct errinfo *ei)
{
	struct mbox *m = (struct mbox *)s;

	if (m->failed)
		return err_set(ei, ST_IOERR, "mbox %s: write after an error",
		    s->target);
	return mboxrd_write(&m->rd, p, n, ei);
}

static void
mbox_abort(struct sink *s)
{
	struct mbox *m = (struct mbox *)s;

	if (m->fd >= 0) {
		if (ftruncate(m->fd, m->start) < 0)
			log_error("mbox %s: cannot truncate back to %lld bytes "
			    "after a failed delivery: %s", s->target,
			    (long long)m->start, strerror(errno));
		else
			fsync(m->fd);
	}
	fdout_reset(&m->out, -1);
	unlock_close(m);
}

static int
mbox_commit(struct sink *s, struct errinfo *ei)
{
	struct mbox *m = (struct mbox *)s;

	if (mboxrd_finish(&m->rd, ei) < 0 || out(m, "\n", 1, ei) < 0 ||
	    flush(m, ei) < 0)
		goto fail;
	if (fsync(m->fd) < 0) {
		io_error(m, "fsync", errno, ei);
		goto fail;
	}
	/* Still locked: the next message starts where this one ended. */
	m->start = lseek(m->fd, 0, SEEK_END);
	return 0;
fail:
	mbox_abort(s);
	return -1;
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
	fdout_free(&m->out);
	free(m->lockpath);
	free(s->target);
	free(m);
}

static const struct sink_ops mbox_ops = {
	mbox_begin, mbox_write, mbox_commit, mbox_abort, mbox_release, mbox_free
};

struct sink *
sink_mbox_new(const char *path)
{
	struct mbox *m = xcalloc(1, sizeof(*m));

	m->s.ops = &mbox_ops;
	m->s.target = xstrdup(path);
	m->lockpath = xasprintf("%s.lock", path);
	m->fd = -1;
	fdout_init(&m->out);
	return &m->s;
}
