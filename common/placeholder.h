/*
 * placeholder: the %-placeholders of a delivery or filter command: %F the
 * envelope sender, %u the local user, %S the message's size (filters
 * only), %% a percent sign; and %f, the IMAP folder (INBOX for POP3), in
 * a delivery command or path.  This is the one place where a value from a message
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

/*
 * tmpl (a delivery spec) with each %f replaced by folder, which the
 * caller made safe as one path component (mutf7_component()); "%%" and
 * the other placeholders are left for placeholder_expand().  Allocated.
 */
char *placeholder_folder(const char *tmpl, const char *folder);

/* Does tmpl hold %f (not as "%%f")? */
int placeholder_has_folder(const char *tmpl);

#endif
