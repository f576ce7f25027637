/*
 * fleet - see fleet.h.  Two connections: one for commands, one subscribed
 * to the verdicts channel (a subscribed connection takes no other
 * commands).  The fleet is up once both answer; any error, a closed
 * connection, or a PING unanswered for PING_TIMEOUT_MS takes it down:
 * both are dropped and dialled again after a backoff.  A domain whose
 * command was in flight is probed here at once (hiredis calls back with no
 * reply when a context is freed), so a lookup never waits on Redis for
 * longer than it would wait on its own probe.
 */
#include "fleet.h"
#include "cache.h"
#include "fleet_loop.h"
#include "fleet_record.h"
#include "health.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "util.h"
#include <hiredis/async.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BACKOFF_MIN_MS     100
#define BACKOFF_MAX_MS     10000
#define CONNECT_TIMEOUT_MS 2000
#define PING_EVERY_MS      1000
#define PING_TIMEOUT_MS    2000

struct want { /* a domain asked of Redis, or waiting for the lease holder */
    struct want *next;
    uint64_t timer;
    unsigned budget_ms;
    char domain[DNAME_MAX + 1];
};

static struct loop *loop;
static fleet_learn_cb learn;
static fleet_probe_cb probe;
static char addr[4200], prefix[80], node[FLEET_NODE_MAX + 1];
static unsigned recheck_ms;
static int on;

static redisAsyncContext *cmd, *sub;
static int cmd_ok, sub_ok;
static unsigned backoff_ms = BACKOFF_MIN_MS;
static uint64_t retry_timer, connect_timer, ping_timer, ping_sent;
static uint64_t down_since; /* monotonic: verdicts made since are pushed when up */
static struct want *waiting;
static unsigned long nbad;

/* Read by mxdetour status from any thread. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int up, logged = -1; /* -1: no state yet */
static uint64_t since_ms;
static char why[160];

static void set_state(int now_up, const char *evidence)
{
    char line[400];
    size_t p = 0;

    pthread_mutex_lock(&lock);
    int changed = now_up != logged;
    up = now_up;
    metrics_set_fleet_up(now_up);
    if (changed) {
        logged = now_up;
        since_ms = util_now_ms();
        util_strlcpy(why, evidence ? evidence : "", sizeof(why));
    }
    pthread_mutex_unlock(&lock);
    if (!changed)
        return;
    p = log_kv(line, sizeof(line), p, "fleet", "redis");
    p = log_kv(line, sizeof(line), p, "state", now_up ? "up" : "down");
    p = log_kv(line, sizeof(line), p, "node", node);
    if (evidence && evidence[0])
        log_kv(line, sizeof(line), p, "evidence", evidence);
    if (now_up)
        log_notice("%s", line);
    else
        log_warn("%s", line);
}

static void connect_now(struct loop *l, void *arg);

static void cancel(uint64_t *t)
{
    if (*t)
        loop_cancel(loop, *t);
    *t = 0;
}

/* Every domain waiting for another node is probed here. */
static void probe_waiting(void)
{
    while (waiting) {
        struct want *w = waiting;
        waiting = w->next;
        cancel(&w->timer);
        probe(w->domain);
        free(w);
    }
}

/* Drops both connections; dials again after the backoff unless stopping. */
static void drop(const char *reason)
{
    redisAsyncContext *a = cmd, *b = sub;

    cmd = sub = NULL;
    cmd_ok = sub_ok = 0;
    cancel(&connect_timer);
    cancel(&ping_timer);
    ping_sent = 0;
    pthread_mutex_lock(&lock);
    int was_up = up;
    pthread_mutex_unlock(&lock);
    if (was_up)
        down_since = util_now_ms();
    if (on)
        set_state(0, reason);
    /* Frees run the callbacks of commands in flight with no reply. */
    if (a)
        redisAsyncFree(a);
    if (b)
        redisAsyncFree(b);
    probe_waiting();
    if (on && !retry_timer) {
        retry_timer = loop_timer(loop, backoff_ms, connect_now, NULL);
        backoff_ms = backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff_ms * 2;
    }
}

static int current(const redisAsyncContext *ac)
{
    return ac && (ac == cmd || ac == sub);
}

/* A reply that says the connection is unusable: drop it (once). */
static int failed(redisAsyncContext *ac, const redisReply *r)
{
    if (r && r->type != REDIS_REPLY_ERROR)
        return 0;
    if (current(ac)) {
        char reason[160];
        snprintf(reason, sizeof(reason), "%s", r ? r->str : ac->errstr[0] ? ac->errstr : "closed");
        drop(reason);
    }
    return 1;
}

static void on_disconnect(const redisAsyncContext *ac, int status)
{
    char reason[160];
    (void)status;
    if (!current(ac))
        return;
    snprintf(reason, sizeof(reason), "%s", ac->errstr[0] ? ac->errstr : "connection closed");
    /* hiredis frees this context itself after the callback. */
    if (ac == cmd)
        cmd = NULL;
    else
        sub = NULL;
    drop(reason);
}

static void on_connect(const redisAsyncContext *ac, int status)
{
    char reason[160];
    if (status == 0 || !current(ac))
        return;
    snprintf(reason, sizeof(reason), "%s", ac->errstr[0] ? ac->errstr : "cannot connect");
    if (ac == cmd)
        cmd = NULL;
    else
        sub = NULL;
    drop(reason);
}

/* ---- sharing ---- */

static void ignore_reply(redisAsyncContext *ac, void *reply, void *arg)
{
    (void)arg;
    failed(ac, reply);
}

static void share_record(const struct fleet_record *rec)
{
    char buf[FLEET_RECORD_MAX + 1];
    size_t n = fleet_record_format(rec, buf, sizeof(buf));

    if (!n || !cmd)
        return;
    redisAsyncCommand(cmd, ignore_reply, NULL, "SET %sv:%s %b PX %u", prefix, rec->domain, buf, n,
                      recheck_ms);
    redisAsyncCommand(cmd, ignore_reply, NULL, "PUBLISH %sverdicts %b", prefix, buf, n);
}

void fleet_share(const char *domain, const struct verdict_info *vi, int64_t made)
{
    struct fleet_record rec;

    pthread_mutex_lock(&lock);
    int now_up = up;
    pthread_mutex_unlock(&lock);
    if (!on || !now_up)
        return; /* pushed by push_outage() when Redis is back */
    memset(&rec, 0, sizeof(rec));
    util_strlcpy(rec.domain, domain, sizeof(rec.domain));
    util_strlcpy(rec.node, node, sizeof(rec.node));
    rec.made = made;
    rec.vi = *vi;
    share_record(&rec);
}

struct outage {
    char **domains;
    size_t n, cap;
};

static void collect(void *arg, const char *domain, const struct cache_rec *r)
{
    struct outage *o = arg;
    if (!r->have || r->vi.verdict == VERDICT_UNKNOWN || r->made_ms < down_since)
        return;
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 64;
        o->domains = xrealloc(o->domains, o->cap * sizeof(*o->domains));
    }
    o->domains[o->n++] = xstrdup(domain);
}

/* What this node learned while Redis was away (or before it first came). */
static void push_outage(void)
{
    struct outage o = {0};
    struct cache_rec r;

    cache_each(collect, &o); /* strings only: no Redis call under the cache lock */
    for (size_t i = 0; i < o.n; i++) {
        if (cache_peek(o.domains[i], &r) && r.have)
            fleet_share(o.domains[i], &r.vi, r.made_wall);
        free(o.domains[i]);
    }
    free(o.domains);
    if (o.n)
        log_info("fleet=redis pushed=%zu reason=\"verdicts made while Redis was away\"", o.n);
}

static void maybe_up(void)
{
    if (!cmd_ok || !sub_ok)
        return;
    cancel(&connect_timer);
    backoff_ms = BACKOFF_MIN_MS;
    set_state(1, NULL);
    push_outage();
}

/* ---- receiving ---- */

/* A record from Redis, if it is valid, about this domain (when given), and
 * still fresh; NULL otherwise. */
static int accept_record(const redisReply *r, const char *domain, struct fleet_record *rec)
{
    const char *bad;

    if (!r || r->type != REDIS_REPLY_STRING)
        return 0;
    bad = fleet_record_parse(r->str, r->len, rec);
    if (!bad && domain && strcmp(domain, rec->domain) != 0)
        bad = "record of another domain";
    if (bad) {
        /* Someone else writes there: say so, but not once per record. */
        if (nbad++ % 1000 == 0)
            log_warn("fleet=redis bad_records=%lu last=\"%s\"", nbad, bad);
        return 0;
    }
    int64_t age = util_wall_s() - rec->made;
    return age < 0 || (uint64_t)age * 1000u < recheck_ms;
}

static void unwait(const char *domain)
{
    for (struct want **pp = &waiting; *pp;) {
        struct want *w = *pp;
        if (strcmp(w->domain, domain) == 0) {
            *pp = w->next;
            cancel(&w->timer);
            free(w);
        } else {
            pp = &w->next;
        }
    }
}

static void on_message(redisAsyncContext *ac, void *reply, void *arg)
{
    const redisReply *r = reply;
    struct fleet_record rec;
    (void)arg;

    if (failed(ac, r) || r->type != REDIS_REPLY_ARRAY || r->elements != 3 ||
        r->element[0]->type != REDIS_REPLY_STRING)
        return;
    if (strcmp(r->element[0]->str, "subscribe") == 0) {
        sub_ok = 1;
        maybe_up();
    } else if (strcmp(r->element[0]->str, "message") == 0 &&
               accept_record(r->element[2], NULL, &rec) && strcmp(rec.node, node) != 0) {
        unwait(rec.domain);
        learn(rec.domain, &rec.vi, rec.made);
    }
}

static void on_pong(redisAsyncContext *ac, void *reply, void *arg)
{
    (void)arg;
    if (failed(ac, reply))
        return;
    ping_sent = 0;
    if (!cmd_ok) {
        cmd_ok = 1;
        maybe_up();
    }
}

static void ping(struct loop *l, void *arg)
{
    (void)l, (void)arg;
    ping_timer = 0;
    if (!cmd)
        return;
    if (ping_sent && util_now_ms() - ping_sent >= PING_TIMEOUT_MS) {
        drop("no answer to PING within 2s");
        return;
    }
    if (!ping_sent) {
        ping_sent = util_now_ms();
        redisAsyncCommand(cmd, on_pong, NULL, "PING");
    }
    ping_timer = loop_timer(loop, PING_EVERY_MS, ping, NULL);
}

/* ---- connecting ---- */

static redisAsyncContext *dial(char *reason, size_t size)
{
    redisAsyncContext *ac;

    if (strncmp(addr, "unix:", 5) == 0) {
        ac = redisAsyncConnectUnix(addr + 5);
    } else {
        char host[64];
        const char *colon = strrchr(addr, ':');
        size_t n = (size_t)(colon - addr);
        int brackets = addr[0] == '[';
        snprintf(host, sizeof(host), "%.*s", (int)(n - 2 * brackets), addr + brackets);
        ac = redisAsyncConnect(host, atoi(colon + 1));
    }
    if (!ac || ac->err) {
        snprintf(reason, size, "%s", ac ? ac->errstr : "out of memory");
        if (ac)
            redisAsyncFree(ac);
        return NULL;
    }
    fleet_loop_attach(ac, loop);
    redisAsyncSetConnectCallback(ac, on_connect);
    redisAsyncSetDisconnectCallback(ac, on_disconnect);
    return ac;
}

static void connect_expired(struct loop *l, void *arg)
{
    (void)l, (void)arg;
    connect_timer = 0;
    drop("connect timed out");
}

static void connect_now(struct loop *l, void *arg)
{
    char reason[160] = "";
    (void)l, (void)arg;

    retry_timer = 0;
    if (!on)
        return;
    cmd = dial(reason, sizeof(reason));
    sub = cmd ? dial(reason, sizeof(reason)) : NULL;
    if (!cmd || !sub) {
        drop(reason);
        return;
    }
    /* Queued until connected; their answers say the fleet is up. */
    ping_sent = util_now_ms();
    redisAsyncCommand(cmd, on_pong, NULL, "PING");
    redisAsyncCommand(sub, on_message, NULL, "SUBSCRIBE %sverdicts", prefix);
    connect_timer = loop_timer(loop, CONNECT_TIMEOUT_MS, connect_expired, NULL);
    ping_timer = loop_timer(loop, PING_EVERY_MS, ping, NULL);
}

/* ---- asking for a domain ---- */

static void wait_over(struct loop *l, void *arg);

static void on_lease(redisAsyncContext *ac, void *reply, void *arg)
{
    const redisReply *r = reply;
    struct want *w = arg;

    if (failed(ac, r) || r->type != REDIS_REPLY_NIL) {
        probe(w->domain); /* ours ("OK"), or Redis failed: probe here */
        free(w);
        return;
    }
    /* Another node probes it: its verdict comes on the channel; if it
     * does not, ask again when the lease has expired. */
    w->next = waiting;
    waiting = w;
    w->timer = loop_timer(loop, w->budget_ms + 100, wait_over, w);
}

static void ask(struct want *w);

static void wait_over(struct loop *l, void *arg)
{
    struct want *w = arg;
    (void)l;
    w->timer = 0;
    for (struct want **pp = &waiting; *pp; pp = &(*pp)->next)
        if (*pp == w) {
            *pp = w->next;
            break;
        }
    ask(w);
}

static void on_get(redisAsyncContext *ac, void *reply, void *arg)
{
    const redisReply *r = reply;
    struct want *w = arg;
    struct fleet_record rec;

    if (failed(ac, r)) {
        probe(w->domain);
        free(w);
    } else if (accept_record(r, w->domain, &rec)) {
        learn(rec.domain, &rec.vi, rec.made);
        free(w);
    } else if (!cmd || redisAsyncCommand(cmd, on_lease, w, "SET %slease:%s %s NX PX %u", prefix,
                                         w->domain, node, w->budget_ms) != REDIS_OK) {
        probe(w->domain);
        free(w);
    }
}

static void ask(struct want *w)
{
    pthread_mutex_lock(&lock);
    int now_up = up;
    pthread_mutex_unlock(&lock);
    /* Without a local resolver this node makes no verdict: no lease. */
    if (!on || !now_up || !cmd || health_down(NULL, NULL, 0) ||
        redisAsyncCommand(cmd, on_get, w, "GET %sv:%s", prefix, w->domain) != REDIS_OK) {
        probe(w->domain);
        free(w);
    }
}

void fleet_want(const char *domain, unsigned budget_ms)
{
    if (!on) {
        probe(domain);
        return;
    }
    struct want *w = xcalloc(1, sizeof(*w));
    util_strlcpy(w->domain, domain, sizeof(w->domain));
    w->budget_ms = budget_ms;
    ask(w);
}

/* ---- life cycle ---- */

static void configure(const struct conf *c)
{
    pthread_mutex_lock(&lock); /* fleet_status() reads addr and node */
    util_strlcpy(addr, c->fleet_redis, sizeof(addr));
    util_strlcpy(prefix, c->fleet_prefix, sizeof(prefix));
    util_strlcpy(node, c->fleet_node, sizeof(node));
    recheck_ms = c->recheck_ms;
    on = addr[0] != '\0';
    pthread_mutex_unlock(&lock);
}

void fleet_start(struct loop *l, const struct conf *c, fleet_learn_cb learn_cb,
                 fleet_probe_cb probe_cb)
{
    loop = l;
    learn = learn_cb;
    probe = probe_cb;
    configure(c);
    backoff_ms = BACKOFF_MIN_MS;
    down_since = util_now_ms();
    if (on)
        connect_now(l, NULL);
}

void fleet_reload(const struct conf *c)
{
    if (strcmp(addr, c->fleet_redis) == 0 && strcmp(prefix, c->fleet_prefix) == 0 &&
        strcmp(node, c->fleet_node) == 0) {
        recheck_ms = c->recheck_ms;
        return;
    }
    fleet_stop();
    fleet_start(loop, c, learn, probe);
}

void fleet_stop(void)
{
    int was = on;
    on = 0;
    cancel(&retry_timer);
    drop(NULL);
    if (was) {
        pthread_mutex_lock(&lock);
        up = 0;
        logged = -1;
        pthread_mutex_unlock(&lock);
    }
}

void fleet_status(char *buf, size_t size)
{
    pthread_mutex_lock(&lock);
    if (!addr[0])
        snprintf(buf, size, "fleet: off\n");
    else if (up)
        snprintf(buf, size, "fleet: up (%s, node %s) for %llus\n", addr, node,
                 (unsigned long long)((util_now_ms() - since_ms) / 1000));
    else
        snprintf(buf, size, "fleet: down (%s, node %s) for %llus (%s); answering alone\n", addr,
                 node, logged < 0 ? 0ull : (unsigned long long)((util_now_ms() - since_ms) / 1000),
                 why[0] ? why : "connecting");
    pthread_mutex_unlock(&lock);
}
