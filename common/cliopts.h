/*
 * cliopts: the command-line options both programs share, named as in
 * msmtp and mpop so that scripts carry over (--host, --port, --tls,
 * --tls-starttls, --tls-trust-file, --auth, --user, --passwordeval...).
 * Server options become settings for the program's side of the account
 * (outgoing for msend, incoming for mfetch) and are applied after the
 * accounts file, so they override it.  With --host, no file is read.
 */
#ifndef FACTEUR_CLIOPTS_H
#define FACTEUR_CLIOPTS_H

#include <getopt.h>
#include <stdio.h>

#include "account.h"
#include "config.h"
#include "settings.h"
#include "status.h"

/*
 * Short options shared by both programs.  -a is each program's own, as
 * in its peer: msend's -a NAME is msmtp's --account, mfetch's -a is
 * mpop's --all-accounts.
 */
#define CLIOPTS_SHORT "C:dPSX:"

/* --account=NAME (msend's -a NAME is handled as the same). */
#define CLIOPTS_ACCOUNT 1999

/* --auth-only; mfetch also has it as -A, as mpop does. */
#define CLIOPTS_AUTH_ONLY 'A'

/* Values above this are free for a program's own long options. */
#define CLIOPTS_OWN_BASE 2000

struct cliopts {
	int side;		/* SIDE_IN (mfetch) or SIDE_OUT (msend) */
	char *file;		/* -C */
	char **accounts;	/* --account (msend: -a), in order */
	size_t naccounts;
	int host_given;		/* --host: options only, no file */
	int serverinfo;
	int debug;
	int pretend;
	int auth_only;		/* --auth-only: log in and out */
	int store_password;	/* --store-password */
	int forget_password;	/* --forget-password */
	int help;
	int version;
	struct setlist set;	/* server settings from options */
};

void cliopts_init(struct cliopts *o, int side);
void cliopts_free(struct cliopts *o);

/*
 * The shared long options followed by the program's own (own ends with
 * a zeroed entry).  Returns an allocated table (free()).
 */
struct option *cliopts_table(const struct option *own);

/*
 * Handle one option returned by getopt_long().  Returns 1 when it was a
 * shared option, 0 when it is the program's own, -1 for a bad value
 * (ST_USAGE, with the option named).
 */
int cliopts_handle(struct cliopts *o, int opt, const char *arg,
    struct errinfo *ei);

/* Help text for the shared options. */
void cliopts_help(FILE *f);

/*
 * Load the accounts file, unless --host was given (*cfg_r is then NULL):
 * -C FILE, else the user's file, else the system file.  A missing file
 * is an error only when an account is needed (need_file).
 */
int cliopts_load_config(const struct cliopts *o, int need_file,
    struct config **cfg_r, struct errinfo *ei);

/*
 * Resolve an account (name NULL: the default) with the options applied
 * on top.  cfg may be NULL (--host).
 */
int cliopts_resolve(const struct cliopts *o, const struct config *cfg,
    const char *name, struct account **a_r, struct errinfo *ei);

/*
 * Open the account's log file and syslog, if it has them.  A log file
 * that cannot be opened is a warning (stderr and syslog), never an
 * error: it returns 0 (ei is not used; kept for the callers).
 */
int cliopts_open_logs(const struct account *a, struct errinfo *ei);

/* --pretend: print the resolved settings of the program's side. */
void cliopts_pretend(FILE *f, const struct account *a, int side);

#endif
