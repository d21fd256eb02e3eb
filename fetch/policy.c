/* policy: fetch, leave or delete. */
#include "autoconf.h"

#include <string.h>

#include "policy.h"

enum fetch_action
policy_decide(const struct fetch_policy *p, const time_t *seen,
    unsigned long long size, time_t now)
{
	if (seen != NULL && !p->fetchall) {
		if (p->check_only)
			return ACT_LEAVE;
		if (p->keep == 0)
			return ACT_DELETE;	/* delivered, DELE undone */
		if (p->keep > 0 && now - *seen >= p->keep)
			return ACT_DELETE;
		return ACT_LEAVE;
	}
	if (p->killsize > 0 && size > p->killsize)
		return p->check_only ? ACT_SKIP : ACT_DELETE;
	if (p->skipsize > 0 && size > p->skipsize)
		return ACT_SKIP;
	return ACT_FETCH;
}

int
policy_delete_now(const struct fetch_policy *p)
{
	return !p->check_only && (p->keep == 0 || p->move_to != NULL);
}

void
policy_from_account(struct fetch_policy *p, const struct account *a)
{
	memset(p, 0, sizeof(*p));
	p->keep = a->keep;
	p->fetchall = a->fetchall;
	p->killsize = a->killsize;
	p->skipsize = a->skipsize;
	p->max_messages = a->max_messages;
	p->received_header = a->received_header;
	p->move_to = a->move_to != NULL && *a->move_to != '\0' ? a->move_to :
	    NULL;
	p->mark_seen = a->mark_seen;
}
