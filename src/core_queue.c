/*
 * core_queue - see core_queue.h.  Both lanes and the skip counters are
 * under one mutex, held for a push or a pop only; the token bucket is the
 * loop thread's alone.
 */
#include "core_queue.h"
#include "util.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct work {
    struct work *next;
    char domain[];
};

struct lane {
    struct work *head, *tail;
    size_t len;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct lane lanes[2]; /* [CQ_FIRST], [CQ_NEW] */

/* The "probe skipped" line: one a minute at most, with the count since
 * the last one (a flood of a million names is not a million lines). */
#define SKIP_LOG_MS 60000
static uint64_t skip_logged_ms; /* under lock */
static unsigned long skip_unlogged, nskipped;

static double tokens; /* probes we may start now */
static uint64_t tokens_at;

static struct work *pop(void)
{
    for (int i = 0; i < 2; i++) {
        struct work *w = lanes[i].head;
        if (w) {
            lanes[i].head = w->next;
            if (!lanes[i].head)
                lanes[i].tail = NULL;
            lanes[i].len--;
            return w;
        }
    }
    return NULL;
}

void cq_reset(unsigned rate_count, uint64_t now_ms)
{
    struct work *w;

    pthread_mutex_lock(&lock);
    while ((w = pop()) != NULL)
        free(w);
    skip_logged_ms = 0;
    skip_unlogged = 0;
    pthread_mutex_unlock(&lock);
    tokens = rate_count;
    tokens_at = now_ms;
}

int cq_push(const char *domain, enum cq_lane lane, size_t max)
{
    size_t len = strlen(domain);
    struct lane *q = &lanes[lane == CQ_NEW];
    struct work *w = xmalloc(sizeof(*w) + len + 1);

    memcpy(w->domain, domain, len + 1);
    w->next = NULL;
    pthread_mutex_lock(&lock);
    if (q->len >= max) {
        pthread_mutex_unlock(&lock);
        free(w);
        return -1;
    }
    if (q->tail)
        q->tail->next = w;
    else
        q->head = w;
    q->tail = w;
    q->len++;
    pthread_mutex_unlock(&lock);
    return 0;
}

unsigned long cq_note_skip(uint64_t now_ms)
{
    unsigned long n = 0;

    pthread_mutex_lock(&lock);
    nskipped++;
    skip_unlogged++;
    if (!skip_logged_ms || now_ms - skip_logged_ms >= SKIP_LOG_MS) {
        n = skip_unlogged;
        skip_unlogged = 0;
        skip_logged_ms = now_ms;
    }
    pthread_mutex_unlock(&lock);
    return n;
}

unsigned long cq_skipped(void)
{
    pthread_mutex_lock(&lock);
    unsigned long n = nskipped;
    pthread_mutex_unlock(&lock);
    return n;
}

size_t cq_len(void)
{
    pthread_mutex_lock(&lock);
    size_t n = lanes[0].len + lanes[1].len;
    pthread_mutex_unlock(&lock);
    return n;
}

int cq_drain(unsigned rate_count, unsigned rate_per_ms, uint64_t now_ms,
             int (*start)(const char *domain))
{
    tokens += (double)(now_ms - tokens_at) * (double)rate_count / (double)rate_per_ms;
    if (tokens > rate_count)
        tokens = rate_count;
    tokens_at = now_ms;
    while (tokens >= 1.0) {
        pthread_mutex_lock(&lock);
        struct work *w = pop();
        pthread_mutex_unlock(&lock);
        if (!w)
            return -1;
        /* The second copy of a promoted domain costs no token. */
        if (start(w->domain))
            tokens -= 1.0;
        free(w);
    }
    if (cq_len() == 0)
        return -1;
    return (int)((1.0 - tokens) * (double)rate_per_ms / (double)rate_count) + 1;
}
