/*
 * folders: the IMAP folders an account fetches, as the accounts file's
 * "folders" key (and --folder) give them: a comma-separated list, each
 * item trimmed of blanks, an item in double quotes taken as is (with \"
 * and \\ for a quote and a backslash), so that a name with a comma or
 * blanks at its ends can be written (in the accounts file, whose own
 * quoting comes first, as \"Work, old\" inside a quoted value).  "*" and "%" in a name make it a
 * LIST pattern (RFC 3501 6.3.8), resolved by the server.  Pure.
 */
#ifndef FACTEUR_FOLDERS_H
#define FACTEUR_FOLDERS_H

#include <stddef.h>

#include "status.h"

#define FOLDERS_MAX	1000	/* names or patterns in one list */

struct folders {
	char **v;
	size_t n;
};

/*
 * Parse spec (NULL or "": INBOX alone) into f.  Errors (ST_CONFIG): an
 * empty item, an unterminated quote, text after a closing quote, a name
 * with control bytes, more than FOLDERS_MAX items.
 */
int folders_parse(const char *spec, struct folders *f, struct errinfo *ei);
void folders_free(struct folders *f);

/* Append name to the list spec as one item (quoted when needed). */
char *folders_join(const char *spec, const char *name);

/* Is name a LIST pattern ("*" or "%")? */
int folders_is_pattern(const char *name);

#endif
