/* account: resolved accounts and servers, and their defaults. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "xalloc.h"

void
server_init(struct server *s)
{
	memset(s, 0, sizeof(*s));
	s->tls = 1;
	s->starttls = 1;
	s->certcheck = 1;
	s->tls_min_version = 12;
	s->connect_timeout = DEFAULT_CONNECT_TIMEOUT;
	s->timeout = DEFAULT_TIMEOUT;
}

const char *
server_service(const struct server *s)
{
	switch (s->proto) {
	case PROTO_POP3:
		return "pop3";
	case PROTO_IMAP:
		return "imap";
	case PROTO_SMTP:
	case PROTO_NONE:
		break;
	}
	return "smtp";
}

const char *
server_login_user(const struct server *s, const char *address)
{
	if (s->user != NULL && *s->user != '\0')
		return s->user;
	return address != NULL ? address : "";
}

void
server_free(struct server *s)
{
	free(s->host);
	free(s->trust_file);
	free(s->fingerprint);
	free(s->cert_file);
	free(s->key_file);
	free(s->host_override);
	free(s->user);
	xfree_secret(s->password);
	free(s->passwordeval);
	free(s->auth);
	free(s->domain);
	free(s->source_ip);
	free(s->proxy_host);
	free(s->socket);
	free(s->crl_file);
	memset(s, 0, sizeof(*s));
}

struct account *
account_new(const char *name)
{
	struct account *a = xcalloc(1, sizeof(*a));

	a->name = xstrdup(name != NULL ? name : "");
	server_init(&a->in);
	server_init(&a->out);
	a->in.proto = PROTO_POP3;
	a->out.proto = PROTO_SMTP;
	a->remove_bcc = 1;
	a->keep = KEEP_DEFAULT;
	a->received_header = 1;
	a->mark_seen = 1;
	a->allow_from_override = 1;
	a->queue_lifetime = 5 * 24 * 3600;
	a->poll_interval = POLL_INTERVAL_DEFAULT;
	a->idle_interval = IDLE_INTERVAL_DEFAULT;
	a->imap_notify = 1;
	return a;
}

void
account_free(struct account *a)
{
	if (a == NULL)
		return;
	free(a->name);
	free(a->file);
	free(a->address);
	free(a->logfile);
	free(a->syslog);
	free(a->aliases);
	free(a->dsn_notify);
	free(a->dsn_return);
	free(a->delivery);
	free(a->uidls_file);
	free(a->mpop_uidls_file);
	free(a->filter);
	free(a->folders);
	free(a->move_to);
	free(a->fetchmail_idfile);
	free(a->logfile_time_format);
	free(a->maildomain);
	free(a->from_full_name);
	free(a->queue_dir);
	free(a->bounce_to);
	server_free(&a->in);
	server_free(&a->out);
	free(a);
}

unsigned
server_port(const struct server *s)
{
	int implicit = s->tls && !s->starttls;

	if (s->port != 0)
		return s->port;
	switch (s->proto) {
	case PROTO_POP3:
		return implicit ? 995 : 110;
	case PROTO_IMAP:
		return implicit ? 993 : 143;
	case PROTO_SMTP:
		return implicit ? 465 : s->lmtp ? 2003 : s->smtp_port25 ? 25 :
		    587;
	case PROTO_NONE:
		break;
	}
	return 0;
}

void
server_tls_opts(const struct server *s, struct tls_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->trust_file = s->trust_file;
	o->fingerprint = s->fingerprint;
	o->certcheck = s->certcheck;
	o->cert_file = s->cert_file;
	o->key_file = s->key_file;
	o->host_override = s->host_override;
	o->min_version = s->tls_min_version;
	o->crl_file = s->crl_file;
}

const char *
proto_name(enum proto p)
{
	switch (p) {
	case PROTO_POP3:
		return "POP3";
	case PROTO_IMAP:
		return "IMAP";
	case PROTO_SMTP:
		return "SMTP";
	case PROTO_NONE:
		break;
	}
	return "none";
}

const char *
account_label(const struct account *a)
{
	return a->name != NULL && *a->name != '\0' ? a->name : a->in.host;
}
