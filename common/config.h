/*
 * config: the accounts file shared by mfetch and msend.
 *
 *   # comment
 *   defaults
 *   tls_trust_file system
 *
 *   account work
 *   address  alice@example.org
 *   incoming imaps://imap.example.org
 *   outgoing smtp://smtp.example.org
 *   user     alice
 *   passwordeval "pass show mail/work"
 *
 *   account work2 : work
 *   address  alice2@example.org
 *
 *   account default : work
 *
 * A line is "key value"; the value is the rest of the line, where double
 * quotes keep white space and '#' and a backslash escapes '"' or '\'.
 * Lines starting with '#' are comments.  "defaults" starts settings that
 * every later account inherits; "account NAME : PARENT, ..." inherits
 * from earlier accounts.  The keys are in settings.h and facteur.conf(5).
 * Every error names "file:line".  config.c parses and resolves;
 * configload.c finds, reads and checks the file on disk.
 *
 * File lookup: -C FILE; else $XDG_CONFIG_HOME/facteur/config (default
 * ~/.config/facteur/config); else the peer's user file (msend: ~/.msmtprc
 * or $XDG_CONFIG_HOME/msmtp/config; mfetch: ~/.mpoprc or
 * $XDG_CONFIG_HOME/mpop/config); else SYSCONFDIR/facteur.conf; else, for
 * msend, msmtp's system file /etc/msmtprc.  Peers' files are read
 * in their dialect (dialect.h).  A file with a
 * password in it must not be readable by others (nor, for a user's own
 * file, by its group); no file may be writable by others.
 */
#ifndef FACTEUR_CONFIG_H
#define FACTEUR_CONFIG_H

#include <stddef.h>

#include "account.h"
#include "dialect.h"
#include "settings.h"
#include "status.h"

#define CONFIG_LINE_MAX	4096		/* bytes per line */
#define CONFIG_FILE_MAX	(1024 * 1024)	/* bytes per file */
#define CONFIG_NAME_MAX	128		/* bytes per account name */

enum config_kind {
	CONFIG_USER,		/* the user's own file, or -C FILE */
	CONFIG_SYSTEM		/* SYSCONFDIR/facteur.conf */
};

struct config;

/*
 * Parse text (len bytes) read from the file called name, as a facteur
 * file.  Pure: no I/O, no "eval".  Returns 0 and the result in *cfg_r,
 * or -1 with "name:line: message".
 */
int config_parse(const char *name, const char *text, size_t len,
    struct config **cfg_r, struct errinfo *ei);

struct config_opts {
	enum config_dialect dialect;	/* AUTO: dialect_detect(side) */
	int side;			/* the reading program's side */
	/* Run an "eval" line's command: its first output line in *out_r
	 * (xfree_secret()).  NULL: "eval" is an error. */
	int (*eval)(const char *cmd, char **out_r, struct errinfo *ei);
};

/* As config_parse(), in a dialect, with "eval" when opts has it. */
int config_parse_opts(const char *name, const char *text, size_t len,
    const struct config_opts *opts, struct config **cfg_r,
    struct errinfo *ei);

/*
 * Read and parse path, then check its permissions for kind.  Returns 0,
 * or -1 with ST_CONFIG: unreadable file, syntax error ("path:line: ..."),
 * or unsafe permissions (the message says which chmod fixes it).
 */
int config_load(const char *path, enum config_kind kind,
    struct config **cfg_r, struct errinfo *ei);
/* As config_load(), in a given dialect (eval lines run). */
int config_load_dialect(const char *path, enum config_kind kind,
    enum config_dialect dialect, struct config **cfg_r, struct errinfo *ei);
/* As config_load_dialect(); CONFIG_DIALECT_AUTO sniffs the file for the
 * program of the given side (SIDE_IN: mfetch, SIDE_OUT: msend). */
int config_load_for(const char *path, enum config_kind kind,
    enum config_dialect dialect, int side, struct config **cfg_r,
    struct errinfo *ei);

/*
 * Find the file to use when no -C was given, for the program of the given
 * side (see the lookup order above).  Returns a path to free and sets
 * *kind_r and *dialect_r, or NULL when none exists (*tried_r then lists
 * them).
 */
char *config_find(int side, enum config_kind *kind_r,
    enum config_dialect *dialect_r, char **tried_r);

/*
 * The user's own files of peer (CONFIG_DIALECT_MSMTP or _MPOP), in the
 * order config_find() and the peer itself look for them: ~/.msmtprc, then
 * $XDG_CONFIG_HOME/msmtp/config ($XDG_CONFIG_HOME: ~/.config when unset or
 * not absolute); ~/.mpoprc, then .../mpop/config; home is ~.  Both paths
 * are allocated; neither need exist.
 */
void config_peer_files(enum config_dialect peer, const char *home,
    char *paths_r[2]);

void config_free(struct config *cfg);
const char *config_path(const struct config *cfg);
/* The dialect the file was read in. */
enum config_dialect config_dialect(const struct config *cfg);
/* Warnings ("file:line: ...") about lines accepted but ignored. */
size_t config_nwarnings(const struct config *cfg);
const char *config_warning(const struct config *cfg, size_t i);

/* The line of the file's first password, 0 when it has none. */
int config_password_line(const struct config *cfg);
/* Add a warning about line (configload.c: the file's permissions). */
void config_warn(struct config *cfg, int line, const char *msg);

/* Number of accounts, and the name of the i-th (file order). */
size_t config_count(const struct config *cfg);
const char *config_name(const struct config *cfg, size_t i);
/* Is the i-th account only "account default : X" (an alias)? */
int config_is_alias(const struct config *cfg, size_t i);
int config_has(const struct config *cfg, const char *name);

/*
 * Resolve an account: defaults, parents, the account's own settings,
 * then extra (the command line, may be NULL).  cfg may be NULL (options
 * only: --host).  name NULL means the default account: "default", or the
 * only account of the file.  Returns 0 and the account in *acct_r (free
 * with account_free()), or -1 (ST_CONFIG, or ST_USAGE for an unknown
 * account name).
 */
int config_resolve(const struct config *cfg, const char *name,
    const struct setlist *extra, struct account **acct_r,
    struct errinfo *ei);

#endif
