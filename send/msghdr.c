/* msghdr: Bcc, Date, Message-ID and From; recipients for -t. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "hdr.h"
#include "msghdr.h"
#include "xalloc.h"

/* Bytes of UTF-8 per RFC 2047 encoded word (60 base64 characters). */
#define EW_CHUNK 45

static void
b64(struct buf *b, const unsigned char *p, size_t n)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		buf_addch(b, a[p[i] >> 2]);
		buf_addch(b, a[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		buf_addch(b, a[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)]);
		buf_addch(b, a[p[i + 2] & 63]);
	}
	if (n - i == 1) {
		buf_addch(b, a[p[i] >> 2]);
		buf_addch(b, a[(p[i] & 3) << 4]);
		buf_addstr(b, "==");
	} else if (n - i == 2) {
		buf_addch(b, a[p[i] >> 2]);
		buf_addch(b, a[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		buf_addch(b, a[(p[i + 1] & 15) << 2]);
		buf_addch(b, '=');
	}
}

/* The buffer's text, and the buffer freed. */
static char *
detach(struct buf *b)
{
	char *s = buf_detach(b, NULL);

	buf_free(b);
	return s;
}

static int
is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("!#$%&'*+-/=?^_`{|}~ ", c) != NULL;
}

char *
msghdr_display_name(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	int plain = 1, ascii = 1;
	struct buf b;
	size_t i, n = strlen(name);

	for (i = 0; i < n; i++) {
		if (p[i] > 0x7e)
			ascii = 0;
		if (!is_atext(p[i]))
			plain = 0;
	}
	if (plain && n > 0 && name[0] != ' ' && name[n - 1] != ' ' &&
	    strstr(name, "=?") == NULL)
		return xstrdup(name);
	buf_init(&b, 16 * n + 64);
	if (ascii) {
		buf_addch(&b, '"');
		for (i = 0; i < n; i++) {
			if (p[i] == '"' || p[i] == '\\')
				buf_addch(&b, '\\');
			buf_addch(&b, (char)p[i]);
		}
		buf_addch(&b, '"');
		return detach(&b);
	}
	for (i = 0; i < n;) {
		size_t k = n - i > EW_CHUNK ? EW_CHUNK : n - i;

		/* Never split a UTF-8 sequence between two words. */
		while (k > 1 && i + k < n && (p[i + k] & 0xc0) == 0x80)
			k--;
		if (i > 0)
			buf_addch(&b, ' ');
		buf_addstr(&b, "=?UTF-8?B?");
		b64(&b, p + i, k);
		buf_addstr(&b, "?=");
		i += k;
	}
	return detach(&b);
}

static void
add_field(struct buf *out, const char *name, const char *value)
{
	buf_printf(out, "%s: %s\n", name, value);
}

/* "To: a, b,\n c": one address per line after the first (folded). */
static void
add_to(struct buf *out, const struct addr_list *to)
{
	size_t i;

	buf_addstr(out, "To: ");
	for (i = 0; i < to->n; i++)
		buf_printf(out, "%s%s", to->v[i], i + 1 < to->n ? ",\n " : "\n");
}

static void
message_id(const struct msghdr_opts *o, char *out, size_t outsz)
{
	unsigned char r[8];
	struct tm tm;
	size_t i;
	char hex[17];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		unsigned long long x = (unsigned long long)o->now ^
		    ((unsigned long long)getpid() << 32) ^ (unsigned long long)
		    (size_t)&tm;

		memcpy(r, &x, sizeof(r));
	}
	for (i = 0; i < sizeof(r); i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	gmtime_r(&o->now, &tm);
	snprintf(out, outsz, "<%04d%02d%02d%02d%02d%02d.%ld.%s@%s>",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long)getpid(), hex,
	    o->msgid_domain != NULL && *o->msgid_domain != '\0' ?
	    o->msgid_domain : "localhost");
}

int
msghdr_finish(const char *in, size_t len, const struct msghdr_opts *o,
    struct buf *out, struct errinfo *ei)
{
	struct hdr_field f;
	size_t off = 0;
	int has_from = 0, has_date = 0, has_msgid = 0;
	char tmp[256];

	if (o->fullname != NULL && strpbrk(o->fullname, "\r\n") != NULL)
		return err_set(ei, ST_DATA, "line end in the full name (-F)");
	while (hdr_next(in, len, &off, &f)) {
		if (o->set_to != SETTO_OFF && (hdr_is(in, &f, "To") ||
		    hdr_is(in, &f, "Cc") || hdr_is(in, &f, "Bcc")))
			continue;
		if (o->remove_bcc && (hdr_is(in, &f, "Bcc") ||
		    hdr_is(in, &f, "Resent-Bcc")))
			continue;
		if (hdr_is(in, &f, "From")) {
			has_from = 1;
			if (o->set_from == SETHDR_ON && o->from != NULL)
				continue;
		}
		if (hdr_is(in, &f, "Date"))
			has_date = 1;
		if (hdr_is(in, &f, "Message-ID"))
			has_msgid = 1;
		buf_add(out, in + f.start, f.end - f.start);
		if (out->len > 0 && out->data[out->len - 1] != '\n')
			buf_addch(out, '\n');
	}
	if (o->from != NULL && *o->from != '\0' && ((o->set_from ==
	    SETHDR_AUTO && !has_from) || o->set_from == SETHDR_ON)) {
		if (o->fullname != NULL && *o->fullname != '\0') {
			char *dn = msghdr_display_name(o->fullname);

			buf_printf(out, "From: %s <%s>\n", dn, o->from);
			free(dn);
		} else {
			add_field(out, "From", o->from);
		}
	}
	if (o->set_to == SETTO_UNDISCLOSED || (o->set_to == SETTO_ON &&
	    (o->to == NULL || o->to->n == 0)))
		add_field(out, "To", "undisclosed-recipients:;");
	else if (o->set_to == SETTO_ON)
		add_to(out, o->to);
	if (!has_date && o->set_date != SETHDR_OFF) {
		hdr_date(o->now, tmp, sizeof(tmp));
		add_field(out, "Date", tmp);
	}
	if (!has_msgid && o->set_msgid != SETHDR_OFF) {
		message_id(o, tmp, sizeof(tmp));
		add_field(out, "Message-ID", tmp);
	}
	return 0;
}

static int
collect(const char *text, size_t len, const char *const *names,
    struct addr_list *l, struct errinfo *ei)
{
	struct hdr_field f;
	size_t off = 0, k;

	while (hdr_next(text, len, &off, &f)) {
		for (k = 0; names[k] != NULL; k++) {
			char *v;
			int rc;

			if (!hdr_is(text, &f, names[k]))
				continue;
			v = hdr_value(text, &f);
			rc = addr_parse_list(v, l, ei);
			free(v);
			if (rc < 0)
				return -1;
		}
	}
	return 0;
}

int
msghdr_recipients(const char *text, size_t len, struct addr_list *l,
    struct errinfo *ei)
{
	static const char *const normal[] = { "To", "Cc", "Bcc", NULL };
	static const char *const resent[] = { "Resent-To", "Resent-Cc",
		"Resent-Bcc", NULL };
	size_t k;

	for (k = 0; resent[k] != NULL; k++)
		if (hdr_has(text, len, resent[k]))
			return collect(text, len, resent, l, ei);
	return collect(text, len, normal, l, ei);
}

char *
msghdr_from_address(const char *text, size_t len)
{
	return hdr_first_address(text, len, "From");
}

char *
msghdr_sender_address(const char *text, size_t len)
{
	struct hdr_field f;
	size_t off = 0;

	while (hdr_next(text, len, &off, &f)) {
		if (hdr_is(text, &f, "Resent-From"))
			return hdr_first_address(text, len, "Resent-From");
		if (hdr_is(text, &f, "From"))
			break;
	}
	return hdr_first_address(text, len, "From");
}
