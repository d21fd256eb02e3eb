/*
 * buf: a growable byte buffer with a hard, per-instance size limit.
 *
 * Invariants (as git's strbuf):
 *  - data is never NULL after buf_init() and always NUL-terminated:
 *    data[len] == '\0', so a buffer can be used as a C string when it
 *    holds no NUL bytes;
 *  - len <= max, always: an addition that would go past max adds nothing
 *    and fails, so a peer can never make us allocate more than max;
 *  - alloc > len; the storage grows geometrically.
 */
#ifndef FACTEUR_BUF_H
#define FACTEUR_BUF_H

#include <stddef.h>
#include <sys/types.h>

struct buf {
	char *data;
	size_t len;
	size_t alloc;
	size_t max;
	int cr;		/* buf_feed_line(): a CR held back, not stored */
};

/* Start an empty buffer that may hold at most max bytes. */
void buf_init(struct buf *b, size_t max);
/* Free the storage; the buffer must be buf_init()ed again before use. */
void buf_free(struct buf *b);
/* As buf_free(), wiping the storage first (secrets). */
void buf_free_secret(struct buf *b);
/* Make the buffer empty, keeping its storage and max. */
void buf_reset(struct buf *b);
/* Hand the storage to the caller (free() it); the buffer is re-inited. */
char *buf_detach(struct buf *b, size_t *len_r);

/* Append n bytes.  Returns 0, or -1 (nothing added) past max. */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_addstr(struct buf *b, const char *s);
int buf_addch(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Drop the last n bytes (or all, if n > len). */
void buf_truncate(struct buf *b, size_t n);
/* Remove the first n bytes (or all). */
void buf_consume(struct buf *b, size_t n);

/*
 * Append everything fd has left to read, as git's strbuf_read(): the
 * bytes go straight into the storage (no copy left on the stack), which
 * for a regular file is sized once from fstat() (no realloc() leaves a
 * secret behind in freed memory); a read cut by a signal (EINTR) is
 * restarted.  Returns 0 at end of file, or -1 with errno set: read()'s,
 * or EFBIG when fd has more than max allows (b then holds the first max
 * bytes, and the rest is left unread).
 */
int buf_read_fd(struct buf *b, int fd);

/*
 * The i-th (0-based) of the '\n'-separated lines in b, or NULL; *len_r
 * is its length.
 */
const char *buf_line(const struct buf *b, size_t i, size_t *len_r);

/*
 * Accumulate one line from a byte stream.  Appends the bytes of p up to
 * the first LF to b, without the LF and without one CR right before it
 * (a CR at the end of p is held back until the next call shows whether
 * an LF follows it, so it never counts against max).
 * Returns how many bytes of p were used (the LF included) and sets
 * *done_r to 1 when the line is complete, 0 when more input is needed.
 * Returns -1 when the line would not fit in max; b then holds the start
 * of the line, which callers use for their error message.
 */
ssize_t buf_feed_line(struct buf *b, const char *p, size_t n, int *done_r);

#endif
