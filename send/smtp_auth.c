/* smtp_auth: SMTP AUTH through the common SASL loop. */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "pp.h"
#include "sasl.h"
#include "smtp_auth.h"

static int
smtp_sasl_start(void *sess, const char *mech, const char *ir,
    struct errinfo *ei)
{
	struct smtp *s = sess;
	char shown[80];

	if (ir == NULL)
		return pp_cmdf(s->c, ei, "AUTH %s", mech);
	snprintf(shown, sizeof(shown), "AUTH %s ", mech);
	/* RFC 4954: "=" is an empty initial response. */
	return conn_send_line(s->c, shown, *ir != '\0' ? ir : "=", ei);
}

static int
smtp_sasl_respond(void *sess, const char *line, struct errinfo *ei)
{
	struct smtp *s = sess;

	if (strcmp(line, "*") == 0)
		return conn_send_line(s->c, "*", NULL, ei);
	return conn_send_line(s->c, "", line, ei);
}

static int
smtp_sasl_read(void *sess, enum sasl_answer *a_r, const char **chal_r,
    size_t *len_r, struct errinfo *ei)
{
	struct smtp *s = sess;
	char q[SMTP_LINE_MAX];

	if (smtp_read(s, ei) < 0)
		return -1;
	if (s->r.code == 334) {
		*a_r = SASL_MORE;
		*chal_r = smtp_reply_line(&s->r, 0, len_r);
		return 0;
	}
	if (SMTP_POSITIVE(&s->r)) {
		*a_r = SASL_SUCCESS;
		return 0;
	}
	*a_r = SASL_FAILURE;
	if (!SMTP_TRANSIENT(&s->r) && !SMTP_PERMANENT(&s->r)) {
		smtp_reply_error(s, "AUTH", ei);
		return 0;
	}
	err_set(ei, SMTP_TRANSIENT(&s->r) ? ST_TEMPFAIL : ST_NOPERM,
	    "%s port %u: login refused: server said: '%s'", s->srv->host,
	    server_port(s->srv), smtp_reply_quote(&s->r, q, sizeof(q)));
	return 0;
}

static const struct sasl_ops smtp_sasl = {
	smtp_sasl_start, smtp_sasl_respond, smtp_sasl_read
};

int
smtp_login(struct smtp *s, struct login *lg, struct errinfo *ei)
{
	const char *offered = (s->caps.flags & SMTP_CAP_AUTH) ? s->caps.auth :
	    "";
	const char *auth = s->srv->auth;

	if (auth != NULL && strcmp(auth, "off") == 0)
		return 0;
	if (*lg->user == '\0' && (auth == NULL ||
	    strcasecmp(auth, "EXTERNAL") != 0)) {
		/*
		 * No user and no address: nobody to log in as, nothing to
		 * look a password up for.  As msmtp with --host and no auth
		 * settings: send without AUTH when authentication is only
		 * the default; when it was asked for, say what is missing.
		 */
		if (auth == NULL) {
			log_debug("%s port %u: no user: sending without "
			    "logging in", s->srv->host, server_port(s->srv));
			return 0;
		}
		return err_set(ei, ST_CONFIG, "%s port %u: 'auth %s' needs a "
		    "user to log in as: give --user=NAME, or set 'user' (or "
		    "'address') in the account", s->srv->host,
		    server_port(s->srv), auth);
	}
	/* An LMTP server (local delivery) that asks for no login. */
	if (s->srv->lmtp && auth == NULL && !(s->caps.flags & SMTP_CAP_AUTH))
		return 0;
	if (!(s->caps.flags & SMTP_CAP_AUTH) && (auth == NULL ||
	    strcmp(auth, "on") == 0))
		return err_set(ei, ST_UNAVAILABLE, "%s port %u: the server offers "
		    "no authentication (no AUTH in its EHLO reply)%s; set 'auth "
		    "off' if it needs none", s->srv->host, server_port(s->srv),
		    conn_is_tls(s->c) ? "" : " on this unencrypted connection");
	if (login_choose(lg, offered, 0, ei) < 0)
		return -1;
	log_debug("%s port %u: logging in as %s with %s", s->srv->host,
	    server_port(s->srv), lg->user, login_method_name(lg));
	return sasl_run(lg, &smtp_sasl, s, SASL_IR_MAX, ei);
}
