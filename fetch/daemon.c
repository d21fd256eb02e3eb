/* daemon: mfetch --daemon's event loop (see daemon.h). */
#include "autoconf.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "daemon_int.h"
#include "log.h"
#include "sys.h"
#include "xalloc.h"

#define TICK_MAX	60.0	/* seconds a wait lasts at most */

/* The account's timeout for an answer, in seconds. */
static double
answer_timeout(const struct dwatch *w)
{
	int t = w->a != NULL ? w->a->in.timeout : 0;

	return t > 0 ? t : 60;
}

/* Close a watcher's connection: down, to be made again at w->due. */
static void
disconnect(struct dwatch *w)
{
	imap_watch_close(w->iw);
	w->iw = NULL;
	account_free(w->a);
	w->a = NULL;
	w->st = WS_WAIT;
}

void
dwatch_lost(struct dwatch *w, const char *why)
{
	char lb[600];
	int delay;
	double now = dnow();

	disconnect(w);
	/* A connection that lived a while starts the back-off afresh. */
	if (now - w->up_since > DAEMON_BACKOFF_MAX)
		w->backoff = 0;
	w->backoff = dbackoff(w->backoff, &delay);
	w->due = now + delay;
	if (w->backoff == 1)
		w->due = now;	/* the first retry at once */
	log_warn("%s connection lost: %s; reconnecting",
	    dwatch_label(w, lb, sizeof(lb)), why);
	w->down_logged = 1;
}

void
dwatch_restart(struct dwatch *w, const char *why)
{
	char lb[600];

	disconnect(w);
	w->due = dnow();
	w->backoff = 0;
	log_info("%s %s: reconnecting", dwatch_label(w, lb, sizeof(lb)), why);
}

/* The machine slept: every connection is likely dead, mail came. */
static void
woke_up(struct dstate *ds, double slept)
{
	size_t i, j;
	double now = dnow();

	log_info("the system slept for %.0f s: reconnecting and fetching",
	    slept);
	for (i = 0; i < ds->nacct; i++) {
		struct dacct *ac = ds->acct[i];

		if (ac->gone)
			continue;
		ac->next_poll = now;
		ac->job_due = now;
		for (j = 0; j < ac->nw; j++) {
			struct dwatch *w = ac->w[j];

			if (w->st == WS_UP) {
				disconnect(w);
			}
			if (w->st == WS_WAIT || w->st == WS_POLL) {
				w->due = now;
				w->backoff = 0;
			}
		}
	}
}

/* Timers: connections to make, IDLEs to renew, answers late, polls. */
static double
timers(struct dstate *ds)
{
	double now = dnow(), next = now + TICK_MAX;
	size_t i, j;

#define AT(t) do { if ((t) < next) next = (t); } while (0)
	for (i = 0; i < ds->nacct; i++) {
		struct dacct *ac = ds->acct[i];

		if (ac->gone)
			continue;
		if (!ac->imap) {
			if (now >= ac->next_poll) {
				dacct_pending(ac, NULL);
				ac->next_poll = now + ac->a->poll_interval;
			}
			AT(ac->next_poll);
		}
		if (ac->imap && ac->patterns && !ac->listing &&
		    ac->list_due > 0) {
			if (now >= ac->list_due && ds->nsetups < DAEMON_SETUPS) {
				ac->list_due = 0;
				dsetup_list(ds, ac);
			} else if (now < ac->list_due) {
				AT(ac->list_due);
			}
		}
		for (j = 0; j < ac->nw; j++) {
			struct dwatch *w = ac->w[j];

			switch (w->st) {
			case WS_WAIT:
				if (now >= w->due && ds->nsetups <
				    DAEMON_SETUPS) {
					if (dsetup_watch(ds, w) < 0)
						w->due = now + 5;
				}
				if (w->st == WS_WAIT && now < w->due)
					AT(w->due);
				break;
			case WS_POLL:
				if (now >= w->due) {
					size_t k;

					for (k = 0; k < w->nf; k++)
						dacct_pending(ac, w->folders[k]);
					w->due = now + ac->a->poll_interval;
				}
				AT(w->due);
				break;
			case WS_UP:
				if (imap_watch_busy(w->iw)) {
					if (w->busy_since == 0)
						w->busy_since = now;
					if (now - w->busy_since >
					    answer_timeout(w)) {
						dwatch_lost(w, "no answer within the "
						    "timeout");
						AT(w->due);
						break;
					}
					AT(w->busy_since + answer_timeout(w));
					break;
				}
				w->busy_since = 0;
				if (now >= w->due) {
					struct errinfo ei;

					err_clear(&ei);
					w->due = now + w->a->idle_interval;
					if (imap_watch_renew(w->iw, &ei) < 0) {
						dwatch_lost(w, ei.msg);
						break;
					}
					w->busy_since = now;
					AT(now + answer_timeout(w));
				}
				AT(w->due);
				break;
			case WS_SETUP:
				break;
			}
		}
	}
#undef AT
	return next;
}

/* Start the jobs that can start. */
static double
start_jobs(struct dstate *ds)
{
	double now = dnow(), next = 0;
	size_t i;

	for (i = 0; i < ds->nacct && ds->njobs < ds->d->jobs; i++) {
		struct dacct *ac = ds->acct[i];

		if (ac->gone || ac->job > 0 || (!ac->pend_all &&
		    ac->npend == 0))
			continue;
		if (now < ac->job_due) {
			if (next == 0 || ac->job_due < next)
				next = ac->job_due;
			continue;
		}
		djob_start(ds, ac);
	}
	return next;
}

/* imap_watch_input()'s report: arg is the watcher. */
static void
new_mail(void *arg, const char *folder)
{
	struct dwatch *w = arg;
	char q[512];

	log_debug("account=%s folder=%s: new mail", w->acct->name,
	    err_quote(q, sizeof(q), folder, strlen(folder)));
	dacct_pending(w->acct, folder);
}

/* Input on the watchers' sockets. */
static void
watch_input(struct dstate *ds, struct dwatch **wv, struct pollfd *pf,
    size_t n)
{
	size_t i;

	(void)ds;
	for (i = 0; i < n; i++) {
		struct dwatch *w = wv[i];
		struct errinfo ei;
		int r;

		if (pf[i].revents == 0 || w->st != WS_UP)
			continue;
		err_clear(&ei);
		r = imap_watch_input(w->iw, new_mail, w, &ei);
		if (r < 0) {
			dwatch_lost(w, ei.msg);
			continue;
		}
		if (!imap_watch_busy(w->iw))
			w->busy_since = 0;
	}
}

/* Count the folders watched, for the start's log line. */
static size_t
nfolders(const struct dstate *ds)
{
	size_t i, n = 0;

	for (i = 0; i < ds->nacct; i++) {
		size_t j;

		for (j = 0; j < ds->acct[i]->nw; j++)
			n += ds->acct[i]->w[j]->nf;
	}
	return n;
}

static void
reload(struct dstate *ds)
{
	struct config *cfg = NULL;
	struct errinfo ei;

	err_clear(&ei);
	log_info("SIGHUP: reading the accounts file again");
	if (cliopts_load_config(ds->d->o, 1, &cfg, &ei) < 0) {
		log_error("%s; going on with the accounts as they were",
		    ei.msg);
		return;
	}
	config_free(ds->cfg);
	ds->cfg = cfg;
	if (dstate_load(ds, 1, &ei) < 0)
		log_error("%s", ei.msg);
	log_info("daemon watching %zu account%s, %zu folder%s",
	    ds->nacct, ds->nacct == 1 ? "" : "s", nfolders(ds),
	    nfolders(ds) == 1 ? "" : "s");
}

/* Stop: jobs rolled back, connections closed, within 2 s. */
static void
stop(struct dstate *ds)
{
	size_t i;
	double end = dnow() + 1.5;
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	djob_stop_all(ds, 1200);
	for (i = 0; i < ds->nacct; i++)
		ds->acct[i]->gone = 1;
	/* Setup threads see the stop in their waits. */
	while (ds->nsetups > 0 && dnow() < end) {
		nanosleep(&ts, NULL);
		dsetup_collect(ds);
	}
	for (i = 0; i < ds->nacct; i++)
		dacct_free(ds->acct[i]);
	free(ds->acct);
	ds->acct = NULL;
	ds->nacct = 0;
}

static int
loop(struct dstate *ds, const sigset_t *waitmask)
{
	struct pollfd *pf = NULL;
	struct dwatch **wv = NULL;
	size_t cap = 0;
	double last_mono = dnow(), last_boot = dboot();

	while (sys_stop_signal() == 0) {
		double now, boot, slept, next, jn, wait;
		struct timespec ts;
		size_t i, j, n = 1;
		int r;

		now = dnow();
		boot = dboot();
		slept = dslept(now - last_mono, boot - last_boot);
		if (slept > 0)
			woke_up(ds, slept);
		last_mono = now;
		last_boot = boot;
		if (sys_take_reload())
			reload(ds);
		djob_reap(ds);
		dsetup_collect(ds);
		dstate_sweep(ds);
		next = timers(ds);
		jn = start_jobs(ds);
		if (jn > 0 && jn < next)
			next = jn;
		/* The sockets to watch: the setup pipe, then the watchers. */
		for (i = 0; i < ds->nacct; i++)
			n += ds->acct[i]->nw;
		if (n > cap) {
			cap = n * 2;
			pf = xreallocarray(pf, cap, sizeof(*pf));
			wv = xreallocarray(wv, cap, sizeof(*wv));
		}
		pf[0].fd = ds->pipefd[0];
		pf[0].events = POLLIN;
		n = 1;
		for (i = 0; i < ds->nacct; i++)
			for (j = 0; j < ds->acct[i]->nw; j++) {
				struct dwatch *w = ds->acct[i]->w[j];

				if (w->st != WS_UP)
					continue;
				wv[n] = w;
				pf[n].fd = imap_watch_fd(w->iw);
				pf[n].events = POLLIN;
				n++;
			}
		wait = next - dnow();
		if (wait < 0)
			wait = 0;
		ts.tv_sec = (time_t)wait;
		ts.tv_nsec = (long)((wait - (double)ts.tv_sec) * 1e9);
		r = ppoll(pf, n, &ts, waitmask);
		if (r < 0 && errno != EINTR) {
			log_error("ppoll: %s", strerror(errno));
			break;
		}
		if (r <= 0)
			continue;
		/* Input first: a setup's result may change the watchers. */
		watch_input(ds, wv + 1, pf + 1, n - 1);
		if (pf[0].revents != 0)
			dsetup_collect(ds);
	}
	free(pf);
	free(wv);
	return 0;
}

int
daemon_run(const struct daemon_opts *d, struct config **cfg_p,
    struct errinfo *ei)
{
	struct dstate ds;
	sigset_t waitmask;
	int sig;

	struct rlimit rl;

	/* A connection per folder: 1000 folders pass the usual 1024. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	memset(&ds, 0, sizeof(ds));
	ds.d = d;
	ds.cfg = *cfg_p;
	srandom((unsigned)getpid() ^ (unsigned)time(NULL));
	if (dsetup_init(&ds, ei) < 0)
		return -1;
	if (dstate_load(&ds, 0, ei) < 0) {
		stop(&ds);
		*cfg_p = ds.cfg;
		close(ds.pipefd[0]);
		close(ds.pipefd[1]);
		return -1;
	}
	/* Block the signals before the first thread starts. */
	sys_daemon_signals(&waitmask);
	log_info("daemon started (pid %ld): %zu account%s, %zu folder%s",
	    (long)getpid(), ds.nacct, ds.nacct == 1 ? "" : "s",
	    nfolders(&ds), nfolders(&ds) == 1 ? "" : "s");
	loop(&ds, &waitmask);
	sig = sys_stop_signal();
	stop(&ds);
	log_info("daemon stopped by %s", sig == SIGTERM ? "SIGTERM" :
	    sig == SIGINT ? "SIGINT" : "a signal");
	*cfg_p = ds.cfg;
	if (ds.nsetups > 0) {
		/*
		 * A thread still stuck (a name lookup does not see the
		 * stop): leave now, without the exit handlers it could
		 * trip over.
		 */
		log_close();
		_exit(0);
	}
	close(ds.pipefd[0]);
	close(ds.pipefd[1]);
	return 0;
}
