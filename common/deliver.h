/*
 * deliver: one fetched message into a sink, as it streams in.  The
 * header is held (up to DELIVER_HEAD_MAX bytes) until its end, to find
 * the envelope sender for the mbox From_ line and the MDA's %F
 * (Return-Path, else the From address, else MAILER-DAEMON); then the
 * sink is begun and everything goes straight through.  Memory does not
 * depend on the message's size.
 */
#ifndef FACTEUR_DELIVER_H
#define FACTEUR_DELIVER_H

#include <stddef.h>

#include "buf.h"
#include "sink.h"
#include "status.h"

#define DELIVER_HEAD_MAX	(64 * 1024)

struct delivery {
	struct sink *sink;
	struct buf head;	/* held until the header's end */
	int begun;		/* the sink has begun the message */
	int failed;
	unsigned long long size;
	char received[1024];	/* a Received field to put first, or "" */
	const char *filter;	/* mpop's filter command (pop3_fetch), or NULL */
	struct sink_opts filter_opts;
};

void delivery_init(struct delivery *d, struct sink *sink);
void delivery_free(struct delivery *d);

/* Start a message (nothing touches the sink yet). */
void delivery_start(struct delivery *d);
/*
 * Put a Received field at the top of the message being started (mpop's
 * received_header): from the server, by this host, with the protocol,
 * and the message's UID when there is one.
 */
void delivery_received(struct delivery *d, const char *server,
    const char *proto, const char *uid);
/* Message bytes (LF line ends). */
int delivery_write(struct delivery *d, const char *p, size_t n,
    struct errinfo *ei);
/*
 * The message is whole: stage it (sink.h: whole, not yet durable; a
 * crash may lose it, never leave a part of it).  On failure nothing of
 * it stays; the messages staged before stay staged.
 */
int delivery_stage(struct delivery *d, struct errinfo *ei);
/*
 * Make every staged message durable: 0 only once they all are; -1 when
 * none of them is delivered.  Nothing stays staged either way.
 */
int delivery_sync(struct delivery *d, struct errinfo *ei);
/* 1 when a staged message is durable only at sync (sink_defers()). */
int delivery_defers(const struct delivery *d);
/* Stage, then sync: 0 only once this message (and the others) is durable. */
int delivery_commit(struct delivery *d, struct errinfo *ei);
/* Undo whatever was written of it. */
void delivery_abort(struct delivery *d);
/* No more messages for now: the target's locks go (see sink.h). */
void delivery_release(struct delivery *d);

/*
 * The envelope sender of a header block (LF line ends): Return-Path
 * without its brackets ("" for "<>"), else the From address; NULL when
 * neither.  Allocated.  Pure.
 */
char *deliver_envelope_from(const char *head, size_t len);

#endif
