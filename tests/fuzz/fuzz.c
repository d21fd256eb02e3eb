/* fuzz: input layout, transcripts and the pp-style driver of the harnesses. */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "xalloc.h"

int
fuzz_input(const uint8_t *p, size_t size, struct fuzz_input *in)
{
	if (size < FUZZ_HEAD || size > FUZZ_INPUT_MAX)
		return -1;
	in->opt = p[0];
	memcpy(in->len, p + 1, sizeof(in->len));
	in->data = (const char *)(p + FUZZ_HEAD);
	in->n = size - FUZZ_HEAD;
	return 0;
}

size_t
fuzz_chunk(const struct fuzz_input *in, int split, size_t i, size_t left)
{
	size_t k;

	if (!split)
		return left;
	k = (size_t)in->len[i % sizeof(in->len)] + 1;
	return k < left ? k : left;
}

char *
fuzz_cstr(const uint8_t *p, size_t n)
{
	const uint8_t *nul = memchr(p, '\0', n);

	return xstrndup((const char *)p, nul != NULL ? (size_t)(nul - p) : n);
}

void
fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz: invariant broken: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

void
fuzz_log_bytes(struct buf *log, const char *p, size_t n)
{
	buf_printf(log, "[%zu]", n);
	buf_add(log, p, n);
}

void
fuzz_log_err(struct buf *log, const struct errinfo *ei)
{
	FUZZ_CHECK(ei->st != ST_OK && ei->msg[0] != '\0',
	    "an error without a status or a message (status %d, '%s')",
	    (int)ei->st, ei->msg);
	buf_printf(log, "E %s: ", status_name(ei->st));
	fuzz_log_bytes(log, ei->msg, strlen(ei->msg));
	buf_addch(log, '\n');
}

/* Show up to 200 bytes of a transcript from off, escaped. */
static void
show(const char *name, const struct buf *b, size_t off)
{
	size_t i;

	fprintf(stderr, "--- %s (%zu bytes), from byte %zu:\n", name, b->len,
	    off);
	for (i = off; i < b->len && i < off + 200; i++) {
		unsigned char c = (unsigned char)b->data[i];

		if (c == '\n')
			fputs("\\n\n", stderr);
		else if (c < 0x20 || c >= 0x7f || c == '\\')
			fprintf(stderr, "\\x%02x", c);
		else
			fputc(c, stderr);
	}
	fputc('\n', stderr);
}

void
fuzz_same(const char *what, const struct fuzz_input *in,
    const struct buf *whole, const struct buf *split)
{
	size_t i;

	if (whole->len == split->len &&
	    memcmp(whole->data, split->data, whole->len) == 0)
		return;
	for (i = 0; i < whole->len && i < split->len &&
	    whole->data[i] == split->data[i]; i++)
		continue;
	i = i > 60 ? i - 60 : 0;
	fprintf(stderr, "fuzz: %s: fed whole and in chunks of %u, %u, %u, %u "
	    "bytes, the results differ\n", what, in->len[0] + 1U,
	    in->len[1] + 1U, in->len[2] + 1U, in->len[3] + 1U);
	show("whole", whole, i);
	show("in chunks", split, i);
	fuzz_fail("%s: the result depends on the chunk boundaries", what);
}

void
fuzz_pp_run(const struct fuzz_pp *pp, const struct fuzz_input *in,
    int split, struct buf *log)
{
	size_t pos = 0, chunk = 0, nreply = 0;
	int pending = 0;

	pp->start(pp->arg);
	while (pos < in->n) {
		size_t end = pos + fuzz_chunk(in, split, chunk++, in->n - pos);

		while (pos < end) {
			struct errinfo ei;
			int done = -1;
			ssize_t used;

			err_clear(&ei);
			used = pp->feed(pp->parser, in->data + pos, end - pos,
			    &done, &ei);
			if (used < 0) {
				fuzz_log_err(log, &ei);
				goto out;
			}
			FUZZ_CHECK(used >= 1 && (size_t)used <= end - pos,
			    "feed used %zd of %zu bytes", used, end - pos);
			FUZZ_CHECK(done == 0 || done == 1,
			    "feed set done to %d", done);
			FUZZ_CHECK(done || (size_t)used == end - pos,
			    "feed used %zd of %zu bytes without a whole reply",
			    used, end - pos);
			pos += (size_t)used;
			pending = !done;
			if (done)
				pp->reply(pp->arg, nreply++, log);
		}
	}
	if (pending)
		buf_addstr(log, "unfinished\n");
out:
	pp->stop(pp->arg);
}

void
fuzz_pp_check(const char *what, const struct fuzz_pp *pp,
    const struct fuzz_input *in)
{
	struct buf whole, split;

	buf_init(&whole, FUZZ_LOG_MAX);
	buf_init(&split, FUZZ_LOG_MAX);
	fuzz_pp_run(pp, in, 0, &whole);
	fuzz_pp_run(pp, in, 1, &split);
	fuzz_same(what, in, &whole, &split);
	buf_free(&whole);
	buf_free(&split);
}
