/*
 * cache - the verdict cache: domain -> last verdict and its evidence.  One
 * mutex guards it, so milter threads and the loop thread share it; callers
 * get copies, never pointers into the table.  A condition variable lets
 * core_wait() sleep until probes finish.
 *
 * The cache is bounded (cache_set_max): past the bound, the verdicts used
 * least recently go first.  A domain the flood guard refused is not kept
 * in the table (a flood of made-up names would push the real verdicts
 * out); a small fixed-size set remembers such names, so the MTA asking
 * again later gets the probe priority.
 */
#ifndef MXD_CACHE_H
#define MXD_CACHE_H
#include <stddef.h>
#include <stdint.h>
#include "verdict.h"

/* An MTA asking again this long after its first question is retrying a
 * deferred message, not repeating the lookups of one delivery attempt. */
#define CACHE_AGAIN_MS 5000

struct cache_rec {
    int have;          /* a verdict is known */
    int probing;       /* queued or running */
    int skipped;       /* flood guard said no */
    uint64_t made_ms;  /* monotonic time of the verdict */
    int64_t made_wall; /* wall clock, for the state file */
    struct verdict_info vi;
};

/* What cache_lookup() asks the caller to do. */
enum cache_want {
    CACHE_PROBE_NO,      /* nothing: known and fresh, or a probe is on its way */
    CACHE_PROBE_NEW,     /* a first probe of a domain never seen */
    CACHE_PROBE_AGAIN,   /* a re-probe of a stale verdict, or a domain asked again */
    CACHE_PROBE_PROMOTE, /* already waiting as a first probe, asked again: also queue it first */
};

typedef void (*cache_each_cb)(void *arg, const char *domain, const struct cache_rec *r);

void cache_init(size_t buckets);
/* The most entries kept (probe.max_cached); lowering it evicts at once. */
void cache_set_max(size_t max);
size_t cache_max(void);
/* Copies the record into *r (when r is not NULL).  When the domain is
 * unknown, or its verdict is older than recheck_ms (or, for a rerouted
 * domain with a pin, than the TTL of the pinned A records, vi.pin_ttl,
 * when that is less) and no probe runs, marks
 * it probing and sets *want_probe (enum cache_want).  Returns 1 when a
 * verdict is known. */
int cache_lookup(const char *domain, uint64_t recheck_ms, uint64_t now, struct cache_rec *r,
                 int *want_probe);
/* Copies the record without creating or touching it; 0 when absent. */
int cache_peek(const char *domain, struct cache_rec *r);
/* Stores a verdict; returns 1 when the verdict or its pin list changed. */
int cache_store(const char *domain, const struct verdict_info *vi, uint64_t now_ms,
                int64_t now_wall);
/* A probe ended without a verdict (cancelled): the next lookup asks again. */
void cache_abandon(const char *domain);
/* The flood guard refused a probe: a known domain is not retried for a
 * minute; an unknown one is dropped and remembered in the small skip set. */
void cache_skip(const char *domain, uint64_t now_ms);
/* The loop is about to start a queued probe: 1 when it is still wanted
 * (0 for the second copy of a promoted domain, or a forgotten one). */
int cache_take(const char *domain);
size_t cache_wait(const char *const *domains, size_t n, unsigned ms);
/* Forgets one domain (a hash lookup), or every one when domain is NULL. */
size_t cache_forget(const char *domain);
/* Forgets every verdict made at or after made_ms (monotonic). */
size_t cache_forget_since(uint64_t made_ms);
/* Calls cb for every entry, copied out in chunks: the lock is held for a
 * chunk at a time and never while cb runs. */
void cache_each(cache_each_cb cb, void *arg);
size_t cache_count(void);
/* Cached domains by verdict into counts ([VERDICT_UNKNOWN]: entries without
 * one yet); returns the number of entries.  O(1): kept up to date as
 * verdicts are stored and dropped, so a metrics scrape never walks the table. */
size_t cache_verdict_counts(size_t counts[VERDICT__COUNT]);
/* Bytes the table holds, for status and the docs' memory figure. */
size_t cache_bytes(void);
#endif
