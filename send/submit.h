/*
 * submit: one mail transaction on an open (and logged-in) SMTP session:
 * MAIL FROM, RCPT TO for each recipient, DATA, the message, the final
 * dot (RFC 5321 3.3).  With PIPELINING (RFC 2920) MAIL, every RCPT and
 * DATA go in one write and their replies are read together; QUIT follows
 * the final dot in the same write, and its reply is not waited for.
 * When the server also offers CHUNKING (RFC 3030), a message of up to
 * SUBMIT_BDAT_MAX bytes goes as "BDAT size LAST" in that same first
 * write, without waiting for DATA's 354: the whole transaction is then
 * one round trip.
 *
 * MAIL FROM declares SIZE (RFC 1870; a message over the server's limit
 * is refused before anything is sent), BODY=8BITMIME (RFC 6152) for an
 * 8-bit message, SMTPUTF8 (RFC 6531) when an address needs it, and the
 * DSN parameters (RFC 3461: RET, ENVID; NOTIFY and ORCPT on RCPT).
 */
#ifndef FACTEUR_SUBMIT_H
#define FACTEUR_SUBMIT_H

#include "addr.h"
#include "buf.h"
#include "smtp.h"
#include "spool.h"
#include "status.h"

#define SUBMIT_RCPT_BATCH	100	/* RCPTs per pipelined write */
#define SUBMIT_BDAT_MAX	(4 * 1024 * 1024) /* bytes sent with BDAT before
					   the replies to MAIL and RCPT */

struct envelope {
	const char *from;		/* "" for the null sender */
	const struct addr_list *rcpts;
	const char *dsn_notify;		/* NULL, "never", "success,delay"... */
	const char *dsn_return;		/* NULL, "full", "headers" */
	const char *envid;		/* NULL or the ENVID */
	int more;			/* more messages follow on this
					   connection: no QUIT after this one */
	/*
	 * Called (when not NULL) with each recipient's answer, by its index
	 * in rcpts: the reply to its RCPT when that was not 2xx, else (LMTP)
	 * the reply to the message; reply is quoted (smtp_reply.h).  A
	 * recipient never named here was accepted at RCPT; whether it got
	 * the message is the transaction's outcome.
	 */
	void (*on_rcpt)(void *arg, size_t i, int code, const char *reply);
	void *arg;
};

struct submit_result {
	size_t accepted;		/* recipients the server took */
	struct buf refused;		/* one line per refused recipient */
	int tempfail_rcpt;		/* some refusal was temporary (4xx) */
	char final[SMTP_LINE_MAX];	/* the reply to the final dot */
	unsigned long long size;	/* message size as declared */
	int quit_sent;			/* QUIT went with the final dot */
};

void submit_result_init(struct submit_result *r);
void submit_result_free(struct submit_result *r);

/*
 * Send the message: hdr (the final header block, LF line ends) and the
 * spooled body.  Returns 0 when the server accepted it for every
 * recipient; -1 otherwise:
 *   ST_NOUSER      accepted for some recipients only (r->refused says
 *                  which were refused, and why);
 *   ST_TEMPFAIL    a 4xx reply, a network failure or timeout, or the
 *                  connection lost before the reply to the final dot;
 *   ST_UNAVAILABLE a 5xx reply, every recipient refused, the message
 *                  too large, or a needed extension (DSN, SMTPUTF8)
 *                  missing;
 *   ST_PROTOCOL    garbage from the server.
 */
int submit_message(struct smtp *s, const struct envelope *env,
    const struct buf *hdr, struct spool *sp, struct submit_result *r,
    struct errinfo *ei);

/*
 * The same, in two halves, so that several messages can be in flight on
 * one connection (msend -q): submit_start() queues every command and the
 * message itself without reading anything, and submit_finish() reads
 * their replies.  Only when submit_pipelines() says so: ESMTP with
 * PIPELINING and CHUNKING, not LMTP, at most SUBMIT_RCPT_BATCH
 * recipients, a message of at most SUBMIT_BDAT_MAX bytes.  env, hdr, sp
 * and r must stay until submit_finish(), which frees *tx.  Messages'
 * halves are called in the same order.  submit_start() returning -1
 * leaves nothing in flight (and *tx NULL).
 */
struct submit_tx;
int submit_pipelines(const struct smtp *s, const struct envelope *env,
    const struct buf *hdr, const struct spool *sp);
int submit_start(struct smtp *s, const struct envelope *env,
    const struct buf *hdr, struct spool *sp, struct submit_result *r,
    struct submit_tx **tx, struct errinfo *ei);
int submit_finish(struct submit_tx *tx, struct errinfo *ei);

/* RFC 3461 xtext of s into out ("+" "=" and non-printables as +HH). */
void submit_xtext(const char *s, struct buf *out);

#endif
