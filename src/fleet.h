/*
 * fleet - the fleet protocol: the mxdetourd of several MTAs share one
 * Redis (fleet.redis) so that one node probes a domain and every node
 * answers from its verdict.  Keys (P = fleet.key_prefix):
 *   P v:DOMAIN      the verdict record (fleet_record.h), TTL probe.recheck
 *   P lease:DOMAIN  the node probing DOMAIN now, TTL the probe budget
 *   P verdicts      the channel on which every new verdict is published
 * Redis is never in a lookup's way: everything here runs on the loop thread
 * through hiredis's async API, and while Redis is unreachable each node
 * probes for itself; its verdicts are pushed once Redis is back.
 */
#ifndef MXD_FLEET_H
#define MXD_FLEET_H
#include <stddef.h>
#include <stdint.h>
#include "conf.h"
#include "verdict.h"

struct loop;
/* A verdict another node made (or that Redis held): made is wall clock. */
typedef void (*fleet_learn_cb)(const char *domain, const struct verdict_info *vi, int64_t made);
/* Probe this domain here, now. */
typedef void (*fleet_probe_cb)(const char *domain);

/* Does nothing but remember the callbacks while fleet.redis is "". */
void fleet_start(struct loop *l, const struct conf *c, fleet_learn_cb learn, fleet_probe_cb probe);
/* Reconnects when fleet.redis, key_prefix or node changed. */
void fleet_reload(const struct conf *c);
void fleet_stop(void);
/* Instead of probing: takes the verdict from Redis, or takes the lease and
 * probes, or waits for the node that holds the lease (re-trying when it
 * expires); probes at once when the fleet is off or down. */
void fleet_want(const char *domain, unsigned budget_ms);
/* A verdict this node made: shared now, or once Redis is back. */
void fleet_share(const char *domain, const struct verdict_info *vi, int64_t made);
/* One line for mxdetour status, with its newline. */
void fleet_status(char *buf, size_t size);
#endif
