/*
 * md5: MD5 (RFC 1321), for POP3 APOP only: libgsasl does not export its
 * digests, and OpenSSL stays inside tls.c.  Pure; tested against the RFC
 * vectors.
 */
#ifndef FACTEUR_MD5_H
#define FACTEUR_MD5_H

#include <stddef.h>
#include <stdint.h>

struct md5 {
	uint32_t h[4];
	uint64_t len;		/* bytes hashed */
	unsigned char blk[64];
	size_t n;		/* bytes waiting in blk */
};

void md5_init(struct md5 *m);
void md5_update(struct md5 *m, const void *p, size_t n);
/* The digest; m is wiped. */
void md5_final(struct md5 *m, unsigned char out[16]);

#endif
