/*
 * fmrclex: the tokens and keywords of fetchmail's run control file, for
 * fmrc.c's parser (fmrc.h describes the syntax).  The lexer turns the text
 * into words, numbers, quoted strings (fetchmail's escapes undone) and
 * '=', skipping white space, comments and the punctuation , ; : that
 * fetchmail ignores, and counting lines for messages; the keyword table
 * says what each option takes and where fmrc.c keeps it.  Functions carry
 * the prefix lex_.  Pure and bounded (FMRC_TOKEN_MAX bytes a token).
 */
#ifndef FACTEUR_IMPORT_FMRCLEX_H
#define FACTEUR_IMPORT_FMRCLEX_H

#include <stddef.h>

#include "buf.h"
#include "status.h"

enum tok {
	T_END,
	T_WORD,			/* unquoted, not all digits */
	T_NUM,			/* unquoted digits */
	T_STR,			/* quoted */
	T_EQ			/* '=' (is/to mappings) */
};

struct lex {
	const char *name;
	const char *p, *end;
	int line;
	/* The current token. */
	enum tok t;
	int tline;
	struct buf v;		/* its text */
	struct errinfo *ei;
};

/* What a keyword takes, and where it goes. */
enum kind {
	K_FLAG,			/* on, or off after "no" */
	K_ARG,			/* one value */
	K_NUM,			/* one number */
	K_LIST,			/* values up to the next keyword */
	K_OPTARG		/* envelope: an optional number, a value */
};

enum scope {
	S_SERVER,
	S_USER
};

#define OPT(f)	offsetof(struct fmrc_opts, f)
#define NONE	((size_t)-1)

struct kw {
	const char *name;
	enum kind kind;
	enum scope scope;
	size_t off;		/* into struct fmrc_opts, or NONE: a note */
};

/*
 * x is set up by the caller: name (for messages), p and end (the text),
 * line 1, v a buffer of FMRC_TOKEN_MAX bytes, ei.
 */

/* The next token into x (x->t, x->tline, x->v): 0, or -1 with ei. */
int lex_next(struct lex *x);
/* Set ei to "name:line: msg" (ST_CONFIG); returns -1. */
int lex_err(struct lex *x, int line, const char *msg);

/* Is the current token the (unquoted) keyword kw (any case)? */
int lex_is_kw(const struct lex *x, const char *kw);
/* The option keyword the current token is, or NULL. */
const struct kw *lex_find_kw(const struct lex *x);
/* Is the current token any keyword, or the end (an option list ends)? */
int lex_any_kw(const struct lex *x);
/* Is it a noise word (and, with, has, wants, options)? */
int lex_is_noise(const struct lex *x);
/* Is it a value (word, number, string)? */
int lex_is_value(const struct lex *x);

#endif
