/*
 * Fuzz fetch/pop3_reply: a stream of POP3 responses, fed whole and in
 * chunks (fuzz.h).  Options (byte 0):
 *	bits 0-3	response i is multi-line (CAPA, UIDL, LIST) when
 *			bit i % 4 is set
 *	bit 4		"+ " continuations are allowed (SASL)
 *	bit 5		data lines go to a callback, not collected
 *	bit 6		the callback fails on the third data line
 */
#include "autoconf.h"

#include <string.h>

#include "fuzz.h"
#include "pop3_reply.h"

struct state {
	unsigned opt;
	struct pop3_reply r;
	struct buf lines;	/* what the callback saw, for the log */
	size_t nlines;		/* data lines of the current response */
};

static struct state st;

static int
on_line(void *arg, const char *line, size_t len, struct errinfo *ei)
{
	struct state *s = arg;

	FUZZ_CHECK(len < POP3_LINE_MAX, "data line of %zu bytes", len);
	FUZZ_CHECK(memchr(line, '\n', len) == NULL, "LF in a data line");
	s->nlines++;
	buf_addch(&s->lines, ' ');
	fuzz_log_bytes(&s->lines, line, len);
	if ((s->opt & 0x40) && s->nlines == 3)
		return err_set(ei, ST_IOERR, "callback refused line 3");
	return 0;
}

/* The caller's settings for response i. */
static void
settings(struct state *s, size_t i)
{
	s->r.multiline = (s->opt >> (i % 4)) & 1;
	s->r.allow_cont = (s->opt & 0x10) != 0;
	s->r.on_line = (s->opt & 0x20) ? on_line : NULL;
	s->r.arg = s;
	s->nlines = 0;
}

static void
start(void *arg)
{
	struct state *s = arg;

	pop3_reply_init(&s->r);
	buf_init(&s->lines, FUZZ_LOG_MAX);
	settings(s, 0);
}

static void
stop(void *arg)
{
	struct state *s = arg;

	pop3_reply_free(&s->r);
	buf_free(&s->lines);
}

static void
log_reply(void *arg, size_t i, struct buf *log)
{
	static const char *const kinds[] = { "+OK", "-ERR", "+" };
	static const char *const codes[] = { "SYS/TEMP", "AUTH", "IN-USE",
		"LOGIN-DELAY", "SYS" };
	struct state *s = arg;
	const struct pop3_reply *r = &s->r;
	size_t k;

	FUZZ_CHECK(r->done && !r->in_data, "response %zu: done %d, in data %d",
	    i, r->done, r->in_data);
	FUZZ_CHECK(r->kind == POP3_OK || r->kind == POP3_ERR ||
	    (r->kind == POP3_CONT && r->allow_cont), "kind %d", (int)r->kind);
	FUZZ_CHECK(r->status.len < POP3_LINE_MAX &&
	    r->data.len <= POP3_DATA_MAX, "status of %zu bytes, data of %zu",
	    r->status.len, r->data.len);
	FUZZ_CHECK(r->on_line == NULL || r->data.len == 0,
	    "lines collected although a callback took them");
	FUZZ_CHECK(r->ndata == 0 || (r->multiline && r->kind == POP3_OK),
	    "%zu data lines in a single-line response", r->ndata);
	buf_printf(log, "%s ", kinds[r->kind]);
	fuzz_log_bytes(log, r->status.data, r->status.len);
	buf_printf(log, " %zu ", r->ndata);
	fuzz_log_bytes(log, r->data.data, r->data.len);
	buf_add(log, s->lines.data, s->lines.len);
	for (k = 0; k < sizeof(codes) / sizeof(codes[0]); k++)
		if (pop3_reply_has_code(r, codes[k]))
			buf_printf(log, " [%s]", codes[k]);
	buf_addch(log, '\n');
	buf_reset(&s->lines);
	settings(s, i + 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fuzz_pp pp = {
		pop3_reply_feed, start, stop, log_reply, &st.r, &st
	};
	struct fuzz_input in;

	if (fuzz_input(data, size, &in) < 0)
		return 0;
	st.opt = in.opt;
	fuzz_pp_check("pop3_reply", &pp, &in);
	return 0;
}
