/*
 * Fuzz fetch/imap_data (imap_data.c, imap_uids.c, imap_fetchdata.c,
 * imap_lex.c).  Byte 0 chooses how the rest is read:
 *	bit 0 clear	the rest is the text of one response: every parser
 *			gets all of it
 *	bit 0 set	the rest is a stream of responses, read by
 *			imap_parse (bit 1: literals of 16 bytes or more
 *			streamed, others kept): each response's text goes
 *			to every parser, its code to imap_data_code()
 * Each text is copied to a buffer of its exact size, so any read past it
 * is seen by ASan.  The harness checks what the header promises: results
 * inside the text and within their bounds, UID lists within their max,
 * sorted lists strictly ascending, a failed parse leaving the list as it
 * was, an error always with ST_PROTOCOL and a message, a date with zone
 * +0000 giving back its own fields through gmtime_r().
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fuzz.h"
#include "imap_data.h"
#include "imap_parse.h"

#define UIDS_MAX	1000

static void
check_err(int rc, const struct errinfo *ei, const char *what)
{
	FUZZ_CHECK(rc == 0 || rc == -1, "%s returned %d", what, rc);
	if (rc < 0)
		FUZZ_CHECK(ei->st == ST_PROTOCOL && ei->msg[0] != '\0',
		    "%s failed with status %d '%s'", what, (int)ei->st,
		    ei->msg);
}

static void
check_uids(struct imap_uids *u, size_t n0, int rc)
{
	size_t i;

	FUZZ_CHECK(u->n <= u->max, "%zu UIDs of %zu", u->n, u->max);
	if (rc < 0)
		FUZZ_CHECK(u->n == n0, "a failed parse left %zu UIDs, not %zu",
		    u->n, n0);
	for (i = 0; i < u->n; i++)
		FUZZ_CHECK(u->v[i] != 0, "UID 0 in a list");
	imap_uids_sort(u);
	for (i = 1; i < u->n; i++)
		FUZZ_CHECK(u->v[i - 1] < u->v[i], "sorted list not ascending");
}

static void
check_date(const char *s, size_t len)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct errinfo ei;
	struct tm tm;
	time_t t;
	char buf[32];
	int day, rc = imap_data_date(s, len, &t, &ei);

	check_err(rc, &ei, "imap_data_date");
	if (rc < 0 || len != 26 || memcmp(s + 20, " +0000", 6) != 0 ||
	    memcmp(s + 18, "60", 2) == 0)
		return;
	FUZZ_CHECK(gmtime_r(&t, &tm) != NULL, "gmtime_r");
	snprintf(buf, sizeof(buf), "%02d-%.3s-%04d %02d:%02d:%02d +0000",
	    tm.tm_mday, months + 3 * tm.tm_mon, tm.tm_year + 1900, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
	day = s[0] == ' ' ? s[1] - '0' : (s[0] - '0') * 10 + (s[1] - '0');
	FUZZ_CHECK(strncasecmp(buf + 2, s + 2, 24) == 0 && tm.tm_mday == day,
	    "date '%.26s' read as '%s'", s, buf);
}

static void
all(const char *text, size_t len)
{
	struct imap_code c;
	struct imap_data d;
	struct imap_list l;
	struct imap_status st;
	struct imap_esearch e;
	struct imap_fetch f;
	struct imap_uids u;
	struct errinfo ei;
	char id[IMAP_MSGID_MAX + 1];
	unsigned caps;
	uint64_t m;
	size_t i, n0;
	int rc, earlier;

	imap_uids_init(&u, UIDS_MAX);
	rc = imap_data_code(text, len, &c, &ei);
	check_err(rc, &ei, "imap_data_code");
	if (rc == 0 && c.arg != NULL)
		FUZZ_CHECK(c.arg >= text && c.arg + c.arglen <= text + len,
		    "code argument outside the text");
	if (rc == 0 && (c.kind == IMAP_CODE_UIDVALIDITY ||
	    c.kind == IMAP_CODE_UIDNEXT))
		FUZZ_CHECK(c.num != 0, "UIDVALIDITY or UIDNEXT 0");
	rc = imap_data_kind(text, len, &d, &ei);
	check_err(rc, &ei, "imap_data_kind");
	if (rc == 0)
		FUZZ_CHECK(d.rest <= len, "rest past the end");
	if (rc == 0 && (d.kind == IMAP_D_FETCH || d.kind == IMAP_D_EXPUNGE))
		FUZZ_CHECK(d.num != 0, "FETCH or EXPUNGE 0");
	check_err(imap_data_enabled(text, len, &caps, &ei), &ei,
	    "imap_data_enabled");
	rc = imap_data_list(text, len, &l, &ei);
	check_err(rc, &ei, "imap_data_list");
	if (rc == 0) {
		FUZZ_CHECK(l.namelen <= IMAP_NAME_MAX &&
		    strlen(l.name) == l.namelen, "name of %zu bytes",
		    l.namelen);
		FUZZ_CHECK(strpbrk(l.name, "\r\n") == NULL, "CR or LF in name");
	}
	rc = imap_data_status(text, len, &st, &ei);
	check_err(rc, &ei, "imap_data_status");
	if (rc == 0) {
		FUZZ_CHECK(st.namelen <= IMAP_NAME_MAX &&
		    strlen(st.name) == st.namelen, "name of %zu bytes",
		    st.namelen);
		FUZZ_CHECK(!(st.have & IMAP_STATUS_UIDVALIDITY) ||
		    st.uidvalidity != 0, "UIDVALIDITY 0");
	}
	check_date(text, len);
	/* The UID parsers, on a list that already holds one UID. */
	imap_uids_add(&u, 7, NULL);
	n0 = u.n;
	rc = imap_data_seqset(text, len, &u, &ei);
	check_err(rc, &ei, "imap_data_seqset");
	check_uids(&u, n0, rc);
	n0 = u.n;
	rc = imap_data_search(text, len, &u, &m, &ei);
	check_err(rc, &ei, "imap_data_search");
	check_uids(&u, n0, rc);
	n0 = u.n;
	rc = imap_data_esearch(text, len, &e, &u, &ei);
	check_err(rc, &ei, "imap_data_esearch");
	check_uids(&u, n0, rc);
	FUZZ_CHECK(strlen(e.tag) < sizeof(e.tag), "tag too long");
	check_err(imap_data_esearch(text, len, &e, NULL, &ei), &ei,
	    "imap_data_esearch");
	n0 = u.n;
	rc = imap_data_vanished(text, len, &earlier, &u, &ei);
	check_err(rc, &ei, "imap_data_vanished");
	check_uids(&u, n0, rc);
	imap_uids_free(&u);
	rc = imap_data_fetch(text, len, &f, &ei);
	check_err(rc, &ei, "imap_data_fetch");
	if (rc == 0) {
		FUZZ_CHECK(f.seq != 0 && f.nsections <= IMAP_FETCH_SECTIONS_MAX,
		    "seq %lu, %zu sections", (unsigned long)f.seq,
		    f.nsections);
		FUZZ_CHECK(!(f.have & IMAP_FETCH_UID) || f.uid != 0, "UID 0");
		for (i = 0; i < f.nsections; i++) {
			const struct imap_section *s = &f.sec[i];

			FUZZ_CHECK(strlen(s->spec) < IMAP_SECTION_MAX,
			    "section too long");
			FUZZ_CHECK(s->data == NULL || (s->data >= text &&
			    s->data + s->len <= text + len),
			    "section data outside the text");
			FUZZ_CHECK((s->how == IMAP_BODY_DATA ||
			    s->how == IMAP_BODY_QUOTED) == (s->data != NULL),
			    "section data and kind disagree");
			if (s->data != NULL) {
				size_t k = imap_data_msgid(s->data, s->len, id,
				    sizeof(id));

				FUZZ_CHECK(k <= IMAP_MSGID_MAX &&
				    strlen(id) == k, "Message-ID of %zu", k);
			}
		}
	}
	i = imap_data_msgid(text, len, id, sizeof(id));
	FUZZ_CHECK(i <= IMAP_MSGID_MAX && strlen(id) == i,
	    "Message-ID of %zu bytes", i);
	for (n0 = 0; n0 < i; n0++)
		FUZZ_CHECK((unsigned char)id[n0] >= 0x20 && id[n0] != 0x7f,
		    "control byte in a Message-ID");
}

/* Parsers see exactly len bytes: a copy of that size. */
static void
all_copy(const char *p, size_t len)
{
	char *c = malloc(len > 0 ? len : 1);

	FUZZ_CHECK(c != NULL, "malloc");
	memcpy(c, p, len);
	all(c, len);
	free(c);
}

static int
h_begin(void *arg, const struct imap_resp *r, unsigned long long size,
    struct errinfo *ei)
{
	(void)r;
	(void)ei;
	return *(const unsigned *)arg & 2 ? size >= 16 : 0;
}

static int
h_data(void *arg, const char *p, size_t n, struct errinfo *ei)
{
	(void)arg;
	(void)p;
	(void)n;
	(void)ei;
	return 0;
}

static void
stream(unsigned opt, const char *p, size_t n)
{
	struct imap_literal_ops ops = { h_begin, h_data, NULL, &opt };
	struct imap_resp r;
	size_t off = 0;

	imap_resp_init(&r);
	r.lit = &ops;
	while (off < n) {
		struct errinfo ei;
		const char *code;
		size_t cl;
		int done;
		ssize_t used = imap_resp_feed(&r, p + off, n - off, &done,
		    &ei);

		if (used < 0)
			break;
		off += (size_t)used;
		if (!done)
			break;
		all_copy(r.text.data, r.text.len);
		if ((code = imap_resp_code(&r, &cl)) != NULL)
			all_copy(code, cl);
	}
	imap_resp_free(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > FUZZ_INPUT_MAX)
		return 0;
	if (data[0] & 1)
		stream(data[0], (const char *)data + 1, size - 1);
	else
		all_copy((const char *)data + 1, size - 1);
	return 0;
}
