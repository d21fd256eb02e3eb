/*
 * Fuzz fetch/dotbody (the POP3 multi-line body decoder) and what follows
 * it on the way to an mbox, common/mboxrd: the body is decoded whole and
 * in chunks (fuzz.h), each call given an output buffer of exactly
 * DOTBODY_OUT_MAX(n) bytes (AddressSanitizer catches a byte more), and
 * both runs must agree.  The decoded text then goes through the mboxrd
 * quoting, fed in the same chunks, and undoing the quoting must give the
 * text back (with a final LF added when it had none).  Options: none.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "dotbody.h"
#include "fuzz.h"
#include "mboxrd.h"
#include "xalloc.h"

/* Decode in's data; the message text goes to out, the rest is logged. */
static void
decode(const struct fuzz_input *in, int split, struct buf *out,
    struct buf *log)
{
	struct dotbody d;
	size_t pos = 0, chunk = 0;

	dotbody_init(&d);
	while (pos < in->n && !d.done) {
		size_t k = fuzz_chunk(in, split, chunk++, in->n - pos), used, w;
		char *o = xmalloc(DOTBODY_OUT_MAX(k));

		w = dotbody_decode(&d, in->data + pos, k, o, &used);
		FUZZ_CHECK(used <= k, "used %zu of %zu bytes", used, k);
		FUZZ_CHECK(w <= DOTBODY_OUT_MAX(k), "wrote %zu bytes for %zu",
		    w, k);
		FUZZ_CHECK(d.done || used == k,
		    "used %zu of %zu bytes, not done", used, k);
		FUZZ_CHECK(used >= 1, "no input used");
		buf_add(out, o, w);
		free(o);
		pos += used;
		if (d.done)
			FUZZ_CHECK(pos >= 2 && in->data[pos - 1] == '\n',
			    "the body ended after %zu bytes, not after a LF",
			    pos);
	}
	FUZZ_CHECK(d.size == out->len && d.wire == pos,
	    "counted %llu bytes out and %llu in; wrote %zu, used %zu", d.size,
	    d.wire, out->len, pos);
	buf_printf(log, "done %d used %zu size %llu\n", d.done, pos, d.size);
}

static int
collect(void *arg, const char *p, size_t n, struct errinfo *ei)
{
	FUZZ_CHECK(n > 0, "an empty write");
	buf_add(arg, p, n);
	return 0;
}

/* Quote text as mboxrd does, in in's chunks when split. */
static void
quote(const struct fuzz_input *in, int split, const struct buf *text,
    struct buf *out)
{
	struct mboxrd m;
	struct errinfo ei;
	size_t pos = 0, chunk = 0;

	mboxrd_init(&m, collect, out);
	while (pos < text->len) {
		size_t k = fuzz_chunk(in, split, chunk++, text->len - pos);

		FUZZ_CHECK(mboxrd_write(&m, text->data + pos, k, &ei) == 0,
		    "mboxrd_write failed");
		pos += k;
	}
	FUZZ_CHECK(mboxrd_finish(&m, &ei) == 0, "mboxrd_finish failed");
}

/* Undo the quoting: one '>' less on every line that is />+From /. */
static void
unquote(const struct buf *q, struct buf *out)
{
	size_t pos = 0;

	while (pos < q->len) {
		const char *p = q->data + pos, *lf;
		size_t len;

		lf = memchr(p, '\n', q->len - pos);
		len = lf != NULL ? (size_t)(lf - p) + 1 : q->len - pos;

		if (len > 0 && p[0] == '>' && mboxrd_is_from_line(p, len))
			buf_add(out, p + 1, len - 1);
		else
			buf_add(out, p, len);
		pos += len;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	struct buf text[2], log[2], q[2], back;
	int s;

	if (fuzz_input(data, size, &in) < 0)
		return 0;
	for (s = 0; s < 2; s++) {
		buf_init(&text[s], FUZZ_LOG_MAX);
		buf_init(&log[s], FUZZ_LOG_MAX);
		buf_init(&q[s], FUZZ_LOG_MAX);
		decode(&in, s, &text[s], &log[s]);
		buf_add(&log[s], text[s].data, text[s].len);
		quote(&in, s, &text[0], &q[s]);
	}
	fuzz_same("dotbody", &in, &log[0], &log[1]);
	fuzz_same("mboxrd", &in, &q[0], &q[1]);
	buf_init(&back, FUZZ_LOG_MAX);
	unquote(&q[0], &back);
	if (text[0].len > 0 && text[0].data[text[0].len - 1] != '\n')
		buf_addch(&text[0], '\n');
	FUZZ_CHECK(back.len == text[0].len &&
	    memcmp(back.data, text[0].data, back.len) == 0,
	    "mboxrd: unquoting does not give the text back");
	for (s = 0; s < 2; s++) {
		buf_free(&text[s]);
		buf_free(&log[s]);
		buf_free(&q[s]);
	}
	buf_free(&back);
	return 0;
}
