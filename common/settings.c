/*
 * settings: the key table, ordered assignment lists, and applying them to
 * an account; each value is checked by values.c.
 */
#include "autoconf.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "settings.h"
#include "url.h"
#include "values.h"
#include "xalloc.h"

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
	{ "folders", T_A_STR, 0, 0, ACC(folders) },
	{ "move_to", T_A_STR, 0, 0, ACC(move_to) },
	{ "mark_seen", T_A_BOOL, 0, 0, ACC(mark_seen) },
	/* mfetch --daemon (issue 14). */
	{ "daemon", T_A_BOOL, 0, 0, ACC(daemon) },
	{ "poll_interval", T_A_INTERVAL, 0, 0, ACC(poll_interval) },
	{ "idle_interval", T_A_INTERVAL, 0, 0, ACC(idle_interval) },
	{ "imap_notify", T_A_BOOL, 0, 0, ACC(imap_notify) },
	/* msmtp's, for msend (issue 11). */
	{ "logfile_time_format", T_A_STR, 0, 0, ACC(logfile_time_format) },
	{ "set_to_header", T_A_SETTO, 0, 0, ACC(set_to_header) },
	/* msmtp's older form: on is set_to_header undisclosed_recipients. */
	{ "undisclosed_recipients", T_A_SETTO, 0, 0, ACC(set_to_header) },
	{ "from_full_name", T_A_STR, 0, 0, ACC(from_full_name) },
	{ "allow_from_override", T_A_BOOL, 0, 0, ACC(allow_from_override) },
	{ "auto_from", T_A_BOOL, 0, 0, ACC(auto_from) },
	{ "maildomain", T_A_STR, 0, 0, ACC(maildomain) },
	/* msend's queue (issue 13). */
	{ "queue", T_A_BOOL, 0, 0, ACC(queue) },
	{ "queue_dir", T_A_FILE, 0, 0, ACC(queue_dir) },
	{ "queue_lifetime", T_A_KEEP, 0, 0, ACC(queue_lifetime) },
	{ "bounce_to", T_A_DELIVERY, 0, 0, ACC(bounce_to) },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

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
	norm = values_check(&keys[k], name, value, &bad, ei);
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
	case T_A_INTERVAL:
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
