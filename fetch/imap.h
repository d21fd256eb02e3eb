/*
 * imap: an IMAP client session (RFC 3501, 9051): connection, greeting,
 * CAPABILITY, STARTTLS with the capabilities asked again after the
 * handshake (and a PREAUTH greeting refused when TLS is required), tagged
 * commands, and LOGOUT.  Login and retrieval build on struct imap.
 */
#ifndef FACTEUR_IMAP_H
#define FACTEUR_IMAP_H

#include "account.h"
#include "buf.h"
#include "conn.h"
#include "imap_parse.h"
#include "status.h"

#define IMAP_CAP_IMAP4REV1	0x0001
#define IMAP_CAP_IMAP4REV2	0x0002
#define IMAP_CAP_STARTTLS	0x0004
#define IMAP_CAP_LOGINDISABLED	0x0008
#define IMAP_CAP_SASL_IR	0x0010
#define IMAP_CAP_UIDPLUS	0x0020
#define IMAP_CAP_LITERALPLUS	0x0040
#define IMAP_CAP_IDLE		0x0080
#define IMAP_CAP_ENABLE		0x0100
#define IMAP_CAP_MOVE		0x0200
#define IMAP_CAP_CONDSTORE	0x0400
#define IMAP_CAP_ID		0x0800
#define IMAP_CAP_ESEARCH	0x1000
#define IMAP_CAP_UTF8_ACCEPT	0x2000
#define IMAP_CAP_NOTIFY		0x4000

#define IMAP_AUTH_LIST_MAX	512
#define IMAP_CAPS_TEXT_MAX	8192

struct imap_caps {
	unsigned flags;
	char auth[IMAP_AUTH_LIST_MAX];	/* AUTH= mechanisms, space separated */
};

struct imap {
	const struct server *srv;
	struct conn *c;
	struct imap_resp r;
	struct buf greeting;
	int preauth;			/* the greeting was PREAUTH */
	unsigned tagno;
	char tag[IMAP_TAG_MAX];		/* tag of the last command */
	int have_caps;
	struct buf captext;		/* capability atoms, space separated */
	struct imap_caps caps;
	int broken;			/* a read failed: no LOGOUT */
};

/* Read one response into m->r (flushing queued commands first). */
int imap_read(struct imap *m, struct errinfo *ei);
/* The same without waiting (pp_read_nowait()): 0, 1 (more input), -1. */
int imap_read_nowait(struct imap *m, struct errinfo *ei);
/* A fresh tag for the next command, kept in m->tag. */
const char *imap_next_tag(struct imap *m);
/* Learn capabilities from m->r: untagged CAPABILITY or [CAPABILITY]. */
void imap_note_caps(struct imap *m);
/*
 * The error for m->r as the answer to what: ST_UNAVAILABLE for NO, BAD
 * or BYE, ST_PROTOCOL otherwise, with the server's words quoted.
 */
int imap_error(struct imap *m, const char *what, struct errinfo *ei);

/* Parse a space-separated capability list into caps. */
void imap_caps_parse(const char *text, size_t len, struct imap_caps *caps);

/*
 * Connect, read the greeting, learn the capabilities, and when the
 * account wants STARTTLS: STARTTLS (an error if not offered), TLS,
 * CAPABILITY again.  Returns 0, or -1 (ST_TEMPFAIL, ST_UNAVAILABLE for a
 * BYE greeting or missing STARTTLS, ST_PROTOCOL).
 */
int imap_open(struct imap *m, const struct server *srv, struct errinfo *ei);
/* LOGOUT (unless the connection broke), close, free. */
void imap_close(struct imap *m);

/*
 * Send "TAG cmd" and read responses up to the tagged one; untagged
 * CAPABILITY data and [CAPABILITY] codes update the capabilities.
 * Returns 0 for OK, -1 for NO/BAD (ST_UNAVAILABLE, the server's words
 * quoted), a BYE, or network trouble.
 */
int imap_simple(struct imap *m, const char *cmd, struct errinfo *ei);

#endif
