/*
 * Fuzz send/bounce: what a server said (two recipients' replies), the
 * addresses, the sender, the reason and the host names, all hostile,
 * made into a bounce.  The input: byte 0 options (bit 0: the first
 * recipient's failure is final, bit 1: the second's, bit 2: the
 * original is 8-bit, bit 3: no remote host), then the values separated
 * by NUL bytes, in order: reply 1, reply 2, address 1, address 2, sender,
 * reason, remote host, reporting host, queue id, envid (missing ones
 * empty).  Checked: the enhanced status code read from each reply has
 * RFC 3463's form, class 4 or 5, and is where the reply says it is; the
 * bounce up to the original is printable ASCII with LF line ends, no
 * line reaches 998 bytes, its header has only our fields (a value never
 * starts a line of its own), exactly three lines start with "--", each
 * the boundary's delimiter, and each Status line has the status of its
 * recipient.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounce.h"
#include "fuzz.h"

#define NVAL	10

/* s is "C.SSS.DDD": class 4 or 5, 1 to 3 digits each after. */
static int
status_form(const char *s)
{
	size_t i = 2, n, part;

	if ((s[0] != '4' && s[0] != '5') || s[1] != '.')
		return 0;
	for (part = 0; part < 2; part++) {
		for (n = 0; s[i] >= '0' && s[i] <= '9'; i++)
			n++;
		if (n < 1 || n > 3)
			return 0;
		if (part == 0 && s[i++] != '.')
			return 0;
	}
	return s[i] == '\0';
}

static void
check_code(const char *reply)
{
	char out[BOUNCE_STATUS_MAX];
	size_t len = strlen(reply);

	if (bounce_status_code(reply, len, out)) {
		size_t at = reply[0] == out[0] && strncmp(reply, out,
		    strlen(out)) == 0 ? 0 : 4;

		FUZZ_CHECK(status_form(out), "status code '%s'", out);
		FUZZ_CHECK(len >= at + strlen(out) &&
		    memcmp(reply + at, out, strlen(out)) == 0,
		    "status code '%s' not at the reply's start", out);
	} else
		FUZZ_CHECK(out[0] == '\0', "no code, yet '%s'", out);
}

/* The header's field names: all ours (folded lines start with space). */
static int
our_field(const char *l, size_t len)
{
	static const char *const names[] = { "Return-Path: ", "From: ",
		"To: ", "Subject: ", "Date: ", "Message-ID: ",
		"Auto-Submitted: ", "MIME-Version: ", "Content-Type: " };
	size_t i;

	if (len > 0 && (l[0] == ' ' || l[0] == '\t'))
		return 1;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (len >= strlen(names[i]) &&
		    memcmp(l, names[i], strlen(names[i])) == 0)
			return 1;
	return 0;
}

static void
check_bounce(const struct buf *out, const char *boundary,
    const struct bounce *b)
{
	char delim[BOUNCE_BOUNDARY_MAX + 4], want[BOUNCE_STATUS_MAX + 16];
	size_t i = 0, nstatus = 0, ndelim = 0;
	int in_header = 1;

	snprintf(delim, sizeof(delim), "--%s", boundary);
	while (i < out->len) {
		const char *l = out->data + i;
		const char *e = memchr(l, '\n', out->len - i);
		size_t len, k;

		FUZZ_CHECK(e != NULL, "a last line without its end");
		len = (size_t)(e - l);
		FUZZ_CHECK(len < 998, "a line of %zu bytes", len);
		for (k = 0; k < len; k++)
			FUZZ_CHECK((l[k] >= 0x20 && l[k] < 0x7f) || l[k] == '\t',
			    "byte 0x%02x at %zu", (unsigned char)l[k], i + k);
		if (len == 0)
			in_header = 0;
		if (in_header)
			FUZZ_CHECK(our_field(l, len), "a header line '%.*s'",
			    (int)(len < 60 ? len : 60), l);
		if (len >= 2 && l[0] == '-' && l[1] == '-') {
			FUZZ_CHECK(len == strlen(delim) &&
			    memcmp(l, delim, len) == 0, "a line '%.*s'",
			    (int)(len < 60 ? len : 60), l);
			ndelim++;
		}
		if (len > 8 && memcmp(l, "Status: ", 8) == 0) {
			FUZZ_CHECK(nstatus < b->nrcpt, "too many Status lines");
			bounce_rcpt_status(&b->rcpt[nstatus], want);
			FUZZ_CHECK(len == 8 + strlen(want) &&
			    memcmp(l + 8, want, strlen(want)) == 0,
			    "Status of recipient %zu", nstatus);
			nstatus++;
		}
		i += len + 1;
	}
	FUZZ_CHECK(ndelim == 3, "%zu lines start with the boundary", ndelim);
	FUZZ_CHECK(nstatus == b->nrcpt, "%zu Status lines", nstatus);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *v[NVAL];
	struct bounce_rcpt r[2];
	unsigned char rnd[BOUNCE_RANDOM_LEN];
	char boundary[BOUNCE_BOUNDARY_MAX + 1];
	struct bounce b;
	struct errinfo ei;
	struct buf out;
	unsigned opt;
	char *s, *p;
	size_t i;

	if (size < 1 || size > FUZZ_INPUT_MAX)
		return 0;
	opt = data[0];
	/* The values, NUL-separated: a copy ending with one NUL more. */
	s = malloc(size);
	FUZZ_CHECK(s != NULL, "out of memory");
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	/* Missing values are the last NUL: "". */
	for (p = s, i = 0; i < NVAL; i++) {
		v[i] = p;
		p += strlen(p) + 1;
		if (p > s + size - 1)
			p = s + size - 1;
	}
	check_code(v[0]);
	check_code(v[1]);
	r[0].reply = v[0];
	r[1].reply = v[1];
	r[0].addr = v[2];
	r[1].addr = v[3];
	r[0].final = opt & 1;
	r[1].final = (opt >> 1) & 1;
	memset(&b, 0, sizeof(b));
	b.rcpt = r;
	b.nrcpt = 2;
	b.sender = v[4];
	b.reason = v[5];
	b.remote = opt & 8 ? NULL : v[6];
	b.host = v[7];
	b.id = v[8];
	b.envid = v[9];
	b.eightbit = (opt >> 2) & 1;
	b.arrival = 1767268800;
	b.now = b.arrival + 432000;
	for (i = 0; i < sizeof(rnd); i++)
		rnd[i] = (unsigned char)(i * 7 + size);
	bounce_boundary(rnd, sizeof(rnd), boundary);
	buf_init(&out, BOUNCE_TOP_MAX);
	err_clear(&ei);
	if (bounce_compose(&b, boundary, &out, &ei) == 0) {
		FUZZ_CHECK(*b.sender != '\0', "a bounce for the null sender");
		check_bounce(&out, boundary, &b);
	} else {
		FUZZ_CHECK(*b.sender == '\0' && ei.st == ST_SOFTWARE &&
		    out.len == 0, "refused: status %d, %zu bytes",
		    (int)ei.st, out.len);
	}
	buf_free(&out);
	free(s);
	return 0;
}
