/*
 * authcheck: what --auth-only prints once a login worked, the same for
 * both programs: the server, the user, the method and where the password
 * came from.
 */
#ifndef FACTEUR_AUTHCHECK_H
#define FACTEUR_AUTHCHECK_H

#include <stdio.h>

#include "login.h"

void authcheck_report(FILE *f, const struct login *lg);

#endif
