/*
 * smtp_reply: a pure parser for SMTP replies (RFC 5321 4.2), fed any
 * chunks of input: "250-first\r\n250 last\r\n".  It checks the reply code
 * syntax and that every line of a multi-line reply has the same code,
 * keeps the text of each line, the code, and the enhanced status code
 * (RFC 3463) of the first line.  Every limit is a named constant.
 */
#ifndef FACTEUR_SMTP_REPLY_H
#define FACTEUR_SMTP_REPLY_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "status.h"

#define SMTP_LINE_MAX		2048	/* bytes per reply line (RFC: 512) */
#define SMTP_REPLY_LINES_MAX	128	/* lines per reply */
#define SMTP_REPLY_TEXT_MAX	(64 * 1024) /* text of a whole reply */
#define SMTP_ENH_MAX		16	/* "5.7.8" and longer forms */

struct smtp_reply {
	int code;		/* 220, 250, 535...; 0 until known */
	char enh[SMTP_ENH_MAX];	/* enhanced status code, or "" */
	struct buf text;	/* each line's text, joined with '\n' */
	size_t nlines;
	int done;		/* a whole reply has been parsed */
	struct buf line;	/* the line being read */
};

void smtp_reply_init(struct smtp_reply *r);
/* Forget the last reply, ready for the next one. */
void smtp_reply_clear(struct smtp_reply *r);
void smtp_reply_free(struct smtp_reply *r);

/*
 * The pp_feed_fn for SMTP replies (r is a struct smtp_reply *).  Returns
 * the bytes used, stopping right after the reply's last line; -1 with
 * ST_PROTOCOL for a malformed line, a line over SMTP_LINE_MAX, too many
 * lines, or a code that changes within one reply.
 */
ssize_t smtp_reply_feed(void *r, const char *p, size_t n, int *done_r,
    struct errinfo *ei);

/* The text of line i (0-based), or NULL; *len_r is its length. */
const char *smtp_reply_line(const struct smtp_reply *r, size_t i,
    size_t *len_r);

/* The reply as one line for messages: "535 5.7.8 Error: ..." */
const char *smtp_reply_quote(const struct smtp_reply *r, char *dst,
    size_t dstsz);

/* Reply classes. */
#define SMTP_POSITIVE(r)	((r)->code >= 200 && (r)->code < 300)
#define SMTP_INTERMEDIATE(r)	((r)->code >= 300 && (r)->code < 400)
#define SMTP_TRANSIENT(r)	((r)->code >= 400 && (r)->code < 500)
#define SMTP_PERMANENT(r)	((r)->code >= 500)

#endif
