/*
 * Unit tests for fetch/deliver and the sinks (fetch/mbox, maildir, mda):
 * a message delivered in small chunks comes out exactly (mbox: From_
 * line from Return-Path, mboxrd quoting, a blank line after it); an
 * aborted message leaves no trace (mbox truncated back, no file in the
 * Maildir, the MDA killed before it delivers); a symbolic link is
 * refused as an mbox; the MDA's exit status 75 and others are reported.
 */
#include "autoconf.h"

#include <dirent.h>
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

#include "deliver.h"
#include "sink.h"
#include "sys.h"
#include "xalloc.h"

static char dir[] = "/tmp/test_sink.XXXXXX";

static const char msg[] =
    "Return-Path: <sender@example.org>\n"
    "From: Someone <someone@example.org>\n"
    "Subject: test\n"
    "\n"
    "From the start\n"
    ">From quoted\n"
    "body\n";

static char *
slurp(const char *path, size_t *len_r)
{
	FILE *f = fopen(path, "rb");
	char *b = xmalloc(1 << 20);
	size_t n;

	assert_non_null(f);
	n = fread(b, 1, (1 << 20) - 1, f);
	fclose(f);
	b[n] = '\0';
	if (len_r != NULL)
		*len_r = n;
	return b;
}

static int
deliver(struct sink *s, const char *text, size_t step, int commit,
    struct errinfo *ei)
{
	struct delivery d;
	size_t n = strlen(text), pos;
	int rc = 0;

	delivery_init(&d, s);
	delivery_start(&d);
	for (pos = 0; pos < n && rc == 0; pos += step)
		rc = delivery_write(&d, text + pos, n - pos < step ? n - pos :
		    step, ei);
	if (rc == 0 && commit)
		rc = delivery_commit(&d, ei);
	else
		delivery_abort(&d);
	delivery_free(&d);
	return rc;
}

static void
test_mbox(void **state)
{
	struct sink *s;
	struct errinfo ei;
	char *path = xasprintf("%s/mbox", dir), *text, *spec, *spec2;
	size_t len, len1;

	(void)state;
	spec = xasprintf("mbox,%s", path);
	assert_int_equal(sink_new(spec, &s, &ei), 0);
	assert_int_equal(deliver(s, msg, 7, 1, &ei), 0);
	text = slurp(path, &len1);
	assert_true(strncmp(text, "From sender@example.org ", 24) == 0);
	assert_non_null(strstr(text, "\n\n>From the start\n>>From quoted\n"
	    "body\n\n"));
	free(text);
	/* A second one, aborted half way: the file is as before. */
	assert_int_equal(deliver(s, msg, 20, 0, &ei), 0);
	text = slurp(path, &len);
	assert_int_equal(len, len1);
	free(text);
	/* No final newline, no Return-Path: From address, LF added. */
	assert_int_equal(deliver(s, "From: <x@y.org>\n\nlast", 3, 1, &ei), 0);
	text = slurp(path, &len);
	assert_non_null(strstr(text + len1, "From x@y.org "));
	assert_string_equal(text + len - 7, "\nlast\n\n");
	assert_non_null(strstr(text + len1, "\n\nlast\n\n"));
	free(text);
	assert_int_equal(access(s->target, F_OK), 0);
	spec2 = xasprintf("%s.lock", path);
	assert_int_equal(access(spec2, F_OK), 0);	/* held between messages */
	s->ops->release(s);
	assert_int_equal(access(spec2, F_OK), -1);	/* and let go */
	free(spec2);
	sink_free(s);
	free(spec);

	/* A symbolic link is refused. */
	spec = xasprintf("%s/link", dir);
	assert_int_equal(symlink(path, spec), 0);
	s = sink_mbox_new(spec);
	assert_int_equal(deliver(s, msg, 100, 1, &ei), -1);
	assert_int_equal(ei.st, ST_CANTCREAT);
	assert_non_null(strstr(ei.msg, "symbolic link"));
	sink_free(s);
	free(spec);
	free(path);
}

static int
count_files(const char *d)
{
	DIR *dp = opendir(d);
	struct dirent *e;
	int n = 0;

	if (dp == NULL)
		return -1;
	while ((e = readdir(dp)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(dp);
	return n;
}

static void
test_maildir(void **state)
{
	struct sink *s;
	struct errinfo ei;
	char *md = xasprintf("%s/Mail/inbox", dir), *spec, *p;

	(void)state;
	spec = xasprintf("maildir,%s", md);
	assert_int_equal(sink_new(spec, &s, &ei), 0);
	assert_int_equal(deliver(s, msg, 5, 1, &ei), 0);
	assert_int_equal(deliver(s, msg, 5, 0, &ei), 0);
	p = xasprintf("%s/new", md);
	assert_int_equal(count_files(p), 1);
	free(p);
	p = xasprintf("%s/tmp", md);
	assert_int_equal(count_files(p), 0);
	free(p);
	p = xasprintf("%s/cur", md);
	assert_int_equal(count_files(p), 0);
	free(p);
	sink_free(s);
	free(spec);
	free(md);
}

static void
test_mda(void **state)
{
	struct sink *s;
	struct errinfo ei;
	char *out = xasprintf("%s/mda.out", dir), *cmd, *text;

	(void)state;
	/* With a shell (redirection); %F quoted. */
	cmd = xasprintf("mda,cat > %s; echo %%F >> %s", out, out);
	assert_int_equal(sink_new(cmd, &s, &ei), 0);
	assert_int_equal(deliver(s, msg, 9, 1, &ei), 0);
	text = slurp(out, NULL);
	assert_non_null(strstr(text, "Subject: test\n\nFrom the start\n"));
	assert_non_null(strstr(text, "body\nsender@example.org\n"));
	free(text);
	sink_free(s);
	free(cmd);
	/* An aborted delivery: the program is killed, nothing written. */
	unlink(out);
	cmd = xasprintf("mda,sh -c 'cat > %s.tmp && mv %s.tmp %s'", out, out,
	    out);
	assert_int_equal(sink_new(cmd, &s, &ei), 0);
	assert_int_equal(deliver(s, msg, 9, 0, &ei), 0);
	assert_int_equal(access(out, F_OK), -1);
	sink_free(s);
	free(cmd);
	/* Exit 75: temporary; exit 1: an error. */
	assert_int_equal(sink_new("mda,sh -c 'cat >/dev/null; exit 75'", &s,
	    &ei), 0);
	assert_int_equal(deliver(s, msg, 100, 1, &ei), -1);
	assert_int_equal(ei.st, ST_TEMPFAIL);
	sink_free(s);
	assert_int_equal(sink_new("mda,false", &s, &ei), 0);
	assert_int_equal(deliver(s, msg, 100, 1, &ei), -1);
	assert_int_equal(ei.st, ST_UNAVAILABLE);
	sink_free(s);
	free(out);

	assert_int_equal(sink_new("mbox", &s, &ei), -1);
	assert_int_equal(sink_new("pipe,x", &s, &ei), -1);
	assert_int_equal(ei.st, ST_CONFIG);
}

static void
test_envelope_from(void **state)
{
	char *f;

	(void)state;
	f = deliver_envelope_from("Return-Path: <>\nFrom: a@b.org\n", 30);
	assert_string_equal(f, "");
	free(f);
	f = deliver_envelope_from("From: A <a@b.org>\n", 18);
	assert_string_equal(f, "a@b.org");
	free(f);
	assert_null(deliver_envelope_from("Subject: x\n", 11));
}

static int
setup(void **state)
{
	(void)state;
	/* As mfetch's main() does: a delivery program that exits before
	 * reading ("mda,false") is an EPIPE, not a SIGPIPE killing us. */
	sys_init();
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf %s", dir);
	int rc;

	(void)state;
	rc = system(cmd);
	free(cmd);
	return rc;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mbox),
		cmocka_unit_test(test_maildir),
		cmocka_unit_test(test_mda),
		cmocka_unit_test(test_envelope_from),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
