/* imap_uids: sequence sets, SEARCH, ESEARCH and VANISHED into UID lists. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "imap_data.h"
#include "imap_data_int.h"
#include "imap_lex.h"
#include "xalloc.h"

void
imap_uids_init(struct imap_uids *u, size_t max)
{
	memset(u, 0, sizeof(*u));
	u->max = max == 0 ? IMAP_DATA_UIDS_MAX : max;
}

void
imap_uids_free(struct imap_uids *u)
{
	free(u->v);
	imap_uids_init(u, u->max);
}

void
imap_uids_reset(struct imap_uids *u)
{
	u->n = 0;
}

/* Room for more UIDs, within max (checked by the callers). */
static void
grow(struct imap_uids *u, size_t more)
{
	size_t want = u->n + more, a;

	if (want <= u->alloc)
		return;
	a = u->alloc < 64 ? 64 : u->alloc;
	while (a < want)
		a = a > u->max / 2 ? u->max : a * 2;
	u->v = xreallocarray(u->v, a, sizeof(*u->v));
	u->alloc = a;
}

int
imap_uids_add(struct imap_uids *u, uint32_t uid, struct errinfo *ei)
{
	if (u->n >= u->max)
		return err_set(ei, ST_PROTOCOL, "more than %zu UIDs in one "
		    "IMAP result", u->max);
	grow(u, 1);
	u->v[u->n++] = uid;
	return 0;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

void
imap_uids_sort(struct imap_uids *u)
{
	size_t i, o = 0;

	if (u->n == 0)
		return;
	qsort(u->v, u->n, sizeof(*u->v), cmp_u32);
	for (i = 1; i < u->n; i++)
		if (u->v[i] != u->v[o])
			u->v[++o] = u->v[i];
	u->n = o + 1;
}

/* A set at the cursor (up to a byte that is not a digit, ':' or ','). */
static int
seqset(struct imap_lex *l, struct imap_uids *u, const char **why)
{
	for (;;) {
		uint32_t lo, hi, x;

		if (imap_lex_u32(l, &lo) < 0 || lo == 0)
			return -1;
		hi = lo;
		if (imap_lex_ch(l, ':') == 0 &&
		    (imap_lex_u32(l, &hi) < 0 || hi == 0))
			return -1;
		if (lo > hi) {
			x = lo;
			lo = hi;
			hi = x;
		}
		if (u != NULL) {
			if ((uint64_t)hi - lo + 1 > u->max - u->n) {
				*why = "IMAP sequence set too large";
				return -1;
			}
			grow(u, (size_t)(hi - lo) + 1);
			for (x = lo;; x++) {
				u->v[u->n++] = x;
				if (x == hi)
					break;
			}
		}
		if (imap_lex_ch(l, ',') < 0)
			return 0;
	}
}

int
imap_data_seqset(const char *s, size_t len, struct imap_uids *u,
    struct errinfo *ei)
{
	const char *why = "malformed IMAP sequence set";
	struct imap_lex l;
	size_t n0 = u->n;

	imap_lex_init(&l, s, len);
	if (seqset(&l, u, &why) < 0 || !imap_lex_eof(&l)) {
		u->n = n0;
		return imap_data_bad(ei, why, s, len);
	}
	return 0;
}

/* "(MODSEQ n)" */
static int
modseq_item(struct imap_lex *l, uint64_t *m_r)
{
	const char *w;
	size_t wl;

	if (imap_lex_ch(l, '(') < 0 || imap_lex_word(l, 0, &w, &wl) < 0 ||
	    !imap_lex_is(w, wl, "MODSEQ") || imap_lex_sp(l) < 0 ||
	    imap_lex_u64(l, m_r) < 0 || imap_lex_ch(l, ')') < 0)
		return -1;
	return 0;
}

int
imap_data_search(const char *text, size_t len, struct imap_uids *u,
    uint64_t *modseq_r, struct errinfo *ei)
{
	const char *w, *why = "malformed IMAP SEARCH response";
	struct imap_lex l;
	size_t wl, n0 = u->n;
	uint64_t m = 0;

	imap_lex_init(&l, text, len);
	if (imap_lex_word(&l, 0, &w, &wl) < 0 || !imap_lex_is(w, wl, "SEARCH"))
		goto bad;
	/* Some servers end "SEARCH 1 2 " with a space: tolerated. */
	while (imap_lex_sp(&l) == 0 && !imap_lex_eof(&l)) {
		uint32_t x;

		if (imap_lex_peek(&l) == '(') {
			if (modseq_item(&l, &m) < 0 || !imap_lex_eof(&l))
				goto bad;
			break;
		}
		if (imap_lex_u32(&l, &x) < 0 || x == 0)
			goto bad;
		if (imap_uids_add(u, x, NULL) < 0) {
			why = "IMAP SEARCH result too large";
			goto bad;
		}
	}
	if (!imap_lex_eof(&l))
		goto bad;
	if (modseq_r != NULL)
		*modseq_r = m;
	return 0;
bad:
	u->n = n0;
	return imap_data_bad(ei, why, text, len);
}

/* (TAG "A1") */
static int
esearch_tag(struct imap_lex *l, struct imap_esearch *e)
{
	enum imap_lex_str how;
	const char *w, *s;
	size_t wl, n;

	if (imap_lex_ch(l, '(') < 0 || imap_lex_word(l, 0, &w, &wl) < 0 ||
	    !imap_lex_is(w, wl, "TAG") || imap_lex_sp(l) < 0 ||
	    imap_lex_string(l, 0, &how, &s, &n, NULL) < 0 ||
	    how == IMAP_STR_STREAMED || n >= sizeof(e->tag) ||
	    memchr(s, '\0', n) != NULL || imap_lex_ch(l, ')') < 0)
		return -1;
	memcpy(e->tag, s, n);
	e->tag[n] = '\0';
	return 0;
}

int
imap_data_esearch(const char *text, size_t len, struct imap_esearch *e,
    struct imap_uids *u, struct errinfo *ei)
{
	const char *w, *why = "malformed IMAP ESEARCH response";
	struct imap_lex l;
	size_t wl, n0 = u != NULL ? u->n : 0;

	memset(e, 0, sizeof(*e));
	imap_lex_init(&l, text, len);
	if (imap_lex_word(&l, 0, &w, &wl) < 0 ||
	    !imap_lex_is(w, wl, "ESEARCH"))
		goto bad;
	while (imap_lex_sp(&l) == 0) {
		unsigned bit = 0;

		/* The correlator comes first, if at all. */
		if (imap_lex_peek(&l) == '(') {
			if (e->tag[0] != '\0' || e->uid || e->have != 0 ||
			    esearch_tag(&l, e) < 0)
				goto bad;
			continue;
		}
		if (imap_lex_word(&l, 0, &w, &wl) < 0)
			goto bad;
		if (imap_lex_is(w, wl, "UID")) {
			e->uid = 1;
			continue;
		}
		if (imap_lex_sp(&l) < 0)
			goto bad;
		if (imap_lex_is(w, wl, "MIN"))
			bit = IMAP_ESEARCH_MIN;
		else if (imap_lex_is(w, wl, "MAX"))
			bit = IMAP_ESEARCH_MAX;
		else if (imap_lex_is(w, wl, "COUNT"))
			bit = IMAP_ESEARCH_COUNT;
		else if (imap_lex_is(w, wl, "ALL"))
			bit = IMAP_ESEARCH_ALL;
		else if (imap_lex_is(w, wl, "MODSEQ"))
			bit = IMAP_ESEARCH_MODSEQ;
		if (e->have & bit)
			goto bad;
		e->have |= bit;
		switch (bit) {
		case IMAP_ESEARCH_MIN:
			if (imap_lex_u32(&l, &e->min) < 0 || e->min == 0)
				goto bad;
			break;
		case IMAP_ESEARCH_MAX:
			if (imap_lex_u32(&l, &e->max) < 0 || e->max == 0)
				goto bad;
			break;
		case IMAP_ESEARCH_COUNT:
			if (imap_lex_u32(&l, &e->count) < 0)
				goto bad;
			break;
		case IMAP_ESEARCH_MODSEQ:
			if (imap_lex_u64(&l, &e->modseq) < 0)
				goto bad;
			break;
		case IMAP_ESEARCH_ALL:
			if (seqset(&l, u, &why) < 0)
				goto bad;
			break;
		default:
			if (imap_lex_skip(&l) < 0)
				goto bad;
		}
	}
	if (!imap_lex_eof(&l))
		goto bad;
	return 0;
bad:
	if (u != NULL)
		u->n = n0;
	return imap_data_bad(ei, why, text, len);
}

int
imap_data_vanished(const char *text, size_t len, int *earlier_r,
    struct imap_uids *u, struct errinfo *ei)
{
	const char *w, *why = "malformed IMAP VANISHED response";
	struct imap_lex l;
	size_t wl, n0 = u->n;

	*earlier_r = 0;
	imap_lex_init(&l, text, len);
	if (imap_lex_word(&l, 0, &w, &wl) < 0 ||
	    !imap_lex_is(w, wl, "VANISHED") || imap_lex_sp(&l) < 0)
		goto bad;
	if (imap_lex_peek(&l) == '(') {
		l.pos++;
		if (imap_lex_word(&l, 0, &w, &wl) < 0 ||
		    !imap_lex_is(w, wl, "EARLIER") ||
		    imap_lex_ch(&l, ')') < 0 || imap_lex_sp(&l) < 0)
			goto bad;
		*earlier_r = 1;
	}
	if (seqset(&l, u, &why) < 0 || !imap_lex_eof(&l))
		goto bad;
	return 0;
bad:
	u->n = n0;
	*earlier_r = 0;
	return imap_data_bad(ei, why, text, len);
}
