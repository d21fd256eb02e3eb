/*
 * Unit tests for fetch/folders: the "folders" key and --folder.  Names
 * come back byte for byte (blanks around trimmed, quoted ones as
 * written); what folders_join() writes, folders_parse() reads back.
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

#include "folders.h"

/* spec parsed, names joined with '|' (or "ERR"). */
static void
expect(const char *spec, const char *want)
{
	struct folders f;
	struct errinfo ei;
	char got[4096] = "";
	size_t i;

	if (folders_parse(spec, &f, &ei) < 0) {
		assert_int_equal(ei.st, ST_CONFIG);
		snprintf(got, sizeof(got), "ERR");
	} else {
		for (i = 0; i < f.n; i++) {
			if (i > 0)
				strcat(got, "|");
			strcat(got, f.v[i]);
		}
		folders_free(&f);
	}
	if (strcmp(got, want) != 0)
		fail_msg("'%s': got '%s', want '%s'", spec != NULL ? spec :
		    "(null)", got, want);
}

static void
test_parse(void **state)
{
	(void)state;
	expect(NULL, "INBOX");
	expect("", "INBOX");
	expect("INBOX", "INBOX");
	expect("INBOX, Lists/*", "INBOX|Lists/*");
	expect("  a b ,c\t,  d  ", "a b|c|d");
	expect("\"Work, old\", INBOX", "Work, old|INBOX");
	expect("\" sp \"", " sp ");
	expect("\"q\\\"x\\\\y\"", "q\"x\\y");
	expect("\"a\\b\"", "a\\b");
	expect("caf\xc3\xa9", "caf\xc3\xa9");
	expect("a,,b", "ERR");
	expect("a,", "ERR");
	expect(",a", "ERR");
	expect("\"\"", "ERR");
	expect("\"abc", "ERR");
	expect("\"abc\" x", "ERR");
	expect("a\tb", "ERR");
	expect("a\nb", "ERR");
	expect("a\x7f", "ERR");
}

static void
test_join(void **state)
{
	static const char *names[] = {
		"INBOX", "Work, old", " lead", "trail ", "q\"x", "b\\s",
		"Lists/*", "caf\xc3\xa9", "a b",
	};
	char *spec = NULL, *j;
	struct folders f;
	struct errinfo ei;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		j = folders_join(spec, names[i]);
		free(spec);
		spec = j;
	}
	assert_int_equal(folders_parse(spec, &f, &ei), 0);
	assert_int_equal(f.n, sizeof(names) / sizeof(names[0]));
	for (i = 0; i < f.n; i++)
		assert_string_equal(f.v[i], names[i]);
	folders_free(&f);
	free(spec);
	assert_true(folders_is_pattern("Lists/*"));
	assert_true(folders_is_pattern("a%"));
	assert_false(folders_is_pattern("INBOX"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_join),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
