/* sys: process set-up shared by both programs. */
#include "autoconf.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include "sys.h"

void
sys_init(void)
{
	struct rlimit rl = { 0, 0 };
	int fd;

	setrlimit(RLIMIT_CORE, &rl);
	signal(SIGPIPE, SIG_IGN);
	/* Make sure 0, 1 and 2 are taken. */
	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
}
