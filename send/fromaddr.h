/*
 * fromaddr: msmtp's rules for the envelope sender of an account.
 *
 * An account's "from" (our "address") may hold substitutions: %U the
 * user ($USER, else $LOGNAME, else the login name), %H the host name
 * ($HOSTNAME, else gethostname()), %C the canonical name of %H, %M the
 * contents of SYSCONFDIR/mailname, %F the address of the message's From
 * (or of a Resent-From before it; msmtp 1.8.29).  "domain" takes %H, %C and %M.  A
 * "from" containing ?, * or [ is a wildcard pattern (fnmatch(3)): it
 * says which -f addresses choose the account.  -f user+detail@x.org
 * also chooses the account of user@x.org (a subaddress).  auto_from (an
 * obsolete msmtp key) makes the sender $USER@maildomain.
 */
#ifndef FACTEUR_FROMADDR_H
#define FACTEUR_FROMADDR_H

#include "account.h"

/* The values of the substitutions (NULL: not known, replaced by ""). */
struct fromaddr_env {
	const char *user;	/* %U */
	const char *host;	/* %H */
	const char *canon;	/* %C */
	const char *mailname;	/* %M */
	const char *from_header; /* %F: the message's From (or Resent-From) */
};

#define FROMADDR_MAX 1024	/* bytes of an expanded address */

/*
 * s with %U, %H, %C, %M replaced (those in allowed only, e.g. "UHCM" or
 * "HCM"; any other '%' is kept).  Pure.  Returns an allocated string, or
 * NULL when it would be longer than FROMADDR_MAX.
 */
char *fromaddr_subst(const char *s, const char *allowed,
    const struct fromaddr_env *env);

/*
 * The same with the values of this system, looked up only when s needs
 * them (%C asks the resolver).  Returns NULL only for too long.
 */
char *fromaddr_expand(const char *s, const char *allowed);

/*
 * Expand the substitutions of an account in place: its address (%U %H
 * %C %M) and its outgoing domain (%H %C %M), so that the login name, the
 * EHLO argument and the sender see the values.
 */
void fromaddr_expand_account(struct account *a);

/* The user name for %U and auto_from (static storage; never NULL). */
const char *fromaddr_user(void);

/* This machine's name, as %H has it: $HOSTNAME, else gethostname()
 * (static storage; never NULL). */
const char *fromaddr_host(void);

/* Does s contain ?, * or [ (a wildcard pattern)? */
int fromaddr_is_pattern(const char *s);

/*
 * Does the envelope sender addr choose the account whose (expanded)
 * from is from?  Equal addresses (case-insensitive), a matching pattern,
 * or the same after removing a "+detail" from addr's local part.  Pure.
 */
int fromaddr_match(const char *from, const char *addr);

#endif
