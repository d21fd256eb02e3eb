/*
 * mboxjournal: the record that makes an mbox append undoable after a
 * crash, and the repair that reads it (the design is explained at the
 * top of mbox.c).  One small file per mbox in mfetch's state directory,
 * holding at most one record, rewritten in place:
 *
 *   append DEV INO START NL LEN HASH HEAD SUM   messages are appended:
 *       our bytes are [START, START + NL + LEN): NL (0 or 1) line end
 *       first, then LEN bytes whose FNV-1a hash is HASH (16 hex digits)
 *       and whose first bytes are HEAD (hex, up to MSGFILE_HEAD bytes):
 *       one message, or a batch of them (group commit, mbox.c)
 *   repair DEV INO START LEN SUM            a cut is under way: the LEN
 *       bytes saved in the tail file go to START, the mbox ends there
 *
 * SUM (16 hex digits) is the FNV-1a of the line before it: a record torn
 * by a crash while it was written over another is never taken.
 * Only the first line counts (a shorter record written over a longer one
 * leaves the longer one's end after it).  An empty file means nothing is
 * in flight; a record of an append that ended is harmless too (its
 * region hashes right), so the journal is emptied once per session, not
 * after every message.
 */
#ifndef FACTEUR_MBOXJOURNAL_H
#define FACTEUR_MBOXJOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "msgfile.h"
#include "status.h"

#define MBOXJ_RECORD_MAX	512

enum mboxj_kind {
	MBOXJ_NONE,
	MBOXJ_APPEND,
	MBOXJ_REPAIR
};

struct mboxj_rec {
	enum mboxj_kind kind;
	unsigned long long dev, ino;
	unsigned long long start;
	int nl;
	unsigned long long len;
	uint64_t hash;
	unsigned char head[MSGFILE_HEAD];
	size_t headlen;
};

/* The record as a line (with its LF) in out; its length. */
size_t mboxj_format(const struct mboxj_rec *r, char *out, size_t outsz);
/*
 * Parse a journal's content.  Returns 0 (r->kind MBOXJ_NONE for an empty
 * or malformed one: a record is only acted on once it was written whole
 * and fsync'ed, before which the mbox was not touched).  Pure.
 */
int mboxj_parse(const char *text, size_t len, struct mboxj_rec *r);

/* Write r to the journal jfd and fsync it. */
int mboxj_write(int jfd, const struct mboxj_rec *r, struct errinfo *ei);
/* Empty the journal (no fsync: see mbox.c why none is needed). */
void mboxj_clear(int jfd);

/*
 * After the mbox (fd, name for messages) is locked: read the journal and
 * undo what a crashed run left, keeping whatever others appended since.
 * tail is the path of the file that holds the bytes being moved during a
 * cut.  Returns 0 (also when there was nothing to do), or -1 when the
 * repair could not be made (nothing must be appended then).
 */
int mboxj_recover(int jfd, const char *tail, int fd, const char *name,
    struct errinfo *ei);

#endif
