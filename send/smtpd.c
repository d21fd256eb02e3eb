/* smtpd: msend -bs, one SMTP session with the local caller. */
#include "autoconf.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "buf.h"
#include "durable.h"
#include "log.h"
#include "mailjob.h"
#include "settings.h"
#include "smtpd.h"
#include "smtpd_parse.h"
#include "smtpd_reply.h"
#include "xalloc.h"

#define IN_CHUNK	(64 * 1024)	/* bytes read at once */
#define WBUF_MAX	(64 * 1024)	/* message bytes written at once */
#define REPLIES_MAX	(256 * 1024)	/* replies held before a write */
#define REPLIES_FLUSH	(64 * 1024)	/* written once past this */
#define HOST_MAX	255

struct sess {
	const struct sendopts *so;
	struct cliopts *co;
	int in, out;
	struct smtpd_parse p;
	struct buf rep;			/* replies not yet written */
	char host[HOST_MAX + 1];	/* our name in the replies */
	int errors;			/* bad commands so far */
	int quit;
	int wfail;			/* writing a reply failed (errno) */
	/* The transaction: MAIL, RCPTs. */
	int mail;
	char *from;
	char *envid;			/* decoded, or NULL */
	enum smtpd_ret ret;
	unsigned notify;		/* SMTPD_NOTIFY_*, 0: not given */
	char **rcpts;
	size_t nrcpts;
	/* DATA: the message on its way to the temporary file. */
	int fd;
	unsigned long long size;	/* bytes as the client sent them */
	int toobig;
	int err;			/* errno of a failed write */
	char *wbuf;
	size_t wlen;
};

/* Forget the transaction (RSET, EHLO, after the final dot). */
static void
reset(struct sess *s)
{
	size_t i;

	free(s->from);
	free(s->envid);
	for (i = 0; i < s->nrcpts; i++)
		free(s->rcpts[i]);
	free(s->rcpts);
	s->from = s->envid = NULL;
	s->rcpts = NULL;
	s->nrcpts = 0;
	s->mail = 0;
	s->ret = SMTPD_RET_NONE;
	s->notify = 0;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->size = 0;
	s->toobig = s->err = 0;
	s->wlen = 0;
}

static void
reply(struct sess *s, int code, const char *enh, const char *text)
{
	smtpd_reply_line(&s->rep, code, 0, enh, text);
}

/* Write the queued replies; on failure remember why and drop them. */
static void
flush(struct sess *s)
{
	int err;

	if (s->rep.len == 0)
		return;
	if (s->wfail == 0 && (err = durable_write_all(s->out, s->rep.data,
	    s->rep.len)) != 0)
		s->wfail = err;
	buf_reset(&s->rep);
}

/* Our name: the host's, made of safe bytes only. */
static void
set_host(struct sess *s)
{
	size_t i;

	if (gethostname(s->host, sizeof(s->host) - 1) < 0 ||
	    s->host[0] == '\0')
		snprintf(s->host, sizeof(s->host), "localhost");
	s->host[sizeof(s->host) - 1] = '\0';
	for (i = 0; s->host[i] != '\0'; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789.-", s->host[i]) == NULL)
			s->host[i] = '-';
}

static void
ehlo(struct sess *s, int extended, const char *domain)
{
	char t[HOST_MAX + 96];

	reset(s);
	if (!extended) {
		reply(s, 250, NULL, s->host);
		return;
	}
	snprintf(t, sizeof(t), "%s greets %.*s", s->host, 64, domain);
	smtpd_reply_line(&s->rep, 250, 1, NULL, t);
	smtpd_reply_line(&s->rep, 250, 1, NULL, "PIPELINING");
	smtpd_reply_line(&s->rep, 250, 1, NULL, "8BITMIME");
	snprintf(t, sizeof(t), "SIZE %llu", SMTPD_SIZE_MAX);
	smtpd_reply_line(&s->rep, 250, 1, NULL, t);
	smtpd_reply_line(&s->rep, 250, 1, NULL, "ENHANCEDSTATUSCODES");
	smtpd_reply_line(&s->rep, 250, 1, NULL, "SMTPUTF8");
	smtpd_reply_line(&s->rep, 250, 1, NULL, "DSN");
	smtpd_reply_line(&s->rep, 250, 0, NULL, "HELP");
}

/* RFC 3461 4: xtext back to text; NULL when it is no usable ENVID. */
static char *
xtext_decode(const char *x)
{
	char *d = xmalloc(strlen(x) + 1), *o = d;

	for (; *x != '\0'; x++) {
		if (*x == '+') {
			unsigned v;

			if (sscanf(x + 1, "%2X", &v) != 1)
				break;
			*o++ = (char)v;
			x += 2;
		} else
			*o++ = *x;
	}
	*o = '\0';
	if (*x != '\0' || *d == '\0' || strlen(d) > 100 ||
	    strlen(d) != (size_t)(o - d) || !addr_envelope_ok(d)) {
		free(d);
		return NULL;
	}
	return d;
}

static void
mail(struct sess *s, const struct smtpd_event *ev)
{
	if (s->mail) {
		reply(s, 503, "5.5.1", "nested MAIL command");
		return;
	}
	if (ev->has_size && ev->size > SMTPD_SIZE_MAX) {
		reply(s, 552, "5.3.4", "message size exceeds the limit");
		return;
	}
	if (ev->envid != NULL && (s->envid = xtext_decode(ev->envid)) == NULL) {
		reply(s, 501, "5.5.4", "bad ENVID value");
		return;
	}
	s->from = xstrdup(ev->arg);
	s->ret = ev->ret;
	s->mail = 1;
	reply(s, 250, "2.1.0", "sender ok");
}

static void
rcpt(struct sess *s, const struct smtpd_event *ev)
{
	if (!s->mail) {
		reply(s, 503, "5.5.1", "need MAIL before RCPT");
		return;
	}
	if (s->nrcpts >= SMTPD_RCPTS_MAX) {
		reply(s, 452, "4.5.3", "too many recipients");
		return;
	}
	/* One dsn_notify per message: the first one given sets it. */
	if (ev->notify != 0 && s->notify != 0 && ev->notify != s->notify) {
		reply(s, 504, "5.5.4", "msend takes one NOTIFY value per "
		    "message: send this recipient in a message of its own");
		return;
	}
	if (ev->notify != 0)
		s->notify = ev->notify;
	s->rcpts = xreallocarray(s->rcpts, s->nrcpts + 1, sizeof(*s->rcpts));
	s->rcpts[s->nrcpts++] = xstrdup(ev->arg);
	reply(s, 250, "2.1.5", "recipient ok");
}

static void
data(struct sess *s)
{
	const char *dir = getenv("TMPDIR");
	struct errinfo ei;

	if (!s->mail) {
		reply(s, 503, "5.5.1", "need MAIL before DATA");
		return;
	}
	if (s->nrcpts == 0) {
		reply(s, 554, "5.5.1", "no valid recipients");
		return;
	}
	if ((s->fd = durable_tmpfile(dir != NULL && *dir != '\0' ? dir :
	    "/tmp", &ei)) < 0) {
		log_error("%s", ei.msg);
		reply(s, 451, "4.3.0", ei.msg);
		return;
	}
	reply(s, 354, NULL, "send the message, end with a line holding "
	    "only \".\"");
	flush(s);
	smtpd_start_data(&s->p);
}

/* Write the held message bytes to the temporary file. */
static void
wflush(struct sess *s)
{
	int err;

	if (s->wlen > 0 && s->err == 0 &&
	    (err = durable_write_all(s->fd, s->wbuf, s->wlen)) != 0)
		s->err = err;
	s->wlen = 0;
}

static void
wadd(struct sess *s, const char *p, size_t n)
{
	while (n > 0) {
		size_t k = n < WBUF_MAX - s->wlen ? n : WBUF_MAX - s->wlen;

		memcpy(s->wbuf + s->wlen, p, k);
		s->wlen += k;
		p += k;
		n -= k;
		if (s->wlen == WBUF_MAX)
			wflush(s);
	}
}

/* A piece of the body: kept with LF line ends, as on msend's stdin. */
static void
body(struct sess *s, const struct smtpd_event *ev)
{
	s->size += ev->len + (ev->eol ? 2 : 0);
	if (s->size > SMTPD_SIZE_MAX)
		s->toobig = 1;
	if (s->toobig || s->err != 0)
		return;
	wadd(s, ev->data, ev->len);
	if (ev->eol)
		wadd(s, "\n", 1);
}

/* The DSN settings the client asked for, on top of the command line's. */
static int
dsn_settings(const struct sess *s, struct setlist *set, struct errinfo *ei)
{
	char v[64] = "";

	if (s->ret != SMTPD_RET_NONE && setlist_add_side(set, "dsn_return",
	    SIDE_OUT, s->ret == SMTPD_RET_FULL ? "full" : "headers", ei) < 0)
		return -1;
	if (s->notify == 0)
		return 0;
	if (s->notify & SMTPD_NOTIFY_NEVER)
		snprintf(v, sizeof(v), "never");
	else
		snprintf(v, sizeof(v), "%s%s%s",
		    s->notify & SMTPD_NOTIFY_SUCCESS ? "success," : "",
		    s->notify & SMTPD_NOTIFY_FAILURE ? "failure," : "",
		    s->notify & SMTPD_NOTIFY_DELAY ? "delay," : "");
	v[strlen(v) - (v[strlen(v) - 1] == ',')] = '\0';
	return setlist_add_side(set, "dsn_notify", SIDE_OUT, v, ei);
}

/* The final dot: send the message as msend would, reply with the end. */
static void
end(struct sess *s)
{
	struct mailjob_out out;
	struct sendopts so;
	struct cliopts co;
	struct errinfo ei;
	int rc;

	wflush(s);
	if (s->toobig) {
		reply(s, 552, "5.3.4", "message size exceeds the limit");
		goto done;
	}
	if (s->err != 0 || lseek(s->fd, 0, SEEK_SET) != 0) {
		if (s->err == 0)
			s->err = errno;
		log_error("cannot keep the message in a temporary file: %s",
		    strerror(s->err));
		reply(s, s->err == ENOSPC ? 452 : 451, s->err == ENOSPC ?
		    "4.3.1" : "4.3.0", "cannot keep the message in a "
		    "temporary file");
		goto done;
	}
	/* The command line's options, this transaction's envelope. */
	so = *s->so;
	so.mode = SEND_MAIL;
	so.read_recipients = 0;
	so.read_envelope_from = 0;
	so.from = s->from;
	if (s->envid != NULL)
		so.envid = s->envid;
	so.qid = NULL;
	so.rcpts = s->rcpts;
	so.nrcpts = s->nrcpts;
	co = *s->co;
	setlist_init(&co.set);
	setlist_append(&co.set, &s->co->set);
	err_clear(&ei);
	memset(&out, 0, sizeof(out));
	if ((rc = dsn_settings(s, &co.set, &ei)) == 0)
		rc = mailjob_run(&so, &co, s->fd, &out, &ei);
	if (rc < 0)
		log_error("%s", ei.msg);
	smtpd_reply_outcome(&s->rep, rc, &ei, &out);
	setlist_free(&co.set);
done:
	reset(s);
	flush(s);
}

static void
command(struct sess *s, const struct smtpd_event *ev)
{
	switch (ev->verb) {
	case SMTPD_EHLO:
	case SMTPD_HELO:
		ehlo(s, ev->verb == SMTPD_EHLO, ev->arg);
		break;
	case SMTPD_MAIL:
		mail(s, ev);
		break;
	case SMTPD_RCPT:
		rcpt(s, ev);
		break;
	case SMTPD_DATA:
		data(s);
		break;
	case SMTPD_RSET:
		reset(s);
		reply(s, 250, "2.0.0", "ok");
		break;
	case SMTPD_NOOP:
		reply(s, 250, "2.0.0", "ok");
		break;
	case SMTPD_QUIT:
		reply(s, 221, "2.0.0", "bye");
		s->quit = 1;
		break;
	case SMTPD_VRFY:
		reply(s, 252, "2.5.0", "cannot verify the address, but will "
		    "take a message for it");
		break;
	case SMTPD_HELP:
		smtpd_reply_line(&s->rep, 214, 1, "2.0.0", "msend -bs: "
		    "SMTP for local programs (see msend(1))");
		reply(s, 214, "2.0.0", "commands: EHLO HELO MAIL RCPT DATA "
		    "RSET NOOP QUIT VRFY HELP");
		break;
	default:
		s->errors++;
		reply(s, 500, "5.5.2", "command not recognized");
		break;
	}
}

/* Handle every event in in[0..n). */
static void
feed(struct sess *s, const char *in, size_t n)
{
	struct smtpd_event ev;

	while (n > 0 && !s->quit && s->errors < SMTPD_ERRORS_MAX) {
		size_t used = smtpd_feed(&s->p, in, n, &ev);

		in += used;
		n -= used;
		switch (ev.kind) {
		case SMTPD_CMD:
			command(s, &ev);
			break;
		case SMTPD_ERROR:
			s->errors++;
			reply(s, ev.code, ev.code == 500 ? "5.5.2" : "5.5.4",
			    ev.msg);
			break;
		case SMTPD_BODY:
			body(s, &ev);
			break;
		case SMTPD_END:
			end(s);
			break;
		case SMTPD_NONE:
			break;
		}
		if (s->rep.len > REPLIES_FLUSH)
			flush(s);
	}
}

/* Wait for input: 1 ready, 0 timed out, -1 error (errno). */
static int
wait_input(int fd)
{
	struct pollfd pfd;
	int n;

	pfd.fd = fd;
	pfd.events = POLLIN;
	do
		n = poll(&pfd, 1, SMTPD_TIMEOUT * 1000);
	while (n < 0 && errno == EINTR);
	return n;
}

static int
session(struct sess *s, struct errinfo *ei)
{
	char *in = xmalloc(IN_CHUNK);
	ssize_t n = 0;
	int rc = 0;
	char greet[HOST_MAX + 32];

	/* "ESMTP" invites EHLO (RFC 5321 3.1). */
	snprintf(greet, sizeof(greet), "%s ESMTP msend", s->host);
	reply(s, 220, NULL, greet);
	for (;;) {
		flush(s);
		if (s->wfail != 0) {
			rc = err_set(ei, ST_IOERR, "cannot write to the SMTP "
			    "client: %s", strerror(s->wfail));
			break;
		}
		if (s->quit)
			break;
		if (s->errors >= SMTPD_ERRORS_MAX) {
			reply(s, 421, "4.7.0", "too many errors");
			flush(s);
			rc = err_set(ei, ST_PROTOCOL, "the SMTP client made %d "
			    "errors: session ended", s->errors);
			break;
		}
		if ((n = wait_input(s->in)) == 0) {
			reply(s, 421, "4.4.2", "timeout");
			flush(s);
			if (smtpd_in_data(&s->p))
				rc = err_set(ei, ST_TEMPFAIL, "no input from the "
				    "SMTP client for %d seconds in the middle of "
				    "a message: it is not sent", SMTPD_TIMEOUT);
			break;
		}
		if (n > 0)
			do
				n = read(s->in, in, IN_CHUNK);
			while (n < 0 && errno == EINTR);
		if (n < 0) {
			rc = err_set(ei, ST_IOERR, "cannot read from the SMTP "
			    "client: %s", strerror(errno));
			break;
		}
		if (n == 0) {
			if (smtpd_in_data(&s->p))
				rc = err_set(ei, ST_TEMPFAIL, "the SMTP client "
				    "ended its input in the middle of a "
				    "message: it is not sent");
			break;
		}
		feed(s, in, (size_t)n);
	}
	free(in);
	return rc;
}

int
smtpd_run(const struct sendopts *so, struct cliopts *co, int in, int out,
    struct errinfo *ei)
{
	struct sess s;
	int rc;

	if (so->nrcpts > 0)
		return err_set(ei, ST_USAGE, "-bs takes no recipient "
		    "arguments: they come with RCPT TO");
	memset(&s, 0, sizeof(s));
	s.so = so;
	s.co = co;
	s.in = in;
	s.out = out;
	s.fd = -1;
	smtpd_init(&s.p);
	buf_init(&s.rep, REPLIES_MAX);
	s.wbuf = xmalloc(WBUF_MAX);
	set_host(&s);
	rc = session(&s, ei);
	reset(&s);
	free(s.wbuf);
	buf_free(&s.rep);
	return rc;
}

int
smtpd_run_stdio(const struct sendopts *so, struct cliopts *co,
    struct errinfo *ei)
{
	int out, rc;

	fflush(stdout);
	if ((out = dup(1)) < 0)
		return err_set(ei, ST_OSERR, "cannot duplicate standard "
		    "output: %s", strerror(errno));
	if (dup2(2, 1) < 0)
		log_debug("standard output stays the SMTP channel: %s",
		    strerror(errno));
	rc = smtpd_run(so, co, 0, out, ei);
	close(out);
	return rc;
}
