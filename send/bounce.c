/* bounce: the delivery status notification's text, up to the original. */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bounce.h"
#include "hdr.h"

#define FOLD_SOFT	78	/* fold at white space past this column */
#define HOST_MAX	255	/* bytes of a host name kept */

static const char boundary_prefix[] = "=_facteur_";

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* Digits at p[*i], 1 to 3 of them: advance *i; 0 when not. */
static int
digits3(const char *p, size_t len, size_t *i)
{
	size_t n = 0;

	while (*i < len && isdig(p[*i]) && n < 4) {
		(*i)++;
		n++;
	}
	return n >= 1 && n <= 3;
}

int
bounce_status_code(const char *reply, size_t len, char *out)
{
	size_t i = 0, start;
	char basic = 0;

	out[0] = '\0';
	if (reply == NULL)
		return 0;
	if (len >= 3 && isdig(reply[0]) && isdig(reply[1]) &&
	    isdig(reply[2]) && (len == 3 || reply[3] == ' ' ||
	    reply[3] == '-')) {
		basic = reply[0];
		i = len == 3 ? 3 : 4;
	}
	start = i;
	if (i >= len || (reply[i] != '4' && reply[i] != '5') ||
	    (basic != 0 && reply[i] != basic))
		return 0;
	i++;
	if (i >= len || reply[i++] != '.' || !digits3(reply, len, &i))
		return 0;
	if (i >= len || reply[i++] != '.' || !digits3(reply, len, &i))
		return 0;
	if (i < len && reply[i] != ' ' && reply[i] != '\t' &&
	    reply[i] != '\r' && reply[i] != '\n')
		return 0;
	if (i - start >= BOUNCE_STATUS_MAX)
		return 0;
	memcpy(out, reply + start, i - start);
	out[i - start] = '\0';
	return 1;
}

void
bounce_rcpt_status(const struct bounce_rcpt *r, char *out)
{
	const char *reply = r->reply != NULL ? r->reply : "";

	if (bounce_status_code(reply, strlen(reply), out))
		return;
	snprintf(out, BOUNCE_STATUS_MAX, "%s", r->final ? "5.0.0" : "4.4.7");
}

void
bounce_boundary(const unsigned char *rnd, size_t n, char *out)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789";
	size_t i, pl = sizeof(boundary_prefix) - 1;

	memcpy(out, boundary_prefix, pl);
	for (i = 0; i < BOUNCE_RANDOM_LEN; i++)
		out[pl + i] = set[(i < n ? rnd[i] : 0) % (sizeof(set) - 1)];
	out[pl + BOUNCE_RANDOM_LEN] = '\0';
}

/* A boundary as RFC 2046 5.1.1 allows (bounce_boundary()'s are). */
static int
boundary_ok(const char *b)
{
	size_t i, n = strlen(b);

	if (n == 0 || n > 70)
		return 0;
	for (i = 0; i < n; i++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789'()+_,-./:=?", b[i]) == NULL || b[i] == '\0')
			return 0;
	return 1;
}

/*
 * Append value v made safe (bounce.h): printable ASCII kept, white space
 * and line ends as one space (none at the ends), every other byte \xHH;
 * cut at BOUNCE_VALUE_MAX bytes.
 */
static void
safe(struct buf *s, const char *v)
{
	size_t i, len = v != NULL ? strlen(v) : 0;
	size_t n = len < BOUNCE_VALUE_MAX ? len : BOUNCE_VALUE_MAX;
	int space = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = 1;
			continue;
		}
		if (space && s->len > 0 && s->data[s->len - 1] != ' ')
			buf_addch(s, ' ');
		space = 0;
		if (c > 0x20 && c < 0x7f)
			buf_addch(s, (char)c);
		else
			buf_printf(s, "\\x%02X", c);
	}
	if (n < len)
		buf_addstr(s, "...");
}

/*
 * How much of s[0..k) to take so that no "\xHH" of safe() is cut (a
 * backslash it kept may be taken for one: the line is only shorter).
 */
static size_t
whole_escapes(const char *s, size_t k)
{
	size_t j;

	for (j = k > 3 ? k - 3 : 0; j < k; j++)
		if (s[j] == '\\' && j > 0)
			return j;
	return k;
}

/*
 * Append s[0..len) (safe(): single spaces, printable ASCII) starting at
 * column col, folded: a line that would pass FOLD_SOFT goes on after a
 * line end and indent instead of a space; a word that reaches
 * BOUNCE_FOLD_HARD is broken there.  Ends with a line end.
 */
static void
fold(struct buf *out, const char *s, size_t len, size_t col,
    const char *indent)
{
	size_t i = 0, ind = strlen(indent);

	while (i < len) {
		size_t w = i + (s[i] == ' '), e = w;

		while (e < len && s[e] != ' ')
			e++;
		if (w > i && col > ind && col + (e - i) > FOLD_SOFT) {
			buf_addch(out, '\n');
			buf_addstr(out, indent);
			col = ind;
		} else if (w > i) {
			buf_addch(out, ' ');
			col++;
		}
		while (w < e) {
			size_t room = col < BOUNCE_FOLD_HARD ?
			    BOUNCE_FOLD_HARD - col : 0;
			size_t k = e - w < room ? e - w : room;

			if (k < e - w)
				k = whole_escapes(s + w, k);
			buf_add(out, s + w, k);
			col += k;
			w += k;
			if (w < e) {
				buf_addch(out, '\n');
				buf_addstr(out, indent);
				col = ind;
			}
		}
		i = e;
	}
	buf_addch(out, '\n');
}

/*
 * One line (a header field: indent " "; a paragraph: its indent):
 * head as it is, then pre, v made safe and post, folded.
 */
static void
line(struct buf *out, const char *indent, const char *head, const char *pre,
    const char *v, const char *post)
{
	struct buf s;

	buf_init(&s, 8 * BOUNCE_VALUE_MAX);
	buf_addstr(&s, pre);
	safe(&s, v);
	buf_addstr(&s, post);
	buf_addstr(out, head);
	fold(out, s.data, s.len, strlen(head), indent);
	buf_free(&s);
}

/* A host name for Message-ID and MAILER-DAEMON@: [A-Za-z0-9.-] kept. */
static void
hostname(const char *h, char *out)
{
	size_t i;

	for (i = 0; h != NULL && h[i] != '\0' && i < HOST_MAX; i++)
		out[i] = strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrst"
		    "uvwxyz0123456789.-", h[i]) != NULL ? h[i] : '_';
	out[i] = '\0';
	if (i == 0)
		snprintf(out, HOST_MAX + 1, "localhost");
}

static int
nonempty(const char *s)
{
	return s != NULL && *s != '\0';
}

/* Is reply an SMTP reply ("550 ...", "451-...")? */
static int
smtp_shaped(const char *r)
{
	return r[0] >= '2' && r[0] <= '5' && isdig(r[1]) && isdig(r[2]) &&
	    (r[3] == '\0' || r[3] == ' ' || r[3] == '-');
}

static void
header(const struct bounce *b, const char *host, const char *boundary,
    struct buf *out)
{
	char date[64];

	hdr_date((time_t)b->now, date, sizeof(date));
	buf_addstr(out, "Return-Path: <>\n");
	buf_printf(out, "From: Mail Delivery System <MAILER-DAEMON@%s>\n",
	    host);
	line(out, " ", "To: ", "<", b->sender, ">");
	buf_addstr(out, "Subject: Undelivered Mail Returned to Sender\n");
	buf_printf(out, "Date: %s\n", date);
	buf_printf(out, "Message-ID: <bounce.%s@%s>\n",
	    boundary + sizeof(boundary_prefix) - 1, host);
	buf_addstr(out, "Auto-Submitted: auto-replied\n");
	buf_addstr(out, "MIME-Version: 1.0\n");
	buf_printf(out, "Content-Type: multipart/report; "
	    "report-type=delivery-status;\n\tboundary=\"%s\"\n", boundary);
	buf_addstr(out, "\nThis is a MIME-encapsulated message.\n");
}

/* Part 1: for people. */
static void
notification(const struct bounce *b, const char *host, struct buf *out)
{
	char arrival[64], now[64];
	size_t i;

	hdr_date((time_t)b->arrival, arrival, sizeof(arrival));
	hdr_date((time_t)b->now, now, sizeof(now));
	buf_addstr(out, "Content-Description: Notification\n"
	    "Content-Type: text/plain; charset=us-ascii\n\n");
	buf_printf(out, "This is msend, the mail submission program on host "
	    "%s.\n\n", host);
	buf_addstr(out, "Your message could not be delivered to one or more "
	    "of its\nrecipients, and msend has given up on them.\n\n");
	line(out, "  ", "Reason: ", "", b->reason, "");
	buf_addch(out, '\n');
	line(out, "  ", "", "The message was queued on ", arrival, "");
	if (nonempty(b->id))
		line(out, "  ", "", "with the queue id ", b->id, ",");
	line(out, "  ", "", "and given up on ", now, ".");
	buf_addstr(out, "\nThe recipients it did not reach:\n\n");
	for (i = 0; i < b->nrcpt; i++) {
		const struct bounce_rcpt *r = &b->rcpt[i];
		struct buf s;

		buf_init(&s, 16 * BOUNCE_VALUE_MAX);
		buf_addch(&s, '<');
		safe(&s, r->addr);
		buf_addstr(&s, r->final ? ">: refused" :
		    ">: not delivered in time");
		if (nonempty(b->remote)) {
			buf_addstr(&s, r->final ? " by " : "; last tried at ");
			safe(&s, b->remote);
		}
		if (nonempty(r->reply)) {
			buf_addstr(&s, ", which said: ");
			safe(&s, r->reply);
		}
		buf_addstr(out, "  ");
		fold(out, s.data, s.len, 2, "      ");
		buf_free(&s);
	}
	buf_addstr(out, "\nWhat to do: check the addresses above (a refusal "
	    "usually names the\nproblem).  Your message is attached below in "
	    "full: correct it and\nsend it again.  Recipients not listed "
	    "here are not concerned by\nthis report.\n");
}

/* Part 2: RFC 3464, for programs. */
static void
report(const struct bounce *b, const char *host, struct buf *out)
{
	char date[64], status[BOUNCE_STATUS_MAX];
	size_t i;

	buf_addstr(out, "Content-Description: Delivery report\n"
	    "Content-Type: message/delivery-status\n\n");
	line(out, " ", "Reporting-MTA: ", "dns; ", host, "");
	if (nonempty(b->envid))
		line(out, " ", "Original-Envelope-Id: ", "", b->envid, "");
	if (nonempty(b->id))
		line(out, " ", "X-Queue-ID: ", "", b->id, "");
	hdr_date((time_t)b->arrival, date, sizeof(date));
	buf_printf(out, "Arrival-Date: %s\n", date);
	hdr_date((time_t)b->now, date, sizeof(date));
	for (i = 0; i < b->nrcpt; i++) {
		const struct bounce_rcpt *r = &b->rcpt[i];

		buf_addch(out, '\n');
		line(out, " ", "Final-Recipient: ", "rfc822; ", r->addr, "");
		buf_addstr(out, "Action: failed\n");
		bounce_rcpt_status(r, status);
		buf_printf(out, "Status: %s\n", status);
		if (nonempty(b->remote))
			line(out, " ", "Remote-MTA: ", "dns; ", b->remote, "");
		if (nonempty(r->reply))
			line(out, " ", "Diagnostic-Code: ",
			    smtp_shaped(r->reply) ? "smtp; " : "X-Facteur; ",
			    r->reply, "");
		buf_printf(out, "Last-Attempt-Date: %s\n", date);
	}
}

int
bounce_compose(const struct bounce *b, const char *boundary,
    struct buf *out, struct errinfo *ei)
{
	char host[HOST_MAX + 1];
	struct buf t;
	size_t i;
	int rc;

	if (b->sender == NULL || *b->sender == '\0')
		return err_set(ei, ST_SOFTWARE, "no bounce for the null sender");
	if (b->nrcpt == 0 || b->nrcpt > BOUNCE_RCPT_MAX || b->rcpt == NULL)
		return err_set(ei, ST_SOFTWARE, "a bounce for %zu recipients",
		    b->nrcpt);
	for (i = 0; i < b->nrcpt; i++)
		if (b->rcpt[i].addr == NULL)
			return err_set(ei, ST_SOFTWARE, "a bounce for a "
			    "recipient without an address");
	if (!boundary_ok(boundary) ||
	    strncmp(boundary, boundary_prefix, sizeof(boundary_prefix) - 1) != 0)
		return err_set(ei, ST_SOFTWARE, "a bad bounce boundary");
	hostname(b->host, host);
	/* Bounded by construction: every value and the recipients are. */
	buf_init(&t, BOUNCE_TOP_MAX);
	header(b, host, boundary, &t);
	buf_printf(&t, "\n--%s\n", boundary);
	notification(b, host, &t);
	buf_printf(&t, "\n--%s\n", boundary);
	report(b, host, &t);
	buf_printf(&t, "\n--%s\n", boundary);
	buf_printf(&t, "Content-Description: Undelivered Message\n"
	    "Content-Type: message/rfc822\n"
	    "Content-Transfer-Encoding: %s\n\n", b->eightbit ? "8bit" : "7bit");
	rc = buf_add(out, t.data, t.len);
	buf_free(&t);
	if (rc < 0)
		return err_set(ei, ST_SOFTWARE, "the bounce is too long");
	return 0;
}

int
bounce_close(const char *boundary, struct buf *out)
{
	return buf_printf(out, "\n--%s--\n", boundary);
}
