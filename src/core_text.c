/*
 * core_text - the control verbs' text (control.c asks, `mxdetour` prints):
 * status, lookup, export (also the text that the publish writes as the
 * Postfix table) and flush.  Each builds its answer from the cache, the
 * config snapshot and core.c's figures; none waits on DNS.
 */
#include "core_int.h"
#include "core_daemon.h"
#include "core_queue.h"
#include "fleet.h"
#include "health.h"
#include "route.h"
#include "util.h"
#include <stdio.h>
#include <string.h>

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
    core_answer_of(x->c, NULL, r, &a);
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
        int have =
            !d->wildcard && d->route == CONF_ROUTE_PIN_MX && cache_peek(d->name, &r) && r.have;
        if (x->c->mode == CONF_MODE_REWRITE &&
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

char *core_status_text(void)
{
    const struct conf *c = core_conf();
    struct core_figures f;
    char text[2048];
    size_t counts[VERDICT__COUNT];

    core_figures(&f);
    /* Kept up to date by the cache: no walk of it under its lock. */
    size_t cached = cache_verdict_counts(counts);
    size_t p = (size_t)snprintf(
        text, sizeof(text),
        "uptime: %llus\nconfig: %s\nmode: %s\nlisted domains: %zu\ncached domains: %zu (%zu "
        "bytes)\nprobes: %lu started, %u running, %zu queued, %lu skipped\n"
        "local resolvers: %s\nexternal resolvers: %s\nlisteners: milter=%s socketmap=%s "
        "policy=%s control=%s\nverdicts:",
        (unsigned long long)((util_now_ms() - f.started_ms) / 1000), c->path,
        c->mode == CONF_MODE_REWRITE ? "rewrite" : "tag", c->ndomains, cached, cache_bytes(),
        f.probes_started, f.probes_running, cq_len(), cq_skipped(),
        c->local_system ? "system" : f.local_servers, c->nexternal ? f.external_servers : "none",
        c->listen_milter[0] ? c->listen_milter : "off",
        c->listen_socketmap[0] ? c->listen_socketmap : "off",
        c->listen_policy[0] ? c->listen_policy : "off",
        c->listen_control[0] ? c->listen_control : "off");
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
    conf_unref((struct conf *)c);
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
    core_publish_soon(c);
    if (domain) {
        struct core_answer a;
        core_lookup(domain, &a); /* re-probe now */
    }
    conf_unref(c);
    return n;
}
