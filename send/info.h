/* info: msend --serverinfo: what the SMTP server says about itself. */
#ifndef FACTEUR_SEND_INFO_H
#define FACTEUR_SEND_INFO_H

#include <stdio.h>

#include "account.h"
#include "status.h"

/* Connect as configured and print the server's details to f. */
int smtp_serverinfo(FILE *f, const struct server *srv, struct errinfo *ei);

#endif
