/* queue: msend's queue directory, one ID.msg and one ID.env a message. */
#include "autoconf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "durable.h"
#include "queue.h"
#include "statedir.h"
#include "queue_int.h"
#include "sys.h"
#include "xalloc.h"

#define QUEUE_PUT_TRIES	8	/* ids drawn before giving up */

char *
queue_dir_path(const char *dir)
{
	if (dir != NULL && *dir != '\0')
		return xstrdup(dir);
	if (geteuid() == 0)
		return xstrdup(QUEUE_SYSTEM_DIR);
	return statedir_file("queue");
}

void
queue_new_id(char *id, size_t size, long long now, unsigned rnd)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	char r[7];
	struct tm tm;
	time_t t = (time_t)now;
	int i;

	for (i = 0; i < 6; i++) {
		r[i] = digits[rnd % 36];
		rnd /= 36;
	}
	r[6] = '\0';
	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	snprintf(id, size, "%04d%02d%02dT%02d%02d%02d-%ld-%s",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long)getpid(), r);
}

/* A random number for an id (good enough without getrandom()). */
static unsigned
id_random(void)
{
	static unsigned n;
	unsigned r;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) == (ssize_t)sizeof(r))
		return r;
	return (unsigned)time(NULL) * 2654435761U ^ (unsigned)getpid() ^
	    ++n * 40503U;
}

/* Could id name a queued message (a qenv id: no '/', no leading '.')? */
static int
id_ok(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > QENV_ID_MAX || *id == '.')
		return 0;
	return strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._-") == n;
}

/* q->dir/ID.ext, allocated. */
static char *
qpath(const struct queue *q, const char *id, const char *ext)
{
	return xasprintf("%s/%s.%s", q->dir, id, ext);
}

int
queue_name_exists(const struct queue *q, const char *id, const char *ext)
{
	char name[QENV_ID_MAX + 8];
	struct stat st;

	snprintf(name, sizeof(name), "%s.%s", id, ext);
	return fstatat(q->dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ||
	    errno != ENOENT;
}

static void
qunlink(const struct queue *q, const char *id, const char *ext)
{
	char name[QENV_ID_MAX + 8];

	snprintf(name, sizeof(name), "%s.%s", id, ext);
	unlinkat(q->dfd, name, 0);
}

int
queue_open(struct queue *q, const char *path, int create,
    struct errinfo *ei)
{
	struct stat st;
	int err;

	q->dir = xstrdup(path);
	q->dfd = -1;
	if (create && durable_mkdirs(path, ei) < 0)
		goto fail;
	q->dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (q->dfd < 0) {
		err = errno;
		if (err == ENOENT && !create)
			return 0;	/* an empty queue */
		/* Linux says ENOTDIR for a link with O_DIRECTORY. */
		if (err == ENOTDIR && lstat(path, &st) == 0 &&
		    S_ISLNK(st.st_mode))
			err = ELOOP;
		err_set(ei, err == EIO ? ST_IOERR : ST_CANTCREAT, "cannot open "
		    "the queue %s: %s", path, err == ELOOP ? "a symbolic link:"
		    " refused" : strerror(err));
		goto fail;
	}
	if (fstat(q->dfd, &st) < 0) {
		err_set(ei, ST_IOERR, "cannot open the queue %s: %s", path,
		    strerror(errno));
		goto fail;
	}
	/* Others must not plant messages that would go out as ours. */
	if (st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
		err_set(ei, ST_CANTCREAT, "cannot open the queue %s: %s", path,
		    st.st_uid != geteuid() ? "not owned by this user: refused" :
		    "writable by others: refused");
		goto fail;
	}
	return 0;
fail:
	queue_close(q);
	return -1;
}

void
queue_close(struct queue *q)
{
	if (q->dfd >= 0)
		close(q->dfd);
	q->dfd = -1;
	free(q->dir);
	q->dir = NULL;
}

int
queue_sync(struct queue *q, struct errinfo *ei)
{
	if (q->dfd >= 0 && fsync(q->dfd) < 0)
		return err_set(ei, ST_IOERR, "cannot sync the queue %s: %s",
		    q->dir, strerror(errno));
	return 0;
}

/* spool_replay()'s output: into the temporary file. */
static int
put_chunk(void *arg, const char *p, size_t n, struct errinfo *ei)
{
	struct atomicfile *af = arg;
	int err = atomicfile_write(af, p, n);

	if (err != 0)
		return err_set(ei, err == ENOSPC || err == EDQUOT ?
		    ST_TEMPFAIL : ST_IOERR, "cannot write %s: %s", af->tmp,
		    strerror(err));
	return 0;
}

/*
 * Write ID.ext: head[0..hlen), then the spool's body if sp.  Its content
 * durable, its name not yet (the caller fsyncs the directory).  Returns
 * 0, 1 when the name is taken (nothing written), -1 on an error.
 */
static int
put_file(struct queue *q, const char *id, const char *ext, const char *head,
    size_t hlen, struct spool *sp, int *lockfd, struct errinfo *ei)
{
	struct atomicfile af;
	char *path = qpath(q, id, ext);
	int rc = -1;

	if (atomicfile_begin(&af, path, ei) < 0)
		goto out;
	if (lockfd != NULL) {
		/*
		 * Locked from its first byte until its ID.env is in place
		 * (the lock outlives the temporary file's descriptor through
		 * a dup): queue_clean() never takes a message being queued
		 * for a crash's orphan.
		 */
		if (flock(af.fd, LOCK_EX) < 0 ||
		    (*lockfd = fcntl(af.fd, F_DUPFD_CLOEXEC, 0)) < 0) {
			err_set(ei, ST_IOERR, "cannot lock %s: %s", path,
			    strerror(errno));
			atomicfile_abort(&af);
			goto out;
		}
	}
	atomicfile_write(&af, head, hlen);
	if (sp != NULL) {
		atomicfile_write(&af, "\n", 1);
		if (spool_replay(sp, put_chunk, &af, ei) < 0) {
			atomicfile_abort(&af);
			goto out;
		}
	}
	if (atomicfile_commit_nodirsync(&af, 0, ei) < 0) {
		/* A name someone took in between: another id. */
		if (ei == NULL || ei->st == ST_CANTCREAT)
			rc = queue_name_exists(q, id, ext) ? 1 : -1;
		goto out;
	}
	rc = 0;
out:
	free(path);
	return rc;
}

/* Can hdr be ID.msg's header block (read back as it was)? */
static int
header_ok(const struct buf *hdr, struct errinfo *ei)
{
	const char *why = NULL;

	if (hdr->len > QUEUE_HEADER_MAX)
		why = "too long";
	else if (hdr->len > 0 && hdr->data[hdr->len - 1] != '\n')
		why = "not ended by a line end";
	else if (hdr->len > 0 && (hdr->data[0] == '\n' ||
	    memmem(hdr->data, hdr->len, "\n\n", 2) != NULL))
		why = "holding an empty line";
	else if (memchr(hdr->data, '\0', hdr->len) != NULL)
		why = "holding a NUL byte";
	if (why != NULL)
		return err_set(ei, ST_SOFTWARE, "cannot queue a header block "
		    "%s", why);
	return 0;
}

int
queue_put(struct queue *q, struct qenv *e, const struct buf *hdr,
    struct spool *sp, struct errinfo *ei)
{
	struct buf eb;
	int try, r, rc = -1, lockfd = -1;

	if (q->dfd < 0)
		return err_set(ei, ST_SOFTWARE, "cannot queue in %s: not "
		    "opened for writing", q->dir);
	if (header_ok(hdr, ei) < 0)
		return -1;
	buf_init(&eb, QENV_FILE_MAX);
	for (try = 0; try < QUEUE_PUT_TRIES; try++) {
		if (lockfd >= 0)
			close(lockfd);
		lockfd = -1;
		queue_new_id(e->id, sizeof(e->id), (long long)time(NULL),
		    id_random());
		if (queue_name_exists(q, e->id, "msg") ||
		    queue_name_exists(q, e->id, "env"))
			continue;
		buf_reset(&eb);
		if (qenv_write(e, &eb, ei) < 0)
			goto out;
		/* The message first: an ID.env always has its ID.msg. */
		r = put_file(q, e->id, "msg", hdr->data, hdr->len, sp,
		    &lockfd, ei);
		if (r == 1)
			continue;
		if (r < 0)
			goto out;
		r = put_file(q, e->id, "env", eb.data, eb.len, NULL, NULL,
		    ei);
		if (r != 0) {
			qunlink(q, e->id, "msg");
			if (r == 1)
				continue;
			goto out;
		}
		/* Both names durable at once. */
		if (queue_sync(q, ei) < 0) {
			qunlink(q, e->id, "env");
			qunlink(q, e->id, "msg");
			goto out;
		}
		rc = 0;
		goto out;
	}
	err_set(ei, ST_CANTCREAT, "cannot queue in %s: no free name after %d "
	    "tries", q->dir, QUEUE_PUT_TRIES);
out:
	if (lockfd >= 0)
		close(lockfd);
	if (rc < 0)
		e->id[0] = '\0';
	buf_free(&eb);
	return rc;
}

static int
cmp_ids(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

DIR *
queue_opendir(const struct queue *q)
{
	int fd = openat(q->dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;

	if (fd < 0)
		return NULL;
	if ((d = fdopendir(fd)) == NULL) {
		int err = errno;

		close(fd);
		errno = err;
	}
	return d;
}

size_t
queue_id_with(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);
	char id[QENV_ID_MAX + 1];

	if (n <= e || n - e > QENV_ID_MAX || strcmp(name + n - e, ext) != 0)
		return 0;
	memcpy(id, name, n - e);
	id[n - e] = '\0';
	return id_ok(id) ? n - e : 0;
}

int
queue_list(struct queue *q, char ***ids, size_t *n, struct errinfo *ei)
{
	struct dirent *de;
	size_t alloc = 0, len;
	DIR *d;

	*ids = NULL;
	*n = 0;
	if (q->dfd < 0)
		return 0;
	if ((d = queue_opendir(q)) == NULL)
		return err_set(ei, ST_IOERR, "cannot read the queue %s: %s",
		    q->dir, strerror(errno));
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL)
			break;
		if ((len = queue_id_with(de->d_name, ".env")) == 0)
			continue;
		if (*n == alloc) {
			alloc = alloc == 0 ? 64 : 2 * alloc;
			*ids = xreallocarray(*ids, alloc, sizeof(**ids));
		}
		(*ids)[(*n)++] = xstrndup(de->d_name, len);
	}
	if (errno != 0) {
		err_set(ei, ST_IOERR, "cannot read the queue %s: %s", q->dir,
		    strerror(errno));
		closedir(d);
		queue_ids_free(*ids, *n);
		*ids = NULL;
		*n = 0;
		return -1;
	}
	closedir(d);
	if (*n > 0)
		qsort(*ids, *n, sizeof(**ids), cmp_ids);
	return 0;
}

void
queue_ids_free(char **ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

/*
 * Read and parse ID.env into e (qenv_init()ed).  0; 1 when there is no
 * ID.env; -1 (ST_IOERR, ST_DATA).
 */
static int
load_env(struct queue *q, const char *id, struct qenv *e, struct errinfo *ei)
{
	char *path = qpath(q, id, "env");
	struct buf b;
	int fd, rc = -1;

	buf_init(&b, QENV_FILE_MAX);
	if ((fd = durable_open(path, O_RDONLY, 0)) < 0) {
		if (errno == ENOENT)
			rc = 1;
		else
			err_set(ei, ST_IOERR, "cannot read %s: %s", path,
			    durable_strerror(errno));
		goto out;
	}
	if (durable_read_fd(fd, path, &b, ei) < 0 ||
	    qenv_parse(path, b.data, b.len, e, ei) < 0)
		goto out;
	if (strcmp(e->id, id) != 0) {
		err_set(ei, ST_DATA, "%s: holds the id '%s'", path, e->id);
		qenv_free(e);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	buf_free(&b);
	free(path);
	return rc;
}

int
queue_peek(struct queue *q, const char *id, struct qenv *e, off_t *size,
    struct errinfo *ei)
{
	char name[QENV_ID_MAX + 8];
	struct stat st;
	int r;

	qenv_init(e);
	*size = 0;
	if (q->dfd < 0 || !id_ok(id))
		return err_set(ei, ST_NOINPUT, "no message '%s' in the queue",
		    id_ok(id) ? id : "(invalid)");
	if ((r = load_env(q, id, e, ei)) != 0)
		return r < 0 ? -1 : err_set(ei, ST_NOINPUT, "no message '%s' "
		    "in the queue", id);
	snprintf(name, sizeof(name), "%s.msg", id);
	if (fstatat(q->dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		*size = st.st_size;
	return 0;
}

int
queue_lock(struct queue *q, const char *id, int wait, struct qmsg *m,
    struct errinfo *ei)
{
	struct stat st, now;
	char *path = NULL;
	int r, rc = -1;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	qenv_init(&m->env);
	if (q->dfd < 0 || !id_ok(id))
		return 0;
	path = qpath(q, id, "msg");
	if ((m->fd = durable_open(path, O_RDWR, 0)) < 0) {
		if (errno == ENOENT)
			rc = 0;
		else
			err_set(ei, ST_IOERR, "cannot open %s: %s", path,
			    durable_strerror(errno));
		goto out;
	}
	while (flock(m->fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
		if (errno == EWOULDBLOCK && !wait) {
			rc = 0;		/* another process has it */
			goto out;
		}
		if (errno != EINTR) {
			err_set(ei, ST_IOERR, "cannot lock %s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (sys_check_stop(ei) < 0)
			goto out;
	}
	/* Removed (or replaced) while we waited: not ours to send. */
	if (fstat(m->fd, &st) < 0 || stat(path, &now) < 0 ||
	    st.st_ino != now.st_ino || st.st_dev != now.st_dev) {
		rc = 0;
		goto out;
	}
	if ((r = load_env(q, id, &m->env, ei)) != 0) {
		rc = r > 0 ? 0 : -1;
		goto out;
	}
	snprintf(m->id, sizeof(m->id), "%s", id);
	m->size = st.st_size;
	rc = 1;
out:
	if (rc != 1)
		queue_unlock(m);
	free(path);
	return rc;
}

void
queue_unlock(struct qmsg *m)
{
	if (m->fd >= 0)
		close(m->fd);	/* and the lock with it */
	qenv_free(&m->env);
	m->fd = -1;
	m->id[0] = '\0';
	m->size = 0;
}

int
queue_update(struct queue *q, struct qmsg *m, struct errinfo *ei)
{
	struct atomicfile af;
	struct buf b;
	char *path = qpath(q, m->id, "env");
	int rc = -1;

	buf_init(&b, QENV_FILE_MAX);
	if (qenv_write(&m->env, &b, ei) < 0 ||
	    atomicfile_begin(&af, path, ei) < 0)
		goto out;
	atomicfile_write(&af, b.data, b.len);
	rc = atomicfile_commit(&af, 1, ei);
out:
	buf_free(&b);
	free(path);
	return rc;
}

int
queue_remove(struct queue *q, struct qmsg *m, struct errinfo *ei)
{
	char name[QENV_ID_MAX + 8];
	int rc = 0;

	/* The envelope first: without it, the message is not queued. */
	snprintf(name, sizeof(name), "%s.env", m->id);
	if (unlinkat(q->dfd, name, 0) < 0 && errno != ENOENT)
		rc = err_set(ei, ST_IOERR, "cannot remove %s/%s: %s", q->dir,
		    name, strerror(errno));
	snprintf(name, sizeof(name), "%s.msg", m->id);
	if (rc == 0 && unlinkat(q->dfd, name, 0) < 0 && errno != ENOENT)
		rc = err_set(ei, ST_IOERR, "cannot remove %s/%s: %s", q->dir,
		    name, strerror(errno));
	queue_unlock(m);
	return rc;
}
