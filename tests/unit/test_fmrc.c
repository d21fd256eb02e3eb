/*
 * Unit tests for import/fmrc, the parser of fetchmail's run control file:
 * a table of files (from fetchmail(1)'s examples and its syntax rules)
 * with a dump of what each gives, or the error and its line; every
 * prefix of every input (each must give an answer, in a buffer of its
 * exact size); the bounds.
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
#include "fmrc.h"
#include "xalloc.h"

static void
s_(struct buf *b, const char *k, const char *v)
{
	if (v != NULL)
		buf_printf(b, " %s=[%s]", k, v);
}

static void
n_(struct buf *b, const char *k, long v)
{
	if (v != -1)
		buf_printf(b, " %s=%ld", k, v);
}

static void
opts(struct buf *b, const struct fmrc_opts *o)
{
	s_(b, "via", o->via);
	s_(b, "proto", o->proto);
	s_(b, "service", o->service);
	s_(b, "auth", o->auth);
	n_(b, "timeout", o->timeout);
	n_(b, "uidl", o->uidl);
	s_(b, "pass", o->pass);
	n_(b, "ssl", o->ssl);
	s_(b, "sslproto", o->sslproto);
	n_(b, "sslcertck", o->sslcertck);
	s_(b, "sslcertfile", o->sslcertfile);
	s_(b, "sslcommonname", o->sslcommonname);
	s_(b, "mda", o->mda);
	s_(b, "smtphost", o->smtphost);
	n_(b, "keep", o->keep);
	n_(b, "flush", o->flush);
	n_(b, "fetchall", o->fetchall);
	n_(b, "limit", o->limit);
	n_(b, "fetchlimit", o->fetchlimit);
}

static void
notes(struct buf *b, const struct fmrc_note *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_printf(b, " note%d{%s}", v[i].line, v[i].text);
}

static void
dump(struct buf *b, const struct fmrc *r)
{
	size_t i, j;

	s_(b, "logfile", r->logfile);
	s_(b, "idfile", r->idfile);
	n_(b, "syslog", r->syslog);
	notes(b, r->notes, r->nnotes);
	for (i = 0; i < r->npolls; i++) {
		const struct fmrc_poll *p = &r->polls[i];

		buf_printf(b, "|%s@%d %s:", p->defaults ? "defaults" : p->skip ?
		    "skip" : "poll", p->line, p->name != NULL ? p->name : "-");
		opts(b, &p->o);
		notes(b, p->notes, p->nnotes);
		for (j = 0; j < p->nusers; j++) {
			const struct fmrc_user *u = &p->users[j];

			buf_printf(b, " {user@%d", u->line);
			s_(b, "remote", u->remote);
			s_(b, "local", u->local);
			if (u->multidrop)
				buf_addstr(b, " multidrop");
			opts(b, &u->o);
			notes(b, u->notes, u->nnotes);
			buf_addstr(b, "}");
		}
	}
}

static const struct {
	const char *in;
	const char *want;	/* the dump, or "!" and the error */
} cases[] = {
	/* fetchmail(1)'s examples. */
	{ "poll pop.provider.net protocol pop3 username \"jsmith\" "
	    "password \"secret1\"\n",
	    "|poll@1 pop.provider.net: proto=[pop3] {user@1 "
	    "remote=[jsmith] pass=[secret1]}" },
	{ "poll pop.provider.net proto pop3 user \"jsmith\" with pass "
	    "\"secret1\" is \"smith\" here\n",
	    "|poll@1 pop.provider.net: proto=[pop3] {user@1 "
	    "remote=[jsmith] local=[smith] pass=[secret1]}" },
	{ "poll pop.provider.net:\n  user \"jsmith\", with password "
	    "secret1; is smith here; keep\n",
	    "|poll@1 pop.provider.net: {user@2 remote=[jsmith] local=[smith] "
	    "pass=[secret1] keep=1}" },
	/* "user LOCAL here is REMOTE there". */
	{ "poll h user jo here is joe there no keep",
	    "|poll@1 h: {user@1 remote=[joe] local=[jo] keep=0}" },
	/* Two users; defaults; skip; server is poll. */
	{ "defaults proto imap fetchall\n"
	    "poll a user x is y here user z is w here ssl\n"
	    "skip b\nserver c via d port 1110 uidl\n",
	    "|defaults@1 -: proto=[imap] {user@1 fetchall=1}"
	    "|poll@2 a: {user@2 remote=[x] local=[y]} {user@2 remote=[z] "
	    "local=[w] ssl=1}|skip@3 b:|poll@4 c: via=[d] service=[1110] "
	    "uidl=1" },
	/* User options before any user: the local login's. */
	{ "poll h proto pop3 password p keep",
	    "|poll@1 h: proto=[pop3] {user@1 pass=[p] keep=1}" },
	/* Escapes (\\101 is decimal: e; \\0101 octal: A). */
	{ "poll h user \"a\\x41\\101\\0101\\t\\\"\\\\z\" pass \"l1\\\nl2\"",
	    "|poll@1 h: {user@1 remote=[aAeA\t\"\\z] pass=[l1l2]}" },
	/* Comments, noise, punctuation. */
	{ "# c\npoll h # c2\n with options and user u, has ; wants : keep\n",
	    "|poll@2 h: {user@3 remote=[u] keep=1}" },
	/* Case-insensitive keywords. */
	{ "POLL h PROTO POP3 USER u SSL",
	    "|poll@1 h: proto=[POP3] {user@1 remote=[u] ssl=1}" },
	/* Untranslated keywords: notes, with their arguments. */
	{ "poll h envelope 1 X-Env aka a b c no dns interval 3\n"
	    " user u folder INBOX Lists rewrite stripcr smtphost x y "
	    "antispam 571 550 fastuidl 4 preconnect \"c #1\"\n",
	    "|poll@1 h: note1{envelope 1 X-Env} note1{aka a b c} "
	    "note1{no dns} note1{interval 3} {user@2 remote=[u] smtphost=[x] "
	    "note2{folder INBOX Lists} note2{rewrite} note2{stripcr} "
	    "note2{smtphost x y} note2{antispam 571 550} note2{fastuidl 4} "
	    "note2{preconnect \"c #1\"}}" },
	/* Multidrop. */
	{ "poll h user u is a b here", "|poll@1 h: {user@1 remote=[u] "
	    "local=[a] multidrop}" },
	{ "poll h user u is * here", "|poll@1 h: {user@1 remote=[u] "
	    "multidrop}" },
	{ "poll h user u to x=y here", "|poll@1 h: {user@1 remote=[u] "
	    "local=[x] multidrop}" },
	/* set. */
	{ "set logfile = /var/log/f\nset idfile \"~/ids\"\nset no syslog\n"
	    "set daemon 600 set postmaster \"pm\" set no bouncemail\n",
	    " logfile=[/var/log/f] idfile=[~/ids] syslog=0 "
	    "note4{set daemon 600} note4{set postmaster \"pm\"} "
	    "note4{set no bouncemail}" },
	/* sslproto "" (no STARTTLS), numbers, limits. */
	{ "poll h user u sslproto \"\" limit 1000 fetchlimit 5 no sslcertck "
	    "sslcertfile /c.pem sslcommonname cn timeout 30",
	    "|poll@1 h: timeout=30 {user@1 remote=[u] sslproto=[] "
	    "sslcertck=0 sslcertfile=[/c.pem] sslcommonname=[cn] limit=1000 "
	    "fetchlimit=5}" },
	{ "", "" },
	{ "# only a comment\n\n", "" },
	/* Control bytes in a note are escaped. */
	{ "poll h user u folder \"a\\x1bb\"",
	    "|poll@1 h: {user@1 remote=[u] note1{folder \"a\\x1bb\"}}" },
	/* Errors, with their line. */
	{ "poll", "!fuzz:1: 'poll' needs a server name" },
	{ "poll h\n frobnicate", "!fuzz:2: unknown keyword 'frobnicate'" },
	{ "keep", "!fuzz:1: expected 'poll', 'skip', 'defaults' or 'set', "
	    "not 'keep'" },
	{ "poll h user u pass \"abc", "!fuzz:1: unterminated quoted" },
	{ "poll h user u pass \"a\\0b\"", "!fuzz:1: a NUL byte" },
	{ "poll h user u pass \"a\\999\"", "!fuzz:1: invalid escape" },
	{ "poll h limit x", "!fuzz:1: 'limit' needs a number" },
	{ "poll h user", "!fuzz:1: 'user' needs a name" },
	{ "poll h no via x", "!fuzz:1: 'no' before an option that is not" },
	{ "poll h user u is here", "!fuzz:1: 'is' needs a local name" },
	{ "poll h\n\n user u\n 42", "!fuzz:4: unexpected '42'" },
	{ "poll h user u smtphost", "!fuzz:1: 'smtphost' needs a value" },
	{ "set", "!fuzz:1: 'set' needs an option name" },
	{ "poll \"x\ny\" user u\n frob", "!fuzz:3: unknown keyword" },
};

static void
test_cases(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fmrc *r = NULL;
		struct errinfo ei;
		struct buf b;
		int rc;

		memset(&ei, 0, sizeof(ei));
		buf_init(&b, 1 << 20);
		rc = fmrc_parse("fuzz", cases[i].in, strlen(cases[i].in), &r,
		    &ei);
		if (cases[i].want[0] == '!') {
			if (rc != -1 || strstr(ei.msg, cases[i].want + 1) ==
			    NULL || ei.st != ST_CONFIG)
				fail_msg("case %zu: rc %d '%s', want '%s'", i,
				    rc, ei.msg, cases[i].want + 1);
			assert_null(r);
		} else {
			if (rc != 0)
				fail_msg("case %zu: %s", i, ei.msg);
			dump(&b, r);
			if (strcmp(b.data, cases[i].want) != 0)
				fail_msg("case %zu:\n got '%s'\nwant '%s'", i,
				    b.data, cases[i].want);
		}
		fmrc_free(r);
		buf_free(&b);
	}
}

/* Every prefix, in a buffer of exactly its size (ASan sees overreads). */
static void
test_prefixes(void **state)
{
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].in);

		for (n = 0; n <= len; n++) {
			char *p = xmalloc(n + 1);
			struct fmrc *r = NULL;
			struct errinfo ei;
			int rc;

			memcpy(p, cases[i].in, n);
			rc = fmrc_parse("f", p, n, &r, &ei);
			assert_true(rc == 0 ? r != NULL : r == NULL);
			if (rc < 0)
				assert_int_equal(ei.st, ST_CONFIG);
			fmrc_free(r);
			free(p);
		}
	}
}

/* The effective options: user, then entry, then defaults. */
static void
test_effective(void **state)
{
	static const char text[] = "defaults proto pop3 keep timeout 10\n"
	    "poll h timeout 20 user a no keep user b\n";
	struct fmrc *r;
	struct fmrc_opts o;
	struct errinfo ei;

	(void)state;
	assert_int_equal(fmrc_parse("f", text, strlen(text), &r, &ei), 0);
	fmrc_effective(&r->polls[0], &r->polls[1], &r->polls[1].users[0], &o);
	assert_int_equal(o.keep, 0);
	assert_int_equal(o.timeout, 20);
	assert_string_equal(o.proto, "pop3");
	fmrc_effective(&r->polls[0], &r->polls[1], &r->polls[1].users[1], &o);
	assert_int_equal(o.keep, 1);
	fmrc_effective(NULL, &r->polls[1], &r->polls[1].users[1], &o);
	assert_int_equal(o.keep, -1);
	assert_null(o.proto);
	fmrc_free(r);
}

/* Bounds: a long string, many entries, a big file. */
static void
test_bounds(void **state)
{
	struct buf b;
	struct fmrc *r;
	struct errinfo ei;
	size_t i;

	(void)state;
	buf_init(&b, 8 * 1024 * 1024);
	buf_addstr(&b, "poll h user \"");
	for (i = 0; i < FMRC_TOKEN_MAX + 1; i++)
		buf_addch(&b, 'x');
	buf_addstr(&b, "\"");
	assert_int_equal(fmrc_parse("f", b.data, b.len, &r, &ei), -1);
	assert_non_null(strstr(ei.msg, "too long"));
	buf_reset(&b);
	for (i = 0; i < FMRC_POLLS_MAX + 1; i++)
		buf_addstr(&b, "poll h\n");
	assert_int_equal(fmrc_parse("f", b.data, b.len, &r, &ei), -1);
	assert_non_null(strstr(ei.msg, "too many entries"));
	buf_reset(&b);
	buf_addstr(&b, "poll h");
	for (i = 0; i < FMRC_USERS_MAX + 1; i++)
		buf_addstr(&b, " user u");
	assert_int_equal(fmrc_parse("f", b.data, b.len, &r, &ei), -1);
	assert_non_null(strstr(ei.msg, "too many users"));
	assert_int_equal(fmrc_parse("f", b.data, FMRC_FILE_MAX + 1, &r, &ei),
	    -1);
	assert_non_null(strstr(ei.msg, "larger than"));
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_effective),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
