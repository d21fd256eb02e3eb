/* imap_auth: IMAP AUTHENTICATE and LOGIN. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "imap_auth.h"
#include "log.h"
#include "sasl.h"
#include "xalloc.h"

#define IMAP_LOGIN_ARG_MAX 1024	/* bytes of a quoted user or password */

int
imap_quotable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80 || *s == '\r' || *s == '\n')
			return 0;
	return 1;
}

/* s as a quoted string into b ("a\"b"). */
static int
add_quoted(struct buf *b, const char *s)
{
	if (buf_addch(b, '"') < 0)
		return -1;
	for (; *s != '\0'; s++)
		if (((*s == '"' || *s == '\\') && buf_addch(b, '\\') < 0) ||
		    buf_addch(b, *s) < 0)
			return -1;
	return buf_addch(b, '"');
}

/*
 * The tagged answer to our command: OK, or a refusal (ST_NOPERM; [UNAVAILABLE]
 * is ST_TEMPFAIL), with the server's words.
 */
static int
tagged_result(struct imap *m, const char *how, struct errinfo *ei)
{
	char what[64];
	const char *code;
	size_t len;

	if (strcmp(m->r.tag, m->tag) != 0)
		return err_set(ei, ST_PROTOCOL, "%s port %u: answer with unknown "
		    "tag '%s'", m->srv->host, server_port(m->srv), m->r.tag);
	code = imap_resp_code(&m->r, &len);
	if (m->r.cond == IMAP_OK) {
		if (code == NULL || len < 10 ||
		    strncasecmp(code, "CAPABILITY", 10) != 0)
			m->have_caps = 0;	/* they may change: ask again */
		imap_note_caps(m);
		return 0;
	}
	snprintf(what, sizeof(what), "login (%s)", how);
	imap_error(m, what, ei);
	if (m->r.cond == IMAP_NO)
		ei->st = code != NULL && len >= 11 &&
		    strncasecmp(code, "UNAVAILABLE", 11) == 0 ? ST_TEMPFAIL :
		    ST_NOPERM;
	return -1;
}

/* Read up to a continuation request or the tagged answer. */
static int
read_answer(struct imap *m, const char *how, struct errinfo *ei)
{
	for (;;) {
		if (imap_read(m, ei) < 0)
			return -1;
		if (m->r.kind == IMAP_CONTINUE || m->r.kind == IMAP_TAGGED)
			return 0;
		if (m->r.cond == IMAP_BYE) {
			m->broken = 1;
			imap_error(m, how, ei);
			return -1;
		}
		imap_note_caps(m);
	}
}

static int
imap_sasl_start(void *sess, const char *mech, const char *ir,
    struct errinfo *ei)
{
	struct imap *m = sess;
	char shown[96];

	snprintf(shown, sizeof(shown), "%s AUTHENTICATE %s%s", imap_next_tag(m),
	    mech, ir != NULL ? " " : "");
	/* RFC 4959: "=" is an empty initial response. */
	return conn_send_line(m->c, shown, ir == NULL ? NULL : *ir != '\0' ?
	    ir : "=", ei);
}

static int
imap_sasl_respond(void *sess, const char *line, struct errinfo *ei)
{
	struct imap *m = sess;

	if (strcmp(line, "*") == 0)
		return conn_send_line(m->c, "*", NULL, ei);
	return conn_send_line(m->c, "", line, ei);
}

static int
imap_sasl_read(void *sess, enum sasl_answer *a_r, const char **chal_r,
    size_t *len_r, struct errinfo *ei)
{
	struct imap *m = sess;

	if (read_answer(m, "AUTHENTICATE", ei) < 0)
		return -1;
	if (m->r.kind == IMAP_CONTINUE) {
		*a_r = SASL_MORE;
		*chal_r = m->r.text.data;
		*len_r = m->r.text.len;
		return 0;
	}
	if (tagged_result(m, "AUTHENTICATE", ei) < 0) {
		*a_r = SASL_FAILURE;
		return ei->st == ST_PROTOCOL ? -1 : 0;
	}
	*a_r = SASL_SUCCESS;
	return 0;
}

static const struct sasl_ops imap_sasl = {
	imap_sasl_start, imap_sasl_respond, imap_sasl_read
};

/* LOGIN user password: the password quoted, or as a literal. */
static int
login_cmd(struct imap *m, struct login *lg, struct errinfo *ei)
{
	struct buf shown, secret;
	const char *pw;
	int rc = -1, literal;

	if (!imap_quotable(lg->user) || strlen(lg->user) > IMAP_LOGIN_ARG_MAX)
		return err_set(ei, ST_CONFIG, "%s port %u: IMAP LOGIN cannot carry "
		    "this user name; use an AUTHENTICATE mechanism (auth "
		    "plain)", m->srv->host, server_port(m->srv));
	if (login_password(lg, &pw, ei) < 0)
		return -1;
	literal = !imap_quotable(pw);
	buf_init(&shown, 2 * IMAP_LOGIN_ARG_MAX + 64);
	buf_init(&secret, 2 * IMAP_LOGIN_ARG_MAX + 4);
	buf_printf(&shown, "%s LOGIN ", imap_next_tag(m));
	add_quoted(&shown, lg->user);
	buf_addch(&shown, ' ');
	if (literal) {
		/* A literal: {n+} with LITERAL+, else wait for "+". */
		int plus = (m->caps.flags & IMAP_CAP_LITERALPLUS) != 0;

		buf_printf(&shown, "{%zu%s}", strlen(pw), plus ? "+" : "");
		if (conn_send_line(m->c, shown.data, NULL, ei) < 0)
			goto out;
		if (!plus) {
			if (read_answer(m, "LOGIN", ei) < 0)
				goto out;
			if (m->r.kind != IMAP_CONTINUE) {
				tagged_result(m, "IMAP LOGIN", ei);
				goto out;
			}
		}
		if (conn_send_line(m->c, "", pw, ei) < 0)
			goto out;
	} else {
		if (strlen(pw) > IMAP_LOGIN_ARG_MAX || add_quoted(&secret,
		    pw) < 0) {
			err_set(ei, ST_CONFIG, "the password is too long for "
			    "IMAP LOGIN");
			goto out;
		}
		if (conn_send_line(m->c, shown.data, secret.data, ei) < 0)
			goto out;
	}
	if (read_answer(m, "LOGIN", ei) < 0)
		goto out;
	if (m->r.kind == IMAP_CONTINUE) {
		m->broken = 1;
		err_set(ei, ST_PROTOCOL, "%s port %u: unexpected continuation "
		    "request after LOGIN", m->srv->host, server_port(m->srv));
		goto out;
	}
	rc = tagged_result(m, "IMAP LOGIN", ei);
out:
	buf_free(&shown);
	buf_free_secret(&secret);
	return rc;
}

int
imap_login(struct imap *m, struct login *lg, struct errinfo *ei)
{
	unsigned natives = (m->caps.flags & IMAP_CAP_LOGINDISABLED) ? 0 :
	    LOGIN_IMAPLOGIN;

	if (m->preauth)
		return 0;
	if (login_choose(lg, m->caps.auth, natives, ei) < 0)
		return -1;
	if (lg->kind == LOGIN_NONE)
		return 0;
	log_debug("%s port %u: logging in as %s with %s", m->srv->host,
	    server_port(m->srv), lg->user, login_method_name(lg));
	if (lg->kind == LOGIN_SASL)
		return sasl_run(lg, &imap_sasl, m, (m->caps.flags &
		    IMAP_CAP_SASL_IR) ? SASL_IR_MAX : 0, ei);
	return login_cmd(m, lg, ei);
}
