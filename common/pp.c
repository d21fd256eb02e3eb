/* pp: drive a pure reply parser with input from a connection. */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>

#include "pp.h"

/* Feed the parser until a whole reply: 0, 1 (nowait: no more input), -1. */
static int
feed_reply(struct conn *c, pp_feed_fn feed, void *parser, int nowait,
    struct errinfo *ei)
{
	int done = 0, r;

	for (;;) {
		size_t avail;
		const char *p = conn_peek(c, &avail);
		ssize_t used;

		if (avail == 0) {
			r = nowait ? conn_fill_nowait(c, ei) : conn_fill(c, ei);
			if (r != 0)
				return r;
			continue;
		}
		used = feed(parser, p, avail, &done, ei);
		if (used < 0)
			return -1;
		conn_consume(c, (size_t)used);
		if (done)
			return 0;
	}
}

int
pp_read(struct conn *c, pp_feed_fn feed, void *parser, struct errinfo *ei)
{
	if (conn_flush(c, ei) < 0)
		return -1;
	return feed_reply(c, feed, parser, 0, ei);
}

int
pp_read_nowait(struct conn *c, pp_feed_fn feed, void *parser,
    struct errinfo *ei)
{
	return feed_reply(c, feed, parser, 1, ei);
}

int
pp_cmdf(struct conn *c, struct errinfo *ei, const char *fmt, ...)
{
	char line[CONN_CMD_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return err_set(ei, ST_DATA, "command too long");
	return conn_send_line(c, line, NULL, ei);
}
