/*
 * daemon_acct: the daemon's accounts and watchers, made from the
 * accounts file at start and made again on SIGHUP: an account whose
 * settings are unchanged keeps its connections (only its folders are
 * compared), a changed one is dropped and made anew, a new one locked
 * and watched, a removed one dropped once its job ends.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon_int.h"
#include "fetchrun.h"
#include "folders.h"
#include "log.h"
#include "xalloc.h"

const char *
dwatch_label(const struct dwatch *w, char *buf, size_t size)
{
	char q[512];

	if (w->nf == 1)
		snprintf(buf, size, "account=%s folder=%s", w->acct->name,
		    err_quote(q, sizeof(q), w->folders[0],
		    strlen(w->folders[0])));
	else
		snprintf(buf, size, "account=%s folders=%zu", w->acct->name,
		    w->nf);
	return buf;
}

static void
strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static char **
strv_dup(char *const *v, size_t n)
{
	char **c = xcalloc(n + 1, sizeof(*c));
	size_t i;

	for (i = 0; i < n; i++)
		c[i] = xstrdup(v[i]);
	return c;
}

int
strv_same(char *const *a, size_t na, char *const *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return 1;
}

static struct dwatch *
new_watch(struct dacct *ac, char *const *folders, size_t n)
{
	struct dwatch *w = xcalloc(1, sizeof(*w));

	w->acct = ac;
	w->folders = strv_dup(folders, n);
	w->nf = n;
	w->st = WS_WAIT;
	w->due = dnow();
	return w;
}

/*
 * The settings that matter to a watcher and a fetch, as -P shows them,
 * without where the account is written and its folder list (compared
 * apart): the same text, the same account.
 */
static char *
fingerprint(const struct account *a)
{
	char *text = NULL, *out, *p, *nl;
	size_t len = 0, n = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		return xstrdup("");
	cliopts_pretend(f, a, SIDE_IN);
	fetchrun_pretend(f, a);
	fclose(f);
	out = xmalloc(len + 1);
	for (p = text; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p) - 1;
		if (strncmp(p, "account", 7) == 0 ||
		    strncmp(p, "folders ", 8) == 0)
			continue;
		memcpy(out + n, p, (size_t)(nl - p + 1));
		n += (size_t)(nl - p + 1);
	}
	out[n] = '\0';
	free(text);
	return out;
}

void
dwatch_free(struct dwatch *w)
{
	if (w == NULL)
		return;
	imap_watch_close(w->iw);
	account_free(w->a);
	strv_free(w->folders, w->nf);
	free(w);
}

/* Close a watcher; one being set up is freed when its thread ends. */
static void
drop_watch(struct dwatch *w)
{
	if (w->st == WS_SETUP) {
		w->gone = 1;
		return;
	}
	dwatch_free(w);
}

void
dacct_free(struct dacct *ac)
{
	size_t i;

	if (ac == NULL)
		return;
	for (i = 0; i < ac->nw; i++)
		drop_watch(ac->w[i]);
	free(ac->w);
	for (i = 0; i < ac->npend; i++)
		free(ac->pend[i]);
	free(ac->pend);
	for (i = 0; i < ac->nspec; i++)
		free(ac->spec[i]);
	free(ac->spec);
	if (ac->lockfd >= 0)
		close(ac->lockfd);
	account_free(ac->a);
	free(ac->fp);
	free(ac->name);
	free(ac);
}

void
dacct_pending(struct dacct *ac, const char *folder)
{
	size_t i;

	if (folder == NULL || !ac->imap) {
		ac->pend_all = 1;
		return;
	}
	for (i = 0; i < ac->npend; i++)
		if (strcmp(ac->pend[i], folder) == 0)
			return;
	ac->pend = xreallocarray(ac->pend, ac->npend + 1, sizeof(*ac->pend));
	ac->pend[ac->npend++] = xstrdup(folder);
}

/* Per folder: a watcher each; those of folders gone are closed. */
static void
per_folder(struct dacct *ac, char **names, size_t n)
{
	struct dwatch **keep = xcalloc(n + 1, sizeof(*keep));
	size_t i, j;

	for (i = 0; i < ac->nw; i++) {
		struct dwatch *w = ac->w[i];

		for (j = 0; j < n; j++)
			if (keep[j] == NULL && w->nf == 1 &&
			    strcmp(names[j], w->folders[0]) == 0)
				break;
		if (j < n) {
			keep[j] = w;
		} else {
			char lb[600];

			log_info("%s no longer watched",
			    dwatch_label(w, lb, sizeof(lb)));
			drop_watch(w);
		}
	}
	for (j = 0; j < n; j++)
		if (keep[j] == NULL)
			keep[j] = new_watch(ac, &names[j], 1);
	free(ac->w);
	ac->w = keep;
	ac->nw = n;
}

/* With NOTIFY: one watcher for them all, told of the new list. */
static void
one_for_all(struct dacct *ac, char **names, size_t n)
{
	struct dwatch *w;
	size_t i;

	for (i = 1; i < ac->nw; i++)
		drop_watch(ac->w[i]);
	if (ac->nw == 0) {
		free(ac->w);
		ac->w = xcalloc(1, sizeof(*ac->w));
		ac->w[0] = new_watch(ac, names, n);
		ac->nw = 1;
		return;
	}
	ac->nw = 1;
	w = ac->w[0];
	if (strv_same(w->folders, w->nf, names, n))
		return;
	strv_free(w->folders, w->nf);
	w->folders = strv_dup(names, n);
	w->nf = n;
	/*
	 * A new NOTIFY SET on the live connection is not to be trusted
	 * (imap_watch.h): the account's one connection is made again.
	 * One being set up is compared when it is up (daemon_setup.c).
	 */
	if (w->st == WS_UP)
		dwatch_restart(w, "the folders changed");
}

void
dacct_set_folders(struct dstate *ds, struct dacct *ac, char **names,
    size_t n)
{
	(void)ds;
	if (n == 0) {
		per_folder(ac, names, 0);
		return;
	}
	if (ac->a->imap_notify && ac->notify != 0)
		one_for_all(ac, names, n);
	else
		per_folder(ac, names, n);
}

/* The account's folders as configured (patterns kept). */
static void
set_spec(struct dacct *ac, const struct account *a)
{
	struct folders f;
	struct errinfo ei;
	size_t i;

	for (i = 0; i < ac->nspec; i++)
		free(ac->spec[i]);
	free(ac->spec);
	ac->spec = NULL;
	ac->nspec = 0;
	ac->patterns = 0;
	err_clear(&ei);
	if (folders_parse(a->folders, &f, &ei) < 0) {
		log_error("account=%s: %s", ac->name, ei.msg);
		return;
	}
	ac->spec = f.v;
	ac->nspec = f.n;
	for (i = 0; i < f.n; i++)
		if (folders_is_pattern(f.v[i]))
			ac->patterns = 1;
}

/* Watch what the account's folders say: listed first with patterns. */
static void
refresh_folders(struct dstate *ds, struct dacct *ac)
{
	if (!ac->imap)
		return;
	if (ac->patterns)
		ac->list_due = dnow();
	else
		dacct_set_folders(ds, ac, ac->spec, ac->nspec);
}

static struct dacct *
find(struct dstate *ds, const char *name)
{
	size_t i;

	for (i = 0; i < ds->nacct; i++)
		if (!ds->acct[i]->gone && strcmp(ds->acct[i]->name, name) == 0)
			return ds->acct[i];
	return NULL;
}

/* Drop an account: its watchers now, itself once its job has ended. */
static void
retire(struct dacct *ac)
{
	size_t i;

	for (i = 0; i < ac->nw; i++)
		drop_watch(ac->w[i]);
	ac->nw = 0;
	ac->gone = 1;
	ac->pend_all = 0;
}

/*
 * One account from the file: kept (*keep_r set), changed or new (a new
 * dacct), or NULL when it cannot be watched (logged; at start an error).
 */
static struct dacct *
one(struct dstate *ds, const char *name, struct dacct **keep_r,
    struct errinfo *ei)
{
	struct account *a = NULL;
	struct dacct *old, *ac;
	char *fp;

	*keep_r = NULL;
	if (cliopts_resolve(ds->d->o, ds->cfg, name, &a, ei) < 0)
		return NULL;
	if (a->in.host == NULL || *a->in.host == '\0') {
		account_free(a);
		return NULL;	/* msend's only */
	}
	fp = fingerprint(a);
	old = find(ds, account_label(a));
	if (old != NULL && strcmp(old->fp, fp) == 0) {
		free(fp);
		account_free(old->a);
		old->a = a;
		set_spec(old, a);
		refresh_folders(ds, old);
		*keep_r = old;
		return NULL;
	}
	ac = xcalloc(1, sizeof(*ac));
	ac->name = xstrdup(account_label(a));
	ac->fp = fp;
	ac->a = a;
	ac->imap = a->in.proto == PROTO_IMAP;
	ac->lockfd = -1;
	ac->notify = -1;
	if (old != NULL) {
		/* Changed: the lock goes over, the connections are made anew. */
		log_info("account=%s changed: reconnecting", ac->name);
		ac->lockfd = old->lockfd;
		old->lockfd = -1;
		retire(old);
	} else if ((ac->lockfd = daemon_lock(a, ei)) < 0) {
		dacct_free(ac);
		return NULL;
	}
	set_spec(ac, a);
	refresh_folders(ds, ac);
	if (!ac->imap)
		log_info("account=%s polling every %ld s (POP3)", ac->name,
		    a->poll_interval);
	/* Fetch at once what came while nobody watched (POP3 polls). */
	ac->next_poll = dnow();
	return ac;
}

void
dstate_sweep(struct dstate *ds)
{
	size_t i, n = 0;

	for (i = 0; i < ds->nacct; i++) {
		struct dacct *ac = ds->acct[i];

		if (ac->gone && ac->job <= 0 && !ac->listing)
			dacct_free(ac);
		else
			ds->acct[n++] = ac;
	}
	ds->nacct = n;
}

int
dstate_load(struct dstate *ds, int reload, struct errinfo *ei)
{
	const char **names = NULL;
	struct dacct **next, *keep, *ac;
	size_t n, i, nn = 0, k;

	if (ds->d->nnames > 0) {
		n = ds->d->nnames;
		names = xcalloc(n, sizeof(*names));
		memcpy(names, ds->d->names, n * sizeof(*names));
	} else {
		n = fetchrun_every_account(ds->d->o, ds->cfg, &names);
	}
	next = xcalloc(n + ds->nacct + 1, sizeof(*next));
	for (i = 0; i < n; i++) {
		struct errinfo aei;

		err_clear(&aei);
		ac = one(ds, names[i], &keep, &aei);
		if (keep != NULL) {
			keep->gone = -1;	/* mark: kept */
			next[nn++] = keep;
			continue;
		}
		if (ac != NULL) {
			next[nn++] = ac;
			continue;
		}
		if (aei.st == ST_OK)
			continue;
		if (!reload) {
			*ei = aei;
			for (k = 0; k < nn; k++)
				dacct_free(next[k]);
			free(next);
			free(names);
			return -1;
		}
		log_error("%s: not watched", aei.msg);
	}
	free(names);
	/* The old ones not kept are dropped; those with a job wait for it. */
	for (i = 0; i < ds->nacct; i++) {
		ac = ds->acct[i];
		if (ac->gone == -1) {
			ac->gone = 0;
			continue;
		}
		if (!ac->gone) {
			log_info("account=%s no longer watched", ac->name);
			retire(ac);
		}
		if (ac->job > 0 || ac->listing)
			next[nn++] = ac;
		else
			dacct_free(ac);
	}
	free(ds->acct);
	ds->acct = next;
	ds->nacct = nn;
	if (nn == 0)
		return err_set(ei, ST_CONFIG, "no account to watch: none has "
		    "an incoming server");
	return 0;
}
