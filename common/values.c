/*
 * values: the check of a key's value by its type (values.h), and the
 * parsers of sizes, durations and DSN lists (settings.h).
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "account.h"
#include "log.h"
#include "net.h"
#include "settings.h"
#include "sys.h"
#include "url.h"
#include "values.h"
#include "xalloc.h"

int
settings_number(int kind, const char *v, long long *n_r)
{
	long long n = 0, mult = 1;
	const char *p = v;

	if (kind == 'k' && strcmp(v, "on") == 0) {
		*n_r = KEEP_FOREVER;
		return 0;
	}
	if (strcmp(v, "off") == 0) {
		*n_r = 0;
		return 0;
	}
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		n = n * 10 + (*p - '0');
		if (n > (1LL << 40))
			return -1;
	}
	if (kind == 'k') {
		switch (*p) {
		case 's': mult = 1; p++; break;
		case 'm': mult = 60; p++; break;
		case 'h': mult = 3600; p++; break;
		case 'd': mult = 86400; p++; break;
		case 'w': mult = 7 * 86400; p++; break;
		case '\0': mult = 86400; break;	/* days, as mpop */
		default: return -1;
		}
	} else if (kind == 's') {
		switch (*p) {
		case 'k': case 'K': mult = 1024; p++; break;
		case 'm': case 'M': mult = 1024 * 1024; p++; break;
		case 'g': case 'G': mult = 1024LL * 1024 * 1024; p++; break;
		default: break;
		}
	}
	if (*p != '\0')
		return -1;
	*n_r = n * mult;
	return 0;
}

int
settings_dsn_notify(const char *v, char *out, size_t outsz)
{
	static const char *const word[] = { "success", "failure", "delay" };
	int seen[3] = { 0, 0, 0 };
	const char *p = v;
	size_t i, o = 0;

	if (strcmp(v, "off") == 0 || strcmp(v, "never") == 0) {
		snprintf(out, outsz, "%s", v);
		return 0;
	}
	out[0] = '\0';
	while (*p != '\0') {
		size_t n = strcspn(p, ",");

		for (i = 0; i < 3; i++)
			if (strlen(word[i]) == n && strncasecmp(p, word[i], n) == 0)
				break;
		if (i == 3 || seen[i])
			return -1;
		seen[i] = 1;
		o += (size_t)snprintf(out + o, outsz - o, "%s%s", o ? "," : "",
		    word[i]);
		if (o >= outsz)
			return -1;
		p += n;
		if (*p == ',' && *++p == '\0')
			return -1;
	}
	return o > 0 ? 0 : -1;
}

/* Longest timeout accepted, in seconds (a day). */
#define SECONDS_MAX 86400

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

char *
values_check(const struct key *k, const char *name, const char *v, int *bad_r,
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
		    k->type == T_A_SIZE || k->type == T_A_COUNT ||
		    k->type == T_A_INTERVAL) {
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
			char *r = values_check(k, name, norm, bad_r, ei);

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
	case T_A_INTERVAL: {
		long long n;
		size_t d = strspn(v, "0123456789");

		/* fetchmail's "set daemon 300": a bare number is seconds. */
		if (d > 0 && d <= 9 && v[d] == '\0')
			n = strtoll(v, NULL, 10);
		else if (strcmp(v, "on") == 0 || strcmp(v, "off") == 0 ||
		    settings_number('k', v, &n) < 0)
			n = 0;
		if (n <= 0 || n > 366LL * 86400) {
			err_set(ei, ST_CONFIG, "'%s' takes a duration (30s, "
			    "5m, 1h; a bare number is seconds), not '%s'",
			    name, v);
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
