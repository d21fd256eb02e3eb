/* queue_clean: what crashes left in the queue directory, removed. */
#include "autoconf.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "queue.h"
#include "queue_int.h"

/* Is the regular file name older than the orphan age at now? */
static int
old_file(struct queue *q, const char *name, long long now, struct stat *st)
{
	return fstatat(q->dfd, name, st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st->st_mode) &&
	    now - (long long)st->st_mtime >= QUEUE_ORPHAN_AGE;
}

/* Remove ID.msg (name) if no one holds it and it still has no ID.env. */
static int
clean_msg(struct queue *q, const char *name, size_t idlen)
{
	char id[QENV_ID_MAX + 1];
	struct stat st, now;
	int fd, rc = 0;

	memcpy(id, name, idlen);
	id[idlen] = '\0';
	if (queue_name_exists(q, id, "env"))
		return 0;
	fd = openat(q->dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0 &&
	    !queue_name_exists(q, id, "env") && fstat(fd, &st) == 0 &&
	    S_ISREG(st.st_mode) &&
	    fstatat(q->dfd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_ino == now.st_ino && st.st_dev == now.st_dev &&
	    unlinkat(q->dfd, name, 0) == 0)
		rc = 1;
	close(fd);
	return rc;
}

int
queue_clean(struct queue *q, long long now)
{
	struct dirent *de;
	struct stat st;
	size_t len;
	int n = 0;
	DIR *d;

	if (q->dfd < 0 || (d = queue_opendir(q)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		const char *name = de->d_name;

		if ((queue_id_with(name, ".msg.tmp") > 0 ||
		    queue_id_with(name, ".env.tmp") > 0) &&
		    old_file(q, name, now, &st)) {
			if (unlinkat(q->dfd, name, 0) == 0)
				n++;
		} else if ((len = queue_id_with(name, ".msg")) > 0) {
			/* Unlocked without ID.env: a crash's, whatever its age. */
			n += clean_msg(q, name, len);
		}
	}
	closedir(d);
	if (n > 0)
		(void)fsync(q->dfd);
	return n;
}
