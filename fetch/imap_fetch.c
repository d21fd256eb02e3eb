/* imap_fetch: the IMAP session for fetchrun, and the engine's operations. */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "folders.h"
#include "imap_auth.h"
#include "imap_fetch.h"
#include "imap_sess.h"
#include "log.h"
#include "mutf7.h"
#include "xalloc.h"

/* ---- the engine's operations ------------------------------------------ */

static int
op_request(void *pr, const struct fetch_msg *m, struct errinfo *ei)
{
	struct isess *s = pr;

	return isess_send(s, SLOT_BODY, (uint32_t)m->id, NULL, ei,
	    "UID FETCH %lu (BODY%s[])", m->id, s->pol->mark_seen &&
	    !s->readonly ? "" : ".PEEK");
}

/*
 * Read until m's body came (0), or its command was answered without it:
 * refused (1), or OK (2: another client expunged it).  A body that came
 * early is taken from the spool.  kind: the command's slot.
 */
static int
read_section(struct isess *s, const struct fetch_msg *m, enum slot_kind kind,
    const char *section, fetch_body_fn body, void *arg, struct errinfo *dei,
    struct errinfo *ei)
{
	uint32_t uid = (uint32_t)m->id;
	unsigned tag = isess_find(s, kind, uid);
	struct slot *sl;
	int r;

	if (tag == 0)
		return err_set(ei, ST_SOFTWARE, "IMAP: no command for UID %u",
		    uid);
	s->section = section;
	s->want_uid = uid;
	s->body = body;
	s->bodyarg = arg;
	for (;;) {
		sl = isess_slot(s, tag);
		if (isess_spooled(s, uid)) {
			r = isess_spool_replay(s, uid, ei) < 0 ? -1 : 0;
			break;
		}
		if (sl->body) {
			r = 0;
			break;
		}
		if (sl->done > 0 && !sl->ok) {
			err_set(dei, ST_UNAVAILABLE, "%s port %u: UID FETCH %u "
			    "failed: server said: '%s'", s->m.srv->host,
			    server_port(s->m.srv), uid, sl->why);
			r = 1;
			break;
		}
		if (sl->done > 0) {
			err_set(dei, ST_OK, "%s: message UID %u is no longer in "
			    "folder '%s' (another client deleted it): not "
			    "fetched", account_label(s->a), uid, s->folder);
			r = 2;
			break;
		}
		if (isess_read(s, ei) < 0) {
			r = -1;
			break;
		}
	}
	s->section = NULL;
	s->want_uid = 0;
	s->body = NULL;
	if (r >= 0)
		isess_forget(s, tag);
	return r;
}

static int
op_retrieve(void *pr, const struct fetch_msg *m, fetch_body_fn body,
    void *arg, struct errinfo *dei, struct errinfo *ei)
{
	return read_section(pr, m, SLOT_BODY, "BODY[]", body, arg, dei, ei);
}

/* Fetched messages are moved when move_to says so. */
static int
moving(const struct isess *s, const struct fetch_msg *m)
{
	return m->act == ACT_FETCH && s->pol->move_to != NULL;
}

static int
op_del(void *pr, const struct fetch_msg *m, int fetched, struct errinfo *ei)
{
	struct isess *s = pr;

	(void)fetched;
	if (moving(s, m))
		return isess_send(s, SLOT_DEL, (uint32_t)m->id, NULL, ei,
		    "UID %s %lu %s", s->m.caps.flags & IMAP_CAP_MOVE ? "MOVE" :
		    "COPY", m->id, s->move_wire.data);
	return isess_send(s, SLOT_DEL, (uint32_t)m->id, NULL, ei,
	    "UID STORE %lu +FLAGS.SILENT (\\Deleted)", m->id);
}

static int
op_deleted(void *pr, const struct fetch_msg *m, struct errinfo *dei,
    struct errinfo *ei)
{
	struct isess *s = pr;
	char what[64];
	int r, copy = moving(s, m) && !(s->m.caps.flags & IMAP_CAP_MOVE);

	snprintf(what, sizeof(what), "UID %s %lu", !moving(s, m) ? "STORE" :
	    copy ? "COPY" : "MOVE", m->id);
	r = isess_wait(s, isess_find(s, SLOT_DEL, (uint32_t)m->id), what, dei,
	    ei);
	if (r != 0)
		return r;
	if (moving(s, m) && !copy)
		return 0;	/* MOVE: gone from here already */
	if (copy) {
		/* Marked deleted only once the copy is there. */
		snprintf(what, sizeof(what), "UID STORE %lu", m->id);
		r = isess_command(s, what, dei, ei, "UID STORE %lu "
		    "+FLAGS.SILENT (\\Deleted)", m->id);
		if (r != 0)
			return r;
	}
	return imap_uids_add(&s->expunge, (uint32_t)m->id, ei);
}

static int
op_header(void *pr, const struct fetch_msg *m, struct buf *head,
    struct errinfo *dei, struct errinfo *ei)
{
	struct isess *s = pr;

	if (isess_send(s, SLOT_HEADER, (uint32_t)m->id, NULL, ei,
	    "UID FETCH %lu (BODY.PEEK[HEADER])", m->id) < 0)
		return -1;
	return read_section(s, m, SLOT_HEADER, "BODY[HEADER]", fetch_to_head,
	    head, dei, ei);
}

const struct fetch_proto_ops imap_ops = {
	op_request, op_retrieve, op_del, op_deleted, op_header
};

/* ---- folders and patterns ------------------------------------------------ */

static void
names_add(struct names *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], name) == 0)
			return;
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = xstrdup(name);
}

void
names_free(struct names *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
on_list(struct isess *s, const struct imap_data *d, struct errinfo *ei)
{
	struct imap_list l;
	struct buf dec;
	int rc = 0;

	if (d->kind != IMAP_D_LIST)
		return 0;
	if (imap_data_list(s->m.r.text.data, s->m.r.text.len, &l, ei) < 0)
		return -1;
	if (l.attrs & (IMAP_LIST_NOSELECT | IMAP_LIST_NONEXISTENT))
		return 0;
	if (s->utf8) {
		if (!mutf7_utf8_valid(l.name, l.namelen))
			return 0;
		names_add(s->listing, l.name);
		return 0;
	}
	buf_init(&dec, IMAP_NAME_MAX * 4);
	if (mutf7_decode(l.name, l.namelen, &dec, ei) == 0)
		names_add(s->listing, dec.data);
	else
		rc = -1;
	buf_free(&dec);
	return rc;
}

/* The account's folders, patterns resolved by LIST, in order, once each. */
int
isess_resolve(struct isess *s, struct names *out, struct errinfo *dei,
    struct errinfo *ei)
{
	struct folders f;
	size_t i;
	int r = 0;

	if (folders_parse(s->a->folders, &f, dei) < 0)
		return 1;
	for (i = 0; i < f.n && r == 0; i++) {
		char what[IMAP_NAME_MAX + 32];

		if (!folders_is_pattern(f.v[i])) {
			names_add(out, f.v[i]);
			continue;
		}
		if (isess_wire_name(s, f.v[i], &s->wire, dei) < 0) {
			r = 1;
			break;
		}
		snprintf(what, sizeof(what), "LIST '%s'", f.v[i]);
		s->listing = out;
		s->on_data = on_list;
		r = isess_command(s, what, dei, ei, "LIST \"\" %s",
		    s->wire.data);
		s->on_data = NULL;
		s->listing = NULL;
	}
	folders_free(&f);
	return r;
}

/* ---- the session --------------------------------------------------------- */

static void
sess_free(struct isess *s)
{
	buf_free(&s->wire);
	buf_free(&s->move_wire);
	imap_uids_free(&s->expunge);
	imap_uids_free(&s->found);
	isess_spool_drop(s);
	free(s->slots);
	free(s->spooled);
	free(s->out);
	free(s);
}

/* ENABLE what we use: IMAP4rev2, else UTF8=ACCEPT (UTF-8 names). */
static int
enable(struct isess *s, struct errinfo *ei)
{
	unsigned c = s->m.caps.flags;

	if ((c & IMAP_CAP_IMAP4REV2) && !(c & IMAP_CAP_IMAP4REV1)) {
		s->utf8 = 1;	/* IMAP4rev2 alone: UTF-8 throughout */
		return 0;
	}
	if (!(c & IMAP_CAP_ENABLE) ||
	    !(c & (IMAP_CAP_IMAP4REV2 | IMAP_CAP_UTF8_ACCEPT)))
		return 0;
	if (imap_simple(&s->m, c & IMAP_CAP_IMAP4REV2 ? "ENABLE IMAP4rev2" :
	    "ENABLE UTF8=ACCEPT", ei) < 0)
		return s->m.broken ? -1 : 0;	/* a refusal: mUTF-7 then */
	s->utf8 = 1;
	return 0;
}

int
isess_open(struct isess **sp, const struct account *a,
    const struct fetch_policy *pol, struct errinfo *ei)
{
	struct isess *s = xcalloc(1, sizeof(*s));

	*sp = NULL;
	s->a = a;
	s->pol = pol;
	buf_init(&s->wire, IMAP_NAME_MAX * 8 + 16);
	buf_init(&s->move_wire, IMAP_NAME_MAX * 8 + 16);
	imap_uids_init(&s->expunge, 0);
	imap_uids_init(&s->found, 0);
	s->out = xmalloc(CRLF_OUT_MAX(CONN_RBUF_SIZE));
	isess_lit_init(s);
	if (imap_open(&s->m, &a->in, ei) < 0) {
		imap_close(&s->m);
		sess_free(s);
		return -1;
	}
	*sp = s;
	login_init(&s->lg, &a->in, a->name, a->address, conn_tls(s->m.c));
	if (imap_login(&s->m, &s->lg, ei) < 0)
		return -1;
	if (!s->m.have_caps && imap_simple(&s->m, "CAPABILITY", ei) < 0)
		return -1;
	if (enable(s, ei) < 0)
		return -1;
	s->m.r.lit = &s->lit;
	if (pol != NULL && pol->move_to != NULL && isess_wire_name(s,
	    pol->move_to, &s->move_wire, ei) < 0)
		return -1;
	return 0;
}

void
isess_close(struct isess *s)
{
	if (s == NULL)
		return;
	s->m.r.lit = NULL;
	imap_close(&s->m);
	login_free(&s->lg);
	sess_free(s);
}

static int
sess_open(void **sp, const struct account *a, struct uidstate *u,
    const struct fetch_policy *pol, struct errinfo *ei)
{
	struct isess *s;
	int r = isess_open(&s, a, pol, ei);

	*sp = s;
	if (r == 0) {
		u->last_login = time(NULL);
		u->login_delay = 0;
	}
	return r;
}

static int
sess_fetch(void *sp, struct delivery *d, struct uidstate *u,
    const struct fetch_policy *pol, struct fetch_stats *st,
    struct errinfo *ei)
{
	struct isess *s = sp;
	struct names folders;
	struct errinfo first, dei;
	size_t i;
	int r;

	(void)pol;
	memset(&folders, 0, sizeof(folders));
	err_clear(&first);
	err_clear(&dei);
	r = isess_resolve(s, &folders, &dei, ei);
	if (r == 1)
		first = dei;
	for (i = 0; r >= 0 && i < folders.n; i++) {
		err_clear(&dei);
		r = imap_folder_fetch(s, folders.v[i], d, u, st, &dei, ei);
		if (r == 1) {
			/* That folder only: the others go on. */
			if (first.st == ST_OK)
				first = dei;
			else
				log_error("%s", dei.msg);
		}
	}
	if (folders.n == 0 && r == 0)
		st->inventoried = 1;
	names_free(&folders);
	if (r < 0)
		return -1;
	if (first.st != ST_OK) {
		*ei = first;
		return -1;
	}
	return 0;
}

static int
sess_close(void *sp, struct uidstate *u, struct errinfo *ei)
{
	(void)u;
	(void)ei;
	isess_close(sp);
	return 0;
}

const struct fetch_session_ops imap_session = {
	sess_open, sess_fetch, sess_close
};
