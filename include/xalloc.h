/*
 * Allocation wrappers. A failed allocation logs the requested size and
 * aborts the process: a worker that runs out of memory is replaced by the
 * master, which is safer than carrying on with a half-built page.
 */
#ifndef STETHOSCOPE_XALLOC_H
#define STETHOSCOPE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
