/*
 * Fuzz fetch/imap_parse: a stream of IMAP responses with literals, fed
 * whole and in chunks (fuzz.h).  Options (byte 0):
 *	bits 0-1	literals: 0 no hooks (kept), 1 hooks that keep them,
 *			2 hooks that stream them, 3 stream those of 16 bytes
 *			or more and keep the others (as mfetch does)
 *	bits 2-3	the second literal of the input fails: 1 in begin,
 *			2 in data, 3 in end (0: none fails)
 *	bit 4		no end hook
 *	bit 5		no begin hook (every literal kept)
 * The hooks check what the parser promises them: no literal begins while
 * one streams, data comes in non-empty pieces adding up to the size, end
 * comes once, after the last byte.
 */
#include "autoconf.h"

#include <string.h>

#include "fuzz.h"
#include "imap_parse.h"

struct state {
	unsigned opt;
	struct imap_resp r;
	struct imap_literal_ops ops;
	struct buf ev;		/* what the hooks saw in this response */
	struct buf cur;		/* the literal being streamed */
	unsigned long long size;
	size_t nlit;		/* literals begun in this run */
	int streaming;
};

static struct state st;

/* Does the second literal of the run fail at this step (1, 2, 3)? */
static int
fails(const struct state *s, unsigned step)
{
	return ((s->opt >> 2) & 3) == step && s->nlit == 2;
}

static int
h_begin(void *arg, const struct imap_resp *r, unsigned long long size,
    struct errinfo *ei)
{
	struct state *s = arg;
	unsigned mode = s->opt & 3;

	/* Without an end hook, the parser alone knows when a literal ends. */
	if (s->ops.end == NULL)
		s->streaming = 0;
	FUZZ_CHECK(!s->streaming, "a literal begins while one streams");
	FUZZ_CHECK(r == &s->r && r->in_literal && r->lit_left == size,
	    "begin: in_literal %d, %llu bytes left of %llu", r->in_literal,
	    r->lit_left, size);
	FUZZ_CHECK(size <= IMAP_LITERAL_MAX, "literal of %llu bytes", size);
	s->nlit++;
	buf_printf(&s->ev, " {begin %llu ", size);
	fuzz_log_bytes(&s->ev, r->text.data, r->text.len);
	buf_addch(&s->ev, '}');
	if (fails(s, 1))
		return err_set(ei, ST_IOERR, "begin refused");
	s->size = size;
	buf_reset(&s->cur);
	s->streaming = mode == 2 || (mode == 3 && size >= 16);
	return s->streaming;
}

static int
h_data(void *arg, const char *p, size_t n, struct errinfo *ei)
{
	struct state *s = arg;

	FUZZ_CHECK(s->streaming, "data while no literal streams");
	FUZZ_CHECK(n > 0 && s->cur.len + n <= s->size,
	    "data of %zu bytes after %zu of %llu", n, s->cur.len, s->size);
	if (fails(s, 2))
		return err_set(ei, ST_IOERR, "data refused");
	buf_add(&s->cur, p, n);
	return 0;
}

static int
h_end(void *arg, struct errinfo *ei)
{
	struct state *s = arg;

	FUZZ_CHECK(s->streaming && s->cur.len == s->size,
	    "end: streaming %d, %zu bytes of %llu", s->streaming, s->cur.len,
	    s->size);
	buf_addstr(&s->ev, " {data ");
	fuzz_log_bytes(&s->ev, s->cur.data, s->cur.len);
	buf_addstr(&s->ev, " end}");
	s->streaming = 0;
	if (fails(s, 3))
		return err_set(ei, ST_IOERR, "end refused");
	return 0;
}

static void
start(void *arg)
{
	struct state *s = arg;

	imap_resp_init(&s->r);
	buf_init(&s->ev, FUZZ_LOG_MAX);
	buf_init(&s->cur, FUZZ_INPUT_MAX);
	s->nlit = 0;
	s->streaming = 0;
	s->ops.begin = (s->opt & 0x20) ? NULL : h_begin;
	s->ops.data = h_data;
	s->ops.end = (s->opt & 0x10) ? NULL : h_end;
	s->ops.arg = s;
	s->r.lit = (s->opt & 3) == 0 ? NULL : &s->ops;
}

static void
stop(void *arg)
{
	struct state *s = arg;

	imap_resp_free(&s->r);
	buf_free(&s->ev);
	buf_free(&s->cur);
}

static void
log_resp(void *arg, size_t i, struct buf *log)
{
	static const char *const conds[] = { "NONE", "OK", "NO", "BAD", "BYE",
		"PREAUTH" };
	struct state *s = arg;
	const struct imap_resp *r = &s->r;
	const char *code, *human;
	size_t cl;

	if (s->ops.end == NULL)
		s->streaming = 0;
	FUZZ_CHECK(r->done && !r->in_literal && !s->streaming,
	    "response %zu: done %d, in literal %d, streaming %d", i, r->done,
	    r->in_literal, s->streaming);
	FUZZ_CHECK(r->text.len <= IMAP_RESP_MAX, "text of %zu bytes",
	    r->text.len);
	FUZZ_CHECK(strlen(r->tag) < IMAP_TAG_MAX, "tag too long");
	FUZZ_CHECK((r->kind == IMAP_TAGGED) == (r->tag[0] != '\0'),
	    "kind %d with tag '%s'", (int)r->kind, r->tag);
	FUZZ_CHECK(r->kind != IMAP_TAGGED || r->cond == IMAP_OK ||
	    r->cond == IMAP_NO || r->cond == IMAP_BAD,
	    "tagged response with condition %s", conds[r->cond]);
	FUZZ_CHECK(r->nliterals == 0 || (r->kind == IMAP_UNTAGGED &&
	    r->cond == IMAP_NONE), "literals in a status response");
	buf_printf(log, "%d %s %s %zu ", (int)r->kind, r->tag, conds[r->cond],
	    r->nliterals);
	fuzz_log_bytes(log, r->text.data, r->text.len);
	if ((code = imap_resp_code(r, &cl)) != NULL) {
		FUZZ_CHECK(code >= r->text.data &&
		    code + cl <= r->text.data + r->text.len,
		    "response code outside the text");
		buf_addstr(log, " code ");
		fuzz_log_bytes(log, code, cl);
	}
	human = imap_resp_human(r);
	FUZZ_CHECK(human >= r->text.data &&
	    human <= r->text.data + r->text.len, "human text outside the text");
	buf_addstr(log, " human ");
	fuzz_log_bytes(log, human, strlen(human));
	buf_add(log, s->ev.data, s->ev.len);
	buf_addch(log, '\n');
	buf_reset(&s->ev);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fuzz_pp pp = {
		imap_resp_feed, start, stop, log_resp, &st.r, &st
	};
	struct fuzz_input in;

	if (fuzz_input(data, size, &in) < 0)
		return 0;
	st.opt = in.opt;
	fuzz_pp_check("imap_parse", &pp, &in);
	return 0;
}
