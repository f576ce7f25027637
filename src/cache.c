/*
 * cache - see cache.h.  Entries keep strings out of line, sized to fit, so
 * a healthy domain costs its name, a few words and a short evidence line.
 */
#include "cache.h"
#include "util.h"
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SKIP_RETRY_MS 60000
/* A flood of made-up domains must not eat the memory: past this many
 * entries, unknown domains are answered "unknown" without being stored. */
#define CACHE_MAX_ENTRIES 2000000

struct entry {
    struct entry *next;
    uint32_t hash;
    unsigned char verdict, confirmed, pinnable, have, probing, skipped;
    unsigned slow_ms;
    uint64_t made_ms, skipped_ms;
    int64_t made_wall;
    char *host, *pin, *evidence;
    char domain[];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done;
static struct entry **table;
static size_t nbuckets, nentries, nbytes;

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

static struct entry *find(const char *domain, uint32_t h)
{
    for (struct entry *e = table[h % nbuckets]; e; e = e->next)
        if (e->hash == h && strcmp(e->domain, domain) == 0)
            return e;
    return NULL;
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

static struct entry *insert(const char *domain, uint32_t h)
{
    size_t len = strlen(domain);
    struct entry *e = xcalloc(1, sizeof(*e) + len + 1);

    memcpy(e->domain, domain, len + 1);
    e->hash = h;
    if (++nentries > nbuckets)
        grow();
    e->next = table[h % nbuckets];
    table[h % nbuckets] = e;
    nbytes += sizeof(*e) + len + 1;
    return e;
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
    util_strlcpy(r->vi.host, e->host ? e->host : "", sizeof(r->vi.host));
    util_strlcpy(r->vi.pin, e->pin ? e->pin : "", sizeof(r->vi.pin));
    util_strlcpy(r->vi.evidence, e->evidence ? e->evidence : "", sizeof(r->vi.evidence));
}

int cache_lookup(const char *domain, uint64_t recheck_ms, uint64_t now, struct cache_rec *r,
                 int *want_probe)
{
    uint32_t h = hash(domain);
    struct entry *e;
    int have;

    *want_probe = 0;
    pthread_mutex_lock(&lock);
    e = find(domain, h);
    if (!e && nentries >= CACHE_MAX_ENTRIES) {
        pthread_mutex_unlock(&lock);
        if (r)
            memset(r, 0, sizeof(*r));
        return 0;
    }
    if (!e)
        e = insert(domain, h);
    if (!e->probing && (!e->have || now - e->made_ms >= recheck_ms) &&
        (!e->skipped || now - e->skipped_ms >= SKIP_RETRY_MS)) {
        e->probing = 1;
        *want_probe = 1;
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
    nbytes += strlen(s) + 1 - (old ? strlen(old) + 1 : 0);
    free(old);
    return xstrdup(s);
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
    if (!e->have || e->verdict != vi->verdict || e->pinnable != vi->pinnable)
        changed = 1;
    e->have = 1;
    e->probing = 0;
    e->skipped = 0;
    e->verdict = (unsigned char)vi->verdict;
    e->confirmed = (unsigned char)vi->confirmed;
    e->pinnable = (unsigned char)vi->pinnable;
    e->slow_ms = vi->slow_ms;
    e->made_ms = now_ms;
    e->made_wall = now_wall;
    e->pin = restr(e->pin, vi->pin, &changed);
    e->host = restr(e->host, vi->host, &ignore);
    e->evidence = restr(e->evidence, vi->evidence, &ignore);
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
        e->probing = 0;
    pthread_cond_broadcast(&done);
    pthread_mutex_unlock(&lock);
}

void cache_skip(const char *domain, uint64_t now_ms)
{
    struct entry *e;

    pthread_mutex_lock(&lock);
    e = find(domain, hash(domain));
    if (e) {
        e->probing = 0;
        e->skipped = 1;
        e->skipped_ms = now_ms;
    }
    pthread_cond_broadcast(&done);
    pthread_mutex_unlock(&lock);
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

static void drop(struct entry **pp)
{
    struct entry *e = *pp;
    *pp = e->next;
    nbytes -= sizeof(*e) + strlen(e->domain) + 1;
    nbytes -= (e->pin ? strlen(e->pin) + 1 : 0) + (e->host ? strlen(e->host) + 1 : 0) +
              (e->evidence ? strlen(e->evidence) + 1 : 0);
    free(e->pin);
    free(e->host);
    free(e->evidence);
    free(e);
    nentries--;
}

size_t cache_forget(const char *domain)
{
    size_t n = 0;

    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < nbuckets; i++) {
        struct entry **pp = &table[i];
        while (*pp) {
            /* A running probe keeps its entry: its answer is still wanted. */
            if ((!domain || strcmp((*pp)->domain, domain) == 0) && !(*pp)->probing) {
                drop(pp);
                n++;
            } else {
                pp = &(*pp)->next;
            }
        }
        if (domain && n)
            break;
    }
    pthread_mutex_unlock(&lock);
    return n;
}

size_t cache_forget_since(uint64_t made_ms)
{
    size_t n = 0;

    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < nbuckets; i++) {
        struct entry **pp = &table[i];
        while (*pp) {
            if ((*pp)->have && (*pp)->made_ms >= made_ms && !(*pp)->probing) {
                drop(pp);
                n++;
            } else {
                pp = &(*pp)->next;
            }
        }
    }
    pthread_mutex_unlock(&lock);
    return n;
}

void cache_each(cache_each_cb cb, void *arg)
{
    struct cache_rec r;

    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < nbuckets; i++)
        for (struct entry *e = table[i]; e; e = e->next) {
            copy_out(e, &r);
            cb(arg, e->domain, &r);
        }
    pthread_mutex_unlock(&lock);
}

size_t cache_count(void)
{
    size_t n;
    pthread_mutex_lock(&lock);
    n = nentries;
    pthread_mutex_unlock(&lock);
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
