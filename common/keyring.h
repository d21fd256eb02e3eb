/*
 * keyring: passwords in the desktop keyring (the Secret Service: GNOME
 * Keyring, KWallet) through libsecret.  The only module that includes
 * libsecret.
 *
 * Items carry the attributes msmtp and mpop use, host, service ("smtp",
 * "pop3"; "imap" for IMAP) and user, and are matched whatever their
 * schema name, so a password stored for msmtp or mpop, or with
 *   secret-tool store --label=msmtp host smtp.example.org service smtp user alice
 * is found.  Items of the older libgnome-keyring network schema (server,
 * protocol, user) are found too.
 *
 * Without a session bus (cron, ssh without a desktop) the keyring is
 * simply not there: lookups find nothing, quickly, and never start a bus.
 */
#ifndef FACTEUR_KEYRING_H
#define FACTEUR_KEYRING_H

#include "status.h"

/* Is the keyring compiled in and a session bus reachable? */
int keyring_available(void);
/* The same, as 0 or -1 with the reason (ST_UNAVAILABLE). */
int keyring_usable(struct errinfo *ei);

/*
 * Look up the password of user at host for service.  Returns 1 and
 * *pw_r (xfree_secret()), 0 when there is none (or no keyring), or -1
 * when the keyring failed (ST_TEMPFAIL, a locked keyring for example).
 */
int keyring_lookup(const char *host, const char *service, const char *user,
    char **pw_r, struct errinfo *ei);

/* Store (or replace) it.  Returns 0, or -1 (ST_UNAVAILABLE without a
 * keyring, ST_TEMPFAIL when the keyring refused). */
int keyring_store(const char *host, const char *service, const char *user,
    const char *password, struct errinfo *ei);

/* Remove it.  Returns 1 when something was removed, 0 when there was
 * nothing, -1 on failure. */
int keyring_forget(const char *host, const char *service, const char *user,
    struct errinfo *ei);

#endif
