/*
 * account: what one configured account resolves to.  An account is what a
 * mail client's account wizard asks for: the address, the incoming server
 * (POP3 or IMAP), the outgoing server (SMTP), the login.  Both programs
 * read the same accounts; mfetch uses the incoming side, msend the
 * outgoing one.
 *
 * Resolved accounts are plain values owned by the caller (account_free());
 * they are produced by config_resolve() from the file and the command line.
 */
#ifndef FACTEUR_ACCOUNT_H
#define FACTEUR_ACCOUNT_H

#include "tls.h"

enum proto {
	PROTO_NONE = 0,
	PROTO_POP3,
	PROTO_IMAP,
	PROTO_SMTP
};

/* Values of set_to_header (and undisclosed_recipients: off or _UNDISCLOSED). */
enum setto { SETTO_OFF = 0, SETTO_ON, SETTO_UNDISCLOSED };

/* Values of set_from_header, set_date_header, set_msgid_header. */
enum sethdr {
	SETHDR_AUTO = 0,	/* add when missing */
	SETHDR_ON,		/* always set (replace) */
	SETHDR_OFF		/* never touch */
};

/* keep: messages stay on the server for good. */
#define KEEP_FOREVER	(-1L)
#define POLL_INTERVAL_DEFAULT	(5 * 60)	/* seconds */
#define IDLE_INTERVAL_DEFAULT	(29 * 60)	/* RFC 2177: < 30 min */
/* The default, as Thunderbird's account wizard: 14 days. */
#define KEEP_DEFAULT	(14L * 86400)

/* Default timeouts, in seconds. */
#define DEFAULT_CONNECT_TIMEOUT	30
#define DEFAULT_TIMEOUT		60

struct server {
	enum proto proto;
	char *host;
	unsigned port;		/* 0: the default for proto and TLS mode */
	int tls;		/* use TLS (1, the default) */
	int starttls;		/* 1: STARTTLS on the plain port; 0: implicit */
	char *trust_file;	/* NULL, "system": system CAs; "": none */
	char *fingerprint;
	int certcheck;		/* 1 unless turned off explicitly */
	char *cert_file;
	char *key_file;
	char *host_override;
	int tls_min_version;	/* 12 or 13 */
	char *user;
	char *password;		/* a secret: wiped when freed */
	char *passwordeval;
	char *auth;		/* NULL/"on": automatic; "off"; a mechanism */
	int auth_plaintext;	/* allow a password in clear without TLS */
	int connect_timeout;	/* seconds, 0: none */
	int timeout;		/* seconds for each read/write, 0: none */
	char *domain;		/* SMTP EHLO argument; NULL: our host name */
	int smtp_port25;	/* SMTP's default port is 25, not 587 (msmtp) */
	char *source_ip;	/* bind to this local address; NULL: any */
	char *proxy_host;	/* SOCKS5 proxy; NULL: connect directly */
	unsigned proxy_port;	/* 0: 1080 */
	char *socket;		/* unix socket instead of host:port, proxy */
	char *crl_file;		/* tls_crl_file; NULL: no CRL check */
	int lmtp;		/* outgoing: LMTP (RFC 2033), not SMTP */
};

struct account {
	char *name;		/* "" for an account made of options only */
	int dialect;		/* enum config_dialect of its file */
	char *file;		/* where it was defined, for messages */
	int line;
	char *address;		/* the user's mail address */
	struct server in;	/* incoming: POP3 or IMAP */
	struct server out;	/* outgoing: SMTP */
	char *logfile;		/* append a log line per event here */
	/* How msend handles messages (msmtp's keys). */
	char *aliases;		/* aliases file for local recipients */
	char *dsn_notify;	/* NULL, "never", "success,failure,delay"... */
	char *dsn_return;	/* NULL, "full", "headers" */
	int remove_bcc;		/* remove_bcc_headers (default on) */
	int set_from;		/* set_from_header: SETHDR_AUTO/ON/OFF */
	int set_date;		/* set_date_header: SETHDR_AUTO/OFF */
	int set_msgid;		/* set_msgid_header: SETHDR_AUTO/OFF */
	int select_by_from_header; /* a From field may choose this account */
	/* How mfetch handles messages (mpop's keys where they exist). */
	char *delivery;		/* "mbox,FILE", "maildir,DIR", "mda,COMMAND" */
	long keep;		/* KEEP_FOREVER, 0 (delete), or seconds */
	char *uidls_file;	/* NULL: the default state file */
	char *mpop_uidls_file;	/* mpop's uidls_file, to take over; NULL:
				   mpop's default ~/.mpop_uidls/%U_at_%H */
	char *fetchmail_idfile;	/* fetchmail's idfile, to take over; NULL:
				   ~/.fetchids */
	unsigned long long killsize;	/* delete unfetched above this; 0 */
	unsigned long long skipsize;	/* skip above this; 0 */
	int fetchall;		/* fetch messages seen before too */
	long max_messages;	/* per run; 0: no limit */
	int received_header;	/* add a Received field (default on) */
	int pipelining;		/* POP3: SETHDR_AUTO (as CAPA says), ON, OFF */
	char *filter;		/* mpop's filter command, or NULL */
	/* IMAP (issue 12). */
	char *folders;		/* fetch/folders.h; NULL: INBOX */
	char *move_to;		/* move fetched messages there; NULL: no */
	int mark_seen;		/* set \Seen on fetched messages (default on) */
	char *syslog;		/* NULL/"off", or a facility ("mail") */
	/* More of msmtp's keys for msend (issue 11). */
	char *logfile_time_format; /* strftime(3) format; NULL: default */
	int set_to_header;	/* SETTO_OFF, _ON (every recipient), _UNDISCLOSED */
	char *from_full_name;	/* full name for an added From (as -F) */
	int allow_from_override; /* -f changes the sender (default on) */
	int auto_from;		/* sender $USER@maildomain (msmtp, obsolete) */
	char *maildomain;	/* for auto_from; NULL: the user name alone */
	/* msend's queue (issue 13). */
	int queue;		/* queue mail on a temporary failure */
	char *queue_dir;	/* NULL: the default (send/queue.h) */
	long queue_lifetime;	/* seconds; KEEP_FOREVER: never expires */
	char *bounce_to;	/* a delivery for bounces; NULL: ~/dead.letter */
	/* mfetch --daemon (issue 14). */
	int daemon;		/* run as a daemon (as --daemon) */
	long poll_interval;	/* seconds between polls (POP3, no IDLE) */
	long idle_interval;	/* seconds before an IDLE is re-issued */
	int imap_notify;	/* one connection per account with NOTIFY */
};

/* A fresh account with every default set.  name may be NULL. */
struct account *account_new(const char *name);
void account_free(struct account *a);

/* Set server defaults (TLS on, STARTTLS, checks on, timeouts). */
void server_init(struct server *s);
void server_free(struct server *s);
/* The port to use: the configured one, or the default for the mode. */
unsigned server_port(const struct server *s);
/* TLS options for the tls module, pointing into s. */
void server_tls_opts(const struct server *s, struct tls_opts *o);
/* "POP3", "IMAP", "SMTP" or "none". */
const char *proto_name(enum proto p);
/* The keyring's service attribute, as msmtp and mpop write it: "smtp",
 * "pop3" (and "imap"). */
const char *server_service(const struct server *s);
/* The login name: the server's user, else the account's address. */
const char *server_login_user(const struct server *s, const char *address);
/* What messages call an account: its name, else its incoming host. */
const char *account_label(const struct account *a);

#endif
