/*
 * smtp_auth: SMTP AUTH (RFC 4954) for the common login module: the
 * sasl_ops table (AUTH with an initial response, 334 continuations,
 * 235 success) and the choice of a mechanism from the EHLO keywords.
 */
#ifndef FACTEUR_SMTP_AUTH_H
#define FACTEUR_SMTP_AUTH_H

#include "login.h"
#include "smtp.h"

/*
 * Log in on an open session, as lg (login_init() done by the caller)
 * and the account's auth setting say.  Returns 0 (logged in, or "auth
 * off"), or -1: ST_NOPERM for a refusal (535, the server's words
 * quoted), ST_TEMPFAIL for a temporary one (454), ST_UNAVAILABLE when
 * nothing fits, the password errors of secret.h.
 */
int smtp_login(struct smtp *s, struct login *lg, struct errinfo *ei);

#endif
