/*
 * values: the types of the configuration keys' values and the check of a
 * value by its type, for settings.c, which owns the table of keys (struct
 * key) and the lists of settings.  A check is pure but for "~/" (the home
 * directory) and the syslog facility names: it refuses a bad value with a
 * message and gives a good one in the normalized form that
 * settings_apply() reads back (on/off, a port in digits, "12" for TLS
 * 1.2, a mechanism in capitals, "mbox,FILE" for mpop's "mbox FILE").
 */
#ifndef FACTEUR_VALUES_H
#define FACTEUR_VALUES_H

#include <stddef.h>

#include "status.h"

enum type {
	T_ADDRESS,	/* account address */
	T_URL,		/* server URL */
	T_HOST,		/* host name or address */
	T_PORT,
	T_PROTO,	/* pop3 | imap */
	T_BOOL,		/* on | off */
	T_FILE,		/* path, ~/ expanded */
	T_FINGERPRINT,
	T_TLSVER,	/* 1.2 | 1.3 */
	T_STR,
	T_PASSWORD,
	T_AUTH,		/* on | off | mechanism */
	T_SECONDS,	/* off | N */
	T_DOMAIN,
	T_LOGFILE,	/* account log file */
	T_SYSLOG,	/* on | off | facility */
	T_IP,		/* an address literal; empty: unset */
	T_TRUST,	/* system | a file; empty: no CA (not unset) */
	T_IGNORED,	/* accepted for msmtp/mpop files, warned about */
	/* Keys of the account itself (off: in struct account). */
	T_A_FILE,	/* path, ~/ expanded */
	T_A_BOOL,	/* on | off */
	T_A_NOTBOOL,	/* on | off, stored inverted (only_new: fetchall) */
	T_A_NOTIFY,	/* off | never | success,failure,delay */
	T_A_RETURN,	/* off | headers | full */
	T_A_SETHDR,	/* auto | on | off */
	T_A_SETHDR2,	/* auto | off */
	T_A_MISSING,	/* on | off: SETHDR_AUTO | SETHDR_OFF */
	T_A_DELIVERY,	/* mbox,FILE | maildir,DIR | mda,COMMAND */
	T_A_KEEP,	/* on | off | N[smhdw] */
	T_A_SIZE,	/* off | N[kKmMgG] */
	T_A_COUNT,	/* off | N */
	T_A_INTERVAL,	/* N[smhdw] > 0; a bare N is seconds */
	T_A_STR,	/* any text; "" unsets */
	T_A_SETTO	/* on | off | undisclosed_recipients (set_to_header) */
};

struct key {
	const char *name;
	enum type type;
	int sides;	/* sides the key may be set for; 0: account key */
	int plain;	/* sides set when written without a prefix */
	size_t off;	/* field in struct server */
};

/*
 * Check v for key k, written name (with its incoming_/outgoing_ prefix,
 * for messages and for the side of "protocol"), and return its normalized
 * text (allocated), or NULL for "unset".  *bad_r is set on failure, with
 * ei filled (ST_CONFIG; the message does not say where).
 */
char *values_check(const struct key *k, const char *name, const char *v,
    int *bad_r, struct errinfo *ei);

#endif
