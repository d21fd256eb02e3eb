/*
 * socks: the client side of a SOCKS5 proxy (RFC 1928), as msmtp and mpop
 * use one: no authentication, then CONNECT to the server by name (address
 * type 3), so that the proxy resolves it and no DNS query leaves this
 * machine (address literals go as IPv4 or IPv6 addresses).
 *
 * The checks of the proxy's answers are pure functions over the bytes
 * received so far, so they are unit-tested byte by byte; socks_connect()
 * drives them on a socket, reading exactly the answer's length and not
 * one byte more (what follows belongs to the server: its greeting, or
 * TLS).
 */
#ifndef FACTEUR_SOCKS_H
#define FACTEUR_SOCKS_H

#include <stddef.h>
#include <sys/types.h>

#include "status.h"

#define SOCKS_DEFAULT_PORT	1080
#define SOCKS_HOST_MAX		255	/* longest name in a request */
/* VER CMD RSV ATYP, length, name, port. */
#define SOCKS_REQUEST_MAX	(4 + 1 + SOCKS_HOST_MAX + 2)
/* The longest answer to CONNECT (a bound name of 255 bytes). */
#define SOCKS_REPLY_MAX		(4 + 1 + 255 + 2)

/*
 * Write the CONNECT request for host:port to out.  Returns its length,
 * or -1 (ST_CONFIG) for a name that is empty or longer than 255 bytes.
 */
ssize_t socks_request(const char *host, unsigned port,
    unsigned char out[SOCKS_REQUEST_MAX], struct errinfo *ei);

/*
 * Check the proxy's 2-byte answer to our greeting (we offer "no
 * authentication" only).  Returns 0, or -1: ST_PROTOCOL when it is not
 * SOCKS5, ST_UNAVAILABLE when the proxy wants authentication.
 */
int socks_check_method(const unsigned char p[2], struct errinfo *ei);

/*
 * Given the first n bytes of the answer to CONNECT, how long the whole
 * answer is, as far as these bytes tell: at least 4 (version, reply code,
 * reserved, address type), then 5 for a name (its length byte), then the
 * exact length.  Returns that length (read until n reaches it), or -1 as
 * soon as a byte is wrong: ST_PROTOCOL for what is not SOCKS5, the reply
 * code's meaning for a refusal ("connection refused (SOCKS reply 5)";
 * ST_TEMPFAIL, or ST_UNAVAILABLE for codes 2, 7 and 8: the proxy refuses
 * for good).
 */
ssize_t socks_reply_need(const unsigned char *p, size_t n,
    struct errinfo *ei);

/* The text of a SOCKS5 reply code ("connection refused"). */
const char *socks_reply_text(unsigned code);

/*
 * On fd, connected to the proxy, ask it to connect to host:port.  Each
 * wait lasts at most timeout_ms (0: none).  Returns 0 when the proxy
 * connected (the stream is the server's from here), or -1 (the errors
 * above; ST_TEMPFAIL on a timeout or a closed connection).
 */
int socks_connect(int fd, const char *host, unsigned port, int timeout_ms,
    struct errinfo *ei);

#endif
