/*
 * smtpd: "msend -bs", sendmail's SMTP on standard input and output, as
 * PHP mailers (Symfony, Laravel, ownCloud) speak it through a pipe.
 *
 * The caller's commands are read with smtpd_parse (EHLO, HELO, MAIL,
 * RCPT, DATA, RSET, NOOP, QUIT, VRFY, HELP; PIPELINING, 8BITMIME, SIZE,
 * ENHANCEDSTATUSCODES, SMTPUTF8 and DSN are offered).  Each message is
 * kept, dot-unstuffed, in an unlinked temporary file (memory does not
 * grow with it) and then sent exactly as "msend -f SENDER RCPT... <
 * message" sends one (mailjob_run(): account, aliases, header, queue),
 * and the reply to its final dot says what became of it (smtpd_reply.h).
 * A message cut off by the end of input is never sent.
 *
 * Replies are queued and written before every read that could wait, so
 * a pipelining client gets all the replies to a group at once and in
 * order.  Bounds: a command line SMTPD_LINE_MAX; a message SMTPD_SIZE_MAX
 * (offered as SIZE; past it: 552); SMTPD_RCPTS_MAX recipients; after
 * SMTPD_ERRORS_MAX bad commands, or SMTPD_TIMEOUT seconds without
 * input, the session ends with a 421.
 */
#ifndef FACTEUR_SMTPD_H
#define FACTEUR_SMTPD_H

#include "cliopts.h"
#include "sendopts.h"
#include "status.h"

#define SMTPD_SIZE_MAX		(64ULL * 1024 * 1024)	/* bytes of message */
#define SMTPD_RCPTS_MAX		1000	/* RFC 5321 4.5.3.1.8: >= 100 */
#define SMTPD_ERRORS_MAX	50	/* bad commands in one session */
#define SMTPD_TIMEOUT		300	/* seconds, RFC 5321 4.5.3.2.7 */

/*
 * Serve one session: commands from fd in, replies to fd out (neither is
 * closed).  so holds the command line (account -a, -F, -V, server
 * options in co apply to every message; recipients are an error, -t is
 * ignored).  Returns 0 when the session ended with QUIT or the end of
 * input between messages, whatever became of the messages (the replies
 * said it); -1 with ST_USAGE for recipient arguments, ST_TEMPFAIL when
 * the input ended (or timed out) in the middle of a message (it was not
 * sent), ST_PROTOCOL after too many bad commands, ST_IOERR when the
 * replies cannot be written or the input read.
 */
int smtpd_run(const struct sendopts *so, struct cliopts *co, int in, int out,
    struct errinfo *ei);

/*
 * smtpd_run() on standard input and output, for main().  The replies go
 * to the open file of descriptor 1, and descriptor 1 itself is pointed at
 * standard error first, so that nothing else written to standard output
 * (a "logfile -", a debug trace) can break into the SMTP stream.
 */
int smtpd_run_stdio(const struct sendopts *so, struct cliopts *co,
    struct errinfo *ei);

#endif
