/* jobs: bounded parallel children, one per account. */
#include "autoconf.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "exitcode.h"
#include "jobs.h"
#include "status.h"
#include "sys.h"
#include "xalloc.h"

/* SIGCHLD only has to interrupt the parent's poll(). */
static void
on_child(int sig)
{
	(void)sig;
}

/* In a new child: end with the parent, even a parent killed with SIGKILL. */
static void
die_with_parent(pid_t parent)
{
#ifdef __linux__
	/* SIGTERM, not SIGKILL: the child rolls back what it has in hand. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
	if (getppid() != parent)
		_exit(status_exit_code(ST_TEMPFAIL));	/* it died already */
}

int
jobs_run(size_t n, int max, int (*fn)(size_t i, void *arg), void *arg)
{
	pid_t *pid = xcalloc(n, sizeof(*pid)), parent = getpid();
	int *rc = xcalloc(n, sizeof(*rc));
	size_t next = 0, i;
	int running = 0, status, result = 0, forwarded = 0;
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_child;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, &old);
	while (next < n || running > 0) {
		while (next < n && running < max && sys_stop_signal() == 0) {
			fflush(NULL);
			pid[next] = fork();
			if (pid[next] == 0) {
				int r;

				sigaction(SIGCHLD, &old, NULL);
				die_with_parent(parent);
				r = fn(next, arg);
				fflush(NULL);
				_exit(r);
			}
			if (pid[next] < 0) {
				/* No more processes: run it here instead. */
				rc[next] = fn(next, arg);
				pid[next] = 0;
			} else {
				running++;
			}
			next++;
		}
		if (sys_stop_signal() != 0 && !forwarded) {
			/* Asked to stop: so are the children; start no more. */
			for (i = 0; i < next; i++)
				if (pid[i] > 0)
					kill(pid[i], sys_stop_signal());
			for (; next < n; next++)
				rc[next] = status_exit_code(ST_TEMPFAIL);
			forwarded = 1;
		}
		if (running == 0)
			break;
		{
			pid_t w = waitpid(-1, &status, WNOHANG);

			if (w == 0) {
				/* SIGCHLD or a stop signal cuts this short. */
				poll(NULL, 0, SYS_STOP_POLL_MS);
				continue;
			}
			if (w < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			for (i = 0; i < next; i++) {
				if (pid[i] != w)
					continue;
				rc[i] = WIFEXITED(status) ? WEXITSTATUS(status) :
				    70;	/* killed: EX_SOFTWARE */
				pid[i] = 0;
				running--;
			}
		}
	}
	sigaction(SIGCHLD, &old, NULL);
	for (i = 0; i < n; i++)
		result = exitcode_combine(result, rc[i]);
	free(pid);
	free(rc);
	return result;
}
