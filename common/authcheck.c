/* authcheck: the report of --auth-only. */
#include "autoconf.h"

#include "authcheck.h"
#include "secret.h"

void
authcheck_report(FILE *f, const struct login *lg)
{
	const struct server *s = lg->srv;

	if (lg->kind == LOGIN_NONE) {
		fprintf(f, "%s server %s port %u: connected; no login (auth "
		    "off, or the server logged us in already)\n",
		    proto_name(s->proto), s->host, server_port(s));
		return;
	}
	fprintf(f, "%s server %s port %u: logged in as %s with %s%s%s%s\n",
	    proto_name(s->proto), s->host, server_port(s), lg->user,
	    login_method_name(lg), lg->source != SECRET_NONE ?
	    " (password from " : "", lg->source != SECRET_NONE ?
	    secret_source_name(lg->source) : "", lg->source != SECRET_NONE ?
	    ")" : "");
}
