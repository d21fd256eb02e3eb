/*
 * sys: process set-up shared by both programs, done first in main():
 * no core files (they could hold passwords), SIGPIPE ignored (a closed
 * connection is an error value, not a signal), and descriptors 0, 1 and 2
 * open (cron and daemons sometimes start us with them closed; a later
 * open() must never land on them).
 */
#ifndef FACTEUR_SYS_H
#define FACTEUR_SYS_H

void sys_init(void);

#endif
