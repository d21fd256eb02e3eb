/* smtpd_reply: safe reply lines for msend -bs, and a message's outcome. */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "smtpd_reply.h"

/* A line's room after "CODE-" and before CR LF. */
#define TEXT_MAX	(SMTPD_REPLY_LINE_MAX - 4 - 2)

/*
 * Does s start with an enhanced status code "C.S.D" (RFC 3463: class
 * 2, 4 or 5, then 1-3 and 1-3 digits) followed by a space or its end?
 * Returns its length, else 0.
 */
static size_t
enh_len(const char *s)
{
	size_t i = 1, part, n;

	if (s[0] != '2' && s[0] != '4' && s[0] != '5')
		return 0;
	for (part = 0; part < 2; part++) {
		if (s[i] != '.')
			return 0;
		i++;
		for (n = 0; s[i] >= '0' && s[i] <= '9'; i++)
			n++;
		if (n < 1 || n > 3)
			return 0;
	}
	return s[i] == '\0' || s[i] == ' ' ? i : 0;
}

void
smtpd_reply_line(struct buf *r, int code, int more, const char *enh,
    const char *text)
{
	char t[TEXT_MAX + 1];
	size_t i, o = 0, len;

	if (code < 200 || code > 599)
		code = 451;	/* never a code the client cannot class */
	if (text == NULL)
		text = "";
	if (enh != NULL && !(enh_len(text) > 0 && text[0] == '0' + code / 100))
		o = (size_t)snprintf(t, sizeof(t), "%s%s", enh,
		    *text != '\0' ? " " : "");
	len = strlen(text);
	for (i = 0; i < len && o < TEXT_MAX; i++) {
		unsigned char c = (unsigned char)text[i];

		t[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (i < len) {
		/* Cut: the last bytes say so. */
		memcpy(t + TEXT_MAX - 3, "...", 3);
		o = TEXT_MAX;
	}
	t[o] = '\0';
	buf_printf(r, "%03d%c%s\r\n", code, more ? '-' : ' ', t);
}

/* The text of a quoted reply "CODE TEXT": after the code and a space. */
static const char *
reply_text(const char *q)
{
	size_t n = strspn(q, "0123456789");

	if (n == 0)
		return q;
	return q[n] == ' ' ? q + n + 1 : q + n;
}

/* The enhanced code a reply of ours gets, from its code. */
static const char *
enh_for(int code)
{
	switch (code) {
	case 250:
		return "2.0.0";
	case 451:
		return "4.3.0";
	case 553:
		return "5.7.1";
	case 554:
		return "5.0.0";
	default:
		return code >= 500 ? "5.0.0" : code >= 400 ? "4.0.0" :
		    "2.0.0";
	}
}

/* The refused recipients, as the first lines of a reply of code. */
static void
refused_lines(struct buf *r, int code, const char *enh,
    const struct mailjob_out *out)
{
	const char *l = out->refused, *nl;
	size_t n = 0, left = 0, len;
	char line[TEXT_MAX + 1];

	for (; *l != '\0'; l += len + (nl != NULL)) {
		nl = strchr(l, '\n');
		len = nl != NULL ? (size_t)(nl - l) : strlen(l);
		if (len == 0)
			continue;
		if (n == SMTPD_REPLY_REFUSED_MAX) {
			left++;
			continue;
		}
		snprintf(line, sizeof(line), "%.*s", (int)len, l);
		smtpd_reply_line(r, code, 1, enh, line);
		n++;
	}
	if (left > 0) {
		snprintf(line, sizeof(line), "and %zu more refused "
		    "recipient%s (see the log)", left, left == 1 ? "" : "s");
		smtpd_reply_line(r, code, 1, enh, line);
	}
}

void
smtpd_reply_outcome(struct buf *r, int rc, const struct errinfo *ei,
    const struct mailjob_out *out)
{
	int code = out->code, cls = out->code / 100, mine = 0;
	const char *text = reply_text(out->reply);
	char q[ERRINFO_MSG_MAX + SMTP_LINE_MAX + 4];

	if (rc == 0 && out->queued) {
		snprintf(q, sizeof(q), "queued as %s", out->qid);
		smtpd_reply_line(r, 250, 0, "2.0.0", q);
		return;
	}
	if (rc == 0 || ei->st == ST_NOUSER) {
		if (cls != 2) {
			code = 250;
			text = rc == 0 ? "sent" : ei->msg;
		}
		refused_lines(r, code, enh_for(code), out);
		if (rc != 0 && cls == 2) {
			/* Say it in the last line too: the text is read. */
			size_t e = enh_len(text);

			snprintf(q, sizeof(q), "%s: %s", ei->msg, text + e +
			    (e > 0 && text[e] == ' '));
			text = q;
		}
		smtpd_reply_line(r, code, 0, enh_for(code), text);
		return;
	}
	switch (ei->st) {
	case ST_TEMPFAIL:
		mine = cls != 4 ? 451 : 0;
		break;
	case ST_UNAVAILABLE:
		mine = cls != 5 ? 554 : 0;
		break;
	case ST_DATA:
		mine = 554;
		break;
	case ST_USAGE:
		mine = 553;
		break;
	default:
		mine = 451;
		break;
	}
	if (mine != 0) {
		code = mine;
		text = ei->msg;
	}
	refused_lines(r, code, ei->st == ST_DATA ? "5.6.0" : enh_for(code),
	    out);
	smtpd_reply_line(r, code, 0, ei->st == ST_DATA ? "5.6.0" :
	    enh_for(code), text);
}
