/*
 * policy - see policy.h.  Postfix policy delegation (SMTPD_POLICY_README):
 * one parsed request in (policy_attr.h), one "action=...\n\n" answer out.
 *
 * Postfix asks once per SMTP command, and the `instance` attribute names one
 * mail transaction.  The table keeps, per instance, the set of recipient
 * domains seen at RCPT:
 *   RCPT            normalise `recipient`, core_lookup() it (which queues a
 *                   probe for an unknown domain), remember the domain;
 *                   answer DUNNO: a FILTER would apply to the whole message
 *                   before we know its other recipients.
 *   DATA,           look every remembered domain up again (a probe may have
 *   END-OF-MESSAGE  finished since RCPT).  Then:
 *                   - FILTER <route> when the transaction rule (txn.h,
 *                     doc/design.md §5) gives a route for the whole
 *                     message: routing.mode is rewrite and every
 *                     recipient has one and the same non-empty route;
 *                   - else, at DATA only, PREPEND "<tag_header>: domain=D
 *                     verdict=V route=R" for the first rerouted domain.  One
 *                     answer carries one action, so only one header fits;
 *                     Postfix refuses PREPEND in smtpd_end_of_data_
 *                     restrictions (access(5)), so END-OF-MESSAGE never
 *                     answers it;
 *                   - else DUNNO.
 *                   The instance is forgotten after END-OF-MESSAGE (DATA
 *                   keeps it, in case the service is also called at EOM).
 *   anything else   DUNNO.
 * Never REJECT or DEFER: not knowing a domain is not a reason to refuse mail.
 *
 * Postfix also sends `recipient` at DATA and END-OF-MESSAGE when it accepted
 * exactly one recipient; that one is added too, so a service called only
 * after RCPT still sees it.  `recipient_count` (accepted recipients) larger
 * than the RCPT requests we saw means we missed some: no FILTER then.
 *
 * Limits: POLICY_RCPT_MAX recipients and POLICY_DOMAINS_MAX distinct domains
 * per instance, POLICY_INSTANCES_MAX instances, POLICY_BYTES_MAX octets of
 * remembered strings.  Past a per-instance limit the instance counts as
 * mixed (no FILTER).  Past a table limit the least recently used instances
 * are forgotten: `instance` comes from the peer, and a flood of invented
 * ones must not lock real transactions out (a real one asks again within
 * seconds, between its RCPT and its DATA).  Idle instances (a transaction
 * aborted by RSET or a lost connection never reaches END-OF-MESSAGE) are
 * dropped by policy_table_expire().
 *
 * Logging: one core_log_decision() line per instance, at its first DATA or
 * END-OF-MESSAGE answer, for the first rerouted domain, with the queue_id
 * attribute as queue ID (through log_qid(), as the milter's: it comes from
 * the peer); instances without a rerouted domain log at debug level only.  Not thread-safe: the
 * event loop thread owns the table.
 */
#include "policy.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core.h"
#include "dname.h"
#include "log.h"
#include "policy_attr.h"
#include "txn.h"
#include "util.h"

#define POLICY_RCPT_MAX      10000
#define POLICY_DOMAINS_MAX   1000
#define POLICY_INSTANCES_MAX 65536
#define POLICY_BYTES_MAX     (64u * 1024 * 1024)
#define POLICY_BUCKETS_MIN   256

struct policy_inst {
    struct policy_inst *next;          /* hash chain */
    struct policy_inst *newer, *older; /* the LRU list */
    char *instance;
    uint64_t hash;
    uint64_t last_ms;
    char **dom; /* distinct normalised domains, in RCPT order */
    size_t ndom, cap;
    size_t nrcpt; /* recipients seen (RCPT requests and the DATA/EOM recipient) */
    int overflow; /* a limit was hit: never FILTER */
    int nodomain; /* a recipient without a usable domain: never FILTER */
    int logged;   /* the decision line was written */
    int counted;  /* the decisions went into the metrics (at DATA, or at EOM without DATA) */
    size_t bytes; /* charged to the table */
};

struct policy_table {
    struct policy_inst **bucket;
    size_t nbucket; /* a power of two */
    size_t count;
    size_t bytes;
    struct policy_inst *newest, *oldest; /* the LRU list: most recent use first */
    int warned_full;
};

static uint64_t policy_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

struct policy_table *policy_table_new(void)
{
    struct policy_table *t = xcalloc(1, sizeof(*t));

    t->nbucket = POLICY_BUCKETS_MIN;
    t->bucket = xcalloc(t->nbucket, sizeof(*t->bucket));
    return t;
}

static void policy_inst_free(struct policy_inst *in)
{
    size_t i;

    for (i = 0; i < in->ndom; i++)
        free(in->dom[i]);
    free(in->dom);
    free(in->instance);
    free(in);
}

void policy_table_free(struct policy_table *t)
{
    size_t b;

    if (t == NULL)
        return;
    for (b = 0; b < t->nbucket; b++) {
        struct policy_inst *in = t->bucket[b], *next;
        for (; in != NULL; in = next) {
            next = in->next;
            policy_inst_free(in);
        }
    }
    free(t->bucket);
    free(t);
}

size_t policy_table_size(const struct policy_table *t)
{
    return t->count;
}

static struct policy_inst **policy_slot(struct policy_table *t, const char *instance, uint64_t h)
{
    struct policy_inst **pp = &t->bucket[h & (t->nbucket - 1)];

    for (; *pp != NULL; pp = &(*pp)->next) {
        if ((*pp)->hash == h && strcmp((*pp)->instance, instance) == 0)
            break;
    }
    return pp;
}

static void policy_grow(struct policy_table *t)
{
    size_t nb = t->nbucket * 2, b;
    struct policy_inst **nbucket = xcalloc(nb, sizeof(*nbucket));

    for (b = 0; b < t->nbucket; b++) {
        struct policy_inst *in = t->bucket[b], *next;
        for (; in != NULL; in = next) {
            next = in->next;
            in->next = nbucket[in->hash & (nb - 1)];
            nbucket[in->hash & (nb - 1)] = in;
        }
    }
    free(t->bucket);
    t->bucket = nbucket;
    t->nbucket = nb;
}

static void policy_lru_remove(struct policy_table *t, struct policy_inst *in)
{
    if (in->newer != NULL)
        in->newer->older = in->older;
    else
        t->newest = in->older;
    if (in->older != NULL)
        in->older->newer = in->newer;
    else
        t->oldest = in->newer;
    in->newer = in->older = NULL;
}

/* Marks an instance used now: the newest of the LRU list. */
static void policy_touch(struct policy_table *t, struct policy_inst *in, uint64_t now_ms)
{
    in->last_ms = now_ms;
    if (t->newest == in)
        return;
    if (in->newer != NULL) /* listed, and not the newest: take it out */
        policy_lru_remove(t, in);
    in->older = t->newest;
    if (t->newest != NULL)
        t->newest->newer = in;
    t->newest = in;
    if (t->oldest == NULL)
        t->oldest = in;
}

static void policy_unlink(struct policy_table *t, struct policy_inst **pp)
{
    struct policy_inst *in = *pp;

    *pp = in->next;
    policy_lru_remove(t, in);
    t->count--;
    t->bytes -= in->bytes;
    policy_inst_free(in);
}

/* Forgets the least recently used instances, never keep, until ninst more
 * instances and cost more octets fit.  0, or -1 when they cannot. */
static int policy_make_room(struct policy_table *t, size_t ninst, size_t cost,
                            const struct policy_inst *keep)
{
    int evicted = 0;

    while (t->count + ninst > POLICY_INSTANCES_MAX || t->bytes + cost > POLICY_BYTES_MAX) {
        struct policy_inst *old = t->oldest;
        if (old == NULL || old == keep)
            return -1;
        policy_unlink(t, policy_slot(t, old->instance, old->hash));
        evicted = 1;
    }
    if (evicted && !t->warned_full) {
        log_warn("policy: %zu transactions remembered, forgetting the least recently used "
                 "(logged once until the table is half empty again)",
                 t->count + ninst);
        t->warned_full = 1;
    } else if (t->count < POLICY_INSTANCES_MAX / 2 && t->bytes < POLICY_BYTES_MAX / 2) {
        t->warned_full = 0;
    }
    return 0;
}

/* The instance's entry, created when create is set; marked used.  NULL
 * when it is unknown and create is not set. */
static struct policy_inst *policy_find(struct policy_table *t, const char *instance, int create,
                                       uint64_t now_ms)
{
    uint64_t h = policy_hash(instance);
    struct policy_inst **pp = policy_slot(t, instance, h), *in;
    size_t cost;

    if (*pp != NULL) {
        policy_touch(t, *pp, now_ms);
        return *pp;
    }
    if (!create)
        return NULL;
    cost = sizeof(*in) + strlen(instance) + 1;
    if (policy_make_room(t, 1, cost, NULL) < 0)
        return NULL;                  /* cannot happen: one instance is far below both limits */
    pp = policy_slot(t, instance, h); /* eviction may have changed the chain */
    if (t->count >= t->nbucket) {
        policy_grow(t);
        pp = policy_slot(t, instance, h);
    }
    in = xcalloc(1, sizeof(*in));
    in->instance = xstrdup(instance);
    in->hash = h;
    in->bytes = cost;
    *pp = in;
    t->count++;
    t->bytes += cost;
    policy_touch(t, in, now_ms);
    return in;
}

/* Remembers one distinct domain of an instance. */
static void policy_add_domain(struct policy_table *t, struct policy_inst *in, const char *domain)
{
    size_t i, cost;

    for (i = 0; i < in->ndom; i++) {
        if (strcmp(in->dom[i], domain) == 0)
            return;
    }
    cost = strlen(domain) + 1 + sizeof(char *);
    if (in->ndom >= POLICY_DOMAINS_MAX || policy_make_room(t, 0, cost, in) < 0) {
        in->overflow = 1;
        return;
    }
    if (in->ndom == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 4;
        in->dom = xrealloc(in->dom, in->cap * sizeof(*in->dom));
    }
    in->dom[in->ndom++] = xstrdup(domain);
    in->bytes += cost;
    t->bytes += cost;
}

/* Remembers one RCPT recipient (domain NULL: it has none we can use). */
static void policy_add_rcpt(struct policy_table *t, struct policy_inst *in, const char *domain)
{
    if (in->nrcpt < POLICY_RCPT_MAX) {
        in->nrcpt++;
    } else {
        in->overflow = 1;
        return;
    }
    if (domain == NULL)
        in->nodomain = 1;
    else
        policy_add_domain(t, in, domain);
}

/* Normalised domain of a recipient address, or NULL. */
static const char *policy_domain(const char *rcpt, char *dom, size_t size)
{
    const char *err;

    if (rcpt == NULL || rcpt[0] == '\0')
        return NULL;
    err = dname_from_address(rcpt, 0, dom, size);
    if (err != NULL) {
        log_debug("policy: recipient without a usable domain: %s", err);
        return NULL;
    }
    return dom;
}

static int policy_reply(char *out, size_t size, const char *action, const char *text)
{
    int n = snprintf(out, size, "action=%s%s%s\n\n", action, text[0] ? " " : "", text);

    if (n < 0 || (size_t)n >= size)
        snprintf(out, size, "action=DUNNO\n\n");
    return 0;
}

/* A route usable as "FILTER transport:destination" on one answer line. */
static int policy_filterable(const char *route)
{
    return route[0] != '\0' && strchr(route, ':') != NULL && strpbrk(route, "\r\n") == NULL;
}

/* The PREPEND text "<tag_header>: domain=D verdict=V route=R". */
static void policy_tag_text(char *text, size_t size, const char *domain,
                            const struct core_answer *a)
{
    char tag_header[128];
    core_tag_header(tag_header, sizeof(tag_header));
    int n = snprintf(text, size, "%s:", tag_header);
    size_t pos = n > 0 && (size_t)n < size ? (size_t)n : 0;

    core_txn_tag(text, size, pos, domain, a);
}

/* DATA / END-OF-MESSAGE: decide for the whole transaction (txn.h). */
static int policy_decide(struct policy_inst *in, const struct policy_req *req, int eom, char *out,
                         size_t size)
{
    struct core_answer ans;
    struct core_txn txn;
    const struct core_answer *first;
    const char *first_dom = NULL, *route;
    char inst[300];
    const char *count = policy_attr_get(req, "recipient_count");
    size_t i;

    if (count != NULL && count[0] != '\0' && strtoull(count, NULL, 10) > in->nrcpt)
        in->overflow = 1; /* recipients accepted that we never saw */
    core_txn_init(&txn);
    if (in->overflow || in->nodomain)
        core_txn_block(&txn);
    for (i = 0; i < in->ndom; i++) {
        core_lookup(in->dom[i], &ans);
        if (!in->counted)
            core_count(CORE_POLICY, &ans);
        core_txn_add(&txn, in->dom[i], &ans);
    }
    in->counted = 1;
    first = core_txn_first(&txn, &first_dom);
    if (first != NULL && !in->logged) {
        char qid[64];
        log_qid(qid, sizeof(qid), policy_attr_get(req, "queue_id"));
        core_log_decision(qid[0] ? qid : NULL, first_dom, first, "policy");
        in->logged = 1;
    }
    /* The instance comes from the peer: escaped before it reaches a log. */
    log_kv(inst, sizeof(inst), 0, "instance", in->instance);
    route = core_txn_route(&txn);
    if (route != NULL && policy_filterable(route)) {
        log_debug("policy: %s FILTER %s (%zu domains)", inst, route, in->ndom);
        return policy_reply(out, size, "FILTER", route);
    }
    if (first != NULL && !eom) {
        char text[CORE_ROUTE_MAX + 512];
        policy_tag_text(text, sizeof(text), first_dom, first);
        return policy_reply(out, size, "PREPEND", text);
    }
    log_debug("policy: %s DUNNO (%zu domains, %zu rerouted)", inst, in->ndom, txn.routed);
    return policy_reply(out, size, "DUNNO", "");
}

int policy_answer(struct policy_table *t, const struct policy_req *req, uint64_t now_ms, char *out,
                  size_t size)
{
    const char *request = policy_attr_get(req, "request");
    const char *state = policy_attr_get(req, "protocol_state");
    const char *instance = policy_attr_get(req, "instance");
    const char *rcpt = policy_attr_get(req, "recipient");
    char dom[DNAME_MAX + 1];
    const char *domain;
    struct policy_inst *in;
    int eom, ret;

    if (request == NULL || strcmp(request, "smtpd_access_policy") != 0 || state == NULL)
        return policy_reply(out, size, "DUNNO", "");
    if (instance != NULL && instance[0] == '\0')
        instance = NULL;

    if (strcasecmp(state, "RCPT") == 0) {
        struct core_answer ans;
        domain = policy_domain(rcpt, dom, sizeof(dom));
        if (domain != NULL)
            core_lookup(domain, &ans); /* queues a probe for an unknown domain */
        in = instance ? policy_find(t, instance, 1, now_ms) : NULL;
        if (in != NULL)
            policy_add_rcpt(t, in, domain);
        return policy_reply(out, size, "DUNNO", "");
    }
    eom = strcasecmp(state, "END-OF-MESSAGE") == 0;
    if (!eom && strcasecmp(state, "DATA") != 0)
        return policy_reply(out, size, "DUNNO", "");

    domain = policy_domain(rcpt, dom, sizeof(dom));
    in = instance ? policy_find(t, instance, domain != NULL, now_ms) : NULL;
    if (in == NULL)
        return policy_reply(out, size, "DUNNO", "");
    if (domain != NULL) {
        /* Postfix names the recipient here only when it accepted exactly
         * one; it is the one seen at RCPT, if we saw that. */
        policy_add_domain(t, in, domain);
        if (in->nrcpt == 0)
            in->nrcpt = 1;
    }
    ret = policy_decide(in, req, eom, out, size);
    if (eom) {
        uint64_t h = policy_hash(instance);
        policy_unlink(t, policy_slot(t, instance, h));
    }
    return ret;
}

/* The LRU list is in last_ms order (the loop's clock is monotonic), so the
 * walk stops at the first instance still in use: the sweep every second
 * costs what it expires, not the table. */
void policy_table_expire(struct policy_table *t, uint64_t now_ms, uint64_t max_idle_ms)
{
    struct policy_inst *in;

    while ((in = t->oldest) != NULL && now_ms >= in->last_ms && now_ms - in->last_ms > max_idle_ms)
        policy_unlink(t, policy_slot(t, in->instance, in->hash));
}
