/*
 * maildir: delivering into a Maildir (cur, new, tmp; created when
 * missing): a message is written to tmp/ under a unique name (staged:
 * whole, not yet durable, and invisible to readers).  sync() fsyncs
 * every staged file, then renames each into new/, then fsyncs new/ once:
 * a message never appears in new/ before its bytes are durable, and a
 * batch costs one fsync per message plus one for the directory instead
 * of two per message.  The writeback of each file is started as soon as
 * it is staged (sync_file_range(), a hint: only the fsync counts), so
 * that the fsyncs of a batch find little left to write.  If anything in
 * sync() fails, every message of the batch is removed again (from tmp/,
 * or from new/ when the rename was done but new/ could not be fsync'ed):
 * none of them is delivered.  An aborted message is removed from tmp/.
 *
 * A crash leaves at most files in tmp/, which no reader looks at, or
 * (between the renames and the fsync of new/) messages in new/ that are
 * whole but not recorded as delivered, fetched again by the next run.
 * Our names carry "_mfetch", the PID and this host's name, so the next
 * run (at its first delivery) removes the tmp/ files whose process is
 * gone, and any of ours older than 36 hours (the Maildir convention);
 * other programs' files are never touched.
 */
#include "autoconf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "durable.h"
#include "fdout.h"
#include "log.h"
#include "sink.h"
#include "xalloc.h"

#define MAILDIR_TMP_STALE	(36 * 3600)	/* seconds */
#define MAILDIR_MARK		"_mfetch"

struct staged {
	char *name;		/* in tmp/ */
	unsigned long long size;
};

struct maildir {
	struct sink s;
	int fd;
	char *tmp;		/* tmp/NAME of the message being written */
	char *name;
	struct fdout out;
	unsigned long long size;
	unsigned seq;
	int ready;		/* the directories exist */
	struct staged *st;	/* whole in tmp/, not yet synced */
	size_t nst, ast;
};

/* This host's name, made safe for a file name ('/' and ':'). */
static void
safe_host(char *safe, size_t safesz)
{
	char host[256];
	size_t i, o = 0;

	if (gethostname(host, sizeof(host) - 1) < 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	for (i = 0; host[i] != '\0' && o + 5 < safesz; i++) {
		if (host[i] == '/')
			o += (size_t)snprintf(safe + o, safesz - o, "\\057");
		else if (host[i] == ':')
			o += (size_t)snprintf(safe + o, safesz - o, "\\072");
		else
			safe[o++] = host[i];
	}
	safe[o] = '\0';
}

/* time.MusecPpidQseq_mfetch.host */
static char *
unique_name(struct maildir *d)
{
	char safe[1024];
	struct timeval tv;

	safe_host(safe, sizeof(safe));
	gettimeofday(&tv, NULL);
	return xasprintf("%lld.M%06ldP%ldQ%u" MAILDIR_MARK ".%s",
	    (long long)tv.tv_sec, (long)tv.tv_usec, (long)getpid(), ++d->seq,
	    safe);
}

/*
 * The PID in one of our tmp/ names from this host, or 0 when the name is
 * not ours.
 */
static long
our_pid(const char *name, const char *host)
{
	const char *p = strchr(name, 'P'), *q = strstr(name, MAILDIR_MARK ".");
	char *end;
	long pid;

	if (p == NULL || q == NULL || strchr(name, '.') == NULL ||
	    strcmp(q + strlen(MAILDIR_MARK) + 1, host) != 0)
		return 0;
	pid = strtol(p + 1, &end, 10);
	return *end == 'Q' && pid > 0 ? pid : 0;
}

/*
 * Does process pid still run?  A zombie does not: kill() succeeds on
 * one, so Linux's /proc tells its state ("Z", after the name in
 * parentheses, which may hold anything).
 */
static int
pid_alive(long pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return !(p != NULL && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
}

/* Remove what killed runs of ours left in tmp/. */
static void
clean_tmp(struct maildir *d)
{
	char host[1024], *dir = xasprintf("%s/tmp", d->s.target);
	DIR *dp = opendir(dir);
	struct dirent *de;
	size_t removed = 0;

	safe_host(host, sizeof(host));
	while (dp != NULL && (de = readdir(dp)) != NULL) {
		long pid = our_pid(de->d_name, host);
		struct stat st;
		char *path;

		if (pid == 0 || pid == (long)getpid())
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    (!pid_alive(pid) ||
		    time(NULL) - st.st_mtime > MAILDIR_TMP_STALE) &&
		    unlink(path) == 0)
			removed++;
		free(path);
	}
	if (dp != NULL)
		closedir(dp);
	if (removed > 0)
		log_warn("maildir %s: removed %zu unfinished message%s a "
		    "stopped mfetch left in tmp/", d->s.target, removed,
		    removed == 1 ? "" : "s");
	free(dir);
}

static int
prepare(struct maildir *d, struct errinfo *ei)
{
	static const char *const sub[] = { "tmp", "new", "cur" };
	size_t i;

	if (d->ready)
		return 0;
	for (i = 0; i < 3; i++) {
		char *p = xasprintf("%s/%s", d->s.target, sub[i]);
		int rc = durable_mkdirs(p, ei);

		free(p);
		if (rc < 0)
			return err_prefix(ei, "maildir %s: ", d->s.target);
	}
	clean_tmp(d);
	d->ready = 1;
	return 0;
}

static int
write_error(struct maildir *d, int err, struct errinfo *ei)
{
	return err_set(ei, err == ENOSPC || err == EDQUOT ? ST_TEMPFAIL :
	    ST_IOERR, "maildir %s: cannot write %s: %s", d->s.target, d->tmp,
	    strerror(err));
}

static int
md_begin(struct sink *s, const struct sink_msg *msg, struct errinfo *ei)
{
	struct maildir *d = (struct maildir *)s;

	(void)msg;
	if (prepare(d, ei) < 0)
		return -1;
	free(d->name);
	free(d->tmp);
	d->name = unique_name(d);
	d->tmp = xasprintf("%s/tmp/%s", s->target, d->name);
	d->fd = open(d->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (d->fd < 0)
		return err_set(ei, ST_CANTCREAT, "maildir %s: cannot create %s: "
		    "%s", s->target, d->tmp, strerror(errno));
	fdout_reset(&d->out, d->fd);
	d->size = 0;
	return 0;
}

static int
md_write(struct sink *s, const char *p, size_t n, struct errinfo *ei)
{
	struct maildir *d = (struct maildir *)s;
	int err = fdout_write(&d->out, p, n);

	d->size += n;
	return err != 0 ? write_error(d, err, ei) : 0;
}

static void
md_abort(struct sink *s)
{
	struct maildir *d = (struct maildir *)s;

	if (d->fd >= 0) {
		close(d->fd);
		d->fd = -1;
	}
	if (d->tmp != NULL)
		unlink(d->tmp);
	fdout_reset(&d->out, -1);
}

static int
md_stage(struct sink *s, struct errinfo *ei)
{
	struct maildir *d = (struct maildir *)s;
	int err;

	if ((err = fdout_flush(&d->out)) != 0) {
		write_error(d, err, ei);
		md_abort(s);
		return -1;
	}
#ifdef SYNC_FILE_RANGE_WRITE
	/* Start the writeback now; the fsync in md_sync() is the promise. */
	(void)sync_file_range(d->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
	err = close(d->fd);
	d->fd = -1;
	if (err < 0) {
		write_error(d, errno, ei);
		md_abort(s);
		return -1;
	}
	if (d->nst == d->ast) {
		d->ast = d->ast ? d->ast * 2 : 16;
		d->st = xreallocarray(d->st, d->ast, sizeof(*d->st));
	}
	d->st[d->nst].name = d->name;
	d->st[d->nst].size = d->size;
	d->nst++;
	d->name = NULL;
	free(d->tmp);
	d->tmp = NULL;
	return 0;
}

static char *
staged_path(struct maildir *d, size_t i, int innew)
{
	if (innew)
		return xasprintf("%s/new/%s,S=%llu", d->s.target, d->st[i].name,
		    d->st[i].size);
	return xasprintf("%s/tmp/%s", d->s.target, d->st[i].name);
}

/* Forget the staged messages, removing [0, renamed) from new/ and the
 * others from tmp/. */
static void
drop_staged(struct maildir *d, size_t renamed)
{
	size_t i;

	for (i = 0; i < d->nst; i++) {
		char *p = staged_path(d, i, i < renamed);

		unlink(p);
		free(p);
		free(d->st[i].name);
	}
	d->nst = 0;
}

/* fsync a file of tmp/ by its name: 0, or an errno value. */
static int
fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), err = 0;

	if (fd < 0)
		return errno;
	if (fsync(fd) < 0)
		err = errno;
	if (close(fd) < 0 && err == 0)
		err = errno;
	return err;
}

static int
md_sync(struct sink *s, struct errinfo *ei)
{
	struct maildir *d = (struct maildir *)s;
	char *src, *dst, *newdir;
	size_t i;
	int err;

	if (d->nst == 0)
		return 0;
	/* Every file durable before any is seen in new/. */
	for (i = 0; i < d->nst; i++) {
		src = staged_path(d, i, 0);
		err = fsync_path(src);
		if (err != 0) {
			err_set(ei, err == ENOSPC || err == EDQUOT ?
			    ST_TEMPFAIL : ST_IOERR, "maildir %s: cannot write "
			    "%s: %s", s->target, src, strerror(err));
			free(src);
			drop_staged(d, 0);
			return -1;
		}
		free(src);
	}
	for (i = 0; i < d->nst; i++) {
		src = staged_path(d, i, 0);
		dst = staged_path(d, i, 1);
		err = rename(src, dst) < 0 ? errno : 0;
		free(dst);
		if (err != 0) {
			err_set(ei, ST_IOERR, "maildir %s: cannot move %s into "
			    "new/: %s", s->target, src, strerror(err));
			free(src);
			drop_staged(d, i);
			return -1;
		}
		free(src);
	}
	newdir = xasprintf("%s/new", s->target);
	if (durable_fsync_dir(newdir) < 0) {
		err_set(ei, ST_IOERR, "maildir: cannot fsync %s: %s", newdir,
		    strerror(errno));
		free(newdir);
		drop_staged(d, d->nst);	/* not durable: not delivered */
		return -1;
	}
	free(newdir);
	for (i = 0; i < d->nst; i++)
		free(d->st[i].name);
	d->nst = 0;
	return 0;
}

static void
md_free(struct sink *s)
{
	struct maildir *d = (struct maildir *)s;

	if (d->fd >= 0)
		md_abort(s);
	drop_staged(d, 0);
	free(d->st);
	free(d->tmp);
	free(d->name);
	fdout_free(&d->out);
	free(s->target);
	free(d);
}

static const struct sink_ops maildir_ops = {
	md_begin, md_write, md_stage, md_sync, md_abort, NULL, md_free
};

struct sink *
sink_maildir_new(const char *dir, const struct sink_opts *o)
{
	(void)o;
	struct maildir *d = xcalloc(1, sizeof(*d));

	d->s.ops = &maildir_ops;
	d->s.target = xstrdup(dir);
	d->fd = -1;
	fdout_init(&d->out);
	return &d->s;
}
