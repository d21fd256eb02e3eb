/* pop3_fetch: UIDL, LIST, RETR, DELE; pipelined when the server allows. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "dotbody.h"
#include "log.h"
#include "pop3_auth.h"
#include "pop3_fetch.h"
#include "pp.h"
#include "xalloc.h"

#define QUOTE_MAX	200	/* bytes of a bad line quoted in a message */

struct job {
	struct pop3 *p;
	const struct fetch_policy *pol;
	struct fetch_msg *m;		/* m[0..n): message i + 1 */
	int *listed;
	unsigned long n;
	int have_uids;
};

static unsigned long
parse_num(const char **p, const char *end, int *ok)
{
	unsigned long long v = 0;
	const char *s = *p;

	while (s < end && *s >= '0' && *s <= '9' && v <= FETCH_MSGS_MAX * 10ULL)
		v = v * 10 + (unsigned long long)(*s++ - '0');
	*ok = s > *p && v <= (1ULL << 50);
	*p = s;
	return (unsigned long)v;
}

/* "n uid" (UIDL) lines. */
static int
on_uidl(void *arg, const char *l, size_t len, struct errinfo *ei)
{
	struct job *j = arg;
	const char *p = l, *end = l + len;
	unsigned long n;
	char q[QUOTE_MAX];
	int ok;

	n = parse_num(&p, end, &ok);
	if (!ok || n == 0 || n > j->n || p >= end || *p != ' ')
		return err_set(ei, ST_PROTOCOL, "malformed UIDL line '%s'",
		    err_quote(q, sizeof(q), l, len));
	p++;
	if (!uidstate_valid_uid(p, (size_t)(end - p)))
		return err_set(ei, ST_PROTOCOL, "message %lu: invalid UID (1 to "
		    "%d printable characters, RFC 1939): '%s'", n, UID_MAX,
		    err_quote(q, sizeof(q), p, (size_t)(end - p)));
	memcpy(j->m[n - 1].uid, p, (size_t)(end - p));
	j->m[n - 1].uid[end - p] = '\0';
	return 0;
}

/* "n size" (LIST) lines. */
static int
on_list(void *arg, const char *l, size_t len, struct errinfo *ei)
{
	struct job *j = arg;
	const char *p = l, *end = l + len;
	unsigned long n;
	unsigned long long size = 0;
	char q[QUOTE_MAX];
	int ok;

	n = parse_num(&p, end, &ok);
	if (!ok || n == 0 || n > j->n || p >= end || *p != ' ' || p + 1 >= end)
		return err_set(ei, ST_PROTOCOL, "malformed LIST line '%s'",
		    err_quote(q, sizeof(q), l, len));
	p++;
	while (p < end && *p >= '0' && *p <= '9' && size < (1ULL << 50))
		size = size * 10 + (unsigned long long)(*p++ - '0');
	/* "1 abc" is no size: it would slip past killsize and skipsize. */
	if (p < end && *p != ' ')
		return err_set(ei, ST_PROTOCOL, "malformed LIST line '%s'",
		    err_quote(q, sizeof(q), l, len));
	j->m[n - 1].size = size;
	j->listed[n - 1] = 1;
	return 0;
}

/* The answer to STAT (already sent). */
static int
read_stat(struct job *j, struct errinfo *ei)
{
	const char *p, *end;
	char q[QUOTE_MAX];
	int ok;

	if (pop3_read(j->p, 0, ei) < 0)
		return -1;
	if (j->p->r.kind != POP3_OK)
		return pop3_error(j->p, "STAT", ei);
	p = j->p->r.status.data;
	end = p + j->p->r.status.len;
	j->n = parse_num(&p, end, &ok);
	if (!ok || j->n > FETCH_MSGS_MAX)
		return err_set(ei, ST_PROTOCOL, "malformed STAT answer '%s'",
		    err_quote(q, sizeof(q), j->p->r.status.data,
		    j->p->r.status.len));
	j->m = xcalloc(j->n + 1, sizeof(*j->m));
	j->listed = xcalloc(j->n + 1, sizeof(*j->listed));
	return 0;
}

static int
read_list(struct job *j, const char *what, pop3_line_fn fn, int *ok_r,
    struct errinfo *ei)
{
	int rc;

	j->p->r.on_line = fn;
	j->p->r.arg = j;
	rc = pop3_read(j->p, 1, ei);
	j->p->r.on_line = NULL;
	j->p->r.arg = NULL;
	if (rc < 0)
		return -1;
	*ok_r = j->p->r.kind == POP3_OK;
	if (!*ok_r && strcmp(what, "LIST") == 0)
		return pop3_error(j->p, what, ei);
	return 0;
}

/* STAT, UIDL and LIST: in one write when the server allows it. */
static int
inventory(struct job *j, struct errinfo *ei)
{
	int pipe = (j->p->caps.flags & POP3_CAP_PIPELINING) != 0, ok;
	unsigned long i;

	if (pp_cmdf(j->p->c, ei, "STAT") < 0 ||
	    (pipe && (pp_cmdf(j->p->c, ei, "UIDL") < 0 ||
	    pp_cmdf(j->p->c, ei, "LIST") < 0)))
		return -1;
	if (read_stat(j, ei) < 0)
		return -1;
	if (j->n == 0 && !pipe)
		return 0;
	if (!pipe && pp_cmdf(j->p->c, ei, "UIDL") < 0)
		return -1;
	if (read_list(j, "UIDL", on_uidl, &ok, ei) < 0)
		return -1;
	j->have_uids = ok;
	if (!ok)
		log_warn("%s: the server has no UIDL: messages cannot be told "
		    "apart between runs%s", j->p->srv->host, j->pol->keep != 0 ?
		    ", so every message is fetched on every run" : "");
	if (!pipe && pp_cmdf(j->p->c, ei, "LIST") < 0)
		return -1;
	if (read_list(j, "LIST", on_list, &ok, ei) < 0)
		return -1;
	for (i = 0; i < j->n; i++) {
		j->m[i].id = i + 1;
		if (j->have_uids && j->m[i].uid[0] == '\0')
			return err_set(ei, ST_PROTOCOL, "the server's UIDL list "
			    "has no UID for message %lu", i + 1);
		if (!j->listed[i])
			return err_set(ei, ST_PROTOCOL, "the server's LIST has "
			    "no size for message %lu", i + 1);
	}
	return j->have_uids ? fetch_unique_uids(j->m, j->n, ei) : 0;
}

/* A body kept for the filter: up to DELIVER_HEAD_MAX bytes. */
/* Stream one body (RETR, TOP) to body(arg, ...), or nowhere. */
static int
read_body(struct pop3 *p, fetch_body_fn body, void *arg, struct errinfo *ei)
{
	struct dotbody db;
	char *out = xmalloc(DOTBODY_OUT_MAX(CONN_RBUF_SIZE));
	int rc = 0;

	dotbody_init(&db);
	conn_trace_input(p->c, 0);
	while (!db.done) {
		size_t avail, used, w;
		const char *in = conn_peek(p->c, &avail);

		if (avail == 0) {
			if (conn_fill(p->c, ei) < 0) {
				p->broken = 1;
				rc = -1;
				break;
			}
			continue;
		}
		w = dotbody_decode(&db, in, avail, out, &used);
		conn_consume(p->c, used);
		if (body != NULL && w > 0)
			body(arg, out, w);
	}
	conn_trace_input(p->c, 1);
	free(out);
	return rc;
}

/* The answer to one command: 0 +OK, 1 -ERR (dei), -1 (ei). */
static int
status(struct pop3 *p, const char *cmd, unsigned long id, struct errinfo *dei,
    struct errinfo *ei)
{
	char what[48];

	if (pop3_read(p, 0, ei) < 0)
		return -1;
	if (p->r.kind == POP3_OK)
		return 0;
	snprintf(what, sizeof(what), "%s %lu", cmd, id);
	pop3_error(p, what, dei);
	return 1;
}

static int
op_request(void *pr, const struct fetch_msg *m, struct errinfo *ei)
{
	return pp_cmdf(((struct pop3 *)pr)->c, ei, "RETR %lu", m->id);
}

static int
op_retrieve(void *pr, const struct fetch_msg *m, fetch_body_fn body,
    void *arg, struct errinfo *dei, struct errinfo *ei)
{
	int r = status(pr, "RETR", m->id, dei, ei);

	if (r != 0)
		return r;
	return read_body(pr, body, arg, ei);
}

static int
op_del(void *pr, const struct fetch_msg *m, int fetched, struct errinfo *ei)
{
	(void)fetched;
	return pp_cmdf(((struct pop3 *)pr)->c, ei, "DELE %lu", m->id);
}

static int
op_deleted(void *pr, const struct fetch_msg *m, struct errinfo *dei,
    struct errinfo *ei)
{
	return status(pr, "DELE", m->id, dei, ei);
}

static int
op_header(void *pr, const struct fetch_msg *m, struct buf *head,
    struct errinfo *dei, struct errinfo *ei)
{
	struct pop3 *p = pr;

	if (pp_cmdf(p->c, ei, "TOP %lu 0", m->id) < 0 ||
	    pop3_read(p, 0, ei) < 0)
		return -1;
	if (p->r.kind != POP3_OK) {
		char what[64];

		snprintf(what, sizeof(what), "TOP %lu 0 (for the filter)", m->id);
		pop3_error(p, what, dei);
		return 1;
	}
	return read_body(p, fetch_to_head, head, ei);
}

static const struct fetch_proto_ops pop3_ops = {
	op_request, op_retrieve, op_del, op_deleted, op_header
};

int
pop3_fetch(struct pop3 *p, struct delivery *d, struct uidstate *u,
    const struct fetch_policy *pol, struct fetch_stats *st,
    struct errinfo *ei)
{
	struct fetch_proto fp;
	struct job j;
	int rc = -1;

	memset(&j, 0, sizeof(j));
	j.p = p;
	j.pol = pol;
	if (inventory(&j, ei) < 0)
		goto out;
	st->messages = j.n;
	st->inventoried = 1;
	memset(&fp, 0, sizeof(fp));
	fp.ops = &pop3_ops;
	fp.pr = p;
	fp.host = p->srv->host;
	fp.with = conn_is_tls(p->c) ? "POP3S" : "POP3";
	fp.pipelined = (p->caps.flags & POP3_CAP_PIPELINING) != 0;
	fp.have_uids = j.have_uids;
	rc = fetch_engine_run(&fp, j.m, j.n, d, u, pol, st, ei);
out:
	free(j.m);
	free(j.listed);
	return rc;
}

struct pop3_sess {
	struct pop3 p;
	struct login lg;
	int pipelining;			/* the account's SETHDR_* */
	int logged_in;
};

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
		    "%d), whatever 'keep' says", account_label(a), days == 0 ?
		    "at once" : "after that many days", days);
}

static int
sess_open(void **sp, const struct account *a, struct uidstate *u,
    const struct fetch_policy *pol, struct errinfo *ei)
{
	struct pop3_sess *s = xcalloc(1, sizeof(*s));

	*sp = NULL;
	if (pop3_open(&s->p, &a->in, ei) < 0) {
		pop3_close(&s->p, 1);	/* QUIT unless broken; frees */
		free(s);
		return -1;
	}
	*sp = s;
	login_init(&s->lg, &a->in, a->name, a->address, conn_tls(s->p.c));
	if (pop3_login(&s->p, &s->lg, ei) < 0)
		return -1;
	s->logged_in = 1;
	/* pipelining auto: as the server says (CAPA). */
	if (a->pipelining == SETHDR_OFF)
		s->p.caps.flags &= ~(unsigned)POP3_CAP_PIPELINING;
	else if (a->pipelining == SETHDR_ON)
		s->p.caps.flags |= POP3_CAP_PIPELINING;
	u->last_login = time(NULL);
	u->login_delay = s->p.caps.login_delay;
	expire_warning(a, &s->p, pol);
	return 0;
}

static int
sess_fetch(void *sp, struct delivery *d, struct uidstate *u,
    const struct fetch_policy *pol, struct fetch_stats *st,
    struct errinfo *ei)
{
	return pop3_fetch(&((struct pop3_sess *)sp)->p, d, u, pol, st, ei);
}

/*
 * QUIT makes the DELEs happen.  Their UIDs are journaled first, so that
 * a run that dies before QUIT's answer forgets them (a server may give a
 * deleted message's UID to a new one); if that cannot be written, no
 * QUIT: the server undoes the deletions.  Once QUIT is answered +OK they
 * are final and the UIDs are forgotten.
 */
static int
sess_close(void *sp, struct uidstate *u, struct errinfo *ei)
{
	struct pop3_sess *s = sp;
	int rc = 0;

	if (!s->p.broken) {
		int quit = uidstate_deletions_pending(u, ei) == 0;

		if (!quit) {
			err_prefix(ei, "no QUIT (the server keeps the messages): ");
			rc = -1;
		}
		uidstate_deletions_done(u, pop3_close(&s->p, quit));
	} else {
		pop3_close(&s->p, 1);
	}
	login_free(&s->lg);
	free(s);
	return rc;
}

const struct fetch_session_ops pop3_session = {
	sess_open, sess_fetch, sess_close
};
