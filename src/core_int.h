/*
 * core_int - what the core's own files (core.c, core_answer.c,
 * core_text.c) share, and nothing outside them includes: the answer built
 * from a cache record, the probe queueing that a lookup triggers, and the
 * figures the status text reads.
 */
#ifndef MXD_CORE_INT_H
#define MXD_CORE_INT_H
#include <stdint.h>
#include "cache.h"
#include "conf.h"
#include "core.h"

/* core_answer.c */

/* The answer for domain from its config entry (listed: conf_match_normalized,
 * or NULL) and its cache record (r, or NULL: none), as core_lookup() gives
 * it, while the local resolver is up or down. */
void core_answer_of(const struct conf *c, const struct conf_domain *listed,
                    const struct cache_rec *r, struct core_answer *a);
/* The local resolver went down (1) or came back (0): the answers follow. */
void core_answer_set_down(int down);

/* core.c */

/* Queues a probe that cache_lookup() asked for (want: enum cache_want),
 * or counts it skipped when the flood guard's queue is full. */
void core_want_probe(const char *domain, const struct conf *c, int want);
/* Figures for the status text. */
struct core_figures {
    uint64_t started_ms;
    unsigned long probes_started;
    unsigned probes_running;
    const char *local_servers, *external_servers; /* as the probe engine has them */
};
void core_figures(struct core_figures *f);
/* Schedules a publish of the table (when routing.publish is set) soon. */
void core_publish_soon(const struct conf *c);
#endif
