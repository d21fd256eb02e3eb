/* mboxjournal: the append record of an mbox, and the repair after a crash. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "durable.h"
#include "hash.h"
#include "log.h"
#include "mboxjournal.h"

size_t
mboxj_format(const struct mboxj_rec *r, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	size_t n, i;

	if (r->kind == MBOXJ_REPAIR) {
		n = (size_t)snprintf(out, outsz, "repair %llu %llu %llu %llu",
		    r->dev, r->ino, r->start, r->len);
	} else {
		n = (size_t)snprintf(out, outsz, "append %llu %llu %llu %d "
		    "%llu %016" PRIx64 " ", r->dev, r->ino, r->start, r->nl,
		    r->len, r->hash);
		for (i = 0; i < r->headlen && n + 3 < outsz; i++) {
			out[n++] = hex[r->head[i] >> 4];
			out[n++] = hex[r->head[i] & 15];
		}
	}
	/* The record's own checksum: a torn write is never taken. */
	n += (size_t)snprintf(out + n, outsz - n, " %016" PRIx64 "\n",
	    hash_add(HASH_INIT, out, n));
	return n;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* A decimal number ending at a space or line end; NULL if malformed. */
static const char *
number(const char *p, const char *end, unsigned long long *v_r)
{
	unsigned long long v = 0;
	const char *s = p;

	while (p < end && *p >= '0' && *p <= '9' && v < (1ULL << 60))
		v = v * 10 + (unsigned long long)(*p++ - '0');
	if (p == s || p >= end || (*p != ' ' && *p != '\n'))
		return NULL;
	*v_r = v;
	return *p == ' ' ? p + 1 : p;
}

/* The fields of a record whose checksum was right: text ends with LF. */
static void
parse_fields(const char *text, size_t len, struct mboxj_rec *r)
{
	const char *p = text, *nl = text + len - 1, *end = text + len;
	unsigned long long nlv = 0, h = 0;
	int i, a, b;

	if ((size_t)(end - p) > 7 && memcmp(p, "repair ", 7) == 0) {
		p += 7;
		if ((p = number(p, end, &r->dev)) == NULL ||
		    (p = number(p, end, &r->ino)) == NULL ||
		    (p = number(p, end, &r->start)) == NULL ||
		    (p = number(p, end, &r->len)) == NULL || p != nl)
			return;
		r->kind = MBOXJ_REPAIR;
		return;
	}
	if ((size_t)(end - p) <= 7 || memcmp(p, "append ", 7) != 0)
		return;
	p += 7;
	if ((p = number(p, end, &r->dev)) == NULL ||
	    (p = number(p, end, &r->ino)) == NULL ||
	    (p = number(p, end, &r->start)) == NULL ||
	    (p = number(p, end, &nlv)) == NULL || nlv > 1 ||
	    (p = number(p, end, &r->len)) == NULL)
		return;
	for (i = 0; i < 16; i++) {
		int v = p < end ? hexval(*p++) : -1;

		if (v < 0)
			return;
		h = h << 4 | (unsigned long long)v;
	}
	if (p >= end || *p++ != ' ')
		return;
	while (p + 1 < end && r->headlen < MSGFILE_HEAD &&
	    (a = hexval(p[0])) >= 0 && (b = hexval(p[1])) >= 0) {
		r->head[r->headlen++] = (unsigned char)(a << 4 | b);
		p += 2;
	}
	if (p != nl || r->headlen == 0 || r->headlen > r->len)
		return;
	r->nl = (int)nlv;
	r->hash = (uint64_t)h;
	r->kind = MBOXJ_APPEND;
}

int
mboxj_parse(const char *text, size_t len, struct mboxj_rec *r)
{
	const char *nl = memchr(text, '\n', len), *sp;
	char line[MBOXJ_RECORD_MAX];
	uint64_t sum = 0;
	int i, v;

	memset(r, 0, sizeof(*r));
	if (nl == NULL)
		return 0;		/* empty, or cut before its end */
	/* "RECORD SUM\n": SUM is the FNV-1a of RECORD, 16 hex digits. */
	if (nl - text < 18 || nl[-17] != ' ' ||
	    (size_t)(nl - text) - 17 + 1 > sizeof(line))
		return 0;
	sp = nl - 17;
	for (i = 1; i <= 16; i++) {
		if ((v = hexval(sp[i])) < 0)
			return 0;
		sum = sum << 4 | (uint64_t)v;
	}
	if (sum != hash_add(HASH_INIT, text, (size_t)(sp - text)))
		return 0;		/* torn: half of one record, half of another */
	memcpy(line, text, (size_t)(sp - text));
	line[sp - text] = '\n';
	parse_fields(line, (size_t)(sp - text) + 1, r);
	return 0;
}

int
mboxj_write(int jfd, const struct mboxj_rec *r, struct errinfo *ei)
{
	char line[MBOXJ_RECORD_MAX];
	size_t n = mboxj_format(r, line, sizeof(line));
	ssize_t w = pwrite(jfd, line, n, 0);

	/* Only the first line counts: a longer record's rest may follow. */
	if (w != (ssize_t)n || fdatasync(jfd) < 0)
		return err_set(ei, errno == ENOSPC ? ST_TEMPFAIL : ST_IOERR,
		    "cannot write the mbox journal: %s", strerror(errno));
	return 0;
}

void
mboxj_clear(int jfd)
{
	(void)ftruncate(jfd, 0);
}

/* The hash of n bytes of fd from off; -1 on a read error or early end. */
static int
hash_range(int fd, off_t off, unsigned long long n, uint64_t *h_r)
{
	char buf[64 * 1024];
	uint64_t h = HASH_INIT;

	while (n > 0) {
		ssize_t r = pread(fd, buf, n < sizeof(buf) ? (size_t)n :
		    sizeof(buf), off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		h = hash_add(h, buf, (size_t)r);
		off += r;
		n -= (unsigned long long)r;
	}
	*h_r = h;
	return 0;
}

/*
 * Do the bytes at r->start look like the start of our append: the line
 * end (or a hole) when nl, then a prefix of our head followed only by
 * NUL bytes (the part of the pre-extended region never written)?
 */
static int
ours(int fd, const struct mboxj_rec *r)
{
	unsigned char b[1 + MSGFILE_HEAD];
	size_t want = (size_t)r->nl + r->headlen, i;
	ssize_t got = pread(fd, b, want, (off_t)r->start);

	if (got != (ssize_t)want)
		return 0;
	if (r->nl && b[0] != '\n' && b[0] != '\0')
		return 0;
	for (i = 0; i < r->headlen; i++)
		if (b[r->nl + i] != r->head[i])
			break;
	for (; i < r->headlen; i++)
		if (b[r->nl + i] != '\0')
			return 0;
	return 1;
}

/*
 * 1 when the byte after our region is a line end that another writer put
 * there because our unfinished region did not end with one, before its
 * "From " (mutt does that): once our region is gone, that line end would
 * be an extra blank line at the end of the message before ours, which
 * already ends with its separator (it ends at r->start, after a line
 * end).  It goes with our region.  0 otherwise.
 */
static int
separator_after(int fd, const struct mboxj_rec *r, unsigned long long end,
    unsigned long long size)
{
	char b[6], before = '\n';

	if (r->nl || size < end + sizeof(b) ||
	    (r->start > 0 && pread(fd, &before, 1, (off_t)r->start - 1) != 1) ||
	    before != '\n' || pread(fd, b, sizeof(b), (off_t)end) != sizeof(b))
		return 0;
	return memcmp(b, "\nFrom ", sizeof(b)) == 0;
}

/* Put the saved tail at r->start and end the mbox after it. */
static int
finish_cut(const struct mboxj_rec *r, int jfd, const char *tail, int fd,
    const char *name, struct errinfo *ei)
{
	int tfd = durable_open(tail, O_RDONLY, 0), err;
	struct stat st;

	if (tfd < 0 || fstat(tfd, &st) < 0 ||
	    (unsigned long long)st.st_size != r->len) {
		if (tfd >= 0)
			close(tfd);
		return err_set(ei, ST_IOERR, "mbox %s: a repair was under way "
		    "but its saved data (%s) is missing or incomplete; not "
		    "touching the mbox (move the journal away to go on)", name,
		    tail);
	}
	err = durable_copy(tfd, 0, fd, (off_t)r->start, r->len);
	close(tfd);
	if (err == 0 && ftruncate(fd, (off_t)(r->start + r->len)) < 0)
		err = errno;
	if (err == 0 && fsync(fd) < 0)
		err = errno;
	if (err != 0)
		return err_set(ei, ST_IOERR, "mbox %s: cannot repair: %s", name,
		    strerror(err));
	mboxj_clear(jfd);
	unlink(tail);
	return 0;
}

/*
 * Remove [r->start, end) from the mbox, keeping the tail [end, size):
 * the tail is saved first and the plan journaled, so that a crash in the
 * middle is finished by the next run.
 */
static int
cut(struct mboxj_rec *r, unsigned long long end, unsigned long long size,
    int jfd, const char *tail, int fd, const char *name, struct errinfo *ei)
{
	unsigned long long t = size - end;
	int tfd, err;

	if (t == 0) {
		if (ftruncate(fd, (off_t)r->start) < 0 || fsync(fd) < 0)
			return err_set(ei, ST_IOERR, "mbox %s: cannot truncate "
			    "back to %llu bytes: %s", name, r->start,
			    strerror(errno));
		mboxj_clear(jfd);
		return 0;
	}
	tfd = durable_open(tail, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (tfd < 0)
		return err_set(ei, ST_CANTCREAT, "mbox %s: cannot create %s: "
		    "%s", name, tail, durable_strerror(errno));
	err = durable_copy(fd, (off_t)end, tfd, 0, t);
	if (err == 0 && fsync(tfd) < 0)
		err = errno;
	close(tfd);
	if (err == 0 && durable_fsync_parent(tail) < 0)
		err = errno;
	if (err != 0) {
		unlink(tail);
		return err_set(ei, ST_IOERR, "mbox %s: cannot save %llu bytes "
		    "to %s: %s", name, t, tail, strerror(err));
	}
	r->kind = MBOXJ_REPAIR;
	r->len = t;
	if (mboxj_write(jfd, r, ei) < 0)
		return -1;
	return finish_cut(r, jfd, tail, fd, name, ei);
}

int
mboxj_recover(int jfd, const char *tail, int fd, const char *name,
    struct errinfo *ei)
{
	char text[MBOXJ_RECORD_MAX];
	struct mboxj_rec r;
	struct stat st;
	unsigned long long end;
	uint64_t h;
	ssize_t n = pread(jfd, text, sizeof(text), 0);

	if (n <= 0)
		return 0;
	mboxj_parse(text, (size_t)n, &r);
	if (r.kind == MBOXJ_NONE || fstat(fd, &st) < 0 ||
	    r.dev != (unsigned long long)st.st_dev ||
	    r.ino != (unsigned long long)st.st_ino) {
		/* Cut before its fsync (the mbox was not touched), or an
		 * mbox since replaced by another file: nothing of ours. */
		mboxj_clear(jfd);
		return 0;
	}
	if (r.kind == MBOXJ_REPAIR)
		return finish_cut(&r, jfd, tail, fd, name, ei);
	end = r.start + (unsigned long long)r.nl + r.len;
	if ((unsigned long long)st.st_size < end || !ours(fd, &r)) {
		/*
		 * The region was never extended (the run died before), or
		 * what stands there is another writer's: nothing of ours.
		 */
		mboxj_clear(jfd);
		return 0;
	}
	if (hash_range(fd, (off_t)(r.start + (unsigned long long)r.nl), r.len,
	    &h) == 0 && h == r.hash) {
		/* Whole: the run died after its fsync, before the clear. */
		mboxj_clear(jfd);
		return 0;
	}
	end += separator_after(fd, &r, end, (unsigned long long)st.st_size);
	log_warn("mbox %s: removing the %llu bytes of a message a stopped "
	    "mfetch left unfinished at offset %llu%s", name,
	    end - r.start, r.start, (unsigned long long)st.st_size > end ?
	    "; what was appended after it is kept" : "");
	return cut(&r, end, (unsigned long long)st.st_size, jfd, tail, fd,
	    name, ei);
}
