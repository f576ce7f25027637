/*
 * metrics - see metrics.h.  Each counter is a uint64_t bumped with a
 * relaxed atomic add: a scrape may see one family a probe ahead of
 * another, never a torn or lost count.  The histogram keeps one count per
 * bucket (not cumulative), so a probe costs two adds; the scrape sums
 * them, and takes _count from the same snapshot so that the +Inf bucket
 * and _count always agree.
 */
#include "metrics.h"
#include "core.h"
#include "util.h"
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum metrics_answer { ANSWER_ROUTE, ANSWER_TAG, ANSWER_NONE, ANSWER_UNKNOWN, ANSWER__COUNT };

/* Probe results: the verdicts, then two that keep no verdict. */
#define RESULT_LOCAL_DOWN VERDICT__COUNT
#define RESULT__COUNT     (VERDICT__COUNT + 1)

/* Upper bounds in ms: a healthy probe takes a few ms from a warm resolver,
 * a broken one runs into the timeouts (seconds), the re-ask doubles it. */
static const unsigned bucket_ms[] = {10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000};
#define NBUCKETS (sizeof(bucket_ms) / sizeof(bucket_ms[0]) + 1) /* + the +Inf one */

static const char *const frontend_names[CORE__FRONTENDS] = {"socketmap", "policy", "milter"};
static const char *const answer_names[ANSWER__COUNT] = {"route", "tag", "none", "unknown"};

static uint64_t lookups[CORE__FRONTENDS][ANSWER__COUNT];
static uint64_t probes[RESULT__COUNT];
static uint64_t probe_buckets[NBUCKETS];
static uint64_t probe_ms_sum;
static uint64_t publishes[2]; /* [0] error, [1] ok */
static int fleet_up;

static void bump(uint64_t *n, uint64_t by)
{
    __atomic_add_fetch(n, by, __ATOMIC_RELAXED);
}

static uint64_t get(const uint64_t *n)
{
    return __atomic_load_n(n, __ATOMIC_RELAXED);
}

/* route: the MTA may be given a route; tag: a route exists, but
 * routing.mode is tag; unknown: no verdict yet (the mail goes the usual
 * way while the probe runs); none: known, and no route needed. */
void metrics_lookup(enum core_frontend f, const struct core_answer *a)
{
    enum metrics_answer kind = a->route[0] ? (a->rewrite ? ANSWER_ROUTE : ANSWER_TAG)
                               : !a->known ? ANSWER_UNKNOWN
                                           : ANSWER_NONE;
    if ((unsigned)f < CORE__FRONTENDS)
        bump(&lookups[f][kind], 1);
}

void metrics_probe(enum verdict v, int local_down, unsigned ms)
{
    size_t b = 0;

    if (local_down)
        bump(&probes[RESULT_LOCAL_DOWN], 1);
    else if ((unsigned)v < VERDICT__COUNT)
        bump(&probes[v], 1);
    if (v == VERDICT_UNKNOWN && !local_down)
        return; /* cancelled: its time says nothing of DNS */
    while (b < NBUCKETS - 1 && ms > bucket_ms[b])
        b++;
    bump(&probe_buckets[b], 1);
    bump(&probe_ms_sum, ms);
}

void metrics_publish(int ok)
{
    bump(&publishes[ok ? 1 : 0], 1);
}

void metrics_set_fleet_up(int up)
{
    __atomic_store_n(&fleet_up, up ? 1 : 0, __ATOMIC_RELAXED);
}

/* ---- exposition ---- */

struct out {
    char *buf;
    size_t len, cap;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
        va_end(ap);
        if (n < 0)
            return;
        if ((size_t)n < o->cap - o->len)
            break;
        o->cap = (o->len + (size_t)n + 1) * 2;
        o->buf = xrealloc(o->buf, o->cap);
    }
    o->len += (size_t)n;
}

static void family(struct out *o, const char *name, const char *type, const char *help)
{
    put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static const char *result_name(size_t r)
{
    if (r == RESULT_LOCAL_DOWN)
        return "local-down";
    return r == VERDICT_UNKNOWN ? "cancelled" : verdict_name((enum verdict)r);
}

static void render_counters(struct out *o)
{
    family(o, "mxdetour_lookups_total", "counter",
           "Decisions given to the MTA per recipient domain, by front-end and answer.");
    for (int f = 0; f < CORE__FRONTENDS; f++)
        for (int a = 0; a < ANSWER__COUNT; a++)
            put(o, "mxdetour_lookups_total{frontend=\"%s\",answer=\"%s\"} %llu\n",
                frontend_names[f], answer_names[a], (unsigned long long)get(&lookups[f][a]));
    family(o, "mxdetour_probes_total", "counter",
           "Probes ended, by the verdict made (cancelled: by a reload or the stop; local-down: "
           "the local resolver failed, no verdict kept).");
    for (size_t r = 0; r < RESULT__COUNT; r++)
        if (r != VERDICT_LISTED) /* a config entry, never a probe's result */
            put(o, "mxdetour_probes_total{result=\"%s\"} %llu\n", result_name(r),
                (unsigned long long)get(&probes[r]));
    family(o, "mxdetour_probe_duration_seconds", "histogram",
           "Time from the start of a probe to its verdict.");
    uint64_t cum = 0;
    for (size_t b = 0; b < NBUCKETS; b++) {
        cum += get(&probe_buckets[b]);
        if (b < NBUCKETS - 1)
            put(o, "mxdetour_probe_duration_seconds_bucket{le=\"%g\"} %llu\n",
                bucket_ms[b] / 1000.0, (unsigned long long)cum);
        else
            put(o, "mxdetour_probe_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                (unsigned long long)cum);
    }
    put(o, "mxdetour_probe_duration_seconds_sum %.3f\n", (double)get(&probe_ms_sum) / 1000.0);
    put(o, "mxdetour_probe_duration_seconds_count %llu\n", (unsigned long long)cum);
    family(o, "mxdetour_publish_total", "counter",
           "Writes of routing.publish (postmap included), by result.");
    put(o, "mxdetour_publish_total{result=\"ok\"} %llu\n", (unsigned long long)get(&publishes[1]));
    put(o, "mxdetour_publish_total{result=\"error\"} %llu\n",
        (unsigned long long)get(&publishes[0]));
}

static void render_gauges(struct out *o, const struct metrics_gauges *g)
{
    family(o, "mxdetour_verdicts", "gauge", "Cached domains by verdict (unknown: no verdict yet).");
    for (int v = 0; v < VERDICT__COUNT; v++)
        if (v != VERDICT_LISTED) /* listed domains live in the config, not the cache */
            put(o, "mxdetour_verdicts{verdict=\"%s\"} %zu\n", verdict_name((enum verdict)v),
                g->verdicts[v]);
    family(o, "mxdetour_cache_entries", "gauge", "Domains in the verdict cache.");
    put(o, "mxdetour_cache_entries %zu\n", g->entries);
    family(o, "mxdetour_resolver_up", "gauge",
           "1 while the resolver answers its canary checks, 0 while it is down.");
    put(o, "mxdetour_resolver_up{resolver=\"local\"} %d\n", g->resolver_up ? 1 : 0);
    /* Set by the fleet module while its Redis connection is up; without
     * fleet.redis it stays 0. */
    family(o, "mxdetour_fleet_up", "gauge", "1 while the fleet's Redis server is connected.");
    put(o, "mxdetour_fleet_up %d\n", __atomic_load_n(&fleet_up, __ATOMIC_RELAXED));
}

char *metrics_render(const struct metrics_gauges *g, size_t *len)
{
    struct out o = {xmalloc(8192), 0, 8192};

    o.buf[0] = '\0';
    render_counters(&o);
    render_gauges(&o, g);
    *len = o.len;
    return o.buf;
}
