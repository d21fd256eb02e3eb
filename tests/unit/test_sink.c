/*
 * Unit tests for common/deliver and the sinks (common/mbox, maildir, mda):
 * a message delivered in small chunks comes out exactly (mbox: From_
 * line from Return-Path, mboxrd quoting, a blank line after it); an
 * aborted message leaves no trace; a symbolic link or a FIFO is refused
 * as an mbox; the MDA's exit status 75 and others are reported, a slow
 * one killed.  The state a killed run leaves (an mbox journal record over
 * a half-written region, another program's message after it; tmp/ files
 * of a dead mfetch) is repaired by the next delivery.  Group commit:
 * staged messages reach the target only at sync, all of them, in order,
 * with one journal record for the mbox; a message aborted inside a batch
 * (even one larger than the write buffer) leaves the others whole; a
 * Maildir sync that fails delivers none of the batch.
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "deliver.h"
#include "hash.h"
#include "mboxjournal.h"
#include "sink.h"
#include "sys.h"
#include "xalloc.h"

static char dir[] = "/tmp/test_sink.XXXXXX";
static struct sink_opts opts;	/* statedir in dir, a 2 s MDA timeout */

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

/* A delivery into s is refused (73) with these words; s is freed. */
static void
expect_refused(struct sink *s, const char *words)
{
	struct errinfo ei;

	assert_int_equal(deliver(s, msg, 100, 1, &ei), -1);
	assert_int_equal(ei.st, ST_CANTCREAT);
	assert_non_null(strstr(ei.msg, words));
	sink_free(s);
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
	assert_int_equal(sink_new(spec, &opts, &s, &ei), 0);
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
	expect_refused(sink_mbox_new(spec, &opts), "symbolic link");
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
	assert_int_equal(sink_new(spec, &opts, &s, &ei), 0);
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
	assert_int_equal(sink_new(cmd, &opts, &s, &ei), 0);
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
	assert_int_equal(sink_new(cmd, &opts, &s, &ei), 0);
	assert_int_equal(deliver(s, msg, 9, 0, &ei), 0);
	assert_int_equal(access(out, F_OK), -1);
	sink_free(s);
	free(cmd);
	/* Exit 75: temporary; exit 1: a local delivery error, not 69. */
	assert_int_equal(sink_new("mda,sh -c 'cat >/dev/null; exit 75'",
	    &opts, &s, &ei), 0);
	assert_int_equal(deliver(s, msg, 100, 1, &ei), -1);
	assert_int_equal(ei.st, ST_TEMPFAIL);
	sink_free(s);
	assert_int_equal(sink_new("mda,false", &opts, &s, &ei), 0);
	assert_int_equal(deliver(s, msg, 100, 1, &ei), -1);
	assert_int_equal(ei.st, ST_IOERR);
	sink_free(s);
	free(out);

	assert_int_equal(sink_new("mbox", &opts, &s, &ei), -1);
	assert_int_equal(sink_new("pipe,x", &opts, &s, &ei), -1);
	assert_int_equal(ei.st, ST_CONFIG);
}

/* Start a message in d and write all of text, in chunks of step. */
static void
feed(struct delivery *d, const char *text, size_t step)
{
	struct errinfo ei;
	size_t n = strlen(text), pos;

	delivery_start(d);
	for (pos = 0; pos < n; pos += step)
		assert_int_equal(delivery_write(d, text + pos, n - pos < step ?
		    n - pos : step, &ei), 0);
}

static void
stage(struct delivery *d, const char *text)
{
	struct errinfo ei;

	feed(d, text, 13);
	assert_int_equal(delivery_stage(d, &ei), 0);
}

/* A message of about 600 KB: more than the sinks' write buffer. */
static char *
big_msg(const char *subject)
{
	struct buf b;
	char *text;
	int i;

	buf_init(&b, 1 << 20);
	buf_printf(&b, "From: <big@example.org>\nSubject: %s\n\n", subject);
	for (i = 0; i < 20000; i++)
		buf_printf(&b, "line %d of a message that goes\n", i);
	text = buf_detach(&b, NULL);
	buf_free(&b);
	return text;
}

static const char msg_a[] = "Return-Path: <a@example.org>\nSubject: A\n\n"
    "body A\nFrom inside A\n";
static const char msg_b[] = "From: <b@example.org>\nSubject: B\n\nbody B\n";
static const char msg_d[] = "From: <d@example.org>\nSubject: D\n\nbody D";

/* The mbox text a message gives: From_ line (a 24-byte date), the text
 * quoted, a line end added if missing, a blank line. */
static size_t
mbox_len(const char *from, const char *text)
{
	size_t n = strlen(text), q = 0;
	const char *p;

	for (p = text; (p = strstr(p, "\nFrom ")) != NULL; p++)
		q++;
	return 5 + strlen(from) + 1 + 24 + 1 + n + q +
	    (text[n - 1] != '\n') + 1;
}

static void
check_record(const char *path, unsigned long long start, size_t len,
    const char *text)
{
	char *jpath = xasprintf("%s/mbox-%016llx.journal", opts.statedir,
	    (unsigned long long)hash_add(HASH_INIT, path, strlen(path)));
	char *j;
	size_t jlen;
	struct mboxj_rec r;

	j = slurp(jpath, &jlen);
	assert_int_equal(mboxj_parse(j, jlen, &r), 0);
	assert_int_equal(r.kind, MBOXJ_APPEND);
	assert_int_equal(r.start, start);
	assert_int_equal(r.nl, 0);
	assert_int_equal(r.len, len - start);
	assert_true(r.hash == hash_add(HASH_INIT, text + start, len - start));
	assert_memory_equal(r.head, text + start, r.headlen);
	free(j);
	free(jpath);
}

/*
 * A batch: nothing in the mbox before the sync, then every staged message
 * in order, whole; the aborted ones (one before anything was staged, one
 * inside the batch, both larger than the write buffer) nowhere; one
 * journal record covering the whole batch.
 */
static void
test_mbox_batch(void **state)
{
	char *path = xasprintf("%s/batch.mbox", dir), *spec, *text, *big;
	struct delivery d;
	struct sink *s;
	struct errinfo ei;
	size_t len, want, len1;
	const char *a, *b, *dd;

	(void)state;
	big = big_msg("C");
	spec = xasprintf("mbox,%s", path);
	assert_int_equal(sink_new(spec, &opts, &s, &ei), 0);
	delivery_init(&d, s);
	assert_int_equal(delivery_sync(&d, &ei), 0);	/* nothing staged */
	feed(&d, big, 4096);
	delivery_abort(&d);
	stage(&d, msg_a);
	stage(&d, msg_b);
	feed(&d, big, 4096);
	delivery_abort(&d);
	stage(&d, msg_d);
	assert_int_equal(access(path, F_OK), -1);	/* not before sync */
	assert_int_equal(delivery_sync(&d, &ei), 0);
	text = slurp(path, &len);
	want = mbox_len("a@example.org", msg_a) + mbox_len("b@example.org",
	    msg_b) + mbox_len("d@example.org", msg_d);
	assert_int_equal(len, want);
	a = strstr(text, "Subject: A\n\nbody A\n>From inside A\n\nFrom b@");
	b = strstr(text, "Subject: B\n\nbody B\n\nFrom d@");
	dd = strstr(text, "Subject: D\n\nbody D\n\n");
	assert_true(strncmp(text, "From a@example.org ", 19) == 0);
	assert_true(a != NULL && b != NULL && dd != NULL && a < b && b < dd);
	assert_null(strstr(text, "Subject: C"));
	assert_null(memchr(text, '\0', len));
	check_record(path, 0, len, text);
	free(text);
	len1 = len;
	/* A second batch goes after it, with its own record. */
	stage(&d, msg_b);
	assert_int_equal(delivery_sync(&d, &ei), 0);
	assert_int_equal(delivery_sync(&d, &ei), 0);	/* none left */
	text = slurp(path, &len);
	assert_int_equal(len, len1 + mbox_len("b@example.org", msg_b));
	check_record(path, len1, len, text);
	free(text);
	/* Staged, never synced: dropped with the sink. */
	stage(&d, msg_a);
	delivery_release(&d);
	delivery_free(&d);
	sink_free(s);
	text = slurp(path, &len);
	assert_int_equal(len, len1 + mbox_len("b@example.org", msg_b));
	free(text);
	free(spec);
	free(path);
	free(big);
}

/* How many files of d hold these words. */
static int
find_text(const char *d, const char *words)
{
	DIR *dp = opendir(d);
	struct dirent *e;
	int n = 0;

	assert_non_null(dp);
	while ((e = readdir(dp)) != NULL) {
		char *p, *t;

		if (e->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", d, e->d_name);
		t = slurp(p, NULL);
		n += strstr(t, words) != NULL;
		free(t);
		free(p);
	}
	closedir(dp);
	return n;
}

/*
 * A Maildir batch: in tmp/ until the sync, then all in new/; an aborted
 * message nowhere; a failed sync (new/ gone) delivers none of the batch
 * and leaves nothing in tmp/; staged ones go with the sink.
 */
static void
test_maildir_batch(void **state)
{
	char *md = xasprintf("%s/Mail/batch", dir), *spec, *newd, *tmpd, *big,
	    *away;
	struct delivery d;
	struct sink *s;
	struct errinfo ei;

	(void)state;
	big = big_msg("C");
	spec = xasprintf("maildir,%s", md);
	newd = xasprintf("%s/new", md);
	tmpd = xasprintf("%s/tmp", md);
	assert_int_equal(sink_new(spec, &opts, &s, &ei), 0);
	delivery_init(&d, s);
	stage(&d, msg_a);
	stage(&d, msg_b);
	feed(&d, big, 4096);
	delivery_abort(&d);
	stage(&d, msg_d);
	assert_int_equal(count_files(newd), 0);
	assert_int_equal(count_files(tmpd), 3);
	assert_int_equal(delivery_sync(&d, &ei), 0);
	assert_int_equal(count_files(newd), 3);
	assert_int_equal(count_files(tmpd), 0);
	assert_int_equal(find_text(newd, "Subject: A\n\nbody A\nFrom inside"),
	    1);
	assert_int_equal(find_text(newd, "Subject: B\n\nbody B\n"), 1);
	assert_int_equal(find_text(newd, "Subject: D\n\nbody D"), 1);
	assert_int_equal(find_text(newd, "Subject: C"), 0);
	assert_int_equal(delivery_sync(&d, &ei), 0);	/* none left */
	/* new/ cannot be written to: the whole batch fails, tmp/ empty. */
	stage(&d, msg_a);
	stage(&d, msg_b);
	away = xasprintf("%s.away", newd);
	assert_int_equal(rename(newd, away), 0);
	assert_int_equal(delivery_sync(&d, &ei), -1);
	assert_int_equal(ei.st, ST_IOERR);
	assert_non_null(strstr(ei.msg, "into new/"));
	assert_int_equal(count_files(tmpd), 0);
	assert_int_equal(count_files(newd), -1);
	assert_int_equal(rename(away, newd), 0);
	assert_int_equal(count_files(newd), 3);
	/* Staged, never synced: removed with the sink. */
	stage(&d, msg_a);
	assert_int_equal(count_files(tmpd), 1);
	delivery_free(&d);
	sink_free(s);
	assert_int_equal(count_files(tmpd), 0);
	assert_int_equal(count_files(newd), 3);
	free(spec);
	free(newd);
	free(tmpd);
	free(away);
	free(md);
	free(big);
}

/* The MDA cannot defer: a staged message is delivered already. */
static void
test_mda_stage(void **state)
{
	char *out = xasprintf("%s/mda-stage.out", dir), *cmd, *text;
	struct delivery d;
	struct sink *s;
	struct errinfo ei;

	(void)state;
	cmd = xasprintf("mda,cat >> %s", out);
	assert_int_equal(sink_new(cmd, &opts, &s, &ei), 0);
	delivery_init(&d, s);
	stage(&d, msg_a);
	text = slurp(out, NULL);
	assert_non_null(strstr(text, "Subject: A\n"));
	free(text);
	assert_int_equal(delivery_sync(&d, &ei), 0);
	delivery_free(&d);
	sink_free(s);
	free(cmd);
	free(out);
}

/* Append raw bytes to a file, as another program would. */
static void
append_raw(const char *path, const char *text)
{
	FILE *f = fopen(path, "ab");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	fclose(f);
}

/*
 * Leave in path the state a run killed during its append leaves: the
 * journal record for our bytes at the end of the file, the file
 * extended over them, and only the first `written` of them there (the
 * rest zeros).  Returns the journal's path.
 */
static char *
crashed_append(const char *path, const char *ours, size_t written)
{
	char *jpath, line[MBOXJ_RECORD_MAX];
	size_t len = strlen(ours);
	struct mboxj_rec r;
	struct stat st;
	FILE *f;

	assert_int_equal(stat(path, &st), 0);
	jpath = xasprintf("%s/mbox-%016llx.journal", opts.statedir,
	    (unsigned long long)hash_add(HASH_INIT, path, strlen(path)));
	memset(&r, 0, sizeof(r));
	r.kind = MBOXJ_APPEND;
	r.dev = (unsigned long long)st.st_dev;
	r.ino = (unsigned long long)st.st_ino;
	r.start = (unsigned long long)st.st_size;
	r.len = len;
	r.hash = hash_add(HASH_INIT, ours, len);
	r.headlen = len < MSGFILE_HEAD ? len : MSGFILE_HEAD;
	memcpy(r.head, ours, r.headlen);
	f = fopen(jpath, "w");
	assert_non_null(f);
	fwrite(line, 1, mboxj_format(&r, line, sizeof(line)), f);
	fclose(f);
	assert_int_equal(truncate(path, st.st_size + (off_t)len), 0);
	f = fopen(path, "r+b");
	assert_non_null(f);
	fseek(f, st.st_size, SEEK_SET);
	fwrite(ours, 1, written, f);
	fclose(f);
	return jpath;
}

static const char ours[] = "From crashed@example.org Mon Jan  1 00:00:00 2024\n"
    "Subject: cut short\n\nthis message was being written when the run "
    "was killed, and must go\n\n";
static const char foreign[] = "From other@example.org Tue Jan  2 00:00:00 "
    "2024\nSubject: from procmail\n\nkept\n\n";

/*
 * A run killed during its append, then another program appending (even
 * right after our last byte, not on a line of its own), then a run that
 * delivers: the partial message goes exactly, the other's stays whole.
 */
static void
test_mbox_crash_repair(void **state)
{
	char *path = xasprintf("%s/crash.mbox", dir), *spec, *jpath, *text,
	    *want;
	struct sink *s;
	struct errinfo ei;
	size_t len, before;
	struct stat st;
	int written;

	(void)state;
	spec = xasprintf("mbox,%s", path);
	for (written = 0; written <= (int)strlen(ours); written += 37) {
		unlink(path);
		append_raw(path, "From first@example.org Sun Dec 31 00:00:00 "
		    "2023\nSubject: first\n\nfirst\n\n");
		assert_int_equal(stat(path, &st), 0);
		before = (size_t)st.st_size;
		jpath = crashed_append(path, ours, (size_t)written);
		/*
		 * procmail forced our stale lock and appended after us; every
		 * other time as mutt would, ending the (unfinished) last line
		 * first: that line end goes with our region.
		 */
		if ((written / 37) % 2)
			append_raw(path, "\n");
		append_raw(path, foreign);
		assert_int_equal(sink_new(spec, &opts, &s, &ei), 0);
		assert_int_equal(deliver(s, msg, 50, 1, &ei), 0);
		sink_free(s);
		text = slurp(path, &len);
		want = xasprintf("From first@example.org Sun Dec 31 00:00:00 "
		    "2023\nSubject: first\n\nfirst\n\n%s", foreign);
		assert_memory_equal(text, want, strlen(want));
		assert_true(strncmp(text + strlen(want), "From sender@example."
		    "org ", 24) == 0);
		assert_null(strstr(text, "cut short"));
		assert_null(memchr(text, '\0', len));
		assert_true(len > before);
		/* The journal is empty, the side file gone. */
		assert_int_equal(stat(jpath, &st), 0);
		assert_int_equal(st.st_size, 0);
		free(want);
		free(text);
		free(jpath);
	}
	free(spec);
	free(path);
}

/* A record whose message was whole (power cut before the clear), or
 * whose region was never extended: nothing is removed. */
static void
test_mbox_crash_nothing_to_undo(void **state)
{
	char *path = xasprintf("%s/whole.mbox", dir), *spec, *jpath, *text,
	    *want;
	struct sink *s;
	struct errinfo ei;
	size_t len;
	FILE *f;

	(void)state;
	spec = xasprintf("mbox,%s", path);
	append_raw(path, "From first@example.org Sun Dec 31 00:00:00 2023\n"
	    "\nfirst\n\n");
	jpath = crashed_append(path, ours, strlen(ours));
	append_raw(path, foreign);
	assert_int_equal(sink_new(spec, &opts, &s, &ei), 0);
	assert_int_equal(deliver(s, msg, 50, 1, &ei), 0);
	sink_free(s);
	text = slurp(path, &len);
	want = xasprintf("From first@example.org Sun Dec 31 00:00:00 2023\n"
	    "\nfirst\n\n%s%s", ours, foreign);
	assert_memory_equal(text, want, strlen(want));
	free(want);
	free(text);
	free(jpath);

	/* Killed after the journal, before the file was extended: the
	 * other program's message starts where ours would have. */
	unlink(path);
	append_raw(path, "From first@example.org Sun Dec 31 00:00:00 2023\n"
	    "\nfirst\n\n");
	jpath = crashed_append(path, ours, 0);
	assert_int_equal(truncate(path, 56), 0);	/* not extended */
	append_raw(path, foreign);
	append_raw(path, foreign);	/* longer than our region */
	assert_int_equal(sink_new(spec, &opts, &s, &ei), 0);
	assert_int_equal(deliver(s, msg, 50, 1, &ei), 0);
	sink_free(s);
	text = slurp(path, &len);
	want = xasprintf("From first@example.org Sun Dec 31 00:00:00 2023\n"
	    "\nfirst\n\n%s%s", foreign, foreign);
	assert_memory_equal(text, want, strlen(want));
	free(want);
	free(text);

	/* A torn record (no line end): the mbox was not touched yet. */
	f = fopen(jpath, "w");
	assert_non_null(f);
	fputs("append 1 2 3", f);
	fclose(f);
	assert_int_equal(sink_new(spec, &opts, &s, &ei), 0);
	assert_int_equal(deliver(s, msg, 50, 1, &ei), 0);
	sink_free(s);
	free(jpath);
	free(spec);
	free(path);
}

/*
 * A record written over another and torn by a crash at any byte is
 * never taken as a third record: only the old one or the new one, or
 * nothing.
 */
static void
test_mbox_journal_torn(void **state)
{
	struct mboxj_rec a, b, r;
	char la[MBOXJ_RECORD_MAX], lb[MBOXJ_RECORD_MAX], mix[MBOXJ_RECORD_MAX];
	size_t na, nb, k;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.kind = MBOXJ_APPEND;
	a.dev = 2049;
	a.ino = 1234567;
	a.start = 100000;
	a.len = 5000;
	a.hash = 0x1234;
	a.headlen = 20;
	memcpy(a.head, "From a@b Mon Jan  1 ", 20);
	b = a;
	b.start = 105001;
	b.len = 77;
	b.hash = 0x9876;
	na = mboxj_format(&a, la, sizeof(la));
	nb = mboxj_format(&b, lb, sizeof(lb));
	mboxj_parse(la, na, &r);
	assert_int_equal(r.kind, MBOXJ_APPEND);
	assert_int_equal(r.start, 100000);
	for (k = 0; k <= nb; k++) {
		memcpy(mix, la, na);
		memcpy(mix, lb, k);
		mboxj_parse(mix, na > k ? na : k, &r);
		assert_true(r.kind == MBOXJ_NONE || r.start == a.start ||
		    r.start == b.start);
		if (r.kind != MBOXJ_NONE)
			assert_true(r.start == a.start ? r.len == a.len &&
			    r.hash == a.hash : r.len == b.len && r.hash == b.hash);
	}
}

/* A FIFO as the mbox is refused at once (no blocking open). */
static void
test_mbox_fifo(void **state)
{
	char *path = xasprintf("%s/fifo", dir);

	(void)state;
	assert_int_equal(mkfifo(path, 0600), 0);
	expect_refused(sink_mbox_new(path, &opts), "not a regular file");
	free(path);
}

/* Leftovers of a killed run in tmp/ go; other programs' files stay. */
static void
test_maildir_leftovers(void **state)
{
	char *md = xasprintf("%s/Left", dir), *spec, *mine, *other, *live;
	char host[256];
	struct sink *s;
	struct errinfo ei;
	pid_t dead = fork();

	(void)state;
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	gethostname(host, sizeof(host));
	host[sizeof(host) - 1] = '\0';
	spec = xasprintf("%s/tmp", md);
	assert_int_equal(mkdir(md, 0700), 0);
	assert_int_equal(mkdir(spec, 0700), 0);
	free(spec);
	mine = xasprintf("%s/tmp/1700000000.M1P%ldQ1_mfetch.%s", md,
	    (long)dead, host);
	other = xasprintf("%s/tmp/1700000000.M1P%ldQ1.%s", md, (long)dead,
	    host);
	live = xasprintf("%s/tmp/1700000000.M1P%ldQ1_mfetch.%s", md,
	    (long)getppid(), host);
	append_raw(mine, "half a mess");
	append_raw(other, "someone else's");
	append_raw(live, "a running mfetch's");
	spec = xasprintf("maildir,%s", md);
	assert_int_equal(sink_new(spec, &opts, &s, &ei), 0);
	assert_int_equal(deliver(s, msg, 50, 1, &ei), 0);
	sink_free(s);
	assert_int_equal(access(mine, F_OK), -1);
	assert_int_equal(access(other, F_OK), 0);
	assert_int_equal(access(live, F_OK), 0);
	free(spec);
	free(mine);
	free(other);
	free(live);
	free(md);
}

/*
 * A run killed but not yet reaped (a zombie: kill(pid, 0) still succeeds
 * on it) is dead too: its leftover goes.
 */
static void
test_maildir_leftovers_zombie(void **state)
{
	char *md = xasprintf("%s/Zombie", dir), *spec, *mine;
	char host[256];
	struct sink *s;
	struct errinfo ei;
	siginfo_t si;
	pid_t zombie = fork();

	(void)state;
	if (zombie == 0)
		_exit(0);
	/* Wait until it is a zombie, without reaping it. */
	memset(&si, 0, sizeof(si));
	assert_int_equal(waitid(P_PID, (id_t)zombie, &si, WEXITED | WNOWAIT),
	    0);
	assert_int_equal(kill(zombie, 0), 0);
	gethostname(host, sizeof(host));
	host[sizeof(host) - 1] = '\0';
	spec = xasprintf("%s/tmp", md);
	assert_int_equal(mkdir(md, 0700), 0);
	assert_int_equal(mkdir(spec, 0700), 0);
	free(spec);
	mine = xasprintf("%s/tmp/1700000000.M1P%ldQ1_mfetch.%s", md,
	    (long)zombie, host);
	append_raw(mine, "half a mess");
	spec = xasprintf("maildir,%s", md);
	assert_int_equal(sink_new(spec, &opts, &s, &ei), 0);
	assert_int_equal(deliver(s, msg, 50, 1, &ei), 0);
	sink_free(s);
	assert_int_equal(access(mine, F_OK), -1);
	waitpid(zombie, NULL, 0);
	free(spec);
	free(mine);
	free(md);
}

/* An MDA that runs too long is killed; the message is not delivered. */
static void
test_mda_timeout(void **state)
{
	struct sink *s;
	struct errinfo ei;
	time_t t0 = time(NULL);

	(void)state;
	assert_int_equal(sink_new("mda,sleep 30", &opts, &s, &ei), 0);
	assert_int_equal(deliver(s, msg, 100, 1, &ei), -1);
	assert_int_equal(ei.st, ST_TEMPFAIL);
	assert_non_null(strstr(ei.msg, "longer than 2 seconds"));
	assert_true(time(NULL) - t0 < 6);
	sink_free(s);
}

/* The MDA reads the whole message from a file, never a pipe. */
static void
test_mda_reads_a_file(void **state)
{
	struct sink *s;
	struct errinfo ei;
	char *out = xasprintf("%s/mda.kind", dir), *cmd, *text;

	(void)state;
	cmd = xasprintf("mda,test -f /dev/stdin && cat > %s", out);
	assert_int_equal(sink_new(cmd, &opts, &s, &ei), 0);
	assert_int_equal(deliver(s, msg, 3, 1, &ei), 0);
	text = slurp(out, NULL);
	assert_non_null(strstr(text, "Subject: test\n\nFrom the start\n"));
	free(text);
	sink_free(s);
	free(cmd);
	free(out);
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
	if (mkdtemp(dir) == NULL)
		return -1;
	opts.statedir = xasprintf("%s/state", dir);
	opts.timeout = 2;
	return 0;
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
		cmocka_unit_test(test_mbox_batch),
		cmocka_unit_test(test_maildir_batch),
		cmocka_unit_test(test_mda_stage),
		cmocka_unit_test(test_mbox_crash_repair),
		cmocka_unit_test(test_mbox_crash_nothing_to_undo),
		cmocka_unit_test(test_mbox_journal_torn),
		cmocka_unit_test(test_mbox_fifo),
		cmocka_unit_test(test_maildir_leftovers),
		cmocka_unit_test(test_maildir_leftovers_zombie),
		cmocka_unit_test(test_mda_timeout),
		cmocka_unit_test(test_mda_reads_a_file),
		cmocka_unit_test(test_envelope_from),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
