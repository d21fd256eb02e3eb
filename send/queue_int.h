/*
 * queue_int: what queue.c shares with queue_clean.c (the directory's
 * names), not part of the queue's interface.
 */
#ifndef FACTEUR_QUEUE_INT_H
#define FACTEUR_QUEUE_INT_H

#include <dirent.h>
#include <stddef.h>

#include "queue.h"

/* Does ID.ext exist (as anything; an error other than ENOENT: yes)? */
int queue_name_exists(const struct queue *q, const char *id, const char *ext);

/* A stream over the queue directory (NULL: error, errno set). */
DIR *queue_opendir(const struct queue *q);

/*
 * Does name end in ext (".env") after something that can be an id?
 * Returns the id's length, 0 if not.
 */
size_t queue_id_with(const char *name, const char *ext);

#endif
