/*
 * mailq: what msend -bp (mailq) shows of the queue, and
 * --queue-remove=ID.  Every queue directory of the accounts file is
 * listed (flush.h's flush_queue_dirs()).  The listing, one block per
 * message, oldest first:
 *
 *   ID  SIZE  QUEUED-AT (age)  SENDER  [account NAME]
 *       attempts N, next try TIME (in 5m | due)
 *       last error: TEXT
 *       RECIPIENT          (or "RECIPIENT (refused: REPLY)")
 *
 * then "-- N Kbytes in M messages.", or "Mail queue is empty".  Every
 * text from a server or a message is escaped (esc.h).
 */
#ifndef FACTEUR_MAILQ_H
#define FACTEUR_MAILQ_H

#include <stdio.h>

#include "cliopts.h"
#include "config.h"
#include "status.h"

int mailq_list(FILE *f, const struct cliopts *co, const struct config *cfg,
    long long now, struct errinfo *ei);

/* Remove message id (waiting while a flush holds it).  0 or -1. */
int mailq_remove(FILE *f, const struct cliopts *co,
    const struct config *cfg, const char *id, struct errinfo *ei);

#endif
