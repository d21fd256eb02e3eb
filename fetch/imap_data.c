/* imap_data: response codes, kinds of untagged data, LIST, ENABLED, dates. */
#include "autoconf.h"

#include <string.h>
#include <strings.h>

#include "imap_data.h"
#include "imap_data_int.h"
#include "imap_lex.h"

int
imap_data_bad(struct errinfo *ei, const char *why, const char *text,
    size_t len)
{
	char q[160];

	err_quote(q, sizeof(q), text, len);
	return err_set(ei, ST_PROTOCOL, "%s: '%s'", why, q);
}

/* A flag's bit (IMAP_FLAG_*), or 0 for a keyword. */
static unsigned
flag_bit(const char *s, size_t n)
{
	static const struct {
		const char *w;
		unsigned bit;
	} flags[] = {
		{ "\\Seen", IMAP_FLAG_SEEN },
		{ "\\Answered", IMAP_FLAG_ANSWERED },
		{ "\\Flagged", IMAP_FLAG_FLAGGED },
		{ "\\Deleted", IMAP_FLAG_DELETED },
		{ "\\Draft", IMAP_FLAG_DRAFT },
		{ "\\Recent", IMAP_FLAG_RECENT },
		{ "\\*", IMAP_FLAG_NEW_OK },
	};
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (imap_lex_is(s, n, flags[i].w))
			return flags[i].bit;
	return 0;
}

int
imap_data_flags(struct imap_lex *l, unsigned *flags_r)
{
	const char *s;
	size_t n;

	*flags_r = 0;
	if (imap_lex_ch(l, '(') < 0)
		return -1;
	if (imap_lex_ch(l, ')') == 0)
		return 0;
	for (;;) {
		if (imap_lex_word(l, 0, &s, &n) < 0)
			return -1;
		*flags_r |= flag_bit(s, n);
		if (imap_lex_ch(l, ')') == 0)
			return 0;
		if (imap_lex_sp(l) < 0)
			return -1;
	}
}

static const struct {
	const char *w;
	enum imap_code_kind kind;
} codes[] = {
	{ "ALERT", IMAP_CODE_ALERT }, { "CAPABILITY", IMAP_CODE_CAPABILITY },
	{ "UIDVALIDITY", IMAP_CODE_UIDVALIDITY },
	{ "UIDNEXT", IMAP_CODE_UIDNEXT }, { "UNSEEN", IMAP_CODE_UNSEEN },
	{ "PERMANENTFLAGS", IMAP_CODE_PERMANENTFLAGS },
	{ "READ-ONLY", IMAP_CODE_READ_ONLY },
	{ "READ-WRITE", IMAP_CODE_READ_WRITE },
	{ "TRYCREATE", IMAP_CODE_TRYCREATE },
	{ "NONEXISTENT", IMAP_CODE_NONEXISTENT },
	{ "CLOSED", IMAP_CODE_CLOSED }, { "APPENDUID", IMAP_CODE_APPENDUID },
	{ "COPYUID", IMAP_CODE_COPYUID },
	{ "UIDNOTSTICKY", IMAP_CODE_UIDNOTSTICKY },
	{ "HIGHESTMODSEQ", IMAP_CODE_HIGHESTMODSEQ },
	{ "NOMODSEQ", IMAP_CODE_NOMODSEQ },
	{ "UNAVAILABLE", IMAP_CODE_UNAVAILABLE },
};

int
imap_data_code(const char *code, size_t len, struct imap_code *c,
    struct errinfo *ei)
{
	struct imap_lex l;
	const char *w;
	size_t wl, i;

	memset(c, 0, sizeof(*c));
	c->kind = IMAP_CODE_OTHER;
	imap_lex_init(&l, code, len);
	if (imap_lex_word(&l, 0, &w, &wl) < 0)
		return imap_data_bad(ei, "malformed IMAP response code", code,
		    len);
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (imap_lex_is(w, wl, codes[i].w))
			c->kind = codes[i].kind;
	if (imap_lex_sp(&l) == 0) {
		c->arg = code + l.pos;
		c->arglen = len - l.pos;
	}
	switch (c->kind) {
	case IMAP_CODE_UIDVALIDITY:
	case IMAP_CODE_APPENDUID:
	case IMAP_CODE_COPYUID:
		if (c->arg == NULL || imap_lex_u32(&l, &c->num) < 0 ||
		    c->num == 0)
			return imap_data_bad(ei, "bad UIDVALIDITY", code, len);
		if (c->kind == IMAP_CODE_UIDVALIDITY)
			break;
		/* The sets follow, checked when read (imap_data_seqset). */
		if (imap_lex_sp(&l) < 0 || imap_lex_eof(&l))
			goto bad;
		c->arg = code + l.pos;
		c->arglen = len - l.pos;
		return 0;
	case IMAP_CODE_UIDNEXT:
	case IMAP_CODE_UNSEEN:
		if (c->arg == NULL || imap_lex_u32(&l, &c->num) < 0 ||
		    c->num == 0)
			goto bad;
		break;
	case IMAP_CODE_HIGHESTMODSEQ:
		if (c->arg == NULL || imap_lex_u64(&l, &c->modseq) < 0)
			goto bad;
		break;
	case IMAP_CODE_PERMANENTFLAGS:
		if (c->arg == NULL || imap_data_flags(&l, &c->flags) < 0)
			goto bad;
		break;
	case IMAP_CODE_CAPABILITY:
		if (c->arg == NULL)
			goto bad;
		return 0;
	case IMAP_CODE_OTHER:
		return 0;
	default:
		break;
	}
	/* Every known code ends here; "[ALERT x]" is not one. */
	if (!imap_lex_eof(&l))
		goto bad;
	return 0;
bad:
	return imap_data_bad(ei, "malformed IMAP response code", code, len);
}

static const struct {
	const char *w;
	enum imap_dkind kind;
} words[] = {
	{ "OK", IMAP_D_STATUS }, { "NO", IMAP_D_STATUS },
	{ "BAD", IMAP_D_STATUS }, { "BYE", IMAP_D_STATUS },
	{ "PREAUTH", IMAP_D_STATUS }, { "SEARCH", IMAP_D_SEARCH },
	{ "ESEARCH", IMAP_D_ESEARCH }, { "VANISHED", IMAP_D_VANISHED },
	{ "LIST", IMAP_D_LIST }, { "LSUB", IMAP_D_LSUB },
	{ "FLAGS", IMAP_D_FLAGS }, { "CAPABILITY", IMAP_D_CAPABILITY },
	{ "ENABLED", IMAP_D_ENABLED }, { "STATUS", IMAP_D_STATUSDATA },
}, numbered[] = {
	{ "EXISTS", IMAP_D_EXISTS }, { "RECENT", IMAP_D_RECENT },
	{ "EXPUNGE", IMAP_D_EXPUNGE }, { "FETCH", IMAP_D_FETCH },
};

int
imap_data_kind(const char *text, size_t len, struct imap_data *d,
    struct errinfo *ei)
{
	struct imap_lex l;
	const char *w;
	size_t wl, i;

	memset(d, 0, sizeof(*d));
	imap_lex_init(&l, text, len);
	if (imap_lex_peek(&l) >= '0' && imap_lex_peek(&l) <= '9') {
		if (imap_lex_u32(&l, &d->num) < 0 || imap_lex_sp(&l) < 0 ||
		    imap_lex_word(&l, 0, &w, &wl) < 0)
			goto bad;
		d->kind = IMAP_D_OTHER;
		for (i = 0; i < sizeof(numbered) / sizeof(numbered[0]); i++)
			if (imap_lex_is(w, wl, numbered[i].w))
				d->kind = numbered[i].kind;
		if (d->num == 0 && (d->kind == IMAP_D_EXPUNGE ||
		    d->kind == IMAP_D_FETCH))
			goto bad;
		if (d->kind == IMAP_D_FETCH ? imap_lex_sp(&l) < 0 :
		    (d->kind != IMAP_D_OTHER && !imap_lex_eof(&l)))
			goto bad;
	} else {
		if (imap_lex_word(&l, 0, &w, &wl) < 0)
			goto bad;
		d->kind = IMAP_D_OTHER;
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (imap_lex_is(w, wl, words[i].w))
				d->kind = words[i].kind;
		(void)imap_lex_sp(&l);
	}
	d->rest = l.pos;
	return 0;
bad:
	return imap_data_bad(ei, "malformed IMAP untagged response", text,
	    len);
}

int
imap_data_enabled(const char *text, size_t len, unsigned *caps_r,
    struct errinfo *ei)
{
	struct imap_lex l;
	const char *w;
	size_t wl;

	*caps_r = 0;
	imap_lex_init(&l, text, len);
	if (imap_lex_word(&l, 0, &w, &wl) < 0 || !imap_lex_is(w, wl,
	    "ENABLED"))
		goto bad;
	while (imap_lex_sp(&l) == 0) {
		if (imap_lex_word(&l, 1, &w, &wl) < 0)
			goto bad;
		if (imap_lex_is(w, wl, "UTF8=ACCEPT"))
			*caps_r |= IMAP_ENABLED_UTF8_ACCEPT;
		else if (imap_lex_is(w, wl, "CONDSTORE"))
			*caps_r |= IMAP_ENABLED_CONDSTORE;
		else if (imap_lex_is(w, wl, "QRESYNC"))
			*caps_r |= IMAP_ENABLED_QRESYNC;
	}
	if (!imap_lex_eof(&l))
		goto bad;
	return 0;
bad:
	return imap_data_bad(ei, "malformed IMAP ENABLED response", text,
	    len);
}

static const struct {
	const char *w;
	unsigned bit;
} list_attrs[] = {
	{ "\\Noselect", IMAP_LIST_NOSELECT },
	{ "\\NonExistent", IMAP_LIST_NONEXISTENT },
	{ "\\HasChildren", IMAP_LIST_HASCHILDREN },
	{ "\\HasNoChildren", IMAP_LIST_HASNOCHILDREN },
	{ "\\Marked", IMAP_LIST_MARKED }, { "\\Unmarked", IMAP_LIST_UNMARKED },
	{ "\\Noinferiors", IMAP_LIST_NOINFERIORS },
	{ "\\All", IMAP_LIST_ALL }, { "\\Archive", IMAP_LIST_ARCHIVE },
	{ "\\Drafts", IMAP_LIST_DRAFTS }, { "\\Flagged", IMAP_LIST_FLAGGED },
	{ "\\Junk", IMAP_LIST_JUNK }, { "\\Sent", IMAP_LIST_SENT },
	{ "\\Trash", IMAP_LIST_TRASH },
};

static int
list_attrs_parse(struct imap_lex *l, unsigned *attrs_r)
{
	const char *s;
	size_t n, i;

	*attrs_r = 0;
	if (imap_lex_ch(l, '(') < 0)
		return -1;
	if (imap_lex_ch(l, ')') == 0)
		return 0;
	for (;;) {
		if (imap_lex_word(l, 0, &s, &n) < 0)
			return -1;
		for (i = 0; i < sizeof(list_attrs) / sizeof(list_attrs[0]); i++)
			if (imap_lex_is(s, n, list_attrs[i].w))
				*attrs_r |= list_attrs[i].bit;
		if (imap_lex_ch(l, ')') == 0)
			return 0;
		if (imap_lex_sp(l) < 0)
			return -1;
	}
}

/* ASTRING-CHAR: an atom's bytes, and ']'. */
static int
astring_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '{' &&
	    c != '%' && c != '*' && c != '"' && c != '\\';
}

/*
 * A mailbox name (an astring) into name (IMAP_NAME_MAX + 1 bytes); 0, or
 * -1 with why set.
 */
static int
mailbox_name(struct imap_lex *lx, char *name, size_t *namelen_r,
    const char **why)
{
	enum imap_lex_str how;
	const char *s;
	size_t n, i, o = 0;

	if (imap_lex_peek(lx) == '"' || imap_lex_peek(lx) == '{') {
		if (imap_lex_string(lx, 0, &how, &s, &n, NULL) < 0 ||
		    how == IMAP_STR_STREAMED)
			return -1;
	} else {
		/* An atom; LIST-extended servers also send '%' and '*'. */
		size_t start = lx->pos;

		while (!imap_lex_eof(lx) && (astring_char((unsigned char)
		    lx->p[lx->pos]) || lx->p[lx->pos] == '%' ||
		    lx->p[lx->pos] == '*'))
			lx->pos++;
		if (lx->pos == start)
			return -1;
		how = IMAP_STR_LITERAL;
		s = lx->p + start;
		n = lx->pos - start;
	}
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (how == IMAP_STR_QUOTED && c == '\\')
			c = s[++i];
		if (c == '\0' || c == '\r' || c == '\n') {
			*why = "IMAP mailbox name with a NUL, CR or LF";
			return -1;
		}
		if (o >= IMAP_NAME_MAX) {
			*why = "IMAP mailbox name too long";
			return -1;
		}
		name[o++] = c;
	}
	name[o] = '\0';
	*namelen_r = o;
	if (imap_lex_is(name, o, "INBOX"))
		memcpy(name, "INBOX", 5);
	return 0;
}

int
imap_data_list(const char *text, size_t len, struct imap_list *l,
    struct errinfo *ei)
{
	struct imap_lex lx;
	enum imap_lex_str how;
	const char *s, *why = "malformed IMAP LIST response";
	size_t n;

	memset(l, 0, sizeof(*l));
	imap_lex_init(&lx, text, len);
	if (imap_lex_word(&lx, 0, &s, &n) < 0 || !(imap_lex_is(s, n, "LIST")
	    || imap_lex_is(s, n, "LSUB")) || imap_lex_sp(&lx) < 0 ||
	    list_attrs_parse(&lx, &l->attrs) < 0 || imap_lex_sp(&lx) < 0 ||
	    imap_lex_string(&lx, 1, &how, &s, &n, NULL) < 0 ||
	    imap_lex_sp(&lx) < 0)
		goto bad;
	if (how == IMAP_STR_QUOTED && n == 2 && s[0] == '\\')
		l->delim = s[1];
	else if (how == IMAP_STR_QUOTED && n == 1 && s[0] != '\\')
		l->delim = s[0];
	else if (how != IMAP_STR_NIL)
		goto bad;
	if ((unsigned char)l->delim >= 0x80)
		goto bad;
	if (mailbox_name(&lx, l->name, &l->namelen, &why) < 0)
		goto bad;
	/* RFC 5258: " (" extended items ")". */
	if (imap_lex_sp(&lx) == 0 && (imap_lex_peek(&lx) != '(' ||
	    imap_lex_skip(&lx) < 0))
		goto bad;
	if (!imap_lex_eof(&lx))
		goto bad;
	return 0;
bad:
	memset(l, 0, sizeof(*l));
	return imap_data_bad(ei, why, text, len);
}

static const struct {
	const char *w;
	unsigned bit;
} status_items[] = {
	{ "MESSAGES", IMAP_STATUS_MESSAGES }, { "RECENT", IMAP_STATUS_RECENT },
	{ "UIDNEXT", IMAP_STATUS_UIDNEXT },
	{ "UIDVALIDITY", IMAP_STATUS_UIDVALIDITY },
	{ "UNSEEN", IMAP_STATUS_UNSEEN },
	{ "HIGHESTMODSEQ", IMAP_STATUS_HIGHESTMODSEQ },
};

/* One "ITEM number" of STATUS into st; unknown items skipped. */
static int
status_item(struct imap_lex *l, struct imap_status *st, const char **why)
{
	const char *w;
	size_t wl, i;
	unsigned bit = 0;
	uint64_t v;

	if (imap_lex_word(l, 0, &w, &wl) < 0 || imap_lex_sp(l) < 0)
		return -1;
	for (i = 0; i < sizeof(status_items) / sizeof(status_items[0]); i++)
		if (imap_lex_is(w, wl, status_items[i].w))
			bit = status_items[i].bit;
	if (bit == 0)
		return imap_lex_skip(l);
	if ((st->have & bit) || imap_lex_u64(l, &v) < 0)
		return -1;
	st->have |= bit;
	if (bit == IMAP_STATUS_HIGHESTMODSEQ) {
		st->highestmodseq = v;
		return 0;
	}
	if (v > UINT32_MAX || (v == 0 && (bit == IMAP_STATUS_UIDNEXT ||
	    bit == IMAP_STATUS_UIDVALIDITY))) {
		if (bit == IMAP_STATUS_UIDVALIDITY)
			*why = "bad UIDVALIDITY";
		return -1;
	}
	switch (bit) {
	case IMAP_STATUS_MESSAGES:
		st->messages = (uint32_t)v;
		break;
	case IMAP_STATUS_RECENT:
		st->recent = (uint32_t)v;
		break;
	case IMAP_STATUS_UIDNEXT:
		st->uidnext = (uint32_t)v;
		break;
	case IMAP_STATUS_UIDVALIDITY:
		st->uidvalidity = (uint32_t)v;
		break;
	default:
		st->unseen = (uint32_t)v;
	}
	return 0;
}

int
imap_data_status(const char *text, size_t len, struct imap_status *st,
    struct errinfo *ei)
{
	struct imap_lex lx;
	const char *s, *why = "malformed IMAP STATUS response";
	size_t n;

	memset(st, 0, sizeof(*st));
	imap_lex_init(&lx, text, len);
	if (imap_lex_word(&lx, 0, &s, &n) < 0 ||
	    !imap_lex_is(s, n, "STATUS") || imap_lex_sp(&lx) < 0 ||
	    mailbox_name(&lx, st->name, &st->namelen, &why) < 0 ||
	    imap_lex_sp(&lx) < 0 || imap_lex_ch(&lx, '(') < 0)
		goto bad;
	if (imap_lex_ch(&lx, ')') < 0) {
		for (;;) {
			if (status_item(&lx, st, &why) < 0)
				goto bad;
			if (imap_lex_ch(&lx, ')') == 0)
				break;
			if (imap_lex_sp(&lx) < 0)
				goto bad;
		}
	}
	/* Some servers end the line with a space. */
	(void)imap_lex_sp(&lx);
	if (!imap_lex_eof(&lx))
		goto bad;
	return 0;
bad:
	memset(st, 0, sizeof(*st));
	return imap_data_bad(ei, why, text, len);
}

/* Two digits at s; -1 if not. */
static int
two(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant). */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
imap_data_date(const char *s, size_t len, time_t *t_r, struct errinfo *ei)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
		31, 30, 31 };
	int day, y1, y2, hh, mm, ss, zh, zm, leap;
	unsigned m;
	long long y, t;

	/* "dd-Mon-yyyy hh:mm:ss +zzzz": 26 bytes, day " d" or "dd". */
	if (len != 26 || s[2] != '-' || s[6] != '-' || s[11] != ' ' ||
	    s[14] != ':' || s[17] != ':' || s[20] != ' ' ||
	    (s[21] != '+' && s[21] != '-'))
		goto bad;
	if (s[0] == ' ')
		day = s[1] >= '1' && s[1] <= '9' ? s[1] - '0' : -1;
	else
		day = two(s);
	for (m = 0; m < 12; m++)
		if (strncasecmp(s + 3, months + 3 * m, 3) == 0)
			break;
	y1 = two(s + 7);
	y2 = two(s + 9);
	hh = two(s + 12);
	mm = two(s + 15);
	ss = two(s + 18);
	zh = two(s + 22);
	zm = two(s + 24);
	if (day < 1 || m == 12 || y1 < 0 || y2 < 0 || hh < 0 || hh > 23 ||
	    mm < 0 || mm > 59 || ss < 0 || ss > 60 || zh < 0 || zh > 23 ||
	    zm < 0 || zm > 59)
		goto bad;
	y = y1 * 100 + y2;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if ((unsigned)day > mdays[m] || (m == 1 && day == 29 && !leap))
		goto bad;
	t = days_from_civil(y, m + 1, (unsigned)day) * 86400LL +
	    hh * 3600LL + mm * 60LL + ss;
	/* Local time minus its offset east of UTC is UTC. */
	t -= (s[21] == '+' ? 1 : -1) * (zh * 3600LL + zm * 60LL);
	*t_r = (time_t)t;
	return 0;
bad:
	return imap_data_bad(ei, "malformed IMAP date-time", s, len);
}
