/*
 * mda: delivering through a program (procmail, maildrop, dovecot-lda)
 * that reads the message on its standard input.  The command runs
 * without a shell unless it needs one (see cmd.h); %F, %u and %% are
 * replaced with values no shell can misread (placeholder.h).  Exit 0
 * means delivered; 75
 * (EX_TEMPFAIL) means "try again later"; anything else is an error.  Both
 * keep the message on the server.  An aborted delivery kills the program
 * before it sees the end of its input, so that it delivers nothing.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "fdout.h"
#include "placeholder.h"
#include "sink.h"
#include "xalloc.h"


struct mda {
	struct sink s;
	pid_t pid;
	int fd;			/* the program's standard input */
	struct fdout out;
};

static int
mda_begin(struct sink *s, const struct sink_msg *msg, struct errinfo *ei)
{
	struct mda *m = (struct mda *)s;
	struct passwd *pw = getpwuid(getuid());
	struct placeholders ph;
	char **argv = NULL, *shcmd = NULL;
	int fds[2], n;
	size_t i;

	ph.from = msg->from;
	ph.user = pw != NULL ? pw->pw_name : "";
	n = cmd_split(s->target, "delivery command", &argv, ei);
	if (n < 0)
		return -1;
	/* The values are restricted: safe inside any quoting, or none. */
	if (n == 0)
		shcmd = placeholder_expand(s->target, &ph);
	for (i = 0; argv != NULL && argv[i] != NULL; i++) {
		char *e = placeholder_expand(argv[i], &ph);

		free(argv[i]);
		argv[i] = e;
	}
	if (pipe2(fds, O_CLOEXEC) < 0) {
		cmd_free_argv(argv);
		free(shcmd);
		return err_set(ei, ST_OSERR, "pipe: %s", strerror(errno));
	}
	fflush(NULL);
	m->pid = fork();
	if (m->pid == 0) {
		if (dup2(fds[0], 0) < 0)
			_exit(126);
		signal(SIGPIPE, SIG_DFL);
		if (argv != NULL)
			execvp(argv[0], argv);
		else
			execl("/bin/sh", "sh", "-c", shcmd, (char *)NULL);
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(fds[0]);
	cmd_free_argv(argv);
	free(shcmd);
	if (m->pid < 0) {
		close(fds[1]);
		return err_set(ei, ST_OSERR, "fork: %s", strerror(errno));
	}
	m->fd = fds[1];
	fdout_reset(&m->out, m->fd);
	return 0;
}

static int
write_error(struct mda *m, int err, struct errinfo *ei)
{
	return err_set(ei, ST_UNAVAILABLE, "delivery command '%s' stopped "
	    "reading the message: %s", m->s.target, strerror(err));
}

static int
mda_write(struct sink *s, const char *p, size_t n, struct errinfo *ei)
{
	struct mda *m = (struct mda *)s;
	int err = fdout_write(&m->out, p, n);

	return err != 0 ? write_error(m, err, ei) : 0;
}

static int
reap(struct mda *m, int *status_r)
{
	int rc;

	while ((rc = waitpid(m->pid, status_r, 0)) < 0 && errno == EINTR)
		;
	m->pid = -1;
	return rc;
}

static void
mda_abort(struct sink *s)
{
	struct mda *m = (struct mda *)s;
	int status;

	if (m->pid > 0) {
		/* Before it sees the end of its input: no delivery. */
		kill(m->pid, SIGKILL);
		if (m->fd >= 0)
			close(m->fd);
		m->fd = -1;
		reap(m, &status);
	}
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
	fdout_reset(&m->out, -1);
}

static int
mda_commit(struct sink *s, struct errinfo *ei)
{
	struct mda *m = (struct mda *)s;
	int status, ec;

	if ((ec = fdout_flush(&m->out)) != 0) {
		write_error(m, ec, ei);
		mda_abort(s);
		return -1;
	}
	close(m->fd);
	m->fd = -1;
	if (reap(m, &status) < 0)
		return err_set(ei, ST_OSERR, "waitpid: %s", strerror(errno));
	if (WIFSIGNALED(status))
		return err_set(ei, ST_UNAVAILABLE, "delivery command '%s' was "
		    "killed by signal %d: message kept on the server",
		    s->target, WTERMSIG(status));
	ec = WEXITSTATUS(status);
	if (ec == 0)
		return 0;
	if (ec == 75)
		return err_set(ei, ST_TEMPFAIL, "delivery command '%s' exited "
		    "75 (try again later): message kept on the server",
		    s->target);
	if (ec == 127)
		return err_set(ei, ST_CONFIG, "delivery command '%s': command "
		    "not found", s->target);
	return err_set(ei, ST_UNAVAILABLE, "delivery command '%s' failed "
	    "(exit status %d): message kept on the server", s->target, ec);
}

static void
mda_free(struct sink *s)
{
	struct mda *m = (struct mda *)s;

	mda_abort(s);
	fdout_free(&m->out);
	free(s->target);
	free(m);
}

static const struct sink_ops mda_ops = {
	mda_begin, mda_write, mda_commit, mda_abort, NULL, mda_free
};

struct sink *
sink_mda_new(const char *command)
{
	struct mda *m = xcalloc(1, sizeof(*m));

	m->s.ops = &mda_ops;
	m->s.target = xstrdup(command);
	m->pid = -1;
	m->fd = -1;
	fdout_init(&m->out);
	return &m->s;
}
