/*
 * core_queue - the work queue of domains waiting for a probe, and the
 * flood guard in front of it (probe.max_pending, probe.rate).  Two lanes:
 * re-probes of known domains and domains an MTA asks about again (a
 * deferred message retried) go first, so that a flood of new names cannot
 * delay them; each lane holds max_pending domains at most.  Any thread
 * pushes; the loop thread drains.  No DNS, no cache, no clock of its own:
 * the caller passes the time, so the rules are unit-tested
 * (tests/unit/test_core_queue.c).
 */
#ifndef MXD_CORE_QUEUE_H
#define MXD_CORE_QUEUE_H
#include <stddef.h>
#include <stdint.h>

enum cq_lane { CQ_FIRST, CQ_NEW };

/* Empties both lanes and fills the token bucket (rate_count tokens). */
void cq_reset(unsigned rate_count, uint64_t now_ms);
/* Appends domain to a lane.  Returns 0, or -1 when the lane already holds
 * max domains (the domain is not queued). */
int cq_push(const char *domain, enum cq_lane lane, size_t max);
/* Counts one skipped probe.  Returns how many skips to report now: the
 * count since the last report, at most once a minute; 0 otherwise. */
unsigned long cq_note_skip(uint64_t now_ms);
/* Skips since the start. */
unsigned long cq_skipped(void);
/* Domains waiting in both lanes. */
size_t cq_len(void);

/* Loop thread: refills the bucket (rate_count tokens per rate_per_ms),
 * then pops domains, the first lane before the new one, while a token is
 * left, and calls start(domain) for each; start returns 1 when the domain
 * used a token (0: nothing to do for it).  Returns the ms until the next
 * token when domains are still waiting, or -1. */
int cq_drain(unsigned rate_count, unsigned rate_per_ms, uint64_t now_ms,
             int (*start)(const char *domain));
#endif
