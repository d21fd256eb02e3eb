/*
 * status: how an operation failed, and the one table that turns a failure
 * into a sysexits(3) exit code.
 *
 * Library code never prints and never exits: it returns -1 and fills a
 * struct errinfo with a status and a message (lowercase, no full stop,
 * failure first, the server's words quoted).  Only main() turns the status
 * into an exit code with status_exit_code().
 */
#ifndef FACTEUR_STATUS_H
#define FACTEUR_STATUS_H

#include <stddef.h>

enum status {
	ST_OK = 0,
	ST_USAGE,	/* bad command line: EX_USAGE 64 */
	ST_DATA,	/* bad input data (a message): EX_DATAERR 65 */
	ST_NOINPUT,	/* a named input file is missing: EX_NOINPUT 66 */
	ST_NOUSER,	/* some recipients refused: EX_NOUSER 67 */
	ST_NOHOST,	/* host name does not exist: EX_NOHOST 68 */
	ST_UNAVAILABLE,	/* refused for good, 5xx, missing feature: 69 */
	ST_SOFTWARE,	/* internal error: EX_SOFTWARE 70 */
	ST_OSERR,	/* system call failed unexpectedly: EX_OSERR 71 */
	ST_CANTCREAT,	/* cannot create an output file: EX_CANTCREAT 73 */
	ST_IOERR,	/* local I/O error: EX_IOERR 74 */
	ST_TEMPFAIL,	/* try again later (network, timeout, 4xx): 75 */
	ST_PROTOCOL,	/* the server broke the protocol: EX_PROTOCOL 76 */
	ST_NOPERM,	/* login refused, certificate not trusted: 77 */
	ST_CONFIG	/* bad configuration: EX_CONFIG 78 */
};

/* Longest error message kept; longer ones are cut (with "..."). */
#define ERRINFO_MSG_MAX 1024

struct errinfo {
	enum status st;
	char msg[ERRINFO_MSG_MAX];
};

/* Clear an errinfo to ST_OK and an empty message. */
void err_clear(struct errinfo *ei);

/*
 * Set status and message; always returns -1 so that failure paths read
 * "return err_set(ei, ST_X, "...", ...);".  ei may be NULL.
 */
int err_set(struct errinfo *ei, enum status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Put a context prefix in front of the current message ("host:port: ").
 * Keeps the status.  Returns -1.
 */
int err_prefix(struct errinfo *ei, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The sysexits code for a status (0 for ST_OK). */
int status_exit_code(enum status st);

/* A short name for a status ("temporary failure"), for logs. */
const char *status_name(enum status st);

/* The status as one word for log fields: "EX_TEMPFAIL" ("ok" for ST_OK). */
const char *status_token(enum status st);

/*
 * Server text made safe for quoting in a message, into dst (size dstsz):
 * escaped by esc_text() (controls and invalid bytes as \xHH); an overlong
 * text ends in "...".  Always NUL-terminates.  Returns dst.
 */
char *err_quote(char *dst, size_t dstsz, const char *text, size_t len);

#endif
