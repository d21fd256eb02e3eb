/* peers: msmtp's and mpop's accounts, through config_load_dialect(). */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "peers.h"
#include "xalloc.h"

void
peers_port(struct server *srv, enum peer peer)
{
	(void)peer;	/* the dialect set the peer's defaults (dialect.h) */
	if (srv->port == 0)
		srv->port = server_port(srv);
}

char *
peers_default_file(enum peer peer, const char *home)
{
	char *p[2];

	config_peer_files(peer == PEER_MSMTP ? CONFIG_DIALECT_MSMTP :
	    CONFIG_DIALECT_MPOP, home, p);
	if (access(p[0], F_OK) == 0) {
		free(p[1]);
		return p[0];
	}
	free(p[0]);
	return p[1];
}

int
peers_load(const char *path, enum peer peer, struct imp_set *s,
    struct errinfo *ei)
{
	struct config *cfg;
	size_t i;
	int rc = 0;

	if (config_load_dialect(path, CONFIG_USER, peer == PEER_MSMTP ?
	    CONFIG_DIALECT_MSMTP : CONFIG_DIALECT_MPOP, &cfg, ei) < 0)
		return -1;
	for (i = 0; i < config_count(cfg) && rc == 0; i++) {
		const char *name = config_name(cfg, i);
		struct account *a;
		struct imp_account *ia;
		char *origin;

		if (config_is_alias(cfg, i)) {
			/* "account default : NAME": the default account. */
			if ((rc = config_resolve(cfg, name, NULL, &a, ei)) == 0) {
				free(s->default_name);
				s->default_name = xstrdup(a->name);
				account_free(a);
			}
			continue;
		}
		if ((rc = config_resolve(cfg, name, NULL, &a, ei)) < 0)
			break;
		peers_port(peer == PEER_MSMTP ? &a->out : &a->in, peer);
		origin = xasprintf("%s:%d", path, a->line);
		ia = imp_add(s, a, peer == PEER_MPOP, peer == PEER_MSMTP,
		    origin);
		free(origin);
		(void)ia;
	}
	config_free(cfg);
	return rc;
}
