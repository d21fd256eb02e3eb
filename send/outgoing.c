/* outgoing: connect and log in to the account's outgoing server. */
#include "autoconf.h"

#include <string.h>

#include "fromaddr.h"
#include "login.h"
#include "outgoing.h"
#include "smtp_auth.h"

int
outgoing_open(struct smtp *s, const struct account *a, int *at_login,
    struct errinfo *ei)
{
	struct login lg;
	int rc;

	if (at_login != NULL)
		*at_login = 0;
	if (smtp_open(s, &a->out, ei) < 0)
		return -1;
	/* A pattern (or %F) is no login name. */
	login_init(&lg, &a->out, a->name, a->address != NULL &&
	    (fromaddr_is_pattern(a->address) ||
	    strstr(a->address, "%F") != NULL) ? NULL : a->address,
	    conn_tls(s->c));
	rc = smtp_login(s, &lg, ei);
	login_free(&lg);
	if (rc < 0 && at_login != NULL)
		*at_login = 1;
	return rc;
}
