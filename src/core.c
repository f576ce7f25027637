/*
 * core - see core.h and core_daemon.h.  Threads: front-ends (milter threads
 * and the loop thread) call core_lookup(), which reads the locked cache and
 * appends unknown domains to a work queue; the loop thread drains the queue
 * under the flood guard (probe.max_pending, probe.rate) and runs the probes.
 * Probe results land in the cache, are logged once per change, and trigger
 * the publish table and a deferred state save.
 */
#include "core.h"
#include "core_daemon.h"
#include "cache.h"
#include "explain_store.h"
#include "fleet.h"
#include "health.h"
#include "writer.h"
#include "log.h"
#include "logq.h"
#include "loop.h"
#include "metrics.h"
#include "probe.h"
#include "publish.h"
#include "rescue.h"
#include "route.h"
#include "state.h"
#include "util.h"
#include <ifaddrs.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A learned route is saved within a second: publish mode republishes from
 * the state after a crash, and a route lost there is mail stuck again. */
#define SAVE_DELAY_MS       30000
#define SAVE_ROUTE_DELAY_MS 1000
#define PUBLISH_DELAY_MS    200

struct work {
    struct work *next;
    char domain[];
};

static pthread_mutex_t conf_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conf *conf_now;
static struct loop *loop;
static struct probe_engine *engine, *old_engine;

/* Two queues under queue_lock: re-probes of known domains and domains an
 * MTA asks about again (a deferred message retried) go first, so a flood
 * of new names cannot delay them; each holds probe.max_pending. */
struct fifo {
    struct work *head, *tail;
    size_t len;
};
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fifo queues[2]; /* [0] first, [1] new domains */

/* The "probe skipped" line: one a minute at most, with the count since
 * the last one (a flood of a million names is not a million lines). */
#define SKIP_LOG_MS 60000
static uint64_t skip_logged_ms; /* under queue_lock */
static unsigned long skip_unlogged;

static double tokens; /* flood guard: probes we may start now */
static uint64_t tokens_at;
static uint64_t started_ms, save_timer, save_due, publish_timer;
static unsigned long nprobes, nskipped;
static int resolver_down; /* health's state, read on every answer without a lock */

struct conf *core_conf(void)
{
    struct conf *c;
    pthread_mutex_lock(&conf_lock);
    c = conf_ref(conf_now);
    pthread_mutex_unlock(&conf_lock);
    return c;
}

void core_tag_header(char *buf, size_t size)
{
    struct conf *c = core_conf();
    util_strlcpy(buf, c && c->tag_header[0] ? c->tag_header : "X-MXDetour", size);
    conf_unref(c);
}

unsigned core_wait_ms(void)
{
    struct conf *c = core_conf();
    unsigned ms = c ? c->wait_ms : 0;
    conf_unref(c);
    return ms;
}

mode_t core_socket_perms(char *group, size_t size)
{
    struct conf *c = core_conf();
    mode_t mode = c ? c->socket_mode : 0660;
    util_strlcpy(group, c ? c->socket_group : "", size);
    conf_unref(c);
    return mode;
}

static int fifo_push(struct fifo *q, const char *domain, size_t max)
{
    size_t len = strlen(domain);
    struct work *w;

    if (q->len >= max)
        return -1;
    w = xmalloc(sizeof(*w) + len + 1);
    memcpy(w->domain, domain, len + 1);
    w->next = NULL;
    if (q->tail)
        q->tail->next = w;
    else
        q->head = w;
    q->tail = w;
    q->len++;
    return 0;
}

static struct work *fifo_pop(struct fifo *q)
{
    struct work *w = q->head;
    if (w) {
        q->head = w->next;
        if (!q->head)
            q->tail = NULL;
        q->len--;
    }
    return w;
}

static void note_skip(const char *domain, const struct conf *c)
{
    uint64_t now = util_now_ms();
    unsigned long n = 0;

    __atomic_add_fetch(&nskipped, 1, __ATOMIC_RELAXED);
    pthread_mutex_lock(&queue_lock);
    skip_unlogged++;
    if (!skip_logged_ms || now - skip_logged_ms >= SKIP_LOG_MS) {
        n = skip_unlogged;
        skip_unlogged = 0;
        skip_logged_ms = now;
    }
    pthread_mutex_unlock(&queue_lock);
    if (n)
        log_info("domain=%s verdict=unknown reason=\"probe skipped: max_pending %u reached\" "
                 "skipped=%lu",
                 domain, c->max_pending, n);
}

/* want: enum cache_want from cache_lookup(). */
static void queue_probe(const char *domain, const struct conf *c, int want)
{
    int full;

    pthread_mutex_lock(&queue_lock);
    full = fifo_push(&queues[want == CACHE_PROBE_NEW], domain, c->max_pending) < 0;
    pthread_mutex_unlock(&queue_lock);
    if (!full)
        loop_wake(loop);
    else if (want != CACHE_PROBE_PROMOTE) /* a promoted one still waits in the other queue */
        cache_skip(domain, util_now_ms()), note_skip(domain, c);
}

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
static void answer(const struct conf *c, const struct conf_domain *listed,
                   const struct cache_rec *r, struct core_answer *a)
{
    const struct verdict_info *vi = r && r->have ? &r->vi : NULL;

    memset(a, 0, sizeof(*a));
    set_verdict(a, VERDICT_UNKNOWN);
    a->rewrite = c->mode == MODE_REWRITE;
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
    if (!listed && __atomic_load_n(&resolver_down, __ATOMIC_RELAXED)) {
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
    if (listed && listed->route != ROUTE_PIN_MX) {
        answer(c, listed, NULL, ans);
    } else {
        cache_lookup(domain, c->recheck_ms, util_now_ms(), &r, &want);
        answer(c, listed, &r, ans);
        if (want) {
            ans->probing = 1;
            queue_probe(domain, c, want);
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

/* ---- loop thread ---- */

static void save_now(struct loop *l, void *arg)
{
    (void)l, (void)arg;
    save_timer = 0;
    writer_request(0);
}

struct exporter {
    const struct conf *c;
    char *buf;
    size_t len, cap;
    int rows; /* "domain\troute\thost" (export_fmt.h), not transport(5) */
};

static void append(struct exporter *x, const char *s)
{
    size_t n = strlen(s);
    if (x->len + n + 1 > x->cap) {
        x->cap = (x->len + n + 1) * 2;
        x->buf = xrealloc(x->buf, x->cap);
    }
    memcpy(x->buf + x->len, s, n + 1);
    x->len += n;
}

static void export_put(struct exporter *x, const char *dot, const char *domain, const char *route,
                       const char *host)
{
    char line[CORE_ROUTE_MAX + 600];
    if (x->rows)
        snprintf(line, sizeof(line), "%s%s\t%s\t%s\n", dot, domain, route, host[0] ? host : "-");
    else
        snprintf(line, sizeof(line), "%s%s %s\n", dot, domain, route);
    append(x, line);
}

static void export_one(void *arg, const char *domain, const struct cache_rec *r)
{
    struct exporter *x = arg;
    struct core_answer a;

    if (conf_match_normalized(x->c, domain))
        return; /* listed ones are exported from the config below */
    answer(x->c, NULL, r, &a);
    if (a.route[0] && a.rewrite)
        export_put(x, "", domain, a.route, r->have ? r->vi.host : "");
}

static void export_listed(struct exporter *x)
{
    for (size_t i = 0; i < x->c->ndomains; i++) {
        const struct conf_domain *d = &x->c->domains[i];
        char route[CORE_ROUTE_MAX];
        struct cache_rec r;

        /* transport(5): ".example" matches every subdomain, not the apex
         * (unless parent_domain_matches_subdomains lists transport_maps). */
        /* As core_lookup(): only pin-mx entries use what a probe learned. */
        int have = !d->wildcard && d->route == ROUTE_PIN_MX && cache_peek(d->name, &r) && r.have;
        if (x->c->mode == MODE_REWRITE &&
            route_build(x->c, d, have ? &r.vi : NULL, route, sizeof(route)))
            export_put(x, d->wildcard ? "." : "", d->name, route, have ? r.vi.host : "");
    }
}

char *core_export_text(int rows)
{
    struct exporter x = {0};
    x.rows = rows;
    x.c = core_conf();
    append(&x, "");
    cache_each(export_one, &x);
    export_listed(&x);
    conf_unref((struct conf *)x.c);
    return x.buf;
}

/* The state, then the table; postmap is waited for.  At start (the table
 * must exist before the daemon reports ready and the admin reloads
 * Postfix), at stop, and on the writer thread in between. */
static long publish(void)
{
    struct conf *c = core_conf();
    long n = 0;
    if (c->publish[0]) {
        /* The state first: a table must never hold a route that a restart
         * after a crash would forget (the start republishes from it). */
        n = state_save(c->state_file);
        char *text = core_export_text(0);
        publish_write(c->publish, text, c->postfix_config);
        free(text);
    }
    conf_unref(c);
    return n;
}

/* The writer thread's job (src/writer.c). */
static void write_job(int with_table)
{
    struct conf *c = core_conf();
    if (with_table && c->publish[0])
        publish();
    else
        state_save(c->state_file);
    conf_unref(c);
}

static void publish_now(struct loop *l, void *arg)
{
    (void)l, (void)arg;
    publish_timer = 0;
    if (save_timer) { /* the publish saves first */
        loop_cancel(loop, save_timer);
        save_timer = 0;
    }
    writer_request(1);
}

static void schedule(uint64_t *timer, unsigned ms, loop_timer_cb cb)
{
    if (!*timer)
        *timer = loop_timer(loop, ms, cb, NULL);
}

/* Saves within ms, unless a save is already due sooner. */
static void schedule_save(unsigned ms)
{
    uint64_t due = util_now_ms() + ms;

    if (save_timer && save_due <= due)
        return;
    if (save_timer)
        loop_cancel(loop, save_timer);
    save_due = due;
    save_timer = loop_timer(loop, ms, save_now, NULL);
}

/* A verdict made here (via probe) or by another node (via fleet): cached,
 * logged once per change, published and saved. */
static void take(const char *domain, const struct verdict_info *vi, uint64_t made_ms,
                 int64_t made_wall, const char *via)
{
    struct conf *c = core_conf();
    const struct conf_domain *listed = conf_match_normalized(c, domain);
    struct core_answer a, before;
    struct cache_rec r;

    int had = cache_peek(domain, &r) && r.have;
    answer(c, listed, had ? &r : NULL, &before);
    int changed = cache_store(domain, vi, made_ms, made_wall);
    if (changed && cache_peek(domain, &r)) {
        answer(c, listed, &r, &a);
        core_log_decision(NULL, domain, &a, via);
        /* Also when a route goes away: the table must not keep it. */
        if (c->publish[0])
            schedule(&publish_timer, PUBLISH_DELAY_MS, publish_now);
        int moved = strcmp(a.route, before.route) != 0;
        schedule_save(moved ? SAVE_ROUTE_DELAY_MS : SAVE_DELAY_MS);
        if (moved && c->rescue && a.rewrite && a.route[0])
            rescue_route(loop, c, domain, a.route);
    }
    conf_unref(c);
}

static void on_probe_done(void *arg, const char *domain, const struct verdict_info *vi,
                          const struct probe_result *local)
{
    (void)arg;

    metrics_probe(vi->verdict, local && local->local_down, local ? local->ms : 0);
    if (vi->verdict == VERDICT_UNKNOWN || (local && local->local_down)) {
        /* No verdict of the domain from a resolver that cannot resolve
         * the root: it would blame every domain for the resolver. */
        if (local && local->local_down)
            health_report_down(vi->evidence);
        cache_abandon(domain);
        return;
    }
    explain_store_record(domain, vi, local);
    int64_t wall = util_wall_s();
    take(domain, vi, util_now_ms(), wall, "probe");
    fleet_share(domain, vi, wall);
}

/* Another node's verdict keeps its age, so every node rechecks it at about
 * the same time; one this node made later wins. */
static void fleet_learned(const char *domain, const struct verdict_info *vi, int64_t made)
{
    struct cache_rec r;
    int64_t age = util_wall_s() - made;
    uint64_t now = util_now_ms(), age_ms = age > 0 ? (uint64_t)age * 1000u : 0;

    if (cache_peek(domain, &r) && r.have && r.made_wall > made)
        return;
    take(domain, vi, age_ms < now ? now - age_ms : 0, made, "fleet");
}

static void start_probe(const char *domain)
{
    nprobes++;
    probe_start(engine, domain, on_probe_done, NULL);
}

static void refill(const struct conf *c, uint64_t now)
{
    double per_ms = (double)c->rate_count / (double)c->rate_per_ms;
    tokens += (double)(now - tokens_at) * per_ms;
    if (tokens > c->rate_count)
        tokens = c->rate_count;
    tokens_at = now;
}

/* Each loop turn: start queued probes as the flood guard allows. */
static int drain(struct loop *l, void *arg)
{
    struct conf *c = core_conf();
    int wait = -1, more;
    (void)l, (void)arg;

    pthread_mutex_lock(&queue_lock);
    more = queues[0].len + queues[1].len > 0;
    pthread_mutex_unlock(&queue_lock);
    refill(c, util_now_ms());
    while (tokens >= 1.0) {
        struct work *w;
        pthread_mutex_lock(&queue_lock);
        w = fifo_pop(&queues[0]);
        if (!w)
            w = fifo_pop(&queues[1]);
        more = queues[0].len + queues[1].len > 0;
        pthread_mutex_unlock(&queue_lock);
        if (!w)
            break;
        /* The second copy of a promoted domain costs no token. */
        if (cache_take(w->domain)) {
            tokens -= 1.0;
            fleet_want(w->domain, probe_budget_ms(engine));
        }
        free(w);
    }
    if (more && tokens < 1.0)
        wait = (int)((1.0 - tokens) * (double)c->rate_per_ms / (double)c->rate_count) + 1;
    if (old_engine && probe_running(old_engine) == 0) {
        probe_engine_free(old_engine);
        old_engine = NULL;
    }
    conf_unref(c);
    return wait;
}

static struct probe_engine *current_engine(void)
{
    return engine;
}

/* Every answer changes with the state: the table must follow, and what
 * was learned during the outage is not trusted after it. */
static void on_health(int down)
{
    struct conf *c = core_conf();
    uint64_t since;

    if (down)
        note_own_addresses();
    health_down(&since, NULL, 0);
    __atomic_store_n(&resolver_down, down, __ATOMIC_RELAXED);
    if (!down) {
        size_t n = cache_forget_since(since);
        if (n)
            log_info("forgot %zu verdicts made while the local resolver was down", n);
    }
    if (c->publish[0])
        schedule(&publish_timer, 0, publish_now);
    schedule_save(SAVE_ROUTE_DELAY_MS);
    conf_unref(c);
}

int core_start(struct loop *l, struct conf *c)
{
    char err[256];

    loop = l;
    conf_now = conf_ref(c);
    cache_init(1u << 16);
    cache_set_max(c->max_cached);
    engine = probe_engine_new(l, c, err, sizeof(err));
    if (!engine) {
        log_err("probe engine: %s", err);
        return -1;
    }
    tokens = c->rate_count;
    tokens_at = started_ms = util_now_ms();
    long n = state_load(c->state_file, c->recheck_ms);
    if (n > 0)
        log_info("state file %s: %ld verdicts loaded", c->state_file, n);
    loop_hook(l, drain, NULL);
    health_start(l, c->check_interval_ms, current_engine, on_health);
    fleet_start(l, c, fleet_learned, start_probe);
    publish_run_as(c->user);
    if (c->publish[0])
        publish(); /* empty or from the state, before any answer */
    return writer_start(write_job);
}

void core_reload(struct conf *c)
{
    char err[256];
    struct conf *old;
    struct probe_engine *e = probe_engine_new(loop, c, err, sizeof(err));

    if (!e) {
        log_err("reload: probe engine: %s; keeping the old resolvers", err);
    } else {
        /* Probes in flight finish on the old engine; drain() frees it. */
        if (old_engine)
            probe_engine_free(old_engine);
        old_engine = engine;
        engine = e;
    }
    pthread_mutex_lock(&conf_lock);
    old = conf_now;
    conf_now = conf_ref(c);
    pthread_mutex_unlock(&conf_lock);
    conf_unref(old);
    log_set_level(c->log_level);
    cache_set_max(c->max_cached);
    health_set_interval(c->check_interval_ms);
    fleet_reload(c);
    if (c->publish[0])
        schedule(&publish_timer, 0, publish_now);
}

void core_stop(void)
{
    struct conf *c = core_conf();
    health_stop();
    fleet_stop();
    writer_stop(); /* what it has pending is written below anyway */
    /* One save: publish() saves the state before the table. */
    long n = c->publish[0] ? publish() : state_save(c->state_file);
    if (n >= 0 && c->state_file[0])
        log_info("state file %s: %ld verdicts saved", c->state_file, n);
    rescue_stop();
    conf_unref(c);
    probe_engine_free(old_engine);
    probe_engine_free(engine);
    old_engine = engine = NULL;
    explain_store_clear();
}

/* ---- control verbs ---- */

char *core_status_text(void)
{
    struct exporter x = {0};
    char text[2048];
    size_t queued, counts[VERDICT__COUNT];

    x.c = core_conf();
    /* Kept up to date by the cache: no walk of it under its lock. */
    size_t cached = cache_verdict_counts(counts);
    pthread_mutex_lock(&queue_lock);
    queued = queues[0].len + queues[1].len;
    pthread_mutex_unlock(&queue_lock);
    size_t p = (size_t)snprintf(
        text, sizeof(text),
        "uptime: %llus\nconfig: %s\nmode: %s\nlisted domains: %zu\ncached domains: %zu (%zu "
        "bytes)\nprobes: %lu started, %u running, %zu queued, %lu skipped\n"
        "local resolvers: %s\nexternal resolvers: %s\nlisteners: milter=%s socketmap=%s "
        "policy=%s control=%s\nverdicts:",
        (unsigned long long)((util_now_ms() - started_ms) / 1000), x.c->path,
        x.c->mode == MODE_REWRITE ? "rewrite" : "tag", x.c->ndomains, cached, cache_bytes(),
        nprobes, probe_running(engine), queued, __atomic_load_n(&nskipped, __ATOMIC_RELAXED),
        x.c->local_system ? "system" : probe_local_servers(engine),
        x.c->nexternal ? probe_external_servers(engine) : "none",
        x.c->listen_milter[0] ? x.c->listen_milter : "off",
        x.c->listen_socketmap[0] ? x.c->listen_socketmap : "off",
        x.c->listen_policy[0] ? x.c->listen_policy : "off",
        x.c->listen_control[0] ? x.c->listen_control : "off");
    for (int v = 0; v < VERDICT__COUNT && p < sizeof(text); v++)
        if (counts[v])
            p += (size_t)snprintf(text + p, sizeof(text) - p, " %s=%zu",
                                  verdict_name((enum verdict)v), counts[v]);
    if (p < sizeof(text) - 1)
        p += (size_t)snprintf(text + p, sizeof(text) - p, "\n");
    uint64_t since;
    char why[160];
    if (health_down(&since, why, sizeof(why)))
        snprintf(text + p, sizeof(text) - p, "local resolver: down for %llus (%s)\n",
                 (unsigned long long)((util_now_ms() - since) / 1000), why);
    else if (p < sizeof(text))
        snprintf(text + p, sizeof(text) - p, "local resolver: up\n");
    p = strlen(text);
    fleet_status(text + p, sizeof(text) - p);
    conf_unref((struct conf *)x.c);
    return xstrdup(text);
}

char *core_lookup_text(const char *domain)
{
    struct core_answer a;
    char text[2048];

    core_lookup(domain, &a);
    snprintf(text, sizeof(text),
             "domain: %s\nverdict: %s\nroute: %s\nevidence: %s\nage: %llus\nprobing: %s\n%s%s%s",
             domain, a.verdict, a.route[0] && a.rewrite ? a.route : "none",
             a.evidence[0] ? a.evidence : "-", (unsigned long long)(a.age_ms / 1000),
             a.probing ? "yes" : "no", a.note[0] ? "note: " : "", a.note, a.note[0] ? "\n" : "");
    return xstrdup(text);
}

size_t core_flush(const char *domain)
{
    size_t n = cache_forget(domain);
    struct conf *c = core_conf();
    if (c->publish[0])
        schedule(&publish_timer, PUBLISH_DELAY_MS, publish_now);
    if (domain) {
        struct core_answer a;
        core_lookup(domain, &a); /* re-probe now */
    }
    conf_unref(c);
    return n;
}
