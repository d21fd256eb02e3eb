/*
 * splitfeed: the driver the parser unit tests share.  check_splits() feeds
 * an input to a parser run (a callback) whole, byte by byte, in two chunks
 * split at every offset (sampled for long inputs) and, for short inputs,
 * in three chunks split at every pair of offsets; every way must log the
 * same transcript.  A failure names the case and the cuts, and shows where
 * the transcripts part.
 */
#include "autoconf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "splitfeed.h"
#include "xalloc.h"

void
log_esc(struct buf *log, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\r')
			buf_addstr(log, "\\r");
		else if (c == '\n')
			buf_addstr(log, "\\n");
		else if (c == '\\' || c == '\'')
			buf_printf(log, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			buf_printf(log, "\\x%02x", c);
		else
			buf_addch(log, (char)c);
	}
}

static int
try_split(const char *name, const char *in, size_t len, const size_t *cuts,
    size_t ncuts, const char *want, run_fn run, const void *arg,
    struct buf *log)
{
	size_t i;

	buf_reset(log);
	run(arg, in, len, cuts, ncuts, log);
	if (strcmp(log->data, want) == 0)
		return 0;
	print_error("case '%s', ", name);
	if (ncuts == 0)
		print_error("fed whole");
	else if (ncuts + 1 == len)
		print_error("fed byte by byte");
	else
		for (print_error("cut at"), i = 0; i < ncuts; i++)
			print_error(" %zu", cuts[i]);
	/* Show where they differ (print_error() cuts long messages). */
	for (i = 0; log->data[i] != '\0' && log->data[i] == want[i]; i++)
		continue;
	i = i > 60 ? i - 60 : 0;
	print_error(":\n--- got (from byte %zu of %zu):\n%.300s\n", i,
	    log->len, log->data + i);
	print_error("--- want (from byte %zu of %zu):\n%.300s\n---\n", i,
	    strlen(want), want + i);
	return -1;
}

/*
 * Feed in every way; 0 when every run logs want.  Two-chunk splits are
 * tried at every offset for inputs up to TWO_WAY_MAX; longer inputs are
 * cut at 512 evenly spread offsets, around their first and last 32 LFs
 * and in their last 4 bytes.
 */
int
feed_return_ok(ssize_t used, size_t avail, int done, struct buf *log)
{
	if (used <= 0 || (size_t)used > avail || (done != 0 && done != 1) ||
	    (!done && (size_t)used != avail)) {
		buf_printf(log, "BAD RETURN %zd, done %d\n", used, done);
		return 0;
	}
	return 1;
}

int
check_splits(const char *name, const char *in, size_t len, const char *want,
    run_fn run, const void *arg)
{
	size_t a, z, *cuts = xcalloc(len + 1, sizeof(*cuts));
	size_t step = len > TWO_WAY_MAX ? len / 512 : 1, nlf = 0, lf_after;
	char *near = xcalloc(len + 1, 1);
	struct buf log;
	int rc;

	/* Mark the offsets next to the first and last 32 LFs. */
	for (a = 0; a < len; a++)
		nlf += in[a] == '\n';
	for (a = 0, lf_after = nlf; a < len; a++) {
		if (in[a] != '\n')
			continue;
		lf_after--;
		if (nlf - lf_after <= 32 || lf_after < 32)
			for (z = a > 2 ? a - 2 : 0; z <= a + 2 && z <= len; z++)
				near[z] = 1;
	}
	buf_init(&log, 1 << 24);
	rc = try_split(name, in, len, cuts, 0, want, run, arg, &log);
	for (a = 0; a + 1 < len; a++)
		cuts[a] = a + 1;
	if (rc == 0 && len > 1)
		rc = try_split(name, in, len, cuts, len - 1, want, run, arg,
		    &log);
	for (a = 1; rc == 0 && a < len; a++) {
		if (a % step != 0 && !near[a] && a + 4 < len)
			continue;
		cuts[0] = a;
		rc = try_split(name, in, len, cuts, 1, want, run, arg, &log);
		for (z = a + 1; rc == 0 && len <= THREE_WAY_MAX && z < len;
		    z++) {
			cuts[1] = z;
			rc = try_split(name, in, len, cuts, 2, want, run, arg,
			    &log);
		}
	}
	buf_free(&log);
	free(near);
	free(cuts);
	return rc;
}
