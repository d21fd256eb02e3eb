/* fmrc: fetchmail's run control syntax, read into options and notes. */
#include "autoconf.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "esc.h"
#include "fmrc.h"
#include "fmrclex.h"
#include "xalloc.h"

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
		if (!lex_is_value(x) || (k->kind == K_NUM && x->t != T_NUM)) {
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
		if (!lex_is_value(x)) {
			lex_err(x, line, "'envelope' needs a header name");
			goto out;
		}
		note_word(&note, x);
		if (lex_next(x) < 0)
			goto out;
		break;
	case K_LIST:
		if (!lex_is_value(x) || lex_any_kw(x)) {
			err_set(x->ei, ST_CONFIG, "%s:%d: '%s' needs a value",
			    x->name, line, k->name);
			goto out;
		}
		while (lex_is_value(x) && !lex_any_kw(x)) {
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
	while ((lex_is_value(x) && !lex_any_kw(x)) || x->t == T_EQ) {
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
	if ((lex_is_kw(x, "here") || lex_is_kw(x, "there")) && lex_next(x) < 0)
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

		if (x->t == T_END || lex_is_kw(x, "poll") ||
		    lex_is_kw(x, "skip") || lex_is_kw(x, "server") ||
		    lex_is_kw(x, "defaults") || lex_is_kw(x, "set"))
			return 0;
		if (lex_is_noise(x) || lex_is_kw(x, "here") ||
		    lex_is_kw(x, "there")) {
			if (lex_next(x) < 0)
				return -1;
			continue;
		}
		if (lex_is_kw(x, "user") || lex_is_kw(x, "username")) {
			if (lex_next(x) < 0)
				return -1;
			if (!lex_is_value(x))
				return lex_err(x, line, "'user' needs a name");
			if ((u = new_user(ps, p, line)) == NULL)
				return -1;
			u->remote = xstrdup(x->v.data);
			if (lex_next(x) < 0)
				return -1;
			if (lex_is_kw(x, "here")) {
				/* "user LOCAL here is REMOTE there". */
				u->local = u->remote;
				u->remote = NULL;
				if (lex_next(x) < 0)
					return -1;
				if (lex_is_kw(x, "is") || lex_is_kw(x, "to")) {
					if (lex_next(x) < 0)
						return -1;
					if (!lex_is_value(x))
						return lex_err(x, line, "'is' "
						    "needs a name");
					u->remote = xstrdup(x->v.data);
					if (lex_next(x) < 0)
						return -1;
				}
			} else if (lex_is_kw(x, "there") && lex_next(x) < 0) {
				return -1;
			}
			continue;
		}
		if (lex_is_kw(x, "is") || lex_is_kw(x, "to")) {
			if (u == NULL && (u = new_user(ps, p, line)) == NULL)
				return -1;
			if (local_names(ps, u) < 0)
				return -1;
			continue;
		}
		if (lex_is_kw(x, "no")) {
			neg = 1;
			if (lex_next(x) < 0)
				return -1;
		}
		if ((k = lex_find_kw(x)) == NULL) {
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
	if (lex_is_kw(x, "no")) {
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

		if (!lex_is_value(x)) {
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
		if (lex_is_value(x) && !lex_any_kw(x)) {
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

		if (lex_is_kw(x, "set")) {
			if (set(&ps) < 0)
				goto out;
			continue;
		}
		if (!lex_is_kw(x, "poll") && !lex_is_kw(x, "skip") &&
		    !lex_is_kw(x, "server") && !lex_is_kw(x, "defaults")) {
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
		p->skip = lex_is_kw(x, "skip");
		p->defaults = lex_is_kw(x, "defaults");
		if (lex_next(x) < 0)
			goto out;
		if (!p->defaults) {
			if (!lex_is_value(x)) {
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
