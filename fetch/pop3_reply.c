/* pop3_reply: a pure, incremental parser for POP3 responses. */
#include "autoconf.h"

#include <string.h>
#include <strings.h>

#include "pop3_reply.h"

void
pop3_reply_init(struct pop3_reply *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->status, POP3_LINE_MAX);
	buf_init(&r->data, POP3_DATA_MAX);
	buf_init(&r->line, POP3_LINE_MAX);
}

void
pop3_reply_clear(struct pop3_reply *r)
{
	r->kind = POP3_ERR;
	r->ndata = 0;
	r->done = 0;
	r->in_data = 0;
	buf_reset(&r->status);
	buf_reset(&r->data);
	buf_reset(&r->line);
}

void
pop3_reply_free(struct pop3_reply *r)
{
	buf_free(&r->status);
	buf_free(&r->data);
	buf_free(&r->line);
}

static int
bad_line(struct pop3_reply *r, struct errinfo *ei)
{
	char q[120];

	err_quote(q, sizeof(q), r->line.data, r->line.len);
	return err_set(ei, ST_PROTOCOL, "malformed POP3 response: '%s'", q);
}

/* Is line l (len bytes) "word" followed by a space or its end? */
static int
starts(const char *l, size_t len, const char *word)
{
	size_t wl = strlen(word);

	return len >= wl && strncasecmp(l, word, wl) == 0 &&
	    (len == wl || l[wl] == ' ');
}

static int
take_status(struct pop3_reply *r, struct errinfo *ei)
{
	const char *l = r->line.data;
	size_t len = r->line.len, skip;

	if (starts(l, len, "+OK")) {
		r->kind = POP3_OK;
		skip = 3;
	} else if (starts(l, len, "-ERR")) {
		r->kind = POP3_ERR;
		skip = 4;
	} else if (r->allow_cont && starts(l, len, "+")) {
		r->kind = POP3_CONT;
		skip = 1;
	} else {
		return bad_line(r, ei);
	}
	if (skip < len)
		skip++;		/* the space */
	buf_add(&r->status, l + skip, len - skip);
	if (r->kind == POP3_OK && r->multiline)
		r->in_data = 1;
	else
		r->done = 1;
	return 0;
}

static int
take_data(struct pop3_reply *r, struct errinfo *ei)
{
	const char *l = r->line.data;
	size_t len = r->line.len;

	if (len == 1 && l[0] == '.') {
		r->in_data = 0;
		r->done = 1;
		return 0;
	}
	if (len > 0 && l[0] == '.') {
		l++;
		len--;
	}
	r->ndata++;
	if (r->on_line != NULL)
		return r->on_line(r->arg, l, len, ei);
	if ((r->ndata > 1 && buf_addch(&r->data, '\n') < 0) ||
	    buf_add(&r->data, l, len) < 0)
		return err_set(ei, ST_PROTOCOL, "POP3 response longer than %d "
		    "bytes", POP3_DATA_MAX);
	return 0;
}

ssize_t
pop3_reply_feed(void *parser, const char *p, size_t n, int *done_r,
    struct errinfo *ei)
{
	struct pop3_reply *r = parser;
	size_t used = 0;

	*done_r = 0;
	if (r->done)
		pop3_reply_clear(r);
	while (used < n) {
		int eol, rc;
		ssize_t k = buf_feed_line(&r->line, p + used, n - used, &eol);

		if (k < 0) {
			char q[80];

			err_quote(q, sizeof(q), r->line.data, r->line.len);
			return err_set(ei, ST_PROTOCOL, "POP3 line longer than %d "
			    "bytes: '%s'", POP3_LINE_MAX, q);
		}
		used += (size_t)k;
		if (!eol)
			continue;
		rc = r->in_data ? take_data(r, ei) : take_status(r, ei);
		buf_reset(&r->line);
		if (rc < 0)
			return -1;
		if (r->done) {
			*done_r = 1;
			break;
		}
	}
	return (ssize_t)used;
}

int
pop3_reply_has_code(const struct pop3_reply *r, const char *code)
{
	size_t cl = strlen(code);

	return r->status.len > cl + 1 && r->status.data[0] == '[' &&
	    strncasecmp(r->status.data + 1, code, cl) == 0 &&
	    r->status.data[cl + 1] == ']';
}
