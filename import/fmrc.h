/*
 * fmrc: a parser of fetchmail's run control file (~/.fetchmailrc), as
 * fetchmail(1) describes its syntax: free-format tokens (words, numbers,
 * double-quoted strings with fetchmail's escapes), '#' comments, the
 * noise words and, with, has, wants, options and the punctuation , ; :
 * ignored; "set" global options; "defaults" and "poll"/"skip"/"server"
 * entries made of server options, then users ("user NAME", "is NAMES"),
 * each with user options; "no" before a flag turns it off.
 *
 * It keeps the options facteur-import can translate in struct fmrc_opts
 * and every other known keyword, with its arguments, as a note ("line N:
 * keyword args") for a comment in the output.  A word that is no
 * fetchmail keyword where one is expected is an error ("name:line:
 * unknown keyword 'x'"), as in fetchmail.  Pure and bounded: at most
 * FMRC_FILE_MAX bytes, FMRC_TOKEN_MAX bytes per string, FMRC_POLLS_MAX
 * entries and FMRC_USERS_MAX users per entry.
 */
#ifndef FACTEUR_FMRC_H
#define FACTEUR_FMRC_H

#include <stddef.h>

#include "status.h"

#define FMRC_FILE_MAX	(1024 * 1024)
#define FMRC_TOKEN_MAX	4096
#define FMRC_POLLS_MAX	1000
#define FMRC_USERS_MAX	1000
#define FMRC_NOTES_MAX	10000	/* untranslated keywords per file */

/* Unset values: -1 (flags and numbers), NULL (strings). */
struct fmrc_opts {
	/* Server options. */
	char *via;		/* the host to connect to (else the name) */
	char *proto;		/* as written: pop3, imap, apop, auto... */
	char *service;		/* port or service: a number or a name */
	char *auth;		/* as written: password, cram-md5, any... */
	long timeout;
	int uidl;
	/* User options. */
	char *pass;		/* a secret */
	int ssl;		/* implicit TLS */
	char *sslproto;		/* "" disables STARTTLS */
	int sslcertck;
	char *sslcertfile;
	char *sslcert;
	char *sslkey;
	char *sslcommonname;
	char *sslfingerprint;
	char *mda;
	char *smtphost;		/* the first of the list */
	int lmtp;
	int keep;
	int flush;
	int fetchall;
	long limit;		/* bytes: larger messages are left there */
	long fetchlimit;	/* messages per poll */
};

/* A note: a keyword facteur-import does not translate, and its words. */
struct fmrc_note {
	int line;
	char *text;		/* "keyword arg...", as read (printable) */
};

struct fmrc_user {
	int line;
	char *remote;		/* "user NAME" (NULL: the local login) */
	char *local;		/* the first "is" name, or NULL */
	int multidrop;		/* several local names, '*' or mappings */
	struct fmrc_opts o;
	struct fmrc_note *notes;
	size_t nnotes;
};

struct fmrc_poll {
	int line;
	char *name;		/* poll NAME */
	int skip;		/* "skip": polled only when named */
	int defaults;		/* the "defaults" entry */
	struct fmrc_opts o;	/* server options */
	struct fmrc_note *notes;
	size_t nnotes;
	struct fmrc_user *users;
	size_t nusers;
};

struct fmrc {
	/* set logfile / idfile / syslog. */
	char *logfile;
	char *idfile;
	int syslog;		/* -1 unset */
	struct fmrc_note *notes;	/* other "set" options */
	size_t nnotes;
	struct fmrc_poll *polls;	/* in file order, "defaults" included */
	size_t npolls;
};

/*
 * Parse text (len bytes) of the file called name.  Returns 0 and *r
 * (fmrc_free()), or -1: ST_CONFIG "name:line: ..." (syntax, an unknown
 * keyword, a string too long or holding a NUL byte, too many entries).
 */
int fmrc_parse(const char *name, const char *text, size_t len,
    struct fmrc **r, struct errinfo *ei);

/* Free r (passwords wiped); NULL is fine. */
void fmrc_free(struct fmrc *r);

/*
 * The options of user u of poll p with the "defaults" entry d (may be
 * NULL) under them: each unset value of u taken from p, then from d's
 * first user and d.  Pointers into the three (nothing allocated).
 */
void fmrc_effective(const struct fmrc_poll *d, const struct fmrc_poll *p,
    const struct fmrc_user *u, struct fmrc_opts *out);

#endif
