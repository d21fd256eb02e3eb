/*
 * msghdr: what msend does to a message's header before sending it, and
 * the recipients it reads from it (-t).
 *  - Bcc and Resent-Bcc are removed (unless asked not to);
 *  - Date and Message-ID are added when missing;
 *  - From is added when missing ("Full Name <address>" with -F, the
 *    name quoted or RFC 2047-encoded as needed), or replaced when asked.
 * Pure, apart from the clock and random numbers for Date and Message-ID.
 */
#ifndef FACTEUR_MSGHDR_H
#define FACTEUR_MSGHDR_H

#include <stddef.h>
#include <time.h>

#include "account.h"
#include "addr.h"
#include "buf.h"
#include "status.h"

struct msghdr_opts {
	const char *from;	/* address for an added From; NULL: none */
	const char *fullname;	/* -F, may be NULL */
	enum sethdr set_from, set_date, set_msgid;
	int remove_bcc;
	int set_to;		/* SETTO_*: To, Cc, Bcc replaced by one To */
	const struct addr_list *to;	/* its addresses for SETTO_ON */
	const char *msgid_domain;	/* right side of an added Message-ID */
	time_t now;
};

/*
 * Build the header to send from the one read (both with LF line ends).
 * Returns 0, or -1 (ST_DATA: the full name holds a line end or a NUL).
 */
int msghdr_finish(const char *in, size_t len, const struct msghdr_opts *o,
    struct buf *out, struct errinfo *ei);

/*
 * The recipients of -t: the addresses of To, Cc and Bcc; or, when the
 * header has Resent-To, Resent-Cc or Resent-Bcc, of those only (the
 * message is being resent; RFC 5322 3.6.6).  Appended to l.
 */
int msghdr_recipients(const char *text, size_t len, struct addr_list *l,
    struct errinfo *ei);

/* The first address of From (for account choice), or NULL (free()). */
char *msghdr_from_address(const char *text, size_t len);

/*
 * msmtp's sender of a message (for %F and --read-envelope-from): the
 * first address of Resent-From if that field comes before any From,
 * else of From; NULL if none (free()).
 */
char *msghdr_sender_address(const char *text, size_t len);

/* A display name made safe for a header: as is, quoted, or RFC 2047
 * encoded (UTF-8, base64).  Allocated. */
char *msghdr_display_name(const char *name);

#endif
