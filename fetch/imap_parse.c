/* imap_parse: a pure, resumable parser for IMAP responses. */
#include "autoconf.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "imap_parse.h"

void
imap_resp_init(struct imap_resp *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->text, IMAP_RESP_MAX);
}

void
imap_resp_clear(struct imap_resp *r)
{
	r->kind = IMAP_UNTAGGED;
	r->cond = IMAP_NONE;
	r->tag[0] = '\0';
	r->nliterals = 0;
	r->done = 0;
	r->in_literal = 0;
	r->streaming = 0;
	r->lit_left = 0;
	r->seg_start = 0;
	buf_reset(&r->text);
}

void
imap_resp_free(struct imap_resp *r)
{
	buf_free(&r->text);
}

static int
bad(struct imap_resp *r, const char *why, struct errinfo *ei)
{
	char q[120];

	err_quote(q, sizeof(q), r->text.data, r->text.len);
	return err_set(ei, ST_PROTOCOL, "%s: '%s'", why, q);
}

/* RFC 3501 tag: ASTRING-CHAR except '+'. */
static int
tag_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '{' &&
	    c != '%' && c != '*' && c != '"' && c != '\\' && c != '+';
}

static enum imap_cond
cond_word(const char *p, size_t len, size_t *wl_r)
{
	static const struct {
		const char *w;
		enum imap_cond c;
	} words[] = {
		{ "OK", IMAP_OK }, { "NO", IMAP_NO }, { "BAD", IMAP_BAD },
		{ "BYE", IMAP_BYE }, { "PREAUTH", IMAP_PREAUTH },
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t wl = strlen(words[i].w);

		if (len >= wl && strncasecmp(p, words[i].w, wl) == 0 &&
		    (len == wl || p[wl] == ' ')) {
			*wl_r = wl;
			return words[i].c;
		}
	}
	return IMAP_NONE;
}

/* The first line is in text: classify it and drop the tag prefix. */
static int
take_start(struct imap_resp *r, struct errinfo *ei)
{
	const char *l = r->text.data;
	size_t len = r->text.len, skip, wl = 0;

	if (len == 0)
		return bad(r, "empty IMAP response line", ei);
	if (l[0] == '+' && (len == 1 || l[1] == ' ')) {
		r->kind = IMAP_CONTINUE;
		skip = len == 1 ? 1 : 2;
	} else if (l[0] == '*' && len > 2 && l[1] == ' ') {
		r->kind = IMAP_UNTAGGED;
		skip = 2;
		r->cond = cond_word(l + 2, len - 2, &wl);
	} else {
		size_t t = 0;

		while (t < len && tag_char((unsigned char)l[t]))
			t++;
		if (t == 0 || t >= len || l[t] != ' ')
			return bad(r, "malformed IMAP response", ei);
		if (t >= IMAP_TAG_MAX)
			return bad(r, "IMAP response tag too long", ei);
		r->kind = IMAP_TAGGED;
		memcpy(r->tag, l, t);
		r->tag[t] = '\0';
		skip = t + 1;
		r->cond = cond_word(l + skip, len - skip, &wl);
		if (r->cond != IMAP_OK && r->cond != IMAP_NO &&
		    r->cond != IMAP_BAD)
			return bad(r, "tagged IMAP response without OK, NO or "
			    "BAD", ei);
	}
	buf_consume(&r->text, skip);
	return 0;
}

/*
 * Does the line text[from..len) end with a literal marker "{N}" (or
 * "{N+}")?  Returns 1 and the size, 0 if not, -1 if malformed.
 */
static int
literal_marker(const struct imap_resp *r, size_t from,
    unsigned long long *size_r)
{
	const char *l = r->text.data + from;
	size_t len = r->text.len - from, i, digits = 0;
	unsigned long long v = 0;

	if (len < 3 || l[len - 1] != '}')
		return 0;
	i = len - 1;
	if (l[i - 1] == '+')
		i--;
	while (i > 0 && isdigit((unsigned char)l[i - 1])) {
		i--;
		digits++;
	}
	if (i == 0 || l[i - 1] != '{')
		return 0;
	if (digits == 0 || digits > 12)
		return -1;
	for (; isdigit((unsigned char)l[i]); i++)
		v = v * 10 + (unsigned long long)(l[i] - '0');
	*size_r = v;
	return 1;
}

/* A line (up to its CRLF) is complete at the end of text. */
static int
take_line(struct imap_resp *r, struct errinfo *ei)
{
	unsigned long long size;
	int m, rc;

	if (r->seg_start == 0 && r->nliterals == 0 && take_start(r, ei) < 0)
		return -1;
	/* Status responses and continuations carry plain text only. */
	if (r->kind != IMAP_UNTAGGED || r->cond != IMAP_NONE) {
		r->done = 1;
		return 0;
	}
	m = literal_marker(r, r->seg_start, &size);
	if (m < 0 || (m > 0 && size > IMAP_LITERAL_MAX))
		return bad(r, "invalid IMAP literal size", ei);
	if (m == 0) {
		r->done = 1;
		return 0;
	}
	r->nliterals++;
	r->lit_left = size;
	r->in_literal = 1;
	rc = r->lit != NULL && r->lit->begin != NULL ?
	    r->lit->begin(r->lit->arg, r, size, ei) : 0;
	if (rc < 0)
		return -1;
	r->streaming = rc > 0;
	if (!r->streaming) {
		if (size > IMAP_LITERAL_KEEP_MAX)
			return bad(r, "IMAP literal too large to keep", ei);
		if (buf_add(&r->text, "\r\n", 2) < 0)
			return bad(r, "IMAP response too long", ei);
	}
	return 0;
}

static int
end_literal(struct imap_resp *r, struct errinfo *ei)
{
	r->in_literal = 0;
	r->seg_start = r->text.len;
	if (r->streaming && r->lit->end != NULL && r->lit->end(r->lit->arg,
	    ei) < 0)
		return -1;
	r->streaming = 0;
	return 0;
}

ssize_t
imap_resp_feed(void *parser, const char *p, size_t n, int *done_r,
    struct errinfo *ei)
{
	struct imap_resp *r = parser;
	size_t used = 0;

	*done_r = 0;
	if (r->done)
		imap_resp_clear(r);
	while (used < n) {
		if (r->in_literal) {
			size_t k = n - used;

			if (k > r->lit_left)
				k = (size_t)r->lit_left;
			if (r->streaming) {
				if (k > 0 && r->lit->data(r->lit->arg, p + used, k,
				    ei) < 0)
					return -1;
			} else if (buf_add(&r->text, p + used, k) < 0) {
				return bad(r, "IMAP response too long", ei);
			}
			used += k;
			r->lit_left -= k;
			if (r->lit_left == 0 && end_literal(r, ei) < 0)
				return -1;
			continue;
		} else {
			int eol;
			ssize_t k = buf_feed_line(&r->text, p + used, n - used,
			    &eol);

			if (k < 0)
				return bad(r, "IMAP response too long", ei);
			used += (size_t)k;
			if (!eol)
				continue;
			if (take_line(r, ei) < 0)
				return -1;
			if (r->done) {
				*done_r = 1;
				break;
			}
		}
	}
	/* A literal of size 0 ends at once. */
	if (!r->done && r->in_literal && r->lit_left == 0 &&
	    end_literal(r, ei) < 0)
		return -1;
	return (ssize_t)used;
}

const char *
imap_resp_code(const struct imap_resp *r, size_t *len_r)
{
	const char *t = r->text.data, *close;
	size_t wl = 0;

	if (r->cond == IMAP_NONE)
		return NULL;
	cond_word(t, r->text.len, &wl);
	t += wl;
	if (*t == ' ')
		t++;
	if (*t != '[')
		return NULL;
	close = strchr(t, ']');
	if (close == NULL)
		return NULL;
	*len_r = (size_t)(close - t - 1);
	return t + 1;
}

const char *
imap_resp_human(const struct imap_resp *r)
{
	const char *t = r->text.data;
	size_t wl = 0, cl;
	const char *code;

	if (r->kind == IMAP_CONTINUE || r->cond == IMAP_NONE)
		return t;
	code = imap_resp_code(r, &cl);
	if (code != NULL)
		t = code + cl + 1;
	else {
		cond_word(t, r->text.len, &wl);
		t += wl;
	}
	while (*t == ' ')
		t++;
	return t;
}
