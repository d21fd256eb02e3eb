/*
 * daemon_job: the daemon's fetch jobs (this program run again for one
 * account and its pending folders) and its lock of each account.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon_int.h"
#include "durable.h"
#include "fetchrun.h"
#include "log.h"
#include "sys.h"
#include "xalloc.h"

/* Is every folder watched pending (then the job fetches them all)? */
static int
all_pending(const struct dacct *ac)
{
	size_t i, n = 0;

	for (i = 0; i < ac->nw; i++)
		n += ac->w[i]->nf;
	return ac->pend_all || (ac->npend >= n && !ac->patterns);
}

/*
 * The job's command line: ours, then the account and its folders (none:
 * all of its "folders", patterns resolved by the job).
 */
static char **
job_argv(const struct dstate *ds, const struct dacct *ac)
{
	const struct daemon_opts *d = ds->d;
	char **v = xcalloc((size_t)d->argc + ac->npend + 3, sizeof(*v));
	size_t n = 0, i;
	int all = all_pending(ac);

	for (i = 0; i < (size_t)d->argc; i++)
		v[n++] = xstrdup(d->argv[i]);
	v[n++] = xasprintf("--daemon-job=%s", ac->name);
	for (i = 0; !all && i < ac->npend; i++)
		v[n++] = xasprintf("--daemon-folder=%s", ac->pend[i]);
	v[n] = NULL;
	return v;
}

static void
argv_free(char **v)
{
	size_t i;

	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

int
djob_start(struct dstate *ds, struct dacct *ac)
{
	char **argv = job_argv(ds, ac);
	pid_t pid;
	size_t i;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		log_error("account=%s: cannot start a fetch: fork: %s",
		    ac->name, strerror(errno));
		argv_free(argv);
		ac->job_due = dnow() + 5;
		return -1;
	}
	if (pid == 0) {
		/* Async-signal-safe calls only until exec (threads run). */
		sys_child_signals();
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execv("/proc/self/exe", argv);
		execvp(argv[0], argv);
		_exit(127);
	}
	argv_free(argv);
	ac->job = pid;
	ds->njobs++;
	for (i = 0; i < ac->npend; i++)
		free(ac->pend[i]);
	ac->npend = 0;
	ac->pend_all = 0;
	return 0;
}

/* A job ended with status. */
static void
job_ended(struct dstate *ds, struct dacct *ac, int status)
{
	int delay;

	ac->job = 0;
	ds->njobs--;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		ac->job_backoff = 0;
		return;
	}
	/*
	 * The job logged why.  Its folders are fetched again after a
	 * back-off (their messages are still on the server).
	 */
	ac->job_backoff = dbackoff(ac->job_backoff, &delay);
	ac->job_due = dnow() + delay;
	dacct_pending(ac, NULL);
	log_debug("account=%s: the fetch ended with %s %d; again in %d s",
	    ac->name, WIFEXITED(status) ? "status" : "signal",
	    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), delay);
}

void
djob_reap(struct dstate *ds)
{
	size_t i;
	int status;

	for (i = 0; i < ds->nacct && ds->njobs > 0; i++) {
		struct dacct *ac = ds->acct[i];

		if (ac->job > 0 && waitpid(ac->job, &status, WNOHANG) ==
		    ac->job)
			job_ended(ds, ac, status);
	}
}

void
djob_stop_all(struct dstate *ds, int ms)
{
	double end = dnow() + ms / 1000.0;
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	size_t i;

	for (i = 0; i < ds->nacct; i++)
		if (ds->acct[i]->job > 0)
			kill(ds->acct[i]->job, SIGTERM);
	while (ds->njobs > 0 && dnow() < end) {
		nanosleep(&ts, NULL);
		djob_reap(ds);
	}
	for (i = 0; i < ds->nacct; i++) {
		int status;

		if (ds->acct[i]->job <= 0)
			continue;
		/* Past the time: a kill at any instant loses nothing. */
		kill(ds->acct[i]->job, SIGKILL);
		if (waitpid(ds->acct[i]->job, &status, 0) == ds->acct[i]->job)
			job_ended(ds, ds->acct[i], status);
	}
}

int
daemon_lock(const struct account *a, struct errinfo *ei)
{
	char *state = fetchrun_state_path(a);
	char *path = xasprintf("%s.daemon", state);
	char buf[32];
	ssize_t n;
	int fd;

	free(state);
	/* The state directory is made by the first fetch, or here. */
	if (durable_mkdirs_for(path, ei) < 0) {
		free(path);
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		err_set(ei, ST_CANTCREAT, "account '%s': %s: %s",
		    account_label(a), path, strerror(errno));
		free(path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		err_set(ei, ST_TEMPFAIL, "account '%s' is already watched by an "
		    "mfetch daemon (pid %s; lock %s): stop it first",
		    account_label(a), *buf != '\0' ? buf : "unknown", path);
		close(fd);
		free(path);
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		log_warn("%s: cannot write the pid: %s", path, strerror(errno));
	free(path);
	return fd;
}
