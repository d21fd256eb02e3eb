/*
 * scram: what facteur checks itself in a SCRAM exchange (RFC 5802,
 * 7677) before libgsasl computes anything: the iteration count of the
 * server-first-message.  Each iteration costs two HMACs; a hostile server
 * asking for 2^31 of them would burn half an hour of CPU per login.
 * Pure.
 */
#ifndef FACTEUR_SCRAM_H
#define FACTEUR_SCRAM_H

#include <stddef.h>

/*
 * The largest iteration count accepted: about a quarter of a second of
 * CPU for SCRAM-SHA-256 here.  RFC 7677 asks for at least 4096; OWASP's
 * advice for stored PBKDF2-HMAC-SHA256 hashes (600 000) still fits.
 */
#define SCRAM_ITER_MAX	1000000UL

/*
 * The "i=" attribute of a server-first-message (raw, not base64) of len
 * bytes: 0 and *iter_r, or -1 when there is none or it is not a positive
 * decimal number (*iter_r is then 0; an overflow gives ULONG_MAX).
 */
int scram_iterations(const char *msg, size_t len, unsigned long *iter_r);

#endif
