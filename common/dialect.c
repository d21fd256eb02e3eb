/* dialect: msmtp's and mpop's keys in facteur's terms. */
#include "autoconf.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dialect.h"
#include "settings.h"

#define M	1	/* msmtp has the key */
#define P	2	/* mpop has the key */

enum kind {
	K_SRV,		/* a server key: the program's side prefix */
	K_ACC,		/* an account key */
	K_INV,		/* on/off, inverted into the target */
	K_FIXED,	/* the target with a fixed value (an old key) */
	K_DELIVERY,	/* mpop's "delivery METHOD ARGS" */
	K_SYSLOG,	/* LOG_MAIL... */
	K_PROTOCOL,	/* msmtp's smtp|lmtp */
	K_IGNORE	/* accepted, ignored: why */
};

struct peerkey {
	const char *name;
	int peers;
	enum kind kind;
	const char *target;	/* K_IGNORE: the reason */
	const char *fixed;	/* K_FIXED: the value */
};

/* Every key msmtp(1) and mpop(1) document (and the old ones their
 * parsers still accept); "defaults", "account" and "eval" are syntax. */
static const struct peerkey peerkeys[] = {
	{ "host", M | P, K_SRV, "host", NULL },
	{ "port", M | P, K_SRV, "port", NULL },
	{ "timeout", M | P, K_SRV, "timeout", NULL },
	{ "connect_timeout", M, K_SRV, "connect_timeout", NULL },
	{ "source_ip", M | P, K_SRV, "source_ip", NULL },
	{ "proxy_host", M | P, K_SRV, "proxy_host", NULL },
	{ "proxy_port", M | P, K_SRV, "proxy_port", NULL },
	{ "socket", M | P, K_SRV, "socket", NULL },
	{ "auth", M | P, K_SRV, "auth", NULL },
	{ "user", M | P, K_SRV, "user", NULL },
	{ "password", M | P, K_SRV, "password", NULL },
	{ "passwordeval", M | P, K_SRV, "passwordeval", NULL },
	{ "tls", M | P, K_SRV, "tls", NULL },
	{ "tls_starttls", M | P, K_SRV, "tls_starttls", NULL },
	{ "tls_trust_file", M | P, K_SRV, "tls_trust_file", NULL },
	{ "tls_crl_file", M | P, K_SRV, "tls_crl_file", NULL },
	{ "tls_fingerprint", M | P, K_SRV, "tls_fingerprint", NULL },
	{ "tls_certcheck", M | P, K_SRV, "tls_certcheck", NULL },
	{ "tls_cert_file", M | P, K_SRV, "tls_cert_file", NULL },
	{ "tls_key_file", M | P, K_SRV, "tls_key_file", NULL },
	{ "tls_host_override", M | P, K_SRV, "tls_host_override", NULL },
	{ "tls_priorities", M | P, K_SRV, "tls_priorities", NULL },
	{ "tls_min_dh_prime_bits", M | P, K_SRV, "tls_min_dh_prime_bits",
	    NULL },
	{ "tls_nocertcheck", M, K_FIXED, "tls_certcheck", "off" },
	{ "tls_nostarttls", M, K_FIXED, "tls_starttls", "off" },
	{ "tls_force_sslv3", M | P, K_IGNORE, "SSLv3 is broken and not "
	    "offered (TLS 1.2 is the lowest version)", NULL },
	{ "ntlmdomain", M | P, K_IGNORE, "the NTLM mechanism is not "
	    "offered", NULL },
	/* msmtp */
	{ "protocol", M, K_PROTOCOL, "protocol", NULL },
	{ "domain", M, K_SRV, "domain", NULL },
	{ "from", M, K_ACC, "from", NULL },
	{ "from_full_name", M, K_ACC, "from_full_name", NULL },
	{ "allow_from_override", M, K_ACC, "allow_from_override", NULL },
	{ "dsn_notify", M, K_ACC, "dsn_notify", NULL },
	{ "dsn_return", M, K_ACC, "dsn_return", NULL },
	{ "set_from_header", M, K_ACC, "set_from_header", NULL },
	{ "set_date_header", M, K_ACC, "set_date_header", NULL },
	{ "set_msgid_header", M, K_ACC, "set_msgid_header", NULL },
	{ "set_to_header", M, K_ACC, "set_to_header", NULL },
	{ "add_missing_from_header", M, K_ACC, "add_missing_from_header",
	    NULL },
	{ "add_missing_date_header", M, K_ACC, "add_missing_date_header",
	    NULL },
	{ "remove_bcc_headers", M, K_ACC, "remove_bcc_headers", NULL },
	{ "keepbcc", M, K_INV, "remove_bcc_headers", NULL },
	{ "undisclosed_recipients", M, K_ACC, "undisclosed_recipients", NULL },
	{ "logfile", M, K_ACC, "logfile", NULL },
	{ "logfile_time_format", M, K_ACC, "logfile_time_format", NULL },
	{ "syslog", M, K_SYSLOG, "syslog", NULL },
	{ "aliases", M, K_ACC, "aliases", NULL },
	{ "auto_from", M, K_ACC, "auto_from", NULL },
	/* facteur's queue, welcome in an msmtp file too (issue 13). */
	{ "queue", M, K_ACC, "queue", NULL },
	{ "queue_dir", M, K_ACC, "queue_dir", NULL },
	{ "queue_lifetime", M, K_ACC, "queue_lifetime", NULL },
	{ "bounce_to", M, K_ACC, "bounce_to", NULL },
	{ "maildomain", M, K_ACC, "maildomain", NULL },
	/* mpop */
	{ "pipelining", P, K_ACC, "pipelining", NULL },
	{ "received_header", P, K_ACC, "received_header", NULL },
	{ "delivery", P, K_DELIVERY, "delivery", NULL },
	{ "uidls_file", P, K_ACC, "mpop_uidls_file", NULL },
	{ "only_new", P, K_INV, "fetchall", NULL },
	{ "keep", P, K_ACC, "keep", NULL },
	{ "killsize", P, K_ACC, "killsize", NULL },
	{ "skipsize", P, K_ACC, "skipsize", NULL },
	{ "filter", P, K_ACC, "filter", NULL },
};

#define NPEERKEYS (sizeof(peerkeys) / sizeof(peerkeys[0]))

const char *
dialect_name(enum config_dialect d)
{
	switch (d) {
	case CONFIG_DIALECT_MSMTP:
		return "msmtp";
	case CONFIG_DIALECT_MPOP:
		return "mpop";
	case CONFIG_DIALECT_AUTO:
	case CONFIG_DIALECT_FACTEUR:
		break;
	}
	return "facteur";
}

enum config_dialect
dialect_peer(int side)
{
	if (side == SIDE_OUT)
		return CONFIG_DIALECT_MSMTP;
	if (side == SIDE_IN)
		return CONFIG_DIALECT_MPOP;
	return CONFIG_DIALECT_FACTEUR;
}

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Is the value after a key (from p to end) one of the words a or b? */
static int
value_is(const char *p, const char *end, const char *a, const char *b)
{
	size_t vl = 0;

	while (p < end && blank(*p))
		p++;
	while (p + vl < end && !blank(p[vl]))
		vl++;
	return (vl == strlen(a) && strncasecmp(p, a, vl) == 0) ||
	    (vl == strlen(b) && strncasecmp(p, b, vl) == 0);
}

enum config_dialect
dialect_detect(const char *text, size_t len, int side)
{
	size_t pos = 0;
	int host = 0;

	while (pos < len) {
		const char *p = text + pos, *end = memchr(p, '\n', len - pos);
		size_t kl = 0;

		if (end == NULL)
			end = text + len;
		pos = (size_t)(end - text) + 1;
		while (p < end && blank(*p))
			p++;
		while (p + kl < end && !blank(p[kl]))
			kl++;
		if (kl == 0 || *p == '#')
			continue;
#define IS(s) (kl == sizeof(s) - 1 && memcmp(p, s, kl) == 0)
#define STARTS(s) (kl > sizeof(s) - 1 && memcmp(p, s, sizeof(s) - 1) == 0)
		if (IS("incoming") || IS("outgoing") || IS("address") ||
		    STARTS("incoming_") || STARTS("outgoing_") ||
		    IS("folders") || IS("move_to") || IS("mark_seen") ||
		    IS("poll_interval") || IS("idle_interval") ||
		    IS("imap_notify"))
			return CONFIG_DIALECT_FACTEUR;
		/* Neither peer fetches or sends over IMAP or POP3 by name. */
		if (IS("protocol") && value_is(p + kl, end, "imap", "pop3"))
			return CONFIG_DIALECT_FACTEUR;
		if (IS("host") || IS("eval"))
			host = 1;	/* a peer's server line, or may be */
#undef IS
#undef STARTS
	}
	return host ? dialect_peer(side) : CONFIG_DIALECT_FACTEUR;
}

static const struct peerkey *
find_peerkey(enum config_dialect d, const char *key)
{
	int mask = d == CONFIG_DIALECT_MSMTP ? M : P;
	size_t i;

	for (i = 0; i < NPEERKEYS; i++)
		if ((peerkeys[i].peers & mask) &&
		    strcmp(peerkeys[i].name, key) == 0)
			return &peerkeys[i];
	return NULL;
}

/* The side prefix of the peer's one server. */
static const char *
prefixed(enum config_dialect d, const char *key)
{
	static char tmp[64];

	snprintf(tmp, sizeof(tmp), "%s_%s", d == CONFIG_DIALECT_MSMTP ?
	    "outgoing" : "incoming", key);
	return tmp;
}

/* mpop's "delivery METHOD ARGS" is facteur's too (settings.c turns it
 * into "METHOD,ARGS"); only Windows' "exchange" means nothing here. */
static enum dialect_action
delivery(const char *v, struct buf *out, char *why, size_t whysz)
{
	static const char *const methods[] = { "mbox", "maildir", "mda", NULL };
	const char *const *m;

	if (v == NULL)
		return DIALECT_SET;
	if (strncmp(v, "exchange", 8) == 0 && (v[8] == ' ' || v[8] == '\t' ||
	    v[8] == ',' || v[8] == '\0')) {
		snprintf(why, whysz, "'delivery exchange' (a Windows Exchange "
		    "pickup directory) is not offered: use mbox, maildir or mda");
		return DIALECT_IGNORE;
	}
	/* mpop unquotes the arguments again: delivery mda "COMMAND". */
	for (m = methods; *m != NULL; m++) {
		size_t n = strlen(*m);
		const char *a = v + n, *end;

		if (strncmp(v, *m, n) != 0 || !blank(*a))
			continue;
		while (blank(*a))
			a++;
		end = a + strlen(a);
		if (end - a >= 2 && *a == '"' && end[-1] == '"') {
			a++;
			end--;
		}
		buf_addstr(out, *m);
		buf_addch(out, ' ');
		buf_add(out, a, (size_t)(end - a));
		return DIALECT_SET;
	}
	buf_addstr(out, v);
	return DIALECT_SET;
}

/* msmtp's "LOG_MAIL" -> "mail"; no value -> msmtp's default, LOG_USER. */
static void
syslog_value(const char *v, struct buf *out)
{
	const char *p;

	if (v == NULL || *v == '\0') {
		buf_addstr(out, "user");
		return;
	}
	if (strncmp(v, "LOG_", 4) == 0) {
		for (p = v + 4; *p != '\0'; p++)
			buf_addch(out, (char)tolower((unsigned char)*p));
		return;
	}
	buf_addstr(out, v);
}

enum dialect_action
dialect_translate(enum config_dialect d, const char *key, const char *value,
    const char **key_r, struct buf *out, char *why, size_t whysz)
{
	const struct peerkey *k = find_peerkey(d, key);

	*key_r = NULL;
	if (k == NULL) {
		snprintf(why, whysz, "'%s' is not a key of %s or facteur: "
		    "ignored", key, dialect_name(d));
		return DIALECT_IGNORE;
	}
	switch (k->kind) {
	case K_IGNORE:
		snprintf(why, whysz, "'%s' is ignored: %s", key, k->target);
		return DIALECT_IGNORE;
	case K_SRV:
		*key_r = prefixed(d, k->target);
		break;
	case K_ACC:
		*key_r = k->target;
		break;
	case K_FIXED:
		*key_r = prefixed(d, k->target);
		buf_addstr(out, k->fixed);
		return DIALECT_SET;
	case K_INV:
		*key_r = k->target;
		if (value == NULL || *value == '\0' || strcmp(value, "on") == 0)
			buf_addstr(out, "off");
		else if (strcmp(value, "off") == 0)
			buf_addstr(out, "on");
		else
			buf_addstr(out, value);	/* refused as not on/off */
		return DIALECT_SET;
	case K_DELIVERY:
		*key_r = k->target;
		return delivery(value, out, why, whysz);
	case K_SYSLOG:
		*key_r = k->target;
		syslog_value(value, out);
		return DIALECT_SET;
	case K_PROTOCOL:
		if (value != NULL && strcasecmp(value, "smtp") == 0)
			return DIALECT_SKIP;	/* the default */
		*key_r = prefixed(d, k->target);
		break;
	}
	if (value != NULL)
		buf_addstr(out, value);
	return DIALECT_SET;
}

int
dialect_default(enum config_dialect d, size_t i, const char **key_r,
    const char **value_r)
{
	static const char *const msmtp[][2] = {
		{ "outgoing_tls", "off" },
		{ "outgoing_auth", "off" },
	};
	static const char *const mpop[][2] = {
		{ "incoming_tls", "off" },
		{ "keep", "off" },
	};

	if (d == CONFIG_DIALECT_MSMTP && i < sizeof(msmtp) / sizeof(msmtp[0])) {
		*key_r = msmtp[i][0];
		*value_r = msmtp[i][1];
		return 1;
	}
	if (d == CONFIG_DIALECT_MPOP && i < sizeof(mpop) / sizeof(mpop[0])) {
		*key_r = mpop[i][0];
		*value_r = mpop[i][1];
		return 1;
	}
	return 0;
}
