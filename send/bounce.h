/*
 * bounce: the delivery status notification (RFC 3464) msend writes for
 * the sender of a queued message it gives up on: its lifetime ran out,
 * or a flush met a permanent refusal (5xx).  It is not mailed: it is
 * delivered locally, through the same sinks as mfetch's mail (sink.h:
 * mbox with its locks and journal, Maildir, MDA), to the account's
 * bounce_to, by default mbox,~/dead.letter as mailx does.  The queue's
 * flush engine calls bounce_deliver() and then bounce_log().
 *
 * The bounce, with LF line ends (the sinks' form):
 *
 *   Return-Path: <>
 *   From: Mail Delivery System <MAILER-DAEMON@HOST>
 *   To: <SENDER>
 *   Subject: Undelivered Mail Returned to Sender
 *   Date, Message-ID: <bounce.RANDOM@HOST>, Auto-Submitted: auto-replied,
 *   MIME-Version: 1.0
 *   Content-Type: multipart/report; report-type=delivery-status;
 *           boundary="B"
 *
 *   --B  text/plain; charset=us-ascii: what happened (the reason), each
 *        failed recipient with the server's reply, what to do (the
 *        message is attached whole: correct and send it again)
 *   --B  message/delivery-status: per message Reporting-MTA: dns; HOST,
 *        Original-Envelope-Id (when the message had an ENVID), X-Queue-ID,
 *        Arrival-Date; then per recipient Final-Recipient: rfc822; ADDR,
 *        Action: failed, Status (the reply's enhanced status code, else
 *        5.0.0 for a refusal, 4.4.7 for an expired lifetime), Remote-MTA:
 *        dns; HOST (when known), Diagnostic-Code: smtp; REPLY (when there
 *        is one; "X-Facteur; TEXT" for a reply that is not SMTP's),
 *        Last-Attempt-Date
 *   --B  message/rfc822 (Content-Transfer-Encoding 7bit or 8bit): the
 *        ORIGINAL MESSAGE IN FULL, byte for byte as it was queued (its
 *        header block, an empty line, its body with LF line ends and
 *        without the dot-stuffing), so that the sender can send it again
 *   --B--
 *
 * B is "=_facteur_" and BOUNCE_RANDOM_LEN random letters and digits
 * (about 190 bits): no line of the original can be it.  Every value that
 * came from a server, a message or the envelope (addresses, replies, the
 * reason, the host names, the ids) is made safe first: printable ASCII
 * kept, each run of spaces, tabs, CRs and LFs one space, every other
 * byte "\xHH"; cut at BOUNCE_VALUE_MAX bytes ("..." added); then folded
 * at a space before 78 columns, and broken at BOUNCE_FOLD_HARD bytes
 * (never inside an escape) where there is none, so that no line of the
 * first two parts reaches RFC 5322's 998.  A value always follows fixed
 * text or an indent on its line: it can add no header field, no line
 * of its own and no line starting with "--".
 */
#ifndef FACTEUR_BOUNCE_H
#define FACTEUR_BOUNCE_H

#include <stddef.h>

#include "buf.h"
#include "sink.h"
#include "status.h"

struct spool;

#define BOUNCE_RCPT_MAX		1000	/* recipients reported (QENV_RCPT_MAX) */
#define BOUNCE_VALUE_MAX	512	/* bytes of a value kept */
#define BOUNCE_FOLD_HARD	900	/* a line without white space is broken */
#define BOUNCE_RANDOM_LEN	32	/* random characters of the boundary */
#define BOUNCE_BOUNDARY_MAX	(10 + BOUNCE_RANDOM_LEN)
#define BOUNCE_STATUS_MAX	16	/* "5.1.1", at most "5.123.123" */
/* The most the parts before the original may take (a bound, not a goal). */
#define BOUNCE_TOP_MAX		(16 * 1024 * 1024)

/* A recipient the message did not reach. */
struct bounce_rcpt {
	const char *addr;
	const char *reply;	/* the server's last reply for it, NULL or "" */
	int final;		/* 1: refused for good; 0: still temporary when
				   the lifetime ran out */
};

/* What went wrong with one queued message. */
struct bounce {
	const char *id;		/* the queue id, or NULL */
	const char *envid;	/* the DSN ENVID (RFC 3461), NULL or "" */
	const char *sender;	/* the envelope sender; "" the null sender */
	const char *host;	/* this host: Reporting-MTA, MAILER-DAEMON@ */
	const char *remote;	/* the server's host name, NULL or "" */
	long long arrival;	/* when the message was queued */
	long long now;		/* the last attempt, the bounce's Date */
	const char *reason;	/* one line for people: why */
	const struct bounce_rcpt *rcpt;
	size_t nrcpt;		/* 1 to BOUNCE_RCPT_MAX */
	int eightbit;		/* the original has bytes above 127 */
};

/* Results of bounce_deliver() besides -1. */
#define BOUNCE_DELIVERED	0
#define BOUNCE_NULL_SENDER	1	/* no bounce: the sender is "" */

/*
 * The enhanced status code (RFC 3463) at the start of an SMTP reply's
 * text, reply[0..len): "550 5.1.1 no such user" or "550-5.1.1 ..." or
 * "5.1.1 ..." gives "5.1.1".  The class is 4 or 5 (the reply code's
 * first digit when there is a reply code), the subject and the detail 1
 * to 3 digits; the code ends at the end, a space, a tab or a line end.
 * Returns 1 with the code in out (BOUNCE_STATUS_MAX bytes), or 0 (out
 * "").  Pure.
 */
int bounce_status_code(const char *reply, size_t len, char *out);

/*
 * The Status of recipient r: its reply's enhanced code, else 5.0.0 when
 * r->final, else 4.4.7 (the lifetime ran out).  out: BOUNCE_STATUS_MAX.
 */
void bounce_rcpt_status(const struct bounce_rcpt *r, char *out);

/*
 * The boundary made of n random bytes rnd (n >= BOUNCE_RANDOM_LEN; each
 * byte gives one character of [A-Za-z0-9]) into out
 * (BOUNCE_BOUNDARY_MAX + 1 bytes).  Pure.
 */
void bounce_boundary(const unsigned char *rnd, size_t n, char *out);

/*
 * Append to out the bounce up to the original message: the header, the
 * first two parts, the third's header and its empty line (at most
 * BOUNCE_TOP_MAX bytes).  The caller then appends the original (LF line
 * ends) and bounce_close().  Returns 0, or -1 (ST_SOFTWARE: b->sender
 * "", no recipients or more than BOUNCE_RCPT_MAX, a NULL address, a bad
 * boundary, or out's limit reached; out is then unchanged).  Pure.
 */
int bounce_compose(const struct bounce *b, const char *boundary,
    struct buf *out, struct errinfo *ei);

/*
 * Append the end of the bounce to out: a line end (the original's own
 * last line end stays its own), then the closing "--B--" line.  Pure.
 */
int bounce_close(const char *boundary, struct buf *out);

/*
 * The delivery spec a bounce goes to: bounce_to, or NULL: "mbox," and
 * the home directory's dead.letter.  Allocated.
 */
char *bounce_target(const char *bounce_to);

/*
 * Deliver the bounce for b to bounce_target(bounce_to), through the
 * sinks with so (so->statedir: where the mbox journals and temporary
 * files live: give mfetch's, $XDG_STATE_HOME/facteur, so that a crash of
 * either program is repaired by the next one that writes that mbox).
 * hdr is the original's header block (LF line ends); sp its spool, whose
 * body spool_replay() gives in wire form (CR LF, dot-stuffed): it is
 * turned back into the text, streamed (memory does not grow with the
 * message).  Returns BOUNCE_DELIVERED only once the bounce is durable
 * (synced; the MDA's exit 0), BOUNCE_NULL_SENDER when b->sender is ""
 * (nothing is written: a bounce is never bounced), or -1 with ei (the
 * sink's errors: ST_CONFIG for a bad bounce_to, ST_TEMPFAIL, ST_IOERR,
 * ST_CANTCREAT...; nothing of the bounce is left in the target).
 */
int bounce_deliver(const struct bounce *b, const char *bounce_to,
    const struct sink_opts *so, const struct buf *hdr, struct spool *sp,
    struct errinfo *ei);

/*
 * The log line for bounce_deliver()'s result rc (ei its error when -1),
 * at LOG_LVL_INFO (delivered) or LOG_LVL_ERROR: "ID: bounce to <SENDER>
 * for <RCPT>, ... written to TARGET", "ID: no bounce for the null
 * sender: <RCPT>... failed", "ID: cannot write the bounce to <SENDER>
 * into TARGET: ERROR".  Values are escaped (esc.h).
 */
void bounce_log(const struct bounce *b, const char *target, int rc,
    const struct errinfo *ei);

#endif
