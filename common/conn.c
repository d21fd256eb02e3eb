/* conn: socket + optional TLS + bounded buffers + the protocol trace. */
#include "autoconf.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "log.h"
#include "socks.h"
#include "sys.h"
#include "xalloc.h"

/* Connect to the proxy and have it connect to host:port. */
static int
open_proxied(const char *host, unsigned port, const struct conn_via *via,
    int connect_timeout_ms, int io_timeout_ms, char addr_r[NET_ADDR_MAX],
    struct errinfo *ei)
{
	unsigned pport = via->proxy_port != 0 ? via->proxy_port :
	    SOCKS_DEFAULT_PORT;
	char paddr[NET_ADDR_MAX];
	int fd;

	log_trace_note("connecting to %s port %u through the SOCKS5 proxy %s "
	    "port %u", host, port, via->proxy_host, pport);
	fd = net_connect(via->proxy_host, pport, via->source_ip,
	    connect_timeout_ms, paddr, ei);
	if (fd < 0)
		return err_prefix(ei, "SOCKS5 proxy: ");
	if (socks_connect(fd, host, port, io_timeout_ms, ei) < 0) {
		close(fd);
		return err_prefix(ei, "SOCKS5 proxy %s port %u: asking for %s "
		    "port %u: ", via->proxy_host, pport, host, port);
	}
	/* The server's address is the proxy's secret. */
	snprintf(addr_r, NET_ADDR_MAX, "proxy %.*s", NET_ADDR_MAX - 7, paddr);
	log_trace_note("connected to %s port %u through the proxy %s port %u",
	    host, port, paddr, pport);
	return fd;
}

int
conn_open(struct conn **c_r, const char *host, unsigned port,
    const struct conn_via *via, int connect_timeout_ms, int io_timeout_ms,
    struct errinfo *ei)
{
	static const struct conn_via direct;
	char addr[NET_ADDR_MAX];
	struct conn *c;
	int fd;

	if (via == NULL)
		via = &direct;
	if (via->socket != NULL && *via->socket != '\0') {
		log_trace_note("connecting to the unix socket %s", via->socket);
		fd = net_connect_unix(via->socket, connect_timeout_ms, ei);
		if (fd < 0)
			return -1;
		snprintf(addr, sizeof(addr), "unix socket");
		log_trace_note("connected to the unix socket %s", via->socket);
	} else if (via->proxy_host != NULL && *via->proxy_host != '\0') {
		fd = open_proxied(host, port, via, connect_timeout_ms,
		    io_timeout_ms, addr, ei);
		if (fd < 0)
			return -1;
	} else {
		log_trace_note("connecting to %s port %u%s%s", host, port,
		    via->source_ip != NULL && *via->source_ip ? " from " : "",
		    via->source_ip != NULL ? via->source_ip : "");
		fd = net_connect(host, port, via->source_ip, connect_timeout_ms,
		    addr, ei);
		if (fd < 0)
			return -1;
		log_trace_note("connected to %s port %u", addr, port);
	}
	c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	c->host = xstrdup(host);
	c->port = port;
	if (via->socket != NULL && *via->socket != '\0')
		c->socket = xstrdup(via->socket);
	memcpy(c->addr, addr, sizeof(c->addr));
	c->timeout_ms = io_timeout_ms;
	c->rsize = CONN_RBUF_SIZE;
	c->wsize = CONN_WBUF_SIZE;
	c->rbuf = xmalloc(c->rsize);
	c->wbuf = xmalloc(c->wsize);
	c->trace_input = 1;
	buf_init(&c->trace_line, CONN_TRACE_LINE_MAX);
	*c_r = c;
	return 0;
}

/* Prefix a network error with where it happened. */
static int
conn_err(struct conn *c, struct errinfo *ei)
{
	if (c->socket != NULL)
		return err_prefix(ei, "unix socket %s: ", c->socket);
	return err_prefix(ei, "%s port %u: ", c->host, c->port);
}

int
conn_start_tls(struct conn *c, const struct tls_opts *o, struct errinfo *ei)
{
	struct tls_info ti;

	if (c->tls != NULL)
		return err_set(ei, ST_SOFTWARE, "TLS is already active");
	if (c->wlen > 0)
		return err_set(ei, ST_SOFTWARE, "output pending before TLS");
	if (c->rlen > c->rpos) {
		/*
		 * A server says nothing between its OK to STARTTLS and the
		 * handshake: these bytes were put in the stream by someone
		 * else.  Nothing more is sent on this connection, not even a
		 * ClientHello (as mpop and msmtp do).
		 */
		log_trace_note("%zu unprotected bytes after the answer to "
		    "STARTTLS", c->rlen - c->rpos);
		err_set(ei, ST_PROTOCOL, "the answer to STARTTLS was tampered "
		    "with: %zu more bytes arrived before the TLS handshake "
		    "(someone on the way may be injecting commands); giving up "
		    "on this connection", c->rlen - c->rpos);
		return conn_err(c, ei);
	}
	c->rpos = c->rlen = 0;
	buf_reset(&c->trace_line);
	if (tls_start(c->fd, c->host, o, c->timeout_ms, &c->tls, ei) < 0)
		return conn_err(c, ei);
	if (log_tracing()) {
		tls_get_info(c->tls, &ti);
		log_trace_note("TLS established: %s, %s; certificate '%s'; "
		    "trusted by %s", ti.version, ti.cipher, ti.subject, ti.trust);
	}
	return 0;
}

int
conn_is_tls(const struct conn *c)
{
	return c->tls != NULL;
}

void
conn_tls_info(struct conn *c, struct tls_info *ti)
{
	tls_get_info(c->tls, ti);
}

struct tls *
conn_tls(struct conn *c)
{
	return c->tls;
}

/* Show newly read input in the trace, line by line. */
static void
trace_input(struct conn *c, const char *p, size_t n)
{
	while (n > 0) {
		int done;
		ssize_t used = buf_feed_line(&c->trace_line, p, n, &done);

		if (used < 0) {
			/* Over-long line: show what we have, then go on. */
			log_trace("<--", c->trace_line.data, c->trace_line.len, 0);
			log_trace_note("(line continues)");
			buf_reset(&c->trace_line);
			continue;
		}
		if (done) {
			log_trace("<--", c->trace_line.data, c->trace_line.len, 0);
			buf_reset(&c->trace_line);
		}
		p += used;
		n -= (size_t)used;
	}
}

void
conn_greeting_hint(struct conn *c, const char *hint, int fail)
{
	free(c->greet_hint);
	c->greet_hint = hint != NULL ? xstrdup(hint) : NULL;
	c->greet_fail = fail;
}

/* Wait for input on the plain socket, with the greeting hint if due. */
static int
wait_input(struct conn *c, struct errinfo *ei)
{
	int timeout = c->timeout_ms, first = c->bytes_in == 0 &&
	    c->greet_hint != NULL;

	if (first && (timeout == 0 || timeout > CONN_GREETING_HINT_MS)) {
		if (net_wait(c->fd, POLLIN, CONN_GREETING_HINT_MS, ei) == 0)
			return 0;
		if (errno != ETIMEDOUT)
			return err_prefix(ei, "waiting for the server: ");
		if (c->greet_fail)
			return err_set(ei, ST_PROTOCOL, "no greeting within %d "
			    "seconds: %s", CONN_GREETING_HINT_MS / 1000,
			    c->greet_hint);
		log_warn("%s port %u: no greeting after %d seconds; %s; still "
		    "waiting%s", c->host, c->port, CONN_GREETING_HINT_MS / 1000,
		    c->greet_hint, timeout > 0 ? " up to the timeout" : "");
		if (timeout > 0)
			timeout -= CONN_GREETING_HINT_MS;
	}
	if (net_wait(c->fd, POLLIN, timeout, ei) < 0) {
		if (first && errno == ETIMEDOUT)
			err_set(ei, ST_TEMPFAIL, "timed out after %d seconds "
			    "without a greeting (%s)", (c->timeout_ms + 999) /
			    1000, c->greet_hint);
		return err_prefix(ei, "waiting for the server: ");
	}
	return 0;
}

/* conn_fill(); nowait: 1 at once when no byte can be read now. */
static int
fill(struct conn *c, int nowait, struct errinfo *ei)
{
	ssize_t n;

	if (c->rpos == c->rlen)
		c->rpos = c->rlen = 0;
	else if (c->rpos > 0) {
		memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
		c->rlen -= c->rpos;
		c->rpos = 0;
	}
	if (c->rlen == c->rsize)
		return err_set(ei, ST_SOFTWARE, "input buffer full");
	/* Data may flow without a wait: look for a stop request here too. */
	if (sys_check_stop(ei) < 0)
		return -1;
	for (;;) {
		if (c->tls != NULL) {
			n = nowait ? tls_read_nowait(c->tls, c->rbuf + c->rlen,
			    c->rsize - c->rlen, ei) : tls_read(c->tls,
			    c->rbuf + c->rlen, c->rsize - c->rlen,
			    c->timeout_ms, ei);
			if (n == -2)
				return 1;
			if (n < 0)
				return conn_err(c, ei);
		} else {
			n = recv(c->fd, c->rbuf + c->rlen, c->rsize - c->rlen,
			    0);
			if (n < 0 && nowait && (errno == EAGAIN || errno == EINTR))
				return 1;
			if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
				if (wait_input(c, ei) < 0)
					return conn_err(c, ei);
				continue;
			}
			if (n < 0) {
				err_set(ei, ST_TEMPFAIL, "read: %s", strerror(errno));
				return conn_err(c, ei);
			}
		}
		break;
	}
	if (n == 0) {
		err_set(ei, ST_TEMPFAIL, "connection closed by the server");
		return conn_err(c, ei);
	}
	if (c->trace_input && log_tracing())
		trace_input(c, c->rbuf + c->rlen, (size_t)n);
	c->rlen += (size_t)n;
	c->bytes_in += (unsigned long long)n;
	c->input_seen = 1;
	return 0;
}

int
conn_fill(struct conn *c, struct errinfo *ei)
{
	return fill(c, 0, ei);
}

int
conn_fill_nowait(struct conn *c, struct errinfo *ei)
{
	return fill(c, 1, ei);
}

const char *
conn_peek(struct conn *c, size_t *len_r)
{
	*len_r = c->rlen - c->rpos;
	return c->rbuf + c->rpos;
}

void
conn_consume(struct conn *c, size_t n)
{
	if (n > c->rlen - c->rpos)
		n = c->rlen - c->rpos;
	c->rpos += n;
}

int
conn_read_n(struct conn *c, unsigned long long n, conn_sink_fn sink, void *arg,
    struct errinfo *ei)
{
	while (n > 0) {
		size_t avail;
		const char *p = conn_peek(c, &avail);

		if (avail == 0) {
			if (conn_fill(c, ei) < 0)
				return -1;
			continue;
		}
		if (avail > n)
			avail = (size_t)n;
		if (sink(arg, p, avail, ei) < 0)
			return -1;
		conn_consume(c, avail);
		n -= avail;
	}
	return 0;
}

int
conn_flush(struct conn *c, struct errinfo *ei)
{
	size_t off = 0;

	if (c->wlen == 0)
		return 0;
	if (c->tls != NULL) {
		if (tls_write(c->tls, c->wbuf, c->wlen, c->timeout_ms, ei) < 0)
			return conn_err(c, ei);
		off = c->wlen;
	}
	while (off < c->wlen) {
		ssize_t n = send(c->fd, c->wbuf + off, c->wlen - off,
		    MSG_NOSIGNAL);

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (net_wait(c->fd, POLLOUT, c->timeout_ms, ei) < 0) {
				err_prefix(ei, "sending: ");
				return conn_err(c, ei);
			}
			continue;
		}
		if (n < 0) {
			err_set(ei, ST_TEMPFAIL, "write: %s", strerror(errno));
			return conn_err(c, ei);
		}
		off += (size_t)n;
	}
	c->bytes_out += c->wlen;
	if (c->input_seen) {
		c->turns++;
		c->input_seen = 0;
	}
	if (c->wsecret) {
		/* A password went out: leave no copy behind. */
		wipe(c->wbuf, c->wlen);
		c->wsecret = 0;
	}
	c->wlen = 0;
	return 0;
}

int
conn_write(struct conn *c, const void *p, size_t n, struct errinfo *ei)
{
	const char *s = p;

	while (n > 0) {
		size_t room = c->wsize - c->wlen;

		if (room == 0) {
			if (conn_flush(c, ei) < 0)
				return -1;
			continue;
		}
		if (room > n)
			room = n;
		memcpy(c->wbuf + c->wlen, s, room);
		c->wlen += room;
		s += room;
		n -= room;
	}
	return 0;
}

static int
has_line_break(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") != NULL;
}

int
conn_send_line(struct conn *c, const char *shown, const char *secret,
    struct errinfo *ei)
{
	size_t ls = strlen(shown), lh = secret != NULL ? strlen(secret) : 0;

	if (has_line_break(shown) || has_line_break(secret))
		return err_set(ei, ST_DATA, "refusing to send a command with a "
		    "line break in it");
	if (ls + lh + 2 > CONN_CMD_MAX)
		return err_set(ei, ST_DATA, "command too long (%zu bytes)",
		    ls + lh);
	log_trace("-->", shown, ls, lh);
	if (lh > 0)
		c->wsecret = 1;
	if (conn_write(c, shown, ls, ei) < 0 ||
	    conn_write(c, secret, lh, ei) < 0 ||
	    conn_write(c, "\r\n", 2, ei) < 0)
		return -1;
	return 0;
}

void
conn_trace_input(struct conn *c, int on)
{
	c->trace_input = on;
}

int
conn_shrink(struct conn *c, size_t rsize, size_t wsize)
{
	size_t unread = c->rlen - c->rpos;
	char *r, *w;

	if (unread > rsize || c->wlen > wsize || rsize == 0 || wsize == 0)
		return -1;
	r = xmalloc(rsize);
	w = xmalloc(wsize);
	memcpy(r, c->rbuf + c->rpos, unread);
	memcpy(w, c->wbuf, c->wlen);
	wipe(c->wbuf, c->wsize);	/* may have held a password */
	free(c->wbuf);
	free(c->rbuf);
	c->rbuf = r;
	c->rpos = 0;
	c->rlen = unread;
	c->rsize = rsize;
	c->wbuf = w;
	c->wsize = wsize;
	return 0;
}

void
conn_close(struct conn *c)
{
	if (c == NULL)
		return;
	if (c->tls != NULL)
		tls_close(c->tls);
	if (c->fd >= 0)
		close(c->fd);
	wipe(c->wbuf, c->wsize);	/* may have held a password */
	free(c->wbuf);
	free(c->rbuf);
	buf_free(&c->trace_line);
	free(c->host);
	free(c->socket);
	free(c->greet_hint);
	free(c);
}
