/*
 * sendopts: msend's own command line, sendmail's and msmtp's: recipients
 * as arguments, -t, -f/-r, -F, -N/-R/-V (DSN), -i, -bm, -bp, -bi, and
 * the legacy flags every sendmail accepts and ignores (-oi, -oem, -odi,
 * -B, -L, -h, -m, -G, -U, -n, -O...), so that cron, mail(1), mutt,
 * git send-email and PHP's mail() work unchanged; and msmtp's long
 * options (--from, --read-recipients, --read-envelope-from, --dsn-notify,
 * --dsn-return, --remove-bcc-headers, --add-missing-from-header,
 * --add-missing-date-header, --set-*-header, --aliases, --domain).
 *
 * Options that are account keys (dsn_notify, aliases...) go into the
 * shared option list (struct cliopts), so that they override the
 * accounts file the same way server options do.
 */
#ifndef FACTEUR_SENDOPTS_H
#define FACTEUR_SENDOPTS_H

#include <getopt.h>
#include <stddef.h>

#include "cliopts.h"
#include "status.h"

/* sendmail's short options, after the shared ones (cliopts.h). */
#define SENDOPTS_SHORT "tif:r:F:N:R:V:o:b:B:L:h:mvGUnO:e:A:p:Iq::"

enum send_mode {
	SEND_MAIL = 0,		/* -bm: send the message on stdin */
	SEND_LIST_QUEUE,	/* -bp, mailq */
	SEND_NEWALIASES,	/* -bi, -I, newaliases */
	SEND_SMTP,		/* -bs: SMTP on stdin and stdout */
	SEND_FLUSH,		/* -q, --flush, --queue-flush-now=ID */
	SEND_QUEUE_REMOVE	/* --queue-remove=ID */
};

struct sendopts {
	enum send_mode mode;
	int read_recipients;	/* -t */
	int read_envelope_from;	/* --read-envelope-from */
	char *from;		/* -f, -r, --from; "" is the null sender */
	char *fullname;		/* -F */
	char *envid;		/* -V: DSN envelope id */
	char *qid;		/* --queue-remove, --queue-flush-now: the id */
	char **rcpts;		/* recipients given as arguments */
	size_t nrcpts;
};

/* The long options of msend (for cliopts_table()). */
extern const struct option sendopts_long[];

void sendopts_init(struct sendopts *so);
void sendopts_free(struct sendopts *so);

/*
 * Handle one option of msend's own (short or long).  Returns 1 when
 * handled, 0 when it is not one of msend's, -1 for a bad value
 * (ST_USAGE).  Account-key options are added to co.
 */
int sendopts_handle(struct sendopts *so, struct cliopts *co, int opt,
    const char *arg, struct errinfo *ei);

/*
 * The program's name decides its default mode: "mailq" lists the queue,
 * "newaliases" rebuilds aliases (nothing to do).
 */
void sendopts_progname(struct sendopts *so, const char *argv0);

/* Add a recipient argument (checked: no CR, LF, NUL; no leading '-'). */
int sendopts_add_rcpt(struct sendopts *so, const char *arg,
    struct errinfo *ei);

/* Help text for msend's own options. */
void sendopts_help(FILE *f);

#endif
