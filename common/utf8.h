/*
 * utf8: one strict UTF-8 character, for every place that must tell valid
 * UTF-8 from bytes (escaping text from outside, mailbox names).  Pure.
 */
#ifndef FACTEUR_UTF8_H
#define FACTEUR_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * The code point of the UTF-8 sequence at p (len > 0) into *cp_r: its
 * length (1 to 4), or 0 when invalid: truncated, overlong, a surrogate,
 * past U+10FFFF.
 */
size_t utf8_next(const unsigned char *p, size_t len, uint32_t *cp_r);

#endif
