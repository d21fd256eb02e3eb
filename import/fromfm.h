/*
 * fromfm: facteur accounts from a parsed fetchmail run control file.
 * One account per user of each "poll" entry (the "defaults" entry under
 * it), with fetchmail's defaults made explicit where facteur's differ:
 * messages are deleted once fetched ("keep off") unless "keep"; STARTTLS
 * unless "ssl" (implicit TLS) or sslproto "" (no TLS); certificates
 * checked unless "no sslcertck".  Delivery: "mda" with fetchmail's %T
 * and %F as facteur's %u and %F; without an MDA, fetchmail forwarded to
 * the SMTP listener of localhost, which the local sendmail program
 * reaches the same way ("mda,/usr/sbin/sendmail -oi -f %F -- %u"); a
 * remote smtphost has no counterpart (no delivery is written: mfetch
 * then says so).  A "skip" entry, and a multidrop one (several local
 * names), is written commented out.  Every keyword without a
 * counterpart is a comment above its account.
 */
#ifndef FACTEUR_IMPORT_FROMFM_H
#define FACTEUR_IMPORT_FROMFM_H

#include "fmrc.h"
#include "writer.h"

/*
 * Add r's accounts to s; name is the file (for the comments), login the
 * local user name (fetchmail's default remote user).
 */
void fromfm_accounts(const struct fmrc *r, const char *name,
    const char *login, struct imp_set *s);

#endif
