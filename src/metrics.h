/*
 * metrics - the daemon's counters for Prometheus, and their text
 * exposition (format 0.0.4).  The counters are process-wide atomics: any
 * thread bumps them without a lock, and a reload (SIGHUP) does not reset
 * them, since a counter that drops back to 0 reads as a restart.  No label
 * names a domain: the series stay few whatever the mail brings.
 *
 * The gauges (cached verdicts, cache entries, resolver and fleet state)
 * are read at scrape time by the caller, metrics_http.c, and handed to
 * metrics_render(); this file knows nothing of the cache.
 */
#ifndef MXD_METRICS_H
#define MXD_METRICS_H
#include <stddef.h>
#include "core.h"
#include "verdict.h"

struct metrics_gauges {
    size_t verdicts[VERDICT__COUNT]; /* cached domains by verdict ([UNKNOWN]: no verdict yet) */
    size_t entries;                  /* cache entries */
    int resolver_up;                 /* the local resolver, as health.c sees it */
};

/* One decision a front-end took for one recipient domain; the answer label
 * (route, tag, none, unknown) is read from a. */
void metrics_lookup(enum core_frontend f, const struct core_answer *a);
/* A probe ended: with verdict v (VERDICT_UNKNOWN: cancelled by a reload or
 * the stop), or local_down (the canary failed: no verdict kept), after ms. */
void metrics_probe(enum verdict v, int local_down, unsigned ms);
/* A publish of the routing table ended (postmap included). */
void metrics_publish(int ok);
/* 1 while fleet.redis is connected; 0 otherwise and without a fleet. */
void metrics_set_fleet_up(int up);
/* The exposition text, malloc'd; the caller frees it. */
char *metrics_render(const struct metrics_gauges *g, size_t *len);
#endif
