/* imap_lex: bounded readers for the tokens of IMAP data. */
#include "autoconf.h"

#include <string.h>
#include <strings.h>

#include "imap_lex.h"

/* Digits of a literal size (imap_parse.c allows no more either). */
#define LIT_DIGITS_MAX	12

void
imap_lex_init(struct imap_lex *l, const char *p, size_t len)
{
	l->p = p;
	l->len = len;
	l->pos = 0;
}

int
imap_lex_eof(const struct imap_lex *l)
{
	return l->pos >= l->len;
}

int
imap_lex_peek(const struct imap_lex *l)
{
	return l->pos < l->len ? (unsigned char)l->p[l->pos] : -1;
}

int
imap_lex_ch(struct imap_lex *l, char c)
{
	if (l->pos >= l->len || l->p[l->pos] != c)
		return -1;
	l->pos++;
	return 0;
}

int
imap_lex_sp(struct imap_lex *l)
{
	return imap_lex_ch(l, ' ');
}

static int
word_char(unsigned char c, int brackets)
{
	if (c <= 0x20 || c >= 0x7f)
		return 0;
	if (c == '(' || c == ')' || c == '{' || c == '"')
		return 0;
	return brackets || (c != '[' && c != ']');
}

int
imap_lex_word(struct imap_lex *l, int brackets, const char **s_r,
    size_t *n_r)
{
	size_t start = l->pos;

	while (l->pos < l->len &&
	    word_char((unsigned char)l->p[l->pos], brackets))
		l->pos++;
	if (l->pos == start)
		return -1;
	*s_r = l->p + start;
	*n_r = l->pos - start;
	return 0;
}

int
imap_lex_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

int
imap_lex_u64(struct imap_lex *l, uint64_t *v_r)
{
	size_t start = l->pos;
	uint64_t v = 0;

	while (l->pos < l->len && l->p[l->pos] >= '0' && l->p[l->pos] <= '9') {
		unsigned d = (unsigned)(l->p[l->pos] - '0');

		if (v > (UINT64_MAX - d) / 10) {
			l->pos = start;
			return -1;
		}
		v = v * 10 + d;
		l->pos++;
	}
	if (l->pos == start)
		return -1;
	*v_r = v;
	return 0;
}

int
imap_lex_u32(struct imap_lex *l, uint32_t *v_r)
{
	size_t start = l->pos;
	uint64_t v;

	if (imap_lex_u64(l, &v) < 0)
		return -1;
	if (v > UINT32_MAX) {
		l->pos = start;
		return -1;
	}
	*v_r = (uint32_t)v;
	return 0;
}

/* "{N}" or "{N+}" and, when kept, "\r\n" and the N bytes. */
static int
literal(struct imap_lex *l, enum imap_lex_str *how_r, const char **s_r,
    size_t *n_r, unsigned long long *size_r)
{
	size_t start = l->pos, digits;
	uint64_t n;

	if (imap_lex_ch(l, '{') < 0)
		return -1;
	digits = l->pos;
	if (imap_lex_u64(l, &n) < 0 || l->pos - digits > LIT_DIGITS_MAX)
		goto bad;
	(void)imap_lex_ch(l, '+');
	if (imap_lex_ch(l, '}') < 0)
		goto bad;
	if (size_r != NULL)
		*size_r = n;
	if (l->len - l->pos >= 2 && l->p[l->pos] == '\r' &&
	    l->p[l->pos + 1] == '\n') {
		if (n > l->len - l->pos - 2)
			goto bad;
		*how_r = IMAP_STR_LITERAL;
		*s_r = l->p + l->pos + 2;
		*n_r = (size_t)n;
		l->pos += 2 + (size_t)n;
		return 0;
	}
	*how_r = IMAP_STR_STREAMED;
	*s_r = NULL;
	*n_r = 0;
	return 0;
bad:
	l->pos = start;
	return -1;
}

/* A quoted string: any TEXT-CHAR but " and \, which come escaped. */
static int
quoted(struct imap_lex *l, const char **s_r, size_t *n_r)
{
	size_t start = l->pos, i;

	if (imap_lex_ch(l, '"') < 0)
		return -1;
	for (i = l->pos; i < l->len; i++) {
		unsigned char c = (unsigned char)l->p[i];

		if (c == '"') {
			*s_r = l->p + l->pos;
			*n_r = i - l->pos;
			l->pos = i + 1;
			return 0;
		}
		if (c == '\r' || c == '\n' || c == '\0')
			break;
		if (c == '\\') {
			if (i + 1 >= l->len ||
			    (l->p[i + 1] != '"' && l->p[i + 1] != '\\'))
				break;
			i++;
		}
	}
	l->pos = start;
	return -1;
}

int
imap_lex_string(struct imap_lex *l, int nil_ok, enum imap_lex_str *how_r,
    const char **s_r, size_t *n_r, unsigned long long *size_r)
{
	int c = imap_lex_peek(l);
	size_t start = l->pos;
	const char *w;
	size_t wl;

	if (c == '"') {
		*how_r = IMAP_STR_QUOTED;
		return quoted(l, s_r, n_r);
	}
	if (c == '{')
		return literal(l, how_r, s_r, n_r, size_r);
	if (nil_ok && imap_lex_word(l, 0, &w, &wl) == 0 &&
	    imap_lex_is(w, wl, "NIL")) {
		*how_r = IMAP_STR_NIL;
		*s_r = NULL;
		*n_r = 0;
		return 0;
	}
	l->pos = start;
	return -1;
}

static int
skip(struct imap_lex *l, unsigned depth)
{
	enum imap_lex_str how;
	const char *s;
	size_t n;
	int c = imap_lex_peek(l);

	if (c == '"' || c == '{')
		return imap_lex_string(l, 0, &how, &s, &n, NULL);
	if (c != '(')
		return imap_lex_word(l, 1, &s, &n);
	if (depth >= IMAP_LEX_DEPTH_MAX)
		return -1;
	l->pos++;
	if (imap_lex_ch(l, ')') == 0)
		return 0;
	for (;;) {
		if (skip(l, depth + 1) < 0)
			return -1;
		if (imap_lex_ch(l, ')') == 0)
			return 0;
		/* body-type-mpart: "(...)(...)", lists with no space. */
		if (imap_lex_peek(l) != '(' && imap_lex_sp(l) < 0)
			return -1;
	}
}

int
imap_lex_skip(struct imap_lex *l)
{
	size_t start = l->pos;

	if (skip(l, 0) < 0) {
		l->pos = start;
		return -1;
	}
	return 0;
}
