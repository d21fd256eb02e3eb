/* authonly: mfetch --auth-only. */
#include "autoconf.h"

#include "authcheck.h"
#include "authonly.h"
#include "imap_auth.h"
#include "pop3_auth.h"

static int
pop3_check(FILE *f, const struct account *a, struct errinfo *ei)
{
	struct pop3 p;
	struct login lg;
	int rc = -1;

	if (pop3_open(&p, &a->in, ei) == 0) {
		login_init(&lg, &a->in, a->name, a->address, conn_tls(p.c));
		rc = pop3_login(&p, &lg, ei);
		if (rc == 0)
			authcheck_report(f, &lg);
		login_free(&lg);
	}
	pop3_close(&p, 1);
	return rc;
}

static int
imap_check(FILE *f, const struct account *a, struct errinfo *ei)
{
	struct imap m;
	struct login lg;
	int rc = -1;

	if (imap_open(&m, &a->in, ei) == 0) {
		login_init(&lg, &a->in, a->name, a->address, conn_tls(m.c));
		rc = imap_login(&m, &lg, ei);
		if (rc == 0)
			authcheck_report(f, &lg);
		login_free(&lg);
	}
	imap_close(&m);
	return rc;
}

int
fetch_auth_only(FILE *f, const struct account *a, struct errinfo *ei)
{
	return a->in.proto == PROTO_IMAP ? imap_check(f, a, ei) :
	    pop3_check(f, a, ei);
}
