/* version: --version output. */
#include "autoconf.h"

#include <gsasl.h>
#ifdef HAVE_LIBSECRET
#include <libsecret/secret.h>
#endif

#include "tls.h"
#include "version.h"

void
version_print(FILE *f, const char *prog)
{
	const char *gv = gsasl_check_version(NULL);

	fprintf(f, "%s (facteur) %s\n", prog, PACKAGE_VERSION);
	fprintf(f, "TLS library: %s\n", tls_library_version());
	fprintf(f, "SASL library: GNU SASL (libgsasl) %s\n",
	    gv != NULL ? gv : "?");
#ifdef HAVE_LIBSECRET
	fprintf(f, "Keyring: libsecret %d.%d.%d\n", SECRET_MAJOR_VERSION,
	    SECRET_MINOR_VERSION, SECRET_MICRO_VERSION);
#else
	fprintf(f, "Keyring: not compiled in (--without-libsecret)\n");
#endif
	fprintf(f, "Features: IPv6, TLS (implicit and STARTTLS, certificate "
	    "pinning, client certificates)\n");
	fprintf(f, "System configuration file: %s/facteur.conf\n", SYSCONFDIR);
	fprintf(f, "User configuration file: $XDG_CONFIG_HOME/facteur/config "
	    "(~/.config/facteur/config)\n");
}
