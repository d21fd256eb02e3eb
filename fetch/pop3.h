/*
 * pop3: a POP3 client session (RFC 1939, 2449, 2595): connection,
 * greeting (with the APOP timestamp), CAPA, STLS with the capabilities
 * asked again after the handshake, and QUIT.  Login and retrieval build
 * on struct pop3.
 */
#ifndef FACTEUR_POP3_H
#define FACTEUR_POP3_H

#include "account.h"
#include "buf.h"
#include "conn.h"
#include "pop3_reply.h"
#include "status.h"

#define POP3_CAP_STLS		0x0001
#define POP3_CAP_USER		0x0002
#define POP3_CAP_TOP		0x0004
#define POP3_CAP_UIDL		0x0008
#define POP3_CAP_PIPELINING	0x0010
#define POP3_CAP_RESP_CODES	0x0020
#define POP3_CAP_AUTH_RESP_CODE	0x0040
#define POP3_CAP_SASL		0x0080
#define POP3_CAP_EXPIRE		0x0100
#define POP3_CAP_LOGIN_DELAY	0x0200
#define POP3_CAP_UTF8		0x0400

#define POP3_SASL_LIST_MAX	512
#define POP3_APOP_MAX		256
#define POP3_EXPIRE_NEVER	(-2)	/* EXPIRE NEVER */
#define POP3_EXPIRE_UNKNOWN	(-1)

struct pop3_caps {
	unsigned flags;
	char sasl[POP3_SASL_LIST_MAX];	/* mechanisms, space separated */
	int expire_days;	/* POP3_EXPIRE_NEVER, _UNKNOWN, or days */
	int login_delay;	/* seconds, 0: none */
};

struct pop3 {
	const struct server *srv;
	struct conn *c;
	struct pop3_reply r;
	struct buf greeting;
	char apop[POP3_APOP_MAX];	/* "<...>" timestamp, or "" */
	int have_capa;			/* the server answered CAPA */
	struct buf capa;		/* its lines, joined with '\n' */
	struct pop3_caps caps;
	int broken;			/* a read failed: no QUIT */
};

/* Parse CAPA lines (joined with '\n') into caps. */
void pop3_caps_parse(const char *text, size_t len, struct pop3_caps *caps);

/*
 * Connect, read the greeting, CAPA, and when the account wants STARTTLS:
 * STLS (an error if refused), TLS, CAPA again.  Returns 0, or -1:
 * ST_TEMPFAIL for network trouble or a temporary refusal ([SYS/TEMP],
 * [IN-USE]), ST_UNAVAILABLE for a refusal or missing STLS, ST_PROTOCOL
 * for garbage.
 */
int pop3_open(struct pop3 *p, const struct server *srv, struct errinfo *ei);
/*
 * QUIT (unless the connection broke, or quit is 0: then the server
 * undoes this session's DELEs), close, free.  Returns 1 when QUIT was
 * answered +OK, i.e. the deletions are final (RFC 1939 6), else 0.
 */
int pop3_close(struct pop3 *p, int quit);

/* Read one response (multiline: data lines follow a +OK). */
int pop3_read(struct pop3 *p, int multiline, struct errinfo *ei);
/* The error for a -ERR answer to what: temporary or not by its code. */
int pop3_error(struct pop3 *p, const char *what, struct errinfo *ei);

#endif
