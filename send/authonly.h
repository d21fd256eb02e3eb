/* authonly: msend --auth-only: connect, EHLO, log in, QUIT. */
#ifndef FACTEUR_SEND_AUTHONLY_H
#define FACTEUR_SEND_AUTHONLY_H

#include <stdio.h>

#include "account.h"
#include "status.h"

/* Log in to the account's outgoing server; say how on f. */
int send_auth_only(FILE *f, const struct account *a, struct errinfo *ei);

#endif
