/*
 * conn: one connection to a server: a socket, an optional TLS session,
 * and two fixed buffers.  Everything above it (pp, the protocols) reads
 * and writes through conn, so timeouts, TLS, tracing and the STARTTLS
 * rule live here once.
 *
 * Reading is pull-style: conn_peek() shows what is buffered, the caller
 * consumes what it used with conn_consume() and asks for more with
 * conn_fill().  Parsers above are pure functions fed with these chunks,
 * so no line ever has to fit in the read buffer.
 *
 * Writing is coalesced: conn_write() and conn_send_line() fill a buffer
 * the size of one TLS record; conn_flush() sends it in one write.  Callers
 * flush once per protocol turn, never per line.
 */
#ifndef FACTEUR_CONN_H
#define FACTEUR_CONN_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "net.h"
#include "status.h"
#include "tls.h"

#define CONN_RBUF_SIZE	(64 * 1024)	/* bytes read per system call, at most */
#define CONN_WBUF_SIZE	(16 * 1024)	/* one full TLS record */
#define CONN_TRACE_LINE_MAX 4096	/* longer lines are cut in the trace */
#define CONN_CMD_MAX	8192		/* longest command line we send */

struct conn {
	int fd;
	struct tls *tls;
	char *host;
	unsigned port;
	char *socket;		/* the unix socket path, or NULL */
	char addr[NET_ADDR_MAX];
	int timeout_ms;		/* for each read or write; 0: none */
	char *rbuf;
	size_t rsize;		/* CONN_RBUF_SIZE, or less (conn_shrink()) */
	size_t rpos, rlen;	/* unread input is rbuf[rpos..rlen) */
	char *wbuf;
	size_t wsize;		/* CONN_WBUF_SIZE, or less */
	size_t wlen;
	int wsecret;		/* wbuf holds a secret: wipe it once sent */
	int trace_input;	/* show input lines in the trace */
	struct buf trace_line;	/* partial input line, for the trace */
	unsigned long long bytes_in, bytes_out;
	unsigned long turns;	/* times we wrote after reading: round trips */
	int input_seen;		/* read something since the last write */
	char *greet_hint;	/* see conn_greeting_hint() */
	int greet_fail;
};

/*
 * How long a connection waits for the server's first byte before it says
 * what is likely wrong (conn_greeting_hint()): 5 seconds.  A server that
 * waits for a TLS ClientHello says nothing at all; a real greeting comes
 * at once.
 */
#define CONN_GREETING_HINT_MS	5000

/* How to reach the server; NULL or empty fields: the default. */
struct conn_via {
	const char *source_ip;	/* bind the socket to this local address */
	const char *proxy_host;	/* connect through this SOCKS5 proxy */
	unsigned proxy_port;	/* its port; 0: SOCKS_DEFAULT_PORT */
	const char *socket;	/* a unix socket: overrides all of the above
				   and host:port (host stays the TLS name) */
};

/*
 * Connect to host:port (connect_timeout_ms for the connection,
 * io_timeout_ms for each read and write later; 0 for none), the way via
 * says (NULL: directly).  Through a proxy, connect_timeout_ms is for the
 * connection to the proxy and io_timeout_ms for each of its answers; the
 * server's name goes to the proxy unresolved.  Returns 0 and the
 * connection in *c_r, or -1 (see net_connect() and socks_connect(); the
 * message then starts with "SOCKS5 proxy HOST port N: ").
 */
int conn_open(struct conn **c_r, const char *host, unsigned port,
    const struct conn_via *via, int connect_timeout_ms, int io_timeout_ms,
    struct errinfo *ei);

/*
 * Start TLS on the connection: right after conn_open() for implicit TLS,
 * or after the server's positive answer to STARTTLS/STLS.  Unread input
 * received before the handshake means someone injected it: ST_PROTOCOL,
 * and no TLS byte is sent (the caller must drop the connection without a
 * word); pending output is an error.  The caller must forget every
 * capability it learnt before.
 */
int conn_start_tls(struct conn *c, const struct tls_opts *o,
    struct errinfo *ei);
int conn_is_tls(const struct conn *c);
/* TLS details; the connection must be using TLS. */
void conn_tls_info(struct conn *c, struct tls_info *ti);
struct tls *conn_tls(struct conn *c);

/*
 * Read more input into the buffer, waiting at most the I/O timeout.
 * Returns 0 when at least one new byte is buffered, or -1: ST_TEMPFAIL
 * when the server closed the connection ("connection closed by the
 * server"), on timeout or a network error.
 */
int conn_fill(struct conn *c, struct errinfo *ei);
/*
 * The same without waiting (an event loop calls it when poll(2) says
 * the socket is readable): 0 when new bytes are buffered, 1 when none
 * can be read now (a TLS record not whole yet), or -1.
 */
int conn_fill_nowait(struct conn *c, struct errinfo *ei);
/* The unread input (may be empty); *len_r is its length. */
const char *conn_peek(struct conn *c, size_t *len_r);
/* Mark n bytes of the unread input as used. */
void conn_consume(struct conn *c, size_t n);

/* A consumer of input bytes; returns 0, or -1 with ei filled to stop. */
typedef int (*conn_sink_fn)(void *arg, const char *p, size_t n,
    struct errinfo *ei);
/*
 * Pass exactly n bytes of input to sink, in chunks, as they arrive (IMAP
 * literals).  Returns 0, or -1 from the network or the sink.
 */
int conn_read_n(struct conn *c, unsigned long long n, conn_sink_fn sink,
    void *arg, struct errinfo *ei);

/* Queue raw bytes (message data); flushes whenever the buffer is full. */
int conn_write(struct conn *c, const void *p, size_t n, struct errinfo *ei);
/*
 * Queue one command line: shown, then secret (may be NULL), then CRLF.
 * The trace shows shown and "<hidden>" in place of the secret.  A CR, LF
 * or NUL inside shown or secret is refused (ST_DATA): no caller can
 * inject a second command.
 */
int conn_send_line(struct conn *c, const char *shown, const char *secret,
    struct errinfo *ei);
/* Send what is queued, in as few writes (TLS records) as possible. */
int conn_flush(struct conn *c, struct errinfo *ei);
/* Stop or restart showing input in the trace (message bodies). */
void conn_trace_input(struct conn *c, int on);

/*
 * Until the first byte of input arrives, a read that has waited
 * CONN_GREETING_HINT_MS without a byte (and whose timeout is longer)
 * fails at once with ST_PROTOCOL if fail is set ("no greeting from HOST
 * port N within 5 seconds: HINT"), or else logs a warning with the hint
 * and goes on waiting for the rest of the timeout.  A timeout before any
 * byte carries the hint too.  hint is copied.
 */
void conn_greeting_hint(struct conn *c, const char *hint, int fail);

/*
 * Smaller buffers for a connection that mostly waits (mfetch --daemon's
 * watchers: short responses, short commands): reads of at most rsize
 * bytes, writes flushed every wsize.  The old write buffer is wiped (it
 * may have held a password).  Returns 0, or -1 (nothing changed) when
 * what is buffered does not fit.
 */
int conn_shrink(struct conn *c, size_t rsize, size_t wsize);

/* Close (TLS close_notify first, no waiting) and free.  NULL is fine. */
void conn_close(struct conn *c);

#endif
