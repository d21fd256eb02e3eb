/*
 * Fuzz fetch/uidstate's parser: the text of a state file (option bit 0
 * clear) or of a journal (set), as uidstate_open() applies them.  A
 * journal never fails (bad lines are skipped and counted); a file fails
 * only with ST_CONFIG and a "name:line" message.  Every entry left is a
 * valid UID; a UID named by a "- UID" line after its last delivery is
 * forgotten; parsing the same text again changes nothing.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "uidstate.h"

static void
fresh(struct uidstate *u)
{
	memset(u, 0, sizeof(*u));
	u->lockfd = u->jfd = -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uidstate u;
	struct errinfo ei;
	const char *text;
	size_t n, i, live = 0, again = 0;
	int journal, rc;

	if (size < 1 || size > FUZZ_INPUT_MAX)
		return 0;
	journal = data[0] & 1;
	text = (const char *)data + 1;
	n = size - 1;
	fresh(&u);
	err_clear(&ei);
	rc = uidstate_parse(&u, "state", text, n, journal, &ei);
	if (journal)
		FUZZ_CHECK(rc == 0, "a journal refused: %s", ei.msg);
	if (rc < 0) {
		FUZZ_CHECK(ei.st == ST_CONFIG && strncmp(ei.msg, "state:", 6) == 0,
		    "refused with %d '%s'", (int)ei.st, ei.msg);
		uidstate_close(&u);
		return 0;
	}
	FUZZ_CHECK(u.skipped <= n, "%zu lines skipped in %zu bytes", u.skipped,
	    n);
	for (i = 0; i < u.n; i++) {
		FUZZ_CHECK(uidstate_valid_uid(u.v[i].uid, strlen(u.v[i].uid)),
		    "entry %zu: invalid UID", i);
		FUZZ_CHECK(uidstate_find(&u, u.v[i].uid) == (u.v[i].gone ?
		    NULL : &u.v[i]), "entry %zu: the index disagrees", i);
		live += !u.v[i].gone;
	}
	/* Applying the same text twice gives the same live set. */
	rc = uidstate_parse(&u, "state", text, n, journal, &ei);
	FUZZ_CHECK(rc == 0, "the second parse failed: %s", ei.msg);
	for (i = 0; i < u.n; i++)
		again += !u.v[i].gone;
	FUZZ_CHECK(again == live, "%zu live entries, then %zu", live, again);
	uidstate_close(&u);
	return 0;
}
