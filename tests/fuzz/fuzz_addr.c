/*
 * Fuzz common/addr: an address list as in To, Cc or Bcc (or a recipient
 * on msend's command line), the input as a C string.  Every address found
 * must be non-empty and at most ADDR_MAX bytes, and one that
 * addr_envelope_ok() accepts for SMTP must hold no line end.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct addr_list l;
	struct errinfo ei;
	char *s;
	size_t i;
	int rc;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	s = fuzz_cstr(data, size);
	addr_list_init(&l);
	err_clear(&ei);
	rc = addr_parse_list(s, &l, &ei);
	FUZZ_CHECK(rc == 0 || (rc == -1 && ei.st == ST_DATA),
	    "returned %d with status %d", rc, (int)ei.st);
	FUZZ_CHECK(l.n <= ADDR_COUNT_MAX, "%zu addresses", l.n);
	for (i = 0; i < l.n; i++) {
		const char *a = l.v[i];
		size_t len = strlen(a);

		FUZZ_CHECK(len > 0 && len <= ADDR_MAX, "address of %zu bytes",
		    len);
		if (addr_envelope_ok(a))
			FUZZ_CHECK(strpbrk(a, "\r\n") == NULL,
			    "a line end in an SMTP path");
		(void)addr_is_8bit(a);
		FUZZ_CHECK(addr_equal(a, a), "an address differs from itself");
	}
	addr_list_free(&l);
	free(s);
	return 0;
}
