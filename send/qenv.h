/*
 * qenv: the envelope of a queued message (issue 13), as the queue keeps
 * it in a file beside the message: which account sends it, the envelope
 * sender, each recipient with how far it got, the DSN options (RFC
 * 3461), when it was queued, how often it was tried, when it is next due
 * and why the last try failed.  Text in, text out, and the retry
 * schedule; the files themselves are the queue's business.  Pure.
 *
 * Format, one item per line, in this order, each line ending in LF:
 *   facteur-queue 1          the format and its version
 *   id ID                    the queue id: 1 to QENV_ID_MAX bytes of
 *                            [A-Za-z0-9._-], not starting with '.'
 *   account NAME             1 to QENV_NAME_MAX bytes
 *   sender ADDR              0 (the null sender) to QENV_ADDR_MAX bytes
 *   notify NOTIFY            "", "never", or some of "success", "failure",
 *                            "delay" joined by ',' (RFC 3461 4.1)
 *   ret RET                  "", "full" or "headers" (RFC 3461 4.3)
 *   envid ENVID              0 to QENV_ENVID_MAX bytes (RFC 3461 4.4)
 *   created TIME             seconds since the epoch
 *   attempts N               0 to QENV_ATTEMPTS_MAX
 *   next TIME                the next try is due then
 *   error TEXT               why the last try failed, 0 to QENV_TEXT_MAX
 *   rcpt STATE ADDR REPLY    1 to QENV_RCPT_MAX of them: STATE "todo",
 *                            "done" or "failed" (refused for good), ADDR
 *                            1 to QENV_ADDR_MAX bytes, REPLY the server's
 *                            last words for it, 0 to QENV_TEXT_MAX
 *   end                      the envelope is whole (a cut file is refused)
 * A key and its value are separated by one space; a value may be empty.
 * Every value other than the id, STATE and the numbers is its bytes
 * with those < 0x21 (space and line ends included), '%' and 0x7f written
 * %XX (upper-case hex): no byte of an address or of a server's reply can
 * break a line or a field.  %00 is refused (the values are C strings).
 * TIME is 0 to QENV_TIME_MAX in decimal, no sign, no leading zero.
 * Anything else (a missing, repeated or unknown line, a line longer than
 * QENV_LINE_MAX, trailing bytes after "end") is refused.  What
 * qenv_write() writes, qenv_parse() reads back to the same envelope, and
 * writing that gives the same bytes.
 */
#ifndef FACTEUR_QENV_H
#define FACTEUR_QENV_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "status.h"

struct buf;

#define QENV_VERSION	1
#define QENV_ID_MAX	64
#define QENV_NAME_MAX	256	/* an account's name */
#define QENV_ADDR_MAX	320	/* RFC 5321 4.5.3.1: 64 + 1 + 255 */
#define QENV_ENVID_MAX	100	/* RFC 3461 4.4 */
#define QENV_NOTIFY_MAX	32	/* "success,failure,delay" */
#define QENV_TEXT_MAX	512	/* a reply kept: RFC 5321's line length */
#define QENV_RCPT_MAX	1000
#define QENV_ATTEMPTS_MAX 100000
#define QENV_TIME_MAX	253402300799LL	/* 9999-12-31T23:59:59Z */
/* The longest line: a recipient, every byte of it and its reply %XX. */
#define QENV_LINE_MAX	(16 + 3 * (QENV_ADDR_MAX + QENV_TEXT_MAX))
/* The longest envelope qenv_write() may give (a bound for buffers). */
#define QENV_FILE_MAX	((size_t)(QENV_RCPT_MAX + 16) * (QENV_LINE_MAX + 1))

/* The retry schedule (issue 13). */
#define QENV_RETRY_FIRST 60		/* after the first failure */
#define QENV_RETRY_DOUBLED 3600		/* doubling stops here */
#define QENV_RETRY_CAP	(12 * 3600)	/* with jitter, never more */
#define QENV_LIFETIME	(5 * 24 * 3600)	/* default lifetime */

enum qenv_state {
	QENV_TODO = 0,		/* not accepted yet (never tried, or 4xx) */
	QENV_DONE,		/* the server accepted it */
	QENV_FAILED		/* refused for good (5xx): to bounce */
};

enum qenv_ret {
	QENV_RET_NONE = 0,	/* no RET parameter */
	QENV_RET_FULL,
	QENV_RET_HEADERS
};

struct qenv_rcpt {
	enum qenv_state state;
	char addr[QENV_ADDR_MAX + 1];
	char reply[QENV_TEXT_MAX + 1];
};

struct qenv {
	char id[QENV_ID_MAX + 1];
	char account[QENV_NAME_MAX + 1];
	char sender[QENV_ADDR_MAX + 1];		/* "": the null sender */
	char notify[QENV_NOTIFY_MAX + 1];	/* "": no NOTIFY */
	enum qenv_ret ret;
	char envid[QENV_ENVID_MAX + 1];		/* "": no ENVID */
	long long created;
	unsigned long attempts;
	long long next;
	char error[QENV_TEXT_MAX + 1];
	struct qenv_rcpt *rcpt;			/* allocated */
	size_t nrcpt;
};

/* An empty envelope (no recipients; every string ""). */
void qenv_init(struct qenv *q);
/* Free what q holds; q is then as after qenv_init(). */
void qenv_free(struct qenv *q);

/*
 * Add a recipient in state QENV_TODO with no reply.  Returns 0, or -1
 * (ST_SOFTWARE, nothing added): an empty or too long address, or
 * QENV_RCPT_MAX recipients already.
 */
int qenv_add_rcpt(struct qenv *q, const char *addr, struct errinfo *ei);

/*
 * Copy text (len bytes, a server's reply or an error) into dst of
 * QENV_TEXT_MAX + 1 bytes, cut at QENV_TEXT_MAX bytes or at a NUL.
 */
void qenv_set_text(char *dst, const char *text, size_t len);

/*
 * Is q one qenv_write() may write: the id, the account and the DSN
 * options as the format says, at least one recipient, each with an
 * address, the numbers in range?  0, or -1 (ST_SOFTWARE, what is wrong).
 */
int qenv_check(const struct qenv *q, struct errinfo *ei);

/*
 * Append q's text to b.  Returns 0, or -1: q fails qenv_check() (b
 * unchanged), or b's limit was reached (ST_SOFTWARE; b then holds part
 * of it, which the caller drops).
 */
int qenv_write(const struct qenv *q, struct buf *b, struct errinfo *ei);

/*
 * Read the text data[0..len) into q (qenv_init()ed; on success it holds
 * the envelope, to be freed with qenv_free(); on failure it is as after
 * qenv_init()).  Returns 0, or -1: ST_DATA with "name:line: what", name
 * naming the file in messages.
 */
int qenv_parse(const char *name, const char *data, size_t len, struct qenv *q,
    struct errinfo *ei);

/*
 * When the next try is due after attempts failed tries (attempts >= 1),
 * the last at now.  The wait doubles from QENV_RETRY_FIRST seconds up to
 * QENV_RETRY_DOUBLED (1, 2, 4 ... 32 minutes, then one hour), then goes
 * on doubling from there up to QENV_RETRY_CAP (2, 4, 8, then 12 hours
 * for good); a jitter of up to a quarter of the wait is added, taken from
 * rnd (the caller's random number, any value: 0 adds none), so that
 * messages queued together do not all come back together; the whole is
 * never more than QENV_RETRY_CAP.  attempts 0 (never tried) is now.
 */
long long qenv_next_try(long long now, unsigned long attempts, uint32_t rnd);

/*
 * Has a message queued at created run out of its lifetime (seconds; 0 or
 * less: QENV_LIFETIME) by now?  1 or 0.  A clock set back before created
 * does not make it expire.
 */
int qenv_expired(long long created, long long now, long long lifetime);

#endif
