/*
 * login: one way to log in for all three protocols.  It decides how
 * (which SASL mechanism, or the protocol's own USER/PASS, APOP or IMAP
 * LOGIN), gets the password only when the chosen way needs one, and
 * refuses to send a password in clear over an unencrypted connection
 * unless the account says "auth_plaintext on".
 *
 * Automatic choice, strongest first:
 *   with TLS:    EXTERNAL (with a client certificate), SCRAM-SHA-256-PLUS,
 *                SCRAM-SHA-1-PLUS, SCRAM-SHA-256, SCRAM-SHA-1, PLAIN,
 *                LOGIN, USER/PASS, IMAP LOGIN, CRAM-MD5, APOP, NTLM;
 *   without TLS: SCRAM-SHA-256, SCRAM-SHA-1, CRAM-MD5, APOP, NTLM, then
 *                the plaintext ones only with auth_plaintext on.
 * GSSAPI, XOAUTH2, OAUTHBEARER and DIGEST-MD5 are used only when named
 * with "auth MECH".
 */
#ifndef FACTEUR_LOGIN_H
#define FACTEUR_LOGIN_H

#include "account.h"
#include "secret.h"
#include "status.h"
#include "tls.h"

/* The protocols' own logins, besides SASL. */
#define LOGIN_USERPASS	0x1	/* POP3 USER and PASS */
#define LOGIN_APOP	0x2	/* POP3 APOP */
#define LOGIN_IMAPLOGIN	0x4	/* IMAP LOGIN */

/* What login_choose() picked. */
enum login_kind {
	LOGIN_NONE,		/* "auth off": no login */
	LOGIN_SASL,		/* the SASL mechanism in mech */
	LOGIN_NATIVE		/* the protocol's own, in native */
};

struct login {
	const struct server *srv;
	const char *service;	/* "smtp", "pop3", "imap" */
	const char *account;	/* account name for messages, may be "" */
	char *user;
	struct tls *tls;	/* NULL on an unencrypted connection */
	char *password;		/* fetched on demand; wiped by login_free() */
	enum secret_source source;
	/* The choice: */
	enum login_kind kind;
	char mech[48];		/* SASL mechanism, upper case */
	unsigned native;	/* LOGIN_USERPASS, LOGIN_APOP, LOGIN_IMAPLOGIN */
};

/*
 * Prepare a login to srv (see server_login_user()).  tls is the
 * connection's TLS session, NULL without TLS.
 */
void login_init(struct login *lg, const struct server *srv,
    const char *account, const char *address, struct tls *tls);
void login_free(struct login *lg);

/*
 * Choose how to log in: offered is the server's SASL mechanism list
 * (space separated, may be empty), natives the protocol's own logins the
 * server allows.  Fills lg->kind and lg->mech or lg->native.  Returns 0,
 * or -1: ST_UNAVAILABLE when the forced mechanism is not offered or
 * unknown, or nothing is offered; ST_NOPERM when only plaintext logins
 * remain on an unencrypted connection (the message says how to allow).
 */
int login_choose(struct login *lg, const char *offered, unsigned natives,
    struct errinfo *ei);

/* The password (fetched once, see secret.h). */
int login_password(struct login *lg, const char **pw_r, struct errinfo *ei);

/*
 * POP3 APOP's digest of the greeting's timestamp and the password: 32
 * lower-case hex digits into hex[33].  Pure.
 */
void login_apop_digest(const char *timestamp, const char *password,
    char hex[33]);

/* The i-th SASL mechanism we know, strongest first; NULL past the end. */
const char *login_mechanism(size_t i);

/* Does the mechanism send the password itself (PLAIN, LOGIN...)? */
int login_is_plaintext(const char *mech, unsigned native);

/* "SCRAM-SHA-256", "USER/PASS", "APOP", "IMAP LOGIN" or "none". */
const char *login_method_name(const struct login *lg);

#endif
