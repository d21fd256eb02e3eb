/* version: --version output. */
#include "autoconf.h"

#include <gsasl.h>
#include <string.h>
#ifdef HAVE_LIBSECRET
#include <libsecret/secret.h>
#endif

#include "login.h"
#include "sasl.h"
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
	fprintf(f, "Authentication:");
	for (size_t i = 0; login_mechanism(i) != NULL; i++)
		if (sasl_supported(login_mechanism(i)))
			fprintf(f, " %s", login_mechanism(i));
	fprintf(f, "; USER/PASS, APOP, IMAP LOGIN\n");
	fprintf(f, "Password sources: accounts file, password command, %s"
	    "~/.netrc, terminal prompt\n",
#ifdef HAVE_LIBSECRET
	    "keyring (Secret Service), "
#else
	    ""
#endif
	    );
	fprintf(f, "System configuration file: %s/facteur.conf\n", SYSCONFDIR);
	fprintf(f, "User configuration file: $XDG_CONFIG_HOME/facteur/config "
	    "(~/.config/facteur/config)\n");
	/* The peer's files, read when there is no facteur file. */
	if (strcmp(prog, "msend") == 0)
		fprintf(f, "Without one, msmtp's: ~/.msmtprc, "
		    "$XDG_CONFIG_HOME/msmtp/config, /etc/msmtprc\n");
	else if (strcmp(prog, "mfetch") == 0)
		fprintf(f, "Without one, mpop's: ~/.mpoprc, "
		    "$XDG_CONFIG_HOME/mpop/config\n");
}
