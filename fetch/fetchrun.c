/* fetchrun: one account, from the lock to the summary. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deliver.h"
#include "fetchrun.h"
#include "log.h"
#include "login.h"
#include "policy.h"
#include "pop3_auth.h"
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

static const char *
label(const struct account *a)
{
	return a->name != NULL && *a->name != '\0' ? a->name : a->in.host;
}

/* RFC 2449 EXPIRE: the server may delete before "keep" would. */
static void
expire_warning(const struct account *a, const struct pop3 *p,
    const struct fetch_policy *pol)
{
	int days = p->caps.expire_days;

	if (days < 0 || pol->keep == 0 || pol->check_only)
		return;
	if (pol->keep == KEEP_FOREVER || pol->keep > days * 86400L)
		log_warn("%s: the server deletes fetched messages %s (EXPIRE "
		    "%d), whatever 'keep' says", label(a), days == 0 ?
		    "at once" : "after that many days", days);
}

/* The account's delivery target (temporary files in the state directory). */
static int
make_sink(const struct account *a, struct sink **sink_r, struct errinfo *ei)
{
	struct sink_opts so;
	char *sd;
	int rc;

	if (a->delivery == NULL || *a->delivery == '\0')
		return err_set(ei, ST_CONFIG, "account '%s' has no delivery: add "
		    "'delivery mbox,~/mail/inbox' (or maildir,DIR or "
		    "mda,COMMAND), or give --delivery", label(a));
	sd = statedir();
	so.statedir = sd;
	so.timeout = a->in.timeout;
	rc = sink_new(a->delivery, &so, sink_r, ei);
	free(sd);
	return rc;
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
			    "UIDs)", label(a), im.skipped, im.skipped == 1 ? "" :
			    "s", im.from);
		log_info("%s: state taken over from %s into %s (%zu UIDs)",
		    label(a), im.from, path, u->n);
		if (!o->quiet)
			fprintf(out, "%s: starting from %s (%zu message%s "
			    "fetched before)\n", label(a), im.from, u->n,
			    u->n == 1 ? "" : "s");
	}
	free(im.from);
	free(legacy);
	free(mpop);
	free(fetchids);
	free(path);
	return rc;
}

int
fetch_account(FILE *out, const struct account *a,
    const struct fetchrun_opts *o, unsigned long *fresh_r,
    struct errinfo *ei)
{
	struct fetch_policy pol;
	struct fetch_stats st;
	struct uidstate u;
	struct sink *sink = NULL;
	struct delivery d;
	struct pop3 p;
	struct login lg;
	int rc = -1, opened = 0;
	struct errinfo sei;

	*fresh_r = 0;
	memset(&st, 0, sizeof(st));
	st.progress = o->progress && !o->quiet && !o->check_only;
	clock_gettime(CLOCK_MONOTONIC, &st.t0);
	if (a->in.proto != PROTO_POP3)
		return err_set(ei, ST_UNAVAILABLE, "account '%s': fetching over "
		    "IMAP is not available in this version yet (POP3 is)",
		    label(a));
	policy_from_account(&pol, a);
	pol.check_only = o->check_only;
	if (!o->check_only && make_sink(a, &sink, ei) < 0)
		return -1;
	if (open_state(out, a, o, &u, ei) < 0) {
		uidstate_close(&u);
		sink_free(sink);
		return -1;
	}
	u.label = xasprintf("account %s, host %s, user %s", label(a), a->in.host,
	    server_login_user(&a->in, a->address));
	if (u.login_delay > 0 && time(NULL) < u.last_login + u.login_delay) {
		/* RFC 2449 LOGIN-DELAY: not yet. */
		if (!o->quiet || o->check_only)
			fprintf(out, "%s: not fetched: the server allows one login "
			    "every %ld seconds (LOGIN-DELAY); the next in %ld\n",
			    label(a), u.login_delay, (long)(u.last_login +
			    u.login_delay - time(NULL)));
		uidstate_close(&u);
		sink_free(sink);
		return 0;
	}
	delivery_init(&d, sink);
	if (pop3_open(&p, &a->in, ei) == 0) {
		opened = 1;
		login_init(&lg, &a->in, a->name, a->address, conn_tls(p.c));
		if (pop3_login(&p, &lg, ei) == 0) {
			u.last_login = time(NULL);
			u.login_delay = p.caps.login_delay;
			expire_warning(a, &p, &pol);
			rc = pop3_fetch(&p, &d, &u, &pol, &st, ei);
		}
		login_free(&lg);
	}
	/*
	 * QUIT makes the DELEs happen.  Their UIDs are journaled first, so
	 * that a run that dies before QUIT's answer forgets them (a server
	 * may give a deleted message's UID to a new one); if that cannot be
	 * written, no QUIT: the server undoes the deletions.  Once QUIT is
	 * answered +OK they are final and the UIDs are forgotten.
	 */
	if (opened && !p.broken) {
		int quit = uidstate_deletions_pending(&u, &sei) == 0;

		if (!quit) {
			log_error("%s (no QUIT: the server keeps the messages)",
			    sei.msg);
			if (rc == 0) {
				*ei = sei;
				rc = -1;
			}
		}
		uidstate_deletions_done(&u, pop3_close(&p, quit));
	} else {
		pop3_close(&p, 1);
	}
	if (opened && uidstate_save(&u, rc == 0, &sei) < 0) {
		log_error("%s", sei.msg);
		if (rc == 0) {
			*ei = sei;
			rc = -1;
		}
	}
	uidstate_close(&u);
	delivery_free(&d);
	sink_free(sink);
	*fresh_r = st.fresh;
	if (opened && (!o->quiet || o->check_only)) {
		char b1[32], b2[32];

		human(st.fresh_bytes, b1, sizeof(b1));
		human(st.fetched_bytes, b2, sizeof(b2));
		if (o->check_only)
			fprintf(out, "%s: %lu new message%s (%s) of %lu\n",
			    label(a), st.fresh, st.fresh == 1 ? "" : "s", b1,
			    st.messages);
		else if (!o->quiet)
			fprintf(out, "%s: %lu message%s fetched (%s), %lu deleted, "
			    "%lu skipped, %lu on the server before\n", label(a),
			    st.fetched, st.fetched == 1 ? "" : "s", b2, st.deleted,
			    st.skipped, st.messages);
	}
	log_info("account=%s host=%s fetched=%lu bytes=%llu deleted=%lu "
	    "skipped=%lu messages=%lu status=%s", label(a), a->in.host,
	    st.fetched, st.fetched_bytes, st.deleted, st.skipped, st.messages,
	    rc == 0 ? "ok" : ei->msg);
	return rc;
}
