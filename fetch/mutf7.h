/*
 * mutf7: IMAP mailbox names.  Modified UTF-7 (RFC 3501 5.1.3) to UTF-8 and
 * back, a name written as an IMAP astring for a command, and a name made
 * safe as one path component (the %f placeholder).
 *
 * Strict both ways, so that a name read from a server and written back
 * gives the same bytes: the decoder refuses every form the encoder would
 * not produce (bad base64, an unterminated shift, an encoded printable
 * ASCII character, two shifts back to back, unpaired surrogates, U+0000,
 * bits left over), the encoder refuses invalid UTF-8 (overlong forms,
 * surrogates, beyond U+10FFFF) and NUL.  Output goes to a struct buf,
 * whose own max bounds it ("too long" when it would pass).  Pure.
 */
#ifndef FACTEUR_MUTF7_H
#define FACTEUR_MUTF7_H

#include <stddef.h>

#include "status.h"

struct buf;

/* Modified UTF-7 to UTF-8, appended to out.  -1 with ST_PROTOCOL. */
int mutf7_decode(const char *in, size_t len, struct buf *out,
    struct errinfo *ei);

/* UTF-8 to modified UTF-7, appended to out.  -1 with ST_CONFIG. */
int mutf7_encode(const char *in, size_t len, struct buf *out,
    struct errinfo *ei);

/* Is in[0..len) strict UTF-8 (NUL allowed)?  1 or 0. */
int mutf7_utf8_valid(const char *in, size_t len);

/*
 * name as an IMAP astring for a command, appended to out: an atom when
 * every byte is an ASTRING-CHAR, else a quoted string with " and \
 * escaped.  8-bit bytes are sent only when utf8 is set (UTF8=ACCEPT was
 * enabled), and must then be valid UTF-8; without it, encode the name
 * with mutf7_encode() first.  A name holding NUL, CR or LF is refused
 * rather than sent as a literal: no mailbox name has them (RFC 3501 and
 * 9051 forbid them in names), and a literal costs a round trip (or
 * LITERAL+) for a name that can only be a mistake.  -1 with ST_CONFIG.
 */
int imap_astring(const char *name, size_t len, int utf8, struct buf *out,
    struct errinfo *ei);

/*
 * A mailbox name (UTF-8, as mutf7_decode() gives it, or raw bytes) as one
 * path component, appended to out, for the %f placeholder of a Maildir
 * path or a delivery command.  Kept: [A-Za-z0-9_@.-] and valid UTF-8
 * characters from U+00A0 on (no shell gives them a meaning); every other
 * byte, and delim, '+', a leading '.' or '-', becomes "+HH" (uppercase
 * hex); delim is the hierarchy delimiter, an ASCII byte ('\0' for none).
 * The escape is injective (each '+' starts one) and never gives "", "."
 * or "..": an empty name is "+".  Like every placeholder
 * (placeholder.h), the result holds no byte a shell or a path treats
 * specially.  -1 with ST_CONFIG when out is full.
 */
int mutf7_component(const char *name, size_t len, char delim,
    struct buf *out, struct errinfo *ei);

#endif
