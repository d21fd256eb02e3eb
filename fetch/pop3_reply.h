/*
 * pop3_reply: a pure parser for POP3 responses (RFC 1939, 2449, 5034),
 * fed any chunks of input.  A response is a status line ("+OK text",
 * "-ERR text", or a SASL continuation "+ base64" when allowed), followed,
 * for multi-line commands answered +OK, by data lines up to a lone "."
 * (each line dot-unstuffed).  Data lines go to a callback, or are
 * collected (bounded) when there is none.  Message bodies (RETR/TOP) are
 * not read through this parser: they stream through the delivery filter.
 */
#ifndef FACTEUR_POP3_REPLY_H
#define FACTEUR_POP3_REPLY_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "status.h"

#define POP3_LINE_MAX	4096		/* bytes per line (RFC: 512) */
#define POP3_DATA_MAX	(64 * 1024)	/* collected data lines, in all */

enum pop3_kind {
	POP3_OK,
	POP3_ERR,
	POP3_CONT		/* "+ challenge" during SASL */
};

typedef int (*pop3_line_fn)(void *arg, const char *line, size_t len,
    struct errinfo *ei);

struct pop3_reply {
	/* Set by the caller before each response: */
	int multiline;		/* +OK is followed by data lines */
	int allow_cont;		/* "+ " continuations are expected */
	pop3_line_fn on_line;	/* data lines; NULL: collect in data */
	void *arg;
	/* Results: */
	enum pop3_kind kind;
	struct buf status;	/* text after "+OK ", "-ERR " or "+ " */
	struct buf data;	/* collected data lines, joined with '\n' */
	size_t ndata;		/* number of data lines */
	int done;
	/* State: */
	int in_data;
	struct buf line;
};

void pop3_reply_init(struct pop3_reply *r);
/* Forget the last response (keeps the caller's settings). */
void pop3_reply_clear(struct pop3_reply *r);
void pop3_reply_free(struct pop3_reply *r);

/*
 * The pp_feed_fn for POP3 (r is a struct pop3_reply *).  Returns the
 * bytes used, stopping right after the response; -1 with ST_PROTOCOL for
 * a status line that is neither +OK nor -ERR, a line over POP3_LINE_MAX,
 * or data over POP3_DATA_MAX; or the callback's error.
 */
ssize_t pop3_reply_feed(void *r, const char *p, size_t n, int *done_r,
    struct errinfo *ei);

/*
 * Does the status text start with the response code [code] (RFC 2449),
 * e.g. "SYS/TEMP", "AUTH", "IN-USE", "LOGIN-DELAY"?
 */
int pop3_reply_has_code(const struct pop3_reply *r, const char *code);

#endif
