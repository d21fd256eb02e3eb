/* pwcmd: run a password command without a shell, unless it needs one. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "pwcmd.h"
#include "xalloc.h"

int
pwcmd_split(const char *cmd, char ***argv_r, struct errinfo *ei)
{
	return cmd_split(cmd, "password command", argv_r, ei);
}

void
pwcmd_free_argv(char **argv)
{
	cmd_free_argv(argv);
}

/* In the child: stdin from /dev/null, stdout to the pipe, then exec. */
static void
child(int out, char **argv, const char *cmd)
{
	int null = open("/dev/null", O_RDONLY);
	sigset_t none;

	/*
	 * mfetch --daemon runs this from a setup thread, where the stop
	 * signals are blocked: the command must not inherit that.
	 */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0)
		_exit(126);
	if (argv != NULL)
		execvp(argv[0], argv);
	else
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(errno == ENOENT ? 127 : 126);
}

int
pwcmd_run(const char *cmd, char **out_r, struct errinfo *ei)
{
	char **argv = NULL;
	struct buf out;
	int fds[2], status, rc;
	pid_t pid;
	char *nl;

	if (pwcmd_split(cmd, &argv, ei) < 0)
		return -1;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		pwcmd_free_argv(argv);
		return err_set(ei, ST_OSERR, "pipe: %s", strerror(errno));
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		pwcmd_free_argv(argv);
		return err_set(ei, ST_OSERR, "fork: %s", strerror(errno));
	}
	if (pid == 0)
		child(fds[1], argv, cmd);
	close(fds[1]);
	pwcmd_free_argv(argv);
	buf_init(&out, PWCMD_OUT_MAX);
	for (;;) {
		char chunk[4096];
		ssize_t n = read(fds[0], chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (buf_add(&out, chunk, (size_t)n) < 0)
			buf_add(&out, chunk, out.max - out.len);	/* keep what fits */
		wipe(chunk, sizeof(chunk));
	}
	close(fds[0]);
	while ((rc = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (rc < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		buf_free_secret(&out);
		if (rc >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 127)
			return err_set(ei, ST_CONFIG, "cannot run the password "
			    "command '%s': command not found", cmd);
		if (rc >= 0 && WIFSIGNALED(status))
			return err_set(ei, ST_TEMPFAIL, "the password command "
			    "'%s' was killed by signal %d", cmd, WTERMSIG(status));
		return err_set(ei, ST_TEMPFAIL, "the password command '%s' "
		    "failed (exit status %d)", cmd, rc >= 0 &&
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
	nl = memchr(out.data, '\n', out.len);
	if (nl != NULL)
		buf_truncate(&out, out.len - (size_t)(nl - out.data));
	if (out.len > 0 && out.data[out.len - 1] == '\r')
		buf_truncate(&out, 1);
	if (out.len == 0) {
		buf_free_secret(&out);
		return err_set(ei, ST_CONFIG, "the password command '%s' printed "
		    "nothing", cmd);
	}
	/* Whatever followed the first line is wiped too. */
	wipe(out.data + out.len, out.alloc - out.len);
	*out_r = buf_detach(&out, NULL);
	buf_free(&out);
	return 0;
}
