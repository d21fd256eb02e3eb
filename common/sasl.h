/*
 * sasl: one SASL exchange loop for SMTP AUTH, POP3 AUTH and IMAP
 * AUTHENTICATE.  Each protocol gives a small table (struct sasl_ops):
 * how to start ("AUTH MECH [initial-response]"), how to send a response
 * line, and how to read the server's answer (a challenge, success or
 * failure).  The mechanisms run through libgsasl (SCRAM-SHA-256/-1 and
 * their -PLUS channel-binding variants, PLAIN, LOGIN, CRAM-MD5, NTLM,
 * GSSAPI, EXTERNAL, DIGEST-MD5), except XOAUTH2 and OAUTHBEARER, which
 * libgsasl lacks and which are a single message built here.
 *
 * Every response we send may hold a secret: the protocol tables send
 * them through conn_send_line()'s secret argument, so traces show
 * "<hidden>".  Server challenges are bounded (SASL_CHALLENGE_MAX).
 * A SCRAM login succeeds only once the server has proved it knows the
 * password (its signature is checked by libgsasl).
 */
#ifndef FACTEUR_SASL_H
#define FACTEUR_SASL_H

#include <stddef.h>

#include "login.h"
#include "status.h"

#define SASL_CHALLENGE_MAX	12288	/* base64 bytes of one challenge */
#define SASL_IR_MAX		8192	/* longer initial responses wait for
					   an empty challenge instead */
#define SASL_POP3_IR_MAX	200	/* RFC 5034: an AUTH line fits in 255 */

enum sasl_answer {
	SASL_MORE,		/* a challenge: the exchange goes on */
	SASL_SUCCESS,
	SASL_FAILURE		/* refused: ei holds the server's words */
};

struct sasl_ops {
	/*
	 * Queue the command that starts mech, with an initial response in
	 * base64 (ir; "" for an empty one) or without (ir NULL).
	 */
	int (*start)(void *sess, const char *mech, const char *ir,
	    struct errinfo *ei);
	/* Queue one response line (base64; "*" cancels the exchange). */
	int (*respond)(void *sess, const char *line, struct errinfo *ei);
	/*
	 * Flush and read the server's answer.  For SASL_MORE, *chal_r and
	 * *len_r give the base64 challenge (valid until the next call).
	 * For SASL_FAILURE, ei is filled: ST_NOPERM (refused) or
	 * ST_TEMPFAIL (try later), with the server's words.
	 */
	int (*read)(void *sess, enum sasl_answer *a_r, const char **chal_r,
	    size_t *len_r, struct errinfo *ei);
};

/* Can we do this mechanism? */
int sasl_supported(const char *mech);

/*
 * Log in with lg->mech (chosen by login_choose()).  ir_max: the longest
 * initial response (base64) the protocol takes on the command line
 * (SASL_IR_MAX for SMTP and IMAP with SASL-IR, SASL_POP3_IR_MAX), 0 for
 * none; a longer one waits for the server's empty challenge.
 * Returns 0 once the server accepted, or -1: the server's refusal
 * (ST_NOPERM, ST_TEMPFAIL), a password problem (see secret.h), or a bad
 * exchange (ST_PROTOCOL: malformed or over-long challenge, a SCRAM server
 * that could not prove it knows the password).
 */
int sasl_run(struct login *lg, const struct sasl_ops *ops, void *sess,
    size_t ir_max, struct errinfo *ei);

/* Release libgsasl at exit (for leak checkers). */
void sasl_done(void);

/* Base64 helpers (through libgsasl); results are freed with free(). */
int sasl_b64_encode(const char *in, size_t len, char **out_r);
int sasl_b64_decode(const char *in, size_t len, char **out_r,
    size_t *outlen_r);

#endif
