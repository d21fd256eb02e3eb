/*
 * tmpdir: one temporary directory for a unit test program's group of
 * tests (cmocka group setup and teardown), made under /tmp and removed
 * with everything in it at the end.
 */
#ifndef FACTEUR_TEST_TMPDIR_H
#define FACTEUR_TEST_TMPDIR_H

/* The directory's path, once tmpdir_setup() has run. */
extern char tmpdir[];

int tmpdir_setup(void **state);
int tmpdir_teardown(void **state);

#endif
