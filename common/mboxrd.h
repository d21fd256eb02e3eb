/*
 * mboxrd: "From " quoting for mbox files, the mboxrd way: a line that
 * matches /^>*From / gets one more ">" in front, so that a reader removes
 * exactly one and every body comes back intact (mboxo, which only quotes
 * "From ", cannot tell a quoted line from an original ">From ").  A push
 * filter: any chunking gives the same result, and a run of ">" is only
 * counted, never buffered.  Also makes sure the text ends with a line
 * end.  Pure.
 */
#ifndef FACTEUR_MBOXRD_H
#define FACTEUR_MBOXRD_H

#include <stddef.h>

#include "status.h"

typedef int (*mboxrd_out_fn)(void *arg, const char *p, size_t n,
    struct errinfo *ei);

struct mboxrd {
	int bol;		/* at the start of a line */
	unsigned long long gt;	/* ">" seen at the line start, pending */
	size_t from;		/* bytes of "From " matched after them */
	int empty;		/* nothing written yet */
	int last_nl;		/* the last byte written was LF */
	mboxrd_out_fn out;
	void *arg;
};

void mboxrd_init(struct mboxrd *m, mboxrd_out_fn out, void *arg);

/* Filter p[0..n) to the output.  Returns 0, or the output's -1. */
int mboxrd_write(struct mboxrd *m, const char *p, size_t n,
    struct errinfo *ei);

/* End the text: pending bytes, and a final LF when missing. */
int mboxrd_finish(struct mboxrd *m, struct errinfo *ei);

/* Is the line (without its LF) a quoted or quotable From line? */
int mboxrd_is_from_line(const char *line, size_t len);

#endif
