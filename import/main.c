/*
 * facteur-import: write a facteur accounts file from fetchmail's, msmtp's
 * and mpop's files (see facteur-import(1)).
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "durable.h"
#include "fmrc.h"
#include "fromfm.h"
#include "log.h"
#include "peers.h"
#include "status.h"
#include "version.h"
#include "writer.h"
#include "sys.h"
#include "xalloc.h"

static const char usage_text[] =
"usage: facteur-import [--fetchmailrc[=FILE]] [--msmtprc[=FILE]]\n"
"                      [--mpoprc[=FILE]] [-o FILE [--force]]\n"
"Write a facteur accounts file (facteur.conf(5)) from other programs'\n"
"files; an msmtp account and an mpop account of the same address become\n"
"one account.  Without -o, the file goes to standard output.\n"
"\n"
"  --fetchmailrc[=FILE]  fetchmail's file (default ~/.fetchmailrc)\n"
"  --msmtprc[=FILE]      msmtp's file (default ~/.msmtprc)\n"
"  --mpoprc[=FILE]       mpop's file (default ~/.mpoprc)\n"
"  -o, --output=FILE     write FILE (mode 600), never over an existing one\n"
"  -f, --force           replace an existing FILE\n"
"  -h, --help            this help\n"
"  -V, --version         the version\n";

enum {
	O_FETCHMAILRC = 256,
	O_MSMTPRC,
	O_MPOPRC
};

static const char *
login(void)
{
	const char *u = getenv("FETCHMAILUSER");
	struct passwd *pw;

	if (u != NULL && *u != '\0')
		return u;
	pw = getpwuid(getuid());
	if (pw != NULL)
		return pw->pw_name;
	u = getenv("USER");
	return u != NULL ? u : "root";
}

/* fetchmail's default file: $FETCHMAILHOME/fetchmailrc or ~/.fetchmailrc. */
static char *
fetchmailrc_default(void)
{
	const char *fh = getenv("FETCHMAILHOME");

	if (fh != NULL && *fh != '\0')
		return xasprintf("%s/fetchmailrc", fh);
	return xasprintf("%s/.fetchmailrc", sys_home());
}

/* Read path (at most max bytes) into b. */
static int
slurp(const char *path, size_t max, struct buf *b, struct errinfo *ei)
{
	int e, fd = durable_open_read(path);

	buf_init(b, max);
	if (fd < 0)
		return err_set(ei, errno == ENOENT ? ST_NOINPUT : ST_IOERR,
		    "cannot read %s: %s", path, durable_strerror(errno));
	e = buf_read_fd(b, fd) < 0 ? errno : 0;
	close(fd);
	if (e != 0)
		return err_set(ei, e == EFBIG ? ST_CONFIG : ST_IOERR,
		    "cannot read %s: %s", path, e == EFBIG ? "file too large" :
		    strerror(e));
	return 0;
}

static int
fetchmail(const char *path, struct imp_set *s, struct errinfo *ei)
{
	struct fmrc *r;
	struct buf b;
	int rc;

	if ((rc = slurp(path, FMRC_FILE_MAX, &b, ei)) == 0 &&
	    (rc = fmrc_parse(path, b.data, b.len, &r, ei)) == 0) {
		fromfm_accounts(r, path, login(), s);
		fmrc_free(r);
	}
	buf_free_secret(&b);
	return rc;
}

/*
 * Write data to path, mode 600: a new file (O_EXCL), or with force a
 * temporary file renamed over the old one.
 */
static int
write_out(const char *path, const struct buf *data, int force,
    struct errinfo *ei)
{
	char *tmp = NULL;
	const char *target = path;
	int fd, err;

	if (force) {
		tmp = xasprintf("%s.facteur-import.tmp", path);
		unlink(tmp);
		target = tmp;
	}
	fd = durable_open(target, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		err = errno;
		free(tmp);
		if (err == EEXIST)
			return err_set(ei, ST_CANTCREAT, "%s exists: facteur-"
			    "import never writes over a file without --force",
			    path);
		return err_set(ei, ST_CANTCREAT, "cannot create %s: %s",
		    target, durable_strerror(err));
	}
	if ((err = durable_write_all(fd, data->data, data->len)) != 0 ||
	    (fsync(fd) < 0 && (err = errno) != 0) ||
	    (close(fd) < 0 && (err = errno) != 0)) {
		unlink(target);
		free(tmp);
		return err_set(ei, ST_IOERR, "cannot write %s: %s", target,
		    strerror(err));
	}
	if (tmp != NULL) {
		if (rename(tmp, path) < 0) {
			err = errno;
			unlink(tmp);
			free(tmp);
			return err_set(ei, ST_CANTCREAT, "cannot replace %s: %s",
			    path, strerror(err));
		}
		free(tmp);
	}
	durable_fsync_parent(path);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "fetchmailrc", optional_argument, NULL, O_FETCHMAILRC },
		{ "msmtprc", optional_argument, NULL, O_MSMTPRC },
		{ "mpoprc", optional_argument, NULL, O_MPOPRC },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char *fm = NULL, *msmtp = NULL, *mpop = NULL, *header;
	const char *output = NULL;
	struct imp_set s;
	struct errinfo ei;
	struct buf out, from;
	int c, force = 0, secrets = 0, rc = 0;

	memset(&s, 0, sizeof(s));
	memset(&ei, 0, sizeof(ei));
	log_init("facteur-import");
	while ((c = getopt_long(argc, argv, "o:fhV", longopts, NULL)) != -1) {
		switch (c) {
		case O_FETCHMAILRC:
			free(fm);
			fm = optarg != NULL ? xstrdup(optarg) :
			    fetchmailrc_default();
			break;
		case O_MSMTPRC:
			free(msmtp);
			msmtp = optarg != NULL ? xstrdup(optarg) :
			    peers_default_file(PEER_MSMTP, sys_home());
			break;
		case O_MPOPRC:
			free(mpop);
			mpop = optarg != NULL ? xstrdup(optarg) :
			    peers_default_file(PEER_MPOP, sys_home());
			break;
		case 'o':
			output = optarg;
			break;
		case 'f':
			force = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			version_print(stdout, "facteur-import");
			return 0;
		default:
			fputs("facteur-import: see facteur-import --help\n",
			    stderr);
			return status_exit_code(ST_USAGE);
		}
	}
	if (optind < argc || (fm == NULL && msmtp == NULL && mpop == NULL)) {
		fprintf(stderr, "facteur-import: %s; see facteur-import "
		    "--help\n", optind < argc ? "unexpected argument" :
		    "name a file to import (--fetchmailrc, --msmtprc, "
		    "--mpoprc)");
		return status_exit_code(ST_USAGE);
	}
	buf_init(&from, 65536);
	if (msmtp != NULL && rc == 0) {
		rc = peers_load(msmtp, PEER_MSMTP, &s, &ei);
		buf_printf(&from, "%s%s", from.len ? ", " : "", msmtp);
	}
	if (mpop != NULL && rc == 0) {
		rc = peers_load(mpop, PEER_MPOP, &s, &ei);
		buf_printf(&from, "%s%s", from.len ? ", " : "", mpop);
	}
	if (fm != NULL && rc == 0) {
		rc = fetchmail(fm, &s, &ei);
		buf_printf(&from, "%s%s", from.len ? ", " : "", fm);
	}
	buf_init(&out, 4 * 1024 * 1024);
	if (rc == 0) {
		size_t i;

		imp_merge(&s);
		imp_names(&s);
		if (imp_check(&s) > 0)
			for (i = 0; i < s.n; i++)
				if (s.v[i].refused != NULL)
					log_warn("account '%s' is written "
					    "commented out: facteur refuses it "
					    "(%s)", s.v[i].a->name,
					    s.v[i].refused);
		header = xasprintf("facteur accounts (facteur.conf(5)), written "
		    "by facteur-import from %s", from.data);
		rc = imp_write(&out, &s, header, &secrets, &ei);
		free(header);
	}
	if (rc == 0 && output != NULL)
		rc = write_out(output, &out, force, &ei);
	else if (rc == 0 && (fwrite(out.data, 1, out.len, stdout) != out.len ||
	    fflush(stdout) != 0))
		rc = err_set(&ei, ST_IOERR, "cannot write the output: %s",
		    strerror(errno));
	if (rc == 0) {
		fprintf(stderr, "facteur-import: %zu account%s written%s%s\n",
		    s.n, s.n == 1 ? "" : "s", output != NULL ? " to " : "",
		    output != NULL ? output : "");
		if (secrets)
			fprintf(stderr, "facteur-import: the output holds "
			    "passwords in clear, as its source did%s\n",
			    output != NULL ? " (mode 600)" : ": keep it "
			    "private (chmod 600)");
	} else {
		log_error("%s", ei.msg);
	}
	buf_free_secret(&out);
	buf_free(&from);
	imp_free(&s);
	free(fm);
	free(msmtp);
	free(mpop);
	return rc == 0 ? 0 : status_exit_code(ei.st);
}
