/* spool: the message from standard input, header in memory, body on disk. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "durable.h"
#include "hdr.h"
#include "spool.h"
#include "xalloc.h"

void
spool_init(struct spool *sp, int in)
{
	memset(sp, 0, sizeof(*sp));
	sp->in = in;
	sp->fd = -1;
	buf_init(&sp->hdr, SPOOL_HEADER_MAX);
	wire_init(&sp->body);
	sp->ibuf = xmalloc(SPOOL_CHUNK);
}

void
spool_free(struct spool *sp)
{
	if (sp->fd >= 0 && !sp->fd_borrowed)
		close(sp->fd);
	sp->fd = -1;
	buf_free(&sp->hdr);
	free(sp->ibuf);
	sp->ibuf = NULL;
}

/* Refill the input buffer; 0 (data or EOF, see sp->eof) or -1. */
static int
fill(struct spool *sp, struct errinfo *ei)
{
	ssize_t n;

	sp->ipos = sp->ilen = 0;
	do
		n = read(sp->in, sp->ibuf, SPOOL_CHUNK);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_set(ei, ST_IOERR, "cannot read the message: %s",
		    strerror(errno));
	if (n == 0)
		sp->eof = 1;
	sp->ilen = (size_t)n;
	return 0;
}

/*
 * Read one line (any line end) into line, without its end.  Returns 1
 * with a line, 0 at the end of input with nothing read, 2 when the line
 * is longer than line can hold (line holds its start, the rest is still
 * unread), -1 on error.
 */
static int
read_line(struct spool *sp, struct buf *line, int *ended_r,
    struct errinfo *ei)
{
	buf_reset(line);
	*ended_r = 0;
	for (;;) {
		size_t i;

		if (sp->ipos == sp->ilen) {
			if (sp->eof || fill(sp, ei) < 0)
				return sp->eof ? (line->len > 0) : -1;
			if (sp->eof)
				return line->len > 0;
		}
		for (i = sp->ipos; i < sp->ilen; i++)
			if (sp->ibuf[i] == '\n' || sp->ibuf[i] == '\r')
				break;
		if (buf_add(line, sp->ibuf + sp->ipos, i - sp->ipos) < 0) {
			size_t room = line->max - line->len;

			/* Fill it up, so that the caller sees all it can. */
			buf_add(line, sp->ibuf + sp->ipos, room);
			sp->ipos += room;
			return 2;
		}
		if (i == sp->ilen) {
			sp->ipos = i;
			continue;
		}
		sp->ipos = i + 1;
		*ended_r = 1;
		if (sp->ibuf[i] == '\r') {
			/* CR LF: the LF may be in the next chunk. */
			if (sp->ipos == sp->ilen && !sp->eof &&
			    fill(sp, ei) < 0)
				return -1;
			if (sp->ipos < sp->ilen && sp->ibuf[sp->ipos] == '\n')
				sp->ipos++;
		}
		return 1;
	}
}

/* Put a line back in front of the unread input (with an LF). */
static void
unread_line(struct spool *sp, const struct buf *line, int ended)
{
	size_t need = line->len + (ended ? 1 : 0), rest = sp->ilen - sp->ipos;
	char *nb = xmalloc(need + rest > SPOOL_CHUNK ? need + rest : SPOOL_CHUNK);

	memcpy(nb, line->data, line->len);
	if (ended)
		nb[line->len] = '\n';
	memcpy(nb + need, sp->ibuf + sp->ipos, rest);
	free(sp->ibuf);
	sp->ibuf = nb;
	sp->ipos = 0;
	sp->ilen = need + rest;
}

int
spool_read_header(struct spool *sp, struct errinfo *ei)
{
	struct buf line;
	int r, ended, first = 1, rc = -1;

	buf_init(&line, SPOOL_HEADER_MAX);
	for (;;) {
		r = read_line(sp, &line, &ended, ei);
		if (r < 0)
			goto out;
		if (r == 0 || line.len == 0)
			break;		/* end of input, or the empty line */
		if (r == 1 && first && line.len > 5 &&
		    memcmp(line.data, "From ", 5) == 0) {
			first = 0;	/* an mbox From_ line */
			continue;
		}
		first = 0;
		if (!((line.data[0] == ' ' || line.data[0] == '\t') &&
		    sp->hdr.len > 0) && !hdr_is_field_line(line.data, line.len)) {
			/*
			 * Not a header field: the body starts here, however
			 * long this line is (long lines are the server's
			 * business, never a reason to refuse a message).
			 */
			unread_line(sp, &line, r == 1 && ended);
			break;
		}
		if (memchr(line.data, '\0', line.len) != NULL) {
			err_set(ei, ST_DATA, "NUL byte in the message's header");
			goto out;
		}
		if (r == 2 || buf_add(&sp->hdr, line.data, line.len) < 0 ||
		    buf_addch(&sp->hdr, '\n') < 0) {
			err_set(ei, ST_DATA, "the message's header is longer "
			    "than %d bytes", SPOOL_HEADER_MAX);
			goto out;
		}
	}
	rc = 0;
out:
	buf_free(&line);
	return rc;
}

static int
write_all(struct spool *sp, const char *p, size_t n, struct errinfo *ei)
{
	int err = durable_write_all(sp->fd, p, n);

	if (err != 0)
		return err_set(ei, err == ENOSPC || err == EDQUOT ?
		    ST_TEMPFAIL : ST_IOERR, "cannot keep the message in a "
		    "temporary file: %s", strerror(err));
	sp->wire_len += n;
	return 0;
}

static const char *
tmpdir(void)
{
	const char *dir = getenv("TMPDIR");

	return dir != NULL && *dir != '\0' ? dir : "/tmp";
}

int
spool_read_body(struct spool *sp, struct errinfo *ei)
{
	char *out = xmalloc(WIRE_OUT_MAX(SPOOL_CHUNK));
	size_t n;
	int rc = -1;

	if ((sp->fd = durable_tmpfile(tmpdir(), ei)) < 0)
		goto out;
	for (;;) {
		if (sp->ipos < sp->ilen) {
			size_t len = sp->ilen - sp->ipos;

			if (len > SPOOL_CHUNK)
				len = SPOOL_CHUNK;
			n = wire_encode(&sp->body, sp->ibuf + sp->ipos, len, out);
			sp->ipos += len;
			if (write_all(sp, out, n, ei) < 0)
				goto out;
			continue;
		}
		if (sp->eof)
			break;
		if (fill(sp, ei) < 0)
			goto out;
	}
	n = wire_finish(&sp->body, out);
	if (write_all(sp, out, n, ei) < 0)
		goto out;
	rc = 0;
out:
	free(out);
	return rc;
}

int
spool_replay(struct spool *sp,
    int (*outfn)(void *arg, const char *p, size_t n, struct errinfo *ei),
    void *arg, struct errinfo *ei)
{
	char *b = xmalloc(SPOOL_CHUNK);
	unsigned long long off = 0;
	int rc = -1;

	for (;;) {
		size_t want = SPOOL_CHUNK;
		ssize_t n;

		/* One byte past the end, to see a file that grew. */
		if (sp->wire_len + 1 - off < want)
			want = (size_t)(sp->wire_len + 1 - off);
		n = pread(sp->fd, b, want, sp->body_off + (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_set(ei, ST_IOERR, "cannot read the spooled "
			    "message: %s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		off += (unsigned long long)n;
		if (off > sp->wire_len)
			break;		/* longer than it was */
		if (outfn(arg, b, (size_t)n, ei) < 0)
			goto out;
	}
	if (off != sp->wire_len) {
		err_set(ei, ST_IOERR, "the spooled message changed size");
		goto out;
	}
	rc = 0;
out:
	free(b);
	return rc;
}
