/*
 * mda: delivering through a program (procmail, maildrop, dovecot-lda)
 * that reads the message on its standard input.  The command runs
 * without a shell unless it needs one (see cmd.h); %F, %u and %% are
 * replaced with values no shell can misread (placeholder.h).
 *
 * The message is received whole into a temporary file first (msgfile.h),
 * and that file is the program's standard input: it never sees a
 * truncated message, whatever happens to mfetch (killed while the
 * program runs, the program still reads the whole file to its end).
 * Exit 0 means delivered; 75 (EX_TEMPFAIL) means "try again later";
 * anything else is a local delivery error (mdaexit_status()).  A program
 * that runs longer than the account's timeout, or that is still running
 * when mfetch is asked to stop, is killed (SIGTERM, then SIGKILL a second
 * later), and the message stays on the server.
 */
#include "autoconf.h"

#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "mdaexit.h"
#include "msgfile.h"
#include "placeholder.h"
#include "sink.h"
#include "sys.h"
#include "xalloc.h"

#define MDA_KILL_GRACE_MS	1000	/* from SIGTERM to SIGKILL */

struct mda {
	struct sink s;
	struct msgfile mf;
	int timeout;		/* seconds; 0: none */
	char *from;		/* the envelope sender of the message */
	char *size;		/* %S (a filter), or NULL */
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Wait up to ms milliseconds (-1: for ever) for pid to end, waking up
 * for a stop request.  1 ended (*status_r), 0 still running, -1 error.
 */
static int
wait_for(pid_t pid, int pidfd, long long ms, int stoppable, int *status_r)
{
	long long until = ms < 0 ? -1 : now_ms() + ms;

	for (;;) {
		long long left = until < 0 ? SYS_STOP_POLL_MS : until - now_ms();
		pid_t w = waitpid(pid, status_r, WNOHANG);

		if (w == pid)
			return 1;
		if (w < 0 && errno != EINTR)
			return -1;
		if (left <= 0 || (stoppable && sys_stop_signal() != 0))
			return 0;
		if (left > SYS_STOP_POLL_MS)
			left = SYS_STOP_POLL_MS;
		if (pidfd >= 0) {
			struct pollfd pfd = { pidfd, POLLIN, 0 };

			poll(&pfd, 1, (int)left);
		} else {
			/* No pidfd: look again every 10 ms. */
			struct timespec ts = { 0, 10 * 1000 * 1000 };

			nanosleep(&ts, NULL);
		}
	}
}

/* SIGTERM, a grace period, SIGKILL; then reap. */
static void
kill_child(pid_t pid, int pidfd)
{
	int status;

	kill(pid, SIGTERM);
	if (wait_for(pid, pidfd, MDA_KILL_GRACE_MS, 0, &status) == 1)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

static int
mda_begin(struct sink *s, const struct sink_msg *msg, struct errinfo *ei)
{
	struct mda *m = (struct mda *)s;

	free(m->from);
	m->from = xstrdup(msg->from != NULL ? msg->from : "");
	return msgfile_start(&m->mf, ei);
}

static int
mda_write(struct sink *s, const char *p, size_t n, struct errinfo *ei)
{
	struct mda *m = (struct mda *)s;

	return msgfile_write(&m->mf, p, n, ei);
}

/* Start the program with the message file as its standard input. */
static int
start(struct mda *m, pid_t *pid_r, struct errinfo *ei)
{
	struct passwd *pw = getpwuid(getuid());
	struct placeholders ph;
	char **argv = NULL, *shcmd = NULL;
	int n;
	size_t i;
	pid_t pid;

	ph.from = m->from;
	ph.user = pw != NULL ? pw->pw_name : "";
	ph.size = m->size;
	n = cmd_split(m->s.target, "delivery command", &argv, ei);
	if (n < 0)
		return -1;
	/* The values are restricted: safe inside any quoting, or none. */
	if (n == 0)
		shcmd = placeholder_expand(m->s.target, &ph);
	for (i = 0; argv != NULL && argv[i] != NULL; i++) {
		char *e = placeholder_expand(argv[i], &ph);

		free(argv[i]);
		argv[i] = e;
	}
	if (lseek(m->mf.fd, 0, SEEK_SET) < 0) {
		cmd_free_argv(argv);
		free(shcmd);
		return err_set(ei, ST_IOERR, "cannot read the message back: %s",
		    strerror(errno));
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		if (dup2(m->mf.fd, 0) < 0)
			_exit(126);
		signal(SIGPIPE, SIG_DFL);
		if (argv != NULL)
			execvp(argv[0], argv);
		else
			execl("/bin/sh", "sh", "-c", shcmd, (char *)NULL);
		_exit(errno == ENOENT ? 127 : 126);
	}
	cmd_free_argv(argv);
	free(shcmd);
	if (pid < 0)
		return err_set(ei, ST_OSERR, "fork: %s", strerror(errno));
	*pid_r = pid;
	return 0;
}

/*
 * Run the command on the message file and wait for it (killed past the
 * timeout or on a stop request): 0 with its wait status, or -1.
 */
static int
run_wait(struct mda *m, int *status_r, struct errinfo *ei)
{
	struct sink *s = &m->s;
	int status, r, pidfd = -1;
	pid_t pid = -1;

	if (msgfile_finish(&m->mf, 1, ei) < 0 || start(m, &pid, ei) < 0)
		return -1;
#ifdef SYS_pidfd_open
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#endif
	r = wait_for(pid, pidfd, m->timeout > 0 ? m->timeout * 1000LL : -1, 1,
	    &status);
	if (r != 1) {
		kill_child(pid, pidfd);
		if (pidfd >= 0)
			close(pidfd);
		if (r < 0)
			return err_set(ei, ST_OSERR, "waitpid: %s",
			    strerror(errno));
		if (sys_check_stop(ei) < 0)
			return err_prefix(ei, "%s '%s' killed: ", m->size != NULL ?
			    "filter" : "delivery command", s->target);
		return err_set(ei, ST_TEMPFAIL, "%s '%s' ran longer than %d "
		    "seconds: killed",
		    m->size != NULL ? "filter" : "delivery command", s->target,
		    m->timeout);
	}
	if (pidfd >= 0)
		close(pidfd);
	*status_r = status;
	return 0;
}

static int
mda_commit(struct sink *s, struct errinfo *ei)
{
	struct mda *m = (struct mda *)s;
	int status, ec;

	if (run_wait(m, &status, ei) < 0)
		return -1;
	if (WIFSIGNALED(status))
		return err_set(ei, ST_IOERR, "delivery command '%s' was "
		    "killed by signal %d",
		    s->target, WTERMSIG(status));
	ec = WEXITSTATUS(status);
	if (ec == 0)
		return 0;
	if (ec == 75)
		return err_set(ei, ST_TEMPFAIL, "delivery command '%s' exited "
		    "75 (try again later)",
		    s->target);
	if (ec == 127)
		return err_set(ei, ST_CONFIG, "delivery command '%s': command "
		    "not found", s->target);
	/* Its failure is local: never "the server refused" (mdaexit.h). */
	return err_set(ei, mdaexit_status(ec), "delivery command '%s' failed "
	    "(exit status %d)", s->target, ec);
}

static void
mda_free(struct sink *s)
{
	struct mda *m = (struct mda *)s;

	msgfile_free(&m->mf);
	free(m->from);
	free(m->size);
	free(s->target);
	free(m);
}

static const struct sink_ops mda_ops = {
	mda_begin, mda_write,
	mda_commit,		/* staged = delivered: the program's exit 0 */
	NULL,			/* nothing to sync: we own no file of it */
	NULL,			/* the message was only in its temporary file */
	NULL, mda_free
};

struct sink *
sink_mda_new(const char *command, const struct sink_opts *o)
{
	struct mda *m = xcalloc(1, sizeof(*m));

	m->s.ops = &mda_ops;
	m->s.target = xstrdup(command);
	m->timeout = o->timeout;
	msgfile_init(&m->mf, o->statedir);
	return &m->s;
}

int
sink_filter_run(const char *command, const struct sink_opts *o,
    const char *from, unsigned long long size, const char *head, size_t len,
    struct errinfo *ei)
{
	struct mda *m = (struct mda *)sink_mda_new(command, o);
	int status, rc = -1;

	m->from = xstrdup(from != NULL ? from : "");
	m->size = xasprintf("%llu", size);
	if (msgfile_start(&m->mf, ei) == 0 &&
	    msgfile_write(&m->mf, head, len, ei) == 0 &&
	    run_wait(m, &status, ei) == 0) {
		if (WIFEXITED(status))
			rc = WEXITSTATUS(status);
		else
			err_set(ei, ST_IOERR, "filter '%s' was killed by signal "
			    "%d: message kept on the server", command,
			    WTERMSIG(status));
	}
	mda_free(&m->s);
	return rc;
}
