/*
 * imap_parse: a pure, resumable parser for IMAP server responses
 * (RFC 3501 7, RFC 9051), fed any chunks of input.
 *
 * A response is one line, or several joined by literals: a line ending in
 * "{N}" is followed by exactly N bytes of data, then the response goes on.
 * The parser classifies the response (untagged "*", continuation "+", or
 * tagged), its condition (OK, NO, BAD, BYE, PREAUTH) and keeps its text
 * after the tag.  A literal can be kept in the text (small ones; the text
 * then holds it as on the wire: "{N}\r\n" and the N bytes) or streamed to
 * the caller chunk by chunk (message bodies: the text then holds "{N}"
 * and goes straight on with the rest of the line).  The caller decides,
 * per literal, in a begin hook that sees the response so far.  Status
 * responses carry no literals: "* OK some text {5}" is plain text.
 */
#ifndef FACTEUR_IMAP_PARSE_H
#define FACTEUR_IMAP_PARSE_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "status.h"

#define IMAP_TAG_MAX		32		/* bytes per tag, NUL included */
#define IMAP_RESP_MAX		(1024 * 1024)	/* text of one response */
#define IMAP_LITERAL_KEEP_MAX	(64 * 1024)	/* a literal kept in text */
#define IMAP_LITERAL_MAX	(4ULL << 30)	/* any literal (4 GiB) */

enum imap_kind {
	IMAP_UNTAGGED,		/* "* ..." */
	IMAP_CONTINUE,		/* "+ ..." */
	IMAP_TAGGED		/* "A1 OK ..." */
};

enum imap_cond {
	IMAP_NONE,		/* untagged data: "* CAPABILITY ...", "* 3 EXISTS" */
	IMAP_OK,
	IMAP_NO,
	IMAP_BAD,
	IMAP_BYE,
	IMAP_PREAUTH
};

struct imap_resp;

struct imap_literal_ops {
	/*
	 * A literal of size bytes starts; r->text holds the response so far.
	 * Return 1 to receive it through data() and end(), 0 to keep it in
	 * the text, or -1 with ei filled to stop.
	 */
	int (*begin)(void *arg, const struct imap_resp *r,
	    unsigned long long size, struct errinfo *ei);
	int (*data)(void *arg, const char *p, size_t n, struct errinfo *ei);
	int (*end)(void *arg, struct errinfo *ei);
	void *arg;
};

struct imap_resp {
	/* Set by the caller (may stay NULL: literals are kept). */
	const struct imap_literal_ops *lit;
	/* Results: */
	enum imap_kind kind;
	enum imap_cond cond;
	char tag[IMAP_TAG_MAX];	/* tagged responses only */
	struct buf text;	/* after "* ", "+ " or "TAG " */
	size_t nliterals;
	int done;
	/* State: */
	int in_literal;
	int streaming;
	unsigned long long lit_left;
	size_t seg_start;	/* where the current line starts in text */
};

void imap_resp_init(struct imap_resp *r);
/* Forget the last response (keeps lit). */
void imap_resp_clear(struct imap_resp *r);
void imap_resp_free(struct imap_resp *r);

/*
 * The pp_feed_fn for IMAP (r is a struct imap_resp *).  Returns the bytes
 * used, stopping right after the response; -1 with ST_PROTOCOL for a
 * malformed start, a bad tag, a text over IMAP_RESP_MAX, an oversized or
 * malformed literal length; or the hooks' error.
 */
ssize_t imap_resp_feed(void *r, const char *p, size_t n, int *done_r,
    struct errinfo *ei);

/*
 * The response code of a status response ("[CAPABILITY IMAP4rev1 ...]"
 * gives "CAPABILITY IMAP4rev1 ..."), or NULL.
 */
const char *imap_resp_code(const struct imap_resp *r, size_t *len_r);

/* The text after the condition word and the response code. */
const char *imap_resp_human(const struct imap_resp *r);

#endif
