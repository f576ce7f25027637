/*
 * explain_store - the daemon's memory of each domain's last probe, for
 * `mxdetour explain`: the text explain_probe() rendered (at most
 * EXPLAIN_MAX bytes), for the EXPLAIN_DOMAINS domains probed last (LRU).
 * Memory bound: EXPLAIN_DOMAINS * (EXPLAIN_MAX + about 300 bytes of name
 * and links) = about 5.3 MiB at worst, well under the verdict cache.
 * Thread-safe (one mutex).
 */
#ifndef MXD_EXPLAIN_STORE_H
#define MXD_EXPLAIN_STORE_H
#include "verdict.h"

#define EXPLAIN_DOMAINS 4096

/* Records the probe of domain that just finished (core.c's on_probe_done). */
void explain_store_record(const char *domain, const struct verdict_info *vi,
                          const struct probe_result *local);
/* The control verb "explain DOMAIN": malloc'd text, "ERR ..." when no probe
 * of the domain is recorded and it is not listed. */
char *explain_store_text(const char *domain);
/* Frees every record (tests, shutdown). */
void explain_store_clear(void);
#endif
