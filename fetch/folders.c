/* folders: the "folders" list of an account. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "folders.h"
#include "xalloc.h"

static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

static void
push(struct folders *f, const char *p, size_t n)
{
	f->v = xreallocarray(f->v, f->n + 1, sizeof(*f->v));
	f->v[f->n] = xmalloc(n + 1);
	memcpy(f->v[f->n], p, n);
	f->v[f->n][n] = '\0';
	f->n++;
}

static int
bad(struct folders *f, struct errinfo *ei, const char *why, const char *spec)
{
	folders_free(f);
	return err_set(ei, ST_CONFIG, "folders '%s': %s", spec, why);
}

int
folders_parse(const char *spec, struct folders *f, struct errinfo *ei)
{
	const char *p = spec;
	struct buf item;

	memset(f, 0, sizeof(*f));
	if (spec == NULL || *spec == '\0') {
		push(f, "INBOX", 5);
		return 0;
	}
	buf_init(&item, 4096);
	for (;;) {
		buf_reset(&item);
		while (blank(*p))
			p++;
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				if (*p == '\0' || (unsigned char)*p < 0x20 ||
				    buf_add(&item, p, 1) < 0) {
					buf_free(&item);
					return bad(f, ei, *p == '\0' ?
					    "unterminated quote" : "invalid name",
					    spec);
				}
			}
			p++;
			while (blank(*p))
				p++;
			if (*p != ',' && *p != '\0') {
				buf_free(&item);
				return bad(f, ei, "text after a quoted name", spec);
			}
		} else {
			const char *s = p, *e;

			while (*p != ',' && *p != '\0')
				p++;
			e = p;
			while (e > s && blank(e[-1]))
				e--;
			for (; s < e; s++)
				if ((unsigned char)*s < 0x20 || *s == 0x7f ||
				    buf_add(&item, s, 1) < 0) {
					buf_free(&item);
					return bad(f, ei, "invalid name", spec);
				}
		}
		if (item.len == 0) {
			buf_free(&item);
			return bad(f, ei, "empty name (write INBOX for the inbox)",
			    spec);
		}
		if (f->n == FOLDERS_MAX) {
			buf_free(&item);
			return bad(f, ei, "too many folders", spec);
		}
		push(f, item.data, item.len);
		if (*p == '\0')
			break;
		p++;
	}
	buf_free(&item);
	return 0;
}

void
folders_free(struct folders *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->v[i]);
	free(f->v);
	memset(f, 0, sizeof(*f));
}

char *
folders_join(const char *spec, const char *name)
{
	struct buf b;
	const char *p;
	char *r;
	int quote = *name == '\0' || blank(*name) ||
	    blank(name[strlen(name) - 1]) || strpbrk(name, ",\"\\") != NULL;

	buf_init(&b, 1024 * 1024);
	if (spec != NULL && *spec != '\0') {
		buf_add(&b, spec, strlen(spec));
		buf_add(&b, ", ", 2);
	}
	if (quote)
		buf_add(&b, "\"", 1);
	for (p = name; *p != '\0'; p++) {
		if (quote && (*p == '"' || *p == '\\'))
			buf_add(&b, "\\", 1);
		buf_add(&b, p, 1);
	}
	if (quote)
		buf_add(&b, "\"", 1);
	r = buf_detach(&b, NULL);
	buf_free(&b);
	return r;
}

int
folders_is_pattern(const char *name)
{
	return strpbrk(name, "*%") != NULL;
}
