/*
 * Unit tests for common/dialect and the reading of msmtp's and mpop's
 * files through config_parse_opts(): which dialect a text is, each peer
 * key's translation, the peers' defaults (no TLS, no msmtp AUTH, mpop
 * deletes), SMTP port 25, keys that mean nothing here accepted with a
 * warning, "eval", and the manuals' own example files resolved.
 */
#include "autoconf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "account.h"
#include "buf.h"
#include "config.h"
#include "dialect.h"
#include "settings.h"
#include "xalloc.h"

static enum config_dialect
detect(const char *text, int side)
{
	return dialect_detect(text, strlen(text), side);
}

static void
test_detect(void **state)
{
	(void)state;
	/* A plain host and no facteur-only key: the program's peer. */
	assert_int_equal(detect("account a\nhost h\n", SIDE_OUT),
	    CONFIG_DIALECT_MSMTP);
	assert_int_equal(detect("account a\nhost h\n", SIDE_IN),
	    CONFIG_DIALECT_MPOP);
	assert_int_equal(detect("  host\th\n", SIDE_IN), CONFIG_DIALECT_MPOP);
	/* An eval line may print the host. */
	assert_int_equal(detect("account a\neval echo host h\n", SIDE_OUT),
	    CONFIG_DIALECT_MSMTP);
	assert_int_equal(detect("eval x\nincoming pop3://h\n", SIDE_IN),
	    CONFIG_DIALECT_FACTEUR);
	/* Any facteur-only key: facteur's, whatever else is there. */
	assert_int_equal(detect("host h\nincoming pop3://h\n", SIDE_IN),
	    CONFIG_DIALECT_FACTEUR);
	assert_int_equal(detect("host h\naddress a@b\n", SIDE_OUT),
	    CONFIG_DIALECT_FACTEUR);
	assert_int_equal(detect("host h\noutgoing_user u\n", SIDE_OUT),
	    CONFIG_DIALECT_FACTEUR);
	/* IMAP is facteur's: neither peer has it (issue 12). */
	assert_int_equal(detect("host h\nprotocol imap\n", SIDE_IN),
	    CONFIG_DIALECT_FACTEUR);
	assert_int_equal(detect("host h\nprotocol  IMAP \n", SIDE_OUT),
	    CONFIG_DIALECT_FACTEUR);
	assert_int_equal(detect("host h\nfolders INBOX\n", SIDE_IN),
	    CONFIG_DIALECT_FACTEUR);
	assert_int_equal(detect("host h\nmark_seen off\n", SIDE_IN),
	    CONFIG_DIALECT_FACTEUR);
	/* msmtp's own protocol values stay msmtp's. */
	assert_int_equal(detect("host h\nprotocol lmtp\n", SIDE_OUT),
	    CONFIG_DIALECT_MSMTP);
	assert_int_equal(detect("host h\nprotocol imapx\n", SIDE_IN),
	    CONFIG_DIALECT_MPOP);
	/* Neither: facteur's.  Comments and look-alikes do not count. */
	assert_int_equal(detect("account a\nuser u\n", SIDE_OUT),
	    CONFIG_DIALECT_FACTEUR);
	assert_int_equal(detect("# host h\nhostname x\n", SIDE_OUT),
	    CONFIG_DIALECT_FACTEUR);
	assert_int_equal(detect("", SIDE_IN), CONFIG_DIALECT_FACTEUR);
	/* No side (a unit test, the fuzzer): facteur's. */
	assert_int_equal(detect("host h\n", 0), CONFIG_DIALECT_FACTEUR);
	/* No final line end, a CR LF file. */
	assert_int_equal(detect("account a\r\nhost h", SIDE_OUT),
	    CONFIG_DIALECT_MSMTP);
}

/* Translate and return "key=value", "skip" or "ignore: why". */
static char *
tr(enum config_dialect d, const char *key, const char *value)
{
	static char out[512];
	const char *fk;
	char why[256];
	struct buf v;

	buf_init(&v, 4096);
	switch (dialect_translate(d, key, value, &fk, &v, why, sizeof(why))) {
	case DIALECT_SET:
		snprintf(out, sizeof(out), "%s=%s", fk, v.data);
		break;
	case DIALECT_SKIP:
		snprintf(out, sizeof(out), "skip");
		break;
	case DIALECT_IGNORE:
		snprintf(out, sizeof(out), "ignore: %s", why);
		break;
	}
	buf_free(&v);
	return out;
}

static void
test_translate(void **state)
{
	enum config_dialect M = CONFIG_DIALECT_MSMTP, P = CONFIG_DIALECT_MPOP;

	(void)state;
	/* Server keys go to the peer's one server. */
	assert_string_equal(tr(M, "host", "smtp.x"), "outgoing_host=smtp.x");
	assert_string_equal(tr(P, "host", "pop.x"), "incoming_host=pop.x");
	assert_string_equal(tr(M, "port", "587"), "outgoing_port=587");
	assert_string_equal(tr(P, "tls", NULL), "incoming_tls=");
	assert_string_equal(tr(M, "domain", "%H"), "outgoing_domain=%H");
	assert_string_equal(tr(P, "auth", "scram-sha-256"),
	    "incoming_auth=scram-sha-256");
	/* Account keys keep their names; msmtp's from is the address. */
	assert_string_equal(tr(M, "from", "a@b"), "from=a@b");
	assert_string_equal(tr(P, "keep", "on"), "keep=on");
	assert_string_equal(tr(P, "delivery", "mbox ~/x"),
	    "delivery=mbox ~/x");
	/* mpop's UIDLs file is where its state is: imported, not ours. */
	assert_string_equal(tr(P, "uidls_file", "~/.local/%U_at_%H"),
	    "mpop_uidls_file=~/.local/%U_at_%H");
	/* Inverted and old keys. */
	assert_string_equal(tr(P, "only_new", NULL), "fetchall=off");
	assert_string_equal(tr(P, "only_new", "off"), "fetchall=on");
	assert_string_equal(tr(P, "only_new", "maybe"), "fetchall=maybe");
	assert_string_equal(tr(M, "keepbcc", "on"), "remove_bcc_headers=off");
	assert_string_equal(tr(M, "tls_nocertcheck", NULL),
	    "outgoing_tls_certcheck=off");
	assert_string_equal(tr(M, "tls_nostarttls", NULL),
	    "outgoing_tls_starttls=off");
	/* syslog: msmtp's facility names and its default, LOG_USER. */
	assert_string_equal(tr(M, "syslog", "LOG_MAIL"), "syslog=mail");
	assert_string_equal(tr(M, "syslog", "LOG_LOCAL3"), "syslog=local3");
	assert_string_equal(tr(M, "syslog", NULL), "syslog=user");
	assert_string_equal(tr(M, "syslog", "off"), "syslog=off");
	/* protocol smtp is the default; lmtp goes through. */
	assert_string_equal(tr(M, "protocol", "smtp"), "skip");
	assert_string_equal(tr(M, "protocol", "lmtp"), "outgoing_protocol=lmtp");
	/* Accepted, ignored, with a reason. */
	assert_string_equal(tr(M, "ntlmdomain", "X"), "ignore: 'ntlmdomain' is "
	    "ignored: the NTLM mechanism is not offered");
	assert_non_null(strstr(tr(P, "delivery", "exchange c:\\pickup"),
	    "ignore: 'delivery exchange'"));
	assert_string_equal(tr(M, "frobnicate", "1"), "ignore: 'frobnicate' is "
	    "not a key of msmtp or facteur: ignored");
	/* A key of the other peer is not this peer's. */
	assert_non_null(strstr(tr(M, "keep", "on"), "ignore: 'keep' is not"));
	assert_non_null(strstr(tr(P, "from", "a@b"), "ignore: 'from' is not"));
}

static void
test_defaults(void **state)
{
	const char *k, *v;

	(void)state;
	assert_int_equal(dialect_default(CONFIG_DIALECT_FACTEUR, 0, &k, &v), 0);
	assert_int_equal(dialect_default(CONFIG_DIALECT_MSMTP, 0, &k, &v), 1);
	assert_string_equal(k, "outgoing_tls");
	assert_string_equal(v, "off");
	assert_int_equal(dialect_default(CONFIG_DIALECT_MSMTP, 1, &k, &v), 1);
	assert_string_equal(k, "outgoing_auth");
	assert_int_equal(dialect_default(CONFIG_DIALECT_MSMTP, 2, &k, &v), 0);
	assert_int_equal(dialect_default(CONFIG_DIALECT_MPOP, 1, &k, &v), 1);
	assert_string_equal(k, "keep");
	assert_string_equal(v, "off");
	assert_int_equal(dialect_default(CONFIG_DIALECT_MPOP, 2, &k, &v), 0);
}

static int nevals;

static int
fake_eval(const char *cmd, char **out_r, struct errinfo *ei)
{
	nevals++;
	if (strcmp(cmd, "fail") == 0)
		return err_set(ei, ST_CONFIG, "the command failed");
	if (strcmp(cmd, "again") == 0) {
		*out_r = xstrdup("eval again");
		return 0;
	}
	*out_r = xstrdup(cmd + 5);	/* "echo host x" -> "host x" */
	return 0;
}

static struct config *
parse_as(const char *text, enum config_dialect d, int side, struct errinfo *ei)
{
	struct config_opts o;
	struct config *cfg = NULL;

	o.dialect = d;
	o.side = side;
	o.eval = fake_eval;
	err_clear(ei);
	if (config_parse_opts("rc", text, strlen(text), &o, &cfg, ei) < 0)
		return NULL;
	return cfg;
}

static struct account *
resolve(const struct config *cfg, const char *name)
{
	struct account *a = NULL;
	struct errinfo ei;

	if (config_resolve(cfg, name, NULL, &a, &ei) < 0)
		fail_msg("resolve %s: %s", name ? name : "(default)", ei.msg);
	return a;
}

/* msmtp's manual, EXAMPLES: read unchanged. */
static const char msmtprc[] =
"# Example for a user configuration file ~/.msmtprc\n"
"defaults\n"
"port 587\n"
"tls on\n"
"#tls_trust_file /etc/ssl/certs/ca-certificates.crt\n"
"account freemail\n"
"host smtp.freemail.example\n"
"from joe_smith@freemail.example\n"
"auth on\n"
"user joe.smith\n"
"passwordeval gpg2 --no-tty -q -d ~/.msmtp-password.gpg\n"
"account freemail2 : freemail\n"
"from joey@freemail.example\n"
"account isp\n"
"host mail.isp.example\n"
"from smithjoe@isp.example\n"
"auth on\n"
"user 12345\n"
"account default : freemail\n";

static void
test_msmtprc(void **state)
{
	struct errinfo ei;
	struct config *cfg;
	struct account *a;

	(void)state;
	cfg = parse_as(msmtprc, CONFIG_DIALECT_AUTO, SIDE_OUT, &ei);
	if (cfg == NULL)
		fail_msg("%s", ei.msg);
	assert_int_equal(config_dialect(cfg), CONFIG_DIALECT_MSMTP);
	assert_int_equal(config_nwarnings(cfg), 0);
	a = resolve(cfg, NULL);
	assert_string_equal(a->name, "freemail");
	assert_string_equal(a->out.host, "smtp.freemail.example");
	assert_null(a->in.host);
	assert_int_equal(server_port(&a->out), 587);
	assert_int_equal(a->out.tls, 1);
	assert_int_equal(a->out.starttls, 1);
	assert_non_null(a->out.auth);		/* on: automatic */
	assert_string_equal(a->out.auth, "on");
	assert_string_equal(a->out.user, "joe.smith");
	assert_string_equal(a->address, "joe_smith@freemail.example");
	account_free(a);
	a = resolve(cfg, "freemail2");
	assert_string_equal(a->address, "joey@freemail.example");
	assert_string_equal(a->out.user, "joe.smith");
	account_free(a);
	/* isp: "port 587" and "tls on" come from the defaults. */
	a = resolve(cfg, "isp");
	assert_int_equal(server_port(&a->out), 587);
	assert_int_equal(a->out.tls, 1);
	account_free(a);
	config_free(cfg);
}

static void
test_msmtp_defaults(void **state)
{
	struct errinfo ei;
	struct config *cfg;
	struct account *a;

	(void)state;
	/* msmtp's defaults: no TLS, no AUTH, port 25 (465 with TLS at once). */
	cfg = parse_as("account relay\nhost mailhub\nuser u\n",
	    CONFIG_DIALECT_AUTO, SIDE_OUT, &ei);
	assert_non_null(cfg);
	a = resolve(cfg, NULL);
	assert_int_equal(a->out.tls, 0);
	assert_non_null(a->out.auth);
	assert_string_equal(a->out.auth, "off");
	assert_int_equal(server_port(&a->out), 25);
	a->out.tls = 1;
	a->out.starttls = 0;
	assert_int_equal(server_port(&a->out), 465);
	account_free(a);
	config_free(cfg);
	/* The same lines in facteur's file: facteur's defaults. */
	cfg = parse_as("account relay\noutgoing smtp://mailhub\n",
	    CONFIG_DIALECT_AUTO, SIDE_OUT, &ei);
	assert_non_null(cfg);
	a = resolve(cfg, NULL);
	assert_int_equal(a->out.tls, 1);
	assert_null(a->out.auth);
	assert_int_equal(server_port(&a->out), 587);
	account_free(a);
	config_free(cfg);
}

/* mpop's manual, EXAMPLES (the filter line is the one it has). */
static const char mpoprc[] =
"defaults\n"
"tls on\n"
"delivery mbox ~/Mail/inbox\n"
"uidls_file ~/.local/share/%U_at_%H\n"
"account freemail\n"
"host pop.freemail.example\n"
"user joe.smith\n"
"passwordeval gpg2 --no-tty -q -d ~/.mpop-password.gpg\n"
"account freemail2 : freemail\n"
"user joey\n"
"account isp\n"
"host mail.isp.example\n"
"auth on\n"
"user 12345\n"
"ntlmdomain WORKGROUP\n"
"account default : freemail\n";

static void
test_mpoprc(void **state)
{
	struct errinfo ei;
	struct config *cfg;
	struct account *a;
	const char *home = getenv("HOME");
	char *want;

	(void)state;
	cfg = parse_as(mpoprc, CONFIG_DIALECT_AUTO, SIDE_IN, &ei);
	if (cfg == NULL)
		fail_msg("%s", ei.msg);
	assert_int_equal(config_dialect(cfg), CONFIG_DIALECT_MPOP);
	/* ntlmdomain: accepted with a warning that says where. */
	assert_int_equal(config_nwarnings(cfg), 1);
	assert_non_null(strstr(config_warning(cfg, 0), "rc:15: 'ntlmdomain'"));
	a = resolve(cfg, NULL);
	assert_string_equal(a->in.host, "pop.freemail.example");
	assert_int_equal(a->in.proto, PROTO_POP3);
	assert_int_equal(a->in.tls, 1);
	assert_int_equal(server_port(&a->in), 110);
	want = xasprintf("mbox,%s/Mail/inbox", home != NULL ? home : "");
	assert_string_equal(a->delivery, want);
	free(want);
	assert_non_null(a->mpop_uidls_file);
	assert_non_null(strstr(a->mpop_uidls_file, "/.local/share/%U_at_%H"));
	assert_null(a->uidls_file);
	/* mpop deletes what it delivered: keep off unless the file says. */
	assert_int_equal(a->keep, 0);
	assert_int_equal(a->fetchall, 0);
	account_free(a);
	config_free(cfg);
}

static void
test_peer_errors(void **state)
{
	struct errinfo ei;
	struct config *cfg;

	(void)state;
	/* A bad value of a key that means something is still an error. */
	assert_null(parse_as("account a\nhost h\nport 99999\n",
	    CONFIG_DIALECT_MSMTP, SIDE_OUT, &ei));
	assert_non_null(strstr(ei.msg, "rc:3: "));
	assert_null(parse_as("account a\nhost h\nonly_new perhaps\n",
	    CONFIG_DIALECT_MPOP, SIDE_IN, &ei));
	assert_non_null(strstr(ei.msg, "rc:3: "));
	/* A key outside an account, as in the peers. */
	assert_null(parse_as("host h\n", CONFIG_DIALECT_MSMTP, SIDE_OUT, &ei));
	assert_non_null(strstr(ei.msg, "outside an account"));
	/* Many unknown keys: accepted, warnings capped. */
	{
		struct buf t;
		int i;

		buf_init(&t, 1 << 20);
		buf_addstr(&t, "account a\nhost h\n");
		for (i = 0; i < 500; i++)
			buf_addstr(&t, "nonsense 1\n");
		cfg = parse_as(t.data, CONFIG_DIALECT_MSMTP, SIDE_OUT, &ei);
		assert_non_null(cfg);
		assert_true(config_nwarnings(cfg) <= 100);
		config_free(cfg);
		buf_free(&t);
	}
}

static void
test_eval(void **state)
{
	struct errinfo ei;
	struct config *cfg;
	struct account *a;

	(void)state;
	nevals = 0;
	cfg = parse_as("account a\neval echo host evaluated.example\n",
	    CONFIG_DIALECT_MSMTP, SIDE_OUT, &ei);
	if (cfg == NULL)
		fail_msg("%s", ei.msg);
	assert_int_equal(nevals, 1);
	a = resolve(cfg, NULL);
	assert_string_equal(a->out.host, "evaluated.example");
	account_free(a);
	config_free(cfg);
	/* In facteur's files too. */
	cfg = parse_as("account a\neval echo outgoing smtp://e.example\n",
	    CONFIG_DIALECT_FACTEUR, SIDE_OUT, &ei);
	assert_non_null(cfg);
	a = resolve(cfg, NULL);
	assert_string_equal(a->out.host, "e.example");
	account_free(a);
	config_free(cfg);
	/* Failures say where; an eval that prints eval does not loop. */
	assert_null(parse_as("account a\neval fail\n", CONFIG_DIALECT_MSMTP,
	    SIDE_OUT, &ei));
	assert_non_null(strstr(ei.msg, "rc:2: eval: the command failed"));
	assert_null(parse_as("account a\neval again\n", CONFIG_DIALECT_MSMTP,
	    SIDE_OUT, &ei));
	assert_non_null(strstr(ei.msg, "rc:2: eval: "));
	assert_null(parse_as("account a\neval\n", CONFIG_DIALECT_MSMTP,
	    SIDE_OUT, &ei));
	/* config_parse() (no eval function) refuses it. */
	{
		const char *t = "account a\neval echo host x\n";

		assert_int_equal(config_parse("rc", t, strlen(t), &cfg, &ei), -1);
	}
}

/* The peers' quoting: one pair around the whole value, nothing else. */
static void
test_peer_quoting(void **state)
{
	struct errinfo ei;
	struct config *cfg;
	struct account *a;

	(void)state;
	cfg = parse_as("account a\nhost h\n"
	    "filter  if [ \"`grep \"^X-Spam-Status: Yes\"`\" ]; then exit 1; "
	    "else exit 0; fi  \n"
	    "delivery mda \"/usr/bin/procmail -f '%F' -d $USER\"\n"
	    "user \"a\\\"b\"\n", CONFIG_DIALECT_MPOP, SIDE_IN, &ei);
	if (cfg == NULL)
		fail_msg("%s", ei.msg);
	a = resolve(cfg, NULL);
	assert_string_equal(a->filter, "if [ \"`grep \"^X-Spam-Status: Yes\"`\" "
	    "]; then exit 1; else exit 0; fi");
	assert_string_equal(a->delivery, "mda,/usr/bin/procmail -f '%F' -d "
	    "$USER");
	assert_string_equal(a->in.user, "a\\\"b");
	account_free(a);
	config_free(cfg);
}

static void
test_delivery_space_form(void **state)
{
	struct errinfo ei;
	struct config *cfg;
	struct account *a;

	(void)state;
	/* mpop's "delivery METHOD ARGS" in facteur's own file too. */
	cfg = parse_as("account a\nincoming pop3://h\n"
	    "delivery mda /usr/bin/procmail -f '%F' -d $USER\n",
	    CONFIG_DIALECT_FACTEUR, SIDE_IN, &ei);
	if (cfg == NULL)
		fail_msg("%s", ei.msg);
	a = resolve(cfg, NULL);
	assert_string_equal(a->delivery, "mda,/usr/bin/procmail -f '%F' -d "
	    "$USER");
	account_free(a);
	config_free(cfg);
	cfg = parse_as("account a\nincoming pop3://h\ndelivery maildir   /m\n",
	    CONFIG_DIALECT_FACTEUR, SIDE_IN, &ei);
	assert_non_null(cfg);
	a = resolve(cfg, NULL);
	assert_string_equal(a->delivery, "maildir,/m");
	account_free(a);
	config_free(cfg);
	assert_null(parse_as("account a\nincoming pop3://h\ndelivery mbox \n",
	    CONFIG_DIALECT_FACTEUR, SIDE_IN, &ei));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_translate),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_msmtprc),
		cmocka_unit_test(test_msmtp_defaults),
		cmocka_unit_test(test_mpoprc),
		cmocka_unit_test(test_peer_errors),
		cmocka_unit_test(test_eval),
		cmocka_unit_test(test_peer_quoting),
		cmocka_unit_test(test_delivery_space_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
