/*
 * esc: the one way text from outside (a server's reply, a certificate, a
 * message header) is shown to people: on the terminal, in a log file, in
 * syslog, in the protocol trace.  Printable ASCII and well-formed UTF-8
 * letters pass; everything a terminal could act on is written as \xHH:
 * C0 controls (ESC, BEL, CR...), DEL, C1 controls (raw or UTF-8 encoded),
 * bytes that are not part of a valid UTF-8 character, and the invisible
 * characters that reorder or split a line (bidi controls, U+2028/2029).
 * Pure.
 */
#ifndef FACTEUR_ESC_H
#define FACTEUR_ESC_H

#include <stddef.h>
#include <stdio.h>

struct buf;

/*
 * Escape text[0..len) into dst (size dstsz, always NUL-terminated when
 * dstsz > 0).  An escape is never cut in half: when the text does not
 * fit, it ends with "..." (within dstsz).  Returns the number of input
 * bytes shown.
 */
size_t esc_text(char *dst, size_t dstsz, const char *text, size_t len);

/* Escape text[0..len) to f. */
void esc_fwrite(FILE *f, const char *text, size_t len);

/* Append text[0..len), escaped, to b (within b's limit). */
void esc_buf(struct buf *b, const char *text, size_t len);

/*
 * How many bytes at text[0..len) form one character shown as it is (1 to
 * 4), or 0 when text[0] must be escaped.
 */
size_t esc_safe_len(const unsigned char *text, size_t len);

#endif
