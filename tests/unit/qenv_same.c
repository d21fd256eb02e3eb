/* qenv_same: two envelopes equal, field by field (cmocka asserts). */
#include "autoconf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "qenv.h"
#include "qenv_same.h"

void
qenv_assert_same(const struct qenv *a, const struct qenv *b)
{
	size_t i;

	assert_string_equal(a->id, b->id);
	assert_string_equal(a->account, b->account);
	assert_string_equal(a->sender, b->sender);
	assert_string_equal(a->notify, b->notify);
	assert_int_equal(a->ret, b->ret);
	assert_string_equal(a->envid, b->envid);
	assert_int_equal(a->created, b->created);
	assert_int_equal(a->attempts, b->attempts);
	assert_int_equal(a->next, b->next);
	assert_string_equal(a->error, b->error);
	assert_int_equal(a->nrcpt, b->nrcpt);
	for (i = 0; i < a->nrcpt; i++) {
		assert_int_equal(a->rcpt[i].state, b->rcpt[i].state);
		assert_string_equal(a->rcpt[i].addr, b->rcpt[i].addr);
		assert_string_equal(a->rcpt[i].reply, b->rcpt[i].reply);
	}
}
