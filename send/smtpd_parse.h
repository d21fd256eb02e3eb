/*
 * smtpd_parse: a pure parser of the client's side of an SMTP session, for
 * "msend -bs" (RFC 5321, with the parameters of RFC 1870 SIZE, 6152
 * 8BITMIME, 6531 SMTPUTF8 and 3461 DSN).  Fed any chunks of input, it
 * yields one event at a time: a command, an error to answer (500, 501,
 * 555) before going on, or in DATA mode a piece of the message body,
 * dot-unstuffed, then its end.  Body lines are streamed, never stored:
 * the parser holds one command line and a few bits, whatever comes in.
 */
#ifndef FACTEUR_SMTPD_PARSE_H
#define FACTEUR_SMTPD_PARSE_H

#include <stddef.h>

/* A command line, CR LF included (RFC 5321 4.5.3.1.4). */
#define SMTPD_LINE_MAX		1000
#define SMTPD_ENVID_MAX		100	/* RFC 3461 4.4 */
#define SMTPD_ORCPT_MAX		500	/* RFC 3461 4.2 */
#define SMTPD_MSG_MAX		160	/* an error message */

enum smtpd_kind {
	SMTPD_NONE,		/* all input used, no event yet */
	SMTPD_CMD,		/* a command: see verb */
	SMTPD_ERROR,		/* a bad line: answer code with msg */
	SMTPD_BODY,		/* body bytes: data, len, eol */
	SMTPD_END		/* the lone "." ended the body */
};

enum smtpd_verb {
	SMTPD_EHLO = 1, SMTPD_HELO, SMTPD_MAIL, SMTPD_RCPT, SMTPD_DATA,
	SMTPD_RSET, SMTPD_NOOP, SMTPD_QUIT, SMTPD_VRFY, SMTPD_HELP,
	SMTPD_UNKNOWN
};

enum smtpd_body { SMTPD_BODY_NONE, SMTPD_BODY_7BIT, SMTPD_BODY_8BITMIME };
enum smtpd_ret { SMTPD_RET_NONE, SMTPD_RET_FULL, SMTPD_RET_HDRS };

/* RCPT NOTIFY= bits. */
#define SMTPD_NOTIFY_NEVER	0x01
#define SMTPD_NOTIFY_SUCCESS	0x02
#define SMTPD_NOTIFY_FAILURE	0x04
#define SMTPD_NOTIFY_DELAY	0x08

/*
 * What one call to smtpd_feed() found.  The strings point into the
 * parser and stay valid until the next call; data points into the
 * caller's input (or a constant) likewise.
 */
struct smtpd_event {
	enum smtpd_kind kind;
	/* SMTPD_CMD, and SMTPD_ERROR when the verb is known (else 0). */
	enum smtpd_verb verb;
	/*
	 * EHLO/HELO: the domain; MAIL/RCPT: the address without its angle
	 * brackets (and source route), "" for the null sender; VRFY, HELP,
	 * NOOP: the rest of the line, or ""; UNKNOWN: the whole line.
	 */
	const char *arg;
	/* MAIL parameters. */
	int has_size;
	unsigned long long size;
	enum smtpd_body body;
	int smtputf8;
	enum smtpd_ret ret;
	const char *envid;	/* xtext as given, or NULL */
	/* RCPT parameters. */
	unsigned notify;	/* SMTPD_NOTIFY_* bits, 0 when not given */
	const char *orcpt;	/* "rfc822;xtext" as given, or NULL */
	/* SMTPD_ERROR: the reply code to give (500, 501, 555) and why. */
	int code;
	char msg[SMTPD_MSG_MAX];
	/* SMTPD_BODY: len bytes of a line, eol when the line ends there. */
	const char *data;
	size_t len;
	int eol;
	/* SMTPD_END: the body held a NUL byte; its longest line. */
	int nul;
	size_t longest;
};

enum smtpd_state {
	SMTPD_S_CMD, SMTPD_S_BOL, SMTPD_S_DOT, SMTPD_S_DOTCR, SMTPD_S_MID,
	SMTPD_S_CR
};

struct smtpd_parse {
	enum smtpd_state state;
	char line[SMTPD_LINE_MAX];	/* the command line being read */
	size_t len;
	int toolong, linenul;		/* of the command line */
	int nul;			/* of the body */
	size_t cur, longest;		/* body line lengths */
};

void smtpd_init(struct smtpd_parse *p);

/*
 * Read from in[0..n): returns the bytes used and fills ev.  kind is
 * SMTPD_NONE only when all n bytes were used without an event; any other
 * kind may leave input unused (call again with the rest).  With n > 0,
 * every call uses a byte or yields an event.  Never fails: a bad line is an
 * SMTPD_ERROR event, and the parser is ready for the next line.
 */
size_t smtpd_feed(struct smtpd_parse *p, const char *in, size_t n,
    struct smtpd_event *ev);

/*
 * The caller answered DATA with 354: what follows is the body, up to the
 * lone ".", then commands again.
 */
void smtpd_start_data(struct smtpd_parse *p);

/* Is the parser reading a body? */
int smtpd_in_data(const struct smtpd_parse *p);

#endif
