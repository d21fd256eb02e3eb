/*
 * uidimport: the state of an account that has none yet, from the files
 * other programs (or facteur before) kept for the same mailbox, so that
 * switching to mfetch, or upgrading it, does not fetch the mailbox again.
 * Tried in order, the first file that exists wins:
 *
 *  - facteur's own older file, USER@HOST.uids (one per login, which
 *    accounts of the same login shared): read under a shared lock and
 *    copied, never moved, so that every account that shared it starts
 *    from it;
 *
 * Nothing here writes: uidstate_open_seeded() saves what the seed gave.
 */
#ifndef FACTEUR_UIDIMPORT_H
#define FACTEUR_UIDIMPORT_H

#include <time.h>

#include "status.h"
#include "uidstate.h"

struct uidimport {
	const char *legacy;	/* facteur's older file, or NULL */
	const char *user;	/* the login, which entry of a peer's file */
	const char *host;
	time_t now;		/* "first seen" of a UID that has no time */
	char *from;		/* out: the file the state came from */
};

/*
 * A seed for uidstate_open_seeded(); arg is a struct uidimport.  1 and
 * im->from (allocated) set when a file gave the state, 0 when none
 * exists, -1: ST_TEMPFAIL when an older mfetch holds the legacy file's
 * lock, ST_IOERR, ST_CONFIG for a malformed file ("file:line").
 */
int uidimport_seed(struct uidstate *u, void *arg, struct errinfo *ei);

#endif
