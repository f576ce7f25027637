/*
 * util - allocation wrappers that abort on out-of-memory, monotonic time,
 * bounded string copy.  Every x*() result is freed with free().
 */
#ifndef MXD_UTIL_H
#define MXD_UTIL_H
#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* strlcpy semantics: returns strlen(src); truncates but always terminates. */
size_t util_strlcpy(char *dst, const char *src, size_t size);
/* Monotonic milliseconds, for budgets and ages; never below UTIL_MONO_BASE_MS. */
#define UTIL_MONO_BASE_MS (1000000ull * 1000000ull)
uint64_t util_now_ms(void);
/* Wall clock seconds, for the state file. */
int64_t util_wall_s(void);
struct timespec;
/* The absolute time ms from now on clock, for pthread_cond_timedwait(). */
void util_deadline(int clock, unsigned ms, struct timespec *ts);
#endif
