/* daemon_int: what the daemon's files share (see daemon.h). */
#ifndef FACTEUR_DAEMON_INT_H
#define FACTEUR_DAEMON_INT_H

#include <stddef.h>
#include <sys/types.h>

#include "account.h"
#include "daemon.h"
#include "daemon_time.h"
#include "imap_watch.h"

struct dacct;

enum wstate {
	WS_WAIT,		/* down: connect at due */
	WS_SETUP,		/* a setup thread is connecting it */
	WS_UP,			/* idling (or waiting for an answer) */
	WS_POLL			/* no IDLE there: polled at due */
};

/* One folder watched. */
struct dwatch {
	struct dacct *acct;
	char **folders;		/* with NOTIFY all the account's; else one */
	size_t nf;
	enum wstate st;
	struct imap_watch *iw;	/* WS_UP */
	struct account *a;	/* the settings iw uses (its own copy) */
	double due;		/* WS_WAIT, WS_POLL: then; WS_UP: renew */
	double busy_since;	/* WS_UP: waiting for an answer since */
	double up_since;
	int backoff;		/* seconds before the next attempt */
	int down_logged;	/* the trouble was logged */
	int gone;		/* dropped (reload): freed once its setup ends */
};

/* One account. */
struct dacct {
	char *name;
	char *fp;		/* its settings, to see a reload's changes */
	struct account *a;
	int imap;
	int lockfd;
	char **spec;		/* its folders as configured (IMAP) */
	size_t nspec;
	int patterns;		/* ... some are LIST patterns */
	int notify;		/* the server has NOTIFY: 1, 0, -1 unknown */
	int listing;		/* a setup thread lists its folders */
	double list_due;	/* ... or will at */
	int list_backoff;
	struct dwatch **w;
	size_t nw;
	/* Fetch jobs. */
	pid_t job;
	char **pend;		/* folders to fetch (IMAP) */
	size_t npend;
	int pend_all;		/* the whole account (POP3) */
	double job_due;		/* no job before (a failed one's back-off) */
	int job_backoff;
	double next_poll;	/* POP3 */
	int gone;		/* dropped by a reload: freed once idle */
};

struct dstate {
	const struct daemon_opts *d;
	struct config *cfg;
	struct dacct **acct;
	size_t nacct;
	int njobs;		/* running */
	int nsetups;		/* threads running */
	int pipefd[2];		/* setup threads' results */
};


/* daemon_acct.c: the accounts and their watchers, from the file. */
int dstate_load(struct dstate *ds, int reload, struct errinfo *ei);
void dacct_free(struct dacct *ac);
/* Free the dropped accounts whose job and listing have ended. */
void dstate_sweep(struct dstate *ds);
void dwatch_free(struct dwatch *w);
/* A watcher's connection broke: logged, re-made after a back-off. */
void dwatch_lost(struct dwatch *w, const char *why);
/* Close a watcher's connection and make it again at once (logged). */
void dwatch_restart(struct dwatch *w, const char *why);
/* Are the two lists of names the same? */
int strv_same(char *const *a, size_t na, char *const *b, size_t nb);
/* Mark folder (NULL: the whole account) as due for a fetch. */
void dacct_pending(struct dacct *ac, const char *folder);
/* Set the account's folders to names (resolved): new ones watched. */
void dacct_set_folders(struct dstate *ds, struct dacct *ac, char **names,
    size_t n);
/* A log line's "account=NAME folder=F" into buf. */
const char *dwatch_label(const struct dwatch *w, char *buf, size_t size);

/* daemon_setup.c: setup threads. */
int dsetup_init(struct dstate *ds, struct errinfo *ei);
/* Start connecting w (WS_SETUP); 0, or -1 when no thread could start. */
int dsetup_watch(struct dstate *ds, struct dwatch *w);
/* Start listing ac's folders; 0 or -1. */
int dsetup_list(struct dstate *ds, struct dacct *ac);
/* Take the results that came in (the pipe is readable). */
void dsetup_collect(struct dstate *ds);

/* daemon_job.c: fetch jobs and the daemon's lock of an account. */
int djob_start(struct dstate *ds, struct dacct *ac);
/* Reap ended jobs. */
void djob_reap(struct dstate *ds);
/* SIGTERM to every job, and wait until ms for them (then SIGKILL). */
void djob_stop_all(struct dstate *ds, int ms);
/*
 * Lock the account for this daemon (a file next to its UID state, held
 * while it lives): the descriptor, or -1 (ST_TEMPFAIL when another
 * daemon holds it: "already watched by an mfetch daemon (pid N)").
 */
int daemon_lock(const struct account *a, struct errinfo *ei);

#endif
