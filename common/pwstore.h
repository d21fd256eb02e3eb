/*
 * pwstore: the account wizard's "Remember password".  --store-password
 * asks for the password on the terminal (twice) and keeps it in the
 * keyring under msmtp's and mpop's attributes (host, service, user), so
 * they find it too; --forget-password removes it.
 */
#ifndef FACTEUR_PWSTORE_H
#define FACTEUR_PWSTORE_H

#include <stdio.h>

#include "account.h"
#include "status.h"

/*
 * Store (forget 0) or remove (forget 1) the password of srv's login
 * (address: the account's, for the default user).  Says what was done
 * on out.  Returns 0, or -1: ST_USAGE without a terminal or when the two
 * entries differ, ST_UNAVAILABLE without a keyring, ST_TEMPFAIL when the
 * keyring failed, ST_CONFIG when the server has no host.
 */
int pwstore_run(const struct server *srv, const char *address, int forget,
    FILE *out, struct errinfo *ei);

#endif
