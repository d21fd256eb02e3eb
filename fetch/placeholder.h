/*
 * placeholder: the %-placeholders of a delivery or filter command (and,
 * later, of delivery paths): %F the envelope sender, %u the local user,
 * %S the message's size (filters only), %% a percent sign.  This is the one place where a value from a message
 * enters a command line, so the values are restricted here, whatever
 * quoting the user wrote around them and whether or not a shell runs
 * the command: every byte outside [A-Za-z0-9.@_+-] becomes '_', a
 * leading '-' becomes '_' (no value reads as an option), and an empty
 * value gives "MAILER-DAEMON".  No byte of a message is ever parsed by a
 * shell.  ('/' is not kept, unlike mpop: a value used in a path cannot
 * climb out of it.)  Pure.
 */
#ifndef FACTEUR_PLACEHOLDER_H
#define FACTEUR_PLACEHOLDER_H

struct buf;

struct placeholders {
	const char *from;	/* %F: the envelope sender ("" or NULL: none) */
	const char *user;	/* %u: the local user */
	const char *size;	/* %S: the message's size (a filter), or NULL */
};

/* Append value to b, restricted as above. */
void placeholder_safe(struct buf *b, const char *value);

/*
 * tmpl with every placeholder replaced (an unknown "%x" stays as it
 * is).  Allocated.
 */
char *placeholder_expand(const char *tmpl, const struct placeholders *ph);

#endif
