/*
 * secret: where a login's password comes from.  First found wins:
 *  1. "password" in the accounts file;
 *  2. the password command ("passwordeval", see pwcmd.h);
 *  3. the keyring (see keyring.h), with msmtp's and mpop's attributes;
 *  4. ~/.netrc;
 *  5. a prompt without echo, only when a person is at the terminal.
 * Without any (in cron, say), the error names the account and every way
 * to provide a password; nothing ever waits for input that cannot come.
 */
#ifndef FACTEUR_SECRET_H
#define FACTEUR_SECRET_H

#include "account.h"
#include "status.h"

enum secret_source {
	SECRET_NONE = 0,
	SECRET_CONFIG,
	SECRET_COMMAND,
	SECRET_KEYRING,
	SECRET_NETRC,
	SECRET_PROMPT
};

/* "the accounts file", "the password command", "the keyring"... */
const char *secret_source_name(enum secret_source s);

/*
 * Find the password of user at srv->host for service ("smtp", "pop3",
 * "imap").  account names the account in messages ("" for options only).
 * Returns 0 with *pw_r (xfree_secret()) and *src_r, or -1: ST_CONFIG when
 * there is none (the message says how to provide one) or the command
 * cannot run, ST_TEMPFAIL when the command or the keyring failed.
 */
int secret_get(const struct server *srv, const char *service,
    const char *user, const char *account, char **pw_r,
    enum secret_source *src_r, struct errinfo *ei);

#endif
