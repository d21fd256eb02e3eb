/*
 * tty: asking the person at the terminal for a password, without echo.
 * Only when there is a person: standard input is a terminal (the prompt
 * and the answer then go through /dev/tty).  In cron, under a daemon, or
 * with a message piped into msend, nobody is asked and nothing hangs.
 */
#ifndef FACTEUR_TTY_H
#define FACTEUR_TTY_H

#include "status.h"

#define TTY_SECRET_MAX 4096	/* bytes of a typed password */

/* Is there a person at a terminal to ask? */
int tty_can_prompt(void);

/*
 * Print prompt on /dev/tty, read a line without echo (the terminal is
 * restored even on Ctrl-C).  Returns 0 and *out_r (xfree_secret()), or
 * -1 (ST_USAGE without a terminal, ST_TEMPFAIL when interrupted).
 */
int tty_read_secret(const char *prompt, char **out_r, struct errinfo *ei);

#endif
