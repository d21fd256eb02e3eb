/*
 * Fuzz common/scram: the iteration count of a SCRAM server-first-message,
 * the raw bytes as the server sent them.  A count is only ever found in
 * an attribute that starts "i=" at the start of the message or after a
 * comma, all digits after it; the result never depends on bytes after
 * the attribute's end.
 */
#include "autoconf.h"

#include <limits.h>
#include <string.h>

#include "fuzz.h"
#include "scram.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *m = (const char *)data;
	unsigned long iter = 1, iter2;
	const char *at = NULL;
	size_t i;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	if (scram_iterations(m, size, &iter) < 0) {
		FUZZ_CHECK(iter == 0, "refused but %lu", iter);
		return 0;
	}
	FUZZ_CHECK(iter > 0, "a count of 0 accepted");
	/* The attribute it came from: the first "i=" of an attribute. */
	for (i = 0; i + 1 < size && at == NULL; i++)
		if ((i == 0 || m[i - 1] == ',') && m[i] == 'i' && m[i + 1] == '=')
			at = m + i;
	FUZZ_CHECK(at != NULL, "a count without an i= attribute");
	for (i = 2; at + i < m + size && at[i] != ','; i++)
		FUZZ_CHECK(at[i] >= '0' && at[i] <= '9', "a non-digit accepted");
	/* The same prefix up to the attribute's end gives the same count. */
	FUZZ_CHECK(scram_iterations(m, (size_t)(at + i - m), &iter2) == 0 &&
	    iter2 == iter, "%lu, then %lu on the prefix", iter, iter2);
	return 0;
}
