/*
 * peers: the accounts of msmtp's and mpop's files, for the writer.  A
 * thin layer over config_load_dialect() (common/config.c), which reads a
 * file in msmtp's or mpop's dialect and resolves its accounts with that
 * program's defaults; each resolved account is added with the side it
 * has (msmtp: outgoing, mpop: incoming), the port the peer would use
 * made explicit (msmtp: 25, or 465 with implicit TLS; mpop: 110, or 995),
 * and "account default : NAME" kept.
 */
#ifndef FACTEUR_IMPORT_PEERS_H
#define FACTEUR_IMPORT_PEERS_H

#include "status.h"
#include "writer.h"

enum peer {
	PEER_MSMTP,
	PEER_MPOP
};

/* Add the accounts of path (a file in peer's dialect) to s: 0 or -1. */
int peers_load(const char *path, enum peer peer, struct imp_set *s,
    struct errinfo *ei);

/*
 * Make a peer's default port explicit in a resolved account's server
 * (port 0: the peer's default for its TLS mode, as server_port() gives it
 * for an account read in the peer's dialect).  Pure.
 */
void peers_port(struct server *srv, enum peer peer);

/* The peer's default file: the first of config_peer_files() (~/.msmtprc
 * or ~/.mpoprc) if it exists, else the second ($XDG_CONFIG_HOME
 * (~/.config)/msmtp/config or .../mpop/config).  Allocated. */
char *peers_default_file(enum peer peer, const char *home);

#endif
