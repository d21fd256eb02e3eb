/* session: connect to a configured server, implicit TLS or STARTTLS. */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "session.h"

/*
 * A plain connection (STARTTLS to come, or no TLS) to a server that
 * waits for a TLS ClientHello says nothing: tell the user what is likely
 * wrong if no greeting comes soon.  On the ports of implicit TLS, fail
 * then; elsewhere warn and go on waiting.
 */
static void
greeting_hint(const struct server *srv, struct conn *c)
{
	unsigned port = server_port(srv);
	const char *url = srv->proto == PROTO_POP3 ? "pop3s://" :
	    srv->proto == PROTO_IMAP ? "imaps://" : "smtps://";
	char hint[300];

	if (SESSION_IMPLICIT_TLS_PORT(port))
		snprintf(hint, sizeof(hint), "port %u usually expects TLS at "
		    "once (implicit TLS), not %s: use %s or set %stls_starttls "
		    "off (--tls-starttls=off)", port, srv->tls ? "STARTTLS" :
		    "plain text", url, srv->tls ? "" : "tls on and ");
	else
		snprintf(hint, sizeof(hint), "if this port expects TLS at once "
		    "(implicit TLS), use %s or set %stls_starttls off "
		    "(--tls-starttls=off)", url, srv->tls ? "" : "tls on and ");
	conn_greeting_hint(c, hint, SESSION_IMPLICIT_TLS_PORT(port));
}

int
session_open(const struct server *srv, struct conn **c_r, struct errinfo *ei)
{
	struct conn_via via;
	struct conn *c;

	memset(&via, 0, sizeof(via));
	via.source_ip = srv->source_ip;
	via.proxy_host = srv->proxy_host;
	via.proxy_port = srv->proxy_port;
	/* With a socket, host still names the server (as in msmtp, it is
	 * required): messages, and the name TLS verifies. */
	via.socket = srv->socket;
	if (srv->host == NULL || *srv->host == '\0')
		return err_set(ei, ST_CONFIG, "no %s server host is set",
		    proto_name(srv->proto));
	if (conn_open(&c, srv->host, server_port(srv), &via,
	    srv->connect_timeout * 1000, srv->timeout * 1000, ei) < 0)
		return -1;
	if (srv->tls && !srv->starttls) {
		if (session_starttls(srv, c, ei) < 0) {
			conn_close(c);
			return -1;
		}
	} else {
		greeting_hint(srv, c);
	}
	*c_r = c;
	return 0;
}

int
session_starttls(const struct server *srv, struct conn *c, struct errinfo *ei)
{
	struct tls_opts o;

	server_tls_opts(srv, &o);
	return conn_start_tls(c, &o, ei);
}

int
session_no_starttls(const struct server *srv, const char *what,
    struct errinfo *ei)
{
	return err_set(ei, ST_UNAVAILABLE, "%s port %u: the server does not "
	    "offer %s, so the connection cannot be encrypted; refusing to go "
	    "on without TLS (someone may have removed it on the way). To "
	    "connect without TLS anyway, set 'tls off'", srv->host,
	    server_port(srv), what);
}

const char *
session_helo_domain(const struct server *srv)
{
	static char name[256];

	if (srv->domain != NULL && *srv->domain != '\0')
		return srv->domain;
	if (gethostname(name, sizeof(name) - 1) == 0) {
		name[sizeof(name) - 1] = '\0';
		if (strchr(name, '.') != NULL && name[strlen(name) - 1] != '.')
			return name;
	}
	return "localhost";
}
