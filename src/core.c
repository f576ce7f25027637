/*
 * core - see core.h and core_daemon.h.  This file runs the core: the
 * config snapshot, start, reload and stop, the probes (a domain that
 * core_answer.c found unknown or stale goes through the flood guard of
 * core_queue.c; the loop thread drains it), and what a verdict sets off
 * once made here or by another node (take(): cached, logged once per
 * change, the table published, the state saved soon).  The answers are
 * core_answer.c's, the control verbs' text core_text.c's.
 */
#include "core_int.h"
#include "core_daemon.h"
#include "core_queue.h"
#include "cache.h"
#include "explain_store.h"
#include "fleet.h"
#include "health.h"
#include "writer.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "probe.h"
#include "publish.h"
#include "rescue.h"
#include "state.h"
#include "util.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* A learned route is saved within a second: publish mode republishes from
 * the state after a crash, and a route lost there is mail stuck again. */
#define SAVE_DELAY_MS       30000
#define SAVE_ROUTE_DELAY_MS 1000
#define PUBLISH_DELAY_MS    200

static pthread_mutex_t conf_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conf *conf_now;
static struct loop *loop;
static struct probe_engine *engine, *old_engine;

static uint64_t started_ms, save_timer, save_due, publish_timer;
static unsigned long nprobes;

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

void core_want_probe(const char *domain, const struct conf *c, int want)
{
    enum cq_lane lane = want == CACHE_PROBE_NEW ? CQ_NEW : CQ_FIRST;
    unsigned long n;

    if (cq_push(domain, lane, c->max_pending) == 0) {
        loop_wake(loop);
        return;
    }
    if (want == CACHE_PROBE_PROMOTE) /* a promoted one still waits in the other lane */
        return;
    uint64_t now = util_now_ms();
    cache_skip(domain, now);
    if ((n = cq_note_skip(now)) > 0)
        log_info("domain=%s verdict=unknown reason=\"probe skipped: max_pending %u reached\" "
                 "skipped=%lu",
                 domain, c->max_pending, n);
}

/* ---- loop thread ---- */

static void save_now(struct loop *l, void *arg)
{
    (void)l, (void)arg;
    save_timer = 0;
    writer_request(0);
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

void core_publish_soon(const struct conf *c)
{
    if (c->publish[0])
        schedule(&publish_timer, PUBLISH_DELAY_MS, publish_now);
}

void core_figures(struct core_figures *f)
{
    f->started_ms = started_ms;
    f->probes_started = nprobes;
    f->probes_running = probe_running(engine);
    f->local_servers = probe_local_servers(engine);
    f->external_servers = probe_external_servers(engine);
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
    core_answer_of(c, listed, had ? &r : NULL, &before);
    int changed = cache_store(domain, vi, made_ms, made_wall);
    if (changed && cache_peek(domain, &r)) {
        core_answer_of(c, listed, &r, &a);
        core_log_decision(NULL, domain, &a, via);
        /* Also when a route goes away: the table must not keep it. */
        core_publish_soon(c);
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

/* cq_drain()'s start: the second copy of a promoted domain finds its
 * probe already taken and costs no token. */
static int take_work(const char *domain)
{
    if (!cache_take(domain))
        return 0;
    fleet_want(domain, probe_budget_ms(engine));
    return 1;
}

/* Each loop turn: start queued probes as the flood guard allows. */
static int drain(struct loop *l, void *arg)
{
    struct conf *c = core_conf();
    (void)l, (void)arg;

    int wait = cq_drain(c->rate_count, c->rate_per_ms, util_now_ms(), take_work);
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

    health_down(&since, NULL, 0);
    core_answer_set_down(down);
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
    started_ms = util_now_ms();
    cq_reset(c->rate_count, started_ms);
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
    cq_reset(0, 0); /* what was still queued is not probed */
    explain_store_clear();
}
