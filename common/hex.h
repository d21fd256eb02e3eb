/*
 * hex: the value of a hexadecimal digit, for the parsers that read %XX and
 * \xHH escapes (URLs, the state file, fetchmail's rc file).  Pure.
 */
#ifndef FACTEUR_HEX_H
#define FACTEUR_HEX_H

/* 0 to 15 for [0-9A-Fa-f], else -1. */
int hex_value(int c);

#endif
