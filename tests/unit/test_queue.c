/*
 * Unit tests for send/queue: a message queued and read back gives the
 * exact header and body bytes, size and 8-bit-ness the spool had; the
 * envelope updated and removed; the lock shared by processes (fork): a
 * second process gives up, one that opened the message before it was
 * removed skips it; crash leftovers cleaned once old, never a queued or
 * locked message; and a writer killed (SIGKILL) at any instant of a
 * several-MB queue_put() leaves no envelope or a whole message, never
 * an envelope without its message.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
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

#include "qenv_same.h"
#include "tmpdir.h"

#include "queue.h"
#include "xalloc.h"

#define BIG_MAX	(64 * 1024 * 1024)


/* A fresh queue directory tmpdir/name, created and opened. */
static void
open_new(struct queue *q, const char *name)
{
	struct errinfo ei;
	char *p = xasprintf("%s/%s", tmpdir, name);

	err_clear(&ei);
	assert_int_equal(queue_open(q, p, 1, &ei), 0);
	assert_true(q->dfd >= 0);
	free(p);
}

/* tmpdir/name/file, allocated. */
static char *
qfile(const struct queue *q, const char *id, const char *ext)
{
	return xasprintf("%s/%s%s", q->dir, id, ext);
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static int
qexists(const struct queue *q, const char *id, const char *ext)
{
	char *p = qfile(q, id, ext);
	int r = exists(p);

	free(p);
	return r;
}

/* The spool of the message text[0..len), as msend reads it. */
static void
spool_text(struct spool *sp, const char *text, size_t len)
{
	struct errinfo ei;
	char *p = xasprintf("%s/input", tmpdir);
	int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	unlink(p);
	free(p);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	spool_init(sp, fd);
	err_clear(&ei);
	assert_int_equal(spool_read_header(sp, &ei), 0);
	assert_int_equal(spool_read_body(sp, &ei), 0);
	close(fd);
	sp->in = -1;
}

static int
to_buf(void *arg, const char *p, size_t n, struct errinfo *ei)
{
	if (buf_add(arg, p, n) < 0)
		return err_set(ei, ST_SOFTWARE, "too much");
	return 0;
}

/* The body as spool_replay() gives it. */
static void
replay(struct spool *sp, struct buf *out)
{
	struct errinfo ei;

	buf_init(out, BIG_MAX);
	err_clear(&ei);
	assert_int_equal(spool_replay(sp, to_buf, out, &ei), 0);
}

static void
envelope(struct qenv *e)
{
	struct errinfo ei;

	qenv_init(e);
	snprintf(e->account, sizeof(e->account), "work");
	snprintf(e->sender, sizeof(e->sender), "me@example.org");
	e->created = e->next = 1733212800;
	assert_int_equal(qenv_add_rcpt(e, "you@example.org", &ei), 0);
	assert_int_equal(qenv_add_rcpt(e, "them@example.net", &ei), 0);
}

/* Queue text, with e's envelope; e->id then holds the id. */
static void
put_text(struct queue *q, struct qenv *e, const char *text, size_t len)
{
	struct spool sp;
	struct errinfo ei;

	spool_text(&sp, text, len);
	err_clear(&ei);
	assert_int_equal(queue_put(q, e, &sp.hdr, &sp, &ei), 0);
	spool_free(&sp);
}

/* Lock id and check that it reads back as the spool of text. */
static void
check_back(struct queue *q, const char *id, const char *text, size_t len)
{
	struct spool want, got;
	struct buf wb, gb;
	struct qmsg m;
	struct errinfo ei;

	spool_text(&want, text, len);
	replay(&want, &wb);
	err_clear(&ei);
	assert_int_equal(queue_lock(q, id, 0, &m, &ei), 1);
	assert_string_equal(m.id, id);
	assert_string_equal(m.env.id, id);
	assert_int_equal(m.size, want.hdr.len + 1 + want.wire_len);
	spool_init(&got, -1);
	assert_int_equal(queue_spool(&m, &got, &ei), 0);
	assert_int_equal(got.hdr.len, want.hdr.len);
	assert_memory_equal(got.hdr.data, want.hdr.data, want.hdr.len);
	assert_int_equal(got.wire_len, want.wire_len);
	assert_int_equal(got.body.size, want.body.size);
	assert_int_equal(got.body.lines, want.body.lines);
	assert_int_equal(got.body.eightbit, want.body.eightbit);
	replay(&got, &gb);
	assert_int_equal(gb.len, wb.len);
	assert_memory_equal(gb.data, wb.data, wb.len);
	/* The spool does not close the queue's descriptor. */
	spool_free(&got);
	assert_true(fcntl(m.fd, F_GETFD) >= 0);
	queue_unlock(&m);
	spool_free(&want);
	buf_free(&wb);
	buf_free(&gb);
}

static void
test_new_id(void **state)
{
	char id[QENV_ID_MAX + 1], id2[QENV_ID_MAX + 1], *want;
	struct qenv e;
	struct errinfo ei;

	(void)state;
	queue_new_id(id, sizeof(id), 1733212800, 0);
	want = xasprintf("20241203T080000-%ld-000000", (long)getpid());
	assert_string_equal(id, want);
	free(want);
	queue_new_id(id, sizeof(id), 1733212800 + 3661, 35 + 36 * 10);
	want = xasprintf("20241203T090101-%ld-za0000", (long)getpid());
	assert_string_equal(id, want);
	free(want);
	queue_new_id(id2, sizeof(id2), 1733212800 + 3661, 0xffffffffU);
	assert_string_not_equal(id, id2);
	/* Ids sort by time and are envelope ids. */
	queue_new_id(id2, sizeof(id2), 1733212800 + 3662, 0);
	assert_true(strcmp(id, id2) < 0);
	envelope(&e);
	snprintf(e.id, sizeof(e.id), "%s", id2);
	assert_int_equal(qenv_check(&e, &ei), 0);
	qenv_free(&e);
}

/* Is queue_dir_path(NULL) want?  (No assert: also run in a child.) */
static int
path_is(const char *want)
{
	char *p = queue_dir_path(NULL);
	int ok = p != NULL && strcmp(p, want) == 0;

	free(p);
	return ok;
}

/* queue_dir_path() for a user that is not root: 0, or the failed step. */
static int
check_user_paths(void)
{
	struct passwd *pw;
	char *w;
	int ok;

	setenv("XDG_STATE_HOME", "/xdg/state", 1);
	setenv("HOME", "/home/someone", 1);
	if (!path_is("/xdg/state/facteur/queue"))
		return 1;
	/* A relative XDG_STATE_HOME is ignored (the spec says so). */
	setenv("XDG_STATE_HOME", "relative", 1);
	if (!path_is("/home/someone/.local/state/facteur/queue"))
		return 2;
	unsetenv("XDG_STATE_HOME");
	unsetenv("HOME");
	pw = getpwuid(getuid());
	w = xasprintf("%s/.local/state/facteur/queue", pw != NULL ?
	    pw->pw_dir : "/");
	ok = path_is(w);
	free(w);
	return ok ? 0 : 3;
}

static void
test_dir_path(void **state)
{
	char *p;
	int status;
	pid_t pid;

	(void)state;
	p = queue_dir_path("/some/where");
	assert_string_equal(p, "/some/where");
	free(p);
	if (geteuid() != 0) {
		assert_int_equal(check_user_paths(), 0);
		return;
	}
	p = queue_dir_path(NULL);
	assert_string_equal(p, LOCALSTATEDIR "/spool/facteur/queue");
	assert_string_equal(p, QUEUE_SYSTEM_DIR);
	free(p);
	/* Another user's view, from a child that becomes nobody. */
	pid = fork();
	assert_int_not_equal(pid, -1);
	if (pid == 0) {
		if (setuid(65534) < 0)
			_exit(99);
		_exit(check_user_paths());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
test_open(void **state)
{
	struct queue q;
	struct qmsg m;
	struct qenv e;
	struct errinfo ei;
	struct stat st;
	char **ids, *p, *l;
	size_t n;
	off_t size;

	(void)state;
	/* Missing, without create: an empty queue. */
	p = xasprintf("%s/missing/a/b", tmpdir);
	err_clear(&ei);
	assert_int_equal(queue_open(&q, p, 0, &ei), 0);
	assert_int_equal(q.dfd, -1);
	assert_int_equal(queue_list(&q, &ids, &n, &ei), 0);
	assert_int_equal(n, 0);
	assert_int_equal(queue_lock(&q, "x", 0, &m, &ei), 0);
	assert_int_equal(m.fd, -1);
	assert_int_equal(queue_peek(&q, "x", &e, &size, &ei), -1);
	assert_int_equal(ei.st, ST_NOINPUT);
	assert_int_equal(queue_clean(&q, 0), 0);
	assert_int_equal(queue_sync(&q, &ei), 0);
	queue_close(&q);
	assert_int_equal(exists(p), 0);
	/* With create: made with its parents, mode 0700. */
	assert_int_equal(queue_open(&q, p, 1, &ei), 0);
	assert_true(q.dfd >= 0);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	queue_close(&q);
	/* Opened again, already there. */
	assert_int_equal(queue_open(&q, p, 1, &ei), 0);
	queue_close(&q);
	/* A symbolic link in its place is refused. */
	l = xasprintf("%s/linked", tmpdir);
	assert_int_equal(symlink(p, l), 0);
	assert_int_equal(queue_open(&q, l, 0, &ei), -1);
	assert_int_equal(ei.st, ST_CANTCREAT);
	assert_non_null(strstr(ei.msg, "symbolic link"));
	assert_int_equal(queue_open(&q, l, 1, &ei), -1);
	assert_null(q.dir);
	assert_int_equal(q.dfd, -1);
	queue_close(&q);
	/* So is one others may write to. */
	assert_int_equal(chmod(p, 0777), 0);
	assert_int_equal(queue_open(&q, p, 0, &ei), -1);
	assert_non_null(strstr(ei.msg, "writable by others"));
	assert_int_equal(chmod(p, 0700), 0);
	/* And a file. */
	free(l);
	l = xasprintf("%s/afile", tmpdir);
	assert_int_equal(close(open(l, O_WRONLY | O_CREAT, 0600)), 0);
	assert_int_equal(queue_open(&q, l, 0, &ei), -1);
	assert_int_equal(ei.st, ST_CANTCREAT);
	free(l);
	free(p);
}

static const char msg1[] =
    "From: Me <me@example.org>\n"
    "To: you@example.org\n"
    "Subject: caf\xc3\xa9\n"
    " folded\n"
    "\n"
    "line one\n"
    ".a dot line\n"
    "..two dots\n"
    ".\n"
    "bare CR\rCR LF\r\n"
    "\n"
    "8-bit: \xe9t\xe9\n"
    "no line end at the end.";

static void
test_put_back(void **state)
{
	static const struct {
		const char *text;
		size_t len;
	} cases[] = {
		{ msg1, sizeof(msg1) - 1 },
		{ "Subject: no body\n", 17 },
		{ "Subject: empty body\n\n", 21 },
		{ "no header at all\n.dot\n", 22 },
		{ "", 0 },
	};
	struct queue q;
	struct qenv e, p;
	struct errinfo ei;
	struct stat st;
	char **ids, *f;
	size_t i, n;
	off_t size;

	(void)state;
	open_new(&q, "putback");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		envelope(&e);
		put_text(&q, &e, cases[i].text, cases[i].len);
		assert_true(e.id[0] != '\0');
		err_clear(&ei);
		assert_int_equal(queue_list(&q, &ids, &n, &ei), 0);
		assert_int_equal(n, 1);
		assert_string_equal(ids[0], e.id);
		queue_ids_free(ids, n);
		/* Both files private, no temporary file left. */
		f = qfile(&q, e.id, ".msg");
		assert_int_equal(stat(f, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0600);
		assert_int_equal(st.st_nlink, 1);
		free(f);
		f = qfile(&q, e.id, ".env");
		assert_int_equal(stat(f, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0600);
		free(f);
		assert_int_equal(qexists(&q, e.id, ".msg.tmp"), 0);
		assert_int_equal(qexists(&q, e.id, ".env.tmp"), 0);
		/* Peek, without a lock. */
		assert_int_equal(queue_peek(&q, e.id, &p, &size, &ei), 0);
		qenv_assert_same(&e, &p);
		f = qfile(&q, e.id, ".msg");
		assert_int_equal(stat(f, &st), 0);
		assert_int_equal(size, st.st_size);
		free(f);
		qenv_free(&p);
		check_back(&q, e.id, cases[i].text, cases[i].len);
		f = qfile(&q, e.id, ".env");
		unlink(f);
		free(f);
		f = qfile(&q, e.id, ".msg");
		unlink(f);
		free(f);
		qenv_free(&e);
	}
	queue_close(&q);
}

/* ID.msg as written: the header, an empty line, the wire body. */
static void
test_msg_file(void **state)
{
	static const char want[] = "Subject: x\n\n.. dot\r\nend\r\n";
	struct queue q;
	struct qenv e;
	char buf[256], *f;
	ssize_t n;
	int fd;

	(void)state;
	open_new(&q, "msgfile");
	envelope(&e);
	put_text(&q, &e, "Subject: x\n\n. dot\nend", 21);
	f = qfile(&q, e.id, ".msg");
	fd = open(f, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf));
	assert_int_equal(n, sizeof(want) - 1);
	assert_memory_equal(buf, want, sizeof(want) - 1);
	close(fd);
	free(f);
	qenv_free(&e);
	queue_close(&q);
}

static void
test_not_a_message(void **state)
{
	struct queue q;
	struct qenv e;
	struct qmsg m;
	struct spool sp;
	struct errinfo ei;
	char *f, *big;
	int fd;

	(void)state;
	open_new(&q, "notmsg");
	envelope(&e);
	put_text(&q, &e, "Subject: x\n\nbody\n", 17);
	f = qfile(&q, e.id, ".msg");
	/* No empty line at all. */
	fd = open(f, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "Subject: x\nbody\r\n", 17), 17);
	close(fd);
	err_clear(&ei);
	assert_int_equal(queue_lock(&q, e.id, 0, &m, &ei), 1);
	spool_init(&sp, -1);
	assert_int_equal(queue_spool(&m, &sp, &ei), -1);
	assert_int_equal(ei.st, ST_DATA);
	spool_free(&sp);
	/* An empty line, but past QUEUE_HEADER_MAX. */
	big = xmalloc(QUEUE_HEADER_MAX + 10);
	memset(big, 'x', QUEUE_HEADER_MAX + 10);
	big[QUEUE_HEADER_MAX + 7] = '\n';
	big[QUEUE_HEADER_MAX + 8] = '\n';
	assert_int_equal(pwrite(m.fd, big, QUEUE_HEADER_MAX + 10, 0),
	    QUEUE_HEADER_MAX + 10);
	spool_init(&sp, -1);
	err_clear(&ei);
	assert_int_equal(queue_spool(&m, &sp, &ei), -1);
	assert_int_equal(ei.st, ST_DATA);
	spool_free(&sp);
	/* Just within it: read. */
	assert_int_equal(ftruncate(m.fd, 0), 0);
	big[QUEUE_HEADER_MAX - 1] = '\n';
	big[QUEUE_HEADER_MAX] = '\n';
	assert_int_equal(pwrite(m.fd, big, QUEUE_HEADER_MAX + 1, 0),
	    QUEUE_HEADER_MAX + 1);
	spool_init(&sp, -1);
	assert_int_equal(queue_spool(&m, &sp, &ei), 0);
	assert_int_equal(sp.hdr.len, QUEUE_HEADER_MAX);
	assert_int_equal(sp.wire_len, 0);
	spool_free(&sp);
	/* A NUL in the header. */
	assert_int_equal(pwrite(m.fd, "Sub\0ject: x\n\n", 13, 0), 13);
	assert_int_equal(ftruncate(m.fd, 13), 0);
	spool_init(&sp, -1);
	assert_int_equal(queue_spool(&m, &sp, &ei), -1);
	assert_int_equal(ei.st, ST_DATA);
	spool_free(&sp);
	queue_unlock(&m);
	free(big);
	free(f);
	qenv_free(&e);
	queue_close(&q);
}

static void
test_update_remove(void **state)
{
	struct queue q;
	struct qenv e, p;
	struct qmsg m;
	struct errinfo ei;
	char **ids;
	size_t n;
	off_t size;

	(void)state;
	open_new(&q, "update");
	envelope(&e);
	put_text(&q, &e, msg1, sizeof(msg1) - 1);
	err_clear(&ei);
	assert_int_equal(queue_lock(&q, e.id, 0, &m, &ei), 1);
	m.env.attempts = 2;
	m.env.next = 1733216400;
	qenv_set_text(m.env.error, "451 try later", 13);
	m.env.rcpt[0].state = QENV_DONE;
	assert_int_equal(queue_update(&q, &m, &ei), 0);
	queue_unlock(&m);
	assert_int_equal(m.fd, -1);
	assert_int_equal(queue_peek(&q, e.id, &p, &size, &ei), 0);
	assert_int_equal(p.attempts, 2);
	assert_int_equal(p.next, 1733216400);
	assert_string_equal(p.error, "451 try later");
	assert_int_equal(p.rcpt[0].state, QENV_DONE);
	assert_int_equal(p.rcpt[1].state, QENV_TODO);
	qenv_free(&p);
	assert_int_equal(qexists(&q, e.id, ".env.tmp"), 0);
	/* The message did not change. */
	check_back(&q, e.id, msg1, sizeof(msg1) - 1);
	/* Removed: both files gone, no longer lockable or listed. */
	assert_int_equal(queue_lock(&q, e.id, 0, &m, &ei), 1);
	assert_int_equal(queue_remove(&q, &m, &ei), 0);
	assert_int_equal(m.fd, -1);
	assert_int_equal(queue_sync(&q, &ei), 0);
	assert_int_equal(qexists(&q, e.id, ".env"), 0);
	assert_int_equal(qexists(&q, e.id, ".msg"), 0);
	assert_int_equal(queue_lock(&q, e.id, 0, &m, &ei), 0);
	assert_int_equal(queue_lock(&q, e.id, 1, &m, &ei), 0);
	assert_int_equal(queue_peek(&q, e.id, &p, &size, &ei), -1);
	assert_int_equal(ei.st, ST_NOINPUT);
	assert_int_equal(queue_list(&q, &ids, &n, &ei), 0);
	assert_int_equal(n, 0);
	/* Ids that are not ids never reach a path. */
	assert_int_equal(queue_lock(&q, "../update/x", 0, &m, &ei), 0);
	assert_int_equal(queue_lock(&q, ".hidden", 0, &m, &ei), 0);
	qenv_free(&e);
	queue_close(&q);
}

static void
test_broken_env(void **state)
{
	struct queue q;
	struct qenv e;
	struct qmsg m;
	struct errinfo ei;
	char *f;
	FILE *fp;

	(void)state;
	open_new(&q, "broken");
	envelope(&e);
	put_text(&q, &e, msg1, sizeof(msg1) - 1);
	f = qfile(&q, e.id, ".env");
	fp = fopen(f, "w");
	fputs("facteur-queue 1\nid x\n", fp);
	fclose(fp);
	err_clear(&ei);
	assert_int_equal(queue_lock(&q, e.id, 0, &m, &ei), -1);
	assert_int_equal(ei.st, ST_DATA);
	assert_non_null(strstr(ei.msg, f));
	assert_int_equal(m.fd, -1);
	free(f);
	qenv_free(&e);
	queue_close(&q);
}

/* A child that locks id, says so on `ready`, and waits for `go`. */
static pid_t
holder(struct queue *q, const char *id, int *ready_r, int *go_r)
{
	int ready[2], go[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_int_not_equal(pid, -1);
	if (pid == 0) {
		struct qmsg m;
		struct errinfo ei;

		close(ready[0]);
		close(go[1]);
		if (queue_lock(q, id, 1, &m, &ei) != 1)
			_exit(1);
		if (write(ready[1], "l", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(2);
		queue_unlock(&m);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	*ready_r = ready[0];
	*go_r = go[1];
	return pid;
}

static void
reap(pid_t pid, int want)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), want);
}

static void
test_lock_shared(void **state)
{
	struct queue q;
	struct qenv e;
	struct qmsg m;
	struct errinfo ei;
	int ready, go;
	pid_t pid;

	(void)state;
	open_new(&q, "locks");
	envelope(&e);
	put_text(&q, &e, msg1, sizeof(msg1) - 1);
	pid = holder(&q, e.id, &ready, &go);
	/* Held by the child: given up at once. */
	err_clear(&ei);
	assert_int_equal(queue_lock(&q, e.id, 0, &m, &ei), 0);
	assert_int_equal(m.fd, -1);
	/* And clean never takes a locked message. */
	assert_int_equal(queue_clean(&q, 4000000000LL), 0);
	assert_int_equal(write(go, "g", 1), 1);
	reap(pid, 0);
	close(ready);
	close(go);
	/* Released: ours. */
	assert_int_equal(queue_lock(&q, e.id, 0, &m, &ei), 1);
	queue_unlock(&m);
	/* Waiting: we get it once the child lets go. */
	pid = holder(&q, e.id, &ready, &go);
	assert_int_equal(write(go, "g", 1), 1);
	assert_int_equal(queue_lock(&q, e.id, 1, &m, &ei), 1);
	queue_unlock(&m);
	reap(pid, 0);
	close(ready);
	close(go);
	qenv_free(&e);
	queue_close(&q);
}

/*
 * A process that opened ID.msg before the message was removed, and gets
 * the lock after, finds it gone.
 */
static void
test_lock_after_remove(void **state)
{
	struct queue q;
	struct qenv e;
	struct qmsg m;
	struct errinfo ei;
	char want[64], line[256];
	pid_t pid;
	FILE *fp;
	int found, tries;

	(void)state;
	open_new(&q, "lockrm");
	envelope(&e);
	put_text(&q, &e, msg1, sizeof(msg1) - 1);
	err_clear(&ei);
	assert_int_equal(queue_lock(&q, e.id, 0, &m, &ei), 1);
	pid = fork();
	assert_int_not_equal(pid, -1);
	if (pid == 0) {
		struct qmsg m2;
		int r;

		/* Not the parent's lock: flock() is per open file. */
		close(m.fd);
		r = queue_lock(&q, e.id, 1, &m2, &ei);

		_exit(r == 0 && m2.fd == -1 ? 0 : 10 + r);
	}
	/* Wait until the child waits in flock() (/proc/locks: "->"). */
	for (found = tries = 0; !found && tries < 300; tries++) {
		usleep(10000);
		if ((fp = fopen("/proc/locks", "r")) == NULL)
			continue;
		snprintf(want, sizeof(want), "-> FLOCK  ADVISORY  WRITE %ld ",
		    (long)pid);
		while (fgets(line, sizeof(line), fp) != NULL)
			if (strstr(line, want) != NULL)
				found = 1;
		fclose(fp);
	}
	if (!found)
		print_message("# no blocked flock() seen in /proc/locks\n");
	assert_int_equal(queue_remove(&q, &m, &ei), 0);
	reap(pid, 0);
	qenv_free(&e);
	queue_close(&q);
}

/* An empty file tmpdir/name with its times set to t. */
static void
touch(const struct queue *q, const char *name, time_t t)
{
	struct timespec ts[2];
	char *p = xasprintf("%s/%s", q->dir, name);
	int fd = open(p, O_WRONLY | O_CREAT, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x\n", 2), 2);
	ts[0].tv_sec = ts[1].tv_sec = t;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	assert_int_equal(futimens(fd, ts), 0);
	close(fd);
	free(p);
}

static void
set_time(const struct queue *q, const char *id, const char *ext, time_t t)
{
	struct timespec ts[2];
	char *p = qfile(q, id, ext);

	ts[0].tv_sec = ts[1].tv_sec = t;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	assert_int_equal(utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW), 0);
	free(p);
}

static void
test_clean(void **state)
{
	const time_t now = 1733212800, old = now - QUEUE_ORPHAN_AGE - 1,
	    young = now - QUEUE_ORPHAN_AGE + 60;
	struct queue q;
	struct qenv e, locked;
	struct qmsg m;
	struct errinfo ei;
	char **ids;
	size_t n;
	int ready, go;
	pid_t pid;

	(void)state;
	open_new(&q, "clean");
	/* A queued message, old: kept. */
	envelope(&e);
	put_text(&q, &e, msg1, sizeof(msg1) - 1);
	set_time(&q, e.id, ".msg", old);
	set_time(&q, e.id, ".env", old);
	/* An orphan, locked by someone: kept. */
	envelope(&locked);
	put_text(&q, &locked, "Subject: l\n\nx\n", 14);
	set_time(&q, locked.id, ".msg", old);
	pid = holder(&q, locked.id, &ready, &go);
	{
		char *p = qfile(&q, locked.id, ".env");

		unlink(p);
		free(p);
	}
	/* Crash leftovers. */
	touch(&q, "20241203T080000-1-aaaaaa.msg", old);
	touch(&q, "20241203T080000-2-aaaaaa.msg", young);
	touch(&q, "20241203T080000-3-aaaaaa.msg.tmp", old);
	touch(&q, "20241203T080000-4-aaaaaa.env.tmp", old);
	touch(&q, "20241203T080000-5-aaaaaa.env.tmp", young);
	touch(&q, "20241203T080000-6-aaaaaa.msg.tmp", young);
	/* What is not ours: kept. */
	touch(&q, "notes.txt", old);
	touch(&q, ".hidden.msg", old);
	/* An envelope without its message is not an orphan message. */
	touch(&q, "20241203T080000-7-aaaaaa.env", old);

	/* Unlocked orphan messages go whatever their age (a put holds
	 * its message's lock); temporary files once old. */
	assert_int_equal(queue_clean(&q, now), 4);
	assert_int_equal(qexists(&q, "20241203T080000-1-aaaaaa", ".msg"), 0);
	assert_int_equal(qexists(&q, "20241203T080000-2-aaaaaa", ".msg"), 0);
	assert_int_equal(qexists(&q, "20241203T080000-3-aaaaaa", ".msg.tmp"),
	    0);
	assert_int_equal(qexists(&q, "20241203T080000-4-aaaaaa", ".env.tmp"),
	    0);
	assert_int_equal(qexists(&q, "20241203T080000-5-aaaaaa", ".env.tmp"),
	    1);
	assert_int_equal(qexists(&q, "20241203T080000-6-aaaaaa", ".msg.tmp"),
	    1);
	assert_int_equal(qexists(&q, "notes", ".txt"), 1);
	assert_int_equal(qexists(&q, ".hidden", ".msg"), 1);
	assert_int_equal(qexists(&q, "20241203T080000-7-aaaaaa", ".env"), 1);
	assert_int_equal(qexists(&q, e.id, ".msg"), 1);
	assert_int_equal(qexists(&q, e.id, ".env"), 1);
	assert_int_equal(qexists(&q, locked.id, ".msg"), 1);
	/* Nothing more to do. */
	assert_int_equal(queue_clean(&q, now), 0);
	/* Once unlocked, the orphan goes. */
	assert_int_equal(write(go, "g", 1), 1);
	reap(pid, 0);
	close(ready);
	close(go);
	assert_int_equal(queue_clean(&q, now), 1);
	assert_int_equal(qexists(&q, locked.id, ".msg"), 0);
	/* Later, the young temporary files too; the queued message stays. */
	assert_int_equal(queue_clean(&q, now + 3600), 2);
	err_clear(&ei);
	assert_int_equal(queue_list(&q, &ids, &n, &ei), 0);
	assert_int_equal(n, 2);
	queue_ids_free(ids, n);
	check_back(&q, e.id, msg1, sizeof(msg1) - 1);
	assert_int_equal(queue_lock(&q, e.id, 0, &m, &ei), 1);
	queue_unlock(&m);
	qenv_free(&e);
	qenv_free(&locked);
	queue_close(&q);
}

/* A several-MB message, with dot lines, 8-bit bytes, bare ends. */
static char *
big_text(size_t *len_r)
{
	struct buf b;
	size_t i;
	char *text;

	buf_init(&b, BIG_MAX);
	buf_addstr(&b, "From: me@example.org\nSubject: big\n\n");
	for (i = 0; b.len < 6 * 1024 * 1024; i++) {
		assert_int_equal(buf_printf(&b, "%sline %zu caf\xc3\xa9%s",
		    i % 7 == 0 ? "." : "", i, i % 11 == 0 ? "\r" : "\n"), 0);
	}
	text = buf_detach(&b, len_r);
	buf_free(&b);		/* buf_detach() inits it again */
	return text;
}

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* After a kill: every envelope has its message, whole. */
static int
check_after_kill(struct queue *q, const char *text, size_t len)
{
	struct errinfo ei;
	struct qmsg m;
	char **ids;
	size_t i, n;
	int queued = 0;

	err_clear(&ei);
	assert_int_equal(queue_list(q, &ids, &n, &ei), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(qexists(q, ids[i], ".msg"), 1);
		check_back(q, ids[i], text, len);
		assert_int_equal(queue_lock(q, ids[i], 0, &m, &ei), 1);
		assert_int_equal(queue_remove(q, &m, &ei), 0);
		queued++;
	}
	queue_ids_free(ids, n);
	/* The leftovers, as if an hour later. */
	queue_clean(q, (long long)time(NULL) + QUEUE_ORPHAN_AGE + 1);
	return queued;
}

static void
test_kill(void **state)
{
	struct queue q;
	struct qenv e;
	struct spool sp;
	struct errinfo ei;
	char *text;
	size_t len;
	double t0, took = 0;
	int k, queued = 0, status;
	pid_t pid;

	(void)state;
	text = big_text(&len);
	open_new(&q, "kill");
	spool_text(&sp, text, len);
	/* How long a child takes to put it, from fork() to its end. */
	for (k = -1; k < 20; k++) {
		t0 = seconds();
		pid = fork();
		assert_int_not_equal(pid, -1);
		if (pid == 0) {
			envelope(&e);
			_exit(queue_put(&q, &e, &sp.hdr, &sp, &ei) < 0);
		}
		if (k < 0) {
			reap(pid, 0);
			took = seconds() - t0;
			assert_int_equal(check_after_kill(&q, text, len), 1);
			continue;
		}
		/* 0 to a little more than it takes. */
		usleep((useconds_t)(took * 1e6 * k / 19 * 1.1));
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status) || (WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0));
		queued += check_after_kill(&q, text, len);
	}
	print_message("# one put %.3f s; %d of 20 done before the kill\n", took,
	    queued);
	spool_free(&sp);
	free(text);
	queue_close(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_id),
		cmocka_unit_test(test_dir_path),
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_put_back),
		cmocka_unit_test(test_msg_file),
		cmocka_unit_test(test_not_a_message),
		cmocka_unit_test(test_update_remove),
		cmocka_unit_test(test_broken_env),
		cmocka_unit_test(test_lock_shared),
		cmocka_unit_test(test_lock_after_remove),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_kill),
	};

	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
