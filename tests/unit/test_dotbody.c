/*
 * Unit tests for fetch/dotbody (POP3 body: dot-unstuffing, CR LF to LF,
 * end at the lone "." line) and common/mboxrd (">From " quoting): each
 * input fed whole, byte by byte, and split at every offset, with the
 * same result; and the mboxrd round trip (quote, then unquote as a
 * reader does) over many generated bodies.
 */
#include "autoconf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "crlf.h"
#include "dotbody.h"
#include "mboxrd.h"

/* Decode in with chunks of at most step bytes, and a split at cut. */
static void
decode(const char *in, size_t n, size_t step, size_t cut, struct buf *out,
    size_t *used_r, int *done_r)
{
	struct dotbody d;
	char o[DOTBODY_OUT_MAX(64 * 1024)];
	size_t pos = 0;

	dotbody_init(&d);
	while (pos < n && !d.done) {
		size_t k = n - pos, used, w;

		if (k > step)
			k = step;
		if (pos < cut && pos + k > cut)
			k = cut - pos;
		w = dotbody_decode(&d, in + pos, k, o, &used);
		assert_true(w <= DOTBODY_OUT_MAX(k));
		assert_true(used <= k);
		assert_int_equal(buf_add(out, o, w), 0);
		pos += used;
		if (used < k)
			assert_true(d.done);
	}
	assert_int_equal(d.size, out->len);
	assert_int_equal(d.wire, pos);
	*used_r = pos;
	*done_r = d.done;
}

struct dcase {
	const char *in;		/* wire */
	const char *want;	/* message */
	int done;
	size_t used;		/* input used; 0: all */
};

static const struct dcase dcases[] = {
	{ "a\r\nb\r\n.\r\n", "a\nb\n", 1, 0 },
	{ ".\r\n", "", 1, 0 },
	{ "..\r\n.\r\n", ".\n", 1, 0 },
	{ "...x\r\n.\r\n", "..x\n", 1, 0 },
	{ ".x\r\n.\r\n", "x\n", 1, 0 },		/* unstuffed anyway */
	{ "a.\r\n.b\r\n..\r\n.\r\n", "a.\nb\n.\n", 1, 0 },
	{ "a\r\n.\r\nNEXT", "a\n", 1, 6 },		/* stops at the end */
	{ "a\nb\n.\n", "a\nb\n", 1, 0 },		/* bare LF */
	{ "a\rb\r\n.\r\n", "a\rb\n", 1, 0 },	/* bare CR is data */
	{ "a\r\r\nb\r\n.\r\n", "a\r\nb\n", 1, 0 },
	{ "\r\n\r\n.\r\n", "\n\n", 1, 0 },
	{ "From x\r\n.\r\n", "From x\n", 1, 0 },
	{ ".\rx\r\n.\r\n", "\rx\n", 1, 0 },	/* "." CR x: not the end */
	{ "abc", "abc", 0, 0 },			/* not finished */
	{ "abc\r", "abc", 0, 0 },		/* CR pending */
	{ "a\r\n.", "a\n", 0, 0 },		/* "." pending */
	{ "a\r\n.\r", "a\n", 0, 0 },
	{ "x\0y\r\n.\r\n", "x\0y\n", 1, 0 },	/* NUL passes */
};

static size_t
clen(const char *s, int nul_case)
{
	return nul_case ? 8 : strlen(s);
}

static void
test_dotbody_cases(void **state)
{
	size_t i, step, cut;

	(void)state;
	for (i = 0; i < sizeof(dcases) / sizeof(dcases[0]); i++) {
		const struct dcase *c = &dcases[i];
		int nul = c->in[0] == 'x' && c->in[1] == '\0';
		size_t n = clen(c->in, nul), wn = nul ? 4 : strlen(c->want);

		for (step = 1; step <= n; step++) {
			for (cut = 0; cut <= n; cut++) {
				struct buf out;
				size_t used;
				int done;

				buf_init(&out, 1024);
				decode(c->in, n, step, cut, &out, &used, &done);
				if (out.len != wn || memcmp(out.data, c->want, wn))
					fail_msg("case %zu step %zu cut %zu: got "
					    "'%s'", i, step, cut, out.data);
				assert_int_equal(done, c->done);
				assert_int_equal(used, c->used ? c->used : n);
				buf_free(&out);
			}
		}
	}
}

/* A large body: the output is the input with stuffing undone. */
static void
test_dotbody_large(void **state)
{
	struct buf wire, want, out;
	size_t i, used;
	int done;

	(void)state;
	buf_init(&wire, 4 << 20);
	buf_init(&want, 4 << 20);
	buf_init(&out, 4 << 20);
	for (i = 0; i < 20000; i++) {
		if (i % 7 == 0) {
			buf_addstr(&wire, "..dots\r\n");
			buf_addstr(&want, ".dots\n");
		} else {
			buf_printf(&wire, "line %zu with some text\r\n", i);
			buf_printf(&want, "line %zu with some text\n", i);
		}
	}
	buf_addstr(&wire, ".\r\n");
	decode(wire.data, wire.len, 65536, 0, &out, &used, &done);
	assert_true(done);
	assert_int_equal(out.len, want.len);
	assert_memory_equal(out.data, want.data, want.len);
	buf_free(&wire);
	buf_free(&want);
	buf_free(&out);
}

static int
collect(void *arg, const char *p, size_t n, struct errinfo *ei)
{
	(void)ei;
	return buf_add(arg, p, n);
}

static void
quote(const char *in, size_t n, size_t step, struct buf *out)
{
	struct mboxrd m;
	struct errinfo ei;
	size_t pos;

	mboxrd_init(&m, collect, out);
	for (pos = 0; pos < n; pos += step)
		assert_int_equal(mboxrd_write(&m, in + pos, n - pos < step ?
		    n - pos : step, &ei), 0);
	assert_int_equal(mboxrd_finish(&m, &ei), 0);
}

/* What an mboxrd reader does: one ">" less on /^>+From /. */
static void
unquote(const char *in, size_t n, struct buf *out)
{
	size_t i = 0;

	while (i < n) {
		const char *lf = memchr(in + i, '\n', n - i);
		size_t len = lf != NULL ? (size_t)(lf - in) - i + 1 : n - i;

		if (in[i] == '>' && mboxrd_is_from_line(in + i, len))
			buf_add(out, in + i + 1, len - 1);
		else
			buf_add(out, in + i, len);
		i += len;
	}
}

struct qcase {
	const char *in, *want;
};

static const struct qcase qcases[] = {
	{ "From x\n", ">From x\n" },
	{ ">From x\n", ">>From x\n" },
	{ ">>>From x\n", ">>>>From x\n" },
	{ "a\nFrom b\n>From c\nFromage\n>Fro\n", "a\n>From b\n>>From c\nFromage\n>Fro\n" },
	{ " From x\n", " From x\n" },
	{ "From", "From\n" },			/* final LF added */
	{ "From \n", ">From \n" },
	{ ">>>", ">>>\n" },
	{ "", "" },
	{ "x\nFrom", "x\nFrom\n" },
	{ "a From b\n", "a From b\n" },
};

static void
test_mboxrd_cases(void **state)
{
	size_t i, step;

	(void)state;
	for (i = 0; i < sizeof(qcases) / sizeof(qcases[0]); i++) {
		size_t n = strlen(qcases[i].in);

		for (step = 1; step <= n + 1; step++) {
			struct buf out;

			buf_init(&out, 1024);
			quote(qcases[i].in, n, step, &out);
			if (strcmp(out.data, qcases[i].want) != 0)
				fail_msg("case %zu step %zu: got '%s'", i, step,
				    out.data);
			buf_free(&out);
		}
	}
}

/* Round trip over generated bodies: unquote(quote(x)) == x + final LF. */
static void
test_mboxrd_roundtrip(void **state)
{
	static const char *const pieces[] = { "From ", ">", "From", "x", "\n",
		">From ", " ", "F", "rom " };
	unsigned seed = 42;
	int t;

	(void)state;
	for (t = 0; t < 3000; t++) {
		struct buf in, q, back;
		int k, len = (int)(seed % 20);
		size_t step;

		buf_init(&in, 4096);
		for (k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			buf_addstr(&in, pieces[(seed >> 16) % 9]);
		}
		seed = seed * 1103515245u + 12345u;
		for (step = 1; step <= 7; step += 3) {
			buf_init(&q, 8192);
			buf_init(&back, 8192);
			quote(in.data, in.len, step, &q);
			unquote(q.data, q.len, &back);
			if (in.len > 0 && in.data[in.len - 1] != '\n')
				buf_addch(&in, '\n');
			if (back.len != in.len ||
			    memcmp(back.data, in.data, in.len) != 0)
				fail_msg("round trip: '%s' -> '%s' -> '%s'",
				    in.data, q.data, back.data);
			/* No line of the quoted text is a bare From_ line. */
			assert_null(strstr(q.data, "\nFrom "));
			assert_false(strncmp(q.data, "From ", 5) == 0);
			buf_free(&q);
			buf_free(&back);
		}
		buf_free(&in);
	}
}

/* crlf: CR LF to LF, a lone CR kept, the same at every split. */
static void
test_crlf_cases(void **state)
{
	static const struct {
		const char *in, *want;
	} c[] = {
		{ "", "" },
		{ "a\r\nb\r\n", "a\nb\n" },
		{ "\r\n\r\n", "\n\n" },
		{ "a\rb", "a\rb" },
		{ "a\r\r\nb", "a\r\nb" },
		{ "\r", "\r" },
		{ "x\r\r", "x\r\r" },
		{ "a\nb\n", "a\nb\n" },
		{ ".\r\n..\r\n", ".\n..\n" },
		{ "\r\r\n\r", "\r\n\r" },
	};
	size_t i, cut;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		size_t n = strlen(c[i].in);

		for (cut = 0; cut <= n; cut++) {
			struct crlf k;
			char o[64];
			size_t w;

			crlf_init(&k);
			w = crlf_decode(&k, c[i].in, cut, o);
			assert_true(w <= CRLF_OUT_MAX(cut));
			w += crlf_decode(&k, c[i].in + cut, n - cut, o + w);
			w += crlf_finish(&k, o + w);
			o[w] = '\0';
			if (strcmp(o, c[i].want) != 0)
				fail_msg("case %zu cut %zu: got '%s'", i, cut, o);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dotbody_cases),
		cmocka_unit_test(test_dotbody_large),
		cmocka_unit_test(test_mboxrd_cases),
		cmocka_unit_test(test_mboxrd_roundtrip),
		cmocka_unit_test(test_crlf_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
