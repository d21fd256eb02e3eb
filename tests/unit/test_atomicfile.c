/*
 * Unit tests for common/atomicfile: the target holds the old content or
 * the new one, never a mix (also when the writer dies between any two
 * steps: fork, _exit, look); abort leaves no temporary file; the
 * no-replace commit never overwrites (also without the directory's
 * fsync); each failure names its file, its reason and its status.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmpdir.h"

#include "atomicfile.h"
#include "xalloc.h"


/* A fresh path in tmpdir for one test (earlier files removed). */
static char *
fresh(const char *name)
{
	char *p = xasprintf("%s/%s", tmpdir, name), *t = xasprintf("%s.tmp", p);

	unlink(p);
	unlink(t);
	free(t);
	return p;
}

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* The whole file, or NULL when there is none. */
static char *
get(const char *path)
{
	char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return xstrdup(buf);
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static void
assert_file(const char *path, const char *want)
{
	char *s = get(path);

	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

static void
assert_no_tmp(const char *path)
{
	char *t = xasprintf("%s.tmp", path);

	assert_int_equal(exists(t), 0);
	free(t);
}

static void
test_replace(void **state)
{
	struct atomicfile af;
	struct errinfo ei;
	char *p = fresh("replace");

	(void)state;
	put(p, "old\n");
	err_clear(&ei);
	assert_int_equal(atomicfile_begin(&af, p, &ei), 0);
	assert_int_equal(atomicfile_write(&af, "new ", 4), 0);
	assert_int_equal(atomicfile_write(&af, "content\n", 8), 0);
	/* Nothing shows before the commit. */
	assert_file(p, "old\n");
	assert_int_equal(atomicfile_commit(&af, 1, &ei), 0);
	assert_file(p, "new content\n");
	assert_no_tmp(p);
	assert_int_equal(af.fd, -1);
	assert_null(af.path);
	/* A target that did not exist is created too. */
	unlink(p);
	assert_int_equal(atomicfile_begin(&af, p, &ei), 0);
	assert_int_equal(atomicfile_commit(&af, 1, &ei), 0);
	assert_file(p, "");
	free(p);
}

static void
test_abort(void **state)
{
	struct atomicfile af;
	struct errinfo ei;
	char *p = fresh("abort");

	(void)state;
	put(p, "old\n");
	err_clear(&ei);
	assert_int_equal(atomicfile_begin(&af, p, &ei), 0);
	assert_int_equal(atomicfile_write(&af, "new\n", 4), 0);
	atomicfile_abort(&af);
	assert_file(p, "old\n");
	assert_no_tmp(p);
	assert_int_equal(af.fd, -1);
	free(p);
}

static void
test_no_replace(void **state)
{
	struct atomicfile af;
	struct errinfo ei;
	char *p = fresh("unique");

	(void)state;
	err_clear(&ei);
	assert_int_equal(atomicfile_begin(&af, p, &ei), 0);
	assert_int_equal(atomicfile_write(&af, "first\n", 6), 0);
	assert_int_equal(atomicfile_commit(&af, 0, &ei), 0);
	assert_file(p, "first\n");
	assert_no_tmp(p);
	/* The name is taken now: refused, the first file kept. */
	assert_int_equal(atomicfile_begin(&af, p, &ei), 0);
	assert_int_equal(atomicfile_write(&af, "second\n", 7), 0);
	assert_int_equal(atomicfile_commit(&af, 0, &ei), -1);
	assert_int_equal(ei.st, ST_CANTCREAT);
	assert_non_null(strstr(ei.msg, "cannot create "));
	assert_non_null(strstr(ei.msg, p));
	assert_non_null(strstr(ei.msg, strerror(EEXIST)));
	assert_file(p, "first\n");
	assert_no_tmp(p);
	free(p);
}

/*
 * Without the directory's fsync (the caller does it once): the same
 * results, content in place, the temporary file gone, a taken name kept.
 */
static void
test_nodirsync(void **state)
{
	struct atomicfile af;
	struct errinfo ei;
	char *p = fresh("nodirsync");

	(void)state;
	put(p, "old\n");
	err_clear(&ei);
	assert_int_equal(atomicfile_begin(&af, p, &ei), 0);
	assert_int_equal(atomicfile_write(&af, "new\n", 4), 0);
	assert_int_equal(atomicfile_commit_nodirsync(&af, 1, &ei), 0);
	assert_file(p, "new\n");
	assert_no_tmp(p);
	assert_int_equal(af.fd, -1);
	assert_null(af.path);
	assert_int_equal(atomicfile_begin(&af, p, &ei), 0);
	assert_int_equal(atomicfile_write(&af, "other\n", 6), 0);
	assert_int_equal(atomicfile_commit_nodirsync(&af, 0, &ei), -1);
	assert_int_equal(ei.st, ST_CANTCREAT);
	assert_non_null(strstr(ei.msg, strerror(EEXIST)));
	assert_file(p, "new\n");
	assert_no_tmp(p);
	unlink(p);
	assert_int_equal(atomicfile_begin(&af, p, &ei), 0);
	assert_int_equal(atomicfile_write(&af, "linked\n", 7), 0);
	assert_int_equal(atomicfile_commit_nodirsync(&af, 0, &ei), 0);
	assert_file(p, "linked\n");
	assert_no_tmp(p);
	free(p);
}

static void
test_begin_fails(void **state)
{
	struct atomicfile af;
	struct errinfo ei;
	char *p = xasprintf("%s/no/such/tmpdir/file", tmpdir), *q, *t;

	(void)state;
	err_clear(&ei);
	assert_int_equal(atomicfile_begin(&af, p, &ei), -1);
	assert_int_equal(ei.st, ST_CANTCREAT);
	t = xasprintf("cannot write %s.tmp: %s", p, strerror(ENOENT));
	assert_string_equal(ei.msg, t);
	free(t);
	free(p);
	/* A symbolic link in the temporary file's place is not followed. */
	q = fresh("victim");
	p = fresh("linked");
	put(q, "keep\n");
	t = xasprintf("%s.tmp", p);
	assert_int_equal(symlink(q, t), 0);
	err_clear(&ei);
	assert_int_equal(atomicfile_begin(&af, p, &ei), -1);
	assert_int_equal(ei.st, ST_CANTCREAT);
	assert_non_null(strstr(ei.msg, t));
	assert_non_null(strstr(ei.msg, "symbolic link"));
	assert_file(q, "keep\n");
	unlink(t);
	free(t);
	free(p);
	free(q);
}

static void
test_write_fails(void **state)
{
	struct atomicfile af;
	struct errinfo ei;
	char *p = fresh("full"), *t;
	int full = open("/dev/full", O_WRONLY);

	(void)state;
	if (full < 0)
		skip();
	put(p, "old\n");
	err_clear(&ei);
	assert_int_equal(atomicfile_begin(&af, p, &ei), 0);
	/* A full disk under the temporary file. */
	assert_int_equal(dup2(full, af.fd), af.fd);
	close(full);
	assert_int_equal(atomicfile_write(&af, "new\n", 4), ENOSPC);
	/* Remembered: later writes are skipped, the commit reports it. */
	assert_int_equal(atomicfile_write(&af, "more\n", 5), ENOSPC);
	assert_int_equal(atomicfile_commit(&af, 1, &ei), -1);
	assert_int_equal(ei.st, ST_TEMPFAIL);
	t = xasprintf("cannot write %s.tmp: %s", p, strerror(ENOSPC));
	assert_string_equal(ei.msg, t);
	free(t);
	assert_file(p, "old\n");
	assert_no_tmp(p);
	free(p);
}

static void
test_rename_fails(void **state)
{
	struct atomicfile af;
	struct errinfo ei;
	char *p = fresh("adir"), *inside;

	(void)state;
	/* A non-empty directory where the target should be. */
	assert_int_equal(mkdir(p, 0700), 0);
	inside = xasprintf("%s/x", p);
	put(inside, "x\n");
	err_clear(&ei);
	assert_int_equal(atomicfile_begin(&af, p, &ei), 0);
	assert_int_equal(atomicfile_write(&af, "new\n", 4), 0);
	assert_int_equal(atomicfile_commit(&af, 1, &ei), -1);
	assert_int_equal(ei.st, ST_IOERR);
	assert_non_null(strstr(ei.msg, "cannot replace "));
	assert_non_null(strstr(ei.msg, p));
	assert_file(inside, "x\n");
	assert_no_tmp(p);
	unlink(inside);
	rmdir(p);
	free(inside);
	free(p);
}

/*
 * The writer dies after step `step` of: begin, half the new content,
 * all of it, fsync'ed commit.  The target must then be the old content
 * (steps 0-2) or the new one (step 3), whole.
 */
static void
crash_at(const char *p, int step, int replace)
{
	static const char old[] = "old state, line 1\nold state, line 2\n";
	static const char new[] = "new state, line 1\nnew state, line 2\n"
	    "new state, line 3\n";
	struct atomicfile af;
	struct errinfo ei;
	int status;
	pid_t pid;

	put(p, old);
	if (!replace)
		unlink(p);
	pid = fork();
	assert_int_not_equal(pid, -1);
	if (pid == 0) {
		if (atomicfile_begin(&af, p, &ei) < 0)
			_exit(1);
		if (step == 0)
			_exit(0);
		if (atomicfile_write(&af, new, sizeof(new) / 2) != 0)
			_exit(1);
		if (step == 1)
			_exit(0);
		if (atomicfile_write(&af, new + sizeof(new) / 2,
		    sizeof(new) - 1 - sizeof(new) / 2) != 0)
			_exit(1);
		if (step == 2)
			_exit(0);
		_exit(atomicfile_commit(&af, replace, &ei) < 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	if (step == 3)
		assert_file(p, new);
	else if (replace)
		assert_file(p, old);
	else
		assert_int_equal(exists(p), 0);
}

static void
test_crash(void **state)
{
	struct atomicfile af;
	struct errinfo ei;
	char *p = fresh("crash");
	int step, replace;

	(void)state;
	for (replace = 1; replace >= 0; replace--) {
		for (step = 0; step <= 3; step++) {
			crash_at(p, step, replace);
			/* What the crash left does not stop the next write. */
			err_clear(&ei);
			assert_int_equal(atomicfile_begin(&af, p, &ei), 0);
			assert_int_equal(atomicfile_write(&af, "next\n", 5),
			    0);
			unlink(p);
			assert_int_equal(atomicfile_commit(&af, replace, &ei),
			    0);
			assert_file(p, "next\n");
			assert_no_tmp(p);
		}
	}
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_abort),
		cmocka_unit_test(test_no_replace),
		cmocka_unit_test(test_nodirsync),
		cmocka_unit_test(test_begin_fails),
		cmocka_unit_test(test_write_fails),
		cmocka_unit_test(test_rename_fails),
		cmocka_unit_test(test_crash),
	};

	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
