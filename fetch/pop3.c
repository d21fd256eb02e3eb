/* pop3: POP3 session set-up: greeting, CAPA, STLS, QUIT. */
#include "autoconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pop3.h"
#include "pp.h"
#include "session.h"

#define POP3_GREETING_MAX 1024

int
pop3_read(struct pop3 *p, int multiline, struct errinfo *ei)
{
	p->r.multiline = multiline;
	if (pp_read(p->c, pop3_reply_feed, &p->r, ei) < 0) {
		p->broken = 1;
		return -1;
	}
	return 0;
}

int
pop3_error(struct pop3 *p, const char *what, struct errinfo *ei)
{
	char q[POP3_LINE_MAX];
	enum status st = ST_UNAVAILABLE;

	if (p->r.kind == POP3_OK)
		st = ST_PROTOCOL;
	else if (pop3_reply_has_code(&p->r, "SYS/TEMP") ||
	    pop3_reply_has_code(&p->r, "IN-USE") ||
	    pop3_reply_has_code(&p->r, "LOGIN-DELAY"))
		st = ST_TEMPFAIL;
	err_quote(q, sizeof(q), p->r.status.data, p->r.status.len);
	return err_set(ei, st, "%s port %u: %s failed: server said: '%s%s%s'",
	    p->srv->host, server_port(p->srv), what,
	    p->r.kind == POP3_OK ? "+OK" : "-ERR", q[0] ? " " : "", q);
}

/* Does the CAPA line l start with keyword kw (then a space or its end)? */
static int
capword(const char *l, size_t len, const char *kw, const char **args_r)
{
	size_t kl = strlen(kw);

	if (len < kl || strncasecmp(l, kw, kl) != 0 || (len > kl && l[kl] != ' '))
		return 0;
	*args_r = len > kl ? l + kl + 1 : l + kl;
	return 1;
}

void
pop3_caps_parse(const char *text, size_t len, struct pop3_caps *caps)
{
	static const struct {
		const char *kw;
		unsigned flag;
	} simple[] = {
		{ "STLS", POP3_CAP_STLS }, { "USER", POP3_CAP_USER },
		{ "TOP", POP3_CAP_TOP }, { "UIDL", POP3_CAP_UIDL },
		{ "PIPELINING", POP3_CAP_PIPELINING },
		{ "RESP-CODES", POP3_CAP_RESP_CODES },
		{ "AUTH-RESP-CODE", POP3_CAP_AUTH_RESP_CODE },
		{ "UTF8", POP3_CAP_UTF8 },
	};
	const char *p = text, *end = text + len;

	memset(caps, 0, sizeof(*caps));
	caps->expire_days = POP3_EXPIRE_UNKNOWN;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *args;
		size_t ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p), k;

		for (k = 0; k < sizeof(simple) / sizeof(simple[0]); k++)
			if (capword(p, ll, simple[k].kw, &args))
				caps->flags |= simple[k].flag;
		if (capword(p, ll, "SASL", &args)) {
			size_t al = (size_t)(p + ll - args);

			caps->flags |= POP3_CAP_SASL;
			if (al < sizeof(caps->sasl)) {
				memcpy(caps->sasl, args, al);
				caps->sasl[al] = '\0';
			}
		}
		if (capword(p, ll, "EXPIRE", &args)) {
			caps->flags |= POP3_CAP_EXPIRE;
			if (strncasecmp(args, "NEVER", 5) == 0)
				caps->expire_days = POP3_EXPIRE_NEVER;
			else {
				int d = 0;

				while (args < p + ll && isdigit((unsigned char)*args)
				    && d < 100000)
					d = d * 10 + (*args++ - '0');
				caps->expire_days = d;
			}
		}
		if (capword(p, ll, "LOGIN-DELAY", &args)) {
			int d = 0;

			caps->flags |= POP3_CAP_LOGIN_DELAY;
			while (args < p + ll && isdigit((unsigned char)*args) &&
			    d < 10000000)
				d = d * 10 + (*args++ - '0');
			caps->login_delay = d;
		}
		p += ll + 1;
	}
}

static int
pop3_capa(struct pop3 *p, struct errinfo *ei)
{
	if (pp_cmdf(p->c, ei, "CAPA") < 0 || pop3_read(p, 1, ei) < 0)
		return -1;
	buf_reset(&p->capa);
	p->have_capa = p->r.kind == POP3_OK;
	if (p->have_capa)
		buf_add(&p->capa, p->r.data.data, p->r.data.len);
	pop3_caps_parse(p->capa.data, p->capa.len, &p->caps);
	return 0;
}

/* Keep the APOP timestamp "<...@...>" from the greeting. */
static void
keep_apop(struct pop3 *p)
{
	const char *g = p->greeting.data, *lt = strchr(g, '<'), *gt;

	p->apop[0] = '\0';
	if (lt == NULL || (gt = strchr(lt, '>')) == NULL)
		return;
	if (memchr(lt, '@', (size_t)(gt - lt)) == NULL ||
	    (size_t)(gt - lt) + 2 > sizeof(p->apop))
		return;
	memcpy(p->apop, lt, (size_t)(gt - lt) + 1);
	p->apop[gt - lt + 1] = '\0';
}

int
pop3_open(struct pop3 *p, const struct server *srv, struct errinfo *ei)
{
	memset(p, 0, sizeof(*p));
	p->srv = srv;
	pop3_reply_init(&p->r);
	buf_init(&p->greeting, POP3_GREETING_MAX);
	buf_init(&p->capa, POP3_DATA_MAX);
	if (session_open(srv, &p->c, ei) < 0)
		return -1;
	if (pop3_read(p, 0, ei) < 0)
		return -1;
	if (p->r.kind != POP3_OK)
		return pop3_error(p, "connection", ei);
	buf_add(&p->greeting, p->r.status.data, p->r.status.len <
	    POP3_GREETING_MAX ? p->r.status.len : POP3_GREETING_MAX);
	keep_apop(p);
	if (pop3_capa(p, ei) < 0)
		return -1;
	if (!SESSION_WANTS_STARTTLS(srv))
		return 0;
	if (p->have_capa && !(p->caps.flags & POP3_CAP_STLS))
		return session_no_starttls(srv, "STLS", ei);
	if (pp_cmdf(p->c, ei, "STLS") < 0 || pop3_read(p, 0, ei) < 0)
		return -1;
	if (p->r.kind != POP3_OK)
		return session_no_starttls(srv, "STLS", ei);
	if (session_starttls(srv, p->c, ei) < 0) {
		p->broken = 1;
		return -1;
	}
	/* Forget everything learnt in plaintext, and ask again. */
	p->have_capa = 0;
	buf_reset(&p->capa);
	memset(&p->caps, 0, sizeof(p->caps));
	return pop3_capa(p, ei);
}

int
pop3_close(struct pop3 *p, int quit)
{
	struct errinfo ei;
	int final = 0;

	if (quit && p->c != NULL && !p->broken &&
	    pp_cmdf(p->c, &ei, "QUIT") == 0 && pop3_read(p, 0, &ei) == 0)
		final = p->r.kind == POP3_OK;
	conn_close(p->c);
	p->c = NULL;
	pop3_reply_free(&p->r);
	buf_free(&p->greeting);
	buf_free(&p->capa);
	return final;
}
