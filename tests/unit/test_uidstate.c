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
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmpdir.h"

#include "buf.h"
#include "uidstate.h"
#include "xalloc.h"


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

/* Text of file + journal as the next open reads it, sorted: "=ID V N NAME"
 * lines, then "SEEN KEY [FP]"; "-" when the file is malformed. */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
effective(const char *path)
{
	char *jpath = xasprintf("%s.journal", path), *f = slurp(path),
	    *j = slurp(jpath), **lines, *r;
	struct uidstate u;
	struct errinfo ei;
	struct buf b;
	size_t i, n = 0;

	fresh(&u);
	if (uidstate_load(&u, path, f, strlen(f), jpath, j, strlen(j), NULL,
	    &ei) < 0) {
		uidstate_close(&u);
		free(f);
		free(j);
		free(jpath);
		return xstrdup("-");
	}
	lines = xcalloc(u.n + u.nf + 1, sizeof(*lines));
	buf_init(&b, 1 << 20);
	for (i = 0; i < u.nf; i++) {
		buf_reset(&b);
		uidstate_folder_line(&b, u.f[i]);
		lines[n++] = xstrdup(b.data);
	}
	for (i = 0; i < u.n; i++) {
		if (u.v[i].gone)
			continue;
		buf_reset(&b);
		uidstate_entry_line(&b, &u.v[i]);
		lines[n++] = xstrdup(b.data);
	}
	qsort(lines, n, sizeof(*lines), cmp_str);
	buf_reset(&b);
	for (i = 0; i < n; i++) {
		buf_addstr(&b, lines[i]);
		free(lines[i]);
	}
	r = xstrdup(b.data);
	buf_free(&b);
	free(lines);
	uidstate_close(&u);
	free(f);
	free(j);
	free(jpath);
	return r;
}

static void
put(const char *path, const char *mode, const char *text)
{
	FILE *f = fopen(path, mode);

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_deletions(void **state)
{
	char *path = xasprintf("%s/st/u.uids", tmpdir), *jpath, *s;
	struct uidstate u;
	struct errinfo ei;

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
	assert_string_equal(s, "#journal 1\n10 one\n20 two\n30 three\n"
	    "- one\n- two\n");
	free(s);
	/* QUIT refused: the deletions were undone, the UIDs stay. */
	uidstate_deletions_done(&u, 0);
	assert_non_null(uidstate_find(&u, "one"));
	/* No file yet: the save makes it, and folds the journal. */
	assert_int_equal(uidstate_save(&u, 0, &ei), 0);
	assert_int_equal(u.nrewrite, 1);
	uidstate_close(&u);
	s = slurp(path);
	assert_non_null(strstr(s, "\n#folded 1\n"));
	assert_non_null(strstr(s, "\n10 one\n20 two\n30 three\n"));
	free(s);
	assert_int_equal(access(jpath, F_OK), -1);

	/* QUIT +OK: forgotten, in the journal only. */
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	uidstate_deleted(&u, "one");
	assert_int_equal(uidstate_deletions_pending(&u, &ei), 0);
	uidstate_deletions_done(&u, 1);
	assert_null(uidstate_find(&u, "one"));
	assert_int_equal(uidstate_save(&u, 0, &ei), 0);
	assert_int_equal(u.nrewrite, 0);
	assert_int_equal(u.nsync, 1);
	uidstate_close(&u);
	s = slurp(jpath);
	assert_string_equal(s, "#journal 2\n- one\n");
	free(s);
	s = effective(path);
	assert_string_equal(s, "20 two\n30 three\n");
	free(s);

	/*
	 * A crash after '- two' was journaled, with a cut line after it:
	 * the next open forgets two, skips the cut line and folds the
	 * journal into the file before anything is appended.
	 */
	put(jpath, "a", "- two\n40 four\n50 fi");
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	assert_int_equal(u.skipped, 1);
	assert_int_equal(u.nrewrite, 1);
	assert_null(uidstate_find(&u, "one"));
	assert_null(uidstate_find(&u, "two"));
	assert_non_null(uidstate_find(&u, "four"));
	assert_null(uidstate_find(&u, "fi"));
	assert_int_equal(access(jpath, F_OK), -1);
	assert_int_equal(uidstate_record(&u, "six", 60, &ei), 0);
	uidstate_close(&u);
	s = slurp(jpath);
	assert_string_equal(s, "#journal 3\n60 six\n");
	free(s);
	s = effective(path);
	assert_string_equal(s, "30 three\n40 four\n60 six\n");
	free(s);
	free(path);
	free(jpath);
}

/* Folder lines: escaping both ways, replacement by name, update by ID. */
static void
test_folders(void **state)
{
	static const char *names[] = {
		"INBOX", "a b", "x\ny", "50%", "caf\xc3\xa9/\xe2\x82\xac",
		"\x01\x1f\x7f%%", "Lists/*", "=1 2 3 x",
	};
	static const char *bad[] = {
		"=0 1 1 x", "=1 0 1 x", "=1 1 1 ", "=1 1 1", "=1 1 1 a b",
		"=1 1 1 %4", "=1 1 1 %4g", "=1 1 1 %00", "=01 1 1 x",
		"=1 1 4294967296 x", "=1000000000 1 1 x", "= 1 1 x",
		"=1 1 1 a\tb", "=1 -1 1 x", "=1 1  x",
	};
	struct uidstate u, w;
	struct errinfo ei;
	struct buf b;
	struct uidfolder g;
	size_t i;
	char line[64];
	const char *text;

	(void)state;
	buf_init(&b, 1 << 20);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		g.name = (char *)(uintptr_t)names[i];
		g.id = (unsigned)i + 1;
		g.uidvalidity = 4294967295U;
		g.uidnext = (uint32_t)i;
		buf_reset(&b);
		uidstate_folder_line(&b, &g);
		/* One token: no byte below 0x21 but the spaces between. */
		assert_null(strchr(strchr(strchr(strchr(b.data, ' ') + 1,
		    ' ') + 1, ' ') + 1, ' '));
		fresh(&u);
		assert_int_equal(uidstate_parse(&u, "f", b.data, b.len, 0, &ei),
		    0);
		assert_int_equal(u.nf, 1);
		assert_string_equal(u.f[0]->name, names[i]);
		assert_int_equal(u.f[0]->id, i + 1);
		assert_int_equal(u.f[0]->uidvalidity, 4294967295U);
		assert_int_equal(u.f[0]->uidnext, i);
		assert_int_equal(u.maxid, i + 1);
		uidstate_close(&u);
	}
	buf_free(&b);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fresh(&u);
		snprintf(line, sizeof(line), "%s\n", bad[i]);
		if (uidstate_parse(&u, "f", line, strlen(line), 0, &ei) == 0)
			fail_msg("accepted '%s'", bad[i]);
		assert_int_equal(ei.st, ST_CONFIG);
		uidstate_close(&u);
	}

	/*
	 * A later line of the same name and another ID replaces the
	 * folder (a new UIDVALIDITY); one of the same ID updates it (even
	 * its name), but may not change its UIDVALIDITY; maxid stays the
	 * highest ever seen.
	 */
	fresh(&u);
	text = "=1 5 10 INBOX\n=2 7 3 Sent\n=4 8 1 Old\n=3 6 1 INBOX\n"
	    "=2 7 9 Sent%20Items\n";
	assert_int_equal(uidstate_parse(&u, "f", text, strlen(text), 0, &ei),
	    0);
	assert_int_equal(u.nf, 3);
	assert_null(uidstate_folder(&u, "Sent"));
	assert_int_equal(uidstate_folder(&u, "INBOX")->id, 3);
	assert_int_equal(uidstate_folder(&u, "INBOX")->uidvalidity, 6);
	assert_int_equal(uidstate_folder(&u, "Sent Items")->uidnext, 9);
	assert_int_equal(uidstate_folder(&u, "Old")->id, 4);
	assert_null(uidstate_folder_by_id(&u, 1));
	text = "=3 6 2 Old\n";
	assert_int_equal(uidstate_parse(&u, "f", text, strlen(text), 0, &ei),
	    0);
	assert_int_equal(u.nf, 2);
	assert_null(uidstate_folder_by_id(&u, 4));
	assert_string_equal(uidstate_folder(&u, "Old")->name, "Old");
	assert_int_equal(uidstate_folder(&u, "Old")->id, 3);
	assert_null(uidstate_folder(&u, "INBOX"));
	assert_int_equal(u.maxid, 4);
	assert_int_equal(uidstate_new_folder_id(&u), 5);
	assert_int_equal(uidstate_new_folder_id(&u), 6);
	/* A replaced ID never comes back (its entries are the old ones). */
	text = "=1 5 11 New\n";
	assert_int_equal(uidstate_parse(&u, "f", text, strlen(text), 0, &ei),
	    -1);
	assert_null(uidstate_folder_by_id(&u, 1));
	assert_int_equal(uidstate_parse(&u, "f", "=3 7 2 Old\n", 11, 0, &ei),
	    -1);
	assert_int_equal(uidstate_parse(&u, "j", "=3 7 2 Old\n", 11, 1, &ei),
	    0);
	assert_int_equal(u.skipped, 1);
	assert_int_equal(uidstate_folder_by_id(&u, 3)->uidvalidity, 6);
	/* "#maxid" and the keys of folders reserve IDs too. */
	fresh(&w);
	text = "#maxid 9\n1 12:5\n1 7:x\n";
	assert_int_equal(uidstate_parse(&w, "f", text, strlen(text), 0, &ei),
	    0);
	assert_int_equal(w.maxid, 12);
	assert_int_equal(uidstate_find(&w, "12:5")->folder, 12);
	assert_int_equal(uidstate_find(&w, "7:x")->folder, 0);
	uidstate_close(&w);
	fresh(&w);
	text = "=2 1 1 a\n#maxid 9\n#maxid 1000000000\n#maxid 3\n";
	assert_int_equal(uidstate_parse(&w, "f", text, strlen(text), 0, &ei),
	    0);
	assert_int_equal(w.maxid, 9);
	uidstate_close(&w);
	uidstate_close(&u);
}

/* Keys, and fingerprints on entry lines. */
static void
test_keys(void **state)
{
	static const struct {
		const char *line;
		int ok;
		uint64_t fp;
	} t[] = {
		{ "5 1:2 00000000000000ff", 1, 0xff },
		{ "5 1:2 FFFFFFFFFFFFFFFF", 1, UINT64_MAX },
		{ "5 uid-a 0123456789abcdef", 1, UINT64_C(0x0123456789abcdef) },
		{ "5 uid-a", 1, 0 },
		{ "5 1:2 ff", 0, 0 },
		{ "5 1:2 00000000000000fff", 0, 0 },
		{ "5 1:2 000000000000000g", 0, 0 },
		{ "5 1:2 ", 0, 0 },
		{ "5 1:2 0000000000000001 x", 0, 0 },
		{ "- 1:2 0000000000000001", 0, 0 },
	};
	struct uidstate u;
	struct errinfo ei;
	struct uident e;
	struct buf b;
	char key[UIDSTATE_KEY_SIZE], line[128];
	size_t i;

	(void)state;
	uidstate_key(key, sizeof(key), UIDSTATE_ID_MAX, UINT32_MAX);
	assert_string_equal(key, "999999999:4294967295");
	uidstate_key(key, sizeof(key), 3, 17);
	assert_string_equal(key, "3:17");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		fresh(&u);
		snprintf(line, sizeof(line), "%s\n", t[i].line);
		assert_int_equal(uidstate_parse(&u, "f", line, strlen(line), 0,
		    &ei), t[i].ok ? 0 : -1);
		if (t[i].ok)
			assert_true(u.v[0].fp == t[i].fp);
		uidstate_close(&u);
	}
	/* Written and read back; a later fingerprint wins, 0 keeps it. */
	memset(&e, 0, sizeof(e));
	e.uid = key;
	e.seen = 1700000000;
	e.fp = UINT64_C(0xfedcba9876543210);
	buf_init(&b, 4096);
	uidstate_entry_line(&b, &e);
	assert_string_equal(b.data, "1700000000 3:17 fedcba9876543210\n");
	buf_addstr(&b, "1800000000 3:17\n");
	fresh(&u);
	assert_int_equal(uidstate_parse(&u, "f", b.data, b.len, 0, &ei), 0);
	assert_true(uidstate_find(&u, "3:17")->fp == e.fp);
	assert_int_equal(uidstate_find(&u, "3:17")->seen, 1700000000);
	assert_int_equal(uidstate_find(&u, "3:17")->folder, 3);
	assert_int_equal(uidstate_parse(&u, "f", "1 3:17 0000000000000007\n",
	    24, 0, &ei), 0);
	assert_true(uidstate_find(&u, "3:17")->fp == 7);
	assert_int_equal(uidstate_find(&u, "3:17")->seen, 1);
	uidstate_close(&u);
	buf_free(&b);
}

static void
stat_of(const char *path, struct stat *st)
{
	if (stat(path, st) < 0)
		memset(st, 0, sizeof(*st));
}

static void
assert_same_file(const struct stat *a, const struct stat *b)
{
	assert_int_equal(a->st_ino, b->st_ino);
	assert_int_equal(a->st_size, b->st_size);
	assert_int_equal(a->st_mtim.tv_sec, b->st_mtim.tv_sec);
	assert_int_equal(a->st_mtim.tv_nsec, b->st_mtim.tv_nsec);
}

/*
 * A few changes go to the journal only; a run with nothing new writes
 * nothing at all; a long journal makes the save rewrite the file.
 */
static void
test_journal_saves(void **state)
{
	char *path = xasprintf("%s/js/u.uids", tmpdir), *jpath, *s, key[32];
	struct uidstate u;
	struct errinfo ei;
	struct stat f0, j0, f1, j1;
	int i;

	(void)state;
	jpath = xasprintf("%s.journal", path);
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	for (i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "u%d", i);
		assert_int_equal(uidstate_record(&u, key, 100 + i, &ei), 0);
	}
	assert_int_equal(uidstate_save(&u, 1, &ei), 0);
	assert_int_equal(u.nrewrite, 1);	/* no file yet */
	uidstate_close(&u);

	/* Two new: appended to the journal, the file untouched. */
	stat_of(path, &f0);
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	for (i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "u%d", i);
		uidstate_find(&u, key)->present = 1;
	}
	assert_int_equal(uidstate_record(&u, "n1", 200, &ei), 0);
	assert_int_equal(uidstate_record(&u, "n2", 201, &ei), 0);
	u.last_login = 1700000000;	/* no LOGIN-DELAY: not worth a write */
	assert_int_equal(uidstate_save(&u, 1, &ei), 0);
	assert_int_equal(u.nrewrite, 0);
	assert_int_equal(u.nsync, 2);
	uidstate_close(&u);
	stat_of(path, &f1);
	assert_same_file(&f0, &f1);
	s = slurp(jpath);
	assert_string_equal(s, "#journal 2\n200 n1\n201 n2\n");
	free(s);

	/* Nothing new, everything still there: not one write, no fsync. */
	stat_of(jpath, &j0);
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	for (i = 0; i < (int)u.n; i++)
		u.v[i].present = 1;
	u.last_login = 1800000000;
	assert_int_equal(uidstate_sync(&u, &ei), 0);
	assert_int_equal(uidstate_deletions_pending(&u, &ei), 0);
	uidstate_deletions_done(&u, 1);
	assert_int_equal(uidstate_save(&u, 1, &ei), 0);
	assert_int_equal(u.nsync, 0);
	assert_int_equal(u.nrewrite, 0);
	uidstate_close(&u);
	stat_of(path, &f1);
	stat_of(jpath, &j1);
	assert_same_file(&f0, &f1);
	assert_same_file(&j0, &j1);

	/* A LOGIN-DELAY is worth one line; the same again is not. */
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	u.last_login = 1800000000;
	u.login_delay = 300;
	assert_int_equal(uidstate_save(&u, 0, &ei), 0);
	assert_int_equal(u.nsync, 1);
	assert_int_equal(uidstate_save(&u, 0, &ei), 0);
	assert_int_equal(u.nsync, 1);
	uidstate_close(&u);
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	assert_int_equal(u.last_login, 1800000000);
	assert_int_equal(u.login_delay, 300);
	assert_int_equal(u.jlines, 4);
	/* Pruned: "- KEY" lines; the journal stays short: no rewrite. */
	for (i = 0; i < 8; i++) {
		snprintf(key, sizeof(key), "u%d", i);
		uidstate_find(&u, key)->present = 1;
	}
	assert_int_equal(uidstate_save(&u, 1, &ei), 0);
	assert_int_equal(u.nrewrite, 0);
	uidstate_close(&u);
	s = slurp(jpath);
	assert_string_equal(s, "#journal 2\n200 n1\n201 n2\n"
	    "#login 1800000000 300\n- u8\n- u9\n- n1\n- n2\n");
	free(s);
	s = effective(path);
	assert_string_equal(s, "100 u0\n101 u1\n102 u2\n103 u3\n104 u4\n"
	    "105 u5\n106 u6\n107 u7\n");
	free(s);

	/*
	 * Group commit: records appended without fsync, one uidstate_sync()
	 * for all; past a quarter of the entries + 64 lines, the save
	 * rewrites the file and removes the journal.
	 */
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	for (i = 0; i < 59; i++) {
		snprintf(key, sizeof(key), "g%02d", i);
		assert_int_equal(uidstate_record_fp(&u, key, 300, (uint64_t)i,
		    0, &ei), 0);
	}
	assert_int_equal(u.nsync, 0);
	assert_int_equal(uidstate_sync(&u, &ei), 0);
	assert_int_equal(uidstate_sync(&u, &ei), 0);
	assert_int_equal(u.nsync, 1);
	/* 8 + 59 entries, 67 / 4 + 64 = 80 lines; the journal has 67. */
	assert_int_equal(u.jlines, 67);
	for (i = 0; i < (int)u.n; i++)
		u.v[i].present = 1;
	assert_int_equal(uidstate_save(&u, 1, &ei), 0);
	assert_int_equal(u.nrewrite, 0);
	/* 85 entries: 85 lines are not more than 85 / 4 + 64; 86 are. */
	for (i = 0; i < 18; i++) {
		snprintf(key, sizeof(key), "h%02d", i);
		assert_int_equal(uidstate_record_fp(&u, key, 400, 0, 0, &ei),
		    0);
	}
	assert_int_equal(uidstate_save(&u, 1, &ei), 0);
	assert_int_equal(u.nrewrite, 0);
	assert_int_equal(uidstate_record(&u, "h18", 400, &ei), 0);
	assert_int_equal(uidstate_save(&u, 1, &ei), 0);
	assert_int_equal(u.nrewrite, 1);
	assert_int_equal(access(jpath, F_OK), -1);
	uidstate_close(&u);
	s = slurp(path);
	assert_non_null(strstr(s, "\n#folded 2\n#login 1800000000 300\n"
	    "100 u0\n"));
	assert_non_null(strstr(s, "\n300 g58 000000000000003a\n400 h00\n"));
	assert_null(strstr(s, "n1"));
	free(s);
	s = effective(path);
	assert_int_equal(strlen(s), 8 * 7 + 8 + 58 * 25 + 19 * 8);
	free(s);
	free(path);
	free(jpath);
}

/* A state of many entries rewrites past UIDSTATE_JOURNAL_MAX lines. */
static void
test_journal_max(void **state)
{
	char *path = xasprintf("%s/jm/u.uids", tmpdir), key[32];
	struct uidstate u;
	struct errinfo ei;
	FILE *f;
	int i;

	(void)state;
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	uidstate_close(&u);
	f = fopen(path, "w");
	assert_non_null(f);
	for (i = 0; i < 40000; i++)
		fprintf(f, "1 k%d\n", i);
	fclose(f);
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	uidstate_present_folder(&u, 0);		/* no folder: nothing */
	for (i = 0; i < UIDSTATE_JOURNAL_MAX - 2; i++) {
		snprintf(key, sizeof(key), "n%d", i);
		assert_int_equal(uidstate_record_fp(&u, key, 2, 0, 0, &ei), 0);
	}
	for (i = 0; i < (int)u.n; i++)
		u.v[i].present = 1;
	assert_int_equal(uidstate_save(&u, 1, &ei), 0);
	assert_int_equal(u.nrewrite, 0);
	assert_int_equal(u.jlines, UIDSTATE_JOURNAL_MAX - 1);
	assert_int_equal(uidstate_record(&u, "one-more", 3, &ei), 0);
	assert_int_equal(uidstate_record(&u, "and-one", 3, &ei), 0);
	assert_int_equal(uidstate_save(&u, 1, &ei), 0);
	assert_int_equal(u.nrewrite, 1);
	uidstate_close(&u);
	free(path);
}

struct walk {
	struct uidstate *u;
	size_t seen, dead;
	struct errinfo ei;
};

/* Recognise the old UIDVALIDITY's messages by fingerprint. */
static void
walk_one(void *arg, struct uident *e)
{
	struct walk *w = arg;

	w->seen++;
	if (e->folder == 1 && e->fp == 0xaa) {
		w->dead++;
		/* Recording from the walk is allowed. */
		assert_int_equal(uidstate_record_fp(w->u, "3:40", e->seen,
		    e->fp, 0, &w->ei), 0);
	}
}

static void
count_one(void *arg, struct uident *e)
{
	size_t *n = arg;

	assert_int_equal(e->gone, 0);
	(*n)++;
}

/* uidstate_each() skips forgotten entries. */
static void
test_each(void **state)
{
	static const char text[] = "1 a\n2 b\n3 1:4\n- a\n";
	struct uidstate u;
	struct errinfo ei;
	size_t n = 0;

	(void)state;
	fresh(&u);
	assert_int_equal(uidstate_parse(&u, "j", text, sizeof(text) - 1, 1,
	    &ei), 0);
	uidstate_each(&u, count_one, &n);
	assert_int_equal(n, 2);
	uidstate_close(&u);
}

/*
 * A UIDVALIDITY change: the old ID's entries stay readable through the
 * session and go at the save that prunes (a rewrite); a folder not
 * listed keeps its entries; IMAP keys are deleted as POP3 UIDs are.
 */
static void
test_dead_folder(void **state)
{
	char *path = xasprintf("%s/df/u.uids", tmpdir), *s;
	struct uidstate u;
	struct errinfo ei;
	struct walk w;

	(void)state;
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	assert_int_equal(uidstate_new_folder_id(&u), 1);
	assert_int_equal(uidstate_folder_set(&u, "INBOX", 1, 5, 10, 1, &ei),
	    0);
	assert_int_equal(uidstate_folder_set(&u, "Sent", 2, 7, 3, 1, &ei), 0);
	assert_int_equal(uidstate_record_fp(&u, "1:8", 10, 0xaa, 0, &ei), 0);
	assert_int_equal(uidstate_record_fp(&u, "1:9", 11, 0xbb, 0, &ei), 0);
	assert_int_equal(uidstate_record_fp(&u, "2:1", 12, 0xcc, 0, &ei), 0);
	assert_int_equal(uidstate_record_fp(&u, "2:2", 13, 0xdd, 1, &ei), 0);
	assert_int_equal(u.nsync, 3);
	/* Unchanged: nothing written.  A new UIDVALIDITY needs a new ID. */
	assert_int_equal(uidstate_folder_set(&u, "INBOX", 1, 5, 10, 1, &ei),
	    0);
	assert_int_equal(u.nsync, 3);
	assert_int_equal(uidstate_folder_set(&u, "INBOX", 1, 6, 10, 1, &ei),
	    -1);
	assert_int_equal(ei.st, ST_SOFTWARE);
	assert_int_equal(uidstate_folder_set(&u, "", 3, 6, 10, 1, &ei), -1);
	assert_int_equal(uidstate_folder_set(&u, "x", 3, 0, 10, 1, &ei), -1);
	assert_int_equal(uidstate_folder_set(&u, "x", 0, 1, 10, 1, &ei), -1);
	assert_int_equal(uidstate_save(&u, 1, &ei), 0);
	uidstate_close(&u);

	/* The next run: INBOX's UIDVALIDITY changed. */
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	assert_int_equal(u.maxid, 2);
	assert_int_equal(uidstate_new_folder_id(&u), 3);
	assert_int_equal(uidstate_folder_set(&u, "INBOX", 3, 6, 1, 1, &ei), 0);
	assert_null(uidstate_folder_by_id(&u, 1));
	assert_int_equal(uidstate_folder_set(&u, "Other", 1, 5, 10, 1, &ei),
	    -1);
	assert_int_equal(ei.st, ST_SOFTWARE);
	memset(&w, 0, sizeof(w));
	w.u = &u;
	uidstate_each(&u, walk_one, &w);
	assert_int_equal(w.seen, 4);
	assert_int_equal(w.dead, 1);
	assert_non_null(uidstate_find(&u, "3:40"));
	/* Sent was not listed this run: its entries stay. */
	uidstate_present_folder(&u, 2);
	/* A save that does not prune keeps the dead entries. */
	assert_int_equal(uidstate_save(&u, 0, &ei), 0);
	assert_int_equal(u.nrewrite, 0);
	assert_non_null(uidstate_find(&u, "1:8"));
	s = effective(path);
	assert_string_equal(s, "10 1:8 00000000000000aa\n"
	    "10 3:40 00000000000000aa\n11 1:9 00000000000000bb\n"
	    "12 2:1 00000000000000cc\n13 2:2 00000000000000dd\n"
	    "=2 7 3 Sent\n=3 6 1 INBOX\n");
	free(s);
	/* Deleting an IMAP key, as UID EXPUNGE will. */
	uidstate_deleted(&u, "2:1");
	assert_int_equal(uidstate_deletions_pending(&u, &ei), 0);
	uidstate_deletions_done(&u, 1);
	assert_null(uidstate_find(&u, "2:1"));
	assert_int_equal(uidstate_save(&u, 1, &ei), 0);
	assert_int_equal(u.nrewrite, 1);
	uidstate_close(&u);
	s = slurp(path);
	assert_non_null(strstr(s, "\n#maxid 3\n"));
	assert_null(strstr(s, " 1:"));
	free(s);
	s = effective(path);
	assert_string_equal(s, "10 3:40 00000000000000aa\n"
	    "13 2:2 00000000000000dd\n=2 7 3 Sent\n=3 6 1 INBOX\n");
	free(s);

	/*
	 * The IDs of dead folders are never given again, even when the
	 * highest one's line and entries are gone: Sent takes INBOX's name,
	 * the rewrite drops ID 3 and 3:40, and keeps "#maxid 3".
	 */
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	assert_int_equal(uidstate_folder_set(&u, "INBOX", 2, 7, 3, 1, &ei), 0);
	assert_null(uidstate_folder(&u, "Sent"));
	assert_null(uidstate_folder_by_id(&u, 3));
	uidstate_present_folder(&u, 2);
	assert_int_equal(uidstate_save(&u, 1, &ei), 0);
	assert_int_equal(u.nrewrite, 1);
	uidstate_close(&u);
	s = effective(path);
	assert_string_equal(s, "13 2:2 00000000000000dd\n=2 7 3 INBOX\n");
	free(s);
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	assert_int_equal(uidstate_new_folder_id(&u), 4);
	uidstate_close(&u);
	free(path);
}

/* A POP3 state has no dead entries, whatever its UIDs look like. */
static void
test_pop3_colon(void **state)
{
	char *path = xasprintf("%s/pc/u.uids", tmpdir), *s;
	struct uidstate u;
	struct errinfo ei;

	(void)state;
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	assert_int_equal(uidstate_record(&u, "1:5", 1, &ei), 0);
	assert_int_equal(uidstate_record(&u, "7:8", 1, &ei), 0);
	uidstate_find(&u, "1:5")->present = 1;
	uidstate_find(&u, "7:8")->present = 1;
	assert_int_equal(uidstate_save(&u, 1, &ei), 0);
	uidstate_close(&u);
	s = effective(path);
	assert_string_equal(s, "1 1:5\n1 7:8\n");
	free(s);
	free(path);
}

static int
seed_two(struct uidstate *u, void *arg, struct errinfo *ei)
{
	(void)arg;
	(void)ei;
	uidstate_add(u, "s1", 5);
	uidstate_add(u, "s2", 6);
	return 1;
}

/*
 * Opening: a seeded state is written at once; a journal an older mfetch
 * left (no generation) is folded in; a journal the file already holds
 * (a crash between the rename and its removal) is not applied again.
 */
static void
test_open_fold(void **state)
{
	char *path = xasprintf("%s/of/u.uids", tmpdir), *jpath, *s, *saved;
	char key[16];
	struct uidstate u;
	struct errinfo ei;
	int i;

	(void)state;
	jpath = xasprintf("%s.journal", path);
	assert_int_equal(uidstate_open_seeded(&u, path, seed_two, NULL, &ei),
	    0);
	assert_int_equal(u.nrewrite, 1);
	uidstate_close(&u);
	s = effective(path);
	assert_string_equal(s, "5 s1\n6 s2\n");
	free(s);
	assert_int_equal(access(jpath, F_OK), -1);

	/* An older mfetch's journal. */
	put(jpath, "w", "7 s3\n- s1\n");
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	assert_int_equal(u.nrewrite, 1);
	uidstate_close(&u);
	assert_int_equal(access(jpath, F_OK), -1);
	s = effective(path);
	assert_string_equal(s, "6 s2\n7 s3\n");
	free(s);

	/* This version's journal, its last line cut: folded. */
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	assert_int_equal(uidstate_record(&u, "s4", 9, &ei), 0);
	uidstate_close(&u);
	put(jpath, "a", "- s3\n9 s");
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	assert_int_equal(u.nrewrite, 1);
	assert_int_equal(u.skipped, 1);
	uidstate_close(&u);
	assert_int_equal(access(jpath, F_OK), -1);
	s = effective(path);
	assert_string_equal(s, "6 s2\n9 s4\n");
	free(s);

	/*
	 * A rewrite that prunes s1, recorded in the journal it folds, and a
	 * crash that undid the journal's removal: the journal comes back,
	 * and must not revive s1.
	 */
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	assert_int_equal(uidstate_record(&u, "s1", 8, &ei), 0);
	for (i = 0; i < 90; i++) {
		snprintf(key, sizeof(key), "x%02d", i);
		assert_int_equal(uidstate_record_fp(&u, key, 9, 0, 0, &ei), 0);
	}
	saved = slurp(jpath);
	for (i = 0; i < (int)u.n; i++)
		u.v[i].present = 1;
	uidstate_find(&u, "s1")->present = 0;
	assert_int_equal(uidstate_save(&u, 1, &ei), 0);
	assert_int_equal(u.nrewrite, 1);
	uidstate_close(&u);
	s = slurp(path);
	assert_non_null(strstr(s, "\n#folded 2\n"));
	assert_null(strstr(s, " s1\n"));
	assert_non_null(strstr(saved, "#journal 2\n8 s1\n"));
	free(s);
	put(jpath, "w", saved);
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	assert_int_equal(u.nrewrite, 0);
	assert_int_equal(u.skipped, 0);
	assert_null(uidstate_find(&u, "s1"));
	assert_non_null(uidstate_find(&u, "x89"));
	assert_int_equal(access(jpath, F_OK), -1);
	assert_int_equal(uidstate_record(&u, "s5", 10, &ei), 0);
	uidstate_close(&u);
	free(saved);
	s = slurp(jpath);
	assert_string_equal(s, "#journal 3\n10 s5\n");
	free(s);
	free(path);
	free(jpath);
}

/* A failed journal write: refused after, and the save rewrites. */
static void
test_journal_broken(void **state)
{
	char *path = xasprintf("%s/jb/u.uids", tmpdir), *jpath, *s;
	struct uidstate u;
	struct errinfo ei;

	(void)state;
	jpath = xasprintf("%s.journal", path);
	assert_int_equal(uidstate_open(&u, path, &ei), 0);
	assert_int_equal(uidstate_record(&u, "a", 1, &ei), 0);
	assert_int_equal(uidstate_save(&u, 0, &ei), 0);
	assert_int_equal(uidstate_record(&u, "b", 2, &ei), 0);
	/* A descriptor that cannot write (nor be cut back). */
	close(u.jfd);
	u.jfd = open(jpath, O_RDONLY);
	assert_true(u.jfd >= 0);
	assert_int_equal(uidstate_record(&u, "c", 3, &ei), -1);
	assert_null(uidstate_find(&u, "c"));
	assert_int_equal(u.jbroken, 1);
	assert_int_equal(uidstate_record(&u, "d", 4, &ei), -1);
	assert_int_equal(uidstate_save(&u, 0, &ei), 0);
	assert_int_equal(u.nrewrite, 2);
	assert_int_equal(access(jpath, F_OK), -1);
	assert_int_equal(uidstate_record(&u, "e", 5, &ei), 0);
	uidstate_close(&u);
	s = effective(path);
	assert_string_equal(s, "1 a\n2 b\n5 e\n");
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
		cmocka_unit_test(test_folders),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_journal_saves),
		cmocka_unit_test(test_journal_max),
		cmocka_unit_test(test_each),
		cmocka_unit_test(test_dead_folder),
		cmocka_unit_test(test_pop3_colon),
		cmocka_unit_test(test_open_fold),
		cmocka_unit_test(test_journal_broken),
	};

	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
