/*
 * test_cache_state - the verdict cache (src/cache.c) and the state file
 * (src/state.c).  The cache is one process-wide table: each test starts
 * from an empty one (reset()), and times are passed in explicitly, so no
 * test depends on the clock except where the state file's ages are checked
 * against util_now_ms().  cache_wait() is exercised with a second thread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cache.h"
#include "log.h"
#include "state.h"
#include "util.h"
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HOUR 3600000u

static char tmpdir[512];
static size_t bytes_empty;

struct names {
    char (*name)[256];
    size_t n, cap;
};

static void collect(void *arg, const char *domain, const struct cache_rec *r)
{
    struct names *ns = arg;
    (void)r;
    if (ns->n == ns->cap) {
        ns->cap = ns->cap ? 2 * ns->cap : 64;
        ns->name = xrealloc(ns->name, ns->cap * sizeof(ns->name[0]));
    }
    snprintf(ns->name[ns->n++], sizeof(ns->name[0]), "%s", domain);
}

/* Empties the cache: entries of running probes are finished first, since
 * cache_forget() keeps those. */
static int reset(void **state)
{
    struct names ns = {NULL, 0, 0};
    struct verdict_info vi;

    (void)state;
    memset(&vi, 0, sizeof(vi));
    vi.verdict = VERDICT_HEALTHY;
    cache_each(collect, &ns);
    for (size_t i = 0; i < ns.n; i++)
        cache_store(ns.name[i], &vi, 0, 0);
    free(ns.name);
    cache_forget(NULL);
    cache_set_max(1000000);
    return cache_count() == 0 ? 0 : -1;
}

static void mkvi(struct verdict_info *vi, enum verdict v, int pinnable, const char *pin,
                 const char *host, const char *evidence)
{
    memset(vi, 0, sizeof(*vi));
    vi->verdict = v;
    vi->pinnable = pinnable;
    snprintf(vi->pin, sizeof(vi->pin), "%s", pin);
    snprintf(vi->host, sizeof(vi->host), "%s", host);
    snprintf(vi->evidence, sizeof(vi->evidence), "%s", evidence);
}

static void test_lookup_probes_once(void **state)
{
    struct cache_rec r;
    int want = -1;

    (void)state;
    assert_int_equal(cache_lookup("a.example", HOUR, 1000, &r, &want), 0);
    assert_int_equal(want, 1);
    assert_int_equal(r.have, 0);
    assert_int_equal(r.probing, 1);
    /* Asked again later while it waits: promoted once (see test_promote_take). */
    for (uint64_t now = 1000; now < 1000 + 3 * HOUR; now += HOUR / 2) {
        want = -1;
        assert_int_equal(cache_lookup("a.example", HOUR, now, &r, &want), 0);
        assert_int_equal(want, now == 1000 + HOUR / 2 ? CACHE_PROBE_PROMOTE : CACHE_PROBE_NO);
        assert_int_equal(r.probing, 1);
    }
    /* Another domain is independent; a NULL record is allowed. */
    assert_int_equal(cache_lookup("b.example", HOUR, 1000, NULL, &want), 0);
    assert_int_equal(want, 1);
    assert_int_equal(cache_count(), 2);
}

static void test_store_then_lookup(void **state)
{
    struct verdict_info vi;
    struct cache_rec r;
    int want = -1;

    (void)state;
    assert_int_equal(cache_lookup("c.example", HOUR, 1000, &r, &want), 0);
    assert_int_equal(want, 1);
    mkvi(&vi, VERDICT_AAAA_IGNORED, 1, "192.0.2.10 192.0.2.20", "mx1.c.example",
         "AAAA mx1.c.example timeout 2x2s @192.0.2.53");
    vi.confirmed = 1;
    vi.slow_ms = 7;
    assert_int_equal(cache_store("c.example", &vi, 2000, 1700000000), 1);
    assert_int_equal(cache_lookup("c.example", HOUR, 2000 + HOUR - 1, &r, &want), 1);
    assert_int_equal(want, 0);
    assert_int_equal(r.have, 1);
    assert_int_equal(r.probing, 0);
    assert_int_equal(r.skipped, 0);
    assert_int_equal(r.made_ms, 2000);
    assert_int_equal(r.made_wall, 1700000000);
    assert_int_equal(r.vi.verdict, VERDICT_AAAA_IGNORED);
    assert_int_equal(r.vi.confirmed, 1);
    assert_int_equal(r.vi.pinnable, 1);
    assert_int_equal(r.vi.slow_ms, 7);
    assert_string_equal(r.vi.pin, "192.0.2.10 192.0.2.20");
    assert_string_equal(r.vi.host, "mx1.c.example");
    assert_string_equal(r.vi.evidence, "AAAA mx1.c.example timeout 2x2s @192.0.2.53");
}

/* A stale verdict is re-probed once while the old one is still served. */
static void test_recheck(void **state)
{
    struct verdict_info vi;
    struct cache_rec r;
    int want = -1;

    (void)state;
    mkvi(&vi, VERDICT_HEALTHY, 1, "192.0.2.1", "", "1 MX host answered, slowest 3ms");
    assert_int_equal(cache_store("d.example", &vi, 10000, 1), 1);
    assert_int_equal(cache_lookup("d.example", HOUR, 10000 + HOUR - 1, &r, &want), 1);
    assert_int_equal(want, 0);
    assert_int_equal(cache_lookup("d.example", HOUR, 10000 + HOUR, &r, &want), 1);
    assert_int_equal(want, CACHE_PROBE_AGAIN); /* a known domain goes first */
    assert_int_equal(r.probing, 1);
    assert_int_equal(r.vi.verdict, VERDICT_HEALTHY);
    assert_string_equal(r.vi.pin, "192.0.2.1");
    assert_int_equal(cache_lookup("d.example", HOUR, 10000 + 2 * HOUR, &r, &want), 1);
    assert_int_equal(want, 0);
    assert_int_equal(r.vi.verdict, VERDICT_HEALTHY);
    /* The re-probe's answer replaces it. */
    mkvi(&vi, VERDICT_AAAA_ERROR, 1, "192.0.2.1", "mx.d.example", "x");
    assert_int_equal(cache_store("d.example", &vi, 10000 + 2 * HOUR, 2), 1);
    assert_int_equal(cache_lookup("d.example", HOUR, 10000 + 2 * HOUR + 1, &r, &want), 1);
    assert_int_equal(want, 0);
    assert_int_equal(r.probing, 0);
    assert_int_equal(r.vi.verdict, VERDICT_AAAA_ERROR);
    /* recheck 0: every lookup re-probes, but only when none is running. */
    assert_int_equal(cache_lookup("d.example", 0, 10000 + 2 * HOUR + 1, &r, &want), 1);
    assert_int_equal(want, CACHE_PROBE_AGAIN);
    assert_int_equal(cache_lookup("d.example", 0, 10000 + 2 * HOUR + 2, &r, &want), 1);
    assert_int_equal(want, 0);
}

/* cache_store says "changed" when the verdict, pinnable or the pin list
 * changed; evidence, host, confirmed and slow_ms alone are no change. */
static void test_store_changes(void **state)
{
    static const struct {
        const char *what;
        enum verdict v;
        int pinnable, confirmed;
        unsigned slow_ms;
        const char *pin, *host, *evidence;
        int changed;
    } rows[] = {
        {"first", VERDICT_HEALTHY, 1, 0, 3, "192.0.2.1", "", "ev1", 1},
        {"same", VERDICT_HEALTHY, 1, 0, 3, "192.0.2.1", "", "ev1", 0},
        {"evidence", VERDICT_HEALTHY, 1, 0, 3, "192.0.2.1", "", "ev2", 0},
        {"slow_ms", VERDICT_HEALTHY, 1, 0, 900, "192.0.2.1", "", "ev2", 0},
        {"verdict", VERDICT_AAAA_IGNORED, 1, 0, 0, "192.0.2.1", "mx1", "ev3", 1},
        {"host", VERDICT_AAAA_IGNORED, 1, 0, 0, "192.0.2.1", "mx2", "ev3", 0},
        {"confirmed", VERDICT_AAAA_IGNORED, 1, 1, 0, "192.0.2.1", "mx2", "ev3", 0},
        {"pin added", VERDICT_AAAA_IGNORED, 1, 1, 0, "192.0.2.1 192.0.2.2", "mx2", "ev3", 1},
        {"pin order", VERDICT_AAAA_IGNORED, 1, 1, 0, "192.0.2.2 192.0.2.1", "mx2", "ev3", 1},
        {"pinnable", VERDICT_AAAA_IGNORED, 0, 1, 0, "192.0.2.2 192.0.2.1", "mx2", "ev3", 1},
        {"pin gone", VERDICT_AAAA_IGNORED, 0, 1, 0, "", "mx2", "ev3", 1},
        {"same again", VERDICT_AAAA_IGNORED, 0, 1, 0, "", "mx2", "ev3", 0},
        {"error", VERDICT_AAAA_ERROR, 0, 1, 0, "", "mx2", "ev3", 1},
        {"local-dns-down", VERDICT_LOCAL_DNS_DOWN, 0, 1, 0, "", "mx2", "ev3", 1},
    };
    int bad = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct verdict_info vi;
        struct cache_rec r;
        int want, got;

        mkvi(&vi, rows[i].v, rows[i].pinnable, rows[i].pin, rows[i].host, rows[i].evidence);
        vi.confirmed = rows[i].confirmed;
        vi.slow_ms = rows[i].slow_ms;
        got = cache_store("e.example", &vi, 1000 + i, (int64_t)i);
        if (got != rows[i].changed) {
            print_error("%s: changed %d, want %d\n", rows[i].what, got, rows[i].changed);
            bad = 1;
        }
        /* Whatever "changed" says, the record now holds the new values. */
        cache_lookup("e.example", HOUR, 1000 + i, &r, &want);
        if (r.vi.verdict != rows[i].v || strcmp(r.vi.pin, rows[i].pin) != 0 ||
            strcmp(r.vi.host, rows[i].host) != 0 || strcmp(r.vi.evidence, rows[i].evidence) ||
            r.vi.confirmed != rows[i].confirmed || r.vi.slow_ms != rows[i].slow_ms) {
            print_error("%s: record not updated\n", rows[i].what);
            bad = 1;
        }
    }
    assert_int_equal(bad, 0);
}

/* A flood-guard skip of a domain never seen stores nothing (a flood of
 * made-up names must not fill the table); the small skip set remembers
 * it, so the MTA asking again later gets the first queue. */
static void test_skip(void **state)
{
    struct cache_rec r;
    int want;

    (void)state;
    cache_lookup("f.example", HOUR, 5000, &r, &want);
    assert_int_equal(want, CACHE_PROBE_NEW);
    cache_skip("f.example", 5000);
    assert_int_equal(cache_count(), 0);
    /* The lookups of the same delivery attempt: no new try. */
    assert_int_equal(cache_lookup("f.example", HOUR, 5000 + CACHE_AGAIN_MS - 1, &r, &want), 0);
    assert_int_equal(want, CACHE_PROBE_NO);
    assert_int_equal(r.probing, 0);
    assert_int_equal(cache_count(), 0);
    /* The MTA retries: a probe, first in line. */
    assert_int_equal(cache_lookup("f.example", HOUR, 5000 + CACHE_AGAIN_MS, &r, &want), 0);
    assert_int_equal(want, CACHE_PROBE_AGAIN);
    assert_int_equal(r.probing, 1);
    assert_int_equal(cache_count(), 1);
    /* Skipping an unknown domain creates nothing. */
    cache_skip("never.example", 5000);
    assert_int_equal(cache_count(), 1);
}

/* A re-probe the flood guard refused keeps the old verdict and is not
 * asked for again for a minute. */
static void test_skip_known(void **state)
{
    struct verdict_info vi;
    struct cache_rec r;
    int want;

    (void)state;
    mkvi(&vi, VERDICT_AAAA_IGNORED, 1, "192.0.2.1", "mx", "ev");
    cache_store("k.example", &vi, 1000, 1);
    assert_int_equal(cache_lookup("k.example", HOUR, 1000 + HOUR, &r, &want), 1);
    assert_int_equal(want, CACHE_PROBE_AGAIN);
    cache_skip("k.example", 1000 + HOUR);
    assert_int_equal(cache_lookup("k.example", HOUR, 1000 + HOUR + 59999, &r, &want), 1);
    assert_int_equal(want, CACHE_PROBE_NO);
    assert_int_equal(r.skipped, 1);
    assert_int_equal(r.vi.verdict, VERDICT_AAAA_IGNORED);
    assert_int_equal(cache_lookup("k.example", HOUR, 1000 + HOUR + 60000, &r, &want), 1);
    assert_int_equal(want, CACHE_PROBE_AGAIN);
}

/* A domain waiting as a first probe and asked again later is promoted
 * once; the loop starts it once (cache_take says no to the second copy). */
static void test_promote_take(void **state)
{
    int want;

    (void)state;
    cache_lookup("p.example", HOUR, 1000, NULL, &want);
    assert_int_equal(want, CACHE_PROBE_NEW);
    cache_lookup("p.example", HOUR, 1000 + CACHE_AGAIN_MS - 1, NULL, &want);
    assert_int_equal(want, CACHE_PROBE_NO);
    cache_lookup("p.example", HOUR, 1000 + CACHE_AGAIN_MS, NULL, &want);
    assert_int_equal(want, CACHE_PROBE_PROMOTE);
    cache_lookup("p.example", HOUR, 1000 + 9 * CACHE_AGAIN_MS, NULL, &want);
    assert_int_equal(want, CACHE_PROBE_NO);
    assert_int_equal(cache_take("p.example"), 1);
    assert_int_equal(cache_take("p.example"), 0);
    assert_int_equal(cache_take("nothere.example"), 0);
    /* Started: no longer waiting, so no promotion either. */
    cache_lookup("p.example", HOUR, 1000 + 20 * CACHE_AGAIN_MS, NULL, &want);
    assert_int_equal(want, CACHE_PROBE_NO);
    cache_abandon("p.example");
    assert_int_equal(cache_take("p.example"), 0);
}

/* Past probe.max_cached, the least recently used verdicts go; a running
 * probe keeps its entry. */
static void test_bound(void **state)
{
    struct verdict_info vi;
    char name[64];
    int want;

    (void)state;
    cache_set_max(100);
    mkvi(&vi, VERDICT_HEALTHY, 0, "", "", "ev");
    cache_lookup("running.example", HOUR, 1, NULL, &want);
    for (unsigned i = 0; i < 99; i++) {
        snprintf(name, sizeof(name), "b%u.example", i);
        cache_store(name, &vi, 1, 1);
    }
    assert_int_equal(cache_count(), 100);
    assert_int_equal(cache_lookup("b0.example", HOUR, 2, NULL, &want), 1); /* used */
    for (unsigned i = 99; i < 3000; i++) {
        snprintf(name, sizeof(name), "b%u.example", i);
        cache_store(name, &vi, 1, 1);
        if (i == 99) {
            assert_int_equal(cache_peek("b0.example", &(struct cache_rec){0}), 1);
            assert_int_equal(cache_peek("b1.example", &(struct cache_rec){0}), 0);
        }
    }
    assert_int_equal(cache_count(), 100);
    assert_int_equal(cache_peek("running.example", &(struct cache_rec){0}), 1);
    assert_int_equal(cache_peek("b2999.example", &(struct cache_rec){0}), 1);
    assert_int_equal(cache_peek("b2000.example", &(struct cache_rec){0}), 0);
    /* Lowering the bound evicts at once. */
    cache_set_max(10);
    assert_int_equal(cache_count(), 10);
    cache_set_max(1000000);
}

struct finisher {
    const char *const *domains;
    size_t n;
    int skip; /* cache_skip instead of cache_store */
};

static void *finish(void *arg)
{
    const struct finisher *f = arg;
    struct timespec ts = {0, 20 * 1000000L};
    struct verdict_info vi;

    /* Likely, not necessarily, after the main thread sleeps in cache_wait():
     * the result must be the same either way. */
    nanosleep(&ts, NULL);
    mkvi(&vi, VERDICT_HEALTHY, 0, "", "", "");
    for (size_t i = 0; i < f->n; i++) {
        if (f->skip)
            cache_skip(f->domains[i], 1);
        else
            cache_store(f->domains[i], &vi, 1, 1);
    }
    return NULL;
}

static void test_wait(void **state)
{
    static const char *const doms[] = {"g1.example", "g2.example", "g3.example", "g4.example"};
    struct finisher f = {doms, 2, 0};
    struct verdict_info vi;
    pthread_t t;
    int want;

    (void)state;
    /* Nothing probing: no wait at all. */
    assert_int_equal(cache_wait(doms, 4, 50), 0);
    for (size_t i = 0; i < 4; i++) {
        cache_lookup(doms[i], HOUR, 1, NULL, &want);
        assert_int_equal(want, 1);
    }
    /* Two stored by another thread while we wait for them. */
    assert_int_equal(pthread_create(&t, NULL, finish, &f), 0);
    assert_int_equal(cache_wait(doms, 2, 10000), 0);
    pthread_join(t, NULL);
    /* A flood-guard skip also ends the wait. */
    f.domains = doms + 2;
    f.n = 1;
    f.skip = 1;
    assert_int_equal(pthread_create(&t, NULL, finish, &f), 0);
    assert_int_equal(cache_wait(doms + 2, 1, 10000), 0);
    pthread_join(t, NULL);
    /* Timeout: the count still probing.  g4 runs; g1 is done; g5 unknown. */
    {
        static const char *const mix[] = {"g4.example", "g1.example", "g5.example"};
        assert_int_equal(cache_wait(mix, 3, 50), 1);
    }
    cache_lookup("g1.example", 0, 2, NULL, &want); /* re-probe g1 */
    assert_int_equal(want, CACHE_PROBE_AGAIN);
    {
        static const char *const two[] = {"g4.example", "g1.example"};
        assert_int_equal(cache_wait(two, 2, 50), 2);
        assert_int_equal(cache_wait(two, 2, 0), 2);
    }
    mkvi(&vi, VERDICT_HEALTHY, 0, "", "", "");
    cache_store("g4.example", &vi, 3, 3);
    assert_int_equal(cache_wait(&doms[3], 1, 50), 0);
}

static void test_forget(void **state)
{
    struct verdict_info vi;
    struct cache_rec r;
    int want;

    (void)state;
    mkvi(&vi, VERDICT_AAAA_IGNORED, 1, "192.0.2.1", "mx.h.example", "ev");
    cache_store("h1.example", &vi, 1, 1);
    cache_store("h2.example", &vi, 1, 1);
    cache_store("h3.example", &vi, 1, 1);
    cache_lookup("h4.example", HOUR, 1, NULL, &want); /* probing */
    assert_int_equal(cache_count(), 4);
    assert_int_equal(cache_forget("h1.example"), 1);
    assert_int_equal(cache_forget("h1.example"), 0);
    assert_int_equal(cache_forget("nothere.example"), 0);
    assert_int_equal(cache_forget("h4.example"), 0); /* a running probe stays */
    assert_int_equal(cache_count(), 3);
    assert_int_equal(cache_lookup("h2.example", HOUR, 2, &r, &want), 1);
    assert_int_equal(want, 0);
    /* h1 is gone: unknown again, so probed again. */
    assert_int_equal(cache_lookup("h1.example", HOUR, 2, &r, &want), 0);
    assert_int_equal(want, 1);
    assert_int_equal(r.vi.verdict, VERDICT_UNKNOWN);
    /* NULL forgets all but the running probes (h1, h4). */
    assert_int_equal(cache_forget(NULL), 2);
    assert_int_equal(cache_count(), 2);
    assert_int_equal(cache_lookup("h2.example", HOUR, 2, &r, &want), 0);
}

/* The per-verdict counts (the metrics' gauge) follow every store, change
 * and drop without a walk of the table, and agree with one. */
static void count_walk(void *arg, const char *domain, const struct cache_rec *r)
{
    size_t *counts = arg;
    (void)domain;
    counts[r->have ? r->vi.verdict : VERDICT_UNKNOWN]++;
}

static void expect_counts(size_t healthy, size_t ignored, size_t error, size_t unknown)
{
    size_t got[VERDICT__COUNT], walked[VERDICT__COUNT] = {0};

    assert_int_equal(cache_verdict_counts(got), healthy + ignored + error + unknown);
    assert_int_equal(got[VERDICT_HEALTHY], healthy);
    assert_int_equal(got[VERDICT_AAAA_IGNORED], ignored);
    assert_int_equal(got[VERDICT_AAAA_ERROR], error);
    assert_int_equal(got[VERDICT_UNKNOWN], unknown);
    cache_each(count_walk, walked);
    assert_memory_equal(got, walked, sizeof(got));
}

static void test_verdict_counts(void **state)
{
    struct verdict_info vi;
    int want;

    (void)state;
    expect_counts(0, 0, 0, 0);
    mkvi(&vi, VERDICT_HEALTHY, 0, "", "", "");
    cache_store("k1.example", &vi, 1, 1);
    cache_store("k2.example", &vi, 1, 1);
    cache_store("k2.example", &vi, 2, 2);             /* the same verdict again */
    cache_lookup("k3.example", HOUR, 1, NULL, &want); /* probing: no verdict */
    expect_counts(2, 0, 0, 1);
    mkvi(&vi, VERDICT_AAAA_IGNORED, 1, "192.0.2.1", "mx", "ev");
    cache_store("k2.example", &vi, 3, 3); /* healthy -> aaaa-ignored */
    cache_store("k3.example", &vi, 3, 3); /* unknown -> aaaa-ignored */
    expect_counts(1, 2, 0, 0);
    mkvi(&vi, VERDICT_AAAA_ERROR, 1, "192.0.2.1", "mx", "ev");
    cache_store("k4.example", &vi, 10, 10);
    assert_int_equal(cache_forget("k1.example"), 1);
    expect_counts(0, 2, 1, 0);
    assert_int_equal(cache_forget_since(10), 1); /* k4 */
    expect_counts(0, 2, 0, 0);
    cache_forget(NULL);
    expect_counts(0, 0, 0, 0);
}

struct counter {
    size_t n, healthy;
};

static void count_cb(void *arg, const char *domain, const struct cache_rec *r)
{
    struct counter *c = arg;
    c->n++;
    c->healthy += r->vi.verdict == VERDICT_HEALTHY && strncmp(domain, "d", 1) == 0;
}

/* Past 1024 entries the table grows; every entry stays reachable, and the
 * byte count returns to the empty table's once all are forgotten. */
static void test_many_and_bytes(void **state)
{
    struct verdict_info vi;
    struct counter c = {0, 0};
    char name[64];
    size_t before = cache_bytes();

    (void)state;
    assert_int_equal(before, bytes_empty);
    for (unsigned i = 0; i < 3000; i++) {
        snprintf(name, sizeof(name), "d%u.example", i);
        mkvi(&vi, VERDICT_HEALTHY, 1, i % 2 ? "192.0.2.1" : "", "", name);
        assert_int_equal(cache_store(name, &vi, 1, 1), 1);
        /* Re-storing with other strings must keep the byte count right. */
        mkvi(&vi, VERDICT_HEALTHY, 1, i % 3 ? "192.0.2.1 192.0.2.2" : "", i % 5 ? "mx" : "",
             "evidence");
        cache_store(name, &vi, 1, 1);
    }
    assert_int_equal(cache_count(), 3000);
    assert_true(cache_bytes() > before + 3000 * strlen("d0.example"));
    for (unsigned i = 0; i < 3000; i++) {
        struct cache_rec r;
        int want;
        snprintf(name, sizeof(name), "d%u.example", i);
        assert_int_equal(cache_lookup(name, HOUR, 2, &r, &want), 1);
        assert_int_equal(want, 0);
        assert_string_equal(r.vi.evidence, "evidence");
    }
    cache_each(count_cb, &c);
    assert_int_equal(c.n, 3000);
    assert_int_equal(c.healthy, 3000);
    assert_int_equal(cache_forget(NULL), 3000);
    assert_int_equal(cache_count(), 0);
    /* The table grew, so only the bucket array is bigger. */
    assert_true(cache_bytes() > before);
    bytes_empty = cache_bytes();
    assert_int_equal(bytes_empty % sizeof(void *), 0);
    cache_lookup("x.example", HOUR, 1, NULL, &(int){0});
    assert_true(cache_bytes() > bytes_empty);
}

static void path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
}

static void write_file(const char *p, const char *text, size_t len)
{
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

struct lines {
    char line[16][600];
    size_t n;
};

static int by_text(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void read_sorted(const char *file, struct lines *l)
{
    FILE *f = fopen(file, "r");

    assert_non_null(f);
    for (l->n = 0; l->n < 16 && fgets(l->line[l->n], sizeof(l->line[0]), f); l->n++)
        ;
    fclose(f);
    qsort(l->line, l->n, sizeof(l->line[0]), by_text);
}

static void test_state_round_trip(void **state)
{
    static const struct {
        const char *domain;
        enum verdict v;
        int confirmed, pinnable;
        const char *host, *pin, *evidence;
    } rows[] = {
        {"ignored.example", VERDICT_AAAA_IGNORED, 1, 1, "mx1.ignored.example",
         "192.0.2.10 192.0.2.20", "AAAA mx1.ignored.example timeout 2x2s @192.0.2.53"},
        {"healthy.example", VERDICT_HEALTHY, 0, 0, "", "", ""},
        {"error.example", VERDICT_AAAA_ERROR, 0, 0, "mx.error.example", "",
         "AAAA mx.error.example SERVFAIL @[2001:db8::53]:5353; A nodata"},
        {"mxerr.example", VERDICT_MX_ERROR, 1, 0, "", "", "MX mxerr.example timeout 2x2s @?"},
        {"ldd.example", VERDICT_LOCAL_DNS_DOWN, 0, 1, "mx.ldd.example", "198.51.100.10",
         "AAAA mx.ldd.example timeout 2x2s @192.0.2.53; external 198.51.100.53 healthy"},
        {"nx.example", VERDICT_NXDOMAIN, 0, 0, "", "", "MX nx.example NXDOMAIN @192.0.2.53"},
        {"null.example", VERDICT_NULL_MX, 0, 0, "", "", "MX null.example null MX (RFC 7505) @x"},
    };
    const size_t n = sizeof(rows) / sizeof(rows[0]);
    int64_t wall = util_wall_s();
    char file[512], line[512];
    struct cache_rec r;
    int want;
    FILE *f;

    (void)state;
    path(file, sizeof(file), "verdicts");
    for (size_t i = 0; i < n; i++) {
        struct verdict_info vi;
        mkvi(&vi, rows[i].v, rows[i].pinnable, rows[i].pin, rows[i].host, rows[i].evidence);
        vi.confirmed = rows[i].confirmed;
        cache_store(rows[i].domain, &vi, util_now_ms(), wall - (int64_t)i);
    }
    cache_lookup("probing.example", HOUR, 1, NULL, &want); /* no verdict: not saved */
    assert_int_equal(state_save(file), (long)n);
    f = fopen(file, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof(line), f));
    assert_string_equal(line, "mxdetour-state 1\n");
    fclose(f);
    /* No temp file left behind. */
    path(line, sizeof(line), "verdicts.tmp.");
    snprintf(line + strlen(line), sizeof(line) - strlen(line), "%ld", (long)getpid());
    assert_int_equal(access(line, F_OK), -1);

    assert_int_equal(reset(NULL), 0);
    assert_int_equal(state_load(file, HOUR), (long)n);
    assert_int_equal(cache_count(), n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(cache_lookup(rows[i].domain, HOUR, util_now_ms(), &r, &want), 1);
        assert_int_equal(want, 0); /* fresh: at most a few seconds old */
        assert_int_equal(r.vi.verdict, rows[i].v);
        assert_int_equal(r.vi.confirmed, rows[i].confirmed);
        assert_int_equal(r.vi.pinnable, rows[i].pinnable);
        assert_string_equal(r.vi.host, rows[i].host);
        assert_string_equal(r.vi.pin, rows[i].pin);
        assert_string_equal(r.vi.evidence, rows[i].evidence);
        assert_int_equal(r.made_wall, wall - (int64_t)i);
    }
    assert_int_equal(cache_lookup("probing.example", HOUR, 1, NULL, &want), 0);
    /* Saving what was loaded gives the same lines again (in table order,
     * which need not be the order of the first file). */
    {
        char again[512];
        struct lines a, b;
        path(again, sizeof(again), "verdicts2");
        cache_forget("probing.example");
        assert_int_equal(state_save(again), (long)n);
        read_sorted(file, &a);
        read_sorted(again, &b);
        assert_int_equal(a.n, n + 1);
        assert_int_equal(a.n, b.n);
        for (size_t i = 0; i < a.n; i++)
            assert_string_equal(a.line[i], b.line[i]);
        unlink(again);
    }
    unlink(file);
}

/* A loaded verdict keeps its age: an old one is re-probed at first use. */
static void test_state_age(void **state)
{
    char file[512], text[1024];
    struct cache_rec r;
    int want;
    int64_t wall = util_wall_s();

    (void)state;
    /* util_now_ms() starts far above any age, right after boot too. */
    assert_true(util_now_ms() >= UTIL_MONO_BASE_MS);
    path(file, sizeof(file), "aged");
    snprintf(text, sizeof(text),
             "mxdetour-state 1\n"
             "old.example\taaaa-ignored\t0\t1\t%lld\tmx.old.example\t192.0.2.1\tev\n"
             "new.example\taaaa-ignored\t0\t1\t%lld\tmx.new.example\t192.0.2.1\tev\n"
             "future.example\thealthy\t0\t0\t%lld\t-\t-\t-\n",
             (long long)(wall - 100), (long long)wall, (long long)(wall + 100000));
    write_file(file, text, strlen(text));
    assert_int_equal(state_load(file, 50000), 3);
    /* recheck 50 s: 100 s old is stale, a fresh one and one from the
     * future (clock stepped back) are not. */
    assert_int_equal(cache_lookup("old.example", 50000, util_now_ms(), &r, &want), 1);
    assert_int_equal(want, CACHE_PROBE_AGAIN);
    assert_int_equal(r.vi.verdict, VERDICT_AAAA_IGNORED);
    assert_int_equal(cache_lookup("new.example", 50000, util_now_ms(), &r, &want), 1);
    assert_int_equal(want, 0);
    assert_int_equal(cache_lookup("future.example", 50000, util_now_ms(), &r, &want), 1);
    assert_int_equal(want, 0);
    unlink(file);
}

static void test_state_corrupt(void **state)
{
    static const char good[] = "mxdetour-state 1\n"
                               "good1.example\thealthy\t0\t0\t1700000000\t-\t-\tok\n"
                               "bad1.example\tno-such-verdict\t0\t0\t1700000000\t-\t-\tx\n"
                               "tabless line\n"
                               "bad2.example\thealthy\t0\t0\t1700000000\t-\t-\n"
                               "bad3.example\thealthy\t0\t0\t1700000000\t-\t-\tx\textra\n"
                               "bad4.example\tunknown\t0\t0\t1700000000\t-\t-\tx\n"
                               "bad..example\thealthy\t0\t0\t1700000000\t-\t-\tx\n"
                               "\thealthy\t0\t0\t1700000000\t-\t-\tx\n"
                               "\n"
                               "\t\t\t\t\t\t\t\n"
                               "Good2.Example.\taaaa-error\t1\t1\t1700000000\tmx\t192.0.2.1\te\n"
                               "bad5.ex\0ample\thealthy\t0\t0\t1700000000\t-\t-\tx\n"
                               "trunc.example\thealthy\t0\t0\t1700000000\t-\t-\tev";
    static const char *const bad[] = {"bad1.example", "bad2.example", "bad3.example",
                                      "bad4.example", "trunc.example"};
    char file[512];
    struct cache_rec r;
    int want;

    (void)state;
    path(file, sizeof(file), "corrupt");
    write_file(file, good, sizeof(good) - 1);
    assert_int_equal(state_load(file, HOUR), 2);
    assert_int_equal(cache_count(), 2);
    assert_int_equal(cache_lookup("good1.example", HOUR, 1, &r, &want), 1);
    assert_string_equal(r.vi.evidence, "ok");
    /* Names are normalised on load. */
    assert_int_equal(cache_lookup("good2.example", HOUR, 1, &r, &want), 1);
    assert_int_equal(r.vi.verdict, VERDICT_AAAA_ERROR);
    assert_string_equal(r.vi.pin, "192.0.2.1");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(cache_lookup(bad[i], HOUR, 1, NULL, &want), 0);
    unlink(file);
}

static void test_state_bad_files(void **state)
{
    static const struct {
        const char *what, *text;
        size_t len;
    } files[] = {
        {"bad magic", "mxdetour-state 2\ngood.example\thealthy\t0\t0\t1\t-\t-\tx\n", 0},
        {"no newline after magic", "mxdetour-state 1", 0},
        {"empty", "", 0},
        {"magic only", "mxdetour-state 1\n", 0},
        {"binary", "\x7f\x45LF\0\0\0\1\0\2\3\n\tgood.example\thealthy\n", 24},
        {"magic with CR", "mxdetour-state 1\r\ngood.example\thealthy\t0\t0\t1\t-\t-\tx\n", 0},
    };
    char file[512];

    (void)state;
    path(file, sizeof(file), "bad");
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        size_t len = files[i].len ? files[i].len : strlen(files[i].text);
        write_file(file, files[i].text, len);
        if (state_load(file, HOUR) != 0 || cache_count() != 0) {
            print_error("%s: loaded something\n", files[i].what);
            fail();
        }
    }
    unlink(file);
    /* Absent file, no file configured, a directory. */
    path(file, sizeof(file), "absent");
    assert_int_equal(state_load(file, HOUR), 0);
    assert_int_equal(state_load("", HOUR), 0);
    assert_int_equal(state_load(tmpdir, HOUR), 0);
    /* Saving: nowhere configured is no error; an unwritable place is. */
    assert_int_equal(state_save(""), 0);
    path(file, sizeof(file), "no/such/dir/verdicts");
    assert_int_equal(state_save(file), -1);
}

/* An overlong line is one bad line: no piece of it loads as a record,
 * even when the part past the reader's buffer looks like one. */
static void test_state_long_line(void **state)
{
    static const char magic[] = "mxdetour-state 1\n";
    char file[512], text[8192];
    size_t n, line_len;

    (void)state;
    n = (size_t)snprintf(text, sizeof(text), "%slong.example\thealthy\t0\t0\t1\t-\t-\t", magic);
    /* Fill up to 2047 octets (state.c reads lines of up to 2047); then a
     * well-formed record follows on the same line. */
    line_len = n - strlen(magic);
    memset(text + n, 'x', 2047 - line_len);
    n += 2047 - line_len;
    n += (size_t)snprintf(text + n, sizeof(text) - n,
                          "tail.example\thealthy\t0\t0\t1\t-\t-\tx\n"
                          "after.example\thealthy\t0\t0\t1\t-\t-\tx\n");
    path(file, sizeof(file), "long");
    write_file(file, text, n);
    assert_int_equal(state_load(file, HOUR), 1);
    assert_int_equal(cache_lookup("after.example", HOUR, 1, NULL, &(int){0}), 1);
    assert_int_equal(cache_lookup("long.example", HOUR, 1, NULL, &(int){0}), 0);
    unlink(file);
}

/* Every field is checked (issue 12 D11, D12): each line here is bad on
 * its own, next to one good line.  Before, the pin and host were taken as
 * they were (a pin became a route), the flags and the time went through
 * atoi()/atoll() (a huge negative time overflowed the age). */
static void test_state_strict(void **state)
{
    static const char *const bad[] = {
        "b1.example\taaaa-error\t0\t1\t-9223372036854775808\tmx\t192.0.2.1\tx",
        "b2.example\taaaa-error\t0\t1\t1e9\tmx\t192.0.2.1\tx",
        "b3.example\taaaa-error\t0\t1\t 1700000000\tmx\t192.0.2.1\tx",
        "b4.example\taaaa-error\t0\t1\t\tmx\t192.0.2.1\tx",
        "b5.example\taaaa-error\t0\t1\t1234567890123\tmx\t192.0.2.1\tx",
        "b6.example\taaaa-error\t2\t1\t1700000000\tmx\t192.0.2.1\tx",
        "b7.example\taaaa-error\t0\t01\t1700000000\tmx\t192.0.2.1\tx",
        "b8.example\taaaa-error\t0\t\t1700000000\tmx\t192.0.2.1\tx",
        "b9.example\taaaa-error\t0\t1\t1700000000\tmx\t6.6.6.6]:25,relay:[evil.example]:25\tx",
        "b10.example\taaaa-error\t0\t1\t1700000000\tmx\t192.0.2.1 \tx",
        "b11.example\taaaa-error\t0\t1\t1700000000\tmx\t192.0.2.1  192.0.2.2\tx",
        "b12.example\taaaa-error\t0\t1\t1700000000\tmx\t::1\tx",
        "b13.example\taaaa-error\t0\t1\t1700000000\tmx\t192.0.2.256\tx",
        "b14.example\taaaa-error\t0\t1\t1700000000\tmx evil\t192.0.2.1\tx",
        "b15.example\taaaa-error\t0\t1\t1700000000\tmx..example\t192.0.2.1\tx",
        "b16.example\taaaa-error\t0\t1\t1700000000\tmx\t192.0.2.1\tx\ry",
        "b17.example\taaaa-error\t0\t1\t1700000000\tmx\t\tx",
    };
    static const char good[] = "ok.example\taaaa-error\t1\t0\t1700000000\tMX.ok.example\t192.0.2.1 "
                               "192.0.2.2\t-\n";
    char file[512], text[4096];
    struct cache_rec r;
    size_t n;

    (void)state;
    path(file, sizeof(file), "strict");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        n = (size_t)snprintf(text, sizeof(text), "mxdetour-state 1\n%s\n%s", bad[i], good);
        write_file(file, text, n);
        if (state_load(file, HOUR) != 1 || cache_count() != 1) {
            print_error("loaded: %s\n", bad[i]);
            fail();
        }
        assert_int_equal(cache_forget(NULL), 1);
    }
    n = (size_t)snprintf(text, sizeof(text), "mxdetour-state 1\n%s", good);
    write_file(file, text, n);
    assert_int_equal(state_load(file, HOUR), 1);
    assert_int_equal(cache_peek("ok.example", &r), 1);
    assert_int_equal(r.vi.confirmed, 1);
    assert_int_equal(r.vi.pinnable, 0);
    assert_string_equal(r.vi.host, "mx.ok.example");
    assert_string_equal(r.vi.pin, "192.0.2.1 192.0.2.2");
    assert_string_equal(r.vi.evidence, "");
    unlink(file);
}

/* A NUL inside a line makes the whole line bad, and the reader never
 * starts a new line inside it (before, fgets() + strlen() saw an empty
 * line at a leading NUL and read the rest of a long line as a record, or
 * skipped the next line after a short one). */
static void test_state_nul(void **state)
{
    static const char magic[] = "mxdetour-state 1\n";
    static const char rec[] = "tail.example\thealthy\t0\t0\t1\t-\t-\tx\n";
    static const char after[] = "after.example\thealthy\t0\t0\t1\t-\t-\tx\n";
    char file[512], text[8192];
    size_t n = 0;

    (void)state;
    memcpy(text, magic, sizeof(magic) - 1);
    n += sizeof(magic) - 1;
    text[n++] = '\0';
    memset(text + n, 'x', 2046);
    n += 2046;
    memcpy(text + n, rec, sizeof(rec) - 1);
    n += sizeof(rec) - 1;
    memcpy(text + n, "a\0b\n", 4);
    n += 4;
    memcpy(text + n, after, sizeof(after) - 1);
    n += sizeof(after) - 1;
    path(file, sizeof(file), "nul");
    write_file(file, text, n);
    assert_int_equal(state_load(file, HOUR), 1);
    assert_int_equal(cache_peek("tail.example", &(struct cache_rec){0}), 0);
    assert_int_equal(cache_peek("after.example", &(struct cache_rec){0}), 1);
    unlink(file);
}

/* Loading stops at probe.max_cached: a huge state file cannot make the
 * start take minutes or the cache pass its bound. */
static void test_state_capped(void **state)
{
    char file[512];
    FILE *f;

    (void)state;
    path(file, sizeof(file), "big");
    f = fopen(file, "w");
    assert_non_null(f);
    fputs("mxdetour-state 1\n", f);
    for (unsigned i = 0; i < 500; i++)
        fprintf(f, "c%u.example\thealthy\t0\t0\t1700000000\t-\t-\tx\n", i);
    assert_int_equal(fclose(f), 0);
    cache_set_max(200);
    assert_int_equal(state_load(file, HOUR), 200);
    assert_int_equal(cache_count(), 200);
    assert_int_equal(cache_peek("c0.example", &(struct cache_rec){0}), 1);
    assert_int_equal(cache_peek("c200.example", &(struct cache_rec){0}), 0);
    unlink(file);
}

static int group_setup(void **state)
{
    (void)state;
    log_set_level(LOG_ERR); /* state.c warns about the bad files on purpose */
    snprintf(tmpdir, sizeof(tmpdir), "%s/test_cache_state.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir))
        return -1;
    cache_init(0);
    bytes_empty = cache_bytes();
    return 0;
}

/* A rerouted domain with a pin is re-probed at the least of recheck and
 * the TTL of its pinned A records; a healthy one, whose addresses Postfix
 * resolves itself, and one without a pin keep recheck. */
static void test_pin_ttl_recheck(void **state)
{
    struct verdict_info vi;
    struct cache_rec r;
    int want = -1;

    (void)state;
    mkvi(&vi, VERDICT_AAAA_IGNORED, 1, "192.0.2.1", "mx.p.example", "x");
    vi.pin_ttl = 60;
    cache_store("p.example", &vi, 1000, 1);
    assert_int_equal(cache_lookup("p.example", HOUR, 1000 + 59999, &r, &want), 1);
    assert_int_equal(want, CACHE_PROBE_NO);
    assert_int_equal(r.vi.pin_ttl, 60);
    assert_int_equal(cache_lookup("p.example", HOUR, 1000 + 60000, &r, &want), 1);
    assert_int_equal(want, CACHE_PROBE_AGAIN);
    /* recheck shorter than the TTL wins. */
    cache_store("p.example", &vi, 1000, 1);
    assert_int_equal(cache_lookup("p.example", 30000, 1000 + 30000, &r, &want), 1);
    assert_int_equal(want, CACHE_PROBE_AGAIN);

    mkvi(&vi, VERDICT_HEALTHY, 1, "192.0.2.1", "", "x");
    vi.pin_ttl = 60;
    cache_store("h.example", &vi, 1000, 1);
    assert_int_equal(cache_lookup("h.example", HOUR, 1000 + 60000, &r, &want), 1);
    assert_int_equal(want, CACHE_PROBE_NO);

    mkvi(&vi, VERDICT_AAAA_ERROR, 0, "", "mx.n.example", "x");
    vi.pin_ttl = 60; /* ignored without a pin */
    cache_store("n.example", &vi, 1000, 1);
    assert_int_equal(cache_lookup("n.example", HOUR, 1000 + 60000, &r, &want), 1);
    assert_int_equal(want, CACHE_PROBE_NO);
}

/* The state file keeps a pin's TTL in an optional ninth field: written only
 * with a pin (a line without one is as older versions wrote it), read back,
 * and older eight-field lines still load, with none.  A bad ninth field
 * makes the line bad. */
static void test_state_pin_ttl(void **state)
{
    static const char *const bad[] = {
        "b1.example\taaaa-ignored\t0\t1\t1700000000\tmx\t192.0.2.1\tx\t0",
        "b2.example\taaaa-ignored\t0\t1\t1700000000\tmx\t192.0.2.1\tx\t-1",
        "b3.example\taaaa-ignored\t0\t1\t1700000000\tmx\t192.0.2.1\tx\t2147483648",
        "b4.example\taaaa-ignored\t0\t1\t1700000000\tmx\t192.0.2.1\tx\t",
        "b5.example\taaaa-ignored\t0\t1\t1700000000\tmx\t-\tx\t60",
        "b6.example\taaaa-ignored\t0\t1\t1700000000\tmx\t192.0.2.1\tx\t60\t1",
        "b7.example\taaaa-ignored\t0\t1\t1700000000\tmx\t192.0.2.1\tx\t6O",
    };
    static const char good[] =
        "old.example\taaaa-ignored\t0\t1\t1700000000\tmx.old.example\t192.0.2.1\tx\n";
    struct verdict_info vi;
    struct cache_rec r;
    char file[512], text[4096];
    size_t n;
    FILE *f;
    int with = 0, without = 0;

    (void)state;
    path(file, sizeof(file), "pinttl");
    mkvi(&vi, VERDICT_AAAA_IGNORED, 1, "192.0.2.1 192.0.2.2", "mx.p.example", "ev");
    vi.pin_ttl = 60;
    cache_store("p.example", &vi, util_now_ms(), util_wall_s());
    mkvi(&vi, VERDICT_HEALTHY, 0, "", "", "ok");
    cache_store("h.example", &vi, util_now_ms(), util_wall_s());
    assert_int_equal(state_save(file), 2);
    f = fopen(file, "r");
    assert_non_null(f);
    while (fgets(text, sizeof(text), f)) {
        if (strncmp(text, "p.example\t", 10) == 0)
            with += strstr(text, "\tev\t60\n") != NULL;
        if (strncmp(text, "h.example\t", 10) == 0)
            without += strstr(text, "\tok\n") != NULL;
    }
    fclose(f);
    assert_int_equal(with, 1);
    assert_int_equal(without, 1);
    assert_int_equal(cache_forget(NULL), 2);
    assert_int_equal(state_load(file, HOUR), 2);
    assert_int_equal(cache_peek("p.example", &r), 1);
    assert_int_equal(r.vi.pin_ttl, 60);
    assert_string_equal(r.vi.pin, "192.0.2.1 192.0.2.2");
    assert_int_equal(cache_forget(NULL), 2);

    n = (size_t)snprintf(text, sizeof(text), "mxdetour-state 1\n%s", good);
    write_file(file, text, n);
    assert_int_equal(state_load(file, HOUR), 1);
    assert_int_equal(cache_peek("old.example", &r), 1);
    assert_int_equal(r.vi.pin_ttl, 0);
    assert_string_equal(r.vi.pin, "192.0.2.1");
    assert_int_equal(cache_forget(NULL), 1);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        n = (size_t)snprintf(text, sizeof(text), "mxdetour-state 1\n%s\n%s", bad[i], good);
        write_file(file, text, n);
        if (state_load(file, HOUR) != 1 || cache_count() != 1) {
            print_error("loaded: %s\n", bad[i]);
            fail();
        }
        assert_int_equal(cache_forget(NULL), 1);
    }
    unlink(file);
}

/* Also removes what a failed test left behind. */
static int group_teardown(void **state)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;

    (void)state;
    while (d && (e = readdir(d)) != NULL) {
        char p[512];
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof(p), "%s/%s", tmpdir, e->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    return rmdir(tmpdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_lookup_probes_once, reset),
        cmocka_unit_test_setup(test_store_then_lookup, reset),
        cmocka_unit_test_setup(test_recheck, reset),
        cmocka_unit_test_setup(test_store_changes, reset),
        cmocka_unit_test_setup(test_skip, reset),
        cmocka_unit_test_setup(test_skip_known, reset),
        cmocka_unit_test_setup(test_promote_take, reset),
        cmocka_unit_test_setup(test_bound, reset),
        cmocka_unit_test_setup(test_wait, reset),
        cmocka_unit_test_setup(test_forget, reset),
        cmocka_unit_test_setup(test_verdict_counts, reset),
        cmocka_unit_test_setup(test_many_and_bytes, reset),
        cmocka_unit_test_setup(test_state_round_trip, reset),
        cmocka_unit_test_setup(test_state_age, reset),
        cmocka_unit_test_setup(test_state_corrupt, reset),
        cmocka_unit_test_setup(test_state_bad_files, reset),
        cmocka_unit_test_setup(test_state_long_line, reset),
        cmocka_unit_test_setup(test_state_strict, reset),
        cmocka_unit_test_setup(test_state_nul, reset),
        cmocka_unit_test_setup(test_state_capped, reset),
        cmocka_unit_test_setup(test_pin_ttl_recheck, reset),
        cmocka_unit_test_setup(test_state_pin_ttl, reset),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
