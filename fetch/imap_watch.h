/*
 * imap_watch: one IMAP folder watched with IDLE (RFC 2177), for mfetch
 * --daemon.  The connection is opened, logged in and the folder
 * EXAMINEd (read-only: the watcher never changes a flag) with the
 * fetch's own session code, which blocks: the daemon does that in a
 * setup thread.  Then the daemon's event loop drives it without ever
 * waiting: imap_watch_input() when poll(2) says its socket is readable,
 * imap_watch_renew() when the IDLE is due to be re-issued.
 *
 * IDLE phases: IDLE sent, waiting for "+" (busy); idling; DONE sent,
 * waiting for IDLE's tagged OK (busy), after which IDLE is sent again.
 * While busy the daemon applies the account's timeout: a server that
 * does not answer is dropped.  New mail is an EXISTS raising the
 * message count; a BYE, a refused IDLE, a broken connection are errors.
 */
#ifndef FACTEUR_IMAP_WATCH_H
#define FACTEUR_IMAP_WATCH_H

#include <stddef.h>

#include "account.h"
#include "status.h"

struct imap_watch;

/*
 * Connect, log in, EXAMINE folder, IDLE.  Returns 0 (watching), 1 when
 * the server cannot IDLE (no IDLE capability, or IDLE refused: ei says
 * why; the folder is to be polled), or -1.  a must outlive the watch.
 */
int imap_watch_open(struct imap_watch **w_r, const struct account *a,
    const char *folder, struct errinfo *ei);

/* The socket, for poll(2). */
int imap_watch_fd(const struct imap_watch *w);

/* Waiting for an answer (the account's timeout applies)? */
int imap_watch_busy(const struct imap_watch *w);

/*
 * Read and handle whatever input is there, without waiting.  Returns
 * the number of new-mail events seen (0 or more), or -1 (the watch is
 * broken: close it).
 */
int imap_watch_input(struct imap_watch *w, struct errinfo *ei);

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
