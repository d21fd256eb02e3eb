/*
 * imap_watch: IMAP folders watched for new mail, for mfetch --daemon.
 * The connection is opened and logged in with the fetch's own session
 * code, which blocks: the daemon does that in a setup thread.  Then the
 * daemon's event loop drives it without ever waiting:
 * imap_watch_input() when poll(2) says its socket is readable,
 * imap_watch_renew() when the IDLE is due to be re-issued.
 *
 * Two ways to watch:
 *  - NOTIFY (RFC 5465), when the server offers it: every folder of the
 *    account on this one connection ("NOTIFY SET STATUS (mailboxes
 *    (...)) (MessageNew MessageExpunge)", or "personal" when the list
 *    would not fit in a command), then IDLE; new mail is a STATUS
 *    response whose UIDNEXT went up (an expunge, our fetch's own, does
 *    not raise it).
 *  - else one folder per connection: EXAMINE (read-only: the watcher
 *    never changes a flag), then IDLE (RFC 2177); new mail is an EXISTS
 *    that raises the message count.
 *
 * IDLE phases: IDLE sent, waiting for "+" (busy); idling; DONE sent,
 * waiting for IDLE's tagged OK (busy), after which IDLE is sent again.
 * A NOTIFY SET is sent once, at the start: one that replaces another on
 * a live connection leaves Dovecot 2.3 silent (tried: no event at all
 * afterwards), so a new folder list takes a new connection.  While busy the daemon applies the
 * account's timeout: a server that does not answer is dropped.  A BYE, a
 * refused IDLE or NOTIFY, a broken connection are errors.
 */
#ifndef FACTEUR_IMAP_WATCH_H
#define FACTEUR_IMAP_WATCH_H

#include <stddef.h>

#include "account.h"
#include "status.h"

#define IMAP_WATCH_ALL		0	/* every folder watched */
#define IMAP_WATCH_POLL		1	/* the server cannot IDLE */
#define IMAP_WATCH_FIRST	2	/* no NOTIFY: folders[0] alone */

struct imap_watch;

/* A folder (UTF-8, as given) has new mail. */
typedef void (*imap_watch_fn)(void *arg, const char *folder);

/*
 * Connect, log in, and watch folders[0..n) (n >= 1): all of them with
 * NOTIFY when notify is set and the server offers it, else folders[0]
 * alone.  Returns IMAP_WATCH_ALL, IMAP_WATCH_FIRST (only folders[0] is
 * watched: the others need a connection each), IMAP_WATCH_POLL (no IDLE
 * capability, or IDLE refused: ei says why; closed), or -1.  a must
 * outlive the watch.
 */
int imap_watch_open(struct imap_watch **w_r, const struct account *a,
    char *const *folders, size_t n, int notify, struct errinfo *ei);

/* The socket, for poll(2). */
int imap_watch_fd(const struct imap_watch *w);

/* Are the folders watched through NOTIFY? */
int imap_watch_notifying(const struct imap_watch *w);

/* Waiting for an answer (the account's timeout applies)? */
int imap_watch_busy(const struct imap_watch *w);

/*
 * Read and handle whatever input is there, without waiting; fn(arg,
 * folder) for each folder with new mail.  Returns 0, or -1 (the watch is
 * broken: close it).
 */
int imap_watch_input(struct imap_watch *w, imap_watch_fn fn, void *arg,
    struct errinfo *ei);

/* End the IDLE (DONE); the next one is sent once the server answers. */
int imap_watch_renew(struct imap_watch *w, struct errinfo *ei);

/* DONE and LOGOUT unless broken, without waiting; close; free. */
void imap_watch_close(struct imap_watch *w);

/*
 * The folders of the account, patterns resolved with LIST on a
 * connection of its own (blocking; closed before returning): *names_r
 * (free with imap_watch_names_free()).  Returns 0, or -1.
 */
int imap_watch_folders(const struct account *a, char ***names_r,
    size_t *n_r, struct errinfo *ei);
void imap_watch_names_free(char **names, size_t n);

#endif
