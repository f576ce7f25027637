/*
 * probe_dns - one c-ares channel per resolver set, driven by the loop.
 * The only file that includes ares.h.  Queries beyond the concurrency limit
 * wait in a FIFO; every query ends in exactly one callback with its
 * evidence (outcome, server, time), also when the channel is freed.
 */
#ifndef MXD_PROBE_DNS_H
#define MXD_PROBE_DNS_H
#include <stddef.h>
#include "conf.h"
#include "dnsmsg.h"
#include "verdict.h"

struct loop;
struct pdns;
/* m is the parsed reply, NULL when none came (timeout, socket error); its
 * records mean something only when r->outcome is DNS_ANSWER, its header
 * fields (rcode, truncated, aa, auth_ns) always. */
typedef void (*probe_dns_cb)(void *arg, const struct dns_result *r, const struct dnsmsg *m);

/* n == 0: the system resolver (/etc/resolv.conf).  NULL with err filled on failure. */
struct pdns *probe_dns_new(struct loop *l, const struct conf_server *srv, size_t n,
                           unsigned timeout_ms, unsigned tries, char *err, size_t errsz);
/* One authoritative server asked directly (RD=0) on port 53: over UDP,
 * where a truncated reply is not retried over TCP (outcome DNS_MALFORMED,
 * m->truncated set), or, tcp set, over TCP only. */
struct pdns *probe_dns_new_direct(struct loop *l, const char *addr, int tcp, unsigned timeout_ms,
                                  unsigned tries, char *err, size_t errsz);
void probe_dns_free(struct pdns *d);
void probe_dns_query(struct pdns *d, const char *name, int qtype, probe_dns_cb cb, void *arg);
/* Longest time one query may take: c-ares backs off, so with S servers,
 * timeout T and tries N it is S * T * (2^N - 1). */
unsigned probe_dns_budget_ms(const struct pdns *d);
const char *probe_dns_servers(const struct pdns *d);
/* Global limit of queries in flight, over all channels. */
void probe_dns_set_concurrency(unsigned n);
unsigned probe_dns_inflight(void);
size_t probe_dns_waiting(void);
#endif
