/*
 * qualify: system mail that reaches a person (issue 13).  Cron mails
 * "root" and daemons write "From: root" or "From: www-data"; a provider
 * refuses such names or qualifies them with its own domain.  When the
 * account has a plain address of its own, msend sends such mail there:
 *
 *  - a recipient without '@' (what is left of it after the aliases file)
 *    becomes the account's address;
 *  - a local sender, in the envelope (-f root, a default sender such as
 *    "%U@%H") or in a From field, becomes the account's address, the
 *    original name kept as the display name.
 *
 * A local address is one without '@' (outside a quoted local part), or
 * one whose domain names this machine: its host name, the first label
 * of it, "localhost", "localhost.localdomain", or a loopback literal
 * ([127.x.y.z], [IPv6:::1]); never the domain of the account's own
 * address (a machine named after the mail domain).  Every other address
 * is qualified and never touched.
 *
 * The display name of a rewritten From mailbox is the one it had: its
 * phrase ("Cron Daemon" <root>) or its comment (root (Cron Daemon)),
 * else "LOCALPART on HOST" (root on web1).  It is written as a phrase,
 * a quoted string (RFC 5322 3.2.4, '"' and '\' escaped) or RFC 2047
 * encoded words (non-ASCII); a phrase that already held encoded words
 * is kept as it was written.
 *
 * Pure: the host name and the address are given.
 */
#ifndef FACTEUR_QUALIFY_H
#define FACTEUR_QUALIFY_H

#include <stddef.h>

#include "addr.h"
#include "buf.h"

struct qualify {
	const char *address;	/* what local names become; NULL: nothing
				   is rewritten */
	const char *host;	/* this machine's name; NULL or "": unknown */
};

/*
 * Set q up with the account's address (NULL when it has none, or none
 * that is plain: a pattern, %F) and the host name.  q->address is left
 * NULL unless address is a usable mailbox that is qualified, and not at
 * localhost or a loopback literal (a domain equal to the host name is
 * taken: it is then the account's mail domain).  Returns 1 when q will rewrite, 0 when it will not.  The
 * strings are borrowed: they must outlive q.
 */
int qualify_init(struct qualify *q, const char *address, const char *host);

/* Is addr without '@' (outside a quoted local part)?  "" is not. */
int qualify_is_unqualified(const char *addr);

/* Is addr local (see above) for q?  The null sender "" is not. */
int qualify_is_local(const struct qualify *q, const char *addr);

/*
 * What a recipient becomes: q->address when addr is unqualified and q
 * rewrites, else NULL (leave it).  Recipients with a domain, local or
 * not, are the caller's to send as given.
 */
const char *qualify_recipient(const struct qualify *q, const char *addr);

/* What an envelope sender becomes: q->address when addr is local and q
 * rewrites, else NULL (leave it). */
const char *qualify_sender(const struct qualify *q, const char *addr);

/*
 * The display name a local mailbox gets when there is none: "LOCALPART
 * on HOST" (the local part unquoted), or LOCALPART when the host is not
 * known.  Allocated (free()).
 */
char *qualify_default_name(const struct qualify *q, const char *addr);

/*
 * Rewrite the local mailboxes of one From value (unfolded, as
 * hdr_value() gives it): each becomes "NAME <q->address>"; the other
 * mailboxes, group names, separators and white space stay byte for
 * byte.  The new value is appended to out.  When addrs_r is not NULL,
 * the addr-specs found are appended to it (the same as
 * addr_parse_list() finds).  Returns the number of mailboxes rewritten
 * (0: out holds the value unchanged); -1 when the value is one that
 * addr_parse_list() refuses, or holds a CR or LF: nothing is to be
 * rewritten; -2 when out is full.  On -1 and -2, out may hold part of
 * the value.
 */
int qualify_from_value(const struct qualify *q, const char *value,
    struct buf *out, struct addr_list *addrs_r);

/*
 * The header block text[0..len) (LF line ends, see hdr.h) with the
 * local mailboxes of every From field rewritten; such a field is
 * written again unfolded, folded after a comma where its line would be
 * longer than 78 bytes.  Returns the number of mailboxes rewritten: when
 * more than 0, out holds the whole new header; 0 when there is nothing
 * to rewrite, -1 when the new header would not fit in out: then out
 * holds nothing usable and the header is to be sent as it is.
 */
int qualify_header(const struct qualify *q, const char *text, size_t len,
    struct buf *out);

#endif
