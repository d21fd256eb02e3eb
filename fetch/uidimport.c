/* uidimport: seed an account's UID state from older or peers' files. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "buf.h"
#include "durable.h"
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
	struct buf b;
	char *lock = xasprintf("%s.lock", path), *jpath;
	int fd, rc = -1, had;

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
	if (uidstate_parse(u, path, b.data, b.len, 0, ei) < 0)
		goto out;
	buf_reset(&b);
	if (uidstate_read_file(jpath, &b, ei) < 0 ||
	    uidstate_parse(u, jpath, b.data, b.len, 1, ei) < 0)
		goto out;
	rc = 1;
out:
	buf_free(&b);
	free(jpath);
	if (fd >= 0)
		close(fd);
	return rc;
}

int
uidimport_seed(struct uidstate *u, void *arg, struct errinfo *ei)
{
	struct uidimport *im = arg;
	int rc;

	if (im->legacy != NULL && strcmp(im->legacy, u->path) != 0) {
		if ((rc = legacy(u, im->legacy, ei)) != 0) {
			if (rc > 0)
				im->from = xstrdup(im->legacy);
			return rc;
		}
	}
	return 0;
}
