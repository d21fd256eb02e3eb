/* uidimport: seed an account's UID state from older or peers' files. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <unistd.h>

#include "buf.h"
#include "durable.h"
#include "status.h"
#include "uidimport.h"
#include "xalloc.h"

/*
 * facteur's older file and its journal, under a shared lock: an older
 * mfetch holds it exclusively while it runs (then stop: its run is not
 * over), and accounts that shared the file (mfetch --jobs) may read it
 * at the same time.
 */
static int
legacy(struct uidstate *u, const char *path, struct errinfo *ei)
{
	struct buf b, jb;
	char *lock = xasprintf("%s.lock", path), *jpath;
	int fd, rc = -1, had, hadj;

	fd = durable_open(lock, O_RDONLY, 0);
	if (fd < 0 && errno != ENOENT) {
		err_set(ei, ST_IOERR, "cannot open %s: %s", lock,
		    durable_strerror(errno));
		free(lock);
		return -1;
	}
	if (fd >= 0 && flock(fd, LOCK_SH | LOCK_NB) < 0) {
		err_set(ei, ST_TEMPFAIL, "an older mfetch is fetching from "
		    "the state file this account takes over (%s is locked); "
		    "this run stops here", lock);
		close(fd);
		free(lock);
		return -1;
	}
	free(lock);
	jpath = xasprintf("%s.journal", path);
	buf_init(&b, UIDSTATE_FILE_MAX);
	if ((had = uidstate_read_file(path, &b, ei)) < 0)
		goto out;
	if (had == 0) {
		rc = 0;
		goto out;
	}
	/* As uidstate_open() reads them: a journal the file holds is not
	 * applied twice. */
	buf_init(&jb, UIDSTATE_FILE_MAX);
	if ((hadj = uidstate_read_file(jpath, &jb, ei)) < 0 ||
	    uidstate_load(u, path, b.data, b.len, jpath, hadj ? jb.data : NULL,
	    jb.len, NULL, ei) < 0) {
		buf_free(&jb);
		goto out;
	}
	buf_free(&jb);
	rc = 1;
out:
	buf_free(&b);
	free(jpath);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* A line of data from *pos: its start and length; NULL at the end. */
static const char *
next_line(const char *data, size_t len, size_t *pos, size_t *ll_r,
    int *nl_r)
{
	const char *l, *nl;

	if (*pos >= len)
		return NULL;
	l = data + *pos;
	nl = memchr(l, '\n', len - *pos);
	*ll_r = nl != NULL ? (size_t)(nl - l) : len - *pos;
	*nl_r = nl != NULL;
	*pos += *ll_r + (nl != NULL);
	return l;
}

/* Digits only, at most 12 of them (seconds since the epoch): 0 or -1. */
static int
parse_time(const char *p, size_t n, time_t *t_r)
{
	long long v = 0;
	size_t i;

	if (n == 0 || n > 12)
		return -1;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*t_r = (time_t)v;
	return 0;
}

static int
same(const char *p, size_t n, const char *s)
{
	return s != NULL && strlen(s) == n && memcmp(p, s, n) == 0;
}

/* Host names match without regard to case. */
static int
same_host(const char *p, size_t n, const char *s)
{
	return s != NULL && strlen(s) == n && strncasecmp(p, s, n) == 0;
}

static const char *
last_space(const char *l, size_t n)
{
	while (n > 0)
		if (l[--n] == ' ')
			return l + n;
	return NULL;
}

/* Add one UID: counted in c->added once, or in c->skipped if not valid. */
static void
take(struct uidstate *u, const char *id, size_t n, time_t seen,
    struct uidimport_count *c)
{
	char uid[UID_MAX + 1];

	if (!uidstate_valid_uid(id, n)) {
		c->skipped++;
		return;
	}
	memcpy(uid, id, n);
	uid[n] = '\0';
	if (uidstate_find(u, uid) == NULL)
		c->added++;
	uidstate_add(u, uid, seen);
}

int
uidimport_parse_mpop(struct uidstate *u, const char *name, const char *data,
    size_t len, const char *user, const char *host, time_t now,
    struct uidimport_count *c, struct errinfo *ei)
{
	size_t pos = 0, ll, line = 0;
	long left = 0;		/* UIDs still to come in the current list */
	int mine = 0, comments = 1, nl, found = 0;

	/* mpop takes a last line without its newline as whole. */
	const char *l;

	memset(c, 0, sizeof(*c));
	while ((l = next_line(data, len, &pos, &ll, &nl)) != NULL) {
		line++;
		if (ll > UIDIMPORT_LINE_MAX)
			return err_set(ei, ST_CONFIG, "%s:%zu: line longer than "
			    "%d bytes", name, line, UIDIMPORT_LINE_MAX);
		if (comments && ll > 0 && l[0] == '#')
			continue;
		/* As mpop: comments only before the first list. */
		comments = 0;
		if (left == 0) {
			/* " N HOST USER" */
			const char *p = l + 1, *end = l + ll, *h, *sp;
			long n = 0;

			if (ll < 1 || l[0] != ' ')
				return err_set(ei, ST_CONFIG, "%s:%zu: a UID "
				    "outside a list (expected ' COUNT HOST "
				    "USER')", name, line);
			while (p < end && *p >= '0' && *p <= '9' &&
			    n < UIDIMPORT_COUNT_MAX)
				n = n * 10 + (*p++ - '0');
			if (p == l + 1 || n < 1 || p == end || *p != ' ' ||
			    n >= UIDIMPORT_COUNT_MAX)
				return err_set(ei, ST_CONFIG, "%s:%zu: invalid "
				    "number of UIDs", name, line);
			h = p + 1;
			sp = memchr(h, ' ', (size_t)(end - h));
			if (sp == NULL || sp == h || sp + 1 == end ||
			    memchr(sp + 1, ' ', (size_t)(end - sp - 1)) != NULL)
				return err_set(ei, ST_CONFIG, "%s:%zu: invalid "
				    "host or user name", name, line);
			left = n;
			mine = same_host(h, (size_t)(sp - h), host) &&
			    same(sp + 1, (size_t)(end - sp - 1), user);
			found |= mine;
			continue;
		}
		if (ll > 0 && l[0] == ' ')
			return err_set(ei, ST_CONFIG, "%s:%zu: too few UIDs in "
			    "the list before", name, line);
		if (mine) {
			/* "UID" (mpop < 1.4.23) or "UID SECONDS". */
			const char *sp = last_space(l, ll);
			time_t t = now;
			size_t n = ll;

			if (sp != NULL) {
				n = (size_t)(sp - l);
				if (parse_time(sp + 1, ll - n - 1, &t) < 0)
					return err_set(ei, ST_CONFIG, "%s:%zu: "
					    "invalid time", name, line);
				if (t <= 0 || t > now)
					t = now;
			}
			take(u, l, n, t, c);
		}
		left--;
	}
	if (left > 0)
		return err_set(ei, ST_CONFIG, "%s:%zu: too few UIDs in the last "
		    "list", name, line);
	return found;
}

int
uidimport_parse_fetchids(struct uidstate *u, const char *name,
    const char *data, size_t len, const char *user, const char *host,
    time_t now, struct uidimport_count *c, struct errinfo *ei)
{
	size_t pos = 0, ll, line = 0;
	const char *l;
	int nl, found = 0;

	memset(c, 0, sizeof(*c));
	while ((l = next_line(data, len, &pos, &ll, &nl)) != NULL) {
		const char *sp, *at;

		line++;
		if (ll > UIDIMPORT_LINE_MAX)
			return err_set(ei, ST_CONFIG, "%s:%zu: line longer than "
			    "%d bytes", name, line, UIDIMPORT_LINE_MAX);
		if (ll == 0 || l[0] == '#')
			continue;
		/* "USER@HOST UID": the UID has no space, the host no '@'. */
		if (!nl) {
			/* fetchmail writes whole lines: this one was cut. */
			c->skipped++;
			continue;
		}
		sp = last_space(l, ll);
		if (sp == NULL || sp == l)
			return err_set(ei, ST_CONFIG, "%s:%zu: malformed line "
			    "(expected 'USER@HOST UID')", name, line);
		for (at = sp; at > l && at[-1] != '@'; at--)
			;
		if (at == l || at - 1 == l || at == sp)
			return err_set(ei, ST_CONFIG, "%s:%zu: malformed line "
			    "(expected 'USER@HOST UID')", name, line);
		if (!same(l, (size_t)(at - 1 - l), user) ||
		    !same_host(at, (size_t)(sp - at), host))
			continue;
		found = 1;
		take(u, sp + 1, ll - (size_t)(sp + 1 - l), now, c);
	}
	return found;
}

char *
uidimport_fetchids_default(const char *home)
{
	const char *fh = getenv("FETCHMAILHOME"), *he = getenv("HOME_ETC");

	if (fh != NULL && *fh != '\0')
		return xasprintf("%s/.fetchids", fh);
	if (he != NULL && *he != '\0')
		return xasprintf("%s/.fetchids", he);
	return xasprintf("%s/.fetchids", home);
}

/*
 * Read a peer's file into b (following a symbolic link: the user's own
 * file), under a shared fcntl lock when lock is set: 1, 0 when it does
 * not exist, -1.
 */
static int
read_peer(const char *path, int lock, struct buf *b, struct errinfo *ei)
{
	struct flock fl;
	int rc, fd = durable_open_read(path);

	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return err_set(ei, ST_IOERR, "cannot read %s: %s", path,
		    durable_strerror(errno));
	}
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_RDLCK;
	fl.l_whence = SEEK_SET;
	if (lock && fcntl(fd, F_SETLK, &fl) < 0) {
		close(fd);
		if (errno == EACCES || errno == EAGAIN)
			return err_set(ei, ST_TEMPFAIL, "mpop is fetching this "
			    "account (%s is locked); this run stops here",
			    path);
		return err_set(ei, ST_IOERR, "cannot lock %s: %s", path,
		    strerror(errno));
	}
	rc = durable_read_fd(fd, path, b, ei);
	close(fd);
	return rc < 0 ? -1 : 1;
}

/* A peer's file: 1 when it had the account's list. */
static int
peer(struct uidstate *u, struct uidimport *im, const char *path, int mpop,
    struct errinfo *ei)
{
	struct uidimport_count c;
	struct buf b;
	int rc;

	buf_init(&b, UIDSTATE_FILE_MAX);
	rc = read_peer(path, mpop, &b, ei);
	if (rc > 0)
		rc = (mpop ? uidimport_parse_mpop : uidimport_parse_fetchids)(u,
		    path, b.data, b.len, im->user, im->host, im->now, &c, ei);
	buf_free(&b);
	if (rc > 0) {
		im->added = c.added;
		im->skipped = c.skipped;
	}
	return rc;
}

int
uidimport_seed(struct uidstate *u, void *arg, struct errinfo *ei)
{
	struct uidimport *im = arg;
	const char *from = NULL;
	int rc = 0;

	if (im->legacy != NULL && strcmp(im->legacy, u->path) != 0 &&
	    (rc = legacy(u, im->legacy, ei)) != 0)
		from = im->legacy;
	else if (rc == 0 && im->mpop != NULL &&
	    (rc = peer(u, im, im->mpop, 1, ei)) != 0)
		from = im->mpop;
	else if (rc == 0 && im->fetchids != NULL &&
	    (rc = peer(u, im, im->fetchids, 0, ei)) != 0)
		from = im->fetchids;
	if (rc > 0)
		im->from = xstrdup(from);
	if (rc < 0 && ei->st == ST_CONFIG && from != im->legacy) {
		char msg[ERRINFO_MSG_MAX];

		memcpy(msg, ei->msg, sizeof(msg));
		err_set(ei, ST_CONFIG, "%s (mfetch reads this file once, to "
		    "start from what was fetched before; move it away to fetch "
		    "every message again)", msg);
	}
	return rc;
}
