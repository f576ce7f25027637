/*
 * cache - the verdict cache: domain -> last verdict and its evidence.  One
 * mutex guards it, so milter threads and the loop thread share it; callers
 * get copies, never pointers into the table.  A condition variable lets
 * core_wait() sleep until probes finish.
 */
#ifndef MXD_CACHE_H
#define MXD_CACHE_H
#include <stddef.h>
#include <stdint.h>
#include "verdict.h"

struct cache_rec {
    int have;          /* a verdict is known */
    int probing;       /* queued or running */
    int skipped;       /* flood guard said no */
    uint64_t made_ms;  /* monotonic time of the verdict */
    int64_t made_wall; /* wall clock, for the state file */
    struct verdict_info vi;
};

typedef void (*cache_each_cb)(void *arg, const char *domain, const struct cache_rec *r);

void cache_init(size_t buckets);
/* Copies the record into *r (when r is not NULL).  When the domain is
 * unknown, or its verdict is older than recheck_ms and no probe runs, marks
 * it probing and sets *want_probe.  Returns 1 when a verdict is known. */
int cache_lookup(const char *domain, uint64_t recheck_ms, uint64_t now, struct cache_rec *r,
                 int *want_probe);
/* Copies the record without creating or touching it; 0 when absent. */
int cache_peek(const char *domain, struct cache_rec *r);
/* Stores a verdict; returns 1 when the verdict or its pin list changed. */
int cache_store(const char *domain, const struct verdict_info *vi, uint64_t now_ms,
                int64_t now_wall);
/* A probe ended without a verdict (cancelled): the next lookup asks again. */
void cache_abandon(const char *domain);
/* The flood guard refused a probe: not retried before retry_ms. */
void cache_skip(const char *domain, uint64_t now_ms);
size_t cache_wait(const char *const *domains, size_t n, unsigned ms);
size_t cache_forget(const char *domain);
/* Forgets every verdict made at or after made_ms (monotonic). */
size_t cache_forget_since(uint64_t made_ms);
void cache_each(cache_each_cb cb, void *arg);
size_t cache_count(void);
/* Bytes the table holds, for status and the docs' memory figure. */
size_t cache_bytes(void);
#endif
