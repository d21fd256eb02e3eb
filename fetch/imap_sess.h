/*
 * imap_sess: what imap_fetch.c and imap_folder.c share: the session of one
 * account, and its commands in flight.
 *
 * Commands are pipelined (RFC 3501 5.5) and servers answer them as they
 * like: Dovecot runs several UID FETCH commands at once, sends their data
 * in the order they finish (a message after a large one may come first)
 * and the tagged OKs later.  So each command sent gets a slot, by tag; a
 * tagged answer completes its slot whenever it comes; untagged data is
 * handled as it comes.  A body (BODY[] literal) is routed by the UID its
 * FETCH names before the literal: into the delivery when it is the
 * message the engine waits for, else appended to a spool file (one for
 * the session, on disk in the state directory) and replayed from there
 * when the engine asks for that message.  A command answered OK without
 * its body means the message is gone (another client expunged it).
 * Memory does not depend on message sizes either way; the spool holds at
 * most what is in flight.
 */
#ifndef FACTEUR_IMAP_SESS_H
#define FACTEUR_IMAP_SESS_H

#include <stdint.h>

#include "crlf.h"
#include "engine.h"
#include "imap.h"
#include "imap_data.h"
#include "login.h"

#define IMAP_SET_MAX	4000	/* bytes of a UID set in one command */
#define IMAP_WHY_MAX	300	/* bytes of a refusal kept for its message */

enum slot_kind {
	SLOT_OTHER,
	SLOT_BODY,		/* UID FETCH uid (BODY[]) */
	SLOT_HEADER,		/* UID FETCH uid (BODY.PEEK[HEADER]) */
	SLOT_DEL		/* UID STORE, MOVE or COPY of uid */
};

struct slot {
	enum slot_kind kind;
	uint32_t uid;
	int done;		/* the tagged answer came */
	int ok;			/* ... and it was OK */
	int body;		/* the message's body came whole */
	char why[IMAP_WHY_MAX];	/* a refusal, quoted */
};

struct isess;

struct names {
	char **v;
	size_t n;
};

typedef int (*data_fn)(struct isess *s, const struct imap_data *d,
    struct errinfo *ei);

struct isess {
	struct imap m;
	struct login lg;
	const struct account *a;
	const struct fetch_policy *pol;
	int utf8;			/* names travel as UTF-8 */
	/* Commands in flight: slot i is tag "A<base + i>". */
	struct slot *slots;
	size_t nslots, aslots;
	unsigned base;
	data_fn on_data;		/* untagged data of the step running */
	/* The folder selected. */
	const char *folder;		/* UTF-8 */
	struct buf wire;		/* its name as an astring */
	struct buf move_wire;		/* move_to's */
	int selecting;
	int readonly;
	uint32_t exists, uidvalidity, uidnext;
	struct imap_uids expunge;	/* UIDs marked \Deleted by us */
	struct imap_uids found;		/* SEARCH results */
	struct names *listing;		/* a LIST's names go there */
	/* Bodies. */
	struct imap_literal_ops lit;
	const char *section;		/* "BODY[]" or "BODY[HEADER]" wanted */
	uint32_t want_uid;		/* the message the engine waits for */
	fetch_body_fn body;
	void *bodyarg;
	uint32_t in_uid;		/* the body being read: its UID */
	int in_spool;			/* ... going to the spool */
	struct crlf crlf;
	char *out;			/* crlf output */
	int spool_fd;			/* bodies that came early, or -1 */
	unsigned long long spool_end;	/* bytes in it */
	struct spooled {
		uint32_t uid;
		unsigned long long off, len;
		int whole;
	} *spooled;
	size_t nspooled, aspooled;
	size_t in_ent;			/* the one being written */
	/* The inventory being read (sizes of the new messages). */
	struct fetch_msg *inv;
	size_t ninv;
};

/* The server broke the protocol: what, and its words quoted (-1). */
int isess_protocol_error(struct isess *s, struct errinfo *ei,
    const char *what, const char *arg);

/* Send a command; *tag_r (may be NULL) gets its tag number. */
int isess_send(struct isess *s, enum slot_kind kind, uint32_t uid,
    unsigned *tag_r, struct errinfo *ei, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* The slot of tag, or NULL once forgotten. */
struct slot *isess_slot(struct isess *s, unsigned tag);

/* Read and handle one response. */
int isess_read(struct isess *s, struct errinfo *ei);
/* Handle the response in s->m.r (a continuation is an error). */
int isess_handle(struct isess *s, struct errinfo *ei);

/*
 * Read until tag is answered: 0 for OK, 1 for NO or BAD (dei: what, and
 * the server's words), -1 when the session broke.  The slot is then
 * forgotten.
 */
int isess_wait(struct isess *s, unsigned tag, const char *what,
    struct errinfo *dei, struct errinfo *ei);

/* Send and wait: the same returns. */
int isess_command(struct isess *s, const char *what, struct errinfo *dei,
    struct errinfo *ei, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Read until every command sent is answered. */
int isess_drain(struct isess *s, struct errinfo *ei);

/* Forget the slot of tag (its answer no longer matters). */
void isess_forget(struct isess *s, unsigned tag);

/* The tag of the command of that kind for uid, or 0. */
unsigned isess_find(const struct isess *s, enum slot_kind kind,
    uint32_t uid);

/* The literal hooks of the session (imap_pipe.c). */
void isess_lit_init(struct isess *s);

/* Forget every body set aside, and the spool file. */
void isess_spool_drop(struct isess *s);

/* Has uid's body come whole into the spool? */
int isess_spooled(const struct isess *s, uint32_t uid);

/* Replay uid's spooled body into s->body, then forget it; 0, or -1. */
int isess_spool_replay(struct isess *s, uint32_t uid, struct errinfo *ei);

/* A folder's name for commands (UTF-8 or modified UTF-7, an astring). */
int isess_wire_name(struct isess *s, const char *name, struct buf *out,
    struct errinfo *ei);

/* One folder (imap_folder.c): 0, 1 (that folder failed: dei), -1. */
int imap_folder_fetch(struct isess *s, const char *name, struct delivery *d,
    struct uidstate *u, struct fetch_stats *st, struct errinfo *dei,
    struct errinfo *ei);

/*
 * A session without a fetch (imap_fetch.c): connected, logged in,
 * ENABLEd; pol only for its move_to.  Closed (LOGOUT) and freed by
 * isess_close().
 */
int isess_open(struct isess **sp, const struct account *a,
    const struct fetch_policy *pol, struct errinfo *ei);
void isess_close(struct isess *s);
/* The account's folders, patterns resolved by LIST: 0, 1 (dei), -1. */
int isess_resolve(struct isess *s, struct names *out, struct errinfo *dei,
    struct errinfo *ei);
void names_free(struct names *l);

/* The engine's operations on this session. */
extern const struct fetch_proto_ops imap_ops;

#endif
