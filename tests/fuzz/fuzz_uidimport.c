/*
 * Fuzz fetch/uidimport's parsers of the peers' state files: byte 0 picks
 * mpop's UIDLs file (even) or fetchmail's idfile (odd), the rest is the
 * file, read for user "u" at host "h" (as the seeds' lists are).  Every
 * UID taken is one mfetch could use; a refused file says where
 * ("f:LINE: ...", ST_CONFIG).
 */
#include "autoconf.h"

#include <string.h>

#include "fuzz.h"
#include "uidimport.h"
#include "uidstate.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uidimport_count c;
	struct uidstate u;
	struct errinfo ei;
	size_t i;
	int rc;

	if (size < 1 || size > FUZZ_INPUT_MAX)
		return 0;
	memset(&u, 0, sizeof(u));
	u.lockfd = u.jfd = -1;
	err_clear(&ei);
	rc = ((data[0] & 1) ? uidimport_parse_fetchids : uidimport_parse_mpop)(
	    &u, "f", (const char *)data + 1, size - 1, "u", "h", 1800000000,
	    &c, &ei);
	FUZZ_CHECK(rc >= -1 && rc <= 1, "rc %d", rc);
	if (rc < 0)
		FUZZ_CHECK(ei.st == ST_CONFIG && strncmp(ei.msg, "f:", 2) == 0,
		    "refused without a line: %d '%s'", (int)ei.st, ei.msg);
	else
		FUZZ_CHECK(c.added == u.n, "%zu added, %zu kept", c.added, u.n);
	for (i = 0; i < u.n; i++) {
		FUZZ_CHECK(uidstate_valid_uid(u.v[i].uid, strlen(u.v[i].uid)),
		    "an invalid UID taken");
		FUZZ_CHECK(u.v[i].seen > 0 && u.v[i].seen <= 1800000000,
		    "first seen at %lld", (long long)u.v[i].seen);
	}
	uidstate_close(&u);
	return 0;
}
