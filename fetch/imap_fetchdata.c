/* imap_fetchdata: the items of a FETCH response, and a Message-ID. */
#include "autoconf.h"

#include <string.h>
#include <strings.h>

#include "imap_data.h"
#include "imap_data_int.h"
#include "imap_lex.h"

/*
 * An item's name: an atom, then for BODY[...] style names the section up
 * to its ']' (spaces and parentheses inside), then an origin "<n>".
 */
static int
item_name(struct imap_lex *l, const char **name_r, size_t *namelen_r,
    const char **sec_r, size_t *seclen_r, int *has_origin_r,
    uint32_t *origin_r)
{
	const char *w;
	size_t wl;

	*sec_r = NULL;
	*seclen_r = 0;
	*has_origin_r = 0;
	if (imap_lex_word(l, 0, &w, &wl) < 0)
		return -1;
	*name_r = w;
	*namelen_r = wl;
	if (imap_lex_ch(l, '[') < 0)
		return 0;
	*sec_r = l->p + l->pos;
	while (!imap_lex_eof(l) && l->p[l->pos] != ']') {
		unsigned char c = (unsigned char)l->p[l->pos];

		/* Field names are atoms here (no quoted strings, no [). */
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '[' ||
		    c == '{')
			return -1;
		l->pos++;
	}
	if (imap_lex_ch(l, ']') < 0)
		return -1;
	*seclen_r = (size_t)(l->p + l->pos - 1 - *sec_r);
	if (imap_lex_ch(l, '<') == 0) {
		if (imap_lex_u32(l, origin_r) < 0 || imap_lex_ch(l, '>') < 0)
			return -1;
		*has_origin_r = 1;
	}
	return 0;
}

/* A BODY[...] item's value into a new section. */
static int
section(struct imap_lex *l, struct imap_fetch *f, const char *name,
    size_t namelen, const char *sec, size_t seclen, int has_origin,
    uint32_t origin, const char **why)
{
	struct imap_section *s;
	enum imap_lex_str how;
	const char *data;
	size_t n;
	unsigned long long size = 0;

	if (f->nsections >= IMAP_FETCH_SECTIONS_MAX) {
		*why = "too many sections in an IMAP FETCH response";
		return -1;
	}
	if (seclen >= IMAP_SECTION_MAX) {
		*why = "IMAP FETCH section too long";
		return -1;
	}
	if (imap_lex_string(l, 1, &how, &data, &n, &size) < 0)
		return -1;
	s = &f->sec[f->nsections++];
	memcpy(s->spec, sec, seclen);
	s->spec[seclen] = '\0';
	s->peek = imap_lex_is(name, namelen, "BODY.PEEK");
	s->has_origin = has_origin;
	s->origin = origin;
	s->data = data;
	s->len = n;
	s->size = size;
	switch (how) {
	case IMAP_STR_NIL:
		s->how = IMAP_BODY_NIL;
		break;
	case IMAP_STR_QUOTED:
		s->how = IMAP_BODY_QUOTED;
		s->size = n;
		break;
	case IMAP_STR_LITERAL:
		s->how = IMAP_BODY_DATA;
		break;
	case IMAP_STR_STREAMED:
		s->how = IMAP_BODY_STREAMED;
		break;
	}
	return 0;
}

/* Set a number item once: the same value again is fine, another is not. */
static int
once(struct imap_fetch *f, unsigned bit, uint64_t *dst, uint64_t v)
{
	if ((f->have & bit) && *dst != v)
		return -1;
	f->have |= bit;
	*dst = v;
	return 0;
}

static int
item(struct imap_lex *l, struct imap_fetch *f, const char **why)
{
	const char *name, *sec, *s;
	size_t namelen, seclen, n;
	int has_origin;
	uint32_t origin, u32;
	uint64_t v, cur;
	enum imap_lex_str how;
	time_t t;
	unsigned flags;

	if (item_name(l, &name, &namelen, &sec, &seclen, &has_origin,
	    &origin) < 0 || imap_lex_sp(l) < 0)
		return -1;
	if (sec != NULL) {
		if (!imap_lex_is(name, namelen, "BODY") &&
		    !imap_lex_is(name, namelen, "BODY.PEEK"))
			return imap_lex_skip(l);	/* BINARY[]... */
		return section(l, f, name, namelen, sec, seclen, has_origin,
		    origin, why);
	}
	if (has_origin)
		return -1;
	if (imap_lex_is(name, namelen, "UID")) {
		cur = f->uid;
		if (imap_lex_u32(l, &u32) < 0 || u32 == 0 ||
		    once(f, IMAP_FETCH_UID, &cur, u32) < 0)
			return -1;
		f->uid = u32;
	} else if (imap_lex_is(name, namelen, "RFC822.SIZE")) {
		if (imap_lex_u64(l, &v) < 0 ||
		    once(f, IMAP_FETCH_SIZE, &f->size, v) < 0)
			return -1;
	} else if (imap_lex_is(name, namelen, "MODSEQ")) {
		if (imap_lex_ch(l, '(') < 0 || imap_lex_u64(l, &v) < 0 ||
		    imap_lex_ch(l, ')') < 0 ||
		    once(f, IMAP_FETCH_MODSEQ, &f->modseq, v) < 0)
			return -1;
	} else if (imap_lex_is(name, namelen, "INTERNALDATE")) {
		if (imap_lex_string(l, 0, &how, &s, &n, NULL) < 0 ||
		    how != IMAP_STR_QUOTED ||
		    imap_data_date(s, n, &t, NULL) < 0)
			return -1;
		cur = (uint64_t)f->date;
		if (once(f, IMAP_FETCH_DATE, &cur, (uint64_t)t) < 0)
			return -1;
		f->date = t;
	} else if (imap_lex_is(name, namelen, "FLAGS")) {
		/* Flags may change between two FETCH items: the last wins. */
		if (imap_data_flags(l, &flags) < 0)
			return -1;
		f->have |= IMAP_FETCH_FLAGS;
		f->flags = flags & ~(unsigned)IMAP_FLAG_NEW_OK;
	} else {
		return imap_lex_skip(l);
	}
	return 0;
}

int
imap_data_fetch(const char *text, size_t len, struct imap_fetch *f,
    struct errinfo *ei)
{
	const char *w, *why = "malformed IMAP FETCH response";
	struct imap_lex l;
	size_t wl;

	memset(f, 0, sizeof(*f));
	imap_lex_init(&l, text, len);
	if (imap_lex_u32(&l, &f->seq) < 0 || f->seq == 0 ||
	    imap_lex_sp(&l) < 0 || imap_lex_word(&l, 0, &w, &wl) < 0 ||
	    !imap_lex_is(w, wl, "FETCH") || imap_lex_sp(&l) < 0 ||
	    imap_lex_ch(&l, '(') < 0)
		goto bad;
	if (imap_lex_ch(&l, ')') < 0) {
		for (;;) {
			if (item(&l, f, &why) < 0)
				goto bad;
			if (imap_lex_ch(&l, ')') == 0)
				break;
			if (imap_lex_sp(&l) < 0)
				goto bad;
		}
	}
	if (!imap_lex_eof(&l))
		goto bad;
	return 0;
bad:
	memset(f, 0, sizeof(*f));
	return imap_data_bad(ei, why, text, len);
}

/* The end of the line at p (its LF, or end), and where the next starts. */
static size_t
line_end(const char *p, size_t len, size_t at, size_t *next_r)
{
	const char *lf = memchr(p + at, '\n', len - at);
	size_t e = lf != NULL ? (size_t)(lf - p) : len;

	*next_r = lf != NULL ? e + 1 : len;
	if (e > at && p[e - 1] == '\r')
		e--;
	return e;
}

size_t
imap_data_msgid(const char *hdr, size_t len, char *out, size_t outsz)
{
	static const char name[] = "Message-ID:";
	size_t at = 0, next, e, o = 0, i;
	int found = 0, space = 0;

	if (outsz == 0)
		return 0;
	out[0] = '\0';
	while (at < len) {
		e = line_end(hdr, len, at, &next);
		if (e == at)
			break;			/* the end of the header */
		if (found && hdr[at] != ' ' && hdr[at] != '\t')
			break;			/* the field's last line done */
		i = at;
		if (!found) {
			if (e - at < sizeof(name) - 1 || strncasecmp(hdr + at,
			    name, sizeof(name) - 1) != 0) {
				at = next;
				continue;
			}
			found = 1;
			i += sizeof(name) - 1;
		}
		/* Folding: a continuation line starts with a space. */
		for (; i < e; i++) {
			unsigned char c = (unsigned char)hdr[i];

			if (c == ' ' || c == '\t') {
				space = o > 0;
				continue;
			}
			if (c < 0x20 || c == 0x7f)
				goto none;
			if (o + space + 1 > IMAP_MSGID_MAX ||
			    o + space + 1 >= outsz)
				goto none;
			if (space)
				out[o++] = ' ';
			space = 0;
			out[o++] = (char)c;
		}
		at = next;
	}
	out[o] = '\0';
	return o;
none:
	out[0] = '\0';
	return 0;
}
