/*
 * Unit tests for the login choice (common/login: the automatic order,
 * forced mechanisms, plaintext refused without TLS), MD5 and APOP (RFC
 * 1321 and 1939 vectors, fed at every split), ~/.netrc parsing
 * (common/netrc) and password-command splitting (common/pwcmd).
 */
#include "autoconf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "account.h"
#include "login.h"
#include "md5.h"
#include "netrc.h"
#include "pwcmd.h"
#include "xalloc.h"

/* login_choose() only looks whether there is a TLS session. */
#define SOME_TLS ((struct tls *)(uintptr_t)1)

struct lcase {
	const char *offered;
	unsigned natives;
	int tls;
	const char *auth;	/* NULL: automatic */
	int plaintext_ok;
	int want_rc;
	enum status want_st;	/* when -1 */
	const char *want;	/* method name when 0 */
};

static const struct lcase lcases[] = {
	/* The automatic order, strongest first. */
	{ "PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256", 0, 1, NULL, 0, 0,
	    0, "SCRAM-SHA-256" },
	{ "PLAIN SCRAM-SHA-256 SCRAM-SHA-256-PLUS", 0, 1, NULL, 0, 0, 0,
	    "SCRAM-SHA-256-PLUS" },
	{ "scram-sha-1-plus  scram-sha-1", 0, 1, NULL, 0, 0, 0,
	    "SCRAM-SHA-1-PLUS" },
	{ "PLAIN LOGIN CRAM-MD5", 0, 1, NULL, 0, 0, 0, "PLAIN" },
	{ "LOGIN CRAM-MD5", 0, 1, NULL, 0, 0, 0, "LOGIN" },
	{ "CRAM-MD5 X-UNKNOWN", 0, 1, NULL, 0, 0, 0, "CRAM-MD5" },
	{ "", LOGIN_USERPASS | LOGIN_APOP, 1, NULL, 0, 0, 0, "USER/PASS" },
	{ "", LOGIN_IMAPLOGIN, 1, NULL, 0, 0, 0, "IMAP LOGIN" },
	{ "XOAUTH2 GSSAPI", 0, 1, NULL, 0, -1, ST_UNAVAILABLE, NULL },
	{ "", 0, 1, NULL, 0, -1, ST_UNAVAILABLE, NULL },
	/* Without TLS: never -PLUS, never plaintext unless allowed. */
	{ "PLAIN SCRAM-SHA-256-PLUS SCRAM-SHA-256", 0, 0, NULL, 0, 0, 0,
	    "SCRAM-SHA-256" },
	{ "PLAIN LOGIN CRAM-MD5", 0, 0, NULL, 0, 0, 0, "CRAM-MD5" },
	{ "", LOGIN_USERPASS | LOGIN_APOP, 0, NULL, 0, 0, 0, "APOP" },
	{ "PLAIN LOGIN", LOGIN_USERPASS, 0, NULL, 0, -1, ST_NOPERM, NULL },
	{ "PLAIN LOGIN", 0, 0, NULL, 1, 0, 0, "PLAIN" },
	/* Forced. */
	{ "PLAIN SCRAM-SHA-256", 0, 1, "PLAIN", 0, 0, 0, "PLAIN" },
	{ "PLAIN SCRAM-SHA-256", 0, 1, "CRAM-MD5", 0, -1, ST_UNAVAILABLE, NULL },
	{ "PLAIN", 0, 0, "PLAIN", 0, -1, ST_NOPERM, NULL },
	{ "PLAIN", 0, 0, "PLAIN", 1, 0, 0, "PLAIN" },
	{ "XOAUTH2", 0, 1, "XOAUTH2", 0, 0, 0, "XOAUTH2" },
	{ "XOAUTH2", 0, 0, "XOAUTH2", 0, -1, ST_NOPERM, NULL },
	{ "SCRAM-SHA-256-PLUS", 0, 0, "SCRAM-SHA-256-PLUS", 0, -1,
	    ST_UNAVAILABLE, NULL },
	{ "", LOGIN_USERPASS, 1, "USER", 0, 0, 0, "USER/PASS" },
	{ "", LOGIN_USERPASS, 0, "USER", 0, -1, ST_NOPERM, NULL },
	{ "AUTH=PLAIN", LOGIN_IMAPLOGIN, 1, "USER", 0, 0, 0, "IMAP LOGIN" },
	{ "PLAIN", LOGIN_IMAPLOGIN, 1, "LOGIN", 0, 0, 0, "IMAP LOGIN" },
	{ "PLAIN LOGIN", LOGIN_IMAPLOGIN, 1, "LOGIN", 0, 0, 0, "LOGIN" },
	{ "", LOGIN_APOP, 0, "APOP", 0, 0, 0, "APOP" },
	{ "", 0, 0, "APOP", 0, -1, ST_UNAVAILABLE, NULL },
	{ "PLAIN", 0, 1, "NO-SUCH-MECH", 0, -1, ST_CONFIG, NULL },
	{ "PLAIN", 0, 1, "off", 0, 0, 0, "none" },
};

/* An IMAP server at mail.example.org, and a login to it. */
static void
setup_login(struct server *srv, struct login *lg, const char *auth,
    int plaintext_ok, const char *cert, int tls)
{
	server_init(srv);
	srv->proto = PROTO_IMAP;
	srv->host = xstrdup("mail.example.org");
	srv->auth = auth != NULL ? xstrdup(auth) : NULL;
	srv->auth_plaintext = plaintext_ok;
	srv->cert_file = cert != NULL ? xstrdup(cert) : NULL;
	login_init(lg, srv, "acct", "me@example.org", tls ? SOME_TLS : NULL);
}

static void
test_login_choose(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lcases) / sizeof(lcases[0]); i++) {
		const struct lcase *c = &lcases[i];
		struct server srv;
		struct login lg;
		struct errinfo ei;
		int rc;

		setup_login(&srv, &lg, c->auth, c->plaintext_ok, NULL, c->tls);
		rc = login_choose(&lg, c->offered, c->natives, &ei);
		if (rc != c->want_rc)
			fail_msg("case %zu: rc %d (%s)", i, rc, ei.msg);
		if (rc == 0 && strcmp(login_method_name(&lg), c->want) != 0)
			fail_msg("case %zu: chose %s, want %s", i,
			    login_method_name(&lg), c->want);
		if (rc < 0 && ei.st != c->want_st)
			fail_msg("case %zu: status %d, want %d (%s)", i, ei.st,
			    c->want_st, ei.msg);
		login_free(&lg);
		server_free(&srv);
	}
	/* EXTERNAL: only with a client certificate, only inside TLS. */
	{
		static const struct {
			const char *auth, *cert;
			int tls, want_rc;
			enum status want_st;
		} ext[] = {
			{ NULL, "c.pem", 1, 0, 0 },
			{ NULL, NULL, 1, 0, 0 },	/* SCRAM instead */
			{ NULL, "c.pem", 0, 0, 0 },	/* SCRAM instead */
			{ "external", "c.pem", 1, 0, 0 },
			{ "external", NULL, 1, -1, ST_CONFIG },
			{ "external", "c.pem", 0, -1, ST_UNAVAILABLE },
		};

		for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
			struct server srv;
			struct login lg;
			struct errinfo ei;
			int rc;

			setup_login(&srv, &lg, ext[i].auth, 0, ext[i].cert,
			    ext[i].tls);
			rc = login_choose(&lg, "EXTERNAL SCRAM-SHA-256", 0,
			    &ei);
			if (rc != ext[i].want_rc)
				fail_msg("external case %zu: rc %d (%s)", i, rc,
				    ei.msg);
			if (rc == 0 && strcmp(login_method_name(&lg),
			    ext[i].cert && ext[i].tls ? "EXTERNAL" :
			    "SCRAM-SHA-256") != 0)
				fail_msg("external case %zu: chose %s", i,
				    login_method_name(&lg));
			if (rc < 0 && ei.st != ext[i].want_st)
				fail_msg("external case %zu: status %d (%s)", i,
				    ei.st, ei.msg);
			login_free(&lg);
			server_free(&srv);
		}
	}
	assert_true(login_is_plaintext("PLAIN", 0));
	assert_true(login_is_plaintext("xoauth2", 0));
	assert_false(login_is_plaintext("SCRAM-SHA-256", 0));
	assert_true(login_is_plaintext("", LOGIN_USERPASS));
	assert_false(login_is_plaintext("", LOGIN_APOP));
	assert_string_equal(login_mechanism(0), "EXTERNAL");
	assert_string_equal(login_mechanism(1), "SCRAM-SHA-256-PLUS");
}

static const struct {
	const char *in, *hex;
} md5v[] = {
	{ "", "d41d8cd98f00b204e9800998ecf8427e" },
	{ "a", "0cc175b9c0f1b6a831c399e269772661" },
	{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
	{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
	{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
	{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
	    "d174ab98d277d9f5a5611c2c9f419d9f" },
	{ "1234567890123456789012345678901234567890123456789012345678901234"
	    "5678901234567890", "57edf4a22be3c955ac49da2e2107b67a" },
};

static void
hexify(const unsigned char d[16], char out[33])
{
	int i;

	for (i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void
test_md5(void **state)
{
	size_t i, cut;
	char hex[33];

	(void)state;
	for (i = 0; i < sizeof(md5v) / sizeof(md5v[0]); i++) {
		size_t n = strlen(md5v[i].in);

		for (cut = 0; cut <= n; cut++) {
			struct md5 m;
			unsigned char d[16];

			md5_init(&m);
			md5_update(&m, md5v[i].in, cut);
			md5_update(&m, md5v[i].in + cut, n - cut);
			md5_final(&m, d);
			hexify(d, hex);
			if (strcmp(hex, md5v[i].hex) != 0)
				fail_msg("md5 vector %zu cut %zu: %s", i, cut, hex);
		}
	}
	{
		/* A million 'a', fed in odd pieces. */
		static char a[1000];
		struct md5 m;
		unsigned char d[16];
		size_t left = 1000000;

		memset(a, 'a', sizeof(a));
		md5_init(&m);
		while (left > 0) {
			size_t k = left > 997 ? 997 : left;

			md5_update(&m, a, k);
			left -= k;
		}
		md5_final(&m, d);
		hexify(d, hex);
		assert_string_equal(hex, "7707d6ae4e027c70eea2a935c2296f21");
	}
	/* RFC 1939's APOP example. */
	login_apop_digest("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf", hex);
	assert_string_equal(hex, "c4c9334bac560ecc979e58001b3e22fb");
}

struct ncase {
	const char *text, *host, *login, *want;	/* want NULL: not found */
};

static const struct ncase ncases[] = {
	{ "machine m login u password p", "m", "u", "p" },
	{ "machine a login u password pa\nmachine b login u password pb",
	    "b", "u", "pb" },
	{ "machine m login x password px\nmachine m login u password pu",
	    "m", "u", "pu" },
	{ "machine m password any", "m", "u", "any" },
	{ "default login u password d\nmachine m login u password p", "m", "u",
	    "p" },
	{ "machine m login u password p\ndefault login u password d", "z", "u",
	    "d" },
	{ "machine m login u password \"with space \\\" quote\"", "m", "u",
	    "with space \" quote" },
	{ "machine m login u account acct password p", "m", "u", "p" },
	{ "macdef init\nmachine m login u password bad\n\n"
	    "machine m login u password good", "m", "u", "good" },
	{ "machine\tm\n\tlogin u\n  password\tp\n", "m", "u", "p" },
	{ "machine m login u", "m", "u", NULL },
	{ "machine m login u password", "m", "u", NULL },
	{ "", "m", "u", NULL },
	{ "machine other login u password p", "m", "u", NULL },
};

static void
test_netrc(void **state)
{
	size_t i;
	char dir[] = "/tmp/test_netrc.XXXXXX", *path, *pw;
	struct errinfo ei;
	FILE *f;

	(void)state;
	for (i = 0; i < sizeof(ncases) / sizeof(ncases[0]); i++) {
		const struct ncase *c = &ncases[i];
		int r;

		pw = NULL;
		r = netrc_find(c->text, strlen(c->text), c->host, c->login, &pw);
		if (c->want == NULL) {
			if (r != 0)
				fail_msg("netrc case %zu: found '%s'", i, pw);
		} else if (r != 1 || strcmp(pw, c->want) != 0) {
			fail_msg("netrc case %zu: got %d '%s'", i, r,
			    pw ? pw : "(none)");
		}
		xfree_secret(pw);
	}
	/* An over-long word and a NUL: no overflow, no match past them. */
	{
		size_t n = NETRC_WORD_MAX * 3;
		char *t = xmalloc(n + 64);
		int r;

		memcpy(t, "machine ", 8);
		memset(t + 8, 'x', n);
		memcpy(t + 8 + n, " password p", 11);
		pw = NULL;
		r = netrc_find(t, 8 + n + 11, "m", "u", &pw);
		assert_int_equal(r, 0);
		free(t);
		r = netrc_find("machine m\0 password p", 21, "m", "u", &pw);
		if (r == 1)
			xfree_secret(pw);
	}
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/netrc", dir);
	f = fopen(path, "w");
	fputs("machine m login u password filepw\n", f);
	fclose(f);
	chmod(path, 0600);
	pw = NULL;
	assert_int_equal(netrc_lookup(path, "m", "u", &pw, &ei), 1);
	assert_string_equal(pw, "filepw");
	xfree_secret(pw);
	chmod(path, 0644);
	pw = NULL;
	assert_int_equal(netrc_lookup(path, "m", "u", &pw, &ei), 0);
	assert_null(pw);
	unlink(path);
	assert_int_equal(netrc_lookup(path, "m", "u", &pw, &ei), 0);
	rmdir(dir);
	free(path);
}

static void
test_pwcmd_split(void **state)
{
	char **argv;
	struct errinfo ei;

	(void)state;
	setenv("HOME", "/home/me", 1);
	assert_int_equal(pwcmd_split("pass show mail/work", &argv, &ei), 3);
	assert_string_equal(argv[2], "mail/work");
	pwcmd_free_argv(argv);
	assert_int_equal(pwcmd_split("a 'b c' \"d \\\"e\\\"\" f\\ g", &argv,
	    &ei), 4);
	assert_string_equal(argv[1], "b c");
	assert_string_equal(argv[2], "d \"e\"");
	assert_string_equal(argv[3], "f g");
	pwcmd_free_argv(argv);
	assert_int_equal(pwcmd_split("~/bin/token --user me", &argv, &ei), 3);
	assert_string_equal(argv[0], "/home/me/bin/token");
	pwcmd_free_argv(argv);
	/* Shell syntax outside quotes: run by /bin/sh. */
	assert_int_equal(pwcmd_split("gpg -d f | head -1", &argv, &ei), 0);
	assert_int_equal(pwcmd_split("echo $PW", &argv, &ei), 0);
	assert_int_equal(pwcmd_split("a; b", &argv, &ei), 0);
	/* ...but not inside quotes. */
	assert_int_equal(pwcmd_split("echo 'a|b;$c'", &argv, &ei), 2);
	assert_string_equal(argv[1], "a|b;$c");
	pwcmd_free_argv(argv);
	assert_int_equal(pwcmd_split("echo 'open", &argv, &ei), -1);
	assert_int_equal(ei.st, ST_CONFIG);
	assert_int_equal(pwcmd_split("   ", &argv, &ei), -1);
}

static void
test_pwcmd_run(void **state)
{
	struct errinfo ei;
	char *out;

	(void)state;
	assert_int_equal(pwcmd_run("printf 'first\\nsecond\\n'", &out, &ei), 0);
	assert_string_equal(out, "first");
	xfree_secret(out);
	assert_int_equal(pwcmd_run("printf 'crlf\\r\\n'", &out, &ei), 0);
	assert_string_equal(out, "crlf");
	xfree_secret(out);
	assert_int_equal(pwcmd_run("printf nonewline", &out, &ei), 0);
	assert_string_equal(out, "nonewline");
	xfree_secret(out);
	assert_int_equal(pwcmd_run("false", &out, &ei), -1);
	assert_int_equal(ei.st, ST_TEMPFAIL);
	assert_int_equal(pwcmd_run("true", &out, &ei), -1);
	assert_int_equal(ei.st, ST_CONFIG);
	assert_int_equal(pwcmd_run("cat", &out, &ei), -1);	/* stdin empty */
	assert_int_equal(ei.st, ST_CONFIG);
	assert_int_equal(pwcmd_run("/nonexistent/cmd", &out, &ei), -1);
	assert_int_equal(ei.st, ST_CONFIG);
	assert_int_equal(pwcmd_run("sh -c 'kill -9 $$'", &out, &ei), -1);
	assert_int_equal(ei.st, ST_TEMPFAIL);
	/* The output never appears in a message. */
	assert_int_equal(pwcmd_run("printf 'le%sed\\n' ak; exit 3", &out, &ei),
	    -1);
	assert_int_equal(ei.st, ST_TEMPFAIL);
	assert_null(strstr(ei.msg, "leaked"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login_choose),
		cmocka_unit_test(test_md5),
		cmocka_unit_test(test_netrc),
		cmocka_unit_test(test_pwcmd_split),
		cmocka_unit_test(test_pwcmd_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
