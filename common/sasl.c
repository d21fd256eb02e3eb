/* sasl: the SASL exchange, through libgsasl or our own XOAUTH2/OAUTHBEARER. */
#include "autoconf.h"

#include <pthread.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gsasl.h>

#include "buf.h"
#include "sasl.h"
#include "scram.h"
#include "xalloc.h"

/* Rounds of challenge and response before we give up on a server. */
#define SASL_ROUNDS_MAX 16
/* Room for channel binding data (tls-unique is 12 bytes, exporter 32). */
#define SASL_CB_MAX 64

static Gsasl *gctx;
static pthread_once_t gctx_once = PTHREAD_ONCE_INIT;

static void
ctx_init(void)
{
	if (gsasl_init(&gctx) != GSASL_OK)
		gctx = NULL;
}

/* Made once, whichever thread logs in first (mfetch --daemon). */
static Gsasl *
ctx(void)
{
	pthread_once(&gctx_once, ctx_init);
	return gctx;
}

void
sasl_done(void)
{
	/* At exit only: a later login would find no context. */
	if (gctx != NULL)
		gsasl_done(gctx);
	gctx = NULL;
}

static int
is_oauth(const char *mech)
{
	return strcasecmp(mech, "XOAUTH2") == 0 ||
	    strcasecmp(mech, "OAUTHBEARER") == 0;
}

int
sasl_supported(const char *mech)
{
	if (is_oauth(mech))
		return 1;
	return ctx() != NULL && gsasl_client_support_p(ctx(), mech);
}

int
sasl_b64_encode(const char *in, size_t len, char **out_r)
{
	size_t outlen;

	if (len == 0) {
		*out_r = xstrdup("");
		return 0;
	}
	return gsasl_base64_to(in, len, out_r, &outlen) == GSASL_OK ? 0 : -1;
}

int
sasl_b64_decode(const char *in, size_t len, char **out_r, size_t *outlen_r)
{
	*out_r = NULL;
	*outlen_r = 0;
	if (len == 0)
		return 0;
	return gsasl_base64_from(in, len, out_r, outlen_r) == GSASL_OK ? 0 : -1;
}

static void
free_secret_n(char *p, size_t n)
{
	if (p != NULL) {
		wipe(p, n);
		free(p);
	}
}

/* GSSAPI's service names: "pop" for POP3. */
static const char *
gss_service(const char *service)
{
	return strcmp(service, "pop3") == 0 ? "pop" : service;
}

/* RFC 7628 saslname: ',' and '=' escaped. */
static void
add_saslname(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == ',')
			buf_addstr(b, "=2C");
		else if (*s == '=')
			buf_addstr(b, "=3D");
		else
			buf_addch(b, *s);
	}
}

/* The one message of XOAUTH2 or OAUTHBEARER, base64. */
static char *
oauth_message(const struct login *lg, const char *token)
{
	struct buf m;
	char *b64 = NULL;

	buf_init(&m, 64 * 1024);
	if (strcasecmp(lg->mech, "XOAUTH2") == 0) {
		buf_printf(&m, "user=%s\001auth=Bearer %s\001\001", lg->user,
		    token);
	} else {
		buf_addstr(&m, "n,a=");
		add_saslname(&m, lg->user);
		buf_printf(&m, ",\001host=%s\001port=%u\001auth=Bearer %s"
		    "\001\001", lg->srv->host, server_port(lg->srv), token);
	}
	if (sasl_b64_encode(m.data, m.len, &b64) < 0)
		b64 = NULL;
	buf_free_secret(&m);
	return b64;
}

/* Give libgsasl what the mechanism may ask for. */
static int
set_properties(struct login *lg, Gsasl_session *s, const char *pw,
    struct errinfo *ei)
{
	gsasl_property_set(s, GSASL_AUTHID, lg->user);
	if (pw != NULL)
		gsasl_property_set(s, GSASL_PASSWORD, pw);
	gsasl_property_set(s, GSASL_SERVICE, gss_service(lg->service));
	gsasl_property_set(s, GSASL_HOSTNAME, lg->srv->host);
	if (strstr(lg->mech, "-PLUS") != NULL) {
		unsigned char cb[SASL_CB_MAX];
		const char *type = NULL;
		ssize_t n = lg->tls != NULL ? tls_channel_binding(lg->tls, &type,
		    cb, sizeof(cb)) : -1;
		char *b64;

		if (n <= 0 || sasl_b64_encode((const char *)cb, (size_t)n,
		    &b64) < 0)
			return err_set(ei, ST_UNAVAILABLE, "%s: no TLS channel "
			    "binding data on this connection", lg->mech);
		gsasl_property_set(s, strcmp(type, "tls-exporter") == 0 ?
		    GSASL_CB_TLS_EXPORTER : GSASL_CB_TLS_UNIQUE, b64);
		free(b64);
	}
	return 0;
}

/*
 * One libgsasl step on a raw challenge; *out_r is the base64 response.
 * Returns GSASL_OK (finished), GSASL_NEEDS_MORE, or an error code.
 */
static int
step(Gsasl_session *s, const char *in, size_t inlen, char **out_r)
{
	char *out = NULL;
	size_t outlen = 0;
	int rc = gsasl_step(s, in, inlen, &out, &outlen);

	*out_r = NULL;
	if (rc == GSASL_OK || rc == GSASL_NEEDS_MORE) {
		if (sasl_b64_encode(out != NULL ? out : "", outlen, out_r) < 0)
			rc = GSASL_BASE64_ERROR;
	}
	free_secret_n(out, outlen);
	return rc;
}

static int
server_speaks_first(const char *mech)
{
	return strcasecmp(mech, "LOGIN") == 0 ||
	    strcasecmp(mech, "CRAM-MD5") == 0 ||
	    strcasecmp(mech, "DIGEST-MD5") == 0;
}

static int
needs_password(const char *mech)
{
	return strcasecmp(mech, "EXTERNAL") != 0 &&
	    strcasecmp(mech, "GSSAPI") != 0 &&
	    strcasecmp(mech, "ANONYMOUS") != 0;
}

static int
is_scram(const char *mech)
{
	return strncasecmp(mech, "SCRAM-", 6) == 0;
}

struct exchange {
	struct login *lg;
	const struct sasl_ops *ops;
	void *sess;
	Gsasl_session *s;
	int finished;		/* the mechanism has nothing more to say */
	int challenges;		/* challenges answered so far */
	char *pending;		/* first response, waiting for "+ " */
	char oauth_error[300];	/* the JSON error an OAuth2 server sent */
};

/* Cancel after a bad challenge; the server's answer is read and dropped. */
static int
cancel(struct exchange *x, enum status st, const char *why,
    struct errinfo *ei)
{
	struct errinfo dummy;
	enum sasl_answer a;
	const char *c;
	size_t l;

	if (x->ops->respond(x->sess, "*", &dummy) == 0)
		x->ops->read(x->sess, &a, &c, &l, &dummy);
	return err_set(ei, st, "%s port %u: %s authentication: %s",
	    x->lg->srv->host, server_port(x->lg->srv), x->lg->mech, why);
}

/* Answer one challenge.  Returns 0 or -1. */
static int
answer(struct exchange *x, const char *chal, size_t len, struct errinfo *ei)
{
	char *raw = NULL, *out = NULL;
	size_t rawlen = 0;
	int rc;

	if (len > SASL_CHALLENGE_MAX)
		return cancel(x, ST_PROTOCOL, "server challenge too long", ei);
	if (x->pending != NULL) {
		/* The empty challenge we waited for: send the first response. */
		rc = x->ops->respond(x->sess, x->pending, ei);
		xfree_secret(x->pending);
		x->pending = NULL;
		return rc;
	}
	if (sasl_b64_decode(chal, len, &raw, &rawlen) < 0)
		return cancel(x, ST_PROTOCOL, "malformed base64 in the server's "
		    "challenge", ei);
	if (x->s == NULL) {
		/* XOAUTH2/OAUTHBEARER: a challenge is the server's error. */
		char q[sizeof(x->oauth_error)];

		err_quote(q, sizeof(q), raw != NULL ? raw : "", rawlen);
		snprintf(x->oauth_error, sizeof(x->oauth_error), "%s", q);
		free(raw);
		return x->ops->respond(x->sess, strcasecmp(x->lg->mech,
		    "OAUTHBEARER") == 0 ? "AQ==" : "", ei);
	}
	if (x->finished) {
		free(raw);
		return cancel(x, ST_PROTOCOL, "unexpected challenge after the "
		    "exchange ended", ei);
	}
	if (x->challenges++ == 0 && is_scram(x->lg->mech)) {
		/* The server-first-message: bound the work it asks for. */
		unsigned long iter;
		char why[160];

		if (scram_iterations(raw != NULL ? raw : "", rawlen, &iter) == 0 &&
		    iter > SCRAM_ITER_MAX) {
			free_secret_n(raw, rawlen);
			snprintf(why, sizeof(why), "the server asks for %lu "
			    "iterations, more than the %lu accepted (a hostile "
			    "server could burn the CPU)", iter, SCRAM_ITER_MAX);
			return cancel(x, ST_PROTOCOL, why, ei);
		}
	}
	rc = step(x->s, raw, rawlen, &out);
	free_secret_n(raw, rawlen);
	if (rc != GSASL_OK && rc != GSASL_NEEDS_MORE) {
		char why[200];

		snprintf(why, sizeof(why), "%s%s", gsasl_strerror(rc),
		    rc == GSASL_AUTHENTICATION_ERROR ? " (the server could not "
		    "prove it knows the password: refusing it)" : "");
		return cancel(x, rc == GSASL_AUTHENTICATION_ERROR ? ST_NOPERM :
		    ST_PROTOCOL, why, ei);
	}
	x->finished = rc == GSASL_OK;
	rc = x->ops->respond(x->sess, out, ei);
	xfree_secret(out);
	return rc;
}

static int
start(struct exchange *x, size_t ir_max, struct errinfo *ei)
{
	struct login *lg = x->lg;
	const char *pw = NULL;
	char *first = NULL;
	int rc;

	if (needs_password(lg->mech) && login_password(lg, &pw, ei) < 0)
		return -1;
	if (is_oauth(lg->mech)) {
		first = oauth_message(lg, pw);
		x->finished = 1;
		if (first == NULL)
			return err_set(ei, ST_SOFTWARE, "cannot encode the token");
	} else {
		if (ctx() == NULL || gsasl_client_start(ctx(), lg->mech,
		    &x->s) != GSASL_OK)
			return err_set(ei, ST_SOFTWARE, "libgsasl cannot start %s",
			    lg->mech);
		if (set_properties(lg, x->s, pw, ei) < 0)
			return -1;
		if (!server_speaks_first(lg->mech)) {
			rc = step(x->s, NULL, 0, &first);
			if (rc == GSASL_GSSAPI_INIT_SEC_CONTEXT_ERROR)
				return err_set(ei, ST_NOPERM, "GSSAPI: no "
				    "Kerberos ticket for %s@%s could be had "
				    "(klist shows your tickets, kinit gets "
				    "one)", gss_service(lg->service),
				    lg->srv->host);
			if (rc != GSASL_OK && rc != GSASL_NEEDS_MORE)
				return err_set(ei, ST_CONFIG, "%s: %s", lg->mech,
				    gsasl_strerror(rc));
			x->finished = rc == GSASL_OK;
		}
	}
	if (first == NULL)
		return x->ops->start(x->sess, lg->mech, NULL, ei);
	if (strlen(first) <= ir_max) {
		rc = x->ops->start(x->sess, lg->mech, first, ei);
		xfree_secret(first);
		return rc;
	}
	x->pending = first;
	return x->ops->start(x->sess, lg->mech, NULL, ei);
}

int
sasl_run(struct login *lg, const struct sasl_ops *ops, void *sess,
    size_t ir_max, struct errinfo *ei)
{
	struct exchange x;
	int rounds, rc = -1;

	memset(&x, 0, sizeof(x));
	x.lg = lg;
	x.ops = ops;
	x.sess = sess;
	if (start(&x, ir_max, ei) < 0)
		goto out;
	for (rounds = 0; rounds < SASL_ROUNDS_MAX; rounds++) {
		enum sasl_answer a;
		const char *chal;
		size_t len;

		if (ops->read(sess, &a, &chal, &len, ei) < 0)
			goto out;
		if (a == SASL_FAILURE) {
			if (x.oauth_error[0] != '\0') {
				err_prefix(ei, "OAuth2 token refused (%s): ",
				    x.oauth_error);
			}
			goto out;
		}
		if (a == SASL_SUCCESS) {
			if (x.s != NULL && !x.finished && is_scram(lg->mech)) {
				err_set(ei, ST_NOPERM, "%s port %u: the server "
				    "accepted %s without proving it knows the "
				    "password: refusing it", lg->srv->host,
				    server_port(lg->srv), lg->mech);
				goto out;
			}
			rc = 0;
			goto out;
		}
		if (answer(&x, chal, len, ei) < 0)
			goto out;
	}
	err_set(ei, ST_PROTOCOL, "%s port %u: %s authentication does not end",
	    lg->srv->host, server_port(lg->srv), lg->mech);
out:
	xfree_secret(x.pending);
	if (x.s != NULL)
		gsasl_finish(x.s);
	return rc;
}
