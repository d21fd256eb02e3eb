/* fdout: buffered writes to a descriptor. */
#include "autoconf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdout.h"
#include "xalloc.h"

void
fdout_init(struct fdout *o)
{
	o->fd = -1;
	o->buf = xmalloc(FDOUT_BUF);
	o->len = 0;
}

void
fdout_free(struct fdout *o)
{
	free(o->buf);
	o->buf = NULL;
	o->len = 0;
}

void
fdout_reset(struct fdout *o, int fd)
{
	o->fd = fd;
	o->len = 0;
}

int
fdout_flush(struct fdout *o)
{
	size_t off = 0;

	while (off < o->len) {
		ssize_t w = write(o->fd, o->buf + off, o->len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno;
		off += (size_t)w;
	}
	o->len = 0;
	return 0;
}

int
fdout_write(struct fdout *o, const char *p, size_t n)
{
	while (n > 0) {
		size_t k = FDOUT_BUF - o->len;
		int err;

		if (k == 0) {
			if ((err = fdout_flush(o)) != 0)
				return err;
			continue;
		}
		if (k > n)
			k = n;
		memcpy(o->buf + o->len, p, k);
		o->len += k;
		p += k;
		n -= k;
	}
	return 0;
}
