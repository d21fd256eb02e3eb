/*
 * daemon_setup: the daemon's watcher connections are made (connect, TLS,
 * login, EXAMINE, IDLE) and its folder lists read by threads running
 * the fetch's own blocking code, so that a slow or dead server holds up
 * nothing else.  Each thread works on its own copy of the account's
 * settings and hands its result back through a pipe; the event loop
 * alone touches the daemon's state.  The stop signals stay blocked in
 * the threads (they inherit the loop's mask); a stop request still ends
 * their waits (sys_check_stop() in every wait).
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon_int.h"
#include "log.h"
#include "sys.h"
#include "xalloc.h"

enum task_kind {
	T_WATCH,
	T_LIST
};

struct task {
	enum task_kind kind;
	struct dwatch *w;
	struct dacct *ac;
	struct account *a;	/* the thread's own copy */
	char **folders;		/* ... and of the folders */
	size_t nf;
	int notify;
	int r;
	struct imap_watch *iw;
	char **names;
	size_t n;
	struct errinfo ei;
	int fd;			/* where the result goes */
};

int
dsetup_init(struct dstate *ds, struct errinfo *ei)
{
	if (pipe2(ds->pipefd, O_CLOEXEC | O_NONBLOCK) < 0)
		return err_set(ei, ST_OSERR, "pipe: %s", strerror(errno));
	return 0;
}

static void
task_free(struct task *t)
{
	size_t i;

	for (i = 0; i < t->nf; i++)
		free(t->folders[i]);
	free(t->folders);
	free(t);
}

static void *
run(void *arg)
{
	struct task *t = arg;
	ssize_t n;

	err_clear(&t->ei);
	if (t->kind == T_WATCH)
		t->r = imap_watch_open(&t->iw, t->a, t->folders, t->nf,
		    t->notify, &t->ei);
	else
		t->r = imap_watch_folders(t->a, &t->names, &t->n, &t->ei);
	/* A pointer is far below PIPE_BUF: written whole, or not at all. */
	do
		n = write(t->fd, &t, sizeof(t));
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(t))
		abort();	/* the loop would wait for it forever */
	return NULL;
}

/* Start t in a detached thread: 0, or -1 (t freed). */
static int
start(struct dstate *ds, struct task *t)
{
	pthread_attr_t attr;
	pthread_t th;
	int e;

	t->fd = ds->pipefd[1];
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* OpenSSL's handshake and SASL need some room; not 8 MiB. */
	pthread_attr_setstacksize(&attr, 512 * 1024);
	e = pthread_create(&th, &attr, run, t);
	pthread_attr_destroy(&attr);
	if (e != 0) {
		log_error("cannot start a thread: %s", strerror(e));
		account_free(t->a);
		task_free(t);
		return -1;
	}
	ds->nsetups++;
	return 0;
}

/* A copy of the account's settings, or NULL (logged). */
static struct account *
settings(struct dstate *ds, const struct dacct *ac)
{
	struct account *a = NULL;
	struct errinfo ei;

	err_clear(&ei);
	if (cliopts_resolve(ds->d->o, ds->cfg, ac->name, &a, &ei) < 0) {
		log_error("account=%s: %s", ac->name, ei.msg);
		return NULL;
	}
	return a;
}

int
dsetup_watch(struct dstate *ds, struct dwatch *w)
{
	struct task *t = xcalloc(1, sizeof(*t));
	size_t i;

	t->kind = T_WATCH;
	t->w = w;
	t->folders = xcalloc(w->nf, sizeof(*t->folders));
	for (i = 0; i < w->nf; i++)
		t->folders[i] = xstrdup(w->folders[i]);
	t->nf = w->nf;
	if ((t->a = settings(ds, w->acct)) == NULL) {
		task_free(t);
		return -1;
	}
	t->notify = t->a->imap_notify && w->acct->notify != 0;
	if (start(ds, t) < 0)
		return -1;
	w->st = WS_SETUP;
	return 0;
}

int
dsetup_list(struct dstate *ds, struct dacct *ac)
{
	struct task *t = xcalloc(1, sizeof(*t));

	t->kind = T_LIST;
	t->ac = ac;
	if ((t->a = settings(ds, ac)) == NULL) {
		free(t);
		return -1;
	}
	if (start(ds, t) < 0)
		return -1;
	ac->listing = 1;
	return 0;
}

/* A watcher's connection is made, or not. */
static void
watch_done(struct dstate *ds, struct task *t)
{
	struct dwatch *w = t->w;
	char lb[600];
	double now = dnow();
	int delay, changed;

	if (w->gone) {
		/* Dropped by a reload meanwhile. */
		imap_watch_close(t->iw);
		account_free(t->a);
		dwatch_free(w);
		return;
	}
	/* The folders changed while it was being set up (a reload)? */
	changed = !strv_same(w->folders, w->nf, t->folders, t->nf);
	if (t->r == IMAP_WATCH_FIRST) {
		/*
		 * No NOTIFY there: this connection watches the first
		 * folder; the others get one each.
		 */
		char **all = w->folders;
		size_t n = w->nf, i;

		w->acct->notify = 0;
		w->folders = xcalloc(2, sizeof(*w->folders));
		w->folders[0] = xstrdup(all[0]);
		w->nf = 1;
		dacct_set_folders(ds, w->acct, all, n);
		for (i = 0; i < n; i++)
			free(all[i]);
		free(all);
		t->r = IMAP_WATCH_ALL;
		changed = 0;	/* its one folder is still there */
	}
	dwatch_label(w, lb, sizeof(lb));
	if (t->r == IMAP_WATCH_ALL) {
		size_t i;

		w->st = WS_UP;
		w->iw = t->iw;
		w->a = t->a;
		w->up_since = now;
		w->busy_since = 0;
		w->due = now + w->a->idle_interval;
		w->down_logged = 0;
		if (imap_watch_notifying(w->iw)) {
			w->acct->notify = 1;
			log_info("%s watching (NOTIFY)", lb);
		} else {
			log_info("%s watching (IDLE)", lb);
		}
		/* What came while it was down (or before we started). */
		for (i = 0; i < w->nf; i++)
			dacct_pending(w->acct, w->folders[i]);
		if (changed)
			dwatch_restart(w, "the folders changed");
		return;
	}
	if (t->r == IMAP_WATCH_POLL) {
		size_t i;

		w->st = WS_POLL;
		w->due = now + t->a->poll_interval;
		log_info("%s polling every %ld s: %s", lb, t->a->poll_interval,
		    t->ei.msg);
		account_free(t->a);
		for (i = 0; i < w->nf; i++)
			dacct_pending(w->acct, w->folders[i]);
		return;
	}
	account_free(t->a);
	w->st = WS_WAIT;
	if (sys_stop_signal() != 0)
		return;		/* stopping: no noise */
	w->backoff = dbackoff(w->backoff, &delay);
	w->due = now + delay;
	if (!w->down_logged) {
		log_warn("%s cannot watch: %s; trying again (1 s, doubling up "
		    "to %d s)", lb, t->ei.msg, DAEMON_BACKOFF_MAX);
		w->down_logged = 1;
	} else {
		log_debug("%s still down: %s; again in %d s", lb, t->ei.msg,
		    delay);
	}
}

/* An account's folder list is read, or not. */
static void
list_done(struct dstate *ds, struct task *t)
{
	struct dacct *ac = t->ac;
	int delay;

	ac->listing = 0;
	account_free(t->a);
	if (ac->gone) {
		imap_watch_names_free(t->names, t->n);
		return;
	}
	if (t->r == 0) {
		ac->list_backoff = 0;
		log_info("account=%s: %zu folder%s match its folders", ac->name,
		    t->n, t->n == 1 ? "" : "s");
		dacct_set_folders(ds, ac, t->names, t->n);
		imap_watch_names_free(t->names, t->n);
		return;
	}
	ac->list_backoff = dbackoff(ac->list_backoff, &delay);
	ac->list_due = dnow() + delay;
	if (ac->list_backoff == 1)	/* the first failure */
		log_warn("account=%s cannot list its folders: %s; trying again",
		    ac->name, t->ei.msg);
}

void
dsetup_collect(struct dstate *ds)
{
	struct task *t;
	ssize_t n;

	int some = 0;

	while ((n = read(ds->pipefd[0], &t, sizeof(t))) == (ssize_t)sizeof(t)) {
		ds->nsetups--;
		some = 1;
		if (t->kind == T_WATCH)
			watch_done(ds, t);
		else
			list_done(ds, t);
		task_free(t);
	}
#ifdef __GLIBC__
	/*
	 * The setups' handshakes (a trust store each: some 850 KiB with
	 * the system's CAs) are over: give the freed memory back rather
	 * than keep each thread arena's high-water mark for good.
	 */
	if (some && ds->nsetups == 0)
		malloc_trim(0);
#else
	(void)some;
#endif
}
