/*
 * smtpd_reply: the replies "msend -bs" gives its caller, made safe and
 * worked out from what became of a message.  Pure: it only appends
 * CR LF ended lines to a buffer.
 *
 * Every reply line is "CODE[- ]X.Y.Z TEXT" (RFC 5321 4.2, RFC 2034
 * ENHANCEDSTATUSCODES), at most SMTPD_REPLY_LINE_MAX bytes with its
 * CR LF, and its text holds printable ASCII only: an upstream server's
 * words, already escaped by smtp_reply_quote(), lose any other byte (a
 * '?' instead), so that nothing it says can end a line or forge one.
 *
 * The outcome of a message (mailjob_run()) becomes:
 *   sent                  the upstream's own 2xx reply to the final dot;
 *   queued                "250 2.0.0 queued as ID";
 *   some recipients refused (ST_NOUSER)
 *                         250, one line per refused recipient before
 *                         the last: the message went to the others,
 *                         and a failure code would make the caller send
 *                         it to them again (or report it lost);
 *   ST_TEMPFAIL           the upstream's 4xx, else 451;
 *   ST_UNAVAILABLE        the upstream's 5xx, else 554;
 *   ST_DATA               554 5.6.0 (the message: header, addresses);
 *   ST_USAGE              553 5.7.1 (the sender is not the account's);
 *   anything else         451 4.3.0: a configuration, login or local
 *                         trouble; the caller keeps the message and
 *                         tries again.
 * A failure's reply lists the refused recipients too, before its last
 * line.
 */
#ifndef FACTEUR_SMTPD_REPLY_H
#define FACTEUR_SMTPD_REPLY_H

#include "buf.h"
#include "mailjob.h"
#include "status.h"

#define SMTPD_REPLY_LINE_MAX	512	/* RFC 5321 4.5.3.1.5, CR LF in */
#define SMTPD_REPLY_REFUSED_MAX	20	/* refused recipients listed */

/*
 * Append one reply line: code, '-' when more lines follow (more) else
 * ' ', the enhanced code enh ("2.1.0"; NULL: none), and text (sanitized,
 * cut with "..." to fit).  When text starts with an enhanced code of
 * the same class, that one is kept and enh is not added.
 */
void smtpd_reply_line(struct buf *r, int code, int more, const char *enh,
    const char *text);

/*
 * Append the reply to a message's final dot: rc and ei as mailjob_run()
 * returned them, out as it filled it.
 */
void smtpd_reply_outcome(struct buf *r, int rc, const struct errinfo *ei,
    const struct mailjob_out *out);

#endif
