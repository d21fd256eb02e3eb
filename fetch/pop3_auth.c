/* pop3_auth: POP3 AUTH, USER/PASS and APOP. */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include <stdlib.h>

#include "pop3_auth.h"
#include "pp.h"
#include "sasl.h"
#include "xalloc.h"

/* A -ERR to a login: refused (77) unless its code says "later". */
static int
refused(struct pop3 *p, const char *how, struct errinfo *ei)
{
	char what[64];

	snprintf(what, sizeof(what), "login (%s)", how);
	pop3_error(p, what, ei);
	if (ei->st == ST_UNAVAILABLE)
		ei->st = ST_NOPERM;
	return -1;
}

static int
pop3_sasl_start(void *sess, const char *mech, const char *ir,
    struct errinfo *ei)
{
	struct pop3 *p = sess;
	char shown[80];

	if (ir == NULL)
		return pp_cmdf(p->c, ei, "AUTH %s", mech);
	snprintf(shown, sizeof(shown), "AUTH %s ", mech);
	/* RFC 5034: "=" is an empty initial response. */
	return conn_send_line(p->c, shown, *ir != '\0' ? ir : "=", ei);
}

static int
pop3_sasl_respond(void *sess, const char *line, struct errinfo *ei)
{
	struct pop3 *p = sess;

	if (strcmp(line, "*") == 0)
		return conn_send_line(p->c, "*", NULL, ei);
	return conn_send_line(p->c, "", line, ei);
}

static int
pop3_sasl_read(void *sess, enum sasl_answer *a_r, const char **chal_r,
    size_t *len_r, struct errinfo *ei)
{
	struct pop3 *p = sess;
	int rc;

	p->r.allow_cont = 1;
	rc = pop3_read(p, 0, ei);
	p->r.allow_cont = 0;
	if (rc < 0)
		return -1;
	switch (p->r.kind) {
	case POP3_CONT:
		*a_r = SASL_MORE;
		*chal_r = p->r.status.data;
		*len_r = p->r.status.len;
		return 0;
	case POP3_OK:
		*a_r = SASL_SUCCESS;
		return 0;
	case POP3_ERR:
		break;
	}
	*a_r = SASL_FAILURE;
	refused(p, "AUTH", ei);
	return 0;
}

static const struct sasl_ops pop3_sasl = {
	pop3_sasl_start, pop3_sasl_respond, pop3_sasl_read
};

static int
user_pass(struct pop3 *p, struct login *lg, struct errinfo *ei)
{
	const char *pw;
	int pipelined = (p->caps.flags & POP3_CAP_PIPELINING) != 0;

	if (login_password(lg, &pw, ei) < 0)
		return -1;
	if (conn_send_line(p->c, "USER ", lg->user, ei) < 0)
		return -1;
	if (!pipelined) {
		if (pop3_read(p, 0, ei) < 0)
			return -1;
		if (p->r.kind != POP3_OK)
			return refused(p, "USER", ei);
	}
	if (conn_send_line(p->c, "PASS ", pw, ei) < 0)
		return -1;
	if (pipelined) {
		if (pop3_read(p, 0, ei) < 0)
			return -1;
		if (p->r.kind != POP3_OK) {
			/* Keep in step: PASS is answered too. */
			struct errinfo dummy;

			refused(p, "USER", ei);
			if (pop3_read(p, 0, &dummy) < 0)
				p->broken = 1;
			return -1;
		}
	}
	if (pop3_read(p, 0, ei) < 0)
		return -1;
	if (p->r.kind != POP3_OK)
		return refused(p, "USER/PASS", ei);
	return 0;
}

static int
apop(struct pop3 *p, struct login *lg, struct errinfo *ei)
{
	const char *pw;
	char hex[33], *shown;
	int rc;

	if (login_password(lg, &pw, ei) < 0)
		return -1;
	login_apop_digest(p->apop, pw, hex);
	shown = xasprintf("APOP %s ", lg->user);
	rc = conn_send_line(p->c, shown, hex, ei);
	free(shown);
	wipe(hex, sizeof(hex));
	if (rc < 0 || pop3_read(p, 0, ei) < 0)
		return -1;
	if (p->r.kind != POP3_OK)
		return refused(p, "APOP", ei);
	return 0;
}

int
pop3_login(struct pop3 *p, struct login *lg, struct errinfo *ei)
{
	unsigned natives = 0;

	/* Without CAPA (RFC 1939 servers), USER/PASS is the usual way. */
	if (!p->have_capa || (p->caps.flags & POP3_CAP_USER))
		natives |= LOGIN_USERPASS;
	if (p->apop[0] != '\0')
		natives |= LOGIN_APOP;
	if (login_choose(lg, (p->caps.flags & POP3_CAP_SASL) ? p->caps.sasl :
	    "", natives, ei) < 0)
		return -1;
	if (lg->kind == LOGIN_NONE)
		return 0;
	log_debug("%s port %u: logging in as %s with %s", p->srv->host,
	    server_port(p->srv), lg->user, login_method_name(lg));
	if (lg->kind == LOGIN_SASL)
		return sasl_run(lg, &pop3_sasl, p, SASL_POP3_IR_MAX, ei);
	if (lg->native == LOGIN_APOP)
		return apop(p, lg, ei);
	return user_pass(p, lg, ei);
}
