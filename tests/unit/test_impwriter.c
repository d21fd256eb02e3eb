/*
 * Unit tests for import/writer: values quoted so that facteur's own
 * parser gives them back byte for byte; an msmtp-like and an mpop-like
 * account merged by the documented rules; the peers' defaults that
 * differ from facteur's written explicitly (read back through
 * config_parse() and config_resolve(), as mfetch -P and msend -P show
 * them); names made valid and unique; what cannot be written refused.
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

#include "buf.h"
#include "config.h"
#include "writer.h"
#include "xalloc.h"

/* value -> "key VALUE" -> config_parse -> the same value. */
static void
test_quote(void **state)
{
	static const struct {
		const char *v, *written;
	} t[] = {
		{ "abc", "abc" },
		{ "a b", "\"a b\"" },
		{ "a\"b", "\"a\\\"b\"" },
		{ "a\\b", "\"a\\\\b\"" },
		{ "", "\"\"" },
		{ "#x", "\"#x\"" },
		{ "x#", "\"x#\"" },
		{ " lead", "\" lead\"" },
		{ "trail ", "\"trail \"" },
		{ "caf\xc3\xa9", "caf\xc3\xa9" },
		{ "p\"w \\#", "\"p\\\"w \\\\#\"" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct buf b, f;
		struct config *cfg;
		struct account *a;
		struct errinfo ei;

		buf_init(&b, 4096);
		assert_int_equal(imp_quote(&b, t[i].v), 0);
		assert_string_equal(b.data, t[i].written);
		buf_init(&f, 4096);
		buf_printf(&f, "account x\npasswordeval %s\n", b.data);
		if (config_parse("t", f.data, f.len, &cfg, &ei) < 0)
			fail_msg("case %zu: %s", i, ei.msg);
		assert_int_equal(config_resolve(cfg, "x", NULL, &a, &ei), 0);
		if (*t[i].v != '\0')
			assert_string_equal(a->in.passwordeval, t[i].v);
		account_free(a);
		config_free(cfg);
		buf_free(&b);
		buf_free(&f);
	}
	{
		struct buf b;

		buf_init(&b, 64);
		assert_int_equal(imp_quote(&b, "a\nb"), -1);
		assert_int_equal(imp_quote(&b, "a\x1b"), -1);
		assert_int_equal(imp_quote(&b, "a\x7f"), -1);
		buf_free(&b);
	}
}

/* As msmtp resolves an account without tls, auth or port lines. */
static struct account *
msmtp_like(const char *name, const char *from, const char *user)
{
	struct account *a = account_new(name);

	a->address = from != NULL ? xstrdup(from) : NULL;
	a->out.host = xstrdup("smtp.example.org");
	a->out.port = 25;
	a->out.tls = 0;
	a->out.auth = xstrdup("off");
	a->out.user = user != NULL ? xstrdup(user) : NULL;
	return a;
}

/* As mpop resolves an account without tls or keep lines. */
static struct account *
mpop_like(const char *name, const char *user)
{
	struct account *a = account_new(name);

	a->in.host = xstrdup("pop.example.org");
	a->in.port = 110;
	a->in.tls = 0;
	a->in.user = user != NULL ? xstrdup(user) : NULL;
	a->keep = 0;
	a->delivery = xstrdup("mbox,/home/u/mail/inbox");
	a->mpop_uidls_file = xstrdup("/home/u/.mpop_uidls/%U_at_%H");
	return a;
}

static struct config *
written(struct imp_set *s, int *secrets, struct buf *out)
{
	struct config *cfg;
	struct errinfo ei;

	buf_init(out, 1 << 20);
	imp_merge(s);
	imp_names(s);
	(void)imp_check(s);
	assert_int_equal(imp_write(out, s, "test", secrets, &ei), 0);
	if (config_parse("out", out->data, out->len, &cfg, &ei) < 0)
		fail_msg("%s\n%s", ei.msg, out->data);
	return cfg;
}

/* Rule 2: msmtp's from is mpop's login; defaults made explicit. */
static void
test_merge_by_address(void **state)
{
	struct imp_set s;
	struct config *cfg;
	struct account *a;
	struct errinfo ei;
	struct buf out;
	int secrets;

	(void)state;
	memset(&s, 0, sizeof(s));
	imp_add(&s, msmtp_like("work", "Alice@Example.org", "alice"), 0, 1,
	    "msmtprc:3");
	s.v[0].a->out.password = xstrdup("p w\"#\\");
	imp_add(&s, mpop_like("mail", "alice@example.org"), 1, 0, "mpoprc:1");
	imp_add(&s, mpop_like("other", "bob"), 1, 0, "mpoprc:9");
	cfg = written(&s, &secrets, &out);
	assert_int_equal(secrets, 1);
	assert_non_null(strstr(out.data, "holds passwords in clear"));
	assert_non_null(strstr(out.data, "# from msmtprc:3 and mpoprc:1\n"));
	assert_int_equal(config_count(cfg), 2);
	assert_int_equal(config_resolve(cfg, "work", NULL, &a, &ei), 0);
	/* msend -P would show these. */
	assert_string_equal(a->address, "Alice@Example.org");
	assert_string_equal(a->out.host, "smtp.example.org");
	assert_int_equal(server_port(&a->out), 25);
	assert_int_equal(a->out.tls, 0);
	assert_string_equal(a->out.auth, "off");
	assert_string_equal(a->out.user, "alice");
	assert_string_equal(a->out.password, "p w\"#\\");
	/* mfetch -P would show these. */
	assert_string_equal(a->in.host, "pop.example.org");
	assert_int_equal(server_port(&a->in), 110);
	assert_int_equal(a->in.tls, 0);
	assert_string_equal(a->in.user, "alice@example.org");
	assert_null(a->in.password);
	assert_int_equal(a->keep, 0);
	assert_string_equal(a->delivery, "mbox,/home/u/mail/inbox");
	assert_string_equal(a->mpop_uidls_file,
	    "/home/u/.mpop_uidls/%U_at_%H");
	account_free(a);
	/* The other mpop account stays, with no outgoing side written. */
	assert_int_equal(config_resolve(cfg, "other", NULL, &a, &ei), 0);
	assert_null(a->out.host);
	assert_string_equal(a->in.user, "bob");
	account_free(a);
	config_free(cfg);
	buf_free(&out);
	imp_free(&s);
}

/* Rule 1 (same name) before rule 2; rule 3 (same login); once each. */
static void
test_merge_rules(void **state)
{
	struct imp_set s;
	struct config *cfg;
	struct buf out;
	int secrets;

	(void)state;
	memset(&s, 0, sizeof(s));
	imp_add(&s, msmtp_like("a", "x@example.org", NULL), 0, 1, "m:1");
	imp_add(&s, mpop_like("b", "x@example.org"), 1, 0, "p:1");
	imp_add(&s, mpop_like("a", "someone"), 1, 0, "p:5");
	imp_add(&s, msmtp_like("c", NULL, "carol"), 0, 1, "m:9");
	imp_add(&s, mpop_like("d", "carol"), 1, 0, "p:9");
	imp_add(&s, mpop_like("e", "carol"), 1, 0, "p:12");
	cfg = written(&s, &secrets, &out);
	assert_int_equal(secrets, 0);
	assert_null(strstr(out.data, "passwords"));
	/* a+a (name), b alone, c+d (login), e alone. */
	assert_int_equal(config_count(cfg), 4);
	assert_non_null(strstr(out.data, "# from m:1 and p:5\naccount a\n"));
	assert_non_null(strstr(out.data, "# from m:9 and p:9\n# with the "
	    "incoming side of 'd'\naccount c\n"));
	assert_non_null(strstr(out.data, "# from p:1\naccount b\n"));
	assert_non_null(strstr(out.data, "# from p:12\naccount e\n"));
	config_free(cfg);
	buf_free(&out);
	imp_free(&s);
}

/* facteur's defaults are not written; the others are. */
static void
test_only_differences(void **state)
{
	struct imp_set s;
	struct config *cfg;
	struct account *a;
	struct errinfo ei;
	struct buf out;
	int secrets;

	(void)state;
	memset(&s, 0, sizeof(s));
	a = account_new("plain");
	a->in.host = xstrdup("pop.example.org");
	a->delivery = xstrdup("maildir,/m");
	imp_add(&s, a, 1, 0, NULL);
	a = account_new("tuned");
	a->in.host = xstrdup("imap.example.org");
	a->in.proto = PROTO_IMAP;
	a->in.port = 10993;
	a->in.starttls = 0;
	a->in.certcheck = 0;
	a->in.tls_min_version = 13;
	a->in.timeout = 5;
	a->keep = 3 * 86400;
	a->fetchall = 1;
	a->skipsize = 1000;
	a->killsize = 2000;
	a->max_messages = 7;
	a->received_header = 0;
	a->delivery = xstrdup("mda,procmail -d %u");
	imp_add(&s, a, 1, 0, NULL);
	cfg = written(&s, &secrets, &out);
	assert_non_null(strstr(out.data, "\naccount plain\n"
	    "incoming_host pop.example.org\ndelivery maildir,/m\n"));
	assert_int_equal(config_resolve(cfg, "tuned", NULL, &a, &ei), 0);
	assert_int_equal(a->in.proto, PROTO_IMAP);
	assert_int_equal(server_port(&a->in), 10993);
	assert_int_equal(a->in.starttls, 0);
	assert_int_equal(a->in.certcheck, 0);
	assert_int_equal(a->in.tls_min_version, 13);
	assert_int_equal(a->in.timeout, 5);
	assert_int_equal(a->keep, 3 * 86400);
	assert_int_equal(a->fetchall, 1);
	assert_int_equal(a->skipsize, 1000);
	assert_int_equal(a->killsize, 2000);
	assert_int_equal(a->max_messages, 7);
	assert_int_equal(a->received_header, 0);
	assert_string_equal(a->delivery, "mda,procmail -d %u");
	account_free(a);
	config_free(cfg);
	buf_free(&out);
	imp_free(&s);
}

/* msmtp's own keys and its default port survive the import. */
static void
test_msend_keys(void **state)
{
	struct imp_set s;
	struct config *cfg;
	struct account *a;
	struct errinfo ei;
	struct buf out;
	int secrets;

	(void)state;
	memset(&s, 0, sizeof(s));
	a = msmtp_like("m", "m@example.org", NULL);
	a->out.port = 0;		/* no port line: msmtp means 25 */
	a->out.smtp_port25 = 1;
	a->set_to_header = SETTO_UNDISCLOSED;
	a->allow_from_override = 0;
	a->from_full_name = xstrdup("M \"the\" Example");
	a->auto_from = 1;
	a->maildomain = xstrdup("example.org");
	a->logfile_time_format = xstrdup("%Y-%m-%d %H:%M");
	imp_add(&s, a, 0, 1, "msmtprc:1");
	a = msmtp_like("l", "l@example.org", NULL);
	a->out.port = 0;
	a->out.smtp_port25 = 1;
	a->out.lmtp = 1;
	a->set_to_header = SETTO_ON;
	imp_add(&s, a, 0, 1, "msmtprc:9");
	cfg = written(&s, &secrets, &out);
	assert_int_equal(config_resolve(cfg, "m", NULL, &a, &ei), 0);
	assert_int_equal(server_port(&a->out), 25);
	assert_int_equal(a->set_to_header, SETTO_UNDISCLOSED);
	assert_int_equal(a->allow_from_override, 0);
	assert_string_equal(a->from_full_name, "M \"the\" Example");
	assert_int_equal(a->auto_from, 1);
	assert_string_equal(a->maildomain, "example.org");
	assert_string_equal(a->logfile_time_format, "%Y-%m-%d %H:%M");
	account_free(a);
	assert_int_equal(config_resolve(cfg, "l", NULL, &a, &ei), 0);
	assert_int_equal(a->out.lmtp, 1);
	assert_int_equal(server_port(&a->out), 2003);
	assert_int_equal(a->set_to_header, SETTO_ON);
	assert_int_equal(a->allow_from_override, 1);
	assert_null(a->from_full_name);
	assert_int_equal(a->auto_from, 0);
	account_free(a);
	config_free(cfg);
	buf_free(&out);
	imp_free(&s);
}

static void
test_names(void **state)
{
	struct imp_set s;
	char big[300];

	(void)state;
	memset(&s, 0, sizeof(s));
	imp_add(&s, account_new("a b:c,d\"e#f"), 1, 0, NULL);
	imp_add(&s, account_new("a_b_c_d_e_f"), 1, 0, NULL);
	imp_add(&s, account_new(""), 1, 0, NULL);
	imp_add(&s, account_new(""), 1, 0, NULL);
	memset(big, 'n', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	imp_add(&s, account_new(big), 1, 0, NULL);
	imp_names(&s);
	assert_string_equal(s.v[0].a->name, "a_b_c_d_e_f");
	assert_string_equal(s.v[1].a->name, "a_b_c_d_e_f-2");
	assert_string_equal(s.v[2].a->name, "imported");
	assert_string_equal(s.v[3].a->name, "imported-2");
	assert_true(strlen(s.v[4].a->name) <= CONFIG_NAME_MAX);
	imp_free(&s);
}

/* A control byte in a value: refused; in a note: escaped. */
static void
test_refused_and_escaped(void **state)
{
	struct imp_set s;
	struct errinfo ei;
	struct buf out;
	struct config *cfg;
	int secrets;
	struct account *a;

	(void)state;
	memset(&s, 0, sizeof(s));
	a = account_new("x");
	a->in.host = xstrdup("h");
	a->in.password = xstrdup("line\nend");
	imp_add(&s, a, 1, 0, NULL);
	buf_init(&out, 4096);
	assert_int_equal(imp_write(&out, &s, "t", &secrets, &ei), -1);
	assert_int_equal(ei.st, ST_DATA);
	assert_non_null(strstr(ei.msg, "password"));
	assert_int_equal(out.len, 0);
	imp_free(&s);
	buf_free(&out);

	memset(&s, 0, sizeof(s));
	a = account_new("y");
	a->in.host = xstrdup("h");
	imp_add(&s, a, 1, 0, "f\nx:1")->disabled = 1;
	imp_note(&s.v[0], "a note\nwith\x1b[31m a line end");
	cfg = written(&s, &secrets, &out);
	assert_int_equal(config_count(cfg), 0);
	assert_non_null(strstr(out.data, "#account y\n#incoming_host h\n"));
	assert_null(strchr(out.data, '\x1b'));
	config_free(cfg);
	buf_free(&out);
	imp_free(&s);
}

/* What facteur would refuse is written commented out, with the reason. */
static void
test_check(void **state)
{
	struct imp_set s;
	struct config *cfg;
	struct account *a;
	struct buf out;
	int secrets;

	(void)state;
	memset(&s, 0, sizeof(s));
	a = account_new("bad");
	a->address = xstrdup("joe@ex ample.org");
	a->in.host = xstrdup("h");
	imp_add(&s, a, 1, 0, NULL);
	a = account_new("good");
	a->in.host = xstrdup("h");
	imp_add(&s, a, 1, 0, NULL);
	cfg = written(&s, &secrets, &out);
	assert_int_equal(config_count(cfg), 1);
	assert_string_equal(config_name(cfg, 0), "good");
	assert_non_null(s.v[0].refused);
	assert_non_null(strstr(s.v[0].refused, "invalid mail address"));
	assert_null(s.v[1].refused);
	assert_non_null(strstr(out.data, "# facteur refuses this account as "
	    "written (invalid mail address"));
	assert_non_null(strstr(out.data, "#account bad\n#address "
	    "\"joe@ex ample.org\"\n"));
	config_free(cfg);
	buf_free(&out);
	imp_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_merge_by_address),
		cmocka_unit_test(test_merge_rules),
		cmocka_unit_test(test_only_differences),
		cmocka_unit_test(test_msend_keys),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_refused_and_escaped),
		cmocka_unit_test(test_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
