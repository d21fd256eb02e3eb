/* exitcode: combining accounts' statuses. */
#include "autoconf.h"

#include <sysexits.h>

#include "exitcode.h"

int
exitcode_rank(int code)
{
	switch (code) {
	case 0:
		return 0;
	case EX_TEMPFAIL:
		return 1;
	case EX_NOHOST:
	case EX_UNAVAILABLE:
	case EX_PROTOCOL:
		return 2;
	case EX_NOPERM:
		return 3;
	case EX_USAGE:
	case EX_CONFIG:
		return 5;
	default:
		/* 65-67, 70-74 and anything unexpected: local. */
		return 4;
	}
}

int
exitcode_combine(int a, int b)
{
	return exitcode_rank(b) > exitcode_rank(a) ? b : a;
}
