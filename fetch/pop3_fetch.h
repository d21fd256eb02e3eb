/*
 * pop3_fetch: one POP3 session's work, after the login: UIDL and LIST
 * (pipelined), the decision for each message (policy.h), then RETR of
 * the messages to fetch, streamed through the body decoder into the
 * delivery, and DELE of those the policy removes.
 *
 * With PIPELINING (RFC 2449) STAT, UIDL and LIST go in one write, and
 * RETRs are kept in flight up to POP3_FETCH_WINDOW of them or
 * POP3_FETCH_BYTES of announced sizes, so that the link stays full at any
 * round-trip time; each DELE goes with the next RETRs.  Without it, one
 * command at a time.  The order for every
 * message: delivered and durable, then its UID recorded durably, then
 * DELE.  A delivery failure rolls that message back, deletes nothing of
 * it and ends the session's fetching (the commands already sent are
 * read to the end).
 */
#ifndef FACTEUR_POP3_FETCH_H
#define FACTEUR_POP3_FETCH_H

#include <time.h>

#include "deliver.h"
#include "policy.h"
#include "pop3.h"
#include "status.h"
#include "uidstate.h"

#define POP3_FETCH_WINDOW	256	/* RETRs in flight with PIPELINING */
#define POP3_FETCH_BYTES	(8ULL * 1024 * 1024) /* and their sizes */
#define POP3_MSGS_MAX		1000000	/* messages in a maildrop */

struct fetch_stats {
	int inventoried;		/* STAT, UIDL and LIST answered */
	unsigned long messages;		/* in the maildrop */
	unsigned long long messages_bytes;
	/* What a fetch with these options fetches (--check counts it). */
	unsigned long fresh;
	unsigned long long fresh_bytes;
	unsigned long fetched;
	unsigned long long fetched_bytes;
	unsigned long deleted;
	unsigned long skipped;
	/* Live progress on a terminal (fetchrun sets it up). */
	int progress;			/* show it on stderr */
	unsigned long to_fetch;
	struct timespec t0, shown;
};

/* Show the progress line now if it is due (or always with final). */
void fetch_progress(struct fetch_stats *st, int final);

int pop3_fetch(struct pop3 *p, struct delivery *d, struct uidstate *u,
    const struct fetch_policy *pol, struct fetch_stats *st,
    struct errinfo *ei);

#endif
