/* msgfile: a message spooled to an anonymous file. */
#include "autoconf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "durable.h"
#include "hash.h"
#include "msgfile.h"
#include "xalloc.h"

void
msgfile_init(struct msgfile *f, const char *dir)
{
	memset(f, 0, sizeof(*f));
	f->dir = xstrdup(dir);
	f->fd = -1;
	fdout_init(&f->out);
}

void
msgfile_free(struct msgfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	fdout_free(&f->out);
	free(f->dir);
	f->dir = NULL;
}

static int
io_error(struct msgfile *f, int err, struct errinfo *ei)
{
	return err_set(ei, err == ENOSPC || err == EDQUOT ? ST_TEMPFAIL :
	    ST_IOERR, "cannot keep the message in a temporary file in %s: %s",
	    f->dir, strerror(err));
}

int
msgfile_start(struct msgfile *f, struct errinfo *ei)
{
	if (f->fd < 0 && (durable_mkdirs(f->dir, ei) < 0 ||
	    (f->fd = durable_tmpfile(f->dir, ei)) < 0))
		return -1;
	/* Written over from the start; the file is cut only when asked. */
	if (lseek(f->fd, 0, SEEK_SET) < 0)
		return io_error(f, errno, ei);
	fdout_reset(&f->out, f->fd);
	f->len = 0;
	f->hash = HASH_INIT;
	f->headlen = 0;
	return 0;
}

void
msgfile_mark(const struct msgfile *f, struct msgfile_mark *k)
{
	k->len = f->len;
	k->hash = f->hash;
	k->headlen = f->headlen;
}

int
msgfile_rewind(struct msgfile *f, const struct msgfile_mark *k,
    struct errinfo *ei)
{
	/* What was flushed past k stays in the file until written over. */
	if (f->len - f->out.len > f->size)
		f->size = f->len - f->out.len;
	/* What is still buffered goes; the file is written over from k. */
	fdout_reset(&f->out, f->fd);
	if (lseek(f->fd, (off_t)k->len, SEEK_SET) < 0)
		return io_error(f, errno, ei);
	f->len = k->len;
	f->hash = k->hash;
	f->headlen = k->headlen;
	return 0;
}

int
msgfile_write(struct msgfile *f, const char *p, size_t n, struct errinfo *ei)
{
	int err;

	if (f->headlen < MSGFILE_HEAD) {
		size_t k = MSGFILE_HEAD - f->headlen < n ?
		    MSGFILE_HEAD - f->headlen : n;

		memcpy(f->head + f->headlen, p, k);
		f->headlen += k;
	}
	f->hash = hash_add(f->hash, p, n);
	f->len += n;
	if ((err = fdout_write(&f->out, p, n)) != 0)
		return io_error(f, err, ei);
	return 0;
}

int
msgfile_finish(struct msgfile *f, int exact, struct errinfo *ei)
{
	int err = fdout_flush(&f->out);

	if (err == 0 && f->len > f->size)
		f->size = f->len;
	if (err == 0 && exact && f->size > f->len) {
		if (ftruncate(f->fd, (off_t)f->len) < 0)
			err = errno;
		else
			f->size = f->len;
	}
	return err != 0 ? io_error(f, err, ei) : 0;
}

int
msgfile_copy(struct msgfile *f, int out, off_t off)
{
	return durable_copy(f->fd, 0, out, off, f->len);
}
