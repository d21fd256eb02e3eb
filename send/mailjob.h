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
#include "qenv.h"
#include "sendopts.h"
#include "smtp_reply.h"
#include "status.h"

#define MAILJOB_REFUSED_MAX	4096

/* What became of the message, for -bs's replies. */
struct mailjob_out {
	int queued;			/* queued (not sent): qid says where */
	char qid[QENV_ID_MAX + 1];
	int code;			/* the server's last reply; 0: none */
	char reply[SMTP_LINE_MAX];	/* its text, quoted (smtp_reply.h) */
	/*
	 * ST_NOUSER: the refused recipients, one line each as logged
	 * ("recipient <a@b> refused: server said: '...'"), whole lines
	 * only: those that do not fit are left out.
	 */
	char refused[MAILJOB_REFUSED_MAX];
};

/*
 * Send the message on fd in.  Returns 0 only once the server accepted
 * it for every recipient, or (queue on) it is safely queued; else -1
 * with ei (see submit.h for the statuses; ST_NOUSER: sent, but some
 * recipients were refused).  out (may be NULL) says what happened.
 */
int mailjob_run(const struct sendopts *so, struct cliopts *co, int in,
    struct mailjob_out *out, struct errinfo *ei);

#endif
