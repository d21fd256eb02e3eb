/* enqueue: a message into the queue after a temporary failure. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "enqueue.h"
#include "queue.h"

int
enqueue_possible(const struct account *a, char *why, size_t whysz)
{
	if (a->file == NULL || a->name == NULL || *a->name == '\0') {
		snprintf(why, whysz, "only the mail of an account of the "
		    "accounts file can be queued");
		return 0;
	}
	if (strlen(a->name) > QENV_NAME_MAX) {
		snprintf(why, whysz, "the account's name is too long to be "
		    "queued");
		return 0;
	}
	return 1;
}

int
enqueue_temporary(enum status st, int at_login)
{
	return st == ST_TEMPFAIL || st == ST_NOHOST || st == ST_PROTOCOL ||
	    (st == ST_NOPERM && !at_login);
}

int
enqueue(const struct account *a, const struct enqueue_msg *m,
    const struct buf *hdr, struct spool *sp, char *id, struct errinfo *ei)
{
	struct queue q;
	struct qenv e;
	uint32_t rnd = 0;
	size_t i;
	long long now = (long long)time(NULL);
	char *dir;
	int rc = -1;

	qenv_init(&e);
	snprintf(e.account, sizeof(e.account), "%s", a->name);
	if (strlen(m->from) > QENV_ADDR_MAX)
		return err_set(ei, ST_DATA, "the sender is too long to be "
		    "queued");
	snprintf(e.sender, sizeof(e.sender), "%s", m->from);
	if (m->dsn_notify != NULL)
		snprintf(e.notify, sizeof(e.notify), "%s", m->dsn_notify);
	e.ret = m->dsn_return == NULL ? QENV_RET_NONE :
	    strcmp(m->dsn_return, "full") == 0 ? QENV_RET_FULL :
	    QENV_RET_HEADERS;
	if (m->envid != NULL)
		snprintf(e.envid, sizeof(e.envid), "%s", m->envid);
	e.created = now;
	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) < 0)
		rnd = (uint32_t)now;
	e.attempts = m->tried ? 1 : 0;
	e.next = qenv_next_try(now, e.attempts, rnd);
	if (m->error != NULL)
		qenv_set_text(e.error, m->error, strlen(m->error));
	for (i = 0; i < m->rcpts->n; i++)
		if (qenv_add_rcpt(&e, m->rcpts->v[i], ei) < 0)
			goto out;
	dir = queue_dir_path(a->queue_dir);
	if (queue_open(&q, dir, 1, ei) == 0) {
		rc = queue_put(&q, &e, hdr, sp, ei);
		queue_close(&q);
	}
	free(dir);
	if (rc == 0)
		snprintf(id, QENV_ID_MAX + 1, "%s", e.id);
out:
	qenv_free(&e);
	return rc;
}

int
enqueue_pending(const struct account *a)
{
	struct queue q;
	struct errinfo ei;
	char *dir = queue_dir_path(a->queue_dir), **ids;
	size_t n = 0;

	if (queue_open(&q, dir, 0, &ei) == 0) {
		if (q.dfd >= 0 && queue_list(&q, &ids, &n, &ei) == 0)
			queue_ids_free(ids, n);
		queue_close(&q);
	}
	free(dir);
	return n > 0;
}
