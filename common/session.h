/*
 * session: opening a connection to a configured server, the same way for
 * every protocol: connect (with the account's timeouts), then TLS at once
 * for implicit TLS.  STARTTLS itself is protocol talk, but the switch is
 * here too, so both use the account's TLS settings the same way.
 */
#ifndef FACTEUR_SESSION_H
#define FACTEUR_SESSION_H

#include "account.h"
#include "conn.h"
#include "status.h"

/* Is TLS to be started with a STARTTLS-like command on this server? */
#define SESSION_WANTS_STARTTLS(s)	((s)->tls && (s)->starttls)

/* The ports of implicit TLS: SMTP submissions, IMAPS, POP3S. */
#define SESSION_IMPLICIT_TLS_PORT(p)	((p) == 465 || (p) == 993 || (p) == 995)

/*
 * Connect to the server; for implicit TLS, do the handshake.  Returns 0
 * and the connection, or -1 (ST_CONFIG when no host is set).  Without
 * implicit TLS, a server silent for CONN_GREETING_HINT_MS is probably
 * waiting for TLS: on ports 465, 993 and 995 the first read then fails
 * (ST_PROTOCOL, "no greeting within 5 seconds: port 995 usually expects
 * TLS at once..."); on other ports a warning says so and the read goes
 * on waiting for the rest of the timeout.
 */
int session_open(const struct server *srv, struct conn **c_r,
    struct errinfo *ei);

/* Start TLS after the server agreed to STARTTLS (see conn_start_tls()). */
int session_starttls(const struct server *srv, struct conn *c,
    struct errinfo *ei);

/*
 * The error for a server that does not offer STARTTLS while the account
 * requires it (ST_UNAVAILABLE): we never fall back to plaintext.
 */
int session_no_starttls(const struct server *srv, const char *what,
    struct errinfo *ei);

/* Our host name for SMTP EHLO: the account's domain, our FQDN, or
 * "localhost" when the host name has no domain part. */
const char *session_helo_domain(const struct server *srv);

#endif
