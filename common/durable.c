/* durable: regular files only, created directories, fsync'ed renames. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "durable.h"
#include "xalloc.h"

static int
open_regular(const char *path, int flags, mode_t mode)
{
	struct stat st;
	int fd, fl, err;

	fd = open(path, flags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if ((fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		goto fail;
	return fd;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

int
durable_open(const char *path, int flags, mode_t mode)
{
	return open_regular(path, flags | O_NOFOLLOW, mode);
}

int
durable_open_read(const char *path)
{
	return open_regular(path, O_RDONLY, 0);
}

const char *
durable_strerror(int err)
{
	/* ENXIO: a FIFO without reader, or a device without its driver. */
	if (err == EINVAL || err == ENXIO)
		return "not a regular file";
	if (err == ELOOP)
		return "a symbolic link: refused";
	return strerror(err);
}

int
durable_mkdirs(const char *dir, struct errinfo *ei)
{
	char *p = xstrdup(dir), *s;
	int rc = 0;

	for (s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0700) < 0 && errno != EEXIST) {
				rc = err_set(ei, ST_CANTCREAT, "cannot create "
				    "the directory %s: %s", p, strerror(errno));
				break;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(p);
	return rc;
}

int
durable_mkdirs_for(const char *path, struct errinfo *ei)
{
	char *d = xstrdup(path), *s = strrchr(d, '/');
	int rc = 0;

	if (s != NULL && s != d) {
		*s = '\0';
		rc = durable_mkdirs(d, ei);
	}
	free(d);
	return rc;
}

int
durable_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0, err;

	if (fd < 0)
		return -1;
	if (fsync(fd) < 0)
		rc = -1;
	err = errno;
	close(fd);
	errno = err;
	return rc;
}

int
durable_fsync_parent(const char *path)
{
	char *d = xstrdup(path), *s = strrchr(d, '/');
	int rc;

	if (s == NULL)
		rc = durable_fsync_dir(".");
	else if (s == d)
		rc = durable_fsync_dir("/");
	else {
		*s = '\0';
		rc = durable_fsync_dir(d);
	}
	free(d);
	return rc;
}

int
durable_tmpfile(const char *dir, struct errinfo *ei)
{
	char *path;
	int fd;

#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	path = xasprintf("%s/facteur.XXXXXX", dir);
	fd = mkstemp(path);
	if (fd >= 0) {
		unlink(path);
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	free(path);
	if (fd < 0)
		return err_set(ei, ST_CANTCREAT, "cannot create a temporary "
		    "file in %s: %s", dir, strerror(errno));
	return fd;
}

int
durable_copy(int in, off_t in_off, int out, off_t out_off,
    unsigned long long n)
{
	char buf[64 * 1024];

#ifdef HAVE_COPY_FILE_RANGE
	/* In the kernel when it can: no copy through user space. */
	while (n > 0) {
		loff_t io = in_off, oo = out_off;
		ssize_t r = copy_file_range(in, &io, out, &oo, n < (1U << 30) ?
		    (size_t)n : (1U << 30), 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EXDEV || errno == ENOSYS ||
		    errno == EINVAL || errno == EOPNOTSUPP))
			break;		/* not here: the loop below */
		if (r < 0)
			return errno;
		if (r == 0)
			return EIO;
		in_off += r;
		out_off += r;
		n -= (unsigned long long)r;
	}
#endif
	while (n > 0) {
		size_t want = n < sizeof(buf) ? (size_t)n : sizeof(buf), done;
		ssize_t r = pread(in, buf, want, in_off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return errno;
		if (r == 0)
			return EIO;
		for (done = 0; done < (size_t)r; ) {
			ssize_t w = pwrite(out, buf + done, (size_t)r - done,
			    out_off + (off_t)done);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return w < 0 ? errno : EIO;
			done += (size_t)w;
		}
		in_off += r;
		out_off += r;
		n -= (unsigned long long)r;
	}
	return 0;
}

int
durable_read_fd(int fd, const char *path, struct buf *b, struct errinfo *ei)
{
	if (buf_read_fd(b, fd) == 0)
		return 0;
	return err_set(ei, ST_IOERR, "cannot read %s: %s", path,
	    errno == EFBIG ? "file too large" : strerror(errno));
}

int
durable_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno;
		if (w == 0)
			return EIO;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}
