/*
 * tty: asking the person at the terminal for a password, without echo.
 * As msmtp and mpop do: the prompt and the answer go through /dev/tty,
 * the controlling terminal, whatever standard input is (msend reads the
 * message there: "printf ... | msend bob@..." typed in a terminal asks
 * there).  Without a controlling terminal (cron, a daemon, setsid) nobody
 * is asked and nothing hangs.
 */
#ifndef FACTEUR_TTY_H
#define FACTEUR_TTY_H

#include "status.h"

#define TTY_SECRET_MAX 4096	/* bytes of a typed password */

/* Is there a controlling terminal (/dev/tty opens for reading and writing)? */
int tty_can_prompt(void);

/*
 * Print prompt on /dev/tty, read a line without echo (the terminal is
 * restored even on Ctrl-C).  Returns 0 and *out_r (xfree_secret()), or
 * -1 (ST_USAGE without a terminal, ST_TEMPFAIL when interrupted).
 */
int tty_read_secret(const char *prompt, char **out_r, struct errinfo *ei);

#endif
