/*
 * probe - one domain's DNS health probe: MX, then A and AAAA of each MX host
 * (lowest preference first, at most probe.max_mx), through the local
 * resolver; a broken result is then re-asked through the external
 * resolvers to confirm it or to tell local-dns-down.  Runs on the loop
 * thread; the callback runs there too, exactly once per probe_start(), with
 * VERDICT_UNKNOWN when the engine was freed while the probe ran.
 *
 * Budget: one query takes at most Q = S * T * (2^N - 1) (S servers, timeout
 * T, tries N: c-ares doubles the timeout after each round of servers).  A
 * pass is two queries deep (MX, then A+AAAA in parallel), so a probe takes
 * at most 2*Q(local) + 2*Q(external), plus any wait for a free query slot.
 */
#ifndef MXD_PROBE_H
#define MXD_PROBE_H
#include "conf.h"
#include "verdict.h"

struct loop;
struct probe_engine;

typedef void (*probe_done_cb)(void *arg, const char *domain, const struct verdict_info *vi,
                              const struct probe_result *local);

struct probe_engine *probe_engine_new(struct loop *l, const struct conf *c, char *err,
                                      size_t errsz);
void probe_engine_free(struct probe_engine *e);
void probe_start(struct probe_engine *e, const char *domain, probe_done_cb cb, void *arg);
/* Asks every resolvers.canary name (NS) through the local resolver; cb runs
 * once on the loop thread: up when any name got an answer (NXDOMAIN
 * counts: the resolver works), else the first failure as evidence; up is
 * -1 when the engine was freed meanwhile (the check says nothing). */
typedef void (*probe_canary_cb)(void *arg, int up, const char *evidence);
void probe_canary(struct probe_engine *e, probe_canary_cb cb, void *arg);
unsigned probe_budget_ms(const struct probe_engine *e);
unsigned probe_running(const struct probe_engine *e);
const char *probe_local_servers(const struct probe_engine *e);
const char *probe_external_servers(const struct probe_engine *e);
#endif
