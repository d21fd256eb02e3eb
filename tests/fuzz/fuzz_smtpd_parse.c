/*
 * Fuzz send/smtpd_parse: what an SMTP client sends to "msend -bs", fed
 * whole and in chunks (fuzz.h) as the caller feeds it, one event a call;
 * both transcripts (commands, errors, body lines joined from their
 * pieces, ends of bodies) must agree.  Checked on each event: the return
 * (progress, never past the input, all of it when no event), an error's
 * code and message, arguments and parameters within their limits, an
 * address that common/addr accepts, body pieces only in DATA mode and
 * holding no line end.  Options: bit 0, the caller refuses every DATA
 * (the body's lines are then read as commands).
 */
#include "autoconf.h"

#include <string.h>

#include "addr.h"
#include "fuzz.h"
#include "smtpd_parse.h"

static void
log_cmd(const struct smtpd_event *ev, struct buf *log)
{
	size_t len;

	FUZZ_CHECK(ev->verb >= SMTPD_EHLO && ev->verb <= SMTPD_UNKNOWN,
	    "verb %d", (int)ev->verb);
	FUZZ_CHECK(ev->arg != NULL, "no argument");
	len = strlen(ev->arg);
	FUZZ_CHECK(len <= SMTPD_LINE_MAX - 2, "argument of %zu bytes", len);
	FUZZ_CHECK(strpbrk(ev->arg, "\r\n") == NULL, "line end in argument");
	if (ev->verb == SMTPD_MAIL)
		FUZZ_CHECK(addr_envelope_ok(ev->arg), "bad sender accepted");
	if (ev->verb == SMTPD_RCPT)
		FUZZ_CHECK(addr_mailbox_ok(ev->arg),
		    "bad recipient accepted");
	if (ev->verb == SMTPD_EHLO || ev->verb == SMTPD_HELO)
		FUZZ_CHECK(len > 0 && strchr(ev->arg, ' ') == NULL,
		    "bad domain accepted");
	FUZZ_CHECK(ev->envid == NULL || (strlen(ev->envid) > 0 &&
	    strlen(ev->envid) <= SMTPD_ENVID_MAX), "bad ENVID accepted");
	FUZZ_CHECK(ev->orcpt == NULL || (strchr(ev->orcpt, ';') != NULL &&
	    strlen(ev->orcpt) <= SMTPD_ORCPT_MAX), "bad ORCPT accepted");
	FUZZ_CHECK(!(ev->notify & SMTPD_NOTIFY_NEVER) ||
	    ev->notify == SMTPD_NOTIFY_NEVER, "NEVER with others accepted");
	buf_printf(log, "C %d ", (int)ev->verb);
	fuzz_log_bytes(log, ev->arg, len);
	buf_printf(log, " %d %llu %d %d %d %u", ev->has_size, ev->size,
	    (int)ev->body, ev->smtputf8, (int)ev->ret, ev->notify);
	if (ev->envid != NULL)
		fuzz_log_bytes(log, ev->envid, strlen(ev->envid));
	if (ev->orcpt != NULL)
		fuzz_log_bytes(log, ev->orcpt, strlen(ev->orcpt));
	buf_addch(log, '\n');
}

/* One run over in's data, whole (split 0) or in chunks. */
static void
run(const struct fuzz_input *in, int split, struct buf *log)
{
	struct smtpd_parse p;
	struct buf line;
	size_t pos = 0, chunk = 0;

	smtpd_init(&p);
	buf_init(&line, FUZZ_LOG_MAX);
	while (pos < in->n) {
		size_t k = fuzz_chunk(in, split, chunk++, in->n - pos), off = 0;

		while (off < k) {
			struct smtpd_event ev;
			int data = smtpd_in_data(&p);
			size_t used = smtpd_feed(&p, in->data + pos + off,
			    k - off, &ev);

			FUZZ_CHECK(used <= k - off, "used %zu of %zu bytes",
			    used, k - off);
			FUZZ_CHECK(used > 0 || ev.kind != SMTPD_NONE,
			    "no progress");
			FUZZ_CHECK(ev.kind != SMTPD_NONE || used == k - off,
			    "used %zu of %zu bytes without an event", used,
			    k - off);
			off += used;
			switch (ev.kind) {
			case SMTPD_NONE:
				break;
			case SMTPD_CMD:
				FUZZ_CHECK(!data, "a command in DATA mode");
				log_cmd(&ev, log);
				if (ev.verb == SMTPD_DATA && !(in->opt & 1))
					smtpd_start_data(&p);
				break;
			case SMTPD_ERROR:
				FUZZ_CHECK(!data, "an error in DATA mode");
				FUZZ_CHECK(ev.code == 500 || ev.code == 501 ||
				    ev.code == 555, "reply code %d", ev.code);
				FUZZ_CHECK(ev.msg[0] != '\0' &&
				    strlen(ev.msg) < sizeof(ev.msg),
				    "error without a message");
				buf_printf(log, "E %d %d %s\n", ev.code,
				    (int)ev.verb, ev.msg);
				break;
			case SMTPD_BODY:
				FUZZ_CHECK(data, "a body piece out of DATA");
				FUZZ_CHECK(ev.data != NULL, "no body data");
				FUZZ_CHECK(memchr(ev.data, '\n', ev.len) ==
				    NULL, "a LF inside a body piece");
				buf_add(&line, ev.data, ev.len);
				if (ev.eol) {
					buf_addstr(log, "B ");
					fuzz_log_bytes(log, line.data,
					    line.len);
					buf_addch(log, '\n');
					buf_reset(&line);
				}
				break;
			case SMTPD_END:
				FUZZ_CHECK(data, "an end out of DATA");
				FUZZ_CHECK(line.len == 0, "an end mid-line");
				FUZZ_CHECK(!smtpd_in_data(&p),
				    "still in DATA after its end");
				buf_printf(log, "END %d %zu\n", ev.nul,
				    ev.longest);
				break;
			}
		}
		pos += k;
	}
	buf_printf(log, "left %d %zu ", smtpd_in_data(&p), p.len);
	fuzz_log_bytes(log, line.data, line.len);
	buf_free(&line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	struct buf log[2];
	int s;

	if (fuzz_input(data, size, &in) < 0)
		return 0;
	for (s = 0; s < 2; s++) {
		buf_init(&log[s], FUZZ_LOG_MAX);
		run(&in, s, &log[s]);
	}
	fuzz_same("smtpd_parse", &in, &log[0], &log[1]);
	for (s = 0; s < 2; s++)
		buf_free(&log[s]);
	return 0;
}
