/* qenv_same: a test's check that two queue envelopes are equal. */
#ifndef FACTEUR_TEST_QENV_SAME_H
#define FACTEUR_TEST_QENV_SAME_H

#include "qenv.h"

/* Every field of a and b equal (cmocka assertions). */
void qenv_assert_same(const struct qenv *a, const struct qenv *b);

#endif
