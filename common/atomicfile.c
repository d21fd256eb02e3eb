/* atomicfile: temporary file, fsync, rename or link, fsync directory. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
#include "durable.h"
#include "xalloc.h"

static void
release(struct atomicfile *af)
{
	if (af->fd >= 0)
		close(af->fd);
	free(af->path);
	free(af->tmp);
	af->path = af->tmp = NULL;
	af->fd = -1;
	af->err = 0;
}

int
atomicfile_begin(struct atomicfile *af, const char *path,
    struct errinfo *ei)
{
	af->err = 0;
	af->tmp = xasprintf("%s.tmp", path);
	af->fd = durable_open(af->tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (af->fd < 0) {
		err_set(ei, ST_CANTCREAT, "cannot write %s: %s", af->tmp,
		    durable_strerror(errno));
		free(af->tmp);
		af->tmp = NULL;
		return -1;
	}
	af->path = xstrdup(path);
	return 0;
}

int
atomicfile_write(struct atomicfile *af, const void *p, size_t n)
{
	if (af->err == 0)
		af->err = durable_write_all(af->fd, p, n);
	return af->err;
}

void
atomicfile_abort(struct atomicfile *af)
{
	if (af->tmp != NULL)
		unlink(af->tmp);
	release(af);
}

/* The error, the temporary file removed and af released: -1. */
static int
fail(struct atomicfile *af, enum status st, const char *what,
    const char *name, int err, struct errinfo *ei)
{
	err_set(ei, st, "cannot %s %s: %s", what, name, strerror(err));
	atomicfile_abort(af);
	return -1;
}

static int
commit(struct atomicfile *af, int replace, int syncdir, struct errinfo *ei)
{
	int err = af->err, fd = af->fd;

	if (err == 0 && fsync(fd) < 0)
		err = errno;
	af->fd = -1;
	if (close(fd) < 0 && err == 0)
		err = errno;
	if (err != 0)
		return fail(af, err == ENOSPC || err == EDQUOT ? ST_TEMPFAIL :
		    ST_IOERR, "write", af->tmp, err, ei);
	if (replace) {
		if (rename(af->tmp, af->path) < 0)
			return fail(af, ST_IOERR, "replace", af->path, errno,
			    ei);
	} else {
		/* link() never overwrites: a name taken stays as it was. */
		if (link(af->tmp, af->path) < 0)
			return fail(af, errno == EEXIST ? ST_CANTCREAT :
			    ST_IOERR, "create", af->path, errno, ei);
		unlink(af->tmp);
	}
	if (syncdir && durable_fsync_parent(af->path) < 0)
		return fail(af, ST_IOERR, replace ? "replace" : "create",
		    af->path, errno, ei);
	release(af);
	return 0;
}

int
atomicfile_commit(struct atomicfile *af, int replace, struct errinfo *ei)
{
	return commit(af, replace, 1, ei);
}

int
atomicfile_commit_nodirsync(struct atomicfile *af, int replace,
    struct errinfo *ei)
{
	return commit(af, replace, 0, ei);
}
