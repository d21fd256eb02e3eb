/*
 * uidstate: which messages of an account mfetch has already delivered,
 * by their UID (POP3 UIDL, RFC 1939 7), with the time each was first
 * delivered (for "keep 14d").  One file per account (its name), locked
 * for the whole run so that a second mfetch on the same account (cron
 * overlap) stops at once.
 *
 * Every delivered UID is appended to a journal and fsync'ed before the
 * message may be deleted on the server, so that a crash at any instant
 * re-delivers at most the message in flight; at the end of the run the
 * state is rewritten (temporary file, fsync, rename, fsync of the
 * directory) and the journal removed.  A crash between the two only
 * leaves entries that are applied again, harmlessly; the next run folds
 * such a journal into the file before it appends anything, so a line a
 * crash cut short is never glued to a new one (it is skipped, with a
 * warning).
 *
 * A UID whose message was deleted is forgotten, because some servers
 * give a deleted message's UID to a new one, which must then be fetched,
 * not deleted unread.  A deletion is final only once the server
 * acknowledged the DELE and the session's QUIT; until then the UID is
 * kept.  Before QUIT is sent, the UIDs it will delete are journaled as
 * "- UID": if the run dies before it knows QUIT's answer, the next run
 * forgets them (the worst case is fetching a message again, never
 * deleting one unread).
 *
 * File format, one entry per line: "FIRST-SEEN UID" (seconds since the
 * epoch; the UID is 1 to 70 printable characters), "- UID" (journal:
 * forget UID), "#" comments, and "#login TIME DELAY" for the last login
 * and the server's LOGIN-DELAY.
 */
#ifndef FACTEUR_UIDSTATE_H
#define FACTEUR_UIDSTATE_H

#include <stddef.h>
#include <time.h>

#include "status.h"

#define UID_MAX		70	/* RFC 1939: 1 to 70 characters */
#define UIDSTATE_FILE_MAX (64 * 1024 * 1024)

struct uident {
	char *uid;
	time_t seen;		/* first delivered */
	int present;		/* on the server in this session */
	int deleted;		/* DELE acknowledged in this session */
	int gone;		/* forgotten: as if not there */
};

struct uidstate {
	char *path;
	char *journal_path;
	int lockfd;
	int jfd;		/* the journal, once written to */
	struct uident *v;
	size_t n, alloc;
	size_t *index;		/* open addressing: position + 1, 0 empty */
	size_t nindex;
	/* The last login, and the server's LOGIN-DELAY then (RFC 2449). */
	time_t last_login;
	long login_delay;
	char *label;		/* "account A, host H, user U", for the file */
	size_t skipped;		/* journal lines skipped while loading */
};

/* Longest file name uidstate_account_name() gives. */
#define UIDSTATE_NAME_MAX 200

/*
 * The name of an account's state, safe as a file name: the account's name,
 * or for an account made of options only (account NULL or ""),
 * USER@HOST; every byte but [A-Za-z0-9_+-.] (and the '@' between USER
 * and HOST) written %XX, a leading '.' too, so that no account name can
 * give another's file, and a configured account's name (its '@' as %40)
 * never gives an options-only one's.  Above UIDSTATE_NAME_MAX bytes the
 * name is cut and ends in "~" and a 64-bit hash of the whole.  Allocated.
 */
char *uidstate_account_name(const char *account, const char *host,
    const char *user);

/*
 * The default state file of an account: $XDG_STATE_HOME (else
 * ~/.local/state)/facteur/NAME.uids, NAME from uidstate_account_name().
 * Allocated.
 */
char *uidstate_default_path(const char *account, const char *host,
    const char *user);

/*
 * A state file name as mpop's uidls_file writes it: each "%U" replaced by
 * user, each "%H" by host (NULL as ""), nothing else changed, as mpop
 * does (so that mpop's own file is found at the same path).  Allocated.
 */
char *uidstate_expand(const char *pattern, const char *user,
    const char *host);

/*
 * The default of facteur before 2026-12 (one file per USER@HOST, shared
 * by accounts of the same login): $XDG_STATE_HOME/facteur/USER@HOST.uids,
 * '/' as '_'.  Read once to seed an account that has no state yet.
 * Allocated.
 */
char *uidstate_legacy_path(const char *host, const char *user);

/*
 * Lock and load (a journal left by a crash is folded into the file
 * first).  Returns 0, or -1: ST_TEMPFAIL when another mfetch holds the
 * lock ("already running"), ST_CANTCREAT / ST_IOERR for file trouble,
 * ST_CONFIG for a malformed file ("file:line").
 */
int uidstate_open(struct uidstate *u, const char *path, struct errinfo *ei);
/*
 * As uidstate_open(); when the account has no state yet (neither file nor
 * journal), seed(u, arg, ei) may fill u from elsewhere (facteur's older
 * file, a peer's): it returns 1 when it did, 0 when it found nothing, -1
 * on error (which uidstate_open_seeded() returns).  What it gave is saved
 * at once (temporary file, fsync, rename, fsync of the directory).
 */
int uidstate_open_seeded(struct uidstate *u, const char *path,
    int (*seed)(struct uidstate *, void *, struct errinfo *), void *arg,
    struct errinfo *ei);
/* Unlock and free (does not save). */
void uidstate_close(struct uidstate *u);

/*
 * Apply the text of a state file (journal 0) or of a journal (1) to u.
 * In a journal, a malformed line (cut by a crash or a full disk) is
 * skipped and counted in u->skipped; in the file it is an error
 * (ST_CONFIG, "name:line").  Pure but for u.
 */
int uidstate_parse(struct uidstate *u, const char *name, const char *data,
    size_t len, int journal, struct errinfo *ei);

/* Add uid, first seen then, to the state in memory (a seed's entries). */
void uidstate_add(struct uidstate *u, const char *uid, time_t seen);
/* The entry of uid, or NULL. */
struct uident *uidstate_find(struct uidstate *u, const char *uid);
/* Record a delivered message durably (journal + fsync). */
int uidstate_record(struct uidstate *u, const char *uid, time_t seen,
    struct errinfo *ei);

/* The server acknowledged the DELE of uid's message (in memory). */
void uidstate_deleted(struct uidstate *u, const char *uid);
/*
 * QUIT is about to make the acknowledged deletions happen: journal them
 * ("- UID", one fsync) so that a run that dies now forgets them.
 */
int uidstate_deletions_pending(struct uidstate *u, struct errinfo *ei);
/*
 * QUIT's answer: final (+OK) forgets the deleted UIDs; otherwise the
 * server undid the deletions and the UIDs are kept.
 */
void uidstate_deletions_done(struct uidstate *u, int final);

/*
 * Rewrite the state.  With prune, entries not marked present are
 * dropped (their messages are gone from the server).
 */
int uidstate_save(struct uidstate *u, int prune, struct errinfo *ei);

/*
 * Read the file path (at most UIDSTATE_FILE_MAX bytes, a regular file)
 * into b: 1, 0 when it does not exist, -1 (ST_IOERR).
 */
struct buf;
int uidstate_read_file(const char *path, struct buf *b, struct errinfo *ei);

/* Is s a valid UID (1..UID_MAX bytes, 0x21..0x7e)? */
int uidstate_valid_uid(const char *s, size_t len);

#endif
