/*
 * net: name resolution and TCP connection with a timeout, IPv6 and IPv4
 * (every address of the name, in the resolver's order), and waiting on a
 * socket with a timeout.  Sockets are non-blocking, close-on-exec, with
 * TCP_NODELAY: callers coalesce their writes themselves (conn), so Nagle
 * would only add delayed-ACK stalls.
 */
#ifndef FACTEUR_NET_H
#define FACTEUR_NET_H

#include <stddef.h>

#include "status.h"

/* Room for a numeric address as text, IPv6 included. */
#define NET_ADDR_MAX 64

/*
 * Connect to host:port, trying each address in turn, each for at most
 * timeout_ms (0: the system's own timeout).  With source_ip (an address
 * literal; NULL or "": any), the socket is bound to it first, and only
 * addresses of its family are tried.  On success returns the socket and
 * writes the numeric address used to addr_r.  On failure returns -1:
 * ST_NOHOST when the name does not exist, ST_CONFIG when source_ip is
 * not an address, ST_TEMPFAIL when the name cannot be resolved now or
 * no address accepted the connection (a source_ip that is not on this
 * machine: "cannot use source_ip ...: Cannot assign requested address");
 * the message names host, port and every address tried.
 */
int net_connect(const char *host, unsigned port, const char *source_ip,
    int timeout_ms, char addr_r[NET_ADDR_MAX], struct errinfo *ei);

/*
 * Connect to the unix domain socket at path, waiting at most timeout_ms.
 * Returns the socket, or -1: ST_CONFIG for a path too long for a socket
 * address, ST_TEMPFAIL when nothing listens there ("cannot connect to
 * unix socket 'PATH': No such file or directory").
 */
int net_connect_unix(const char *path, int timeout_ms, struct errinfo *ei);

/*
 * Wait until fd is ready for events (POLLIN and/or POLLOUT) for at most
 * timeout_ms (0: forever).  Returns 0, or -1 with ST_TEMPFAIL on timeout
 * (the message says "timed out after N seconds"; errno is ETIMEDOUT
 * then, and only then) and ST_OSERR on failure.
 */
int net_wait(int fd, short events, int timeout_ms, struct errinfo *ei);

/* Is s an IPv4 or IPv6 address literal (not a name)? */
int net_is_ip_literal(const char *s);

#endif
