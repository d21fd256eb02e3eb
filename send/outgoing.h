/*
 * outgoing: connect to an account's outgoing server and log in, as one
 * message's submission and a queue flush both need it.
 */
#ifndef FACTEUR_OUTGOING_H
#define FACTEUR_OUTGOING_H

#include "account.h"
#include "smtp.h"
#include "status.h"

/*
 * smtp_open() then the login the account asks for.  Returns 0 with s
 * ready for MAIL FROM, or -1 (smtp_open()'s and smtp_login()'s
 * statuses; *at_login, when not NULL, is set when the login is what
 * failed); either way smtp_close(s) must follow.
 */
int outgoing_open(struct smtp *s, const struct account *a, int *at_login,
    struct errinfo *ei);

#endif
