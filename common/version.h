/*
 * version: what --version prints for both programs: our version, the
 * versions of OpenSSL, libgsasl and libsecret, the features compiled in,
 * and where the configuration files are looked for.
 */
#ifndef FACTEUR_VERSION_H
#define FACTEUR_VERSION_H

#include <stdio.h>

void version_print(FILE *f, const char *prog);

#endif
