/* fetchrun: one account, from the lock to the summary. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deliver.h"
#include "fetchrun.h"
#include "imap_fetch.h"
#include "log.h"
#include "placeholder.h"
#include "policy.h"
#include "pop3_fetch.h"
#include "sink.h"
#include "statedir.h"
#include "uidimport.h"
#include "uidstate.h"
#include "xalloc.h"

static void
human(unsigned long long n, char *out, size_t outsz)
{
	if (n >= 10ULL * 1024 * 1024)
		snprintf(out, outsz, "%llu MiB", n / (1024 * 1024));
	else if (n >= 10 * 1024)
		snprintf(out, outsz, "%llu KiB", n / 1024);
	else
		snprintf(out, outsz, "%llu bytes", n);
}

/* The protocol's session, or NULL when this version has none. */
static const struct fetch_session_ops *
session_ops(const struct account *a)
{
	switch (a->in.proto) {
	case PROTO_POP3:
		return &pop3_session;
	case PROTO_IMAP:
		return &imap_session;
	default:
		return NULL;
	}
}

/* The account's delivery target (temporary files in the state directory). */
static int
make_sink(const struct account *a, struct sink **sink_r, struct errinfo *ei)
{
	struct sink_opts so;
	char *sd, *spec;
	int rc;

	if (a->delivery == NULL || *a->delivery == '\0')
		return err_set(ei, ST_CONFIG, "account '%s' has no delivery: add "
		    "'delivery mbox,~/mail/inbox' (or maildir,DIR or "
		    "mda,COMMAND), or give --delivery", account_label(a));
	/* %f: INBOX; an IMAP account's folders get their own (imap_folder.c). */
	spec = placeholder_folder(a->delivery, "INBOX");
	sd = statedir();
	so.statedir = sd;
	so.timeout = a->in.timeout;
	rc = sink_new(spec, &so, sink_r, ei);
	free(sd);
	free(spec);
	return rc;
}

/* mpop's --status-only: "new: 2 messages in 1.46 KiB, total: ...". */
static void
mpop_size(unsigned long long n, char *out, size_t outsz)
{
	if (n >= 1024ULL * 1024 * 1024)
		snprintf(out, outsz, "%.2f GiB", (double)n / 1073741824.0);
	else if (n >= 1024ULL * 1024)
		snprintf(out, outsz, "%.2f MiB", (double)n / 1048576.0);
	else if (n >= 1024)
		snprintf(out, outsz, "%.2f KiB", (double)n / 1024.0);
	else
		snprintf(out, outsz, "%llu bytes", n);
}

/*
 * The account's line on stdout: only what is known.  A run that failed
 * before the server's list was read says nothing here (main() prints the
 * error); one that failed later says how far it got.
 */
static void
summary(FILE *out, const struct account *a, const struct fetchrun_opts *o,
    const struct fetch_stats *st, int rc)
{
	char b1[32], b2[32];

	if (!st->inventoried || (o->quiet && !o->check_only))
		return;
	if (o->status_only) {
		if (rc != 0)
			return;
		mpop_size(st->fresh_bytes, b1, sizeof(b1));
		mpop_size(st->messages_bytes, b2, sizeof(b2));
		fprintf(out, "%s at %s:\nnew: %lu message%s in %s, total: %lu "
		    "message%s in %s\n", server_login_user(&a->in, a->address),
		    a->in.host, st->fresh,
		    st->fresh == 1 ? "" : "s", b1, st->messages,
		    st->messages == 1 ? "" : "s", b2);
	} else if (o->check_only) {
		if (rc != 0)
			return;
		human(st->fresh_bytes, b1, sizeof(b1));
		fprintf(out, "%s: %lu new message%s (%s) of %lu\n", account_label(a),
		    st->fresh, st->fresh == 1 ? "" : "s", b1, st->messages);
	} else {
		human(st->fetched_bytes, b2, sizeof(b2));
		fprintf(out, "%s: %lu message%s fetched (%s), %lu deleted, "
		    "%lu skipped, %lu on the server before%s\n", account_label(a),
		    st->fetched, st->fetched == 1 ? "" : "s", b2, st->deleted,
		    st->skipped, st->messages, rc == 0 ? "" :
		    "; then stopped by an error");
	}
}

/* mpop's default uidls_file, ~/.mpop_uidls/%U_at_%H. */
static char *
mpop_default(const char *user, const char *host)
{
	char *pat = xasprintf("%s/.mpop_uidls/%%U_at_%%H", statedir_home());
	char *r = uidstate_expand(pat, user, host);

	free(pat);
	return r;
}

char *
fetchrun_state_path(const struct account *a)
{
	const char *user = server_login_user(&a->in, a->address);

	return a->uidls_file != NULL ? uidstate_expand(a->uidls_file, user,
	    a->in.host) : uidstate_default_path(a->name, a->in.host, user);
}

/*
 * Lock and load the account's state; an account without state yet starts
 * from facteur's older per-login file, else mpop's or fetchmail's record
 * (uidimport), and says so.
 */
static int
open_state(FILE *out, const struct account *a, const struct fetchrun_opts *o,
    struct uidstate *u, struct errinfo *ei)
{
	struct uidimport im;
	char *path = fetchrun_state_path(a), *legacy = NULL, *mpop, *fetchids;
	int rc;

	memset(&im, 0, sizeof(im));
	im.user = server_login_user(&a->in, a->address);
	im.host = a->in.host;
	im.now = time(NULL);
	if (a->uidls_file == NULL)
		legacy = uidstate_legacy_path(a->in.host, im.user);
	im.legacy = legacy;
	mpop = a->mpop_uidls_file != NULL ? uidstate_expand(a->mpop_uidls_file,
	    im.user, im.host) : mpop_default(im.user, im.host);
	im.mpop = mpop;
	fetchids = a->fetchmail_idfile != NULL ? xstrdup(a->fetchmail_idfile) :
	    uidimport_fetchids_default(statedir_home());
	im.fetchids = fetchids;
	rc = uidstate_open_seeded(u, path, uidimport_seed, &im, ei);
	if (rc == 0 && im.from != NULL) {
		if (im.skipped > 0)
			log_warn("%s: %zu UID%s of %s skipped (not valid POP3 "
			    "UIDs)", account_label(a), im.skipped, im.skipped == 1 ? "" :
			    "s", im.from);
		log_info("%s: state taken over from %s into %s (%zu UIDs)",
		    account_label(a), im.from, path, u->n);
		if (!o->quiet)
			fprintf(out, "%s: starting from %s (%zu message%s "
			    "fetched before)\n", account_label(a), im.from, u->n,
			    u->n == 1 ? "" : "s");
	}
	free(im.from);
	free(legacy);
	free(mpop);
	free(fetchids);
	free(path);
	return rc;
}

/* The session; the stats say how far it got. */
static int
run_account(FILE *out, const struct account *a,
    const struct fetchrun_opts *o, struct fetch_stats *stp,
    struct errinfo *ei)
{
	struct fetch_policy pol;
	struct uidstate u;
	struct sink *sink = NULL;
	struct delivery d;
	const struct fetch_session_ops *so = session_ops(a);
	void *sess = NULL;
	char *fsd = NULL;
	int rc = -1;
	struct errinfo sei;

	stp->progress = o->progress && !o->quiet && !o->check_only;
	clock_gettime(CLOCK_MONOTONIC, &stp->t0);
	if (so == NULL)
		return err_set(ei, ST_CONFIG, "account '%s': mfetch cannot fetch "
		    "over %s", account_label(a), proto_name(a->in.proto));
	policy_from_account(&pol, a);
	pol.check_only = o->check_only;
	if (!o->check_only && make_sink(a, &sink, ei) < 0)
		return -1;
	if (open_state(out, a, o, &u, ei) < 0) {
		uidstate_close(&u);
		sink_free(sink);
		return -1;
	}
	u.label = xasprintf("account %s, host %s, user %s", account_label(a), a->in.host,
	    server_login_user(&a->in, a->address));
	if (u.login_delay > 0 && time(NULL) < u.last_login + u.login_delay) {
		/* RFC 2449 LOGIN-DELAY: not yet. */
		if (!o->quiet || o->check_only)
			fprintf(out, "%s: not fetched: the server allows one login "
			    "every %ld seconds (LOGIN-DELAY); the next in %ld\n",
			    account_label(a), u.login_delay, (long)(u.last_login +
			    u.login_delay - time(NULL)));
		uidstate_close(&u);
		sink_free(sink);
		return 0;
	}
	delivery_init(&d, sink);
	if (a->filter != NULL && *a->filter != '\0') {
		/* mpop's filter: the header of each message to fetch first. */
		fsd = statedir();
		d.filter = a->filter;
		d.filter_opts.statedir = fsd;
		d.filter_opts.timeout = a->in.timeout;
	}
	if (so->open(&sess, a, &u, &pol, ei) == 0)
		rc = so->fetch(sess, &d, &u, &pol, stp, ei);
	if (sess != NULL && so->close(sess, &u, &sei) < 0) {
		if (rc == 0) {
			*ei = sei;
			rc = -1;
		} else {
			log_error("%s", sei.msg);
		}
	}
	if (sess != NULL && uidstate_save(&u, rc == 0, &sei) < 0) {
		if (rc == 0) {
			*ei = sei;
			rc = -1;
		} else {
			log_error("%s", sei.msg);
		}
	}
	uidstate_close(&u);
	delivery_free(&d);
	sink_free(sink);
	free(fsd);
	return rc;
}

int
fetch_account(FILE *out, const struct account *a,
    const struct fetchrun_opts *o, unsigned long *fresh_r,
    struct errinfo *ei)
{
	struct fetch_stats st;
	int rc;

	memset(&st, 0, sizeof(st));
	rc = run_account(out, a, o, &st, ei);
	*fresh_r = st.fresh;
	summary(out, a, o, &st, rc);
	/* One token for the status; the message, escaped, last. */
	log_info("account=%s host=%s fetched=%lu bytes=%llu deleted=%lu "
	    "skipped=%lu messages=%lu status=%s%s%s", account_label(a), a->in.host,
	    st.fetched, st.fetched_bytes, st.deleted, st.skipped, st.messages,
	    rc == 0 ? "ok" : status_token(ei->st), rc == 0 ? "" : " error=",
	    rc == 0 ? "" : ei->msg);
	return rc;
}


/* A duration as keep takes it: 14d, 12h, 90m, 45s. */
static void
duration(long s, char *out, size_t outsz)
{
	if (s % 86400 == 0)
		snprintf(out, outsz, "%ldd", s / 86400);
	else if (s % 3600 == 0)
		snprintf(out, outsz, "%ldh", s / 3600);
	else if (s % 60 == 0)
		snprintf(out, outsz, "%ldm", s / 60);
	else
		snprintf(out, outsz, "%lds", s);
}

void
fetchrun_pretend(FILE *f, const struct account *a)
{
	static const char *const tri[] = { "auto", "on", "off" };
	char keep[32], *path = fetchrun_state_path(a);

	if (a->keep == KEEP_FOREVER)
		snprintf(keep, sizeof(keep), "on");
	else if (a->keep == 0)
		snprintf(keep, sizeof(keep), "off");
	else
		duration(a->keep, keep, sizeof(keep));
	fprintf(f, "delivery           = %s\n", a->delivery != NULL &&
	    *a->delivery != '\0' ? a->delivery : "(not set: nothing is "
	    "fetched)");
	fprintf(f, "keep               = %s\n", keep);
	fprintf(f, "uidls_file         = %s\n", path);
	fprintf(f, "only_new           = %s\n", a->fetchall ? "off" : "on");
	fprintf(f, "fetchall           = %s\n", a->fetchall ? "on" : "off");
	if (a->killsize > 0)
		fprintf(f, "killsize           = %llu\n", a->killsize);
	else
		fprintf(f, "killsize           = off\n");
	if (a->skipsize > 0)
		fprintf(f, "skipsize           = %llu\n", a->skipsize);
	else
		fprintf(f, "skipsize           = off\n");
	if (a->max_messages > 0)
		fprintf(f, "max_messages       = %ld\n", a->max_messages);
	else
		fprintf(f, "max_messages       = off\n");
	fprintf(f, "received_header    = %s\n", a->received_header ? "on" :
	    "off");
	fprintf(f, "pipelining         = %s\n", tri[a->pipelining % 3]);
	fprintf(f, "filter             = %s\n", a->filter != NULL &&
	    *a->filter != '\0' ? a->filter : "(not set)");
	if (a->in.proto == PROTO_IMAP) {
		fprintf(f, "folders            = %s\n", a->folders != NULL &&
		    *a->folders != '\0' ? a->folders : "INBOX");
		fprintf(f, "move_to            = %s\n", a->move_to != NULL &&
		    *a->move_to != '\0' ? a->move_to : "(not set)");
		fprintf(f, "mark_seen          = %s\n", a->mark_seen ? "on" :
		    "off");
	}
	duration(a->poll_interval, keep, sizeof(keep));
	fprintf(f, "daemon             = %s\n", a->daemon ? "on" : "off");
	fprintf(f, "poll_interval      = %s\n", keep);
	if (a->in.proto == PROTO_IMAP) {
		duration(a->idle_interval, keep, sizeof(keep));
		fprintf(f, "idle_interval      = %s\n", keep);
		fprintf(f, "imap_notify        = %s\n", a->imap_notify ? "on" :
		    "off");
	}
	free(path);
}

/*
 * Every account with an incoming server, in file order, into *names_r
 * (free() it).  An account that cannot be resolved stays in: its error
 * shows when it runs.
 */
size_t
fetchrun_every_account(const struct cliopts *o, const struct config *cfg,
    const char ***names_r)
{
	const char **names;
	size_t i, n = 0;

	names = xcalloc(cfg != NULL ? config_count(cfg) + 1 : 1,
	    sizeof(*names));
	for (i = 0; cfg != NULL && i < config_count(cfg); i++) {
		struct account *a;
		struct errinfo ei;

		if (config_is_alias(cfg, i))
			continue;
		if (config_resolve(cfg, config_name(cfg, i), &o->set, &a,
		    &ei) < 0) {
			names[n++] = config_name(cfg, i);
			continue;
		}
		if (a->in.host == NULL || *a->in.host == '\0') {
			/* An account for msend only. */
		} else {
			names[n++] = config_name(cfg, i);
		}
		account_free(a);
	}
	*names_r = names;
	return n;
}
