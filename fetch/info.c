/* info: mfetch --serverinfo for POP3 and IMAP. */
#include "autoconf.h"

#include <string.h>
#include <strings.h>

#include "imap.h"
#include "esc.h"
#include "info.h"
#include "pop3.h"
#include "serverinfo.h"

struct explained {
	const char *word;
	const char *explain;
};

static const struct explained pop3_known[] = {
	{ "STLS", "TLS can be started with STLS (RFC 2595)" },
	{ "USER", "login with USER and PASS" },
	{ "TOP", "headers can be read without the body (TOP)" },
	{ "UIDL", "unique message ids: new messages can be told apart" },
	{ "PIPELINING", "commands are sent in groups: fewer round trips "
	    "(RFC 2449)" },
	{ "RESP-CODES", "errors carry response codes (RFC 2449)" },
	{ "AUTH-RESP-CODE", "login errors say whether they are temporary "
	    "(RFC 3206)" },
	{ "UTF8", "UTF-8 is accepted (RFC 6856)" },
	{ "IMPLEMENTATION", "the server's software" },
};

static const struct explained imap_known[] = {
	{ "IMAP4rev1", "IMAP version 4rev1 (RFC 3501)" },
	{ "IMAP4rev2", "IMAP version 4rev2 (RFC 9051)" },
	{ "STARTTLS", "TLS can be started with STARTTLS" },
	{ "LOGINDISABLED", "LOGIN is refused on this connection" },
	{ "SASL-IR", "authentication in one round trip (RFC 4959)" },
	{ "UIDPLUS", "UID EXPUNGE: only our deleted messages are expunged "
	    "(RFC 4315)" },
	{ "LITERAL+", "literals without waiting (RFC 7888)" },
	{ "LITERAL-", "small literals without waiting (RFC 7888)" },
	{ "IDLE", "new mail is announced at once (RFC 2177)" },
	{ "ENABLE", "extensions can be enabled (RFC 5161)" },
	{ "MOVE", "messages can be moved (RFC 6851)" },
	{ "CONDSTORE", "changes can be tracked (RFC 7162)" },
	{ "QRESYNC", "quick resynchronization (RFC 7162)" },
	{ "ID", "client and server identify themselves (RFC 2971)" },
	{ "NAMESPACE", "folder name spaces (RFC 2342)" },
	{ "SPECIAL-USE", "special folders are marked (RFC 6154)" },
	{ "UTF8=ACCEPT", "UTF-8 folder names and headers (RFC 6855)" },
};

static const char *
lookup(const struct explained *t, size_t n, const char *w, size_t wl)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(t[i].word) == wl && strncasecmp(t[i].word, w, wl) == 0)
			return t[i].explain;
	return NULL;
}

static void
print_pop3_caps(FILE *f, struct pop3 *p)
{
	const char *l;
	char tmp[POP3_SASL_LIST_MAX + 64];
	size_t i, len;

	serverinfo_caps_title(f);
	if (!p->have_capa) {
		fprintf(f, "    none: the server does not support CAPA\n");
		return;
	}
	for (i = 0; (l = buf_line(&p->capa, i, &len)) != NULL; i++) {
		const char *sp = memchr(l, ' ', len);
		size_t wl = sp != NULL ? (size_t)(sp - l) : len;
		const char *ex;

		ex = lookup(pop3_known, sizeof(pop3_known) /
		    sizeof(pop3_known[0]), l, wl);
		if (wl == 4 && strncasecmp(l, "SASL", 4) == 0) {
			snprintf(tmp, sizeof(tmp), "authentication mechanisms: %s",
			    p->caps.sasl);
			ex = tmp;
		} else if (wl == 6 && strncasecmp(l, "EXPIRE", 6) == 0) {
			if (p->caps.expire_days == POP3_EXPIRE_NEVER)
				ex = "the server never deletes messages by itself";
			else if (p->caps.expire_days == 0)
				ex = "the server deletes messages once they are "
				    "retrieved";
			else {
				snprintf(tmp, sizeof(tmp), "the server deletes "
				    "messages %d days after retrieval",
				    p->caps.expire_days);
				ex = tmp;
			}
		} else if (wl == 11 && strncasecmp(l, "LOGIN-DELAY", 11) == 0) {
			snprintf(tmp, sizeof(tmp), "at least %d seconds between "
			    "logins", p->caps.login_delay);
			ex = tmp;
		}
		serverinfo_cap(f, l, len, ex);
	}
	if (!(p->caps.flags & POP3_CAP_SASL) && !(p->caps.flags & POP3_CAP_USER))
		fprintf(f, "Authentication: no SASL mechanism or USER "
		    "advertised%s\n", conn_is_tls(p->c) ? "" :
		    " (they may be offered once TLS is active)");
	if (p->apop[0] != '\0') {
		fprintf(f, "APOP: supported (timestamp ");
		esc_fwrite(f, p->apop, strlen(p->apop));
		fprintf(f, ")\n");
	}
}

static int
pop3_info(FILE *f, const struct server *srv, struct errinfo *ei)
{
	struct pop3 p;

	if (pop3_open(&p, srv, ei) < 0) {
		pop3_close(&p, 1);
		return -1;
	}
	serverinfo_header(f, srv, p.c);
	serverinfo_greeting(f, p.greeting.data, p.greeting.len);
	serverinfo_tls(f, p.c);
	print_pop3_caps(f, &p);
	if (!conn_is_tls(p.c))
		fprintf(f, "Note: this connection is not encrypted; the server "
		    "may offer more once TLS is active.\n");
	pop3_close(&p, 1);
	return 0;
}

static int
imap_info(FILE *f, const struct server *srv, struct errinfo *ei)
{
	struct imap m;
	const char *p, *end;

	if (imap_open(&m, srv, ei) < 0) {
		imap_close(&m);
		return -1;
	}
	serverinfo_header(f, srv, m.c);
	serverinfo_greeting(f, m.greeting.data, m.greeting.len);
	serverinfo_tls(f, m.c);
	serverinfo_caps_title(f);
	p = m.captext.data;
	end = p + m.captext.len;
	while (p < end) {
		/* Length-bounded: a NUL byte is part of a word, not its end. */
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		size_t wl = (size_t)((sp != NULL ? sp : end) - p);
		const char *ex = lookup(imap_known, sizeof(imap_known) /
		    sizeof(imap_known[0]), p, wl);
		char tmp[80];

		if (wl > 5 && strncasecmp(p, "AUTH=", 5) == 0) {
			snprintf(tmp, sizeof(tmp), "authentication mechanism %.*s",
			    (int)(wl - 5), p + 5);
			ex = tmp;
		}
		serverinfo_cap(f, p, wl, ex);
		p += wl;
		while (p < end && *p == ' ')
			p++;
	}
	if (m.caps.auth[0] == '\0')
		fprintf(f, "Authentication: no SASL mechanism advertised%s\n",
		    (m.caps.flags & IMAP_CAP_LOGINDISABLED) ? " and LOGIN is "
		    "disabled" : " (LOGIN only)");
	if (!conn_is_tls(m.c))
		fprintf(f, "Note: this connection is not encrypted; the server "
		    "may offer more once TLS is active.\n");
	imap_close(&m);
	return 0;
}

int
fetch_serverinfo(FILE *f, const struct server *srv, struct errinfo *ei)
{
	if (srv->proto == PROTO_IMAP)
		return imap_info(f, srv, ei);
	return pop3_info(f, srv, ei);
}
