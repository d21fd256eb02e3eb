/* placeholder: %F, %u, %S, %f and %% in commands, made harmless. */
#include "autoconf.h"

#include <stdlib.h>

#include "buf.h"
#include "placeholder.h"

#define PLACEHOLDER_MAX	(64 * 1024)	/* bytes of an expanded command */

static int
kept(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '@' || c == '_' ||
	    c == '+' || c == '-';
}

void
placeholder_safe(struct buf *b, const char *value)
{
	const unsigned char *p = (const unsigned char *)value;

	if (p == NULL || *p == '\0') {
		buf_addstr(b, "MAILER-DAEMON");
		return;
	}
	buf_addch(b, *p == '-' || !kept(*p) ? '_' : (char)*p);
	for (p++; *p != '\0'; p++)
		buf_addch(b, kept(*p) ? (char)*p : '_');
}

char *
placeholder_expand(const char *tmpl, const struct placeholders *ph)
{
	struct buf b;
	char *r;

	buf_init(&b, PLACEHOLDER_MAX);
	for (; *tmpl != '\0'; tmpl++) {
		if (tmpl[0] == '%' && tmpl[1] == 'F') {
			placeholder_safe(&b, ph->from);
			tmpl++;
		} else if (tmpl[0] == '%' && tmpl[1] == 'u') {
			placeholder_safe(&b, ph->user);
			tmpl++;
		} else if (tmpl[0] == '%' && tmpl[1] == 'S' &&
		    ph->size != NULL) {
			placeholder_safe(&b, ph->size);
			tmpl++;
		} else if (tmpl[0] == '%' && tmpl[1] == '%') {
			buf_addch(&b, '%');
			tmpl++;
		} else {
			buf_addch(&b, *tmpl);
		}
	}
	r = buf_detach(&b, NULL);
	buf_free(&b);
	return r;
}

char *
placeholder_folder(const char *tmpl, const char *folder)
{
	struct buf b;
	char *r;

	buf_init(&b, PLACEHOLDER_MAX);
	for (; *tmpl != '\0'; tmpl++) {
		if (tmpl[0] == '%' && tmpl[1] == 'f') {
			buf_addstr(&b, folder);
			tmpl++;
		} else if (tmpl[0] == '%' && tmpl[1] == '%') {
			buf_add(&b, "%%", 2);
			tmpl++;
		} else {
			buf_addch(&b, *tmpl);
		}
	}
	r = buf_detach(&b, NULL);
	buf_free(&b);
	return r;
}

int
placeholder_has_folder(const char *tmpl)
{
	for (; tmpl != NULL && *tmpl != '\0'; tmpl++) {
		if (tmpl[0] == '%' && tmpl[1] == 'f')
			return 1;
		if (tmpl[0] == '%' && tmpl[1] == '%')
			tmpl++;
	}
	return 0;
}
