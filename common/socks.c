/* socks: SOCKS5 CONNECT without authentication (RFC 1928). */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "net.h"
#include "socks.h"

#define SOCKS_VERSION		5
#define SOCKS_NO_AUTH		0
#define SOCKS_NO_METHOD		0xff
#define SOCKS_CMD_CONNECT	1
#define SOCKS_ATYP_IPV4		1
#define SOCKS_ATYP_NAME		3
#define SOCKS_ATYP_IPV6		4

ssize_t
socks_request(const char *host, unsigned port,
    unsigned char out[SOCKS_REQUEST_MAX], struct errinfo *ei)
{
	size_t len = strlen(host), n = 0;
	unsigned char a[sizeof(struct in6_addr)];

	out[n++] = SOCKS_VERSION;
	out[n++] = SOCKS_CMD_CONNECT;
	out[n++] = 0;
	if (inet_pton(AF_INET, host, a) == 1) {
		out[n++] = SOCKS_ATYP_IPV4;
		memcpy(out + n, a, 4);
		n += 4;
	} else if (inet_pton(AF_INET6, host, a) == 1) {
		out[n++] = SOCKS_ATYP_IPV6;
		memcpy(out + n, a, 16);
		n += 16;
	} else {
		if (len == 0 || len > SOCKS_HOST_MAX)
			return err_set(ei, ST_CONFIG, "host name '%.40s%s' cannot "
			    "go through a SOCKS5 proxy (1 to %d bytes, not %zu)",
			    host, len > 40 ? "..." : "", SOCKS_HOST_MAX, len);
		out[n++] = SOCKS_ATYP_NAME;
		out[n++] = (unsigned char)len;
		memcpy(out + n, host, len);
		n += len;
	}
	out[n++] = (unsigned char)(port >> 8 & 0xff);
	out[n++] = (unsigned char)(port & 0xff);
	return (ssize_t)n;
}

int
socks_check_method(const unsigned char p[2], struct errinfo *ei)
{
	if (p[0] != SOCKS_VERSION)
		return err_set(ei, ST_PROTOCOL, "the proxy does not speak "
		    "SOCKS5: its answer starts with 0x%02x 0x%02x (expected "
		    "0x05)", p[0], p[1]);
	if (p[1] == SOCKS_NO_METHOD)
		return err_set(ei, ST_UNAVAILABLE, "the proxy requires "
		    "authentication (it accepts none of the methods offered: "
		    "only 'no authentication' is supported)");
	if (p[1] != SOCKS_NO_AUTH)
		return err_set(ei, ST_PROTOCOL, "the proxy chose the "
		    "authentication method 0x%02x, which was not offered", p[1]);
	return 0;
}

const char *
socks_reply_text(unsigned code)
{
	static const char *const text[] = {
		"succeeded",
		"general SOCKS server failure",
		"connection not allowed by ruleset",
		"network unreachable",
		"host unreachable",
		"connection refused",
		"TTL expired",
		"command not supported",
		"address type not supported",
	};

	return code < sizeof(text) / sizeof(text[0]) ? text[code] :
	    "unknown reply code";
}

ssize_t
socks_reply_need(const unsigned char *p, size_t n, struct errinfo *ei)
{
	if (n >= 1 && p[0] != SOCKS_VERSION)
		return err_set(ei, ST_PROTOCOL, "the proxy does not speak "
		    "SOCKS5: its answer starts with 0x%02x (expected 0x05)",
		    p[0]);
	if (n >= 2 && p[1] != 0)
		return err_set(ei, p[1] == 2 || p[1] == 7 || p[1] == 8 ?
		    ST_UNAVAILABLE : ST_TEMPFAIL, "the proxy could not connect: "
		    "%s (SOCKS reply %u)", socks_reply_text(p[1]), p[1]);
	if (n >= 3 && p[2] != 0)
		return err_set(ei, ST_PROTOCOL, "the proxy's answer is not "
		    "SOCKS5: reserved byte 0x%02x (expected 0x00)", p[2]);
	if (n < 4)
		return 4;
	switch (p[3]) {
	case SOCKS_ATYP_IPV4:
		return 4 + 4 + 2;
	case SOCKS_ATYP_IPV6:
		return 4 + 16 + 2;
	case SOCKS_ATYP_NAME:
		if (n < 5)
			return 5;
		if (p[4] == 0)
			return err_set(ei, ST_PROTOCOL, "the proxy's answer is "
			    "not SOCKS5: an empty bound name");
		return 4 + 1 + p[4] + 2;
	default:
		return err_set(ei, ST_PROTOCOL, "the proxy's answer is not "
		    "SOCKS5: address type 0x%02x (expected 1, 3 or 4)", p[3]);
	}
}

/* Send all n bytes. */
static int
send_all(int fd, const unsigned char *p, size_t n, int timeout_ms,
    struct errinfo *ei)
{
	while (n > 0) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);

		if (k < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (net_wait(fd, POLLOUT, timeout_ms, ei) < 0)
				return -1;
			continue;
		}
		if (k < 0)
			return err_set(ei, ST_TEMPFAIL, "write: %s",
			    strerror(errno));
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Read exactly n bytes (never more: the rest is the server's). */
static int
recv_exact(int fd, unsigned char *p, size_t n, int timeout_ms,
    struct errinfo *ei)
{
	while (n > 0) {
		ssize_t k = recv(fd, p, n, 0);

		if (k < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (net_wait(fd, POLLIN, timeout_ms, ei) < 0)
				return err_prefix(ei, "waiting for the proxy: ");
			continue;
		}
		if (k < 0)
			return err_set(ei, ST_TEMPFAIL, "read: %s",
			    strerror(errno));
		if (k == 0)
			return err_set(ei, ST_TEMPFAIL, "the proxy closed the "
			    "connection");
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int
socks_connect(int fd, const char *host, unsigned port, int timeout_ms,
    struct errinfo *ei)
{
	static const unsigned char hello[] = { SOCKS_VERSION, 1, SOCKS_NO_AUTH };
	unsigned char req[SOCKS_REQUEST_MAX], rep[SOCKS_REPLY_MAX];
	ssize_t len, need;
	size_t have = 0;

	len = socks_request(host, port, req, ei);
	if (len < 0)
		return -1;
	if (send_all(fd, hello, sizeof(hello), timeout_ms, ei) < 0 ||
	    recv_exact(fd, rep, 2, timeout_ms, ei) < 0 ||
	    socks_check_method(rep, ei) < 0)
		return -1;
	if (send_all(fd, req, (size_t)len, timeout_ms, ei) < 0)
		return -1;
	while ((need = socks_reply_need(rep, have, ei)) > (ssize_t)have) {
		/* need <= SOCKS_REPLY_MAX: the length byte is at most 255. */
		if (recv_exact(fd, rep + have, (size_t)need - have, timeout_ms,
		    ei) < 0)
			return -1;
		have = (size_t)need;
	}
	return need < 0 ? -1 : 0;
}
