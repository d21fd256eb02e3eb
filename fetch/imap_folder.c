/*
 * imap_folder: one folder of an IMAP account, from SELECT to the state's
 * folder line: what is new (by UID and UIDVALIDITY), its sizes and
 * fingerprints, the messages recognised after a UIDVALIDITY change, the
 * engine, the expunge of what was deleted.  See imap_fetch.h.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hash.h"
#include "imap_sess.h"
#include "log.h"
#include "mutf7.h"
#include "placeholder.h"
#include "statedir.h"
#include "xalloc.h"

/* An entry's key "ID:UID": 1 with its parts, 0 for another kind. */
static int
key_parse(const char *key, unsigned *id_r, uint32_t *uid_r)
{
	unsigned long long id = 0, uid = 0;
	const char *p = key;

	while (*p >= '0' && *p <= '9' && id <= 0xffffffffULL)
		id = id * 10 + (unsigned)(*p++ - '0');
	if (p == key || *p != ':' || id == 0 || id > 0xffffffffULL)
		return 0;
	key = ++p;
	while (*p >= '0' && *p <= '9' && uid <= 0xffffffffULL)
		uid = uid * 10 + (unsigned)(*p++ - '0');
	if (p == key || *p != '\0' || uid == 0 || uid > 0xffffffffULL)
		return 0;
	*id_r = (unsigned)id;
	*uid_r = (uint32_t)uid;
	return 1;
}

/* A delivered message's fingerprint: size, INTERNALDATE, Message-ID. */
static uint64_t
fingerprint(unsigned long long size, time_t date, const char *msgid,
    size_t idlen)
{
	char b[64];
	uint64_t h;
	int n = snprintf(b, sizeof(b), "%llu %lld ", size, (long long)date);

	h = hash_add(HASH_INIT, b, (size_t)n);
	h = hash_add(h, msgid, idlen);
	return h != 0 ? h : 1;
}

struct oldfp {
	uint64_t fp;
	time_t seen;
	int used;
};

/* What the state knows of a folder, read before its messages are. */
struct walk {
	struct isess *s;
	unsigned id, oldid;
	uint32_t olduv;			/* oldid's UIDVALIDITY */
	int first_time;			/* the folder has no state yet */
	uint32_t start;			/* UIDs below: dealt with before */
	time_t now;
	size_t count;			/* entries of id */
	struct fetch_msg *m;		/* entries the policy deletes now */
	size_t n, alloc;
	struct oldfp *old;		/* entries of oldid, to recognise */
	size_t nold, aold;
	const struct imap_uids *found;	/* for mark_found */
};

static void
walk_entry(void *arg, struct uident *e)
{
	struct walk *w = arg;
	unsigned id;
	uint32_t uid;

	if (e->gone || !key_parse(e->uid, &id, &uid))
		return;
	if (id == w->oldid && e->fp != 0) {
		if (w->nold == w->aold) {
			w->aold = w->aold ? w->aold * 2 : 64;
			w->old = xreallocarray(w->old, w->aold, sizeof(*w->old));
		}
		w->old[w->nold].fp = e->fp;
		w->old[w->nold].seen = e->seen;
		w->old[w->nold].used = 0;
		w->nold++;
	}
	if (id != w->id)
		return;
	w->count++;
	/* Known messages above start come back with the new ones. */
	if (uid >= w->start || w->s->pol->fetchall ||
	    policy_decide(w->s->pol, &e->seen, 0, w->now) != ACT_DELETE)
		return;
	if (w->n == w->alloc) {
		w->alloc = w->alloc ? w->alloc * 2 : 64;
		w->m = xreallocarray(w->m, w->alloc, sizeof(*w->m));
	}
	memset(&w->m[w->n], 0, sizeof(w->m[w->n]));
	snprintf(w->m[w->n].uid, sizeof(w->m[w->n].uid), "%s", e->uid);
	w->m[w->n].id = uid;
	w->n++;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
cmp_oldfp(const void *a, const void *b)
{
	uint64_t x = ((const struct oldfp *)a)->fp;
	uint64_t y = ((const struct oldfp *)b)->fp;

	return x < y ? -1 : x > y;
}

/*
 * The next UID set of v[*i..n) as "a:b,c,...", at most IMAP_SET_MAX
 * bytes, into out; *i moves past it.
 */
static void
next_set(const uint32_t *v, size_t n, size_t *i, char *out, size_t outsz)
{
	size_t len = 0;

	out[0] = '\0';
	while (*i < n && len + 24 < outsz && len + 24 < IMAP_SET_MAX) {
		size_t k = *i;
		int w;

		while (k + 1 < n && v[k + 1] == v[k] + 1)
			k++;
		if (k == *i)
			w = snprintf(out + len, outsz - len, "%s%u", len ? "," :
			    "", v[*i]);
		else
			w = snprintf(out + len, outsz - len, "%s%u:%u", len ?
			    "," : "", v[*i], v[k]);
		len += (size_t)w;
		*i = k + 1;
	}
}

static int
on_search(struct isess *s, const struct imap_data *d, struct errinfo *ei)
{
	struct imap_esearch e;

	if (d->kind == IMAP_D_SEARCH)
		return imap_data_search(s->m.r.text.data, s->m.r.text.len,
		    &s->found, NULL, ei);
	if (d->kind == IMAP_D_ESEARCH)
		return imap_data_esearch(s->m.r.text.data, s->m.r.text.len, &e,
		    &s->found, ei);
	return 0;
}

/* The UIDs from first on (all with first 0) into s->found, sorted. */
static int
search(struct isess *s, uint32_t first, const char *what_extra,
    struct errinfo *dei, struct errinfo *ei)
{
	char what[96];
	int r;

	imap_uids_reset(&s->found);
	snprintf(what, sizeof(what), "UID SEARCH in '%s'", s->folder);
	s->on_data = on_search;
	if (what_extra != NULL)
		r = isess_command(s, what, dei, ei, "UID SEARCH %s%s",
		    s->m.caps.flags & IMAP_CAP_ESEARCH ? "RETURN (ALL) " : "",
		    what_extra);
	else if (first <= 1)
		r = isess_command(s, what, dei, ei, "UID SEARCH %sALL",
		    s->m.caps.flags & IMAP_CAP_ESEARCH ? "RETURN (ALL) " : "");
	else
		r = isess_command(s, what, dei, ei, "UID SEARCH %sUID %u:*",
		    s->m.caps.flags & IMAP_CAP_ESEARCH ? "RETURN (ALL) " : "",
		    first);
	s->on_data = NULL;
	if (r == 0)
		imap_uids_sort(&s->found);
	return r;
}

/* Sizes and fingerprints of the new messages (s->inv, sorted by UID). */
static int
on_meta(struct isess *s, const struct imap_data *d, struct errinfo *ei)
{
	struct imap_fetch f;
	struct fetch_msg *m;
	char msgid[IMAP_MSGID_MAX + 1];
	size_t lo = 0, hi = s->ninv, k, idlen = 0;

	if (d->kind != IMAP_D_FETCH)
		return 0;
	if (imap_data_fetch(s->m.r.text.data, s->m.r.text.len, &f, ei) < 0)
		return -1;
	if (!(f.have & IMAP_FETCH_UID) || !(f.have & IMAP_FETCH_SIZE))
		return 0;	/* flags of some message */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->inv[mid].id < f.uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == s->ninv || s->inv[lo].id != f.uid)
		return 0;	/* not asked */
	m = &s->inv[lo];
	m->size = f.size;
	for (k = 0; k < f.nsections; k++)
		if (f.sec[k].how == IMAP_BODY_DATA ||
		    f.sec[k].how == IMAP_BODY_QUOTED)
			idlen = imap_data_msgid(f.sec[k].data, f.sec[k].len,
			    msgid, sizeof(msgid));
	m->fp = fingerprint(f.size, f.have & IMAP_FETCH_DATE ? f.date : 0,
	    msgid, idlen);
	m->act = ACT_FETCH;	/* marks "answered" until decided */
	return 0;
}

/*
 * The new messages' sizes and fingerprints, several UID FETCHes in
 * flight.  Messages gone meanwhile are dropped from s->inv.
 */
static int
inventory(struct isess *s, struct errinfo *dei, struct errinfo *ei)
{
	size_t i = 0, k, nt = 0, keep;
	uint32_t *v = xcalloc(s->ninv + 1, sizeof(*v));
	unsigned *tags = xcalloc(s->ninv + 1, sizeof(*tags));
	char set[IMAP_SET_MAX + 32], what[96];
	int r = 0;

	for (k = 0; k < s->ninv; k++)
		v[k] = (uint32_t)s->inv[k].id;
	while (i < s->ninv) {
		next_set(v, s->ninv, &i, set, sizeof(set));
		if (isess_send(s, SLOT_OTHER, 0, &tags[nt], ei, "UID FETCH %s "
		    "(UID RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER.FIELDS "
		    "(MESSAGE-ID)])", set) < 0) {
			free(v);
			free(tags);
			return -1;
		}
		nt++;
	}
	free(v);
	snprintf(what, sizeof(what), "UID FETCH of sizes in '%s'", s->folder);
	s->on_data = on_meta;
	for (k = 0; k < nt; k++) {
		struct errinfo e2;
		int a = isess_wait(s, tags[k], what, &e2, ei);

		if (a < 0) {
			r = -1;
			break;
		}
		if (a == 1 && r == 0) {
			*dei = e2;
			r = 1;
		}
	}
	s->on_data = NULL;
	free(tags);
	if (r < 0)
		return -1;
	for (k = keep = 0; k < s->ninv; k++)
		if (s->inv[k].act == ACT_FETCH)
			s->inv[keep++] = s->inv[k];
	s->ninv = keep;
	return r;
}

/*
 * After a UIDVALIDITY change: the new messages whose fingerprint is one
 * of a message delivered before are recorded under their new UIDs (first
 * seen as before), each old one used once.
 */
static int
recognise(struct isess *s, struct walk *w, struct uidstate *u,
    uint32_t olduv, struct errinfo *ei)
{
	size_t k, matched = 0;

	if (w->nold > 0)
		qsort(w->old, w->nold, sizeof(*w->old), cmp_oldfp);
	for (k = 0; k < s->ninv; k++) {
		struct fetch_msg *m = &s->inv[k];
		size_t lo = 0, hi = w->nold;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (w->old[mid].fp < m->fp)
				lo = mid + 1;
			else
				hi = mid;
		}
		while (lo < w->nold && w->old[lo].fp == m->fp && w->old[lo].used)
			lo++;
		if (lo == w->nold || w->old[lo].fp != m->fp)
			continue;
		w->old[lo].used = 1;
		if (uidstate_record_fp(u, m->uid, w->old[lo].seen, m->fp, 0,
		    ei) < 0)
			return -1;
		matched++;
	}
	if (uidstate_sync(u, ei) < 0)
		return -1;
	log_info("%s: folder '%s': UIDVALIDITY changed (%u to %u): %zu of "
	    "%zu messages recognised as delivered before, %zu new",
	    account_label(s->a), s->folder, olduv, s->uidvalidity, matched,
	    s->ninv, s->ninv - matched);
	return 0;
}

static void
mark_found(void *arg, struct uident *e)
{
	struct walk *w = arg;
	unsigned id;
	uint32_t uid;

	if (!key_parse(e->uid, &id, &uid) || id != w->id)
		return;
	/* (bsearch() may not be given a null array, even empty) */
	e->present = w->found->n > 0 && bsearch(&uid, w->found->v,
	    w->found->n, sizeof(*w->found->v), cmp_u32) != NULL;
}

static void
count_entries(void *arg, struct uident *e)
{
	struct walk *w = arg;
	unsigned id;
	uint32_t uid;

	if (!e->gone && key_parse(e->uid, &id, &uid) && id == w->id)
		w->count++;
}

/*
 * The messages marked \Deleted by us go: UID EXPUNGE of exactly them,
 * or without UIDPLUS a plain EXPUNGE when no other message is marked.
 * Their UIDs are forgotten once the server confirmed.
 */
static int
expunge(struct isess *s, struct uidstate *u, struct fetch_stats *st,
    struct errinfo *dei, struct errinfo *ei)
{
	char set[IMAP_SET_MAX + 32], what[96];
	size_t i = 0, k;
	int r = 0;

	if (s->expunge.n == 0) {
		uidstate_deletions_done(u, 1);	/* moved: gone already */
		return 0;
	}
	imap_uids_sort(&s->expunge);
	snprintf(what, sizeof(what), "EXPUNGE in '%s'", s->folder);
	if (s->m.caps.flags & IMAP_CAP_UIDPLUS) {
		while (i < s->expunge.n && r == 0) {
			next_set(s->expunge.v, s->expunge.n, &i, set, sizeof(set));
			r = isess_command(s, what, dei, ei, "UID EXPUNGE %s",
			    set);
		}
	} else {
		r = search(s, 0, "DELETED", dei, ei);
		for (k = 0; r == 0 && k < s->found.n; k++)
			if (s->expunge.n == 0 || bsearch(&s->found.v[k],
			    s->expunge.v, s->expunge.n, sizeof(*s->expunge.v),
			    cmp_u32) == NULL)
				break;
		if (r == 0 && k < s->found.n) {
			log_warn("%s: folder '%s': the server has no UIDPLUS and "
			    "another client marked messages deleted there too: "
			    "%zu fetched messages stay marked \\Deleted (and are "
			    "not fetched again) rather than remove that client's",
			    account_label(s->a), s->folder, s->expunge.n);
			r = 2;
		} else if (r == 0) {
			r = isess_command(s, what, dei, ei, "EXPUNGE");
		}
	}
	uidstate_deletions_done(u, r == 0);
	/* Marked, not removed: the summary does not count them deleted. */
	if (r != 0)
		st->deleted -= st->deleted < s->expunge.n ? st->deleted :
		    s->expunge.n;
	imap_uids_reset(&s->expunge);
	return r < 0 ? -1 : r == 1;
}

/*
 * The delivery target of a spec with %f: the folder's name made one safe
 * path component.  *saved_r gets the account's, to put back.
 */
static int
folder_sink(struct isess *s, const char *name, struct delivery *d,
    struct sink **saved_r, struct errinfo *ei)
{
	struct sink_opts so;
	struct sink *fs;
	struct buf comp;
	char *spec, *sd;
	int rc;

	buf_init(&comp, IMAP_NAME_MAX * 4);
	if (mutf7_component(name, strlen(name), '/', &comp, ei) < 0) {
		buf_free(&comp);
		return err_prefix(ei, "folder '%s': ", name);
	}
	spec = placeholder_folder(s->a->delivery, comp.data);
	buf_free(&comp);
	sd = statedir();
	so.statedir = sd;
	so.timeout = s->a->in.timeout;
	rc = sink_new(spec, &so, &fs, ei);
	free(sd);
	free(spec);
	if (rc < 0)
		return -1;
	*saved_r = d->sink;
	d->sink = fs;
	return 0;
}

/* SELECT (EXAMINE for --check): EXISTS, UIDVALIDITY, UIDNEXT. */
static int
select_folder(struct isess *s, struct errinfo *dei, struct errinfo *ei)
{
	char what[IMAP_NAME_MAX + 32];
	int r;

	s->exists = s->uidvalidity = s->uidnext = 0;
	s->readonly = s->pol->check_only;
	s->selecting = 1;
	snprintf(what, sizeof(what), "%s '%s'", s->pol->check_only ?
	    "EXAMINE" : "SELECT", s->folder);
	r = isess_command(s, what, dei, ei, "%s %s", s->pol->check_only ?
	    "EXAMINE" : "SELECT", s->wire.data);
	s->selecting = 0;
	if (r == 0 && s->uidvalidity == 0) {
		err_set(dei, ST_PROTOCOL, "%s: folder '%s': the server gave no "
		    "valid UIDVALIDITY: its messages cannot be told apart "
		    "between runs", account_label(s->a), s->folder);
		return 1;
	}
	return r;
}

/*
 * One folder, from SELECT to the state's folder line.  Returns 0, 1 when
 * the folder failed but the session goes on (dei), -1 when it broke.
 */
/* Where the folder's state stands: its ID, and from which UID on to look. */
static void
folder_start(struct isess *s, struct uidstate *u, struct uidfolder *f,
    struct walk *w)
{
	memset(w, 0, sizeof(*w));
	w->s = s;
	w->now = time(NULL);
	w->start = 1;
	if (f == NULL) {
		w->id = uidstate_new_folder_id(u);
		w->first_time = 1;
	} else if (f->uidvalidity != s->uidvalidity) {
		w->oldid = f->id;
		w->olduv = f->uidvalidity;
		w->id = uidstate_new_folder_id(u);
	} else {
		w->id = f->id;
		w->start = f->uidnext > 0 ? f->uidnext : 1;
	}
	uidstate_each(u, walk_entry, w);
}

/* The new messages (from w->start on) into s->inv, sizes and all. */
static int
list_new(struct isess *s, const struct walk *w, struct errinfo *dei,
    struct errinfo *ei)
{
	const struct fetch_policy *pol = s->pol;
	size_t k;
	int r;

	s->ninv = 0;
	/* Nothing to ask when UIDNEXT did not move. */
	if (s->exists == 0 || (!pol->fetchall && w->oldid == 0 &&
	    !w->first_time && s->uidnext != 0 && s->uidnext == w->start))
		return 0;
	r = search(s, pol->fetchall ? 0 : w->start, NULL, dei, ei);
	if (r != 0)
		return r;
	s->inv = xcalloc(s->found.n + 1, sizeof(*s->inv));
	for (k = 0; k < s->found.n; k++) {
		struct fetch_msg *m;

		/* "n:*" gives the last message even below n. */
		if (s->found.v[k] < w->start && !pol->fetchall)
			continue;
		m = &s->inv[s->ninv++];
		m->id = s->found.v[k];
		uidstate_key(m->uid, sizeof(m->uid), w->id, s->found.v[k]);
	}
	return s->ninv > 0 ? inventory(s, dei, ei) : 0;
}

/* The deletions due, then the new messages, by UID, through the engine. */
static int
run_engine(struct isess *s, struct walk *w, struct delivery *d,
    struct uidstate *u, struct fetch_stats *st, struct fetch_msg **all_r,
    size_t *n_r, struct errinfo *dei, struct errinfo *ei)
{
	struct fetch_msg *all;
	struct fetch_proto fp;
	size_t n = w->n + s->ninv;
	int r;

	all = xcalloc(n + 1, sizeof(*all));
	if (w->n > 0)
		memcpy(all, w->m, w->n * sizeof(*all));
	if (s->ninv > 0)
		memcpy(all + w->n, s->inv, s->ninv * sizeof(*all));
	*all_r = all;
	*n_r = n;
	memset(&fp, 0, sizeof(fp));
	fp.ops = &imap_ops;
	fp.pr = s;
	fp.host = s->m.srv->host;
	fp.with = conn_is_tls(s->m.c) ? "IMAPS" : "IMAP";
	fp.pipelined = 1;
	fp.have_uids = 1;
	r = n > 0 ? fetch_engine_run(&fp, all, n, d, u, s->pol, st, ei) : 0;
	if (r < 0 && !s->m.broken) {
		/* Not the session: the folder stopped (a delivery failed). */
		*dei = *ei;
		r = 1;
	}
	if (r >= 0 && isess_drain(s, ei) < 0)
		r = -1;
	isess_spool_drop(s);	/* UIDs are the folder's: nothing carries over */
	return r;
}

/*
 * After the engine: the entries of messages gone elsewhere marked for the
 * prune (a SEARCH only when the state holds more than the folder), and
 * the UID the next run starts from: the first new message not dealt
 * with, else the server's UIDNEXT.
 */
static int
finish(struct isess *s, struct walk *w, struct uidstate *u, const char *name,
    const struct fetch_msg *all, size_t n, struct errinfo *ei)
{
	struct uidfolder *f;
	uint32_t next = s->uidnext, last = 0;
	size_t k;

	w->count = 0;
	uidstate_each(u, count_entries, w);
	if (w->count > s->exists) {
		struct errinfo sei;
		int x = search(s, 0, NULL, &sei, ei);

		if (x < 0)
			return -1;
		w->found = &s->found;
		if (x == 0)
			uidstate_each(u, mark_found, w);
		else
			uidstate_present_folder(u, w->id);
	} else {
		uidstate_present_folder(u, w->id);
	}
	for (k = w->n; k < n; k++) {
		if (all[k].id < w->start)
			continue;
		if (!all[k].done && uidstate_find(u, all[k].uid) == NULL) {
			next = (uint32_t)all[k].id;	/* ascending: the first */
			break;
		}
		last = (uint32_t)all[k].id;
	}
	if (next == 0)		/* no UIDNEXT from the server */
		next = last > 0 ? last + 1 : w->start;
	f = uidstate_folder(u, name);
	if (f != NULL && f->uidnext != next && uidstate_folder_set(u, name,
	    w->id, s->uidvalidity, next, 0, ei) < 0)
		return -1;
	return 0;
}

int
imap_folder_fetch(struct isess *s, const char *name, struct delivery *d,
    struct uidstate *u, struct fetch_stats *st, struct errinfo *dei,
    struct errinfo *ei)
{
	const struct fetch_policy *pol = s->pol;
	struct uidfolder *f;
	struct walk w;
	struct fetch_msg *all = NULL;
	struct sink *saved = NULL;
	size_t n = 0;
	int r, x;

	s->folder = name;
	if (isess_wire_name(s, name, &s->wire, dei) < 0)
		return 1;
	r = select_folder(s, dei, ei);
	f = uidstate_folder(u, name);
	if (r != 0) {
		/* Not listed: its entries must survive the prune. */
		if (f != NULL)
			uidstate_present_folder(u, f->id);
		return r;
	}
	folder_start(s, u, f, &w);
	st->messages += s->exists;
	st->inventoried = 1;
	if ((r = list_new(s, &w, dei, ei)) != 0)
		goto out;
	if (w.oldid != 0 && !pol->check_only &&
	    recognise(s, &w, u, w.olduv, ei) < 0) {
		r = -1;
		goto out;
	}
	/*
	 * A new folder line before any entry under its ID: a crash must not
	 * leave entries that no folder owns (they would be fetched again).
	 */
	if (!pol->check_only && (w.first_time || w.oldid != 0) &&
	    uidstate_folder_set(u, name, w.id, s->uidvalidity, w.start, 1,
	    ei) < 0) {
		r = -1;
		goto out;
	}
	/* %f in the delivery: this folder's own target. */
	if (!pol->check_only && placeholder_has_folder(s->a->delivery) &&
	    folder_sink(s, name, d, &saved, dei) < 0) {
		r = 1;
		goto out;
	}
	r = run_engine(s, &w, d, u, st, &all, &n, dei, ei);
	if (pol->check_only)
		uidstate_present_folder(u, w.id);	/* nothing changed */
	if (r < 0 || pol->check_only)
		goto out;
	x = expunge(s, u, st, ei, ei);
	if (x == 1 && r == 0) {
		*dei = *ei;
		r = 1;
	}
	if (x < 0 || finish(s, &w, u, name, all, n, ei) < 0)
		r = -1;
out:
	if (saved != NULL) {
		delivery_release(d);
		sink_free(d->sink);
		d->sink = saved;
	}
	free(all);
	free(w.m);
	free(w.old);
	free(s->inv);
	s->inv = NULL;
	s->ninv = 0;
	return r;
}

