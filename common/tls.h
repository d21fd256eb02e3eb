/*
 * tls: the only module that includes OpenSSL.  Client side only: a TLS
 * session on an already connected socket (implicit TLS, or after a
 * STARTTLS command), with the server certificate verified by default.
 *
 * Trust, in order:
 *  - certcheck off (written explicitly in the config or on the command
 *    line): no verification at all, and the session says so;
 *  - a pinned SHA-256 fingerprint: the leaf certificate must match it;
 *    no CA and no host name are needed (SHA-1 and MD5 too, with a
 *    warning that they are weak, each time);
 *  - otherwise the chain must lead to a trusted CA (the system store, or
 *    the trust file) and the certificate must be valid for the host name
 *    (or the override); with a CRL file, no certificate of the chain may
 *    be revoked, and each needs its issuer's CRL in the file.
 * TLS 1.2 is the minimum; SNI is sent for names (not address literals).
 */
#ifndef FACTEUR_TLS_H
#define FACTEUR_TLS_H

#include <stddef.h>
#include <sys/types.h>

#include "status.h"

/* A SHA-256 digest is 32 bytes; SHA-1 20, MD5 16. */
#define TLS_SHA256_LEN 32
#define TLS_SHA1_LEN 20
#define TLS_MD5_LEN 16
/* The longest fingerprint tls_fingerprint takes. */
#define TLS_FP_MAX TLS_SHA256_LEN

struct tls_opts {
	const char *trust_file;	/* CA file; NULL or "system": system store;
				   "": none (only a fingerprint can trust) */
	const char *fingerprint; /* pinned SHA-256 (or SHA-1, MD5: weak), hex
				    with or without ':' */
	int certcheck;		/* 1 unless turned off explicitly */
	const char *cert_file;	/* client certificate (PEM chain) */
	const char *key_file;	/* its key (PEM) */
	const char *host_override; /* verify this name instead of the host */
	int min_version;	/* 12 (TLS 1.2, default) or 13 */
	const char *crl_file;	/* CRLs (PEM): revoked certificates fail */
};

/* What --serverinfo shows of a session. */
struct tls_info {
	char version[16];	/* "TLSv1.3" */
	char cipher[64];	/* "TLS_AES_256_GCM_SHA384" */
	char group[32];		/* key exchange group, "" if unknown */
	char subject[512];	/* RFC 2253 form */
	char issuer[512];
	char alt_names[512];	/* "DNS:localhost, IP:127.0.0.1" */
	char not_before[32];	/* "2026-11-22 17:00:00 UTC" */
	char not_after[32];
	char sha256[TLS_SHA256_LEN * 3]; /* "AB:CD:...:EF" */
	char trust[300];	/* how the certificate was trusted */
};

struct tls;

/*
 * Run the TLS handshake on the connected, non-blocking socket fd for the
 * server called host, each step waiting at most timeout_ms.  Returns 0
 * and a session in *tls_r, or -1: ST_NOPERM when the certificate is not
 * trusted (the message says why: expired, name mismatch, unknown issuer,
 * fingerprint mismatch), ST_CONFIG for unusable local files (trust file,
 * client certificate, key, fingerprint syntax), ST_TEMPFAIL when the
 * connection broke, ST_PROTOCOL when the server does not speak TLS.
 */
int tls_start(int fd, const char *host, const struct tls_opts *o,
    int timeout_ms, struct tls **tls_r, struct errinfo *ei);

/*
 * Read up to n bytes, waiting at most timeout_ms.  Returns the count,
 * 0 at the end of the stream, or -1 (ST_TEMPFAIL on timeout or a broken
 * connection, ST_PROTOCOL on a TLS error).
 */
ssize_t tls_read(struct tls *t, void *p, size_t n, int timeout_ms,
    struct errinfo *ei);
/* The same without waiting: -2 when no whole record is there yet. */
ssize_t tls_read_nowait(struct tls *t, void *p, size_t n,
    struct errinfo *ei);
/*
 * Free the session's read and write buffers whenever they are empty
 * (SSL_MODE_RELEASE_BUFFERS): some 34 KiB less for each connection that
 * mostly waits (mfetch --daemon's watchers), at the cost of allocations
 * on each record.
 */
void tls_release_buffers(struct tls *t);
/* Write all n bytes (one record when n <= 16 KiB).  Returns 0 or -1. */
int tls_write(struct tls *t, const void *p, size_t n, int timeout_ms,
    struct errinfo *ei);
/* Send close_notify without waiting for the answer, and free. */
void tls_close(struct tls *t);

void tls_get_info(struct tls *t, struct tls_info *ti);

/*
 * Channel binding data for SCRAM-*-PLUS: "tls-exporter" (TLS 1.3) or
 * "tls-unique" (TLS 1.2), chosen by the session's version.  Writes the
 * type name to *type_r and the data to out (size outsz); returns its
 * length, or -1 when the session cannot give one.
 */
ssize_t tls_channel_binding(struct tls *t, const char **type_r,
    unsigned char *out, size_t outsz);

/*
 * Parse a fingerprint: hex digits, optionally separated by ':' (as printed
 * by --serverinfo and "openssl x509 -fingerprint"): 64 for SHA-256, or,
 * as msmtp and mpop still accept for backwards compatibility, 40 for
 * SHA-1 and 32 for MD5.  Returns its length in bytes (TLS_SHA256_LEN,
 * TLS_SHA1_LEN or TLS_MD5_LEN: the length says which digest), or -1 with
 * a message saying what is wrong (ST_CONFIG).
 */
int tls_parse_fingerprint(const char *s, unsigned char out[TLS_FP_MAX],
    struct errinfo *ei);
/* The digest of a fingerprint of len bytes: "SHA-256", "SHA-1", "MD5",
 * or NULL for another length. */
const char *tls_fingerprint_kind(size_t len);

/*
 * Can file (the value of the key named key, for messages) be opened for
 * reading?  Returns 0, or -1 with ST_CONFIG and "cannot read KEY 'FILE':
 * STRERROR".
 */
int tls_file_check(const char *key, const char *file, struct errinfo *ei);

/* "OpenSSL 3.0.19 27 Jan 2026" */
const char *tls_library_version(void);

#endif
