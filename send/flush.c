/* flush: send the queued messages that are due, one connection each. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "addr.h"
#include "bounce.h"
#include "esc.h"
#include "flush.h"
#include "flush_due.h"
#include "log.h"
#include "outgoing.h"
#include "pp.h"
#include "queue.h"
#include "session.h"
#include "sink.h"
#include "statedir.h"
#include "smtp.h"
#include "submit.h"
#include "xalloc.h"

/* One message being sent. */
struct fmsg {
	struct qmsg m;
	struct spool sp;
	struct addr_list rcpts;		/* the recipients still to do */
	size_t *idx;			/* rcpts.v[k] is m.env.rcpt[idx[k]] */
	int *code;			/* by m.env.rcpt index: its own answer */
	struct envelope env;
	struct submit_result res;
	struct submit_tx *tx;
	unsigned long long size;
};

/* Everything one account's flush works with. */
struct run {
	const struct flush_opts *o;
	struct flush_stats *st;
	struct queue *q;
	const struct account *a;
	long long now;
	struct smtp s;
	int connected;
	struct fmsg **fly;		/* in flight, oldest first */
	size_t nfly;
	unsigned long long flybytes;
	int dead;			/* the connection is gone */
	int failed;			/* o->id: its error is in ei */
	struct errinfo idei;
};

static uint32_t
rnd32(void)
{
	uint32_t r = 0;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		r = (uint32_t)time(NULL) * 2654435761u;
	return r;
}

static void
fmsg_free(struct fmsg *fm)
{
	if (fm == NULL)
		return;
	spool_free(&fm->sp);
	addr_list_free(&fm->rcpts);
	submit_result_free(&fm->res);
	free(fm->idx);
	free(fm->code);
	queue_unlock(&fm->m);
	free(fm);
}

/* submit.h's on_rcpt: a recipient's own answer. */
static void
on_rcpt(void *arg, size_t i, int code, const char *reply)
{
	struct fmsg *fm = arg;
	struct qenv_rcpt *r = &fm->m.env.rcpt[fm->idx[i]];

	fm->code[fm->idx[i]] = code;
	qenv_set_text(r->reply, reply, strlen(reply));
}

/*
 * Lock message id and make it ready to send: 1, 0 (busy or gone: skip),
 * -1 (broken: logged and counted).
 */
static int
load(struct run *r, const char *id, struct fmsg **fm_r)
{
	struct fmsg *fm = xcalloc(1, sizeof(*fm));
	struct errinfo ei;
	size_t i;
	int rc;

	*fm_r = NULL;
	fm->m.fd = -1;
	spool_init(&fm->sp, -1);
	addr_list_init(&fm->rcpts);
	submit_result_init(&fm->res);
	rc = queue_lock(r->q, id, 0, &fm->m, &ei);
	if (rc <= 0) {
		if (rc < 0) {
			log_error("queue %s: %s", r->q->dir, ei.msg);
			r->st->broken++;
		} else {
			r->st->busy++;
		}
		fmsg_free(fm);
		return rc;
	}
	if (queue_spool(&fm->m, &fm->sp, &ei) < 0) {
		log_error("queue %s: message %s: %s", r->q->dir, id, ei.msg);
		r->st->broken++;
		fmsg_free(fm);
		return -1;
	}
	fm->idx = xreallocarray(NULL, fm->m.env.nrcpt + 1, sizeof(*fm->idx));
	fm->code = xcalloc(fm->m.env.nrcpt + 1, sizeof(*fm->code));
	for (i = 0; i < fm->m.env.nrcpt; i++) {
		if (fm->m.env.rcpt[i].state != QENV_TODO)
			continue;
		fm->idx[fm->rcpts.n] = i;
		addr_list_add(&fm->rcpts, fm->m.env.rcpt[i].addr);
	}
	fm->env.from = fm->m.env.sender;
	fm->env.rcpts = &fm->rcpts;
	fm->env.dsn_notify = *fm->m.env.notify ? fm->m.env.notify : NULL;
	fm->env.dsn_return = fm->m.env.ret == QENV_RET_FULL ? "full" :
	    fm->m.env.ret == QENV_RET_HEADERS ? "headers" : NULL;
	fm->env.envid = *fm->m.env.envid ? fm->m.env.envid : NULL;
	fm->env.more = 1;
	fm->env.on_rcpt = on_rcpt;
	fm->env.arg = fm;
	fm->size = (unsigned long long)fm->m.size;
	*fm_r = fm;
	return 1;
}

/* The recipients of a message for the log line, cut. */
static void
rcpt_list(const struct qenv *e, enum qenv_state want, struct buf *b)
{
	size_t i, k = 0;

	for (i = 0; i < e->nrcpt; i++) {
		if (e->rcpt[i].state != want)
			continue;
		if (k++ > 0)
			buf_addch(b, ',');
		esc_buf(b, e->rcpt[i].addr, strlen(e->rcpt[i].addr));
	}
	if (k == 0)
		buf_addch(b, '-');
}

/*
 * Bounce the recipients in state QENV_FAILED: 0 when that is done (or
 * the null sender gets none), with them marked so that compact() drops
 * them; -1 when the bounce could not be written (they stay FAILED, to be
 * bounced by a later flush).
 */
static int
bounce_failed(struct run *r, struct fmsg *fm, const char *why, int expired)
{
	struct qenv *e = &fm->m.env;
	struct bounce b;
	struct bounce_rcpt *br;
	struct sink_opts so;
	struct errinfo ei;
	char *target, *sd;
	size_t i, n = 0;
	int rc;

	br = xcalloc(e->nrcpt + 1, sizeof(*br));
	for (i = 0; i < e->nrcpt; i++) {
		if (e->rcpt[i].state != QENV_FAILED)
			continue;
		br[n].addr = e->rcpt[i].addr;
		br[n].reply = e->rcpt[i].reply;
		br[n].final = !expired || fm->code[i] >= 500;
		n++;
	}
	if (n == 0) {
		free(br);
		return 0;
	}
	memset(&b, 0, sizeof(b));
	b.id = e->id;
	b.envid = e->envid;
	b.sender = e->sender;
	b.host = session_helo_domain(&r->a->out);
	b.remote = r->a->out.host;
	b.arrival = e->created;
	b.now = r->now;
	b.reason = why;
	b.rcpt = br;
	b.nrcpt = n;
	b.eightbit = fm->sp.body.eightbit;
	for (i = 0; i < fm->sp.hdr.len && !b.eightbit; i++)
		b.eightbit = (unsigned char)fm->sp.hdr.data[i] > 127;
	memset(&so, 0, sizeof(so));
	sd = statedir();
	so.statedir = sd;
	so.timeout = 300;
	target = bounce_target(r->a->bounce_to);
	err_clear(&ei);
	rc = bounce_deliver(&b, r->a->bounce_to, &so, &fm->sp.hdr, &fm->sp,
	    &ei);
	bounce_log(&b, target, rc, &ei);
	free(target);
	free(sd);
	free(br);
	if (rc < 0)
		return -1;	/* they stay FAILED: a later flush tries again */
	for (i = 0; i < e->nrcpt; i++)
		if (e->rcpt[i].state == QENV_FAILED)
			e->rcpt[i].state = QENV_DONE;
	r->st->bounced++;
	return 0;
}

/* Drop the recipients that are done; 1 when none is left. */
static int
compact(struct qenv *e)
{
	size_t i, n = 0;

	for (i = 0; i < e->nrcpt; i++)
		if (e->rcpt[i].state != QENV_DONE)
			e->rcpt[n++] = e->rcpt[i];
	e->nrcpt = n;
	return n == 0;
}

/*
 * A try is over: rc and ei are the transaction's outcome (session: the
 * connection or login failed, nothing was sent).  Record it in the
 * envelope, bounce what failed for good, and write the envelope back or
 * remove the message.
 */
static void
finish(struct run *r, struct fmsg *fm, int rc, const struct errinfo *ei,
    int session)
{
	struct qenv *e = &fm->m.env;
	int ok = rc == 0 || ei->st == ST_NOUSER;
	int perm = !session && rc < 0 && (ei->st == ST_UNAVAILABLE ||
	    ei->st == ST_DATA);
	long long lifetime = r->a->queue_lifetime;
	size_t k, todo = 0, sent = 0, failed = 0;
	int expired = 0;
	struct buf lb;
	struct errinfo qei;
	char why[QENV_TEXT_MAX + 128];
	/* The message's own error; a partial success: the refusals'. */
	const char *err = rc < 0 && !ok ? ei->msg : "";

	for (k = 0; k < fm->rcpts.n; k++) {
		size_t i = fm->idx[k];
		struct qenv_rcpt *q = &e->rcpt[i];
		int c = fm->code[i];

		if (c != 0 && c >= 200 && c < 300)
			q->state = QENV_DONE;
		else if (c >= 500 && c != 503)	/* 503: out of sequence */
			q->state = QENV_FAILED;
		else if (c != 0)
			q->state = QENV_TODO;
		else if (ok)
			q->state = QENV_DONE;
		else {
			q->state = perm ? QENV_FAILED : QENV_TODO;
			qenv_set_text(q->reply, err, strlen(err));
		}
		if (q->state == QENV_DONE) {
			qenv_set_text(q->reply, fm->res.final,
			    strlen(fm->res.final));
			sent++;
		} else if (q->state == QENV_TODO) {
			todo++;
			if (*err == '\0')
				err = q->reply;
		} else {
			failed++;
		}
	}
	buf_init(&lb, 4096);
	buf_printf(&lb, "queue id=%s account=%s from=", e->id, e->account);
	esc_buf(&lb, *e->sender ? e->sender : "<>", strlen(*e->sender ?
	    e->sender : "<>"));
	buf_addstr(&lb, " sent=");
	rcpt_list(e, QENV_DONE, &lb);
	buf_addstr(&lb, " deferred=");
	rcpt_list(e, QENV_TODO, &lb);
	buf_addstr(&lb, " refused=");
	rcpt_list(e, QENV_FAILED, &lb);
	buf_printf(&lb, " size=%llu attempts=%lu", fm->res.size,
	    e->attempts + (todo > 0));
	if (todo > 0 || failed > 0) {
		buf_addstr(&lb, " error='");
		esc_buf(&lb, err, strlen(err));
		buf_addch(&lb, '\'');
	}
	log_info("%s", lb.data);
	buf_free(&lb);
	if (sent > 0 && todo == 0 && failed == 0)
		r->st->sent++;
	snprintf(why, sizeof(why), "%s", "the server refused it for good");
	if (todo > 0) {
		e->attempts++;
		e->next = qenv_next_try(r->now, e->attempts, rnd32());
		qenv_set_text(e->error, err, strlen(err));
		if (lifetime != KEEP_FOREVER && qenv_expired(e->created,
		    r->now, lifetime)) {
			for (k = 0; k < e->nrcpt; k++)
				if (e->rcpt[k].state == QENV_TODO)
					e->rcpt[k].state = QENV_FAILED;
			expired = 1;
			snprintf(why, sizeof(why), "it could not be delivered "
			    "within %lld hours; the last try said: %.*s",
			    (long long)((lifetime > 0 ? lifetime :
			    QENV_LIFETIME) / 3600), QENV_TEXT_MAX, err);
			log_info("queue id=%s: lifetime over, bounced", e->id);
		} else {
			r->st->deferred++;
		}
	}
	if (r->o->id != NULL && (todo > 0 || failed > 0)) {
		r->failed = 1;
		err_set(&r->idei, ei->st != ST_OK ? ei->st : ST_TEMPFAIL,
		    "message %s not sent: %s", e->id, err);
	}
	bounce_failed(r, fm, why, expired);
	if (compact(e)) {
		if (queue_remove(r->q, &fm->m, &qei) < 0)
			log_error("%s", qei.msg);
	} else if (queue_update(r->q, &fm->m, &qei) < 0) {
		log_error("%s", qei.msg);
	}
}

/* Read the replies of the oldest message in flight and finish it. */
static void
collect_one(struct run *r)
{
	struct fmsg *fm = r->fly[0];
	struct errinfo ei;
	int rc;

	err_clear(&ei);
	rc = submit_finish(fm->tx, &ei);
	fm->tx = NULL;
	memmove(r->fly, r->fly + 1, --r->nfly * sizeof(*r->fly));
	r->flybytes -= fm->size;
	if (rc < 0 && r->s.broken)
		r->dead = 1;
	finish(r, fm, rc, &ei, 0);
	fmsg_free(fm);
}

static void
collect_all(struct run *r)
{
	while (r->nfly > 0)
		collect_one(r);
}

/*
 * After a failed transaction, before the next message: RSET, so that a
 * MAIL the server accepted does not leave its transaction open (RFC
 * 5321 4.1.1.5).  A failed RSET ends the connection's use.
 */
static void
reset(struct run *r)
{
	struct errinfo ei;

	err_clear(&ei);
	if (pp_cmdf(r->s.c, &ei, "RSET") < 0 || smtp_read(&r->s, &ei) < 0 ||
	    !SMTP_POSITIVE(&r->s.r)) {
		log_debug("RSET failed: %s", ei.msg);
		r->dead = 1;
	}
}

/* Send one message (in flight when it can be, else at once). */
static void
send_one(struct run *r, struct fmsg *fm)
{
	struct errinfo ei;
	int rc;

	err_clear(&ei);
	if (fm->rcpts.n == 0) {
		/* Nothing to send: only bounces were pending. */
		finish(r, fm, 0, &ei, 0);
		fmsg_free(fm);
		return;
	}
	if (submit_pipelines(&r->s, &fm->env, &fm->sp.hdr, &fm->sp)) {
		while (r->nfly > 0 && (r->nfly >= FLUSH_WINDOW ||
		    r->flybytes + fm->size > FLUSH_WINDOW_BYTES))
			collect_one(r);
		if (r->dead) {
			fmsg_free(fm);	/* untouched: a later flush */
			return;
		}
		if (submit_start(&r->s, &fm->env, &fm->sp.hdr, &fm->sp,
		    &fm->res, &fm->tx, &ei) == 0) {
			r->fly[r->nfly++] = fm;
			r->flybytes += fm->size;
			return;
		}
		rc = -1;
	} else {
		collect_all(r);
		if (r->dead) {
			fmsg_free(fm);
			return;
		}
		rc = submit_message(&r->s, &fm->env, &fm->sp.hdr, &fm->sp,
		    &fm->res, &ei);
	}
	if (rc < 0 && r->s.broken)
		r->dead = 1;
	else if (rc < 0 && ei.st != ST_NOUSER)
		reset(r);
	finish(r, fm, rc, &ei, 0);
	fmsg_free(fm);
}

/* Every due message of one account, on one connection. */
static void
flush_account(struct run *r, struct due *d, size_t n)
{
	struct errinfo sei;
	size_t i;

	err_clear(&sei);
	r->fly = xreallocarray(NULL, FLUSH_WINDOW, sizeof(*r->fly));
	for (i = 0; i < n; i++) {
		struct fmsg *fm;

		if (load(r, d[i].id, &fm) <= 0)
			continue;
		if (!r->connected && !r->dead) {
			if (outgoing_open(&r->s, r->a, NULL, &sei) < 0) {
				r->dead = 1;
				log_info("account %s: %s", r->a->name, sei.msg);
			}
			r->connected = 1;
		}
		if (r->dead && sei.st != ST_OK) {
			/* Nothing sent: a try that failed, for each. */
			finish(r, fm, -1, &sei, 1);
			fmsg_free(fm);
			continue;
		}
		if (r->dead) {
			fmsg_free(fm);	/* untouched: a later flush */
			continue;
		}
		send_one(r, fm);
	}
	collect_all(r);
	if (r->connected)
		smtp_close(&r->s);	/* QUIT, unless the connection broke */
	free(r->fly);
	r->fly = NULL;
}

int
flush_run(const struct cliopts *co, const struct config *cfg,
    const struct flush_opts *o, struct flush_stats *st, struct errinfo *ei)
{
	struct queue *qs;
	struct due *d = NULL;
	char **dirs;
	size_t ndirs, nd = 0, i, k;
	long long now = o->now > 0 ? o->now : (long long)time(NULL);
	int rc = 0;

	memset(st, 0, sizeof(*st));
	dirs = flush_queue_dirs(co, cfg, &ndirs);
	qs = xcalloc(ndirs, sizeof(*qs));
	for (i = 0; i < ndirs; i++) {
		qs[i].dfd = -1;
		if (queue_open(&qs[i], dirs[i], 0, ei) < 0 ||
		    flush_due_in(&qs[i], i, o, now, cfg, co, &d, &nd, ei) < 0) {
			log_error("%s", ei->msg);
			rc = -1;
		}
	}
	if (o->id != NULL && nd == 0 && rc == 0) {
		rc = err_set(ei, ST_USAGE, "no message %s in the queue", o->id);
		goto out;
	}
	flush_due_sort(d, nd);
	for (i = 0; i < nd; i = k) {
		struct run r;
		struct account *a = NULL;
		struct errinfo aei;

		for (k = i; k < nd && d[k].dir == d[i].dir &&
		    strcmp(d[k].account, d[i].account) == 0; k++)
			;
		if (cliopts_resolve(co, cfg, d[i].account, &a, &aei) < 0) {
			log_error("queue %s: %zu message%s of account '%s' "
			    "kept: %s", dirs[d[i].dir], k - i, k - i == 1 ? "" :
			    "s", d[i].account, aei.msg);
			st->deferred += k - i;
			continue;
		}
		memset(&r, 0, sizeof(r));
		r.o = o;
		r.st = st;
		r.q = &qs[d[i].dir];
		r.a = a;
		r.now = now;
		flush_account(&r, d + i, k - i);
		account_free(a);
		if (r.failed) {
			*ei = r.idei;
			rc = -1;
		}
	}
	for (i = 0; i < ndirs; i++) {
		struct errinfo sei;

		if (qs[i].dfd >= 0 && queue_sync(&qs[i], &sei) < 0)
			log_error("%s", sei.msg);
	}
out:
	for (i = 0; i < ndirs; i++)
		queue_close(&qs[i]);
	free(qs);
	free(d);
	flush_dirs_free(dirs, ndirs);
	return rc;
}

void
flush_spawn(const struct cliopts *co, const struct config *cfg)
{
	struct flush_opts o;
	struct flush_stats st;
	struct errinfo ei;
	pid_t pid;
	int fd;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return;
	if (pid > 0) {
		/* The middle process exits at once: nothing left to reap. */
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return;
	}
	if (setsid() < 0 || (pid = fork()) != 0)
		_exit(0);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	signal(SIGPIPE, SIG_IGN);
	memset(&o, 0, sizeof(o));
	if (flush_run(co, cfg, &o, &st, &ei) < 0)
		log_error("background flush: %s", ei.msg);
	log_close();
	_exit(0);
}
