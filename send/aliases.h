/*
 * aliases: where mail for local names goes, as msmtp's aliases file:
 *
 *   # comment
 *   root: admin@example.org
 *   postmaster: admin@example.org, backup@example.org
 *   default: me@example.org
 *
 * Only recipients without a domain ("root", "cron") are looked up; a
 * name not listed goes to the "default" entry, if there is one, else
 * stays as it is.  No recursion: an alias's addresses are used as given.
 */
#ifndef FACTEUR_ALIASES_H
#define FACTEUR_ALIASES_H

#include <stddef.h>

#include "addr.h"
#include "status.h"

#define ALIASES_FILE_MAX	(1024 * 1024)
#define ALIASES_LINE_MAX	8192

/* A local name, as msmtp has it: an address without '@' ("root"). */
int aliases_is_local(const char *addr);

/*
 * Replace the local names in rcpts with their aliases from the file at
 * path (the text is read once).  Returns 0, or -1 when the file cannot
 * be used: ST_NOINPUT when it is missing, ST_CONFIG when it cannot be
 * read or is malformed ("file:line: message").  Then the local names
 * are moved from rcpts to failed (their mail cannot go where it should)
 * and the other recipients stay: a broken aliases file stops only the
 * mail that needed it.
 */
int aliases_expand(const char *path, struct addr_list *rcpts,
    struct addr_list *failed, struct errinfo *ei);

/* The same on a text already read (name for messages).  Pure. */
int aliases_expand_text(const char *name, const char *text, size_t len,
    struct addr_list *rcpts, struct errinfo *ei);

#endif
