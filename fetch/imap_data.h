/*
 * imap_data: what the data of IMAP responses say (RFC 3501 7, RFC 9051 7,
 * RFC 4315 UIDPLUS, 4731 ESEARCH, 5161 ENABLE, 6154 SPECIAL-USE, 7162
 * CONDSTORE/QRESYNC), read from the text of one response as struct
 * imap_resp keeps it: r->text after "* ", kept literals in it as on the
 * wire ("{N}\r\n" and the N bytes), streamed ones as "{N}" alone.
 *
 * Pure: no I/O, nothing allocated but a struct imap_uids' array (bounded),
 * results point into the text given.  Every function returns 0, or -1 with
 * ST_PROTOCOL and the offending text quoted; hostile input gives an error,
 * never a crash.  Sources: imap_data.c (response codes, kinds, LIST,
 * ENABLED, date-time), imap_uids.c (sequence sets, SEARCH, ESEARCH,
 * VANISHED), imap_fetchdata.c (FETCH items, Message-ID).
 */
#ifndef FACTEUR_IMAP_DATA_H
#define FACTEUR_IMAP_DATA_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "status.h"

#define IMAP_DATA_UIDS_MAX	(10 * 1000 * 1000)	/* UIDs of one result */
#define IMAP_NAME_MAX		1024	/* bytes of a mailbox name */
#define IMAP_MSGID_MAX		998	/* bytes of a Message-ID value */
#define IMAP_SECTION_MAX	128	/* bytes of "HEADER.FIELDS (...)" */
#define IMAP_FETCH_SECTIONS_MAX	4	/* BODY[...] items of one FETCH */

/* System flags (FLAGS, PERMANENTFLAGS); keywords are not kept. */
#define IMAP_FLAG_SEEN		0x01
#define IMAP_FLAG_ANSWERED	0x02
#define IMAP_FLAG_FLAGGED	0x04
#define IMAP_FLAG_DELETED	0x08
#define IMAP_FLAG_DRAFT		0x10
#define IMAP_FLAG_RECENT	0x20
#define IMAP_FLAG_NEW_OK	0x40	/* PERMANENTFLAGS "\*" */

/* ---- response codes -------------------------------------------------- */

enum imap_code_kind {
	IMAP_CODE_OTHER,	/* a code not listed here (not an error) */
	IMAP_CODE_ALERT,
	IMAP_CODE_CAPABILITY,	/* arg: the capability list */
	IMAP_CODE_UIDVALIDITY,	/* num */
	IMAP_CODE_UIDNEXT,	/* num */
	IMAP_CODE_UNSEEN,	/* num */
	IMAP_CODE_PERMANENTFLAGS, /* flags */
	IMAP_CODE_READ_ONLY,
	IMAP_CODE_READ_WRITE,
	IMAP_CODE_TRYCREATE,
	IMAP_CODE_NONEXISTENT,
	IMAP_CODE_CLOSED,
	IMAP_CODE_APPENDUID,	/* num UIDVALIDITY, arg: the UID set */
	IMAP_CODE_COPYUID,	/* num UIDVALIDITY, arg: "src-set dst-set" */
	IMAP_CODE_UIDNOTSTICKY,
	IMAP_CODE_HIGHESTMODSEQ, /* modseq */
	IMAP_CODE_NOMODSEQ,
	IMAP_CODE_UNAVAILABLE
};

struct imap_code {
	enum imap_code_kind kind;
	uint32_t num;
	uint64_t modseq;
	unsigned flags;		/* IMAP_FLAG_* */
	const char *arg;	/* what follows the code's name, or NULL */
	size_t arglen;
};

/*
 * Read a response code as imap_resp_code() gives it ("UIDVALIDITY 3857"
 * for "[UIDVALIDITY 3857]").  An unknown code is IMAP_CODE_OTHER.  Errors:
 * a known code with a malformed argument; a UIDVALIDITY, UIDNEXT or
 * APPENDUID/COPYUID validity of 0 or over 4294967295 ("bad UIDVALIDITY").
 */
int imap_data_code(const char *code, size_t len, struct imap_code *c,
    struct errinfo *ei);

/* ---- untagged data ---------------------------------------------------- */

enum imap_dkind {
	IMAP_D_OTHER,		/* untagged data not listed here */
	IMAP_D_STATUS,		/* OK, NO, BAD, BYE, PREAUTH */
	IMAP_D_EXISTS,		/* num */
	IMAP_D_RECENT,		/* num */
	IMAP_D_EXPUNGE,		/* num (non-zero) */
	IMAP_D_FETCH,		/* num (non-zero) */
	IMAP_D_SEARCH,
	IMAP_D_ESEARCH,
	IMAP_D_VANISHED,
	IMAP_D_LIST,
	IMAP_D_LSUB,
	IMAP_D_FLAGS,
	IMAP_D_CAPABILITY,
	IMAP_D_ENABLED,
	IMAP_D_STATUSDATA	/* "STATUS mailbox (...)" */
};

struct imap_data {
	enum imap_dkind kind;
	uint32_t num;
	size_t rest;		/* offset in the text after the keyword */
};

/*
 * Tell what an untagged response's text is.  Errors: a leading number
 * that is not one (sign, overflow, missing keyword), a 0 for EXPUNGE or
 * FETCH.
 */
int imap_data_kind(const char *text, size_t len, struct imap_data *d,
    struct errinfo *ei);

/* ENABLED: which of these the server enabled (others are ignored). */
#define IMAP_ENABLED_UTF8_ACCEPT	0x01
#define IMAP_ENABLED_CONDSTORE		0x02
#define IMAP_ENABLED_QRESYNC		0x04
int imap_data_enabled(const char *text, size_t len, unsigned *caps_r,
    struct errinfo *ei);

/* ---- LIST -------------------------------------------------------------- */

#define IMAP_LIST_NOSELECT	0x0001
#define IMAP_LIST_NONEXISTENT	0x0002
#define IMAP_LIST_HASCHILDREN	0x0004
#define IMAP_LIST_HASNOCHILDREN	0x0008
#define IMAP_LIST_MARKED	0x0010
#define IMAP_LIST_UNMARKED	0x0020
#define IMAP_LIST_NOINFERIORS	0x0040
#define IMAP_LIST_ALL		0x0100
#define IMAP_LIST_ARCHIVE	0x0200
#define IMAP_LIST_DRAFTS	0x0400
#define IMAP_LIST_FLAGGED	0x0800
#define IMAP_LIST_JUNK		0x1000
#define IMAP_LIST_SENT		0x2000
#define IMAP_LIST_TRASH		0x4000

struct imap_list {
	unsigned attrs;		/* IMAP_LIST_*; unknown ones ignored */
	char delim;		/* the hierarchy delimiter, '\0' for NIL */
	char name[IMAP_NAME_MAX + 1];	/* as sent (mUTF-7 or UTF-8), NUL */
	size_t namelen;
};

/*
 * "LIST (\HasNoChildren) "/" INBOX.Lists" (or LSUB): the name is an
 * atom, a quoted string (unescaped here) or a kept literal; "INBOX" in
 * any case becomes "INBOX".  RFC 5258 extended data after the name is
 * skipped.  Errors: malformed, a name over IMAP_NAME_MAX, a name holding
 * NUL, CR or LF, a streamed literal.
 */
int imap_data_list(const char *text, size_t len, struct imap_list *l,
    struct errinfo *ei);

/* ---- STATUS ------------------------------------------------------------ */

#define IMAP_STATUS_MESSAGES		0x01
#define IMAP_STATUS_RECENT		0x02
#define IMAP_STATUS_UIDNEXT		0x04
#define IMAP_STATUS_UIDVALIDITY		0x08
#define IMAP_STATUS_UNSEEN		0x10
#define IMAP_STATUS_HIGHESTMODSEQ	0x20

struct imap_status {
	char name[IMAP_NAME_MAX + 1];	/* as in LIST: "INBOX" normalised */
	size_t namelen;
	unsigned have;			/* IMAP_STATUS_*: the items there */
	uint32_t messages, recent, uidnext, uidvalidity, unseen;
	uint64_t highestmodseq;
};

/*
 * "STATUS INBOX (MESSAGES 2 UIDNEXT 44 UIDVALIDITY 1733400000)": what a
 * folder holds without selecting it (unknown items skipped).  Errors:
 * malformed, an item twice, UIDNEXT 0, UIDVALIDITY 0 or over 2^32-1
 * ("bad UIDVALIDITY"), a name as imap_data_list() refuses it.
 */
int imap_data_status(const char *text, size_t len, struct imap_status *st,
    struct errinfo *ei);

/* ---- date-time ---------------------------------------------------------- */

/*
 * "dd-Mon-yyyy hh:mm:ss +zzzz" (day " 7" or "07" or "7"... only "d" with a
 * leading space or two digits; no quotes) into seconds since the epoch,
 * UTC, by the zone offset.  Strict: the day must exist in its month.
 */
int imap_data_date(const char *s, size_t len, time_t *t_r,
    struct errinfo *ei);

/* ---- UID lists (imap_uids.c) ------------------------------------------ */

struct imap_uids {
	uint32_t *v;
	size_t n;
	size_t alloc;
	size_t max;
};

/* An empty list of at most max UIDs (0: IMAP_DATA_UIDS_MAX). */
void imap_uids_init(struct imap_uids *u, size_t max);
void imap_uids_free(struct imap_uids *u);
/* Empty it, keeping its storage. */
void imap_uids_reset(struct imap_uids *u);
/* Append uid (non-zero).  -1 with ST_PROTOCOL past max. */
int imap_uids_add(struct imap_uids *u, uint32_t uid, struct errinfo *ei);
/* Sort ascending and drop duplicates. */
void imap_uids_sort(struct imap_uids *u);

/*
 * Append the members of a sequence set "1:5,7,12:9" (no "*", no 0; a
 * range in either order) to u.  Errors: malformed, past u's max.
 */
int imap_data_seqset(const char *s, size_t len, struct imap_uids *u,
    struct errinfo *ei);

/*
 * "SEARCH 2 5 9" (or "SEARCH" alone, or with a CONDSTORE "(MODSEQ n)" at
 * the end: *modseq_r, else 0; modseq_r may be NULL): the numbers into u.
 */
int imap_data_search(const char *text, size_t len, struct imap_uids *u,
    uint64_t *modseq_r, struct errinfo *ei);

struct imap_esearch {
	char tag[32];		/* (TAG "...") or "" */
	int uid;		/* the UID indicator was there */
	unsigned have;		/* IMAP_ESEARCH_* */
	uint32_t min, max, count;
	uint64_t modseq;
};
#define IMAP_ESEARCH_MIN	0x01
#define IMAP_ESEARCH_MAX	0x02
#define IMAP_ESEARCH_COUNT	0x04
#define IMAP_ESEARCH_ALL	0x08
#define IMAP_ESEARCH_MODSEQ	0x10

/*
 * "ESEARCH (TAG "A1") UID MIN 2 COUNT 3 ALL 2,10:11": the ALL set into u
 * (may be NULL: then only checked), the rest into e; unknown items are
 * skipped.
 */
int imap_data_esearch(const char *text, size_t len, struct imap_esearch *e,
    struct imap_uids *u, struct errinfo *ei);

/* "VANISHED (EARLIER) 41,43:116": the set into u, *earlier_r 0 or 1. */
int imap_data_vanished(const char *text, size_t len, int *earlier_r,
    struct imap_uids *u, struct errinfo *ei);

/* ---- FETCH (imap_fetchdata.c) ---------------------------------------- */

enum imap_body {
	IMAP_BODY_NIL,		/* NIL */
	IMAP_BODY_DATA,		/* data..len: a kept literal's bytes */
	IMAP_BODY_QUOTED,	/* data..len: a quoted string, \" and \\ left */
	IMAP_BODY_STREAMED	/* streamed: size bytes went to the hooks */
};

struct imap_section {
	char spec[IMAP_SECTION_MAX];	/* "HEADER.FIELDS (MESSAGE-ID)", "" */
	int peek;			/* BODY.PEEK[ (servers answer BODY[) */
	int has_origin;			/* BODY[]<0> */
	uint32_t origin;
	enum imap_body how;
	const char *data;
	size_t len;
	unsigned long long size;	/* literal size (kept or streamed) */
};

#define IMAP_FETCH_UID		0x01
#define IMAP_FETCH_SIZE		0x02
#define IMAP_FETCH_DATE		0x04
#define IMAP_FETCH_FLAGS	0x08
#define IMAP_FETCH_MODSEQ	0x10

struct imap_fetch {
	uint32_t seq;
	unsigned have;		/* IMAP_FETCH_*: which items were there */
	uint32_t uid;
	uint64_t size;		/* RFC822.SIZE */
	time_t date;		/* INTERNALDATE, UTC */
	unsigned flags;		/* IMAP_FLAG_* */
	uint64_t modseq;
	size_t nsections;
	struct imap_section sec[IMAP_FETCH_SECTIONS_MAX];
};

/*
 * "3 FETCH (UID 7 RFC822.SIZE 512 ... BODY[] {N}...)": the items in any
 * order, unknown ones (ENVELOPE, BODYSTRUCTURE, ...) skipped.  Errors:
 * malformed, an item twice with different values, a UID of 0, a section
 * over IMAP_SECTION_MAX, more than IMAP_FETCH_SECTIONS_MAX sections.
 */
int imap_data_fetch(const char *text, size_t len, struct imap_fetch *f,
    struct errinfo *ei);

/*
 * The first Message-ID field of a header block (lines ending in LF or
 * CR LF, up to an empty line or the end): its value unfolded, trimmed,
 * into out (size outsz, at least IMAP_MSGID_MAX + 1).  Returns its length,
 * or 0 when there is none usable: no field, an empty value, a value
 * longer than IMAP_MSGID_MAX or holding control bytes.  Never fails.
 */
size_t imap_data_msgid(const char *hdr, size_t len, char *out, size_t outsz);

#endif
