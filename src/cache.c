/*
 * cache - see cache.h.  Entries keep strings out of line, sized to fit, so
 * a healthy domain costs its name, a few words and a short evidence line.
 * Every entry is on a list by last use; past the bound the oldest entry
 * without a running probe is evicted.
 */
#include "cache.h"
#include "dname.h"
#include "util.h"
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SKIP_RETRY_MS 60000
/* Names the flood guard refused, remembered by a 64-bit hash in a
 * direct-mapped table: fixed memory (64 KiB), a newer name overwrites. */
#define SKIPSET_SLOTS 4096
/* cache_each() copies this many entries per hold of the lock. */
#define EACH_CHUNK 256

struct entry {
    struct entry *next;          /* hash chain */
    struct entry *older, *newer; /* the list by last use */
    uint32_t hash;
    unsigned char verdict, confirmed, pinnable, have, probing, skipped;
    unsigned char queued;   /* waiting in a probe queue, not started */
    unsigned char promoted; /* also in the first (priority) queue */
    unsigned slow_ms;
    unsigned pin_ttl; /* seconds; 0: no pin */
    uint64_t made_ms;
    uint64_t since_ms; /* skipped at, or queued at */
    int64_t made_wall;
    char *host, *pin, *evidence;
    char domain[];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done;
static struct entry **table;
static struct entry *newest, *oldest;
static size_t nbuckets, nentries, nbytes, max_entries = 1000000;
static unsigned iterating; /* cache_each() runs: the bucket array must not move */
static struct {
    uint64_t hash, at_ms;
} skipset[SKIPSET_SLOTS];
static size_t nverdict[VERDICT__COUNT]; /* entries with a verdict, by verdict */

void cache_init(size_t buckets)
{
    pthread_condattr_t ca;

    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&done, &ca);
    pthread_condattr_destroy(&ca);
    nbuckets = buckets < 1024 ? 1024 : buckets;
    table = xcalloc(nbuckets, sizeof(*table));
}

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static uint64_t hash64(const char *s)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a, 64 bits */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h | 1; /* 0 marks a free slot */
}

static struct entry **find_pp(const char *domain, uint32_t h)
{
    struct entry **pp = &table[h % nbuckets];
    for (; *pp; pp = &(*pp)->next)
        if ((*pp)->hash == h && strcmp((*pp)->domain, domain) == 0)
            return pp;
    return NULL;
}

static struct entry *find(const char *domain, uint32_t h)
{
    struct entry **pp = find_pp(domain, h);
    return pp ? *pp : NULL;
}

static void lru_unlink(struct entry *e)
{
    if (e->older)
        e->older->newer = e->newer;
    else
        oldest = e->newer;
    if (e->newer)
        e->newer->older = e->older;
    else
        newest = e->older;
}

static void lru_push(struct entry *e)
{
    e->older = newest;
    e->newer = NULL;
    if (newest)
        newest->newer = e;
    else
        oldest = e;
    newest = e;
}

static void touch(struct entry *e)
{
    if (e != newest) {
        lru_unlink(e);
        lru_push(e);
    }
}

static void grow(void)
{
    size_t n = nbuckets * 2;
    struct entry **t = xcalloc(n, sizeof(*t));
    for (size_t i = 0; i < nbuckets; i++) {
        struct entry *e = table[i], *next;
        for (; e; e = next) {
            next = e->next;
            e->next = t[e->hash % n];
            t[e->hash % n] = e;
        }
    }
    free(table);
    table = t;
    nbuckets = n;
}

static size_t str_bytes(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

/* pp points at e's link in its hash chain. */
static void drop(struct entry **pp)
{
    struct entry *e = *pp;
    *pp = e->next;
    lru_unlink(e);
    nbytes -= sizeof(*e) + strlen(e->domain) + 1;
    nbytes -= str_bytes(e->pin) + str_bytes(e->host) + str_bytes(e->evidence);
    free(e->pin);
    free(e->host);
    free(e->evidence);
    if (e->have)
        nverdict[e->verdict]--;
    free(e);
    nentries--;
}

/* Evicts the least recently used entries past the bound.  A running or
 * queued probe keeps its entry (its answer is wanted): it is moved to the
 * new end and counted, so the walk ends. */
static void evict(void)
{
    size_t looked = 0, n = nentries;

    while (nentries > max_entries && oldest && looked++ < n) {
        struct entry *e = oldest;
        if (e->probing) {
            touch(e);
            continue;
        }
        drop(find_pp(e->domain, e->hash));
    }
}

static struct entry *insert(const char *domain, uint32_t h)
{
    size_t len = strlen(domain);
    struct entry *e = xcalloc(1, sizeof(*e) + len + 1);

    memcpy(e->domain, domain, len + 1);
    e->hash = h;
    if (++nentries > nbuckets && !iterating)
        grow();
    e->next = table[h % nbuckets];
    table[h % nbuckets] = e;
    lru_push(e);
    nbytes += sizeof(*e) + len + 1;
    return e;
}

void cache_set_max(size_t max)
{
    pthread_mutex_lock(&lock);
    max_entries = max ? max : 1;
    evict();
    pthread_mutex_unlock(&lock);
}

size_t cache_max(void)
{
    size_t n;
    pthread_mutex_lock(&lock);
    n = max_entries;
    pthread_mutex_unlock(&lock);
    return n;
}

/* Field by field: clearing the whole record (1 KiB of text buffers) on
 * every lookup showed in the socketmap profile. */
static void copy_out(const struct entry *e, struct cache_rec *r)
{
    r->have = e->have;
    r->probing = e->probing;
    r->skipped = e->skipped;
    r->made_ms = e->made_ms;
    r->made_wall = e->made_wall;
    r->vi.verdict = (enum verdict)e->verdict;
    r->vi.confirmed = e->confirmed;
    r->vi.pinnable = e->pinnable;
    r->vi.slow_ms = e->slow_ms;
    r->vi.pin_ttl = e->pin_ttl;
    util_strlcpy(r->vi.host, e->host ? e->host : "", sizeof(r->vi.host));
    util_strlcpy(r->vi.pin, e->pin ? e->pin : "", sizeof(r->vi.pin));
    util_strlcpy(r->vi.evidence, e->evidence ? e->evidence : "", sizeof(r->vi.evidence));
}

/* 1 when the name was refused before and is asked again now: the slot is
 * freed.  -1 when it was refused moments ago (one delivery's lookups). */
static int skipset_take(const char *domain, uint64_t now)
{
    uint64_t h = hash64(domain);
    size_t i = h % SKIPSET_SLOTS;

    if (skipset[i].hash != h)
        return 0;
    if (now - skipset[i].at_ms < CACHE_AGAIN_MS)
        return -1;
    skipset[i].hash = 0;
    return 1;
}

/* first: the probe goes to the priority queue, asked again is no news. */
static void queue(struct entry *e, uint64_t now, int first)
{
    e->probing = e->queued = 1;
    e->promoted = (unsigned char)first;
    e->since_ms = now;
}

/* A pin routes mail to the addresses the A records held when it was made:
 * it is good for as long as they are, so a rerouted domain is re-probed at
 * the least of probe.recheck and their TTL.  A domain without a route keeps
 * probe.recheck: Postfix resolves its addresses itself. */
static uint64_t entry_recheck_ms(const struct entry *e, uint64_t recheck_ms)
{
    uint64_t ttl_ms = (uint64_t)e->pin_ttl * 1000u;

    if (!e->pin_ttl || !verdict_is_broken((enum verdict)e->verdict) || !e->pin || !e->pin[0])
        return recheck_ms;
    return ttl_ms < recheck_ms ? ttl_ms : recheck_ms;
}

int cache_lookup(const char *domain, uint64_t recheck_ms, uint64_t now, struct cache_rec *r,
                 int *want_probe)
{
    uint32_t h = hash(domain);
    struct entry *e;
    int have, again;

    *want_probe = CACHE_PROBE_NO;
    pthread_mutex_lock(&lock);
    e = find(domain, h);
    if (!e && (again = skipset_take(domain, now)) < 0) {
        pthread_mutex_unlock(&lock);
        if (r)
            memset(r, 0, sizeof(*r));
        return 0;
    }
    if (!e) {
        e = insert(domain, h);
        queue(e, now, again);
        evict();
        *want_probe = again ? CACHE_PROBE_AGAIN : CACHE_PROBE_NEW;
    } else {
        touch(e);
        if (!e->probing && (!e->have || now - e->made_ms >= entry_recheck_ms(e, recheck_ms)) &&
            (!e->skipped || now - e->since_ms >= SKIP_RETRY_MS)) {
            *want_probe = e->have ? CACHE_PROBE_AGAIN : CACHE_PROBE_NEW;
            queue(e, now, e->have);
        } else if (e->queued && !e->promoted && !e->have && now - e->since_ms >= CACHE_AGAIN_MS) {
            e->promoted = 1;
            *want_probe = CACHE_PROBE_PROMOTE;
        }
    }
    if (r)
        copy_out(e, r);
    have = e->have;
    pthread_mutex_unlock(&lock);
    return have;
}

int cache_peek(const char *domain, struct cache_rec *r)
{
    const struct entry *e;

    pthread_mutex_lock(&lock);
    e = find(domain, hash(domain));
    if (e)
        copy_out(e, r);
    pthread_mutex_unlock(&lock);
    return e != NULL;
}

static char *restr(char *old, const char *s, int *changed)
{
    if (old && strcmp(old, s) == 0)
        return old;
    *changed = 1;
    nbytes += strlen(s) + 1 - str_bytes(old);
    free(old);
    return xstrdup(s);
}

static void finished(struct entry *e)
{
    e->probing = e->queued = e->promoted = 0;
}

int cache_store(const char *domain, const struct verdict_info *vi, uint64_t now_ms,
                int64_t now_wall)
{
    uint32_t h = hash(domain);
    int changed = 0, ignore = 0;
    struct entry *e;

    pthread_mutex_lock(&lock);
    e = find(domain, h);
    if (!e)
        e = insert(domain, h);
    else
        touch(e);
    if (!e->have || e->verdict != vi->verdict || e->pinnable != vi->pinnable)
        changed = 1;
    if (e->have)
        nverdict[e->verdict]--;
    nverdict[vi->verdict]++;
    e->have = 1;
    finished(e);
    e->skipped = 0;
    e->verdict = (unsigned char)vi->verdict;
    e->confirmed = (unsigned char)vi->confirmed;
    e->pinnable = (unsigned char)vi->pinnable;
    e->slow_ms = vi->slow_ms;
    e->pin_ttl = vi->pin_ttl;
    e->made_ms = now_ms;
    e->made_wall = now_wall;
    e->pin = restr(e->pin, vi->pin, &changed);
    e->host = restr(e->host, vi->host, &ignore);
    e->evidence = restr(e->evidence, vi->evidence, &ignore);
    evict();
    pthread_cond_broadcast(&done);
    pthread_mutex_unlock(&lock);
    return changed;
}

void cache_abandon(const char *domain)
{
    struct entry *e;

    pthread_mutex_lock(&lock);
    e = find(domain, hash(domain));
    if (e)
        finished(e);
    pthread_cond_broadcast(&done);
    pthread_mutex_unlock(&lock);
}

void cache_skip(const char *domain, uint64_t now_ms)
{
    struct entry **pp;

    pthread_mutex_lock(&lock);
    pp = find_pp(domain, hash(domain));
    if (pp && !(*pp)->have) {
        uint64_t h = hash64(domain);
        skipset[h % SKIPSET_SLOTS].hash = h;
        skipset[h % SKIPSET_SLOTS].at_ms = now_ms;
        drop(pp);
    } else if (pp) {
        finished(*pp);
        (*pp)->skipped = 1;
        (*pp)->since_ms = now_ms;
    }
    pthread_cond_broadcast(&done);
    pthread_mutex_unlock(&lock);
}

int cache_take(const char *domain)
{
    struct entry *e;
    int wanted;

    pthread_mutex_lock(&lock);
    e = find(domain, hash(domain));
    wanted = e && e->queued;
    if (wanted)
        e->queued = 0;
    pthread_mutex_unlock(&lock);
    return wanted;
}

static size_t count_probing(const char *const *domains, size_t n)
{
    size_t left = 0;
    for (size_t i = 0; i < n; i++) {
        const struct entry *e = find(domains[i], hash(domains[i]));
        left += e && e->probing;
    }
    return left;
}

size_t cache_wait(const char *const *domains, size_t n, unsigned ms)
{
    struct timespec until;
    size_t left;

    util_deadline(CLOCK_MONOTONIC, ms, &until);
    pthread_mutex_lock(&lock);
    while ((left = count_probing(domains, n)) > 0)
        if (pthread_cond_timedwait(&done, &lock, &until) == ETIMEDOUT) {
            left = count_probing(domains, n);
            break;
        }
    pthread_mutex_unlock(&lock);
    return left;
}

/* Drops the entries that match, but never one whose probe is on its way:
 * its answer is still wanted. */
static size_t drop_all(int (*match)(const struct entry *e, uint64_t arg), uint64_t arg)
{
    size_t n = 0;

    for (size_t i = 0; i < nbuckets; i++) {
        struct entry **pp = &table[i];
        while (*pp) {
            if (!(*pp)->probing && match(*pp, arg)) {
                drop(pp);
                n++;
            } else {
                pp = &(*pp)->next;
            }
        }
    }
    return n;
}

static int match_any(const struct entry *e, uint64_t arg)
{
    (void)e, (void)arg;
    return 1;
}

static int match_since(const struct entry *e, uint64_t made_ms)
{
    return e->have && e->made_ms >= made_ms;
}

size_t cache_forget(const char *domain)
{
    size_t n = 0;

    pthread_mutex_lock(&lock);
    if (domain) {
        struct entry **pp = find_pp(domain, hash(domain));
        if (pp && !(*pp)->probing) {
            drop(pp);
            n = 1;
        }
    } else {
        n = drop_all(match_any, 0);
    }
    pthread_mutex_unlock(&lock);
    return n;
}

size_t cache_forget_since(uint64_t made_ms)
{
    size_t n;

    pthread_mutex_lock(&lock);
    n = drop_all(match_since, made_ms);
    pthread_mutex_unlock(&lock);
    return n;
}

struct copied {
    char domain[DNAME_MAX + 1];
    struct cache_rec r;
};

/* While cache_each() runs the table does not grow, so bucket numbers stay
 * valid between chunks: an entry added meanwhile may be missed, an entry
 * dropped is not seen, none is seen twice. */
void cache_each(cache_each_cb cb, void *arg)
{
    size_t cap = EACH_CHUNK, b = 0;
    struct copied *c = xmalloc(cap * sizeof(*c));

    pthread_mutex_lock(&lock);
    iterating++;
    while (b < nbuckets) {
        size_t n = 0;
        for (; b < nbuckets && n < EACH_CHUNK; b++)
            for (const struct entry *e = table[b]; e; e = e->next) {
                if (n == cap) {
                    cap *= 2;
                    c = xrealloc(c, cap * sizeof(*c));
                }
                util_strlcpy(c[n].domain, e->domain, sizeof(c[n].domain));
                copy_out(e, &c[n++].r);
            }
        pthread_mutex_unlock(&lock);
        for (size_t i = 0; i < n; i++)
            cb(arg, c[i].domain, &c[i].r);
        pthread_mutex_lock(&lock);
    }
    if (--iterating == 0)
        while (nentries > nbuckets)
            grow();
    pthread_mutex_unlock(&lock);
    free(c);
}

size_t cache_count(void)
{
    size_t n;
    pthread_mutex_lock(&lock);
    n = nentries;
    pthread_mutex_unlock(&lock);
    return n;
}

size_t cache_verdict_counts(size_t counts[VERDICT__COUNT])
{
    size_t n, have = 0;
    pthread_mutex_lock(&lock);
    n = nentries;
    memcpy(counts, nverdict, sizeof(nverdict));
    pthread_mutex_unlock(&lock);
    for (int v = 0; v < VERDICT__COUNT; v++)
        if (v != VERDICT_UNKNOWN)
            have += counts[v];
    counts[VERDICT_UNKNOWN] = n - have; /* probing, skipped, or stored as unknown */
    return n;
}

size_t cache_bytes(void)
{
    size_t n;
    pthread_mutex_lock(&lock);
    n = nbytes + nbuckets * sizeof(*table);
    pthread_mutex_unlock(&lock);
    return n;
}
