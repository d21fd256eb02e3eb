/* aliases: local names to addresses. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "durable.h"
#include "aliases.h"
#include "buf.h"
#include "xalloc.h"

/* Find name's line; fill out with its addresses.  1 found, 0, -1. */
static int
lookup(const char *name, const char *text, size_t len, const char *key,
    struct addr_list *out, struct errinfo *ei)
{
	size_t p = 0;
	int lineno = 0;

	while (p < len) {
		const char *l = text + p, *nl = memchr(l, '\n', len - p);
		size_t n = nl != NULL ? (size_t)(nl - l) : len - p, kl;
		const char *colon;
		char *v;
		int rc;

		p += n + (nl != NULL);
		lineno++;
		while (n > 0 && (l[n - 1] == '\r' || l[n - 1] == ' ' ||
		    l[n - 1] == '\t'))
			n--;
		while (n > 0 && (*l == ' ' || *l == '\t')) {
			l++;
			n--;
		}
		if (n == 0 || *l == '#')
			continue;
		if (n > ALIASES_LINE_MAX)
			return err_set(ei, ST_CONFIG, "%s:%d: line too long",
			    name, lineno);
		colon = memchr(l, ':', n);
		if (colon == NULL || colon == l)
			return err_set(ei, ST_CONFIG, "%s:%d: expected 'name: "
			    "address, ...'", name, lineno);
		kl = (size_t)(colon - l);
		while (kl > 0 && (l[kl - 1] == ' ' || l[kl - 1] == '\t'))
			kl--;
		if (strlen(key) != kl || strncasecmp(l, key, kl) != 0)
			continue;
		v = xstrndup(colon + 1, n - (size_t)(colon - l) - 1);
		rc = addr_parse_list(v, out, ei);
		free(v);
		if (rc < 0) {
			char *why = xstrdup(ei->msg);

			err_set(ei, ST_CONFIG, "%s:%d: %s", name, lineno, why);
			free(why);
			return -1;
		}
		if (out->n == 0)
			return err_set(ei, ST_CONFIG, "%s:%d: no address for "
			    "'%s'", name, lineno, key);
		return 1;
	}
	return 0;
}

/* Check every line once, so that a bad file is an error at any time. */
static int
check(const char *name, const char *text, size_t len, struct errinfo *ei)
{
	struct addr_list tmp;
	int rc;

	addr_list_init(&tmp);
	/* A key that cannot exist makes lookup() parse every line. */
	rc = lookup(name, text, len, ":", &tmp, ei);
	addr_list_free(&tmp);
	return rc < 0 ? -1 : 0;
}

int
aliases_expand_text(const char *name, const char *text, size_t len,
    struct addr_list *rcpts, struct errinfo *ei)
{
	struct addr_list out;
	size_t i, k;
	int rc = -1;

	if (memchr(text, '\0', len) != NULL)
		return err_set(ei, ST_CONFIG, "%s: NUL byte in the file", name);
	if (check(name, text, len, ei) < 0)
		return -1;
	addr_list_init(&out);
	for (i = 0; i < rcpts->n; i++) {
		struct addr_list found;
		int r;

		if (strchr(rcpts->v[i], '@') != NULL) {
			addr_list_add(&out, rcpts->v[i]);
			continue;
		}
		addr_list_init(&found);
		r = lookup(name, text, len, rcpts->v[i], &found, ei);
		if (r == 0)
			r = lookup(name, text, len, "default", &found, ei);
		if (r < 0) {
			addr_list_free(&found);
			goto out;
		}
		if (r == 0)
			addr_list_add(&out, rcpts->v[i]);
		for (k = 0; k < found.n; k++)
			addr_list_add(&out, found.v[k]);
		addr_list_free(&found);
	}
	addr_list_free(rcpts);
	*rcpts = out;
	addr_list_init(&out);
	rc = 0;
out:
	addr_list_free(&out);
	return rc;
}

int
aliases_is_local(const char *addr)
{
	return strchr(addr, '@') == NULL;
}

/* Move the local names of rcpts to failed. */
static void
move_local(struct addr_list *rcpts, struct addr_list *failed)
{
	size_t i, n = 0;

	for (i = 0; i < rcpts->n; i++) {
		if (aliases_is_local(rcpts->v[i])) {
			addr_list_add(failed, rcpts->v[i]);
			free(rcpts->v[i]);
		} else {
			rcpts->v[n++] = rcpts->v[i];
		}
	}
	rcpts->n = n;
}

static int
read_file(const char *path, struct buf *b, struct errinfo *ei)
{
	int e, fd;

	fd = durable_open_read(path);
	if (fd < 0)
		return err_set(ei, errno == ENOENT ? ST_NOINPUT : ST_CONFIG,
		    "cannot open the aliases file %s: %s", path,
		    durable_strerror(errno));
	e = buf_read_fd(b, fd) < 0 ? errno : 0;
	close(fd);
	if (e == EFBIG)
		return err_set(ei, ST_CONFIG, "%s: file larger than %d bytes",
		    path, ALIASES_FILE_MAX);
	if (e != 0)
		return err_set(ei, ST_CONFIG, "cannot read %s: %s", path,
		    strerror(e));
	return 0;
}

int
aliases_expand(const char *path, struct addr_list *rcpts,
    struct addr_list *failed, struct errinfo *ei)
{
	struct buf b;
	int rc;

	buf_init(&b, ALIASES_FILE_MAX);
	rc = read_file(path, &b, ei);
	if (rc == 0)
		rc = aliases_expand_text(path, b.data,
		    b.len, rcpts, ei);
	buf_free(&b);
	if (rc < 0)
		move_local(rcpts, failed);
	return rc;
}
