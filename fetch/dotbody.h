/*
 * dotbody: a POP3 multi-line body (RETR, TOP; RFC 1939 3) as it comes
 * off the wire, turned into the message: dot-unstuffing, CR LF line ends
 * to LF, and the end at the line holding a lone ".".  A push filter with
 * a tiny state, so the same input gives the same output whatever the
 * chunk boundaries, and no line has to fit anywhere: memory does not
 * depend on line or message length.
 *
 * A CR not followed by LF is kept (it is message data).  A lone "." line
 * ending in a bare LF also ends the body (servers that store LF and
 * forget to convert).  Pure.
 */
#ifndef FACTEUR_DOTBODY_H
#define FACTEUR_DOTBODY_H

#include <stddef.h>

struct dotbody {
	int state;
	int done;			/* the terminating "." line was seen */
	unsigned long long size;	/* message bytes produced */
	unsigned long long wire;	/* input bytes consumed */
};

void dotbody_init(struct dotbody *d);

/* Output bytes needed at most for n input bytes. */
#define DOTBODY_OUT_MAX(n)	((n) + 2)

/*
 * Decode in[0..n) into out (room for DOTBODY_OUT_MAX(n) bytes).  Stops
 * right after the terminating line: *used_r is how much input was used
 * (the rest belongs to the next response).  Returns the bytes written.
 */
size_t dotbody_decode(struct dotbody *d, const char *in, size_t n, char *out,
    size_t *used_r);

#endif
