/*
 * pop3_fetch: one POP3 session's work, after the login: STAT, UIDL and
 * LIST (in one write with PIPELINING, RFC 2449), then the engine
 * (engine.h) with RETR to retrieve a message (the body through the
 * dot-unstuffing decoder), DELE to delete one, and TOP for mpop's
 * filter.  Commands are pipelined when the server says PIPELINING.
 */
#ifndef FACTEUR_POP3_FETCH_H
#define FACTEUR_POP3_FETCH_H

#include <time.h>

#include "deliver.h"
#include "engine.h"
#include "policy.h"
#include "pop3.h"
#include "status.h"
#include "uidstate.h"

/* The POP3 session for fetchrun. */
extern const struct fetch_session_ops pop3_session;

int pop3_fetch(struct pop3 *p, struct delivery *d, struct uidstate *u,
    const struct fetch_policy *pol, struct fetch_stats *st,
    struct errinfo *ei);

#endif
