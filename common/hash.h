/*
 * hash: FNV-1a, 64 bits, streaming: for hash tables (uidstate) and for
 * recognising bytes written before (the mbox journal checks whether a
 * message it began is whole).  Not cryptographic: nothing here defends
 * against someone who chooses the bytes and the collision.  Pure.
 */
#ifndef FACTEUR_HASH_H
#define FACTEUR_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_INIT	UINT64_C(14695981039346656037)

/* h continued over n bytes of p; start from HASH_INIT. */
uint64_t hash_add(uint64_t h, const void *p, size_t n);

#endif
