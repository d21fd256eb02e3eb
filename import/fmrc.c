/* fmrc: fetchmail's run control syntax, read into options and notes. */
#include "autoconf.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "esc.h"
#include "fmrc.h"
#include "xalloc.h"

enum tok {
	T_END,
	T_WORD,			/* unquoted, not all digits */
	T_NUM,			/* unquoted digits */
	T_STR,			/* quoted */
	T_EQ			/* '=' (is/to mappings) */
};

struct lex {
	const char *name;
	const char *p, *end;
	int line;
	/* The current token. */
	enum tok t;
	int tline;
	struct buf v;		/* its text */
	struct errinfo *ei;
};

static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

/* Unquoted strings end at white space and at , ; : = " #. */
static int
is_delim(int c)
{
	return is_blank(c) || c == ',' || c == ';' || c == ':' || c == '=' ||
	    c == '"' || c == '#';
}

static int
lex_err(struct lex *x, int line, const char *msg)
{
	return err_set(x->ei, ST_CONFIG, "%s:%d: %s", x->name, line, msg);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One escape after a backslash in a quoted string: the byte, or -1. */
static int
escape(struct lex *x)
{
	int c = (unsigned char)*x->p++, v = 0, n = 0;

	switch (c) {
	case 'n':
		return '\n';
	case 't':
		return '\t';
	case 'b':
		return '\b';
	case 'r':
		return '\r';
	case 'x':
		while (n < 2 && x->p < x->end && hexval(*x->p) >= 0) {
			v = v * 16 + hexval(*x->p++);
			n++;
		}
		return n > 0 ? v : 'x';
	case '0':
		/* \0ooo: octal. */
		while (n < 3 && x->p < x->end && *x->p >= '0' && *x->p <= '7') {
			v = v * 8 + (*x->p++ - '0');
			n++;
		}
		return v;
	default:
		if (c >= '1' && c <= '9') {
			/* \nnn: decimal. */
			v = c - '0';
			while (n < 2 && x->p < x->end && *x->p >= '0' &&
			    *x->p <= '9') {
				v = v * 10 + (*x->p++ - '0');
				n++;
			}
			return v <= 255 ? v : -1;
		}
		return c;
	}
}

/* The next token into x: 0, or -1 with ei. */
static int
lex_next(struct lex *x)
{
	buf_reset(&x->v);
	for (;;) {
		while (x->p < x->end && (is_blank(*x->p) || *x->p == ',' ||
		    *x->p == ';' || *x->p == ':')) {
			if (*x->p == '\n')
				x->line++;
			x->p++;
		}
		if (x->p < x->end && *x->p == '#') {
			while (x->p < x->end && *x->p != '\n')
				x->p++;
			continue;
		}
		break;
	}
	x->tline = x->line;
	if (x->p >= x->end) {
		x->t = T_END;
		return 0;
	}
	if (*x->p == '=') {
		x->p++;
		x->t = T_EQ;
		return 0;
	}
	if (*x->p == '"') {
		x->p++;
		for (;;) {
			int c;

			if (x->p >= x->end)
				return lex_err(x, x->tline, "unterminated quoted "
				    "string");
			c = (unsigned char)*x->p++;
			if (c == '"')
				break;
			if (c == '\n')
				x->line++;
			if (c == '\\') {
				if (x->p >= x->end)
					continue;
				if (*x->p == '\n') {
					/* A backslash-newline joins lines. */
					x->p++;
					x->line++;
					continue;
				}
				if ((c = escape(x)) < 0)
					return lex_err(x, x->line, "invalid "
					    "escape in a quoted string");
			}
			if (c == '\0')
				return lex_err(x, x->line, "a NUL byte in a "
				    "quoted string");
			if (buf_addch(&x->v, (char)c) < 0)
				return lex_err(x, x->tline, "quoted string "
				    "too long");
		}
		x->t = T_STR;
		return 0;
	}
	while (x->p < x->end && !is_delim((unsigned char)*x->p)) {
		if (*x->p == '\0')
			return lex_err(x, x->line, "a NUL byte");
		if (buf_addch(&x->v, *x->p++) < 0)
			return lex_err(x, x->tline, "word too long");
	}
	x->t = strspn(x->v.data, "0123456789") == x->v.len ? T_NUM : T_WORD;
	return 0;
}

/* Is the current token the (unquoted) keyword kw? */
static int
is_kw(const struct lex *x, const char *kw)
{
	return x->t == T_WORD && strcasecmp(x->v.data, kw) == 0;
}

/* What a keyword takes, and where it goes. */
enum kind {
	K_FLAG,			/* on, or off after "no" */
	K_ARG,			/* one value */
	K_NUM,			/* one number */
	K_LIST,			/* values up to the next keyword */
	K_OPTARG		/* envelope: an optional number, a value */
};

enum scope {
	S_SERVER,
	S_USER
};

#define OPT(f)	offsetof(struct fmrc_opts, f)
#define NONE	((size_t)-1)

static const struct kw {
	const char *name;
	enum kind kind;
	enum scope scope;
	size_t off;		/* into struct fmrc_opts, or NONE: a note */
} kws[] = {
	{ "via", K_ARG, S_SERVER, OPT(via) },
	{ "proto", K_ARG, S_SERVER, OPT(proto) },
	{ "protocol", K_ARG, S_SERVER, OPT(proto) },
	{ "port", K_ARG, S_SERVER, OPT(service) },
	{ "service", K_ARG, S_SERVER, OPT(service) },
	{ "auth", K_ARG, S_SERVER, OPT(auth) },
	{ "authenticate", K_ARG, S_SERVER, OPT(auth) },
	{ "timeout", K_NUM, S_SERVER, OPT(timeout) },
	{ "uidl", K_FLAG, S_SERVER, OPT(uidl) },
	{ "local", K_LIST, S_SERVER, NONE },
	{ "localdomains", K_LIST, S_SERVER, NONE },
	{ "envelope", K_OPTARG, S_SERVER, NONE },
	{ "qvirtual", K_ARG, S_SERVER, NONE },
	{ "aka", K_LIST, S_SERVER, NONE },
	{ "interface", K_ARG, S_SERVER, NONE },
	{ "monitor", K_ARG, S_SERVER, NONE },
	{ "plugin", K_ARG, S_SERVER, NONE },
	{ "plugout", K_ARG, S_SERVER, NONE },
	{ "dns", K_FLAG, S_SERVER, NONE },
	{ "checkalias", K_FLAG, S_SERVER, NONE },
	{ "interval", K_NUM, S_SERVER, NONE },
	{ "tracepolls", K_FLAG, S_SERVER, NONE },
	{ "principal", K_ARG, S_SERVER, NONE },
	{ "esmtpname", K_ARG, S_SERVER, NONE },
	{ "esmtppassword", K_ARG, S_SERVER, NONE },
	{ "bad-header", K_ARG, S_SERVER, NONE },
	{ "pass", K_ARG, S_USER, OPT(pass) },
	{ "password", K_ARG, S_USER, OPT(pass) },
	{ "ssl", K_FLAG, S_USER, OPT(ssl) },
	{ "sslproto", K_ARG, S_USER, OPT(sslproto) },
	{ "sslcertck", K_FLAG, S_USER, OPT(sslcertck) },
	{ "sslcertfile", K_ARG, S_USER, OPT(sslcertfile) },
	{ "sslcert", K_ARG, S_USER, OPT(sslcert) },
	{ "sslkey", K_ARG, S_USER, OPT(sslkey) },
	{ "sslcommonname", K_ARG, S_USER, OPT(sslcommonname) },
	{ "sslfingerprint", K_ARG, S_USER, OPT(sslfingerprint) },
	{ "sslcertpath", K_ARG, S_USER, NONE },
	{ "mda", K_ARG, S_USER, OPT(mda) },
	{ "smtphost", K_LIST, S_USER, OPT(smtphost) },
	{ "smtphosts", K_LIST, S_USER, OPT(smtphost) },
	{ "lmtp", K_FLAG, S_USER, OPT(lmtp) },
	{ "keep", K_FLAG, S_USER, OPT(keep) },
	{ "flush", K_FLAG, S_USER, OPT(flush) },
	{ "fetchall", K_FLAG, S_USER, OPT(fetchall) },
	{ "limit", K_NUM, S_USER, OPT(limit) },
	{ "fetchlimit", K_NUM, S_USER, OPT(fetchlimit) },
	{ "folder", K_LIST, S_USER, NONE },
	{ "fetchdomains", K_LIST, S_USER, NONE },
	{ "smtpaddress", K_ARG, S_USER, NONE },
	{ "smtpname", K_ARG, S_USER, NONE },
	{ "antispam", K_LIST, S_USER, NONE },
	{ "bsmtp", K_ARG, S_USER, NONE },
	{ "preconnect", K_ARG, S_USER, NONE },
	{ "postconnect", K_ARG, S_USER, NONE },
	{ "limitflush", K_FLAG, S_USER, NONE },
	{ "rewrite", K_FLAG, S_USER, NONE },
	{ "stripcr", K_FLAG, S_USER, NONE },
	{ "forcecr", K_FLAG, S_USER, NONE },
	{ "pass8bits", K_FLAG, S_USER, NONE },
	{ "dropstatus", K_FLAG, S_USER, NONE },
	{ "dropdelivered", K_FLAG, S_USER, NONE },
	{ "mimedecode", K_FLAG, S_USER, NONE },
	{ "idle", K_FLAG, S_USER, NONE },
	{ "warnings", K_NUM, S_USER, NONE },
	{ "batchlimit", K_NUM, S_USER, NONE },
	{ "fetchsizelimit", K_NUM, S_USER, NONE },
	{ "fastuidl", K_NUM, S_USER, NONE },
	{ "expunge", K_NUM, S_USER, NONE },
	{ "properties", K_ARG, S_USER, NONE },
};

/* Words that are not options: entries, users, noise. */
static const char *const structural[] = {
	"poll", "skip", "server", "defaults", "set", "user", "username",
	"is", "to", "here", "there", "no", "and", "with", "has", "wants",
	"options",
};

static const struct kw *
find_kw(const struct lex *x)
{
	size_t i;

	if (x->t != T_WORD)
		return NULL;
	for (i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
		if (strcasecmp(x->v.data, kws[i].name) == 0)
			return &kws[i];
	return NULL;
}

/* Is the current token any keyword (an option list ends there)? */
static int
any_kw(const struct lex *x)
{
	size_t i;

	if (x->t == T_END)
		return 1;
	if (x->t != T_WORD)
		return 0;
	for (i = 0; i < sizeof(structural) / sizeof(structural[0]); i++)
		if (strcasecmp(x->v.data, structural[i]) == 0)
			return 1;
	return find_kw(x) != NULL;
}

static int
is_noise(const struct lex *x)
{
	return is_kw(x, "and") || is_kw(x, "with") || is_kw(x, "has") ||
	    is_kw(x, "wants") || is_kw(x, "options");
}

/* A value token (word, number, string) is there. */
static int
is_value(const struct lex *x)
{
	return x->t == T_WORD || x->t == T_NUM || x->t == T_STR;
}

static void
free_opts(struct fmrc_opts *o)
{
	free(o->via);
	free(o->proto);
	free(o->service);
	free(o->auth);
	xfree_secret(o->pass);
	free(o->sslproto);
	free(o->sslcertfile);
	free(o->sslcert);
	free(o->sslkey);
	free(o->sslcommonname);
	free(o->sslfingerprint);
	free(o->mda);
	free(o->smtphost);
}

static void
init_opts(struct fmrc_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout = o->uidl = o->ssl = o->sslcertck = o->lmtp = o->keep =
	    o->flush = o->fetchall = -1;
	o->limit = o->fetchlimit = -1;
}

struct parser {
	struct lex x;
	struct fmrc *r;
	size_t nnotes;		/* in the whole file */
};

static int
add_note(struct parser *ps, struct fmrc_note **v, size_t *n, int line,
    const char *text)
{
	if (++ps->nnotes > FMRC_NOTES_MAX)
		return lex_err(&ps->x, line, "too many options");
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n].line = line;
	(*v)[*n].text = xstrdup(text);
	(*n)++;
	return 0;
}

/* Append the current token to a note's text, escaped, quoted if it was. */
static void
note_word(struct buf *b, const struct lex *x)
{
	buf_addch(b, ' ');
	if (x->t == T_STR)
		buf_addch(b, '"');
	esc_buf(b, x->v.data, x->v.len);
	if (x->t == T_STR)
		buf_addch(b, '"');
}

/*
 * One option at the current token (a keyword, "no" already consumed:
 * neg); stores it in o or as a note.  Leaves the token after it.
 */
static int
option(struct parser *ps, const struct kw *k, int neg, struct fmrc_opts *o,
    struct fmrc_note **notes, size_t *nnotes)
{
	struct lex *x = &ps->x;
	struct buf note;
	int line = x->tline, rc = -1, first = 1;
	char *p = k->off != NONE ? (char *)o + k->off : NULL;

	buf_init(&note, 4 * FMRC_TOKEN_MAX);
	buf_printf(&note, "%s%s", neg ? "no " : "", k->name);
	if (lex_next(x) < 0)
		goto out;
	if (neg && k->kind != K_FLAG && strcmp(k->name, "envelope") != 0) {
		lex_err(x, line, "'no' before an option that is not a flag");
		goto out;
	}
	switch (k->kind) {
	case K_FLAG:
		if (p != NULL)
			*(int *)(void *)p = !neg;
		break;
	case K_NUM:
	case K_ARG:
		if (!is_value(x) || (k->kind == K_NUM && x->t != T_NUM)) {
			err_set(x->ei, ST_CONFIG, "%s:%d: '%s' needs %s", x->name,
			    line, k->name, k->kind == K_NUM ? "a number" :
			    "a value");
			goto out;
		}
		if (p != NULL && k->kind == K_NUM)
			*(long *)(void *)p = x->v.len > 12 ? 999999999999L :
			    strtol(x->v.data, NULL, 10);
		else if (p != NULL) {
			if (p == (char *)o + OPT(pass))
				xfree_secret(*(char **)(void *)p);
			else
				free(*(char **)(void *)p);
			*(char **)(void *)p = xstrdup(x->v.data);
		}
		if (p == NULL)
			note_word(&note, x);
		if (lex_next(x) < 0)
			goto out;
		break;
	case K_OPTARG:
		/* envelope [N] HEADER; "no envelope" takes nothing. */
		if (neg)
			break;
		if (x->t == T_NUM) {
			note_word(&note, x);
			if (lex_next(x) < 0)
				goto out;
		}
		if (!is_value(x)) {
			lex_err(x, line, "'envelope' needs a header name");
			goto out;
		}
		note_word(&note, x);
		if (lex_next(x) < 0)
			goto out;
		break;
	case K_LIST:
		if (!is_value(x) || any_kw(x)) {
			err_set(x->ei, ST_CONFIG, "%s:%d: '%s' needs a value",
			    x->name, line, k->name);
			goto out;
		}
		while (is_value(x) && !any_kw(x)) {
			if (p != NULL && first) {
				free(*(char **)(void *)p);
				*(char **)(void *)p = xstrdup(x->v.data);
			}
			note_word(&note, x);
			first = 0;
			if (lex_next(x) < 0)
				goto out;
		}
		if (p != NULL && strchr(note.data + strlen(k->name) + 1, ' ') !=
		    NULL)
			p = NULL;	/* more than one: say so too */
		break;
	}
	if (p == NULL && add_note(ps, notes, nnotes, line, note.data) < 0)
		goto out;
	rc = 0;
out:
	buf_free(&note);
	return rc;
}

/* "user NAME [here|there]": a new user of poll p. */
static struct fmrc_user *
new_user(struct parser *ps, struct fmrc_poll *p, int line)
{
	struct fmrc_user *u;

	if (p->nusers >= FMRC_USERS_MAX) {
		lex_err(&ps->x, line, "too many users in one entry");
		return NULL;
	}
	p->users = xreallocarray(p->users, p->nusers + 1, sizeof(*p->users));
	u = &p->users[p->nusers++];
	memset(u, 0, sizeof(*u));
	u->line = line;
	init_opts(&u->o);
	return u;
}

/* "is|to NAME... [here|there]" with '=' mappings and '*'. */
static int
local_names(struct parser *ps, struct fmrc_user *u)
{
	struct lex *x = &ps->x;
	int line = x->tline, n = 0;

	if (lex_next(x) < 0)
		return -1;
	while ((is_value(x) && !any_kw(x)) || x->t == T_EQ) {
		if (x->t == T_EQ || strcmp(x->v.data, "*") == 0)
			u->multidrop = 1;
		else if (n++ == 0 && u->local == NULL)
			u->local = xstrdup(x->v.data);
		if (lex_next(x) < 0)
			return -1;
	}
	if (n == 0 && !u->multidrop)
		return lex_err(x, line, "'is' needs a local name");
	if (n > 1)
		u->multidrop = 1;
	if ((is_kw(x, "here") || is_kw(x, "there")) && lex_next(x) < 0)
		return -1;
	return 0;
}

/* The options, users and user options of an entry, up to the next one. */
static int
entry(struct parser *ps, struct fmrc_poll *p)
{
	struct lex *x = &ps->x;
	struct fmrc_user *u = NULL;

	for (;;) {
		const struct kw *k;
		int neg = 0, line = x->tline;

		if (x->t == T_END || is_kw(x, "poll") || is_kw(x, "skip") ||
		    is_kw(x, "server") || is_kw(x, "defaults") ||
		    is_kw(x, "set"))
			return 0;
		if (is_noise(x) || is_kw(x, "here") || is_kw(x, "there")) {
			if (lex_next(x) < 0)
				return -1;
			continue;
		}
		if (is_kw(x, "user") || is_kw(x, "username")) {
			if (lex_next(x) < 0)
				return -1;
			if (!is_value(x))
				return lex_err(x, line, "'user' needs a name");
			if ((u = new_user(ps, p, line)) == NULL)
				return -1;
			u->remote = xstrdup(x->v.data);
			if (lex_next(x) < 0)
				return -1;
			if (is_kw(x, "here")) {
				/* "user LOCAL here is REMOTE there". */
				u->local = u->remote;
				u->remote = NULL;
				if (lex_next(x) < 0)
					return -1;
				if (is_kw(x, "is") || is_kw(x, "to")) {
					if (lex_next(x) < 0)
						return -1;
					if (!is_value(x))
						return lex_err(x, line, "'is' "
						    "needs a name");
					u->remote = xstrdup(x->v.data);
					if (lex_next(x) < 0)
						return -1;
				}
			} else if (is_kw(x, "there") && lex_next(x) < 0) {
				return -1;
			}
			continue;
		}
		if (is_kw(x, "is") || is_kw(x, "to")) {
			if (u == NULL && (u = new_user(ps, p, line)) == NULL)
				return -1;
			if (local_names(ps, u) < 0)
				return -1;
			continue;
		}
		if (is_kw(x, "no")) {
			neg = 1;
			if (lex_next(x) < 0)
				return -1;
		}
		if ((k = find_kw(x)) == NULL) {
			char e[64];

			esc_text(e, sizeof(e), x->v.data, x->v.len);
			return err_set(x->ei, ST_CONFIG, "%s:%d: %s '%s'",
			    x->name, x->tline, x->t == T_WORD ? "unknown "
			    "keyword" : "unexpected", x->t == T_EQ ? "=" : e);
		}
		if (k->scope == S_SERVER && u == NULL) {
			if (option(ps, k, neg, &p->o, &p->notes, &p->nnotes) < 0)
				return -1;
			continue;
		}
		/* A user option before any user: the local login's. */
		if (u == NULL && (u = new_user(ps, p, line)) == NULL)
			return -1;
		if (option(ps, k, neg, k->scope == S_SERVER ? &p->o : &u->o,
		    k->scope == S_SERVER ? &p->notes : &u->notes,
		    k->scope == S_SERVER ? &p->nnotes : &u->nnotes) < 0)
			return -1;
	}
}

/* "set [no] NAME [value]". */
static int
set(struct parser *ps)
{
	struct lex *x = &ps->x;
	struct buf note;
	int line = x->tline, neg = 0, rc = -1;
	char *what;

	if (lex_next(x) < 0)
		return -1;
	if (is_kw(x, "no")) {
		neg = 1;
		if (lex_next(x) < 0)
			return -1;
	}
	if (x->t != T_WORD)
		return lex_err(x, line, "'set' needs an option name");
	what = xstrdup(x->v.data);
	buf_init(&note, 2 * FMRC_TOKEN_MAX);
	buf_printf(&note, "set %s%s", neg ? "no " : "", what);
	if (lex_next(x) < 0)
		goto out;
	if (x->t == T_EQ && lex_next(x) < 0)
		goto out;
	if (strcasecmp(what, "syslog") == 0) {
		ps->r->syslog = !neg;
	} else if (!neg && (strcasecmp(what, "logfile") == 0 ||
	    strcasecmp(what, "idfile") == 0)) {
		char **dst = strcasecmp(what, "logfile") == 0 ?
		    &ps->r->logfile : &ps->r->idfile;

		if (!is_value(x)) {
			err_set(x->ei, ST_CONFIG, "%s:%d: 'set %s' needs a file",
			    x->name, line, what);
			goto out;
		}
		free(*dst);
		*dst = xstrdup(x->v.data);
		if (lex_next(x) < 0)
			goto out;
	} else {
		/* daemon N, postmaster NAME, pidfile F, properties S... */
		if (is_value(x) && !any_kw(x)) {
			note_word(&note, x);
			if (lex_next(x) < 0)
				goto out;
		}
		if (add_note(ps, &ps->r->notes, &ps->r->nnotes, line,
		    note.data) < 0)
			goto out;
	}
	rc = 0;
out:
	buf_free(&note);
	free(what);
	return rc;
}

int
fmrc_parse(const char *name, const char *text, size_t len, struct fmrc **r,
    struct errinfo *ei)
{
	struct parser ps;
	struct lex *x = &ps.x;
	int rc = -1;

	*r = NULL;
	if (len > FMRC_FILE_MAX)
		return err_set(ei, ST_CONFIG, "%s: larger than %d bytes", name,
		    FMRC_FILE_MAX);
	memset(&ps, 0, sizeof(ps));
	x->name = name;
	x->p = text;
	x->end = text + len;
	x->line = 1;
	x->ei = ei;
	buf_init(&x->v, FMRC_TOKEN_MAX);
	ps.r = xcalloc(1, sizeof(*ps.r));
	ps.r->syslog = -1;
	if (lex_next(x) < 0)
		goto out;
	while (x->t != T_END) {
		struct fmrc_poll *p;
		int line = x->tline;

		if (is_kw(x, "set")) {
			if (set(&ps) < 0)
				goto out;
			continue;
		}
		if (!is_kw(x, "poll") && !is_kw(x, "skip") &&
		    !is_kw(x, "server") && !is_kw(x, "defaults")) {
			char e[64];

			esc_text(e, sizeof(e), x->v.data, x->v.len);
			err_set(ei, ST_CONFIG, "%s:%d: expected 'poll', 'skip', "
			    "'defaults' or 'set', not '%s'", name, line,
			    x->t == T_EQ ? "=" : e);
			goto out;
		}
		if (ps.r->npolls >= FMRC_POLLS_MAX) {
			lex_err(x, line, "too many entries");
			goto out;
		}
		ps.r->polls = xreallocarray(ps.r->polls, ps.r->npolls + 1,
		    sizeof(*ps.r->polls));
		p = &ps.r->polls[ps.r->npolls++];
		memset(p, 0, sizeof(*p));
		init_opts(&p->o);
		p->line = line;
		p->skip = is_kw(x, "skip");
		p->defaults = is_kw(x, "defaults");
		if (lex_next(x) < 0)
			goto out;
		if (!p->defaults) {
			if (!is_value(x)) {
				lex_err(x, line, "'poll' needs a server name");
				goto out;
			}
			p->name = xstrdup(x->v.data);
			if (lex_next(x) < 0)
				goto out;
		}
		if (entry(&ps, p) < 0)
			goto out;
	}
	*r = ps.r;
	ps.r = NULL;
	rc = 0;
out:
	buf_free(&x->v);
	fmrc_free(ps.r);
	return rc;
}

static void
free_notes(struct fmrc_note *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].text);
	free(v);
}

void
fmrc_free(struct fmrc *r)
{
	size_t i, j;

	if (r == NULL)
		return;
	for (i = 0; i < r->npolls; i++) {
		struct fmrc_poll *p = &r->polls[i];

		for (j = 0; j < p->nusers; j++) {
			free(p->users[j].remote);
			free(p->users[j].local);
			free_opts(&p->users[j].o);
			free_notes(p->users[j].notes, p->users[j].nnotes);
		}
		free(p->users);
		free(p->name);
		free_opts(&p->o);
		free_notes(p->notes, p->nnotes);
	}
	free(r->polls);
	free(r->logfile);
	free(r->idfile);
	free_notes(r->notes, r->nnotes);
	free(r);
}

/* Each unset field of dst from src. */
static void
under(struct fmrc_opts *dst, const struct fmrc_opts *src)
{
#define S(f)	if (dst->f == NULL) dst->f = src->f
#define N(f)	if (dst->f == -1) dst->f = src->f
	S(via); S(proto); S(service); S(auth); N(timeout); N(uidl);
	S(pass); N(ssl); S(sslproto); N(sslcertck); S(sslcertfile);
	S(sslcert); S(sslkey); S(sslcommonname); S(sslfingerprint); S(mda);
	S(smtphost); N(lmtp); N(keep); N(flush); N(fetchall); N(limit);
	N(fetchlimit);
#undef S
#undef N
}

void
fmrc_effective(const struct fmrc_poll *d, const struct fmrc_poll *p,
    const struct fmrc_user *u, struct fmrc_opts *out)
{
	*out = u->o;
	under(out, &p->o);
	if (d != NULL) {
		if (d->nusers > 0)
			under(out, &d->users[0].o);
		under(out, &d->o);
	}
}
