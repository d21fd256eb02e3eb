/*
 * Fuzz common/mboxjournal's parser: the content of an mbox journal as a
 * crash may leave it.  A record is taken only when it is whole; a record
 * taken gives the same record when formatted and parsed again (what
 * mboxj_write() stores is what mboxj_recover() reads).
 */
#include "autoconf.h"

#include <string.h>

#include "fuzz.h"
#include "mboxjournal.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mboxj_rec r, r2;
	char line[MBOXJ_RECORD_MAX];
	size_t n;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	mboxj_parse((const char *)data, size, &r);
	if (r.kind == MBOXJ_NONE)
		return 0;
	FUZZ_CHECK(memchr(data, '\n', size) != NULL, "a record without its "
	    "line end taken");
	if (r.kind == MBOXJ_APPEND)
		FUZZ_CHECK(r.headlen > 0 && r.headlen <= MSGFILE_HEAD &&
		    r.headlen <= r.len && (r.nl == 0 || r.nl == 1),
		    "append record out of bounds");
	n = mboxj_format(&r, line, sizeof(line));
	FUZZ_CHECK(n < sizeof(line) && line[n - 1] == '\n', "formatted %zu",
	    n);
	mboxj_parse(line, n, &r2);
	FUZZ_CHECK(r2.kind == r.kind && r2.dev == r.dev && r2.ino == r.ino &&
	    r2.start == r.start && r2.len == r.len && (r.kind != MBOXJ_APPEND ||
	    (r2.nl == r.nl && r2.hash == r.hash && r2.headlen == r.headlen &&
	    memcmp(r2.head, r.head, r.headlen) == 0)),
	    "the record does not survive a round trip: '%.*s'", (int)n, line);
	return 0;
}
