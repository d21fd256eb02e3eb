/* scram: the iteration count of a server-first-message. */
#include "autoconf.h"

#include <limits.h>
#include <string.h>

#include "scram.h"

int
scram_iterations(const char *msg, size_t len, unsigned long *iter_r)
{
	const char *p = msg, *end = msg + len;

	*iter_r = 0;
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *aend = comma != NULL ? comma : end;

		if (aend - p >= 2 && p[0] == 'i' && p[1] == '=') {
			unsigned long v = 0;
			const char *d = p + 2;

			if (d == aend)
				return -1;
			for (; d < aend; d++) {
				if (*d < '0' || *d > '9')
					return -1;
				/* Too large: stays ULONG_MAX, still checked. */
				if (v > (ULONG_MAX - 9) / 10)
					v = ULONG_MAX;
				else
					v = v * 10 + (unsigned long)(*d - '0');
			}
			*iter_r = v;
			return v > 0 ? 0 : -1;
		}
		p = aend + 1;
	}
	return -1;
}
