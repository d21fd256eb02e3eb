/* fmrclex: fetchmail's run control tokens and keywords (fmrclex.h). */
#include "autoconf.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "fmrc.h"
#include "fmrclex.h"
#include "hex.h"

static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

/* Unquoted strings end at white space and at , ; : = " #. */
static int
is_delim(int c)
{
	return is_blank(c) || c == ',' || c == ';' || c == ':' || c == '=' ||
	    c == '"' || c == '#';
}

int
lex_err(struct lex *x, int line, const char *msg)
{
	return err_set(x->ei, ST_CONFIG, "%s:%d: %s", x->name, line, msg);
}

/* One escape after a backslash in a quoted string: the byte, or -1. */
static int
escape(struct lex *x)
{
	int c = (unsigned char)*x->p++, v = 0, n = 0;

	switch (c) {
	case 'n':
		return '\n';
	case 't':
		return '\t';
	case 'b':
		return '\b';
	case 'r':
		return '\r';
	case 'x':
		while (n < 2 && x->p < x->end && hex_value(*x->p) >= 0) {
			v = v * 16 + hex_value(*x->p++);
			n++;
		}
		return n > 0 ? v : 'x';
	case '0':
		/* \0ooo: octal. */
		while (n < 3 && x->p < x->end && *x->p >= '0' && *x->p <= '7') {
			v = v * 8 + (*x->p++ - '0');
			n++;
		}
		return v;
	default:
		if (c >= '1' && c <= '9') {
			/* \nnn: decimal. */
			v = c - '0';
			while (n < 2 && x->p < x->end && *x->p >= '0' &&
			    *x->p <= '9') {
				v = v * 10 + (*x->p++ - '0');
				n++;
			}
			return v <= 255 ? v : -1;
		}
		return c;
	}
}

/* The next token into x: 0, or -1 with ei. */
int
lex_next(struct lex *x)
{
	buf_reset(&x->v);
	for (;;) {
		while (x->p < x->end && (is_blank(*x->p) || *x->p == ',' ||
		    *x->p == ';' || *x->p == ':')) {
			if (*x->p == '\n')
				x->line++;
			x->p++;
		}
		if (x->p < x->end && *x->p == '#') {
			while (x->p < x->end && *x->p != '\n')
				x->p++;
			continue;
		}
		break;
	}
	x->tline = x->line;
	if (x->p >= x->end) {
		x->t = T_END;
		return 0;
	}
	if (*x->p == '=') {
		x->p++;
		x->t = T_EQ;
		return 0;
	}
	if (*x->p == '"') {
		x->p++;
		for (;;) {
			int c;

			if (x->p >= x->end)
				return lex_err(x, x->tline, "unterminated quoted "
				    "string");
			c = (unsigned char)*x->p++;
			if (c == '"')
				break;
			if (c == '\n')
				x->line++;
			if (c == '\\') {
				if (x->p >= x->end)
					continue;
				if (*x->p == '\n') {
					/* A backslash-newline joins lines. */
					x->p++;
					x->line++;
					continue;
				}
				if ((c = escape(x)) < 0)
					return lex_err(x, x->line, "invalid "
					    "escape in a quoted string");
			}
			if (c == '\0')
				return lex_err(x, x->line, "a NUL byte in a "
				    "quoted string");
			if (buf_addch(&x->v, (char)c) < 0)
				return lex_err(x, x->tline, "quoted string "
				    "too long");
		}
		x->t = T_STR;
		return 0;
	}
	while (x->p < x->end && !is_delim((unsigned char)*x->p)) {
		if (*x->p == '\0')
			return lex_err(x, x->line, "a NUL byte");
		if (buf_addch(&x->v, *x->p++) < 0)
			return lex_err(x, x->tline, "word too long");
	}
	x->t = strspn(x->v.data, "0123456789") == x->v.len ? T_NUM : T_WORD;
	return 0;
}

/* Is the current token the (unquoted) keyword kw? */
int
lex_is_kw(const struct lex *x, const char *kw)
{
	return x->t == T_WORD && strcasecmp(x->v.data, kw) == 0;
}

static const struct kw kws[] = {
	{ "via", K_ARG, S_SERVER, OPT(via) },
	{ "proto", K_ARG, S_SERVER, OPT(proto) },
	{ "protocol", K_ARG, S_SERVER, OPT(proto) },
	{ "port", K_ARG, S_SERVER, OPT(service) },
	{ "service", K_ARG, S_SERVER, OPT(service) },
	{ "auth", K_ARG, S_SERVER, OPT(auth) },
	{ "authenticate", K_ARG, S_SERVER, OPT(auth) },
	{ "timeout", K_NUM, S_SERVER, OPT(timeout) },
	{ "uidl", K_FLAG, S_SERVER, OPT(uidl) },
	{ "local", K_LIST, S_SERVER, NONE },
	{ "localdomains", K_LIST, S_SERVER, NONE },
	{ "envelope", K_OPTARG, S_SERVER, NONE },
	{ "qvirtual", K_ARG, S_SERVER, NONE },
	{ "aka", K_LIST, S_SERVER, NONE },
	{ "interface", K_ARG, S_SERVER, NONE },
	{ "monitor", K_ARG, S_SERVER, NONE },
	{ "plugin", K_ARG, S_SERVER, NONE },
	{ "plugout", K_ARG, S_SERVER, NONE },
	{ "dns", K_FLAG, S_SERVER, NONE },
	{ "checkalias", K_FLAG, S_SERVER, NONE },
	{ "interval", K_NUM, S_SERVER, NONE },
	{ "tracepolls", K_FLAG, S_SERVER, NONE },
	{ "principal", K_ARG, S_SERVER, NONE },
	{ "esmtpname", K_ARG, S_SERVER, NONE },
	{ "esmtppassword", K_ARG, S_SERVER, NONE },
	{ "bad-header", K_ARG, S_SERVER, NONE },
	{ "pass", K_ARG, S_USER, OPT(pass) },
	{ "password", K_ARG, S_USER, OPT(pass) },
	{ "ssl", K_FLAG, S_USER, OPT(ssl) },
	{ "sslproto", K_ARG, S_USER, OPT(sslproto) },
	{ "sslcertck", K_FLAG, S_USER, OPT(sslcertck) },
	{ "sslcertfile", K_ARG, S_USER, OPT(sslcertfile) },
	{ "sslcert", K_ARG, S_USER, OPT(sslcert) },
	{ "sslkey", K_ARG, S_USER, OPT(sslkey) },
	{ "sslcommonname", K_ARG, S_USER, OPT(sslcommonname) },
	{ "sslfingerprint", K_ARG, S_USER, OPT(sslfingerprint) },
	{ "sslcertpath", K_ARG, S_USER, NONE },
	{ "mda", K_ARG, S_USER, OPT(mda) },
	{ "smtphost", K_LIST, S_USER, OPT(smtphost) },
	{ "smtphosts", K_LIST, S_USER, OPT(smtphost) },
	{ "lmtp", K_FLAG, S_USER, OPT(lmtp) },
	{ "keep", K_FLAG, S_USER, OPT(keep) },
	{ "flush", K_FLAG, S_USER, OPT(flush) },
	{ "fetchall", K_FLAG, S_USER, OPT(fetchall) },
	{ "limit", K_NUM, S_USER, OPT(limit) },
	{ "fetchlimit", K_NUM, S_USER, OPT(fetchlimit) },
	{ "folder", K_LIST, S_USER, NONE },
	{ "fetchdomains", K_LIST, S_USER, NONE },
	{ "smtpaddress", K_ARG, S_USER, NONE },
	{ "smtpname", K_ARG, S_USER, NONE },
	{ "antispam", K_LIST, S_USER, NONE },
	{ "bsmtp", K_ARG, S_USER, NONE },
	{ "preconnect", K_ARG, S_USER, NONE },
	{ "postconnect", K_ARG, S_USER, NONE },
	{ "limitflush", K_FLAG, S_USER, NONE },
	{ "rewrite", K_FLAG, S_USER, NONE },
	{ "stripcr", K_FLAG, S_USER, NONE },
	{ "forcecr", K_FLAG, S_USER, NONE },
	{ "pass8bits", K_FLAG, S_USER, NONE },
	{ "dropstatus", K_FLAG, S_USER, NONE },
	{ "dropdelivered", K_FLAG, S_USER, NONE },
	{ "mimedecode", K_FLAG, S_USER, NONE },
	{ "idle", K_FLAG, S_USER, NONE },
	{ "warnings", K_NUM, S_USER, NONE },
	{ "batchlimit", K_NUM, S_USER, NONE },
	{ "fetchsizelimit", K_NUM, S_USER, NONE },
	{ "fastuidl", K_NUM, S_USER, NONE },
	{ "expunge", K_NUM, S_USER, NONE },
	{ "properties", K_ARG, S_USER, NONE },
};

/* Words that are not options: entries, users, noise. */
static const char *const structural[] = {
	"poll", "skip", "server", "defaults", "set", "user", "username",
	"is", "to", "here", "there", "no", "and", "with", "has", "wants",
	"options",
};

const struct kw *
lex_find_kw(const struct lex *x)
{
	size_t i;

	if (x->t != T_WORD)
		return NULL;
	for (i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
		if (strcasecmp(x->v.data, kws[i].name) == 0)
			return &kws[i];
	return NULL;
}

/* Is the current token any keyword (an option list ends there)? */
int
lex_any_kw(const struct lex *x)
{
	size_t i;

	if (x->t == T_END)
		return 1;
	if (x->t != T_WORD)
		return 0;
	for (i = 0; i < sizeof(structural) / sizeof(structural[0]); i++)
		if (strcasecmp(x->v.data, structural[i]) == 0)
			return 1;
	return lex_find_kw(x) != NULL;
}

int
lex_is_noise(const struct lex *x)
{
	return lex_is_kw(x, "and") || lex_is_kw(x, "with") ||
	    lex_is_kw(x, "has") || lex_is_kw(x, "wants") ||
	    lex_is_kw(x, "options");
}

/* A value token (word, number, string) is there. */
int
lex_is_value(const struct lex *x)
{
	return x->t == T_WORD || x->t == T_NUM || x->t == T_STR;
}
