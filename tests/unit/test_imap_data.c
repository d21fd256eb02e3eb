/*
 * Unit tests for fetch/imap_data (imap_data.c, imap_uids.c,
 * imap_fetchdata.c): tables of response texts, each rendered as one line
 * (or "E message"), and every prefix of each accepted text parsed again
 * (a cut text must give an error or a result, never a read past its end:
 * the copies are exactly as long as the prefix, so ASan sees any).  Then
 * real Dovecot transcripts go through imap_parse, fed whole, byte by byte
 * and split at every offset (splitfeed), with literals kept and streamed.
 */
#include "autoconf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "imap_data.h"
#include "imap_lex.h"
#include "imap_parse.h"
#include "splitfeed.h"
#include "status.h"
#include "xalloc.h"

#define LOG_MAX	(1 << 20)

struct dcase {
	const char *in;
	const char *want;	/* rendered result, or "E message" */
};

typedef void (*render_fn)(const char *in, size_t len, struct buf *out);

static void
render_err(struct buf *out, const struct errinfo *ei)
{
	buf_printf(out, "E %s%s", ei->st == ST_PROTOCOL ? "" : "(not "
	    "ST_PROTOCOL) ", ei->msg);
}

/* Run every case; then every prefix of it (whatever the result). */
static void
check(const struct dcase *c, size_t n, render_fn fn)
{
	size_t i, k;
	int bad = 0;

	for (i = 0; i < n; i++) {
		struct buf out;
		size_t len = strlen(c[i].in);

		buf_init(&out, LOG_MAX);
		fn(c[i].in, len, &out);
		if (strcmp(out.data, c[i].want) != 0) {
			printf("# case '%s'\n#  want '%s'\n#  got  '%s'\n",
			    c[i].in, c[i].want, out.data);
			bad = 1;
		}
		for (k = 0; k < len; k++) {
			char *cp = xmalloc(k + 1);

			memcpy(cp, c[i].in, k);
			buf_reset(&out);
			fn(cp, k, &out);
			free(cp);
		}
		buf_free(&out);
	}
	assert_int_equal(bad, 0);
}

/* ---- response codes --------------------------------------------------- */

static const char *const code_names[] = { "OTHER", "ALERT", "CAPABILITY",
	"UIDVALIDITY", "UIDNEXT", "UNSEEN", "PERMANENTFLAGS", "READ-ONLY",
	"READ-WRITE", "TRYCREATE", "NONEXISTENT", "CLOSED", "APPENDUID",
	"COPYUID", "UIDNOTSTICKY", "HIGHESTMODSEQ", "NOMODSEQ", "UNAVAILABLE" };

static void
r_code(const char *in, size_t len, struct buf *out)
{
	struct imap_code c;
	struct errinfo ei;

	err_clear(&ei);
	if (imap_data_code(in, len, &c, &ei) < 0) {
		render_err(out, &ei);
		return;
	}
	buf_addstr(out, code_names[c.kind]);
	if (c.num != 0)
		buf_printf(out, " num=%lu", (unsigned long)c.num);
	if (c.modseq != 0)
		buf_printf(out, " modseq=%llu", (unsigned long long)c.modseq);
	if (c.flags != 0)
		buf_printf(out, " flags=%#x", c.flags);
	if (c.arg != NULL) {
		buf_addstr(out, " arg='");
		log_esc(out, c.arg, c.arglen);
		buf_addch(out, '\'');
	}
}

#define PROTO "E "
static void
test_codes(void **state)
{
	static const struct dcase cases[] = {
		{ "UIDVALIDITY 1733400000", "UIDVALIDITY num=1733400000 "
		    "arg='1733400000'" },
		{ "UIDVALIDITY 3857529045", "UIDVALIDITY num=3857529045 "
		    "arg='3857529045'" },
		{ "uidvalidity 4294967295", "UIDVALIDITY num=4294967295 "
		    "arg='4294967295'" },
		{ "UIDVALIDITY 4294967296", PROTO "bad UIDVALIDITY: "
		    "'UIDVALIDITY 4294967296'" },
		{ "UIDVALIDITY 0", PROTO "bad UIDVALIDITY: 'UIDVALIDITY 0'" },
		{ "UIDVALIDITY 99999999999999999999999", PROTO "bad "
		    "UIDVALIDITY: 'UIDVALIDITY 99999999999999999999999'" },
		{ "UIDVALIDITY", PROTO "bad UIDVALIDITY: 'UIDVALIDITY'" },
		{ "UIDVALIDITY ", PROTO "bad UIDVALIDITY: 'UIDVALIDITY '" },
		{ "UIDVALIDITY -1", PROTO "bad UIDVALIDITY: 'UIDVALIDITY -1'" },
		{ "UIDVALIDITY +1", PROTO "bad UIDVALIDITY: 'UIDVALIDITY +1'" },
		{ "UIDVALIDITY 12x", PROTO "malformed IMAP response code: "
		    "'UIDVALIDITY 12x'" },
		{ "UIDVALIDITY 1 2", PROTO "malformed IMAP response code: "
		    "'UIDVALIDITY 1 2'" },
		{ "UIDNEXT 4392", "UIDNEXT num=4392 arg='4392'" },
		{ "UIDNEXT 0", PROTO "malformed IMAP response code: "
		    "'UIDNEXT 0'" },
		{ "UIDNEXT", PROTO "malformed IMAP response code: 'UIDNEXT'" },
		{ "UNSEEN 12", "UNSEEN num=12 arg='12'" },
		{ "PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen "
		    "\\Draft \\*)", "PERMANENTFLAGS flags=0x5f arg='(\\\\"
		    "Answered \\\\Flagged \\\\Deleted \\\\Seen \\\\Draft "
		    "\\\\*)'" },
		{ "PERMANENTFLAGS ()", "PERMANENTFLAGS arg='()'" },
		{ "PERMANENTFLAGS (\\Seen $Junk)", "PERMANENTFLAGS flags=0x1 "
		    "arg='(\\\\Seen $Junk)'" },
		{ "PERMANENTFLAGS (\\Seen", PROTO "malformed IMAP response "
		    "code: 'PERMANENTFLAGS (\\Seen'" },
		{ "PERMANENTFLAGS (\\Seen  \\Draft)", PROTO "malformed IMAP "
		    "response code: 'PERMANENTFLAGS (\\Seen  \\Draft)'" },
		{ "READ-ONLY", "READ-ONLY" },
		{ "READ-WRITE", "READ-WRITE" },
		{ "ALERT", "ALERT" },
		{ "ALERT x", PROTO "malformed IMAP response code: 'ALERT x'" },
		{ "CLOSED", "CLOSED" },
		{ "TRYCREATE", "TRYCREATE" },
		{ "NONEXISTENT", "NONEXISTENT" },
		{ "UIDNOTSTICKY", "UIDNOTSTICKY" },
		{ "NOMODSEQ", "NOMODSEQ" },
		{ "UNAVAILABLE", "UNAVAILABLE" },
		{ "HIGHESTMODSEQ 715194045007", "HIGHESTMODSEQ "
		    "modseq=715194045007 arg='715194045007'" },
		{ "HIGHESTMODSEQ 18446744073709551615", "HIGHESTMODSEQ "
		    "modseq=18446744073709551615 "
		    "arg='18446744073709551615'" },
		{ "HIGHESTMODSEQ 18446744073709551616", PROTO "malformed IMAP "
		    "response code: 'HIGHESTMODSEQ 18446744073709551616'" },
		{ "APPENDUID 38505 3955", "APPENDUID num=38505 arg='3955'" },
		{ "APPENDUID 0 3955", PROTO "bad UIDVALIDITY: 'APPENDUID 0 "
		    "3955'" },
		{ "APPENDUID 38505", PROTO "malformed IMAP response code: "
		    "'APPENDUID 38505'" },
		{ "COPYUID 38505 304,319:320 3956:3958", "COPYUID num=38505 "
		    "arg='304,319:320 3956:3958'" },
		{ "CAPABILITY IMAP4rev1 IDLE", "CAPABILITY arg='IMAP4rev1 "
		    "IDLE'" },
		{ "CAPABILITY", PROTO "malformed IMAP response code: "
		    "'CAPABILITY'" },
		{ "BADCHARSET (US-ASCII)", "OTHER arg='(US-ASCII)'" },
		{ "X-FOO", "OTHER" },
		{ "", PROTO "malformed IMAP response code: ''" },
		{ " UIDNEXT 1", PROTO "malformed IMAP response code: "
		    "' UIDNEXT 1'" },
	};

	(void)state;
	check(cases, sizeof(cases) / sizeof(cases[0]), r_code);
}

/* ---- kinds of untagged data ------------------------------------------ */

static const char *const dkind_names[] = { "OTHER", "STATUS", "EXISTS",
	"RECENT", "EXPUNGE", "FETCH", "SEARCH", "ESEARCH", "VANISHED", "LIST",
	"LSUB", "FLAGS", "CAPABILITY", "ENABLED", "STATUSDATA" };

static void
r_kind(const char *in, size_t len, struct buf *out)
{
	struct imap_data d;
	struct errinfo ei;

	err_clear(&ei);
	if (imap_data_kind(in, len, &d, &ei) < 0) {
		render_err(out, &ei);
		return;
	}
	buf_printf(out, "%s %lu rest='", dkind_names[d.kind],
	    (unsigned long)d.num);
	if (d.rest > len)
		buf_addstr(out, "(BAD: rest past the end)");
	else
		log_esc(out, in + d.rest, len - d.rest);
	buf_addch(out, '\'');
}

#define UNTAGGED PROTO "malformed IMAP untagged response: "
static void
test_kinds(void **state)
{
	static const struct dcase cases[] = {
		{ "3 EXISTS", "EXISTS 3 rest=''" },
		{ "0 EXISTS", "EXISTS 0 rest=''" },
		{ "4294967295 EXISTS", "EXISTS 4294967295 rest=''" },
		{ "4294967296 EXISTS", UNTAGGED "'4294967296 EXISTS'" },
		{ "+3 EXISTS", "OTHER 0 rest='EXISTS'" },
		{ "-3 EXISTS", "OTHER 0 rest='EXISTS'" },
		{ "3 EXISTS x", UNTAGGED "'3 EXISTS x'" },
		{ "3  EXISTS", UNTAGGED "'3  EXISTS'" },
		{ "3", UNTAGGED "'3'" },
		{ "3 ", UNTAGGED "'3 '" },
		{ "2 RECENT", "RECENT 2 rest=''" },
		{ "7 expunge", "EXPUNGE 7 rest=''" },
		{ "0 EXPUNGE", UNTAGGED "'0 EXPUNGE'" },
		{ "12 FETCH (UID 5)", "FETCH 12 rest='(UID 5)'" },
		{ "0 FETCH (UID 5)", UNTAGGED "'0 FETCH (UID 5)'" },
		{ "12 FETCH", UNTAGGED "'12 FETCH'" },
		{ "1 XYZZY foo", "OTHER 1 rest=' foo'" },
		{ "SEARCH 1 2", "SEARCH 0 rest='1 2'" },
		{ "SEARCH", "SEARCH 0 rest=''" },
		{ "ESEARCH (TAG \"A1\") UID ALL 1", "ESEARCH 0 rest='(TAG "
		    "\"A1\") UID ALL 1'" },
		{ "VANISHED (EARLIER) 1:3", "VANISHED 0 rest='(EARLIER) 1:3'" },
		{ "LIST () \"/\" INBOX", "LIST 0 rest='() \"/\" INBOX'" },
		{ "LSUB () \"/\" INBOX", "LSUB 0 rest='() \"/\" INBOX'" },
		{ "FLAGS (\\Seen)", "FLAGS 0 rest='(\\\\Seen)'" },
		{ "CAPABILITY IMAP4rev1", "CAPABILITY 0 rest='IMAP4rev1'" },
		{ "ENABLED CONDSTORE", "ENABLED 0 rest='CONDSTORE'" },
		{ "STATUS INBOX (UIDNEXT 3)", "STATUSDATA 0 rest='INBOX "
		    "(UIDNEXT 3)'" },
		{ "OK [UIDVALIDITY 1733400000] UIDs valid", "STATUS 0 "
		    "rest='[UIDVALIDITY 1733400000] UIDs valid'" },
		{ "NO x", "STATUS 0 rest='x'" },
		{ "BAD x", "STATUS 0 rest='x'" },
		{ "BYE Server shutting down", "STATUS 0 rest='Server shutting "
		    "down'" },
		{ "PREAUTH ready", "STATUS 0 rest='ready'" },
		{ "ID NIL", "OTHER 0 rest='NIL'" },
		{ "", UNTAGGED "''" },
		{ " 3 EXISTS", UNTAGGED "' 3 EXISTS'" },
	};

	(void)state;
	check(cases, sizeof(cases) / sizeof(cases[0]), r_kind);
}

static void
r_enabled(const char *in, size_t len, struct buf *out)
{
	struct errinfo ei;
	unsigned caps;

	err_clear(&ei);
	if (imap_data_enabled(in, len, &caps, &ei) < 0)
		render_err(out, &ei);
	else
		buf_printf(out, "%#x", caps);
}

static void
test_enabled(void **state)
{
	static const struct dcase cases[] = {
		{ "ENABLED", "0" },
		{ "ENABLED CONDSTORE", "0x2" },
		{ "ENABLED QRESYNC CONDSTORE UTF8=ACCEPT", "0x7" },
		{ "enabled utf8=accept X-FOO", "0x1" },
		{ "ENABLED CONDSTORE ", PROTO "malformed IMAP ENABLED "
		    "response: "
		    "'ENABLED CONDSTORE '" },
		{ "ENABLED (CONDSTORE)", PROTO "malformed IMAP ENABLED "
		    "response: 'ENABLED (CONDSTORE)'" },
		{ "ENABLEDX", PROTO "malformed IMAP ENABLED response: "
		    "'ENABLEDX'" },
	};

	(void)state;
	check(cases, sizeof(cases) / sizeof(cases[0]), r_enabled);
}

/* ---- LIST ------------------------------------------------------------- */

static void
r_list(const char *in, size_t len, struct buf *out)
{
	struct imap_list l;
	struct errinfo ei;

	err_clear(&ei);
	if (imap_data_list(in, len, &l, &ei) < 0) {
		render_err(out, &ei);
		return;
	}
	buf_printf(out, "attrs=%#x delim=", l.attrs);
	if (l.delim == '\0')
		buf_addstr(out, "NIL");
	else
		buf_addch(out, l.delim);
	buf_addstr(out, " name='");
	log_esc(out, l.name, l.namelen);
	buf_addch(out, '\'');
	if (strlen(l.name) != l.namelen)
		buf_addstr(out, " (BAD: length)");
}

#define LISTE PROTO "malformed IMAP LIST response: "
static void
test_list(void **state)
{
	static const struct dcase cases[] = {
		{ "LIST (\\HasNoChildren) \"/\" INBOX",
		    "attrs=0x8 delim=/ name='INBOX'" },
		{ "LIST (\\HasNoChildren \\Noselect) \".\" INBOX.Lists",
		    "attrs=0x9 delim=. name='INBOX.Lists'" },
		{ "LIST () NIL inbox", "attrs=0 delim=NIL name='INBOX'" },
		{ "LIST () \"/\" \"InBoX\"", "attrs=0 delim=/ name='INBOX'" },
		{ "LIST () \"/\" INBOXES", "attrs=0 delim=/ name='INBOXES'" },
		{ "LIST () \"/\" inbox/sub", "attrs=0 delim=/ "
		    "name='inbox/sub'" },
		{ "LIST (\\All \\Archive \\Drafts \\Flagged \\Junk \\Sent "
		    "\\Trash) \"/\" x", "attrs=0x7f00 delim=/ name='x'" },
		{ "LIST (\\Marked \\Unmarked \\HasChildren \\NonExistent "
		    "\\Noinferiors \\X-Foo) \"/\" x",
		    "attrs=0x76 delim=/ name='x'" },
		{ "LIST () \"\\\\\" a\\b", LISTE "'LIST () \"\\\\\" "
		    "a\\b'" },
		{ "LIST () \"\\\\\" \"a\\\\b\"", "attrs=0 delim=\\ "
		    "name='a\\\\b'" },
		{ "LIST () \"/\" \"say \\\"hi\\\"\"", "attrs=0 delim=/ "
		    "name='say \"hi\"'" },
		{ "LIST () \"/\" {5}\r\nA\"B C", "attrs=0 delim=/ "
		    "name='A\"B C'" },
		{ "LIST () \"/\" {5}\r\nA\rB C", PROTO "IMAP mailbox name with "
		    "a NUL, CR or LF: 'LIST () \"/\" {5}\\x0d\\x0aA\\x0dB C'" },
		{ "LIST () \"/\" {5}", LISTE "'LIST () \"/\" {5}'" },
		{ "LIST () \"/\" {6}\r\nA B C", LISTE "'LIST () \"/\" "
		    "{6}\\x0d\\x0aA B C'" },
		{ "LIST () \"/\" Entw&APw-rfe", "attrs=0 delim=/ "
		    "name='Entw&APw-rfe'" },
		{ "LIST () \"/\" \"Entw\xc3\xbcrfe\"", "attrs=0 delim=/ "
		    "name='Entw\\xc3\\xbcrfe'" },
		{ "LIST () \"/\" Lists/%", "attrs=0 delim=/ name='Lists/%'" },
		{ "LIST () \"/\" a]b", "attrs=0 delim=/ name='a]b'" },
		{ "LIST () \"/\" \"\"", "attrs=0 delim=/ name=''" },
		{ "LIST (\\Subscribed) \"/\" \"Foo\" (\"CHILDINFO\" "
		    "(\"SUBSCRIBED\"))", "attrs=0 delim=/ name='Foo'" },
		{ "LSUB () \".\" #news.comp", "attrs=0 delim=. "
		    "name='#news.comp'" },
		{ "LIST () \"/\"", LISTE "'LIST () \"/\"'" },
		{ "LIST () \"/\" ", LISTE "'LIST () \"/\" '" },
		{ "LIST () \"/\" a b", LISTE "'LIST () \"/\" a b'" },
		{ "LIST () \"/\" a ", LISTE "'LIST () \"/\" a '" },
		{ "LIST () \"//\" a", LISTE "'LIST () \"//\" a'" },
		{ "LIST () \"\" a", LISTE "'LIST () \"\" a'" },
		{ "LIST () / a", LISTE "'LIST () / a'" },
		{ "LIST () \"\xe9\" a", LISTE "'LIST () \"\\xe9\" a'" },
		{ "LIST \\Noselect \"/\" a", LISTE "'LIST \\Noselect \"/\" "
		    "a'" },
		{ "LIST (\\Noselect \"/\" a", LISTE "'LIST (\\Noselect "
		    "\"/\" a'" },
		{ "LIST () \"/\" \"a", LISTE "'LIST () \"/\" \"a'" },
		{ "LIST () \"/\" \"a\\b\"", LISTE "'LIST () \"/\" "
		    "\"a\\b\"'" },
		{ "LISTX () \"/\" a", LISTE "'LISTX () \"/\" a'" },
		{ "SEARCH () \"/\" a", LISTE "'SEARCH () \"/\" a'" },
	};

	(void)state;
	check(cases, sizeof(cases) / sizeof(cases[0]), r_list);
}

static void
r_status(const char *in, size_t len, struct buf *out)
{
	struct imap_status st;
	struct errinfo ei;

	err_clear(&ei);
	if (imap_data_status(in, len, &st, &ei) < 0) {
		render_err(out, &ei);
		return;
	}
	buf_addstr(out, "name='");
	log_esc(out, st.name, st.namelen);
	buf_printf(out, "' have=%#x messages=%lu recent=%lu uidnext=%lu "
	    "uidvalidity=%lu unseen=%lu modseq=%llu", st.have,
	    (unsigned long)st.messages, (unsigned long)st.recent,
	    (unsigned long)st.uidnext, (unsigned long)st.uidvalidity,
	    (unsigned long)st.unseen, (unsigned long long)st.highestmodseq);
}

#define STATUSE PROTO "malformed IMAP STATUS response: "
static void
test_status(void **state)
{
	static const struct dcase cases[] = {
		{ "STATUS INBOX (MESSAGES 2 UIDNEXT 44 UIDVALIDITY "
		    "1733400000)", "name='INBOX' have=0xd messages=2 recent=0 "
		    "uidnext=44 uidvalidity=1733400000 unseen=0 modseq=0" },
		{ "STATUS \"Sent Messages\" (UNSEEN 1 RECENT 0 HIGHESTMODSEQ "
		    "18446744073709551615 X-SIZE 999999999999) ",
		    "name='Sent Messages' have=0x32 messages=0 recent=0 "
		    "uidnext=0 uidvalidity=0 unseen=1 "
		    "modseq=18446744073709551615" },
		{ "STATUS inbox ()", "name='INBOX' have=0 messages=0 recent=0 "
		    "uidnext=0 uidvalidity=0 unseen=0 modseq=0" },
		{ "STATUS {3}\r\na b (MESSAGES 4294967295)", "name='a b' "
		    "have=0x1 messages=4294967295 recent=0 uidnext=0 "
		    "uidvalidity=0 unseen=0 modseq=0" },
		{ "STATUS a (UIDVALIDITY 0)", PROTO "bad UIDVALIDITY: 'STATUS "
		    "a (UIDVALIDITY 0)'" },
		{ "STATUS a (UIDVALIDITY 4294967296)", PROTO "bad UIDVALIDITY: "
		    "'STATUS a (UIDVALIDITY 4294967296)'" },
		{ "STATUS a (UIDNEXT 0)", STATUSE "'STATUS a (UIDNEXT 0)'" },
		{ "STATUS a (MESSAGES 4294967296)", STATUSE "'STATUS a "
		    "(MESSAGES 4294967296)'" },
		{ "STATUS a (MESSAGES 1 MESSAGES 1)", STATUSE "'STATUS a "
		    "(MESSAGES 1 MESSAGES 1)'" },
		{ "STATUS a (MESSAGES)", STATUSE "'STATUS a (MESSAGES)'" },
		{ "STATUS a (MESSAGES -1)",
		    STATUSE "'STATUS a (MESSAGES -1)'" },
		{ "STATUS a (MESSAGES 1", STATUSE "'STATUS a (MESSAGES 1'" },
		{ "STATUS a (MESSAGES 1) x", STATUSE "'STATUS a (MESSAGES 1) "
		    "x'" },
		{ "STATUS a", STATUSE "'STATUS a'" },
		{ "STATUS (MESSAGES 1)", STATUSE "'STATUS (MESSAGES 1)'" },
		{ "LIST a (MESSAGES 1)", STATUSE "'LIST a (MESSAGES 1)'" },
	};

	(void)state;
	check(cases, sizeof(cases) / sizeof(cases[0]), r_status);
}

/* Names up to IMAP_NAME_MAX bytes, not one more. */
static void
test_list_long(void **state)
{
	struct imap_list l;
	struct errinfo ei;
	struct buf b;

	(void)state;
	buf_init(&b, LOG_MAX);
	buf_addstr(&b, "LIST () \"/\" ");
	while (b.len < 12 + IMAP_NAME_MAX)
		buf_addch(&b, 'a');
	assert_int_equal(imap_data_list(b.data, b.len, &l, &ei), 0);
	assert_int_equal(l.namelen, IMAP_NAME_MAX);
	buf_addch(&b, 'a');
	assert_int_equal(imap_data_list(b.data, b.len, &l, &ei), -1);
	assert_true(strncmp(ei.msg, "IMAP mailbox name too long: 'LIST () "
	    "\"/\" aaaa", 45) == 0);
	buf_free(&b);
}

/* ---- date-time -------------------------------------------------------- */

static void
r_date(const char *in, size_t len, struct buf *out)
{
	struct errinfo ei;
	time_t t;

	err_clear(&ei);
	if (imap_data_date(in, len, &t, &ei) < 0)
		render_err(out, &ei);
	else
		buf_printf(out, "%lld", (long long)t);
}

#define DATEE PROTO "malformed IMAP date-time: "
static void
test_date(void **state)
{
	static const struct dcase cases[] = {
		{ "17-Jul-1996 02:44:25 -0700", "837596665" },
		{ "03-Dec-2026 06:40:01 +0000", "1796280001" },
		{ "29-Feb-2000 00:00:00 +0000", "951782400" },
		{ "01-Jan-1970 00:00:00 +0000", "0" },
		{ "01-Jan-1970 00:00:00 +0100", "-3600" },
		{ " 7-Mar-2024 02:02:03 +0100", "1709773323" },
		{ "07-mar-2024 02:02:03 +0100", "1709773323" },
		{ "07-MAR-2024 02:02:03 +0100", "1709773323" },
		{ "31-Dec-9999 23:59:59 +0000", "253402300799" },
		{ "01-Mar-1900 00:00:00 +0000", "-2203891200" },
		{ "31-Dec-2023 23:59:60 +0000", "1704067200" },
		{ "01-Jan-2024 00:00:00 -2359", "1704153540" },
		{ "29-Feb-1900 00:00:00 +0000", DATEE "'29-Feb-1900 00:00:00 "
		    "+0000'" },
		{ "29-Feb-2023 00:00:00 +0000", DATEE "'29-Feb-2023 00:00:00 "
		    "+0000'" },
		{ "30-Feb-2000 00:00:00 +0000", DATEE "'30-Feb-2000 00:00:00 "
		    "+0000'" },
		{ "31-Apr-2024 00:00:00 +0000", DATEE "'31-Apr-2024 00:00:00 "
		    "+0000'" },
		{ "32-Jan-2024 00:00:00 +0000", DATEE "'32-Jan-2024 00:00:00 "
		    "+0000'" },
		{ "00-Jan-2024 00:00:00 +0000", DATEE "'00-Jan-2024 00:00:00 "
		    "+0000'" },
		{ " 0-Jan-2024 00:00:00 +0000", DATEE "' 0-Jan-2024 00:00:00 "
		    "+0000'" },
		{ "7-Mar-2024 02:02:03 +0100", DATEE "'7-Mar-2024 02:02:03 "
		    "+0100'" },
		{ "07-Mar-2024 24:00:00 +0000", DATEE "'07-Mar-2024 24:00:00 "
		    "+0000'" },
		{ "07-Mar-2024 23:60:00 +0000", DATEE "'07-Mar-2024 23:60:00 "
		    "+0000'" },
		{ "07-Mar-2024 23:59:61 +0000", DATEE "'07-Mar-2024 23:59:61 "
		    "+0000'" },
		{ "07-Mar-2024 23:59:59 +2400", DATEE "'07-Mar-2024 23:59:59 "
		    "+2400'" },
		{ "07-Mar-2024 23:59:59 +0060", DATEE "'07-Mar-2024 23:59:59 "
		    "+0060'" },
		{ "07-Mar-2024 23:59:59 0000 ", DATEE "'07-Mar-2024 23:59:59 "
		    "0000 '" },
		{ "07-Mar-2024 23:59:59 +000a", DATEE "'07-Mar-2024 23:59:59 "
		    "+000a'" },
		{ "07-Xyz-2024 23:59:59 +0000", DATEE "'07-Xyz-2024 23:59:59 "
		    "+0000'" },
		{ "07-Mar-2024T23:59:59 +0000", DATEE "'07-Mar-2024T23:59:59 "
		    "+0000'" },
		{ "+7-Mar-2024 23:59:59 +0000", DATEE "'+7-Mar-2024 23:59:59 "
		    "+0000'" },
		{ "07-Mar-+024 23:59:59 +0000", DATEE "'07-Mar-+024 23:59:59 "
		    "+0000'" },
		{ "07-Mar-2024 23:59:59 +0000Z", DATEE "'07-Mar-2024 23:59:59 "
		    "+0000Z'" },
		{ "", DATEE "''" },
	};

	(void)state;
	check(cases, sizeof(cases) / sizeof(cases[0]), r_date);
}

/* ---- UID lists -------------------------------------------------------- */

static void
render_uids(struct buf *out, const struct imap_uids *u)
{
	size_t i;

	buf_addch(out, '[');
	for (i = 0; i < u->n; i++)
		buf_printf(out, "%s%lu", i > 0 ? " " : "",
		    (unsigned long)u->v[i]);
	buf_addch(out, ']');
}

/* The list starts with one UID: a failed parse must leave it alone. */
static void
r_seqset(const char *in, size_t len, struct buf *out)
{
	struct imap_uids u;
	struct errinfo ei;

	err_clear(&ei);
	imap_uids_init(&u, 100);
	assert_int_equal(imap_uids_add(&u, 99, &ei), 0);
	if (imap_data_seqset(in, len, &u, &ei) < 0)
		render_err(out, &ei);
	if (ei.st != ST_OK && u.n != 1)
		buf_addstr(out, " (BAD: UIDs added)");
	if (ei.st == ST_OK) {
		render_uids(out, &u);
		imap_uids_sort(&u);
		buf_addstr(out, " sorted ");
		render_uids(out, &u);
	}
	imap_uids_free(&u);
}

#define SETE PROTO "malformed IMAP sequence set: "
static void
test_seqset(void **state)
{
	static const struct dcase cases[] = {
		{ "1:5,7,9:12", "[99 1 2 3 4 5 7 9 10 11 12] sorted "
		    "[1 2 3 4 5 7 9 10 11 12 99]" },
		{ "12:9", "[99 9 10 11 12] sorted [9 10 11 12 99]" },
		{ "3,3,1:2,2:1,99", "[99 3 3 1 2 1 2 99] sorted [1 2 3 99]" },
		{ "4294967295", "[99 4294967295] sorted [99 4294967295]" },
		{ "4294967294:4294967295", "[99 4294967294 4294967295] sorted "
		    "[99 4294967294 4294967295]" },
		{ "1:99", "[99 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 "
		    "20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 "
		    "39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 "
		    "58 59 60 61 62 63 64 65 66 67 68 69 70 71 72 73 74 75 76 "
		    "77 78 79 80 81 82 83 84 85 86 87 88 89 90 91 92 93 94 95 "
		    "96 97 98 99] sorted [1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 "
		    "16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 "
		    "35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 "
		    "54 55 56 57 58 59 60 61 62 63 64 65 66 67 68 69 70 71 72 "
		    "73 74 75 76 77 78 79 80 81 82 83 84 85 86 87 88 89 90 91 "
		    "92 93 94 95 96 97 98 99]" },
		{ "1:100", PROTO "IMAP sequence set too large: '1:100'" },
		{ "1:4294967295", PROTO "IMAP sequence set too large: "
		    "'1:4294967295'" },
		{ "4294967296", SETE "'4294967296'" },
		{ "1:*", SETE "'1:*'" },
		{ "*", SETE "'*'" },
		{ "0", SETE "'0'" },
		{ "0:3", SETE "'0:3'" },
		{ "3:0", SETE "'3:0'" },
		{ "1,", SETE "'1,'" },
		{ ",1", SETE "',1'" },
		{ "1::2", SETE "'1::2'" },
		{ "1:2:3", SETE "'1:2:3'" },
		{ "1 2", SETE "'1 2'" },
		{ "+1", SETE "'+1'" },
		{ "-1", SETE "'-1'" },
		{ "", SETE "''" },
	};

	(void)state;
	check(cases, sizeof(cases) / sizeof(cases[0]), r_seqset);
}

/* The bound counts every UID, duplicates and all, across calls. */
static void
test_uids_bound(void **state)
{
	struct imap_uids u;
	struct errinfo ei;
	size_t i;

	(void)state;
	imap_uids_init(&u, 0);
	assert_int_equal(u.max, IMAP_DATA_UIDS_MAX);
	assert_int_equal(imap_data_seqset("1:9999999", 9, &u, &ei), 0);
	assert_int_equal(u.n, 9999999);
	assert_int_equal(imap_data_seqset("1", 1, &u, &ei), 0);
	assert_int_equal(imap_data_seqset("1", 1, &u, &ei), -1);
	assert_int_equal(u.n, IMAP_DATA_UIDS_MAX);
	assert_int_equal(imap_uids_add(&u, 5, &ei), -1);
	imap_uids_sort(&u);
	assert_int_equal(u.n, 9999999);
	for (i = 0; i < u.n; i++)
		if (u.v[i] != i + 1)
			fail_msg("uid %zu is %lu", i, (unsigned long)u.v[i]);
	imap_uids_reset(&u);
	assert_int_equal(imap_data_seqset("4294967295:1", 12, &u, &ei), -1);
	assert_string_equal(ei.msg, "IMAP sequence set too large: "
	    "'4294967295:1'");
	assert_int_equal(u.n, 0);
	imap_uids_free(&u);
}

static void
r_search(const char *in, size_t len, struct buf *out)
{
	struct imap_uids u;
	struct errinfo ei;
	uint64_t m = 7;

	err_clear(&ei);
	imap_uids_init(&u, 5);
	if (imap_data_search(in, len, &u, &m, &ei) < 0) {
		render_err(out, &ei);
		if (u.n != 0)
			buf_addstr(out, " (BAD: UIDs added)");
	} else {
		render_uids(out, &u);
		buf_printf(out, " modseq=%llu", (unsigned long long)m);
	}
	imap_uids_free(&u);
}

#define SEARCHE PROTO "malformed IMAP SEARCH response: "
static void
test_search(void **state)
{
	static const struct dcase cases[] = {
		{ "SEARCH", "[] modseq=0" },
		{ "SEARCH 2 84 882", "[2 84 882] modseq=0" },
		{ "search 5 4 3 2 1", "[5 4 3 2 1] modseq=0" },
		{ "SEARCH 2 5 ", "[2 5] modseq=0" },
		{ "SEARCH 2 5 (MODSEQ 917162500)", "[2 5] modseq=917162500" },
		{ "SEARCH 1 2 3 4 5 6", PROTO "IMAP SEARCH result too large: "
		    "'SEARCH 1 2 3 4 5 6'" },
		{ "SEARCH 2  5", SEARCHE "'SEARCH 2  5'" },
		{ "SEARCH 0", SEARCHE "'SEARCH 0'" },
		{ "SEARCH 1:3", SEARCHE "'SEARCH 1:3'" },
		{ "SEARCH *", SEARCHE "'SEARCH *'" },
		{ "SEARCH 4294967296", SEARCHE "'SEARCH 4294967296'" },
		{ "SEARCH (MODSEQ 1) 2", SEARCHE "'SEARCH (MODSEQ 1) 2'" },
		{ "SEARCH 2 (MODSEQ)", SEARCHE "'SEARCH 2 (MODSEQ)'" },
		{ "SEARCH 2 (FOO 1)", SEARCHE "'SEARCH 2 (FOO 1)'" },
		{ "SEARCHX", SEARCHE "'SEARCHX'" },
		{ "SEARCH1", SEARCHE "'SEARCH1'" },
	};

	(void)state;
	check(cases, sizeof(cases) / sizeof(cases[0]), r_search);
}

static void
r_esearch(const char *in, size_t len, struct buf *out)
{
	struct imap_esearch e;
	struct imap_uids u;
	struct errinfo ei;

	err_clear(&ei);
	imap_uids_init(&u, 10);
	if (imap_data_esearch(in, len, &e, &u, &ei) < 0) {
		render_err(out, &ei);
		if (u.n != 0)
			buf_addstr(out, " (BAD: UIDs added)");
	} else {
		buf_printf(out, "tag='%s' uid=%d have=%#x min=%lu max=%lu "
		    "count=%lu modseq=%llu ", e.tag, e.uid, e.have,
		    (unsigned long)e.min, (unsigned long)e.max,
		    (unsigned long)e.count, (unsigned long long)e.modseq);
		render_uids(out, &u);
		/* Without a list, the same answer. */
		if (imap_data_esearch(in, len, &e, NULL, &ei) < 0)
			buf_addstr(out, " (BAD: fails without a list)");
	}
	imap_uids_free(&u);
}

#define ESE PROTO "malformed IMAP ESEARCH response: "
static void
test_esearch(void **state)
{
	static const struct dcase cases[] = {
		{ "ESEARCH", "tag='' uid=0 have=0 min=0 max=0 count=0 modseq=0 "
		    "[]" },
		{ "ESEARCH (TAG \"A282\") UID MIN 2 COUNT 3", "tag='A282' "
		    "uid=1 "
		    "have=0x5 min=2 max=0 count=3 modseq=0 []" },
		{ "ESEARCH (TAG \"A283\") ALL 2,10:11", "tag='A283' uid=0 "
		    "have=0x8 min=0 max=0 count=0 modseq=0 [2 10 11]" },
		{ "ESEARCH (TAG \"A1\") UID ALL 12:9,1 MAX 12 MODSEQ 5",
		    "tag='A1' uid=1 have=0x1a min=0 max=12 count=0 modseq=5 "
		    "[9 10 11 12 1]" },
		{ "ESEARCH UID COUNT 0", "tag='' uid=1 have=0x4 min=0 max=0 "
		    "count=0 modseq=0 []" },
		{ "ESEARCH UID PARTIAL (1:10 1,3) RELEVANCY (5 6) COUNT 2",
		    "tag='' uid=1 have=0x4 min=0 max=0 count=2 modseq=0 []" },
		{ "ESEARCH UID X-FOO \"bar\" X-BAZ {3}\r\nabc", "tag='' uid=1 "
		    "have=0 min=0 max=0 count=0 modseq=0 []" },
		{ "ESEARCH UID ALL 1:11", PROTO "IMAP sequence set too large: "
		    "'ESEARCH UID ALL 1:11'" },
		{ "ESEARCH UID ALL 1:5 ALL 6", ESE "'ESEARCH UID ALL 1:5 ALL "
		    "6'" },
		{ "ESEARCH UID ALL 1:*", ESE "'ESEARCH UID ALL 1:*'" },
		{ "ESEARCH UID MIN 0", ESE "'ESEARCH UID MIN 0'" },
		{ "ESEARCH UID MIN", ESE "'ESEARCH UID MIN'" },
		{ "ESEARCH UID MIN ", ESE "'ESEARCH UID MIN '" },
		{ "ESEARCH UID MIN 1 ", ESE "'ESEARCH UID MIN 1 '" },
		{ "ESEARCH UID  MIN 1", ESE "'ESEARCH UID  MIN 1'" },
		{ "ESEARCH UID (TAG \"A\") MIN 1", ESE "'ESEARCH UID (TAG "
		    "\"A\") MIN 1'" },
		{ "ESEARCH (TAG A) MIN 1", ESE "'ESEARCH (TAG A) MIN 1'" },
		{ "ESEARCH (TAG \"0123456789012345678901234567890123\")", ESE
		    "'ESEARCH (TAG \"0123456789012345678901234567890123"
		    "\")'" },
		{ "ESEARCH COUNT 4294967296",
		    ESE "'ESEARCH COUNT 4294967296'" },
		{ "ESEARCH X-FOO (((", ESE "'ESEARCH X-FOO ((('" },
	};

	(void)state;
	check(cases, sizeof(cases) / sizeof(cases[0]), r_esearch);
}

static void
r_vanished(const char *in, size_t len, struct buf *out)
{
	struct imap_uids u;
	struct errinfo ei;
	int earlier = 5;

	err_clear(&ei);
	imap_uids_init(&u, 10);
	if (imap_data_vanished(in, len, &earlier, &u, &ei) < 0) {
		render_err(out, &ei);
		if (u.n != 0 || earlier != 0)
			buf_addstr(out, " (BAD: result left)");
	} else {
		buf_printf(out, "earlier=%d ", earlier);
		render_uids(out, &u);
	}
	imap_uids_free(&u);
}

#define VANE PROTO "malformed IMAP VANISHED response: "
static void
test_vanished(void **state)
{
	static const struct dcase cases[] = {
		{ "VANISHED 405,407,410", "earlier=0 [405 407 410]" },
		{ "VANISHED (EARLIER) 41,43:45", "earlier=1 [41 43 44 45]" },
		{ "vanished (earlier) 3", "earlier=1 [3]" },
		{ "VANISHED (EARLIER) 1:11", PROTO "IMAP sequence set too "
		    "large: 'VANISHED (EARLIER) 1:11'" },
		{ "VANISHED", VANE "'VANISHED'" },
		{ "VANISHED ", VANE "'VANISHED '" },
		{ "VANISHED (EARLIER)", VANE "'VANISHED (EARLIER)'" },
		{ "VANISHED (LATER) 1", VANE "'VANISHED (LATER) 1'" },
		{ "VANISHED (EARLIER 1", VANE "'VANISHED (EARLIER 1'" },
		{ "VANISHED 1:*", VANE "'VANISHED 1:*'" },
		{ "VANISHED 1 ", VANE "'VANISHED 1 '" },
	};

	(void)state;
	check(cases, sizeof(cases) / sizeof(cases[0]), r_vanished);
}

/* ---- FETCH ------------------------------------------------------------ */

static void
render_fetch(struct buf *out, const struct imap_fetch *f)
{
	static const char *const how[] = { "NIL", "data", "quoted",
		"streamed" };
	size_t i;

	buf_printf(out, "seq=%lu", (unsigned long)f->seq);
	if (f->have & IMAP_FETCH_UID)
		buf_printf(out, " uid=%lu", (unsigned long)f->uid);
	if (f->have & IMAP_FETCH_SIZE)
		buf_printf(out, " size=%llu", (unsigned long long)f->size);
	if (f->have & IMAP_FETCH_DATE)
		buf_printf(out, " date=%lld", (long long)f->date);
	if (f->have & IMAP_FETCH_FLAGS)
		buf_printf(out, " flags=%#x", f->flags);
	if (f->have & IMAP_FETCH_MODSEQ)
		buf_printf(out, " modseq=%llu", (unsigned long long)f->modseq);
	for (i = 0; i < f->nsections; i++) {
		const struct imap_section *s = &f->sec[i];

		buf_printf(out, " %s[%s]", s->peek ? "BODY.PEEK" : "BODY",
		    s->spec);
		if (s->has_origin)
			buf_printf(out, "<%lu>", (unsigned long)s->origin);
		buf_printf(out, " %s %llu", how[s->how], s->size);
		if (s->how == IMAP_BODY_DATA || s->how == IMAP_BODY_QUOTED) {
			buf_addstr(out, " '");
			log_esc(out, s->data, s->len);
			buf_addch(out, '\'');
		}
	}
}

static void
r_fetch(const char *in, size_t len, struct buf *out)
{
	struct imap_fetch f;
	struct errinfo ei;
	size_t i;

	err_clear(&ei);
	if (imap_data_fetch(in, len, &f, &ei) < 0) {
		render_err(out, &ei);
		return;
	}
	render_fetch(out, &f);
	for (i = 0; i < f.nsections; i++)
		if (f.sec[i].data != NULL && (f.sec[i].data < in ||
		    f.sec[i].data + f.sec[i].len > in + len))
			buf_addstr(out, " (BAD: data outside the text)");
}

#define FETCHE PROTO "malformed IMAP FETCH response: "
static void
test_fetch(void **state)
{
	static const struct dcase cases[] = {
		{ "3 FETCH (UID 7 RFC822.SIZE 512 INTERNALDATE \"03-Dec-2026 "
		    "06:40:01 +0000\" BODY[HEADER.FIELDS (MESSAGE-ID)] {21}\r\n"
		    "Message-ID: <a@b>\r\n\r\n)",
		    "seq=3 uid=7 size=512 date=1796280001 "
		    "BODY[HEADER.FIELDS (MESSAGE-ID)] data 21 "
		    "'Message-ID: <a@b>\\r\\n\\r\\n'" },
		{ "12 FETCH (FLAGS (\\Seen \\Deleted) UID 5 RFC822.SIZE 1234 "
		    "INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" MODSEQ (123))",
		    "seq=12 uid=5 size=1234 date=837596665 flags=0x9 "
		    "modseq=123" },
		{ "1 FETCH (BODY[] {10}\r\nhello\r\nbye UID 9)",
		    "seq=1 uid=9 BODY[] data 10 'hello\\r\\nbye'" },
		{ "1 FETCH (UID 9 BODY[] {1048576})", "seq=1 uid=9 BODY[] "
		    "streamed 1048576" },
		{ "1 FETCH (BODY[] {1048576} UID 9)", "seq=1 uid=9 BODY[] "
		    "streamed 1048576" },
		{ "1 FETCH (BODY[]<0> {0}\r\n UID 9)", "seq=1 uid=9 BODY[]<0> "
		    "data 0 ''" },
		{ "1 FETCH (BODY[] NIL UID 9)", "seq=1 uid=9 BODY[] NIL 0" },
		{ "1 FETCH (BODY[HEADER.FIELDS (MESSAGE-ID)] \"\" UID 9)",
		    "seq=1 uid=9 BODY[HEADER.FIELDS (MESSAGE-ID)] quoted 0 "
		    "''" },
		{ "1 FETCH (BODY[HEADER] \"a\\\"b\")", "seq=1 BODY[HEADER] "
		    "quoted 4 'a\\\\\"b'" },
		{ "1 FETCH (BODY.PEEK[HEADER] NIL)", "seq=1 "
		    "BODY.PEEK[HEADER] NIL 0" },
		{ "1 FETCH (body[] {2}\r\nab uid 4)", "seq=1 uid=4 BODY[] data "
		    "2 'ab'" },
		{ "1 FETCH (FLAGS () FLAGS (\\Answered \\Flagged \\Draft "
		    "\\Recent $Junk))", "seq=1 flags=0x36" },
		{ "1 FETCH (FLAGS (\\*))", "seq=1 flags=0" },
		{ "1 FETCH ()", "seq=1" },
		{ "1 FETCH (UID 9 UID 9)", "seq=1 uid=9" },
		{ "1 FETCH (UID 9 UID 10)", FETCHE "'1 FETCH (UID 9 UID 10)'" },
		{ "1 FETCH (RFC822.SIZE 1 RFC822.SIZE 2)", FETCHE "'1 FETCH "
		    "(RFC822.SIZE 1 RFC822.SIZE 2)'" },
		{ "1 FETCH (RFC822.SIZE 18446744073709551615)", "seq=1 "
		    "size=18446744073709551615" },
		{ "1 FETCH (ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 "
		    "(PDT)\" "
		    "\"IMAP4rev1 WG mtg summary\" ((\"Terry Gray\" NIL "
		    "\"gray\" "
		    "\"cac.washington.edu\")) NIL NIL NIL NIL NIL NIL "
		    "\"<B27397-0100000@cac.washington.edu>\") UID 3)",
		    "seq=1 uid=3" },
		{ "1 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" "
		    "\"US-ASCII\") NIL NIL \"7BIT\" 1152 23)(\"TEXT\" "
		    "\"PLAIN\" "
		    "(\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") "
		    "\"<960723163407.20117h@cac.washington.edu>\" "
		    "\"Compiler diff\" \"BASE64\" 4554 73) \"MIXED\") UID 4)",
		    "seq=1 uid=4" },
		{ "1 FETCH (X-GM-LABELS (\\Inbox {3}\r\na b) UID 5 X-FOO {4} "
		    "RFC822.SIZE 6)", "seq=1 uid=5 size=6" },
		{ "1 FETCH (BODY (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 3 1) "
		    "UID 6)", "seq=1 uid=6" },
		{ "1 FETCH (BINARY[] {2}\r\nab UID 7)", "seq=1 uid=7" },
		{ "1 FETCH (BODY[1] {1}\r\na BODY[2] {1}\r\nb BODY[3] NIL "
		    "BODY[4] \"\")", "seq=1 BODY[1] data 1 'a' BODY[2] data 1 "
		    "'b' BODY[3] NIL 0 BODY[4] quoted 0 ''" },
		{ "1 FETCH (BODY[1] NIL BODY[2] NIL BODY[3] NIL BODY[4] NIL "
		    "BODY[5] NIL)", PROTO "too many sections in an IMAP FETCH "
		    "response: '1 FETCH (BODY[1] NIL BODY[2] NIL BODY[3] NIL "
		    "BODY[4] NIL BODY[5] NIL)'" },
		{ "1 FETCH (UID 0)", FETCHE "'1 FETCH (UID 0)'" },
		{ "1 FETCH (UID -1)", FETCHE "'1 FETCH (UID -1)'" },
		{ "1 FETCH (UID 4294967296)", FETCHE "'1 FETCH (UID "
		    "4294967296)'" },
		{ "1 FETCH (UID)", FETCHE "'1 FETCH (UID)'" },
		{ "1 FETCH (UID 5", FETCHE "'1 FETCH (UID 5'" },
		{ "1 FETCH (UID 5))", FETCHE "'1 FETCH (UID 5))'" },
		{ "1 FETCH (UID 5) ", FETCHE "'1 FETCH (UID 5) '" },
		{ "1 FETCH (UID 5 )", FETCHE "'1 FETCH (UID 5 )'" },
		{ "1 FETCH ( UID 5)", FETCHE "'1 FETCH ( UID 5)'" },
		{ "1 FETCH (UID  5)", FETCHE "'1 FETCH (UID  5)'" },
		{ "1 FETCH UID 5", FETCHE "'1 FETCH UID 5'" },
		{ "0 FETCH (UID 5)", FETCHE "'0 FETCH (UID 5)'" },
		{ "1 FETCHX (UID 5)", FETCHE "'1 FETCHX (UID 5)'" },
		{ "1 FETCH (MODSEQ 5)", FETCHE "'1 FETCH (MODSEQ 5)'" },
		{ "1 FETCH (MODSEQ (5 6))", FETCHE "'1 FETCH (MODSEQ (5 6))'" },
		{ "1 FETCH (INTERNALDATE \"30-Feb-2000 00:00:00 +0000\")",
		    FETCHE "'1 FETCH (INTERNALDATE \"30-Feb-2000 00:00:00 "
		    "+0000\")'" },
		{ "1 FETCH (INTERNALDATE NIL)", FETCHE "'1 FETCH (INTERNALDATE "
		    "NIL)'" },
		{ "1 FETCH (FLAGS \\Seen)", FETCHE "'1 FETCH (FLAGS \\Seen)'" },
		{ "1 FETCH (BODY[] {5}\r\nab)", FETCHE "'1 FETCH (BODY[] "
		    "{5}\\x0d\\x0aab)'" },
		{ "1 FETCH (BODY[] {2}\r\nab", FETCHE "'1 FETCH (BODY[] "
		    "{2}\\x0d\\x0aab'" },
		{ "1 FETCH (BODY[] {2}\r\nabUID 1)", FETCHE "'1 FETCH (BODY[] "
		    "{2}\\x0d\\x0aabUID 1)'" },
		{ "1 FETCH (BODY[] {1234567890123}\r\n)", FETCHE "'1 FETCH "
		    "(BODY[] {1234567890123}\\x0d\\x0a)'" },
		{ "1 FETCH (BODY[] {-1}\r\n)", FETCHE "'1 FETCH (BODY[] "
		    "{-1}\\x0d\\x0a)'" },
		{ "1 FETCH (BODY[] {})", FETCHE "'1 FETCH (BODY[] {})'" },
		{ "1 FETCH (BODY[HEADER {2}\r\nab)", FETCHE "'1 FETCH "
		    "(BODY[HEADER {2}\\x0d\\x0aab)'" },
		{ "1 FETCH (BODY[] \"abc)", FETCHE "'1 FETCH (BODY[] "
		    "\"abc)'" },
		{ "1 FETCH (BODY[] \"a\\b\")", FETCHE "'1 FETCH (BODY[] "
		    "\"a\\b\")'" },
		{ "1 FETCH (BODY[]<> NIL)", FETCHE "'1 FETCH (BODY[]<> NIL)'" },
		{ "1 FETCH (BODY[]<0 NIL)", FETCHE "'1 FETCH (BODY[]<0 NIL)'" },
		{ "1 FETCH (BODY[] ATOM)", FETCHE "'1 FETCH (BODY[] ATOM)'" },
		{ "1 FETCH (UID<0> 1)", "seq=1" },
		{ "1 FETCH (X-FOO)", FETCHE "'1 FETCH (X-FOO)'" },
		{ "1 FETCH (X-FOO \"\r\")", FETCHE "'1 FETCH (X-FOO "
		    "\"\\x0d\")'" },
	};

	(void)state;
	check(cases, sizeof(cases) / sizeof(cases[0]), r_fetch);
}

/* A section of IMAP_SECTION_MAX - 1 bytes, not one more. */
static void
test_fetch_section(void **state)
{
	struct imap_fetch f;
	struct errinfo ei;
	struct buf b;
	size_t n;

	(void)state;
	for (n = IMAP_SECTION_MAX - 1; n <= IMAP_SECTION_MAX; n++) {
		buf_init(&b, LOG_MAX);
		buf_addstr(&b, "1 FETCH (BODY[");
		while (b.len < 14 + n)
			buf_addch(&b, '1');
		buf_addstr(&b, "] NIL)");
		if (n < IMAP_SECTION_MAX) {
			assert_int_equal(imap_data_fetch(b.data, b.len, &f,
			    &ei), 0);
			assert_int_equal(strlen(f.sec[0].spec), n);
		} else {
			assert_int_equal(imap_data_fetch(b.data, b.len, &f,
			    &ei), -1);
			assert_true(strncmp(ei.msg, "IMAP FETCH section too "
			    "long: '1 FETCH (BODY[111", 40) == 0);
		}
		buf_free(&b);
	}
}

/* Unknown values nest up to IMAP_LEX_DEPTH_MAX lists, not one more. */
static void
test_fetch_depth(void **state)
{
	struct imap_fetch f;
	struct errinfo ei;
	struct buf b;
	size_t d;

	(void)state;
	for (d = IMAP_LEX_DEPTH_MAX - 1; d <= IMAP_LEX_DEPTH_MAX + 1; d++) {
		size_t i;

		buf_init(&b, LOG_MAX);
		buf_addstr(&b, "1 FETCH (X-FOO ");
		for (i = 0; i < d; i++)
			buf_addch(&b, '(');
		buf_addstr(&b, "a");
		for (i = 0; i < d; i++)
			buf_addch(&b, ')');
		buf_addstr(&b, " UID 1)");
		assert_int_equal(imap_data_fetch(b.data, b.len, &f, &ei),
		    d <= IMAP_LEX_DEPTH_MAX ? 0 : -1);
		buf_free(&b);
	}
}

/* ---- Message-ID ------------------------------------------------------- */

static void
r_msgid(const char *in, size_t len, struct buf *out)
{
	char id[IMAP_MSGID_MAX + 1];
	size_t n = imap_data_msgid(in, len, id, sizeof(id));

	if (n != strlen(id))
		buf_addstr(out, "(BAD: length) ");
	buf_addch(out, '\'');
	log_esc(out, id, n);
	buf_addch(out, '\'');
}

static void
test_msgid(void **state)
{
	static const struct dcase cases[] = {
		{ "Message-ID: <a@b>\r\n\r\n", "'<a@b>'" },
		{ "Message-ID: <a@b>", "'<a@b>'" },
		{ "message-id:<a@b>  \t\n", "'<a@b>'" },
		{ "MESSAGE-ID:\r\n <a@b>\r\n", "'<a@b>'" },
		{ "Message-ID: <a\r\n\t@b>\r\n", "'<a @b>'" },
		{ "Message-ID: <a@b> (x\r\n  y)\r\nSubject: s\r\n",
		    "'<a@b> (x y)'" },
		{ "Subject: s\r\nMessage-ID: <1@x>\r\nMessage-ID: <2@x>\r\n",
		    "'<1@x>'" },
		{ "Subject: s\r\n Message-ID: <1@x>\r\n", "''" },
		{ "Subject: s\r\n\r\nMessage-ID: <1@x>\r\n", "''" },
		{ "Message-Id: \r\n\r\n", "''" },
		{ "Message-ID <1@x>\r\n", "''" },
		{ "X-Message-ID: <1@x>\r\n", "''" },
		{ "Message-IDs: <1@x>\r\n", "''" },
		{ "Message-ID: <1\x01@x>\r\n", "''" },
		{ "Message-ID: <1\r@x>\r\n", "''" },
		{ "Message-ID: <\xc3\xa9@x>\r\n", "'<\\xc3\\xa9@x>'" },
		{ "", "''" },
		{ "\r\n", "''" },
	};
	char id[IMAP_MSGID_MAX + 1], big[IMAP_MSGID_MAX + 8], small[4];
	struct buf b;

	(void)state;
	check(cases, sizeof(cases) / sizeof(cases[0]), r_msgid);
	/* IMAP_MSGID_MAX bytes, not one more; a small out is no overflow. */
	buf_init(&b, LOG_MAX);
	buf_addstr(&b, "Message-ID: ");
	while (b.len < 12 + IMAP_MSGID_MAX)
		buf_addch(&b, 'x');
	assert_int_equal(imap_data_msgid(b.data, b.len, id, sizeof(id)),
	    IMAP_MSGID_MAX);
	assert_int_equal(imap_data_msgid(b.data, b.len, small, sizeof(small)),
	    0);
	assert_string_equal(small, "");
	assert_int_equal(imap_data_msgid("Message-ID: abc", 15, small,
	    sizeof(small)), 3);
	assert_int_equal(imap_data_msgid("Message-ID: abc", 15, small, 0), 0);
	buf_addstr(&b, "\r\n");
	assert_int_equal(imap_data_msgid(b.data, b.len, id, sizeof(id)),
	    IMAP_MSGID_MAX);
	buf_truncate(&b, 2);
	buf_addstr(&b, "x\r\n");
	assert_int_equal(imap_data_msgid(b.data, b.len, big, sizeof(big)), 0);
	buf_free(&b);
}

/* ---- real responses, through imap_parse ------------------------------- */

/* Stream literals of at least min bytes (0: keep all), as mfetch does. */
struct stream {
	unsigned long long min;
	unsigned long long got;
	int on;
};

static int
s_begin(void *arg, const struct imap_resp *r, unsigned long long size,
    struct errinfo *ei)
{
	struct stream *s = arg;

	(void)r;
	(void)ei;
	s->got = 0;
	s->on = s->min > 0 && size >= s->min;
	return s->on;
}

static int
s_data(void *arg, const char *p, size_t n, struct errinfo *ei)
{
	struct stream *s = arg;

	(void)p;
	(void)ei;
	s->got += n;
	return 0;
}

static int
s_end(void *arg, struct errinfo *ei)
{
	(void)arg;
	(void)ei;
	return 0;
}

/* One response, rendered by what imap_data makes of it. */
static void
log_data(const struct imap_resp *r, const struct stream *s, struct buf *log)
{
	const char *t = r->text.data, *code;
	size_t len = r->text.len, cl;
	struct imap_data d;
	struct errinfo ei;

	err_clear(&ei);
	if (r->kind == IMAP_TAGGED)
		buf_printf(log, "%s ", r->tag);
	if (r->cond != IMAP_NONE) {
		buf_printf(log, "status");
		if ((code = imap_resp_code(r, &cl)) != NULL) {
			buf_addstr(log, " code ");
			r_code(code, cl, log);
		}
		buf_addch(log, '\n');
		return;
	}
	if (imap_data_kind(t, len, &d, &ei) < 0) {
		render_err(log, &ei);
		buf_addch(log, '\n');
		return;
	}
	buf_printf(log, "%s ", dkind_names[d.kind]);
	switch (d.kind) {
	case IMAP_D_FETCH:
		r_fetch(t, len, log);
		if (s->on)
			buf_printf(log, " (streamed %llu)", s->got);
		break;
	case IMAP_D_LIST:
		r_list(t, len, log);
		break;
	case IMAP_D_SEARCH:
		r_search(t, len, log);
		break;
	case IMAP_D_ESEARCH:
		r_esearch(t, len, log);
		break;
	case IMAP_D_VANISHED:
		r_vanished(t, len, log);
		break;
	case IMAP_D_ENABLED:
		r_enabled(t, len, log);
		break;
	default:
		buf_printf(log, "%lu", (unsigned long)d.num);
	}
	buf_addch(log, '\n');
}

static void
run_data(const void *arg, const char *in, size_t len, const size_t *cuts,
    size_t ncuts, struct buf *log)
{
	struct stream s;
	struct imap_literal_ops ops = { s_begin, s_data, s_end, &s };
	struct imap_resp r;
	size_t start = 0, k;

	memset(&s, 0, sizeof(s));
	s.min = *(const unsigned long long *)arg;
	imap_resp_init(&r);
	r.lit = &ops;
	for (k = 0; k <= ncuts; k++) {
		size_t end = k < ncuts ? cuts[k] : len, off = start;

		while (off < end) {
			struct errinfo ei;
			int done = -1;
			ssize_t used;

			err_clear(&ei);
			used = imap_resp_feed(&r, in + off, end - off, &done,
			    &ei);
			if (used < 0) {
				buf_printf(log, "E %s\n", ei.msg);
				goto out;
			}
			if (!feed_return_ok(used, end - off, done, log))
				goto out;
			off += (size_t)used;
			if (done) {
				log_data(&r, &s, log);
				s.on = 0;
			}
		}
		start = end;
	}
out:
	imap_resp_free(&r);
}

static const char dovecot[] =
		"* OK [CAPABILITY IMAP4rev1 SASL-IR LITERAL+ STARTTLS "
		    "AUTH=PLAIN] Dovecot ready.\r\n"
		"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
		"* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen "
		    "\\Draft \\*)] Flags permitted.\r\n"
		"* 3 EXISTS\r\n"
		"* 0 RECENT\r\n"
		"* OK [UIDVALIDITY 1733400000] UIDs valid\r\n"
		"* OK [UIDNEXT 8] Predicted next UID\r\n"
		"* OK [HIGHESTMODSEQ 12] Highest\r\n"
		"A3 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).\r\n"
		"* ENABLED CONDSTORE\r\n"
		"* SEARCH 5 6 7\r\n"
		"* ESEARCH (TAG \"A5\") UID ALL 5:7\r\n"
		"* 3 FETCH (UID 7 RFC822.SIZE 51 INTERNALDATE \"03-Dec-2026 "
		    "06:40:01 +0000\" BODY[HEADER.FIELDS (MESSAGE-ID)] {49}\r\n"
		"Message-ID: <20261203064001.1234@example.org>\r\n"
		"\r\n"
		")\r\n"
		"* 3 FETCH (UID 7 BODY[] {51}\r\n"
		"From: a@example.org\r\n"
		"Subject: hi\r\n"
		"\r\n"
		"Hello, world.\r\n"
		")\r\n"
		"A6 OK Fetch completed (0.001 + 0.000 secs).\r\n"
		"* LIST (\\HasNoChildren) \"/\" INBOX\r\n"
		"* LIST (\\HasChildren \\Noselect) \"/\" Lists\r\n"
		"* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Messages\"\r\n"
		"* LIST (\\HasNoChildren) \"/\" Entw&APw-rfe\r\n"
		"* VANISHED (EARLIER) 1:4\r\n"
		"* 2 EXPUNGE\r\n"
		"* 1 FETCH (FLAGS (\\Seen) MODSEQ (13))\r\n"
		"* BYE Logging out\r\n";

static const char dovecot_kept[] =
	"status code CAPABILITY arg='IMAP4rev1 SASL-IR LITERAL+ STARTTLS "
	    "AUTH=PLAIN'\n"
	"FLAGS 0\n"
	"status code PERMANENTFLAGS flags=0x5f arg='(\\\\Answered \\\\Flagged "
	    "\\\\Deleted \\\\Seen \\\\Draft \\\\*)'\n"
	"EXISTS 3\n"
	"RECENT 0\n"
	"status code UIDVALIDITY num=1733400000 arg='1733400000'\n"
	"status code UIDNEXT num=8 arg='8'\n"
	"status code HIGHESTMODSEQ modseq=12 arg='12'\n"
	"A3 status code READ-WRITE\n"
	"ENABLED 0x2\n"
	"SEARCH [5 6 7] modseq=0\n"
	"ESEARCH tag='A5' uid=1 have=0x8 min=0 max=0 count=0 modseq=0 [5 6 7]\n"
	"FETCH seq=3 uid=7 size=51 date=1796280001 BODY[HEADER.FIELDS "
	    "(MESSAGE-ID)] data 49 'Message-ID: "
	    "<20261203064001.1234@example.org>\\r\\n\\r\\n'\n"
	"FETCH seq=3 uid=7 BODY[] data 51 'From: a@example.org\\r\\nSubject: "
	    "hi\\r\\n\\r\\nHello, world.\\r\\n'\n"
	"A6 status\n"
	"LIST attrs=0x8 delim=/ name='INBOX'\n"
	"LIST attrs=0x5 delim=/ name='Lists'\n"
	"LIST attrs=0x2008 delim=/ name='Sent Messages'\n"
	"LIST attrs=0x8 delim=/ name='Entw&APw-rfe'\n"
	"VANISHED earlier=1 [1 2 3 4]\n"
	"EXPUNGE 2\n"
	"FETCH seq=1 flags=0x1 modseq=13\n"
	"status\n";

static const char dovecot_streamed[] =
	"status code CAPABILITY arg='IMAP4rev1 SASL-IR LITERAL+ STARTTLS "
	    "AUTH=PLAIN'\n"
	"FLAGS 0\n"
	"status code PERMANENTFLAGS flags=0x5f arg='(\\\\Answered \\\\Flagged "
	    "\\\\Deleted \\\\Seen \\\\Draft \\\\*)'\n"
	"EXISTS 3\n"
	"RECENT 0\n"
	"status code UIDVALIDITY num=1733400000 arg='1733400000'\n"
	"status code UIDNEXT num=8 arg='8'\n"
	"status code HIGHESTMODSEQ modseq=12 arg='12'\n"
	"A3 status code READ-WRITE\n"
	"ENABLED 0x2\n"
	"SEARCH [5 6 7] modseq=0\n"
	"ESEARCH tag='A5' uid=1 have=0x8 min=0 max=0 count=0 modseq=0 [5 6 7]\n"
	"FETCH seq=3 uid=7 size=51 date=1796280001 BODY[HEADER.FIELDS "
	    "(MESSAGE-ID)] data 49 'Message-ID: "
	    "<20261203064001.1234@example.org>\\r\\n\\r\\n'\n"
	"FETCH seq=3 uid=7 BODY[] streamed 51 (streamed 51)\n"
	"A6 status\n"
	"LIST attrs=0x8 delim=/ name='INBOX'\n"
	"LIST attrs=0x5 delim=/ name='Lists'\n"
	"LIST attrs=0x2008 delim=/ name='Sent Messages'\n"
	"LIST attrs=0x8 delim=/ name='Entw&APw-rfe'\n"
	"VANISHED earlier=1 [1 2 3 4]\n"
	"EXPUNGE 2\n"
	"FETCH seq=1 flags=0x1 modseq=13\n"
	"status\n";

static void
test_dovecot(void **state)
{
	static const unsigned long long keep = 0, stream = 50;

	(void)state;
	assert_int_equal(check_splits("kept", dovecot, sizeof(dovecot) - 1,
	    dovecot_kept, run_data, &keep), 0);
	assert_int_equal(check_splits("streamed", dovecot,
	    sizeof(dovecot) - 1, dovecot_streamed, run_data, &stream), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_enabled),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_list_long),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_seqset),
		cmocka_unit_test(test_uids_bound),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_esearch),
		cmocka_unit_test(test_vanished),
		cmocka_unit_test(test_fetch),
		cmocka_unit_test(test_fetch_section),
		cmocka_unit_test(test_fetch_depth),
		cmocka_unit_test(test_msgid),
		cmocka_unit_test(test_dovecot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
