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
 *  - mpop's UIDLs file (its uidls_file, by default ~/.mpop_uidls/%U_at_%H),
 *    the list of USER at HOST, read under a shared fcntl lock (mpop holds
 *    an exclusive one while it runs);
 *  - fetchmail's idfile (~/.fetchids by default), its USER@HOST lines.
 *
 * A UID mfetch could not use (longer than UID_MAX, control bytes) is
 * skipped: no server mfetch talks to gives it.  The peers' files are
 * only read.  Nothing here writes: uidstate_open_seeded() saves what the
 * seed gave.
 */
#ifndef FACTEUR_UIDIMPORT_H
#define FACTEUR_UIDIMPORT_H

#include <time.h>

#include "status.h"
#include "uidstate.h"

/* Bounds of the peers' files (mpop's own line limit is 1024). */
#define UIDIMPORT_LINE_MAX	4096
#define UIDIMPORT_COUNT_MAX	10000000L	/* UIDs in one mpop list */

struct uidimport {
	const char *legacy;	/* facteur's older file, or NULL */
	const char *mpop;	/* mpop's UIDLs file (expanded), or NULL */
	const char *fetchids;	/* fetchmail's idfile, or NULL */
	const char *user;	/* the login, which entry of a peer's file */
	const char *host;
	time_t now;		/* "first seen" of a UID that has no time */
	char *from;		/* out: the file the state came from */
	size_t added, skipped;	/* out: UIDs taken from a peer's file */
};

struct uidimport_count {
	size_t added;		/* UIDs added to the state (each once) */
	size_t skipped;		/* UIDs of the entry that mfetch cannot use */
};

/*
 * Parse mpop's UIDLs file (data, len bytes, called name for messages):
 * "#" comments before the first list, then lists " COUNT HOST USER"
 * followed by COUNT lines "UID" (mpop before 1.4.23) or "UID SECONDS"
 * (first seen).  The UIDs of the list of user at host (host without
 * regard to case) are added to u, first seen at SECONDS or else now.
 * Returns 1 when the list was there, 0 when not, -1 (ST_CONFIG,
 * "name:line: ...") for a file mpop itself would refuse or a line over
 * UIDIMPORT_LINE_MAX.  Pure but for u.
 */
int uidimport_parse_mpop(struct uidstate *u, const char *name,
    const char *data, size_t len, const char *user, const char *host,
    time_t now, struct uidimport_count *c, struct errinfo *ei);

/*
 * Parse fetchmail's idfile: lines "USER@HOST UID" (USER may hold '@',
 * HOST not; the UID has no space); the UIDs of user@host are added to u,
 * first seen now.  A last line without its newline (cut) is skipped.
 * Returns 1 when user@host had a line, 0 when not, -1 (ST_CONFIG) for a
 * malformed line.  Pure but for u.
 */
int uidimport_parse_fetchids(struct uidstate *u, const char *name,
    const char *data, size_t len, const char *user, const char *host,
    time_t now, struct uidimport_count *c, struct errinfo *ei);

/*
 * fetchmail's default idfile: $FETCHMAILHOME/.fetchids, else
 * $HOME_ETC/.fetchids, else home/.fetchids.  Allocated.
 */
char *uidimport_fetchids_default(const char *home);

/*
 * A seed for uidstate_open_seeded(); arg is a struct uidimport.  1 and
 * im->from (allocated) set when a file gave the state (a peer's file
 * only when it has a list for im->user at im->host), 0 when none did,
 * -1: ST_TEMPFAIL when an older mfetch or mpop holds its file's lock,
 * ST_IOERR, ST_CONFIG for a malformed file ("file:line").
 */
int uidimport_seed(struct uidstate *u, void *arg, struct errinfo *ei);

#endif
