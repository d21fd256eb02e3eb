/* imap: IMAP session set-up: greeting, CAPABILITY, STARTTLS, LOGOUT. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap.h"
#include "pp.h"
#include "session.h"

#define IMAP_GREETING_MAX 1024

int
imap_read(struct imap *m, struct errinfo *ei)
{
	if (pp_read(m->c, imap_resp_feed, &m->r, ei) < 0) {
		m->broken = 1;
		return -1;
	}
	return 0;
}

int
imap_read_nowait(struct imap *m, struct errinfo *ei)
{
	int r = pp_read_nowait(m->c, imap_resp_feed, &m->r, ei);

	if (r < 0)
		m->broken = 1;
	return r;
}

int
imap_error(struct imap *m, const char *what, struct errinfo *ei)
{
	char q[512];
	enum status st = m->r.cond == IMAP_NO || m->r.cond == IMAP_BAD ||
	    m->r.cond == IMAP_BYE ? ST_UNAVAILABLE : ST_PROTOCOL;

	err_quote(q, sizeof(q), m->r.text.data, m->r.text.len);
	return err_set(ei, st, "%s port %u: %s failed: server said: '%s%s%s'",
	    m->srv->host, server_port(m->srv), what,
	    m->r.kind == IMAP_TAGGED ? m->r.tag : "*", " ", q);
}

void
imap_caps_parse(const char *text, size_t len, struct imap_caps *caps)
{
	static const struct {
		const char *atom;
		unsigned flag;
	} known[] = {
		{ "IMAP4rev1", IMAP_CAP_IMAP4REV1 },
		{ "IMAP4rev2", IMAP_CAP_IMAP4REV2 },
		{ "STARTTLS", IMAP_CAP_STARTTLS },
		{ "LOGINDISABLED", IMAP_CAP_LOGINDISABLED },
		{ "SASL-IR", IMAP_CAP_SASL_IR },
		{ "UIDPLUS", IMAP_CAP_UIDPLUS },
		{ "LITERAL+", IMAP_CAP_LITERALPLUS },
		{ "IDLE", IMAP_CAP_IDLE },
		{ "ENABLE", IMAP_CAP_ENABLE },
		{ "MOVE", IMAP_CAP_MOVE },
		{ "CONDSTORE", IMAP_CAP_CONDSTORE },
		{ "ID", IMAP_CAP_ID },
		{ "NOTIFY", IMAP_CAP_NOTIFY },
		{ "ESEARCH", IMAP_CAP_ESEARCH },
		{ "UTF8=ACCEPT", IMAP_CAP_UTF8_ACCEPT },
	};
	const char *p = text, *end = text + len;
	size_t al = 0;

	memset(caps, 0, sizeof(*caps));
	while (p < end) {
		size_t wl = 0, k;

		while (p + wl < end && p[wl] != ' ')
			wl++;
		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (strlen(known[k].atom) == wl &&
			    strncasecmp(p, known[k].atom, wl) == 0)
				caps->flags |= known[k].flag;
		if (wl > 5 && strncasecmp(p, "AUTH=", 5) == 0 &&
		    al + (wl - 5) + 2 < sizeof(caps->auth)) {
			if (al > 0)
				caps->auth[al++] = ' ';
			memcpy(caps->auth + al, p + 5, wl - 5);
			al += wl - 5;
			caps->auth[al] = '\0';
		}
		p += wl;
		while (p < end && *p == ' ')
			p++;
	}
}

static void
set_caps(struct imap *m, const char *text, size_t len)
{
	buf_reset(&m->captext);
	buf_add(&m->captext, text, len < IMAP_CAPS_TEXT_MAX ? len :
	    IMAP_CAPS_TEXT_MAX);
	imap_caps_parse(m->captext.data, m->captext.len, &m->caps);
	m->have_caps = 1;
}

/* Learn capabilities from an untagged CAPABILITY or a [CAPABILITY] code. */
void
imap_note_caps(struct imap *m)
{
	const char *t = m->r.text.data, *code;
	size_t len;

	if (m->r.kind == IMAP_UNTAGGED && m->r.cond == IMAP_NONE &&
	    strncasecmp(t, "CAPABILITY", 10) == 0 &&
	    (t[10] == ' ' || t[10] == '\0')) {
		size_t skip = t[10] == ' ' ? 11 : 10;

		set_caps(m, t + skip, m->r.text.len - skip);
		return;
	}
	code = imap_resp_code(&m->r, &len);
	if (code != NULL && len > 11 && strncasecmp(code, "CAPABILITY ", 11) == 0)
		set_caps(m, code + 11, len - 11);
}

const char *
imap_next_tag(struct imap *m)
{
	snprintf(m->tag, sizeof(m->tag), "A%u", ++m->tagno);
	return m->tag;
}

int
imap_simple(struct imap *m, const char *cmd, struct errinfo *ei)
{
	if (pp_cmdf(m->c, ei, "%s %s", imap_next_tag(m), cmd) < 0)
		return -1;
	for (;;) {
		if (imap_read(m, ei) < 0)
			return -1;
		if (m->r.kind == IMAP_TAGGED) {
			if (strcmp(m->r.tag, m->tag) != 0)
				return err_set(ei, ST_PROTOCOL, "%s port %u: "
				    "answer with unknown tag '%s'", m->srv->host,
				    server_port(m->srv), m->r.tag);
			imap_note_caps(m);
			if (m->r.cond != IMAP_OK)
				return imap_error(m, cmd, ei);
			return 0;
		}
		if (m->r.kind == IMAP_UNTAGGED && m->r.cond == IMAP_BYE &&
		    strcasecmp(cmd, "LOGOUT") != 0) {
			m->broken = 1;
			return imap_error(m, cmd, ei);
		}
		if (m->r.kind == IMAP_CONTINUE)
			return err_set(ei, ST_PROTOCOL, "%s port %u: unexpected "
			    "continuation request after %s", m->srv->host,
			    server_port(m->srv), cmd);
		imap_note_caps(m);
	}
}

static void
forget_caps(struct imap *m)
{
	m->have_caps = 0;
	buf_reset(&m->captext);
	memset(&m->caps, 0, sizeof(m->caps));
}

int
imap_open(struct imap *m, const struct server *srv, struct errinfo *ei)
{
	memset(m, 0, sizeof(*m));
	m->srv = srv;
	imap_resp_init(&m->r);
	buf_init(&m->greeting, IMAP_GREETING_MAX);
	buf_init(&m->captext, IMAP_CAPS_TEXT_MAX);
	if (session_open(srv, &m->c, ei) < 0)
		return -1;
	if (imap_read(m, ei) < 0)
		return -1;
	if (m->r.kind != IMAP_UNTAGGED || (m->r.cond != IMAP_OK &&
	    m->r.cond != IMAP_PREAUTH)) {
		m->broken = m->r.cond == IMAP_BYE;
		return imap_error(m, "connection", ei);
	}
	m->preauth = m->r.cond == IMAP_PREAUTH;
	buf_add(&m->greeting, m->r.text.data, m->r.text.len <
	    IMAP_GREETING_MAX ? m->r.text.len : IMAP_GREETING_MAX);
	imap_note_caps(m);
	if (SESSION_WANTS_STARTTLS(srv) && m->preauth) {
		m->broken = 1;	/* say nothing on that session */
		return err_set(ei, ST_UNAVAILABLE, "%s port %u: the server "
		    "logged us in before TLS (PREAUTH), so STARTTLS is "
		    "impossible; refusing an unencrypted session", srv->host,
		    server_port(srv));
	}
	if (!m->have_caps && imap_simple(m, "CAPABILITY", ei) < 0)
		return -1;
	if (!SESSION_WANTS_STARTTLS(srv))
		return 0;
	if (!(m->caps.flags & IMAP_CAP_STARTTLS))
		return session_no_starttls(srv, "STARTTLS", ei);
	if (imap_simple(m, "STARTTLS", ei) < 0)
		return -1;
	if (session_starttls(srv, m->c, ei) < 0) {
		m->broken = 1;
		return -1;
	}
	/* Forget everything learnt in plaintext, and ask again. */
	forget_caps(m);
	return imap_simple(m, "CAPABILITY", ei);
}

void
imap_close(struct imap *m)
{
	struct errinfo ei;

	if (m->c != NULL && !m->broken)
		imap_simple(m, "LOGOUT", &ei);
	conn_close(m->c);
	m->c = NULL;
	imap_resp_free(&m->r);
	buf_free(&m->greeting);
	buf_free(&m->captext);
}
