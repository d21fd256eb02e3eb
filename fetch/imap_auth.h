/*
 * imap_auth: IMAP login for the common login module: AUTHENTICATE
 * (RFC 3501, with SASL-IR, RFC 4959) through the SASL loop, and the
 * LOGIN command (the password quoted, or sent as a literal when it has
 * bytes a quoted string cannot carry).
 */
#ifndef FACTEUR_IMAP_AUTH_H
#define FACTEUR_IMAP_AUTH_H

#include "imap.h"
#include "login.h"

/*
 * Log in on an open session as lg (login_init() done by the caller) and
 * the account's auth setting say.  A PREAUTH session needs no login.
 * Returns 0, or -1: ST_NOPERM for a refusal (the server's words quoted),
 * ST_TEMPFAIL for [UNAVAILABLE], ST_UNAVAILABLE when no method fits
 * (LOGINDISABLED and no usable mechanism), the errors of secret.h.
 * Capabilities the server announces with its OK are learnt; when it
 * announces none, m->have_caps is cleared (they may have changed).
 */
int imap_login(struct imap *m, struct login *lg, struct errinfo *ei);

/*
 * Can s travel as an IMAP quoted string (RFC 3501: 7-bit, no CR, LF or
 * NUL)?  Pure.
 */
int imap_quotable(const char *s);

#endif
