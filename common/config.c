/* config: parse the accounts file; resolve accounts with inheritance. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "xalloc.h"

struct acctdef {
	char *name;
	int line;
	struct acctdef **parents;
	size_t nparents;
	struct setlist defaults;	/* the defaults when it was defined */
	struct setlist own;
};

struct config {
	char *path;
	enum config_dialect dialect;
	struct acctdef **acct;
	size_t n;
	struct setlist defaults;	/* while parsing: defaults so far */
	int has_password;
	int password_line;
	char **warnings;		/* "file:line: message" */
	size_t nwarnings;
	const struct config_opts *opts;	/* while parsing */
};

#define CONFIG_WARNINGS_MAX 100		/* kept per file; more are counted */

void
config_warn(struct config *cfg, int line, const char *msg)
{
	if (cfg->nwarnings >= CONFIG_WARNINGS_MAX)
		return;
	cfg->warnings = xreallocarray(cfg->warnings, cfg->nwarnings + 1,
	    sizeof(*cfg->warnings));
	cfg->warnings[cfg->nwarnings++] = xasprintf("%s:%d: %s", cfg->path,
	    line, msg);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static struct acctdef *
find_def(const struct config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n; i++)
		if (strcmp(cfg->acct[i]->name, name) == 0)
			return cfg->acct[i];
	return NULL;
}

/*
 * Unquote the value part of a line into out: quotes keep white space and
 * '#', backslash escapes '"' and '\' inside quotes; unquoted white space
 * at both ends is dropped.  Returns 0 or -1 (unterminated quote).
 */
static int
unquote(const char *p, const char *end, struct buf *out)
{
	size_t keep = 0;	/* length without trailing unquoted blanks */
	int inq = 0;

	while (p < end && is_space(*p))
		p++;
	for (; p < end; p++) {
		if (inq) {
			if (*p == '"') {
				inq = 0;
				keep = out->len;
				continue;
			}
			if (*p == '\\' && p + 1 < end &&
			    (p[1] == '"' || p[1] == '\\'))
				p++;
			buf_addch(out, *p);
			keep = out->len;
		} else if (*p == '"') {
			inq = 1;
		} else {
			buf_addch(out, *p);
			if (!is_space(*p))
				keep = out->len;
		}
	}
	if (inq)
		return -1;
	buf_truncate(out, out->len - keep);
	return 0;
}

/*
 * msmtp's and mpop's quoting: white space at both ends dropped, then one
 * pair of double quotes around the whole value; quotes inside stay as
 * they are (mpop's filter "if [ "`grep "^X-Spam: Yes"`" ]; ..." needs
 * them), no backslash escapes.
 */
static void
peer_unquote(const char *p, struct buf *out)
{
	const char *end = p + strlen(p);

	while (p < end && is_space(*p))
		p++;
	while (end > p && is_space(end[-1]))
		end--;
	if (end - p >= 2 && *p == '"' && end[-1] == '"') {
		p++;
		end--;
	}
	buf_add(out, p, (size_t)(end - p));
}

static int
valid_name(const char *s)
{
	if (*s == '\0' || strlen(s) > CONFIG_NAME_MAX)
		return 0;
	for (; *s != '\0'; s++)
		if (is_space(*s) || *s == ':' || *s == ',' || *s == '"' ||
		    *s == '#')
			return 0;
	return 1;
}

static void
acctdef_free(struct acctdef *d)
{
	free(d->name);
	free(d->parents);
	setlist_free(&d->defaults);
	setlist_free(&d->own);
	free(d);
}

/* "account NAME [: PARENT[, PARENT...]]" */
static int
parse_account(struct config *cfg, char *args, int line, struct errinfo *ei)
{
	struct acctdef *d, *prev;
	char *colon = strchr(args, ':'), *p, *tok;

	if (colon != NULL)
		*colon = '\0';
	/* Trim the name. */
	for (p = args + strlen(args); p > args && is_space(p[-1]); p--)
		p[-1] = '\0';
	if (!valid_name(args))
		return err_set(ei, ST_CONFIG, "invalid account name '%s' (no "
		    "spaces, ':', ',', '\"' or '#'; at most %d bytes)", args,
		    CONFIG_NAME_MAX);
	if ((prev = find_def(cfg, args)) != NULL)
		return err_set(ei, ST_CONFIG, "account '%s' is already defined "
		    "at line %d", args, prev->line);
	d = xcalloc(1, sizeof(*d));
	d->name = xstrdup(args);
	d->line = line;
	setlist_init(&d->own);
	setlist_init(&d->defaults);
	setlist_append(&d->defaults, &cfg->defaults);
	if (colon != NULL) {
		char *save = NULL;

		for (tok = strtok_r(colon + 1, ", \t", &save); tok != NULL;
		    tok = strtok_r(NULL, ", \t", &save)) {
			struct acctdef *par = find_def(cfg, tok);

			if (par == NULL) {
				err_set(ei, ST_CONFIG, "account '%s': unknown parent "
				    "account '%s' (parents must be defined first)",
				    d->name, tok);
				acctdef_free(d);
				return -1;
			}
			d->parents = xreallocarray(d->parents, d->nparents + 1,
			    sizeof(*d->parents));
			d->parents[d->nparents++] = par;
		}
		if (d->nparents == 0) {
			err_set(ei, ST_CONFIG, "account '%s': missing parent "
			    "account name after ':'", d->name);
			acctdef_free(d);
			return -1;
		}
	}
	cfg->acct = xreallocarray(cfg->acct, cfg->n + 1, sizeof(*cfg->acct));
	cfg->acct[cfg->n++] = d;
	return 0;
}

static int
add_setting(struct config *cfg, struct acctdef *cur, const char *key,
    const char *value, int lineno, struct errinfo *ei)
{
	struct setlist *l = cur != NULL ? &cur->own : &cfg->defaults;
	const char *why = settings_ignored_why(key);
	char msg[256];
	int rc;

	if (why != NULL) {
		snprintf(msg, sizeof(msg), "'%s' is ignored: %s", key, why);
		config_warn(cfg, lineno, msg);
		return 0;
	}
	rc = setlist_add(l, key, value, lineno, ei);

	if (rc == 0 && l->has_password && !cfg->has_password) {
		cfg->has_password = 1;
		cfg->password_line = lineno;
	}
	return rc;
}

/*
 * A line of msmtp's or mpop's file: translated into facteur's key (see
 * dialect.h); a key that means nothing here is a warning, not an error,
 * so that one leftover line never stops all mail.  Bad values of keys
 * that do mean something are errors, as in facteur's own files.
 */
static int
peer_line(struct config *cfg, struct acctdef *cur, int in_defaults,
    const char *key, const char *value, int lineno, struct errinfo *ei)
{
	const char *fkey;
	struct buf v;
	char why[256];
	int rc = 0;

	if (cur == NULL && !in_defaults)
		return err_set(ei, ST_CONFIG, "'%s' outside an account: start "
		    "with 'defaults' or 'account NAME'", key);
	buf_init(&v, CONFIG_LINE_MAX);
	switch (dialect_translate(cfg->dialect, key, value, &fkey, &v, why,
	    sizeof(why))) {
	case DIALECT_SKIP:
		break;
	case DIALECT_IGNORE:
		config_warn(cfg, lineno, why);
		break;
	case DIALECT_SET:
		if (!settings_key_known(fkey)) {
			snprintf(why, sizeof(why), "'%s' (%s) is not supported "
			    "by facteur: ignored", key, dialect_name(cfg->dialect));
			config_warn(cfg, lineno, why);
			break;
		}
		rc = add_setting(cfg, cur, fkey, v.len ? v.data : NULL, lineno,
		    ei);
		break;
	}
	buf_free_secret(&v);
	return rc;
}

static int parse_line(struct config *cfg, struct acctdef **cur,
    int *in_defaults, char *line, int lineno, int depth, struct errinfo *ei);

/*
 * "eval COMMAND": the line is replaced by the first line of the command's
 * output (msmtp and mpop have it; see pwcmd.h for how it runs).
 */
static int
eval_line(struct config *cfg, struct acctdef **cur, int *in_defaults,
    const char *cmd, int lineno, struct errinfo *ei)
{
	char *out = NULL, *line;
	int rc;

	if (*cmd == '\0')
		return err_set(ei, ST_CONFIG, "'eval' needs a command");
	if (cfg->opts == NULL || cfg->opts->eval == NULL)
		return err_set(ei, ST_CONFIG, "'eval' is not allowed here");
	if (cfg->opts->eval(cmd, &out, ei) < 0)
		return err_prefix(ei, "eval: ");
	if (strlen(out) > CONFIG_LINE_MAX) {
		xfree_secret(out);
		return err_set(ei, ST_CONFIG, "eval: the command's line is too "
		    "long (more than %d bytes)", CONFIG_LINE_MAX);
	}
	line = xstrdup(out);
	xfree_secret(out);
	rc = parse_line(cfg, cur, in_defaults, line, lineno, 1, ei);
	wipe(line, strlen(line));
	free(line);
	return rc;
}

/* Parse one line (NUL-terminated, without its LF). */
static int
parse_line(struct config *cfg, struct acctdef **cur, int *in_defaults,
    char *line, int lineno, int depth, struct errinfo *ei)
{
	char *p = line, *key, *end;
	struct buf val;
	int rc = 0;

	while (is_space(*p))
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	key = p;
	while (*p != '\0' && !is_space(*p))
		p++;
	end = p;
	if (*p != '\0')
		p++;
	*end = '\0';
	buf_init(&val, CONFIG_LINE_MAX);
	if (cfg->dialect != CONFIG_DIALECT_FACTEUR) {
		peer_unquote(p, &val);
	} else if (unquote(p, p + strlen(p), &val) < 0) {
		rc = err_set(ei, ST_CONFIG, "unterminated quoted string");
		goto out;
	}
	if (strcmp(key, "defaults") == 0) {
		if (val.len > 0) {
			rc = err_set(ei, ST_CONFIG, "'defaults' takes no value");
			goto out;
		}
		*in_defaults = 1;
		*cur = NULL;
	} else if (strcmp(key, "account") == 0) {
		if (val.len == 0) {
			rc = err_set(ei, ST_CONFIG, "'account' needs a name");
			goto out;
		}
		rc = parse_account(cfg, val.data, lineno, ei);
		if (rc == 0) {
			*cur = cfg->acct[cfg->n - 1];
			*in_defaults = 0;
		}
	} else if (strcmp(key, "eval") == 0 && depth > 0) {
		rc = err_set(ei, ST_CONFIG, "eval: the command printed another "
		    "'eval' line");
	} else if (strcmp(key, "eval") == 0) {
		rc = eval_line(cfg, cur, in_defaults, val.len ? val.data : "",
		    lineno, ei);
	} else if (cfg->dialect != CONFIG_DIALECT_FACTEUR) {
		rc = peer_line(cfg, *cur, *in_defaults, key, val.len ? val.data :
		    NULL, lineno, ei);
	} else if (*cur == NULL && !*in_defaults) {
		if (!settings_key_known(key))
			rc = err_set(ei, ST_CONFIG, "unknown key '%s'", key);
		else
			rc = err_set(ei, ST_CONFIG, "'%s' outside an account: "
			    "start with 'defaults' or 'account NAME'", key);
	} else {
		rc = add_setting(cfg, *cur, key, val.len ? val.data : NULL,
		    lineno, ei);
	}
out:
	buf_free_secret(&val);
	return rc;
}

int
config_parse(const char *name, const char *text, size_t len,
    struct config **cfg_r, struct errinfo *ei)
{
	return config_parse_opts(name, text, len, NULL, cfg_r, ei);
}

int
config_parse_opts(const char *name, const char *text, size_t len,
    const struct config_opts *opts, struct config **cfg_r,
    struct errinfo *ei)
{
	struct config *cfg = xcalloc(1, sizeof(*cfg));
	struct acctdef *cur = NULL;
	int in_defaults = 0, lineno = 0;
	size_t pos = 0, i;
	char *line = xmalloc(CONFIG_LINE_MAX + 1);
	const char *dk, *dv;

	cfg->path = xstrdup(name);
	cfg->opts = opts;
	cfg->dialect = opts != NULL ? opts->dialect : CONFIG_DIALECT_FACTEUR;
	if (cfg->dialect == CONFIG_DIALECT_AUTO)
		cfg->dialect = dialect_detect(text, len, opts->side);
	setlist_init(&cfg->defaults);
	/* The peer's defaults, where they differ from ours (line 0). */
	for (i = 0; dialect_default(cfg->dialect, i, &dk, &dv); i++)
		if (setlist_add(&cfg->defaults, dk, dv, 0, ei) < 0)
			goto fail;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t ll = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;

		lineno++;
		if (ll > CONFIG_LINE_MAX) {
			err_set(ei, ST_CONFIG, "%s:%d: line too long (more than %d "
			    "bytes)", name, lineno, CONFIG_LINE_MAX);
			goto fail;
		}
		if (memchr(text + pos, '\0', ll) != NULL) {
			err_set(ei, ST_CONFIG, "%s:%d: NUL byte in line", name,
			    lineno);
			goto fail;
		}
		memcpy(line, text + pos, ll);
		line[ll] = '\0';
		pos += ll + (nl != NULL);
		if (parse_line(cfg, &cur, &in_defaults, line, lineno, 0,
		    ei) < 0) {
			err_prefix(ei, "%s:%d: ", name, lineno);
			goto fail;
		}
	}
	wipe(line, CONFIG_LINE_MAX + 1);
	free(line);
	cfg->opts = NULL;
	*cfg_r = cfg;
	return 0;
fail:
	wipe(line, CONFIG_LINE_MAX + 1);
	free(line);
	config_free(cfg);
	return -1;
}

void
config_free(struct config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->n; i++)
		acctdef_free(cfg->acct[i]);
	free(cfg->acct);
	for (i = 0; i < cfg->nwarnings; i++)
		free(cfg->warnings[i]);
	free(cfg->warnings);
	setlist_free(&cfg->defaults);
	free(cfg->path);
	free(cfg);
}

const char *
config_path(const struct config *cfg)
{
	return cfg->path;
}

enum config_dialect
config_dialect(const struct config *cfg)
{
	return cfg->dialect;
}

size_t
config_nwarnings(const struct config *cfg)
{
	return cfg->nwarnings;
}

const char *
config_warning(const struct config *cfg, size_t i)
{
	return cfg->warnings[i];
}

size_t
config_count(const struct config *cfg)
{
	return cfg->n;
}

const char *
config_name(const struct config *cfg, size_t i)
{
	return cfg->acct[i]->name;
}

int
config_password_line(const struct config *cfg)
{
	return cfg->has_password ? cfg->password_line : 0;
}

int
config_is_alias(const struct config *cfg, size_t i)
{
	const struct acctdef *d = cfg->acct[i];

	return strcmp(d->name, "default") == 0 && d->nparents == 1 &&
	    d->own.n == 0;
}

int
config_has(const struct config *cfg, const char *name)
{
	return find_def(cfg, name) != NULL;
}

/* Apply a definition's parents, then its own settings. */
static void
apply_chain(const struct acctdef *d, struct account *a, int depth)
{
	size_t i;

	if (depth > 64)
		return;		/* cannot happen: parents come first */
	for (i = 0; i < d->nparents; i++)
		apply_chain(d->parents[i], a, depth + 1);
	settings_apply(&d->own, a);
}

int
config_resolve(const struct config *cfg, const char *name,
    const struct setlist *extra, struct account **acct_r, struct errinfo *ei)
{
	const struct acctdef *d = NULL;
	struct account *a;

	if (cfg != NULL) {
		if (name != NULL) {
			d = find_def(cfg, name);
			if (d == NULL)
				return err_set(ei, ST_USAGE, "%s: no account "
				    "named '%s'", cfg->path, name);
		} else if ((d = find_def(cfg, "default")) == NULL) {
			if (cfg->n != 1)
				return err_set(ei, ST_CONFIG, "%s: no default "
				    "account: choose one with -a ACCOUNT, or add "
				    "'account default : ACCOUNT'", cfg->path);
			d = cfg->acct[0];
		}
	}
	/* "account default : work" is the account work, by its name. */
	while (d != NULL && strcmp(d->name, "default") == 0 &&
	    d->nparents == 1 && d->own.n == 0)
		d = d->parents[0];
	a = account_new(d != NULL ? d->name : NULL);
	if (cfg != NULL) {
		a->dialect = cfg->dialect;
		/* msmtp's SMTP port is 25 (465 with TLS at once), not 587. */
		a->out.smtp_port25 = cfg->dialect == CONFIG_DIALECT_MSMTP;
	}
	if (d != NULL) {
		a->file = xstrdup(cfg->path);
		a->line = d->line;
		settings_apply(&d->defaults, a);
		apply_chain(d, a, 0);
	}
	if (extra != NULL)
		settings_apply(extra, a);
	*acct_r = a;
	return 0;
}
