/* imap_pipe: IMAP commands in flight, their answers, bodies routed. */
#include "autoconf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "durable.h"
#include "imap_sess.h"
#include "log.h"
#include "mutf7.h"
#include "pp.h"
#include "statedir.h"
#include "xalloc.h"

#define QUOTE_MAX	200

int
isess_protocol_error(struct isess *s, struct errinfo *ei, const char *what,
    const char *arg)
{
	char q[QUOTE_MAX];

	s->m.broken = 1;
	err_quote(q, sizeof(q), arg, strlen(arg));
	return err_set(ei, ST_PROTOCOL, "%s port %u: %s '%s'", s->m.srv->host,
	    server_port(s->m.srv), what, q);
}

/* ---- slots ---------------------------------------------------------------- */

struct slot *
isess_slot(struct isess *s, unsigned tag)
{
	if (tag < s->base || tag - s->base >= s->nslots)
		return NULL;
	return &s->slots[tag - s->base];
}

static void
trim(struct isess *s)
{
	size_t k = 0;

	while (k < s->nslots && s->slots[k].kind == SLOT_OTHER &&
	    s->slots[k].done == 2)
		k++;
	if (k == 0)
		return;
	memmove(s->slots, s->slots + k, (s->nslots - k) * sizeof(*s->slots));
	s->nslots -= k;
	s->base += (unsigned)k;
}

void
isess_forget(struct isess *s, unsigned tag)
{
	struct slot *sl = isess_slot(s, tag);

	if (sl == NULL)
		return;
	/* Forgotten: answered or not, nobody asks again. */
	sl->kind = SLOT_OTHER;
	if (sl->done)
		sl->done = 2;
	else
		sl->done = -1;
	trim(s);
}

unsigned
isess_find(const struct isess *s, enum slot_kind kind, uint32_t uid)
{
	size_t k;

	for (k = 0; k < s->nslots; k++)
		if (s->slots[k].kind == kind && s->slots[k].uid == uid)
			return s->base + (unsigned)k;
	return 0;
}

/* isess_send() with a va_list. */
static int
vsend(struct isess *s, enum slot_kind kind, uint32_t uid, unsigned *tag_r,
    struct errinfo *ei, const char *fmt, va_list ap)
{
	char line[CONN_CMD_MAX];
	struct slot *sl;
	int n;

	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return err_set(ei, ST_SOFTWARE, "IMAP command too long");
	if (pp_cmdf(s->m.c, ei, "%s %s", imap_next_tag(&s->m), line) < 0)
		return -1;
	if (s->nslots == 0)
		s->base = s->m.tagno;
	if (s->nslots == s->aslots) {
		s->aslots = s->aslots ? s->aslots * 2 : 8;
		s->slots = xreallocarray(s->slots, s->aslots, sizeof(*s->slots));
	}
	sl = &s->slots[s->nslots++];
	memset(sl, 0, sizeof(*sl));
	sl->kind = kind;
	sl->uid = uid;
	if (tag_r != NULL)
		*tag_r = s->m.tagno;
	return 0;
}

int
isess_send(struct isess *s, enum slot_kind kind, uint32_t uid,
    unsigned *tag_r, struct errinfo *ei, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vsend(s, kind, uid, tag_r, ei, fmt, ap);
	va_end(ap);
	return rc;
}

/* ---- one response ----------------------------------------------------------- */

/* A status response's code: ALERT shown, SELECT's learnt. */
static int
on_code(struct isess *s, struct errinfo *ei)
{
	struct imap_code c;
	const char *code;
	size_t len;
	char q[512];

	code = imap_resp_code(&s->m.r, &len);
	if (code == NULL)
		return 0;
	if (imap_data_code(code, len, &c, ei) < 0) {
		if (s->selecting) {
			/*
			 * "[UIDVALIDITY 0]": that folder's messages cannot
			 * be told apart; select_folder() fails it alone.
			 */
			log_warn("%s: %s", s->m.srv->host, ei->msg);
			err_clear(ei);
			return 0;
		}
		s->m.broken = 1;
		return -1;
	}
	switch (c.kind) {
	case IMAP_CODE_ALERT: {
		/* RFC 3501 7.1: the user must see it. */
		const char *h = imap_resp_human(&s->m.r);

		log_warn("%s: the server says: %s", s->m.srv->host,
		    err_quote(q, sizeof(q), h, strlen(h)));
		break;
	}
	case IMAP_CODE_UIDVALIDITY:
		if (s->selecting)
			s->uidvalidity = c.num;
		break;
	case IMAP_CODE_UIDNEXT:
		if (s->selecting)
			s->uidnext = c.num;
		break;
	case IMAP_CODE_READ_ONLY:
		if (s->selecting)
			s->readonly = 1;
		break;
	default:
		break;
	}
	return 0;
}

static int
on_tagged(struct isess *s, struct errinfo *ei)
{
	const char *t = s->m.r.tag;
	unsigned long long n = 0;
	struct slot *sl;
	size_t i;

	if (t[0] == 'A' && t[1] != '\0' && t[1] != '0') {
		for (i = 1; t[i] >= '0' && t[i] <= '9' && n < 1ULL << 32; i++)
			n = n * 10 + (unsigned)(t[i] - '0');
		if (t[i] != '\0')
			n = 0;
	}
	sl = n > 0 && n < 1ULL << 32 ? isess_slot(s, (unsigned)n) : NULL;
	if (sl == NULL || sl->done > 0)
		return isess_protocol_error(s, ei, "answer with an unexpected "
		    "tag", t);
	imap_note_caps(&s->m);
	if (on_code(s, ei) < 0)
		return -1;
	sl->ok = s->m.r.cond == IMAP_OK;
	if (!sl->ok) {
		/* The tag is ours: "A<n> " then the server's words. */
		size_t tl = strlen(t);

		memcpy(sl->why, t, tl);
		sl->why[tl] = ' ';
		err_quote(sl->why + tl + 1, sizeof(sl->why) - tl - 1,
		    s->m.r.text.data, s->m.r.text.len);
	}
	if (sl->done == -1) {
		sl->done = 2;	/* forgotten already */
		trim(s);
	} else {
		sl->done = 1;
	}
	return 0;
}

/* The FETCH carrying a body: its UID must be the one it was routed by. */
static int
on_fetch(struct isess *s, struct errinfo *ei)
{
	struct imap_fetch f;
	size_t k;
	char q[32];

	if (imap_data_fetch(s->m.r.text.data, s->m.r.text.len, &f, ei) < 0) {
		s->m.broken = 1;
		return -1;
	}
	for (k = 0; k < f.nsections; k++)
		if (f.sec[k].how == IMAP_BODY_STREAMED)
			break;
	if (k == f.nsections || s->in_uid == 0)
		return 0;
	if ((f.have & IMAP_FETCH_UID) && f.uid != s->in_uid) {
		snprintf(q, sizeof(q), "%u", f.uid);
		return isess_protocol_error(s, ei, "a body came for another "
		    "message than its FETCH said, UID", q);
	}
	if (s->in_spool) {
		s->spooled[s->in_ent].whole = 1;
	} else {
		for (k = 0; k < s->nslots; k++)
			if (s->slots[k].uid == s->in_uid &&
			    (s->slots[k].kind == SLOT_BODY ||
			    s->slots[k].kind == SLOT_HEADER))
				s->slots[k].body = 1;
	}
	s->in_uid = 0;
	s->in_spool = 0;
	return 0;
}

int
isess_read(struct isess *s, struct errinfo *ei)
{
	if (imap_read(&s->m, ei) < 0)
		return -1;
	return isess_handle(s, ei);
}

int
isess_handle(struct isess *s, struct errinfo *ei)
{
	struct imap_data d;

	if (s->m.r.kind == IMAP_TAGGED)
		return on_tagged(s, ei);
	if (s->m.r.kind == IMAP_CONTINUE)
		return isess_protocol_error(s, ei, "unexpected continuation "
		    "request", s->m.r.text.data);
	if (s->m.r.cond == IMAP_BYE) {
		char q[QUOTE_MAX];

		/*
		 * The server ends a session it accepted (shutting down, idle
		 * too long): as a drop, the next run can do the rest.
		 */
		s->m.broken = 1;
		err_quote(q, sizeof(q), s->m.r.text.data, s->m.r.text.len);
		return err_set(ei, ST_TEMPFAIL, "%s port %u: the server ended "
		    "the session: '* %s'", s->m.srv->host,
		    server_port(s->m.srv), q);
	}
	if (s->m.r.cond != IMAP_NONE)
		return on_code(s, ei);
	if (imap_data_kind(s->m.r.text.data, s->m.r.text.len, &d, ei) < 0) {
		s->m.broken = 1;
		return -1;
	}
	switch (d.kind) {
	case IMAP_D_EXISTS:
		s->exists = d.num;
		return 0;
	case IMAP_D_EXPUNGE:
		if (s->exists > 0)
			s->exists--;
		return 0;
	case IMAP_D_CAPABILITY:
		imap_note_caps(&s->m);
		return 0;
	case IMAP_D_FETCH:
		if (on_fetch(s, ei) < 0)
			return -1;
		break;
	default:
		break;
	}
	if (s->on_data != NULL && s->on_data(s, &d, ei) < 0) {
		s->m.broken = 1;
		return -1;
	}
	return 0;
}

int
isess_wait(struct isess *s, unsigned tag, const char *what,
    struct errinfo *dei, struct errinfo *ei)
{
	struct slot *sl;
	int r;

	while ((sl = isess_slot(s, tag)) != NULL && sl->done <= 0)
		if (isess_read(s, ei) < 0)
			return -1;
	if (sl == NULL)
		return err_set(ei, ST_SOFTWARE, "IMAP tag A%u lost", tag);
	r = sl->ok ? 0 : 1;
	if (r == 1)
		err_set(dei, ST_UNAVAILABLE, "%s port %u: %s failed: server "
		    "said: '%s'", s->m.srv->host, server_port(s->m.srv), what,
		    sl->why);
	isess_forget(s, tag);
	return r;
}

int
isess_command(struct isess *s, const char *what, struct errinfo *dei,
    struct errinfo *ei, const char *fmt, ...)
{
	va_list ap;
	unsigned tag;
	int rc;

	va_start(ap, fmt);
	rc = vsend(s, SLOT_OTHER, 0, &tag, ei, fmt, ap);
	va_end(ap);
	return rc < 0 ? -1 : isess_wait(s, tag, what, dei, ei);
}

int
isess_drain(struct isess *s, struct errinfo *ei)
{
	size_t k;

	for (;;) {
		for (k = 0; k < s->nslots; k++)
			if (s->slots[k].done <= 0)
				break;
		if (k == s->nslots)
			break;
		if (isess_read(s, ei) < 0)
			return -1;
	}
	s->nslots = 0;
	return 0;
}

/* ---- bodies ------------------------------------------------------------------- */

/*
 * The UID a FETCH names before its literal ("5 FETCH (UID 7 BODY[] {N}"),
 * or 0.  A hostile text can mislead it; on_fetch() checks the whole
 * response afterwards.
 */
static uint32_t
uid_before(const char *t, size_t len)
{
	size_t i;

	for (i = 0; i + 5 < len; i++) {
		unsigned long long v = 0;
		size_t k;

		if ((t[i] != '(' && t[i] != ' ') ||
		    strncasecmp(t + i + 1, "UID ", 4) != 0)
			continue;
		for (k = i + 5; k < len && t[k] >= '0' && t[k] <= '9' &&
		    v < 1ULL << 32; k++)
			v = v * 10 + (unsigned)(t[k] - '0');
		if (k > i + 5 && v > 0 && v < 1ULL << 32 &&
		    (k == len || t[k] == ' ' || t[k] == ')'))
			return (uint32_t)v;
	}
	return 0;
}

/* Does the text before the literal end with the section wanted? */
static int
is_section(const char *section, const struct imap_resp *r)
{
	const char *t = r->text.data, *e = t + r->text.len;
	size_t sl = strlen(section);

	/* "... BODY[] {N}": drop "{N}", the blank, an origin "<0>". */
	while (e > t && e[-1] != '{')
		e--;
	if (e == t)
		return 0;
	e--;
	if (e > t && e[-1] == ' ')
		e--;
	if (e - t >= 3 && memcmp(e - 3, "<0>", 3) == 0)
		e -= 3;
	return (size_t)(e - t) >= sl && strncasecmp(e - sl, section, sl) == 0;
}

/*
 * The kind of the command that asked for uid's body and has not had it
 * yet (SLOT_BODY, SLOT_HEADER), or SLOT_OTHER when none did.
 */
static enum slot_kind
outstanding(const struct isess *s, uint32_t uid)
{
	size_t k;

	for (k = 0; k < s->nslots; k++)
		if (s->slots[k].uid == uid && (s->slots[k].kind == SLOT_BODY ||
		    s->slots[k].kind == SLOT_HEADER) && !s->slots[k].body &&
		    s->slots[k].done <= 0)
			return s->slots[k].kind;
	return SLOT_OTHER;
}

/*
 * A literal starts: a body asked for is streamed, into the delivery when
 * it is the one the engine reads now, else into the spool (whatever the
 * engine waits for meanwhile: another body, a deletion's answer).  Any
 * other literal is kept in the response's text (small ones only).
 */
static int
lit_begin(void *arg, const struct imap_resp *r, unsigned long long size,
    struct errinfo *ei)
{
	struct isess *s = arg;
	enum slot_kind kind;
	uint32_t uid;
	size_t k;
	char *sd;

	(void)size;
	uid = uid_before(r->text.data, r->text.len);
	if (uid == 0)
		uid = s->want_uid;	/* UID after the body: checked then */
	kind = uid != 0 ? outstanding(s, uid) : SLOT_OTHER;
	if (kind == SLOT_OTHER || !is_section(kind == SLOT_BODY ? "BODY[]" :
	    "BODY[HEADER]", r))
		return 0;
	crlf_init(&s->crlf);
	s->in_uid = uid;
	s->in_spool = 0;
	if (uid == s->want_uid && s->section != NULL &&
	    is_section(s->section, r))
		return 1;
	for (k = 0; k < s->nspooled; k++)
		if (s->spooled[k].uid == uid)
			break;
	if (k < s->nspooled) {
		char q[32];

		snprintf(q, sizeof(q), "%u", uid);
		return isess_protocol_error(s, ei, "a message's body came twice, "
		    "UID", q);
	}
	/* Another message asked: aside until the engine wants it. */
	if (s->spool_fd < 0) {
		sd = statedir();
		if (durable_mkdirs(sd, ei) < 0) {
			free(sd);
			return -1;
		}
		s->spool_fd = durable_tmpfile(sd, ei);
		free(sd);
		if (s->spool_fd < 0)
			return -1;
		s->spool_end = 0;
	}
	if (s->nspooled == s->aspooled) {
		s->aspooled = s->aspooled ? s->aspooled * 2 : 16;
		s->spooled = xreallocarray(s->spooled, s->aspooled,
		    sizeof(*s->spooled));
	}
	s->in_ent = s->nspooled++;
	s->spooled[s->in_ent].uid = uid;
	s->spooled[s->in_ent].off = s->spool_end;
	s->spooled[s->in_ent].len = 0;
	s->spooled[s->in_ent].whole = 0;
	s->in_spool = 1;
	return 1;
}

static int
put(struct isess *s, const char *p, size_t n, struct errinfo *ei)
{
	ssize_t w;

	if (!s->in_spool) {
		if (s->body != NULL && n > 0)
			s->body(s->bodyarg, p, n);
		return 0;
	}
	while (n > 0) {
		w = pwrite(s->spool_fd, p, n, (off_t)s->spool_end);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return err_set(ei, ST_IOERR, "cannot set a message aside "
			    "in the state directory: %s", strerror(w < 0 ?
			    errno : EIO));
		s->spool_end += (unsigned long long)w;
		s->spooled[s->in_ent].len += (unsigned long long)w;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
lit_data(void *arg, const char *p, size_t n, struct errinfo *ei)
{
	struct isess *s = arg;

	while (n > 0) {
		size_t k = n < CONN_RBUF_SIZE ? n : CONN_RBUF_SIZE;

		if (put(s, s->out, crlf_decode(&s->crlf, p, k, s->out), ei) < 0)
			return -1;
		p += k;
		n -= k;
	}
	return 0;
}

static int
lit_end(void *arg, struct errinfo *ei)
{
	struct isess *s = arg;

	return put(s, s->out, crlf_finish(&s->crlf, s->out), ei);
}

void
isess_lit_init(struct isess *s)
{
	s->lit.begin = lit_begin;
	s->lit.data = lit_data;
	s->lit.end = lit_end;
	s->lit.arg = s;
	s->spool_fd = -1;
}

void
isess_spool_drop(struct isess *s)
{
	if (s->spool_fd >= 0)
		close(s->spool_fd);
	s->spool_fd = -1;
	s->spool_end = 0;
	s->nspooled = 0;
}

int
isess_spooled(const struct isess *s, uint32_t uid)
{
	size_t k;

	for (k = 0; k < s->nspooled; k++)
		if (s->spooled[k].uid == uid && s->spooled[k].whole)
			return 1;
	return 0;
}

int
isess_spool_replay(struct isess *s, uint32_t uid, struct errinfo *ei)
{
	struct spooled e;
	unsigned long long done = 0;
	size_t k;
	ssize_t n;

	for (k = 0; k < s->nspooled; k++)
		if (s->spooled[k].uid == uid && s->spooled[k].whole)
			break;
	if (k == s->nspooled)
		return err_set(ei, ST_SOFTWARE, "IMAP: UID %u not set aside",
		    uid);
	e = s->spooled[k];
	while (done < e.len) {
		size_t want = e.len - done < CONN_RBUF_SIZE ?
		    (size_t)(e.len - done) : CONN_RBUF_SIZE;

		n = pread(s->spool_fd, s->out, want, (off_t)(e.off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_set(ei, ST_IOERR, "cannot read a message set "
			    "aside: %s", n < 0 ? strerror(errno) :
			    "file too short");
		if (s->body != NULL)
			s->body(s->bodyarg, s->out, (size_t)n);
		done += (unsigned long long)n;
	}
	s->spooled[k] = s->spooled[--s->nspooled];
	/* All replayed: the file starts again from nothing. */
	if (s->nspooled == 0 && ftruncate(s->spool_fd, 0) == 0)
		s->spool_end = 0;
	return 0;
}

int
isess_wire_name(struct isess *s, const char *name, struct buf *out,
    struct errinfo *ei)
{
	struct buf enc;
	int rc;

	buf_reset(out);
	if (s->utf8)
		return imap_astring(name, strlen(name), 1, out, ei);
	buf_init(&enc, IMAP_NAME_MAX * 4);
	rc = mutf7_encode(name, strlen(name), &enc, ei);
	if (rc == 0)
		rc = imap_astring(enc.data, enc.len, 0, out, ei);
	buf_free(&enc);
	if (rc < 0)
		err_prefix(ei, "folder '%s': ", name);
	return rc;
}
