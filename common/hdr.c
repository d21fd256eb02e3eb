/* hdr: fields of a header block. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "addr.h"
#include "hdr.h"
#include "xalloc.h"

int
hdr_is_field_line(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c == ':')
			break;
		if (c <= ' ' || c >= 0x7f) {
			/* "Name :" (RFC 5322 4.5.1 obs-optional). */
			while (i < len && (line[i] == ' ' || line[i] == '\t'))
				i++;
			if (i < len && line[i] == ':' && i > 0 &&
			    line[0] != ' ' && line[0] != '\t')
				break;
			return 0;
		}
	}
	return i > 0 && i < len;
}

/* The end of the line starting at p (past its LF), or len. */
static size_t
line_end(const char *text, size_t len, size_t p)
{
	const char *lf = memchr(text + p, '\n', len - p);

	return lf != NULL ? (size_t)(lf - text) + 1 : len;
}

int
hdr_next(const char *text, size_t len, size_t *off, struct hdr_field *f)
{
	size_t p = *off, e, n;

	if (p >= len)
		return 0;
	e = line_end(text, len, p);
	n = e - p;
	while (n > 0 && (text[p + n - 1] == '\n' || text[p + n - 1] == '\r'))
		n--;
	if (!hdr_is_field_line(text + p, n))
		return 0;
	f->start = p;
	f->name_len = 0;
	while (text[p + f->name_len] != ':' && text[p + f->name_len] != ' ' &&
	    text[p + f->name_len] != '\t')
		f->name_len++;
	f->value = (size_t)((const char *)memchr(text + p, ':', n) - text) + 1;
	/* Continuation lines. */
	while (e < len && (text[e] == ' ' || text[e] == '\t'))
		e = line_end(text, len, e);
	f->end = e;
	*off = e;
	return 1;
}

int
hdr_is(const char *text, const struct hdr_field *f, const char *name)
{
	return strlen(name) == f->name_len &&
	    strncasecmp(text + f->start, name, f->name_len) == 0;
}

char *
hdr_value(const char *text, const struct hdr_field *f)
{
	size_t i, n = 0;
	char *v = xmalloc(f->end - f->value + 1);

	for (i = f->value; i < f->end; i++) {
		if (text[i] == '\r' || text[i] == '\n')
			continue;	/* unfold: drop the line ends only */
		v[n++] = text[i];
	}
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	v[n] = '\0';
	i = strspn(v, " \t");
	if (i > 0)
		memmove(v, v + i, n - i + 1);
	return v;
}

int
hdr_has(const char *text, size_t len, const char *name)
{
	struct hdr_field f;
	size_t off = 0;

	while (hdr_next(text, len, &off, &f))
		if (hdr_is(text, &f, name))
			return 1;
	return 0;
}

char *
hdr_get(const char *text, size_t len, const char *name)
{
	struct hdr_field f;
	size_t off = 0;

	while (hdr_next(text, len, &off, &f))
		if (hdr_is(text, &f, name))
			return hdr_value(text, &f);
	return NULL;
}

char *
hdr_first_address(const char *text, size_t len, const char *name)
{
	struct addr_list l;
	struct errinfo ei;
	char *v = hdr_get(text, len, name), *a = NULL;

	if (v == NULL)
		return NULL;
	addr_list_init(&l);
	if (addr_parse_list(v, &l, &ei) == 0)
		a = l.n > 0 ? xstrdup(l.v[0]) : strspn(v, " \t<>") ==
		    strlen(v) && strchr(v, '<') != NULL ? xstrdup("") : NULL;
	addr_list_free(&l);
	free(v);
	return a;
}

void
hdr_date(time_t t, char *out, size_t outsz)
{
	static const char *const day[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
		"Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	long off;

	localtime_r(&t, &tm);
	off = tm.tm_gmtoff / 60;
	snprintf(out, outsz, "%s, %d %s %04d %02d:%02d:%02d %c%02ld%02ld",
	    day[tm.tm_wday % 7], tm.tm_mday, mon[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60,
	    (off < 0 ? -off : off) % 60);
}
