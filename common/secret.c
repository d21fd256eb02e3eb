/* secret: the chain of password sources. */
#include "autoconf.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keyring.h"
#include "log.h"
#include "netrc.h"
#include "pwcmd.h"
#include "secret.h"
#include "tty.h"
#include "sys.h"
#include "xalloc.h"

const char *
secret_source_name(enum secret_source s)
{
	switch (s) {
	case SECRET_CONFIG:	return "the accounts file";
	case SECRET_COMMAND:	return "the password command";
	case SECRET_KEYRING:	return "the keyring";
	case SECRET_NETRC:	return "~/.netrc";
	case SECRET_PROMPT:	return "the terminal";
	case SECRET_NONE:	break;
	}
	return "nowhere";
}

static char *
netrc_path(void)
{
	return xasprintf("%s/.netrc", sys_home());
}

int
secret_get(const struct server *srv, const char *service, const char *user,
    const char *account, char **pw_r, enum secret_source *src_r,
    struct errinfo *ei)
{
	char *path, *prompt;
	int rc;

	if (srv->password != NULL) {
		*pw_r = xstrdup(srv->password);
		*src_r = SECRET_CONFIG;
		return 0;
	}
	if (srv->passwordeval != NULL && *srv->passwordeval != '\0') {
		if (pwcmd_run(srv->passwordeval, pw_r, ei) < 0)
			return err_prefix(ei, "%s%s%s", *account ? "account '" : "",
			    account, *account ? "': " : "");
		*src_r = SECRET_COMMAND;
		return 0;
	}
	rc = keyring_lookup(srv->host, service, user, pw_r, ei);
	if (rc < 0)
		log_warn("%s; trying other sources", ei->msg);
	if (rc > 0) {
		*src_r = SECRET_KEYRING;
		return 0;
	}
	path = netrc_path();
	rc = netrc_lookup(path, srv->host, user, pw_r, ei);
	free(path);
	if (rc < 0)
		log_warn("%s", ei->msg);
	if (rc > 0) {
		*src_r = SECRET_NETRC;
		return 0;
	}
	if (tty_can_prompt()) {
		prompt = xasprintf("Password for %s at %s (%s): ", user,
		    srv->host, service);
		rc = tty_read_secret(prompt, pw_r, ei);
		free(prompt);
		if (rc < 0)
			return -1;
		*src_r = SECRET_PROMPT;
		return 0;
	}
	return err_set(ei, ST_CONFIG, "%s%s%sno password for %s at %s (%s): "
	    "set 'passwordeval' (or 'password') in the accounts file, store "
	    "it in the keyring with --store-password, or add it to ~/.netrc; "
	    "there is no controlling terminal to ask on",
	    *account ? "account '" : "", account, *account ? "': " : "", user,
	    srv->host, service);
}
