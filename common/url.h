/*
 * url: server URLs as written in the accounts file and on the command
 * line: scheme://[user[;AUTH=mech]@]host[:port][/]
 *
 *   pop3://   POP3, STARTTLS (STLS) required    (port 110)
 *   pop3s://  POP3 over implicit TLS            (port 995)
 *   imap://   IMAP, STARTTLS required           (port 143)
 *   imaps://  IMAP over implicit TLS            (port 993)
 *   smtp://   SMTP submission, STARTTLS required (port 587);
 *             "submission://" is the same
 *   smtps://  SMTP over implicit TLS            (port 465);
 *             "submissions://" is the same
 *
 * The host may be a name, an IPv4 address or an IPv6 address in brackets.
 * The user is percent-decoded.  A password in the URL is refused: it would
 * end up in process listings and logs.
 */
#ifndef FACTEUR_URL_H
#define FACTEUR_URL_H

#include "account.h"
#include "status.h"

#define URL_MAX 2048

struct url {
	enum proto proto;
	int tls;		/* always 1: plaintext is set by "tls off" */
	int starttls;
	char *user;		/* NULL when absent */
	char *auth;		/* from ";AUTH=", NULL when absent */
	char *host;
	unsigned port;		/* 0 when absent */
};

/*
 * Parse s.  Returns 0 and fills u (free with url_free()), or -1 with a
 * message saying what is wrong (ST_CONFIG).
 */
int url_parse(const char *s, struct url *u, struct errinfo *ei);
void url_free(struct url *u);

/* Parse a port number 1..65535; returns 0 or -1. */
int parse_port(const char *s, unsigned *port_r);

#endif
