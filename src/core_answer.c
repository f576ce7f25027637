/*
 * core_answer - the answers of core.h: core_lookup() reads the config
 * snapshot and the cache, builds the answer that every front-end gives (a
 * route by routing.*, or none), and asks core.c for a probe of an unknown
 * or stale domain; the decision line and the metrics count of an answer.
 * While the local resolver is down, known domains get
 * routing.on_local_dns_down instead.  Any thread; no DNS.
 */
#include "core_int.h"
#include "core_daemon.h"
#include "health.h"
#include "log.h"
#include "logq.h"
#include "metrics.h"
#include "route.h"
#include "util.h"
#include <ifaddrs.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

static int resolver_down; /* health's state, read on every answer without a lock */

/* This host's own addresses, taken when the local resolver goes down: a
 * domain whose MX hosts are this host is one of ours (mydestination), and
 * Postfix consults transport_maps for local domains too. */
#define MAX_OWN 64
static char own_addr[MAX_OWN][46];
static unsigned nown;

static void note_own_addresses(void)
{
    struct ifaddrs *ifs, *i;
    unsigned n = 0;

    if (getifaddrs(&ifs) < 0)
        return;
    for (i = ifs; i && n < MAX_OWN; i = i->ifa_next)
        if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
            getnameinfo(i->ifa_addr, sizeof(struct sockaddr_in), own_addr[n], sizeof(own_addr[0]),
                        NULL, 0, NI_NUMERICHOST) == 0)
            n++;
    freeifaddrs(ifs);
    __atomic_store_n(&nown, n, __ATOMIC_RELEASE);
}

static int pins_own(const char *pins)
{
    unsigned n = __atomic_load_n(&nown, __ATOMIC_ACQUIRE);
    char padded[VERDICT_PIN_MAX + 2];
    snprintf(padded, sizeof(padded), " %s ", pins);
    for (unsigned i = 0; i < n; i++) {
        char needle[50];
        snprintf(needle, sizeof(needle), " %s ", own_addr[i]);
        if (strstr(padded, needle))
            return 1;
    }
    return 0;
}

static void set_verdict(struct core_answer *a, enum verdict v)
{
    a->verdict = verdict_name(v);
    a->known = v != VERDICT_UNKNOWN;
}

/* While the local resolver is down, a domain this daemon knows from before
 * gets routing.on_local_dns_down: Postfix cannot resolve it either.  Only
 * known remote domains: one never seen may be local, and one that does not
 * exist (nxdomain, null-mx) has no route anyway. */
static void answer_down(const struct conf *c, const struct cache_rec *r, struct core_answer *a)
{
    char why[160];
    struct verdict_info vi;
    enum verdict was = r && r->have ? r->vi.verdict : VERDICT_UNKNOWN;

    health_down(NULL, why, sizeof(why));
    set_verdict(a, VERDICT_LOCAL_DNS_DOWN);
    snprintf(a->evidence, sizeof(a->evidence), "local resolver down: %s", why);
    a->route[0] = '\0';
    if (was == VERDICT_UNKNOWN || was == VERDICT_NXDOMAIN || was == VERDICT_NULL_MX ||
        pins_own(r->vi.pin))
        return;
    memset(&vi, 0, sizeof(vi));
    vi.verdict = VERDICT_LOCAL_DNS_DOWN;
    vi.pinnable = r->vi.pinnable;
    memcpy(vi.pin, r->vi.pin, sizeof(vi.pin));
    route_build(c, NULL, &vi, a->route, sizeof(a->route));
}

/* listed is conf_match_normalized(c, domain), which the caller has already looked up. */
void core_answer_of(const struct conf *c, const struct conf_domain *listed,
                    const struct cache_rec *r, struct core_answer *a)
{
    const struct verdict_info *vi = r && r->have ? &r->vi : NULL;

    /* Field by field, not a memset of the whole 1.6 KB: this runs once per
     * request, and the strings need only their first octet cleared. */
    set_verdict(a, VERDICT_UNKNOWN);
    a->listed = 0;
    a->route[0] = a->evidence[0] = a->note[0] = '\0';
    a->age_ms = 0;
    a->rewrite = c->mode == CONF_MODE_REWRITE;
    a->probing = r ? r->probing : 0;
    if (vi) {
        set_verdict(a, vi->verdict);
        util_strlcpy(a->evidence, vi->evidence, sizeof(a->evidence));
        a->age_ms = util_now_ms() - r->made_ms;
    }
    if (listed) {
        set_verdict(a, VERDICT_LISTED);
        a->listed = 1;
        if (listed->note)
            util_strlcpy(a->note, listed->note, sizeof(a->note));
        if (!vi)
            snprintf(a->evidence, sizeof(a->evidence), "listed at %s:%d", c->path, listed->line);
    }
    if (!listed && __atomic_load_n(&resolver_down, __ATOMIC_ACQUIRE)) {
        answer_down(c, r, a);
        return;
    }
    route_build(c, listed, vi, a->route, sizeof(a->route));
}

void core_lookup(const char *domain, struct core_answer *ans)
{
    struct conf *c = core_conf();
    const struct conf_domain *listed = conf_match_normalized(c, domain);
    struct cache_rec r;
    int want = 0;

    /* A listed domain needs DNS only to pin its MX addresses. */
    if (listed && listed->route != CONF_ROUTE_PIN_MX) {
        core_answer_of(c, listed, NULL, ans);
    } else {
        cache_lookup(domain, c->recheck_ms, util_now_ms(), &r, &want);
        core_answer_of(c, listed, &r, ans);
        if (want) {
            ans->probing = 1;
            core_want_probe(domain, c, want);
        }
    }
    conf_unref(c);
}

void core_count(enum core_frontend f, const struct core_answer *a)
{
    metrics_lookup(f, a);
}

size_t core_wait(const char *const *domains, size_t n, unsigned ms)
{
    return ms ? cache_wait(domains, n, ms) : 0;
}

void core_log_decision(const char *qid, const char *domain, const struct core_answer *a,
                       const char *via)
{
    char line[LOGQ_LINE_MAX]; /* a domain, evidence, route and note, escaped */
    size_t p = 0;

    /* Before the line is built: at log.level notice it would be thrown away. */
    if (!log_enabled(LOG_INFO))
        return;
    if (qid && qid[0])
        p = (size_t)snprintf(line, sizeof(line), "%.40s:", qid);
    p = log_kv(line, sizeof(line), p, "domain", domain);
    p = log_kv(line, sizeof(line), p, "verdict", a->verdict);
    p = log_kv(line, sizeof(line), p, "route", a->route[0] && a->rewrite ? a->route : "none");
    p = log_kv(line, sizeof(line), p, "via", via);
    if (a->evidence[0])
        p = log_kv(line, sizeof(line), p, "evidence", a->evidence);
    if (a->note[0])
        log_kv(line, sizeof(line), p, "note", a->note);
    /* Off the answering thread: syslog(3) may take several system calls. */
    logq_put(LOG_INFO, line);
}

void core_answer_set_down(int down)
{
    /* The addresses first: an answer that sees down reads them. */
    if (down)
        note_own_addresses();
    __atomic_store_n(&resolver_down, down, __ATOMIC_RELEASE);
}
