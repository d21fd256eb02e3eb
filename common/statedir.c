/* statedir: $XDG_STATE_HOME/facteur. */
#include "autoconf.h"

#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include "statedir.h"
#include "sys.h"
#include "xalloc.h"

const char *
statedir_home(void)
{
	return sys_home();
}

char *
statedir(void)
{
	const char *xdg = getenv("XDG_STATE_HOME");

	return xdg != NULL && *xdg == '/' ? xasprintf("%s/facteur", xdg) :
	    xasprintf("%s/.local/state/facteur", statedir_home());
}

char *
statedir_file(const char *name)
{
	char *d = statedir(), *r = xasprintf("%s/%s", d, name);

	free(d);
	return r;
}
