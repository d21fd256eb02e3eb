/* hash: FNV-1a 64. */
#include "autoconf.h"

#include "hash.h"

uint64_t
hash_add(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ s[i]) * UINT64_C(1099511628211);
	return h;
}
