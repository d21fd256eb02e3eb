/*
 * mailjob: sending one message the sendmail way, from standard input to
 * the server's final reply: read the header, choose the account (-a, or
 * the one whose address is the envelope sender given by the caller, else
 * the default; the From field only for accounts that opt in), work out
 * the envelope (sender, recipients from the
 * arguments and -t, aliases), finish the header, spool the body, log in,
 * submit, and write one log line.
 */
#ifndef FACTEUR_MAILJOB_H
#define FACTEUR_MAILJOB_H

#include "cliopts.h"
#include "sendopts.h"
#include "status.h"

/*
 * Send the message on fd in.  Returns 0 only once the server accepted
 * it for every recipient; else -1 with ei (see submit.h for the
 * statuses; ST_NOUSER: sent, but some recipients were refused).
 */
int mailjob_run(const struct sendopts *so, struct cliopts *co, int in,
    struct errinfo *ei);

#endif
