/*
 * dialect: reading msmtp's and mpop's configuration files unchanged.
 *
 * Their files share facteur's syntax (defaults, account NAME : PARENTS,
 * "key value" lines, quotes, eval) but describe one server per account,
 * named by a plain "host", and have other defaults.  A file is read in
 * one of three dialects:
 *
 *   facteur  the accounts file of facteur.conf(5)
 *   msmtp    ~/.msmtprc: "host" is the outgoing server (as msend reads)
 *   mpop     ~/.mpoprc:  "host" is the incoming server (as mfetch reads)
 *
 * A file given with -C is sniffed: a facteur-only key (incoming,
 * outgoing, address, incoming_*, outgoing_*) makes it a facteur file; a
 * plain "host" (or an "eval" line, which may print one) with none of
 * those makes it a peer's file, read as the calling program's peer reads
 * it (msend: msmtp; mfetch: mpop).
 *
 * This module is the one place that knows the peers' keys: each line of
 * a peer's file is translated into a facteur setting (same meaning), or
 * accepted and ignored with a warning (a key that means nothing here),
 * so that one leftover line never stops all mail.  Pure.
 */
#ifndef FACTEUR_DIALECT_H
#define FACTEUR_DIALECT_H

#include <stddef.h>

#include "buf.h"
#include "status.h"

enum config_dialect {
	CONFIG_DIALECT_AUTO = -1,	/* sniff the content (see above) */
	CONFIG_DIALECT_FACTEUR = 0,
	CONFIG_DIALECT_MSMTP,
	CONFIG_DIALECT_MPOP
};

/* "facteur", "msmtp" or "mpop". */
const char *dialect_name(enum config_dialect d);

/* The peer of the program that reads: side SIDE_OUT (msend) -> msmtp,
 * SIDE_IN (mfetch) -> mpop, anything else -> facteur. */
enum config_dialect dialect_peer(int side);

/* The dialect of a file's text, for the program of the given side. */
enum config_dialect dialect_detect(const char *text, size_t len, int side);

/* What dialect_translate() decided. */
enum dialect_action {
	DIALECT_SET,	/* set *key_r to the value in out */
	DIALECT_SKIP,	/* accepted, nothing to do (facteur's default) */
	DIALECT_IGNORE	/* accepted, ignored: the reason is in why */
};

/*
 * Translate one line "key value" of a peer's file (value NULL when the
 * line has none) into a facteur key (*key_r, static, with its side
 * prefix) and value (written to out).  Returns DIALECT_SET,
 * DIALECT_SKIP, or DIALECT_IGNORE (why, of whysz bytes, says why, for a
 * warning).
 * Keys that neither the peer nor facteur knows are IGNORE too.
 */
enum dialect_action dialect_translate(enum config_dialect d, const char *key,
    const char *value, const char **key_r, struct buf *out, char *why,
    size_t whysz);

/*
 * The peer's defaults where they differ from facteur's, as settings that
 * every account of such a file starts with: the i-th (key, value) pair
 * or 0 past the end.  msmtp: no TLS, no authentication unless the file
 * says so; mpop: no TLS, messages deleted once delivered.
 */
int dialect_default(enum config_dialect d, size_t i, const char **key_r,
    const char **value_r);

#endif
