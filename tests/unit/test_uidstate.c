/*
 * Unit tests for fetch/uidstate: the parser (file and journal rules), and
 * the life of a UID on disk: recorded, deleted, forgotten only once QUIT
 * made the deletion final, and a journal left by a crash (a cut last
 * line, '- UID' lines) folded in by the next open.
 */
#include "autoconf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "uidstate.h"
#include "xalloc.h"

static char dir[] = "/tmp/test_uidstate.XXXXXX";

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static int
teardown(void **state)
{
	(void)state;
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
fresh(struct uidstate *u)
{
	memset(u, 0, sizeof(*u));
	u->lockfd = u->jfd = -1;
}

static void
test_parse_file(void **state)
{
	static const char text[] = "# comment\n#login 1700000000 300\n"
	    "100 a\n200 b\n50 a\n\n";
	struct uidstate u;
	struct errinfo ei;

	(void)state;
	fresh(&u);
	assert_int_equal(uidstate_parse(&u, "f", text, sizeof(text) - 1, 0,
	    &ei), 0);
	assert_non_null(uidstate_find(&u, "a"));
	assert_int_equal(uidstate_find(&u, "a")->seen, 50);
	assert_int_equal(uidstate_find(&u, "b")->seen, 200);
	assert_null(uidstate_find(&u, "c"));
	assert_int_equal(u.last_login, 1700000000);
	assert_int_equal(u.login_delay, 300);
	uidstate_close(&u);

	/* A malformed line in the file is an error naming the line. */
	fresh(&u);
	assert_int_equal(uidstate_parse(&u, "f", "1 a\nbad\n", 8, 0, &ei), -1);
	assert_int_equal(ei.st, ST_CONFIG);
	assert_non_null(strstr(ei.msg, "f:2:"));
	uidstate_close(&u);
}

static void
test_parse_journal(void **state)
{
	/* Bad lines skipped; the last one has no line end: cut, skipped. */
	static const char text[] = "100 a\nxx\n200 b\n- a\n300 long-uid-cut";
	struct uidstate u;
	struct errinfo ei;

	(void)state;
	fresh(&u);
	assert_int_equal(uidstate_parse(&u, "j", text, sizeof(text) - 1, 1,
	    &ei), 0);
	assert_null(uidstate_find(&u, "a"));		/* forgotten */
	assert_non_null(uidstate_find(&u, "b"));
	assert_null(uidstate_find(&u, "long-uid-cut"));
	assert_int_equal(u.skipped, 2);
	/* A forgotten UID delivered again is a new entry. */
	assert_int_equal(uidstate_parse(&u, "j", "400 a\n", 6, 1, &ei), 0);
	assert_non_null(uidstate_find(&u, "a"));
	assert_int_equal(uidstate_find(&u, "a")->seen, 400);
	uidstate_close(&u);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = xcalloc(1, 65536);

	if (f != NULL) {
		if (fread(s, 1, 65535, f) == 0)
			s[0] = '\0';
		fclose(f);
	}
	return s;
}

static void
test_deletions(void **state)
{
	char *path = xasprintf("%s/st/u.uids", dir), *jpath, *s;
	struct uidstate u;
	struct errinfo ei;
	FILE *f;

	(void)state;
	jpath = xasprintf("%s.journal", path);
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	assert_int_equal(uidstate_record(&u, "one", 10, &ei), 0);
	assert_int_equal(uidstate_record(&u, "two", 20, &ei), 0);
	assert_int_equal(uidstate_record(&u, "three", 30, &ei), 0);
	uidstate_deleted(&u, "one");
	uidstate_deleted(&u, "two");
	assert_int_equal(uidstate_deletions_pending(&u, &ei), 0);
	s = slurp(jpath);
	assert_non_null(strstr(s, "\n- one\n- two\n"));
	free(s);
	/* QUIT refused: the deletions were undone, the UIDs stay. */
	uidstate_deletions_done(&u, 0);
	assert_non_null(uidstate_find(&u, "one"));
	assert_int_equal(uidstate_save(&u, 0, &ei), 0);
	uidstate_close(&u);
	s = slurp(path);
	assert_non_null(strstr(s, "10 one\n"));
	free(s);

	/* QUIT +OK: forgotten. */
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	uidstate_deleted(&u, "one");
	assert_int_equal(uidstate_deletions_pending(&u, &ei), 0);
	uidstate_deletions_done(&u, 1);
	assert_null(uidstate_find(&u, "one"));
	assert_int_equal(uidstate_save(&u, 0, &ei), 0);
	uidstate_close(&u);
	s = slurp(path);
	assert_null(strstr(s, " one\n"));
	assert_non_null(strstr(s, "20 two\n"));
	free(s);

	/*
	 * A crash after '- two' was journaled, with a cut line after it:
	 * the next open forgets two, skips the cut line and folds the
	 * journal into the file before anything is appended.
	 */
	f = fopen(jpath, "w");
	assert_non_null(f);
	fputs("- two\n40 four\n50 fi", f);
	fclose(f);
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	assert_int_equal(u.skipped, 1);
	assert_null(uidstate_find(&u, "two"));
	assert_non_null(uidstate_find(&u, "four"));
	assert_null(uidstate_find(&u, "fi"));
	assert_int_equal(access(jpath, F_OK), -1);
	assert_int_equal(uidstate_record(&u, "six", 60, &ei), 0);
	uidstate_close(&u);
	s = slurp(jpath);
	assert_string_equal(s, "60 six\n");
	free(s);
	free(path);
	free(jpath);
}

/* Account names as safe, distinct file names (issue 11). */
static void
test_account_name(void **state)
{
	static const struct {
		const char *account, *host, *user, *want;
	} t[] = {
		{ "work", "h", "u", "work" },
		{ "a.b-c_d+e", "h", "u", "a.b-c_d+e" },
		{ ".hidden", "h", "u", "%2Ehidden" },
		{ "..", "h", "u", "%2E." },
		{ "../etc/x", "h", "u", "%2E.%2Fetc%2Fx" },
		{ "me@example.org", "h", "u", "me%40example.org" },
		{ "50%", "h", "u", "50%25" },
		{ "caf\xc3\xa9", "h", "u", "caf%C3%A9" },
		{ "", "pop.example.org", "me", "me@pop.example.org" },
		{ NULL, "::1", "a@b/c", "a%40b%2Fc@%3A%3A1" },
	};
	char *n, *a, *b;
	char longname[129];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = uidstate_account_name(t[i].account, t[i].host, t[i].user);
		assert_string_equal(n, t[i].want);
		free(n);
	}
	/* Long names are cut, stay apart, and never end inside a %XX. */
	memset(longname, '/', 128);
	longname[128] = '\0';
	a = uidstate_account_name(longname, "h", "u");
	longname[127] = 'x';
	b = uidstate_account_name(longname, "h", "u");
	assert_true(strlen(a) <= UIDSTATE_NAME_MAX);
	assert_true(strlen(b) <= UIDSTATE_NAME_MAX);
	assert_string_not_equal(a, b);
	assert_int_equal(strchr(a, '~') - a, (strrchr(a, '%') - a) + 3);
	free(a);
	free(b);
	n = uidstate_default_path("work", "h", "u");
	assert_non_null(strstr(n, "/facteur/work.uids"));
	free(n);
	n = uidstate_legacy_path("h", "u/v");
	assert_non_null(strstr(n, "/facteur/u_v@h.uids"));
	free(n);
}

/* uidls_file's %U and %H, as mpop expands them. */
static void
test_expand(void **state)
{
	static const struct {
		const char *pattern, *user, *host, *want;
	} t[] = {
		{ "~/.mpop_uidls/%U_at_%H", "me", "pop.example.org",
		    "~/.mpop_uidls/me_at_pop.example.org" },
		{ "/s/%H/%U/%U", "u", "h", "/s/h/u/u" },
		{ "/s/%%U%", "u", "h", "/s/%u%" },
		{ "/s/%X%u%h", "u", "h", "/s/%X%u%h" },
		{ "/s/%U", NULL, "h", "/s/" },
		{ "%", "u", "h", "%" },
	};
	size_t i;
	char *r;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		r = uidstate_expand(t[i].pattern, t[i].user, t[i].host);
		assert_string_equal(r, t[i].want);
		free(r);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_file),
		cmocka_unit_test(test_account_name),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_parse_journal),
		cmocka_unit_test(test_deletions),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
