/*
 * Fuzz send/msghdr (with common/hdr and common/addr): the header of a
 * message given to msend -t.  The recipients are read from it (To, Cc,
 * Bcc, or only the Resent-* ones), the From address taken, and the header
 * to send built; with Bcc removal on, no Bcc or Resent-Bcc field may be
 * left in it.  Options (byte 0; the header is the rest of the input):
 *	bit 0		Bcc removal off
 *	bits 1-2	set_from_header: auto, on, off (3: auto)
 *	bit 3		set_date_header off
 *	bit 4		set_msgid_header off
 *	bit 5		no envelope sender to add a From with
 *	bit 6		a full name (-F): the first line of the header
 *	bit 7		the header as it is, not as msend's spool reads
 *			it (lines cut at CR, LF or CR LF and ended with LF,
 *			an mbox From_ line skipped, up to the empty line or
 *			the first line that is not a field; no field with a
 *			NUL)
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "fuzz.h"
#include "hdr.h"
#include "msghdr.h"
#include "xalloc.h"

/*
 * The header as send/spool.c's spool_read_header() keeps it; -1 for a
 * field with a NUL byte, which msend refuses.
 */
static int
spool_header(const char *p, size_t n, struct buf *hdr)
{
	size_t pos = 0;
	int first = 1;

	while (pos < n) {
		size_t e = pos;

		while (e < n && p[e] != '\r' && p[e] != '\n')
			e++;
		if (e == pos)
			break;		/* the empty line */
		if (first && e - pos > 5 && memcmp(p + pos, "From ", 5) == 0) {
			/* An mbox From_ line. */
		} else if (((p[pos] == ' ' || p[pos] == '\t') &&
		    hdr->len > 0) || hdr_is_field_line(p + pos, e - pos)) {
			if (memchr(p + pos, '\0', e - pos) != NULL)
				return -1;
			buf_add(hdr, p + pos, e - pos);
			buf_addch(hdr, '\n');
		} else {
			break;
		}
		first = 0;
		pos = e;
		if (pos + 1 < n && p[pos] == '\r' && p[pos + 1] == '\n')
			pos += 2;
		else if (pos < n)
			pos++;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum sethdr from_modes[] = { SETHDR_AUTO, SETHDR_ON,
		SETHDR_OFF, SETHDR_AUTO };
	struct msghdr_opts o;
	struct addr_list l;
	struct errinfo ei;
	struct buf hdr, out;
	char *from, *name = NULL;
	unsigned opt;
	size_t i;

	if (size < 1 || size > FUZZ_INPUT_MAX)
		return 0;
	opt = data[0];
	buf_init(&hdr, FUZZ_INPUT_MAX * 2);
	if (opt & 0x80)
		buf_add(&hdr, data + 1, size - 1);
	else if (spool_header((const char *)data + 1, size - 1, &hdr) < 0)
		goto out;

	addr_list_init(&l);
	err_clear(&ei);
	if (msghdr_recipients(hdr.data, hdr.len, &l, &ei) < 0)
		FUZZ_CHECK(ei.st == ST_DATA, "status %d", (int)ei.st);
	FUZZ_CHECK(l.n <= ADDR_COUNT_MAX, "%zu recipients", l.n);
	for (i = 0; i < l.n; i++) {
		FUZZ_CHECK(*l.v[i] != '\0' && strlen(l.v[i]) <= ADDR_MAX,
		    "recipient of %zu bytes", strlen(l.v[i]));
		(void)addr_envelope_ok(l.v[i]);
		(void)addr_is_8bit(l.v[i]);
	}
	addr_list_free(&l);

	from = msghdr_from_address(hdr.data, hdr.len);
	if (from != NULL)
		FUZZ_CHECK(strlen(from) <= ADDR_MAX,
		    "From address of %zu bytes", strlen(from));
	free(from);

	memset(&o, 0, sizeof(o));
	o.remove_bcc = !(opt & 1);
	o.set_from = from_modes[(opt >> 1) & 3];
	o.set_date = (opt & 8) ? SETHDR_OFF : SETHDR_AUTO;
	o.set_msgid = (opt & 0x10) ? SETHDR_OFF : SETHDR_AUTO;
	o.from = (opt & 0x20) ? NULL : "sender@example.org";
	if (opt & 0x40) {
		const char *lf = memchr(hdr.data, '\n', hdr.len);

		name = xstrndup(hdr.data, lf != NULL ?
		    (size_t)(lf - hdr.data) : hdr.len);
		o.fullname = name;
	}
	o.msgid_domain = "example.org";
	o.now = 1700000000;
	buf_init(&out, FUZZ_INPUT_MAX * 32);
	err_clear(&ei);
	if (msghdr_finish(hdr.data, hdr.len, &o, &out, &ei) == 0 &&
	    o.remove_bcc) {
		FUZZ_CHECK(!hdr_has(out.data, out.len, "Bcc") &&
		    !hdr_has(out.data, out.len, "Resent-Bcc"),
		    "a Bcc field is left in the header to send");
	}
	FUZZ_CHECK(out.len == 0 || out.data[out.len - 1] == '\n',
	    "the header to send does not end with LF");
	buf_free(&out);
	free(name);
out:
	buf_free(&hdr);
	return 0;
}
