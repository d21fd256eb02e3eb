/*
 * exitcode: the exit status of a run over several accounts (an MDA's
 * exit status is common/mdaexit.h's).  Pure.
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

/* The class rank of an exit code: 0 for 0, higher is more serious. */
int exitcode_rank(int code);

/* The run's status after codes a (earlier accounts) and b (the next). */
int exitcode_combine(int a, int b);

#endif
