/*
 * writer: facteur accounts from resolved struct account values, whatever
 * program they come from (fetchmail's rc file through fmconv, msmtp's and
 * mpop's files through peers), merged and written as an accounts file
 * (facteur.conf(5)).
 *
 * Each account carries the settings the peer program really used: the
 * importer has applied the peer's defaults already (msmtp: TLS off, port
 * 25, auth off; mpop: TLS off, keep off; fetchmail: delete after
 * fetching).  The writer writes every setting that differs from
 * facteur's default, so that the account behaves as it did; it never
 * writes a setting that equals facteur's default (the file stays short).
 *
 * Merging (imp_merge()): an account with only an outgoing server (from
 * msmtp) and one with only an incoming server (from mpop or fetchmail)
 * become one account when, in this order of precedence,
 *   1. they have the same name;
 *   2. the outgoing one's address ("from") equals the incoming one's
 *      login, or its address (without regard to case);
 *   3. both logins are the same (and not empty).
 * Each account merges at most once, with the first match in file order.
 * The merged account keeps the outgoing account's name (scripts call
 * "msmtp -a NAME"), its address, log file and syslog (the incoming one's
 * when the outgoing one has none).
 */
#ifndef FACTEUR_IMPORT_WRITER_H
#define FACTEUR_IMPORT_WRITER_H

#include <stddef.h>

#include "account.h"
#include "buf.h"
#include "status.h"

struct imp_account {
	struct account *a;	/* owned */
	int has_in, has_out;	/* which servers it has */
	char *origin;		/* "FILE:LINE", for a comment; owned */
	char **notes;		/* comment lines (untranslated...); owned */
	size_t nnotes;
	int disabled;		/* written as comments only (fetchmail skip) */
	char *refused;		/* why imp_check() disabled it; owned */
};

struct imp_set {
	struct imp_account *v;
	size_t n;
	char *default_name;	/* "account default : NAME", or NULL */
	char **notes;		/* comments under the header */
	size_t nnotes;
};

/* Add an account (taking a, origin) and return it. */
struct imp_account *imp_add(struct imp_set *s, struct account *a,
    int has_in, int has_out, const char *origin);
/* Add a comment line to an account (printf). */
void imp_note(struct imp_account *ia, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Add a comment line under the file's header (printf). */
void imp_global_note(struct imp_set *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void imp_free(struct imp_set *s);

/* Merge outgoing-only and incoming-only accounts, as above. */
void imp_merge(struct imp_set *s);

/*
 * Make the names valid and unique: bytes a facteur name cannot hold
 * (white space, ':', ',', '"', '#', control bytes) become '_', at most
 * 128 bytes, "-2", "-3"... added to a name seen before; an empty name
 * becomes "imported".
 */
void imp_names(struct imp_set *s);

/*
 * Check each account as it would be written with facteur's own parser
 * (config_parse(), config_resolve()): one it refuses (a host name or an
 * address it would not take...) is disabled, with the reason in
 * ->refused and a note.  Returns how many were.  Call before imp_write():
 * the file written is then always one facteur accepts.
 */
size_t imp_check(struct imp_set *s);

/*
 * Append the accounts file to out: a header (with header_text, one line,
 * and a warning line when a password is written), then each account,
 * its notes as comments.  *secrets_r tells whether a password was
 * written.  Returns 0, or -1 (ST_DATA) when a value cannot be written in
 * the file (a line end or another control byte in it).
 */
int imp_write(struct buf *out, const struct imp_set *s,
    const char *header_text, int *secrets_r, struct errinfo *ei);

/*
 * Append value to out as facteur.conf(5) reads it back: bare when it
 * can be, else in double quotes with '"' and '\' escaped.  -1 when it
 * holds a control byte (no way to write it).
 */
int imp_quote(struct buf *out, const char *value);

#endif
