/*
 * uidstate: which messages of an account mfetch has already delivered,
 * by their key (a POP3 UIDL, RFC 1939 7, or "ID:UID" for an IMAP
 * message: the folder's ID in this state, then its UID), with the time
 * each was first delivered (for "keep 14d") and an optional fingerprint
 * (to recognise a message after its folder's UIDVALIDITY changed).  One
 * state per account, locked for the whole run so that a second mfetch on
 * the same account (cron overlap) stops at once.
 *
 * On disk the state is a file and a journal beside it (NAME.journal),
 * read in that order.  Every change is appended to the journal, whole
 * lines in one write, and fsync'ed before anything depends on it: a
 * delivered message is recorded before it may be deleted on the server.
 * With group commit (uidstate_record_fp() with sync 0) several records
 * share one fsync (uidstate_sync()), which must come before any of
 * their messages is deleted: the engine (engine.h) records a batch of
 * messages once the sink has made them all durable, so a crash at any
 * instant re-delivers at most that batch (FETCH_BATCH messages or
 * FETCH_BATCH_BYTES), never loses one.  A run with nothing new writes
 * nothing.
 *
 * The journal stays between runs; the file is rewritten (temporary file,
 * fsync, rename, fsync of the directory, then the journal removed) only
 * when the journal grows long (UIDSTATE_JOURNAL_MAX lines, or a quarter
 * of the entries + 64), when the file does not exist yet, when entries
 * of a dead folder must go, after a journal write failed, and by
 * uidstate_open() when the journal's last line was cut by a crash (so
 * that no line is ever glued to a cut one; the cut line is skipped with
 * a warning), when it is an older mfetch's, or when the state was
 * seeded.  A journal begins with "#journal N", its generation; the file
 * written from it says "#folded N", and a journal whose generation the
 * file says it holds is ignored: a crash between the rename and the
 * removal of the journal leaves one, which must not be applied again
 * (it could revive a key pruned since).  The journal is never removed
 * before the new file's rename is durable.
 *
 * A key whose message was deleted is forgotten, because some servers
 * give a deleted message's UID to a new one, which must then be fetched,
 * not deleted unread.  A deletion is final only once the server
 * acknowledged it (POP3: the DELE and the session's QUIT; IMAP: the UID
 * EXPUNGE); until then the key is kept.  Before the command that makes
 * them final, the keys it will delete are journaled as "- KEY": if the
 * run dies before it knows the answer, the next run forgets them (the
 * worst case is fetching a message again, never deleting one unread).
 *
 * IMAP folders: a folder line gives the folder's ID in this state (never
 * given twice in the life of a file), its UIDVALIDITY and the UIDNEXT
 * fetched up to.  A new UIDVALIDITY gets a new ID: the entries of the
 * old ID stay readable for the rest of the session (their fingerprints
 * recognise messages delivered before), and go at the next save that
 * prunes.  A state without folder lines (POP3) has no dead entries,
 * whatever its UIDs look like.
 *
 * Format, one item per line ('#' lines other than these are comments):
 *   SEEN KEY [FP]        delivered: first seen (seconds since the epoch),
 *                        KEY 1 to 70 bytes 0x21..0x7e, FP 16 hex digits
 *   - KEY                (journal) forget KEY
 *   =ID UIDVALIDITY UIDNEXT NAME
 *                        a folder: ID 1..UIDSTATE_ID_MAX, UIDVALIDITY
 *                        1..4294967295, UIDNEXT 0..4294967295, NAME its
 *                        bytes with those < 0x21, '%' and 0x7f as %XX;
 *                        it replaces the folder of the same NAME (whose
 *                        ID may not come back), and updates the one of
 *                        the same ID (not its UIDVALIDITY)
 *   #login TIME DELAY    the last login and the server's LOGIN-DELAY
 *   #maxid N             (file) the highest folder ID given so far
 *   #folded N            (file) the journal of generation N is in here
 *   #journal N           (journal, first line) its generation
 * Later lines win: an entry's SEEN is the earliest, its FP the last
 * given.  Older mfetch versions read "SEEN UID", "- UID" and "#login".
 */
#ifndef FACTEUR_UIDSTATE_H
#define FACTEUR_UIDSTATE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "status.h"

struct buf;

#define UID_MAX		70	/* RFC 1939: 1 to 70 characters */
#define UIDSTATE_FILE_MAX (64 * 1024 * 1024)
/* Journal lines past which a save rewrites the file (see above). */
#define UIDSTATE_JOURNAL_MAX 4096
#define UIDSTATE_ID_MAX	999999999	/* folder IDs: 1 to 9 digits */
#define UIDSTATE_FOLDER_MAX 1024	/* bytes of a folder's name */
/* "ID:UID" and its NUL: uidstate_key()'s longest. */
#define UIDSTATE_KEY_SIZE 24

struct uident {
	char *uid;		/* the key: a POP3 UID, or "ID:UID" */
	time_t seen;		/* first delivered */
	uint64_t fp;		/* fingerprint, 0: none */
	unsigned folder;	/* ID of an "ID:UID" key, else 0 */
	int present;		/* on the server in this session */
	int deleted;		/* DELE acknowledged in this session */
	int gone;		/* forgotten: as if not there */
	int ondisk;		/* file + journal hold it live, as here */
};

struct uidfolder {
	char *name;		/* UTF-8, as the server's folder */
	unsigned id;
	uint32_t uidvalidity, uidnext;
};

struct uidstate {
	char *path;
	char *journal_path;
	int lockfd;
	int jfd;		/* the journal, once written to */
	struct uident *v;
	size_t n, alloc;
	size_t *index;		/* open addressing: position + 1, 0 empty */
	size_t nindex;
	struct uidfolder **f;	/* folder lines */
	size_t nf, falloc;
	unsigned maxid;		/* highest folder ID given */
	unsigned *dead;		/* IDs whose line was replaced, this session */
	size_t ndead, deadalloc;
	/* The last login, and the server's LOGIN-DELAY then (RFC 2449). */
	time_t last_login;
	long login_delay;
	time_t disk_login;	/* the same, as file + journal say */
	long disk_delay;
	char *label;		/* "account A, host H, user U", for the file */
	size_t skipped;		/* journal lines skipped while loading */
	/* The file and the journal (see above). */
	int have_file;
	unsigned long long folded;	/* "#folded N" of the file */
	unsigned long long jgen;	/* "#journal N", 0: none yet */
	size_t jlines;		/* lines in the journal */
	long long jsize;	/* its bytes, once open */
	int jcut;		/* its last line was cut */
	int jold;		/* an older mfetch's (no generation) */
	int jnew;		/* created: fsync its directory */
	int jbroken;		/* a write failed: rewrite, append no more */
	int unsynced;		/* appended since the last fsync */
	unsigned long nsync;	/* journal fsyncs (tests count them) */
	unsigned long nrewrite;	/* file rewrites */
};

/* Longest file name uidstate_account_name() gives. */
#define UIDSTATE_NAME_MAX 200

/*
 * The name of an account's state, safe as a file name: the account's name,
 * or for an account made of options only (account NULL or ""),
 * USER@HOST; every byte but [A-Za-z0-9_+-.] (and the '@' between USER
 * and HOST) written %XX, a leading '.' too, so that no account name can
 * give another's file, and a configured account's name (its '@' as %40)
 * never gives an options-only one's.  Above UIDSTATE_NAME_MAX bytes the
 * name is cut and ends in "~" and a 64-bit hash of the whole.  Allocated.
 */
char *uidstate_account_name(const char *account, const char *host,
    const char *user);

/*
 * The default state file of an account: $XDG_STATE_HOME (else
 * ~/.local/state)/facteur/NAME.uids, NAME from uidstate_account_name().
 * Allocated.
 */
char *uidstate_default_path(const char *account, const char *host,
    const char *user);

/*
 * A state file name as mpop's uidls_file writes it: each "%U" replaced by
 * user, each "%H" by host (NULL as ""), nothing else changed, as mpop
 * does (so that mpop's own file is found at the same path).  Allocated.
 */
char *uidstate_expand(const char *pattern, const char *user,
    const char *host);

/*
 * The default of facteur before 2026-12 (one file per USER@HOST, shared
 * by accounts of the same login): $XDG_STATE_HOME/facteur/USER@HOST.uids,
 * '/' as '_'.  Read once to seed an account that has no state yet.
 * Allocated.
 */
char *uidstate_legacy_path(const char *host, const char *user);

/*
 * Lock and load the file, then the journal.  The journal is folded into
 * the file at once (rewritten) only when its last line was cut or it is
 * an older mfetch's; one the file already holds is removed.  Returns 0,
 * or -1: ST_TEMPFAIL when another mfetch holds the lock ("already
 * running"), ST_CANTCREAT / ST_IOERR for file trouble, ST_CONFIG for a
 * malformed file ("file:line").
 */
int uidstate_open(struct uidstate *u, const char *path, struct errinfo *ei);
/*
 * As uidstate_open(); when the account has no state yet (neither file nor
 * journal), seed(u, arg, ei) may fill u from elsewhere (facteur's older
 * file, a peer's): it returns 1 when it did, 0 when it found nothing, -1
 * on error (which uidstate_open_seeded() returns).  What it gave is saved
 * at once (temporary file, fsync, rename, fsync of the directory).
 */
int uidstate_open_seeded(struct uidstate *u, const char *path,
    int (*seed)(struct uidstate *, void *, struct errinfo *), void *arg,
    struct errinfo *ei);
/* Unlock and free (does not save). */
void uidstate_close(struct uidstate *u);

/*
 * Apply the text of a state file (journal 0) or of a journal (1) to u.
 * In a journal, a malformed line is skipped and counted in u->skipped,
 * and so is a last line without its line end (cut by a crash or a full
 * disk: u->jcut); in the file a malformed line is an error (ST_CONFIG,
 * "name:line").  Pure but for u.
 */
int uidstate_parse(struct uidstate *u, const char *name, const char *data,
    size_t len, int journal, struct errinfo *ei);
/*
 * The file's text, then the journal's (NULL: none), as uidstate_open()
 * applies them: a journal whose generation the file holds ("#folded N"
 * and "#journal N") is not applied; *stale_r (may be NULL) says so.
 * Errors as uidstate_parse().  Pure but for u.
 */
int uidstate_load(struct uidstate *u, const char *name, const char *file,
    size_t flen, const char *jname, const char *journal, size_t jlen,
    int *stale_r, struct errinfo *ei);

/* Add uid, first seen then, to the state in memory (a seed's entries). */
void uidstate_add(struct uidstate *u, const char *uid, time_t seen);
/* The entry of key (a UID or "ID:UID"), or NULL. */
struct uident *uidstate_find(struct uidstate *u, const char *uid);
/* Record a delivered message durably (journal + fsync). */
int uidstate_record(struct uidstate *u, const char *uid, time_t seen,
    struct errinfo *ei);
/*
 * As uidstate_record(), with a fingerprint (0: none).  With sync 0 the
 * line is appended but not fsync'ed (group commit): uidstate_sync() must
 * succeed before any message recorded so is deleted on the server.
 * Marks the entry present.  Errors: ST_SOFTWARE for an invalid key,
 * else as the journal's write (the entry is then not recorded).
 */
int uidstate_record_fp(struct uidstate *u, const char *key, time_t seen,
    uint64_t fp, int sync, struct errinfo *ei);
/*
 * fsync what was appended to the journal since the last fsync (nothing
 * when nothing was).  0, or -1 (ST_IOERR, ST_TEMPFAIL for a full disk).
 */
int uidstate_sync(struct uidstate *u, struct errinfo *ei);

/* "ID:UID" into out (UIDSTATE_KEY_SIZE bytes are always enough). */
void uidstate_key(char *out, size_t outsz, unsigned id, uint32_t uid);
/*
 * The folder line of name, or NULL.  Valid until name's line is replaced
 * (uidstate_folder_set() of another ID) or the state closed.
 */
struct uidfolder *uidstate_folder(struct uidstate *u, const char *name);
/*
 * A folder ID never given before in this state: u->maxid + 1, then kept;
 * 0 once UIDSTATE_ID_MAX is reached.  Give it to uidstate_folder_set()
 * before recording any key under it.
 */
unsigned uidstate_new_folder_id(struct uidstate *u);
/*
 * Set name's folder line (journaled, fsync'ed with sync; nothing written
 * when it says so already): it replaces the line of another ID with the
 * same name, whose entries are then dead.  Raise uidnext only once the
 * messages below it are recorded.  An ID keeps its UIDVALIDITY: a new
 * one needs a new ID, and a replaced ID is never set again (its dead
 * entries would count as the new folder's): else ST_SOFTWARE, as for an
 * empty or too long name, an ID out of range or UIDVALIDITY 0; journal
 * errors as uidstate_record_fp().
 */
int uidstate_folder_set(struct uidstate *u, const char *name, unsigned id,
    uint32_t uidvalidity, uint32_t uidnext, int sync, struct errinfo *ei);
/*
 * Call fn for every entry not forgotten, dead folders' included.  fn may
 * record entries (they are not visited in this walk): the entry it was
 * given is then no longer valid.
 */
void uidstate_each(struct uidstate *u, void (*fn)(void *, struct uident *),
    void *arg);
/*
 * Mark every entry of folder id present: a save that prunes keeps them
 * (a folder not listed in this run).
 */
void uidstate_present_folder(struct uidstate *u, unsigned id);

/*
 * The server acknowledged the deletion of uid's message (POP3 DELE; for
 * IMAP, \Deleted is set and UID EXPUNGE comes next) (in memory).
 */
void uidstate_deleted(struct uidstate *u, const char *uid);
/*
 * QUIT (UID EXPUNGE) is about to make the acknowledged deletions happen:
 * journal them ("- KEY", one fsync, which also makes durable whatever
 * was appended without) so that a run that dies now forgets them.
 */
int uidstate_deletions_pending(struct uidstate *u, struct errinfo *ei);
/*
 * The answer: final (+OK, OK) forgets the deleted keys; otherwise the
 * server undid the deletions and the keys are kept.
 */
void uidstate_deletions_done(struct uidstate *u, int final);

/*
 * Save the state: append to the journal what it lacks ("- KEY" for
 * pruned entries, a changed LOGIN-DELAY, entries added in memory) with
 * one fsync, or rewrite the file (see above).  Nothing is written when
 * nothing changed; the last login's time alone is no change unless the
 * server has a LOGIN-DELAY.  With prune, entries not marked present are
 * dropped (their messages are gone from the server), and so are those of
 * dead folders.
 */
int uidstate_save(struct uidstate *u, int prune, struct errinfo *ei);

/* The folder line of ID id, or NULL (valid as uidstate_folder()'s). */
struct uidfolder *uidstate_folder_by_id(struct uidstate *u, unsigned id);

/*
 * Between uidstate.c (memory, text) and uidstore.c (disk).  Apply a
 * folder line to memory: 0, or -1 (nothing changed) when id has another
 * UIDVALIDITY or was replaced.  Append g's line, e's line to b.  Free
 * what u holds in memory (not the lock, the journal or the names).
 */
int uidstate_apply_folder(struct uidstate *u, const char *name, unsigned id,
    uint32_t uidvalidity, uint32_t uidnext);
void uidstate_folder_line(struct buf *b, const struct uidfolder *g);
void uidstate_entry_line(struct buf *b, const struct uident *e);
void uidstate_free(struct uidstate *u);

/*
 * Read the file path (at most UIDSTATE_FILE_MAX bytes, a regular file)
 * into b: 1, 0 when it does not exist, -1 (ST_IOERR).
 */
int uidstate_read_file(const char *path, struct buf *b, struct errinfo *ei);

/* Is s a valid UID (1..UID_MAX bytes, 0x21..0x7e)? */
int uidstate_valid_uid(const char *s, size_t len);

#endif
