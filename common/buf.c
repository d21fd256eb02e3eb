/* buf: a growable byte buffer with a hard size limit. */
#include "autoconf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "xalloc.h"

#define BUF_MIN_ALLOC 64

void
buf_init(struct buf *b, size_t max)
{
	b->alloc = BUF_MIN_ALLOC;
	b->data = xmalloc(b->alloc);
	b->data[0] = '\0';
	b->len = 0;
	b->max = max;
	b->cr = 0;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->alloc = 0;
}

void
buf_free_secret(struct buf *b)
{
	if (b->data != NULL)
		wipe(b->data, b->alloc);
	buf_free(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->data[0] = '\0';
	b->cr = 0;
}

char *
buf_detach(struct buf *b, size_t *len_r)
{
	char *p = b->data;

	if (len_r != NULL)
		*len_r = b->len;
	buf_init(b, b->max);
	return p;
}

/* Make room for n more bytes and the NUL; -1 when past max. */
static int
buf_grow(struct buf *b, size_t n)
{
	size_t want, na;

	if (n > b->max - b->len)
		return -1;
	want = b->len + n + 1;
	if (want <= b->alloc)
		return 0;
	na = b->alloc;
	while (na < want)
		na = na < ((size_t)-1) / 2 ? na * 2 : want;
	b->data = xrealloc(b->data, na);
	b->alloc = na;
	return 0;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (buf_grow(b, n) < 0)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_addstr(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_addch(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_grow(b, (size_t)n) < 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void
buf_truncate(struct buf *b, size_t n)
{
	b->len = n > b->len ? 0 : b->len - n;
	b->data[b->len] = '\0';
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		buf_reset(b);
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}

int
buf_read_fd(struct buf *b, int fd)
{
	struct stat st;
	size_t room;
	ssize_t n;
	char more;

	/* The file and a byte more, to see its end without growing. */
	room = b->max - b->len;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (unsigned long long)st.st_size <= room)
		(void)buf_grow(b, (size_t)st.st_size < room ?
		    (size_t)st.st_size + 1 : room);
	for (;;) {
		room = b->max - b->len;
		if (room == 0) {
			/* Full: one byte more says the file is too large. */
			n = read(fd, &more, 1);
			if (n < 0 && errno == EINTR)
				continue;
			if (n > 0)
				errno = EFBIG;
			return n == 0 ? 0 : -1;
		}
		if (b->alloc - b->len == 1)
			(void)buf_grow(b, room < 8192 ? room : 8192);
		if (room > b->alloc - b->len - 1)
			room = b->alloc - b->len - 1;
		n = read(fd, b->data + b->len, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? 0 : -1;
		b->len += (size_t)n;
		b->data[b->len] = '\0';
	}
}

ssize_t
buf_feed_line(struct buf *b, const char *p, size_t n, int *done_r)
{
	const char *lf = memchr(p, '\n', n);
	size_t take = lf != NULL ? (size_t)(lf - p) : n, add = take;

	*done_r = 0;
	/* A CR held back is data when no LF follows it. */
	if (b->cr && take > 0) {
		b->cr = 0;
		if (buf_addch(b, '\r') < 0)
			return -1;
	}
	/* Hold back a final CR: it may be the line's end. */
	if (add > 0 && p[add - 1] == '\r')
		add--;
	if (buf_add(b, p, add) < 0) {
		/* Keep what fits, for the caller's message. */
		buf_add(b, p, b->max - b->len);
		return -1;
	}
	if (lf == NULL) {
		b->cr = add < take;
		return (ssize_t)n;
	}
	b->cr = 0;
	*done_r = 1;
	return (ssize_t)take + 1;
}

const char *
buf_line(const struct buf *b, size_t i, size_t *len_r)
{
	const char *p = b->data, *end = p + b->len, *nl;

	while (i-- > 0) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return NULL;
		p = nl + 1;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	*len_r = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
	return p;
}
