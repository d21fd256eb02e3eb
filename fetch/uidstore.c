/*
 * uidstore: the UID state on disk: where it lives, its lock, the journal
 * appended to, and the file rewritten only now and then (uidstate.h).
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "buf.h"
#include "durable.h"
#include "hash.h"
#include "log.h"
#include "statedir.h"
#include "uidstate.h"
#include "xalloc.h"

/* How much of the state file rewrite() gathers before one write. */
#define REWRITE_BLOCK	(64 * 1024)

char *
uidstate_legacy_path(const char *host, const char *user)
{
	char *name, *p, *r;

	name = xasprintf("%s@%s.uids", user, host);
	for (p = name; *p != '\0'; p++)
		if (*p == '/')
			*p = '_';
	r = statedir_file(name);
	free(name);
	return r;
}

char *
uidstate_expand(const char *pattern, const char *user, const char *host)
{
	struct buf b;
	const char *p;
	char *r;

	buf_init(&b, 65536);
	for (p = pattern; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == 'U') {
			buf_addstr(&b, user != NULL ? user : "");
			p++;
		} else if (p[0] == '%' && p[1] == 'H') {
			buf_addstr(&b, host != NULL ? host : "");
			p++;
		} else {
			buf_addch(&b, *p);
		}
	}
	r = xstrdup(b.data);
	buf_free(&b);
	return r;
}

/* Append s to b, every byte outside [A-Za-z0-9_+-.] (a leading '.' too) %XX. */
static void
encode(struct buf *b, const char *s, int first)
{
	for (; *s != '\0'; s++, first = 0) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '+' ||
		    c == '-' || (c == '.' && !first))
			buf_addch(b, (char)c);
		else
			buf_printf(b, "%%%02X", c);
	}
}

char *
uidstate_account_name(const char *account, const char *host,
    const char *user)
{
	struct buf b;
	char *r;

	buf_init(&b, 16384);
	if (account != NULL && *account != '\0') {
		encode(&b, account, 1);
	} else {
		encode(&b, user, 1);
		buf_addch(&b, '@');
		encode(&b, host, 0);
	}
	if (b.len > UIDSTATE_NAME_MAX) {
		/* Cut between two encoded bytes, then tell names apart. */
		size_t cut = UIDSTATE_NAME_MAX - 17;
		uint64_t h = hash_add(HASH_INIT, b.data, b.len);

		while (cut > 0 && (b.data[cut - 1] == '%' ||
		    (cut > 1 && b.data[cut - 2] == '%')))
			cut--;
		buf_truncate(&b, b.len - cut);
		buf_printf(&b, "~%016llx", (unsigned long long)h);
	}
	r = xstrdup(b.data);
	buf_free(&b);
	return r;
}

char *
uidstate_default_path(const char *account, const char *host,
    const char *user)
{
	char *name = uidstate_account_name(account, host, user), *file, *r;

	file = xasprintf("%s.uids", name);
	r = statedir_file(file);
	free(file);
	free(name);
	return r;
}

int
uidstate_read_file(const char *path, struct buf *b, struct errinfo *ei)
{
	int rc, fd = durable_open(path, O_RDONLY, 0);

	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return err_set(ei, ST_IOERR, "cannot read %s: %s", path,
		    durable_strerror(errno));
	}
	rc = durable_read_fd(fd, path, b, ei);
	close(fd);
	return rc < 0 ? -1 : 1;
}

static int rewrite(struct uidstate *, int, struct errinfo *);

/* Remove the journal (a stale one, or once folded): 0, or -1. */
static int
remove_journal(struct uidstate *u, struct errinfo *ei)
{
	if (u->jfd >= 0) {
		close(u->jfd);
		u->jfd = -1;
	}
	if (unlink(u->journal_path) < 0 && errno != ENOENT)
		return err_set(ei, ST_IOERR, "cannot remove %s: %s",
		    u->journal_path, strerror(errno));
	u->jgen = 0;
	u->jlines = 0;
	u->jsize = 0;
	u->jcut = u->jold = u->jnew = u->unsynced = 0;
	return 0;
}

int
uidstate_open(struct uidstate *u, const char *path, struct errinfo *ei)
{
	return uidstate_open_seeded(u, path, NULL, NULL, ei);
}

int
uidstate_open_seeded(struct uidstate *u, const char *path,
    int (*seed)(struct uidstate *, void *, struct errinfo *), void *arg,
    struct errinfo *ei)
{
	struct buf fb, jb;
	char *lock;
	int rc = -1, had_journal, seeded = 0, stale;

	memset(u, 0, sizeof(*u));
	u->lockfd = u->jfd = -1;
	u->path = xstrdup(path);
	u->journal_path = xasprintf("%s.journal", path);
	if (durable_mkdirs_for(path, ei) < 0)
		return -1;
	lock = xasprintf("%s.lock", path);
	u->lockfd = durable_open(lock, O_RDWR | O_CREAT, 0600);
	if (u->lockfd < 0) {
		err_set(ei, ST_CANTCREAT, "cannot create the lock file %s: %s",
		    lock, durable_strerror(errno));
		free(lock);
		return -1;
	}
	if (flock(u->lockfd, LOCK_EX | LOCK_NB) < 0) {
		err_set(ei, ST_TEMPFAIL, "another mfetch is already fetching "
		    "this account (%s is locked); this run stops here", lock);
		free(lock);
		return -1;
	}
	free(lock);
	buf_init(&fb, UIDSTATE_FILE_MAX);
	buf_init(&jb, UIDSTATE_FILE_MAX);
	if ((u->have_file = uidstate_read_file(path, &fb, ei)) < 0 ||
	    (had_journal = uidstate_read_file(u->journal_path, &jb, ei)) < 0 ||
	    uidstate_load(u, path, fb.data, fb.len, u->journal_path, jb.data,
	    jb.len, &stale, ei) < 0)
		goto out;
	if (u->skipped > 0)
		log_warn("%s: %zu incomplete line%s (cut by a crash or a full "
		    "disk) ignored", u->journal_path, u->skipped,
		    u->skipped == 1 ? "" : "s");
	if (stale && remove_journal(u, ei) < 0)
		goto out;
	/*
	 * No state yet: take what the seed gives, and make it this
	 * account's file before anything is fetched (a crash before the
	 * rename leaves no file: the next run seeds again).
	 */
	if (!u->have_file && !had_journal && seed != NULL &&
	    (seeded = seed(u, arg, ei)) < 0)
		goto out;
	/*
	 * A cut last line must not have a new line glued to it, and an
	 * older mfetch's journal has no generation: fold either in first.
	 */
	if ((u->jcut || u->jold || seeded) && rewrite(u, 0, ei) < 0)
		goto out;
	rc = 0;
out:
	buf_free(&fb);
	buf_free(&jb);
	return rc;
}

void
uidstate_close(struct uidstate *u)
{
	uidstate_free(u);
	if (u->jfd >= 0)
		close(u->jfd);
	if (u->lockfd >= 0)
		close(u->lockfd);
	free(u->path);
	free(u->journal_path);
	free(u->label);
	memset(u, 0, sizeof(*u));
	u->lockfd = u->jfd = -1;
}

static int
write_error(struct uidstate *u, int err, struct errinfo *ei)
{
	return err_set(ei, err == ENOSPC || err == EDQUOT ? ST_TEMPFAIL :
	    ST_IOERR, "cannot record in %s: %s", u->journal_path,
	    strerror(err));
}

int
uidstate_sync(struct uidstate *u, struct errinfo *ei)
{
	if (!u->unsynced)
		return 0;
	if (fdatasync(u->jfd) < 0 || (u->jnew &&
	    durable_fsync_parent(u->journal_path) < 0)) {
		/* What is on disk now is unknown: rewrite at the save. */
		u->jbroken = 1;
		return write_error(u, errno, ei);
	}
	u->nsync++;
	u->unsynced = u->jnew = 0;
	return 0;
}

/*
 * Append whole lines to the journal (one write), fsync'ed with sync.  A
 * failed write is cut off again, so that no later line is glued to it;
 * when even that fails, the journal takes nothing more (the save
 * rewrites the file).
 */
static int
journal(struct uidstate *u, const char *text, size_t len, int sync,
    struct errinfo *ei)
{
	struct buf b;
	struct stat st;
	size_t i;
	int err;

	if (u->jbroken)
		return err_set(ei, ST_IOERR, "cannot record in %s: an earlier "
		    "write failed", u->journal_path);
	if (u->jfd < 0) {
		u->jfd = durable_open(u->journal_path, O_WRONLY | O_APPEND |
		    O_CREAT, 0600);
		if (u->jfd < 0)
			return err_set(ei, ST_CANTCREAT, "cannot write %s: %s",
			    u->journal_path, durable_strerror(errno));
		if (fstat(u->jfd, &st) < 0) {
			err = errno;
			close(u->jfd);
			u->jfd = -1;
			return write_error(u, err, ei);
		}
		u->jsize = (long long)st.st_size;
	}
	buf_init(&b, UIDSTATE_FILE_MAX);
	if (u->jsize == 0) {
		/* A new journal: its generation, which the file will hold. */
		u->jgen = u->folded + 1;
		buf_printf(&b, "#journal %llu\n", u->jgen);
		u->jnew = 1;
	}
	if (buf_add(&b, text, len) < 0) {
		buf_free(&b);
		return err_set(ei, ST_SOFTWARE, "%s: too much at once",
		    u->journal_path);
	}
	if ((err = durable_write_all(u->jfd, b.data, b.len)) != 0) {
		if (ftruncate(u->jfd, (off_t)u->jsize) < 0)
			u->jbroken = 1;
		buf_free(&b);
		return write_error(u, err, ei);
	}
	u->jsize += (long long)b.len;
	for (i = 0; i < b.len; i++)
		u->jlines += b.data[i] == '\n';
	buf_free(&b);
	u->unsynced = 1;
	return sync ? uidstate_sync(u, ei) : 0;
}

int
uidstate_record_fp(struct uidstate *u, const char *key, time_t seen,
    uint64_t fp, int sync, struct errinfo *ei)
{
	struct uident e0, *e;
	struct buf b;
	int rc;

	if (!uidstate_valid_uid(key, strlen(key)))
		return err_set(ei, ST_SOFTWARE, "invalid key '%.*s' not "
		    "recorded", UID_MAX, key);
	memset(&e0, 0, sizeof(e0));
	e0.uid = (char *)(uintptr_t)key;
	e0.seen = seen;
	e0.fp = fp;
	buf_init(&b, 256);
	uidstate_entry_line(&b, &e0);
	rc = journal(u, b.data, b.len, sync, ei);
	buf_free(&b);
	if (rc < 0)
		return -1;
	uidstate_add(u, key, seen);
	e = uidstate_find(u, key);
	if (fp != 0)
		e->fp = fp;
	e->present = 1;
	e->ondisk = 1;
	return 0;
}

int
uidstate_record(struct uidstate *u, const char *uid, time_t seen,
    struct errinfo *ei)
{
	return uidstate_record_fp(u, uid, seen, 0, 1, ei);
}

int
uidstate_folder_set(struct uidstate *u, const char *name, unsigned id,
    uint32_t uidvalidity, uint32_t uidnext, int sync, struct errinfo *ei)
{
	struct uidfolder g0, *g = uidstate_folder_by_id(u, id);
	struct buf b;
	size_t i;
	int rc;

	if (*name == '\0' || strlen(name) > UIDSTATE_FOLDER_MAX || id == 0 ||
	    id > UIDSTATE_ID_MAX || uidvalidity == 0)
		return err_set(ei, ST_SOFTWARE, "folder '%.64s', ID %u, "
		    "UIDVALIDITY %lu: not recorded", name, id,
		    (unsigned long)uidvalidity);
	if (g != NULL && g->uidvalidity != uidvalidity)
		return err_set(ei, ST_SOFTWARE, "folder ID %u has UIDVALIDITY "
		    "%lu, not %lu: a new UIDVALIDITY needs a new ID", id,
		    (unsigned long)g->uidvalidity, (unsigned long)uidvalidity);
	for (i = 0; g == NULL && i < u->ndead; i++)
		if (u->dead[i] == id)
			return err_set(ei, ST_SOFTWARE, "folder ID %u was "
			    "replaced: it is never given again", id);
	if (g != NULL && g->uidnext == uidnext && strcmp(g->name, name) == 0)
		return 0;
	g0.name = (char *)(uintptr_t)name;
	g0.id = id;
	g0.uidvalidity = uidvalidity;
	g0.uidnext = uidnext;
	buf_init(&b, 4 * UIDSTATE_FOLDER_MAX);
	uidstate_folder_line(&b, &g0);
	rc = journal(u, b.data, b.len, sync, ei);
	buf_free(&b);
	if (rc < 0)
		return -1;
	uidstate_apply_folder(u, name, id, uidvalidity, uidnext);
	return 0;
}

int
uidstate_deletions_pending(struct uidstate *u, struct errinfo *ei)
{
	struct buf b;
	size_t i;
	int rc = 0;

	buf_init(&b, UIDSTATE_FILE_MAX);
	for (i = 0; i < u->n; i++)
		if (u->v[i].deleted && !u->v[i].gone)
			buf_printf(&b, "- %s\n", u->v[i].uid);
	/* The records of the messages to delete must be durable too. */
	rc = b.len > 0 ? journal(u, b.data, b.len, 1, ei) : uidstate_sync(u,
	    ei);
	if (rc == 0)
		for (i = 0; i < u->n; i++)
			if (u->v[i].deleted)
				u->v[i].ondisk = 0;
	buf_free(&b);
	return rc;
}

static int
cmp_id(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

/*
 * Which entries the save keeps: 1 keep, 0 drop, -1 drop as dead (the
 * folder's ID has no line: its UIDVALIDITY changed).
 */
static int *
keepers(struct uidstate *u, int prune)
{
	int *keep = xcalloc(u->n + 1, sizeof(*keep));
	unsigned *ids = xcalloc(u->nf + 1, sizeof(*ids));
	size_t i;

	for (i = 0; i < u->nf; i++)
		ids[i] = u->f[i]->id;
	if (u->nf > 0)
		qsort(ids, u->nf, sizeof(*ids), cmp_id);
	for (i = 0; i < u->n; i++) {
		struct uident *e = &u->v[i];

		if (e->gone || (prune && !e->present))
			keep[i] = 0;
		else
			keep[i] = 1;
		if (prune && u->nf > 0 && e->folder != 0 &&
		    bsearch(&e->folder, ids, u->nf, sizeof(*ids),
		    cmp_id) == NULL)
			keep[i] = -1;
	}
	free(ids);
	return keep;
}

/* After a save: memory says what the disk says. */
static void
saved(struct uidstate *u, const int *keep)
{
	size_t i;

	for (i = 0; i < u->n; i++) {
		u->v[i].ondisk = keep[i] > 0;
		if (keep[i] <= 0)
			u->v[i].gone = 1;
	}
	u->disk_login = u->last_login;
	u->disk_delay = u->login_delay;
}

/* Does the disk need the last login?  Only for LOGIN-DELAY. */
static int
login_changed(const struct uidstate *u)
{
	return u->login_delay != u->disk_delay || (u->login_delay > 0 &&
	    u->last_login != u->disk_login);
}

/*
 * Write out what b holds once it has at bytes or more (an error is kept
 * in af for atomicfile_commit()).
 */
static void
spill(struct atomicfile *af, struct buf *b, size_t at)
{
	if (b->len >= at) {
		(void)atomicfile_write(af, b->data, b->len);
		buf_reset(b);
	}
}

/*
 * Write the whole state to a temporary file, fsync, rename it over the
 * file, fsync the directory, and only then remove the journal: until
 * the rename is durable, file + journal are the state; after it, the
 * new file says "#folded N" and so disowns a journal a crash left.
 */
static int
rewrite(struct uidstate *u, int prune, struct errinfo *ei)
{
	int *keep = keepers(u, prune);
	unsigned long long folded = u->jgen != 0 ? u->jgen : u->folded;
	struct atomicfile af;
	struct buf b;
	char *head;
	size_t i;
	int rc = -1;

	if (atomicfile_begin(&af, u->path, ei) < 0)
		goto out;
	/* The label's length is the user's: written alone, never cut. */
	head = xasprintf("# mfetch: messages already delivered (first seen, "
	    "UID, fingerprint)%s%s\n", u->label != NULL ? ": " : "",
	    u->label != NULL ? u->label : "");
	(void)atomicfile_write(&af, head, strlen(head));
	free(head);
	/* Written in blocks of REWRITE_BLOCK: one write per line is slow. */
	buf_init(&b, 2 * REWRITE_BLOCK + 4 * UIDSTATE_FOLDER_MAX);
	if (folded > 0)
		buf_printf(&b, "#folded %llu\n", folded);
	if (u->maxid > 0)
		buf_printf(&b, "#maxid %u\n", u->maxid);
	if (u->last_login > 0)
		buf_printf(&b, "#login %lld %ld\n", (long long)u->last_login,
		    u->login_delay);
	for (i = 0; i < u->nf; i++) {
		uidstate_folder_line(&b, u->f[i]);
		spill(&af, &b, REWRITE_BLOCK);
	}
	for (i = 0; i < u->n; i++) {
		if (keep[i] <= 0)
			continue;
		uidstate_entry_line(&b, &u->v[i]);
		spill(&af, &b, REWRITE_BLOCK);
	}
	spill(&af, &b, 0);
	buf_free(&b);
	/* A failed write is reported here, the file left as it was. */
	if (atomicfile_commit(&af, 1, ei) < 0)
		goto out;
	u->nrewrite++;
	u->have_file = 1;
	u->folded = folded;
	saved(u, keep);
	/* Everything the journal said is in the file now. */
	u->jbroken = 0;
	rc = remove_journal(u, ei);
out:
	free(keep);
	return rc;
}

int
uidstate_save(struct uidstate *u, int prune, struct errinfo *ei)
{
	int *keep, dead = 0, rc;
	size_t i, live = 0, lines = 0, limit;
	struct buf b;

	if (u->jbroken || !u->have_file)
		return rewrite(u, prune, ei);
	keep = keepers(u, prune);
	buf_init(&b, UIDSTATE_FILE_MAX);
	for (i = 0; i < u->n; i++) {
		struct uident *e = &u->v[i];

		live += keep[i] > 0;
		if (keep[i] > 0 && !e->ondisk) {
			uidstate_entry_line(&b, e);
			lines++;
		} else if (keep[i] == 0 && e->ondisk) {
			buf_printf(&b, "- %s\n", e->uid);
			lines++;
		} else if (keep[i] < 0 && e->ondisk) {
			dead = 1;
		}
	}
	if (login_changed(u)) {
		buf_printf(&b, "#login %lld %ld\n", (long long)u->last_login,
		    u->login_delay);
		lines++;
	}
	limit = live / 4 + 64;
	if (limit > UIDSTATE_JOURNAL_MAX)
		limit = UIDSTATE_JOURNAL_MAX;
	if (dead || u->jlines + lines > limit) {
		rc = rewrite(u, prune, ei);
	} else if (lines > 0) {
		if ((rc = journal(u, b.data, b.len, 1, ei)) == 0)
			saved(u, keep);
	} else {
		rc = uidstate_sync(u, ei);
		if (rc == 0)
			saved(u, keep);
	}
	buf_free(&b);
	free(keep);
	return rc;
}
