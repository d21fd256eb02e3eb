/* writer: imported accounts, merged, as a facteur accounts file. */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "esc.h"
#include "writer.h"
#include "xalloc.h"

struct imp_account *
imp_add(struct imp_set *s, struct account *a, int has_in, int has_out,
    const char *origin)
{
	struct imp_account *ia;

	s->v = xreallocarray(s->v, s->n + 1, sizeof(*s->v));
	ia = &s->v[s->n++];
	memset(ia, 0, sizeof(*ia));
	ia->a = a;
	ia->has_in = has_in;
	ia->has_out = has_out;
	ia->origin = origin != NULL ? xstrdup(origin) : NULL;
	return ia;
}

void
imp_note(struct imp_account *ia, const char *fmt, ...)
{
	va_list ap;
	char *line;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	if (line == NULL)
		return;
	ia->notes = xreallocarray(ia->notes, ia->nnotes + 1,
	    sizeof(*ia->notes));
	ia->notes[ia->nnotes++] = line;
}

void
imp_global_note(struct imp_set *s, const char *fmt, ...)
{
	va_list ap;
	char *line;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	if (line == NULL)
		return;
	s->notes = xreallocarray(s->notes, s->nnotes + 1, sizeof(*s->notes));
	s->notes[s->nnotes++] = line;
}

static void
free_one(struct imp_account *ia)
{
	size_t i;

	if (ia->a != NULL)
		account_free(ia->a);
	free(ia->origin);
	free(ia->refused);
	for (i = 0; i < ia->nnotes; i++)
		free(ia->notes[i]);
	free(ia->notes);
	memset(ia, 0, sizeof(*ia));
}

void
imp_free(struct imp_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free_one(&s->v[i]);
	free(s->v);
	free(s->default_name);
	for (i = 0; i < s->nnotes; i++)
		free(s->notes[i]);
	free(s->notes);
	memset(s, 0, sizeof(*s));
}

static int
eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && *a != '\0' && strcmp(a, b) == 0;
}

static int
eq_nocase(const char *a, const char *b)
{
	return a != NULL && b != NULL && *a != '\0' && strcasecmp(a, b) == 0;
}

/* Does incoming-only account i go with outgoing-only o, by rule r? */
static int
match(const struct imp_account *o, const struct imp_account *i, int r)
{
	const struct account *ao = o->a, *ai = i->a;

	switch (r) {
	case 1:
		return eq(ao->name, ai->name);
	case 2:
		return eq_nocase(ao->address, ai->in.user) ||
		    eq_nocase(ao->address, ai->address);
	default:
		return eq(ao->out.user, ai->in.user);
	}
}

/* Swap one field of a and b. */
#define SWAP(a, b, f) do {						\
	char *tmp_ = (a)->f;						\
	(a)->f = (b)->f;						\
	(b)->f = tmp_;							\
} while (0)

/* Move i's incoming side into o (o keeps its name and address). */
static void
join(struct imp_account *o, struct imp_account *i)
{
	struct account *a = o->a, *b = i->a;
	struct server ts;
	char *origin;
	size_t k;

	ts = a->in;
	a->in = b->in;
	b->in = ts;
	SWAP(a, b, delivery);
	SWAP(a, b, uidls_file);
	SWAP(a, b, mpop_uidls_file);
	SWAP(a, b, fetchmail_idfile);
	SWAP(a, b, filter);
	a->pipelining = b->pipelining;
	a->keep = b->keep;
	a->killsize = b->killsize;
	a->skipsize = b->skipsize;
	a->fetchall = b->fetchall;
	a->max_messages = b->max_messages;
	a->received_header = b->received_header;
	if (a->address == NULL || *a->address == '\0')
		SWAP(a, b, address);
	if (a->logfile == NULL)
		SWAP(a, b, logfile);
	if (a->syslog == NULL)
		SWAP(a, b, syslog);
	o->has_in = 1;
	origin = xasprintf("%s and %s", o->origin != NULL ? o->origin : "?",
	    i->origin != NULL ? i->origin : "?");
	free(o->origin);
	o->origin = origin;
	if (strcmp(a->name, b->name) != 0)
		imp_note(o, "with the incoming side of '%s'", b->name);
	for (k = 0; k < i->nnotes; k++) {
		o->notes = xreallocarray(o->notes, o->nnotes + 1,
		    sizeof(*o->notes));
		o->notes[o->nnotes++] = i->notes[k];
	}
	i->nnotes = 0;
}
#undef SWAP

void
imp_merge(struct imp_set *s)
{
	size_t oi, ii, w;
	int r;

	for (r = 1; r <= 3; r++)
		for (oi = 0; oi < s->n; oi++) {
			struct imp_account *o = &s->v[oi];

			if (o->a == NULL || !o->has_out || o->has_in ||
			    o->disabled)
				continue;
			for (ii = 0; ii < s->n; ii++) {
				struct imp_account *i = &s->v[ii];

				if (i->a == NULL || i->has_out || !i->has_in ||
				    i->disabled || !match(o, i, r))
					continue;
				join(o, i);
				free_one(i);
				break;
			}
		}
	for (oi = w = 0; oi < s->n; oi++)
		if (s->v[oi].a != NULL)
			s->v[w++] = s->v[oi];
	s->n = w;
}

static int
name_char_ok(unsigned char c)
{
	return c > 0x20 && c != 0x7f && c != ':' && c != ',' && c != '"' &&
	    c != '#';
}

void
imp_names(struct imp_set *s)
{
	size_t i, j;

	for (i = 0; i < s->n; i++) {
		struct account *a = s->v[i].a;
		char *p, *base;
		int k = 2, clash;

		if (*a->name == '\0') {
			free(a->name);
			a->name = xstrdup("imported");
		}
		if (strlen(a->name) > CONFIG_NAME_MAX - 8)
			a->name[CONFIG_NAME_MAX - 8] = '\0';
		for (p = a->name; *p != '\0'; p++)
			if (!name_char_ok((unsigned char)*p))
				*p = '_';
		base = xstrdup(a->name);
		do {
			clash = 0;
			for (j = 0; j < i; j++)
				if (strcmp(s->v[j].a->name, a->name) == 0)
					clash = 1;
			if (clash) {
				free(a->name);
				a->name = xasprintf("%s-%d", base, k++);
			}
		} while (clash);
		free(base);
	}
}

int
imp_quote(struct buf *out, const char *value)
{
	const unsigned char *p;
	size_t n = strlen(value);
	int quote = n == 0;

	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return -1;
		if (*p == ' ' || *p == '"' || *p == '\\' || *p == '#')
			quote = 1;
	}
	if (!quote) {
		buf_addstr(out, value);
		return 0;
	}
	buf_addch(out, '"');
	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			buf_addch(out, '\\');
		buf_addch(out, (char)*p);
	}
	buf_addch(out, '"');
	return 0;
}

struct wr {
	struct buf *out;
	const char *account;	/* for the error */
	int bad;		/* a value could not be written */
	const char *bad_key;
};

static void
kv(struct wr *w, const char *prefix, const char *key, const char *value)
{
	size_t mark = w->out->len;

	buf_printf(w->out, "%s%s ", prefix, key);
	if (imp_quote(w->out, value) < 0) {
		buf_truncate(w->out, w->out->len - mark);
		if (!w->bad)
			w->bad_key = key;
		w->bad = 1;
		return;
	}
	buf_addch(w->out, '\n');
}

static void
kvs(struct wr *w, const char *prefix, const char *key, const char *value)
{
	if (value != NULL)
		kv(w, prefix, key, value);
}

static void
kvn(struct wr *w, const char *prefix, const char *key, long long n)
{
	char v[32];

	snprintf(v, sizeof(v), "%lld", n);
	kv(w, prefix, key, v);
}

/* A duration as "keep" reads it: on, off, Nw, Nd, Nh, or Ns. */
static void
duration(long v, char *out, size_t outsz)
{
	if (v == KEEP_FOREVER)
		snprintf(out, outsz, "on");
	else if (v == 0)
		snprintf(out, outsz, "off");
	else if (v % 86400 == 0)
		snprintf(out, outsz, "%ldd", v / 86400);
	else if (v % 3600 == 0)
		snprintf(out, outsz, "%ldh", v / 3600);
	else
		snprintf(out, outsz, "%lds", v);
}

/* One server's settings that differ from facteur's defaults. */
static void
server(struct wr *w, const char *prefix, const struct server *s,
    int *secrets)
{
	struct server d, mode;

	server_init(&d);
	/* The port facteur would take with no port line: its own
	 * default, not the peer's (msmtp's 25 is written out). */
	mode = *s;
	mode.port = 0;
	mode.smtp_port25 = 0;
	kvs(w, prefix, "host", s->host);
	kvs(w, prefix, "socket", s->socket);
	kvs(w, prefix, "source_ip", s->source_ip);
	kvs(w, prefix, "proxy_host", s->proxy_host);
	if (s->proxy_port != 0)
		kvn(w, prefix, "proxy_port", s->proxy_port);
	if (server_port(s) != server_port(&mode))
		kvn(w, prefix, "port", server_port(s));
	if (!s->tls)
		kv(w, prefix, "tls", "off");
	else if (!s->starttls)
		kv(w, prefix, "tls_starttls", "off");
	kvs(w, prefix, "tls_trust_file", s->trust_file);
	kvs(w, prefix, "tls_crl_file", s->crl_file);
	kvs(w, prefix, "tls_fingerprint", s->fingerprint);
	if (!s->certcheck)
		kv(w, prefix, "tls_certcheck", "off");
	kvs(w, prefix, "tls_cert_file", s->cert_file);
	kvs(w, prefix, "tls_key_file", s->key_file);
	kvs(w, prefix, "tls_host_override", s->host_override);
	if (s->tls_min_version == 13)
		kv(w, prefix, "tls_min_version", "1.3");
	kvs(w, prefix, "user", s->user);
	if (s->password != NULL) {
		kv(w, prefix, "password", s->password);
		*secrets = 1;
	}
	kvs(w, prefix, "passwordeval", s->passwordeval);
	if (s->auth != NULL && strcmp(s->auth, "on") != 0)
		kv(w, prefix, "auth", s->auth);
	if (s->auth_plaintext)
		kv(w, prefix, "auth_plaintext", "on");
	if (s->connect_timeout != d.connect_timeout)
		kvn(w, prefix, "connect_timeout", s->connect_timeout);
	if (s->timeout != d.timeout)
		kvn(w, prefix, "timeout", s->timeout);
}

static const char *
sethdr(int v)
{
	return v == SETHDR_ON ? "on" : v == SETHDR_OFF ? "off" : "auto";
}

static void
account(struct wr *w, const struct imp_account *ia, int *secrets)
{
	const struct account *a = ia->a;
	char v[32];

	if (ia->has_in) {
		server(w, "incoming_", &a->in, secrets);
		if (a->in.proto == PROTO_IMAP)
			kv(w, "", "protocol", "imap");
	}
	if (ia->has_out) {
		server(w, "outgoing_", &a->out, secrets);
		kvs(w, "outgoing_", "domain", a->out.domain);
		if (a->out.lmtp)
			kv(w, "outgoing_", "protocol", "lmtp");
	}
	kvs(w, "", "logfile", a->logfile);
	kvs(w, "", "logfile_time_format", a->logfile_time_format);
	if (a->syslog != NULL && strcmp(a->syslog, "off") != 0)
		kv(w, "", "syslog", a->syslog);
	if (ia->has_out) {
		kvs(w, "", "aliases", a->aliases);
		kvs(w, "", "dsn_notify", a->dsn_notify);
		kvs(w, "", "dsn_return", a->dsn_return);
		if (!a->remove_bcc)
			kv(w, "", "remove_bcc_headers", "off");
		if (a->set_from != SETHDR_AUTO)
			kv(w, "", "set_from_header", sethdr(a->set_from));
		if (a->set_date != SETHDR_AUTO)
			kv(w, "", "set_date_header", sethdr(a->set_date));
		if (a->set_msgid != SETHDR_AUTO)
			kv(w, "", "set_msgid_header", sethdr(a->set_msgid));
		if (a->select_by_from_header)
			kv(w, "", "select_by_from_header", "on");
		if (a->set_to_header != SETTO_OFF)
			kv(w, "", "set_to_header",
			    a->set_to_header == SETTO_ON ? "on" :
			    "undisclosed_recipients");
		kvs(w, "", "from_full_name", a->from_full_name);
		if (!a->allow_from_override)
			kv(w, "", "allow_from_override", "off");
		if (a->auto_from)
			kv(w, "", "auto_from", "on");
		kvs(w, "", "maildomain", a->maildomain);
	}
	if (ia->has_in) {
		kvs(w, "", "delivery", a->delivery);
		if (a->keep != KEEP_DEFAULT) {
			duration(a->keep, v, sizeof(v));
			kv(w, "", "keep", v);
		}
		kvs(w, "", "uidls_file", a->uidls_file);
		kvs(w, "", "mpop_uidls_file", a->mpop_uidls_file);
		kvs(w, "", "fetchmail_idfile", a->fetchmail_idfile);
		kvs(w, "", "filter", a->filter);
		if (a->pipelining != SETHDR_AUTO)
			kv(w, "", "pipelining", sethdr(a->pipelining));
		if (a->killsize > 0)
			kvn(w, "", "killsize", (long long)a->killsize);
		if (a->skipsize > 0)
			kvn(w, "", "skipsize", (long long)a->skipsize);
		if (a->fetchall)
			kv(w, "", "fetchall", "on");
		if (a->max_messages > 0)
			kvn(w, "", "max_messages", a->max_messages);
		if (!a->received_header)
			kv(w, "", "received_header", "off");
	}
}

/* A comment line: "# " and the text, escaped, on one line. */
static void
comment(struct buf *out, const char *prefix, const char *text)
{
	buf_addstr(out, "# ");
	buf_addstr(out, prefix);
	esc_buf(out, text, strlen(text));
	buf_addch(out, '\n');
}

/* One account's lines, uncommented; w->bad when a value cannot go. */
static void
render(struct wr *w, const struct imp_account *ia, int *secrets)
{
	buf_printf(w->out, "account %s\n", ia->a->name);
	kvs(w, "", "address", ia->a->address);
	account(w, ia, secrets);
}

/* The message of "x:LINE: message" (config_parse() of "x"). */
static const char *
bare(const char *msg)
{
	const char *p = msg;

	if (strncmp(p, "x:", 2) != 0)
		return msg;
	for (p += 2; *p >= '0' && *p <= '9'; p++)
		;
	return p[0] == ':' && p[1] == ' ' ? p + 2 : msg;
}

size_t
imp_check(struct imp_set *s)
{
	size_t i, refused = 0;

	for (i = 0; i < s->n; i++) {
		struct imp_account *ia = &s->v[i];
		struct config *cfg = NULL;
		struct account *a = NULL;
		struct errinfo ei;
		struct buf acc;
		struct wr w;
		int secrets = 0;

		if (ia->disabled)
			continue;
		buf_init(&acc, CONFIG_FILE_MAX);
		memset(&w, 0, sizeof(w));
		w.out = &acc;
		render(&w, ia, &secrets);
		memset(&ei, 0, sizeof(ei));
		if (!w.bad && (config_parse("x", acc.data, acc.len, &cfg,
		    &ei) < 0 || config_resolve(cfg, ia->a->name, NULL, &a,
		    &ei) < 0)) {
			ia->disabled = 1;
			free(ia->refused);
			ia->refused = xstrdup(bare(ei.msg));
			imp_note(ia, "facteur refuses this account as written "
			    "(%s): correct it and remove the '#'s", ia->refused);
			refused++;
		}
		if (a != NULL)
			account_free(a);
		config_free(cfg);
		buf_free_secret(&acc);
	}
	return refused;
}

int
imp_write(struct buf *out, const struct imp_set *s, const char *header_text,
    int *secrets_r, struct errinfo *ei)
{
	struct buf body;
	size_t i, k;
	int secrets = 0, rc = 0;

	*secrets_r = 0;
	buf_init(&body, CONFIG_FILE_MAX);
	for (i = 0; i < s->n && rc == 0; i++) {
		const struct imp_account *ia = &s->v[i];
		struct wr w;
		struct buf acc;

		buf_init(&acc, CONFIG_FILE_MAX);
		memset(&w, 0, sizeof(w));
		w.out = &acc;
		buf_addch(&body, '\n');
		if (ia->origin != NULL)
			comment(&body, "from ", ia->origin);
		for (k = 0; k < ia->nnotes; k++)
			comment(&body, "", ia->notes[k]);
		render(&w, ia, &secrets);
		if (w.bad) {
			char e[256];

			esc_text(e, sizeof(e), ia->a->name, strlen(ia->a->name));
			rc = err_set(ei, ST_DATA, "account '%s': its %s holds a "
			    "line end or another control character, which an "
			    "accounts file cannot hold", e, w.bad_key);
		} else if (ia->disabled) {
			/* Each line commented out. */
			const char *l = acc.data, *nl;

			while ((nl = strchr(l, '\n')) != NULL) {
				buf_addstr(&body, "#");
				buf_add(&body, l, (size_t)(nl - l + 1));
				l = nl + 1;
			}
		} else {
			buf_add(&body, acc.data, acc.len);
		}
		buf_free_secret(&acc);
	}
	if (rc == 0 && s->default_name != NULL)
		buf_printf(&body, "\naccount default : %s\n", s->default_name);
	if (rc == 0) {
		comment(out, "", header_text);
		if (secrets)
			buf_addstr(out, "# This file holds passwords in clear, "
			    "as its source did: keep it private (mode 600).\n");
		for (k = 0; k < s->nnotes; k++)
			comment(out, "", s->notes[k]);
		buf_add(out, body.data, body.len);
		*secrets_r = secrets;
	}
	buf_free_secret(&body);
	return rc;
}
