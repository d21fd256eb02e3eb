/*
 * jobs: running one task per account in child processes, at most max at
 * a time, so that a slow server does not hold up the others.  Each child
 * runs fn(i, arg) and exits with its return value (an exit status).
 * A stop signal (sys.h) reaching the parent is passed on to the running
 * children and no more are started; a child gets SIGTERM when its parent
 * dies, even of SIGKILL, so that no child ever runs on alone.
 */
#ifndef FACTEUR_JOBS_H
#define FACTEUR_JOBS_H

#include <stddef.h>

#define JOBS_DEFAULT	4
#define JOBS_MAX	64

/*
 * Run fn for i in 0..n-1 in children, at most max at once.  Returns the
 * children's exit statuses combined by exitcode_combine() in the order
 * of i (0 when all succeeded).
 */
int jobs_run(size_t n, int max, int (*fn)(size_t i, void *arg), void *arg);

#endif
