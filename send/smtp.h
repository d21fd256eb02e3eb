/*
 * smtp: an SMTP client session (RFC 5321, 6409, 8314): connection,
 * greeting, EHLO (HELO fallback), STARTTLS with every capability asked
 * again after the handshake, and QUIT.  Later steps (AUTH, the mail
 * transaction) build on struct smtp.
 */
#ifndef FACTEUR_SMTP_H
#define FACTEUR_SMTP_H

#include "account.h"
#include "buf.h"
#include "conn.h"
#include "smtp_reply.h"
#include "status.h"

/* EHLO keywords we act on. */
#define SMTP_CAP_STARTTLS	0x0001
#define SMTP_CAP_PIPELINING	0x0002
#define SMTP_CAP_SIZE		0x0004
#define SMTP_CAP_8BITMIME	0x0008
#define SMTP_CAP_SMTPUTF8	0x0010
#define SMTP_CAP_DSN		0x0020
#define SMTP_CAP_ENHANCED	0x0040	/* ENHANCEDSTATUSCODES */
#define SMTP_CAP_AUTH		0x0080
#define SMTP_CAP_CHUNKING	0x0100

#define SMTP_AUTH_LIST_MAX	512	/* bytes of "PLAIN LOGIN ..." */

struct smtp_caps {
	unsigned flags;
	unsigned long long size;	/* SIZE limit, 0: none given */
	char auth[SMTP_AUTH_LIST_MAX];	/* mechanisms, space separated */
};

struct smtp {
	const struct server *srv;
	struct conn *c;
	struct smtp_reply r;
	struct buf greeting;		/* the 220 text, lines joined by '\n' */
	struct buf ehlo;		/* the last EHLO reply text */
	int esmtp;			/* EHLO worked (else HELO) */
	int broken;			/* a read failed: no QUIT */
	struct smtp_caps caps;
};

/*
 * Parse the keyword lines of an EHLO reply (line 0 is the greeting
 * line and is skipped) into caps.
 */
void smtp_caps_parse(const struct smtp_reply *r, struct smtp_caps *caps);

/*
 * Connect to srv, read the greeting, EHLO, and when the account wants
 * STARTTLS: STARTTLS (refused with an error if not offered), TLS, EHLO
 * again.  Returns 0, or -1: ST_TEMPFAIL for 4xx and network trouble,
 * ST_UNAVAILABLE for 5xx and a missing STARTTLS, ST_PROTOCOL for garbage.
 */
int smtp_open(struct smtp *s, const struct server *srv, struct errinfo *ei);
/* Send QUIT and read the reply (errors ignored), then close. */
void smtp_close(struct smtp *s);

/* Read one reply into s->r (flushing queued commands first). */
int smtp_read(struct smtp *s, struct errinfo *ei);
/*
 * The error for an unexpected reply: ST_TEMPFAIL for 4xx, ST_UNAVAILABLE
 * for 5xx, ST_PROTOCOL otherwise; what names the command.
 */
int smtp_reply_error(struct smtp *s, const char *what, struct errinfo *ei);

#endif
