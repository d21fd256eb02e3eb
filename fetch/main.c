/* mfetch: fetch mail from POP3 and IMAP servers; --serverinfo. */
#include "autoconf.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authonly.h"
#include "cliopts.h"
#include "config.h"
#include "info.h"
#include "log.h"
#include "pwstore.h"
#include "sasl.h"
#include "status.h"
#include "sys.h"
#include "version.h"

enum {
	O_PROTOCOL = CLIOPTS_OWN_BASE
};

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: mfetch [option...] (--serverinfo | --auth-only) [account...]\n"
"       mfetch [option...] (--store-password | --forget-password) [account]\n"
"Fetch mail from POP3 and IMAP servers.\n"
"\n"
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
		rc = err_set(ei, ST_UNAVAILABLE, "fetching mail is not available "
		    "in this version yet; use --serverinfo or --auth-only");
	}
	account_free(a);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option own[] = {
		{ "protocol", required_argument, NULL, O_PROTOCOL },
		{ NULL, 0, NULL, 0 }
	};
	struct option *longopts;
	struct config *cfg = NULL;
	struct cliopts o;
	struct errinfo ei;
	int c, i, rc = 0, h;

	sys_init();
	log_init("mfetch");
	err_clear(&ei);
	cliopts_init(&o, SIDE_IN);
	longopts = cliopts_table(own);
	while ((c = getopt_long(argc, argv, CLIOPTS_SHORT "A", longopts,
	    NULL)) != -1) {
		if (c == '?' || c == ':') {
			usage(stderr);
			rc = status_exit_code(ST_USAGE);
			goto out;
		}
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
	if (o.help) {
		usage(stdout);
		goto out;
	}
	if (o.version) {
		version_print(stdout, "mfetch");
		goto out;
	}
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
	if (o.naccounts == 0 || o.host_given) {
		if (one_account(&o, cfg, NULL, &ei) < 0) {
			log_error("%s", ei.msg);
			rc = status_exit_code(ei.st);
		}
	}
	for (i = 0; !o.host_given && (size_t)i < o.naccounts; i++) {
		if (one_account(&o, cfg, o.accounts[i], &ei) < 0) {
			log_error("%s", ei.msg);
			if (rc == 0)
				rc = status_exit_code(ei.st);
		}
	}
out:
	sasl_done();
	config_free(cfg);
	free(longopts);
	cliopts_free(&o);
	log_close();
	return rc;
}
