/* serverinfo: the common frame of --serverinfo output. */
#include "autoconf.h"

#include <string.h>

#include "esc.h"
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
serverinfo_greeting(FILE *f, const char *greeting, size_t len)
{
	const char *p = greeting, *end = greeting + len, *nl;

	fprintf(f, "Greeting:\n");
	do {
		nl = memchr(p, '\n', (size_t)(end - p));
		fputs("    ", f);
		esc_fwrite(f, p, (size_t)((nl != NULL ? nl : end) - p));
		putc('\n', f);
		p = nl + 1;
	} while (nl != NULL);
}

/* A certificate field: the server wrote it, so it is shown escaped. */
static void
field(FILE *f, const char *name, const char *value)
{
	fprintf(f, "    %s: ", name);
	esc_fwrite(f, value, strlen(value));
	putc('\n', f);
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
	field(f, "Subject", ti.subject);
	if (ti.alt_names[0] != '\0')
		field(f, "Names", ti.alt_names);
	field(f, "Issuer", ti.issuer);
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
	fputs("    ", f);
	esc_fwrite(f, cap, caplen);
	putc('\n', f);
	if (explain != NULL && *explain != '\0') {
		fputs("        ", f);
		esc_fwrite(f, explain, strlen(explain));
		putc('\n', f);
	}
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
