/* smtp: SMTP session set-up: greeting, EHLO, STARTTLS, QUIT. */
#include "autoconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "pp.h"
#include "session.h"
#include "smtp.h"

#define SMTP_GREETING_MAX 4096

int
smtp_read(struct smtp *s, struct errinfo *ei)
{
	if (pp_read(s->c, smtp_reply_feed, &s->r, ei) < 0) {
		s->broken = 1;
		return -1;
	}
	return 0;
}

int
smtp_reply_error(struct smtp *s, const char *what, struct errinfo *ei)
{
	char q[SMTP_LINE_MAX];
	enum status st = SMTP_TRANSIENT(&s->r) ? ST_TEMPFAIL :
	    SMTP_PERMANENT(&s->r) ? ST_UNAVAILABLE : ST_PROTOCOL;

	return err_set(ei, st, "%s port %u: %s failed: server said: '%s'",
	    s->srv->host, server_port(s->srv), what,
	    smtp_reply_quote(&s->r, q, sizeof(q)));
}

static int
keyword(const char *l, size_t len, const char *kw, const char **args_r)
{
	size_t kl = strlen(kw);

	if (len < kl || strncasecmp(l, kw, kl) != 0 ||
	    (len > kl && l[kl] != ' ' && l[kl] != '='))
		return 0;
	*args_r = len > kl ? l + kl + 1 : l + kl;
	return 1;
}

void
smtp_caps_parse(const struct smtp_reply *r, struct smtp_caps *caps)
{
	static const struct {
		const char *kw;
		unsigned flag;
	} simple[] = {
		{ "STARTTLS", SMTP_CAP_STARTTLS },
		{ "PIPELINING", SMTP_CAP_PIPELINING },
		{ "8BITMIME", SMTP_CAP_8BITMIME },
		{ "SMTPUTF8", SMTP_CAP_SMTPUTF8 },
		{ "DSN", SMTP_CAP_DSN },
		{ "ENHANCEDSTATUSCODES", SMTP_CAP_ENHANCED },
		{ "CHUNKING", SMTP_CAP_CHUNKING },
	};
	size_t i, k, len;

	memset(caps, 0, sizeof(*caps));
	for (i = 1; i < r->nlines; i++) {
		const char *l = smtp_reply_line(r, i, &len), *args;

		for (k = 0; k < sizeof(simple) / sizeof(simple[0]); k++)
			if (keyword(l, len, simple[k].kw, &args))
				caps->flags |= simple[k].flag;
		if (keyword(l, len, "SIZE", &args)) {
			caps->flags |= SMTP_CAP_SIZE;
			caps->size = 0;
			while (args < l + len && isdigit((unsigned char)*args) &&
			    caps->size < (1ULL << 50))
				caps->size = caps->size * 10 +
				    (unsigned long long)(*args++ - '0');
		}
		/* "AUTH=" is the old form some servers still send. */
		if (keyword(l, len, "AUTH", &args)) {
			size_t al = (size_t)(l + len - args), have;

			caps->flags |= SMTP_CAP_AUTH;
			have = strlen(caps->auth);
			if (have == 0 && al < sizeof(caps->auth)) {
				memcpy(caps->auth, args, al);
				caps->auth[al] = '\0';
			}
		}
	}
}

/* EHLO, or HELO if the server does not know EHLO; LMTP: LHLO. */
static int
smtp_hello(struct smtp *s, struct errinfo *ei)
{
	const char *domain = session_helo_domain(s->srv);
	const char *hello = s->srv->lmtp ? "LHLO" : "EHLO";

	if (pp_cmdf(s->c, ei, "%s %s", hello, domain) < 0 ||
	    smtp_read(s, ei) < 0)
		return -1;
	if (SMTP_POSITIVE(&s->r)) {
		s->esmtp = 1;
		smtp_caps_parse(&s->r, &s->caps);
		buf_reset(&s->ehlo);
		buf_add(&s->ehlo, s->r.text.data, s->r.text.len);
		return 0;
	}
	/* LMTP has no HELO (RFC 2033 4.1). */
	if (SMTP_TRANSIENT(&s->r) || s->srv->lmtp)
		return smtp_reply_error(s, hello, ei);
	s->esmtp = 0;
	memset(&s->caps, 0, sizeof(s->caps));
	buf_reset(&s->ehlo);
	if (pp_cmdf(s->c, ei, "HELO %s", domain) < 0 || smtp_read(s, ei) < 0)
		return -1;
	if (!SMTP_POSITIVE(&s->r))
		return smtp_reply_error(s, "HELO", ei);
	return 0;
}

int
smtp_open(struct smtp *s, const struct server *srv, struct errinfo *ei)
{
	memset(s, 0, sizeof(*s));
	s->srv = srv;
	smtp_reply_init(&s->r);
	buf_init(&s->greeting, SMTP_GREETING_MAX);
	buf_init(&s->ehlo, SMTP_REPLY_TEXT_MAX);
	if (session_open(srv, &s->c, ei) < 0)
		return -1;
	if (smtp_read(s, ei) < 0)
		return -1;
	if (s->r.code != 220) {
		if (SMTP_POSITIVE(&s->r))
			s->r.code = 554;	/* not a greeting: permanent */
		return smtp_reply_error(s, "connection", ei);
	}
	buf_add(&s->greeting, s->r.text.data, s->r.text.len < SMTP_GREETING_MAX ?
	    s->r.text.len : SMTP_GREETING_MAX);
	if (smtp_hello(s, ei) < 0)
		return -1;
	if (!SESSION_WANTS_STARTTLS(srv))
		return 0;
	if (!(s->caps.flags & SMTP_CAP_STARTTLS))
		return session_no_starttls(srv, "STARTTLS", ei);
	if (pp_cmdf(s->c, ei, "STARTTLS") < 0 || smtp_read(s, ei) < 0)
		return -1;
	if (s->r.code != 220)
		return smtp_reply_error(s, "STARTTLS", ei);
	if (session_starttls(srv, s->c, ei) < 0) {
		s->broken = 1;
		return -1;
	}
	/* Forget everything learnt in plaintext, and ask again. */
	memset(&s->caps, 0, sizeof(s->caps));
	return smtp_hello(s, ei);
}

void
smtp_close(struct smtp *s)
{
	struct errinfo ei;

	if (s->c != NULL && !s->broken && pp_cmdf(s->c, &ei, "QUIT") == 0)
		smtp_read(s, &ei);
	conn_close(s->c);
	s->c = NULL;
	smtp_reply_free(&s->r);
	buf_free(&s->greeting);
	buf_free(&s->ehlo);
}
