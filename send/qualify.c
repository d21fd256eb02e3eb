/* qualify: local names and local senders to the account's address. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hdr.h"
#include "msghdr.h"
#include "qualify.h"
#include "xalloc.h"

/* A display name plus an address in one item, as common/addr.c. */
#define QUALIFY_ITEM_MAX	(64 * 1024)
/* Fold a rewritten From field after a comma past this column. */
#define QUALIFY_FOLD_AT		78

/* The '@' before addr's domain (the last outside quotes), or NULL. */
static const char *
domain_at(const char *addr)
{
	const char *p, *at = NULL;
	int inq = 0;

	for (p = addr; *p != '\0'; p++) {
		if (*p == '"')
			inq = !inq;
		else if (*p == '\\' && inq && p[1] != '\0')
			p++;
		else if (*p == '@' && !inq)
			at = p;
	}
	return at;
}

/* [127.D.D.D] or [IPv6:::1]: this machine's loopback. */
static int
is_loopback_literal(const char *d)
{
	size_t n = strlen(d);

	if (strcasecmp(d, "[IPv6:::1]") == 0)
		return 1;
	return n > 6 && strncmp(d, "[127.", 5) == 0 && d[n - 1] == ']' &&
	    strspn(d + 5, "0123456789.") == n - 6;
}

/* Is the domain d one that names any machine itself? */
static int
is_loopback_domain(const char *d)
{
	return strcasecmp(d, "localhost") == 0 ||
	    strcasecmp(d, "localhost.localdomain") == 0 ||
	    is_loopback_literal(d);
}

/* Does the domain d name this machine? */
static int
is_host_domain(const struct qualify *q, const char *d)
{
	const char *h = q->host, *dot;

	if (is_loopback_domain(d))
		return 1;
	if (h == NULL || *h == '\0')
		return 0;
	if (strcasecmp(d, h) == 0)
		return 1;
	/* The short name of "web1.example.org": "web1". */
	dot = strchr(h, '.');
	return dot != NULL && dot > h && strlen(d) == (size_t)(dot - h) &&
	    strncasecmp(d, h, (size_t)(dot - h)) == 0;
}

int
qualify_init(struct qualify *q, const char *address, const char *host)
{
	const char *at;

	q->address = NULL;
	q->host = host;
	if (address == NULL || !addr_mailbox_ok(address) ||
	    (at = domain_at(address)) == NULL || is_loopback_domain(at + 1))
		return 0;
	q->address = address;
	return 1;
}

int
qualify_is_unqualified(const char *addr)
{
	return *addr != '\0' && domain_at(addr) == NULL;
}

int
qualify_is_local(const struct qualify *q, const char *addr)
{
	const char *at, *own;

	if (*addr == '\0')
		return 0;
	if ((at = domain_at(addr)) == NULL)
		return 1;
	/* A host named after the mail domain: its addresses are real. */
	if (q->address != NULL && (own = domain_at(q->address)) != NULL &&
	    strcasecmp(at + 1, own + 1) == 0)
		return 0;
	return is_host_domain(q, at + 1);
}

const char *
qualify_recipient(const struct qualify *q, const char *addr)
{
	if (q->address == NULL || !qualify_is_unqualified(addr))
		return NULL;
	return q->address;
}

const char *
qualify_sender(const struct qualify *q, const char *addr)
{
	if (q->address == NULL || !qualify_is_local(q, addr))
		return NULL;
	return q->address;
}

char *
qualify_default_name(const struct qualify *q, const char *addr)
{
	const char *at = domain_at(addr);
	size_t n = at != NULL ? (size_t)(at - addr) : strlen(addr), i;
	struct buf b;
	char *r;

	buf_init(&b, n + (q->host != NULL ? strlen(q->host) : 0) + 8);
	if (n >= 2 && addr[0] == '"' && addr[n - 1] == '"') {
		/* "john doe"@host: the name is john doe. */
		for (i = 1; i + 1 < n; i++) {
			if (addr[i] == '\\' && i + 2 < n)
				i++;
			buf_addch(&b, addr[i]);
		}
	} else {
		buf_add(&b, addr, n);
	}
	if (q->host != NULL && *q->host != '\0')
		buf_printf(&b, " on %s", q->host);
	r = buf_detach(&b, NULL);
	buf_free(&b);
	return r;
}

/*
 * The parser of one From value: common/addr.c's, step for step (so that
 * both find the same addresses), keeping besides where each item starts
 * and what its display name is.
 */
struct fv {
	const struct qualify *q;
	const char *s;
	size_t i;
	struct buf plain, angle;	/* as addr.c: the addr-spec's bytes */
	struct buf name;		/* the phrase before '<', unquoted */
	struct buf raw;			/* the same as written */
	struct buf comment;		/* the item's first comment */
	int in_angle, has_angle, encoded, gap, ncomments;
	size_t item;			/* where the item starts in s */
	size_t copied;			/* s[0..copied) is in out */
	size_t found;			/* addresses so far */
	int rewritten;
	int full;			/* out could not take more */
	struct buf *out;
	struct addr_list *addrs;
};

/* Append the token s[from..to) to the addr-spec (addr.c's take()). */
static int
take(struct fv *p, size_t from, size_t to)
{
	return buf_add(p->in_angle ? &p->angle : &p->plain, p->s + from,
	    to - from);
}

/* A token of the phrase: text (unquoted) and as written. */
static void
phrase_token(struct fv *p, const char *text, size_t n, size_t from,
    size_t to)
{
	if (p->in_angle || p->has_angle)
		return;
	if (p->gap && p->raw.len > 0) {
		buf_addch(&p->name, ' ');
		buf_addch(&p->raw, ' ');
	}
	p->gap = 0;
	buf_add(&p->name, text, n);
	buf_add(&p->raw, p->s + from, to - from);
}

/* Skip a comment at s[i] == '('; the first one is kept unescaped. */
static int
comment(struct fv *p)
{
	int depth = 0, keep = !p->in_angle && p->ncomments++ == 0;

	for (; p->s[p->i] != '\0'; p->i++) {
		char c = p->s[p->i];

		if (c == '\\' && p->s[p->i + 1] != '\0') {
			p->i++;
			c = p->s[p->i];
		} else if (c == '(' && depth++ == 0) {
			continue;
		} else if (c == ')' && --depth == 0) {
			p->i++;
			p->gap = 1;
			return 0;
		}
		if (keep)
			buf_addch(&p->comment, c == '\t' ? ' ' : c);
	}
	return -1;
}

/* A quoted string or a domain literal (addr.c's quoted()). */
static int
quoted(struct fv *p, char close)
{
	size_t from = p->i++;
	struct buf t;
	int rc = -1;

	buf_init(&t, p->name.max);
	for (; p->s[p->i] != '\0'; p->i++) {
		if (p->s[p->i] == '\\' && p->s[p->i + 1] != '\0')
			p->i++;		/* a quoted-pair: the byte after it */
		else if (p->s[p->i] == close)
			break;
		buf_addch(&t, p->s[p->i]);
	}
	if (p->s[p->i] != '\0') {
		p->i++;
		/* A domain literal's text is what was written. */
		if (close == '"')
			phrase_token(p, t.data, t.len, from, p->i);
		else
			phrase_token(p, p->s + from, p->i - from, from, p->i);
		rc = take(p, from, p->i);
	}
	buf_free(&t);
	return rc;
}

static int
is_atext(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/*
 * A comment used as a name that holds encoded words is written as it
 * is when it is only atoms and encoded words (RFC 2047 5 (1)); else
 * NULL, and it is quoted or encoded as any other name.
 */
static char *
comment_as_phrase(const char *c)
{
	const char *w = c;
	int enc = 0;

	while (*w != '\0') {
		size_t n = addr_encoded_word(w), k;

		if (n > 0) {
			enc = 1;
		} else {
			for (n = 0; is_atext(w[n]); n++)
				;
			if (n == 0)
				return NULL;
		}
		w += n;
		for (k = 0; w[k] == ' '; k++)
			;
		if (k == 0 && *w != '\0')
			return NULL;
		w += k;
	}
	return enc ? xstrdup(c) : NULL;
}

/* The display name of a local mailbox addr, ready for the header. */
static char *
display_name(struct fv *p, const char *addr)
{
	char *name, *dn;
	size_t n;

	if (p->has_angle && (p->encoded ||
	    strspn(p->name.data, " ") < p->name.len))
		return p->encoded ? xstrdup(p->raw.data) :
		    msghdr_display_name(p->name.data);
	n = p->comment.len;
	while (n > 0 && p->comment.data[n - 1] == ' ')
		n--;
	buf_truncate(&p->comment, p->comment.len - n);
	n = strspn(p->comment.data, " ");
	if (n < p->comment.len) {
		if ((dn = comment_as_phrase(p->comment.data + n)) != NULL)
			return dn;
		return msghdr_display_name(p->comment.data + n);
	}
	name = qualify_default_name(p->q, addr);
	dn = msghdr_display_name(name);
	free(name);
	return dn;
}

/* Start the next item at s[i]. */
static void
item_reset(struct fv *p, size_t i)
{
	buf_reset(&p->name);
	buf_reset(&p->raw);
	buf_reset(&p->comment);
	p->encoded = p->gap = p->ncomments = 0;
	p->item = i;
}

/* The mailbox s[item..end) as NAME <address>, into out. */
static int
rewrite(struct fv *p, size_t end, const char *addr)
{
	size_t ts = p->item, te = end;
	char *dn;
	int rc;

	while (ts < te && (p->s[ts] == ' ' || p->s[ts] == '\t'))
		ts++;
	while (te > ts && (p->s[te - 1] == ' ' || p->s[te - 1] == '\t'))
		te--;
	dn = display_name(p, addr);
	/*
	 * A space after a separator: addr.c's encoded words are found at
	 * any token start, and one begun before ("=?:...") must not run on
	 * into the name.
	 */
	rc = buf_add(p->out, p->s + p->copied, ts - p->copied) < 0 ||
	    (ts > 0 && p->s[ts - 1] != ' ' && p->s[ts - 1] != '\t' &&
	    buf_addch(p->out, ' ') < 0) ||
	    buf_printf(p->out, "%s <%s>", dn, p->q->address) < 0 ? -1 : 0;
	p->full = rc < 0;
	free(dn);
	p->copied = te;
	p->rewritten++;
	return rc;
}

/* End of the item at s[end] (addr.c's item_end()). */
static int
item_end(struct fv *p, size_t end)
{
	const char *a = p->has_angle ? p->angle.data : p->plain.data;
	size_t n = p->has_angle ? p->angle.len : p->plain.len;
	char *copy;
	int rc = 0;

	if (p->has_angle)
		addr_strip_route(&a, &n);
	if (n > ADDR_MAX)
		return -1;
	if (n > 0) {
		if (p->found++ >= ADDR_COUNT_MAX)
			return -1;
		copy = xstrndup(a, n);
		if (p->addrs != NULL)
			addr_list_add(p->addrs, copy);
		if (p->q->address != NULL && qualify_is_local(p->q, copy))
			rc = rewrite(p, end, copy);
		free(copy);
	}
	buf_reset(&p->plain);
	buf_reset(&p->angle);
	p->has_angle = 0;
	return rc;
}

/* One step of the parser at s[i]; -1 where addr.c fails. */
static int
step(struct fv *p)
{
	const char *s = p->s;
	char c = s[p->i];
	size_t n, from;

	if (c == '\r' || c == '\n')
		return -1;
	if (c == ' ' || c == '\t') {
		p->i++;
		p->gap = 1;
	} else if (c == '(') {
		return comment(p);
	} else if (c == '"' || c == '[') {
		return quoted(p, c == '"' ? '"' : ']');
	} else if (c == '<') {
		if (p->in_angle)
			return -1;
		p->in_angle = p->has_angle = 1;
		buf_reset(&p->angle);
		p->i++;
	} else if (c == '>') {
		if (!p->in_angle)
			return -1;
		p->in_angle = 0;
		p->i++;
	} else if (c == ':' && !p->in_angle) {
		/* A group's name: the mailboxes start after it. */
		buf_reset(&p->plain);
		p->i++;
		if (!p->has_angle)
			item_reset(p, p->i);
	} else if ((c == ',' || c == ';') && !p->in_angle) {
		if (item_end(p, p->i) < 0)
			return -1;
		p->i++;
		item_reset(p, p->i);
	} else if (addr_is_special(c)) {
		phrase_token(p, s + p->i, 1, p->i, p->i + 1);
		if (take(p, p->i, p->i + 1) < 0)
			return -1;
		p->i++;
	} else if ((n = addr_encoded_word(s + p->i)) > 0) {
		phrase_token(p, s + p->i, n, p->i, p->i + n);
		if (!p->in_angle && !p->has_angle)
			p->encoded = 1;
		p->i += n;
	} else {
		from = p->i;
		while (s[p->i] != '\0' && !addr_is_special(s[p->i]))
			p->i++;
		phrase_token(p, s + from, p->i - from, from, p->i);
		if (take(p, from, p->i) < 0)
			return -1;
	}
	return 0;
}

int
qualify_from_value(const struct qualify *q, const char *value,
    struct buf *out, struct addr_list *addrs_r)
{
	struct fv p;
	size_t len = strlen(value);
	int rc = -1;

	memset(&p, 0, sizeof(p));
	p.q = q;
	p.s = value;
	p.out = out;
	p.addrs = addrs_r;
	buf_init(&p.plain, QUALIFY_ITEM_MAX);
	buf_init(&p.angle, QUALIFY_ITEM_MAX);
	/* None of them can be longer than the value. */
	buf_init(&p.name, len + 1);
	buf_init(&p.raw, len + 1);
	buf_init(&p.comment, len + 1);
	if (strpbrk(value, "\r\n") != NULL)
		goto out;	/* unfolded values have none */
	while (value[p.i] != '\0')
		if (step(&p) < 0)
			goto out;
	if (p.in_angle || item_end(&p, p.i) < 0)
		goto out;
	if (buf_add(out, value + p.copied, len - p.copied) < 0)
		p.full = 1;
	else
		rc = p.rewritten;
out:
	if (p.full)
		rc = -2;
	buf_free(&p.plain);
	buf_free(&p.angle);
	buf_free(&p.name);
	buf_free(&p.raw);
	buf_free(&p.comment);
	return rc;
}

/* Where add_folded() is in the value it writes. */
struct fold {
	struct buf *out;
	const char *v;
	size_t ls;		/* the current line starts at v[ls] */
	size_t cand;		/* the last place to fold seen */
	size_t col;		/* bytes before v[ls] on its line */
};

/* A place to fold at v[k] (or the end): fold at the one before it when
 * the line would be too long. */
static int
fold_point(struct fold *f, size_t k)
{
	if (f->col + (k - f->ls) > QUALIFY_FOLD_AT && f->cand > f->ls) {
		if (buf_add(f->out, f->v + f->ls, f->cand - f->ls) < 0 ||
		    buf_addch(f->out, '\n') < 0)
			return -1;
		f->ls = f->cand;
		f->col = 0;
	}
	f->cand = k;
	return 0;
}

/*
 * Append the value v[0..n) folded: a line end inserted before the white
 * space after a comma outside quotes, comments, angle brackets and
 * domain literals, wherever the line would otherwise pass
 * QUALIFY_FOLD_AT (col: bytes already on the first line).
 */
static int
add_folded(struct buf *out, size_t col, const char *v, size_t n)
{
	struct fold f;
	size_t k;
	int inq = 0, depth = 0, lit = 0, angle = 0;

	memset(&f, 0, sizeof(f));
	f.out = out;
	f.v = v;
	f.col = col;
	for (k = 0; k < n; k++) {
		char c = v[k];

		if (c == '\\' && (inq || depth > 0 || lit)) {
			k++;
		} else if (inq) {
			inq = c != '"';
		} else if (lit) {
			lit = c != ']';
		} else if (depth > 0) {
			depth += c == '(' ? 1 : c == ')' ? -1 : 0;
		} else if (c == '"' || c == '(' || c == '[') {
			inq = c == '"';
			depth = c == '(';
			lit = c == '[';
		} else if (c == '<' || c == '>') {
			angle = c == '<';
		} else if (c == ',' && !angle && k + 1 < n &&
		    (v[k + 1] == ' ' || v[k + 1] == '\t') &&
		    fold_point(&f, k + 1) < 0) {
			return -1;
		}
	}
	if (fold_point(&f, n) < 0)
		return -1;
	return buf_add(out, v + f.ls, n - f.ls);
}

int
qualify_header(const struct qualify *q, const char *text, size_t len,
    struct buf *out)
{
	struct hdr_field f;
	size_t off = 0;
	int total = 0, rc = 0;

	if (q->address == NULL)
		return 0;
	while (rc == 0 && hdr_next(text, len, &off, &f)) {
		struct buf v;
		char *value;
		int n = -1;

		if (hdr_is(text, &f, "From") &&
		    memchr(text + f.start, '\0', f.end - f.start) == NULL) {
			value = hdr_value(text, &f);
			buf_init(&v, out->max);
			n = qualify_from_value(q, value, &v, NULL);
			if (n == -2)
				rc = -1;
			if (n > 0 && (buf_add(out, text + f.start, f.name_len) <
			    0 || buf_addstr(out, ": ") < 0 || add_folded(out,
			    f.name_len + 2, v.data, v.len) < 0 ||
			    buf_addch(out, '\n') < 0))
				rc = -1;
			buf_free(&v);
			free(value);
		}
		if (n > 0) {
			total += n;
			continue;
		}
		if (buf_add(out, text + f.start, f.end - f.start) < 0 ||
		    (text[f.end - 1] != '\n' && buf_addch(out, '\n') < 0))
			rc = -1;
	}
	if (rc == 0 && buf_add(out, text + off, len - off) < 0)
		rc = -1;
	if (rc < 0 || total == 0) {
		buf_reset(out);
		return rc < 0 ? -1 : 0;
	}
	return total;
}
