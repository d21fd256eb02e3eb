/* login: choose how to log in, and get the password when needed. */
#include "autoconf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "login.h"
#include "md5.h"
#include "sasl.h"
#include "xalloc.h"

/* One way to log in, in order of preference. */
struct way {
	const char *name;	/* SASL mechanism, or "" for a native one */
	unsigned native;
	int needs_tls;		/* only inside TLS (the -PLUS mechanisms) */
	int plaintext;		/* sends the password itself */
	int auto_ok;		/* may be chosen automatically */
};

static const struct way ways[] = {
	{ "EXTERNAL", 0, 1, 0, 1 },
	{ "SCRAM-SHA-256-PLUS", 0, 1, 0, 1 },
	{ "SCRAM-SHA-1-PLUS", 0, 1, 0, 1 },
	{ "SCRAM-SHA-256", 0, 0, 0, 1 },
	{ "SCRAM-SHA-1", 0, 0, 0, 1 },
	{ "PLAIN", 0, 0, 1, 1 },
	{ "LOGIN", 0, 0, 1, 1 },
	{ "", LOGIN_USERPASS, 0, 1, 1 },
	{ "", LOGIN_IMAPLOGIN, 0, 1, 1 },
	{ "CRAM-MD5", 0, 0, 0, 1 },
	{ "", LOGIN_APOP, 0, 0, 1 },
	{ "NTLM", 0, 0, 0, 1 },
	{ "GSSAPI", 0, 0, 0, 0 },
	{ "XOAUTH2", 0, 0, 1, 0 },
	{ "OAUTHBEARER", 0, 0, 1, 0 },
	{ "DIGEST-MD5", 0, 0, 0, 0 },
};

#define NWAYS (sizeof(ways) / sizeof(ways[0]))

void
login_init(struct login *lg, const struct server *srv, const char *account,
    const char *address, struct tls *tls)
{
	memset(lg, 0, sizeof(*lg));
	lg->srv = srv;
	lg->service = server_service(srv);
	lg->account = account != NULL ? account : "";
	lg->user = xstrdup(server_login_user(srv, address));
	lg->tls = tls;
}

void
login_free(struct login *lg)
{
	free(lg->user);
	xfree_secret(lg->password);
	lg->user = lg->password = NULL;
}

/* Is word (len bytes) in the space-separated list? */
static int
in_list(const char *list, const char *word)
{
	size_t wl = strlen(word);
	const char *p = list;

	while (p != NULL && *p != '\0') {
		size_t l;

		while (*p == ' ')
			p++;
		l = strcspn(p, " ");
		if (l == wl && strncasecmp(p, word, wl) == 0)
			return 1;
		p += l;
	}
	return 0;
}

const char *
login_mechanism(size_t i)
{
	size_t k;

	for (k = 0; k < NWAYS; k++)
		if (ways[k].native == 0 && i-- == 0)
			return ways[k].name;
	return NULL;
}

int
login_is_plaintext(const char *mech, unsigned native)
{
	size_t i;

	if (native != 0)
		return native != LOGIN_APOP;
	for (i = 0; i < NWAYS; i++)
		if (ways[i].native == 0 && strcasecmp(ways[i].name, mech) == 0)
			return ways[i].plaintext;
	return 0;
}

const char *
login_method_name(const struct login *lg)
{
	switch (lg->kind) {
	case LOGIN_SASL:
		return lg->mech;
	case LOGIN_NATIVE:
		return lg->native == LOGIN_USERPASS ? "USER/PASS" :
		    lg->native == LOGIN_APOP ? "APOP" : "IMAP LOGIN";
	case LOGIN_NONE:
		break;
	}
	return "none";
}

static int
usable(const struct login *lg, const struct way *w, const char *offered,
    unsigned natives)
{
	if (w->native != 0)
		return (natives & w->native) != 0;
	if (!in_list(offered, w->name) || !sasl_supported(w->name))
		return 0;
	if (w->needs_tls && lg->tls == NULL)
		return 0;
	if (strcmp(w->name, "EXTERNAL") == 0 && (lg->tls == NULL ||
	    lg->srv->cert_file == NULL))
		return 0;
	return 1;
}

static void
pick(struct login *lg, const struct way *w)
{
	if (w->native != 0) {
		lg->kind = LOGIN_NATIVE;
		lg->native = w->native;
	} else {
		lg->kind = LOGIN_SASL;
		snprintf(lg->mech, sizeof(lg->mech), "%s", w->name);
	}
}

static int
refuse_plaintext(struct login *lg, const char *what, struct errinfo *ei)
{
	return err_set(ei, ST_NOPERM, "%s port %u: refusing %s: it would send "
	    "the password unencrypted (this connection has no TLS); use TLS, "
	    "or set 'auth_plaintext on' to allow it", lg->srv->host,
	    server_port(lg->srv), what);
}

static const struct way *
native_way(unsigned native)
{
	size_t i;

	for (i = 0; i < NWAYS; i++)
		if (ways[i].native == native)
			return &ways[i];
	return NULL;
}

/* "auth MECH": the user named the way. */
static int
choose_forced(struct login *lg, const char *want, const char *offered,
    unsigned natives, struct errinfo *ei)
{
	const struct way *w = NULL;
	size_t i;

	/* "user": the protocol's own login, USER/PASS or IMAP LOGIN. */
	if (strcasecmp(want, "USER") == 0 && (natives & LOGIN_USERPASS))
		w = native_way(LOGIN_USERPASS);
	else if (strcasecmp(want, "USER") == 0 && (natives & LOGIN_IMAPLOGIN))
		w = native_way(LOGIN_IMAPLOGIN);
	else if (strcasecmp(want, "APOP") == 0 && (natives & LOGIN_APOP))
		w = native_way(LOGIN_APOP);
	else if (strcasecmp(want, "USER") == 0 || strcasecmp(want, "APOP") == 0)
		return err_set(ei, ST_UNAVAILABLE, "%s port %u: the server does "
		    "not allow %s login here (it offers: %s)", lg->srv->host,
		    server_port(lg->srv), want, *offered ? offered : "none");
	else {
		for (i = 0; i < NWAYS; i++)
			if (ways[i].native == 0 &&
			    strcasecmp(ways[i].name, want) == 0)
				w = &ways[i];
		/* IMAP: "auth login" is the LOGIN command if no AUTH=LOGIN. */
		if (w != NULL && strcmp(w->name, "LOGIN") == 0 &&
		    !in_list(offered, "LOGIN") && (natives & LOGIN_IMAPLOGIN))
			w = native_way(LOGIN_IMAPLOGIN);
	}
	if (w == NULL)
		return err_set(ei, ST_CONFIG, "unknown authentication method "
		    "'%s' (known: %s)", want, "SCRAM-SHA-256[-PLUS], "
		    "SCRAM-SHA-1[-PLUS], PLAIN, LOGIN, CRAM-MD5, NTLM, GSSAPI, "
		    "EXTERNAL, XOAUTH2, OAUTHBEARER, DIGEST-MD5, USER, APOP");
	if (w->native == 0 && !sasl_supported(w->name))
		return err_set(ei, ST_UNAVAILABLE, "authentication method '%s' "
		    "is not supported by this build of libgsasl", w->name);
	if (w->native == 0 && strcmp(w->name, "EXTERNAL") == 0 &&
	    lg->srv->cert_file == NULL)
		return err_set(ei, ST_CONFIG, "EXTERNAL logs in with a TLS "
		    "client certificate: set tls_cert_file and tls_key_file");
	if (w->native == 0 && !in_list(offered, w->name))
		return err_set(ei, ST_UNAVAILABLE, "%s port %u: the server does "
		    "not offer %s (it offers: %s)", lg->srv->host,
		    server_port(lg->srv), w->name, *offered ? offered : "none");
	if (w->needs_tls && lg->tls == NULL)
		return err_set(ei, ST_UNAVAILABLE, "%s port %u: %s needs TLS "
		    "(this connection has none)", lg->srv->host,
		    server_port(lg->srv), w->name);
	if (w->plaintext && lg->tls == NULL && !lg->srv->auth_plaintext)
		return refuse_plaintext(lg, w->native == LOGIN_USERPASS ?
		    "USER/PASS" : w->native ? "IMAP LOGIN" : w->name, ei);
	pick(lg, w);
	return 0;
}

int
login_choose(struct login *lg, const char *offered, unsigned natives,
    struct errinfo *ei)
{
	const char *auth = lg->srv->auth;
	int plaintext_only = 0;
	size_t i;

	lg->kind = LOGIN_NONE;
	if (offered == NULL)
		offered = "";
	if (auth != NULL && strcmp(auth, "off") == 0)
		return 0;
	if (auth != NULL && strcmp(auth, "on") != 0)
		return choose_forced(lg, auth, offered, natives, ei);
	for (i = 0; i < NWAYS; i++) {
		const struct way *w = &ways[i];

		if (!w->auto_ok || !usable(lg, w, offered, natives))
			continue;
		if (w->plaintext && lg->tls == NULL &&
		    !lg->srv->auth_plaintext) {
			plaintext_only = 1;
			continue;
		}
		pick(lg, w);
		return 0;
	}
	if (plaintext_only)
		return refuse_plaintext(lg, "the only login methods the server "
		    "offers", ei);
	return err_set(ei, ST_UNAVAILABLE, "%s port %u: no usable "
	    "authentication method (the server offers: %s)%s",
	    lg->srv->host, server_port(lg->srv), *offered ? offered : "none",
	    lg->tls == NULL ? "; it may offer more over TLS" : "");
}

int
login_password(struct login *lg, const char **pw_r, struct errinfo *ei)
{
	if (lg->password == NULL && secret_get(lg->srv, lg->service, lg->user,
	    lg->account, &lg->password, &lg->source, ei) < 0)
		return -1;
	*pw_r = lg->password;
	return 0;
}

void
login_apop_digest(const char *timestamp, const char *password, char hex[33])
{
	unsigned char d[16];
	struct md5 m;
	int i;

	md5_init(&m);
	md5_update(&m, timestamp, strlen(timestamp));
	md5_update(&m, password, strlen(password));
	md5_final(&m, d);
	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	wipe(d, sizeof(d));
}
