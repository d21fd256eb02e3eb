/* info: msend --serverinfo. */
#include "autoconf.h"

#include <string.h>
#include <strings.h>

#include "info.h"
#include "serverinfo.h"
#include "smtp.h"

static const struct {
	const char *kw;
	const char *explain;
} known[] = {
	{ "PIPELINING", "commands are sent in groups: fewer round trips "
	    "(RFC 2920)" },
	{ "STARTTLS", "TLS can be started with STARTTLS (RFC 3207)" },
	{ "8BITMIME", "8-bit message bodies are accepted (RFC 6152)" },
	{ "SMTPUTF8", "UTF-8 addresses and headers are accepted (RFC 6531)" },
	{ "DSN", "delivery status notifications can be requested (RFC 3461)" },
	{ "ENHANCEDSTATUSCODES", "replies carry enhanced status codes "
	    "(RFC 2034)" },
	{ "CHUNKING", "messages can be sent in chunks with BDAT (RFC 3030)" },
	{ "BINARYMIME", "binary bodies are accepted (RFC 3030)" },
	{ "ETRN", "remote queue starting (RFC 1985)" },
	{ "VRFY", "addresses can be verified" },
	{ "DELIVERBY", "delivery deadlines (RFC 2852)" },
	{ "REQUIRETLS", "TLS can be required along the whole path (RFC 8689)" },
};

static const char *
explain(const char *l, size_t len, char *tmp, size_t tmpsz)
{
	size_t i, kl = strcspn(l, " =");

	if (kl > len)
		kl = len;
	if (kl == 4 && strncasecmp(l, "SIZE", 4) == 0) {
		unsigned long long n = 0;
		const char *p = l + 4;

		while (p < l + len && (*p == ' ' || *p == '='))
			p++;
		while (p < l + len && *p >= '0' && *p <= '9' && n < (1ULL << 50))
			n = n * 10 + (unsigned long long)(*p++ - '0');
		if (n == 0)
			return "the server announces no fixed size limit";
		{
			char sz[64];

			serverinfo_size(sz, sizeof(sz), n);
			snprintf(tmp, tmpsz, "largest message accepted: %s", sz);
		}
		return tmp;
	}
	if (kl == 4 && strncasecmp(l, "AUTH", 4) == 0) {
		snprintf(tmp, tmpsz, "authentication mechanisms: %.*s",
		    len > 5 ? (int)(len - 5) : 0, l + 5);
		return tmp;
	}
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i].kw) == kl &&
		    strncasecmp(l, known[i].kw, kl) == 0)
			return known[i].explain;
	return NULL;
}

int
smtp_serverinfo(FILE *f, const struct server *srv, struct errinfo *ei)
{
	struct smtp s;
	size_t i, len;
	char tmp[SMTP_AUTH_LIST_MAX + 64];

	if (smtp_open(&s, srv, ei) < 0) {
		smtp_close(&s);
		return -1;
	}
	serverinfo_header(f, srv, s.c);
	serverinfo_greeting(f, s.greeting.data, s.greeting.len);
	serverinfo_tls(f, s.c);
	serverinfo_caps_title(f);
	if (!s.esmtp) {
		fprintf(f, "    none: the server does not support EHLO (ESMTP)\n");
	} else {
		/* Line 0 of the EHLO reply is the server's name. */
		const char *l;

		for (i = 1; (l = buf_line(&s.ehlo, i, &len)) != NULL; i++)
			serverinfo_cap(f, l, len, explain(l, len, tmp,
			    sizeof(tmp)));
		if (i == 1)
			fprintf(f, "    none\n");
	}
	if (!(s.caps.flags & SMTP_CAP_AUTH))
		fprintf(f, "Authentication: not offered%s\n", conn_is_tls(s.c) ?
		    "" : " (it may be offered once TLS is active)");
	if (!conn_is_tls(s.c))
		fprintf(f, "Note: this connection is not encrypted; the server "
		    "may offer more once TLS is active.\n");
	smtp_close(&s);
	return 0;
}
