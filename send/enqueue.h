/*
 * enqueue: put a message that could not go now into the account's queue
 * (msend with queue on, after a temporary failure).  The envelope says
 * which account sends it, the sender, the recipients still to do, the
 * DSN options, and when to try again (qenv.h's schedule: this was the
 * first try).
 */
#ifndef FACTEUR_ENQUEUE_H
#define FACTEUR_ENQUEUE_H

#include "account.h"
#include "addr.h"
#include "buf.h"
#include "qenv.h"
#include "spool.h"
#include "status.h"

struct enqueue_msg {
	const char *from;		/* envelope sender, "" for <> */
	const struct addr_list *rcpts;	/* the recipients to queue */
	const char *dsn_notify;		/* NULL or as the account key */
	const char *dsn_return;		/* NULL, "full", "headers" */
	const char *envid;		/* NULL or the ENVID */
	const char *error;		/* why it could not go now */
	int tried;			/* a try was made (attempts 1) */
};

/*
 * Can this account's mail be queued?  Only an account of the accounts
 * file: the queue names it, and a later flush finds its server there.
 * 1, or 0 with the reason in why (size whysz).
 */
int enqueue_possible(const struct account *a, char *why, size_t whysz);

/*
 * Is a failure with status st one to queue the message for (1) or one
 * its caller must hear about (0)?  Temporary: a 4xx reply, the network,
 * a timeout (ST_TEMPFAIL), a host name that does not resolve now
 * (ST_NOHOST: offline), a server that broke the protocol or TLS
 * (ST_PROTOCOL: a captive portal), and a certificate that does not check
 * out before any login (ST_NOPERM with !at_login: the same portal; it is
 * checked again at every try).  A refused login (ST_NOPERM at_login), a
 * 5xx, a bad address or configuration are not.
 */
int enqueue_temporary(enum status st, int at_login);

/*
 * Queue it: 0 once it is durable (the id in id[QENV_ID_MAX + 1]), or -1
 * (the queue's error: the caller must then report the message as not
 * sent).
 */
int enqueue(const struct account *a, const struct enqueue_msg *m,
    const struct buf *hdr, struct spool *sp, char *id, struct errinfo *ei);

/* Does the account's queue hold any message (of any account)? */
int enqueue_pending(const struct account *a);

#endif
