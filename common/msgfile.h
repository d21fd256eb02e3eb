/*
 * msgfile: one message held in an anonymous temporary file while it
 * arrives, so that a target sees it only once it is whole: the mbox
 * appends it in one burst (journaled, see mbox.c), an MDA reads it from
 * the file on its standard input and can never see a truncated message.
 * The file lives in mfetch's state directory (on disk, not in memory:
 * memory use does not depend on the message's size) and vanishes with
 * its descriptor, even after a crash.  It keeps the length, a hash of
 * every byte (hash.h) and the first MSGFILE_HEAD bytes.
 *
 * The file may hold several messages one after the other (the mbox
 * stages a batch there, appended at once): a mark taken before a message
 * lets it be cut back out, the ones before it untouched.
 */
#ifndef FACTEUR_MSGFILE_H
#define FACTEUR_MSGFILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fdout.h"
#include "status.h"

#define MSGFILE_HEAD	64

struct msgfile {
	char *dir;		/* where the file is made */
	int fd;			/* -1 before the first message */
	struct fdout out;
	unsigned long long len;	/* the bytes since msgfile_start() */
	unsigned long long size;	/* the file's, >= len (earlier ones) */
	uint64_t hash;
	char head[MSGFILE_HEAD];
	size_t headlen;
};

void msgfile_init(struct msgfile *f, const char *dir);
void msgfile_free(struct msgfile *f);
/*
 * Where the file stands: a message begun there can be cut back out.
 */
struct msgfile_mark {
	unsigned long long len;
	uint64_t hash;
	size_t headlen;
};

/* Start a new message (the file made at the first one, emptied after). */
int msgfile_start(struct msgfile *f, struct errinfo *ei);
/* Mark the end of what is written so far (before a further message). */
void msgfile_mark(const struct msgfile *f, struct msgfile_mark *k);
/*
 * Forget everything written after k (buffered or not): length, hash and
 * head are as they were at k.  0, or -1 (ST_IOERR) when the file cannot
 * be repositioned (then nothing more should be written to it).
 */
int msgfile_rewind(struct msgfile *f, const struct msgfile_mark *k,
    struct errinfo *ei);
int msgfile_write(struct msgfile *f, const char *p, size_t n,
    struct errinfo *ei);
/*
 * The message is whole: flush it to the file.  With exact, the file is
 * cut to the message (a reader that reads to its end); without, bytes
 * of a longer earlier message may follow it (msgfile_copy() copies len
 * bytes: a truncation per message saved).
 */
int msgfile_finish(struct msgfile *f, int exact, struct errinfo *ei);
/*
 * Copy what was written since msgfile_start() to out at offset off: 0,
 * or an errno value.
 */
int msgfile_copy(struct msgfile *f, int out, off_t off);

#endif
