/* authonly: mfetch --auth-only (mpop's -A): connect, log in, log out. */
#ifndef FACTEUR_FETCH_AUTHONLY_H
#define FACTEUR_FETCH_AUTHONLY_H

#include <stdio.h>

#include "account.h"
#include "status.h"

/* Log in to the account's incoming server; say how on f. */
int fetch_auth_only(FILE *f, const struct account *a, struct errinfo *ei);

#endif
