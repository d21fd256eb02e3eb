/* sys: process set-up shared by both programs; the stop signals. */
#include "autoconf.h"

#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "sys.h"

static volatile sig_atomic_t stop_sig;

void
sys_init(void)
{
	struct rlimit rl = { 0, 0 };
	int fd;

	setrlimit(RLIMIT_CORE, &rl);
	signal(SIGPIPE, SIG_IGN);
	/*
	 * An ignored SIGCHLD is inherited through exec (swaks --pipe runs
	 * msend -bs so): children would then be reaped by the kernel, and
	 * waitpid() could not tell how a password command or an MDA ended.
	 */
	signal(SIGCHLD, SIG_DFL);
	/* Make sure 0, 1 and 2 are taken. */
	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
}

static void
on_stop(int sig)
{
	stop_sig = sig;
}

void
sys_catch_stop(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: waits return EINTR */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

int
sys_stop_signal(void)
{
	return stop_sig;
}

int
sys_check_stop(struct errinfo *ei)
{
	int sig = stop_sig;

	if (sig == 0)
		return 0;
	return err_set(ei, ST_TEMPFAIL, "stopped by %s",
	    sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" :
	    sig == SIGHUP ? "SIGHUP" : "a signal");
}

const char *
sys_home(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h != NULL && *h != '\0')
		return h;
	pw = getpwuid(getuid());
	return pw != NULL ? pw->pw_dir : "/";
}
