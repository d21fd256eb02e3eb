/* msend: submit mail through SMTP, sendmail-compatible; --serverinfo. */
#include "autoconf.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authonly.h"
#include "cliopts.h"
#include "config.h"
#include "flush.h"
#include "fromaddr.h"
#include "info.h"
#include "log.h"
#include "mailjob.h"
#include "mailq.h"
#include "pwstore.h"
#include "sasl.h"
#include "sendopts.h"
#include "smtpd.h"
#include "status.h"
#include "sys.h"
#include "version.h"

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: msend [option...] [--] recipient...  < message\n"
"       msend [option...] -t [recipient...]  < message\n"
"       msend [option...] -bs                (SMTP on stdin and stdout)\n"
"       msend [option...] (--serverinfo | --auth-only)\n"
"       msend [option...] (--store-password | --forget-password) [account]\n"
"Submit mail through an SMTP server (sendmail compatible).\n"
"\n");
	cliopts_help(f);
	sendopts_help(f);
	fprintf(f, "\nSee msend(1) and facteur.conf(5).\n");
}

/*
 * An unknown option or a missing value: one line naming it and --help,
 * not the whole usage (it ends up in cron mail and PHP logs).  c is
 * getopt's '?' or ':'.
 */
static void
bad_option(int argc, char **argv, int c, const struct option *longopts)
{
	const char *w = optind - 1 < argc && optind >= 1 ? argv[optind - 1] :
	    "";
	char shortopt[3] = { '-', (char)optopt, '\0' };
	int len;

	if (strncmp(w, "--", 2) == 0) {
		len = (int)strcspn(w, "=");
		for (; w[len] == '=' && longopts->name != NULL; longopts++) {
			if (strlen(longopts->name) == (size_t)len - 2 &&
			    strncmp(longopts->name, w + 2, (size_t)len - 2) == 0) {
				log_error("option '%.*s' takes no value; see %s "
				    "--help", len, w, log_progname());
				return;
			}
		}
	} else {
		w = shortopt;
		len = 2;
	}
	if (c == ':')
		log_error("option '%.*s' needs a value; see %s --help", len, w,
		    log_progname());
	else
		log_error("unknown option '%.*s'; see %s --help", len, w,
		    log_progname());
}

/* The outgoing server of an account must at least have a host. */
static int
check_outgoing(const struct account *a, struct errinfo *ei)
{
	if (a->out.host != NULL && *a->out.host != '\0')
		return 0;
	if (a->file != NULL)
		return err_set(ei, ST_CONFIG, "%s:%d: account '%s' has no "
		    "outgoing server: add 'outgoing smtp://HOST' (or smtps://)",
		    a->file, a->line, a->name);
	return err_set(ei, ST_USAGE, "no outgoing server: give --host=HOST");
}

/* -bp (mailq), -q (--flush, --queue-flush-now=ID), --queue-remove=ID. */
static int
queue_mode(struct cliopts *o, const struct sendopts *so, struct errinfo *ei)
{
	struct config *cfg = NULL;
	struct flush_opts fo;
	struct flush_stats st;
	int rc;

	if (cliopts_load_config(o, 0, &cfg, ei) < 0)
		return -1;
	switch (so->mode) {
	case SEND_LIST_QUEUE:
		rc = mailq_list(stdout, o, cfg, 0, ei);
		break;
	case SEND_QUEUE_REMOVE:
		rc = mailq_remove(stdout, o, cfg, so->qid, ei);
		break;
	default:
		memset(&fo, 0, sizeof(fo));
		fo.id = so->qid;
		fo.account = o->naccounts > 0 ? o->accounts[o->naccounts - 1] :
		    NULL;
		rc = flush_run(o, cfg, &fo, &st, ei);
		log_debug("flush: %lu sent, %lu deferred, %lu bounced, %lu "
		    "busy, %lu unreadable", st.sent, st.deferred, st.bounced,
		    st.busy, st.broken);
		break;
	}
	config_free(cfg);
	return rc;
}

static int
run(struct cliopts *o, const struct sendopts *so, struct errinfo *ei)
{
	struct config *cfg = NULL;
	struct account *a = NULL;
	const char *name = o->naccounts ? o->accounts[o->naccounts - 1] : NULL;
	int rc = -1;

	if (!o->pretend && !o->serverinfo && !o->auth_only &&
	    !o->store_password && !o->forget_password) {
		switch (so->mode) {
		case SEND_LIST_QUEUE:
		case SEND_FLUSH:
		case SEND_QUEUE_REMOVE:
			return queue_mode(o, so, ei);
		case SEND_NEWALIASES:
			return 0;	/* the aliases file needs no database */
		case SEND_SMTP:
			return smtpd_run_stdio(so, o, ei);
		case SEND_MAIL:
			break;
		}
		return mailjob_run(so, o, 0, NULL, ei);
	}
	if (cliopts_load_config(o, 1, &cfg, ei) < 0)
		return -1;
	if (cliopts_resolve(o, cfg, name, &a, ei) < 0)
		goto out;
	fromaddr_expand_account(a);
	if (cliopts_open_logs(a, ei) < 0)
		goto out;
	if (o->pretend) {
		cliopts_pretend(stdout, a, SIDE_OUT);
		rc = 0;
		goto out;
	}
	if (check_outgoing(a, ei) < 0)
		goto out;
	if (o->store_password || o->forget_password) {
		rc = pwstore_run(&a->out, a->address, o->forget_password, stdout,
		    ei);
		goto out;
	}
	if (o->serverinfo) {
		rc = smtp_serverinfo(stdout, &a->out, ei);
		goto out;
	}
	if (o->auth_only) {
		rc = send_auth_only(stdout, a, ei);
		goto out;
	}
	err_set(ei, ST_SOFTWARE, "nothing to do");
out:
	account_free(a);
	config_free(cfg);
	return rc;
}

int
main(int argc, char **argv)
{
	struct option *longopts;
	struct sendopts so;
	struct cliopts o;
	struct errinfo ei;
	int c, rc;

	sys_init();
	log_init("msend");
	err_clear(&ei);
	cliopts_init(&o, SIDE_OUT);
	sendopts_init(&so);
	sendopts_progname(&so, argv[0]);
	longopts = cliopts_table(sendopts_long);
	opterr = 0;	/* one line of ours, not getopt's and a usage */
	while ((c = getopt_long(argc, argv, ":a:" CLIOPTS_SHORT SENDOPTS_SHORT,
	    longopts, NULL)) != -1) {
		int h;

		if (c == '?' || c == ':') {
			bad_option(argc, argv, c, longopts);
			rc = status_exit_code(ST_USAGE);
			goto out;
		}
		h = sendopts_handle(&so, &o, c, optarg, &ei);
		if (h < 0) {
			log_error("%s", ei.msg);
			rc = status_exit_code(ei.st);
			goto out;
		}
		if (h == 0 && cliopts_handle(&o, c, optarg, &ei) <= 0) {
			if (ei.st == ST_OK)
				err_set(&ei, ST_USAGE, "unknown option");
			log_error("%s", ei.msg);
			rc = status_exit_code(ei.st);
			goto out;
		}
	}
	if (o.help) {
		usage(stdout);
		rc = 0;
		goto out;
	}
	if (o.version) {
		version_print(stdout, "msend");
		rc = 0;
		goto out;
	}
	if (o.debug) {
		log_set_trace(1);
		log_set_level(LOG_LVL_DEBUG);
	}
	if ((o.store_password || o.forget_password) && optind < argc) {
		/* msend --store-password ACCOUNT */
		cliopts_handle(&o, 'a', argv[optind++], &ei);
	}
	if (optind < argc && (o.serverinfo || o.auth_only ||
	    o.store_password || o.forget_password)) {
		log_error("unexpected argument '%s'", argv[optind]);
		rc = status_exit_code(ST_USAGE);
		goto out;
	}
	for (; optind < argc; optind++) {
		if (sendopts_add_rcpt(&so, argv[optind], &ei) < 0) {
			log_error("%s", ei.msg);
			rc = status_exit_code(ei.st);
			goto out;
		}
	}
	rc = run(&o, &so, &ei) < 0 ? status_exit_code(ei.st) : 0;
	if (rc != 0)
		log_error("%s", ei.msg);
out:
	sasl_done();
	free(longopts);
	sendopts_free(&so);
	cliopts_free(&o);
	log_close();
	return rc;
}
