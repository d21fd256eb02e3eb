/*
 * Unit tests for common/config (with settings and account): valid files
 * resolved into accounts (defaults, inheritance, aliases, quoting, server
 * URLs and side-prefixed keys, the later line winning, the command line
 * last), every error with its exact "file:line: " prefix, and
 * config_load() on real files with safe and unsafe permissions, and
 * config_find()'s order over facteur's and the peers' own files.
 */
#include "autoconf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "account.h"
#include "buf.h"
#include "config.h"
#include "settings.h"
#include "status.h"
#include "xalloc.h"

#define NAME "t.conf"

/* ---- helpers ---------------------------------------------------------- */

static struct config *
parse(const char *text)
{
	struct config *cfg = NULL;
	struct errinfo ei;

	err_clear(&ei);
	if (config_parse(NAME, text, strlen(text), &cfg, &ei) < 0)
		fail_msg("refused: %s\n--- text:\n%s", ei.msg, text);
	assert_non_null(cfg);
	assert_string_equal(config_path(cfg), NAME);
	return cfg;
}

static struct account *
resolve(const struct config *cfg, const char *name,
    const struct setlist *extra)
{
	struct account *a = NULL;
	struct errinfo ei;

	err_clear(&ei);
	if (config_resolve(cfg, name, extra, &a, &ei) < 0)
		fail_msg("cannot resolve '%s': %s", name ? name : "(default)",
		    ei.msg);
	assert_non_null(a);
	return a;
}

/* A string field: want NULL means unset. */
static void
str_is(const char *what, const char *got, const char *want)
{
	if (want == NULL && got == NULL)
		return;
	if (want == NULL || got == NULL || strcmp(got, want) != 0)
		fail_msg("%s is '%s', not '%s'", what, got ? got : "(unset)",
		    want ? want : "(unset)");
}

/* config_parse() must fail with exactly this message. */
static int
parse_fails(const char *text, size_t len, const char *want)
{
	struct config *cfg = NULL;
	struct errinfo ei;

	err_clear(&ei);
	if (config_parse(NAME, text, len, &cfg, &ei) == 0) {
		config_free(cfg);
		print_error("accepted:\n%s\n--- want: %s\n", text, want);
		return -1;
	}
	if (ei.st != ST_CONFIG || strcmp(ei.msg, want) != 0) {
		print_error("--- text:\n%s\n--- got (%s):  %s\n--- want: %s\n",
		    text, status_name(ei.st), ei.msg, want);
		return -1;
	}
	return 0;
}

/* ---- valid files ------------------------------------------------------ */

static void
test_one_account(void **state)
{
	struct config *cfg = parse(
	    "# facteur\n"
	    "account work\n"
	    "address  alice@example.org\n"
	    "incoming imaps://imap.example.org\n"
	    "outgoing smtp://smtp.example.org\n"
	    "user     alice\n");
	struct account *a;

	assert_int_equal(config_count(cfg), 1);
	assert_string_equal(config_name(cfg, 0), "work");
	assert_int_equal(config_has(cfg, "work"), 1);
	assert_int_equal(config_has(cfg, "Work"), 0);
	assert_int_equal(config_is_alias(cfg, 0), 0);
	/* No name: the only account. */
	a = resolve(cfg, NULL, NULL);
	str_is("name", a->name, "work");
	str_is("file", a->file, NAME);
	assert_int_equal(a->line, 2);
	str_is("address", a->address, "alice@example.org");
	assert_int_equal(a->in.proto, PROTO_IMAP);
	str_is("in.host", a->in.host, "imap.example.org");
	assert_int_equal(a->in.port, 0);
	assert_int_equal(server_port(&a->in), 993);
	assert_int_equal(a->in.tls, 1);
	assert_int_equal(a->in.starttls, 0);
	str_is("in.user", a->in.user, "alice");
	assert_int_equal(a->out.proto, PROTO_SMTP);
	str_is("out.host", a->out.host, "smtp.example.org");
	assert_int_equal(server_port(&a->out), 587);
	assert_int_equal(a->out.tls, 1);
	assert_int_equal(a->out.starttls, 1);
	str_is("out.user", a->out.user, "alice");
	/* Defaults. */
	assert_int_equal(a->in.certcheck, 1);
	assert_int_equal(a->in.tls_min_version, 12);
	assert_int_equal(a->in.timeout, DEFAULT_TIMEOUT);
	assert_int_equal(a->in.connect_timeout, DEFAULT_CONNECT_TIMEOUT);
	str_is("in.password", a->in.password, NULL);
	str_is("in.auth", a->in.auth, NULL);
	str_is("in.trust_file", a->in.trust_file, NULL);
	str_is("out.domain", a->out.domain, NULL);
	account_free(a);
	a = resolve(cfg, "work", NULL);
	str_is("name", a->name, "work");
	account_free(a);
	config_free(cfg);
}

static void
test_defaults(void **state)
{
	struct config *cfg = parse(
	    "defaults\n"
	    "timeout 10\n"
	    "tls_trust_file /etc/ssl/ca.pem\n"
	    "account a\n"
	    "incoming imaps://h\n"
	    "defaults\n"
	    "timeout 20\n"
	    "connect_timeout off\n"
	    "account b\n"
	    "incoming imaps://h\n"
	    "timeout 30\n");
	struct account *a;

	a = resolve(cfg, "a", NULL);
	assert_int_equal(a->in.timeout, 10);
	assert_int_equal(a->out.timeout, 10);
	/* Later defaults are not a's: they follow its definition. */
	assert_int_equal(a->in.connect_timeout, DEFAULT_CONNECT_TIMEOUT);
	str_is("in.trust_file", a->in.trust_file, "/etc/ssl/ca.pem");
	str_is("out.trust_file", a->out.trust_file, "/etc/ssl/ca.pem");
	account_free(a);
	a = resolve(cfg, "b", NULL);
	/* The account's own setting wins over the defaults. */
	assert_int_equal(a->in.timeout, 30);
	assert_int_equal(a->in.connect_timeout, 0);
	str_is("in.trust_file", a->in.trust_file, "/etc/ssl/ca.pem");
	account_free(a);
	config_free(cfg);
}

static void
test_inheritance(void **state)
{
	struct config *cfg = parse(
	    "account base\n"
	    "incoming imaps://imap.example.org\n"
	    "outgoing smtps://smtp.example.org\n"
	    "user alice\n"
	    "passwordeval \"pass show mail\"\n"
	    "account work2 : base\n"
	    "address alice2@example.org\n"
	    "outgoing_user alice2\n"
	    "account a\n"
	    "incoming_user ua\n"
	    "timeout 5\n"
	    "account b\n"
	    "incoming_user ub\n"
	    "connect_timeout 7\n"
	    "account ab : a, b\n"
	    "account ba :b,a\n"
	    "account ab2 : a b\n"
	    "account own : a\n"
	    "incoming_user mine\n"
	    "account grand : ab\n"
	    "account unset : base\n"
	    "user \"\"\n");
	struct account *a;

	assert_int_equal(config_count(cfg), 10);
	assert_string_equal(config_name(cfg, 9), "unset");
	a = resolve(cfg, "work2", NULL);
	str_is("name", a->name, "work2");
	assert_int_equal(a->line, 6);
	str_is("address", a->address, "alice2@example.org");
	str_is("in.host", a->in.host, "imap.example.org");
	assert_int_equal(a->in.proto, PROTO_IMAP);
	str_is("out.host", a->out.host, "smtp.example.org");
	assert_int_equal(server_port(&a->out), 465);
	str_is("in.user", a->in.user, "alice");
	str_is("out.user", a->out.user, "alice2");
	str_is("in.passwordeval", a->in.passwordeval, "pass show mail");
	str_is("out.passwordeval", a->out.passwordeval, "pass show mail");
	account_free(a);
	/* The parent is unchanged. */
	a = resolve(cfg, "base", NULL);
	str_is("address", a->address, NULL);
	str_is("out.user", a->out.user, "alice");
	account_free(a);
	/* Several parents: in order, the later one wins. */
	a = resolve(cfg, "ab", NULL);
	str_is("in.user", a->in.user, "ub");
	str_is("out.user", a->out.user, NULL);
	assert_int_equal(a->in.timeout, 5);
	assert_int_equal(a->in.connect_timeout, 7);
	account_free(a);
	a = resolve(cfg, "ba", NULL);
	str_is("in.user", a->in.user, "ua");
	assert_int_equal(a->in.timeout, 5);
	assert_int_equal(a->in.connect_timeout, 7);
	account_free(a);
	a = resolve(cfg, "ab2", NULL);
	str_is("in.user", a->in.user, "ub");
	account_free(a);
	/* The account's own settings win over its parents'. */
	a = resolve(cfg, "own", NULL);
	str_is("in.user", a->in.user, "mine");
	assert_int_equal(a->in.timeout, 5);
	account_free(a);
	/* Grandparents. */
	a = resolve(cfg, "grand", NULL);
	str_is("in.user", a->in.user, "ub");
	assert_int_equal(a->in.timeout, 5);
	assert_int_equal(a->in.connect_timeout, 7);
	account_free(a);
	/* An empty value unsets what a parent set. */
	a = resolve(cfg, "unset", NULL);
	str_is("in.user", a->in.user, NULL);
	str_is("out.user", a->out.user, NULL);
	str_is("in.host", a->in.host, "imap.example.org");
	account_free(a);
	config_free(cfg);
}

static void
test_default_account(void **state)
{
	struct config *cfg = parse(
	    "account work\n"
	    "incoming imaps://work.example.org\n"
	    "account personal\n"
	    "incoming pop3s://home.example.org\n"
	    "account default : personal\n");
	struct account *a;
	struct errinfo ei;

	assert_int_equal(config_count(cfg), 3);
	assert_int_equal(config_is_alias(cfg, 0), 0);
	assert_int_equal(config_is_alias(cfg, 1), 0);
	assert_int_equal(config_is_alias(cfg, 2), 1);
	/* The alias resolves to the account it names, by that name. */
	a = resolve(cfg, NULL, NULL);
	str_is("name", a->name, "personal");
	str_is("in.host", a->in.host, "home.example.org");
	assert_int_equal(a->in.proto, PROTO_POP3);
	account_free(a);
	config_free(cfg);

	/* "default" with settings of its own is an account, not an alias. */
	cfg = parse("account work\nincoming imaps://w\n"
	    "account default : work\nincoming_user me\n"
	    "account other\nincoming imaps://o\n");
	assert_int_equal(config_is_alias(cfg, 1), 0);
	a = resolve(cfg, NULL, NULL);
	str_is("name", a->name, "default");
	str_is("in.host", a->in.host, "w");
	str_is("in.user", a->in.user, "me");
	account_free(a);
	config_free(cfg);

	/* An account named "default" without parents is no alias either. */
	cfg = parse("account default\nincoming imaps://d\n"
	    "account other\nincoming imaps://o\n");
	assert_int_equal(config_is_alias(cfg, 0), 0);
	a = resolve(cfg, NULL, NULL);
	str_is("in.host", a->in.host, "d");
	account_free(a);
	config_free(cfg);

	/* Two accounts and no default: say how to choose. */
	cfg = parse("account a\nincoming imaps://a\naccount b\n"
	    "incoming imaps://b\n");
	err_clear(&ei);
	a = NULL;
	assert_int_equal(config_resolve(cfg, NULL, NULL, &a, &ei), -1);
	assert_null(a);
	assert_int_equal(ei.st, ST_CONFIG);
	assert_string_equal(ei.msg, NAME ": no default account: choose one "
	    "with -a ACCOUNT, or add 'account default : ACCOUNT'");
	config_free(cfg);

	/* No account at all. */
	cfg = parse("# nothing\ndefaults\ntimeout 5\n");
	assert_int_equal(config_count(cfg), 0);
	err_clear(&ei);
	assert_int_equal(config_resolve(cfg, NULL, NULL, &a, &ei), -1);
	assert_int_equal(ei.st, ST_CONFIG);
	config_free(cfg);
}

/* config.h: an unknown account name is a usage error (ST_USAGE). */
static void
test_unknown_account(void **state)
{
	struct config *cfg = parse("account a\nincoming imaps://a\n");
	struct account *a = NULL;
	struct errinfo ei;

	err_clear(&ei);
	assert_int_equal(config_resolve(cfg, "nosuch", NULL, &a, &ei), -1);
	assert_null(a);
	assert_string_equal(ei.msg, NAME ": no account named 'nosuch'");
	config_free(cfg);
	if (ei.st != ST_USAGE)
		fail_msg("status is '%s', config.h says ST_USAGE",
		    status_name(ei.st));
}

static void
test_quoting(void **state)
{
	struct config *cfg = parse(
	    "account q\n"
	    "passwordeval \"pass show mail/work\"\n"
	    "incoming_user \"a#b\"\n"
	    "outgoing_user \"say \\\"hi\\\" \\\\ ok\"\n"
	    "  # an indented comment\n"
	    "\n"
	    "   \t\n"
	    "\tincoming imaps://h\n"
	    "outgoing\tsmtp://s\r\n"
	    "incoming_passwordeval   pass  show   x   \t\n"
	    "outgoing_passwordeval \"cmd  \"  \r\n"
	    "address \"me@example.org\"\r\n"
	    "domain   example.org\n"
	    "incoming_auth plain\n");
	struct account *a = resolve(cfg, "q", NULL);

	str_is("in.user", a->in.user, "a#b");
	str_is("out.user", a->out.user, "say \"hi\" \\ ok");
	str_is("in.passwordeval", a->in.passwordeval, "pass  show   x");
	str_is("out.passwordeval", a->out.passwordeval, "cmd  ");
	str_is("in.host", a->in.host, "h");
	str_is("out.host", a->out.host, "s");
	str_is("address", a->address, "me@example.org");
	str_is("out.domain", a->out.domain, "example.org");
	str_is("in.auth", a->in.auth, "PLAIN");
	str_is("out.auth", a->out.auth, NULL);
	account_free(a);
	config_free(cfg);
}

static void
test_servers(void **state)
{
	static const char fp[] = "AB:CD:EF:01:23:45:67:89:ab:cd:ef:01:23:45:67:"
	    "89:AB:CD:EF:01:23:45:67:89:ab:cd:ef:01:23:45:67:89";
	struct config *cfg;
	struct account *a;
	struct buf text;

	setenv("HOME", "/home/tester", 1);
	buf_init(&text, 1 << 16);
	buf_printf(&text,
	    "account s\n"
	    "incoming pop3://alice@pop.example.org:1110\n"
	    "outgoing smtps://;AUTH=PLAIN@smtp.example.org\n"
	    "outgoing_host other.example.org\n"
	    "outgoing_port 2465\n"
	    "tls_certcheck off\n"
	    "incoming_tls_certcheck on\n"
	    "tls_min_version 1.3\n"
	    "outgoing_tls_min_version 1.2\n"
	    "tls_trust_file ~/ca.pem\n"
	    "outgoing_tls_cert_file ~\n"
	    "incoming_tls_fingerprint %s\n"
	    "tls_host_override real.example.org\n"
	    "auth scram-sha-256\n"
	    "incoming_auth off\n"
	    "timeout off\n"
	    "outgoing_connect_timeout 86400\n"
	    "password hunter2\n"
	    "outgoing_password \"pass word\"\n"
	    "from bob@example.org\n", fp);
	cfg = parse(text.data);
	a = resolve(cfg, NULL, NULL);
	assert_int_equal(a->in.proto, PROTO_POP3);
	str_is("in.host", a->in.host, "pop.example.org");
	assert_int_equal(a->in.port, 1110);
	assert_int_equal(server_port(&a->in), 1110);
	assert_int_equal(a->in.starttls, 1);
	str_is("in.user", a->in.user, "alice");
	assert_int_equal(a->out.proto, PROTO_SMTP);
	str_is("out.host", a->out.host, "other.example.org");
	assert_int_equal(a->out.port, 2465);
	assert_int_equal(a->out.starttls, 0);
	str_is("out.user", a->out.user, NULL);
	assert_int_equal(a->in.certcheck, 1);
	assert_int_equal(a->out.certcheck, 0);
	assert_int_equal(a->in.tls_min_version, 13);
	assert_int_equal(a->out.tls_min_version, 12);
	str_is("in.trust_file", a->in.trust_file, "/home/tester/ca.pem");
	str_is("out.trust_file", a->out.trust_file, "/home/tester/ca.pem");
	str_is("out.cert_file", a->out.cert_file, "/home/tester");
	str_is("in.cert_file", a->in.cert_file, NULL);
	str_is("in.fingerprint", a->in.fingerprint, fp);
	str_is("out.fingerprint", a->out.fingerprint, NULL);
	str_is("out.host_override", a->out.host_override, "real.example.org");
	str_is("in.auth", a->in.auth, "off");
	str_is("out.auth", a->out.auth, "SCRAM-SHA-256");
	assert_int_equal(a->in.timeout, 0);
	assert_int_equal(a->out.timeout, 0);
	assert_int_equal(a->in.connect_timeout, DEFAULT_CONNECT_TIMEOUT);
	assert_int_equal(a->out.connect_timeout, 86400);
	str_is("in.password", a->in.password, "hunter2");
	str_is("out.password", a->out.password, "pass word");
	str_is("address", a->address, "bob@example.org");
	account_free(a);
	config_free(cfg);

	/* protocol, tls and host for the incoming side. */
	cfg = parse("account p\nincoming_host mx.example.org\nprotocol imap\n"
	    "incoming_port 143\ntls off\ntls_starttls off\n"
	    "outgoing smtp://s\noutgoing_tls on\n");
	a = resolve(cfg, "p", NULL);
	assert_int_equal(a->in.proto, PROTO_IMAP);
	str_is("in.host", a->in.host, "mx.example.org");
	assert_int_equal(a->in.port, 143);
	assert_int_equal(a->in.tls, 0);
	assert_int_equal(a->in.starttls, 0);
	/* The URL came after "tls off" and "tls_starttls off". */
	assert_int_equal(a->out.tls, 1);
	assert_int_equal(a->out.starttls, 1);
	account_free(a);
	config_free(cfg);
	buf_free(&text);
}

static void
test_later_wins(void **state)
{
	struct config *cfg = parse(
	    "account l\n"
	    "incoming_user first\n"
	    "incoming_user second\n"
	    "incoming imaps://h1\n"
	    "incoming imaps://h2:1\n"
	    "outgoing_port 25\n"
	    "outgoing smtp://s\n"
	    "user both\n"
	    "outgoing smtp://bob@s2\n"
	    "tls_certcheck off\n"
	    "tls_certcheck\n");
	struct account *a = resolve(cfg, "l", NULL);

	str_is("in.user", a->in.user, "both");
	str_is("out.user", a->out.user, "bob");
	str_is("in.host", a->in.host, "h2");
	assert_int_equal(a->in.port, 1);
	/* The URL came last: its port (none: the default). */
	str_is("out.host", a->out.host, "s2");
	assert_int_equal(a->out.port, 0);
	assert_int_equal(server_port(&a->out), 587);
	/* An on/off key without a value means on. */
	assert_int_equal(a->in.certcheck, 1);
	account_free(a);
	config_free(cfg);
}

static void
test_command_line(void **state)
{
	struct config *cfg = parse(
	    "account c\n"
	    "incoming imaps://imap.example.org\n"
	    "outgoing smtp://smtp.example.org\n"
	    "user alice\n"
	    "timeout 10\n");
	struct setlist extra;
	struct account *a;
	struct errinfo ei;

	setlist_init(&extra);
	err_clear(&ei);
	assert_int_equal(setlist_add_side(&extra, "host", SIDE_IN,
	    "cli.example.org", &ei), 0);
	assert_int_equal(setlist_add_side(&extra, "port", SIDE_IN, "2993",
	    &ei), 0);
	assert_int_equal(setlist_add_side(&extra, "user", SIDE_IN, "bob", &ei),
	    0);
	assert_int_equal(setlist_add_side(&extra, "timeout", SIDE_IN, "off",
	    &ei), 0);
	assert_int_equal(setlist_add(&extra, "outgoing_user", "carol", 0, &ei),
	    0);
	/* A side the key does not have. */
	assert_int_equal(setlist_add_side(&extra, "domain", SIDE_IN, "x", &ei),
	    -1);
	assert_int_equal(ei.st, ST_SOFTWARE);
	a = resolve(cfg, "c", &extra);
	str_is("in.host", a->in.host, "cli.example.org");
	assert_int_equal(a->in.port, 2993);
	str_is("in.user", a->in.user, "bob");
	assert_int_equal(a->in.timeout, 0);
	str_is("out.host", a->out.host, "smtp.example.org");
	str_is("out.user", a->out.user, "carol");
	assert_int_equal(a->out.timeout, 10);
	account_free(a);

	/* No file at all (--host): the options alone. */
	a = resolve(NULL, NULL, &extra);
	str_is("name", a->name, "");
	str_is("file", a->file, NULL);
	str_is("in.host", a->in.host, "cli.example.org");
	str_is("in.user", a->in.user, "bob");
	str_is("out.host", a->out.host, NULL);
	assert_int_equal(a->out.proto, PROTO_SMTP);
	account_free(a);
	setlist_free(&extra);
	config_free(cfg);
}

/* ---- errors ----------------------------------------------------------- */

/* The daemon's keys (issue 14): defaults, durations, a bare number. */
static void
test_daemon_keys(void **state)
{
	struct config *cfg;
	struct account *a;

	(void)state;
	cfg = parse("account d\n"
	    "account e\ndaemon on\npoll_interval 90\nidle_interval 10m\n"
	    "imap_notify off\n"
	    "account f\npoll_interval 2h\nidle_interval 45s\n");
	a = resolve(cfg, "d", NULL);
	assert_int_equal(a->daemon, 0);
	assert_int_equal(a->poll_interval, 300);
	assert_int_equal(a->idle_interval, 29 * 60);
	assert_int_equal(a->imap_notify, 1);
	account_free(a);
	a = resolve(cfg, "e", NULL);
	assert_int_equal(a->daemon, 1);
	assert_int_equal(a->poll_interval, 90);
	assert_int_equal(a->idle_interval, 600);
	assert_int_equal(a->imap_notify, 0);
	account_free(a);
	a = resolve(cfg, "f", NULL);
	assert_int_equal(a->poll_interval, 7200);
	assert_int_equal(a->idle_interval, 45);
	account_free(a);
	config_free(cfg);
}

static void
test_errors(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
		{ "account a\nhots x\n", NAME ":2: unknown key 'hots'" },
		{ "account a\npoll_interval 0\n", NAME ":2: 'poll_interval' "
		    "takes a duration (30s, 5m, 1h; a bare number is seconds), "
		    "not '0'" },
		{ "account a\npoll_interval off\n", NAME ":2: 'poll_interval' "
		    "takes a duration (30s, 5m, 1h; a bare number is seconds), "
		    "not 'off'" },
		{ "account a\nidle_interval 5x\n", NAME ":2: 'idle_interval' "
		    "takes a duration (30s, 5m, 1h; a bare number is seconds), "
		    "not '5x'" },
		{ "account a\nidle_interval 1000000000\n", NAME ":2: "
		    "'idle_interval' takes a duration (30s, 5m, 1h; a bare "
		    "number is seconds), not '1000000000'" },
		{ "account a\npoll_interval\n",
		    NAME ":2: 'poll_interval' needs a value" },
		{ "account a\ndaemon maybe\n",
		    NAME ":2: 'daemon' takes on or off, not 'maybe'" },
		{ "account a\nincoming_hots x\n",
		    NAME ":2: unknown key 'incoming_hots'" },
		{ "foo bar\n", NAME ":1: unknown key 'foo'" },
		{ "address a@example.org\n", NAME ":1: 'address' outside an "
		    "account: start with 'defaults' or 'account NAME'" },
		{ "# c\n\nuser x\n", NAME ":3: 'user' outside an account: "
		    "start with 'defaults' or 'account NAME'" },
		{ "account a\ntls maybe\n",
		    NAME ":2: 'tls' takes on or off, not 'maybe'" },
		{ "account a\nincoming_tls_starttls yes\n",
		    NAME ":2: 'incoming_tls_starttls' takes on or off, not "
		    "'yes'" },
		{ "account a\nincoming_port 0\n",
		    NAME ":2: invalid port '0' (1 to 65535)" },
		{ "account a\noutgoing_port 65536\n",
		    NAME ":2: invalid port '65536' (1 to 65535)" },
		{ "account a\noutgoing_port smtp\n",
		    NAME ":2: invalid port 'smtp' (1 to 65535)" },
		{ "account a\nincoming imaps//h\n",
		    NAME ":2: invalid server URL 'imaps//h': expected "
		    "scheme://host[:port], e.g. imaps://imap.example.org" },
		{ "account a\nincoming imaps://h:0\n",
		    NAME ":2: invalid port '0' in URL 'imaps://h:0' (1 to "
		    "65535)" },
		{ "account a\nincoming smtp://h\n",
		    NAME ":2: 'incoming' takes an incoming server (pop3://, "
		    "pop3s://, imap:// or imaps://) URL, not 'smtp://h'" },
		{ "account a\noutgoing imaps://h\n",
		    NAME ":2: 'outgoing' takes an outgoing server (smtp:// or "
		    "smtps://) URL, not 'imaps://h'" },
		{ "account a\nincoming\n",
		    NAME ":2: 'incoming' needs a value" },
		{ "account a\nincoming_incoming imaps://h\n",
		    NAME ":2: 'incoming' is not a setting of the incoming "
		    "server" },
		{ "account a\nhost h\n", NAME ":2: 'host' needs a side: write "
		    "incoming_host or outgoing_host (or use an 'incoming' or "
		    "'outgoing' URL)" },
		{ "account a\nport 25\n", NAME ":2: 'port' needs a side: write "
		    "incoming_port or outgoing_port (or use an 'incoming' or "
		    "'outgoing' URL)" },
		{ "account a\nincoming_domain example.org\n",
		    NAME ":2: 'domain' is not a setting of the incoming "
		    "server" },
		/* outgoing_protocol is msmtp's smtp|lmtp (issue 11). */
		{ "account a\noutgoing_protocol imap\n",
		    NAME ":2: 'outgoing_protocol' takes smtp or lmtp, not "
		    "'imap'" },
		{ "account a\nprotocol smtp\n",
		    NAME ":2: 'protocol' takes pop3 or imap, not 'smtp'" },
		{ "account a\nprotocol\n",
		    NAME ":2: 'protocol' needs a value" },
		{ "account a b\n", NAME ":1: invalid account name 'a b' (no "
		    "spaces, ':', ',', '\"' or '#'; at most 128 bytes)" },
		{ "account \"a#b\"\n", NAME ":1: invalid account name 'a#b' "
		    "(no spaces, ':', ',', '\"' or '#'; at most 128 bytes)" },
		{ "account a,b\n", NAME ":1: invalid account name 'a,b' (no "
		    "spaces, ':', ',', '\"' or '#'; at most 128 bytes)" },
		{ "account : x\n", NAME ":1: invalid account name '' (no "
		    "spaces, ':', ',', '\"' or '#'; at most 128 bytes)" },
		{ "account\n", NAME ":1: 'account' needs a name" },
		{ "account a\naccount b\n\naccount a\n",
		    NAME ":4: account 'a' is already defined at line 1" },
		{ "account b : a\n", NAME ":1: account 'b': unknown parent "
		    "account 'a' (parents must be defined first)" },
		{ "account a : a\n", NAME ":1: account 'a': unknown parent "
		    "account 'a' (parents must be defined first)" },
		{ "account a\naccount b : a, c\n", NAME ":2: account 'b': "
		    "unknown parent account 'c' (parents must be defined "
		    "first)" },
		{ "account a\naccount b :\n", NAME ":2: account 'b': missing "
		    "parent account name after ':'" },
		{ "account a\naccount b : ,\n", NAME ":2: account 'b': missing "
		    "parent account name after ':'" },
		{ "account a\nuser \"abc\n",
		    NAME ":2: unterminated quoted string" },
		{ "account a\nuser \"abc\\\"\n",
		    NAME ":2: unterminated quoted string" },
		{ "account a\ntls_fingerprint zz\n",
		    NAME ":2: invalid fingerprint 'zz': expected 64 (SHA-256), "
		    "40 (SHA-1) or 32 (MD5) hexadecimal digits, optionally "
		    "separated by ':'" },
		{ "account a\ntls_fingerprint "
		    "00112233445566778899001122334455"
		    "66778899001122334455667788\n",
		    NAME ":2: invalid fingerprint "
		    "'00112233445566778899001122334455"
		    "66778899001122334455667788': 29 bytes; expected 32 "
		    "(SHA-256, as printed by --serverinfo), or 20 (SHA-1) or 16 "
		    "(MD5), which are weak" },
		{ "account a\ntimeout 0\n", NAME ":2: 'timeout' takes off or a "
		    "number of seconds from 1 to 86400, not '0'" },
		{ "account a\ntimeout 86401\n", NAME ":2: 'timeout' takes off "
		    "or a number of seconds from 1 to 86400, not '86401'" },
		{ "account a\nconnect_timeout 5s\n", NAME ":2: "
		    "'connect_timeout' takes off or a number of seconds from 1 "
		    "to 86400, not '5s'" },
		{ "account a\ntimeout -1\n", NAME ":2: 'timeout' takes off or "
		    "a number of seconds from 1 to 86400, not '-1'" },
		{ "account a\ntimeout 99999999999999999999999\n", NAME ":2: "
		    "'timeout' takes off or a number of seconds from 1 to "
		    "86400, not '99999999999999999999999'" },
		{ "account a\ntimeout\n", NAME ":2: 'timeout' needs a value" },
		{ "account a\ntls_min_version 1.1\n",
		    NAME ":2: 'tls_min_version' takes 1.2 or 1.3, not '1.1'" },
		{ "account a\ntls_min_version 13\n",
		    NAME ":2: 'tls_min_version' takes 1.2 or 1.3, not '13'" },
		{ "defaults x\n", NAME ":1: 'defaults' takes no value" },
		{ "account a\nauth pl@in\n", NAME ":2: 'auth' takes on, off or "
		    "a mechanism name such as scram-sha-256, not 'pl@in'" },
		{ "account a\naddress alice\n", NAME ":2: invalid mail address "
		    "'alice' for 'address' (write it as user@example.org)" },
		{ "account a\nfrom \"Alice <a@example.org>\"\n",
		    NAME ":2: invalid mail address 'Alice <a@example.org>' for "
		    "'from' (write it as user@example.org)" },
		{ "account a\noutgoing_domain \"a b\"\n",
		    NAME ":2: invalid host name 'a b' for 'outgoing_domain'" },
		{ "account a\nuser a\x01" "b\n",
		    NAME ":2: control character in the value of 'user'" },
		{ "account a\nuser \"a\x1b[0m\"\n",
		    NAME ":2: control character in the value of 'user'" },
		/* Line numbers count comments, blank lines and CR LF lines. */
		{ "# c\r\n\r\naccount a\r\nbogus 1\r\n",
		    NAME ":4: unknown key 'bogus'" },
		{ "account a\nbogus 1", NAME ":2: unknown key 'bogus'" },
	};
	size_t i, bad = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (parse_fails(cases[i].text, strlen(cases[i].text),
		    cases[i].want) < 0)
			bad++;
	if (bad > 0)
		fail_msg("%zu of %zu error cases failed", bad,
		    sizeof(cases) / sizeof(cases[0]));
}

static void
test_line_limits(void **state)
{
	struct buf b;
	struct config *cfg;
	char name[CONFIG_NAME_MAX + 2];
	int bad = 0;

	/* A line of CONFIG_LINE_MAX bytes is fine, one more is not. */
	buf_init(&b, 1 << 16);
	buf_addstr(&b, "account a\n#");
	while (b.len < 10 + CONFIG_LINE_MAX)
		buf_addch(&b, 'x');
	buf_addstr(&b, "\nincoming imaps://h\n");
	cfg = parse(b.data);
	config_free(cfg);
	buf_reset(&b);
	buf_addstr(&b, "account a\nuser ");
	while (b.len < 10 + CONFIG_LINE_MAX + 1)
		buf_addch(&b, 'x');
	buf_addstr(&b, "\n");
	bad |= parse_fails(b.data, b.len, NAME ":2: line too long (more than "
	    "4096 bytes)");
	/* Also without a final LF. */
	buf_truncate(&b, 1);
	bad |= parse_fails(b.data, b.len, NAME ":2: line too long (more than "
	    "4096 bytes)");

	/* A NUL byte. */
	bad |= parse_fails("account a\nuser a\0b\n", 19,
	    NAME ":2: NUL byte in line");
	bad |= parse_fails("account a\n\0\n", 12, NAME ":2: NUL byte in line");

	/* Account names: CONFIG_NAME_MAX bytes at most. */
	memset(name, 'n', sizeof(name));
	name[CONFIG_NAME_MAX] = '\0';
	buf_reset(&b);
	buf_printf(&b, "account %s\nincoming imaps://h\n", name);
	cfg = parse(b.data);
	assert_int_equal(config_has(cfg, name), 1);
	config_free(cfg);
	name[CONFIG_NAME_MAX] = 'n';
	name[CONFIG_NAME_MAX + 1] = '\0';
	buf_reset(&b);
	buf_printf(&b, "account %s\n", name);
	{
		char want[400];

		snprintf(want, sizeof(want), NAME ":1: invalid account name "
		    "'%s' (no spaces, ':', ',', '\"' or '#'; at most 128 "
		    "bytes)", name);
		bad |= parse_fails(b.data, b.len, want);
	}
	buf_free(&b);
	if (bad)
		fail_msg("limit cases failed");
}

/*
 * "host" before any account: it is a known key, so the message must say
 * where it belongs, not that it is unknown.
 */
static void
test_side_key_outside_account(void **state)
{
	struct config *cfg = NULL;
	struct errinfo ei;
	static const char text[] = "host mail.example.org\n";

	err_clear(&ei);
	assert_int_equal(config_parse(NAME, text, sizeof(text) - 1, &cfg, &ei),
	    -1);
	assert_int_equal(ei.st, ST_CONFIG);
	assert_true(strncmp(ei.msg, NAME ":1: ", 8) == 0);
	if (strstr(ei.msg, "unknown key") != NULL)
		fail_msg("a known key reported as unknown: %s", ei.msg);
}

/* ---- config_load: real files and their permissions -------------------- */

static char tmpdir[] = "/tmp/facteur-test-config-XXXXXX";

static int
setup_dir(void **state)
{
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return 0;
}

static int
remove_dir(void **state)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/sub", tmpdir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/config", tmpdir);
	unlink(path);
	return rmdir(tmpdir);
}

/* Write text to tmpdir/config with the given mode; returns the path. */
static const char *
write_file(const char *text, mode_t mode)
{
	static char path[256];
	size_t len = strlen(text);
	int fd;

	snprintf(path, sizeof(path), "%s/config", tmpdir);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
	return path;
}

/* Load path as kind: 0, or -1 with the message in ei. */
static int
load(const char *path, enum config_kind kind, struct errinfo *ei)
{
	struct config *cfg = NULL;

	err_clear(ei);
	if (config_load(path, kind, &cfg, ei) < 0) {
		assert_null(cfg);
		assert_int_equal(ei->st, ST_CONFIG);
		return -1;
	}
	assert_non_null(cfg);
	assert_string_equal(config_path(cfg), path);
	assert_int_equal(config_count(cfg), 1);
	config_free(cfg);
	return 0;
}

static const char with_password[] =
    "account a\n"
    "incoming imaps://h\n"
    "password hunter2\n";

static void
test_load_user_perms(void **state)
{
	struct errinfo ei;
	const char *p;
	char want[512];

	/* A password readable by group or others is refused. */
	p = write_file(with_password, 0644);
	assert_int_equal(load(p, CONFIG_USER, &ei), -1);
	snprintf(want, sizeof(want), "%s:3: this file contains a password but "
	    "is readable by group or others (mode 644): run 'chmod 600 %s'", p,
	    p);
	assert_string_equal(ei.msg, want);
	assert_null(strstr(ei.msg, "hunter2"));
	p = write_file(with_password, 0640);
	assert_int_equal(load(p, CONFIG_USER, &ei), -1);
	snprintf(want, sizeof(want), "%s:3: this file contains a password but "
	    "is readable by group or others (mode 640): run 'chmod 600 %s'", p,
	    p);
	assert_string_equal(ei.msg, want);
	p = write_file(with_password, 0604);
	assert_int_equal(load(p, CONFIG_USER, &ei), -1);
	/* Owner-only modes are fine. */
	p = write_file(with_password, 0600);
	assert_int_equal(load(p, CONFIG_USER, &ei), 0);
	p = write_file(with_password, 0400);
	assert_int_equal(load(p, CONFIG_USER, &ei), 0);

	/* The password may come from the defaults: its line is named. */
	p = write_file("# x\ndefaults\noutgoing_password pw\naccount a\n"
	    "incoming imaps://h\n", 0640);
	assert_int_equal(load(p, CONFIG_USER, &ei), -1);
	snprintf(want, sizeof(want), "%s:3: this file contains a password",
	    p);
	assert_true(strncmp(ei.msg, want, strlen(want)) == 0);

	/* No password: readable by all is fine. */
	p = write_file("account a\nincoming imaps://h\n"
	    "passwordeval \"pass show x\"\n", 0644);
	assert_int_equal(load(p, CONFIG_USER, &ei), 0);
}

static void
test_load_writable(void **state)
{
	struct errinfo ei;
	const char *p;
	char want[512];

	/* Nobody else may change any configuration file. */
	p = write_file("account a\nincoming imaps://h\n", 0666);
	assert_int_equal(load(p, CONFIG_USER, &ei), -1);
	snprintf(want, sizeof(want), "%s: refusing a configuration file that "
	    "anyone can change (mode 666): run 'chmod o-w %s'", p, p);
	assert_string_equal(ei.msg, want);
	p = write_file("account a\nincoming imaps://h\n", 0602);
	assert_int_equal(load(p, CONFIG_USER, &ei), -1);
	snprintf(want, sizeof(want), "%s: refusing a configuration file that "
	    "anyone can change (mode 602): run 'chmod o-w %s'", p, p);
	assert_string_equal(ei.msg, want);
	p = write_file(with_password, 0602);
	assert_int_equal(load(p, CONFIG_SYSTEM, &ei), -1);
	assert_non_null(strstr(ei.msg, "anyone can change"));
	p = write_file("account a\nincoming imaps://h\n", 0646);
	assert_int_equal(load(p, CONFIG_SYSTEM, &ei), -1);
	assert_non_null(strstr(ei.msg, "anyone can change"));
}

static void
test_load_system_perms(void **state)
{
	struct errinfo ei;
	const char *p;
	char want[512];

	/* The system file may be readable by its group (mail users). */
	p = write_file(with_password, 0640);
	assert_int_equal(load(p, CONFIG_SYSTEM, &ei), 0);
	p = write_file(with_password, 0600);
	assert_int_equal(load(p, CONFIG_SYSTEM, &ei), 0);
	/* Not by others. */
	p = write_file(with_password, 0604);
	assert_int_equal(load(p, CONFIG_SYSTEM, &ei), -1);
	snprintf(want, sizeof(want), "%s:3: this file contains a password but "
	    "is readable by others (mode 604): run 'chmod o-rwx %s'", p, p);
	assert_string_equal(ei.msg, want);
	p = write_file(with_password, 0644);
	assert_int_equal(load(p, CONFIG_SYSTEM, &ei), -1);
	/* Without a password, anyone may read it. */
	p = write_file("account a\nincoming imaps://h\n", 0644);
	assert_int_equal(load(p, CONFIG_SYSTEM, &ei), 0);
	/*
	 * msmtp's system file (msmtp-mta's /etc/msmtprc) readable by all:
	 * msmtp sends, so msend warns and sends; writable by others is
	 * still refused (eval, passwordeval: anyone's command).
	 */
	{
		struct config *cfg = NULL;

		p = write_file("account a\nhost h\npassword x\n", 0644);
		err_clear(&ei);
		assert_int_equal(config_load_for(p, CONFIG_SYSTEM,
		    CONFIG_DIALECT_AUTO, SIDE_OUT, &cfg, &ei), 0);
		assert_int_equal(config_nwarnings(cfg), 1);
		snprintf(want, sizeof(want), "%s:3: this file contains a "
		    "password but is readable by others (mode 644): run "
		    "'chmod o-rwx %s'", p, p);
		assert_string_equal(config_warning(cfg, 0), want);
		config_free(cfg);
		p = write_file("account a\nhost h\npassword x\n", 0646);
		assert_int_equal(config_load_for(p, CONFIG_SYSTEM,
		    CONFIG_DIALECT_AUTO, SIDE_OUT, &cfg, &ei), -1);
		/* As the user's own file: refused, as msmtp refuses it. */
		p = write_file("account a\nhost h\npassword x\n", 0644);
		assert_int_equal(config_load_for(p, CONFIG_USER,
		    CONFIG_DIALECT_AUTO, SIDE_OUT, &cfg, &ei), -1);
	}
}

static void
test_load_errors(void **state)
{
	struct errinfo ei;
	const char *p;
	char path[256], want[512];
	int fd;

	/* Missing file. */
	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	assert_int_equal(load(path, CONFIG_USER, &ei), -1);
	snprintf(want, sizeof(want), "cannot open configuration file '%s': "
	    "No such file or directory", path);
	assert_string_equal(ei.msg, want);
	/* A directory. */
	snprintf(path, sizeof(path), "%s/sub", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(load(path, CONFIG_USER, &ei), -1);
	snprintf(want, sizeof(want), "%s: not a regular file", path);
	assert_string_equal(ei.msg, want);
	/* A syntax error names the path and line. */
	p = write_file("account a\nincoming imaps://h\nbogus\n", 0600);
	assert_int_equal(load(p, CONFIG_USER, &ei), -1);
	snprintf(want, sizeof(want), "%s:3: unknown key 'bogus'", p);
	assert_string_equal(ei.msg, want);
	/* A file over CONFIG_FILE_MAX. */
	p = write_file("account a\n", 0600);
	fd = open(p, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, CONFIG_FILE_MAX + 1), 0);
	close(fd);
	assert_int_equal(load(p, CONFIG_USER, &ei), -1);
	snprintf(want, sizeof(want), "%s: file too large (more than %d bytes)",
	    p, CONFIG_FILE_MAX);
	assert_string_equal(ei.msg, want);
}

/* path under tmpdir, made as an empty file (its directories too). */
static void
touch(const char *rel)
{
	char path[512], *slash;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	for (slash = strchr(path + strlen(tmpdir) + 1, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		(void)mkdir(path, 0700);
		*slash = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	close(fd);
}

/* config_find() on side, with HOME=tmpdir: the path found, under tmpdir. */
static void
check_find(int side, const char *want_rel, enum config_dialect want_d)
{
	enum config_kind kind;
	enum config_dialect d;
	char want[512], *tried = NULL, *p;

	snprintf(want, sizeof(want), "%s/%s", tmpdir, want_rel);
	p = config_find(side, &kind, &d, &tried);
	assert_non_null(p);
	assert_string_equal(p, want);
	assert_int_equal(kind, CONFIG_USER);
	assert_int_equal(d, want_d);
	assert_null(tried);
	free(p);
}

/*
 * The peers' own files (config_peer_files()) and config_find()'s order:
 * facteur's file, then the peer's dot file, then its XDG file.
 */
static void
test_find(void **state)
{
	static const char *const made[] = { "xdg/msmtp/config", "xdg/msmtp",
		"xdg/mpop/config", "xdg/mpop", ".msmtprc", ".mpoprc",
		"xdg/facteur/config", "xdg/facteur", "xdg",
		".config/facteur/config", ".config/facteur", ".config" };
	/* A relative XDG_CONFIG_HOME is ignored, as the XDG spec says. */
	static const struct {
		const char *xdg;
		enum config_dialect d;
		const char *dot, *conf;
	} peer[] = {
		{ NULL, CONFIG_DIALECT_MSMTP, "/h/.msmtprc",
		    "/h/.config/msmtp/config" },
		{ "rel", CONFIG_DIALECT_MPOP, "/h/.mpoprc",
		    "/h/.config/mpop/config" },
		{ "/x", CONFIG_DIALECT_MPOP, "/h/.mpoprc", "/x/mpop/config" },
		{ "/x", CONFIG_DIALECT_MSMTP, "/h/.msmtprc",
		    "/x/msmtp/config" },
	};
	static const struct {
		int xdg;
		const char *make[2], *out, *in;
		enum config_dialect dout, din;
	} step[] = {
		{ 1, { "xdg/msmtp/config", "xdg/mpop/config" },
		    "xdg/msmtp/config", "xdg/mpop/config",
		    CONFIG_DIALECT_MSMTP, CONFIG_DIALECT_MPOP },
		{ 1, { ".msmtprc", ".mpoprc" }, ".msmtprc", ".mpoprc",
		    CONFIG_DIALECT_MSMTP, CONFIG_DIALECT_MPOP },
		{ 1, { "xdg/facteur/config", NULL }, "xdg/facteur/config",
		    "xdg/facteur/config", CONFIG_DIALECT_FACTEUR,
		    CONFIG_DIALECT_FACTEUR },
		{ 0, { ".config/facteur/config", NULL },
		    ".config/facteur/config", ".config/facteur/config",
		    CONFIG_DIALECT_FACTEUR, CONFIG_DIALECT_FACTEUR },
	};
	char *p[2], want[512];
	const char *old = getenv("HOME");
	size_t i;
	char *home = old != NULL ? xstrdup(old) : NULL;

	for (i = 0; i < sizeof(peer) / sizeof(peer[0]); i++) {
		if (peer[i].xdg != NULL)
			setenv("XDG_CONFIG_HOME", peer[i].xdg, 1);
		else
			unsetenv("XDG_CONFIG_HOME");
		config_peer_files(peer[i].d, "/h", p);
		assert_string_equal(p[0], peer[i].dot);
		assert_string_equal(p[1], peer[i].conf);
		free(p[0]);
		free(p[1]);
	}

	/* Each step makes files and sees what msend and mfetch find. */
	setenv("HOME", tmpdir, 1);
	for (i = 0; i < sizeof(step) / sizeof(step[0]); i++) {
		snprintf(want, sizeof(want), "%s/xdg", tmpdir);
		if (step[i].xdg)
			setenv("XDG_CONFIG_HOME", want, 1);
		else
			unsetenv("XDG_CONFIG_HOME");
		touch(step[i].make[0]);
		if (step[i].make[1] != NULL)
			touch(step[i].make[1]);
		check_find(SIDE_OUT, step[i].out, step[i].dout);
		check_find(SIDE_IN, step[i].in, step[i].din);
	}
	if (home != NULL)
		setenv("HOME", home, 1);
	free(home);
	for (i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		snprintf(want, sizeof(want), "%s/%s", tmpdir, made[i]);
		assert_int_equal(remove(want), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_account),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_inheritance),
		cmocka_unit_test(test_default_account),
		cmocka_unit_test(test_unknown_account),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_servers),
		cmocka_unit_test(test_later_wins),
		cmocka_unit_test(test_command_line),
		cmocka_unit_test(test_daemon_keys),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_line_limits),
		cmocka_unit_test(test_side_key_outside_account),
		cmocka_unit_test(test_load_user_perms),
		cmocka_unit_test(test_load_writable),
		cmocka_unit_test(test_load_system_perms),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_find),
	};

	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
