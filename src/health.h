/*
 * health - the local resolver as a daemon-wide state, up or down.  A
 * resolver that cannot answer for the root zone cannot answer for any
 * domain, so its failures must not become verdicts of the domains that
 * happened to be probed through it.  The state changes on a canary check:
 * every resolvers.check_interval, and at once when a probe's own canary
 * failed.  Read by any thread; changed on the loop thread.
 */
#ifndef MXD_HEALTH_H
#define MXD_HEALTH_H
#include <stddef.h>
#include <stdint.h>

struct loop;
struct probe_engine;

/* changed(down) runs on the loop thread after each change of state. */
void health_start(struct loop *l, unsigned interval_ms, struct probe_engine *(*engine)(void),
                  void (*changed)(int down));
void health_set_interval(unsigned interval_ms);
void health_stop(void);
/* A probe found the resolver unable to resolve the canary. */
void health_report_down(const char *evidence);
/* 1 while down; since_ms (monotonic) and evidence of the change, if wanted. */
int health_down(uint64_t *since_ms, char *evidence, size_t size);
#endif
