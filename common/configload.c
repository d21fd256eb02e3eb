/*
 * configload: the accounts file on disk (config.h): finding it, reading
 * it, running its eval lines and checking its permissions; config.c parses
 * and resolves.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "durable.h"
#include "pwcmd.h"
#include "sys.h"
#include "xalloc.h"

/* Refuse permissions that expose a password or let others edit. */
static int
check_perms(const char *path, const struct stat *st, enum config_kind kind,
    struct config *cfg, struct errinfo *ei)
{
	mode_t exposed = kind == CONFIG_SYSTEM ? S_IROTH : (S_IRGRP | S_IROTH);
	int pwline = config_password_line(cfg);

	if (st->st_mode & S_IWOTH)
		return err_set(ei, ST_CONFIG, "%s: refusing a configuration file "
		    "that anyone can change (mode %03o): run 'chmod o-w %s'",
		    path, (unsigned)(st->st_mode & 0777), path);
	if (pwline == 0)
		return 0;
	if ((st->st_mode & exposed) && kind == CONFIG_SYSTEM &&
	    config_dialect(cfg) != CONFIG_DIALECT_FACTEUR) {
		/* msmtp reads its system file so (msmtp-mta's /etc/msmtprc):
		 * refusing would stop every local program's mail and hide no
		 * password that is not already exposed. */
		char msg[512];

		snprintf(msg, sizeof(msg), "this file contains a password but is "
		    "readable by others (mode %03o): run 'chmod o-rwx %s'",
		    (unsigned)(st->st_mode & 0777), path);
		config_warn(cfg, pwline, msg);
		return 0;
	}
	if (st->st_mode & exposed)
		return err_set(ei, ST_CONFIG, "%s:%d: this file contains a "
		    "password but is readable by %s (mode %03o): run "
		    "'chmod %s %s'", path, pwline,
		    kind == CONFIG_SYSTEM ? "others" : "group or others",
		    (unsigned)(st->st_mode & 0777),
		    kind == CONFIG_SYSTEM ? "o-rwx" : "600", path);
	if (kind == CONFIG_USER && st->st_uid != geteuid() && st->st_uid != 0)
		return err_set(ei, ST_CONFIG, "%s: this file contains a password "
		    "but belongs to another user (uid %u)", path,
		    (unsigned)st->st_uid);
	return 0;
}

static int
eval_cmd(const char *cmd, char **out_r, struct errinfo *ei)
{
	return pwcmd_run(cmd, out_r, ei);
}

int
config_load(const char *path, enum config_kind kind, struct config **cfg_r,
    struct errinfo *ei)
{
	return config_load_for(path, kind, CONFIG_DIALECT_FACTEUR, 0, cfg_r,
	    ei);
}

int
config_load_dialect(const char *path, enum config_kind kind,
    enum config_dialect dialect, struct config **cfg_r, struct errinfo *ei)
{
	return config_load_for(path, kind, dialect, 0, cfg_r, ei);
}

int
config_load_for(const char *path, enum config_kind kind,
    enum config_dialect dialect, int side, struct config **cfg_r,
    struct errinfo *ei)
{
	struct config_opts opts;
	struct config *cfg;
	struct stat st;
	struct buf text;
	int fd, rc;

	fd = durable_open_read(path);
	if (fd < 0 && (errno == EINVAL || errno == ENXIO))
		return err_set(ei, ST_CONFIG, "%s: not a regular file", path);
	if (fd < 0)
		return err_set(ei, ST_CONFIG, "cannot open configuration file "
		    "'%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(ei, ST_CONFIG, "%s: not a regular file", path);
	}
	if (st.st_size > CONFIG_FILE_MAX) {
		close(fd);
		return err_set(ei, ST_CONFIG, "%s: file too large (more than %d "
		    "bytes)", path, CONFIG_FILE_MAX);
	}
	buf_init(&text, CONFIG_FILE_MAX);
	rc = buf_read_fd(&text, fd);
	close(fd);
	if (rc < 0) {
		buf_free_secret(&text);
		return err_set(ei, ST_CONFIG, "cannot read '%s'", path);
	}
	opts.dialect = dialect;
	opts.side = side;
	opts.eval = eval_cmd;
	rc = config_parse_opts(path, text.data, text.len, &opts, &cfg, ei);
	buf_free_secret(&text);
	if (rc < 0)
		return -1;
	if (check_perms(path, &st, kind, cfg, ei) < 0) {
		config_free(cfg);
		return -1;
	}
	*cfg_r = cfg;
	return 0;
}

/* Does path exist?  (Appended to *tried otherwise.) */
static int
exists(const char *path, struct buf *tried)
{
	if (access(path, F_OK) == 0)
		return 1;
	if (tried->len > 0)
		buf_addstr(tried, ", ");
	buf_addstr(tried, path);
	return 0;
}

/* $XDG_CONFIG_HOME/PROG/config, or ~/.config/PROG/config. */
static char *
xdg_file(const char *home, const char *prog)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");

	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/%s/config", xdg, prog);
	return xasprintf("%s/.config/%s/config", home, prog);
}

void
config_peer_files(enum config_dialect peer, const char *home,
    char *paths_r[2])
{
	const char *pname = dialect_name(peer);

	paths_r[0] = xasprintf("%s/.%src", home, pname);
	paths_r[1] = xdg_file(home, pname);
}

char *
config_find(int side, enum config_kind *kind_r,
    enum config_dialect *dialect_r, char **tried_r)
{
	const char *home = sys_home();
	enum config_dialect peer = dialect_peer(side);
	char *pf[2];
	struct {
		char *path;
		enum config_kind kind;
		enum config_dialect dialect;
	} c[6];
	size_t n = 0, i;
	struct buf tried;
	char *found = NULL;

#define ADD(p, k, d) do { c[n].path = (p); c[n].kind = (k); \
	c[n].dialect = (d); n++; } while (0)
	ADD(xdg_file(home, "facteur"), CONFIG_USER, CONFIG_DIALECT_FACTEUR);
	if (peer != CONFIG_DIALECT_FACTEUR) {
		config_peer_files(peer, home, pf);
		ADD(pf[0], CONFIG_USER, peer);
		ADD(pf[1], CONFIG_USER, peer);
	}
	ADD(xstrdup(SYSCONFDIR "/facteur.conf"), CONFIG_SYSTEM,
	    CONFIG_DIALECT_FACTEUR);
	/* Where msmtp-mta's system file is (Debian's msmtp: /etc). */
	if (peer == CONFIG_DIALECT_MSMTP)
		ADD(xstrdup("/etc/msmtprc"), CONFIG_SYSTEM, peer);
#undef ADD
	buf_init(&tried, 4096);
	for (i = 0; i < n; i++) {
		if (found == NULL && exists(c[i].path, &tried)) {
			found = c[i].path;
			*kind_r = c[i].kind;
			*dialect_r = c[i].dialect;
			continue;
		}
		if (c[i].path != found)
			free(c[i].path);
	}
	if (found == NULL && tried_r != NULL)
		*tried_r = xstrdup(tried.data != NULL ? tried.data : "");
	buf_free(&tried);
	return found;
}
