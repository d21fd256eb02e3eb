/* mailjob: one message from stdin to the server. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "addr.h"
#include "aliases.h"
#include "config.h"
#include "enqueue.h"
#include "flush.h"
#include "fromaddr.h"
#include "hdr.h"
#include "log.h"
#include "mailjob.h"
#include "msghdr.h"
#include "outgoing.h"
#include "qualify.h"
#include "session.h"
#include "smtp.h"
#include "spool.h"
#include "submit.h"
#include "xalloc.h"

#define LOGLINE_RCPTS_MAX 2000	/* bytes of recipients in the log line */

struct job {
	const struct sendopts *so;
	struct cliopts *co;
	struct config *cfg;
	struct account *a;
	struct spool sp;
	char *from;			/* envelope sender */
	struct addr_list rcpts;
	struct buf hdr;			/* the header to send */
	struct submit_result res;
	struct mailjob_out *out;
	int *rcode;			/* by recipient: its non-2xx RCPT reply */
	int at_login;			/* the login is what failed */
	struct timespec t0;
	unsigned long turns;
};

/*
 * The envelope sender an account has of its own, expanded (%U %H %C %M;
 * auto_from: $USER@maildomain); may be a pattern; NULL if none.
 */
static char *
account_from(const struct account *a, const char *sender)
{
	struct fromaddr_env env;
	const char *u;

	if (a->auto_from) {
		u = fromaddr_user();
		if (a->maildomain == NULL || *a->maildomain == '\0')
			return xstrdup(u);
		return xasprintf("%s@%s", u, a->maildomain);
	}
	if (a->address == NULL || *a->address == '\0')
		return NULL;
	if (strstr(a->address, "%F") == NULL)
		return fromaddr_expand(a->address, "UHCM");
	/* %F: the message's sender; without one the account has none. */
	if (sender == NULL || *sender == '\0')
		return NULL;
	memset(&env, 0, sizeof(env));
	env.from_header = sender;
	return fromaddr_subst(a->address, "F", &env);
}

/*
 * The first account whose envelope sender matches addr (msmtp: equal,
 * a wildcard pattern, or addr's subaddress user+detail@), or NULL (the
 * default then).  With header_only, only accounts that opted in with
 * select_by_from_header.
 */
static char *
account_for(const struct config *cfg, const struct cliopts *co,
    const char *addr, const char *sender, int header_only)
{
	size_t i;
	char *name = NULL;

	if (cfg == NULL || addr == NULL || *addr == '\0')
		return NULL;
	for (i = 0; i < config_count(cfg) && name == NULL; i++) {
		struct account *a;
		struct errinfo ei;
		char *from;

		if (config_is_alias(cfg, i) ||
		    config_resolve(cfg, config_name(cfg, i), &co->set, &a,
		    &ei) < 0)
			continue;
		fromaddr_expand_account(a);
		from = account_from(a, sender);
		if (fromaddr_match(from, addr) &&
		    (!header_only || a->select_by_from_header))
			name = xstrdup(config_name(cfg, i));
		free(from);
		account_free(a);
	}
	return name;
}

/*
 * msmtp's EMAIL and SMTPSERVER: used when neither -a nor --host is given
 * and there is no default account (no accounts file, or one without a
 * "default" or a single account).
 */
static int
use_environment(const struct job *j)
{
	const char *srv = getenv("SMTPSERVER");
	struct account *a;
	struct errinfo ei;

	if (srv == NULL || *srv == '\0' || j->co->host_given ||
	    j->co->naccounts > 0)
		return 0;
	if (j->cfg == NULL)
		return 1;
	if (config_resolve(j->cfg, NULL, NULL, &a, &ei) < 0)
		return 1;
	account_free(a);
	return 0;
}

static int
resolve_environment(struct job *j, struct errinfo *ei)
{
	const char *srv = getenv("SMTPSERVER"), *email = getenv("EMAIL");
	struct setlist env;
	int rc = -1;

	setlist_init(&env);
	if (setlist_add_side(&env, "host", SIDE_OUT, srv, ei) < 0)
		err_prefix(ei, "SMTPSERVER: ");
	else if (email != NULL && *email != '\0' &&
	    setlist_add_side(&env, "address", SIDE_OUT, email, ei) < 0)
		err_prefix(ei, "EMAIL: ");
	else
		rc = 0;
	if (rc == 0) {
		/* The command line still overrides them. */
		setlist_append(&env, &j->co->set);
		rc = config_resolve(NULL, NULL, &env, &j->a, ei);
	}
	if (rc < 0 && ei->st == ST_OK)
		ei->st = ST_CONFIG;
	setlist_free(&env);
	return rc;
}

/*
 * -a names the account.  Else the caller's envelope sender chooses it
 * (-f, or --read-envelope-from: the From address becomes the sender).
 * The From field alone does not: whoever wrote the message wrote it (a
 * web form copies a visitor's address there), so it selects only an
 * account that asked for it; otherwise the default account sends.
 */
static int
choose_account(struct job *j, struct errinfo *ei)
{
	const struct cliopts *co = j->co;
	char *name = NULL, *hfrom = NULL, *sender;
	int rc;

	sender = msghdr_sender_address(j->sp.hdr.data, j->sp.hdr.len);
	if (co->naccounts > 0) {
		name = xstrdup(co->accounts[co->naccounts - 1]);
	} else if (j->so->from != NULL && *j->so->from != '\0') {
		name = account_for(j->cfg, co, j->so->from, sender, 0);
	} else if (j->so->read_envelope_from) {
		name = account_for(j->cfg, co, sender, sender, 0);
	} else {
		hfrom = msghdr_from_address(j->sp.hdr.data, j->sp.hdr.len);
		name = account_for(j->cfg, co, hfrom, sender, 1);
	}
	free(sender);
	if (name == NULL && use_environment(j))
		rc = resolve_environment(j, ei);
	else
		rc = cliopts_resolve(co, j->cfg, name, &j->a, ei);
	free(name);
	free(hfrom);
	if (rc == 0)
		fromaddr_expand_account(j->a);
	return rc;
}

/*
 * Where local names and local senders go (send/qualify.h): to the
 * account's own address when it is a plain one (not a pattern, not %F);
 * nowhere over LMTP, whose servers expect local names.
 */
static void
qualify_setup(const struct job *j, struct qualify *q)
{
	const char *ad = j->a->address;

	if (j->a->out.lmtp || ad == NULL || fromaddr_is_pattern(ad) ||
	    strstr(ad, "%F") != NULL)
		ad = NULL;
	qualify_init(q, ad, fromaddr_host());
}

/*
 * msmtp's order: -f (or --read-envelope-from) when allow_from_override
 * is on or the account has no sender; else the account's own (from, with
 * its substitutions, or auto_from).  An account whose from is a pattern
 * takes a matching -f even with allow_from_override off.
 */
static int
envelope_from(struct job *j, struct errinfo *ei)
{
	char *sender = msghdr_sender_address(j->sp.hdr.data, j->sp.hdr.len);
	char *given = NULL, *own = account_from(j->a, sender);
	struct qualify q;
	const char *to;
	int rc = 0;

	free(sender);
	if (j->so->from != NULL) {
		given = xstrdup(j->so->from);
	} else if (j->so->read_envelope_from) {
		given = msghdr_sender_address(j->sp.hdr.data, j->sp.hdr.len);
		if (given == NULL)
			rc = err_set(ei, ST_DATA, "--read-envelope-from: the "
			    "message has no From address");
	}
	if (rc < 0) {
		/* nothing */
	} else if (given != NULL && (j->a->allow_from_override ||
	    own == NULL)) {
		j->from = given;
		given = NULL;
	} else if (own != NULL && !fromaddr_is_pattern(own)) {
		if (given != NULL)
			log_debug("allow_from_override is off: the envelope "
			    "sender is the account's, %s, not %s", own, given);
		j->from = own;
		own = NULL;
	} else if (own != NULL && given != NULL &&
	    fromaddr_match(own, given)) {
		j->from = given;
		given = NULL;
	} else if (own != NULL) {
		rc = err_set(ei, ST_USAGE, "the account's address '%.200s' is a "
		    "pattern%s: give -f ADDRESS (matching it)", own, given !=
		    NULL ? " that the sender does not match" : "");
	} else {
		rc = err_set(ei, ST_CONFIG, "no envelope sender: set "
		    "'address' in the account, or use -f ADDRESS");
	}
	free(given);
	free(own);
	if (rc < 0)
		return -1;
	qualify_setup(j, &q);
	if ((to = qualify_sender(&q, j->from)) != NULL) {
		log_debug("local envelope sender %s sent as %s", j->from, to);
		free(j->from);
		j->from = xstrdup(to);
	}
	if (!addr_envelope_ok(j->from) || (*j->from != '\0' &&
	    !addr_mailbox_ok(j->from)))
		return err_set(ei, ST_DATA, "invalid envelope sender '%.200s'",
		    j->from);
	return 0;
}

/* Remove later copies of the same address. */
static void
dedupe(struct addr_list *l)
{
	size_t i, k, n = 0;

	for (i = 0; i < l->n; i++) {
		for (k = 0; k < n; k++)
			if (addr_equal(l->v[k], l->v[i]))
				break;
		if (k < n) {
			free(l->v[i]);
			continue;
		}
		l->v[n++] = l->v[i];
	}
	l->n = n;
}

/*
 * A broken or missing aliases file is a warning; it stops only the
 * local names that needed it (they are reported as not sent, exit 67),
 * or the whole message when every recipient was one.
 */
static int
expand_aliases(struct job *j, struct errinfo *ei)
{
	struct addr_list failed;
	size_t i;
	int rc = 0;

	addr_list_init(&failed);
	if (aliases_expand(j->a->aliases, &j->rcpts, &failed, ei) < 0) {
		log_warn("%s", ei->msg);
		for (i = 0; i < failed.n; i++)
			buf_printf(&j->res.refused, "recipient <%s> not sent: "
			    "a local name needs the aliases file\n", failed.v[i]);
		if (failed.n > 0 && j->rcpts.n == 0)
			rc = err_prefix(ei, "nothing sent: every recipient is "
			    "a local name that needs the aliases file: ");
		else
			err_clear(ei);
	}
	addr_list_free(&failed);
	return rc;
}

/* The unqualified recipients left after the aliases: the account's. */
static void
qualify_recipients(struct job *j)
{
	struct qualify q;
	const char *to;
	size_t i;

	qualify_setup(j, &q);
	for (i = 0; i < j->rcpts.n; i++) {
		if ((to = qualify_recipient(&q, j->rcpts.v[i])) == NULL)
			continue;
		log_debug("local recipient %s sent to %s", j->rcpts.v[i], to);
		free(j->rcpts.v[i]);
		j->rcpts.v[i] = xstrdup(to);
	}
}

static int
recipients(struct job *j, struct errinfo *ei)
{
	size_t i;

	for (i = 0; i < j->so->nrcpts; i++)
		if (addr_parse_list(j->so->rcpts[i], &j->rcpts, ei) < 0)
			return -1;
	if (j->so->read_recipients && msghdr_recipients(j->sp.hdr.data,
	    j->sp.hdr.len, &j->rcpts, ei) < 0)
		return -1;
	if (j->a->aliases != NULL && *j->a->aliases != '\0' &&
	    expand_aliases(j, ei) < 0)
		return -1;
	qualify_recipients(j);
	dedupe(&j->rcpts);
	if (j->rcpts.n == 0)
		return err_set(ei, ST_USAGE, j->so->read_recipients ? "no "
		    "recipients: none given and none in To, Cc or Bcc" :
		    "no recipients given (or use -t)");
	for (i = 0; i < j->rcpts.n; i++)
		if (!addr_mailbox_ok(j->rcpts.v[i]))
			return err_set(ei, ST_DATA, "invalid recipient "
			    "'%.200s'", j->rcpts.v[i]);
	return 0;
}

/*
 * The header with its local From mailboxes made the account's address
 * (send/qualify.h) into out: 1, or 0 when it is to be sent as it is
 * (nothing local; set_from_header off or on: never touched, or replaced).
 */
static int
qualify_from(const struct job *j, struct buf *out)
{
	struct qualify q;
	char *was, *now;
	int n;

	if (j->a->set_from != SETHDR_AUTO)
		return 0;
	qualify_setup(j, &q);
	n = qualify_header(&q, j->sp.hdr.data, j->sp.hdr.len, out);
	if (n < 0)
		log_debug("local From left as it is: too long once rewritten");
	if (n <= 0)
		return 0;
	was = hdr_get(j->sp.hdr.data, j->sp.hdr.len, "From");
	now = hdr_get(out->data, out->len, "From");
	log_debug("local From: %s rewritten as %s", was != NULL ? was : "",
	    now != NULL ? now : "");
	free(was);
	free(now);
	return 1;
}

static int
finish_header(struct job *j, struct errinfo *ei)
{
	struct msghdr_opts o;
	struct buf qh;
	const char *at = strrchr(j->from, '@');
	char *own = NULL;
	int rc;

	memset(&o, 0, sizeof(o));
	/* The null sender: an added From is the account's own address. */
	if (*j->from == '\0' && (own = account_from(j->a, NULL)) != NULL &&
	    fromaddr_is_pattern(own)) {
		free(own);
		own = NULL;
	}
	o.from = *j->from != '\0' ? j->from : own;
	o.fullname = j->so->fullname != NULL ? j->so->fullname :
	    j->a->from_full_name;
	o.set_from = (enum sethdr)j->a->set_from;
	o.set_date = (enum sethdr)j->a->set_date;
	o.set_msgid = (enum sethdr)j->a->set_msgid;
	o.remove_bcc = j->a->remove_bcc;
	o.set_to = j->a->set_to_header;
	o.to = &j->rcpts;
	o.msgid_domain = at != NULL ? at + 1 : session_helo_domain(&j->a->out);
	o.now = time(NULL);
	buf_init(&qh, SPOOL_HEADER_MAX + 64 * 1024);
	if (qualify_from(j, &qh))
		rc = msghdr_finish(qh.data, qh.len, &o, &j->hdr, ei);
	else
		rc = msghdr_finish(j->sp.hdr.data, j->sp.hdr.len, &o, &j->hdr,
		    ei);
	buf_free(&qh);
	free(own);
	return rc;
}

/* submit.h's on_rcpt: remember each refused recipient's reply code. */
static void
job_rcpt(void *arg, size_t i, int code, const char *reply)
{
	struct job *j = arg;

	(void)reply;
	j->rcode[i] = code;
}

static int
send_it(struct job *j, struct errinfo *ei)
{
	struct envelope env;
	struct smtp s;
	int rc = -1;

	memset(&env, 0, sizeof(env));
	env.from = j->from;
	env.rcpts = &j->rcpts;
	env.dsn_notify = j->a->dsn_notify;
	env.dsn_return = j->a->dsn_return;
	env.envid = j->so->envid;
	env.on_rcpt = job_rcpt;
	env.arg = j;
	j->rcode = xcalloc(j->rcpts.n + 1, sizeof(*j->rcode));
	if (outgoing_open(&s, j->a, &j->at_login, ei) == 0)
		rc = submit_message(&s, &env, &j->hdr, &j->sp, &j->res, ei);
	if (s.c != NULL)
		j->turns = s.c->turns;
	if (s.r.code != 0) {
		j->out->code = s.r.code;
		smtp_reply_quote(&s.r, j->out->reply, sizeof(j->out->reply));
	}
	smtp_close(&s);
	return rc;
}

/*
 * With queue on, what could not go now goes into the queue: after a
 * temporary failure of the whole message, every recipient not refused
 * for good; after a partial success, the recipients refused with 4xx.
 * Returns rc as it stands for the caller: 0 when nothing was refused for
 * good (the rest is queued), else the error, which then says what was
 * queued.
 */
static int
queue_rest(struct job *j, int rc, struct errinfo *ei)
{
	struct addr_list q;
	struct enqueue_msg m;
	struct errinfo qei;
	char why[256];
	size_t i, perm = 0;
	int whole;

	if (rc == 0 || !j->a->queue || j->rcode == NULL)
		return rc;
	if (ei->st == ST_NOUSER)
		whole = 0;
	else if (enqueue_temporary(ei->st, j->at_login))
		whole = 1;
	else
		return rc;
	addr_list_init(&q);
	for (i = 0; i < j->rcpts.n; i++) {
		if (j->rcode[i] >= 500)
			perm++;
		else if (j->rcode[i] >= 400 || (whole && j->rcode[i] == 0))
			addr_list_add(&q, j->rcpts.v[i]);
	}
	if (q.n == 0) {
		addr_list_free(&q);
		return rc;
	}
	if (!enqueue_possible(j->a, why, sizeof(why))) {
		log_warn("not queued: %s", why);
		addr_list_free(&q);
		return rc;
	}
	memset(&m, 0, sizeof(m));
	m.from = j->from;
	m.rcpts = &q;
	m.dsn_notify = j->a->dsn_notify;
	m.dsn_return = j->a->dsn_return;
	m.envid = j->so->envid;
	m.error = ei->msg;
	m.tried = 1;
	if (enqueue(j->a, &m, &j->hdr, &j->sp, j->out->qid, &qei) < 0) {
		log_error("the message could not be queued either: %s",
		    qei.msg);
		addr_list_free(&q);
		return rc;
	}
	j->out->queued = 1;
	log_warn("queued as %s for %zu recipient%s (%s); msend -q sends it",
	    j->out->qid, q.n, q.n == 1 ? "" : "s", ei->msg);
	addr_list_free(&q);
	if (perm == 0) {
		err_clear(ei);
		return 0;
	}
	return err_prefix(ei, "queued as %s for the recipients that may "
	    "still take it; ", j->out->qid);
}

/*
 * The network works (a message just went): when the queue holds
 * anything, flush it in the background, without keeping the caller.
 */
static void
flush_behind(struct job *j)
{
	if (j->a->queue && enqueue_pending(j->a))
		flush_spawn(j->co, j->cfg);
}

/* Keep a refused recipient's line for the caller, if it fits whole. */
static void
refused_add(struct mailjob_out *out, const char *l, size_t len)
{
	size_t have = strlen(out->refused);

	if (have + len + 2 > sizeof(out->refused))
		return;
	memcpy(out->refused + have, l, len);
	out->refused[have + len] = '\n';
	out->refused[have + len + 1] = '\0';
}

/* One line per message, for the log file and syslog. */
static void
log_line(struct job *j, int rc, const struct errinfo *ei)
{
	struct timespec t1;
	struct buf r;
	size_t i;
	double el;

	if (j->a == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	el = (double)(t1.tv_sec - j->t0.tv_sec) +
	    (double)(t1.tv_nsec - j->t0.tv_nsec) / 1e9;
	buf_init(&r, LOGLINE_RCPTS_MAX);
	for (i = 0; i < j->rcpts.n; i++)
		if (buf_printf(&r, "%s%s", i ? "," : "", j->rcpts.v[i]) < 0) {
			buf_truncate(&r, r.len > 3 ? 3 : r.len);
			buf_addstr(&r, "...");
			break;
		}
	log_info("account=%s host=%s port=%u tls=%s from=%s recipients=%s "
	    "mailsize=%llu smtpstatus=%.3s smtpmsg='%s' elapsed=%.3fs "
	    "turns=%lu exitcode=%d%s%s%s%s%s", *j->a->name ? j->a->name : "-",
	    j->a->out.host != NULL ? j->a->out.host : "-",
	    server_port(&j->a->out), !j->a->out.tls ? "off" :
	    j->a->out.starttls ? "starttls" : "on",
	    j->from != NULL ? (*j->from ? j->from : "<>") : "-",
	    r.len ? r.data : "-", j->res.size,
	    *j->res.final ? j->res.final : "-",
	    strlen(j->res.final) > 4 ? j->res.final + 4 : "", el, j->turns,
	    rc < 0 ? status_exit_code(ei->st) : 0, rc < 0 ? " error='" : "",
	    rc < 0 ? ei->msg : "", rc < 0 ? "'" : "", j->out->queued ?
	    " queued=" : "", j->out->queued ? j->out->qid : "");
	buf_free(&r);
}

int
mailjob_run(const struct sendopts *so, struct cliopts *co, int in,
    struct mailjob_out *out, struct errinfo *ei)
{
	struct mailjob_out dummy;
	struct job j;
	int rc = -1;

	memset(&j, 0, sizeof(j));
	j.out = out != NULL ? out : &dummy;
	memset(j.out, 0, sizeof(*j.out));
	j.so = so;
	j.co = co;
	clock_gettime(CLOCK_MONOTONIC, &j.t0);
	spool_init(&j.sp, in);
	addr_list_init(&j.rcpts);
	buf_init(&j.hdr, SPOOL_HEADER_MAX + 64 * 1024);
	submit_result_init(&j.res);
	if (!so->read_recipients && so->nrcpts == 0) {
		err_set(ei, ST_USAGE, "no recipients given (or use -t)");
		goto out;
	}
	if (cliopts_load_config(co, getenv("SMTPSERVER") == NULL ||
	    *getenv("SMTPSERVER") == '\0', &j.cfg, ei) < 0 ||
	    spool_read_header(&j.sp, ei) < 0 || choose_account(&j, ei) < 0)
		goto out;
	if (cliopts_open_logs(j.a, ei) < 0)
		goto out;
	if (envelope_from(&j, ei) < 0 || recipients(&j, ei) < 0 ||
	    finish_header(&j, ei) < 0 || spool_read_body(&j.sp, ei) < 0)
		goto done;
	rc = send_it(&j, ei);
	if (rc == 0)
		flush_behind(&j);
	else
		rc = queue_rest(&j, rc, ei);
done:
	if (j.res.refused.len > 0) {
		size_t i, len;

		for (i = 0; buf_line(&j.res.refused, i, &len) != NULL; i++) {
			const char *l = buf_line(&j.res.refused, i, &len);

			if (len == 0)
				continue;
			log_error("%.*s", (int)len, l);
			refused_add(j.out, l, len);
		}
	}
	log_line(&j, rc, ei);
out:
	submit_result_free(&j.res);
	free(j.rcode);
	buf_free(&j.hdr);
	addr_list_free(&j.rcpts);
	free(j.from);
	spool_free(&j.sp);
	account_free(j.a);
	config_free(j.cfg);
	return rc;
}
