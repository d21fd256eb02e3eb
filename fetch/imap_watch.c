/* imap_watch: one folder watched with IDLE, driven by an event loop. */
#include "autoconf.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "folders.h"
#include "imap_sess.h"
#include "imap_watch.h"
#include "pp.h"
#include "log.h"
#include "xalloc.h"

enum phase {
	PH_IDLE_SENT,		/* waiting for "+" */
	PH_IDLING,
	PH_DONE_SENT		/* waiting for IDLE's tagged answer */
};

struct imap_watch {
	struct isess *s;
	enum phase ph;
	unsigned tag;		/* of the IDLE in progress */
};

/*
 * A watcher is silent for up to idle_interval: keepalive probes find a
 * peer that vanished (a laptop's network changed, a NAT forgot us)
 * within some two minutes instead of the kernel's two hours.
 */
static void
keepalive(int fd)
{
	int on = 1, idle = 60, intvl = 15, cnt = 4;

	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
}

static int
send_idle(struct imap_watch *w, struct errinfo *ei)
{
	if (isess_send(w->s, SLOT_OTHER, 0, &w->tag, ei, "IDLE") < 0 ||
	    conn_flush(w->s->m.c, ei) < 0)
		return -1;
	w->ph = PH_IDLE_SENT;
	return 0;
}

/* IDLE's tagged answer came: 0 (OK), or -1 (refused: ei). */
static int
idle_answered(struct imap_watch *w, struct errinfo *ei)
{
	struct slot *sl = isess_slot(w->s, w->tag);
	int ok = sl->ok;
	char why[IMAP_WHY_MAX];

	snprintf(why, sizeof(why), "%s", sl->why);
	isess_forget(w->s, w->tag);
	w->tag = 0;
	if (!ok)
		return err_set(ei, ST_UNAVAILABLE, "%s port %u: IDLE refused: "
		    "server said: '%s'", w->s->m.srv->host,
		    server_port(w->s->m.srv), why);
	return 0;
}

/* Is IDLE's tagged answer in? */
static int
idle_done(const struct imap_watch *w)
{
	struct slot *sl = w->tag != 0 ? isess_slot(w->s, w->tag) : NULL;

	return sl != NULL && sl->done > 0;
}

/*
 * One response in s->m.r: 1 new mail, 0 nothing to do, -1.  Untagged
 * data goes through the fetch's handler (BYE, [ALERT], EXISTS).
 */
static int
handle(struct imap_watch *w, struct errinfo *ei)
{
	struct isess *s = w->s;
	uint32_t before = s->exists;

	if (s->m.r.kind == IMAP_CONTINUE) {
		if (w->ph != PH_IDLE_SENT)
			return isess_protocol_error(s, ei, "unexpected "
			    "continuation request", s->m.r.text.data);
		w->ph = PH_IDLING;
		return 0;
	}
	if (isess_handle(s, ei) < 0)
		return -1;
	if (idle_done(w)) {
		if (idle_answered(w, ei) < 0)
			return -1;
		if (w->ph == PH_IDLE_SENT)
			/* OK without "+": ended at once; start again. */
			log_debug("IDLE ended without a continuation");
		if (send_idle(w, ei) < 0)
			return -1;
	}
	return s->exists > before ? 1 : 0;
}

static void
drop_extras(struct isess *s)
{
	/* A watcher never takes in a body: the fetch's big buffers go. */
	free(s->out);
	s->out = NULL;
	buf_free(&s->move_wire);
	buf_init(&s->move_wire, 16);
	s->m.r.lit = NULL;
}

int
imap_watch_open(struct imap_watch **w_r, const struct account *a,
    const char *folder, struct errinfo *ei)
{
	struct imap_watch *w = xcalloc(1, sizeof(*w));
	struct errinfo dei;
	char what[IMAP_NAME_MAX + 32];
	int r;

	*w_r = NULL;
	err_clear(&dei);
	if (isess_open(&w->s, a, NULL, ei) < 0)
		goto fail;
	drop_extras(w->s);
	w->s->folder = folder;
	if (isess_wire_name(w->s, folder, &w->s->wire, ei) < 0)
		goto fail;
	snprintf(what, sizeof(what), "EXAMINE '%s'", folder);
	w->s->selecting = 1;
	r = isess_command(w->s, what, &dei, ei, "EXAMINE %s",
	    w->s->wire.data);
	w->s->selecting = 0;
	w->s->folder = NULL;
	if (r != 0) {
		if (r > 0)
			*ei = dei;
		goto fail;
	}
	if (!(w->s->m.caps.flags & IMAP_CAP_IDLE)) {
		err_set(ei, ST_UNAVAILABLE, "%s port %u: the server cannot "
		    "IDLE", a->in.host, server_port(&a->in));
		imap_watch_close(w);
		return 1;
	}
	if (send_idle(w, ei) < 0)
		goto fail;
	while (w->ph == PH_IDLE_SENT) {
		if (imap_read(&w->s->m, ei) < 0)
			goto fail;
		if (w->s->m.r.kind == IMAP_CONTINUE) {
			w->ph = PH_IDLING;
			break;
		}
		if (isess_handle(w->s, ei) < 0)
			goto fail;
		if (idle_done(w)) {
			if (idle_answered(w, ei) < 0) {
				imap_watch_close(w);
				return 1;
			}
			if (send_idle(w, ei) < 0)
				goto fail;
		}
	}
	keepalive(w->s->m.c->fd);
	if (w->s->m.c->tls != NULL)
		tls_release_buffers(w->s->m.c->tls);
	*w_r = w;
	return 0;
fail:
	imap_watch_close(w);
	return -1;
}

int
imap_watch_fd(const struct imap_watch *w)
{
	return w->s->m.c->fd;
}

int
imap_watch_busy(const struct imap_watch *w)
{
	return w->ph != PH_IDLING;
}

int
imap_watch_input(struct imap_watch *w, struct errinfo *ei)
{
	int n = 0, r;

	for (;;) {
		r = imap_read_nowait(&w->s->m, ei);
		if (r == 1)
			return n;
		if (r < 0)
			return -1;
		r = handle(w, ei);
		if (r < 0) {
			w->s->m.broken = 1;
			return -1;
		}
		n += r;
	}
}

int
imap_watch_renew(struct imap_watch *w, struct errinfo *ei)
{
	if (w->ph != PH_IDLING)
		return 0;
	if (conn_send_line(w->s->m.c, "DONE", NULL, ei) < 0 ||
	    conn_flush(w->s->m.c, ei) < 0) {
		w->s->m.broken = 1;
		return -1;
	}
	w->ph = PH_DONE_SENT;
	return 0;
}

void
imap_watch_close(struct imap_watch *w)
{
	struct errinfo ei;

	if (w == NULL)
		return;
	if (w->s != NULL && w->s->m.c != NULL && !w->s->m.broken) {
		/*
		 * Say goodbye without waiting for the answers: the
		 * server's log shows a LOGOUT rather than a drop.
		 */
		err_clear(&ei);
		if (w->ph == PH_IDLING)
			conn_send_line(w->s->m.c, "DONE", NULL, &ei);
		if (pp_cmdf(w->s->m.c, &ei, "%s LOGOUT",
		    imap_next_tag(&w->s->m)) == 0)
			conn_flush(w->s->m.c, &ei);
		w->s->m.broken = 1;	/* imap_close(): no LOGOUT again */
	}
	isess_close(w->s);
	free(w);
}

int
imap_watch_folders(const struct account *a, char ***names_r, size_t *n_r,
    struct errinfo *ei)
{
	struct isess *s = NULL;
	struct names out;
	struct errinfo dei;
	int r;

	memset(&out, 0, sizeof(out));
	err_clear(&dei);
	*names_r = NULL;
	*n_r = 0;
	if (isess_open(&s, a, NULL, ei) < 0) {
		isess_close(s);
		return -1;
	}
	r = isess_resolve(s, &out, &dei, ei);
	isess_close(s);
	if (r != 0) {
		if (r > 0)
			*ei = dei;
		names_free(&out);
		return -1;
	}
	*names_r = out.v;
	*n_r = out.n;
	return 0;
}

void
imap_watch_names_free(char **names, size_t n)
{
	struct names l;

	l.v = names;
	l.n = n;
	names_free(&l);
}
