/* uidstate: delivered keys and folders in memory, and their text format. */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "uidstate.h"
#include "hex.h"
#include "xalloc.h"

int
uidstate_valid_uid(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > UID_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

static size_t
hash(const char *s)
{
	return (size_t)hash_add(HASH_INIT, s, strlen(s));
}

static void
reindex(struct uidstate *u)
{
	size_t i;

	free(u->index);
	u->nindex = 64;
	while (u->nindex < 2 * u->alloc)
		u->nindex *= 2;
	u->index = xcalloc(u->nindex, sizeof(*u->index));
	for (i = 0; i < u->n; i++) {
		size_t k = hash(u->v[i].uid) & (u->nindex - 1);

		while (u->index[k] != 0)
			k = (k + 1) & (u->nindex - 1);
		u->index[k] = i + 1;
	}
}

/* The entry of uid, forgotten ones included. */
static struct uident *
lookup(struct uidstate *u, const char *uid)
{
	size_t k;

	if (u->nindex == 0)
		return NULL;
	k = hash(uid) & (u->nindex - 1);
	while (u->index[k] != 0) {
		struct uident *e = &u->v[u->index[k] - 1];

		if (strcmp(e->uid, uid) == 0)
			return e;
		k = (k + 1) & (u->nindex - 1);
	}
	return NULL;
}

struct uident *
uidstate_find(struct uidstate *u, const char *uid)
{
	struct uident *e = lookup(u, uid);

	return e != NULL && !e->gone ? e : NULL;
}

/*
 * The decimal number of s[0..len) (no sign, no leading zero) if it is at
 * most max: 0 and *v_r, else -1.
 */
static int
number(const char *s, size_t len, unsigned long long max,
    unsigned long long *v_r)
{
	unsigned long long v = 0;
	size_t i;

	if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (max - (unsigned)(s[i] -
		    '0')) / 10)
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*v_r = v;
	return 0;
}

/* The folder ID of an "ID:UID" key, else 0. */
static unsigned
key_folder(const char *key)
{
	const char *colon = strchr(key, ':');
	unsigned long long id, uid;

	if (colon == NULL ||
	    number(key, (size_t)(colon - key), UIDSTATE_ID_MAX, &id) < 0 ||
	    id == 0 ||
	    number(colon + 1, strlen(colon + 1), UINT32_MAX, &uid) < 0)
		return 0;
	return (unsigned)id;
}

void
uidstate_key(char *out, size_t outsz, unsigned id, uint32_t uid)
{
	snprintf(out, outsz, "%u:%lu", id, (unsigned long)uid);
}

/*
 * Add (or merge) an entry: the earliest time, the last fingerprint given.
 * A forgotten entry becomes a new one.
 */
static struct uident *
add(struct uidstate *u, const char *uid, time_t seen, uint64_t fp)
{
	struct uident *e = lookup(u, uid);
	size_t k;

	if (e != NULL) {
		if (e->gone) {
			/* A new message with an old UID: a new entry. */
			char *keep = e->uid;
			unsigned folder = e->folder;

			memset(e, 0, sizeof(*e));
			e->uid = keep;
			e->folder = folder;
			e->seen = seen;
		} else if (seen < e->seen) {
			e->seen = seen;
		}
		if (fp != 0)
			e->fp = fp;
		return e;
	}
	if (u->n == u->alloc) {
		u->alloc = u->alloc ? u->alloc * 2 : 64;
		u->v = xreallocarray(u->v, u->alloc, sizeof(*u->v));
		reindex(u);
	}
	e = &u->v[u->n++];
	memset(e, 0, sizeof(*e));
	e->uid = xstrdup(uid);
	e->seen = seen;
	e->fp = fp;
	/* Keys recorded before their folder line still reserve the ID. */
	if ((e->folder = key_folder(uid)) > u->maxid)
		u->maxid = e->folder;
	k = hash(uid) & (u->nindex - 1);
	while (u->index[k] != 0)
		k = (k + 1) & (u->nindex - 1);
	u->index[k] = u->n;
	return e;
}

void
uidstate_add(struct uidstate *u, const char *uid, time_t seen)
{
	if (u->nindex == 0)
		reindex(u);
	add(u, uid, seen, 0)->ondisk = 0;
}

void
uidstate_each(struct uidstate *u, void (*fn)(void *, struct uident *),
    void *arg)
{
	size_t i, n = u->n;

	/* By position: fn may add entries, which moves u->v. */
	for (i = 0; i < n; i++)
		if (!u->v[i].gone)
			fn(arg, &u->v[i]);
}

void
uidstate_present_folder(struct uidstate *u, unsigned id)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		if (id != 0 && u->v[i].folder == id)
			u->v[i].present = 1;
}

/* ---------------------------------------------------------- folders */

struct uidfolder *
uidstate_folder(struct uidstate *u, const char *name)
{
	size_t i;

	for (i = 0; i < u->nf; i++)
		if (strcmp(u->f[i]->name, name) == 0)
			return u->f[i];
	return NULL;
}

struct uidfolder *
uidstate_folder_by_id(struct uidstate *u, unsigned id)
{
	size_t i;

	for (i = 0; i < u->nf; i++)
		if (u->f[i]->id == id)
			return u->f[i];
	return NULL;
}

unsigned
uidstate_new_folder_id(struct uidstate *u)
{
	if (u->maxid >= UIDSTATE_ID_MAX)
		return 0;
	return ++u->maxid;
}

/*
 * Apply a folder line: it replaces the folder of the same name and
 * another ID, and updates (or adds) its ID's.  -1 (nothing changed) when
 * the ID had another UIDVALIDITY: its entries belong to that one.
 */
int
uidstate_apply_folder(struct uidstate *u, const char *name, unsigned id,
    uint32_t uidvalidity, uint32_t uidnext)
{
	struct uidfolder *g = uidstate_folder_by_id(u, id);
	size_t i;

	if (g != NULL && g->uidvalidity != uidvalidity)
		return -1;
	for (i = 0; g == NULL && i < u->ndead; i++)
		if (u->dead[i] == id)
			return -1;
	for (i = 0; i < u->nf; i++) {
		if (u->f[i]->id != id && strcmp(u->f[i]->name, name) == 0) {
			if (u->ndead == u->deadalloc) {
				u->deadalloc = u->deadalloc ? 2 * u->deadalloc :
				    8;
				u->dead = xreallocarray(u->dead, u->deadalloc,
				    sizeof(*u->dead));
			}
			u->dead[u->ndead++] = u->f[i]->id;
			free(u->f[i]->name);
			free(u->f[i]);
			u->f[i--] = u->f[--u->nf];
		}
	}
	if (g == NULL) {
		if (u->nf == u->falloc) {
			u->falloc = u->falloc ? u->falloc * 2 : 8;
			u->f = xreallocarray(u->f, u->falloc, sizeof(*u->f));
		}
		g = u->f[u->nf++] = xcalloc(1, sizeof(*g));
		g->id = id;
		g->uidvalidity = uidvalidity;
	}
	if (g->name == NULL || strcmp(g->name, name) != 0) {
		free(g->name);
		g->name = xstrdup(name);
	}
	g->uidnext = uidnext;
	if (id > u->maxid)
		u->maxid = id;
	return 0;
}

void
uidstate_folder_line(struct buf *b, const struct uidfolder *g)
{
	const unsigned char *p;

	buf_printf(b, "=%u %lu %lu ", g->id, (unsigned long)g->uidvalidity,
	    (unsigned long)g->uidnext);
	for (p = (const unsigned char *)g->name; *p != '\0'; p++) {
		if (*p < 0x21 || *p == '%' || *p == 0x7f)
			buf_printf(b, "%%%02X", *p);
		else
			buf_addch(b, (char)*p);
	}
	buf_addch(b, '\n');
}

void
uidstate_entry_line(struct buf *b, const struct uident *e)
{
	buf_printf(b, "%lld %s", (long long)e->seen, e->uid);
	if (e->fp != 0)
		buf_printf(b, " %016llx", (unsigned long long)e->fp);
	buf_addch(b, '\n');
}

/* "=ID UIDVALIDITY UIDNEXT NAME": 0 applied, -1 malformed. */
static int
parse_folder(struct uidstate *u, const char *l, size_t len)
{
	const char *end = l + len, *tok[4], *p = l + 1;
	size_t toklen[4], i, n = 0;
	unsigned long long id, uv, un;
	char name[UIDSTATE_FOLDER_MAX + 1];

	for (i = 0; i < 4; i++) {
		const char *sp = i < 3 ? memchr(p, ' ', (size_t)(end - p)) :
		    end;

		if (sp == NULL || sp == p)
			return -1;
		tok[i] = p;
		toklen[i] = (size_t)(sp - p);
		p = sp + 1;
	}
	if (number(tok[0], toklen[0], UIDSTATE_ID_MAX, &id) < 0 || id == 0 ||
	    number(tok[1], toklen[1], UINT32_MAX, &uv) < 0 || uv == 0 ||
	    number(tok[2], toklen[2], UINT32_MAX, &un) < 0)
		return -1;
	for (p = tok[3]; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		int hi, lo;

		if (c < 0x21 || c == 0x7f || n == UIDSTATE_FOLDER_MAX)
			return -1;
		if (c == '%') {
			if (end - p < 3 || (hi = hex_value(p[1])) < 0 ||
			    (lo = hex_value(p[2])) < 0 || hi + lo == 0)
				return -1;
			c = (unsigned char)(hi * 16 + lo);
			p += 2;
		}
		name[n++] = (char)c;
	}
	name[n] = '\0';
	return uidstate_apply_folder(u, name, (unsigned)id, (uint32_t)uv,
	    (uint32_t)un);
}

/* "SECONDS KEY [FP]" or "- KEY": 0 applied, -1 malformed. */
static int
parse_entry(struct uidstate *u, const char *l, size_t len)
{
	const char *end = l + len, *sp = memchr(l, ' ', len), *p, *id, *fpp;
	char uid[UID_MAX + 1];
	long long seen = 0;
	unsigned long long fp = 0;
	size_t idlen;
	struct uident *e;

	if (sp == NULL || sp == l)
		return -1;
	id = sp + 1;
	fpp = memchr(id, ' ', (size_t)(end - id));
	idlen = (size_t)((fpp != NULL ? fpp : end) - id);
	if (!uidstate_valid_uid(id, idlen))
		return -1;
	memcpy(uid, id, idlen);
	uid[idlen] = '\0';
	if (sp == l + 1 && l[0] == '-') {
		if (fpp != NULL)
			return -1;
		if ((e = lookup(u, uid)) != NULL) {
			e->gone = 1;
			e->ondisk = 0;
		}
		return 0;
	}
	if (fpp != NULL) {
		if (end - fpp != 17)
			return -1;
		for (p = fpp + 1; p < end; p++) {
			int h = hex_value(*p);

			if (h < 0)
				return -1;
			fp = fp << 4 | (unsigned)h;
		}
	}
	for (p = l; p < sp && *p >= '0' && *p <= '9' && seen < (1LL << 40); p++)
		seen = seen * 10 + (*p - '0');
	if (p != sp)
		return -1;
	add(u, uid, (time_t)seen, (uint64_t)fp)->ondisk = 1;
	return 0;
}

/* "#WORD N" at l: 0 and *v_r, else -1. */
static int
hash_line(const char *l, size_t len, const char *word,
    unsigned long long *v_r)
{
	size_t wl = strlen(word);

	if (len <= wl + 1 || memcmp(l, word, wl) != 0 || l[wl] != ' ')
		return -1;
	return number(l + wl + 1, len - wl - 1, UINT64_MAX, v_r);
}

int
uidstate_parse(struct uidstate *u, const char *name, const char *data,
    size_t len, int journal, struct errinfo *ei)
{
	const char *l = data, *end = data + len;
	size_t line = 0;
	unsigned long long v;

	if (u->nindex == 0)
		reindex(u);
	while (l < end) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		size_t ll = nl != NULL ? (size_t)(nl - l) : (size_t)(end - l);

		line++;
		/*
		 * Journal lines are written whole, with their line end: one
		 * without it was cut by a crash, and may look like a valid,
		 * shorter line.
		 */
		if (journal && nl == NULL) {
			u->skipped++;
			u->jcut = 1;
			break;
		}
		if (journal)
			u->jlines++;
		if (ll > 7 && memcmp(l, "#login ", 7) == 0) {
			long long tl = 0, dl = 0;
			char tmp[64];
			size_t k = ll - 7 < sizeof(tmp) - 1 ? ll - 7 :
			    sizeof(tmp) - 1;

			memcpy(tmp, l + 7, k);
			tmp[k] = '\0';
			if (sscanf(tmp, "%lld %lld", &tl, &dl) == 2 && tl > 0 &&
			    dl >= 0 && dl < 86400 * 30) {
				u->last_login = u->disk_login = (time_t)tl;
				u->login_delay = u->disk_delay = (long)dl;
			}
		} else if (hash_line(l, ll, "#maxid", &v) == 0) {
			if (v <= UIDSTATE_ID_MAX && v > u->maxid)
				u->maxid = (unsigned)v;
		} else if (!journal && hash_line(l, ll, "#folded", &v) == 0) {
			u->folded = v;
		} else if (journal && line == 1 &&
		    hash_line(l, ll, "#journal", &v) == 0) {
			u->jgen = v;
		} else if (ll > 0 && l[0] != '#' &&
		    (l[0] == '=' ? parse_folder(u, l, ll) :
		    parse_entry(u, l, ll)) < 0) {
			if (!journal)
				return err_set(ei, ST_CONFIG, "%s:%zu: "
				    "malformed line (expected 'SECONDS UID')",
				    name, line);
			u->skipped++;
		}
		if (nl == NULL)
			break;
		l = nl + 1;
	}
	return 0;
}

/* The generation of a journal's text ("#journal N" first), else 0. */
static unsigned long long
journal_gen(const char *data, size_t len)
{
	const char *nl = memchr(data, '\n', len);
	unsigned long long v;

	if (nl == NULL || hash_line(data, (size_t)(nl - data), "#journal",
	    &v) < 0)
		return 0;
	return v;
}

int
uidstate_load(struct uidstate *u, const char *name, const char *file,
    size_t flen, const char *jname, const char *journal, size_t jlen,
    int *stale_r, struct errinfo *ei)
{
	unsigned long long gen;

	if (stale_r != NULL)
		*stale_r = 0;
	if (uidstate_parse(u, name, file, flen, 0, ei) < 0)
		return -1;
	if (journal == NULL || jlen == 0)
		return 0;
	gen = journal_gen(journal, jlen);
	if (gen != 0 && gen == u->folded) {
		/* The file was written from it: a crash came before its
		 * removal.  Applied again, it could revive pruned keys. */
		if (stale_r != NULL)
			*stale_r = 1;
		return 0;
	}
	u->jold = gen == 0;
	return uidstate_parse(u, jname, journal, jlen, 1, ei);
}

void
uidstate_deleted(struct uidstate *u, const char *uid)
{
	struct uident *e = uidstate_find(u, uid);

	if (e != NULL)
		e->deleted = 1;
}

void
uidstate_deletions_done(struct uidstate *u, int final)
{
	size_t i;

	for (i = 0; i < u->n; i++) {
		if (u->v[i].deleted && final)
			u->v[i].gone = 1;
		u->v[i].deleted = 0;
	}
}

void
uidstate_free(struct uidstate *u)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		free(u->v[i].uid);
	free(u->v);
	free(u->index);
	for (i = 0; i < u->nf; i++) {
		free(u->f[i]->name);
		free(u->f[i]);
	}
	free(u->f);
	free(u->dead);
}

