/*
 * netrc: passwords from ~/.netrc (the format of ftp(1) and curl):
 * "machine HOST login USER password PASS" entries, a "default" entry,
 * "account" and "macdef" ignored.  Words are separated by white space and
 * may be double-quoted (with backslash escapes), as in GNU inetutils.
 */
#ifndef FACTEUR_NETRC_H
#define FACTEUR_NETRC_H

#include <stddef.h>

#include "status.h"

#define NETRC_FILE_MAX	(256 * 1024)	/* bytes of ~/.netrc read */
#define NETRC_WORD_MAX	4096		/* bytes per word */

/*
 * Find the password for login at host in text: the first "machine host"
 * entry whose login is login (or has no login), else the "default" entry.
 * Returns 1 and *pw_r (xfree_secret()), or 0 when there is none.  Pure.
 */
int netrc_find(const char *text, size_t len, const char *host,
    const char *login, char **pw_r);

/*
 * The same for the file path (usually ~/.netrc).  A file that group or
 * others can read is not used (a warning says why).  Returns 1, 0 (no
 * file, no entry), or -1 on a read error.
 */
int netrc_lookup(const char *path, const char *host, const char *login,
    char **pw_r, struct errinfo *ei);

#endif
