/* tls: client TLS through OpenSSL, with verification on by default. */
#include "autoconf.h"

#include <pthread.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "net.h"
#include "tls.h"
#include "xalloc.h"

struct tls {
	SSL_CTX *ctx;
	SSL *ssl;
	int fd;
	char trust[300];
	/* What the verify callback saw first (0: nothing wrong). */
	int verr;
	int vdepth;
	char vsubject[256];
	char vissuer[256];
	char vnot_after[32];
	char valt[512];
};

static int tls_ex_index = -1;
static pthread_once_t ex_once = PTHREAD_ONCE_INIT;

static void
ex_index_init(void)
{
	tls_ex_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

const char *
tls_library_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}

/* The most useful OpenSSL error text, or fallback. */
static const char *
ssl_reason(const char *fallback)
{
	static __thread char text[256];	/* one per thread (daemon) */
	unsigned long e, last = 0;

	while ((e = ERR_get_error()) != 0)
		last = e;
	if (last == 0)
		return fallback;
	ERR_error_string_n(last, text, sizeof(text));
	{
		/* Keep just the reason: "error:0A00010B:SSL routines::wrong version number". */
		const char *r = ERR_reason_error_string(last);

		if (r != NULL)
			snprintf(text, sizeof(text), "%s", r);
	}
	return text;
}

static void
name_text(X509_NAME *name, char *out, size_t outsz)
{
	BIO *bio = BIO_new(BIO_s_mem());
	long n;
	char *p;

	out[0] = '\0';
	if (bio == NULL || name == NULL)
		goto done;
	X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	n = BIO_get_mem_data(bio, &p);
	if (n > 0)
		snprintf(out, outsz, "%.*s", (int)n, p);
done:
	BIO_free(bio);
}

static void
time_text(const ASN1_TIME *t, char *out, size_t outsz)
{
	struct tm tm;

	out[0] = '\0';
	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return;
	strftime(out, outsz, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static void
fingerprint_text(X509 *cert, const EVP_MD *type, char *out, size_t outsz)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	size_t o = 0;

	out[0] = '\0';
	if (cert == NULL || !X509_digest(cert, type, md, &n))
		return;
	for (i = 0; i < n && o + 3 < outsz; i++)
		o += (size_t)snprintf(out + o, outsz - o, "%s%02X", i ? ":" : "",
		    md[i]);
}

static void
alt_names_text(X509 *cert, char *out, size_t outsz)
{
	GENERAL_NAMES *names;
	size_t o = 0;
	int i;

	out[0] = '\0';
	names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	if (names == NULL)
		return;
	for (i = 0; i < sk_GENERAL_NAME_num(names); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);
		char item[128];

		item[0] = '\0';
		if (gn->type == GEN_DNS) {
			const unsigned char *s = ASN1_STRING_get0_data(gn->d.dNSName);

			snprintf(item, sizeof(item), "DNS:%.*s",
			    ASN1_STRING_length(gn->d.dNSName), (const char *)s);
		} else if (gn->type == GEN_IPADD) {
			int len = ASN1_STRING_length(gn->d.iPAddress);
			const unsigned char *a = ASN1_STRING_get0_data(gn->d.iPAddress);
			char txt[NET_ADDR_MAX];

			if ((len != 4 && len != 16) || inet_ntop(len == 16 ?
			    AF_INET6 : AF_INET, a, txt, sizeof(txt)) == NULL)
				snprintf(txt, sizeof(txt), "?");
			snprintf(item, sizeof(item), "IP:%s", txt);
		}
		if (item[0] != '\0' && o + strlen(item) + 3 < outsz)
			o += (size_t)snprintf(out + o, outsz - o, "%s%s",
			    o ? ", " : "", item);
	}
	GENERAL_NAMES_free(names);
}

/* Remember the first verification failure for a clear message. */
static int
verify_cb(int ok, X509_STORE_CTX *store)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(store,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	struct tls *t = ssl != NULL ? SSL_get_ex_data(ssl, tls_ex_index) : NULL;
	X509 *cert;

	if (ok || t == NULL || t->verr != 0)
		return ok;
	t->verr = X509_STORE_CTX_get_error(store);
	t->vdepth = X509_STORE_CTX_get_error_depth(store);
	cert = X509_STORE_CTX_get_current_cert(store);
	if (cert != NULL) {
		name_text(X509_get_subject_name(cert), t->vsubject,
		    sizeof(t->vsubject));
		name_text(X509_get_issuer_name(cert), t->vissuer,
		    sizeof(t->vissuer));
		time_text(X509_get0_notAfter(cert), t->vnot_after,
		    sizeof(t->vnot_after));
		if (t->vdepth == 0)
			alt_names_text(cert, t->valt, sizeof(t->valt));
	}
	return ok;
}

const char *
tls_fingerprint_kind(size_t len)
{
	switch (len) {
	case TLS_SHA256_LEN:
		return "SHA-256";
	case TLS_SHA1_LEN:
		return "SHA-1";
	case TLS_MD5_LEN:
		return "MD5";
	}
	return NULL;
}

static const EVP_MD *
fingerprint_md(size_t len)
{
	return len == TLS_SHA1_LEN ? EVP_sha1() : len == TLS_MD5_LEN ?
	    EVP_md5() : EVP_sha256();
}

int
tls_parse_fingerprint(const char *s, unsigned char out[TLS_FP_MAX],
    struct errinfo *ei)
{
	size_t n = 0;
	const char *p;

	for (p = s; *p != '\0'; p++) {
		int hi, lo;

		if (*p == ':')
			continue;
		if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]))
			return err_set(ei, ST_CONFIG, "invalid fingerprint '%s': "
			    "expected 64 (SHA-256), 40 (SHA-1) or 32 (MD5) "
			    "hexadecimal digits, optionally separated by ':'", s);
		if (n == TLS_FP_MAX) {
			n++;
			break;
		}
		hi = OPENSSL_hexchar2int((unsigned char)p[0]);
		lo = OPENSSL_hexchar2int((unsigned char)p[1]);
		out[n++] = (unsigned char)(hi << 4 | lo);
		p++;
	}
	if (tls_fingerprint_kind(n) == NULL)
		return err_set(ei, ST_CONFIG, "invalid fingerprint '%s': %s%zu "
		    "bytes; expected 32 (SHA-256, as printed by --serverinfo), "
		    "or 20 (SHA-1) or 16 (MD5), which are weak", s,
		    n > TLS_FP_MAX ? "more than " : "", n > TLS_FP_MAX ?
		    (size_t)TLS_FP_MAX : n);
	return (int)n;
}

int
tls_file_check(const char *key, const char *file, struct errinfo *ei)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return err_set(ei, ST_CONFIG, "cannot read %s '%s': %s", key,
		    file, strerror(errno));
	close(fd);
	return 0;
}

/*
 * The trust stores, one per CA file (as it is on disk now) or the
 * system's, shared by every connection of the process: with the
 * system's CAs a store is some 850 KiB, and mfetch --daemon keeps a
 * connection per folder.  Loaded once under the lock (setup threads may
 * ask at the same time); OpenSSL verifies against a shared store.  A
 * store with CRLs is never shared (load_crl() changes it).
 */
#define STORES_MAX	8

static pthread_mutex_t stores_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char *key;
	X509_STORE *st;
} stores[STORES_MAX];
static size_t nstores;

/* A reference to the store for file (NULL: the system's), or NULL. */
static X509_STORE *
trust_store(const char *file)
{
	char key[4200];
	struct stat sb;
	X509_STORE *st = NULL;
	size_t i;

	if (file == NULL)
		snprintf(key, sizeof(key), "system");
	else if (stat(file, &sb) == 0)
		snprintf(key, sizeof(key), "%s|%llu|%lld|%lld", file,
		    (unsigned long long)sb.st_ino, (long long)sb.st_mtime,
		    (long long)sb.st_size);
	else
		return NULL;
	pthread_mutex_lock(&stores_mu);
	for (i = 0; i < nstores; i++)
		if (strcmp(stores[i].key, key) == 0) {
			st = stores[i].st;
			X509_STORE_up_ref(st);
			break;
		}
	if (st == NULL && (st = X509_STORE_new()) != NULL) {
		if ((file == NULL ? X509_STORE_set_default_paths(st) :
		    X509_STORE_load_file(st, file)) != 1) {
			X509_STORE_free(st);
			st = NULL;
		} else if (nstores < STORES_MAX &&
		    X509_STORE_up_ref(st) == 1) {
			stores[nstores].key = xstrdup(key);
			stores[nstores++].st = st;
		}
	}
	pthread_mutex_unlock(&stores_mu);
	return st;
}

/* Trust what file (NULL: the system) trusts: 0, or -1 (OpenSSL's error). */
static int
use_trust(struct tls *t, const char *file, int crl)
{
	X509_STORE *st;

	if (crl)	/* a store of its own: load_crl() adds to it */
		return (file == NULL ?
		    SSL_CTX_set_default_verify_paths(t->ctx) :
		    SSL_CTX_load_verify_locations(t->ctx, file, NULL)) == 1 ?
		    0 : -1;
	if ((st = trust_store(file)) == NULL)
		return -1;
	SSL_CTX_set_cert_store(t->ctx, st);	/* takes our reference */
	return 0;
}

/* Check every certificate of the chain against the CRLs in file. */
static int
load_crl(struct tls *t, const char *file, struct errinfo *ei)
{
	X509_STORE *st = SSL_CTX_get_cert_store(t->ctx);
	X509_LOOKUP *lu;

	if (tls_file_check("tls_crl_file", file, ei) < 0)
		return -1;
	lu = X509_STORE_add_lookup(st, X509_LOOKUP_file());
	if (lu == NULL || X509_load_crl_file(lu, file, X509_FILETYPE_PEM) <= 0)
		return err_set(ei, ST_CONFIG, "cannot load tls_crl_file '%s': "
		    "%s", file, ssl_reason("no CRL in it"));
	X509_STORE_set_flags(st, X509_V_FLAG_CRL_CHECK |
	    X509_V_FLAG_CRL_CHECK_ALL);
	return 0;
}

static int
setup_ctx(struct tls *t, const char *host, const struct tls_opts *o,
    struct errinfo *ei)
{
	const char *vname = o->host_override != NULL && *o->host_override ?
	    o->host_override : host;
	int crl = o->crl_file != NULL && *o->crl_file;

	t->ctx = SSL_CTX_new(TLS_client_method());
	if (t->ctx == NULL)
		return err_set(ei, ST_SOFTWARE, "cannot create TLS context: %s",
		    ssl_reason("unknown error"));
	SSL_CTX_set_min_proto_version(t->ctx,
	    o->min_version == 13 ? TLS1_3_VERSION : TLS1_2_VERSION);
	SSL_CTX_set_options(t->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF |
	    SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_mode(t->ctx, SSL_MODE_AUTO_RETRY);

	if (!o->certcheck) {
		SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
		snprintf(t->trust, sizeof(t->trust), "NOT VERIFIED "
		    "(tls_certcheck off): anyone on the path can read and "
		    "change this connection");
	} else if (o->fingerprint != NULL && *o->fingerprint) {
		unsigned char pin[TLS_FP_MAX];
		int n = tls_parse_fingerprint(o->fingerprint, pin, ei);

		if (n < 0)
			return -1;
		SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
		snprintf(t->trust, sizeof(t->trust), "pinned %s "
		    "fingerprint (tls_fingerprint)%s",
		    tls_fingerprint_kind((size_t)n), n != TLS_SHA256_LEN ?
		    ": a weak digest, pin the SHA-256 fingerprint instead" : "");
	} else {
		if (o->trust_file != NULL && *o->trust_file == '\0')
			return err_set(ei, ST_CONFIG, "tls_trust_file is empty "
			    "(trust no CA) and tls_fingerprint is not set, so "
			    "no server certificate can be trusted: set "
			    "tls_fingerprint (--serverinfo prints it), or "
			    "tls_trust_file to a CA file or 'system'");
		if (o->trust_file == NULL ||
		    strcmp(o->trust_file, "system") == 0) {
			if (use_trust(t, NULL, crl) < 0)
				return err_set(ei, ST_CONFIG, "cannot load the "
				    "system CA certificates: %s",
				    ssl_reason("unknown error"));
			snprintf(t->trust, sizeof(t->trust), "system CA "
			    "certificates, valid for '%s'", vname);
		} else {
			if (tls_file_check("tls_trust_file", o->trust_file,
			    ei) < 0)
				return -1;
			if (use_trust(t, o->trust_file, crl) < 0)
				return err_set(ei, ST_CONFIG, "cannot load "
				    "tls_trust_file '%s': %s", o->trust_file,
				    ssl_reason("no certificates in it"));
			snprintf(t->trust, sizeof(t->trust), "CA from "
			    "tls_trust_file '%s', valid for '%s'",
			    o->trust_file, vname);
		}
		if (o->crl_file != NULL && *o->crl_file) {
			size_t l = strlen(t->trust);

			if (load_crl(t, o->crl_file, ei) < 0)
				return -1;
			snprintf(t->trust + l, sizeof(t->trust) - l, ", not "
			    "revoked (tls_crl_file)");
		}
		SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, verify_cb);
	}

	if (o->cert_file != NULL && *o->cert_file) {
		const char *key = o->key_file != NULL && *o->key_file ?
		    o->key_file : o->cert_file;

		if (tls_file_check("tls_cert_file", o->cert_file, ei) < 0 ||
		    tls_file_check(key == o->cert_file ? "tls_cert_file" :
		    "tls_key_file", key, ei) < 0)
			return -1;
		if (SSL_CTX_use_certificate_chain_file(t->ctx, o->cert_file) != 1)
			return err_set(ei, ST_CONFIG, "cannot load tls_cert_file "
			    "'%s': %s", o->cert_file, ssl_reason("unreadable"));
		if (SSL_CTX_use_PrivateKey_file(t->ctx, key,
		    SSL_FILETYPE_PEM) != 1)
			return err_set(ei, ST_CONFIG, "cannot load tls_key_file "
			    "'%s': %s", key, ssl_reason("unreadable"));
		if (SSL_CTX_check_private_key(t->ctx) != 1)
			return err_set(ei, ST_CONFIG, "tls_key_file '%s' does not "
			    "match tls_cert_file '%s'", key, o->cert_file);
	} else if (o->key_file != NULL && *o->key_file) {
		return err_set(ei, ST_CONFIG, "tls_key_file is set but "
		    "tls_cert_file is not");
	}

	t->ssl = SSL_new(t->ctx);
	if (t->ssl == NULL || !SSL_set_fd(t->ssl, t->fd))
		return err_set(ei, ST_SOFTWARE, "cannot create TLS session: %s",
		    ssl_reason("unknown error"));
	SSL_set_ex_data(t->ssl, tls_ex_index, t);
	if (!net_is_ip_literal(vname)) {
		/* The macro casts away const: give it a copy of our own. */
		char sni[256];

		snprintf(sni, sizeof(sni), "%s", vname);
		SSL_set_tlsext_host_name(t->ssl, sni);
	}
	if (o->certcheck && (o->fingerprint == NULL || !*o->fingerprint)) {
		X509_VERIFY_PARAM *vp = SSL_get0_param(t->ssl);

		X509_VERIFY_PARAM_set_hostflags(vp,
		    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		if (net_is_ip_literal(vname)) {
			if (!X509_VERIFY_PARAM_set1_ip_asc(vp, vname))
				return err_set(ei, ST_SOFTWARE, "cannot set the "
				    "address to verify");
		} else if (!X509_VERIFY_PARAM_set1_host(vp, vname, 0)) {
			return err_set(ei, ST_SOFTWARE, "cannot set the host "
			    "name to verify");
		}
	}
	return 0;
}

/* Explain a verification failure the callback recorded. */
static int
verify_error(struct tls *t, const char *host, const struct tls_opts *o,
    struct errinfo *ei)
{
	const char *vname = o->host_override != NULL && *o->host_override ?
	    o->host_override : host;
	const char *trusted = o->trust_file != NULL && *o->trust_file &&
	    strcmp(o->trust_file, "system") != 0 ? o->trust_file :
	    "the system CA certificates";

	switch (t->verr) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return err_set(ei, ST_NOPERM, "server certificate has expired "
		    "(valid until %s; subject '%s')", t->vnot_after, t->vsubject);
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return err_set(ei, ST_NOPERM, "server certificate is not valid "
		    "yet (subject '%s'); check the system clock", t->vsubject);
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		return err_set(ei, ST_NOPERM, "server certificate name mismatch: "
		    "it is not valid for '%s' (subject '%s'%s%s)", vname,
		    t->vsubject, t->valt[0] ? ", names " : "", t->valt);
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		return err_set(ei, ST_NOPERM, "server certificate issuer is "
		    "unknown: '%s' is not among %s (certificate subject '%s'); "
		    "set tls_trust_file to its CA, or pin the certificate with "
		    "tls_fingerprint", t->vissuer, trusted, t->vsubject);
	case X509_V_ERR_CERT_REVOKED:
		return err_set(ei, ST_NOPERM, "server certificate has been "
		    "REVOKED by its issuer (listed in tls_crl_file '%s'; "
		    "subject '%s', issuer '%s')", o->crl_file, t->vsubject,
		    t->vissuer);
	case X509_V_ERR_UNABLE_TO_GET_CRL:
		return err_set(ei, ST_NOPERM, "cannot check whether the "
		    "certificate '%s' is revoked: tls_crl_file '%s' has no CRL "
		    "from its issuer '%s'", t->vsubject, o->crl_file,
		    t->vissuer);
	case X509_V_ERR_CRL_HAS_EXPIRED:
	case X509_V_ERR_CRL_NOT_YET_VALID:
		return err_set(ei, ST_NOPERM, "the CRL of '%s' in tls_crl_file "
		    "'%s' %s; get a current one", t->vissuer, o->crl_file,
		    t->verr == X509_V_ERR_CRL_HAS_EXPIRED ? "has expired" :
		    "is not valid yet");
	default:
		return err_set(ei, ST_NOPERM, "server certificate not trusted: "
		    "%s (subject '%s')", X509_verify_cert_error_string(t->verr),
		    t->vsubject);
	}
}

/* Wait for what OpenSSL asked for; returns 0, or -1. */
static int
wait_for(struct tls *t, int sslerr, int timeout_ms, struct errinfo *ei)
{
	return net_wait(t->fd, sslerr == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN,
	    timeout_ms, ei);
}

static int
check_pin(struct tls *t, const struct tls_opts *o, struct errinfo *ei)
{
	unsigned char pin[TLS_FP_MAX], md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	X509 *peer = SSL_get0_peer_certificate(t->ssl);
	char got[EVP_MAX_MD_SIZE * 3], sha256[TLS_SHA256_LEN * 3];
	const char *kind;
	int len;

	len = tls_parse_fingerprint(o->fingerprint, pin, ei);
	if (len < 0)
		return -1;
	kind = tls_fingerprint_kind((size_t)len);
	if (peer == NULL || !X509_digest(peer, fingerprint_md((size_t)len), md,
	    &n))
		return err_set(ei, ST_NOPERM, "server sent no certificate to "
		    "check against tls_fingerprint");
	fingerprint_text(peer, EVP_sha256(), sha256, sizeof(sha256));
	if (n != (unsigned)len || CRYPTO_memcmp(md, pin, n) != 0) {
		if (len == TLS_SHA256_LEN)
			return err_set(ei, ST_NOPERM, "server certificate does "
			    "not match tls_fingerprint: its SHA-256 fingerprint "
			    "is %s", sha256);
		fingerprint_text(peer, fingerprint_md((size_t)len), got,
		    sizeof(got));
		return err_set(ei, ST_NOPERM, "server certificate does not "
		    "match tls_fingerprint: its %s fingerprint is %s (SHA-256: "
		    "%s)", kind, got, sha256);
	}
	if (len != TLS_SHA256_LEN)
		log_warn("tls_fingerprint is a weak %s fingerprint (accepted "
		    "for compatibility with msmtp and mpop): pin the "
		    "certificate's SHA-256 fingerprint instead: %s", kind,
		    sha256);
	return 0;
}

int
tls_start(int fd, const char *host, const struct tls_opts *o,
    int timeout_ms, struct tls **tls_r, struct errinfo *ei)
{
	struct tls *t;
	int rc, e;

	pthread_once(&ex_once, ex_index_init);
	t = xcalloc(1, sizeof(*t));
	t->fd = fd;
	ERR_clear_error();
	if (setup_ctx(t, host, o, ei) < 0)
		goto fail;
	for (;;) {
		ERR_clear_error();
		rc = SSL_connect(t->ssl);
		if (rc == 1)
			break;
		e = SSL_get_error(t->ssl, rc);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			if (wait_for(t, e, timeout_ms, ei) < 0) {
				err_prefix(ei, "TLS handshake: ");
				goto fail;
			}
			continue;
		}
		if (t->verr != 0) {
			verify_error(t, host, o, ei);
		} else if (e == SSL_ERROR_SYSCALL || e == SSL_ERROR_ZERO_RETURN) {
			err_set(ei, ST_TEMPFAIL, "TLS handshake failed: %s",
			    errno != 0 && e == SSL_ERROR_SYSCALL ?
			    strerror(errno) : "connection closed by the server");
		} else {
			const char *why = ssl_reason("unknown error");

			err_set(ei, ST_PROTOCOL, "TLS handshake failed: %s%s", why,
			    strstr(why, "wrong version number") != NULL ?
			    " (the server does not speak TLS on this port; "
			    "STARTTLS may be needed)" : "");
		}
		goto fail;
	}
	if (o->certcheck && o->fingerprint != NULL && *o->fingerprint &&
	    check_pin(t, o, ei) < 0)
		goto fail;
	*tls_r = t;
	return 0;
fail:
	if (t->ssl != NULL)
		SSL_free(t->ssl);
	if (t->ctx != NULL)
		SSL_CTX_free(t->ctx);
	free(t);
	return -1;
}

/* tls_read(); nowait: -2 at once when nothing can be read yet. */
static ssize_t
read_some(struct tls *t, void *p, size_t n, int timeout_ms, int nowait,
    struct errinfo *ei)
{
	size_t got;
	int rc, e;

	for (;;) {
		ERR_clear_error();
		errno = 0;
		rc = SSL_read_ex(t->ssl, p, n, &got);
		if (rc == 1)
			return (ssize_t)got;
		e = SSL_get_error(t->ssl, rc);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			if (nowait)
				return -2;
			if (wait_for(t, e, timeout_ms, ei) < 0)
				return -1;
			continue;
		}
		if (e == SSL_ERROR_ZERO_RETURN)
			return 0;
		if (e == SSL_ERROR_SYSCALL)
			return errno == 0 ? 0 : err_set(ei, ST_TEMPFAIL,
			    "TLS read: %s", strerror(errno));
		return err_set(ei, ST_PROTOCOL, "TLS read: %s",
		    ssl_reason("unknown error"));
	}
}

ssize_t
tls_read(struct tls *t, void *p, size_t n, int timeout_ms, struct errinfo *ei)
{
	return read_some(t, p, n, timeout_ms, 0, ei);
}

ssize_t
tls_read_nowait(struct tls *t, void *p, size_t n, struct errinfo *ei)
{
	return read_some(t, p, n, 0, 1, ei);
}

void
tls_release_buffers(struct tls *t)
{
	SSL_set_mode(t->ssl, SSL_MODE_RELEASE_BUFFERS);
}

int
tls_write(struct tls *t, const void *p, size_t n, int timeout_ms,
    struct errinfo *ei)
{
	size_t done;
	int rc, e;

	if (n == 0)
		return 0;
	for (;;) {
		ERR_clear_error();
		errno = 0;
		rc = SSL_write_ex(t->ssl, p, n, &done);
		if (rc == 1)
			return 0;
		e = SSL_get_error(t->ssl, rc);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			if (wait_for(t, e, timeout_ms, ei) < 0)
				return -1;
			continue;
		}
		if (e == SSL_ERROR_SYSCALL || e == SSL_ERROR_ZERO_RETURN)
			return err_set(ei, ST_TEMPFAIL, "TLS write: %s",
			    errno != 0 ? strerror(errno) : "connection closed");
		return err_set(ei, ST_PROTOCOL, "TLS write: %s",
		    ssl_reason("unknown error"));
	}
}

void
tls_close(struct tls *t)
{
	if (t == NULL)
		return;
	ERR_clear_error();
	SSL_shutdown(t->ssl);	/* one close_notify; no waiting */
	ERR_clear_error();
	SSL_free(t->ssl);
	SSL_CTX_free(t->ctx);
	free(t);
}

void
tls_get_info(struct tls *t, struct tls_info *ti)
{
	X509 *peer = SSL_get0_peer_certificate(t->ssl);
	const char *g;

	memset(ti, 0, sizeof(*ti));
	snprintf(ti->version, sizeof(ti->version), "%s", SSL_get_version(t->ssl));
	snprintf(ti->cipher, sizeof(ti->cipher), "%s",
	    SSL_get_cipher_name(t->ssl));
	g = SSL_group_to_name(t->ssl, SSL_get_negotiated_group(t->ssl));
	snprintf(ti->group, sizeof(ti->group), "%s", g != NULL ? g : "");
	snprintf(ti->trust, sizeof(ti->trust), "%s", t->trust);
	if (peer == NULL)
		return;
	name_text(X509_get_subject_name(peer), ti->subject, sizeof(ti->subject));
	name_text(X509_get_issuer_name(peer), ti->issuer, sizeof(ti->issuer));
	alt_names_text(peer, ti->alt_names, sizeof(ti->alt_names));
	time_text(X509_get0_notBefore(peer), ti->not_before,
	    sizeof(ti->not_before));
	time_text(X509_get0_notAfter(peer), ti->not_after, sizeof(ti->not_after));
	fingerprint_text(peer, EVP_sha256(), ti->sha256, sizeof(ti->sha256));
}

ssize_t
tls_channel_binding(struct tls *t, const char **type_r, unsigned char *out,
    size_t outsz)
{
	static const char label[] = "EXPORTER-Channel-Binding";

	if (SSL_version(t->ssl) >= TLS1_3_VERSION) {
		if (outsz < 32 || SSL_export_keying_material(t->ssl, out, 32,
		    label, sizeof(label) - 1, NULL, 0, 0) != 1)
			return -1;
		*type_r = "tls-exporter";
		return 32;
	}
	if (SSL_session_reused(t->ssl))
		return -1;
	{
		/* tls-unique: the first Finished message, ours on a full handshake. */
		size_t n = SSL_get_finished(t->ssl, out, outsz);

		if (n == 0 || n > outsz)
			return -1;
		*type_r = "tls-unique";
		return (ssize_t)n;
	}
}
