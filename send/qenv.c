/*
 * qenv: the envelope of a queued message, its text and the retry
 * schedule.  See qenv.h for the format.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hex.h"
#include "qenv.h"
#include "xalloc.h"

static const char *const state_name[] = { "todo", "done", "failed" };
static const char *const ret_name[] = { "", "full", "headers" };

void
qenv_init(struct qenv *q)
{
	memset(q, 0, sizeof(*q));
	q->rcpt = NULL;
}

void
qenv_free(struct qenv *q)
{
	free(q->rcpt);
	qenv_init(q);
}

int
qenv_add_rcpt(struct qenv *q, const char *addr, struct errinfo *ei)
{
	struct qenv_rcpt *r;
	size_t len = strlen(addr);

	if (len == 0 || len > QENV_ADDR_MAX)
		return err_set(ei, ST_SOFTWARE, "queue: recipient of %zu "
		    "bytes", len);
	if (q->nrcpt >= QENV_RCPT_MAX)
		return err_set(ei, ST_SOFTWARE, "queue: more than %d "
		    "recipients", QENV_RCPT_MAX);
	/* Grown one at a time: at most QENV_RCPT_MAX, and rarely many. */
	q->rcpt = xreallocarray(q->rcpt, q->nrcpt + 1, sizeof(*q->rcpt));
	r = &q->rcpt[q->nrcpt++];
	memset(r, 0, sizeof(*r));
	r->state = QENV_TODO;
	memcpy(r->addr, addr, len + 1);
	return 0;
}

void
qenv_set_text(char *dst, const char *text, size_t len)
{
	const char *nul = memchr(text, '\0', len);

	if (nul != NULL)
		len = (size_t)(nul - text);
	if (len > QENV_TEXT_MAX)
		len = QENV_TEXT_MAX;
	memcpy(dst, text, len);
	dst[len] = '\0';
}

static int
valid_id(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > QENV_ID_MAX || s[0] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-'))
			return 0;
	}
	return 1;
}

/* "", "never", or distinct words of success, failure, delay joined by ','. */
static int
valid_notify(const char *s)
{
	static const char *const word[] = { "success", "failure", "delay" };
	unsigned seen = 0;
	size_t i, n;

	if (*s == '\0' || strcmp(s, "never") == 0)
		return 1;
	for (;;) {
		n = strcspn(s, ",");
		for (i = 0; i < 3; i++)
			if (strlen(word[i]) == n && memcmp(s, word[i], n) == 0)
				break;
		if (i == 3 || (seen & (1U << i)) != 0)
			return 0;
		seen |= 1U << i;
		if (s[n] == '\0')
			return 1;
		s += n + 1;
	}
}

/* A string field within max bytes (NUL found before the array's end). */
static int
fits(const char *s, size_t max)
{
	return memchr(s, '\0', max + 1) != NULL;
}

int
qenv_check(const struct qenv *q, struct errinfo *ei)
{
	size_t i;

	if (!fits(q->id, QENV_ID_MAX) || !valid_id(q->id, strlen(q->id)))
		return err_set(ei, ST_SOFTWARE, "queue: invalid id");
	if (!fits(q->account, QENV_NAME_MAX) || q->account[0] == '\0')
		return err_set(ei, ST_SOFTWARE, "queue: no account");
	if (!fits(q->sender, QENV_ADDR_MAX) || !fits(q->envid,
	    QENV_ENVID_MAX) || !fits(q->error, QENV_TEXT_MAX) ||
	    !fits(q->notify, QENV_NOTIFY_MAX))
		return err_set(ei, ST_SOFTWARE, "queue: a field too long");
	if (!valid_notify(q->notify))
		return err_set(ei, ST_SOFTWARE, "queue: invalid NOTIFY");
	if (q->ret > QENV_RET_HEADERS)
		return err_set(ei, ST_SOFTWARE, "queue: invalid RET");
	if (q->created < 0 || q->created > QENV_TIME_MAX || q->next < 0 ||
	    q->next > QENV_TIME_MAX || q->attempts > QENV_ATTEMPTS_MAX)
		return err_set(ei, ST_SOFTWARE, "queue: a number out of "
		    "range");
	if (q->nrcpt == 0 || q->nrcpt > QENV_RCPT_MAX)
		return err_set(ei, ST_SOFTWARE, "queue: %zu recipients",
		    q->nrcpt);
	for (i = 0; i < q->nrcpt; i++) {
		const struct qenv_rcpt *r = &q->rcpt[i];

		if (r->state > QENV_FAILED || !fits(r->addr, QENV_ADDR_MAX) ||
		    r->addr[0] == '\0' || !fits(r->reply, QENV_TEXT_MAX))
			return err_set(ei, ST_SOFTWARE, "queue: invalid "
			    "recipient %zu", i + 1);
	}
	return 0;
}

/* Bytes < 0x21, '%' and 0x7f as %XX; the rest as it is. */
static int
add_escaped(struct buf *b, const char *s)
{
	static const char digit[] = "0123456789ABCDEF";
	const unsigned char *p;
	char e[3];

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x21 || *p == '%' || *p == 0x7f) {
			e[0] = '%';
			e[1] = digit[*p >> 4];
			e[2] = digit[*p & 15];
			if (buf_add(b, e, 3) < 0)
				return -1;
		} else if (buf_addch(b, (char)*p) < 0)
			return -1;
	}
	return 0;
}

static int
add_field(struct buf *b, const char *key, const char *value)
{
	if (buf_addstr(b, key) < 0 || buf_addch(b, ' ') < 0 ||
	    add_escaped(b, value) < 0 || buf_addch(b, '\n') < 0)
		return -1;
	return 0;
}

int
qenv_write(const struct qenv *q, struct buf *b, struct errinfo *ei)
{
	size_t i;

	if (qenv_check(q, ei) < 0)
		return -1;
	if (buf_printf(b, "facteur-queue %d\nid %s\n", QENV_VERSION,
	    q->id) < 0 || add_field(b, "account", q->account) < 0 ||
	    add_field(b, "sender", q->sender) < 0 ||
	    add_field(b, "notify", q->notify) < 0 ||
	    add_field(b, "ret", ret_name[q->ret]) < 0 ||
	    add_field(b, "envid", q->envid) < 0 ||
	    buf_printf(b, "created %lld\nattempts %lu\nnext %lld\n",
	    q->created, q->attempts, q->next) < 0 ||
	    add_field(b, "error", q->error) < 0)
		goto full;
	for (i = 0; i < q->nrcpt; i++) {
		const struct qenv_rcpt *r = &q->rcpt[i];

		if (buf_printf(b, "rcpt %s ", state_name[r->state]) < 0 ||
		    add_escaped(b, r->addr) < 0 || buf_addch(b, ' ') < 0 ||
		    add_escaped(b, r->reply) < 0 || buf_addch(b, '\n') < 0)
			goto full;
	}
	if (buf_addstr(b, "end\n") < 0)
		goto full;
	return 0;
full:
	return err_set(ei, ST_SOFTWARE, "queue: envelope '%s' too large",
	    q->id);
}

/*
 * Unescape s[0..len) into dst (max bytes + NUL).  -1: a byte that must be
 * escaped, a bad or %00 escape, or longer than max.
 */
static int
unescape(char *dst, size_t max, const char *s, size_t len)
{
	size_t i, n = 0;
	int hi, lo;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x21 || c == 0x7f)
			return -1;
		if (c == '%') {
			if (len - i < 3 || (hi = hex_value(s[i + 1])) < 0 ||
			    (lo = hex_value(s[i + 2])) < 0 ||
			    (hi == 0 && lo == 0))
				return -1;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		if (n >= max)
			return -1;
		dst[n++] = (char)c;
	}
	dst[n] = '\0';
	return 0;
}

/* A decimal 0..max, no sign, no leading zero. */
static int
number(const char *s, size_t len, long long max, long long *v_r)
{
	long long v = 0;
	size_t i;

	if (len == 0 || (len > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
		if (v > max)
			return -1;
	}
	*v_r = v;
	return 0;
}

/* The lines before the recipients, in their order. */
enum field {
	F_MAGIC, F_ID, F_ACCOUNT, F_SENDER, F_NOTIFY, F_RET, F_ENVID,
	F_CREATED, F_ATTEMPTS, F_NEXT, F_ERROR, F_RCPT
};
static const char *const field_name[] = {
	"facteur-queue", "id", "account", "sender", "notify", "ret", "envid",
	"created", "attempts", "next", "error"
};

static int
parse_rcpt(struct qenv *q, const char *v, size_t vlen)
{
	struct qenv_rcpt *r;
	const char *sp1, *sp2, *end = v + vlen;
	size_t i;

	if ((sp1 = memchr(v, ' ', vlen)) == NULL ||
	    (sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1))) == NULL)
		return -1;
	for (i = 0; i < 3; i++)
		if (strlen(state_name[i]) == (size_t)(sp1 - v) &&
		    memcmp(v, state_name[i], (size_t)(sp1 - v)) == 0)
			break;
	if (i == 3 || sp2 == sp1 + 1 || q->nrcpt >= QENV_RCPT_MAX)
		return -1;
	q->rcpt = xreallocarray(q->rcpt, q->nrcpt + 1, sizeof(*q->rcpt));
	r = &q->rcpt[q->nrcpt];
	memset(r, 0, sizeof(*r));
	r->state = (enum qenv_state)i;
	if (unescape(r->addr, QENV_ADDR_MAX, sp1 + 1,
	    (size_t)(sp2 - sp1 - 1)) < 0 || unescape(r->reply,
	    QENV_TEXT_MAX, sp2 + 1, (size_t)(end - sp2 - 1)) < 0)
		return -1;
	q->nrcpt++;
	return 0;
}

static int
parse_field(struct qenv *q, enum field f, const char *v, size_t vlen)
{
	char word[QENV_NOTIFY_MAX + 1];
	long long n;
	size_t i;

	switch (f) {
	case F_MAGIC:
		return vlen == 1 && v[0] == '0' + QENV_VERSION ? 0 : -1;
	case F_ID:
		if (!valid_id(v, vlen))
			return -1;
		memcpy(q->id, v, vlen);
		q->id[vlen] = '\0';
		return 0;
	case F_ACCOUNT:
		return vlen == 0 ? -1 : unescape(q->account, QENV_NAME_MAX, v,
		    vlen);
	case F_SENDER:
		return unescape(q->sender, QENV_ADDR_MAX, v, vlen);
	case F_NOTIFY:
		if (unescape(q->notify, QENV_NOTIFY_MAX, v, vlen) < 0)
			return -1;
		return valid_notify(q->notify) ? 0 : -1;
	case F_RET:
		if (unescape(word, QENV_NOTIFY_MAX, v, vlen) < 0)
			return -1;
		for (i = 0; i < 3; i++)
			if (strcmp(word, ret_name[i]) == 0) {
				q->ret = (enum qenv_ret)i;
				return 0;
			}
		return -1;
	case F_ENVID:
		return unescape(q->envid, QENV_ENVID_MAX, v, vlen);
	case F_CREATED:
		return number(v, vlen, QENV_TIME_MAX, &q->created);
	case F_ATTEMPTS:
		if (number(v, vlen, QENV_ATTEMPTS_MAX, &n) < 0)
			return -1;
		q->attempts = (unsigned long)n;
		return 0;
	case F_NEXT:
		return number(v, vlen, QENV_TIME_MAX, &q->next);
	case F_ERROR:
		return unescape(q->error, QENV_TEXT_MAX, v, vlen);
	case F_RCPT:
		return parse_rcpt(q, v, vlen);
	}
	return -1;
}

int
qenv_parse(const char *name, const char *data, size_t len, struct qenv *q,
    struct errinfo *ei)
{
	const char *p = data, *end = data + len, *nl, *sp;
	enum field f = F_MAGIC;
	unsigned long line = 0;
	size_t n, klen;

	qenv_init(q);
	for (;;) {
		line++;
		if (p == end) {
			err_set(ei, ST_DATA, "%s:%lu: cut short (no \"end\")",
			    name, line);
			goto fail;
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > QENV_LINE_MAX) {
			err_set(ei, ST_DATA, "%s:%lu: line too long", name,
			    line);
			goto fail;
		}
		if (nl == NULL) {
			err_set(ei, ST_DATA, "%s:%lu: cut short (no line "
			    "end)", name, line);
			goto fail;
		}
		if (f == F_RCPT && n == 3 && memcmp(p, "end", 3) == 0) {
			if (q->nrcpt == 0) {
				err_set(ei, ST_DATA, "%s:%lu: no recipient",
				    name, line);
				goto fail;
			}
			if (nl + 1 != end) {
				err_set(ei, ST_DATA, "%s:%lu: text after "
				    "\"end\"", name, line + 1);
				goto fail;
			}
			return 0;
		}
		sp = memchr(p, ' ', n);
		klen = sp != NULL ? (size_t)(sp - p) : n;
		if (f == F_RCPT) {
			if (klen != 4 || memcmp(p, "rcpt", 4) != 0) {
				err_set(ei, ST_DATA, "%s:%lu: expected "
				    "\"rcpt\" or \"end\"", name, line);
				goto fail;
			}
			if (q->nrcpt >= QENV_RCPT_MAX) {
				err_set(ei, ST_DATA, "%s:%lu: more than %d "
				    "recipients", name, line, QENV_RCPT_MAX);
				goto fail;
			}
		} else if (sp == NULL || strlen(field_name[f]) != klen ||
		    memcmp(p, field_name[f], klen) != 0) {
			err_set(ei, ST_DATA, "%s:%lu: expected \"%s\"", name,
			    line, field_name[f]);
			goto fail;
		}
		if (sp == NULL || parse_field(q, f, sp + 1,
		    (size_t)(p + n - sp - 1)) < 0) {
			err_set(ei, ST_DATA, "%s:%lu: invalid \"%s\" line",
			    name, line, f == F_RCPT ? "rcpt" : field_name[f]);
			goto fail;
		}
		if (f != F_RCPT)
			f++;
		p = nl + 1;
	}
fail:
	qenv_free(q);
	return -1;
}

long long
qenv_next_try(long long now, unsigned long attempts, uint32_t rnd)
{
	long long wait = QENV_RETRY_FIRST, jitter;
	unsigned long i;

	if (attempts == 0)
		return now;
	/* At most a few dozen rounds: the wait is capped long before. */
	for (i = 1; i < attempts && wait < QENV_RETRY_CAP; i++) {
		if (wait < QENV_RETRY_DOUBLED && wait * 2 > QENV_RETRY_DOUBLED)
			wait = QENV_RETRY_DOUBLED;
		else
			wait *= 2;
	}
	if (wait > QENV_RETRY_CAP)
		wait = QENV_RETRY_CAP;
	jitter = (long long)(((unsigned long long)(wait / 4) * rnd) >> 32);
	wait += jitter;
	if (wait > QENV_RETRY_CAP)
		wait = QENV_RETRY_CAP;
	return now + wait;
}

int
qenv_expired(long long created, long long now, long long lifetime)
{
	if (lifetime <= 0)
		lifetime = QENV_LIFETIME;
	return now > created && now - created >= lifetime;
}
