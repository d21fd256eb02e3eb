/* uidstate: delivered UIDs, journaled, locked, replaced atomically. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "durable.h"
#include "hash.h"
#include "log.h"
#include "statedir.h"
#include "uidstate.h"
#include "xalloc.h"

int
uidstate_valid_uid(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > UID_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

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

static size_t
hash(const char *s)
{
	return (size_t)hash_add(HASH_INIT, s, strlen(s));
}

static void
reindex(struct uidstate *u)
{
	size_t i;

	free(u->index);
	u->nindex = 64;
	while (u->nindex < 2 * u->alloc)
		u->nindex *= 2;
	u->index = xcalloc(u->nindex, sizeof(*u->index));
	for (i = 0; i < u->n; i++) {
		size_t k = hash(u->v[i].uid) & (u->nindex - 1);

		while (u->index[k] != 0)
			k = (k + 1) & (u->nindex - 1);
		u->index[k] = i + 1;
	}
}

/* The entry of uid, forgotten ones included. */
static struct uident *
lookup(struct uidstate *u, const char *uid)
{
	size_t k;

	if (u->nindex == 0)
		return NULL;
	k = hash(uid) & (u->nindex - 1);
	while (u->index[k] != 0) {
		struct uident *e = &u->v[u->index[k] - 1];

		if (strcmp(e->uid, uid) == 0)
			return e;
		k = (k + 1) & (u->nindex - 1);
	}
	return NULL;
}

struct uident *
uidstate_find(struct uidstate *u, const char *uid)
{
	struct uident *e = lookup(u, uid);

	return e != NULL && !e->gone ? e : NULL;
}

static struct uident *
add(struct uidstate *u, const char *uid, time_t seen)
{
	struct uident *e = lookup(u, uid);
	size_t k;

	if (e != NULL) {
		if (e->gone) {
			/* A new message with an old UID: a new entry. */
			char *keep = e->uid;

			memset(e, 0, sizeof(*e));
			e->uid = keep;
			e->seen = seen;
		} else if (seen < e->seen) {
			e->seen = seen;
		}
		return e;
	}
	if (u->n == u->alloc) {
		u->alloc = u->alloc ? u->alloc * 2 : 64;
		u->v = xreallocarray(u->v, u->alloc, sizeof(*u->v));
		reindex(u);
	}
	e = &u->v[u->n++];
	memset(e, 0, sizeof(*e));
	e->uid = xstrdup(uid);
	e->seen = seen;
	k = hash(uid) & (u->nindex - 1);
	while (u->index[k] != 0)
		k = (k + 1) & (u->nindex - 1);
	u->index[k] = u->n;
	return e;
}

void
uidstate_add(struct uidstate *u, const char *uid, time_t seen)
{
	if (u->nindex == 0)
		reindex(u);
	add(u, uid, seen);
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

/* "SECONDS UID" or "- UID": 0 applied, -1 malformed. */
static int
parse_entry(struct uidstate *u, const char *l, size_t len)
{
	const char *sp = memchr(l, ' ', len), *p, *id;
	char uid[UID_MAX + 1];
	long long seen = 0;
	size_t idlen;

	if (sp == NULL || sp == l)
		return -1;
	id = sp + 1;
	idlen = len - (size_t)(id - l);
	if (!uidstate_valid_uid(id, idlen))
		return -1;
	memcpy(uid, id, idlen);
	uid[idlen] = '\0';
	if (sp == l + 1 && l[0] == '-') {
		struct uident *e = lookup(u, uid);

		if (e != NULL)
			e->gone = 1;
		return 0;
	}
	for (p = l; p < sp && *p >= '0' && *p <= '9' && seen < (1LL << 40); p++)
		seen = seen * 10 + (*p - '0');
	if (p != sp)
		return -1;
	add(u, uid, (time_t)seen);
	return 0;
}

int
uidstate_parse(struct uidstate *u, const char *name, const char *data,
    size_t len, int journal, struct errinfo *ei)
{
	const char *l = data, *end = data + len;
	size_t line = 0;

	if (u->nindex == 0)
		reindex(u);
	while (l < end) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		size_t ll = nl != NULL ? (size_t)(nl - l) : (size_t)(end - l);

		line++;
		if (ll > 7 && memcmp(l, "#login ", 7) == 0) {
			long long tl = 0, dl = 0;
			char tmp[64];
			size_t k = ll - 7 < sizeof(tmp) - 1 ? ll - 7 :
			    sizeof(tmp) - 1;

			memcpy(tmp, l + 7, k);
			tmp[k] = '\0';
			if (sscanf(tmp, "%lld %lld", &tl, &dl) == 2 && tl > 0 &&
			    dl >= 0 && dl < 86400 * 30) {
				u->last_login = (time_t)tl;
				u->login_delay = (long)dl;
			}
		} else if (ll > 0 && l[0] != '#') {
			/*
			 * Journal lines are written whole, with their line
			 * end: one without it was cut by a crash, and may look
			 * like a valid, shorter UID.
			 */
			if (journal && nl == NULL)
				u->skipped++;
			else if (parse_entry(u, l, ll) < 0) {
				if (!journal)
					return err_set(ei, ST_CONFIG, "%s:%zu: "
					    "malformed line (expected 'SECONDS "
					    "UID')", name, line);
				u->skipped++;
			}
		}
		if (nl == NULL)
			break;
		l = nl + 1;
	}
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
	struct buf b;
	char *lock;
	int rc = -1, had_file, had_journal, seeded = 0;

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
	buf_init(&b, UIDSTATE_FILE_MAX);
	if ((had_file = uidstate_read_file(path, &b, ei)) < 0 ||
	    uidstate_parse(u, path, b.data, b.len, 0, ei) < 0)
		goto out;
	buf_reset(&b);
	if ((had_journal = uidstate_read_file(u->journal_path, &b, ei)) < 0 ||
	    uidstate_parse(u, u->journal_path, b.data, b.len, 1, ei) < 0)
		goto out;
	if (u->skipped > 0)
		log_warn("%s: %zu incomplete line%s (cut by a crash or a full "
		    "disk) ignored", u->journal_path, u->skipped,
		    u->skipped == 1 ? "" : "s");
	/*
	 * No state yet: take what the seed gives, and make it this
	 * account's file before anything is fetched (a crash before the
	 * rename leaves no file: the next run seeds again).
	 */
	if (!had_file && !had_journal && seed != NULL &&
	    (seeded = seed(u, arg, ei)) < 0)
		goto out;
	/* Fold a crashed run's journal in before appending to it. */
	if ((had_journal || seeded) && uidstate_save(u, 0, ei) < 0)
		goto out;
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

void
uidstate_close(struct uidstate *u)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		free(u->v[i].uid);
	free(u->v);
	free(u->index);
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

/* Append text to the journal and make it durable. */
static int
journal(struct uidstate *u, const char *text, size_t len, struct errinfo *ei)
{
	int err;

	if (u->jfd < 0) {
		u->jfd = durable_open(u->journal_path, O_WRONLY | O_APPEND |
		    O_CREAT, 0600);
		if (u->jfd < 0)
			return err_set(ei, ST_CANTCREAT, "cannot write %s: %s",
			    u->journal_path, durable_strerror(errno));
	}
	if ((err = durable_write_all(u->jfd, text, len)) == 0 &&
	    fdatasync(u->jfd) < 0)
		err = errno;
	if (err != 0)
		return err_set(ei, err == ENOSPC || err == EDQUOT ?
		    ST_TEMPFAIL : ST_IOERR, "cannot record in %s: %s",
		    u->journal_path, strerror(err));
	return 0;
}

int
uidstate_record(struct uidstate *u, const char *uid, time_t seen,
    struct errinfo *ei)
{
	char line[UID_MAX + 32];
	int n;

	n = snprintf(line, sizeof(line), "%lld %s\n", (long long)seen, uid);
	if (journal(u, line, (size_t)n, ei) < 0)
		return -1;
	add(u, uid, seen)->present = 1;
	return 0;
}

void
uidstate_deleted(struct uidstate *u, const char *uid)
{
	struct uident *e = uidstate_find(u, uid);

	if (e != NULL)
		e->deleted = 1;
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
	if (b.len > 0)
		rc = journal(u, b.data, b.len, ei);
	buf_free(&b);
	return rc;
}

void
uidstate_deletions_done(struct uidstate *u, int final)
{
	size_t i;

	for (i = 0; i < u->n; i++) {
		if (u->v[i].deleted && final)
			u->v[i].gone = 1;
		u->v[i].deleted = 0;
	}
}

int
uidstate_save(struct uidstate *u, int prune, struct errinfo *ei)
{
	char *tmp = xasprintf("%s.tmp", u->path);
	FILE *f;
	size_t i;
	int fd, rc = -1;

	fd = durable_open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		err_set(ei, ST_CANTCREAT, "cannot write %s: %s", tmp,
		    durable_strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	fprintf(f, "# mfetch: messages already delivered (first seen, UID)%s%s\n",
	    u->label != NULL ? ": " : "", u->label != NULL ? u->label : "");
	if (u->last_login > 0)
		fprintf(f, "#login %lld %ld\n", (long long)u->last_login,
		    u->login_delay);
	for (i = 0; i < u->n; i++)
		if (!u->v[i].gone && (!prune || u->v[i].present))
			fprintf(f, "%lld %s\n", (long long)u->v[i].seen,
			    u->v[i].uid);
	if (fflush(f) != 0 || fsync(fileno(f)) < 0) {
		err_set(ei, errno == ENOSPC ? ST_TEMPFAIL : ST_IOERR, "cannot "
		    "write %s: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		goto out;
	}
	if (fclose(f) != 0 || rename(tmp, u->path) < 0 ||
	    durable_fsync_parent(u->path) < 0) {
		err_set(ei, ST_IOERR, "cannot replace %s: %s", u->path,
		    strerror(errno));
		unlink(tmp);
		goto out;
	}
	/* Everything the journal said is in the file now. */
	if (u->jfd >= 0) {
		close(u->jfd);
		u->jfd = -1;
	}
	unlink(u->journal_path);
	rc = 0;
out:
	free(tmp);
	return rc;
}
