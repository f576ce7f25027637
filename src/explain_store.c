/*
 * explain_store - see explain_store.h.  A chained hash table over a
 * doubly linked recency list: record and look-up are O(1); the least
 * recently probed domain goes when the table is full.
 */
#include "explain_store.h"
#include "core.h"
#include "core_daemon.h"
#include "explain.h"
#include "util.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKET (EXPLAIN_DOMAINS * 2)

struct rec {
    struct rec *hnext;       /* bucket chain */
    struct rec *prev, *next; /* recency: head = newest */
    uint64_t at_ms;
    char *text;
    char domain[];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct rec *bucket[NBUCKET];
static struct rec *head, *tail;
static size_t count;

static unsigned hash(const char *s)
{
    unsigned h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h % NBUCKET;
}

static struct rec **find(const char *domain)
{
    struct rec **p = &bucket[hash(domain)];
    while (*p && strcmp((*p)->domain, domain) != 0)
        p = &(*p)->hnext;
    return p;
}

static void unlink_rec(struct rec *r)
{
    if (r->prev)
        r->prev->next = r->next;
    else
        head = r->next;
    if (r->next)
        r->next->prev = r->prev;
    else
        tail = r->prev;
}

static void drop(struct rec *r)
{
    struct rec **p = find(r->domain);
    *p = r->hnext;
    unlink_rec(r);
    free(r->text);
    free(r);
    count--;
}

void explain_store_record(const char *domain, const struct verdict_info *vi,
                          const struct probe_result *local)
{
    char text[EXPLAIN_MAX];
    struct rec *r;

    if (!local)
        return;
    explain_probe(local, vi, text, sizeof(text));
    pthread_mutex_lock(&lock);
    if ((r = *find(domain)) != NULL)
        drop(r);
    if (count >= EXPLAIN_DOMAINS)
        drop(tail);
    r = xmalloc(sizeof(*r) + strlen(domain) + 1);
    strcpy(r->domain, domain);
    r->text = xstrdup(text);
    r->at_ms = util_now_ms();
    r->prev = NULL;
    r->next = head;
    if (head)
        head->prev = r;
    head = r;
    if (!tail)
        tail = r;
    struct rec **p = &bucket[hash(domain)];
    r->hnext = *p;
    *p = r;
    count++;
    pthread_mutex_unlock(&lock);
}

char *explain_store_text(const char *domain)
{
    struct conf *c = core_conf();
    const struct conf_domain *listed = conf_match_normalized(c, domain);
    char head_line[600], route[1600], *probe = NULL, *out;
    uint64_t at = 0;
    struct core_answer a;

    pthread_mutex_lock(&lock);
    struct rec *r = *find(domain);
    if (r) {
        probe = xstrdup(r->text);
        at = r->at_ms;
    }
    pthread_mutex_unlock(&lock);
    if (!probe && !listed) {
        char msg[700];
        snprintf(msg, sizeof(msg),
                 "ERR no probe of %s is recorded (the daemon keeps the last %d probed domains "
                 "since it started); `mxdetour probe --explain %s` probes it now without the "
                 "daemon\n",
                 domain, EXPLAIN_DOMAINS, domain);
        conf_unref(c);
        return xstrdup(msg);
    }
    core_lookup(domain, &a);
    if (probe)
        snprintf(head_line, sizeof(head_line), "domain: %s\nlast probe: %llus ago\n", domain,
                 (unsigned long long)((util_now_ms() - at) / 1000));
    else
        snprintf(head_line, sizeof(head_line),
                 "domain: %s\nlast probe: none (a listed domain needs none%s)\nverdict: listed\n",
                 domain, listed->route == CONF_ROUTE_PIN_MX ? " until it is pinned" : "");
    enum verdict v = VERDICT_UNKNOWN;
    verdict_from_name(a.verdict, &v);
    explain_route(c, listed, v, a.rewrite ? a.route : "", route, sizeof(route));
    size_t n = strlen(head_line) + (probe ? strlen(probe) : 0) + strlen(route) + 1;
    out = xmalloc(n);
    snprintf(out, n, "%s%s%s", head_line, probe ? probe : "", route);
    free(probe);
    conf_unref(c);
    return out;
}

void explain_store_clear(void)
{
    pthread_mutex_lock(&lock);
    while (head)
        drop(head);
    pthread_mutex_unlock(&lock);
}
