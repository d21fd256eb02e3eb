/* statedir: $XDG_STATE_HOME/facteur. */
#include "autoconf.h"

#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include "statedir.h"
#include "xalloc.h"

const char *
statedir_home(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h != NULL && *h != '\0')
		return h;
	pw = getpwuid(getuid());
	return pw != NULL ? pw->pw_dir : "/";
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
