/*
 * fdout: a buffered writer on a file descriptor, for the sinks (mbox,
 * Maildir, MDA): one write(2) per FDOUT_BUF bytes instead of one per
 * chunk of message.  Errors come back as errno values for the caller to
 * word.
 */
#ifndef FACTEUR_FDOUT_H
#define FACTEUR_FDOUT_H

#include <stddef.h>

#define FDOUT_BUF	(64 * 1024)

struct fdout {
	int fd;
	char *buf;
	size_t len;
};

void fdout_init(struct fdout *o);
void fdout_free(struct fdout *o);
/* Forget what is buffered and write to fd from now on. */
void fdout_reset(struct fdout *o, int fd);
/* Buffer n bytes, writing when full.  0, or an errno value. */
int fdout_write(struct fdout *o, const char *p, size_t n);
/* Write what is buffered.  0, or an errno value. */
int fdout_flush(struct fdout *o);

#endif
