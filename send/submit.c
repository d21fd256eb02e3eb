/* submit: MAIL, RCPT, DATA (pipelined), the message, the final dot. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pp.h"
#include "submit.h"
#include "wire.h"
#include "xalloc.h"

#define REFUSED_MAX	(1024 * 1024)	/* bytes of refusal lines kept */

void
submit_result_init(struct submit_result *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->refused, REFUSED_MAX);
}

void
submit_result_free(struct submit_result *r)
{
	buf_free(&r->refused);
}

void
submit_xtext(const char *s, struct buf *out)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 33 || c > 126 || c == '+' || c == '=')
			buf_printf(out, "+%02X", c);
		else
			buf_addch(out, (char)c);
	}
}

/* The state of one transaction's replies. */
struct tx {
	struct smtp *s;
	const struct envelope *env;
	struct submit_result *r;
	size_t nread;		/* replies read: 0 MAIL, 1..n RCPT, n+1 DATA */
	int mail_code;
	char mail_reply[SMTP_LINE_MAX];
	int data_code;
	char data_reply[SMTP_LINE_MAX];
	size_t *acc;		/* indexes of the accepted recipients (LMTP) */
	size_t nacc;
	int split;		/* submit_start(): stop once all is written */
};

static int bdat_replies(struct tx *t, struct errinfo *ei);
static int final_reply(struct tx *t, struct errinfo *ei);
static int mail_refused(struct tx *t, struct errinfo *ei);

/* Read replies until n of them have been read (in command order). */
static int
read_upto(struct tx *t, size_t n, struct errinfo *ei)
{
	size_t nrcpt = t->env->rcpts->n;
	char q[SMTP_LINE_MAX];

	while (t->nread < n) {
		if (smtp_read(t->s, ei) < 0)
			return -1;
		smtp_reply_quote(&t->s->r, q, sizeof(q));
		if (t->nread == 0) {
			t->mail_code = t->s->r.code;
			snprintf(t->mail_reply, sizeof(t->mail_reply), "%s", q);
		} else if (t->nread <= nrcpt) {
			if (SMTP_POSITIVE(&t->s->r)) {
				t->r->accepted++;
				if (t->acc != NULL)
					t->acc[t->nacc++] = t->nread - 1;
			} else {
				if (SMTP_TRANSIENT(&t->s->r))
					t->r->tempfail_rcpt = 1;
				buf_printf(&t->r->refused, "recipient <%s> "
				    "refused: server said: '%s'\n",
				    t->env->rcpts->v[t->nread - 1], q);
				/* Not when MAIL failed: then its RCPTs' 503s
				 * say nothing of the recipients. */
				if (t->env->on_rcpt != NULL &&
				    t->mail_code >= 200 && t->mail_code < 300)
					t->env->on_rcpt(t->env->arg, t->nread - 1,
					    t->s->r.code, q);
			}
		} else {
			t->data_code = t->s->r.code;
			snprintf(t->data_reply, sizeof(t->data_reply), "%s", q);
		}
		t->nread++;
	}
	return 0;
}

static int
needs_utf8(const struct envelope *env)
{
	size_t i;

	if (addr_is_8bit(env->from))
		return 1;
	for (i = 0; i < env->rcpts->n; i++)
		if (addr_is_8bit(env->rcpts->v[i]))
			return 1;
	return 0;
}

static int
check_server(struct smtp *s, const struct envelope *env, int utf8,
    unsigned long long size, struct errinfo *ei)
{
	const struct smtp_caps *c = &s->caps;

	if ((c->flags & SMTP_CAP_SIZE) && c->size > 0 && size > c->size)
		return err_set(ei, ST_UNAVAILABLE, "the message is %llu bytes; "
		    "the server %s takes at most %llu (SIZE)", size,
		    s->srv->host, c->size);
	if ((env->dsn_notify != NULL || env->dsn_return != NULL ||
	    env->envid != NULL) && !(c->flags & SMTP_CAP_DSN))
		return err_set(ei, ST_UNAVAILABLE, "delivery status "
		    "notifications were asked for (DSN: -N, -R, -V), but the "
		    "server %s does not offer DSN", s->srv->host);
	if (utf8 && !(c->flags & SMTP_CAP_SMTPUTF8))
		return err_set(ei, ST_UNAVAILABLE, "an address is not ASCII, "
		    "and the server %s does not offer SMTPUTF8", s->srv->host);
	return 0;
}

static int
queue_mail(struct tx *t, int eightbit, int utf8, struct errinfo *ei)
{
	const struct smtp_caps *c = &t->s->caps;
	const struct envelope *env = t->env;
	struct buf cmd;
	int rc;

	buf_init(&cmd, CONN_CMD_MAX);
	buf_printf(&cmd, "MAIL FROM:<%s>", env->from);
	if (c->flags & SMTP_CAP_SIZE)
		buf_printf(&cmd, " SIZE=%llu", t->r->size);
	if (eightbit && (c->flags & SMTP_CAP_8BITMIME))
		buf_addstr(&cmd, " BODY=8BITMIME");
	if (utf8)
		buf_addstr(&cmd, " SMTPUTF8");
	if (env->dsn_return != NULL)
		buf_printf(&cmd, " RET=%s", strcmp(env->dsn_return, "full") ==
		    0 ? "FULL" : "HDRS");
	if (env->envid != NULL) {
		buf_addstr(&cmd, " ENVID=");
		submit_xtext(env->envid, &cmd);
	}
	rc = pp_cmdf(t->s->c, ei, "%s", cmd.data);
	buf_free(&cmd);
	return rc;
}

static int
queue_rcpt(struct tx *t, const char *to, struct errinfo *ei)
{
	const struct envelope *env = t->env;
	struct buf cmd;
	size_t i;
	int rc;

	buf_init(&cmd, CONN_CMD_MAX);
	buf_printf(&cmd, "RCPT TO:<%s>", to);
	if (env->dsn_notify != NULL) {
		buf_addstr(&cmd, " NOTIFY=");
		for (i = 0; env->dsn_notify[i] != '\0'; i++)
			buf_addch(&cmd, (char)(env->dsn_notify[i] >= 'a' &&
			    env->dsn_notify[i] <= 'z' ? env->dsn_notify[i] - 32 :
			    env->dsn_notify[i]));
	}
	if ((env->dsn_notify != NULL || env->dsn_return != NULL) &&
	    !addr_is_8bit(to)) {
		buf_addstr(&cmd, " ORCPT=rfc822;");
		submit_xtext(to, &cmd);
	}
	rc = pp_cmdf(t->s->c, ei, "%s", cmd.data);
	buf_free(&cmd);
	return rc;
}

static int
write_chunk(void *arg, const char *p, size_t n, struct errinfo *ei)
{
	return conn_write(arg, p, n, ei);
}

/* The header (already in wire form), the empty line, body, dot. */
static int
send_data(struct tx *t, const char *hw, size_t hwlen, struct spool *sp,
    struct errinfo *ei)
{
	struct conn *c = t->s->c;

	log_trace_note("sending the message (%llu bytes)", t->r->size);
	if (conn_write(c, hw, hwlen, ei) < 0 || conn_write(c, "\r\n", 2,
	    ei) < 0 || spool_replay(sp, write_chunk, c, ei) < 0)
		return -1;
	return pp_cmdf(c, ei, ".");
}

struct unstuff {
	struct conn *c;
	struct wire w;
	char *buf;
};

static int
write_unstuffed(void *arg, const char *p, size_t n, struct errinfo *ei)
{
	struct unstuff *u = arg;

	while (n > 0) {
		size_t k = n > SPOOL_CHUNK ? SPOOL_CHUNK : n;
		size_t o = wire_unstuff(&u->w, p, k, u->buf);

		if (conn_write(u->c, u->buf, o, ei) < 0)
			return -1;
		p += k;
		n -= k;
	}
	return 0;
}

/* BDAT size LAST, the header (not stuffed), the body unstuffed. */
static int
send_bdat(struct tx *t, const char *hw, size_t hwlen, struct spool *sp,
    struct errinfo *ei)
{
	struct unstuff u;
	int rc;

	if (pp_cmdf(t->s->c, ei, "BDAT %llu LAST", t->r->size) < 0)
		return -1;
	log_trace_note("sending the message (%llu bytes)", t->r->size);
	if (conn_write(t->s->c, hw, hwlen, ei) < 0 ||
	    conn_write(t->s->c, "\r\n", 2, ei) < 0)
		return -1;
	u.c = t->s->c;
	wire_init(&u.w);
	u.buf = xmalloc(SPOOL_CHUNK);
	rc = spool_replay(sp, write_unstuffed, &u, ei);
	free(u.buf);
	return rc;
}

static int
lost_final(struct errinfo *ei)
{
	char *why = xstrdup(ei->msg);

	err_set(ei, ST_TEMPFAIL, "%s, after the message was sent and before "
	    "the server confirmed it: it may or may not have been accepted",
	    why);
	free(why);
	return -1;
}

/*
 * LMTP (RFC 2033 4.2): after the final dot, one reply per accepted
 * recipient, in order.  Each refusal is reported like a refused RCPT.
 */
static int
lmtp_replies(struct tx *t, struct errinfo *ei)
{
	struct smtp *s = t->s;
	size_t k, ok = 0;
	int temp = 0, perm = 0;
	char q[SMTP_LINE_MAX];

	for (k = 0; k < t->nacc; k++) {
		const char *to = t->env->rcpts->v[t->acc[k]];

		if (smtp_read(s, ei) < 0) {
			if (ok > 0) {
				char *why = xstrdup(ei->msg);

				err_set(ei, ST_TEMPFAIL, "%s, after %zu recipient%s "
				    "had the message: whether the others have it "
				    "is not known", why, ok, ok == 1 ? "" : "s");
				free(why);
				return -1;
			}
			return lost_final(ei);
		}
		smtp_reply_quote(&s->r, q, sizeof(q));
		if (t->env->on_rcpt != NULL)
			t->env->on_rcpt(t->env->arg, t->acc[k], s->r.code, q);
		if (SMTP_POSITIVE(&s->r)) {
			ok++;
			snprintf(t->r->final, sizeof(t->r->final), "%s", q);
			continue;
		}
		if (SMTP_TRANSIENT(&s->r))
			temp = 1;
		else
			perm = 1;
		buf_printf(&t->r->refused, "recipient <%s> refused the message: "
		    "server said: '%s'\n", to, q);
		if (*t->r->final == '\0')
			snprintf(t->r->final, sizeof(t->r->final), "%s", q);
	}
	t->r->accepted = ok;
	if (ok == 0)
		return err_set(ei, temp ? ST_TEMPFAIL : perm ? ST_UNAVAILABLE :
		    ST_PROTOCOL, "%s port %u: no recipient took the message",
		    s->srv->host, server_port(s->srv));
	if (t->r->refused.len > 0)
		return err_set(ei, ST_NOUSER, "the message was sent to %zu "
		    "recipient%s, but not to the others", ok, ok == 1 ? "" :
		    "s");
	return 0;
}

static int
transact(struct tx *t, const char *hw, size_t hwlen, int eightbit, int bdat,
    struct spool *sp, struct errinfo *ei)
{
	struct smtp *s = t->s;
	const struct envelope *env = t->env;
	size_t i, n = env->rcpts->n;
	int pipe = (s->caps.flags & SMTP_CAP_PIPELINING) != 0;
	int utf8 = needs_utf8(env);

	if (check_server(s, env, utf8, t->r->size, ei) < 0)
		return -1;
	if (queue_mail(t, eightbit, utf8, ei) < 0)
		return -1;
	if (!pipe && read_upto(t, 1, ei) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (t->nread > 0 && !(t->mail_code >= 200 && t->mail_code < 300))
			break;
		if (queue_rcpt(t, env->rcpts->v[i], ei) < 0)
			return -1;
		if ((!pipe || (i + 1) % SUBMIT_RCPT_BATCH == 0) &&
		    read_upto(t, i + 2, ei) < 0)
			return -1;
	}
	if (t->nread > 0 && !(t->mail_code >= 200 && t->mail_code < 300)) {
		if (read_upto(t, i + 1, ei) < 0)
			return -1;
		goto mail_refused;
	}
	if (bdat) {
		/* The message goes now; every reply is read after. */
		if (send_bdat(t, hw, hwlen, sp, ei) < 0)
			return -1;
		if (!env->more) {
			if (pp_cmdf(s->c, ei, "QUIT") < 0)
				return -1;
			t->r->quit_sent = 1;
		}
		if (t->split)
			return 0;
		return bdat_replies(t, ei);
	}
	if (pipe || t->r->accepted > 0) {
		if (pp_cmdf(s->c, ei, "DATA") < 0 || read_upto(t, n + 2, ei) < 0)
			return -1;
	} else if (read_upto(t, n + 1, ei) < 0) {
		return -1;
	}
	if (!(t->mail_code >= 200 && t->mail_code < 300))
		goto mail_refused;
	if (t->r->accepted == 0) {
		if (t->data_code == 354) {
			/* A server that wants data for nobody: end it empty. */
			if (pp_cmdf(s->c, ei, ".") < 0 || smtp_read(s, ei) < 0)
				return -1;
		}
		return err_set(ei, t->r->tempfail_rcpt ? ST_TEMPFAIL :
		    ST_UNAVAILABLE, "no recipient was accepted");
	}
	if (t->data_code != 354)
		return err_set(ei, t->data_code >= 400 && t->data_code < 500 ?
		    ST_TEMPFAIL : t->data_code >= 500 ? ST_UNAVAILABLE :
		    ST_PROTOCOL, "%s port %u: DATA failed: server said: '%s'",
		    s->srv->host, server_port(s->srv), t->data_reply);
	if (send_data(t, hw, hwlen, sp, ei) < 0)
		return -1;
	if (pipe && !env->more) {
		/* QUIT as the last command of the group (RFC 2920 3.1). */
		if (pp_cmdf(s->c, ei, "QUIT") < 0)
			return -1;
		t->r->quit_sent = 1;
	}
	if (s->srv->lmtp)
		return lmtp_replies(t, ei);
	if (smtp_read(s, ei) < 0)
		return lost_final(ei);
	return final_reply(t, ei);
mail_refused:
	return mail_refused(t, ei);
}

/* After BDAT LAST: the replies to MAIL, each RCPT, BDAT. */
static int
bdat_replies(struct tx *t, struct errinfo *ei)
{
	if (read_upto(t, t->env->rcpts->n + 1, ei) < 0 ||
	    smtp_read(t->s, ei) < 0)
		return lost_final(ei);
	if (!(t->mail_code >= 200 && t->mail_code < 300))
		return mail_refused(t, ei);
	if (t->r->accepted == 0)
		return err_set(ei, t->r->tempfail_rcpt ? ST_TEMPFAIL :
		    ST_UNAVAILABLE, "no recipient was accepted");
	return final_reply(t, ei);
}

/* The reply to the message itself (the final dot, or BDAT LAST). */
static int
final_reply(struct tx *t, struct errinfo *ei)
{
	struct smtp *s = t->s;

	smtp_reply_quote(&s->r, t->r->final, sizeof(t->r->final));
	if (!SMTP_POSITIVE(&s->r))
		return smtp_reply_error(s, "sending the message", ei);
	if (t->r->refused.len > 0)
		return err_set(ei, ST_NOUSER, "the message was sent to %zu "
		    "recipient%s, but not to the others", t->r->accepted,
		    t->r->accepted == 1 ? "" : "s");
	return 0;
}

static int
mail_refused(struct tx *t, struct errinfo *ei)
{
	/* 503, bad sequence: the session's state, not the message's fault. */
	return err_set(ei, (t->mail_code >= 400 && t->mail_code < 500) ||
	    t->mail_code == 503 ? ST_TEMPFAIL : t->mail_code >= 500 ?
	    ST_UNAVAILABLE : ST_PROTOCOL,
	    "%s port %u: sender <%s> refused: server said: '%s'",
	    t->s->srv->host, server_port(t->s->srv), t->env->from,
	    t->mail_reply);
}

/* One message on its way: what its replies are read against. */
struct submit_tx {
	struct tx t;
	char *hw;		/* the header in wire form */
	size_t hwlen;
	int bdat;
	int eightbit;
};

static struct submit_tx *
tx_new(struct smtp *s, const struct envelope *env, const struct buf *hdr,
    struct spool *sp, struct submit_result *r)
{
	struct submit_tx *x = xcalloc(1, sizeof(*x));
	struct wire w;

	x->t.s = s;
	x->t.env = env;
	x->t.r = r;
	if (s->srv->lmtp)
		x->t.acc = xreallocarray(NULL, env->rcpts->n,
		    sizeof(*x->t.acc));
	x->hw = xmalloc(WIRE_OUT_MAX(hdr->len));
	wire_init(&w);
	x->hwlen = wire_encode(&w, hdr->data, hdr->len, x->hw);
	x->hwlen += wire_finish(&w, x->hw + x->hwlen);
	r->size = w.size + 2 + sp->body.size;
	x->eightbit = w.eightbit || sp->body.eightbit;
	/* LMTP's BDAT replies per recipient too: DATA only, for now. */
	x->bdat = s->esmtp && !s->srv->lmtp &&
	    (s->caps.flags & SMTP_CAP_CHUNKING) &&
	    (s->caps.flags & SMTP_CAP_PIPELINING) && r->size <= SUBMIT_BDAT_MAX;
	if (x->bdat) {
		/* BDAT sends the message as it is: no dot-stuffing. */
		wire_init(&w);
		w.nostuff = 1;
		x->hwlen = wire_encode(&w, hdr->data, hdr->len, x->hw);
		x->hwlen += wire_finish(&w, x->hw + x->hwlen);
	}
	return x;
}

static void
tx_free(struct submit_tx *x)
{
	if (x == NULL)
		return;
	if (x->t.r->quit_sent)
		x->t.s->broken = 1;	/* QUIT is sent: nothing more to say */
	free(x->hw);
	free(x->t.acc);
	free(x);
}

int
submit_message(struct smtp *s, const struct envelope *env,
    const struct buf *hdr, struct spool *sp, struct submit_result *r,
    struct errinfo *ei)
{
	struct submit_tx *x;
	int rc;

	if (env->rcpts->n == 0)
		return err_set(ei, ST_USAGE, "no recipients");
	x = tx_new(s, env, hdr, sp, r);
	rc = transact(&x->t, x->hw, x->hwlen, x->eightbit, x->bdat, sp, ei);
	tx_free(x);
	return rc;
}

int
submit_pipelines(const struct smtp *s, const struct envelope *env,
    const struct buf *hdr, const struct spool *sp)
{
	return s->esmtp && !s->srv->lmtp &&
	    (s->caps.flags & SMTP_CAP_CHUNKING) &&
	    (s->caps.flags & SMTP_CAP_PIPELINING) &&
	    env->rcpts->n > 0 && env->rcpts->n < SUBMIT_RCPT_BATCH &&
	    /* the header grows by its CRs at most: a safe bound */
	    2 * hdr->len + 2 + sp->body.size <= SUBMIT_BDAT_MAX;
}

int
submit_start(struct smtp *s, const struct envelope *env,
    const struct buf *hdr, struct spool *sp, struct submit_result *r,
    struct submit_tx **tx, struct errinfo *ei)
{
	struct submit_tx *x;

	*tx = NULL;
	if (!submit_pipelines(s, env, hdr, sp))
		return err_set(ei, ST_SOFTWARE, "submit_start: this message "
		    "cannot be pipelined");
	x = tx_new(s, env, hdr, sp, r);
	x->t.split = 1;
	if (transact(&x->t, x->hw, x->hwlen, x->eightbit, x->bdat, sp,
	    ei) < 0) {
		tx_free(x);
		return -1;
	}
	*tx = x;
	return 0;
}

int
submit_finish(struct submit_tx *x, struct errinfo *ei)
{
	int rc = bdat_replies(&x->t, ei);

	tx_free(x);
	return rc;
}
