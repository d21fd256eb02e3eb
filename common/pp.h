/*
 * pp: the line-protocol layer shared by POP3, IMAP and SMTP (curl's
 * "pingpong").  A protocol supplies a pure reply parser (a feed function
 * with its own small state); pp drives it with input from the connection
 * until a whole reply is parsed.  Commands are written through conn, so
 * several can be queued and sent in one write (pipelining); pp_read()
 * flushes what is queued before it waits.
 */
#ifndef FACTEUR_PP_H
#define FACTEUR_PP_H

#include <stddef.h>
#include <sys/types.h>

#include "conn.h"
#include "status.h"

/*
 * A reply parser.  Given the next n input bytes, it returns how many it
 * used (fewer than n when the reply ends before them) and sets *done_r
 * when a whole reply has been parsed; or it returns -1 with ei filled
 * (ST_PROTOCOL: the server broke the protocol).
 */
typedef ssize_t (*pp_feed_fn)(void *parser, const char *p, size_t n,
    int *done_r, struct errinfo *ei);

/*
 * Flush queued commands, then feed input to the parser until it has a
 * whole reply.  Returns 0, or -1 (network errors from conn, or the
 * parser's error).
 */
int pp_read(struct conn *c, pp_feed_fn feed, void *parser,
    struct errinfo *ei);
/*
 * The same for an event loop, without flushing or waiting: 0 when a
 * whole reply is parsed, 1 when the input ends before (call again when
 * poll(2) says the socket is readable: the parser keeps its state), or
 * -1.
 */
int pp_read_nowait(struct conn *c, pp_feed_fn feed, void *parser,
    struct errinfo *ei);

/*
 * Queue a command built with printf-style arguments (no secrets: they go
 * through conn_send_line()'s secret argument).
 */
int pp_cmdf(struct conn *c, struct errinfo *ei, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
