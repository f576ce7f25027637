/*
 * domlist - the known-broken list index (see domlist.h).
 *
 * One open-addressing hash table (linear probing, power-of-two size, at
 * most half full) keyed by (name, kind): "example.com" exact and
 * "*.example.com" wildcard are two different keys over the same text.
 * domlist_match() probes the exact key once, then the wildcard key of each
 * parent suffix from the longest down, so the first wildcard found is the
 * most specific one and an exact entry always wins.  The cost is one probe
 * per label of the queried name whatever the list length.
 *
 * Entries are borrowed pointers to struct conf_domain; the caller keeps
 * them alive as long as the list (conf owns both and frees them together).
 * The table is never changed after the config is indexed, so concurrent
 * domlist_match() calls need no lock.
 */
#include "domlist.h"
#include "conf.h"
#include "dname.h"
#include "util.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct slot {
    uint64_t hash; /* 0: empty */
    const struct conf_domain *d;
};

struct domlist {
    struct slot *slot;
    size_t mask; /* size - 1 */
    size_t count;
};

static int lower(int ch)
{
    return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/* FNV-1a over the lower-cased name, the kind folded in last.  The keys are
 * the admin's, so collision flooding by a peer is not a concern: a peer only
 * chooses what is looked up, and a probe sequence is bounded by the load. */
static uint64_t hash_name(const char *s, size_t len, int wildcard)
{
    uint64_t h = 0xcbf29ce484222325u;
    size_t i;
    for (i = 0; i < len; i++) {
        h ^= (unsigned char)lower((unsigned char)s[i]);
        h *= 0x100000001b3u;
    }
    h ^= wildcard ? 0x5a : 0xa5;
    h *= 0x100000001b3u;
    return h ? h : 1;
}

static int same(const struct conf_domain *d, const char *s, size_t len, int wildcard)
{
    size_t i;
    if ((d->wildcard != 0) != (wildcard != 0) || strlen(d->name) != len)
        return 0;
    for (i = 0; i < len; i++)
        if (lower((unsigned char)d->name[i]) != lower((unsigned char)s[i]))
            return 0;
    return 1;
}

static const struct conf_domain *find(const struct domlist *dl, const char *s, size_t len,
                                      int wildcard)
{
    uint64_t h = hash_name(s, len, wildcard);
    size_t i = (size_t)h & dl->mask;

    while (dl->slot[i].hash != 0) {
        if (dl->slot[i].hash == h && same(dl->slot[i].d, s, len, wildcard))
            return dl->slot[i].d;
        i = (i + 1) & dl->mask;
    }
    return NULL;
}

static void put(struct slot *tab, size_t mask, uint64_t h, const struct conf_domain *d)
{
    size_t i = (size_t)h & mask;
    while (tab[i].hash != 0)
        i = (i + 1) & mask;
    tab[i].hash = h;
    tab[i].d = d;
}

static size_t table_size(size_t n)
{
    size_t size = 16;
    while (size / 2 < n && size < SIZE_MAX / 4)
        size *= 2;
    return size;
}

struct domlist *domlist_new(size_t hint)
{
    struct domlist *dl = xcalloc(1, sizeof(*dl));
    size_t size = table_size(hint);
    dl->slot = xcalloc(size, sizeof(*dl->slot));
    dl->mask = size - 1;
    return dl;
}

void domlist_free(struct domlist *dl)
{
    if (dl == NULL)
        return;
    free(dl->slot);
    free(dl);
}

static void grow(struct domlist *dl)
{
    size_t size = (dl->mask + 1) * 2, i;
    struct slot *tab = xcalloc(size, sizeof(*tab));
    for (i = 0; i <= dl->mask; i++)
        if (dl->slot[i].hash != 0)
            put(tab, size - 1, dl->slot[i].hash, dl->slot[i].d);
    free(dl->slot);
    dl->slot = tab;
    dl->mask = size - 1;
}

const struct conf_domain *domlist_add(struct domlist *dl, const struct conf_domain *d)
{
    size_t len = strlen(d->name);
    const struct conf_domain *old = find(dl, d->name, len, d->wildcard);

    if (old != NULL)
        return old;
    if ((dl->count + 1) * 2 > dl->mask + 1)
        grow(dl);
    put(dl->slot, dl->mask, hash_name(d->name, len, d->wildcard), d);
    dl->count++;
    return NULL;
}

const struct conf_domain *domlist_match(const struct domlist *dl, const char *domain)
{
    const struct conf_domain *d;
    const char *p;
    size_t len;

    if (dl == NULL || domain == NULL || dl->count == 0)
        return NULL;
    len = strlen(domain);
    if (len > 1 && domain[len - 1] == '.')
        len--;
    if (len == 0 || len > DNAME_MAX)
        return NULL;
    d = find(dl, domain, len, 0);
    if (d != NULL)
        return d;
    /* "*.example" covers every name below "example", never "example". */
    for (p = domain; p < domain + len; p++) {
        if (*p != '.')
            continue;
        d = find(dl, p + 1, len - (size_t)(p + 1 - domain), 1);
        if (d != NULL)
            return d;
    }
    return NULL;
}

size_t domlist_count(const struct domlist *dl)
{
    return dl ? dl->count : 0;
}
