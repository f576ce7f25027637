/*
 * bench_domlist - lookups per second of the known-broken list index, for a
 * list of 10 and of 100,000 entries, so the claim "cost independent of the
 * list length" is measured, not assumed.  Three query kinds:
 *   hit       an exact entry ("d123.example")
 *   miss      a name on no list, with as many labels as a wildcard hit
 *   wildcard  a name under a "*." entry ("mx.w124.example")
 * Queries cycle through a pre-built array of names spread over the whole
 * list, so a large list is not measured from a warm cache line.
 *
 * Usage: bench_domlist [lookups per measurement, default 5000000]
 */
#include "conf.h"
#include "domlist.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NQUERY 4096

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Entries: even i exact "d<i>.example", odd i wildcard "*.w<i>.example". */
static struct conf_domain *make_entries(size_t n, struct domlist **out)
{
    struct conf_domain *d = calloc(n, sizeof(*d));
    struct domlist *dl = domlist_new(n);
    char name[64];
    size_t i;

    if (d == NULL)
        abort();
    for (i = 0; i < n; i++) {
        d[i].wildcard = (int)(i & 1);
        snprintf(name, sizeof(name), "%s%zu.example", d[i].wildcard ? "w" : "d", i);
        d[i].name = strdup(name);
        if (d[i].name == NULL || domlist_add(dl, &d[i]) != NULL)
            abort();
    }
    *out = dl;
    return d;
}

static double measure(const struct domlist *dl, char (*q)[64], long lookups, long *found)
{
    double t0 = now_s();
    long i, hits = 0;
    for (i = 0; i < lookups; i++)
        hits += domlist_match(dl, q[i & (NQUERY - 1)]) != NULL;
    *found = hits;
    return now_s() - t0;
}

int main(int argc, char **argv)
{
    static const size_t sizes[] = {10, 100000};
    static const char *const kinds[] = {"hit", "miss", "wildcard"};
    static char q[NQUERY][64];
    long lookups = argc > 1 ? atol(argv[1]) : 5000000;
    size_t s, k, i;

    if (lookups <= 0) {
        fprintf(stderr, "usage: %s [lookups]\n", argv[0]);
        return 2;
    }
    printf("%-9s %-9s %14s %12s\n", "entries", "query", "lookups/s", "ns/lookup");
    for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        size_t n = sizes[s];
        struct domlist *dl;
        struct conf_domain *d = make_entries(n, &dl);

        for (k = 0; k < 3; k++) {
            long found;
            double secs;
            srand(42);
            for (i = 0; i < NQUERY; i++) {
                size_t e = (size_t)rand() % (n / 2) * 2; /* an even (exact) index */
                if (k == 0)
                    snprintf(q[i], sizeof(q[i]), "d%zu.example", e);
                else if (k == 1)
                    snprintf(q[i], sizeof(q[i]), "mx.n%zu.example", e);
                else
                    snprintf(q[i], sizeof(q[i]), "mx.w%zu.example", e + 1);
            }
            measure(dl, q, lookups / 10, &found); /* warm up */
            secs = measure(dl, q, lookups, &found);
            if (found != (k == 1 ? 0 : lookups)) {
                fprintf(stderr, "%s/%zu: %ld of %ld found: index broken\n", kinds[k], n, found,
                        lookups);
                return 1;
            }
            printf("%-9zu %-9s %14.0f %12.1f\n", n, kinds[k], (double)lookups / secs,
                   secs * 1e9 / (double)lookups);
        }
        domlist_free(dl);
        for (i = 0; i < n; i++)
            free(d[i].name);
        free(d);
    }
    return 0;
}
