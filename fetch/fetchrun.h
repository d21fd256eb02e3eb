/*
 * fetchrun: fetching one account: its delivery target, its UID state
 * (locked: a second run on the same account stops at once), the POP3
 * session with the login and pop3_fetch(), the state saved, and a
 * one-line summary.
 */
#ifndef FACTEUR_FETCHRUN_H
#define FACTEUR_FETCHRUN_H

#include <stdio.h>

#include "account.h"
#include "cliopts.h"
#include "config.h"
#include "status.h"

struct fetchrun_opts {
	int check_only;		/* --check: count new messages only */
	int quiet;		/* -q: nothing on stdout unless asked */
	int progress;		/* live progress on stderr (a terminal) */
	int status_only;	/* -s: mpop's "new: N messages in SIZE" */
};

/*
 * Fetch the account.  *fresh_r gets the number of messages a fetch would
 * fetch (for --check).  Prints the account's summary line on out, only
 * with what is known (nothing when the run failed before the server's
 * list), and logs "account=NAME ... status=ok", or status=EX_... and
 * error=MESSAGE.  Returns 0, or -1 with
 * ei.
 */
int fetch_account(FILE *out, const struct account *a,
    const struct fetchrun_opts *o, unsigned long *fresh_r,
    struct errinfo *ei);

/*
 * The account's UID state file: its uidls_file (%U and %H expanded,
 * uidstate_expand()), else the default named after the account
 * (uidstate_default_path()).  Allocated.
 */
char *fetchrun_state_path(const struct account *a);

/*
 * -P: the settings that decide where mail lands and whether it is
 * deleted (after cliopts_pretend()'s server settings).
 */
void fetchrun_pretend(FILE *f, const struct account *a);

/*
 * Every account of cfg with an incoming server, in file order, into
 * *names_r (free() it; the names are cfg's).  An account that cannot be
 * resolved stays in: its error shows when it runs.
 */
size_t fetchrun_every_account(const struct cliopts *o,
    const struct config *cfg, const char ***names_r);

#endif
