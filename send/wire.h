/*
 * wire: message text to SMTP DATA form (RFC 5321 4.5.2 and 2.3.8), as a
 * push filter with a tiny state, so that it streams and gives the same
 * result whatever the chunk boundaries:
 *  - every line end (CR LF, a bare LF, a bare CR) becomes CR LF, so no
 *    bare CR or LF ever reaches the server (no SMTP smuggling);
 *  - a line starting with "." gets a second "." (dot-stuffing);
 *  - wire_finish() ends an unterminated last line with CR LF.
 * It also counts the message size (CR LF line ends, without the stuffing
 * dots: what SIZE= declares) and notes 8-bit bytes.  Pure.
 */
#ifndef FACTEUR_WIRE_H
#define FACTEUR_WIRE_H

#include <stddef.h>

struct wire {
	int nostuff;		/* no dot-stuffing (BDAT, RFC 3030) */
	int mid_line;		/* inside a line (not at its start) */
	int after_cr;		/* the last byte was a CR: skip one LF */
	int eightbit;		/* a byte above 127 was seen */
	unsigned long long size;	/* message bytes, unstuffed */
	unsigned long long lines;
};

void wire_init(struct wire *w);

/* Output bytes needed at most for n input bytes. */
#define WIRE_OUT_MAX(n)	(2 * (n) + 2)

/*
 * Encode in[0..n) into out, which has room for WIRE_OUT_MAX(n) bytes.
 * Returns the number of bytes written.
 */
size_t wire_encode(struct wire *w, const char *in, size_t n, char *out);

/* End the text: CR LF if the last line had no end.  out: 2 bytes. */
size_t wire_finish(struct wire *w, char *out);

/*
 * Undo the dot-stuffing of text wire_encode() produced (for BDAT, which
 * sends the message as it is).  out has room for n bytes; returns the
 * bytes written.  w only keeps the position in the line.
 */
size_t wire_unstuff(struct wire *w, const char *in, size_t n, char *out);

#endif
