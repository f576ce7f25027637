/*
 * probe - see probe.h.  The MX fan-out is tracked as OpenSMTPD's dns.c does:
 * one probe, a count of queries pending, one completion.
 */
#include "probe.h"
#include "dnsmsg.h"
#include "probe_auth.h"
#include "probe_dns.h"
#include "util.h"
#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct probe_engine {
    struct pdns *local, *external;
    struct pauth_set *auth; /* probe.authoritative: on */
    unsigned max_mx, running, timeout_ms, tries;
    int dying; /* queries still in flight end cancelled, not as evidence */
    /* The re-ask: the local resolver again, one try per query.  What it
     * could not answer within the first budget it has either finished by
     * now (and answers from its cache at once) or it never will. */
    struct pdns *reask;
    char **canary;
    size_t ncanary;
};

/* One walk through DNS (MX, then A and AAAA of each MX host) on one
 * channel.  A probe runs up to three: the local one, then, when that one
 * failed, a re-ask through the local resolver and a confirmation through
 * the external ones, side by side. */
struct pass {
    struct probe *p;
    struct pdns *d;
    struct probe_result *r;
    unsigned pending; /* queries not answered yet */
};

enum { PASS_LOCAL, PASS_REASK, PASS_EXT, PASS__COUNT };

struct probe {
    struct probe_engine *e;
    struct probe_result local, reask, ext;
    struct pass pass[PASS__COUNT];
    unsigned passes;   /* passes and canary checks under way */
    unsigned canaries; /* canary answers still awaited */
    int canary_asked;  /* the local pass failed in a way the resolver may cause */
    int canary_up;     /* some canary name answered */
    char canary_evidence[128];
    uint64_t start;
    probe_done_cb cb;
    void *arg;
    struct verdict_info vi;    /* while the authoritative servers are asked */
    struct probe_result *base; /* the result vi was made from */
};

struct hostq { /* one A or AAAA query of one MX host */
    struct pass *ps;
    struct probe_host *h;
    int qtype;
};

struct probe_engine *probe_engine_new(struct loop *l, const struct conf *c, char *err, size_t errsz)
{
    struct probe_engine *e = xcalloc(1, sizeof(*e));

    probe_dns_set_concurrency(c->concurrency);
    e->max_mx = c->max_mx < PROBE_MAX_MX ? c->max_mx : PROBE_MAX_MX;
    e->timeout_ms = c->timeout_ms;
    e->tries = c->tries;
    e->ncanary = c->ncanary;
    e->canary = xcalloc(c->ncanary + 1, sizeof(*e->canary));
    for (size_t i = 0; i < c->ncanary; i++)
        e->canary[i] = xstrdup(c->canary[i]);
    e->local = probe_dns_new(l, c->local_system ? NULL : c->local, c->local_system ? 0 : c->nlocal,
                             c->timeout_ms, c->tries, err, errsz);
    if (e->local)
        e->reask = probe_dns_new(l, c->local_system ? NULL : c->local,
                                 c->local_system ? 0 : c->nlocal, c->timeout_ms, 1, err, errsz);
    if (e->reask && c->nexternal)
        e->external =
            probe_dns_new(l, c->external, c->nexternal, c->timeout_ms, c->tries, err, errsz);
    if (e->local && c->authoritative)
        e->auth = pauth_new(l, e->local, c->timeout_ms, c->tries);
    if (!e->local || !e->reask || (c->nexternal && !e->external)) {
        probe_engine_free(e);
        return NULL;
    }
    return e;
}

void probe_engine_free(struct probe_engine *e)
{
    if (!e)
        return;
    e->dying = 1;
    pauth_free(e->auth); /* before the channel its jobs ask through */
    probe_dns_free(e->local);
    probe_dns_free(e->reask);
    probe_dns_free(e->external);
    for (size_t i = 0; i < e->ncanary; i++)
        free(e->canary[i]);
    free(e->canary);
    free(e);
}

/* The local pass, then the re-ask and the external pass side by side. */
unsigned probe_budget_ms(const struct probe_engine *e)
{
    unsigned local = 2 * probe_dns_budget_ms(e->local), reask = 2 * probe_dns_budget_ms(e->reask);
    unsigned ext = e->external ? 2 * probe_dns_budget_ms(e->external) : 0;
    return local + (ext > reask ? ext : reask) + (e->auth ? pauth_budget_ms(e->auth) : 0);
}

unsigned probe_running(const struct probe_engine *e)
{
    return e->running;
}

const char *probe_local_servers(const struct probe_engine *e)
{
    return probe_dns_servers(e->local);
}

const char *probe_external_servers(const struct probe_engine *e)
{
    return e->external ? probe_dns_servers(e->external) : "";
}

static void start_pass(struct probe *p, int which);

/* A local failure that the resolver itself may have caused: the MX query
 * did not get an answer the domain's servers gave (a timeout, SERVFAIL,
 * REFUSED, our own socket).  NXDOMAIN and NODATA are answers. */
static int local_failure(const struct probe_result *r)
{
    switch (r->mx.outcome) {
    case DNS_TIMEOUT:
    case DNS_SERVFAIL:
    case DNS_REFUSED:
    case DNS_FAILED:
        return 1;
    default:
        return 0;
    }
}

/* A verdict that only a timeout made: worth asking again, since a
 * recursive resolver often has the answer by then (and Debian's unbound
 * sends none at all for a query that took it over 1.9 s). */
static int timed_out(const struct probe_result *r, const struct verdict_info *vi)
{
    if (vi->verdict == VERDICT_MX_ERROR)
        return r->mx.outcome == DNS_TIMEOUT;
    return vi->verdict == VERDICT_AAAA_IGNORED;
}

static void cancelled(struct probe *p)
{
    struct verdict_info vi;
    memset(&vi, 0, sizeof(vi));
    vi.verdict = VERDICT_UNKNOWN;
    p->e->running--;
    p->cb(p->arg, p->local.domain, &vi, &p->local);
    free(p);
}

/* evidence of the first try, then what the re-ask found. */
static void slow_evidence(struct verdict_info *vi, const struct verdict_info *first)
{
    char ev[VERDICT_EVIDENCE_MAX];
    snprintf(ev, sizeof(ev), "slow: %s; answered when asked again (%s)", first->evidence,
             vi->evidence);
    util_strlcpy(vi->evidence, ev, sizeof(vi->evidence));
}

static void deliver(struct probe *p, const struct verdict_info *vi, struct probe_result *base)
{
    p->local.ms = (unsigned)(util_now_ms() - p->start);
    if (base == &p->reask)
        p->reask.ms = p->local.ms;
    p->e->running--;
    p->cb(p->arg, p->local.domain, vi, base);
    free(p);
}

static void on_authoritative(void *arg)
{
    struct probe *p = arg;
    if (p->e->dying) {
        cancelled(p);
        return;
    }
    pauth_evidence(&p->base->auth, p->vi.evidence, sizeof(p->vi.evidence));
    deliver(p, &p->vi, p->base);
}

/* The verdict names a failing query (AAAA of vi->host, or MX of the
 * domain): ask the zone's own servers about it before answering. */
static void ask_authoritative(struct probe *p, const struct verdict_info *vi,
                              struct probe_result *base)
{
    int mx = vi->verdict == VERDICT_MX_ERROR;
    p->vi = *vi;
    p->base = base;
    pauth_start(p->e->auth, mx ? base->domain : vi->host, mx ? DNSMSG_T_MX : DNSMSG_T_AAAA,
                &base->auth, on_authoritative, p);
}

static void finish(struct probe *p)
{
    struct verdict_info vi, first;
    struct probe_result *base = &p->local;
    int reasked = p->pass[PASS_REASK].r != NULL, ext_ran = p->pass[PASS_EXT].r != NULL;

    if (p->e->dying) {
        cancelled(p); /* cancelled queries say nothing about the domain */
        return;
    }
    verdict_of(&p->local, &first);
    if (reasked) {
        verdict_of(&p->reask, &vi);
        if (!verdict_is_broken(vi.verdict)) {
            /* Slow is not broken: Postfix's own retry will find it too. */
            p->reask.ms = (unsigned)(util_now_ms() - p->start);
            if (vi.verdict == VERDICT_HEALTHY)
                slow_evidence(&vi, &first);
            p->e->running--;
            p->cb(p->arg, p->local.domain, &vi, &p->reask);
            free(p);
            return;
        }
        /* The same failure twice: the first pass's evidence is what
         * Postfix meets (all its tries); a different failure on the
         * re-ask is the newer word. */
        if (vi.verdict != first.verdict || strcmp(vi.host, first.host) != 0)
            base = &p->reask;
    }
    verdict_decide(base, ext_ran ? &p->ext : NULL, &vi);
    if (p->canary_asked && !p->canary_up) {
        /* The resolver could not even resolve the canary: the failure is
         * its own, not the domain's.  The label says so (unless the world
         * says the domain does not exist), and local_down tells the daemon
         * to keep it out of the cache. */
        if (vi.verdict != VERDICT_NXDOMAIN && vi.verdict != VERDICT_NULL_MX) {
            vi.verdict = VERDICT_LOCAL_DNS_DOWN;
            vi.confirmed = 0;
        }
        size_t n = strlen(vi.evidence);
        snprintf(vi.evidence + n, sizeof(vi.evidence) - n, "; canary %s", p->canary_evidence);
        base->local_down = 1;
    } else if (reasked) {
        size_t n = strlen(vi.evidence);
        snprintf(vi.evidence + n, sizeof(vi.evidence) - n, "; asked twice");
    }
    if (p->e->auth && !base->local_down && pauth_wanted(vi.verdict)) {
        ask_authoritative(p, &vi, base);
        return;
    }
    deliver(p, &vi, base);
}

static void on_canary(void *arg, const struct dns_result *r, const struct dnsmsg *m)
{
    struct probe *p = arg;
    (void)m;
    if (r->outcome == DNS_ANSWER || r->outcome == DNS_NODATA || r->outcome == DNS_NXDOMAIN)
        p->canary_up = 1;
    else if (!p->canary_evidence[0])
        snprintf(p->canary_evidence, sizeof(p->canary_evidence), "%s @%s",
                 dns_outcome_name(r->outcome), r->server[0] ? r->server : "?");
    p->canaries--;
    if (--p->passes == 0)
        finish(p);
}

/* The local pass is over.  When it failed, start what decides whether to
 * believe it: the canary names (is the resolver itself up?), the re-ask
 * (was it only slow?) and the external resolvers (does the world agree?),
 * all at once, so the verdict waits for the slowest of them only. */
static void after_local(struct probe *p)
{
    struct verdict_info vi;
    struct probe_engine *e = p->e;
    int canary, reask, ext;

    verdict_of(&p->local, &vi);
    if (e->dying || !verdict_is_broken(vi.verdict))
        return;
    canary = local_failure(&p->local) && e->ncanary > 0;
    reask = timed_out(&p->local, &vi);
    ext = e->external != NULL;
    /* Count everything first: an answer may arrive synchronously. */
    p->passes += (unsigned)(canary ? e->ncanary : 0) + (unsigned)reask + (unsigned)ext;
    if (canary) {
        p->canary_asked = 1;
        p->canaries = (unsigned)e->ncanary;
        for (size_t i = 0; i < e->ncanary; i++)
            probe_dns_query(e->local, e->canary[i], DNSMSG_T_NS, on_canary, p);
    }
    if (reask)
        start_pass(p, PASS_REASK);
    if (ext)
        start_pass(p, PASS_EXT);
}

static void pass_done(struct pass *ps)
{
    struct probe *p = ps->p;
    ps->r->ms = (unsigned)(util_now_ms() - p->start);
    if (ps == &p->pass[PASS_LOCAL])
        after_local(p);
    if (--p->passes == 0)
        finish(p);
}

static void on_host(void *arg, const struct dns_result *r, const struct dnsmsg *m)
{
    struct hostq *q = arg;
    struct pass *ps = q->ps;
    struct probe_host *h = q->h;

    if (q->qtype == DNSMSG_T_A) {
        h->a = *r;
        h->a_ttl = r->outcome == DNS_ANSWER ? m->ttl : 0;
        for (unsigned i = 0; r->outcome == DNS_ANSWER && i < m->nrr && h->naddr < PROBE_MAX_ADDR;
             i++)
            util_strlcpy(h->addr[h->naddr++], m->rr[i].data, sizeof(h->addr[0]));
    } else {
        h->aaaa = *r;
    }
    free(q);
    if (--ps->pending == 0)
        pass_done(ps);
}

static void ask_host(struct pass *ps, struct probe_host *h, int qtype)
{
    struct hostq *q = xmalloc(sizeof(*q));
    q->ps = ps;
    q->h = h;
    q->qtype = qtype;
    probe_dns_query(ps->d, h->name, qtype, on_host, q);
}

/* m's records come sorted by preference, ties in message order (dnsmsg.h). */
static void add_hosts(const struct probe_engine *e, struct probe_result *r, const struct dnsmsg *m)
{
    struct in_addr a4;
    struct in6_addr a6;

    for (unsigned i = 0; i < m->nrr && r->nhost < e->max_mx; i++) {
        struct probe_host *h = &r->host[r->nhost++];
        util_strlcpy(h->name, m->rr[i].data, sizeof(h->name));
        h->pref = m->rr[i].pref;
        h->literal =
            inet_pton(AF_INET, h->name, &a4) == 1 || inet_pton(AF_INET6, h->name, &a6) == 1;
    }
}

static void on_mx(void *arg, const struct dns_result *res, const struct dnsmsg *m)
{
    struct pass *ps = arg;
    struct probe_result *r = ps->r;

    r->mx = *res;
    if (res->outcome == DNS_ANSWER) {
        if (m->null_mx)
            r->null_mx = 1; /* RFC 7505: "MX 0 ." and no other MX */
        else
            add_hosts(ps->p->e, r, m);
    } else if (res->outcome == DNS_NODATA) {
        /* RFC 5321 5.1: no MX means the domain itself is the host. */
        r->implicit_mx = 1;
        r->nhost = 1;
        util_strlcpy(r->host[0].name, r->domain, sizeof(r->host[0].name));
    }
    /* Hold one count while asking: an answer may arrive synchronously. */
    ps->pending = 1;
    for (unsigned i = 0; i < r->nhost; i++) {
        if (r->host[i].literal)
            continue;
        ps->pending += 2;
        ask_host(ps, &r->host[i], DNSMSG_T_A);
        ask_host(ps, &r->host[i], DNSMSG_T_AAAA);
    }
    if (--ps->pending == 0)
        pass_done(ps);
}

/* The caller has counted the pass in p->passes. */
static void start_pass(struct probe *p, int which)
{
    static const size_t off[PASS__COUNT] = {
        offsetof(struct probe, local), offsetof(struct probe, reask), offsetof(struct probe, ext)};
    struct pass *ps = &p->pass[which];
    struct probe_result *r = (struct probe_result *)(void *)((char *)p + off[which]);

    util_strlcpy(r->domain, p->local.domain, sizeof(r->domain));
    r->timeout_ms = p->e->timeout_ms;
    r->tries = which == PASS_REASK ? 1 : p->e->tries;
    ps->p = p;
    ps->d = which == PASS_EXT ? p->e->external : which == PASS_REASK ? p->e->reask : p->e->local;
    ps->r = r;
    probe_dns_query(ps->d, r->domain, DNSMSG_T_MX, on_mx, ps);
}

struct canary_check {
    const struct probe_engine *e;
    unsigned pending;
    int up;
    char evidence[160];
    probe_canary_cb cb;
    void *arg;
};

struct canary_q {
    struct canary_check *k;
    const char *name; /* the engine's copy: the engine outlives its queries */
};

static void check_done(struct canary_check *k)
{
    if (--k->pending == 0) {
        k->cb(k->arg, k->e->dying ? -1 : k->up, k->evidence);
        free(k);
    }
}

static void on_check(void *arg, const struct dns_result *r, const struct dnsmsg *m)
{
    struct canary_q *q = arg;
    struct canary_check *k = q->k;
    (void)m;
    if (r->outcome == DNS_ANSWER || r->outcome == DNS_NODATA || r->outcome == DNS_NXDOMAIN)
        k->up = 1;
    else if (!k->evidence[0])
        snprintf(k->evidence, sizeof(k->evidence), "NS %s %s @%s", q->name,
                 dns_outcome_name(r->outcome), r->server[0] ? r->server : "?");
    free(q);
    check_done(k);
}

void probe_canary(struct probe_engine *e, probe_canary_cb cb, void *arg)
{
    struct canary_check *k = xcalloc(1, sizeof(*k));
    k->e = e;
    k->cb = cb;
    k->arg = arg;
    k->up = e->ncanary == 0;
    k->pending = (unsigned)e->ncanary + 1; /* held while asking: answers may come at once */
    for (size_t i = 0; i < e->ncanary; i++) {
        struct canary_q *q = xmalloc(sizeof(*q));
        q->k = k;
        q->name = e->canary[i];
        probe_dns_query(e->local, e->canary[i], DNSMSG_T_NS, on_check, q);
    }
    check_done(k);
}

void probe_start(struct probe_engine *e, const char *domain, probe_done_cb cb, void *arg)
{
    struct probe *p = xcalloc(1, sizeof(*p));

    p->e = e;
    p->cb = cb;
    p->arg = arg;
    p->start = util_now_ms();
    util_strlcpy(p->local.domain, domain, sizeof(p->local.domain));
    e->running++;
    p->passes = 1;
    start_pass(p, PASS_LOCAL);
}
