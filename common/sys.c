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

static volatile sig_atomic_t reload_sig;
static sigset_t daemon_blocked;

static void
on_reload(int sig)
{
	(void)sig;
	reload_sig = 1;
}

static void
on_child(int sig)
{
	(void)sig;	/* only ends the ppoll() */
}

void
sys_daemon_signals(sigset_t *waitmask)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_reload;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_child;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&daemon_blocked);
	sigaddset(&daemon_blocked, SIGTERM);
	sigaddset(&daemon_blocked, SIGINT);
	sigaddset(&daemon_blocked, SIGHUP);
	sigaddset(&daemon_blocked, SIGCHLD);
	sigprocmask(SIG_BLOCK, &daemon_blocked, waitmask);
	sigdelset(waitmask, SIGTERM);
	sigdelset(waitmask, SIGINT);
	sigdelset(waitmask, SIGHUP);
	sigdelset(waitmask, SIGCHLD);
}

int
sys_take_reload(void)
{
	int r = reload_sig;

	reload_sig = 0;
	return r;
}

void
sys_child_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	/*
	 * Default actions first: a SIGTERM sent before the exec ends the
	 * child instead of setting a flag that the exec forgets.
	 */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sigprocmask(SIG_UNBLOCK, &daemon_blocked, NULL);
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
