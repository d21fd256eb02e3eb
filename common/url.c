/* url: parse server URLs (pop3s://user@host:port and friends). */
#include "autoconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"
#include "hex.h"
#include "xalloc.h"

static const struct scheme {
	const char *name;
	enum proto proto;
	int starttls;
} schemes[] = {
	{ "pop3", PROTO_POP3, 1 },
	{ "pop3s", PROTO_POP3, 0 },
	{ "imap", PROTO_IMAP, 1 },
	{ "imaps", PROTO_IMAP, 0 },
	{ "smtp", PROTO_SMTP, 1 },
	{ "submission", PROTO_SMTP, 1 },
	{ "smtps", PROTO_SMTP, 0 },
	{ "submissions", PROTO_SMTP, 0 },
};

int
parse_port(const char *s, unsigned *port_r)
{
	unsigned long v = 0;
	const char *p;

	if (*s == '\0' || strlen(s) > 5)
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*port_r = (unsigned)v;
	return 0;
}

/* Percent-decode s[0..n) into a new string; NULL on a bad escape or NUL. */
static char *
pct_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= n)
				goto bad;
			hi = hex_value(s[i + 1]);
			lo = hex_value(s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				goto bad;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

static int
valid_host(const char *h)
{
	const char *p;

	if (*h == '\0')
		return 0;
	for (p = h; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' &&
		    *p != '_')
			return 0;
	return 1;
}

static int
valid_ipv6(const char *h)
{
	const char *p;

	if (*h == '\0')
		return 0;
	for (p = h; *p != '\0'; p++)
		if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
			return 0;
	return strchr(h, ':') != NULL;
}

void
url_free(struct url *u)
{
	free(u->user);
	free(u->auth);
	free(u->host);
	memset(u, 0, sizeof(*u));
}

int
url_parse(const char *s, struct url *u, struct errinfo *ei)
{
	const char *sep, *rest, *at, *hostend, *hp;
	char *hostport = NULL;
	size_t i, slen = strlen(s);

	memset(u, 0, sizeof(*u));
	if (slen > URL_MAX)
		return err_set(ei, ST_CONFIG, "URL too long");
	sep = strstr(s, "://");
	/* First, so that no message below quotes a password. */
	rest = sep != NULL ? sep + 3 : s;
	at = strrchr(rest, '@');
	if (at != NULL && memchr(rest, ':', (size_t)(at - rest)) != NULL)
		return err_set(ei, ST_CONFIG, "a password in the URL is not "
		    "allowed: use 'password' or 'passwordeval' instead");
	if (sep == NULL)
		return err_set(ei, ST_CONFIG, "invalid server URL '%s': expected "
		    "scheme://host[:port], e.g. imaps://imap.example.org", s);
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strlen(schemes[i].name) == (size_t)(sep - s) &&
		    strncasecmp(s, schemes[i].name, (size_t)(sep - s)) == 0)
			break;
	if (i == sizeof(schemes) / sizeof(schemes[0]))
		return err_set(ei, ST_CONFIG, "unknown URL scheme '%.*s' in '%s' "
		    "(use pop3, pop3s, imap, imaps, smtp or smtps)",
		    (int)(sep - s), s, s);
	u->proto = schemes[i].proto;
	u->tls = 1;
	u->starttls = schemes[i].starttls;

	rest = sep + 3;
	/* The authority ends at the first '/', '?' or '#'. */
	hostend = rest + strcspn(rest, "/?#");
	if (*hostend != '\0' && strcmp(hostend, "/") != 0) {
		err_set(ei, ST_CONFIG, "unexpected '%s' after the host in URL "
		    "'%s' (no path or query is allowed)", hostend, s);
		goto fail;
	}
	at = memrchr(rest, '@', (size_t)(hostend - rest));
	if (at != NULL) {
		const char *ui = rest, *semi;
		size_t uilen = (size_t)(at - rest);

		if (memchr(ui, ':', uilen) != NULL) {
			err_set(ei, ST_CONFIG, "a password in the URL is not "
			    "allowed: use 'password' or 'passwordeval' instead");
			goto fail;
		}
		semi = memchr(ui, ';', uilen);
		if (semi != NULL) {
			size_t al = (size_t)(at - semi);

			if (al < 7 || strncasecmp(semi, ";AUTH=", 6) != 0) {
				err_set(ei, ST_CONFIG, "invalid ';' in the user part "
				    "of URL '%s' (only ;AUTH=mechanism is known)", s);
				goto fail;
			}
			u->auth = pct_decode(semi + 6, al - 6);
			uilen = (size_t)(semi - ui);
		}
		if (uilen > 0)
			u->user = pct_decode(ui, uilen);
		if ((uilen > 0 && u->user == NULL) ||
		    (semi != NULL && u->auth == NULL)) {
			err_set(ei, ST_CONFIG, "invalid percent escape in the user "
			    "part of URL '%s'", s);
			goto fail;
		}
		rest = at + 1;
	}
	hostport = xstrndup(rest, (size_t)(hostend - rest));
	hp = hostport;
	if (*hp == '[') {
		const char *close = strchr(hp, ']');

		if (close == NULL) {
			err_set(ei, ST_CONFIG, "missing ']' in URL '%s'", s);
			goto fail;
		}
		u->host = xstrndup(hp + 1, (size_t)(close - hp - 1));
		if (!valid_ipv6(u->host)) {
			err_set(ei, ST_CONFIG, "invalid IPv6 address '%s' in URL "
			    "'%s'", u->host, s);
			goto fail;
		}
		hp = close + 1;
		if (*hp != '\0' && *hp != ':') {
			err_set(ei, ST_CONFIG, "unexpected '%s' after ']' in URL "
			    "'%s'", hp, s);
			goto fail;
		}
	} else {
		size_t hl = strcspn(hp, ":");

		u->host = xstrndup(hp, hl);
		hp += hl;
		if (!valid_host(u->host)) {
			err_set(ei, ST_CONFIG, "invalid host name '%s' in URL '%s'",
			    u->host, s);
			goto fail;
		}
	}
	if (*hp == ':' && parse_port(hp + 1, &u->port) < 0) {
		err_set(ei, ST_CONFIG, "invalid port '%s' in URL '%s' (1 to "
		    "65535)", hp + 1, s);
		goto fail;
	}
	free(hostport);
	return 0;
fail:
	free(hostport);
	url_free(u);
	return -1;
}
