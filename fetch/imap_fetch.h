/*
 * imap_fetch: one IMAP session's work for fetchrun, after the login:
 * each folder of the account (folders.h; patterns resolved with LIST)
 * selected in turn, what is new in it found by UID, fetched through the
 * engine (engine.h), and what the policy removes deleted or moved.
 *
 * Newness is by UID and UIDVALIDITY, never by \Seen: the state keeps,
 * per folder, its UIDVALIDITY and the UID below which every message was
 * dealt with (UIDNEXT, or the first one left behind), so a run asks only
 * "UID SEARCH UID n:*" (nothing at all when the server's UIDNEXT did not
 * move): its cost grows with the new mail, not with the mailbox.  Each
 * delivered message's entry keeps a fingerprint (RFC822.SIZE,
 * INTERNALDATE and Message-ID); when a folder's UIDVALIDITY changes, the
 * messages whose fingerprint matches one delivered before are recorded
 * under their new UIDs and not fetched again.
 *
 * Bodies come as BODY.PEEK[] (BODY[] with mark_seen) literals streamed
 * through CR LF to LF into the delivery, several UID FETCHes in flight.
 * Deleting is "UID STORE +FLAGS.SILENT (\Deleted)" and, at the end of
 * the folder, "UID EXPUNGE" of exactly those UIDs (UIDPLUS).  Without
 * UIDPLUS a plain EXPUNGE would also remove what another client marked:
 * it is sent only when "UID SEARCH DELETED" shows no message marked but
 * ours; otherwise ours stay marked (and recorded, so never fetched
 * again) and a warning says so.  move_to uses MOVE (RFC 6851), else COPY
 * then the deletion above.
 *
 * The session reads only when the engine or a folder step asks, never
 * blocks on its own, and keeps no global state: a daemon can hold many.
 */
#ifndef FACTEUR_IMAP_FETCH_H
#define FACTEUR_IMAP_FETCH_H

#include "engine.h"

/* The IMAP session for fetchrun. */
extern const struct fetch_session_ops imap_session;

#endif
