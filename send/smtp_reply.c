/* smtp_reply: a pure, incremental parser for SMTP replies. */
#include "autoconf.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "smtp_reply.h"

void
smtp_reply_init(struct smtp_reply *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->text, SMTP_REPLY_TEXT_MAX);
	buf_init(&r->line, SMTP_LINE_MAX);
}

void
smtp_reply_clear(struct smtp_reply *r)
{
	r->code = 0;
	r->enh[0] = '\0';
	r->nlines = 0;
	r->done = 0;
	buf_reset(&r->text);
	buf_reset(&r->line);
}

void
smtp_reply_free(struct smtp_reply *r)
{
	buf_free(&r->text);
	buf_free(&r->line);
}

/* RFC 3463: class "." subject "." detail, at the start of text. */
static void
parse_enh(struct smtp_reply *r, const char *t, size_t len)
{
	size_t i = 0, part, digits;

	if (len < 5 || t[0] != '0' + r->code / 100)
		return;
	for (part = 0; part < 3; part++) {
		for (digits = 0; i < len && isdigit((unsigned char)t[i]); i++)
			digits++;
		if (digits == 0 || digits > 3 || (part == 0 && digits != 1))
			return;
		if (part < 2) {
			if (i >= len || t[i] != '.')
				return;
			i++;
		}
	}
	if (i < len && t[i] != ' ')
		return;
	if (i < sizeof(r->enh)) {
		memcpy(r->enh, t, i);
		r->enh[i] = '\0';
	}
}

static int
bad_line(struct smtp_reply *r, const char *why, struct errinfo *ei)
{
	char q[120];

	err_quote(q, sizeof(q), r->line.data, r->line.len);
	return err_set(ei, ST_PROTOCOL, "%s: '%s'", why, q);
}

/* A whole line is in r->line: check it and add it to the reply. */
static int
take_line(struct smtp_reply *r, struct errinfo *ei)
{
	const char *l = r->line.data;
	size_t len = r->line.len;
	int code, last;

	if (len < 3 || l[0] < '2' || l[0] > '5' || l[1] < '0' || l[1] > '5' ||
	    !isdigit((unsigned char)l[2]) ||
	    (len > 3 && l[3] != ' ' && l[3] != '-'))
		return bad_line(r, "malformed SMTP reply line", ei);
	code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
	if (r->nlines > 0 && code != r->code)
		return bad_line(r, "reply code changes within a multi-line reply",
		    ei);
	if (r->nlines == SMTP_REPLY_LINES_MAX)
		return err_set(ei, ST_PROTOCOL, "SMTP reply has more than %d "
		    "lines", SMTP_REPLY_LINES_MAX);
	last = len == 3 || l[3] == ' ';
	if ((r->nlines > 0 && buf_addch(&r->text, '\n') < 0) ||
	    buf_add(&r->text, l + (len > 3 ? 4 : 3), len > 3 ? len - 4 : 0) < 0)
		return err_set(ei, ST_PROTOCOL, "SMTP reply longer than %d bytes",
		    SMTP_REPLY_TEXT_MAX);
	if (r->nlines == 0) {
		r->code = code;
		parse_enh(r, l + (len > 3 ? 4 : 3), len > 3 ? len - 4 : 0);
	}
	r->nlines++;
	r->done = last;
	buf_reset(&r->line);
	return 0;
}

ssize_t
smtp_reply_feed(void *parser, const char *p, size_t n, int *done_r,
    struct errinfo *ei)
{
	struct smtp_reply *r = parser;
	size_t used = 0;

	*done_r = 0;
	if (r->done)
		smtp_reply_clear(r);
	while (used < n) {
		int eol;
		ssize_t k = buf_feed_line(&r->line, p + used, n - used, &eol);

		if (k < 0) {
			char q[80];

			err_quote(q, sizeof(q), r->line.data, r->line.len);
			return err_set(ei, ST_PROTOCOL, "SMTP reply line longer than "
			    "%d bytes: '%s'", SMTP_LINE_MAX, q);
		}
		used += (size_t)k;
		if (!eol)
			continue;
		if (take_line(r, ei) < 0)
			return -1;
		if (r->done) {
			*done_r = 1;
			break;
		}
	}
	return (ssize_t)used;
}

const char *
smtp_reply_line(const struct smtp_reply *r, size_t i, size_t *len_r)
{
	if (i >= r->nlines)
		return NULL;
	return buf_line(&r->text, i, len_r);
}

const char *
smtp_reply_quote(const struct smtp_reply *r, char *dst, size_t dstsz)
{
	char text[SMTP_LINE_MAX];
	size_t i, o = 0, len;

	for (i = 0; i < r->nlines && o + 1 < sizeof(text); i++) {
		const char *l = smtp_reply_line(r, i, &len);

		if (i > 0) {
			if (o + 2 >= sizeof(text))
				break;
			text[o++] = ' ';
		}
		if (len > sizeof(text) - 1 - o)
			len = sizeof(text) - 1 - o;
		memcpy(text + o, l, len);
		o += len;
	}
	text[o] = '\0';
	{
		char q[SMTP_LINE_MAX];

		err_quote(q, sizeof(q), text, o);
		snprintf(dst, dstsz, "%d%s%s", r->code, o ? " " : "", q);
	}
	return dst;
}
