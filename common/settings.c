/* settings: the key table, value checks, and ordered assignment lists. */
#include "autoconf.h"

#include <ctype.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "log.h"
#include "net.h"
#include "settings.h"
#include "url.h"
#include "sys.h"
#include "xalloc.h"

enum type {
	T_ADDRESS,	/* account address */
	T_URL,		/* server URL */
	T_HOST,		/* host name or address */
	T_PORT,
	T_PROTO,	/* pop3 | imap */
	T_BOOL,		/* on | off */
	T_FILE,		/* path, ~/ expanded */
	T_FINGERPRINT,
	T_TLSVER,	/* 1.2 | 1.3 */
	T_STR,
	T_PASSWORD,
	T_AUTH,		/* on | off | mechanism */
	T_SECONDS,	/* off | N */
	T_DOMAIN,
	T_LOGFILE,	/* account log file */
	T_SYSLOG,	/* on | off | facility */
	T_IP,		/* an address literal; empty: unset */
	T_TRUST,	/* system | a file; empty: no CA (not unset) */
	T_IGNORED,	/* accepted for msmtp/mpop files, warned about */
	/* Keys of the account itself (off: in struct account). */
	T_A_FILE,	/* path, ~/ expanded */
	T_A_BOOL,	/* on | off */
	T_A_NOTBOOL,	/* on | off, stored inverted (only_new: fetchall) */
	T_A_NOTIFY,	/* off | never | success,failure,delay */
	T_A_RETURN,	/* off | headers | full */
	T_A_SETHDR,	/* auto | on | off */
	T_A_SETHDR2,	/* auto | off */
	T_A_MISSING,	/* on | off: SETHDR_AUTO | SETHDR_OFF */
	T_A_DELIVERY,	/* mbox,FILE | maildir,DIR | mda,COMMAND */
	T_A_KEEP,	/* on | off | N[smhdw] */
	T_A_SIZE,	/* off | N[kKmMgG] */
	T_A_COUNT,	/* off | N */
	T_A_STR,	/* any text; "" unsets */
	T_A_SETTO	/* on | off | undisclosed_recipients (set_to_header) */
};

struct key {
	const char *name;
	enum type type;
	int sides;	/* sides the key may be set for; 0: account key */
	int plain;	/* sides set when written without a prefix */
	size_t off;	/* field in struct server */
};

#define SRV(f) offsetof(struct server, f)
#define ACC(f) offsetof(struct account, f)

static const struct key keys[] = {
	{ "address", T_ADDRESS, 0, 0, 0 },
	{ "from", T_ADDRESS, 0, 0, 0 },		/* msmtp's name */
	{ "incoming", T_URL, 0, SIDE_IN, 0 },
	{ "outgoing", T_URL, 0, SIDE_OUT, 0 },
	{ "logfile", T_LOGFILE, 0, 0, 0 },
	{ "syslog", T_SYSLOG, 0, 0, 0 },
	{ "host", T_HOST, SIDE_BOTH, 0, SRV(host) },
	{ "port", T_PORT, SIDE_BOTH, 0, SRV(port) },
	/* incoming: pop3|imap; outgoing_protocol: smtp|lmtp (msmtp's). */
	{ "protocol", T_PROTO, SIDE_BOTH, SIDE_IN, SRV(proto) },
	{ "tls", T_BOOL, SIDE_BOTH, SIDE_BOTH, SRV(tls) },
	{ "tls_starttls", T_BOOL, SIDE_BOTH, SIDE_BOTH, SRV(starttls) },
	{ "tls_trust_file", T_TRUST, SIDE_BOTH, SIDE_BOTH, SRV(trust_file) },
	{ "tls_fingerprint", T_FINGERPRINT, SIDE_BOTH, SIDE_BOTH,
	    SRV(fingerprint) },
	{ "tls_certcheck", T_BOOL, SIDE_BOTH, SIDE_BOTH, SRV(certcheck) },
	{ "tls_cert_file", T_FILE, SIDE_BOTH, SIDE_BOTH, SRV(cert_file) },
	{ "tls_key_file", T_FILE, SIDE_BOTH, SIDE_BOTH, SRV(key_file) },
	{ "tls_host_override", T_HOST, SIDE_BOTH, SIDE_BOTH,
	    SRV(host_override) },
	{ "tls_min_version", T_TLSVER, SIDE_BOTH, SIDE_BOTH,
	    SRV(tls_min_version) },
	{ "user", T_STR, SIDE_BOTH, SIDE_BOTH, SRV(user) },
	{ "password", T_PASSWORD, SIDE_BOTH, SIDE_BOTH, SRV(password) },
	{ "passwordeval", T_STR, SIDE_BOTH, SIDE_BOTH, SRV(passwordeval) },
	{ "auth", T_AUTH, SIDE_BOTH, SIDE_BOTH, SRV(auth) },
	{ "auth_plaintext", T_BOOL, SIDE_BOTH, SIDE_BOTH, SRV(auth_plaintext) },
	{ "timeout", T_SECONDS, SIDE_BOTH, SIDE_BOTH, SRV(timeout) },
	{ "connect_timeout", T_SECONDS, SIDE_BOTH, SIDE_BOTH,
	    SRV(connect_timeout) },
	{ "domain", T_DOMAIN, SIDE_OUT, SIDE_OUT, SRV(domain) },
	{ "source_ip", T_IP, SIDE_BOTH, SIDE_BOTH, SRV(source_ip) },
	{ "proxy_host", T_HOST, SIDE_BOTH, SIDE_BOTH, SRV(proxy_host) },
	{ "proxy_port", T_PORT, SIDE_BOTH, SIDE_BOTH, SRV(proxy_port) },
	{ "socket", T_FILE, SIDE_BOTH, SIDE_BOTH, SRV(socket) },
	{ "tls_crl_file", T_FILE, SIDE_BOTH, SIDE_BOTH, SRV(crl_file) },
	/* GnuTLS settings of msmtp and mpop: accepted, ignored, warned. */
	{ "tls_priorities", T_IGNORED, SIDE_BOTH, SIDE_BOTH, 0 },
	{ "tls_min_dh_prime_bits", T_IGNORED, SIDE_BOTH, SIDE_BOTH, 0 },
	/* msend's handling of messages, as msmtp names it. */
	{ "aliases", T_A_FILE, 0, 0, ACC(aliases) },
	{ "dsn_notify", T_A_NOTIFY, 0, 0, ACC(dsn_notify) },
	{ "dsn_return", T_A_RETURN, 0, 0, ACC(dsn_return) },
	{ "remove_bcc_headers", T_A_BOOL, 0, 0, ACC(remove_bcc) },
	{ "select_by_from_header", T_A_BOOL, 0, 0,
	    ACC(select_by_from_header) },
	{ "set_from_header", T_A_SETHDR, 0, 0, ACC(set_from) },
	{ "set_date_header", T_A_SETHDR2, 0, 0, ACC(set_date) },
	{ "set_msgid_header", T_A_SETHDR2, 0, 0, ACC(set_msgid) },
	{ "add_missing_from_header", T_A_MISSING, 0, 0, ACC(set_from) },
	{ "add_missing_date_header", T_A_MISSING, 0, 0, ACC(set_date) },
	/* mfetch's handling of messages (mpop's names). */
	{ "delivery", T_A_DELIVERY, 0, 0, ACC(delivery) },
	{ "keep", T_A_KEEP, 0, 0, ACC(keep) },
	{ "uidls_file", T_A_FILE, 0, 0, ACC(uidls_file) },
	{ "mpop_uidls_file", T_A_FILE, 0, 0, ACC(mpop_uidls_file) },
	{ "only_new", T_A_NOTBOOL, 0, 0, ACC(fetchall) },
	{ "fetchmail_idfile", T_A_FILE, 0, 0, ACC(fetchmail_idfile) },
	{ "killsize", T_A_SIZE, 0, 0, ACC(killsize) },
	{ "skipsize", T_A_SIZE, 0, 0, ACC(skipsize) },
	{ "fetchall", T_A_BOOL, 0, 0, ACC(fetchall) },
	{ "max_messages", T_A_COUNT, 0, 0, ACC(max_messages) },
	{ "received_header", T_A_BOOL, 0, 0, ACC(received_header) },
	{ "pipelining", T_A_SETHDR, 0, 0, ACC(pipelining) },
	{ "filter", T_A_FILE, 0, 0, ACC(filter) },
	/* msmtp's, for msend (issue 11). */
	{ "logfile_time_format", T_A_STR, 0, 0, ACC(logfile_time_format) },
	{ "set_to_header", T_A_SETTO, 0, 0, ACC(set_to_header) },
	/* msmtp's older form: on is set_to_header undisclosed_recipients. */
	{ "undisclosed_recipients", T_A_SETTO, 0, 0, ACC(set_to_header) },
	{ "from_full_name", T_A_STR, 0, 0, ACC(from_full_name) },
	{ "allow_from_override", T_A_BOOL, 0, 0, ACC(allow_from_override) },
	{ "auto_from", T_A_BOOL, 0, 0, ACC(auto_from) },
	{ "maildomain", T_A_STR, 0, 0, ACC(maildomain) },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* Longest timeout accepted, in seconds (a day). */
#define SECONDS_MAX 86400

void
setlist_init(struct setlist *l)
{
	memset(l, 0, sizeof(*l));
}

void
setlist_free(struct setlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (keys[l->v[i].key].type == T_PASSWORD)
			xfree_secret(l->v[i].value);
		else
			free(l->v[i].value);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void
push(struct setlist *l, int key, int sides, const char *value, int line)
{
	struct setting *s;

	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 16;
		l->v = xreallocarray(l->v, l->alloc, sizeof(*l->v));
	}
	s = &l->v[l->n++];
	s->key = key;
	s->sides = sides;
	s->value = value != NULL ? xstrdup(value) : NULL;
	s->line = line;
	if (keys[key].type == T_PASSWORD && !l->has_password) {
		l->has_password = 1;
		l->password_line = line;
	}
}

void
setlist_append(struct setlist *dst, const struct setlist *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		push(dst, src->v[i].key, src->v[i].sides, src->v[i].value,
		    src->v[i].line);
}

static int
find_key(const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Split "incoming_user" into the key and its side; -1 if unknown. */
static int
lookup(const char *name, int *sides_r, struct errinfo *ei)
{
	static const struct {
		const char *prefix;
		int side;
	} pre[] = { { "incoming_", SIDE_IN }, { "outgoing_", SIDE_OUT } };
	size_t i;
	int k;

	k = find_key(name);
	if (k >= 0) {
		if (keys[k].sides != 0 && keys[k].plain == 0)
			return err_set(ei, ST_CONFIG, "'%s' needs a side: write "
			    "incoming_%s or outgoing_%s (or use an 'incoming' or "
			    "'outgoing' URL)", name, name, name);
		*sides_r = keys[k].plain;
		return k;
	}
	for (i = 0; i < 2; i++) {
		size_t pl = strlen(pre[i].prefix);

		if (strncmp(name, pre[i].prefix, pl) != 0)
			continue;
		k = find_key(name + pl);
		if (k < 0)
			break;
		if ((keys[k].sides & pre[i].side) == 0)
			return err_set(ei, ST_CONFIG, "'%s' is not a setting of "
			    "the %s server", name + pl, pre[i].side == SIDE_IN ?
			    "incoming" : "outgoing");
		*sides_r = pre[i].side;
		return k;
	}
	return err_set(ei, ST_CONFIG, "unknown key '%s'", name);
}

int
settings_key_known(const char *key)
{
	struct errinfo ei;
	int sides;

	return find_key(key) >= 0 || lookup(key, &sides, &ei) >= 0;
}

static int
has_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* "mbox,~/x": the home expanded in the part after the comma. */
static char *
expand_home_after_comma(const char *v);

static int
parse_bool(const char *v, int *b_r)
{
	if (v == NULL || *v == '\0' || strcmp(v, "on") == 0)
		*b_r = 1;
	else if (strcmp(v, "off") == 0)
		*b_r = 0;
	else
		return -1;
	return 0;
}

/* Expand a leading "~/" with the home directory. */
static char *
expand_home(const char *v)
{
	if (v[0] != '~' || (v[1] != '/' && v[1] != '\0'))
		return xstrdup(v);
	return xasprintf("%s%s", sys_home(), v + 1);
}

static char *
expand_home_after_comma(const char *v)
{
	const char *c = strchr(v, ',');
	char *tail = expand_home(c + 1), *r;

	r = xasprintf("%.*s,%s", (int)(c - v + 0), v, tail);
	free(tail);
	return r;
}

/* mpop's "mbox FILE", "maildir DIR", "mda COMMAND": the comma form, or
 * NULL when v is not written so. */
static char *
delivery_comma(const char *v)
{
	static const char *const m[] = { "mbox", "maildir", "mda" };
	size_t i, n;
	const char *p;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		n = strlen(m[i]);
		if (strncmp(v, m[i], n) != 0 || (v[n] != ' ' && v[n] != '\t'))
			continue;
		for (p = v + n; *p == ' ' || *p == '\t'; p++)
			;
		return xasprintf("%s,%s", m[i], p);
	}
	return NULL;
}

/*
 * Check a value for a key and return its normalized text (NULL for
 * "unset").  *bad_r is set on failure, with ei filled.
 */
static char *
check_value(const struct key *k, const char *name, const char *v, int *bad_r,
    struct errinfo *ei)
{
	char buf[32], *norm;
	int b;

	*bad_r = 0;
	if (v != NULL && has_ctl(v)) {
		*bad_r = 1;
		err_set(ei, ST_CONFIG, "control character in the value of '%s'",
		    name);
		return NULL;
	}
	if (k->type == T_BOOL || k->type == T_A_BOOL ||
	    k->type == T_A_NOTBOOL || k->type == T_A_MISSING) {
		if (parse_bool(v, &b) < 0)
			goto bad_bool;
		return xstrdup(b ? "on" : "off");
	}
	if (k->type == T_SYSLOG && (v == NULL || *v == '\0'))
		return xstrdup("mail");
	if (k->type == T_TRUST && (v == NULL || *v == '\0'))
		return xstrdup("");	/* msmtp: an empty value trusts no CA */
	if (k->type == T_A_SETTO) {
		int old = strcmp(k->name, "undisclosed_recipients") == 0;

		if (!old && v != NULL && strcmp(v, "undisclosed_recipients") == 0)
			return xstrdup(v);
		if (parse_bool(v, &b) < 0) {
			*bad_r = 1;
			err_set(ei, ST_CONFIG, "'%s' takes %s, not '%s'", name, old ?
			    "on or off" : "on, off or undisclosed_recipients", v);
			return NULL;
		}
		return xstrdup(!b ? "off" : old ? "undisclosed_recipients" :
		    "on");
	}
	if (v == NULL || *v == '\0') {
		if (k->type == T_URL || k->type == T_PROTO ||
		    k->type == T_TLSVER || k->type == T_SECONDS ||
		    k->type == T_A_NOTIFY || k->type == T_A_RETURN ||
		    k->type == T_A_SETHDR || k->type == T_A_SETHDR2 ||
		    k->type == T_A_DELIVERY || k->type == T_A_KEEP ||
		    k->type == T_A_SIZE || k->type == T_A_COUNT) {
			*bad_r = 1;
			err_set(ei, ST_CONFIG, "'%s' needs a value", name);
		}
		return NULL;
	}
	switch (k->type) {
	case T_URL: {
		struct url u;
		int want = k->plain;

		if (url_parse(v, &u, ei) < 0)
			goto bad;
		if ((want == SIDE_IN && u.proto == PROTO_SMTP) ||
		    (want == SIDE_OUT && u.proto != PROTO_SMTP)) {
			url_free(&u);
			err_set(ei, ST_CONFIG, "'%s' takes a%s URL, not '%s'",
			    name, want == SIDE_IN ? "n incoming server "
			    "(pop3://, pop3s://, imap:// or imaps://)" :
			    "n outgoing server (smtp:// or smtps://)", v);
			goto bad;
		}
		url_free(&u);
		return xstrdup(v);
	}
	case T_PORT: {
		unsigned p;

		if (parse_port(v, &p) < 0) {
			err_set(ei, ST_CONFIG, "invalid port '%s' (1 to 65535)", v);
			goto bad;
		}
		snprintf(buf, sizeof(buf), "%u", p);
		return xstrdup(buf);
	}
	case T_PROTO:
		if (strncmp(name, "outgoing_", 9) == 0) {
			if (strcasecmp(v, "smtp") == 0 || strcasecmp(v, "lmtp") == 0)
				return xstrdup(strcasecmp(v, "lmtp") == 0 ? "lmtp" :
				    "smtp");
			err_set(ei, ST_CONFIG, "'%s' takes smtp or lmtp, not '%s'",
			    name, v);
			goto bad;
		}
		if (strcasecmp(v, "pop3") == 0)
			return xstrdup("pop3");
		if (strcasecmp(v, "imap") == 0)
			return xstrdup("imap");
		err_set(ei, ST_CONFIG, "'%s' takes pop3 or imap, not '%s'", name,
		    v);
		goto bad;
	case T_FILE:
	case T_TRUST:
		return expand_home(v);
	case T_FINGERPRINT: {
		unsigned char fp[TLS_FP_MAX];

		if (tls_parse_fingerprint(v, fp, ei) < 0)
			goto bad;
		return xstrdup(v);
	}
	case T_TLSVER:
		if (strcmp(v, "1.2") == 0)
			return xstrdup("12");
		if (strcmp(v, "1.3") == 0)
			return xstrdup("13");
		err_set(ei, ST_CONFIG, "'%s' takes 1.2 or 1.3, not '%s'", name, v);
		goto bad;
	case T_AUTH: {
		const char *p;
		char *m;

		if (strcmp(v, "on") == 0 || strcmp(v, "off") == 0)
			return xstrdup(v);
		for (p = v; *p != '\0'; p++)
			if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
				break;
		if (*p != '\0' || p - v > 40) {
			err_set(ei, ST_CONFIG, "'%s' takes on, off or a mechanism "
			    "name such as scram-sha-256, not '%s'", name, v);
			goto bad;
		}
		m = xstrdup(v);
		for (p = m; *p != '\0'; p++)
			m[p - m] = (char)toupper((unsigned char)*p);
		return m;
	}
	case T_SECONDS: {
		unsigned long n = 0;
		const char *p;

		if (strcmp(v, "off") == 0)
			return xstrdup("0");
		for (p = v; *p != '\0' && n <= SECONDS_MAX; p++) {
			if (!isdigit((unsigned char)*p))
				break;
			n = n * 10 + (unsigned long)(*p - '0');
		}
		if (*p != '\0' || n == 0 || n > SECONDS_MAX) {
			err_set(ei, ST_CONFIG, "'%s' takes off or a number of "
			    "seconds from 1 to %d, not '%s'", name, SECONDS_MAX, v);
			goto bad;
		}
		snprintf(buf, sizeof(buf), "%lu", n);
		return xstrdup(buf);
	}
	case T_LOGFILE:
	case T_A_FILE:
		return expand_home(v);
	case T_A_NOTIFY:
		if (settings_dsn_notify(v, buf, sizeof(buf)) < 0) {
			err_set(ei, ST_CONFIG, "'%s' takes off, never, or a list "
			    "of success, failure and delay, not '%s'", name, v);
			goto bad;
		}
		return xstrdup(buf);
	case T_A_RETURN:
		if (strcmp(v, "off") == 0 || strcmp(v, "full") == 0 ||
		    strcmp(v, "headers") == 0)
			return xstrdup(v);
		if (strcmp(v, "hdrs") == 0)
			return xstrdup("headers");
		err_set(ei, ST_CONFIG, "'%s' takes off, headers or full, not "
		    "'%s'", name, v);
		goto bad;
	case T_A_DELIVERY:
		if ((norm = delivery_comma(v)) != NULL) {
			/* mpop's "mbox FILE": checked as "mbox,FILE" */
			char *r = check_value(k, name, norm, bad_r, ei);

			free(norm);
			return r;
		}
		if (strncmp(v, "mbox,", 5) == 0 || strncmp(v, "maildir,", 8) == 0) {
			if (strchr(v, ',')[1] != '\0')
				return expand_home_after_comma(v);
		} else if (strncmp(v, "mda,", 4) == 0 && v[4] != '\0') {
			return xstrdup(v);
		}
		err_set(ei, ST_CONFIG, "'%s' takes mbox,FILE, maildir,DIRECTORY "
		    "or mda,COMMAND, not '%s'", name, v);
		goto bad;
	case T_A_KEEP:
	case T_A_SIZE:
	case T_A_COUNT: {
		long long n;

		if (settings_number(k->type == T_A_KEEP ? 'k' : k->type ==
		    T_A_SIZE ? 's' : 'c', v, &n) < 0) {
			err_set(ei, ST_CONFIG, "'%s' takes %s, not '%s'", name,
			    k->type == T_A_KEEP ? "on, off or a duration (30d, "
			    "12h, 2w)" : k->type == T_A_SIZE ? "off or a size "
			    "(500k, 20m)" : "off or a number", v);
			goto bad;
		}
		snprintf(buf, sizeof(buf), "%lld", n);
		return xstrdup(buf);
	}
	case T_A_SETHDR:
	case T_A_SETHDR2:
		if (strcmp(v, "auto") == 0 || strcmp(v, "off") == 0 ||
		    (k->type == T_A_SETHDR && strcmp(v, "on") == 0))
			return xstrdup(v);
		err_set(ei, ST_CONFIG, "'%s' takes auto%s or off, not '%s'",
		    name, k->type == T_A_SETHDR ? ", on" : "", v);
		goto bad;
	case T_SYSLOG:
		if (strcmp(v, "on") == 0)
			return xstrdup("mail");
		if (strncmp(v, "LOG_", 4) == 0) {
			/* msmtp's names: LOG_MAIL, LOG_LOCAL0... */
			char *low = xstrdup(v + 4), *p;

			for (p = low; *p != '\0'; p++)
				*p = (char)tolower((unsigned char)*p);
			if (log_facility(low) >= 0)
				return low;
			free(low);
		}
		if (strcmp(v, "off") == 0 || log_facility(v) >= 0)
			return xstrdup(v);
		err_set(ei, ST_CONFIG, "'%s' takes on, off or a facility (mail, "
		    "user, local0 to local7), not '%s'", name, v);
		goto bad;
	case T_HOST:
	case T_DOMAIN:
		if (strpbrk(v, " \t/") != NULL) {
			err_set(ei, ST_CONFIG, "invalid host name '%s' for '%s'", v,
			    name);
			goto bad;
		}
		return xstrdup(v);
	case T_IP:
		if (!net_is_ip_literal(v)) {
			err_set(ei, ST_CONFIG, "'%s' takes an IPv4 or IPv6 "
			    "address, not '%s'", name, v);
			goto bad;
		}
		return xstrdup(v);
	case T_ADDRESS:
		/* msmtp's "from %F": the sender of each message. */
		if (strpbrk(v, " \t<>") != NULL || (strchr(v, '@') == NULL &&
		    strstr(v, "%F") == NULL)) {
			err_set(ei, ST_CONFIG, "invalid mail address '%s' for '%s' "
			    "(write it as user@example.org)", v, name);
			goto bad;
		}
		return xstrdup(v);
	case T_IGNORED:
	case T_STR:
	case T_A_STR:
	case T_A_SETTO:
	case T_PASSWORD:
	case T_BOOL:
	case T_A_BOOL:
	case T_A_NOTBOOL:
	case T_A_MISSING:
		break;
	}
	return xstrdup(v);
bad_bool:
	err_set(ei, ST_CONFIG, "'%s' takes on or off, not '%s'", name, v);
bad:
	*bad_r = 1;
	return NULL;
}

#define IGNORED_WHY "it is a GnuTLS setting of msmtp and mpop, and " \
	"facteur uses OpenSSL (see tls_min_version)"

const char *
settings_ignored_why(const char *key)
{
	int sides, k;
	struct errinfo ei;

	k = lookup(key, &sides, &ei);
	return k >= 0 && keys[k].type == T_IGNORED ? IGNORED_WHY : NULL;
}

static int
add(struct setlist *l, int k, int sides, const char *name, const char *value,
    int line, struct errinfo *ei)
{
	char *norm;
	int bad;

	if (keys[k].type == T_IGNORED) {
		/* One leftover line of an msmtprc must not stop the mail: a
		 * file's line is warned about by config.c (file:line, quietly
		 * under cron); an option here. */
		if (line == 0) {
			char opt[64], *p;

			snprintf(opt, sizeof(opt), "%s", name);
			for (p = opt; *p != '\0'; p++)
				if (*p == '_')
					*p = '-';
			log_warn("--%s is ignored: %s", opt, IGNORED_WHY);
		}
		return 0;
	}
	norm = check_value(&keys[k], name, value, &bad, ei);
	if (bad)
		return -1;
	push(l, k, sides, norm, line);
	if (keys[k].type == T_PASSWORD)
		xfree_secret(norm);
	else
		free(norm);
	return 0;
}

int
setlist_add(struct setlist *l, const char *key, const char *value, int line,
    struct errinfo *ei)
{
	int sides, k = lookup(key, &sides, ei);

	if (k < 0)
		return -1;
	return add(l, k, sides, key, value, line, ei);
}

int
setlist_add_side(struct setlist *l, const char *key, int side,
    const char *value, struct errinfo *ei)
{
	int k = find_key(key);

	if (k < 0 || (keys[k].sides != 0 && (keys[k].sides & side) == 0))
		return err_set(ei, ST_SOFTWARE, "no key '%s' for this side", key);
	return add(l, k, keys[k].sides != 0 ? side : 0, key, value, 0, ei);
}

static void
set_str(char **field, const char *v, int secret)
{
	if (secret)
		xfree_secret(*field);
	else
		free(*field);
	*field = v != NULL ? xstrdup(v) : NULL;
}

static void
apply_url(struct server *s, const char *v)
{
	struct errinfo ei;
	struct url u;

	if (url_parse(v, &u, &ei) < 0)
		return;		/* checked when added */
	s->proto = u.proto;
	set_str(&s->host, u.host, 0);
	s->port = u.port;
	s->tls = 1;
	s->starttls = u.starttls;
	if (u.user != NULL)
		set_str(&s->user, u.user, 0);
	if (u.auth != NULL)
		set_str(&s->auth, u.auth, 0);
	url_free(&u);
}

static void
apply_server(struct server *s, const struct key *k, const char *v)
{
	char *base = (char *)s;

	switch (k->type) {
	case T_PORT:
		*(unsigned *)(void *)(base + k->off) = v ? (unsigned)strtoul(v,
		    NULL, 10) : 0;
		break;
	case T_PROTO:
		if (strcmp(v, "smtp") == 0 || strcmp(v, "lmtp") == 0)
			s->lmtp = strcmp(v, "lmtp") == 0;	/* outgoing */
		else
			s->proto = strcmp(v, "imap") == 0 ? PROTO_IMAP :
			    PROTO_POP3;
		break;
	case T_BOOL:
		*(int *)(void *)(base + k->off) = strcmp(v, "on") == 0;
		break;
	case T_TLSVER:
	case T_SECONDS:
		*(int *)(void *)(base + k->off) = (int)strtol(v, NULL, 10);
		break;
	default:
		set_str((char **)(void *)(base + k->off), v,
		    k->type == T_PASSWORD);
		break;
	}
}

static void
apply_account(struct account *a, const struct key *k, const char *v)
{
	char *base = (char *)a;
	int *ip = (int *)(void *)(base + k->off);

	switch (k->type) {
	case T_A_BOOL:
		*ip = strcmp(v, "on") == 0;
		break;
	case T_A_NOTBOOL:
		*ip = strcmp(v, "off") == 0;
		break;
	case T_A_MISSING:
		*ip = strcmp(v, "on") == 0 ? SETHDR_AUTO : SETHDR_OFF;
		break;
	case T_A_SETHDR:
	case T_A_SETHDR2:
		*ip = strcmp(v, "on") == 0 ? SETHDR_ON : strcmp(v, "off") == 0 ?
		    SETHDR_OFF : SETHDR_AUTO;
		break;
	case T_A_KEEP:
	case T_A_COUNT:
		*(long *)(void *)(base + k->off) = strtol(v, NULL, 10);
		break;
	case T_A_SIZE:
		*(unsigned long long *)(void *)(base + k->off) =
		    strtoull(v, NULL, 10);
		break;
	case T_A_SETTO:
		*ip = strcmp(v, "on") == 0 ? SETTO_ON : strcmp(v, "off") == 0 ?
		    SETTO_OFF : SETTO_UNDISCLOSED;
		break;
	case T_A_NOTIFY:
	case T_A_RETURN:
		set_str((char **)(void *)(base + k->off), v != NULL &&
		    strcmp(v, "off") != 0 ? v : NULL, 0);
		break;
	default:
		set_str((char **)(void *)(base + k->off), v, 0);
		break;
	}
}

void
settings_apply(const struct setlist *l, struct account *a)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct setting *s = &l->v[i];
		const struct key *k = &keys[s->key];

		if (k->type == T_IGNORED) {
			continue;
		} else if (k->type >= T_A_FILE) {
			apply_account(a, k, s->value);
		} else if (k->type == T_ADDRESS) {
			set_str(&a->address, s->value, 0);
		} else if (k->type == T_LOGFILE) {
			set_str(&a->logfile, s->value, 0);
		} else if (k->type == T_SYSLOG) {
			set_str(&a->syslog, s->value, 0);
		} else if (k->type == T_URL) {
			apply_url(k->plain == SIDE_IN ? &a->in : &a->out,
			    s->value);
		} else {
			if (s->sides & SIDE_IN)
				apply_server(&a->in, k, s->value);
			if (s->sides & SIDE_OUT)
				apply_server(&a->out, k, s->value);
		}
	}
}
