/*
 * Unit tests for common/placeholder: what a sender can turn into once it
 * is in a delivery command.  Whatever the address, the expansion holds
 * only [A-Za-z0-9.@_+-] and never starts with '-', so no quoting the user
 * wrote around %F can be closed by it.
 */
#include "autoconf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "placeholder.h"

static void
expect(const char *tmpl, const char *from, const char *user, const char *want)
{
	struct placeholders ph = { from, user, NULL };
	char *got = placeholder_expand(tmpl, &ph);

	assert_string_equal(got, want);
	free(got);
}

static void
test_values(void **state)
{
	(void)state;
	expect("%F", "alice@example.org", "u", "alice@example.org");
	expect("%F", "first.last+tag@ex-ample.org", "u",
	    "first.last+tag@ex-ample.org");
	expect("%F", "x'$(touch /tmp/p)'@evil.example", "u",
	    "x___touch__tmp_p__@evil.example");
	expect("%F", "\"`cmd`\"@x", "u", "__cmd__@x");
	expect("%F", "a\"b\\c;d|e&f>g<h\n", "u", "a_b_c_d_e_f_g_h_");
	expect("%F", "-oQ/tmp@x", "u", "_oQ_tmp@x");
	expect("%F", "", "u", "MAILER-DAEMON");
	expect("%F", NULL, "u", "MAILER-DAEMON");
	expect("%F", "caf\xc3\xa9@x", "u", "caf__@x");
	expect("%u", "a@b", "bob", "bob");
	expect("%u", "a@b", "", "MAILER-DAEMON");
}

static void
test_templates(void **state)
{
	(void)state;
	expect("procmail -f '%F' -d $USER", "x'$(id)'@e", "bob",
	    "procmail -f 'x___id__@e' -d $USER");
	expect("procmail -f \"%F\" >> /tmp/log", "`id`@e", "bob",
	    "procmail -f \"_id_@e\" >> /tmp/log");
	expect("lda -d %u -f %F", "a@b", "bob", "lda -d bob -f a@b");
	expect("100%% %x %", "a@b", "bob", "100% %x %");
	expect("%F%F", "a b", "u", "a_ba_b");
}

/* %S: a filter's message size; without one (an MDA), "%S" stays. */
static void
test_size(void **state)
{
	struct placeholders ph = { "a@b", "u", "1234" };
	char *got;

	(void)state;
	got = placeholder_expand("filt %F %S %%S", &ph);
	assert_string_equal(got, "filt a@b 1234 %S");
	free(got);
	ph.size = NULL;
	got = placeholder_expand("x %S", &ph);
	assert_string_equal(got, "x %S");
	free(got);
}

/* Every byte value, alone and after a letter: only kept bytes come out. */
static void
test_every_byte(void **state)
{
	char from[3];
	unsigned c;

	(void)state;
	for (c = 1; c < 256; c++) {
		struct placeholders ph = { from, "u", NULL };
		char *got;
		size_t i;

		from[0] = 'a';
		from[1] = (char)c;
		from[2] = '\0';
		got = placeholder_expand("%F", &ph);
		for (i = 0; got[i] != '\0'; i++)
			assert_non_null(strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.@_+-",
			    got[i]));
		free(got);
	}
}

/* %f: only %f, the rest left for placeholder_expand(). */
static void
test_folder(void **state)
{
	static const struct {
		const char *tmpl, *want;
		int has;
	} c[] = {
		{ "maildir,/m/%f", "maildir,/m/Lists+2Fx", 1 },
		{ "mda,cmd -f %F %f %%f 100%%", "mda,cmd -f %F Lists+2Fx %%f "
		    "100%%", 1 },
		{ "mbox,/m/inbox", "mbox,/m/inbox", 0 },
		{ "mbox,/m/%%f", "mbox,/m/%%f", 0 },
		{ "mbox,/m/%", "mbox,/m/%", 0 },
		{ "%f%f", "Lists+2FxLists+2Fx", 1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char *got = placeholder_folder(c[i].tmpl, "Lists+2Fx");

		assert_string_equal(got, c[i].want);
		assert_int_equal(placeholder_has_folder(c[i].tmpl), c[i].has);
		free(got);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_folder),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
