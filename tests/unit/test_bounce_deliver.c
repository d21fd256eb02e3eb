/*
 * Unit tests for send/bounce_deliver: a bounce for an original of
 * several megabytes (dot lines, "From " lines, 8-bit text, lines of
 * thousands of bytes, a line that looks like the boundary), spooled as
 * msend spools it (wire form), delivered into an mbox, a Maildir, the
 * default ~/dead.letter and an MDA, then read back by Python's mailbox
 * and email modules (tests/unit/bounce_read.py): one multipart/report
 * with a message/delivery-status part, the original byte for byte in
 * part 3; the delivery's peak memory does not grow with the message.
 * The null sender gets no bounce (nothing written); a bad bounce_to or
 * an unusable target is an error that leaves nothing behind.
 */
#include "autoconf.h"

#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "bounce.h"
#include "spool.h"
#include "xalloc.h"

#define BIG	(8 * 1024 * 1024)	/* bytes of the big original */

static char dir[] = "/tmp/test_bounce_deliver.XXXXXX";
static struct sink_opts opts;
static char *bigpath, *smallpath, *statedir;

static const struct bounce_rcpt rcpts[] = {
	{ "bob@example.net", "550 5.1.1 <bob@example.net>: no such user", 1 },
	{ "carol@example.net", "451 4.2.2 over quota\r\n\x1b[2J", 0 },
};

static void
fill(struct bounce *b)
{
	memset(b, 0, sizeof(*b));
	b->id = "20260101T120000-42-abcdef";
	b->sender = "me@example.org";
	b->host = "laptop.example.org";
	b->remote = "smtp.example.org";
	b->arrival = 1767268800;
	b->now = b->arrival + 5 * 86400;
	b->reason = "could not be delivered within 5 days";
	b->rcpt = rcpts;
	b->nrcpt = 2;
}

static void
put(FILE *f, const char *s)
{
	assert_int_equal(fputs(s, f) >= 0, 1);
}

/* An original with every kind of line a bounce must keep. */
static char *
make_original(const char *name, size_t size)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	char longline[3001];
	size_t n = 0, i;

	assert_non_null(f);
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	put(f, "From: Me <me@example.org>\nTo: bob@example.net, "
	    "carol@example.net\nSubject: =?utf-8?q?the_r=C3=A9port?=\n"
	    "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: 8bit\n\n");
	for (i = 0; n < size; i++) {
		char l[200];

		snprintf(l, sizeof(l), "line %zu: \xc3\xa9t\xc3\xa9 8-bit\n"
		    "From the start of a line\n>From quoted already\n.\n"
		    "..two\n.one\n\n--=_facteur_AAAA fake boundary\n", i);
		put(f, l);
		n += strlen(l);
		if (i % 50 == 0) {
			put(f, longline);
			put(f, "\n");
			n += sizeof(longline);
		}
	}
	put(f, "the last line\n");
	assert_int_equal(fclose(f), 0);
	return path;
}

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	statedir = xasprintf("%s/state", dir);
	opts.statedir = statedir;
	opts.timeout = 30;
	setenv("TMPDIR", dir, 1);
	bigpath = make_original("big.eml", BIG);
	smallpath = make_original("small.eml", 100);
	return 0;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	pid_t pid;

	(void)state;
	/* No system(3): the shell runs on a path we made. */
	if ((pid = fork()) == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	free(cmd);
	free(bigpath);
	free(smallpath);
	free(statedir);
	return 0;
}

/* Spool the original at path as msend does. */
static void
spool(const char *path, struct spool *sp, int *fd_r)
{
	struct errinfo ei;

	*fd_r = open(path, O_RDONLY);
	assert_true(*fd_r >= 0);
	spool_init(sp, *fd_r);
	assert_int_equal(spool_read_header(sp, &ei), 0);
	assert_int_equal(spool_read_body(sp, &ei), 0);
}

static void
unspool(struct spool *sp, int fd)
{
	spool_free(sp);
	close(fd);
}

/* Run bounce_read.py on the original and the targets: its exit code. */
static int
pyread(const char *original, const char *t1, const char *t2)
{
	const char *py = getenv("PYTHON"), *top = getenv("TOP_SRCDIR");
	char *script = xasprintf("%s/tests/unit/bounce_read.py",
	    top != NULL ? top : "..");
	int status;
	pid_t pid;

	if (py == NULL || *py == '\0')
		py = "python3";
	fflush(NULL);
	if ((pid = fork()) == 0) {
		execlp(py, py, script, original, t1, t2, (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	free(script);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static long
maxrss_kb(void)
{
	struct rusage ru;

	assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
	return ru.ru_maxrss;
}

static void
test_big_mbox_maildir(void **state)
{
	char *mbox = xasprintf("mbox,%s/mbox", dir);
	char *md = xasprintf("maildir,%s/Maildir", dir);
	char *t1 = xasprintf("mbox:%s/mbox", dir);
	char *t2 = xasprintf("maildir:%s/Maildir", dir);
	struct bounce b;
	struct spool sp;
	struct errinfo ei;
	long before, after;
	int fd;

	(void)state;
	fill(&b);
	spool(bigpath, &sp, &fd);
	assert_true(sp.wire_len > BIG);
	before = maxrss_kb();
	assert_int_equal(bounce_deliver(&b, mbox, &opts, &sp.hdr, &sp, &ei),
	    BOUNCE_DELIVERED);
	assert_int_equal(bounce_deliver(&b, md, &opts, &sp.hdr, &sp, &ei),
	    BOUNCE_DELIVERED);
	after = maxrss_kb();
	/* Streamed: the peak grows by far less than the message. */
	if ((after - before) * 1024 > BIG / 4)
		fail_msg("peak memory grew by %ld kB for a %d kB message",
		    after - before, BIG / 1024);
	unspool(&sp, fd);
	bounce_log(&b, mbox, BOUNCE_DELIVERED, NULL);
	assert_int_equal(pyread(bigpath, t1, t2), 0);
	free(mbox);
	free(md);
	free(t1);
	free(t2);
}

static void
test_default_and_mda(void **state)
{
	char *home = xasprintf("%s/home", dir), *t, *want, *mda, *out, *text;
	struct bounce b;
	struct spool sp;
	struct errinfo ei;
	FILE *f;
	size_t n;
	int fd;

	(void)state;
	assert_int_equal(mkdir(home, 0700), 0);
	setenv("HOME", home, 1);
	want = xasprintf("mbox,%s/dead.letter", home);
	t = bounce_target(NULL);
	assert_string_equal(t, want);
	free(t);
	t = bounce_target("");
	assert_string_equal(t, want);
	free(t);
	t = bounce_target("maildir,/x");
	assert_string_equal(t, "maildir,/x");
	free(t);
	fill(&b);
	b.eightbit = 0;		/* found in the original by the deliverer */
	spool(smallpath, &sp, &fd);
	assert_int_equal(bounce_deliver(&b, NULL, &opts, &sp.hdr, &sp, &ei),
	    BOUNCE_DELIVERED);
	t = xasprintf("mbox:%s/dead.letter", home);
	assert_int_equal(pyread(smallpath, t, t), 0);
	free(t);
	/* An MDA gets the bounce on its standard input. */
	out = xasprintf("%s/mda.out", dir);
	mda = xasprintf("mda,cat > %s", out);
	assert_int_equal(bounce_deliver(&b, mda, &opts, &sp.hdr, &sp, &ei),
	    BOUNCE_DELIVERED);
	unspool(&sp, fd);
	text = xmalloc(1 << 20);
	f = fopen(out, "rb");
	assert_non_null(f);
	n = fread(text, 1, (1 << 20) - 1, f);
	text[n] = '\0';
	fclose(f);
	assert_int_equal(strncmp(text, "Return-Path: <>\nFrom: Mail Delivery "
	    "System <MAILER-DAEMON@laptop.example.org>\n", 72), 0);
	assert_non_null(strstr(text, "Content-Transfer-Encoding: 8bit\n\n"
	    "From: Me <me@example.org>\n"));
	assert_non_null(strstr(text, "\nthe last line\n\n--=_facteur_"));
	free(text);
	free(out);
	free(mda);
	free(want);
	free(home);
}

static void
test_null_sender(void **state)
{
	char *path = xasprintf("%s/null.mbox", dir), *spec;
	struct bounce b;
	struct spool sp;
	struct errinfo ei;
	int fd;

	(void)state;
	fill(&b);
	b.sender = "";
	spec = xasprintf("mbox,%s", path);
	spool(smallpath, &sp, &fd);
	assert_int_equal(bounce_deliver(&b, spec, &opts, &sp.hdr, &sp, &ei),
	    BOUNCE_NULL_SENDER);
	unspool(&sp, fd);
	assert_int_equal(access(path, F_OK), -1);
	bounce_log(&b, spec, BOUNCE_NULL_SENDER, NULL);
	free(spec);
	free(path);
}

static void
test_errors(void **state)
{
	char *adir = xasprintf("%s/adir", dir), *spec, *file;
	struct bounce b;
	struct spool sp;
	struct errinfo ei;
	struct stat st;
	int fd, ofd;

	(void)state;
	fill(&b);
	spool(smallpath, &sp, &ofd);
	assert_int_equal(bounce_deliver(&b, "pipe,x", &opts, &sp.hdr, &sp,
	    &ei), -1);
	assert_int_equal(ei.st, ST_CONFIG);
	bounce_log(&b, "pipe,x", -1, &ei);
	/* An mbox that is a directory: refused, nothing in it. */
	assert_int_equal(mkdir(adir, 0700), 0);
	spec = xasprintf("mbox,%s", adir);
	assert_int_equal(bounce_deliver(&b, spec, &opts, &sp.hdr, &sp, &ei),
	    -1);
	assert_int_equal(stat(adir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	free(spec);
	/* A Maildir below a file. */
	file = xasprintf("%s/afile", dir);
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);
	spec = xasprintf("maildir,%s/Maildir", file);
	assert_int_equal(bounce_deliver(&b, spec, &opts, &sp.hdr, &sp, &ei),
	    -1);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_size, 0);
	/* An MDA that fails: an error, not a delivery. */
	assert_int_equal(bounce_deliver(&b, "mda,sh -c 'cat >/dev/null; "
	    "exit 75'", &opts, &sp.hdr, &sp, &ei), -1);
	assert_int_equal(ei.st, ST_TEMPFAIL);
	unspool(&sp, ofd);
	free(spec);
	free(file);
	free(adir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_big_mbox_maildir),
		cmocka_unit_test(test_default_and_mda),
		cmocka_unit_test(test_null_sender),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
