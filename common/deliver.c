/* deliver: the header held for the envelope sender, then streaming. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "deliver.h"
#include "hdr.h"
#include "xalloc.h"

void
delivery_init(struct delivery *d, struct sink *sink)
{
	memset(d, 0, sizeof(*d));
	d->sink = sink;
	buf_init(&d->head, DELIVER_HEAD_MAX);
}

void
delivery_free(struct delivery *d)
{
	buf_free(&d->head);
}

void
delivery_start(struct delivery *d)
{
	d->received[0] = '\0';
	buf_reset(&d->head);
	d->begun = 0;
	d->failed = 0;
	d->size = 0;
}

void
delivery_received(struct delivery *d, const char *server, const char *proto,
    const char *uid)
{
	char host[256], date[64];

	if (gethostname(host, sizeof(host) - 1) < 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	hdr_date(time(NULL), date, sizeof(date));
	snprintf(d->received, sizeof(d->received), "Received: from %.200s\n"
	    "\tby %.200s (mfetch %s) with %s%s%.70s%s;\n\t%s\n", server, host,
	    PACKAGE_VERSION, proto, uid != NULL && *uid ? "\n\tid <" : "",
	    uid != NULL ? uid : "", uid != NULL && *uid ? ">" : "", date);
}

char *
deliver_envelope_from(const char *head, size_t len)
{
	char *a = hdr_first_address(head, len, "Return-Path");

	return a != NULL ? a : hdr_first_address(head, len, "From");
}

static int
begin(struct delivery *d, struct errinfo *ei)
{
	struct sink_msg m;
	char *from = deliver_envelope_from(d->head.data, d->head.len);
	int rc;

	m.from = from != NULL && *from != '\0' ? from : "MAILER-DAEMON";
	m.received = time(NULL);
	rc = d->sink->ops->begin(d->sink, &m, ei);
	free(from);
	if (rc < 0)
		return -1;
	d->begun = 1;
	if (d->received[0] != '\0' && d->sink->ops->write(d->sink, d->received,
	    strlen(d->received), ei) < 0)
		return -1;
	if (d->head.len > 0 && d->sink->ops->write(d->sink, d->head.data,
	    d->head.len, ei) < 0)
		return -1;
	buf_reset(&d->head);
	return 0;
}

/* Where the header ends in the held bytes (after "\n\n"), or 0. */
static size_t
head_end(const struct buf *b)
{
	const char *p;

	if (b->len >= 1 && b->data[0] == '\n')
		return 1;
	p = memmem(b->data, b->len, "\n\n", 2);
	return p != NULL ? (size_t)(p - b->data) + 2 : 0;
}

int
delivery_write(struct delivery *d, const char *p, size_t n,
    struct errinfo *ei)
{
	if (d->failed)
		return err_set(ei, ST_SOFTWARE, "delivery after a failure");
	d->size += n;
	if (!d->begun) {
		size_t room = DELIVER_HEAD_MAX - d->head.len, k = n < room ?
		    n : room;

		buf_add(&d->head, p, k);
		p += k;
		n -= k;
		if (head_end(&d->head) == 0 && d->head.len < DELIVER_HEAD_MAX)
			return 0;
		if (begin(d, ei) < 0) {
			d->failed = 1;
			return -1;
		}
	}
	if (n > 0 && d->sink->ops->write(d->sink, p, n, ei) < 0) {
		d->failed = 1;
		return -1;
	}
	return 0;
}

int
delivery_stage(struct delivery *d, struct errinfo *ei)
{
	if (d->failed)
		return err_set(ei, ST_SOFTWARE, "commit after a failure");
	if (!d->begun && begin(d, ei) < 0) {
		d->failed = 1;
		if (d->begun)
			sink_abort(d->sink);
		d->begun = 0;
		return -1;
	}
	d->begun = 0;
	return d->sink->ops->stage(d->sink, ei);
}

int
delivery_sync(struct delivery *d, struct errinfo *ei)
{
	return sink_sync(d->sink, ei);
}

int
delivery_defers(const struct delivery *d)
{
	return sink_defers(d->sink);
}

int
delivery_commit(struct delivery *d, struct errinfo *ei)
{
	return delivery_stage(d, ei) < 0 ? -1 : delivery_sync(d, ei);
}

void
delivery_abort(struct delivery *d)
{
	if (d->begun)
		sink_abort(d->sink);
	d->begun = 0;
	buf_reset(&d->head);
}

void
delivery_release(struct delivery *d)
{
	if (d->sink != NULL && d->sink->ops->release != NULL)
		d->sink->ops->release(d->sink);
}
