/*
 * probe - see probe.h.  The MX fan-out is tracked as OpenSMTPD's dns.c does:
 * one probe, a count of queries pending, one completion.
 */
#include "probe.h"
#include "dnsmsg.h"
#include "probe_dns.h"
#include "util.h"
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

struct probe_engine {
    struct pdns *local, *external;
    unsigned max_mx, running, timeout_ms, tries;
    int dying; /* queries still in flight end cancelled, not as evidence */
};

struct probe {
    struct probe_engine *e;
    struct pdns *pass; /* channel of the pass under way */
    struct probe_result local, ext, *cur;
    unsigned pending;
    uint64_t start;
    probe_done_cb cb;
    void *arg;
};

struct hostq { /* one A or AAAA query of one MX host */
    struct probe *p;
    struct probe_host *h;
    int qtype;
};

struct probe_engine *probe_engine_new(struct loop *l, const struct conf *c, char *err, size_t errsz)
{
    struct probe_engine *e = xcalloc(1, sizeof(*e));

    pdns_set_concurrency(c->concurrency);
    e->max_mx = c->max_mx < PROBE_MAX_MX ? c->max_mx : PROBE_MAX_MX;
    e->timeout_ms = c->timeout_ms;
    e->tries = c->tries;
    e->local = pdns_new(l, c->local_system ? NULL : c->local, c->local_system ? 0 : c->nlocal,
                        c->timeout_ms, c->tries, err, errsz);
    if (!e->local) {
        free(e);
        return NULL;
    }
    if (c->nexternal) {
        e->external = pdns_new(l, c->external, c->nexternal, c->timeout_ms, c->tries, err, errsz);
        if (!e->external) {
            pdns_free(e->local);
            free(e);
            return NULL;
        }
    }
    return e;
}

void probe_engine_free(struct probe_engine *e)
{
    if (!e)
        return;
    e->dying = 1;
    pdns_free(e->local);
    pdns_free(e->external);
    free(e);
}

unsigned probe_budget_ms(const struct probe_engine *e)
{
    return 2 * pdns_budget_ms(e->local) + (e->external ? 2 * pdns_budget_ms(e->external) : 0);
}

unsigned probe_running(const struct probe_engine *e)
{
    return e->running;
}

const char *probe_local_servers(const struct probe_engine *e)
{
    return pdns_servers(e->local);
}

const char *probe_external_servers(const struct probe_engine *e)
{
    return e->external ? pdns_servers(e->external) : "";
}

static void start_pass(struct probe *p, struct pdns *d, struct probe_result *r);

static void finish(struct probe *p)
{
    struct verdict_info vi;
    int external_ran = p->cur == &p->ext;

    p->cur->ms = (unsigned)(util_now_ms() - p->start);
    if (p->e->dying) {
        /* Cancelled queries say nothing about the domain: no verdict. */
        memset(&vi, 0, sizeof(vi));
        vi.verdict = VERDICT_UNKNOWN;
        p->e->running--;
        p->cb(p->arg, p->local.domain, &vi, &p->local);
        free(p);
        return;
    }
    if (!external_ran && p->e->external) {
        verdict_of(&p->local, &vi);
        if (verdict_is_broken(vi.verdict)) {
            start_pass(p, p->e->external, &p->ext);
            return;
        }
    }
    p->local.ms = (unsigned)(util_now_ms() - p->start);
    verdict_decide(&p->local, external_ran ? &p->ext : NULL, &vi);
    p->e->running--;
    p->cb(p->arg, p->local.domain, &vi, &p->local);
    free(p);
}

static void on_host(void *arg, const struct dns_result *r, const struct dnsmsg *m)
{
    struct hostq *q = arg;
    struct probe *p = q->p;
    struct probe_host *h = q->h;

    if (q->qtype == DNSMSG_T_A) {
        h->a = *r;
        for (unsigned i = 0; m && i < m->nrr && h->naddr < PROBE_MAX_ADDR; i++)
            util_strlcpy(h->addr[h->naddr++], m->rr[i].data, sizeof(h->addr[0]));
    } else {
        h->aaaa = *r;
    }
    free(q);
    if (--p->pending == 0)
        finish(p);
}

static void ask_host(struct probe *p, struct probe_host *h, int qtype)
{
    struct hostq *q = xmalloc(sizeof(*q));
    q->p = p;
    q->h = h;
    q->qtype = qtype;
    pdns_query(p->pass, h->name, qtype, on_host, q);
}

static int by_pref(const void *a, const void *b)
{
    const struct dnsmsg_rr *x = a, *y = b;
    return x->pref < y->pref ? -1 : x->pref > y->pref;
}

static void add_hosts(struct probe *p, struct probe_result *r, struct dnsmsg *m)
{
    struct in_addr a4;
    struct in6_addr a6;

    qsort(m->rr, m->nrr, sizeof(m->rr[0]), by_pref);
    for (unsigned i = 0; i < m->nrr && r->nhost < p->e->max_mx; i++) {
        struct probe_host *h = &r->host[r->nhost++];
        util_strlcpy(h->name, m->rr[i].data, sizeof(h->name));
        h->pref = m->rr[i].pref;
        h->literal =
            inet_pton(AF_INET, h->name, &a4) == 1 || inet_pton(AF_INET6, h->name, &a6) == 1;
    }
}

static void on_mx(void *arg, const struct dns_result *res, const struct dnsmsg *m)
{
    struct probe *p = arg;
    struct probe_result *r = p->cur;
    struct dnsmsg copy;

    r->mx = *res;
    if (res->outcome == DNS_ANSWER) {
        copy = *m;
        if (copy.nrr >= 1 && copy.rr[0].data[0] == '\0') {
            r->null_mx = 1; /* RFC 7505: "MX 0 ." */
        } else {
            add_hosts(p, r, &copy);
        }
    } else if (res->outcome == DNS_NODATA) {
        /* RFC 5321 5.1: no MX means the domain itself is the host. */
        r->implicit_mx = 1;
        r->nhost = 1;
        util_strlcpy(r->host[0].name, r->domain, sizeof(r->host[0].name));
    }
    /* Hold one count while asking: an answer may arrive synchronously. */
    p->pending = 1;
    for (unsigned i = 0; i < r->nhost; i++) {
        if (r->host[i].literal)
            continue;
        p->pending += 2;
        ask_host(p, &r->host[i], DNSMSG_T_A);
        ask_host(p, &r->host[i], DNSMSG_T_AAAA);
    }
    if (--p->pending == 0)
        finish(p);
}

static void start_pass(struct probe *p, struct pdns *d, struct probe_result *r)
{
    util_strlcpy(r->domain, p->local.domain, sizeof(r->domain));
    r->timeout_ms = p->local.timeout_ms;
    r->tries = p->local.tries;
    p->pass = d;
    p->cur = r;
    pdns_query(d, r->domain, DNSMSG_T_MX, on_mx, p);
}

void probe_start(struct probe_engine *e, const char *domain, probe_done_cb cb, void *arg)
{
    struct probe *p = xcalloc(1, sizeof(*p));

    p->e = e;
    p->cb = cb;
    p->arg = arg;
    p->start = util_now_ms();
    util_strlcpy(p->local.domain, domain, sizeof(p->local.domain));
    p->local.timeout_ms = e->timeout_ms;
    p->local.tries = e->tries;
    e->running++;
    start_pass(p, e->local, &p->local);
}
