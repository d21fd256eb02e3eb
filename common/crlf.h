/*
 * crlf: an IMAP message body (a literal) as it comes off the wire, turned
 * into the message with LF line ends: each CR LF becomes LF; a CR not
 * followed by LF is message data and kept.  A push filter with one bit of
 * state, so the same input gives the same output whatever the chunk
 * boundaries.  Pure.
 */
#ifndef FACTEUR_CRLF_H
#define FACTEUR_CRLF_H

#include <stddef.h>

struct crlf {
	int cr;		/* the last input byte was a CR, not yet written */
};

void crlf_init(struct crlf *c);

/* Output bytes needed at most for n input bytes. */
#define CRLF_OUT_MAX(n)	((n) + 1)

/* Decode in[0..n) into out; returns the bytes written. */
size_t crlf_decode(struct crlf *c, const char *in, size_t n, char *out);

/* The body ended: a CR held back is data (1 byte into out, or 0). */
size_t crlf_finish(struct crlf *c, char *out);

#endif
