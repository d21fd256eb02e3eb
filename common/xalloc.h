/*
 * xalloc: allocation that cannot fail.  Running out of memory is fatal:
 * the process prints one line and exits with EX_TEMPFAIL, so that a mail
 * caller (cron, sendmail users) tries again later.  This is the one place
 * outside main() allowed to exit, because no caller could do better.
 *
 * Secrets (passwords, tokens) are wiped before their memory is freed with
 * xfree_secret() / wipe().
 */
#ifndef FACTEUR_XALLOC_H
#define FACTEUR_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
/* A copy of the first n bytes of s, NUL-terminated. */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Overwrite n bytes in a way the compiler cannot remove. */
void wipe(void *p, size_t n);
/* Wipe a NUL-terminated string, then free it.  NULL is fine. */
void xfree_secret(char *s);

#endif
