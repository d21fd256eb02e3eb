/* netrc: find a password in ~/.netrc. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "durable.h"
#include "buf.h"
#include "log.h"
#include "netrc.h"
#include "xalloc.h"

struct lexer {
	const char *p, *end;
	struct buf word;
};

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',';
}

/* The next word into lx->word; 0 at the end. */
static int
next(struct lexer *lx)
{
	buf_reset(&lx->word);
	while (lx->p < lx->end && blank(*lx->p))
		lx->p++;
	if (lx->p >= lx->end)
		return 0;
	if (*lx->p == '"') {
		lx->p++;
		while (lx->p < lx->end && *lx->p != '"') {
			if (*lx->p == '\\' && lx->p + 1 < lx->end)
				lx->p++;
			buf_addch(&lx->word, *lx->p++);
		}
		if (lx->p < lx->end)
			lx->p++;
		return 1;
	}
	while (lx->p < lx->end && !blank(*lx->p))
		buf_addch(&lx->word, *lx->p++);
	return 1;
}

/* Skip a macdef body: up to an empty line. */
static void
skip_macdef(struct lexer *lx)
{
	const char *e = lx->p;

	while (e < lx->end) {
		const char *nl = memchr(e, '\n', (size_t)(lx->end - e));

		if (nl == NULL) {
			e = lx->end;
			break;
		}
		e = nl + 1;
		if (e < lx->end && *e == '\n')
			break;
	}
	lx->p = e;
}

int
netrc_find(const char *text, size_t len, const char *host, const char *login,
    char **pw_r)
{
	struct lexer lx;
	char *e_login = NULL, *e_pw = NULL, *def_pw = NULL;
	int in = 0, is_default = 0, found = 0, def_ok = 0;

	lx.p = text;
	lx.end = text + len;
	buf_init(&lx.word, NETRC_WORD_MAX);
	for (;;) {
		int more = next(&lx);
		int boundary = !more || strcmp(lx.word.data, "machine") == 0 ||
		    strcmp(lx.word.data, "default") == 0;

		if (boundary && in) {
			/* Close the current entry. */
			int match = e_pw != NULL && (e_login == NULL ||
			    login == NULL || strcmp(e_login, login) == 0);

			if (match && !is_default) {
				*pw_r = e_pw;
				e_pw = NULL;
				found = 1;
			} else if (match && is_default && !def_ok) {
				def_pw = e_pw;
				e_pw = NULL;
				def_ok = 1;
			}
			free(e_login);
			xfree_secret(e_pw);
			e_login = e_pw = NULL;
			in = 0;
			if (found)
				break;
		}
		if (!more)
			break;
		if (strcmp(lx.word.data, "machine") == 0) {
			if (!next(&lx))
				break;
			in = strcasecmp(lx.word.data, host) == 0;
			is_default = 0;
		} else if (strcmp(lx.word.data, "default") == 0) {
			in = 1;
			is_default = 1;
		} else if (strcmp(lx.word.data, "login") == 0) {
			if (!next(&lx))
				break;
			if (in) {
				free(e_login);
				e_login = xstrdup(lx.word.data);
			}
		} else if (strcmp(lx.word.data, "password") == 0) {
			if (!next(&lx))
				break;
			if (in) {
				xfree_secret(e_pw);
				e_pw = xstrdup(lx.word.data);
			}
		} else if (strcmp(lx.word.data, "account") == 0) {
			next(&lx);
		} else if (strcmp(lx.word.data, "macdef") == 0) {
			next(&lx);
			skip_macdef(&lx);
		}
	}
	free(e_login);
	xfree_secret(e_pw);
	buf_free_secret(&lx.word);
	if (found) {
		xfree_secret(def_pw);
		return 1;
	}
	if (def_ok) {
		*pw_r = def_pw;
		return 1;
	}
	return 0;
}

int
netrc_lookup(const char *path, const char *host, const char *login,
    char **pw_r, struct errinfo *ei)
{
	struct stat st;
	struct buf text;
	int fd, rc;

	fd = durable_open_read(path);
	if (fd < 0)
		return errno == ENOENT ? 0 : err_set(ei, ST_CONFIG, "cannot "
		    "open '%s': %s", path, durable_strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	if (st.st_mode & (S_IRGRP | S_IROTH)) {
		close(fd);
		log_warn("not using '%s': others can read it (chmod 600 %s)",
		    path, path);
		return 0;
	}
	/* A longer file: its first NETRC_FILE_MAX bytes are used (EFBIG). */
	buf_init(&text, NETRC_FILE_MAX);
	(void)buf_read_fd(&text, fd);
	close(fd);
	rc = netrc_find(text.data, text.len, host, login, pw_r);
	buf_free_secret(&text);
	return rc;
}
