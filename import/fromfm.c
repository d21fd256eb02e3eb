/* fromfm: fetchmail's entries as facteur accounts. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "fromfm.h"
#include "xalloc.h"

static int
is(const char *v, const char *w)
{
	return v != NULL && strcasecmp(v, w) == 0;
}

/* fetchmail's %T/%t (the local user) and %F/%f (the sender). */
static char *
mda(const char *cmd, const char *local)
{
	struct buf b;
	const char *p;
	char *r;

	buf_init(&b, 65536);
	for (p = cmd; *p != '\0'; p++) {
		if (p[0] == '%' && (p[1] == 'T' || p[1] == 't')) {
			buf_addstr(&b, local != NULL ? local : "%u");
			p++;
		} else if (p[0] == '%' && (p[1] == 'F' || p[1] == 'f')) {
			buf_addstr(&b, "%F");
			p++;
		} else if (p[0] == '%' && p[1] == '%') {
			buf_addstr(&b, "%%");
			p++;
		} else {
			buf_addch(&b, *p);
		}
	}
	r = xasprintf("mda,%s", b.data);
	buf_free(&b);
	return r;
}

static unsigned
service_port(const char *v)
{
	static const struct {
		const char *name;
		unsigned port;
	} names[] = {
		{ "pop3", 110 }, { "pop-3", 110 }, { "pop3s", 995 },
		{ "imap", 143 }, { "imap2", 143 }, { "imaps", 993 },
	};
	size_t i;
	char *end;
	unsigned long n;

	if (v == NULL)
		return 0;
	n = strtoul(v, &end, 10);
	if (*v != '\0' && *end == '\0')
		return n >= 1 && n <= 65535 ? (unsigned)n : 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(v, names[i].name) == 0)
			return names[i].port;
	return 0;
}

static void
notes(struct imp_account *ia, const char *name, const struct fmrc_note *v,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		imp_note(ia, "not translated (%s:%d): %s", name, v[i].line,
		    v[i].text);
}

static void
one(const struct fmrc *r, const char *name, const char *login,
    const struct fmrc_poll *d, const struct fmrc_poll *p,
    const struct fmrc_user *u, int several, struct imp_set *s)
{
	struct fmrc_opts o;
	struct account *a;
	struct imp_account *ia;
	const char *remote = u->remote != NULL ? u->remote : login;
	char *origin, *acname;
	unsigned port;

	fmrc_effective(d, p, u, &o);
	acname = several ? xasprintf("%s-%s", p->name, remote) :
	    xstrdup(p->name);
	a = account_new(acname);
	free(acname);
	origin = xasprintf("%s:%d", name, several ? u->line : p->line);
	ia = imp_add(s, a, 1, 0, origin);
	free(origin);

	a->in.host = xstrdup(o.via != NULL ? o.via : p->name);
	if (o.via != NULL)
		imp_note(ia, "'via %s': the entry's name was '%s'", o.via,
		    p->name);
	if (o.proto == NULL || is(o.proto, "auto")) {
		a->in.proto = PROTO_POP3;
		imp_note(ia, "fetchmail's protocol 'auto' tried IMAP, then "
		    "POP3: this account uses POP3 (write 'protocol imap' "
		    "for IMAP)");
	} else if (is(o.proto, "pop3") || is(o.proto, "apop")) {
		a->in.proto = PROTO_POP3;
		if (is(o.proto, "apop"))
			a->in.auth = xstrdup("apop");
	} else if (is(o.proto, "imap")) {
		a->in.proto = PROTO_IMAP;
	} else {
		ia->disabled = 1;
		imp_note(ia, "protocol '%s': mfetch speaks POP3 and IMAP",
		    o.proto);
	}
	if (o.service != NULL) {
		if ((port = service_port(o.service)) != 0)
			a->in.port = port;
		else
			imp_note(ia, "not translated: service '%s' (write "
			    "incoming_port)", o.service);
	}
	if (o.ssl == 1) {
		a->in.starttls = 0;
	} else if (o.sslproto != NULL && *o.sslproto == '\0') {
		a->in.tls = 0;
		a->in.auth_plaintext = 1;
		imp_note(ia, "sslproto \"\": no TLS, the password travels in "
		    "clear, as it did with fetchmail");
	} else if (o.sslproto == NULL) {
		imp_note(ia, "fetchmail used STARTTLS when the server offered "
		    "it; mfetch requires it (write 'incoming_tls off' for a "
		    "server without TLS)");
	}
	if (is(o.sslproto, "tls1.3") || is(o.sslproto, "tls1.3+"))
		a->in.tls_min_version = 13;
	else if (o.sslproto != NULL && *o.sslproto != '\0' &&
	    !is(o.sslproto, "auto") && !is(o.sslproto, "tls1.2") &&
	    !is(o.sslproto, "tls1.2+") && !is(o.sslproto, "tls1+") &&
	    !is(o.sslproto, "ssl23"))
		imp_note(ia, "sslproto '%s': mfetch uses TLS 1.2 or later",
		    o.sslproto);
	if (o.sslcertck == 0)
		a->in.certcheck = 0;
	if (o.sslcertfile != NULL)
		a->in.trust_file = xstrdup(o.sslcertfile);
	if (o.sslcert != NULL)
		a->in.cert_file = xstrdup(o.sslcert);
	if (o.sslkey != NULL)
		a->in.key_file = xstrdup(o.sslkey);
	if (o.sslcommonname != NULL)
		a->in.host_override = xstrdup(o.sslcommonname);
	if (o.sslfingerprint != NULL)
		imp_note(ia, "not translated: sslfingerprint %s (fetchmail's is "
		    "MD5; write tls_fingerprint with the SHA-256 that "
		    "'mfetch --serverinfo' prints)", o.sslfingerprint);
	a->in.user = xstrdup(remote);
	if (strchr(remote, '@') != NULL)
		a->address = xstrdup(remote);
	if (o.pass != NULL)
		a->in.password = xstrdup(o.pass);
	if (is(o.auth, "cram-md5") || is(o.auth, "ntlm") ||
	    is(o.auth, "gssapi") || is(o.auth, "external")) {
		free(a->in.auth);
		a->in.auth = xstrdup(o.auth);
		for (char *c = a->in.auth; *c != '\0'; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
	} else if (is(o.auth, "kerberos_v5") || is(o.auth, "kerberos")) {
		free(a->in.auth);
		a->in.auth = xstrdup("gssapi");
	} else if (o.auth != NULL && !is(o.auth, "any") &&
	    !is(o.auth, "password")) {
		imp_note(ia, "not translated: auth %s", o.auth);
	}
	if (o.timeout > 0)
		a->in.timeout = o.timeout > 86400 ? 86400 : (int)o.timeout;
	a->keep = o.keep == 1 ? KEEP_FOREVER : 0;
	if (o.flush == 1)
		imp_note(ia, "not translated: flush (mfetch deletes a message "
		    "only once it has delivered it)");
	a->fetchall = o.fetchall == 1;
	if (o.limit > 0)
		a->skipsize = (unsigned long long)o.limit;
	if (o.fetchlimit > 0)
		a->max_messages = o.fetchlimit;
	if (o.mda != NULL) {
		a->delivery = mda(o.mda, u->local);
	} else if (o.lmtp == 1) {
		imp_note(ia, "not translated: lmtp (delivery to an LMTP "
		    "server): write a delivery");
	} else if (o.smtphost == NULL || is(o.smtphost, "localhost") ||
	    is(o.smtphost, "127.0.0.1") || is(o.smtphost, "::1")) {
		a->delivery = xasprintf("mda,/usr/sbin/sendmail -oi -f %%F -- "
		    "%s", u->local != NULL ? u->local : "%u");
		imp_note(ia, "fetchmail forwarded to port 25 of localhost; "
		    "the local sendmail program delivers the same way");
	} else {
		imp_note(ia, "not translated: smtphost %s (fetchmail forwarded "
		    "there): write a delivery", o.smtphost);
	}
	if (u->multidrop) {
		ia->disabled = 1;
		imp_note(ia, "a multidrop mailbox (several local names): "
		    "mfetch delivers an account's mail to one place");
	}
	if (p->skip) {
		ia->disabled = 1;
		imp_note(ia, "a 'skip' entry (fetchmail polled it only when "
		    "named): remove the '#' to fetch it");
	}
	if (r->idfile != NULL)
		a->fetchmail_idfile = xstrdup(r->idfile);
	if (r->logfile != NULL)
		a->logfile = xstrdup(r->logfile);
	if (r->syslog == 1)
		a->syslog = xstrdup("mail");
	if (d != NULL) {
		notes(ia, name, d->notes, d->nnotes);
		if (d->nusers > 0)
			notes(ia, name, d->users[0].notes, d->users[0].nnotes);
	}
	notes(ia, name, p->notes, p->nnotes);
	notes(ia, name, u->notes, u->nnotes);
}

void
fromfm_accounts(const struct fmrc *r, const char *name, const char *login,
    struct imp_set *s)
{
	const struct fmrc_poll *d = NULL;
	size_t i, j;

	for (i = 0; i < r->npolls; i++) {
		const struct fmrc_poll *p = &r->polls[i];
		struct fmrc_user implicit;

		if (p->defaults) {
			d = p;
			continue;
		}
		if (p->nusers == 0) {
			memset(&implicit, 0, sizeof(implicit));
			implicit.line = p->line;
			implicit.o.timeout = implicit.o.uidl = implicit.o.ssl =
			    implicit.o.sslcertck = implicit.o.lmtp =
			    implicit.o.keep = implicit.o.flush =
			    implicit.o.fetchall = -1;
			implicit.o.limit = implicit.o.fetchlimit = -1;
			one(r, name, login, d, p, &implicit, 0, s);
			continue;
		}
		for (j = 0; j < p->nusers; j++)
			one(r, name, login, d, p, &p->users[j], p->nusers > 1,
			    s);
	}
	for (i = 0; i < r->nnotes; i++)
		imp_global_note(s, "not translated (%s:%d): %s", name,
		    r->notes[i].line, r->notes[i].text);
}
