/* mailq: list the queue, remove a message from it. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "esc.h"
#include "flush.h"
#include "mailq.h"
#include "queue.h"

static void
put_esc(FILE *f, const char *s)
{
	esc_fwrite(f, s, strlen(s));
}

/* "3d4h", "5m", "12s". */
static void
put_span(FILE *f, long long s)
{
	if (s < 0)
		s = 0;
	if (s >= 86400)
		fprintf(f, "%lldd%lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		fprintf(f, "%lldh%lldm", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		fprintf(f, "%lldm", s / 60);
	else
		fprintf(f, "%llds", s);
}

static void
put_time(FILE *f, long long t)
{
	char b[64];
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(b, sizeof(b), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(b, sizeof(b), "@%lld", t);
	fputs(b, f);
}

static void
show(FILE *f, const struct qenv *e, long long size, long long now)
{
	size_t i;

	fprintf(f, "%s  %lld  ", e->id, size);
	put_time(f, e->created);
	fputs(" (", f);
	put_span(f, now - e->created);
	fputs(" ago)  ", f);
	put_esc(f, *e->sender ? e->sender : "<>");
	fputs("  [account ", f);
	put_esc(f, e->account);
	fputs("]\n", f);
	fprintf(f, "    attempts %lu, next try ", e->attempts);
	if (e->next <= now) {
		fputs("due", f);
	} else {
		put_time(f, e->next);
		fputs(" (in ", f);
		put_span(f, e->next - now);
		fputs(")", f);
	}
	fputc('\n', f);
	if (*e->error) {
		fputs("    last error: ", f);
		put_esc(f, e->error);
		fputc('\n', f);
	}
	for (i = 0; i < e->nrcpt; i++) {
		fputs("    ", f);
		put_esc(f, e->rcpt[i].addr);
		if (e->rcpt[i].state == QENV_FAILED) {
			fputs(" (refused, bounce pending: ", f);
			put_esc(f, e->rcpt[i].reply);
			fputc(')', f);
		} else if (*e->rcpt[i].reply) {
			fputs(" (deferred: ", f);
			put_esc(f, e->rcpt[i].reply);
			fputc(')', f);
		}
		fputc('\n', f);
	}
}

int
mailq_list(FILE *f, const struct cliopts *co, const struct config *cfg,
    long long now, struct errinfo *ei)
{
	char **dirs;
	size_t ndirs, i, k, count = 0;
	unsigned long long bytes = 0;
	int rc = 0;

	if (now <= 0)
		now = (long long)time(NULL);
	dirs = flush_queue_dirs(co, cfg, &ndirs);
	for (i = 0; i < ndirs; i++) {
		struct queue q;
		char **ids;
		size_t nids;

		if (queue_open(&q, dirs[i], 0, ei) < 0) {
			rc = -1;
			continue;
		}
		if (q.dfd < 0 || queue_list(&q, &ids, &nids, ei) < 0) {
			rc = q.dfd < 0 ? rc : -1;
			queue_close(&q);
			continue;
		}
		for (k = 0; k < nids; k++) {
			struct qenv e;
			struct errinfo pei;
			off_t size = 0;

			qenv_init(&e);
			if (queue_peek(&q, ids[k], &e, &size, &pei) < 0) {
				if (pei.st == ST_NOINPUT)
					continue;	/* sent meanwhile */
				fprintf(f, "%s  (unreadable: ", ids[k]);
				put_esc(f, pei.msg);
				fputs(")\n", f);
				continue;
			}
			if (count++ > 0)
				fputc('\n', f);
			show(f, &e, (long long)size, now);
			bytes += (unsigned long long)size;
			qenv_free(&e);
		}
		queue_ids_free(ids, nids);
		queue_close(&q);
	}
	flush_dirs_free(dirs, ndirs);
	if (count == 0)
		fputs("Mail queue is empty\n", f);
	else
		fprintf(f, "\n-- %llu Kbytes in %zu message%s.\n",
		    (bytes + 1023) / 1024, count, count == 1 ? "" : "s");
	return rc;
}

int
mailq_remove(FILE *f, const struct cliopts *co, const struct config *cfg,
    const char *id, struct errinfo *ei)
{
	char **dirs;
	size_t ndirs, i;
	int rc = -1, found = 0;

	dirs = flush_queue_dirs(co, cfg, &ndirs);
	for (i = 0; i < ndirs && !found; i++) {
		struct queue q;
		struct qmsg m;
		int r;

		if (queue_open(&q, dirs[i], 0, ei) < 0 || q.dfd < 0) {
			queue_close(&q);
			continue;
		}
		memset(&m, 0, sizeof(m));
		m.fd = -1;
		r = queue_lock(&q, id, 1, &m, ei);
		if (r == 1) {
			found = 1;
			if (queue_remove(&q, &m, ei) == 0 &&
			    queue_sync(&q, ei) == 0) {
				fprintf(f, "%s: removed from the queue\n", id);
				rc = 0;
			}
		} else if (r < 0) {
			found = 1;
		}
		queue_close(&q);
	}
	flush_dirs_free(dirs, ndirs);
	if (!found)
		return err_set(ei, ST_USAGE, "no message %s in the queue", id);
	return rc;
}
