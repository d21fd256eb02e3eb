/*
 * mdaexit: what a delivery program's (MDA's) exit status means, for the
 * sinks (mda.c) and mfetch's filter.  Pure.
 */
#ifndef FACTEUR_MDAEXIT_H
#define FACTEUR_MDAEXIT_H

#include "status.h"

/*
 * The status of a delivery program's exit code ec (not 0): 75 stays a
 * temporary failure; 127 and 126 (not found, not executable) and 64 are
 * the configured command's fault (ST_CONFIG); the local sysexits codes
 * (65-67, 70-74, 78) pass through; everything else, a generic 1
 * included, is a local delivery failure (ST_IOERR): never 69, 68, 76 or
 * 77, which say that a server refused.
 */
enum status mdaexit_status(int ec);

#endif
