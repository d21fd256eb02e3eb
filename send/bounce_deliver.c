/*
 * bounce_deliver: a bounce into the sender's mailbox through the sinks
 * (common/sink.h), the original streamed back out of its spool, and the
 * log line that tells what became of it.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "bounce.h"
#include "crlf.h"
#include "esc.h"
#include "log.h"
#include "spool.h"
#include "sys.h"
#include "wire.h"
#include "xalloc.h"

#define PIECE	(64 * 1024)	/* wire bytes turned back at once */

/* The original's body on its way from the spool to the sink. */
struct unwire {
	struct sink *s;
	struct wire w;		/* dot-unstuffing: the position in a line */
	struct crlf c;		/* CR LF to LF */
	char *tmp, *out;	/* PIECE and CRLF_OUT_MAX(PIECE) bytes */
};

static int
unwire_out(void *arg, const char *p, size_t n, struct errinfo *ei)
{
	struct unwire *u = arg;

	while (n > 0) {
		size_t k = n < PIECE ? n : PIECE, m;

		m = wire_unstuff(&u->w, p, k, u->tmp);
		m = crlf_decode(&u->c, u->tmp, m, u->out);
		if (m > 0 && u->s->ops->write(u->s, u->out, m, ei) < 0)
			return -1;
		p += k;
		n -= k;
	}
	return 0;
}

/* Write the body of sp, as text, to s. */
static int
body(struct sink *s, struct spool *sp, struct errinfo *ei)
{
	struct unwire u;
	size_t m;
	int rc;

	u.s = s;
	wire_init(&u.w);
	crlf_init(&u.c);
	u.tmp = xmalloc(PIECE);
	u.out = xmalloc(CRLF_OUT_MAX(PIECE));
	rc = spool_replay(sp, unwire_out, &u, ei);
	if (rc == 0 && (m = crlf_finish(&u.c, u.out)) > 0)
		rc = s->ops->write(s, u.out, m, ei);
	free(u.tmp);
	free(u.out);
	return rc;
}

static void
random_boundary(char *out)
{
	unsigned char r[BOUNCE_RANDOM_LEN];
	size_t got = 0;

	while (got < sizeof(r)) {
		ssize_t n = getrandom(r + got, sizeof(r) - got, 0);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got < sizeof(r)) {
		/* No kernel randomness: still unlikely in a message. */
		unsigned long long x = (unsigned long long)time(NULL) ^
		    ((unsigned long long)getpid() << 20) ^
		    (unsigned long long)(size_t)r;
		size_t i;

		for (i = 0; i < sizeof(r); i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			r[i] = (unsigned char)(x >> 33);
		}
	}
	bounce_boundary(r, sizeof(r), out);
}

char *
bounce_target(const char *bounce_to)
{
	const char *home;

	if (bounce_to != NULL && *bounce_to != '\0')
		return xstrdup(bounce_to);
	home = sys_home();
	return xasprintf("mbox,%s/dead.letter", strcmp(home, "/") == 0 ? "" :
	    home);
}

static int
has_8bit(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] > 127)
			return 1;
	return 0;
}

int
bounce_deliver(const struct bounce *b, const char *bounce_to,
    const struct sink_opts *so, const struct buf *hdr, struct spool *sp,
    struct errinfo *ei)
{
	struct bounce bb = *b;
	char boundary[BOUNCE_BOUNDARY_MAX + 1];
	struct sink_msg m;
	struct sink *s = NULL;
	struct buf top;
	char *spec;
	int begun = 0, rc = -1;

	if (b->sender == NULL || *b->sender == '\0')
		return BOUNCE_NULL_SENDER;
	bb.eightbit = b->eightbit || sp->body.eightbit ||
	    has_8bit(hdr->data, hdr->len);
	random_boundary(boundary);
	buf_init(&top, BOUNCE_TOP_MAX);
	if (bounce_compose(&bb, boundary, &top, ei) < 0) {
		buf_free(&top);
		return -1;
	}
	spec = bounce_target(bounce_to);
	if (sink_new(spec, so, &s, ei) < 0)
		goto out;
	m.from = "MAILER-DAEMON";
	m.received = (time_t)b->now;
	if (s->ops->begin(s, &m, ei) < 0)
		goto out;
	begun = 1;
	/* The original: its header block, the empty line, its body. */
	if (s->ops->write(s, top.data, top.len, ei) < 0 ||
	    (hdr->len > 0 && s->ops->write(s, hdr->data, hdr->len, ei) < 0) ||
	    s->ops->write(s, "\n", 1, ei) < 0 || body(s, sp, ei) < 0)
		goto out;
	buf_reset(&top);
	bounce_close(boundary, &top);
	if (s->ops->write(s, top.data, top.len, ei) < 0)
		goto out;
	/* Staging ends the message begun: nothing is left to abort. */
	begun = 0;
	if (sink_commit(s, ei) < 0)
		goto out;
	rc = BOUNCE_DELIVERED;
out:
	if (s != NULL) {
		if (begun)
			sink_abort(s);
		if (s->ops->release != NULL)
			s->ops->release(s);
		sink_free(s);
	}
	free(spec);
	buf_free(&top);
	return rc;
}

/* The failed recipients for a log line, escaped, the first few. */
static void
rcpt_list(const struct bounce *b, char *out, size_t outsz)
{
	struct buf l;
	size_t i;

	buf_init(&l, 4096);
	for (i = 0; i < b->nrcpt && i < 5; i++) {
		const char *a = b->rcpt[i].addr != NULL ? b->rcpt[i].addr : "";

		buf_addstr(&l, i > 0 ? ", <" : "<");
		esc_buf(&l, a, strlen(a));
		buf_addch(&l, '>');
	}
	if (b->nrcpt > 5)
		buf_printf(&l, " and %zu more", b->nrcpt - 5);
	snprintf(out, outsz, "%s", l.data);
	buf_free(&l);
}

void
bounce_log(const struct bounce *b, const char *target, int rc,
    const struct errinfo *ei)
{
	char id[128], sender[400], where[600], rcpt[2048];
	const char *t = target != NULL ? target : "";
	const char *snd = b->sender != NULL ? b->sender : "";

	esc_text(id, sizeof(id), b->id != NULL ? b->id : "-",
	    strlen(b->id != NULL ? b->id : "-"));
	esc_text(sender, sizeof(sender), snd, strlen(snd));
	esc_text(where, sizeof(where), t, strlen(t));
	rcpt_list(b, rcpt, sizeof(rcpt));
	if (rc == BOUNCE_DELIVERED)
		log_info("%s: bounce to <%s> for %s written to %s", id, sender,
		    rcpt, where);
	else if (rc == BOUNCE_NULL_SENDER)
		log_error("%s: no bounce for the null sender: %s failed", id,
		    rcpt);
	else
		log_error("%s: cannot write the bounce to <%s> for %s into %s: "
		    "%s", id, sender, rcpt, where, ei != NULL ? ei->msg : "");
}
