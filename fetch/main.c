/* mfetch: fetch mail from POP3 and IMAP servers; --serverinfo. */
#include "autoconf.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "authonly.h"
#include "cliopts.h"
#include "daemon.h"
#include "config.h"
#include "exitcode.h"
#include "fetchrun.h"
#include "folders.h"
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
	O_RECEIVED,
	O_PIPELINING,
	O_FILTER,
	O_FOLDER,
	O_MOVE_TO,
	O_MARK_SEEN,
	O_DAEMON,
	O_POLL_INTERVAL,
	O_IDLE_INTERVAL,
	O_DAEMON_JOB,
	O_DAEMON_FOLDER
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
	{ O_PIPELINING, "pipelining", "--pipelining" },
	{ O_FILTER, "filter", "--filter" },
	{ O_MOVE_TO, "move_to", "--move-to" },
	{ O_MARK_SEEN, "mark_seen", "--mark-seen" },
	{ O_DAEMON, "daemon", "--daemon" },
	{ O_POLL_INTERVAL, "poll_interval", "--poll-interval" },
	{ O_IDLE_INTERVAL, "idle_interval", "--idle-interval" },
};

static struct fetchrun_opts fopts;
static int njobs = JOBS_DEFAULT;
static int all_flag;	/* -a: every account */
static int half_quiet;	/* -Q: no progress line */
static char *folder_spec; /* --folder, each one */
static char *job_account; /* --daemon-job: the daemon's fetch of it */
static char *job_folders; /* --daemon-folder, each one */

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: mfetch [option...] [account...]\n"
"       mfetch [option...] -a|--all-accounts\n"
"       mfetch [option...] (--serverinfo | --auth-only) [account...]\n"
"       mfetch [option...] (--store-password | --forget-password) [account]\n"
"       mfetch [option...] --daemon [account...]\n"
"Fetch mail from POP3 and IMAP servers into an mbox, a Maildir or an MDA.\n"
"Without account names, every account with an incoming server; -P, -S and\n"
"-A without names: the default account, else every account.\n"
"\n"
"Fetching:\n"
"  -a, --all-accounts         every account (as without names)\n"
"  --delivery=(mbox,FILE|maildir,DIR|mda,COMMAND) where messages go\n"
"  -k, --keep[=(on|off|DURATION)] keep messages on the server: on, off,\n"
"                             or for a time after delivery (30d, 12h;\n"
"                             default 14d)\n"
"  -n, --only-new[=(on|off)]  off: fetch messages delivered before too\n"
"  --fetchall                 same as --only-new=off\n"
"  --killsize=(off|SIZE)      delete messages larger than SIZE unfetched\n"
"  --skipsize=(off|SIZE)      leave messages larger than SIZE\n"
"  --max-messages=(off|N)     fetch at most N messages per run\n"
"  --uidls-file=FILE          delivered UIDs (%%U login, %%H host)\n"
"  --received-header[=(on|off)] add a Received field (default on)\n"
"  --pipelining=(auto|on|off) POP3 pipelining (auto: if the server has it)\n"
"  --folder=NAME              IMAP: fetch this folder (repeatable; * and %%\n"
"                             are LIST patterns; default INBOX)\n"
"  --move-to=FOLDER           IMAP: move fetched messages to FOLDER\n"
"  --mark-seen[=(on|off)]     IMAP: mark fetched messages seen (default on)\n"
"  --filter[=COMMAND]         mpop's filter: each header (TOP) to COMMAND\n"
"                             (%%F sender, %%S size); exit 0 fetch, 1 delete,\n"
"                             2 skip; no COMMAND: none\n"
"  -c, --check                count what would be fetched; fetch nothing\n"
"                             (exit 0: something to fetch, 1: nothing)\n"
"  -s, --status-only          number and size of messages, as mpop prints\n"
"  -q, --quiet                print nothing unless something fails\n"
"  -Q, --half-quiet           the summary, but no progress line\n"
"  -j, --jobs=N               fetch up to N accounts at once (default 4;\n"
"                             --daemon: N fetches at once)\n"
"  --protocol=(pop3|imap)     protocol of the incoming server (default pop3)\n"
"  -A                         same as --auth-only (as in mpop)\n"
"\n"
"Daemon (see mfetch(1), RUNNING AS A DAEMON):\n"
"  --daemon[=(on|off)]        stay running: watch every account's folders\n"
"                             (IMAP IDLE), poll the others; fetch new mail\n"
"                             within seconds; SIGHUP re-reads the file\n"
"  --poll-interval=DURATION   POP3 and servers without IDLE (default 5m)\n"
"  --idle-interval=DURATION   re-issue IDLE after this (default 29m)\n");
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

/* The daemon and its jobs log to syslog unless the account says. */
static void
daemon_log_default(const struct account *a)
{
	if ((a->logfile == NULL || *a->logfile == '\0') &&
	    (a->syslog == NULL || strcmp(a->syslog, "off") == 0))
		log_open_syslog(log_facility("mail"));
}

/*
 * Does the run become the daemon: --daemon, or "daemon on" for the
 * accounts it would fetch (any of them; typically set in defaults)?
 * *first_r gets the first account, for the daemon's own log.
 */
static int
wants_daemon(struct cliopts *o, const struct config *cfg, const char **names,
    size_t n, struct account **first_r)
{
	size_t i;
	int on = 0;

	*first_r = NULL;
	for (i = 0; i < n; i++) {
		struct account *a;
		struct errinfo ei;

		err_clear(&ei);
		if (cliopts_resolve(o, cfg, names[i], &a, &ei) < 0)
			continue;
		on |= a->daemon;
		if (*first_r == NULL)
			*first_r = a;
		else
			account_free(a);
	}
	return on;
}

/* mfetch --daemon: runs until stopped. */
static int
run_daemon(struct cliopts *o, struct config **cfg, const char **names,
    size_t n, struct account *first, int argc, char **argv)
{
	struct daemon_opts d;
	struct errinfo ei;
	int rc;

	if (fopts.check_only) {
		log_error("--daemon fetches: it cannot be combined with "
		    "--check or --status-only");
		return status_exit_code(ST_USAGE);
	}
	if (first != NULL) {
		cliopts_open_logs(first, &ei);
		daemon_log_default(first);
	}
	memset(&d, 0, sizeof(d));
	d.o = o;
	d.argv = argv;
	d.argc = argc;
	/* Accounts named: those; else every one, at each reload too. */
	d.names = o->naccounts > 0 ? names : NULL;
	d.nnames = o->naccounts > 0 ? n : 0;
	d.jobs = njobs;
	err_clear(&ei);
	rc = daemon_run(&d, cfg, &ei);
	if (rc < 0) {
		log_error("%s", ei.msg);
		return status_exit_code(ei.st);
	}
	return 0;
}

/* Fetching (or counting), not -P, -S, -A or the password options. */
static int
fetch_mode(const struct cliopts *o)
{
	return !o->serverinfo && !o->auth_only && !o->pretend &&
	    !o->store_password && !o->forget_password;
}

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
		fetchrun_pretend(stdout, a);
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

		if (job_account != NULL)
			daemon_log_default(a);
		rc = fetch_account(stdout, a, &fopts, &fresh, ei);
		if (rc == 0 && fopts.check_only && fresh > 0)
			check_found = 1;
	}
	account_free(a);
	return rc;
}

/* -k and -n are --keep and --only-new. */
static int
long_of(int c)
{
	return c == 'k' ? O_KEEP : c == 'n' ? O_ONLY_NEW : c;
}

/* mfetch's own options: 1 handled, 0 not one of them, -1 bad value. */
static int
own_option(struct cliopts *o, int c, const char *arg, struct errinfo *ei)
{
	size_t i;

	c = long_of(c);
	for (i = 0; i < sizeof(keyopts) / sizeof(keyopts[0]); i++) {
		if (keyopts[i].opt != c)
			continue;
		if (setlist_add_side(&o->set, keyopts[i].key, SIDE_IN,
		    (c == O_KEEP || c == O_RECEIVED || c == O_MARK_SEEN ||
		    c == O_DAEMON) &&
		    arg == NULL ? "on" :
		    arg == NULL ? "" : arg,
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
	case O_FOLDER:
	case O_DAEMON_FOLDER: {
		/* Repeatable: one list, each name quoted as needed. */
		char **spec = c == O_FOLDER ? &folder_spec : &job_folders;
		char *j = folders_join(*spec, arg);

		free(*spec);
		*spec = j;
		return 1;
	}
	case O_DAEMON_JOB:
		free(job_account);
		job_account = xstrdup(arg);
		return 1;
	case 'a':
		all_flag = 1;
		return 1;
	case 'c':
	case O_CHECK:
		fopts.check_only = 1;
		return 1;
	case 's':
		fopts.check_only = 1;
		fopts.status_only = 1;
		return 1;
	case 'q':
		fopts.quiet = 1;
		return 1;
	case 'Q':
		half_quiet = 1;
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

/*
 * getopt_long() found an unknown option (c '?') or one without its value
 * (c ':'): one line, not the whole usage (it lands in cron mails and web
 * server logs).
 */
static void
bad_option(char **argv, const struct option *longopts, int c)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	char q[128], name[64];
	size_t i;

	name[0] = '\0';
	if (optopt > 0 && optopt < 256) {
		snprintf(name, sizeof(name), "-%c", optopt);
	} else if (optopt != 0) {
		for (i = 0; longopts[i].name != NULL; i++)
			if (longopts[i].val == optopt)
				snprintf(name, sizeof(name), "--%s",
				    longopts[i].name);
	}
	if (name[0] != '\0')
		err_quote(q, sizeof(q), name, strlen(name));
	else
		err_quote(q, sizeof(q), arg, strcspn(arg, "="));
	if (c == ':')
		log_error("option '%s' needs a value; see mfetch --help", q);
	else
		log_error("unknown option '%s'; see mfetch --help", q);
}

struct many {
	struct cliopts *o;
	const struct config *cfg;
	const char **names;
	size_t n;
};

/* Does msg name the account already ("account 'NAME'")? */
static int
names_account(const char *msg, const char *name)
{
	char *q = xasprintf("account '%s'", name);
	int r = strstr(msg, q) != NULL;

	free(q);
	return r;
}

/* One account, its exit status (in a child, or in turn). */
static int
one_job(size_t i, void *arg)
{
	struct many *m = arg;
	struct errinfo ei;
	int rc = 0;

	err_clear(&ei);
	/* -P for several accounts: a blank line between them. */
	if (m->o->pretend && i > 0)
		printf("\n");
	if (one_account(m->o, m->cfg, m->names[i], &ei) < 0) {
		/* The one line that says what failed for this account. */
		if (m->names[i] != NULL && !names_account(ei.msg, m->names[i]))
			log_error("%s: %s", m->names[i], ei.msg);
		else
			log_error("%s", ei.msg);
		rc = status_exit_code(ei.st);
	}
	log_close();	/* the next account has its own log settings */
	return rc;
}

/*
 * The accounts in turn, or up to njobs at once when fetching: the
 * combined exit status (exitcode.h).
 */
static int
run_accounts(struct cliopts *o, const struct config *cfg,
    const char **names, size_t n)
{
	struct many m;
	size_t i;
	int rc = 0;

	m.o = o;
	m.cfg = cfg;
	m.names = names;
	m.n = n;
	/* --check runs them in turn: its result is shared. */
	if (n > 1 && njobs > 1 && fetch_mode(o) && !fopts.check_only) {
		fopts.progress = 0;	/* lines from several children */
		return jobs_run(n, njobs, one_job, &m);
	}
	for (i = 0; i < n && sys_stop_signal() == 0; i++)
		rc = exitcode_combine(rc, one_job(i, &m));
	return rc;
}

/* Does the file name a default account ("default", or its only one)? */
static int
has_default(const struct config *cfg)
{
	return cfg != NULL && (config_has(cfg, "default") ||
	    config_count(cfg) == 1);
}

int
main(int argc, char **argv)
{
	static const struct option own[] = {
		{ "all-accounts", no_argument, NULL, 'a' },
		{ "protocol", required_argument, NULL, O_PROTOCOL },
		{ "delivery", required_argument, NULL, O_DELIVERY },
		{ "keep", optional_argument, NULL, O_KEEP },
		{ "only-new", optional_argument, NULL, O_ONLY_NEW },
		{ "fetchall", no_argument, NULL, O_FETCHALL },
		{ "killsize", required_argument, NULL, O_KILLSIZE },
		{ "skipsize", required_argument, NULL, O_SKIPSIZE },
		{ "uidls-file", required_argument, NULL, O_UIDLS_FILE },
		{ "max-messages", required_argument, NULL, O_MAX_MESSAGES },
		{ "pipelining", required_argument, NULL, O_PIPELINING },
		{ "filter", optional_argument, NULL, O_FILTER },
		{ "check", no_argument, NULL, O_CHECK },
		{ "status-only", no_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "half-quiet", no_argument, NULL, 'Q' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "received-header", optional_argument, NULL, O_RECEIVED },
		{ "folder", required_argument, NULL, O_FOLDER },
		{ "move-to", required_argument, NULL, O_MOVE_TO },
		{ "mark-seen", optional_argument, NULL, O_MARK_SEEN },
		{ "daemon", optional_argument, NULL, O_DAEMON },
		{ "poll-interval", required_argument, NULL, O_POLL_INTERVAL },
		{ "idle-interval", required_argument, NULL, O_IDLE_INTERVAL },
		/* The daemon's own, for its fetch jobs (daemon_job.c). */
		{ "daemon-job", required_argument, NULL, O_DAEMON_JOB },
		{ "daemon-folder", required_argument, NULL, O_DAEMON_FOLDER },
		{ NULL, 0, NULL, 0 }
	};
	struct option *longopts;
	struct config *cfg = NULL;
	struct cliopts o;
	struct errinfo ei;
	const char **names = NULL;
	size_t n = 0;
	int c, i, rc = 0, h;

	sys_init();
	sys_catch_stop();
	log_init("mfetch");
	err_clear(&ei);
	cliopts_init(&o, SIDE_IN);
	longopts = cliopts_table(own);
	opterr = 0;	/* bad_option() says it in one line */
	while ((c = getopt_long(argc, argv, ":" CLIOPTS_SHORT "Aacsqj:Qn::k::",
	    longopts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			bad_option(argv, longopts, c);
			rc = status_exit_code(ST_USAGE);
			goto out;
		}
		/* Own first: mfetch's -a is not msend's -a NAME. */
		h = own_option(&o, c, optarg, &ei);
		if (h == 0)
			h = cliopts_handle(&o, c, optarg, &ei);
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
	if (folder_spec != NULL && setlist_add_side(&o.set, "folders", SIDE_IN,
	    folder_spec, &ei) < 0) {
		log_error("--folder: %s", ei.msg);
		rc = status_exit_code(ST_USAGE);
		goto out;
	}
	/* A daemon's job: the folders it names replace the account's. */
	if (job_folders != NULL && setlist_add_side(&o.set, "folders", SIDE_IN,
	    job_folders, &ei) < 0) {
		log_error("--daemon-folder: %s", ei.msg);
		rc = status_exit_code(ST_USAGE);
		goto out;
	}
	if (o.help) {
		usage(stdout);
		goto out;
	}
	if (o.version) {
		version_print(stdout, "mfetch");
		goto out;
	}
	/* Live progress when a person watches; -d and -Q: none. */
	fopts.progress = isatty(2) && !o.debug && !half_quiet;
	if (o.debug) {
		log_set_trace(1);
		log_set_level(LOG_LVL_DEBUG);
	}
	/* mpop style: accounts are named without an option. */
	for (i = optind; i < argc; i++)
		cliopts_handle(&o, CLIOPTS_ACCOUNT, argv[i], &ei);
	if (all_flag && (o.naccounts > 0 || o.host_given)) {
		log_error("-a/--all-accounts means every account (as in mpop): "
		    "name accounts without it (mfetch NAME or --account=NAME)");
		rc = status_exit_code(ST_USAGE);
		goto out;
	}
	if (cliopts_load_config(&o, 1, &cfg, &ei) < 0) {
		log_error("%s", ei.msg);
		rc = status_exit_code(ei.st);
		goto out;
	}
	if (job_account != NULL) {
		/* One account, quietly: the daemon's log says it all. */
		names = xcalloc(1, sizeof(*names));
		names[0] = job_account;
		n = 1;
		fopts.quiet = 1;
		fopts.progress = 0;
	} else if (o.host_given || (o.naccounts == 0 && (o.store_password ||
	    o.forget_password || (!all_flag && !fetch_mode(&o) &&
	    has_default(cfg))))) {
		/* --host, or the default account. */
		names = xcalloc(1, sizeof(*names));
		n = 1;
	} else if (o.naccounts > 0) {
		names = xcalloc(o.naccounts, sizeof(*names));
		for (n = 0; n < o.naccounts; n++)
			names[n] = o.accounts[n];
	} else {
		/* Every account (plain mfetch, -a; -P, -S, -A without a
		 * default account). */
		n = fetchrun_every_account(&o, cfg, &names);
		if (n == 0)
			n = 1;	/* names[0] NULL: the default's error */
	}
	if (job_account == NULL && fetch_mode(&o)) {
		struct account *first;

		if (wants_daemon(&o, cfg, names, n, &first)) {
			rc = run_daemon(&o, &cfg, names, n, first, argc, argv);
			account_free(first);
			free(names);
			goto out;
		}
		account_free(first);
	}
	rc = run_accounts(&o, cfg, names, n);
	free(names);
	/* --check: 0 when there is new mail, 1 when there is none. */
	if (rc == 0 && fopts.check_only && !fopts.status_only && !check_found)
		rc = 1;
	/* Stopped by a signal: what was in hand is rolled back; try again. */
	if (sys_stop_signal() != 0)
		rc = status_exit_code(ST_TEMPFAIL);
out:
	sasl_done();
	config_free(cfg);
	free(longopts);
	free(folder_spec);
	free(job_account);
	free(job_folders);
	cliopts_free(&o);
	log_close();
	return rc;
}
