/* serverinfo: the common frame of --serverinfo output. */
#include "autoconf.h"

#include <string.h>

#include "serverinfo.h"

void
serverinfo_header(FILE *f, const struct server *srv, struct conn *c)
{
	const char *mode = !srv->tls ? "no TLS" : srv->starttls ? "STARTTLS" :
	    "implicit TLS";

	fprintf(f, "%s server at %s (%s), port %u, %s:\n",
	    proto_name(srv->proto), c->host, c->addr, c->port, mode);
}

void
serverinfo_greeting(FILE *f, const char *greeting)
{
	const char *p = greeting, *nl;

	fprintf(f, "Greeting:\n");
	do {
		nl = strchr(p, '\n');
		fprintf(f, "    %.*s\n", nl ? (int)(nl - p) : (int)strlen(p), p);
		p = nl + 1;
	} while (nl != NULL);
}

void
serverinfo_tls(FILE *f, struct conn *c)
{
	struct tls_info ti;

	if (!conn_is_tls(c)) {
		fprintf(f, "TLS: not in use: everything, passwords included, "
		    "crosses the network unencrypted\n");
		return;
	}
	conn_tls_info(c, &ti);
	fprintf(f, "TLS session:\n");
	fprintf(f, "    Protocol: %s\n", ti.version);
	fprintf(f, "    Cipher: %s\n", ti.cipher);
	if (ti.group[0] != '\0')
		fprintf(f, "    Key exchange: %s\n", ti.group);
	fprintf(f, "TLS certificate:\n");
	fprintf(f, "    Subject: %s\n", ti.subject);
	if (ti.alt_names[0] != '\0')
		fprintf(f, "    Names: %s\n", ti.alt_names);
	fprintf(f, "    Issuer: %s\n", ti.issuer);
	fprintf(f, "    Valid from: %s\n", ti.not_before);
	fprintf(f, "    Valid until: %s\n", ti.not_after);
	fprintf(f, "    SHA-256 fingerprint: %s\n", ti.sha256);
	fprintf(f, "    Trusted by: %s\n", ti.trust);
}

void
serverinfo_caps_title(FILE *f)
{
	fprintf(f, "Capabilities:\n");
}

void
serverinfo_cap(FILE *f, const char *cap, size_t caplen, const char *explain)
{
	fprintf(f, "    %.*s\n", (int)caplen, cap);
	if (explain != NULL && *explain != '\0')
		fprintf(f, "        %s\n", explain);
}

void
serverinfo_size(char *dst, size_t dstsz, unsigned long long n)
{
	if (n >= 1024ULL * 1024)
		snprintf(dst, dstsz, "%llu bytes (%.1f MiB)", n,
		    (double)n / (1024.0 * 1024.0));
	else if (n >= 1024)
		snprintf(dst, dstsz, "%llu bytes (%.1f KiB)", n,
		    (double)n / 1024.0);
	else
		snprintf(dst, dstsz, "%llu bytes", n);
}
