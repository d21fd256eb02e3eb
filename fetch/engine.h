/*
 * engine: what a fetch does with the messages of one mailbox (a POP3
 * maildrop, an IMAP folder), whatever the protocol: the decision for
 * each message (policy.h), the retrievals kept in flight, the delivery,
 * and the order that makes a crash lose nothing.  For every message:
 *
 *	delivered and durable  ->  its UID recorded durably  ->  deleted
 *
 * Group commit: a delivered message is staged (sink.h: whole, not yet
 * durable), and a batch of them is flushed at once: the sink's sync
 * makes the whole batch durable (mbox: one journal record and one fsync;
 * Maildir: one fsync per file and one of new/), then every UID of the
 * batch is recorded with one fsync of the state's journal, then their
 * deletions are sent.  A batch is flushed when it holds FETCH_BATCH
 * messages or FETCH_BATCH_BYTES bytes, when nothing is left in flight,
 * before mpop's filter runs, when the fetching stops on an error (even
 * when the session broke: nothing is deleted then), and at the end.
 * What a crash can do, at any instant: lose no message, leave no part of
 * one in the target (sink.h), and fetch again at most the messages of
 * the batch not yet recorded (they may be in the target already, whole:
 * duplicates), never more than one batch.  A message is deleted only
 * once it is durable in the target and its UID durably recorded.  With
 * a sink that cannot defer (the MDA: a staged message is delivered for
 * good), each UID is written to the journal as soon as its message is
 * delivered and only the journal's fsync waits for the batch: a kill
 * re-delivers at most the message in flight, a power cut the batch.
 *
 * A delivery failure rolls that message back, deletes nothing of it and
 * ends the mailbox's fetching (the commands already sent are read to the
 * end, their messages dropped); the messages staged before it are still
 * flushed, recorded and may be deleted.  A failed sync delivers none of
 * its batch (all stay on the server); a failed record deletes none.
 *
 * The protocol (pop3_fetch.c, imap_fetch.c) lists the mailbox, then hands
 * the engine its messages and a small interface: send the command that
 * retrieves a message; read its answer, the message's bytes (LF line
 * ends) going to the engine's body function; send a deletion; read its
 * answer; fetch a header for mpop's filter.  With pipelining, retrievals
 * are kept in flight up to FETCH_WINDOW of them or FETCH_WINDOW_BYTES of
 * announced sizes, so the link stays full at any round-trip time; a
 * batch's deletions go with the next retrievals, and a full batch is
 * flushed once the next retrievals are sent, so that its fsyncs overlap
 * the transfer.  Answers are read in the order the commands were sent.
 */
#ifndef FACTEUR_ENGINE_H
#define FACTEUR_ENGINE_H

#include <stdint.h>
#include <time.h>

#include "account.h"
#include "buf.h"
#include "deliver.h"
#include "policy.h"
#include "status.h"
#include "uidstate.h"

#define FETCH_WINDOW		256	/* retrievals in flight */
#define FETCH_WINDOW_BYTES	(8ULL * 1024 * 1024) /* and their sizes */
#define FETCH_MSGS_MAX		10000000 /* messages in one mailbox */
#define FETCH_BATCH		64	/* messages made durable at once */
#define FETCH_BATCH_BYTES	(8ULL * 1024 * 1024) /* or their bytes */

struct fetch_stats {
	int inventoried;		/* the server's list was read */
	unsigned long messages;		/* in the mailboxes */
	unsigned long long messages_bytes;
	/* What a fetch with these options fetches (--check counts it). */
	unsigned long fresh;
	unsigned long long fresh_bytes;
	unsigned long fetched;
	unsigned long long fetched_bytes;
	unsigned long deleted;
	unsigned long skipped;
	/* Live progress on a terminal (fetchrun sets it up). */
	int progress;			/* show it on stderr */
	unsigned long to_fetch;
	struct timespec t0, shown;
};

/* Show the progress line now if it is due (or always with final). */
void fetch_progress(struct fetch_stats *st, int final);

struct fetch_msg {
	char uid[UID_MAX + 1];	/* the state's key; "" without UIDs */
	unsigned long id;	/* POP3: message number; IMAP: UID */
	unsigned long long size;
	uint64_t fp;		/* fingerprint kept with the UID, or 0 */
	enum fetch_action act;
	int done;		/* set by the engine: durable and recorded,
				   deleted, or gone */
};

/* Where a retrieval puts the message's bytes (LF line ends). */
typedef void (*fetch_body_fn)(void *arg, const char *p, size_t n);

/*
 * A fetch_body_fn keeping a header for mpop's filter: into the struct buf
 * arg, up to DELIVER_HEAD_MAX bytes (the rest is read and dropped).
 */
void fetch_to_head(void *arg, const char *p, size_t n);

/*
 * The protocol's side.  Each returns 0, or -1 when the session broke
 * (ei: nothing more can be sent or read); the answers also return 1 when
 * the server refused that one command (dei: the session goes on), and a
 * retrieval 2 when the message is no longer there (dei: a warning).
 */
struct fetch_proto_ops {
	/* Send the command that retrieves m (no reading). */
	int (*request)(void *pr, const struct fetch_msg *m,
	    struct errinfo *ei);
	/*
	 * Read the answer to m's request; the message's bytes go to
	 * body(arg, ...) as they come, or nowhere when body is NULL.
	 * 0 means the whole message came.
	 */
	int (*retrieve)(void *pr, const struct fetch_msg *m, fetch_body_fn body,
	    void *arg, struct errinfo *dei, struct errinfo *ei);
	/*
	 * Send the command that removes m from the mailbox; fetched says
	 * it was just delivered (IMAP's move-to moves those instead).
	 */
	int (*del)(void *pr, const struct fetch_msg *m, int fetched,
	    struct errinfo *ei);
	/* Read the answer to m's deletion. */
	int (*deleted)(void *pr, const struct fetch_msg *m, struct errinfo *dei,
	    struct errinfo *ei);
	/*
	 * mpop's filter: send and read what gives m's header, into head (up
	 * to DELIVER_HEAD_MAX bytes).  NULL when the protocol has none.
	 */
	int (*header)(void *pr, const struct fetch_msg *m, struct buf *head,
	    struct errinfo *dei, struct errinfo *ei);
};

struct fetch_proto {
	const struct fetch_proto_ops *ops;
	void *pr;
	const char *host;	/* the server, for the Received field */
	const char *with;	/* "POP3", "POP3S", "IMAP", "IMAPS" */
	int pipelined;		/* commands may go before earlier answers */
	int have_uids;		/* m[].uid is set: the state applies */
};

/*
 * Decide, fetch, deliver, record and delete m[0..n) of one mailbox, in
 * batches (above).  Counts into st (st->messages is the protocol's
 * business).  Returns 0, or -1 with ei: the session broke (what was
 * staged is flushed first, without deletions), or the first error that
 * stopped the fetching (a message or a batch not delivered, UIDs not
 * recorded).  The sink's locks are released on return.
 */
int fetch_engine_run(const struct fetch_proto *p, struct fetch_msg *m,
    unsigned long n, struct delivery *d, struct uidstate *u,
    const struct fetch_policy *pol, struct fetch_stats *st,
    struct errinfo *ei);

/*
 * The same UID twice would let one message's fate decide another's:
 * ST_PROTOCOL naming it, or 0 when every m[].uid differs.
 */
int fetch_unique_uids(const struct fetch_msg *m, unsigned long n,
    struct errinfo *ei);

/*
 * A protocol's session, as fetchrun drives it for one account: connect
 * and log in, fetch every mailbox through fetch_engine_run(), end.
 */
struct fetch_session_ops {
	/*
	 * Connect and log in.  *sp is set once connected, even when the
	 * login then fails (the session must still be closed, the state
	 * saved); NULL when nothing was reached.  Records the login in u.
	 */
	int (*open)(void **sp, const struct account *a, struct uidstate *u,
	    const struct fetch_policy *pol, struct errinfo *ei);
	int (*fetch)(void *s, struct delivery *d, struct uidstate *u,
	    const struct fetch_policy *pol, struct fetch_stats *st,
	    struct errinfo *ei);
	/*
	 * End the session, making the acknowledged deletions final (and
	 * forgotten in u) only once it is safe.  Returns 0, or -1 with ei
	 * when they could not be made final (the server keeps the
	 * messages).  Frees s.
	 */
	int (*close)(void *s, struct uidstate *u, struct errinfo *ei);
};

#endif
