/*
 * queue_spool: a queued message read back as a spool, without a copy:
 * the header block into memory, the body replayed from ID.msg itself,
 * its SIZE and 8-bit-ness counted from the wire form it is kept in.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "queue.h"
#include "xalloc.h"

/* pread, restarted after EINTR. */
static ssize_t
read_at(int fd, char *b, size_t n, off_t off)
{
	ssize_t r;

	do
		r = pread(fd, b, n, off);
	while (r < 0 && errno == EINTR);
	return r;
}

/*
 * The header block (up to the first empty line, which is not kept) into
 * hdr; *body_off_r where the body starts.  0, or -1: ST_DATA, ST_IOERR.
 */
static int
read_header(struct qmsg *m, char *b, struct buf *hdr, off_t *body_off_r,
    struct errinfo *ei)
{
	off_t off = 0;
	int bol = 1;		/* at the start of a line */

	for (;;) {
		ssize_t n = read_at(m->fd, b, SPOOL_CHUNK, off), i;

		if (n < 0)
			return err_set(ei, ST_IOERR, "cannot read the queued "
			    "message %s: %s", m->id, strerror(errno));
		if (n == 0)
			break;
		for (i = 0; i < n; i++) {
			if (b[i] == '\n' && bol) {
				if (buf_add(hdr, b, (size_t)i) < 0)
					break;
				*body_off_r = off + i + 1;
				return 0;
			}
			if (b[i] == '\0')
				return err_set(ei, ST_DATA, "the queued message"
				    " %s is not a message: a NUL byte in its "
				    "header", m->id);
			bol = b[i] == '\n';
		}
		if (i < n || buf_add(hdr, b, (size_t)n) < 0)
			break;
		off += n;
	}
	return err_set(ei, ST_DATA, "the queued message %s is not a message: "
	    "no end of header within %d bytes", m->id, QUEUE_HEADER_MAX);
}

/*
 * Count the body (wire form: CR LF, dot-stuffed) from off to the end of
 * the file as wire_encode() counted it: its size without the stuffing
 * dots, its lines, 8-bit bytes.  0, or -1 (ST_IOERR).
 */
static int
count_body(struct qmsg *m, char *b, off_t off, struct spool *sp,
    struct errinfo *ei)
{
	int bol = 1;

	for (;;) {
		ssize_t n = read_at(m->fd, b, SPOOL_CHUNK, off), i;

		if (n < 0)
			return err_set(ei, ST_IOERR, "cannot read the queued "
			    "message %s: %s", m->id, strerror(errno));
		if (n == 0)
			return 0;
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)b[i];

			if (bol && c == '.') {
				bol = 0;	/* the stuffing dot */
				continue;
			}
			bol = c == '\n';
			sp->body.size++;
			sp->body.lines += bol;
			if (c > 0x7f)
				sp->body.eightbit = 1;
		}
		sp->wire_len += (unsigned long long)n;
		off += n;
	}
}

int
queue_spool(struct qmsg *m, struct spool *sp, struct errinfo *ei)
{
	char *b = xmalloc(SPOOL_CHUNK);
	off_t body_off = 0;
	int rc = -1;

	buf_free(&sp->hdr);
	buf_init(&sp->hdr, QUEUE_HEADER_MAX);
	wire_init(&sp->body);
	sp->wire_len = 0;
	if (read_header(m, b, &sp->hdr, &body_off, ei) < 0 ||
	    count_body(m, b, body_off, sp, ei) < 0) {
		buf_reset(&sp->hdr);
		wire_init(&sp->body);
		sp->wire_len = 0;
		goto out;
	}
	sp->fd = m->fd;
	sp->fd_borrowed = 1;
	sp->body_off = body_off;
	sp->eof = 1;
	rc = 0;
out:
	free(b);
	return rc;
}
