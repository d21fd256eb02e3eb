/* status: errors as values, and the one mapping to sysexits. */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "esc.h"
#include "status.h"

void
err_clear(struct errinfo *ei)
{
	ei->st = ST_OK;
	ei->msg[0] = '\0';
}

static void
mark_truncated(char *msg, size_t size, int n)
{
	if (n >= 0 && (size_t)n >= size && size > 4)
		memcpy(msg + size - 4, "...", 4);
}

int
err_set(struct errinfo *ei, enum status st, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ei == NULL)
		return -1;
	ei->st = st;
	va_start(ap, fmt);
	n = vsnprintf(ei->msg, sizeof(ei->msg), fmt, ap);
	va_end(ap);
	mark_truncated(ei->msg, sizeof(ei->msg), n);
	return -1;
}

int
err_prefix(struct errinfo *ei, const char *fmt, ...)
{
	char old[ERRINFO_MSG_MAX], pre[ERRINFO_MSG_MAX];
	va_list ap;
	int n;

	if (ei == NULL)
		return -1;
	memcpy(old, ei->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	n = snprintf(ei->msg, sizeof(ei->msg), "%s%s", pre, old);
	mark_truncated(ei->msg, sizeof(ei->msg), n);
	return -1;
}

int
status_exit_code(enum status st)
{
	switch (st) {
	case ST_OK:		return EX_OK;
	case ST_USAGE:		return EX_USAGE;
	case ST_DATA:		return EX_DATAERR;
	case ST_NOINPUT:	return EX_NOINPUT;
	case ST_NOUSER:		return EX_NOUSER;
	case ST_NOHOST:		return EX_NOHOST;
	case ST_UNAVAILABLE:	return EX_UNAVAILABLE;
	case ST_SOFTWARE:	return EX_SOFTWARE;
	case ST_OSERR:		return EX_OSERR;
	case ST_CANTCREAT:	return EX_CANTCREAT;
	case ST_IOERR:		return EX_IOERR;
	case ST_TEMPFAIL:	return EX_TEMPFAIL;
	case ST_PROTOCOL:	return EX_PROTOCOL;
	case ST_NOPERM:		return EX_NOPERM;
	case ST_CONFIG:		return EX_CONFIG;
	}
	return EX_SOFTWARE;
}

const char *
status_name(enum status st)
{
	switch (st) {
	case ST_OK:		return "success";
	case ST_USAGE:		return "usage error";
	case ST_DATA:		return "bad input data";
	case ST_NOINPUT:	return "missing input";
	case ST_NOUSER:		return "recipient refused";
	case ST_NOHOST:		return "unknown host";
	case ST_UNAVAILABLE:	return "service unavailable";
	case ST_SOFTWARE:	return "internal error";
	case ST_OSERR:		return "system error";
	case ST_CANTCREAT:	return "cannot create output";
	case ST_IOERR:		return "input/output error";
	case ST_TEMPFAIL:	return "temporary failure";
	case ST_PROTOCOL:	return "protocol error";
	case ST_NOPERM:		return "permission denied";
	case ST_CONFIG:		return "configuration error";
	}
	return "unknown status";
}

const char *
status_token(enum status st)
{
	switch (st) {
	case ST_OK:		return "ok";
	case ST_USAGE:		return "EX_USAGE";
	case ST_DATA:		return "EX_DATAERR";
	case ST_NOINPUT:	return "EX_NOINPUT";
	case ST_NOUSER:		return "EX_NOUSER";
	case ST_NOHOST:		return "EX_NOHOST";
	case ST_UNAVAILABLE:	return "EX_UNAVAILABLE";
	case ST_SOFTWARE:	return "EX_SOFTWARE";
	case ST_OSERR:		return "EX_OSERR";
	case ST_CANTCREAT:	return "EX_CANTCREAT";
	case ST_IOERR:		return "EX_IOERR";
	case ST_TEMPFAIL:	return "EX_TEMPFAIL";
	case ST_PROTOCOL:	return "EX_PROTOCOL";
	case ST_NOPERM:		return "EX_NOPERM";
	case ST_CONFIG:		return "EX_CONFIG";
	}
	return "EX_SOFTWARE";
}

char *
err_quote(char *dst, size_t dstsz, const char *text, size_t len)
{
	esc_text(dst, dstsz, text, len);
	return dst;
}
