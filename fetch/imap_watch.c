/* imap_watch: one folder watched with IDLE, driven by an event loop. */
#include "autoconf.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "folders.h"
#include "imap_sess.h"
#include "imap_watch.h"
#include "pp.h"
#include "log.h"
#include "mutf7.h"
#include "xalloc.h"

enum phase {
	PH_IDLE_SENT,		/* waiting for "+" */
	PH_IDLING,
	PH_DONE_SENT,		/* waiting for IDLE's tagged answer */
	PH_NOTIFY_SENT		/* waiting for NOTIFY's */
};

struct wfolder {
	char *name;		/* UTF-8 */
	uint32_t uidnext, messages;
	int known;		/* a STATUS told them */
};

struct imap_watch {
	struct isess *s;
	enum phase ph;
	unsigned tag;		/* of the IDLE or NOTIFY in progress */
	int notify;		/* all folders through NOTIFY */
	int idle_refused;	/* IDLE refused, or ended without "+" */
	int notify_refused;
	struct wfolder *f;
	size_t nf;
	imap_watch_fn fn;	/* during imap_watch_input() */
	void *arg;
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

static void
report(struct imap_watch *w, const char *folder)
{
	if (w->fn != NULL)
		w->fn(w->arg, folder);
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

/* End the IDLE: DONE. */
static int
send_done(struct imap_watch *w, struct errinfo *ei)
{
	if (conn_send_line(w->s->m.c, "DONE", NULL, ei) < 0 ||
	    conn_flush(w->s->m.c, ei) < 0)
		return -1;
	w->ph = PH_DONE_SENT;
	return 0;
}

#define NOTIFY_EVENTS	"(MessageNew MessageExpunge)"

/* NOTIFY SET for the folders; "personal" when they do not fit. */
static int
send_notify(struct imap_watch *w, struct errinfo *ei)
{
	struct buf cmd, name;
	size_t i;
	int r;

	buf_init(&cmd, CONN_CMD_MAX);
	buf_init(&name, IMAP_NAME_MAX * 8 + 16);
	r = buf_addstr(&cmd, "NOTIFY SET STATUS (mailboxes (");
	for (i = 0; r == 0 && i < w->nf; i++) {
		if (isess_wire_name(w->s, w->f[i].name, &name, ei) < 0) {
			buf_free(&cmd);
			buf_free(&name);
			return -1;
		}
		r = buf_addstr(&cmd, i > 0 ? " " : "");
		if (r == 0)
			r = buf_addstr(&cmd, name.data);
	}
	if (r == 0)
		r = buf_addstr(&cmd, ") " NOTIFY_EVENTS ")");
	buf_free(&name);
	if (r < 0 || cmd.len > CONN_CMD_MAX - 64) {
		/* Too many to name: every personal folder, sorted out here. */
		buf_reset(&cmd);
		buf_addstr(&cmd, "NOTIFY SET STATUS (personal " NOTIFY_EVENTS
		    ")");
	}
	r = isess_send(w->s, SLOT_OTHER, 0, &w->tag, ei, "%s", cmd.data);
	buf_free(&cmd);
	if (r < 0 || conn_flush(w->s->m.c, ei) < 0)
		return -1;
	w->ph = PH_NOTIFY_SENT;
	return 0;
}

/* The tagged answer to the IDLE or NOTIFY in progress came: what next. */
static int
answered(struct imap_watch *w, struct errinfo *ei)
{
	struct slot *sl = isess_slot(w->s, w->tag);
	int ok = sl->ok;
	char why[IMAP_WHY_MAX];

	snprintf(why, sizeof(why), "%s", sl->why);
	isess_forget(w->s, w->tag);
	w->tag = 0;
	if (!ok) {
		if (w->ph == PH_IDLE_SENT)
			w->idle_refused = 1;
		if (w->ph == PH_NOTIFY_SENT)
			w->notify_refused = 1;
		return err_set(ei, ST_UNAVAILABLE, "%s port %u: %s refused: "
		    "server said: '%s'", w->s->m.srv->host,
		    server_port(w->s->m.srv), w->ph == PH_NOTIFY_SENT ?
		    "NOTIFY" : "IDLE", why);
	}
	if (w->ph == PH_IDLE_SENT) {
		/*
		 * An IDLE answered OK without "+" never waits: sending it
		 * again would loop as fast as the server answers.
		 */
		w->idle_refused = 1;
		return err_set(ei, ST_UNAVAILABLE, "%s port %u: IDLE ended at "
		    "once (OK without a continuation)", w->s->m.srv->host,
		    server_port(w->s->m.srv));
	}
	/* After NOTIFY or DONE: IDLE. */
	return send_idle(w, ei);
}

/* Is the tagged answer to the IDLE or NOTIFY in progress in? */
static int
tag_done(const struct imap_watch *w)
{
	struct slot *sl = w->tag != 0 ? isess_slot(w->s, w->tag) : NULL;

	return sl != NULL && sl->done > 0;
}

static struct wfolder *
find_folder(struct imap_watch *w, const char *name)
{
	size_t i;

	for (i = 0; i < w->nf; i++)
		if (strcmp(w->f[i].name, name) == 0 ||
		    (strcasecmp(name, "INBOX") == 0 &&
		    strcasecmp(w->f[i].name, "INBOX") == 0))
			return &w->f[i];
	return NULL;
}

/* NOTIFY's "* STATUS folder (MESSAGES n UIDNEXT n)": new mail? */
static int
on_status(struct imap_watch *w, struct errinfo *ei)
{
	struct isess *s = w->s;
	struct imap_status st;
	struct wfolder *f;
	struct buf dec;
	int more;

	if (imap_data_status(s->m.r.text.data, s->m.r.text.len, &st, ei) < 0)
		return -1;
	buf_init(&dec, IMAP_NAME_MAX * 4);
	if (s->utf8) {
		if (buf_add(&dec, st.name, st.namelen) < 0) {
			buf_free(&dec);
			return 0;
		}
	} else if (mutf7_decode(st.name, st.namelen, &dec, ei) < 0) {
		buf_free(&dec);
		return -1;
	}
	f = find_folder(w, dec.data);
	buf_free(&dec);
	if (f == NULL)
		return 0;	/* "personal": not one of ours */
	more = f->known && ((st.have & IMAP_STATUS_UIDNEXT) ?
	    st.uidnext > f->uidnext : (st.have & IMAP_STATUS_MESSAGES) &&
	    st.messages > f->messages);
	if (st.have & IMAP_STATUS_UIDNEXT)
		f->uidnext = st.uidnext;
	if (st.have & IMAP_STATUS_MESSAGES)
		f->messages = st.messages;
	f->known = 1;
	if (more)
		report(w, f->name);
	return 0;
}

/* One response in s->m.r: 0, or -1. */
static int
handle(struct imap_watch *w, struct errinfo *ei)
{
	struct isess *s = w->s;
	uint32_t before = s->exists;
	struct imap_data d;

	if (s->m.r.kind == IMAP_CONTINUE) {
		if (w->ph != PH_IDLE_SENT)
			return isess_protocol_error(s, ei, "unexpected "
			    "continuation request", s->m.r.text.data);
		w->ph = PH_IDLING;
		return 0;
	}
	if (s->m.r.kind == IMAP_UNTAGGED && s->m.r.cond == IMAP_NONE &&
	    w->notify && imap_data_kind(s->m.r.text.data, s->m.r.text.len, &d,
	    ei) == 0 && d.kind == IMAP_D_STATUSDATA)
		return on_status(w, ei);
	err_clear(ei);
	if (isess_handle(s, ei) < 0)
		return -1;
	if (!w->notify && s->exists > before)
		report(w, w->f[0].name);
	if (tag_done(w))
		return answered(w, ei);
	return 0;
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

static void
set_list(struct imap_watch *w, char *const *folders, size_t n)
{
	size_t i;

	w->f = xcalloc(n, sizeof(*w->f));
	for (i = 0; i < n; i++)
		w->f[i].name = xstrdup(folders[i]);
	w->nf = n;
}

/* EXAMINE the one folder watched without NOTIFY. */
static int
examine(struct imap_watch *w, struct errinfo *ei)
{
	struct errinfo dei;
	char what[IMAP_NAME_MAX + 32];
	int r;

	err_clear(&dei);
	w->s->folder = w->f[0].name;
	if (isess_wire_name(w->s, w->f[0].name, &w->s->wire, ei) < 0)
		return -1;
	snprintf(what, sizeof(what), "EXAMINE '%s'", w->f[0].name);
	w->s->selecting = 1;
	r = isess_command(w->s, what, &dei, ei, "EXAMINE %s", w->s->wire.data);
	w->s->selecting = 0;
	w->s->folder = NULL;
	if (r > 0)
		*ei = dei;
	return r != 0 ? -1 : 0;
}

int
imap_watch_open(struct imap_watch **w_r, const struct account *a,
    char *const *folders, size_t n, int notify, struct errinfo *ei)
{
	struct imap_watch *w = xcalloc(1, sizeof(*w));
	int r;

	*w_r = NULL;
	if (isess_open(&w->s, a, NULL, ei) < 0)
		goto fail;
	drop_extras(w->s);
	w->notify = notify && n > 0 &&
	    (w->s->m.caps.flags & IMAP_CAP_NOTIFY);
	set_list(w, folders, w->notify ? n : 1);
	if (!(w->s->m.caps.flags & IMAP_CAP_IDLE)) {
		err_set(ei, ST_UNAVAILABLE, "%s port %u: the server cannot "
		    "IDLE", a->in.host, server_port(&a->in));
		imap_watch_close(w);
		return IMAP_WATCH_POLL;
	}
	if (w->notify)
		r = send_notify(w, ei);
	else
		r = examine(w, ei) < 0 ? -1 : send_idle(w, ei);
	if (r < 0)
		goto fail;
	/* Blocking here (a setup thread): up to the first "+". */
	while (w->ph != PH_IDLING) {
		if (imap_read(&w->s->m, ei) < 0 || handle(w, ei) < 0) {
			if (w->idle_refused) {
				imap_watch_close(w);
				return IMAP_WATCH_POLL;
			}
			if (!w->notify_refused)
				goto fail;
			/* NOTIFY offered but refused: the first folder alone. */
			log_debug("%s; watching folder by folder", ei->msg);
			err_clear(ei);
			w->notify_refused = 0;
			w->notify = 0;
			if (examine(w, ei) < 0 || send_idle(w, ei) < 0)
				goto fail;
		}
	}
	keepalive(w->s->m.c->fd);
	/* From now on short responses and short commands only. */
	conn_shrink(w->s->m.c, 4096, 512);
	if (w->s->m.c->tls != NULL)
		tls_release_buffers(w->s->m.c->tls);
	*w_r = w;
	return w->notify || n == 1 ? IMAP_WATCH_ALL : IMAP_WATCH_FIRST;
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
imap_watch_notifying(const struct imap_watch *w)
{
	return w->notify;
}

int
imap_watch_busy(const struct imap_watch *w)
{
	return w->ph != PH_IDLING;
}

int
imap_watch_input(struct imap_watch *w, imap_watch_fn fn, void *arg,
    struct errinfo *ei)
{
	int r;

	w->fn = fn;
	w->arg = arg;
	for (;;) {
		r = imap_read_nowait(&w->s->m, ei);
		if (r == 0 && handle(w, ei) < 0)
			r = -1;
		if (r != 0)
			break;
	}
	w->fn = NULL;
	w->arg = NULL;
	if (r < 0) {
		w->s->m.broken = 1;
		return -1;
	}
	return 0;
}

int
imap_watch_renew(struct imap_watch *w, struct errinfo *ei)
{
	if (w->ph != PH_IDLING)
		return 0;
	if (send_done(w, ei) < 0) {
		w->s->m.broken = 1;
		return -1;
	}
	return 0;
}

void
imap_watch_close(struct imap_watch *w)
{
	struct errinfo ei;
	size_t i;

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
	for (i = 0; i < w->nf; i++)
		free(w->f[i].name);
	free(w->f);
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
