/* mfetch: fetch mail from POP3 and IMAP servers; --serverinfo. */
#include "autoconf.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "authonly.h"
#include "cliopts.h"
#include "config.h"
#include "fetchrun.h"
#include "info.h"
#include "jobs.h"
#include "log.h"
#include "pwstore.h"
#include "sasl.h"
#include "status.h"
#include "sys.h"
#include "version.h"
#include "xalloc.h"

enum {
	O_PROTOCOL = CLIOPTS_OWN_BASE,
	O_DELIVERY,
	O_KEEP,
	O_ONLY_NEW,
	O_FETCHALL,
	O_KILLSIZE,
	O_SKIPSIZE,
	O_UIDLS_FILE,
	O_MAX_MESSAGES,
	O_CHECK,
	O_JOBS,
	O_RECEIVED
};

/* Options that are account keys. */
static const struct {
	int opt;
	const char *key;
	const char *name;
} keyopts[] = {
	{ O_DELIVERY, "delivery", "--delivery" },
	{ O_KEEP, "keep", "--keep" },
	{ O_KILLSIZE, "killsize", "--killsize" },
	{ O_SKIPSIZE, "skipsize", "--skipsize" },
	{ O_UIDLS_FILE, "uidls_file", "--uidls-file" },
	{ O_MAX_MESSAGES, "max_messages", "--max-messages" },
	{ O_RECEIVED, "received_header", "--received-header" },
};

static struct fetchrun_opts fopts;
static int njobs = JOBS_DEFAULT;

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: mfetch [option...] [account...]\n"
"       mfetch [option...] (--serverinfo | --auth-only) [account...]\n"
"       mfetch [option...] (--store-password | --forget-password) [account]\n"
"Fetch mail from POP3 servers into an mbox, a Maildir or an MDA (IMAP\n"
"servers: --serverinfo and --auth-only for now).\n"
"Without account names, every account with an incoming server.\n"
"\n"
"Fetching:\n"
"  --delivery=(mbox,FILE|maildir,DIR|mda,COMMAND) where messages go\n"
"  --keep[=(on|off|DURATION)] keep messages on the server: on, off, or\n"
"                             for a time after delivery (30d, 12h; default\n"
"                             14d)\n"
"  --only-new[=(on|off)]      off: fetch messages delivered before too\n"
"  --fetchall                 same as --only-new=off\n"
"  --killsize=(off|SIZE)      delete messages larger than SIZE unfetched\n"
"  --skipsize=(off|SIZE)      leave messages larger than SIZE\n"
"  --max-messages=(off|N)     fetch at most N messages per run\n"
"  --uidls-file=FILE          delivered UIDs (%%U login, %%H host)\n"
"  --received-header[=(on|off)] add a Received field (default on)\n"
"  -c, --check                count new messages; fetch nothing\n"
"  -q, --quiet                print nothing unless something fails\n"
"  -j, --jobs=N               fetch up to N accounts at once (default 4)\n"
"  --protocol=(pop3|imap)     protocol of the incoming server (default pop3)\n"
"  -A                         same as --auth-only (as in mpop)\n");
	cliopts_help(f);
	fprintf(f, "\nSee mfetch(1) and facteur.conf(5).\n");
}

static int
check_incoming(const struct account *a, struct errinfo *ei)
{
	if (a->in.host != NULL && *a->in.host != '\0')
		return 0;
	if (a->file != NULL)
		return err_set(ei, ST_CONFIG, "%s:%d: account '%s' has no "
		    "incoming server: add 'incoming imaps://HOST' (or pop3s://, "
		    "imap://, pop3://)", a->file, a->line, a->name);
	return err_set(ei, ST_USAGE, "no incoming server: give --host=HOST");
}

static int check_found;	/* --check saw new mail */

/* Handle one account (name NULL: the default one). */
static int
one_account(struct cliopts *o, const struct config *cfg, const char *name,
    struct errinfo *ei)
{
	struct account *a = NULL;
	int rc = -1;

	if (cliopts_resolve(o, cfg, name, &a, ei) < 0)
		return -1;
	if (o->pretend) {
		cliopts_pretend(stdout, a, SIDE_IN);
		rc = 0;
	} else if (check_incoming(a, ei) < 0 || cliopts_open_logs(a, ei) < 0) {
		rc = -1;
	} else if (o->store_password || o->forget_password) {
		rc = pwstore_run(&a->in, a->address, o->forget_password, stdout,
		    ei);
	} else if (o->serverinfo) {
		rc = fetch_serverinfo(stdout, &a->in, ei);
	} else if (o->auth_only) {
		rc = fetch_auth_only(stdout, a, ei);
	} else {
		unsigned long fresh;

		rc = fetch_account(stdout, a, &fopts, &fresh, ei);
		if (rc == 0 && fopts.check_only && fresh > 0)
			check_found = 1;
	}
	account_free(a);
	return rc;
}

/* mfetch's own options: 1 handled, 0 not one of them, -1 bad value. */
static int
own_option(struct cliopts *o, int c, const char *arg, struct errinfo *ei)
{
	size_t i;

	for (i = 0; i < sizeof(keyopts) / sizeof(keyopts[0]); i++) {
		if (keyopts[i].opt != c)
			continue;
		if (setlist_add_side(&o->set, keyopts[i].key, SIDE_IN,
		    (c == O_KEEP || c == O_RECEIVED) && arg == NULL ? "on" : arg,
		    ei) < 0) {
			ei->st = ST_USAGE;
			return err_prefix(ei, "%s: ", keyopts[i].name);
		}
		return 1;
	}
	switch (c) {
	case O_ONLY_NEW:
	case O_FETCHALL:
		if (setlist_add_side(&o->set, "fetchall", SIDE_IN, c == O_FETCHALL ?
		    "on" : arg == NULL || strcmp(arg, "on") == 0 ? "off" :
		    strcmp(arg, "off") == 0 ? "on" : "bad", ei) < 0) {
			ei->st = ST_USAGE;
			return err_prefix(ei, "--only-new: ");
		}
		return 1;
	case 'c':
	case O_CHECK:
		fopts.check_only = 1;
		return 1;
	case 'q':
		fopts.quiet = 1;
		return 1;
	case 'j': {
		char *end;
		long n = strtol(arg, &end, 10);

		if (*end != '\0' || n < 1 || n > JOBS_MAX)
			return err_set(ei, ST_USAGE, "--jobs: a number from 1 "
			    "to %d, not '%s'", JOBS_MAX, arg);
		njobs = (int)n;
		return 1;
	}
	}
	return 0;
}

struct many {
	struct cliopts *o;
	const struct config *cfg;
	const char **names;
};

/* In a child: one account, its exit status. */
static int
one_job(size_t i, void *arg)
{
	struct many *m = arg;
	struct errinfo ei;

	if (one_account(m->o, m->cfg, m->names[i], &ei) < 0) {
		log_error("%s", ei.msg);
		return status_exit_code(ei.st);
	}
	return 0;
}

/*
 * Fetch mode without names: every account with an incoming server, up to
 * njobs at a time (--check runs them in turn: its status is shared).
 */
static int
all_accounts(struct cliopts *o, const struct config *cfg, int *rc_r,
    struct errinfo *ei)
{
	struct many m;
	size_t i, n = 0;

	m.o = o;
	m.cfg = cfg;
	m.names = xcalloc(cfg != NULL ? config_count(cfg) + 1 : 1,
	    sizeof(*m.names));
	for (i = 0; cfg != NULL && i < config_count(cfg); i++) {
		struct account *a;

		if (config_is_alias(cfg, i) ||
		    config_resolve(cfg, config_name(cfg, i), &o->set, &a, ei) < 0)
			continue;
		if (a->in.host != NULL && *a->in.host != '\0')
			m.names[n++] = config_name(cfg, i);
		account_free(a);
	}
	if (n > 1 && njobs > 1 && !fopts.check_only) {
		fopts.progress = 0;	/* lines from several children */
		int rc = jobs_run(n, njobs, one_job, &m);

		if (*rc_r == 0)
			*rc_r = rc;
	} else {
		for (i = 0; i < n; i++) {
			int rc = one_job(i, &m);

			if (*rc_r == 0)
				*rc_r = rc;
		}
	}
	free(m.names);
	return (int)n;
}

int
main(int argc, char **argv)
{
	static const struct option own[] = {
		{ "protocol", required_argument, NULL, O_PROTOCOL },
		{ "delivery", required_argument, NULL, O_DELIVERY },
		{ "keep", optional_argument, NULL, O_KEEP },
		{ "only-new", optional_argument, NULL, O_ONLY_NEW },
		{ "fetchall", no_argument, NULL, O_FETCHALL },
		{ "killsize", required_argument, NULL, O_KILLSIZE },
		{ "skipsize", required_argument, NULL, O_SKIPSIZE },
		{ "uidls-file", required_argument, NULL, O_UIDLS_FILE },
		{ "max-messages", required_argument, NULL, O_MAX_MESSAGES },
		{ "check", no_argument, NULL, O_CHECK },
		{ "quiet", no_argument, NULL, 'q' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "received-header", optional_argument, NULL, O_RECEIVED },
		{ NULL, 0, NULL, 0 }
	};
	struct option *longopts;
	struct config *cfg = NULL;
	struct cliopts o;
	struct errinfo ei;
	int c, i, rc = 0, h;

	sys_init();
	sys_catch_stop();
	log_init("mfetch");
	err_clear(&ei);
	cliopts_init(&o, SIDE_IN);
	longopts = cliopts_table(own);
	while ((c = getopt_long(argc, argv, CLIOPTS_SHORT "Acqj:", longopts,
	    NULL)) != -1) {
		if (c == '?' || c == ':') {
			usage(stderr);
			rc = status_exit_code(ST_USAGE);
			goto out;
		}
		h = cliopts_handle(&o, c, optarg, &ei);
		if (h == 0)
			h = own_option(&o, c, optarg, &ei);
		if (h == 0 && c == O_PROTOCOL) {
			h = setlist_add_side(&o.set, "protocol", SIDE_IN, optarg,
			    &ei) < 0 ? -1 : 1;
			if (h < 0) {
				ei.st = ST_USAGE;
				err_prefix(&ei, "--protocol: ");
			}
		}
		if (h <= 0) {
			if (h == 0)
				err_set(&ei, ST_USAGE, "unknown option");
			log_error("%s", ei.msg);
			rc = status_exit_code(ei.st);
			goto out;
		}
	}
	if (o.help) {
		usage(stdout);
		goto out;
	}
	if (o.version) {
		version_print(stdout, "mfetch");
		goto out;
	}
	/* Live progress when a person watches one account at a time. */
	fopts.progress = isatty(2) && !o.debug;
	if (o.debug) {
		log_set_trace(1);
		log_set_level(LOG_LVL_DEBUG);
	}
	/* mpop style: accounts may also be named without -a. */
	for (i = optind; i < argc; i++)
		cliopts_handle(&o, 'a', argv[i], &ei);
	if (cliopts_load_config(&o, 1, &cfg, &ei) < 0) {
		log_error("%s", ei.msg);
		rc = status_exit_code(ei.st);
		goto out;
	}
	if (o.naccounts == 0 && !o.host_given && !o.serverinfo &&
	    !o.auth_only && !o.pretend && !o.store_password &&
	    !o.forget_password && all_accounts(&o, cfg, &rc, &ei) > 0) {
		/* done: every account with an incoming server */
	} else if (o.naccounts == 0 || o.host_given) {
		if (one_account(&o, cfg, NULL, &ei) < 0) {
			log_error("%s", ei.msg);
			rc = status_exit_code(ei.st);
		}
	}
	i = 0;
	if (!o.host_given && o.naccounts > 1 && njobs > 1 &&
	    !fopts.check_only && !o.serverinfo && !o.auth_only && !o.pretend &&
	    !o.store_password && !o.forget_password) {
		struct many m;
		size_t k;

		fopts.progress = 0;
		m.o = &o;
		m.cfg = cfg;
		m.names = xcalloc(o.naccounts, sizeof(*m.names));
		for (k = 0; k < o.naccounts; k++)
			m.names[k] = o.accounts[k];
		rc = jobs_run(o.naccounts, njobs, one_job, &m);
		free(m.names);
		i = (int)o.naccounts;	/* done */
	}
	for (; !o.host_given && (size_t)i < o.naccounts; i++) {
		if (one_account(&o, cfg, o.accounts[i], &ei) < 0) {
			log_error("%s", ei.msg);
			if (rc == 0)
				rc = status_exit_code(ei.st);
		}
	}
	/* --check: 0 when there is new mail, 1 when there is none. */
	if (rc == 0 && fopts.check_only && !check_found)
		rc = 1;
	/* Stopped by a signal: what was in hand is rolled back; try again. */
	if (sys_stop_signal() != 0)
		rc = status_exit_code(ST_TEMPFAIL);
out:
	sasl_done();
	config_free(cfg);
	free(longopts);
	cliopts_free(&o);
	log_close();
	return rc;
}
