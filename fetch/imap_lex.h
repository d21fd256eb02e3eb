/*
 * imap_lex: the tokens of IMAP data (RFC 3501 9, RFC 9051 9) read from the
 * text of one response as struct imap_resp keeps it, for imap_data.c,
 * imap_uids.c and imap_fetchdata.c only.
 *
 * A cursor walks text[0..len) and never reads past len.  Every reader
 * returns 0 and moves the cursor past what it read, or -1 and leaves the
 * cursor where the bad byte is (callers quote the text in their error).
 * Literals: a kept literal is "{N}\r\n" and N bytes; a streamed one is
 * "{N}" followed at once by the rest of the line (a line never holds a
 * CR LF, so the two cannot be confused).
 */
#ifndef FACTEUR_IMAP_LEX_H
#define FACTEUR_IMAP_LEX_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* Deepest nesting of parenthesised lists skipped (BODYSTRUCTURE). */
#define IMAP_LEX_DEPTH_MAX	64

struct imap_lex {
	const char *p;
	size_t len;
	size_t pos;
};

/* A string value (quoted, literal) or NIL. */
enum imap_lex_str {
	IMAP_STR_NIL,
	IMAP_STR_QUOTED,	/* s..n: between the quotes, escapes left in */
	IMAP_STR_LITERAL,	/* s..n: the kept literal's bytes */
	IMAP_STR_STREAMED	/* s NULL, n 0: only "{N}" is in the text */
};

void imap_lex_init(struct imap_lex *l, const char *p, size_t len);
/* At the end of the text? */
int imap_lex_eof(const struct imap_lex *l);
/* The next byte, or -1 at the end. */
int imap_lex_peek(const struct imap_lex *l);
/* Take byte c, which must come next. */
int imap_lex_ch(struct imap_lex *l, char c);
/* Take one space. */
int imap_lex_sp(struct imap_lex *l);
/*
 * A word: one or more bytes 0x21-0x7e other than ( ) { " and, unless
 * brackets, [ and ].
 */
int imap_lex_word(struct imap_lex *l, int brackets, const char **s_r,
    size_t *n_r);
/* Is s[0..n) the word w, case-insensitively? */
int imap_lex_is(const char *s, size_t n, const char *w);
/* A number: digits only (no sign, no leading + or -), no overflow. */
int imap_lex_u32(struct imap_lex *l, uint32_t *v_r);
int imap_lex_u64(struct imap_lex *l, uint64_t *v_r);
/*
 * A string: quoted, literal (kept or streamed; *size_r its size, which
 * may be NULL) or NIL (unless nil_ok is 0).
 */
int imap_lex_string(struct imap_lex *l, int nil_ok, enum imap_lex_str *how_r,
    const char **s_r, size_t *n_r, unsigned long long *size_r);
/*
 * Skip one value of any kind: a word (atom, number, NIL, "BODY[...]<n>"
 * style names included), a quoted string, a literal, or a parenthesised
 * list of values nested at most IMAP_LEX_DEPTH_MAX deep.
 */
int imap_lex_skip(struct imap_lex *l);

#endif
