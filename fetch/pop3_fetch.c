/* pop3_fetch: UIDL, LIST, RETR, DELE; pipelined when the server allows. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "dotbody.h"
#include "exitcode.h"
#include "log.h"
#include "pop3_fetch.h"
#include "pp.h"
#include "xalloc.h"

#define QUOTE_MAX	200	/* bytes of a bad line quoted in a message */

struct msg {
	char uid[UID_MAX + 1];
	unsigned long long size;
	int listed;
	enum fetch_action act;
};

struct job {
	struct pop3 *p;
	struct delivery *d;
	struct uidstate *u;
	const struct fetch_policy *pol;
	struct fetch_stats *st;
	struct msg *m;			/* m[1..n] */
	unsigned long n;
	int have_uids;
	int stop;			/* a delivery failed: fetch no more */
	struct errinfo first;		/* the first error, kept */
	/* Commands sent and not yet answered, in order. */
	struct pend {
		int retr;		/* RETR, else DELE */
		unsigned long i;
	} *q;
	size_t qhead, qlen, qalloc;
	size_t retr_out;
	unsigned long long retr_bytes;	/* announced sizes in flight */
};

static unsigned long
parse_num(const char **p, const char *end, int *ok)
{
	unsigned long long v = 0;
	const char *s = *p;

	while (s < end && *s >= '0' && *s <= '9' && v <= POP3_MSGS_MAX * 10ULL)
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
	memcpy(j->m[n].uid, p, (size_t)(end - p));
	j->m[n].uid[end - p] = '\0';
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
	j->m[n].size = size;
	j->m[n].listed = 1;
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
	if (!ok || j->n > POP3_MSGS_MAX)
		return err_set(ei, ST_PROTOCOL, "malformed STAT answer '%s'",
		    err_quote(q, sizeof(q), j->p->r.status.data,
		    j->p->r.status.len));
	j->m = xcalloc(j->n + 1, sizeof(*j->m));
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

static int
cmp_uid(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* STAT, UIDL and LIST: in one write when the server allows it. */
static int
inventory(struct job *j, struct errinfo *ei)
{
	int pipe = (j->p->caps.flags & POP3_CAP_PIPELINING) != 0, ok;
	unsigned long i, k;

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
	for (i = 1; i <= j->n; i++) {
		if (j->have_uids && j->m[i].uid[0] == '\0')
			return err_set(ei, ST_PROTOCOL, "the server's UIDL list "
			    "has no UID for message %lu", i);
		if (!j->m[i].listed)
			return err_set(ei, ST_PROTOCOL, "the server's LIST has "
			    "no size for message %lu", i);
	}
	/* The same UID twice would let one message's fate decide another's. */
	if (j->have_uids && j->n > 1) {
		const char **v = xcalloc(j->n, sizeof(*v));

		for (i = 0; i < j->n; i++)
			v[i] = j->m[i + 1].uid;
		qsort(v, j->n, sizeof(*v), cmp_uid);
		for (k = 1; k < j->n; k++)
			if (strcmp(v[k - 1], v[k]) == 0)
				break;
		if (k < j->n) {
			err_set(ei, ST_PROTOCOL, "the server gave two messages the "
			    "same UID '%s': refusing to fetch or delete anything",
			    v[k]);
			free(v);
			return -1;
		}
		free(v);
	}
	return 0;
}

static void
push(struct job *j, int retr, unsigned long i)
{
	if (j->qhead + j->qlen == j->qalloc) {
		if (j->qhead > 0) {
			memmove(j->q, j->q + j->qhead, j->qlen * sizeof(*j->q));
			j->qhead = 0;
		} else {
			j->qalloc = j->qalloc ? j->qalloc * 2 : 64;
			j->q = xreallocarray(j->q, j->qalloc, sizeof(*j->q));
		}
	}
	j->q[j->qhead + j->qlen].retr = retr;
	j->q[j->qhead + j->qlen].i = i;
	j->qlen++;
	if (retr) {
		j->retr_out++;
		j->retr_bytes += j->m[i].size;
	}
}

static int
queue_dele(struct job *j, unsigned long i, struct errinfo *ei)
{
	if (pp_cmdf(j->p->c, ei, "DELE %lu", i) < 0)
		return -1;
	push(j, 0, i);
	return 0;
}

/*
 * Stream one body into the delivery, or into keep (up to its limit; the
 * rest is read and dropped), or nowhere (discard).
 */
static int
read_body(struct job *j, int discard, struct buf *keep, struct errinfo *ei,
    struct errinfo *dei)
{
	struct dotbody db;
	char *out = xmalloc(DOTBODY_OUT_MAX(CONN_RBUF_SIZE));
	int rc = 0, sink_ok = !discard && keep == NULL;

	dotbody_init(&db);
	conn_trace_input(j->p->c, 0);
	while (!db.done) {
		size_t avail, used, w;
		const char *in = conn_peek(j->p->c, &avail);

		if (avail == 0) {
			if (conn_fill(j->p->c, ei) < 0) {
				j->p->broken = 1;
				rc = -1;
				break;
			}
			continue;
		}
		w = dotbody_decode(&db, in, avail, out, &used);
		conn_consume(j->p->c, used);
		if (keep != NULL) {
			size_t room = DELIVER_HEAD_MAX - keep->len;

			buf_add(keep, out, w < room ? w : room);
		} else if (sink_ok && w > 0 &&
		    delivery_write(j->d, out, w, dei) < 0) {
			sink_ok = 0;
		}
	}
	conn_trace_input(j->p->c, 1);
	free(out);
	if (rc < 0)
		return -1;
	return sink_ok || discard || keep != NULL ? 0 : 1;
}

/* The answer to RETR i, and its message. */
static int
handle_retr(struct job *j, unsigned long i, struct errinfo *ei)
{
	struct msg *m = &j->m[i];
	struct errinfo dei;
	int r;

	if (pop3_read(j->p, 0, ei) < 0)
		return -1;
	if (j->p->r.kind != POP3_OK) {
		char what[32];

		snprintf(what, sizeof(what), "RETR %lu", i);
		pop3_error(j->p, what, &dei);
		if (j->first.st == ST_OK)
			j->first = dei;
		else
			log_error("%s", dei.msg);
		return 0;
	}
	if (j->stop)
		return read_body(j, 1, NULL, ei, &dei);
	delivery_start(j->d);
	if (j->pol->received_header)
		delivery_received(j->d, j->p->srv->host, conn_is_tls(j->p->c) ?
		    "POP3S" : "POP3", j->have_uids ? m->uid : NULL);
	err_clear(&dei);
	r = read_body(j, 0, NULL, ei, &dei);
	if (r < 0) {
		delivery_abort(j->d);
		return -1;
	}
	if (r == 0 && delivery_commit(j->d, &dei) == 0) {
		time_t now = time(NULL);

		j->st->fetched++;
		j->st->fetched_bytes += j->d->size;
		fetch_progress(j->st, 0);
		if (j->have_uids &&
		    uidstate_record(j->u, m->uid, now, &dei) < 0) {
			/* Delivered but not recorded: never delete it now. */
			if (j->first.st != ST_OK)
				log_error("%s", j->first.msg);
			j->first = dei;
			j->stop = 1;
			return 0;
		}
		if (policy_delete_now(j->pol) && !j->stop)
			return queue_dele(j, i, ei);
		return 0;
	}
	delivery_abort(j->d);
	err_prefix(&dei, "message %lu not delivered (kept on the server): ",
	    i);
	/* The first error is the run's, shown once by the caller. */
	if (j->first.st == ST_OK)
		j->first = dei;
	else
		log_error("%s", dei.msg);
	j->stop = 1;
	return 0;
}

static int
handle_dele(struct job *j, unsigned long i, struct errinfo *ei)
{
	if (pop3_read(j->p, 0, ei) < 0)
		return -1;
	if (j->p->r.kind != POP3_OK) {
		char what[32];
		struct errinfo dei;

		snprintf(what, sizeof(what), "DELE %lu", i);
		pop3_error(j->p, what, &dei);
		log_warn("%s", dei.msg);
		return 0;
	}
	j->st->deleted++;
	if (j->have_uids)
		uidstate_deleted(j->u, j->m[i].uid);
	return 0;
}

static double
since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

void
fetch_progress(struct fetch_stats *st, int final)
{
	struct timespec now;
	double el;

	if (!st->progress || st->to_fetch == 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!final && since(&st->shown, &now) < 0.2)
		return;
	st->shown = now;
	el = since(&st->t0, &now);
	fprintf(stderr, "\r  %lu/%lu messages, %.1f MiB, %.1f MiB/s%s",
	    st->fetched, st->to_fetch, (double)st->fetched_bytes / 1048576.0,
	    el > 0 ? (double)st->fetched_bytes / 1048576.0 / el : 0.0,
	    final ? "\n" : "");
	fflush(stderr);
}

/* Read the answer to the oldest command sent. */
static int
process_one(struct job *j, struct errinfo *ei)
{
	struct pend pd = j->q[j->qhead];

	j->qhead++;
	j->qlen--;
	if (!pd.retr)
		return handle_dele(j, pd.i, ei);
	j->retr_out--;
	j->retr_bytes -= j->retr_bytes < j->m[pd.i].size ? j->retr_bytes :
	    j->m[pd.i].size;
	return handle_retr(j, pd.i, ei);
}

/* An error that stops the account (the first one is the run's). */
static void
stop_with(struct job *j, struct errinfo *e)
{
	if (j->first.st == ST_OK)
		j->first = *e;
	else
		log_error("%s", e->msg);
	j->stop = 1;
}

/*
 * mpop's filter for message i: TOP i 0, its header on the command's
 * standard input; exit 0 fetch it, 1 delete it unfetched, 2 leave it
 * (skipped), anything else an error that stops the account (nothing of
 * this message or the next ones is fetched or deleted).
 */
static int
filter_one(struct job *j, unsigned long i, struct errinfo *ei)
{
	struct msg *m = &j->m[i];
	struct errinfo fei;
	struct buf head;
	char *from;
	int r;

	if (pp_cmdf(j->p->c, ei, "TOP %lu 0", i) < 0 ||
	    pop3_read(j->p, 0, ei) < 0)
		return -1;
	if (j->p->r.kind != POP3_OK) {
		char what[32];

		snprintf(what, sizeof(what), "TOP %lu 0 (for the filter)", i);
		pop3_error(j->p, what, &fei);
		stop_with(j, &fei);
		return 0;
	}
	buf_init(&head, DELIVER_HEAD_MAX + 1);
	if (read_body(j, 0, &head, ei, &fei) < 0) {
		buf_free(&head);
		return -1;
	}
	from = deliver_envelope_from(head.data != NULL ? head.data : "",
	    head.len);
	err_clear(&fei);
	r = sink_filter_run(j->d->filter, &j->d->filter_opts, from, m->size,
	    head.data != NULL ? head.data : "", head.len, &fei);
	free(from);
	buf_free(&head);
	if (r < 0 || r > 2) {
		if (r > 2)
			err_set(&fei, exitcode_mda(r), "filter '%s' failed (exit "
			    "status %d)", j->d->filter, r);
		err_prefix(&fei, "message %lu not fetched (kept on the server): ",
		    i);
		stop_with(j, &fei);
		return 0;
	}
	if (r == 0)
		return 0;
	/* Not fetched after all. */
	j->st->fresh--;
	j->st->fresh_bytes -= m->size;
	j->st->to_fetch--;
	if (r == 2) {
		m->act = ACT_SKIP;
		j->st->skipped++;
		return 0;
	}
	m->act = ACT_DELETE;
	return queue_dele(j, i, ei) < 0 || process_one(j, ei) < 0 ? -1 : 0;
}

static int
run(struct job *j, struct errinfo *ei)
{
	int pipe = (j->p->caps.flags & POP3_CAP_PIPELINING) != 0;
	time_t now = time(NULL);
	unsigned long i, next = 1;
	long fetched = 0;

	/* Decide; the deletions that need no fetching go first. */
	for (i = 1; i <= j->n; i++) {
		struct uident *e = j->have_uids ? uidstate_find(j->u,
		    j->m[i].uid) : NULL;

		if (e != NULL)
			e->present = 1;
		j->m[i].act = policy_decide(j->pol, e != NULL ? &e->seen : NULL,
		    j->m[i].size, now);
		j->st->messages_bytes += j->m[i].size;
		if (j->m[i].act == ACT_SKIP)
			j->st->skipped++;
		if (j->m[i].act == ACT_FETCH && j->pol->max_messages > 0 &&
		    ++fetched > j->pol->max_messages)
			j->m[i].act = ACT_LEAVE;
		if (j->m[i].act == ACT_FETCH) {
			/* --check counts what a fetch would fetch (fetchall). */
			j->st->fresh++;
			j->st->fresh_bytes += j->m[i].size;
			if (j->pol->check_only)
				j->m[i].act = ACT_LEAVE;
			else
				j->st->to_fetch++;
		}
		if (j->m[i].act == ACT_DELETE) {
			if (queue_dele(j, i, ei) < 0 ||
			    (!pipe && process_one(j, ei) < 0))
				return -1;
		}
	}
	/* The filter, one message at a time, before any RETR. */
	if (j->d->filter != NULL && !j->pol->check_only) {
		while (j->qlen > 0)
			if (process_one(j, ei) < 0)
				return -1;
		for (i = 1; i <= j->n && !j->stop; i++)
			if (j->m[i].act == ACT_FETCH && filter_one(j, i, ei) < 0)
				return -1;
	}
	for (;;) {
		while (!j->stop && next <= j->n &&
		    (pipe ? j->retr_out == 0 || (j->retr_out < POP3_FETCH_WINDOW &&
		    j->retr_bytes < POP3_FETCH_BYTES) : j->qlen == 0)) {
			if (j->m[next].act == ACT_FETCH) {
				if (pp_cmdf(j->p->c, ei, "RETR %lu", next) < 0)
					return -1;
				push(j, 1, next);
			}
			next++;
		}
		if (j->qlen == 0)
			break;
		if (process_one(j, ei) < 0)
			return -1;
	}
	delivery_release(j->d);
	fetch_progress(j->st, 1);
	return 0;
}

int
pop3_fetch(struct pop3 *p, struct delivery *d, struct uidstate *u,
    const struct fetch_policy *pol, struct fetch_stats *st,
    struct errinfo *ei)
{
	struct job j;
	int rc = -1;

	memset(&j, 0, sizeof(j));
	j.p = p;
	j.d = d;
	j.u = u;
	j.pol = pol;
	j.st = st;
	err_clear(&j.first);
	if (inventory(&j, ei) < 0)
		goto out;
	st->messages = j.n;
	st->inventoried = 1;
	if (run(&j, ei) < 0)
		goto out;
	if (j.first.st != ST_OK) {
		*ei = j.first;
		goto out;
	}
	rc = 0;
out:
	free(j.m);
	free(j.q);
	return rc;
}
