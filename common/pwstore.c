/* pwstore: --store-password and --forget-password. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "keyring.h"
#include "pwstore.h"
#include "tty.h"
#include "xalloc.h"

static int
ask_twice(const char *user, const char *host, const char *service,
    char **pw_r, struct errinfo *ei)
{
	char *prompt, *a = NULL, *b = NULL;
	int rc = -1;

	if (!tty_can_prompt())
		return err_set(ei, ST_USAGE, "--store-password asks for the "
		    "password on a terminal, and there is no controlling "
		    "terminal");
	prompt = xasprintf("Password for %s at %s (%s): ", user, host, service);
	if (tty_read_secret(prompt, &a, ei) < 0)
		goto out;
	if (*a == '\0') {
		err_set(ei, ST_USAGE, "empty password: nothing stored");
		goto out;
	}
	if (tty_read_secret("Again, to be sure: ", &b, ei) < 0)
		goto out;
	if (strcmp(a, b) != 0) {
		err_set(ei, ST_USAGE, "the two passwords differ: nothing stored");
		goto out;
	}
	*pw_r = a;
	a = NULL;
	rc = 0;
out:
	free(prompt);
	xfree_secret(a);
	xfree_secret(b);
	return rc;
}

int
pwstore_run(const struct server *srv, const char *address, int forget,
    FILE *out, struct errinfo *ei)
{
	const char *service = server_service(srv);
	const char *user = server_login_user(srv, address);
	char *pw = NULL;
	int rc;

	if (srv->host == NULL || *srv->host == '\0')
		return err_set(ei, ST_CONFIG, "the account has no %s server",
		    srv->proto == PROTO_SMTP ? "outgoing" : "incoming");
	if (*user == '\0')
		return err_set(ei, ST_CONFIG, "the account has neither 'user' nor "
		    "'address': whose password is it?");
	if (keyring_usable(ei) < 0)
		return -1;
	if (forget) {
		rc = keyring_forget(srv->host, service, user, ei);
		if (rc < 0)
			return -1;
		fprintf(out, rc > 0 ? "Removed the password of %s at %s (%s) "
		    "from the keyring.\n" : "The keyring held no password for "
		    "%s at %s (%s).\n", user, srv->host, service);
		return 0;
	}
	/* Is a Secret Service there?  Better to know before asking. */
	if (keyring_lookup(srv->host, service, user, &pw, ei) < 0)
		return -1;
	xfree_secret(pw);
	pw = NULL;
	if (ask_twice(user, srv->host, service, &pw, ei) < 0)
		return -1;
	rc = keyring_store(srv->host, service, user, pw, ei);
	xfree_secret(pw);
	if (rc < 0)
		return -1;
	fprintf(out, "Stored the password of %s at %s (%s) in the keyring.\n",
	    user, srv->host, service);
	return 0;
}
