/*
 * maildir: delivering into a Maildir (cur, new, tmp; created when
 * missing): the message is written to tmp/ under a unique name, fsync'ed,
 * renamed into new/, and new/ is fsync'ed, so that a message in new/ is
 * always whole and durable.  An aborted message is removed from tmp/.
 *
 * A crash leaves at most a file in tmp/, which no reader looks at.  Our
 * names carry "_mfetch", the PID and this host's name, so the next run
 * (at its first delivery) removes the ones whose process is gone, and any
 * of ours older than 36 hours (the Maildir convention); other programs'
 * files are never touched.
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

struct maildir {
	struct sink s;
	int fd;
	char *tmp;		/* tmp/NAME of the message being written */
	char *name;
	struct fdout out;
	unsigned long long size;
	unsigned seq;
	int ready;		/* the directories exist */
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
		    ((kill((pid_t)pid, 0) < 0 && errno == ESRCH) ||
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
md_commit(struct sink *s, struct errinfo *ei)
{
	struct maildir *d = (struct maildir *)s;
	char *dst, *newdir;
	int rc;

	if ((rc = fdout_flush(&d->out)) != 0) {
		write_error(d, rc, ei);
		goto fail;
	}
	if (fsync(d->fd) < 0 || close(d->fd) < 0) {
		d->fd = -1;
		err_set(ei, ST_IOERR, "maildir %s: cannot write %s: %s",
		    s->target, d->tmp, strerror(errno));
		goto fail;
	}
	d->fd = -1;
	dst = xasprintf("%s/new/%s,S=%llu", s->target, d->name, d->size);
	newdir = xasprintf("%s/new", s->target);
	if (rename(d->tmp, dst) < 0) {
		err_set(ei, ST_IOERR, "maildir %s: cannot move %s into new/: %s",
		    s->target, d->tmp, strerror(errno));
		free(dst);
		free(newdir);
		goto fail;
	}
	rc = durable_fsync_dir(newdir);
	if (rc < 0) {
		err_set(ei, ST_IOERR, "maildir: cannot fsync %s: %s", newdir,
		    strerror(errno));
		unlink(dst);	/* not durable: not delivered */
	}
	free(dst);
	free(newdir);
	return rc;
fail:
	md_abort(s);
	return -1;
}

static void
md_free(struct sink *s)
{
	struct maildir *d = (struct maildir *)s;

	if (d->fd >= 0)
		md_abort(s);
	free(d->tmp);
	free(d->name);
	fdout_free(&d->out);
	free(s->target);
	free(d);
}

static const struct sink_ops maildir_ops = {
	md_begin, md_write, md_commit, md_abort, NULL, md_free
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
