/* jobs: bounded parallel children, one per account. */
#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jobs.h"
#include "xalloc.h"

int
jobs_run(size_t n, int max, int (*fn)(size_t i, void *arg), void *arg)
{
	pid_t *pid = xcalloc(n, sizeof(*pid));
	int *rc = xcalloc(n, sizeof(*rc));
	size_t next = 0, i;
	int running = 0, status, result = 0;

	while (next < n || running > 0) {
		while (next < n && running < max) {
			fflush(NULL);
			pid[next] = fork();
			if (pid[next] == 0) {
				int r = fn(next, arg);

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
		if (running == 0)
			break;
		{
			pid_t w = waitpid(-1, &status, 0);

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
	for (i = 0; i < n && result == 0; i++)
		result = rc[i];
	free(pid);
	free(rc);
	return result;
}
