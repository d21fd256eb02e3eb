/*
 * flush_due: the messages a flush sends (flush.h's flush_queue_dirs()
 * lives here too).  Internal to flush.c.
 */
#ifndef FACTEUR_FLUSH_DUE_H
#define FACTEUR_FLUSH_DUE_H

#include <stddef.h>

#include "cliopts.h"
#include "config.h"
#include "flush.h"
#include "qenv.h"
#include "queue.h"
#include "status.h"

/* One due message: where it is and whose it is. */
struct due {
	size_t dir;			/* index in the list of directories */
	char id[QENV_ID_MAX + 1];
	char account[QENV_NAME_MAX + 1];
};

/*
 * Append to *d (n of them) the messages of queue q (index dir) that are
 * due at now: their next try has come, their lifetime has run out, or
 * o->id names them; only o->account's when it is set.  Orphans are
 * cleaned first.  0, or -1 (the directory cannot be listed).
 */
int flush_due_in(struct queue *q, size_t dir, const struct flush_opts *o,
    long long now, const struct config *cfg, const struct cliopts *co,
    struct due **d, size_t *n, struct errinfo *ei);

/* The order the flush takes them in: by account, directory, then id. */
void flush_due_sort(struct due *d, size_t n);

#endif
