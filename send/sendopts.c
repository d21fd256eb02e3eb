/* sendopts: sendmail's and msmtp's command line for msend. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "sendopts.h"
#include "settings.h"
#include "xalloc.h"

enum {
	O_READ_ENVELOPE_FROM = CLIOPTS_OWN_BASE,
	O_REMOVE_BCC,
	O_ADD_MISSING_FROM,
	O_ADD_MISSING_DATE,
	O_SET_FROM,
	O_SET_DATE,
	O_SET_MSGID,
	O_ALIASES,
	O_DOMAIN,
	O_LOGFILE_TIME_FORMAT,
	O_UNDISCLOSED,
	O_SET_TO,
	O_ALLOW_FROM_OVERRIDE,
	O_AUTO_FROM,
	O_MAILDOMAIN,
	O_RMQS,
	O_PROTOCOL,
	O_QUEUE,
	O_QUEUE_DIR,
	O_QUEUE_LIFETIME,
	O_BOUNCE_TO,
	O_FLUSH,
	O_QUEUE_REMOVE,
	O_QUEUE_FLUSH_NOW
};

const struct option sendopts_long[] = {
	{ "from", required_argument, NULL, 'f' },
	{ "read-recipients", no_argument, NULL, 't' },
	{ "read-envelope-from", no_argument, NULL, O_READ_ENVELOPE_FROM },
	{ "dsn-notify", required_argument, NULL, 'N' },
	{ "dsn-return", required_argument, NULL, 'R' },
	{ "remove-bcc-headers", optional_argument, NULL, O_REMOVE_BCC },
	{ "add-missing-from-header", optional_argument, NULL,
	    O_ADD_MISSING_FROM },
	{ "add-missing-date-header", optional_argument, NULL,
	    O_ADD_MISSING_DATE },
	{ "set-from-header", optional_argument, NULL, O_SET_FROM },
	{ "set-date-header", optional_argument, NULL, O_SET_DATE },
	{ "set-msgid-header", optional_argument, NULL, O_SET_MSGID },
	{ "aliases", required_argument, NULL, O_ALIASES },
	{ "domain", required_argument, NULL, O_DOMAIN },
	{ "logfile-time-format", required_argument, NULL,
	    O_LOGFILE_TIME_FORMAT },
	{ "undisclosed-recipients", optional_argument, NULL, O_UNDISCLOSED },
	{ "set-to-header", optional_argument, NULL, O_SET_TO },
	{ "allow-from-override", optional_argument, NULL,
	    O_ALLOW_FROM_OVERRIDE },
	{ "auto-from", optional_argument, NULL, O_AUTO_FROM },
	{ "maildomain", required_argument, NULL, O_MAILDOMAIN },
	{ "rmqs", required_argument, NULL, O_RMQS },
	{ "protocol", required_argument, NULL, O_PROTOCOL },
	{ "queue", optional_argument, NULL, O_QUEUE },
	{ "queue-dir", required_argument, NULL, O_QUEUE_DIR },
	{ "queue-lifetime", required_argument, NULL, O_QUEUE_LIFETIME },
	{ "bounce-to", required_argument, NULL, O_BOUNCE_TO },
	{ "flush", no_argument, NULL, O_FLUSH },
	{ "queue-remove", required_argument, NULL, O_QUEUE_REMOVE },
	{ "queue-flush-now", required_argument, NULL, O_QUEUE_FLUSH_NOW },
	{ NULL, 0, NULL, 0 }
};

/* Option -> account key, for those that are keys. */
static const struct {
	int opt;
	const char *key;
	const char *name;
} keyopts[] = {
	{ 'N', "dsn_notify", "-N/--dsn-notify" },
	{ 'R', "dsn_return", "-R/--dsn-return" },
	{ O_REMOVE_BCC, "remove_bcc_headers", "--remove-bcc-headers" },
	{ O_ADD_MISSING_FROM, "add_missing_from_header",
	    "--add-missing-from-header" },
	{ O_ADD_MISSING_DATE, "add_missing_date_header",
	    "--add-missing-date-header" },
	{ O_SET_FROM, "set_from_header", "--set-from-header" },
	{ O_SET_DATE, "set_date_header", "--set-date-header" },
	{ O_SET_MSGID, "set_msgid_header", "--set-msgid-header" },
	{ O_ALIASES, "aliases", "--aliases" },
	{ O_DOMAIN, "domain", "--domain" },
	{ O_LOGFILE_TIME_FORMAT, "logfile_time_format",
	    "--logfile-time-format" },
	{ O_UNDISCLOSED, "undisclosed_recipients", "--undisclosed-recipients" },
	{ O_SET_TO, "set_to_header", "--set-to-header" },
	{ O_ALLOW_FROM_OVERRIDE, "allow_from_override",
	    "--allow-from-override" },
	{ O_AUTO_FROM, "auto_from", "--auto-from" },
	{ O_MAILDOMAIN, "maildomain", "--maildomain" },
	{ O_QUEUE, "queue", "--queue" },
	{ O_QUEUE_DIR, "queue_dir", "--queue-dir" },
	{ O_QUEUE_LIFETIME, "queue_lifetime", "--queue-lifetime" },
	{ O_BOUNCE_TO, "bounce_to", "--bounce-to" },
};

void
sendopts_init(struct sendopts *so)
{
	memset(so, 0, sizeof(*so));
}

void
sendopts_free(struct sendopts *so)
{
	size_t i;

	free(so->from);
	free(so->fullname);
	free(so->envid);
	free(so->qid);
	for (i = 0; i < so->nrcpts; i++)
		free(so->rcpts[i]);
	free(so->rcpts);
	memset(so, 0, sizeof(*so));
}

void
sendopts_progname(struct sendopts *so, const char *argv0)
{
	const char *base = strrchr(argv0, '/');

	base = base != NULL ? base + 1 : argv0;
	if (strcmp(base, "mailq") == 0)
		so->mode = SEND_LIST_QUEUE;
	else if (strcmp(base, "newaliases") == 0)
		so->mode = SEND_NEWALIASES;
}

static int
has_bad_byte(const char *s)
{
	return strpbrk(s, "\r\n") != NULL;
}

/* -f ADDR: "<>" and "" are the null sender; <addr> loses its brackets. */
static int
set_from(struct sendopts *so, const char *arg, struct errinfo *ei)
{
	size_t n = strlen(arg);

	if (has_bad_byte(arg))
		return err_set(ei, ST_USAGE, "-f: line end in the address");
	free(so->from);
	if (n >= 2 && arg[0] == '<' && arg[n - 1] == '>')
		so->from = xstrndup(arg + 1, n - 2);
	else
		so->from = xstrdup(arg);
	if (!addr_envelope_ok(so->from))
		return err_set(ei, ST_USAGE, "-f: invalid address '%s'", arg);
	return 0;
}

/* A queue id as the queue makes them: [A-Za-z0-9._-], no leading '.'. */
static int
qid_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 64 && s[0] != '.' &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._-") == n;
}

static int
mode_b(struct sendopts *so, const char *arg, struct errinfo *ei)
{
	if (strcmp(arg, "s") == 0)
		so->mode = SEND_SMTP;
	else if (strcmp(arg, "m") == 0)
		so->mode = SEND_MAIL;
	else if (strcmp(arg, "p") == 0)
		so->mode = SEND_LIST_QUEUE;
	else if (strcmp(arg, "i") == 0)
		so->mode = SEND_NEWALIASES;
	else
		return err_set(ei, ST_USAGE, "-b%s: msend can only send mail "
		    "(-bm), speak SMTP on standard input (-bs), list its queue "
		    "(-bp) or rebuild aliases (-bi)", arg);
	return 0;
}

int
sendopts_handle(struct sendopts *so, struct cliopts *co, int opt,
    const char *arg, struct errinfo *ei)
{
	size_t i;

	if ((opt == O_SET_FROM || opt == O_SET_DATE || opt == O_SET_MSGID) &&
	    arg == NULL)
		arg = "auto";	/* msmtp: --set-from-header alone */
	for (i = 0; i < sizeof(keyopts) / sizeof(keyopts[0]); i++) {
		if (keyopts[i].opt != opt)
			continue;
		/* sendmail's -R takes "hdrs". */
		if (setlist_add_side(&co->set, keyopts[i].key, SIDE_OUT, arg,
		    ei) < 0) {
			ei->st = ST_USAGE;
			return err_prefix(ei, "%s: ", keyopts[i].name);
		}
		return 1;
	}
	switch (opt) {
	case O_SET_FROM:
	case O_SET_DATE:
	case O_SET_MSGID:
		break;	/* handled below: a bare option is "auto" */
	case O_RMQS:
		return err_set(ei, ST_USAGE, "--rmqs (ask the server to run "
		    "its queue, ETRN) is not supported");
	case O_PROTOCOL:
		if (setlist_add(&co->set, "outgoing_protocol", arg, 0, ei) < 0) {
			ei->st = ST_USAGE;
			return err_prefix(ei, "--protocol: ");
		}
		return 1;
	case 't':
		so->read_recipients = 1;
		return 1;
	case O_READ_ENVELOPE_FROM:
		so->read_envelope_from = 1;
		return 1;
	case 'f':
	case 'r':
		return set_from(so, arg, ei) < 0 ? -1 : 1;
	case 'F':
		if (has_bad_byte(arg))
			return err_set(ei, ST_USAGE, "-F: line end in the name");
		free(so->fullname);
		so->fullname = xstrdup(arg);
		return 1;
	case 'V':
		if (!addr_envelope_ok(arg) || strlen(arg) > 100)
			return err_set(ei, ST_USAGE, "-V: invalid envelope id");
		free(so->envid);
		so->envid = xstrdup(arg);
		return 1;
	case 'b':
		return mode_b(so, arg, ei) < 0 ? -1 : 1;
	case 'I':
		so->mode = SEND_NEWALIASES;
		return 1;
	case 'q':	/* -q, and sendmail's -q30m (an interval: cron's) */
	case O_FLUSH:
		so->mode = SEND_FLUSH;
		return 1;
	case O_QUEUE_REMOVE:
	case O_QUEUE_FLUSH_NOW:
		if (!qid_ok(arg))
			return err_set(ei, ST_USAGE, "%s: '%.100s' is not a queue "
			    "id (as mailq shows them)", opt == O_QUEUE_REMOVE ?
			    "--queue-remove" : "--queue-flush-now", arg);
		free(so->qid);
		so->qid = xstrdup(arg);
		so->mode = opt == O_QUEUE_REMOVE ? SEND_QUEUE_REMOVE :
		    SEND_FLUSH;
		return 1;
	case 'v':
		return cliopts_handle(co, 'd', NULL, ei);
	case 'i':	/* a lone "." never ends the message anyway */
	case 'o':	/* -oi, -oem, -odi, -oXxx: sendmail's options */
	case 'B':	/* body type */
	case 'L':	/* syslog label */
	case 'h':	/* hop count */
	case 'm':	/* me too */
	case 'G':	/* gateway submission */
	case 'U':	/* initial user submission */
	case 'n':	/* no aliasing */
	case 'O':	/* option=value */
	case 'e':	/* old error mode, -eX */
	case 'p':	/* protocol */
		return 1;
	case 'A':	/* sendmail's -Am/-Ac; --auth-only has no argument */
		if (arg == NULL)
			return 0;
		return 1;
	}
	return 0;
}

int
sendopts_add_rcpt(struct sendopts *so, const char *arg, struct errinfo *ei)
{
	if (has_bad_byte(arg))
		return err_set(ei, ST_USAGE, "a recipient argument contains a "
		    "line end");
	so->rcpts = xreallocarray(so->rcpts, so->nrcpts + 1,
	    sizeof(*so->rcpts));
	so->rcpts[so->nrcpts++] = xstrdup(arg);
	return 0;
}

void
sendopts_help(FILE *f)
{
	fputs(
"Sending (sendmail and msmtp compatible):\n"
"  -t, --read-recipients      recipients also from To, Cc, Bcc (or Resent-*)\n"
"  -f, -r, --from=ADDRESS     envelope sender (-f '<>': none)\n"
"  --read-envelope-from       envelope sender from the From header\n"
"  -F NAME                    full name for an added From header\n"
"  -N, --dsn-notify=(off|never|success,failure,delay) ask for DSNs\n"
"  -R, --dsn-return=(off|headers|full) what a DSN returns\n"
"  -V ENVID                   DSN envelope id\n"
"  --remove-bcc-headers[=(on|off)] remove Bcc (default on)\n"
"  --set-from-header[=(auto|on|off)] add From when missing (auto), always\n"
"  --set-date-header[=(auto|off)], --set-msgid-header[=(auto|off)]\n"
"  --add-missing-from-header[=(on|off)], --add-missing-date-header[=...]\n"
"  --aliases=FILE             aliases for local recipients\n"
"  --domain=NAME              EHLO argument\n"
"  --logfile-time-format=[FMT] strftime(3) format of the log file's time\n"
"                             stamps (empty: the default, ISO 8601)\n"
"  --set-to-header[=(on|off|undisclosed_recipients)] replace To, Cc and\n"
"                             Bcc with one To: every recipient (on), or\n"
"                             \"undisclosed-recipients:;\"\n"
"  --undisclosed-recipients[=(on|off)] the older form of the latter\n"
"  --allow-from-override[=(on|off)] off: -f does not change the account's\n"
"                             envelope sender (default on)\n"
"  --auto-from[=(on|off)], --maildomain=[DOMAIN] sender $USER@DOMAIN\n"
"                             (msmtp's, obsolete: use from %U@DOMAIN)\n"
"  -v                         same as --debug\n"
"  --protocol=(smtp|lmtp)     LMTP (RFC 2033; default port 2003)\n"
"  -bm (default), -bi (aliases: nothing to do)\n"
"  -bs                        speak SMTP on standard input and output: each\n"
"                             message sent as with -f SENDER RCPT...\n"
"Queue (see msend(1), QUEUE):\n"
"  --queue[=(on|off)]         queue the message on a temporary failure\n"
"  --queue-dir=DIR            the queue's directory\n"
"  --queue-lifetime=DURATION  give up (and bounce) after this (default 5d)\n"
"  --bounce-to=(mbox,FILE|maildir,DIR|mda,COMMAND) where bounces go\n"
"                             (default mbox,~/dead.letter)\n"
"  -q, --flush                send the queued messages that are due\n"
"  --queue-flush-now=ID       send this queued message now\n"
"  -bp, mailq                 list the queue\n"
"  --queue-remove=ID          remove a message from the queue\n"
"  --rmqs, --configure        not supported (an error, exit 64)\n"

"  -i, -oi, -oXxx, -B, -L, -h, -m, -G, -U, -n, -O, -Am: accepted, ignored\n",
	    f);
}
