/*
 * Fuzz send/qenv's parser: the input is an envelope file's text.  A
 * refusal is ST_DATA with a "name:line" message and leaves nothing
 * allocated.  An envelope accepted:
 *  - holds what the header promises: 1 to QENV_RCPT_MAX recipients, each
 *    with an address, the fields within their bounds (qenv_check());
 *  - written, is text qenv_parse() takes back as the same envelope, and
 *    writing that gives the same bytes (the round trip is exact);
 *  - the text written has no line longer than QENV_LINE_MAX and nothing
 *    but the line ends below 0x21 besides the separating spaces.
 * The retry schedule gets the numbers read: never before now, never past
 * the cap.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "qenv.h"

static void
same(const struct qenv *a, const struct qenv *b)
{
	size_t i;

	FUZZ_CHECK(strcmp(a->id, b->id) == 0 && strcmp(a->account,
	    b->account) == 0 && strcmp(a->sender, b->sender) == 0 &&
	    strcmp(a->notify, b->notify) == 0 && a->ret == b->ret &&
	    strcmp(a->envid, b->envid) == 0 && a->created == b->created &&
	    a->attempts == b->attempts && a->next == b->next &&
	    strcmp(a->error, b->error) == 0 && a->nrcpt == b->nrcpt,
	    "read back, the envelope changed");
	for (i = 0; i < a->nrcpt; i++)
		FUZZ_CHECK(a->rcpt[i].state == b->rcpt[i].state &&
		    strcmp(a->rcpt[i].addr, b->rcpt[i].addr) == 0 &&
		    strcmp(a->rcpt[i].reply, b->rcpt[i].reply) == 0,
		    "read back, recipient %zu changed", i);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qenv q, r;
	struct errinfo ei;
	struct buf b1, b2;
	const char *p, *nl;
	long long t;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	err_clear(&ei);
	if (qenv_parse("env", (const char *)data, size, &q, &ei) < 0) {
		FUZZ_CHECK(ei.st == ST_DATA && strncmp(ei.msg, "env:", 4) == 0,
		    "refused with %d '%s'", (int)ei.st, ei.msg);
		FUZZ_CHECK(q.rcpt == NULL && q.nrcpt == 0, "refused, but "
		    "recipients left");
		return 0;
	}
	FUZZ_CHECK(qenv_check(&q, &ei) == 0, "accepted, but %s", ei.msg);

	buf_init(&b1, QENV_FILE_MAX);
	buf_init(&b2, QENV_FILE_MAX);
	FUZZ_CHECK(qenv_write(&q, &b1, &ei) == 0, "not written: %s", ei.msg);
	for (p = b1.data; p < b1.data + b1.len; p = nl + 1) {
		nl = memchr(p, '\n', b1.len - (size_t)(p - b1.data));
		FUZZ_CHECK(nl != NULL, "written without a last line end");
		FUZZ_CHECK((size_t)(nl - p) <= QENV_LINE_MAX, "a line of %zu "
		    "bytes written", (size_t)(nl - p));
		for (; p < nl; p++)
			FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f,
			    "byte 0x%02x written", (unsigned char)*p);
	}
	FUZZ_CHECK(qenv_parse("env", b1.data, b1.len, &r, &ei) == 0,
	    "what was written is refused: %s", ei.msg);
	same(&q, &r);
	FUZZ_CHECK(qenv_write(&r, &b2, &ei) == 0, "not written again");
	FUZZ_CHECK(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0,
	    "written, read and written again: other bytes");

	t = qenv_next_try(q.created, q.attempts, (uint32_t)q.next);
	FUZZ_CHECK(t >= q.created && t - q.created <= QENV_RETRY_CAP,
	    "next try %lld after %lu attempts at %lld", t, q.attempts,
	    q.created);
	(void)qenv_expired(q.created, q.next, (long long)q.attempts);

	qenv_free(&r);
	qenv_free(&q);
	buf_free(&b1);
	buf_free(&b2);
	return 0;
}
