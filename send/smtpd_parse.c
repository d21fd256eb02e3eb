/* smtpd_parse: a pure, resumable parser of an SMTP client's input. */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "smtpd_parse.h"
#include "status.h"

void
smtpd_init(struct smtpd_parse *p)
{
	memset(p, 0, sizeof(*p));
	p->state = SMTPD_S_CMD;
}

void
smtpd_start_data(struct smtpd_parse *p)
{
	p->state = SMTPD_S_BOL;
	p->nul = 0;
	p->cur = 0;
	p->longest = 0;
}

int
smtpd_in_data(const struct smtpd_parse *p)
{
	return p->state != SMTPD_S_CMD;
}

static int bad(struct smtpd_event *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* An SMTPD_ERROR event; returns -1. */
static int
bad(struct smtpd_event *ev, int code, const char *fmt, ...)
{
	va_list ap;

	ev->kind = SMTPD_ERROR;
	ev->code = code;
	va_start(ap, fmt);
	vsnprintf(ev->msg, sizeof(ev->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* Does s start with the keyword w (any case), then a space or its end? */
static int
is_verb(const char *s, const char *w, const char **rest_r)
{
	size_t n = strlen(w);

	if (strncasecmp(s, w, n) != 0 || (s[n] != '\0' && s[n] != ' '))
		return 0;
	*rest_r = s[n] == ' ' ? s + n + 1 : s + n;
	return 1;
}

/* A HELO/EHLO argument: one word of printable or 8-bit bytes. */
static int
domain_ok(const char *d)
{
	if (*d == '\0')
		return 0;
	for (; *d != '\0'; d++)
		if ((unsigned char)*d <= ' ' || *d == 0x7f)
			return 0;
	return 1;
}

/* RFC 3461 4: xtext, "+XX" with upper-case hex, else 33-126 but '=' '+'. */
static int
xtext_ok(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '+') {
			if (strchr("0123456789ABCDEF", s[1]) == NULL ||
			    s[1] == '\0' ||
			    strchr("0123456789ABCDEF", s[2]) == NULL ||
			    s[2] == '\0')
				return 0;
			s += 2;
		} else if (*s < 33 || *s > 126 || *s == '=')
			return 0;
	}
	return 1;
}

/*
 * "<path>" at *sp: cut it out (NUL at its '>'), drop a source route
 * ("<@a,@b:u@d>"), leave *sp after it.  Returns the address or NULL.
 */
static char *
take_path(char **sp, struct smtpd_event *ev)
{
	char *s = *sp, *a, *e;
	int quoted = 0;

	while (*s == ' ')
		s++;
	if (*s != '<') {
		bad(ev, 501, "address must be in angle brackets");
		return NULL;
	}
	a = ++s;
	for (e = a; *e != '\0'; e++) {
		if (quoted && *e == '\\' && e[1] != '\0')
			e++;
		else if (*e == '"')
			quoted = !quoted;
		else if (!quoted && *e == '>')
			break;
	}
	if (*e != '>') {
		bad(ev, 501, "no closing angle bracket");
		return NULL;
	}
	*e = '\0';
	*sp = e + 1;
	if (*a == '@') {
		char *colon = strchr(a, ':');

		if (colon == NULL) {
			bad(ev, 501, "source route without a colon");
			return NULL;
		}
		a = colon + 1;
	}
	return a;
}

/* One "KEY[=VALUE]" of MAIL; 0, or -1 with ev an error. */
static int
mail_param(char *k, struct smtpd_event *ev)
{
	char *v = strchr(k, '=');

	if (v != NULL)
		*v++ = '\0';
	if (strcasecmp(k, "SIZE") == 0) {
		unsigned long long n = 0;
		const char *d = v;

		if (ev->has_size)
			return bad(ev, 501, "SIZE given twice");
		if (d == NULL || *d == '\0' || strlen(d) > 20)
			return bad(ev, 501, "bad SIZE value");
		for (; *d >= '0' && *d <= '9'; d++) {
			if (n > (~0ULL - (unsigned)(*d - '0')) / 10)
				return bad(ev, 501, "SIZE value too large");
			n = n * 10 + (unsigned)(*d - '0');
		}
		if (*d != '\0')
			return bad(ev, 501, "bad SIZE value");
		ev->has_size = 1;
		ev->size = n;
	} else if (strcasecmp(k, "BODY") == 0) {
		if (ev->body != SMTPD_BODY_NONE)
			return bad(ev, 501, "BODY given twice");
		if (v != NULL && strcasecmp(v, "7BIT") == 0)
			ev->body = SMTPD_BODY_7BIT;
		else if (v != NULL && strcasecmp(v, "8BITMIME") == 0)
			ev->body = SMTPD_BODY_8BITMIME;
		else
			return bad(ev, 501, "bad BODY value");
	} else if (strcasecmp(k, "SMTPUTF8") == 0) {
		if (ev->smtputf8)
			return bad(ev, 501, "SMTPUTF8 given twice");
		if (v != NULL)
			return bad(ev, 501, "SMTPUTF8 takes no value");
		ev->smtputf8 = 1;
	} else if (strcasecmp(k, "RET") == 0) {
		if (ev->ret != SMTPD_RET_NONE)
			return bad(ev, 501, "RET given twice");
		if (v != NULL && strcasecmp(v, "FULL") == 0)
			ev->ret = SMTPD_RET_FULL;
		else if (v != NULL && strcasecmp(v, "HDRS") == 0)
			ev->ret = SMTPD_RET_HDRS;
		else
			return bad(ev, 501, "bad RET value");
	} else if (strcasecmp(k, "ENVID") == 0) {
		if (ev->envid != NULL)
			return bad(ev, 501, "ENVID given twice");
		if (v == NULL || *v == '\0' || strlen(v) > SMTPD_ENVID_MAX ||
		    !xtext_ok(v))
			return bad(ev, 501, "bad ENVID value");
		ev->envid = v;
	} else
		return bad(ev, 555, "unknown MAIL parameter");
	return 0;
}

/* NOTIFY=NEVER, or a list of SUCCESS, FAILURE, DELAY. */
static int
notify_param(char *v, struct smtpd_event *ev)
{
	char *w;

	if (ev->notify != 0)
		return bad(ev, 501, "NOTIFY given twice");
	if (v == NULL || *v == '\0')
		return bad(ev, 501, "bad NOTIFY value");
	for (w = strsep(&v, ","); w != NULL; w = strsep(&v, ",")) {
		unsigned bit;

		if (strcasecmp(w, "NEVER") == 0)
			bit = SMTPD_NOTIFY_NEVER;
		else if (strcasecmp(w, "SUCCESS") == 0)
			bit = SMTPD_NOTIFY_SUCCESS;
		else if (strcasecmp(w, "FAILURE") == 0)
			bit = SMTPD_NOTIFY_FAILURE;
		else if (strcasecmp(w, "DELAY") == 0)
			bit = SMTPD_NOTIFY_DELAY;
		else
			return bad(ev, 501, "bad NOTIFY value");
		if (ev->notify & bit)
			return bad(ev, 501, "bad NOTIFY value");
		ev->notify |= bit;
	}
	if ((ev->notify & SMTPD_NOTIFY_NEVER) &&
	    ev->notify != SMTPD_NOTIFY_NEVER)
		return bad(ev, 501, "NOTIFY=NEVER with other values");
	return 0;
}

/* One "KEY[=VALUE]" of RCPT. */
static int
rcpt_param(char *k, struct smtpd_event *ev)
{
	char *v = strchr(k, '=');

	if (v != NULL)
		*v++ = '\0';
	if (strcasecmp(k, "NOTIFY") == 0)
		return notify_param(v, ev);
	if (strcasecmp(k, "ORCPT") == 0) {
		char *semi = v != NULL ? strchr(v, ';') : NULL;

		if (ev->orcpt != NULL)
			return bad(ev, 501, "ORCPT given twice");
		if (semi == NULL || semi == v || strlen(v) > SMTPD_ORCPT_MAX ||
		    !xtext_ok(semi + 1) || semi[1] == '\0')
			return bad(ev, 501, "bad ORCPT value");
		ev->orcpt = v;
		return 0;
	}
	return bad(ev, 555, "unknown RCPT parameter");
}

/* MAIL FROM:<a> or RCPT TO:<a>, then parameters separated by spaces. */
static void
parse_path_cmd(char *rest, const char *what, struct smtpd_event *ev)
{
	size_t wl = strlen(what);
	int mail = ev->verb == SMTPD_MAIL;
	char *a, *k;

	if (strncasecmp(rest, what, wl) != 0) {
		bad(ev, 501, "syntax: %s %s<address>", mail ? "MAIL" : "RCPT",
		    what);
		return;
	}
	rest += wl;
	if ((a = take_path(&rest, ev)) == NULL)
		return;
	if (*rest != '\0' && *rest != ' ') {
		bad(ev, 501, "junk after the address");
		return;
	}
	if (mail ? !addr_envelope_ok(a) : !addr_mailbox_ok(a)) {
		bad(ev, 501, "bad address");
		return;
	}
	ev->arg = a;
	while ((k = strsep(&rest, " ")) != NULL) {
		if (*k == '\0')
			continue;
		if ((mail ? mail_param(k, ev) : rcpt_param(k, ev)) < 0)
			return;
	}
	ev->kind = SMTPD_CMD;
}

/* A whole command line, without its line end, in p->line. */
static void
parse_line(struct smtpd_parse *p, struct smtpd_event *ev)
{
	static const struct {
		const char *w;
		enum smtpd_verb v;
	} verbs[] = {
		{ "EHLO", SMTPD_EHLO }, { "HELO", SMTPD_HELO },
		{ "MAIL", SMTPD_MAIL }, { "RCPT", SMTPD_RCPT },
		{ "DATA", SMTPD_DATA }, { "RSET", SMTPD_RSET },
		{ "NOOP", SMTPD_NOOP }, { "QUIT", SMTPD_QUIT },
		{ "VRFY", SMTPD_VRFY }, { "HELP", SMTPD_HELP },
	};
	const char *rest = NULL;
	size_t i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (is_verb(p->line, verbs[i].w, &rest))
			break;
	if (i == sizeof(verbs) / sizeof(verbs[0])) {
		ev->kind = SMTPD_CMD;
		ev->verb = SMTPD_UNKNOWN;
		ev->arg = p->line;
		return;
	}
	ev->verb = verbs[i].v;
	ev->arg = rest;
	switch (ev->verb) {
	case SMTPD_EHLO:
	case SMTPD_HELO:
		if (!domain_ok(rest)) {
			bad(ev, 501, "syntax: %s domain", verbs[i].w);
			return;
		}
		break;
	case SMTPD_MAIL:
		parse_path_cmd(p->line + (rest - p->line), "FROM:", ev);
		return;
	case SMTPD_RCPT:
		parse_path_cmd(p->line + (rest - p->line), "TO:", ev);
		return;
	case SMTPD_DATA:
	case SMTPD_RSET:
	case SMTPD_QUIT:
		if (*rest != '\0') {
			bad(ev, 501, "syntax: %s takes no argument",
			    verbs[i].w);
			return;
		}
		break;
	default:
		break;
	}
	ev->kind = SMTPD_CMD;
}

/* Read a command line; the event once its LF is in. */
static size_t
feed_cmd(struct smtpd_parse *p, const char *in, size_t n,
    struct smtpd_event *ev)
{
	const char *lf = memchr(in, '\n', n);
	size_t take = lf != NULL ? (size_t)(lf - in) : n;
	size_t room = SMTPD_LINE_MAX - 1 - p->len;	/* keep a NUL */

	if (memchr(in, '\0', take) != NULL)
		p->linenul = 1;
	if (take > room) {
		p->toolong = 1;
		take = room;
	}
	memcpy(p->line + p->len, in, take);
	p->len += take;
	if (lf == NULL)
		return n;
	if (p->len > 0 && p->line[p->len - 1] == '\r')
		p->len--;
	/* Without its CR LF, a line holds at most SMTPD_LINE_MAX - 2. */
	if (p->len > SMTPD_LINE_MAX - 2)
		p->toolong = 1;
	p->line[p->len] = '\0';
	if (p->toolong)
		bad(ev, 500, "line longer than %d bytes", SMTPD_LINE_MAX);
	else if (p->linenul)
		bad(ev, 500, "NUL byte in a command");
	else if (memchr(p->line, '\r', p->len) != NULL)
		bad(ev, 500, "bare CR in a command");
	else
		parse_line(p, ev);
	p->len = 0;
	p->toolong = p->linenul = 0;
	return (size_t)(lf - in) + 1;
}

static void
body_event(struct smtpd_parse *p, struct smtpd_event *ev, const char *d,
    size_t len, int eol)
{
	ev->kind = SMTPD_BODY;
	ev->data = d;
	ev->len = len;
	ev->eol = eol;
	if (memchr(d, '\0', len) != NULL)
		p->nul = 1;
	p->cur += len;
	if (eol) {
		if (p->cur > p->longest)
			p->longest = p->cur;
		p->cur = 0;
		p->state = SMTPD_S_BOL;
	} else
		p->state = SMTPD_S_MID;
}

static size_t
end_event(struct smtpd_parse *p, struct smtpd_event *ev, size_t used)
{
	ev->kind = SMTPD_END;
	ev->nul = p->nul;
	ev->longest = p->longest;
	p->state = SMTPD_S_CMD;
	return used;
}

/* In a body: the dot-unstuffing state machine, resumable at any byte. */
static size_t
feed_body(struct smtpd_parse *p, const char *in, size_t n,
    struct smtpd_event *ev)
{
	size_t used = 0, i;

	while (used < n) {
		const char *s = in + used;
		size_t left = n - used;

		switch (p->state) {
		case SMTPD_S_BOL:
			if (*s == '.') {
				p->state = SMTPD_S_DOT;
				used++;
			} else
				p->state = SMTPD_S_MID;
			break;
		case SMTPD_S_DOT:
			if (*s == '\n')
				return end_event(p, ev, used + 1);
			if (*s == '\r') {
				p->state = SMTPD_S_DOTCR;
				used++;
			} else
				p->state = SMTPD_S_MID; /* dot dropped */
			break;
		case SMTPD_S_DOTCR:
			if (*s == '\n')
				return end_event(p, ev, used + 1);
			body_event(p, ev, "\r", 1, 0);
			return used;
		case SMTPD_S_CR:
			if (*s == '\n') {
				body_event(p, ev, "", 0, 1);
				return used + 1;
			}
			body_event(p, ev, "\r", 1, 0);
			return used;
		case SMTPD_S_MID:
			/* Up to a LF, a CR LF, or a CR at the chunk's end. */
			for (i = 0; i < left; i++)
				if (s[i] == '\n' || (s[i] == '\r' &&
				    (i + 1 == left || s[i + 1] == '\n')))
					break;
			if (i == left) {
				body_event(p, ev, s, i, 0);
				return n;
			}
			if (s[i] == '\n') {
				body_event(p, ev, s, i, 1);
				return used + i + 1;
			}
			if (i + 1 < left) {
				body_event(p, ev, s, i, 1);
				return used + i + 2;
			}
			/* A CR last: its LF may come in the next chunk. */
			body_event(p, ev, s, i, 0);
			p->state = SMTPD_S_CR;
			return n;
		default:
			return used;
		}
	}
	return used;
}

size_t
smtpd_feed(struct smtpd_parse *p, const char *in, size_t n,
    struct smtpd_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = SMTPD_NONE;
	if (n == 0)
		return 0;
	if (p->state == SMTPD_S_CMD)
		return feed_cmd(p, in, n, ev);
	return feed_body(p, in, n, ev);
}
