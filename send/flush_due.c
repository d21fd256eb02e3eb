/*
 * flush_due: which queued messages a flush sends, and where they are:
 * the queue directories of the accounts file, each one's due messages,
 * in the order the flush takes them (by account, then by id).
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "flush.h"
#include "flush_due.h"
#include "log.h"
#include "queue.h"
#include "xalloc.h"

char **
flush_queue_dirs(const struct cliopts *co, const struct config *cfg,
    size_t *n)
{
	char **v = NULL;
	size_t i, k, nv = 0;

	v = xreallocarray(v, 1, sizeof(*v));
	v[nv++] = queue_dir_path(NULL);
	for (i = 0; cfg != NULL && i < config_count(cfg); i++) {
		struct account *a;
		struct errinfo ei;
		char *d;

		if (config_is_alias(cfg, i) || config_resolve(cfg,
		    config_name(cfg, i), &co->set, &a, &ei) < 0)
			continue;
		d = a->queue_dir != NULL ? queue_dir_path(a->queue_dir) : NULL;
		account_free(a);
		if (d == NULL)
			continue;
		for (k = 0; k < nv && strcmp(v[k], d) != 0; k++)
			;
		if (k < nv) {
			free(d);
			continue;
		}
		v = xreallocarray(v, nv + 1, sizeof(*v));
		v[nv++] = d;
	}
	*n = nv;
	return v;
}

void
flush_dirs_free(char **dirs, size_t n)
{
	queue_ids_free(dirs, n);	/* the same: strings and their array */
}

static int
by_account(const void *x, const void *y)
{
	const struct due *a = x, *b = y;
	int c = strcmp(a->account, b->account);

	if (c != 0)
		return c;
	if (a->dir != b->dir)
		return a->dir < b->dir ? -1 : 1;
	return strcmp(a->id, b->id);
}

int
flush_due_in(struct queue *q, size_t dir, const struct flush_opts *o,
    long long now, const struct config *cfg, const struct cliopts *co,
    struct due **d, size_t *n, struct errinfo *ei)
{
	char **ids;
	size_t i, nids;

	queue_clean(q, now);
	if (queue_list(q, &ids, &nids, ei) < 0)
		return -1;
	for (i = 0; i < nids; i++) {
		struct qenv e;
		struct errinfo pei;
		off_t size;
		int due;

		if (o->id != NULL && strcmp(o->id, ids[i]) != 0)
			continue;
		qenv_init(&e);
		if (queue_peek(q, ids[i], &e, &size, &pei) < 0) {
			/* ST_NOINPUT: another flush sent it meanwhile. */
			if (pei.st != ST_NOINPUT)
				log_error("queue %s: %s", q->dir, pei.msg);
			continue;
		}
		due = o->id != NULL || e.next <= now;
		if (!due && cfg != NULL) {
			/* Past its lifetime: its last try (and bounce) now. */
			struct account *a;

			if (config_resolve(cfg, e.account, &co->set, &a,
			    &pei) == 0) {
				due = a->queue_lifetime != KEEP_FOREVER &&
				    qenv_expired(e.created, now,
				    a->queue_lifetime);
				account_free(a);
			}
		}
		if (due && (o->account == NULL || strcmp(o->account,
		    e.account) == 0)) {
			*d = xreallocarray(*d, *n + 1, sizeof(**d));
			(*d)[*n].dir = dir;
			snprintf((*d)[*n].id, sizeof((*d)[*n].id), "%s", ids[i]);
			snprintf((*d)[*n].account, sizeof((*d)[*n].account), "%s",
			    e.account);
			(*n)++;
		}
		qenv_free(&e);
	}
	queue_ids_free(ids, nids);
	return 0;
}

void
flush_due_sort(struct due *d, size_t n)
{
	if (n > 0)
		qsort(d, n, sizeof(*d), by_account);
}
