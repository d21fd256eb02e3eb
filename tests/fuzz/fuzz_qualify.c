/*
 * Fuzz send/qualify: the From fields of a message given to msend, whose
 * local mailboxes become the account's address.  Byte 0 chooses:
 *	bits 0-1	the host name: web1.example.net, web1, none, or
 *			example.org (the account's own domain)
 *	bit 2		the rest is a header block (qualify_header()), not
 *			one unfolded From value (qualify_from_value(), the
 *			rest as a C string)
 * A value: the addresses found are those addr_parse_list() finds, it is
 * refused exactly when that refuses it, and what comes out parses into
 * the same addresses with every local one made the account's.  A header:
 * as many fields come out as went in (no folding ever ends the block),
 * the output ends with a line end, and a second pass rewrites nothing.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "fuzz.h"
#include "hdr.h"
#include "qualify.h"

#define ME	"me@example.org"
#define OUT_MAX	(4 * 1024 * 1024)

static void
value(const struct qualify *q, const char *s)
{
	struct addr_list got, want, again;
	struct errinfo ei;
	struct buf out;
	size_t i;
	int n, prc;

	addr_list_init(&got);
	addr_list_init(&want);
	addr_list_init(&again);
	buf_init(&out, OUT_MAX);
	prc = addr_parse_list(s, &want, &ei);
	n = qualify_from_value(q, s, &out, &got);
	FUZZ_CHECK(n >= -1, "out full at %zu bytes", out.len);
	if (prc < 0 || strpbrk(s, "\r\n") != NULL) {
		FUZZ_CHECK(n == -1, "a value addr refuses, yet %d", n);
		goto out;
	}
	FUZZ_CHECK(n >= 0, "a value addr takes refused");
	FUZZ_CHECK(got.n == want.n, "%zu addresses, addr finds %zu", got.n,
	    want.n);
	for (i = 0; i < want.n; i++)
		FUZZ_CHECK(strcmp(got.v[i], want.v[i]) == 0,
		    "address %zu: '%s', addr finds '%s'", i, got.v[i],
		    want.v[i]);
	if (n == 0)
		FUZZ_CHECK(strcmp(out.data, s) == 0, "changed, none rewritten");
	FUZZ_CHECK(addr_parse_list(out.data, &again, &ei) == 0,
	    "what comes out does not parse: %s", ei.msg);
	FUZZ_CHECK(again.n == want.n, "%zu addresses out of %zu", again.n,
	    want.n);
	for (i = 0; i < want.n; i++) {
		const char *w = qualify_is_local(q, want.v[i]) ? q->address :
		    want.v[i];

		FUZZ_CHECK(strcmp(again.v[i], w) == 0,
		    "address %zu: '%s' out, not '%s'", i, again.v[i], w);
	}
out:
	addr_list_free(&got);
	addr_list_free(&want);
	addr_list_free(&again);
	buf_free(&out);
}

static size_t
fields(const char *text, size_t len)
{
	struct hdr_field f;
	size_t off = 0, n = 0;

	while (hdr_next(text, len, &off, &f))
		n++;
	return n;
}

static void
header(const struct qualify *q, const char *text, size_t len)
{
	struct buf out, again;
	int n;

	buf_init(&out, OUT_MAX);
	n = qualify_header(q, text, len, &out);
	FUZZ_CHECK(n >= 0, "out full");
	if (n == 0) {
		FUZZ_CHECK(out.len == 0, "nothing rewritten, %zu bytes out",
		    out.len);
		goto out;
	}
	FUZZ_CHECK((out.len > 0 && out.data[out.len - 1] == '\n') ||
	    (len > 0 && text[len - 1] != '\n'), "no line end at the end");
	FUZZ_CHECK(fields(out.data, out.len) == fields(text, len),
	    "%zu fields out of %zu", fields(out.data, out.len),
	    fields(text, len));
	buf_init(&again, OUT_MAX);
	FUZZ_CHECK(qualify_header(q, out.data, out.len, &again) == 0,
	    "a second pass rewrites again");
	buf_free(&again);
out:
	buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const hosts[] = { "web1.example.net", "web1",
		NULL, "example.org" };
	struct qualify q;
	char *s;

	if (size < 1 || size > FUZZ_INPUT_MAX)
		return 0;
	FUZZ_CHECK(qualify_init(&q, ME, hosts[data[0] & 3]) == 1,
	    "the account's address refused");
	if (data[0] & 4) {
		header(&q, (const char *)data + 1, size - 1);
	} else {
		s = fuzz_cstr(data + 1, size - 1);
		value(&q, s);
		free(s);
	}
	return 0;
}
