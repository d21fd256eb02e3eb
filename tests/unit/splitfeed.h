/*
 * splitfeed: the driver the parser unit tests share.  check_splits() feeds
 * an input to a parser run (a callback) whole, byte by byte, in two chunks
 * split at every offset (sampled for long inputs) and, for short inputs,
 * in three chunks split at every pair of offsets; every way must log the
 * same transcript.  A failure names the case and the cuts, and shows where
 * the transcripts part.
 */
#ifndef FACTEUR_TEST_SPLITFEED_H
#define FACTEUR_TEST_SPLITFEED_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"

/* Inputs up to this long are also cut in three chunks every way. */
#define THREE_WAY_MAX	80
/* Inputs longer than this are cut in two at sampled offsets only. */
#define TWO_WAY_MAX	16384

/* One parser run over in, cut at cuts[0..ncuts-1]; appends to log. */
typedef void (*run_fn)(const void *arg, const char *in, size_t len,
    const size_t *cuts, size_t ncuts, struct buf *log);

/* Append p to log, escaping \r, \n, quotes and what is not printable. */
void log_esc(struct buf *log, const char *p, size_t n);

/*
 * Is a feed function's answer sane: 1 to avail bytes used, done 0 or 1,
 * and all of them used unless done?  If not, logs "BAD RETURN" and
 * returns 0.
 */
int feed_return_ok(ssize_t used, size_t avail, int done, struct buf *log);

/* Feed in every way; 0 when every run logs want, else -1 (printed). */
int check_splits(const char *name, const char *in, size_t len,
    const char *want, run_fn run, const void *arg);

#endif
