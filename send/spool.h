/*
 * spool: the message read from standard input, before anything is sent.
 * The header block is kept in memory (bounded: SPOOL_HEADER_MAX), with
 * LF line ends, so that msend can read and edit it; the body goes
 * through the wire filter (CR LF, dot-stuffing) into an unlinked
 * temporary file, so memory does not grow with the message.  Nothing is
 * sent before the whole message is read: its size and 8-bit-ness must
 * be declared in MAIL FROM.
 *
 * The header block ends at the first empty line, or at the first line
 * that is not a header field (that line is then the body's first line).
 * A leading mbox "From " line is dropped.
 */
#ifndef FACTEUR_SPOOL_H
#define FACTEUR_SPOOL_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "status.h"
#include "wire.h"

#define SPOOL_HEADER_MAX	(1024 * 1024)	/* bytes of header block */
#define SPOOL_CHUNK		(64 * 1024)	/* bytes read or written at once */

struct spool {
	int in;			/* where the message comes from */
	int fd;			/* the body in wire form; -1 before */
	int fd_borrowed;	/* fd is someone else's: not closed here */
	off_t body_off;		/* where in fd the body starts (0, or
				   after the header in a queued message) */
	struct buf hdr;		/* header fields, LF line ends */
	struct wire body;	/* body size, 8-bit, lines */
	unsigned long long wire_len;	/* bytes of body in the file */
	/* Reading state. */
	char *ibuf;
	size_t ipos, ilen;
	int eof;
};

/* Start reading the message from fd in (not closed). */
void spool_init(struct spool *sp, int in);
/* Free what sp holds; sp->fd is closed unless sp->fd_borrowed. */
void spool_free(struct spool *sp);

/*
 * Read the header block.  Returns 0, or -1: ST_DATA for a header block
 * over SPOOL_HEADER_MAX or a NUL byte in it, ST_IOERR for a read error.
 */
int spool_read_header(struct spool *sp, struct errinfo *ei);

/*
 * Read the rest (the body) into the temporary file (in $TMPDIR, else
 * /tmp).  Returns 0, or -1: ST_TEMPFAIL when the disk is full,
 * ST_IOERR/ST_CANTCREAT for other failures.
 */
int spool_read_body(struct spool *sp, struct errinfo *ei);

/*
 * Read the spooled body back from the start (sp->body_off in sp->fd,
 * sp->wire_len bytes: a file that holds more or less is an error): calls
 * out for each chunk.
 * Returns 0, or -1 from out or a read error (ST_IOERR).
 */
int spool_replay(struct spool *sp,
    int (*out)(void *arg, const char *p, size_t n, struct errinfo *ei),
    void *arg, struct errinfo *ei);

#endif
