/* authonly: msend --auth-only. */
#include "autoconf.h"

#include <string.h>

#include "authcheck.h"
#include "authonly.h"
#include "smtp_auth.h"

int
send_auth_only(FILE *f, const struct account *a, struct errinfo *ei)
{
	struct smtp s;
	struct login lg;
	int rc = -1;

	if (smtp_open(&s, &a->out, ei) == 0) {
		login_init(&lg, &a->out, a->name, a->address, conn_tls(s.c));
		if (*lg.user == '\0' && (a->out.auth == NULL ||
		    strcmp(a->out.auth, "on") == 0))
			rc = err_set(ei, ST_USAGE, "--auth-only: no user to log "
			    "in as: give --user=NAME (or set 'user' or "
			    "'address' in the account)");
		else
			rc = smtp_login(&s, &lg, ei);
		if (rc == 0)
			authcheck_report(f, &lg);
		login_free(&lg);
	}
	smtp_close(&s);
	return rc;
}
