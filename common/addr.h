/*
 * addr: the addresses in an address header (To, Cc, Bcc, From,
 * Resent-To...), RFC 5322 section 3.4: display names, comments (nested),
 * quoted strings, angle addresses, source routes and groups
 * ("undisclosed-recipients:;", "team: a@x, b@y;").  What comes out is
 * the bare addr-spec of each mailbox, as the SMTP envelope needs it.
 * Encoded words (RFC 2047) in display names are skipped whole, even
 * when a sloppy mailer left a comma inside one.  Pure.
 */
#ifndef FACTEUR_ADDR_H
#define FACTEUR_ADDR_H

#include <stddef.h>

#include "status.h"

#define ADDR_MAX	998	/* bytes of one address */
#define ADDR_COUNT_MAX	10000	/* addresses in one list */

struct addr_list {
	char **v;		/* addr-specs, e.g. "a@example.org" */
	size_t n, alloc;
};

void addr_list_init(struct addr_list *l);
void addr_list_free(struct addr_list *l);
/* Append a copy of a (no check). */
void addr_list_add(struct addr_list *l, const char *a);

/*
 * Append the addresses of the header value s (unfolded, see hdr_value())
 * to l.  Returns 0, or -1 with ST_DATA for an unbalanced quote, comment
 * or angle bracket, a NUL or line end, an address over ADDR_MAX, or more
 * than ADDR_COUNT_MAX addresses; l then holds the addresses before the
 * fault.
 */
int addr_parse_list(const char *s, struct addr_list *l, struct errinfo *ei);

/*
 * Is a acceptable as an SMTP path ("<a>")?  No control characters,
 * spaces outside quotes, angle brackets; at most ADDR_MAX bytes.  An
 * empty address (the null sender) is acceptable.
 */
int addr_envelope_ok(const char *a);

/*
 * Is a a usable mailbox: addr_envelope_ok(), not empty, and either a
 * local name without '@' ("root", for aliases) or LOCAL@DOMAIN with
 * both parts present ("bob@", "@x.org" and "a@b@c" are not).
 */
int addr_mailbox_ok(const char *a);

/*
 * The length of an RFC 2047 encoded word "=?charset?X?text?=" at s, as
 * the parser skips it (nothing inside it ends it, but white space and
 * angle brackets make it none), or 0.  Found at any token start.
 */
size_t addr_encoded_word(const char *s);

/* Does c end an atom: an RFC 5322 special, a space or a tab? */
int addr_is_special(char c);

/*
 * Drop the source route of an angle address's bytes a[0..*n)
 * ("@relay1,@relay2:user@example.org" -> "user@example.org"): *a and
 * *n moved past its colon; nothing without one.
 */
void addr_strip_route(const char **a, size_t *n);

/* Does a contain a byte above 127 (SMTPUTF8 needed)? */
int addr_is_8bit(const char *a);

/* Compare the addresses case-insensitively (domain and local part). */
int addr_equal(const char *a, const char *b);

#endif
