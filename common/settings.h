/*
 * settings: the table of configuration keys, the check of each value (by
 * its type, in values.c), and ordered lists of "key value" assignments.
 *
 * The accounts file and the command line both produce such lists; an
 * account is resolved by replaying, in order, the defaults, its parents'
 * lists, its own list and the command line's list.  So inheritance,
 * overrides and "the later line wins" are one mechanism, and every value
 * is checked once, where it is written, with its file and line.
 *
 * Server keys apply to both servers of an account, or to one when written
 * with the prefix "incoming_" or "outgoing_" (outgoing_user, incoming_auth).
 * host and port always need the prefix (or a server URL); protocol is for
 * the incoming side and domain for the outgoing side.
 */
#ifndef FACTEUR_SETTINGS_H
#define FACTEUR_SETTINGS_H

#include <stddef.h>

#include "account.h"
#include "status.h"

#define SIDE_IN		1
#define SIDE_OUT	2
#define SIDE_BOTH	(SIDE_IN | SIDE_OUT)

struct setting {
	int key;		/* index in the key table */
	int sides;		/* SIDE_IN and/or SIDE_OUT; 0 for account keys */
	char *value;		/* checked and normalized; NULL: unset */
	int line;		/* 0 for the command line */
};

struct setlist {
	struct setting *v;
	size_t n, alloc;
	int has_password;	/* a "password" key is in the list */
	int password_line;	/* the first one's line */
};

void setlist_init(struct setlist *l);
/* Free the list; password values are wiped. */
void setlist_free(struct setlist *l);
/* Append copies of all of src's settings to dst. */
void setlist_append(struct setlist *dst, const struct setlist *src);

/*
 * Check "key value" and append it.  key may carry an incoming_/outgoing_
 * prefix.  value NULL or "" means "unset" for text keys and "on" for
 * on/off keys.  Returns 0, or -1 with a message (ST_CONFIG) that does not
 * yet say where: the caller prefixes "file:line: " or "--option: ".
 */
int setlist_add(struct setlist *l, const char *key, const char *value,
    int line, struct errinfo *ei);
/* As setlist_add(), for a key meant for the given side only (SIDE_IN or
 * SIDE_OUT), as the programs' command-line options are. */
int setlist_add_side(struct setlist *l, const char *key, int side,
    const char *value, struct errinfo *ei);

/* Apply the list to a, in order. */
void settings_apply(const struct setlist *l, struct account *a);

/*
 * Check a DSN NOTIFY list ("never", or success, failure and delay
 * separated by commas; "off") and write it normalized (lower case) to
 * out.  Returns 0, or -1 when invalid.
 */
int settings_dsn_notify(const char *v, char *out, size_t outsz);	/* values.c */
/*
 * Parse a number with a unit: kind 'k' (keep: on = KEEP_FOREVER, off = 0,
 * N with s, m, h, d (default) or w, in seconds), 's' (a size: off = 0,
 * N with k, m or g), 'c' (a count: off = 0, N).  Returns 0 or -1.
 */
int settings_number(int kind, const char *v, long long *n_r);	/* values.c */
/* Why a key is accepted and ignored (msmtp's and mpop's GnuTLS keys), or
 * NULL for a key that means something. */
const char *settings_ignored_why(const char *key);
/* Does the key exist (with or without a side prefix)? */
int settings_key_known(const char *key);

#endif
