/* mdaexit: an MDA's exit code as a status. */
#include "autoconf.h"

#include <sysexits.h>

#include "mdaexit.h"

enum status
mdaexit_status(int ec)
{
	switch (ec) {
	case EX_TEMPFAIL:	return ST_TEMPFAIL;
	case EX_USAGE:
	case EX_CONFIG:
	case 126:
	case 127:		return ST_CONFIG;
	case EX_DATAERR:	return ST_DATA;
	case EX_NOINPUT:	return ST_NOINPUT;
	case EX_NOUSER:		return ST_NOUSER;
	case EX_SOFTWARE:	return ST_SOFTWARE;
	case EX_OSERR:		return ST_OSERR;
	case EX_CANTCREAT:	return ST_CANTCREAT;
	default:		return ST_IOERR;
	}
}
