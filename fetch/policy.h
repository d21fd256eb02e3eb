/*
 * policy: what to do with each message on the server, the same for POP3
 * and IMAP: fetch it, leave it, or delete it.  The account wizard's
 * "keep a copy of messages on the server": keep for 14 days by default,
 * for good ("keep on"), or not at all ("keep off").  Pure.
 */
#ifndef FACTEUR_POLICY_H
#define FACTEUR_POLICY_H

#include <time.h>

#include "account.h"

struct fetch_policy {
	long keep;			/* KEEP_FOREVER, 0, or seconds */
	int fetchall;			/* fetch seen messages again */
	unsigned long long killsize;	/* delete unfetched above this; 0 */
	unsigned long long skipsize;	/* leave unfetched above this; 0 */
	long max_messages;		/* fetched per run; 0: no limit */
	int check_only;			/* count, fetch and delete nothing */
	int have_uids;			/* the server gave UIDs */
	int received_header;		/* add a Received field */
	const char *move_to;		/* IMAP: move fetched ones there */
	int mark_seen;			/* IMAP: fetched ones get \Seen */
};

enum fetch_action {
	ACT_LEAVE,		/* nothing now */
	ACT_FETCH,		/* fetch (and delete after, if policy_delete_now) */
	ACT_DELETE,		/* delete without fetching */
	ACT_SKIP		/* too large: left, reported */
};

/*
 * The action for a message of size bytes, delivered before at *seen (NULL:
 * never).  now is the current time.
 */
enum fetch_action policy_decide(const struct fetch_policy *p,
    const time_t *seen, unsigned long long size, time_t now);

/* Delete (or move) a message right after delivering it? */
int policy_delete_now(const struct fetch_policy *p);

/* The policy of an account. */
void policy_from_account(struct fetch_policy *p, const struct account *a);

#endif
