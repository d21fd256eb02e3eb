/*
 * exitcode: the exit status of a run over several accounts, and what a
 * delivery program's (MDA's) exit status means to mfetch.  Pure.
 *
 * Each account ends with a sysexits code (0 when it succeeded).  The
 * run's status is the most serious of them, by class (mfetch(1), EXIT
 * STATUS): the setup (64 usage, 78 config) first, then local failures
 * (65-67, 70-74: delivery, files, permissions), then a refused login or
 * certificate (77), then what a server said or did (68, 69, 76), then
 * temporary failures (75).  Within a class, the first account in order
 * (command line or accounts file) wins.
 */
#ifndef FACTEUR_EXITCODE_H
#define FACTEUR_EXITCODE_H

#include "status.h"

/* The class rank of an exit code: 0 for 0, higher is more serious. */
int exitcode_rank(int code);

/* The run's status after codes a (earlier accounts) and b (the next). */
int exitcode_combine(int a, int b);

/*
 * The status of a delivery program's exit code ec (not 0): 75 stays a
 * temporary failure; 127 and 126 (not found, not executable) and 64 are
 * the configured command's fault (ST_CONFIG); the local sysexits codes
 * (65-67, 70-74, 78) pass through; everything else, a generic 1
 * included, is a local delivery failure (ST_IOERR): never 69, 68, 76 or
 * 77, which say that a server refused.
 */
enum status exitcode_mda(int ec);

#endif
