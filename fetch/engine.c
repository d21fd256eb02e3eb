/* engine: decide, retrieve, deliver, record, delete; pipelined. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "log.h"
#include "mdaexit.h"
#include "xalloc.h"

struct job {
	const struct fetch_proto *p;
	struct delivery *d;
	struct uidstate *u;
	const struct fetch_policy *pol;
	struct fetch_stats *st;
	struct fetch_msg *m;
	unsigned long n;
	int stop;			/* fetch no more */
	struct errinfo first;		/* the first error, kept */
	/* The message being delivered. */
	int sink_ok;
	struct errinfo dei;
	/* Commands sent and not yet answered, in order. */
	struct pend {
		int retr;		/* a retrieval, else a deletion */
		unsigned long i;
	} *q;
	size_t qhead, qlen, qalloc;
	size_t retr_out;
	unsigned long long retr_bytes;	/* announced sizes in flight */
	/* Group commit: staged in the sink, not yet durable, in order. */
	unsigned long *staged;
	size_t nstaged, astaged;
	unsigned long long staged_bytes;	/* as delivered */
	/* Durable and recorded: their deletions are still to be sent. */
	unsigned long *todel;
	size_t todel_head, ntodel, atodel;
};

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

static int
cmp_uid(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
fetch_unique_uids(const struct fetch_msg *m, unsigned long n,
    struct errinfo *ei)
{
	const char **v;
	unsigned long i, k;

	if (n < 2)
		return 0;
	v = xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = m[i].uid;
	qsort(v, n, sizeof(*v), cmp_uid);
	for (k = 1; k < n; k++)
		if (strcmp(v[k - 1], v[k]) == 0)
			break;
	if (k < n) {
		err_set(ei, ST_PROTOCOL, "the server gave two messages the same "
		    "UID '%s': refusing to fetch or delete anything", v[k]);
		free(v);
		return -1;
	}
	free(v);
	return 0;
}

/* An error that stops the mailbox (the first one is the run's). */
static void
stop_with(struct job *j, const struct errinfo *e)
{
	if (j->first.st == ST_OK)
		j->first = *e;
	else
		log_error("%s", e->msg);
	j->stop = 1;
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
queue_del(struct job *j, unsigned long i, int fetched, struct errinfo *ei)
{
	if (j->p->ops->del(j->p->pr, &j->m[i], fetched, ei) < 0)
		return -1;
	push(j, 0, i);
	return 0;
}

static void
add_index(unsigned long **v, size_t *n, size_t *alloc, unsigned long i)
{
	if (*n == *alloc) {
		*alloc = *alloc ? *alloc * 2 : FETCH_BATCH;
		*v = xreallocarray(*v, *alloc, sizeof(**v));
	}
	(*v)[(*n)++] = i;
}

/*
 * Make the staged batch durable (the sink's sync), then record every UID
 * of it with one fsync of the state's journal, then queue the deletions
 * (sent by send_more()): deliver -> durable -> recorded -> delete, for
 * the batch as for each of its messages.  Needs no network, so it also
 * runs after the session broke.  A failure stops the fetching: the
 * batch is then neither recorded nor deleted (a failed sync delivered
 * none of it; a failed record leaves it delivered, to be fetched again).
 */
static void
flush(struct job *j)
{
	struct errinfo e;
	size_t k, n = j->nstaged;
	time_t now = time(NULL);

	if (n == 0)
		return;
	j->nstaged = 0;
	err_clear(&e);
	if (delivery_sync(j->d, &e) < 0) {
		j->st->fetched -= n;
		j->st->fetched_bytes -= j->staged_bytes;
		j->staged_bytes = 0;
		if (n == 1)
			err_prefix(&e, "message %lu not delivered (kept on the "
			    "server): ", j->m[j->staged[0]].id);
		else
			err_prefix(&e, "%zu messages, %lu to %lu, not "
			    "delivered (kept on the server): ", n,
			    j->m[j->staged[0]].id, j->m[j->staged[n - 1]].id);
		stop_with(j, &e);
		return;
	}
	j->staged_bytes = 0;
	if (j->p->have_uids) {
		/* A sink that does not defer had them recorded at stage. */
		for (k = delivery_defers(j->d) ? 0 : n; k < n; k++) {
			struct fetch_msg *m = &j->m[j->staged[k]];

			if (uidstate_record_fp(j->u, m->uid, now, m->fp, 0,
			    &e) < 0)
				break;
		}
		if (k < n || uidstate_sync(j->u, &e) < 0) {
			/* Delivered but not recorded: never delete them now. */
			stop_with(j, &e);
			return;
		}
	}
	for (k = 0; k < n; k++) {
		j->m[j->staged[k]].done = 1;
		if (policy_delete_now(j->pol))
			add_index(&j->todel, &j->ntodel, &j->atodel,
			    j->staged[k]);
	}
}

void
fetch_to_head(void *arg, const char *p, size_t n)
{
	struct buf *keep = arg;
	size_t room = DELIVER_HEAD_MAX - keep->len;

	buf_add(keep, p, n < room ? n : room);
}

/* The body function: into the delivery until it fails, then nowhere. */
static void
to_delivery(void *arg, const char *p, size_t n)
{
	struct job *j = arg;

	if (j->sink_ok && n > 0 && delivery_write(j->d, p, n, &j->dei) < 0)
		j->sink_ok = 0;
}

/* The answer to the retrieval of m[i], and its message. */
static int
handle_retr(struct job *j, unsigned long i, struct errinfo *ei)
{
	struct fetch_msg *m = &j->m[i];
	struct errinfo dei;
	int r;

	err_clear(&dei);
	if (j->stop) {
		r = j->p->ops->retrieve(j->p->pr, m, NULL, NULL, &dei, ei);
		if (r == 1)
			log_error("%s", dei.msg);
		else if (r == 2)
			log_warn("%s", dei.msg);
		return r < 0 ? -1 : 0;
	}
	delivery_start(j->d);
	if (j->pol->received_header)
		delivery_received(j->d, j->p->host, j->p->with,
		    j->p->have_uids ? m->uid : NULL);
	j->sink_ok = 1;
	err_clear(&j->dei);
	r = j->p->ops->retrieve(j->p->pr, m, to_delivery, j, &dei, ei);
	if (r < 0) {
		delivery_abort(j->d);
		return -1;
	}
	if (r == 2) {
		/* Gone (another client deleted it): nothing to deliver. */
		delivery_abort(j->d);
		log_warn("%s", dei.msg);
		m->done = 1;	/* nothing left to do with it */
		return 0;
	}
	if (r == 1) {
		/* Refused: nothing of it was delivered; go on with the rest. */
		delivery_abort(j->d);
		if (j->first.st == ST_OK)
			j->first = dei;
		else
			log_error("%s", dei.msg);
		return 0;
	}
	if (j->sink_ok && delivery_stage(j->d, &j->dei) == 0) {
		/* Whole, not yet durable: flush() does the rest. */
		j->st->fetched++;
		j->st->fetched_bytes += j->d->size;
		fetch_progress(j->st, 0);
		/*
		 * Delivered for good already (an MDA's exit 0): recorded at
		 * once, so that a kill before the batch's end does not
		 * deliver it twice; the fsync still waits for the batch.
		 */
		if (!delivery_defers(j->d) && j->p->have_uids &&
		    uidstate_record_fp(j->u, m->uid, time(NULL), m->fp, 0,
		    &dei) < 0) {
			/* Delivered but not recorded: never delete it now. */
			stop_with(j, &dei);
			return 0;
		}
		j->staged_bytes += j->d->size;
		add_index(&j->staged, &j->nstaged, &j->astaged, i);
		return 0;
	}
	delivery_abort(j->d);
	err_prefix(&j->dei, "message %lu not delivered (kept on the server): ",
	    m->id);
	stop_with(j, &j->dei);
	return 0;
}

static int
handle_del(struct job *j, unsigned long i, struct errinfo *ei)
{
	struct errinfo dei;
	int r = j->p->ops->deleted(j->p->pr, &j->m[i], &dei, ei);

	if (r < 0)
		return -1;
	if (r == 1) {
		log_warn("%s", dei.msg);
		return 0;
	}
	j->st->deleted++;
	j->m[i].done = 1;
	if (j->p->have_uids)
		uidstate_deleted(j->u, j->m[i].uid);
	return 0;
}

/* Read the answer to the oldest command sent. */
static int
process_one(struct job *j, struct errinfo *ei)
{
	struct pend pd = j->q[j->qhead];

	j->qhead++;
	j->qlen--;
	if (!pd.retr)
		return handle_del(j, pd.i, ei);
	j->retr_out--;
	j->retr_bytes -= j->retr_bytes < j->m[pd.i].size ? j->retr_bytes :
	    j->m[pd.i].size;
	return handle_retr(j, pd.i, ei);
}

static int
drain(struct job *j, struct errinfo *ei)
{
	while (j->qlen > 0)
		if (process_one(j, ei) < 0)
			return -1;
	return 0;
}

/*
 * mpop's filter for m[i]: its header on the command's standard input;
 * exit 0 fetch it, 1 delete it unfetched, 2 leave it (skipped), anything
 * else an error that stops the mailbox (nothing of this message or the
 * next ones is fetched or deleted).
 */
static int
filter_one(struct job *j, unsigned long i, struct errinfo *ei)
{
	struct fetch_msg *m = &j->m[i];
	struct errinfo fei;
	struct buf head;
	char *from;
	int r;

	buf_init(&head, DELIVER_HEAD_MAX + 1);
	err_clear(&fei);
	r = j->p->ops->header(j->p->pr, m, &head, &fei, ei);
	if (r != 0) {
		buf_free(&head);
		if (r < 0)
			return -1;
		stop_with(j, &fei);
		return 0;
	}
	from = deliver_envelope_from(head.data != NULL ? head.data : "",
	    head.len);
	r = sink_filter_run(j->d->filter, &j->d->filter_opts, from, m->size,
	    head.data != NULL ? head.data : "", head.len, &fei);
	free(from);
	buf_free(&head);
	if (r < 0 || r > 2) {
		if (r > 2)
			err_set(&fei, mdaexit_status(r), "filter '%s' failed (exit "
			    "status %d)", j->d->filter, r);
		err_prefix(&fei, "message %lu not fetched (kept on the server): ",
		    m->id);
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
	return queue_del(j, i, 0, ei) < 0 || process_one(j, ei) < 0 ? -1 : 0;
}

/* Decide; the deletions that need no fetching go at once. */
static int
decide(struct job *j, struct errinfo *ei)
{
	time_t now = time(NULL);
	unsigned long i;
	long fetched = 0;

	for (i = 0; i < j->n; i++) {
		struct fetch_msg *m = &j->m[i];
		struct uident *e = j->p->have_uids ? uidstate_find(j->u,
		    m->uid) : NULL;

		if (e != NULL)
			e->present = 1;
		m->act = policy_decide(j->pol, e != NULL ? &e->seen : NULL,
		    m->size, now);
		j->st->messages_bytes += m->size;
		if (m->act == ACT_SKIP)
			j->st->skipped++;
		if (m->act == ACT_FETCH && j->pol->max_messages > 0 &&
		    ++fetched > j->pol->max_messages)
			m->act = ACT_LEAVE;
		if (m->act == ACT_FETCH) {
			/* --check counts what a fetch would fetch (fetchall). */
			j->st->fresh++;
			j->st->fresh_bytes += m->size;
			if (j->pol->check_only)
				m->act = ACT_LEAVE;
			else
				j->st->to_fetch++;
		}
		if (m->act == ACT_DELETE && (queue_del(j, i, 0, ei) < 0 ||
		    (!j->p->pipelined && process_one(j, ei) < 0)))
			return -1;
	}
	return 0;
}

/*
 * Send what may be sent now: the deletions of what flush() recorded (they
 * go before further retrievals; without pipelining one at a time), then
 * retrievals up to the window.
 */
static int
send_more(struct job *j, unsigned long *next, struct errinfo *ei)
{
	while (j->todel_head < j->ntodel && (j->p->pipelined ||
	    j->qlen == 0))
		if (queue_del(j, j->todel[j->todel_head++], 1, ei) < 0)
			return -1;
	if (j->todel_head == j->ntodel)
		j->todel_head = j->ntodel = 0;
	while (!j->stop && *next < j->n && (j->p->pipelined ?
	    j->retr_out == 0 || (j->retr_out < FETCH_WINDOW &&
	    j->retr_bytes < FETCH_WINDOW_BYTES) : j->qlen == 0)) {
		if (j->m[*next].act == ACT_FETCH) {
			if (j->p->ops->request(j->p->pr, &j->m[*next], ei) < 0)
				return -1;
			push(j, 1, *next);
		}
		(*next)++;
	}
	return 0;
}

/*
 * Is the batch due?  When it is full; when nothing is in flight (the end:
 * no more bytes are coming, waiting buys nothing); when the fetching
 * stopped (what is staged and fine is kept).  Asked after send_more(),
 * so that with a batch full the link is already busy with the next
 * retrievals while the fsyncs run, at any round-trip time.  Between those
 * points a staged message waits for the batch; a crash then loses only
 * the fact that it was delivered (engine.h).
 */
static int
batch_due(const struct job *j)
{
	return j->nstaged > 0 && (j->nstaged >= FETCH_BATCH ||
	    j->staged_bytes >= FETCH_BATCH_BYTES || j->qlen == 0 || j->stop);
}

static int
run(struct job *j, struct errinfo *ei)
{
	unsigned long i, next = 0;

	if (decide(j, ei) < 0)
		return -1;
	/* The filter, one message at a time, before any retrieval. */
	if (j->d->filter != NULL && !j->pol->check_only &&
	    j->p->ops->header != NULL) {
		/* Never a batch waiting while a command of the user's runs. */
		flush(j);
		if (drain(j, ei) < 0)
			return -1;
		for (i = 0; i < j->n && !j->stop; i++)
			if (j->m[i].act == ACT_FETCH && filter_one(j, i, ei) < 0)
				return -1;
	}
	for (;;) {
		if (send_more(j, &next, ei) < 0)
			return -1;
		if (batch_due(j)) {
			flush(j);
			continue;	/* its deletions go out first */
		}
		if (j->qlen == 0)
			break;
		if (process_one(j, ei) < 0)
			return -1;
	}
	fetch_progress(j->st, 1);
	return 0;
}

int
fetch_engine_run(const struct fetch_proto *p, struct fetch_msg *m,
    unsigned long n, struct delivery *d, struct uidstate *u,
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
	j.m = m;
	j.n = n;
	err_clear(&j.first);
	if (run(&j, ei) < 0) {
		/*
		 * The session broke: what was staged is still made durable
		 * and recorded (nothing can be deleted now).
		 */
		flush(&j);
		if (j.first.st != ST_OK)
			log_error("%s", j.first.msg);
		delivery_release(d);
		goto out;
	}
	delivery_release(d);
	if (j.first.st != ST_OK) {
		*ei = j.first;
		goto out;
	}
	rc = 0;
out:
	free(j.q);
	free(j.staged);
	free(j.todel);
	return rc;
}
