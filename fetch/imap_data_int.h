/*
 * imap_data_int: what the sources of imap_data share (imap_data.c,
 * imap_uids.c, imap_fetchdata.c); nothing else includes it.
 */
#ifndef FACTEUR_IMAP_DATA_INT_H
#define FACTEUR_IMAP_DATA_INT_H

#include <stddef.h>

#include "imap_lex.h"
#include "status.h"

/* ST_PROTOCOL, "why: 'text'" (quoted, cut).  Returns -1. */
int imap_data_bad(struct errinfo *ei, const char *why, const char *text,
    size_t len);

/* A flag list "(\Seen foo)" into IMAP_FLAG_* bits; keywords ignored. */
int imap_data_flags(struct imap_lex *l, unsigned *flags_r);

#endif
