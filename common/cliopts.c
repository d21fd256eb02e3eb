/* cliopts: command-line options shared by mfetch and msend. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cliopts.h"
#include "log.h"
#include "xalloc.h"

enum {
	O_HOST = 1000,
	O_PORT,
	O_TIMEOUT,
	O_CONNECT_TIMEOUT,
	O_TLS,
	O_TLS_STARTTLS,
	O_TLS_TRUST_FILE,
	O_TLS_FINGERPRINT,
	O_TLS_CERTCHECK,
	O_TLS_CERT_FILE,
	O_TLS_KEY_FILE,
	O_TLS_HOST_OVERRIDE,
	O_TLS_MIN_VERSION,
	O_AUTH,
	O_USER,
	O_PASSWORDEVAL,
	O_HELP,
	O_VERSION,
	O_SYSLOG,
	O_AUTH_PLAINTEXT,
	O_STORE_PASSWORD,
	O_FORGET_PASSWORD,
	O_SOURCE_IP,
	O_PROXY_HOST,
	O_PROXY_PORT,
	O_SOCKET,
	O_TLS_CRL_FILE,
	O_TLS_PRIORITIES,
	O_TLS_MIN_DH_PRIME_BITS,
	O_CONFIGURE
};

static const struct option common_opts[] = {
	{ "account", required_argument, NULL, CLIOPTS_ACCOUNT },
	{ "file", required_argument, NULL, 'C' },
	{ "configure", required_argument, NULL, O_CONFIGURE },
	{ "debug", no_argument, NULL, 'd' },
	{ "pretend", no_argument, NULL, 'P' },
	{ "serverinfo", no_argument, NULL, 'S' },
	{ "host", required_argument, NULL, O_HOST },
	{ "port", required_argument, NULL, O_PORT },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "connect-timeout", required_argument, NULL, O_CONNECT_TIMEOUT },
	{ "tls", optional_argument, NULL, O_TLS },
	{ "tls-starttls", optional_argument, NULL, O_TLS_STARTTLS },
	{ "tls-trust-file", required_argument, NULL, O_TLS_TRUST_FILE },
	{ "tls-fingerprint", required_argument, NULL, O_TLS_FINGERPRINT },
	{ "tls-certcheck", optional_argument, NULL, O_TLS_CERTCHECK },
	{ "tls-cert-file", required_argument, NULL, O_TLS_CERT_FILE },
	{ "tls-key-file", required_argument, NULL, O_TLS_KEY_FILE },
	{ "tls-host-override", required_argument, NULL, O_TLS_HOST_OVERRIDE },
	{ "tls-min-version", required_argument, NULL, O_TLS_MIN_VERSION },
	{ "auth", optional_argument, NULL, O_AUTH },
	{ "auth-plaintext", optional_argument, NULL, O_AUTH_PLAINTEXT },
	{ "auth-only", no_argument, NULL, CLIOPTS_AUTH_ONLY },
	{ "store-password", no_argument, NULL, O_STORE_PASSWORD },
	{ "forget-password", no_argument, NULL, O_FORGET_PASSWORD },
	{ "user", required_argument, NULL, O_USER },
	{ "passwordeval", required_argument, NULL, O_PASSWORDEVAL },
	{ "logfile", required_argument, NULL, 'X' },
	{ "syslog", optional_argument, NULL, O_SYSLOG },
	{ "source-ip", required_argument, NULL, O_SOURCE_IP },
	{ "proxy-host", required_argument, NULL, O_PROXY_HOST },
	{ "proxy-port", required_argument, NULL, O_PROXY_PORT },
	{ "socket", required_argument, NULL, O_SOCKET },
	{ "tls-crl-file", required_argument, NULL, O_TLS_CRL_FILE },
	{ "tls-priorities", required_argument, NULL, O_TLS_PRIORITIES },
	{ "tls-min-dh-prime-bits", required_argument, NULL,
	    O_TLS_MIN_DH_PRIME_BITS },
	{ "help", no_argument, NULL, O_HELP },
	{ "version", no_argument, NULL, O_VERSION },
};

#define NCOMMON (sizeof(common_opts) / sizeof(common_opts[0]))

/* Options that are server settings: option id -> key. */
static const struct {
	int opt;
	const char *key;
} opt_keys[] = {
	{ O_HOST, "host" },
	{ O_PORT, "port" },
	{ O_TIMEOUT, "timeout" },
	{ O_CONNECT_TIMEOUT, "connect_timeout" },
	{ O_TLS, "tls" },
	{ O_TLS_STARTTLS, "tls_starttls" },
	{ O_TLS_TRUST_FILE, "tls_trust_file" },
	{ O_TLS_FINGERPRINT, "tls_fingerprint" },
	{ O_TLS_CERTCHECK, "tls_certcheck" },
	{ O_TLS_CERT_FILE, "tls_cert_file" },
	{ O_TLS_KEY_FILE, "tls_key_file" },
	{ O_TLS_HOST_OVERRIDE, "tls_host_override" },
	{ O_TLS_MIN_VERSION, "tls_min_version" },
	{ O_AUTH, "auth" },
	{ O_AUTH_PLAINTEXT, "auth_plaintext" },
	{ O_USER, "user" },
	{ O_PASSWORDEVAL, "passwordeval" },
	{ 'X', "logfile" },
	{ O_SYSLOG, "syslog" },
	{ O_SOURCE_IP, "source_ip" },
	{ O_PROXY_HOST, "proxy_host" },
	{ O_PROXY_PORT, "proxy_port" },
	{ O_SOCKET, "socket" },
	{ O_TLS_CRL_FILE, "tls_crl_file" },
	{ O_TLS_PRIORITIES, "tls_priorities" },
	{ O_TLS_MIN_DH_PRIME_BITS, "tls_min_dh_prime_bits" },
};

void
cliopts_init(struct cliopts *o, int side)
{
	memset(o, 0, sizeof(*o));
	o->side = side;
	setlist_init(&o->set);
}

void
cliopts_free(struct cliopts *o)
{
	size_t i;

	for (i = 0; i < o->naccounts; i++)
		free(o->accounts[i]);
	free(o->accounts);
	free(o->file);
	setlist_free(&o->set);
}

struct option *
cliopts_table(const struct option *own)
{
	size_t n = 0;
	struct option *t;

	while (own[n].name != NULL)
		n++;
	t = xcalloc(NCOMMON + n + 1, sizeof(*t));
	memcpy(t, common_opts, sizeof(common_opts));
	memcpy(t + NCOMMON, own, n * sizeof(*own));
	return t;
}

static const char *
opt_name(int opt)
{
	size_t i;

	for (i = 0; i < NCOMMON; i++)
		if (common_opts[i].val == opt)
			return common_opts[i].name;
	return "?";
}

int
cliopts_handle(struct cliopts *o, int opt, const char *arg,
    struct errinfo *ei)
{
	size_t i;

	switch (opt) {
	case 'a':	/* msend only: mfetch's -a is its own */
	case CLIOPTS_ACCOUNT:
		o->accounts = xreallocarray(o->accounts, o->naccounts + 1,
		    sizeof(*o->accounts));
		o->accounts[o->naccounts++] = xstrdup(arg);
		return 1;
	case 'C':
		free(o->file);
		o->file = xstrdup(arg);
		return 1;
	case 'd':
		o->debug = 1;
		return 1;
	case 'P':
		o->pretend = 1;
		return 1;
	case 'S':
		o->serverinfo = 1;
		return 1;
	case CLIOPTS_AUTH_ONLY:
		o->auth_only = 1;
		return 1;
	case O_STORE_PASSWORD:
		o->store_password = 1;
		return 1;
	case O_FORGET_PASSWORD:
		o->forget_password = 1;
		return 1;
	case O_HELP:
		o->help = 1;
		return 1;
	case O_VERSION:
		o->version = 1;
		return 1;
	case O_CONFIGURE:	/* msmtp's and mpop's account wizard */
		return err_set(ei, ST_USAGE, "--configure is not supported: "
		    "write the account in the accounts file yourself, see "
		    "facteur.conf(5)");
	}
	for (i = 0; i < sizeof(opt_keys) / sizeof(opt_keys[0]); i++) {
		if (opt_keys[i].opt != opt)
			continue;
		if (opt == O_HOST)
			o->host_given = 1;
		if (setlist_add_side(&o->set, opt_keys[i].key, o->side, arg,
		    ei) < 0) {
			ei->st = ST_USAGE;
			return err_prefix(ei, "--%s: ", opt_name(opt));
		}
		return 1;
	}
	return 0;
}

void
cliopts_help(FILE *f)
{
	fputs(
"Configuration:\n"
"  -C, --file=FILE            use this accounts file\n"
"  --account=NAME             use this account (msend: also -a NAME)\n"
"  --host=HOST                use this server and options only, no file\n"
"  --port=N                   server port\n"
"  --timeout=(off|SECONDS)    network timeout (default 60)\n"
"  --connect-timeout=(off|SECONDS) connection timeout (default 30)\n"
"  --tls[=(on|off)]           TLS (default on)\n"
"  --tls-starttls[=(on|off)]  STARTTLS on the plain port (on), or\n"
"                             implicit TLS (off)\n"
"  --tls-trust-file=[FILE|system] trusted CA certificates (default:\n"
"                             system; empty: none, a fingerprint is needed)\n"
"  --tls-crl-file=[FILE]      refuse certificates revoked in these CRLs\n"
"  --tls-fingerprint=SHA256   trust the certificate with this fingerprint\n"
"                             (SHA-1 and MD5 too: weak, with a warning)\n"
"  --tls-certcheck[=(on|off)] verify the server certificate (default on)\n"
"  --tls-cert-file=FILE       client certificate\n"
"  --tls-key-file=FILE        client certificate key\n"
"  --tls-host-override=NAME   verify the certificate for this name\n"
"  --tls-min-version=(1.2|1.3) lowest TLS version (default 1.2)\n"
"  --tls-priorities=..., --tls-min-dh-prime-bits=...\n"
"                             GnuTLS settings of msmtp/mpop: ignored\n"
"  --auth[=(on|off|MECH)]     authentication (default on, automatic)\n"
"  --auth-plaintext[=(on|off)] allow a password in clear without TLS\n"
"  --user=NAME                login name\n"
"  --passwordeval=COMMAND     get the password from this command\n"
"  --source-ip=[IP]           connect from this local address\n"
"  --proxy-host=[HOST]        connect through this SOCKS5 proxy\n"
"  --proxy-port=[N]           the proxy's port (default 1080)\n"
"  --socket=[FILE]            connect to this unix socket instead\n"
"Passwords:\n"
"  --store-password           ask for the password and keep it in the keyring\n"
"  --forget-password          remove it from the keyring\n"
"General:\n"
"  -S, --serverinfo           print information about the server\n"
"  --auth-only                log in, then log out (checks the login)\n"
"  -P, --pretend              print the settings that would be used\n"
"  -X, --logfile=FILE         append a line per event to FILE (- for\n"
"                             standard output); if it cannot be opened:\n"
"                             a warning, the mail still goes\n"
"  --syslog[=(on|off|FACILITY)] log to syslog (facility mail by default)\n"
"  -d, --debug                print the protocol conversation\n"
"                             (passwords are never shown)\n"
"  --help                     print this help\n"
"  --version                  print version and features\n", f);
}

/* Say what was read, when it was not facteur's own file. */
static void
notices(const struct cliopts *o, const struct config *cfg, int found)
{
	int loud = o->pretend || o->debug;
	size_t i;

	if (found && config_dialect(cfg) != CONFIG_DIALECT_FACTEUR)
		log_quiet_notice(loud, "no facteur accounts file: reading %s's "
		    "%s (facteur-import(1) converts it)",
		    dialect_name(config_dialect(cfg)), config_path(cfg));
	for (i = 0; i < config_nwarnings(cfg); i++)
		log_quiet_notice(loud, "%s", config_warning(cfg, i));
}

int
cliopts_load_config(const struct cliopts *o, int need_file,
    struct config **cfg_r, struct errinfo *ei)
{
	enum config_kind kind = CONFIG_USER;
	enum config_dialect dialect = CONFIG_DIALECT_FACTEUR;
	char *path, *tried = NULL;
	int rc;

	*cfg_r = NULL;
	if (o->host_given)
		return 0;
	if (o->file != NULL) {
		/* -C FILE: facteur's, or a peer's file as the peer reads it. */
		rc = config_load_for(o->file, CONFIG_USER, CONFIG_DIALECT_AUTO,
		    o->side, cfg_r, ei);
		if (rc == 0)
			notices(o, *cfg_r, 0);
		return rc;
	}
	path = config_find(o->side, &kind, &dialect, &tried);
	if (path == NULL) {
		if (need_file)
			err_set(ei, ST_CONFIG, "no configuration file (looked for "
			    "%s): write one (see facteur.conf(5)), name one with "
			    "-C FILE, or give the server with --host", tried);
		free(tried);
		return need_file ? -1 : 0;
	}
	rc = config_load_for(path, kind, dialect, o->side, cfg_r, ei);
	if (rc == 0)
		notices(o, *cfg_r, 1);
	free(path);
	return rc;
}

int
cliopts_resolve(const struct cliopts *o, const struct config *cfg,
    const char *name, struct account **a_r, struct errinfo *ei)
{
	return config_resolve(cfg, name, &o->set, a_r, ei);
}

static const char *
str(const char *s)
{
	return s != NULL ? s : "(not set)";
}

int
cliopts_open_logs(const struct account *a, struct errinfo *ei)
{
	struct errinfo lei;

	(void)ei;
	if (a->syslog != NULL && strcmp(a->syslog, "off") != 0)
		log_open_syslog(log_facility(a->syslog));
	if (log_set_time_format(a->logfile_time_format) < 0)
		log_warn("logfile_time_format longer than %d bytes: the "
		    "default is used", LOG_TIME_FORMAT_MAX - 1);
	/*
	 * A log is a side matter: it never stops mail.  The warning goes
	 * to stderr and, when it is on, to syslog.
	 */
	err_clear(&lei);
	if (a->logfile != NULL && *a->logfile != '\0' &&
	    log_open_file(a->logfile, &lei) < 0)
		log_warn("%s; going on without it", lei.msg);
	return 0;
}

/* A file setting, and whether it can be read now. */
static void
pretend_file(FILE *f, const char *label, const char *file)
{
	int fd;

	if (file == NULL || *file == '\0') {
		fprintf(f, "%s(not set)\n", label);
		return;
	}
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(f, "%s%s (CANNOT BE READ: %s)\n", label, file,
		    strerror(errno));
		return;
	}
	close(fd);
	fprintf(f, "%s%s (readable)\n", label, file);
}

void
cliopts_pretend(FILE *f, const struct account *a, int side)
{
	const struct server *s = side == SIDE_IN ? &a->in : &a->out;

	if (a->file != NULL && a->dialect != CONFIG_DIALECT_FACTEUR)
		fprintf(f, "account %s (%s:%d, read as %s reads it)\n", a->name,
		    a->file, a->line, dialect_name(a->dialect));
	else if (a->file != NULL)
		fprintf(f, "account %s (%s:%d)\n", a->name, a->file, a->line);
	else
		fprintf(f, "account: (command line only)\n");
	fprintf(f, "address            = %s\n", str(a->address));
	fprintf(f, "protocol           = %s\n", s->lmtp ? "LMTP" :
	    proto_name(s->proto));
	fprintf(f, "host               = %s\n", str(s->host));
	fprintf(f, "port               = %u\n", server_port(s));
	fprintf(f, "tls                = %s\n", s->tls ? "on" : "off");
	fprintf(f, "tls_starttls       = %s\n", s->starttls ? "on" : "off");
	if (s->trust_file != NULL && *s->trust_file == '\0')
		fprintf(f, "tls_trust_file     = (empty: no CA is trusted)\n");
	else if (s->trust_file == NULL || strcmp(s->trust_file, "system") == 0)
		fprintf(f, "tls_trust_file     = system\n");
	else
		pretend_file(f, "tls_trust_file     = ", s->trust_file);
	pretend_file(f, "tls_crl_file       = ", s->crl_file);
	fprintf(f, "tls_fingerprint    = %s\n", str(s->fingerprint));
	fprintf(f, "tls_certcheck      = %s\n", s->certcheck ? "on" : "off");
	pretend_file(f, "tls_cert_file      = ", s->cert_file);
	pretend_file(f, "tls_key_file       = ", s->key_file);
	fprintf(f, "tls_host_override  = %s\n", str(s->host_override));
	fprintf(f, "tls_min_version    = 1.%d\n", s->tls_min_version - 10);
	fprintf(f, "auth               = %s\n", s->auth != NULL ? s->auth : "on");
	fprintf(f, "auth_plaintext     = %s\n", s->auth_plaintext ? "on" :
	    "off");
	fprintf(f, "user               = %s\n", str(s->user));
	fprintf(f, "password           = %s\n", s->password != NULL ? "*" :
	    "(not set)");
	fprintf(f, "passwordeval       = %s\n", str(s->passwordeval));
	fprintf(f, "connect_timeout    = %d\n", s->connect_timeout);
	fprintf(f, "timeout            = %d\n", s->timeout);
	fprintf(f, "source_ip          = %s\n", str(s->source_ip));
	fprintf(f, "proxy_host         = %s\n", str(s->proxy_host));
	fprintf(f, "proxy_port         = %u\n", s->proxy_port != 0 ?
	    s->proxy_port : 1080);
	fprintf(f, "socket             = %s\n", str(s->socket));
	if (side == SIDE_OUT) {
		static const char *const sethdr[] = { "auto", "on", "off" };

		fprintf(f, "domain             = %s\n", str(s->domain));
		fprintf(f, "aliases            = %s\n", str(a->aliases));
		fprintf(f, "dsn_notify         = %s\n", a->dsn_notify != NULL ?
		    a->dsn_notify : "off");
		fprintf(f, "dsn_return         = %s\n", a->dsn_return != NULL ?
		    a->dsn_return : "off");
		fprintf(f, "remove_bcc_headers = %s\n", a->remove_bcc ? "on" :
		    "off");
		fprintf(f, "set_from_header    = %s\n", sethdr[a->set_from % 3]);
		fprintf(f, "set_date_header    = %s\n", sethdr[a->set_date % 3]);
		fprintf(f, "set_msgid_header   = %s\n", sethdr[a->set_msgid % 3]);
		fprintf(f, "set_to_header      = %s\n", a->set_to_header ==
		    SETTO_ON ? "on" : a->set_to_header == SETTO_UNDISCLOSED ?
		    "undisclosed_recipients" : "off");
		fprintf(f, "from_full_name     = %s\n", str(a->from_full_name));
		fprintf(f, "allow_from_override = %s\n",
		    a->allow_from_override ? "on" : "off");
		fprintf(f, "auto_from          = %s\n", a->auto_from ? "on" :
		    "off");
		fprintf(f, "maildomain         = %s\n", str(a->maildomain));
		fprintf(f, "queue              = %s\n", a->queue ? "on" : "off");
		fprintf(f, "queue_dir          = %s\n", a->queue_dir != NULL ?
		    a->queue_dir : "(the default)");
		if (a->queue_lifetime == KEEP_FOREVER)
			fprintf(f, "queue_lifetime     = forever\n");
		else
			fprintf(f, "queue_lifetime     = %lds\n",
			    a->queue_lifetime);
		fprintf(f, "bounce_to          = %s\n", a->bounce_to != NULL ?
		    a->bounce_to : "mbox,~/dead.letter");
	}
	fprintf(f, "logfile            = %s\n", str(a->logfile));
	if (a->logfile_time_format != NULL)
		fprintf(f, "logfile_time_format = %s\n", a->logfile_time_format);
	fprintf(f, "syslog             = %s\n", a->syslog != NULL ? a->syslog :
	    "off");
}
