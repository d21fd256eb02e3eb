/*
 * Fuzz send/smtp_reply: a stream of SMTP replies, fed whole and in chunks
 * (fuzz.h); every reply is logged with its code, enhanced code, lines and
 * the one-line quote used in messages.  Options: none.
 */
#include "autoconf.h"

#include <string.h>

#include "fuzz.h"
#include "smtp_reply.h"

static struct smtp_reply reply;

static void
start(void *arg)
{
	smtp_reply_init(&reply);
}

static void
stop(void *arg)
{
	smtp_reply_free(&reply);
}

static void
log_reply(void *arg, size_t i, struct buf *log)
{
	const struct smtp_reply *r = &reply;
	char q[SMTP_LINE_MAX + 32], small[16];
	const char *line;
	size_t k, len;

	FUZZ_CHECK(r->done && r->nlines >= 1 &&
	    r->nlines <= SMTP_REPLY_LINES_MAX, "reply %zu: done %d, %zu lines",
	    i, r->done, r->nlines);
	FUZZ_CHECK(r->code >= 200 && r->code <= 559, "reply code %d", r->code);
	FUZZ_CHECK(strlen(r->enh) < sizeof(r->enh), "enhanced code too long");
	FUZZ_CHECK(r->text.len <= SMTP_REPLY_TEXT_MAX, "text of %zu bytes",
	    r->text.len);
	buf_printf(log, "%d [%s] %zu", r->code, r->enh, r->nlines);
	for (k = 0; k < r->nlines; k++) {
		line = smtp_reply_line(r, k, &len);
		FUZZ_CHECK(line != NULL && len < SMTP_LINE_MAX,
		    "line %zu of %zu", k, r->nlines);
		buf_addch(log, ' ');
		fuzz_log_bytes(log, line, len);
	}
	FUZZ_CHECK(smtp_reply_line(r, r->nlines, &len) == NULL,
	    "a line past the last one");
	smtp_reply_quote(r, q, sizeof(q));
	FUZZ_CHECK(strlen(q) < sizeof(q), "quote not terminated");
	buf_printf(log, " quote '%s'", q);
	smtp_reply_quote(r, small, sizeof(small));
	FUZZ_CHECK(strlen(small) < sizeof(small), "short quote not terminated");
	buf_addch(log, '\n');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fuzz_pp pp = {
		smtp_reply_feed, start, stop, log_reply, &reply, NULL
	};
	struct fuzz_input in;

	if (fuzz_input(data, size, &in) < 0)
		return 0;
	fuzz_pp_check("smtp_reply", &pp, &in);
	return 0;
}
