/* uidstate: delivered UIDs, journaled, locked, replaced atomically. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
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

static const char *
home(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h != NULL && *h != '\0')
		return h;
	pw = getpwuid(getuid());
	return pw != NULL ? pw->pw_dir : "/";
}

char *
uidstate_default_path(const char *host, const char *user)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	char *base, *name, *p, *r;

	base = xdg != NULL && *xdg == '/' ? xstrdup(xdg) :
	    xasprintf("%s/.local/state", home());
	name = xasprintf("%s@%s.uids", user, host);
	for (p = name; *p != '\0'; p++)
		if (*p == '/')
			*p = '_';
	r = xasprintf("%s/facteur/%s", base, name);
	free(base);
	free(name);
	return r;
}

static size_t
hash(const char *s)
{
	size_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
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

struct uident *
uidstate_find(struct uidstate *u, const char *uid)
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

static void
add(struct uidstate *u, const char *uid, time_t seen)
{
	struct uident *e = uidstate_find(u, uid);

	if (e != NULL) {
		if (seen < e->seen)
			e->seen = seen;
		return;
	}
	if (u->n == u->alloc) {
		u->alloc = u->alloc ? u->alloc * 2 : 64;
		u->v = xreallocarray(u->v, u->alloc, sizeof(*u->v));
		reindex(u);
	}
	u->v[u->n].uid = xstrdup(uid);
	u->v[u->n].seen = seen;
	u->v[u->n].present = 0;
	u->n++;
	{
		size_t k = hash(uid) & (u->nindex - 1);

		while (u->index[k] != 0)
			k = (k + 1) & (u->nindex - 1);
		u->index[k] = u->n;
	}
}

/* Read path into b; 0 when it does not exist. */
static int
slurp(const char *path, struct buf *b, struct errinfo *ei)
{
	char chunk[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return err_set(ei, ST_IOERR, "cannot read %s: %s", path,
		    strerror(errno));
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || buf_add(b, chunk, (size_t)n) < 0) {
			close(fd);
			return err_set(ei, ST_IOERR, "cannot read %s: %s", path,
			    n < 0 ? strerror(errno) : "file too large");
		}
	}
	close(fd);
	return 1;
}

static int
parse(struct uidstate *u, const char *path, const struct buf *b, int journal,
    struct errinfo *ei)
{
	const char *l = b->data, *end = b->data + b->len;
	size_t line = 0;

	while (l < end) {
		const char *nl = memchr(l, '\n', (size_t)(end - l)), *sp, *p;
		size_t len = nl != NULL ? (size_t)(nl - l) : (size_t)(end - l);
		char uid[UID_MAX + 1];
		long long seen = 0;
		int last = nl == NULL || nl + 1 >= end;

		line++;
		if (len > 7 && memcmp(l, "#login ", 7) == 0) {
			long long tl = 0, dl = 0;

			if (sscanf(l + 7, "%lld %lld", &tl, &dl) == 2 && tl > 0 &&
			    dl >= 0 && dl < 86400 * 30) {
				u->last_login = (time_t)tl;
				u->login_delay = (long)dl;
			}
			goto next;
		}
		if (len == 0 || l[0] == '#')
			goto next;
		sp = memchr(l, ' ', len);
		for (p = l; sp != NULL && p < sp && *p >= '0' && *p <= '9' &&
		    seen < (1LL << 40); p++)
			seen = seen * 10 + (*p - '0');
		if (sp == NULL || p != sp || sp == l ||
		    !uidstate_valid_uid(sp + 1, len - (size_t)(sp + 1 - l))) {
			/* A journal cut by a crash: its last line may be. */
			if (journal && last)
				break;
			return err_set(ei, ST_CONFIG, "%s:%zu: malformed line "
			    "(expected 'SECONDS UID')", path, line);
		}
		memcpy(uid, sp + 1, len - (size_t)(sp + 1 - l));
		uid[len - (size_t)(sp + 1 - l)] = '\0';
		add(u, uid, (time_t)seen);
next:
		if (nl == NULL)
			break;
		l = nl + 1;
	}
	return 0;
}

static int
mkdirs_for(const char *path, struct errinfo *ei)
{
	char *p = xstrdup(path), *s;
	int rc = 0;

	for (s = p + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST) {
			rc = err_set(ei, ST_CANTCREAT, "cannot create %s: %s", p,
			    strerror(errno));
			break;
		}
		*s = '/';
	}
	free(p);
	return rc;
}

int
uidstate_open(struct uidstate *u, const char *path, struct errinfo *ei)
{
	struct buf b;
	char *lock;
	int rc = -1;

	memset(u, 0, sizeof(*u));
	u->lockfd = u->jfd = -1;
	u->path = xstrdup(path);
	u->journal_path = xasprintf("%s.journal", path);
	if (mkdirs_for(path, ei) < 0)
		return -1;
	lock = xasprintf("%s.lock", path);
	u->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (u->lockfd < 0) {
		err_set(ei, ST_CANTCREAT, "cannot create the lock file %s: %s",
		    lock, strerror(errno));
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
	if (slurp(path, &b, ei) < 0 || parse(u, path, &b, 0, ei) < 0)
		goto out;
	buf_reset(&b);
	if (slurp(u->journal_path, &b, ei) < 0 ||
	    parse(u, u->journal_path, &b, 1, ei) < 0)
		goto out;
	if (u->nindex == 0)
		reindex(u);
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

int
uidstate_record(struct uidstate *u, const char *uid, time_t seen,
    struct errinfo *ei)
{
	char line[UID_MAX + 32];
	int n;

	if (u->jfd < 0) {
		u->jfd = open(u->journal_path, O_WRONLY | O_APPEND | O_CREAT |
		    O_CLOEXEC | O_NOFOLLOW, 0600);
		if (u->jfd < 0)
			return err_set(ei, ST_CANTCREAT, "cannot write %s: %s",
			    u->journal_path, strerror(errno));
	}
	n = snprintf(line, sizeof(line), "%lld %s\n", (long long)seen, uid);
	if (write(u->jfd, line, (size_t)n) != n || fdatasync(u->jfd) < 0)
		return err_set(ei, errno == ENOSPC ? ST_TEMPFAIL : ST_IOERR,
		    "cannot record the message in %s: %s", u->journal_path,
		    strerror(errno));
	add(u, uid, seen);
	uidstate_find(u, uid)->present = 1;
	return 0;
}

static int
fsync_parent(const char *path)
{
	char *d = xstrdup(path), *s = strrchr(d, '/');
	int fd, rc = 0;

	if (s != NULL)
		*s = '\0';
	fd = open(s != NULL && s != d ? d : (s != NULL ? "/" : "."),
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		rc = -1;
	if (fd >= 0)
		close(fd);
	free(d);
	return rc;
}

int
uidstate_save(struct uidstate *u, int prune, struct errinfo *ei)
{
	char *tmp = xasprintf("%s.tmp", u->path);
	FILE *f;
	size_t i;
	int fd, rc = -1;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		err_set(ei, ST_CANTCREAT, "cannot write %s: %s", tmp,
		    strerror(errno));
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
		if (!prune || u->v[i].present)
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
	    fsync_parent(u->path) < 0) {
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
