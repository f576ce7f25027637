/*
 * probe_auth - see probe_auth.h.  One job walks three phases, each a set of
 * queries in flight counted in job->pending; the last answer of a phase
 * starts the next.  A c-ares channel must not be destroyed from inside its
 * own callback, so the direct channels of a finished job wait in the set's
 * graveyard for a zero-delay timer.
 */
#include "probe_auth.h"
#include "dnsmsg.h"
#include "loop.h"
#include "probe_dns.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAUTH_MAX_WALK 8 /* names whose NS is asked: the name and its parents */
#define MAX_DEAD       (2 * PROBE_MAX_AUTH * 16)

enum phase { PH_WALK, PH_ADDR, PH_DIRECT, PH_DONE };

struct pauth_job {
    struct pauth_set *set; /* NULL once the set is freed: no new queries */
    struct pauth_job *next;
    struct probe_auth *out;
    enum phase phase;
    unsigned pending;
    char cand[PAUTH_MAX_WALK][256]; /* the name, then its parents */
    unsigned ncand, best;           /* best: deepest candidate with an NS answer */
    enum dns_outcome walk_first;    /* the deepest candidate's outcome, for the note */
    struct pdns *udp[PROBE_MAX_AUTH], *tcp[PROBE_MAX_AUTH];
    pauth_cb cb;
    void *arg;
};

struct pauth_set {
    struct loop *loop;
    struct pdns *local;
    unsigned timeout_ms, tries;
    struct pauth_job *jobs;
    struct pdns *dead[MAX_DEAD]; /* channels to free on the next loop turn */
    unsigned ndead;
    uint64_t reaper; /* timer id, 0 none */
};

struct aq { /* one query of a job */
    struct pauth_job *j;
    unsigned idx; /* candidate or server */
    int kind;     /* K_* */
};

enum { K_NS, K_ADDR, K_Q, K_A, K_TCP };

static void advance(struct pauth_job *j);

struct pauth_set *pauth_new(struct loop *l, struct pdns *local, unsigned timeout_ms, unsigned tries)
{
    struct pauth_set *s = xcalloc(1, sizeof(*s));
    s->loop = l;
    s->local = local;
    s->timeout_ms = timeout_ms;
    s->tries = tries;
    return s;
}

static void reap(struct pauth_set *s)
{
    while (s->ndead)
        probe_dns_free(s->dead[--s->ndead]);
}

static void on_reap(struct loop *l, void *arg)
{
    struct pauth_set *s = arg;
    (void)l;
    s->reaper = 0;
    reap(s);
}

static void bury(struct pauth_set *s, struct pdns *d)
{
    if (!d)
        return;
    if (s->ndead == MAX_DEAD)
        reap(s); /* not inside d's callback: d is not among them */
    s->dead[s->ndead++] = d;
    if (!s->reaper)
        s->reaper = loop_timer(s->loop, 0, on_reap, s);
}

/* Direct queries end now (DNS_FAILED); queries on the local channel end
 * when the caller frees it, and finish their jobs then. */
void pauth_free(struct pauth_set *s)
{
    struct pauth_job *j, *next;

    if (!s)
        return;
    /* Freeing a job's channels may finish (and free) that job, never another. */
    for (j = s->jobs; j; j = next) {
        struct pdns *d[2 * PROBE_MAX_AUTH];
        next = j->next;
        j->set = NULL;
        for (unsigned i = 0; i < PROBE_MAX_AUTH; i++) {
            d[2 * i] = j->udp[i];
            d[2 * i + 1] = j->tcp[i];
            j->udp[i] = j->tcp[i] = NULL;
        }
        for (unsigned i = 0; i < 2 * PROBE_MAX_AUTH; i++)
            probe_dns_free(d[i]);
    }
    if (s->reaper)
        loop_cancel(s->loop, s->reaper);
    reap(s);
    free(s);
}

/* One query's worst case: c-ares doubles the timeout after each try. */
static unsigned direct_budget(const struct pauth_set *s)
{
    return s->timeout_ms * ((1u << s->tries) - 1);
}

unsigned pauth_budget_ms(const struct pauth_set *s)
{
    return 2 * probe_dns_budget_ms(s->local) + 2 * direct_budget(s);
}

int pauth_wanted(enum verdict v)
{
    return v == VERDICT_AAAA_IGNORED || v == VERDICT_AAAA_ERROR || v == VERDICT_MX_ERROR;
}

static void ask(struct pauth_job *j, struct pdns *d, const char *name, int qtype, unsigned idx,
                int kind);

static void finish(struct pauth_job *j)
{
    struct pauth_set *s = j->set;

    j->phase = PH_DONE;
    if (s) {
        struct pauth_job **pp = &s->jobs;
        while (*pp != j)
            pp = &(*pp)->next;
        *pp = j->next;
        for (unsigned i = 0; i < PROBE_MAX_AUTH; i++) {
            bury(s, j->udp[i]);
            bury(s, j->tcp[i]);
        }
    }
    j->cb(j->arg);
    free(j);
}

/* Called with one count held: answers may come back synchronously. */
static void release(struct pauth_job *j)
{
    if (--j->pending == 0)
        advance(j);
}

static void start_addr(struct pauth_job *j)
{
    struct probe_auth *a = j->out;

    j->phase = PH_ADDR;
    if (j->best == j->ncand) {
        snprintf(a->note, sizeof(a->note), "no NS RRset for %s or its parents (NS %s %s)", a->name,
                 a->name, dns_outcome_evidence(j->walk_first));
        finish(j);
        return;
    }
    util_strlcpy(a->zone, j->cand[j->best], sizeof(a->zone));
    j->pending = 1;
    for (unsigned i = 0; i < a->nserver; i++)
        ask(j, j->set->local, a->server[i].name, DNSMSG_T_A, i, K_ADDR);
    release(j);
}

static void start_direct(struct pauth_job *j)
{
    struct probe_auth *a = j->out;
    char err[256];
    unsigned asked = 0;

    j->phase = PH_DIRECT;
    j->pending = 1;
    for (unsigned i = 0; i < a->nserver; i++) {
        struct probe_auth_server *sv = &a->server[i];
        if (!sv->addr[0])
            continue;
        asked++;
        j->udp[i] = probe_dns_new_direct(j->set->loop, sv->addr, 0, j->set->timeout_ms,
                                         j->set->tries, err, sizeof(err));
        if (!j->udp[i]) {
            sv->q.outcome = sv->a.outcome = DNS_FAILED;
            continue;
        }
        ask(j, j->udp[i], a->name, a->qtype, i, K_Q);
        ask(j, j->udp[i], a->name, DNSMSG_T_A, i, K_A);
    }
    if (!asked)
        snprintf(a->note, sizeof(a->note), "no address for the name servers of %s", a->zone);
    release(j);
}

static void advance(struct pauth_job *j)
{
    if (!j->set || j->phase == PH_DIRECT) {
        finish(j);
        return;
    }
    if (j->phase == PH_WALK)
        start_addr(j);
    else
        start_direct(j);
}

static void on_ns(struct pauth_job *j, unsigned idx, const struct dns_result *r,
                  const struct dnsmsg *m)
{
    struct probe_auth *a = j->out;

    if (idx == 0)
        j->walk_first = r->outcome;
    if (r->outcome != DNS_ANSWER || m->nrr == 0 || idx >= j->best)
        return;
    j->best = idx;
    a->nserver = m->nrr < PROBE_MAX_AUTH ? m->nrr : PROBE_MAX_AUTH;
    for (unsigned i = 0; i < a->nserver; i++)
        util_strlcpy(a->server[i].name, m->rr[i].data, sizeof(a->server[i].name));
}

/* The failing query's reply over UDP; a truncated one is asked over TCP. */
static void on_q(struct pauth_job *j, unsigned idx, const struct dns_result *r,
                 const struct dnsmsg *m, int tcp)
{
    struct probe_auth_server *sv = &j->out->server[idx];

    if (!tcp && m && m->truncated && j->set) {
        char err[256];
        sv->q = *r;
        j->tcp[idx] = probe_dns_new_direct(j->set->loop, sv->addr, 1, j->set->timeout_ms,
                                           j->set->tries, err, sizeof(err));
        if (j->tcp[idx]) {
            ask(j, j->tcp[idx], j->out->name, j->out->qtype, idx, K_TCP);
            return;
        }
    }
    if (tcp) {
        unsigned udp_ms = sv->q.ms;
        sv->tcp_failed = r->outcome == DNS_TIMEOUT || r->outcome == DNS_FAILED;
        sv->q = *r;
        sv->q.ms += udp_ms;
    } else {
        sv->q = *r;
    }
    if (m && (r->outcome == DNS_ANSWER || r->outcome == DNS_NODATA) && !m->aa) {
        sv->lame = 1;
        sv->referral = m->auth_ns > 0;
    }
}

static void on_answer(void *arg, const struct dns_result *r, const struct dnsmsg *m)
{
    struct aq *q = arg;
    struct pauth_job *j = q->j;
    struct probe_auth_server *sv = &j->out->server[q->idx];

    switch (q->kind) {
    case K_NS:
        on_ns(j, q->idx, r, m);
        break;
    case K_ADDR:
        if (r->outcome == DNS_ANSWER && m->nrr)
            util_strlcpy(sv->addr, m->rr[0].data, sizeof(sv->addr));
        break;
    case K_Q:
    case K_TCP:
        on_q(j, q->idx, r, m, q->kind == K_TCP);
        break;
    default:
        sv->a = *r;
        break;
    }
    free(q);
    release(j);
}

static void ask(struct pauth_job *j, struct pdns *d, const char *name, int qtype, unsigned idx,
                int kind)
{
    struct aq *q = xmalloc(sizeof(*q));
    q->j = j;
    q->idx = idx;
    q->kind = kind;
    j->pending++;
    probe_dns_query(d, name, qtype, on_answer, q);
}

void pauth_start(struct pauth_set *s, const char *name, int qtype, struct probe_auth *out,
                 pauth_cb cb, void *arg)
{
    struct pauth_job *j = xcalloc(1, sizeof(*j));
    const char *p = name;

    memset(out, 0, sizeof(*out));
    out->qtype = qtype;
    util_strlcpy(out->name, name, sizeof(out->name));
    j->set = s;
    j->out = out;
    j->cb = cb;
    j->arg = arg;
    j->next = s->jobs;
    s->jobs = j;
    /* The name and its parents, deepest first; never a TLD, whose servers
     * would only refer us on. */
    while (p && strchr(p, '.') && j->ncand < PAUTH_MAX_WALK) {
        util_strlcpy(j->cand[j->ncand++], p, sizeof(j->cand[0]));
        p = strchr(p, '.') + 1;
    }
    j->best = j->ncand;
    j->walk_first = DNS_PENDING;
    j->pending = 1;
    for (unsigned i = 0; i < j->ncand; i++)
        ask(j, s->local, j->cand[i], DNSMSG_T_NS, i, K_NS);
    release(j);
}
