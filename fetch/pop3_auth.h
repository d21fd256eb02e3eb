/*
 * pop3_auth: POP3 login for the common login module: AUTH (RFC 5034)
 * through the SASL loop ("+ " continuations, initial responses that fit
 * in a 255-byte line), and the protocol's own USER/PASS (pipelined when
 * the server allows) and APOP.
 */
#ifndef FACTEUR_POP3_AUTH_H
#define FACTEUR_POP3_AUTH_H

#include "login.h"
#include "pop3.h"

/*
 * Log in on an open session as lg (login_init() done by the caller) and
 * the account's auth setting say.  Returns 0, or -1: ST_NOPERM for a
 * refusal (the server's words quoted), ST_TEMPFAIL for a temporary one
 * ([SYS/TEMP], [IN-USE], [LOGIN-DELAY]), ST_UNAVAILABLE when no method
 * fits, the password errors of secret.h.
 */
int pop3_login(struct pop3 *p, struct login *lg, struct errinfo *ei);

#endif
