/* info: mfetch --serverinfo: what a POP3 or IMAP server says about itself. */
#ifndef FACTEUR_FETCH_INFO_H
#define FACTEUR_FETCH_INFO_H

#include <stdio.h>

#include "account.h"
#include "status.h"

/* Connect as configured and print the server's details to f. */
int fetch_serverinfo(FILE *f, const struct server *srv, struct errinfo *ei);

#endif
