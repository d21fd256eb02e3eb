/* addr: addr-specs out of RFC 5322 address lists. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "buf.h"
#include "xalloc.h"

/* A display name plus an address, at most, in one item. */
#define ADDR_ITEM_MAX	(64 * 1024)

void
addr_list_init(struct addr_list *l)
{
	memset(l, 0, sizeof(*l));
}

void
addr_list_free(struct addr_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void
addr_list_add(struct addr_list *l, const char *a)
{
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 8;
		l->v = xreallocarray(l->v, l->alloc, sizeof(*l->v));
	}
	l->v[l->n++] = xstrdup(a);
}

/* The parser's state for one list. */
struct ap {
	const char *s;
	size_t i;
	struct buf plain;	/* the item's tokens outside <> */
	struct buf angle;	/* inside <> */
	int in_angle, has_angle, in_group;
	struct addr_list *l;
	struct errinfo *ei;
};

static int
bad(struct ap *p, const char *what)
{
	return err_set(p->ei, ST_DATA, "malformed address list: %s in '%.200s'",
	    what, p->s);
}

/* Append the token s[from..to) to the item. */
static int
take(struct ap *p, size_t from, size_t to)
{
	struct buf *b = p->in_angle ? &p->angle : &p->plain;

	if (buf_add(b, p->s + from, to - from) < 0)
		return bad(p, "address too long");
	return 0;
}

void
addr_strip_route(const char **a, size_t *n)
{
	const char *colon;

	if (*n > 0 && (*a)[0] == '@' && (colon = memchr(*a, ':', *n)) != NULL) {
		*n -= (size_t)(colon + 1 - *a);
		*a = colon + 1;
	}
}

/* End of one item: keep its address, if it has one. */
static int
item_end(struct ap *p)
{
	const char *a = p->has_angle ? p->angle.data : p->plain.data;
	size_t n = p->has_angle ? p->angle.len : p->plain.len;
	char *copy;

	if (p->has_angle)
		addr_strip_route(&a, &n);
	if (n > ADDR_MAX)
		return bad(p, "address too long");
	if (n > 0) {
		if (p->l->n >= ADDR_COUNT_MAX)
			return bad(p, "too many addresses");
		copy = xstrndup(a, n);
		addr_list_add(p->l, copy);
		free(copy);
	}
	buf_reset(&p->plain);
	buf_reset(&p->angle);
	p->has_angle = 0;
	return 0;
}

/* Skip a comment starting at s[i] == '('; nested, with escapes. */
static int
comment(struct ap *p)
{
	int depth = 0;

	for (; p->s[p->i] != '\0'; p->i++) {
		char c = p->s[p->i];

		if (c == '\\' && p->s[p->i + 1] != '\0')
			p->i++;
		else if (c == '(')
			depth++;
		else if (c == ')' && --depth == 0) {
			p->i++;
			return 0;
		}
	}
	return bad(p, "unbalanced '('");
}

/* A quoted string or a domain literal, kept with its delimiters. */
static int
quoted(struct ap *p, char close)
{
	size_t from = p->i++;

	for (; p->s[p->i] != '\0'; p->i++) {
		if (p->s[p->i] == '\\' && p->s[p->i + 1] != '\0')
			p->i++;
		else if (p->s[p->i] == close) {
			p->i++;
			return take(p, from, p->i);
		}
	}
	return bad(p, close == '"' ? "unbalanced '\"'" : "unbalanced '['");
}

size_t
addr_encoded_word(const char *s)
{
	const char *q1, *end, *c;

	if (s[0] != '=' || s[1] != '?')
		return 0;
	q1 = strchr(s + 2, '?');
	if (q1 == NULL || q1 == s + 2 || q1[1] == '\0' || q1[2] != '?')
		return 0;
	end = strstr(q1 + 3, "?=");
	if (end == NULL)
		return 0;
	for (c = s + 2; c < end; c++)
		if (*c == ' ' || *c == '\t' || *c == '<' || *c == '>')
			return 0;
	return (size_t)(end + 2 - s);
}

int
addr_is_special(char c)
{
	return strchr("()<>[]:;@\\,.\"", c) != NULL || c == ' ' || c == '\t';
}

int
addr_parse_list(const char *s, struct addr_list *l, struct errinfo *ei)
{
	struct ap p;
	int rc = -1;

	memset(&p, 0, sizeof(p));
	p.s = s;
	p.l = l;
	p.ei = ei;
	buf_init(&p.plain, ADDR_ITEM_MAX);
	buf_init(&p.angle, ADDR_ITEM_MAX);
	while (s[p.i] != '\0') {
		char c = s[p.i];
		size_t n;

		if (c == '\r' || c == '\n') {
			bad(&p, "line end");
			goto out;
		}
		if (c == ' ' || c == '\t') {
			p.i++;
		} else if (c == '(') {
			if (comment(&p) < 0)
				goto out;
		} else if (c == '"' || c == '[') {
			if (quoted(&p, c == '"' ? '"' : ']') < 0)
				goto out;
		} else if (c == '<') {
			if (p.in_angle) {
				bad(&p, "'<' inside '<>'");
				goto out;
			}
			p.in_angle = p.has_angle = 1;
			buf_reset(&p.angle);
			p.i++;
		} else if (c == '>') {
			if (!p.in_angle) {
				bad(&p, "unbalanced '>'");
				goto out;
			}
			p.in_angle = 0;
			p.i++;
		} else if (c == ':' && !p.in_angle) {
			/* A group's name: not an address. */
			buf_reset(&p.plain);
			p.in_group = 1;
			p.i++;
		} else if ((c == ',' || c == ';') && !p.in_angle) {
			if (item_end(&p) < 0)
				goto out;
			if (c == ';')
				p.in_group = 0;
			p.i++;
		} else if (addr_is_special(c)) {
			if (take(&p, p.i, p.i + 1) < 0)
				goto out;
			p.i++;
		} else if ((n = addr_encoded_word(s + p.i)) > 0) {
			/* Only ever part of a display name: skip it whole. */
			p.i += n;
		} else {
			size_t from = p.i;

			while (s[p.i] != '\0' && !addr_is_special(s[p.i]))
				p.i++;
			if (take(&p, from, p.i) < 0)
				goto out;
		}
	}
	if (p.in_angle) {
		bad(&p, "unbalanced '<'");
		goto out;
	}
	rc = item_end(&p);
out:
	buf_free(&p.plain);
	buf_free(&p.angle);
	return rc;
}

int
addr_envelope_ok(const char *a)
{
	int inq = 0;
	size_t n = 0;

	for (; *a != '\0'; a++, n++) {
		unsigned char c = (unsigned char)*a;

		if (c < 0x20 || c == 0x7f)
			return 0;
		if (c == '"')
			inq = !inq;
		else if (c == '\\' && inq && a[1] != '\0') {
			/* An escaped byte is still a byte of the path. */
			a++;
			n++;
			if ((unsigned char)*a < 0x20 || *a == 0x7f)
				return 0;
		} else if (!inq && (c == ' ' || c == '<' || c == '>'))
			return 0;
	}
	return !inq && n <= ADDR_MAX;
}

int
addr_mailbox_ok(const char *a)
{
	const char *p, *at = NULL;
	int inq = 0;

	if (*a == '\0' || !addr_envelope_ok(a))
		return 0;
	for (p = a; *p != '\0'; p++) {
		if (*p == '"')
			inq = !inq;
		else if (*p == '\\' && inq && p[1] != '\0')
			p++;
		else if (*p == '@' && !inq) {
			if (at != NULL)
				return 0;	/* a second '@' in the domain */
			at = p;
		}
	}
	return at == NULL || (at > a && at[1] != '\0');
}

int
addr_is_8bit(const char *a)
{
	for (; *a != '\0'; a++)
		if ((unsigned char)*a > 0x7f)
			return 1;
	return 0;
}

int
addr_equal(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}
