/*
 * serverinfo: the common frame of --serverinfo output, so that POP3, IMAP
 * and SMTP look alike: where we connected, the greeting, the TLS session
 * and certificate, then the capabilities, each with a short explanation.
 */
#ifndef FACTEUR_SERVERINFO_H
#define FACTEUR_SERVERINFO_H

#include <stdio.h>

#include "account.h"
#include "conn.h"

/* "POP3 server at pop.example.org (192.0.2.1), port 995, implicit TLS:" */
void serverinfo_header(FILE *f, const struct server *srv, struct conn *c);
/*
 * The greeting (len bytes, lines separated by '\n'), indented; every
 * string the server wrote is shown through esc.h.
 */
void serverinfo_greeting(FILE *f, const char *greeting, size_t len);
/* The TLS section (or a line saying TLS is not in use). */
void serverinfo_tls(FILE *f, struct conn *c);
/* "Capabilities:" */
void serverinfo_caps_title(FILE *f);
/* One capability and, if not NULL, its explanation. */
void serverinfo_cap(FILE *f, const char *cap, size_t caplen,
    const char *explain);
/* A size in bytes as "10240000 bytes (9.8 MiB)". */
void serverinfo_size(char *dst, size_t dstsz, unsigned long long n);

#endif
