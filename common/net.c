/* net: resolve and connect with timeouts, IPv6 and IPv4. */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "net.h"
#include "sys.h"

/* How much of the "address: error; ..." list goes into one message. */
#define NET_TRIED_MAX 600

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
net_wait(int fd, short events, int timeout_ms, struct errinfo *ei)
{
	struct pollfd pfd;
	long long deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
	int left, n;

	for (;;) {
		int slice = SYS_STOP_POLL_MS;

		if (sys_check_stop(ei) < 0) {
			errno = EINTR;
			return -1;
		}
		left = -1;
		if (timeout_ms > 0) {
			long long d = deadline - now_ms();

			left = d > 0 ? (int)d : 0;
		}
		/* Wake up now and then to see whether a stop was asked. */
		if (left < 0 || left > slice)
			slice = SYS_STOP_POLL_MS;
		else
			slice = left;
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, slice);
		if (n > 0)
			return 0;
		if (n == 0 && slice == left) {
			err_set(ei, ST_TEMPFAIL, "timed out after %d seconds",
			    (timeout_ms + 999) / 1000);
			errno = ETIMEDOUT;
			return -1;
		}
		if (n < 0 && errno != EINTR)
			return err_set(ei, ST_OSERR, "poll: %s", strerror(errno));
	}
}

int
net_is_ip_literal(const char *s)
{
	unsigned char tmp[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, tmp) == 1 || inet_pton(AF_INET6, s, tmp) == 1;
}

static void
set_socket_options(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
}

/*
 * Connect one address, from src if not NULL; returns the socket or -1 with
 * errno set (*bind_failed_r set when binding to src failed).
 */
static int
connect_one(const struct addrinfo *ai, const struct addrinfo *src,
    int timeout_ms, int *bind_failed_r)
{
	struct errinfo ei;
	socklen_t len;
	int fd, err;

	*bind_failed_r = 0;
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    ai->ai_protocol);
	if (fd < 0)
		return -1;
	if (src != NULL && bind(fd, src->ai_addr, src->ai_addrlen) < 0) {
		*bind_failed_r = 1;
		goto fail;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		goto ok;
	if (errno != EINPROGRESS)
		goto fail;
	if (net_wait(fd, POLLOUT, timeout_ms, &ei) < 0) {
		errno = ei.st == ST_TEMPFAIL ? ETIMEDOUT : EIO;
		goto fail;
	}
	len = sizeof(err);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		goto fail;
	if (err != 0) {
		errno = err;
		goto fail;
	}
ok:
	set_socket_options(fd);
	return fd;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

/* The source address as an addrinfo (*src_r NULL for none). */
static int
source_addr(const char *source_ip, struct addrinfo **src_r,
    struct errinfo *ei)
{
	struct addrinfo hints;
	int rc;

	*src_r = NULL;
	if (source_ip == NULL || *source_ip == '\0')
		return 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
	rc = getaddrinfo(source_ip, NULL, &hints, src_r);
	if (rc != 0)
		return err_set(ei, ST_CONFIG, "invalid source_ip '%s': %s "
		    "(an IPv4 or IPv6 address of this machine is needed)",
		    source_ip, gai_strerror(rc));
	return 0;
}

int
net_connect(const char *host, unsigned port, const char *source_ip,
    int timeout_ms, char addr_r[NET_ADDR_MAX], struct errinfo *ei)
{
	struct addrinfo hints, *res, *ai, *src = NULL;
	struct buf tried;
	char portstr[16];
	int fd = -1, rc, bind_failed;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	snprintf(portstr, sizeof(portstr), "%u", port);
	rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc == EAI_ADDRFAMILY || (rc == EAI_NONAME && net_is_ip_literal(host))) {
		/* An address literal of a family we have no address for. */
		hints.ai_flags = 0;
		rc = getaddrinfo(host, portstr, &hints, &res);
	}
	if (rc == 0 && source_addr(source_ip, &src, ei) < 0) {
		freeaddrinfo(res);
		return -1;
	}
	if (rc != 0) {
		if (rc == EAI_NONAME || rc == EAI_NODATA || rc == EAI_FAIL)
			return err_set(ei, ST_NOHOST, "cannot find host '%s': %s",
			    host, gai_strerror(rc));
		return err_set(ei, ST_TEMPFAIL, "cannot resolve host '%s': %s",
		    host, rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
	}
	buf_init(&tried, NET_TRIED_MAX);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		char addr[NET_ADDR_MAX];

		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof(addr),
		    NULL, 0, NI_NUMERICHOST) != 0)
			snprintf(addr, sizeof(addr), "?");
		if (src != NULL && src->ai_family != ai->ai_family) {
			buf_printf(&tried, "%s%s: not tried, source_ip '%s' is "
			    "of another address family", tried.len ? "; " : "",
			    addr, source_ip);
			continue;
		}
		fd = connect_one(ai, src, timeout_ms, &bind_failed);
		if (fd >= 0) {
			snprintf(addr_r, NET_ADDR_MAX, "%s", addr);
			break;
		}
		if (bind_failed)
			buf_printf(&tried, "%s%s: cannot use source_ip '%s': %s%s",
			    tried.len ? "; " : "", addr, source_ip,
			    strerror(errno), errno == EADDRNOTAVAIL ?
			    " (it is not an address of this machine)" : "");
		else
			buf_printf(&tried, "%s%s: %s", tried.len ? "; " : "", addr,
			    errno == ETIMEDOUT ? "connection timed out" :
			    strerror(errno));
	}
	freeaddrinfo(res);
	if (src != NULL)
		freeaddrinfo(src);
	if (fd < 0)
		err_set(ei, ST_TEMPFAIL, "cannot connect to %s port %u (%s)",
		    host, port, tried.data);
	buf_free(&tried);
	return fd;
}

int
net_connect_unix(const char *path, int timeout_ms, struct errinfo *ei)
{
	struct sockaddr_un sun;
	struct errinfo wei;
	socklen_t len;
	int fd, err;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return err_set(ei, ST_CONFIG, "unix socket path '%s' is too long "
		    "(at most %zu bytes)", path, sizeof(sun.sun_path) - 1);
	memcpy(sun.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(ei, ST_OSERR, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		return fd;
	err = errno;
	if (err == EINPROGRESS || err == EAGAIN) {
		/* A listener with a full backlog: wait for room. */
		if (net_wait(fd, POLLOUT, timeout_ms, &wei) < 0) {
			err = wei.st == ST_TEMPFAIL ? ETIMEDOUT : EIO;
		} else {
			len = sizeof(err);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
				err = errno;
			if (err == 0)
				return fd;
		}
	}
	close(fd);
	return err_set(ei, ST_TEMPFAIL, "cannot connect to unix socket '%s': "
	    "%s", path, err == ETIMEDOUT ? "connection timed out" :
	    strerror(err));
}
