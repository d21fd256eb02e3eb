/* tty: ask for a password on the terminal, without echo. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "tty.h"
#include "xalloc.h"

int
tty_can_prompt(void)
{
	int fd;

	/*
	 * As msmtp: the controlling terminal, whatever standard input is
	 * (msend reads the message there).  Without one (cron, a daemon,
	 * setsid), opening /dev/tty fails with ENXIO.
	 */
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	interrupted = sig;
}

int
tty_read_secret(const char *prompt, char **out_r, struct errinfo *ei)
{
	struct sigaction sa, old_int, old_term, old_hup, old_quit;
	struct termios saved, quiet;
	char line[TTY_SECRET_MAX + 1];
	size_t n = 0;
	int fd, echo_off = 0, rc = 0;

	if (!tty_can_prompt())
		return err_set(ei, ST_USAGE, "no controlling terminal to ask for "
		    "a password");
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return err_set(ei, ST_USAGE, "cannot open the terminal: %s",
		    strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	sigaction(SIGQUIT, &sa, &old_quit);
	interrupted = 0;
	if (tcgetattr(fd, &saved) == 0) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		echo_off = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	if (write(fd, prompt, strlen(prompt)) < 0)
		rc = err_set(ei, ST_USAGE, "cannot write to the terminal: %s",
		    strerror(errno));
	while (rc == 0 && !interrupted) {
		char c;
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			rc = err_set(ei, ST_USAGE, "cannot read the terminal: %s",
			    strerror(errno));
		else if (r == 0)	/* Ctrl-D: no password, not an empty one */
			rc = err_set(ei, ST_USAGE, "no password typed (end of "
			    "input)");
		else if (c == '\n')
			break;
		else if (n < TTY_SECRET_MAX)
			line[n++] = c;
		else
			rc = err_set(ei, ST_USAGE, "password longer than %d bytes",
			    TTY_SECRET_MAX);
	}
	line[n] = '\0';
	if (echo_off)
		tcsetattr(fd, TCSAFLUSH, &saved);
	(void)!write(fd, "\n", 1);
	close(fd);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	if (interrupted) {
		wipe(line, sizeof(line));
		err_set(ei, ST_TEMPFAIL, "interrupted");
		raise(interrupted);
		return -1;
	}
	if (rc < 0) {
		wipe(line, sizeof(line));
		return -1;
	}
	if (n > 0 && line[n - 1] == '\r')
		line[--n] = '\0';
	*out_r = xstrdup(line);
	wipe(line, sizeof(line));
	return 0;
}
