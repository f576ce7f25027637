/*
 * explain - see explain.h.  The words name what Postfix does with each
 * outcome (doc/mta-facts.md §1: an AAAA that times out costs smtp_dns timeout per
 * delivery and ends in "Host not found, try again"), so that an admin can
 * check the verdict against the MTA's own log.
 */
#include "explain.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct out {
    char *b;
    size_t size, len;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (o->len + 1 >= o->size)
        return;
    va_start(ap, fmt);
    n = vsnprintf(o->b + o->len, o->size - o->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len = o->len + (size_t)n < o->size ? o->len + (size_t)n : o->size - 1;
}

static void query(struct out *o, const char *type, const char *name, const struct dns_result *d)
{
    if (d->outcome == DNS_PENDING)
        return;
    put(o, "  %-4s %s @%s %s %ums\n", type, name, d->server[0] ? d->server : "?",
        dns_outcome_name(d->outcome), d->ms);
}

/* The host whose query decided the verdict: vi->host, else the first. */
static const struct probe_host *culprit(const struct probe_result *r, const struct verdict_info *vi)
{
    for (unsigned i = 0; i < r->nhost; i++)
        if (strcmp(r->host[i].name, vi->host) == 0)
            return &r->host[i];
    return r->nhost ? &r->host[0] : NULL;
}

static void meaning(struct out *o, const struct probe_result *r, const struct verdict_info *vi)
{
    const struct probe_host *h = culprit(r, vi);
    const char *srv = h && h->aaaa.server[0] ? h->aaaa.server : "the resolver";
    unsigned t = r->timeout_ms;

    switch (vi->verdict) {
    case VERDICT_HEALTHY:
        put(o, "every query answered (NODATA for AAAA is normal)%s: the MTA delivers as usual.\n",
            vi->slow_ms ? ", some slowly" : "");
        break;
    case VERDICT_AAAA_IGNORED:
        put(o,
            "AAAA of %s timed out (%ux%u%s) at %s while A answered: Postfix waits that long "
            "on every delivery, then defers the mail (\"Host not found, try again\").\n",
            h ? h->name : vi->host, r->tries, t >= 1000 ? t / 1000 : t, t >= 1000 ? "s" : "ms",
            srv);
        break;
    case VERDICT_AAAA_ERROR:
        put(o,
            "AAAA of %s answered %s at %s: Postfix defers the mail (\"Name service error "
            "... type=AAAA\").\n",
            h ? h->name : vi->host, h ? dns_outcome_name(h->aaaa.outcome) : "an error", srv);
        break;
    case VERDICT_MX_ERROR:
        put(o,
            "the MX query failed (%s at %s): the MTA cannot find the mail hosts and defers; "
            "no address to pin.\n",
            dns_outcome_name(r->mx.outcome), r->mx.server[0] ? r->mx.server : "the resolver");
        break;
    case VERDICT_NXDOMAIN:
        put(o, "the domain does not exist: the MTA bounces, no route helps.\n");
        break;
    case VERDICT_NULL_MX:
        put(o, "the domain accepts no mail (null MX, RFC 7505): no route helps.\n");
        break;
    case VERDICT_LOCAL_DNS_DOWN:
        put(o, "the local resolver failed (see the evidence): the MTA, which asks it, defers "
               "every domain until it works again.\n");
        break;
    default:
        put(o, "no verdict.\n");
        break;
    }
}

void explain_probe(const struct probe_result *r, const struct verdict_info *vi, char *buf,
                   size_t size)
{
    struct out o = {buf, size < EXPLAIN_MAX ? size : EXPLAIN_MAX, 0};
    size_t cut = 0;

    if (size == 0)
        return;
    buf[0] = '\0';
    put(&o, "queries (local resolver, %ums):\n", r->ms);
    query(&o, "MX", r->domain, &r->mx);
    if (r->implicit_mx)
        put(&o, "  (no MX records: the domain is its own mail host)\n");
    for (unsigned i = 0; i < r->nhost; i++) {
        size_t before = o.len;
        query(&o, "A", r->host[i].name, &r->host[i].a);
        query(&o, "AAAA", r->host[i].name, &r->host[i].aaaa);
        /* Keep room for the verdict's words: they matter more than the tail. */
        if (o.len + 400 >= o.size) {
            o.len = before;
            buf[before] = '\0';
            cut = r->nhost - i;
            break;
        }
    }
    if (cut)
        put(&o, "  (%zu more MX hosts not shown)\n", cut);
    put(&o, "verdict: %s%s\n", verdict_name(vi->verdict),
        vi->confirmed ? " (confirmed by the "
                        "external resolvers)"
                      : "");
    if (vi->evidence[0])
        put(&o, "evidence: %s\n", vi->evidence);
    put(&o, "because: ");
    meaning(&o, r, vi);
}

void explain_route(const struct conf *c, const struct conf_domain *listed, enum verdict v,
                   const char *route, char *buf, size_t size)
{
    struct out o = {buf, size, 0};
    char why[400];
    enum conf_route how = listed ? listed->route : c->on_broken;

    if (size == 0)
        return;
    buf[0] = '\0';
    if (listed)
        snprintf(why, sizeof(why), "the known-broken entry at %s:%d (route %s)", c->path,
                 listed->line, conf_route_name(how));
    else if (v == VERDICT_LOCAL_DNS_DOWN)
        snprintf(why, sizeof(why), "routing.on_local_dns_down");
    else
        snprintf(why, sizeof(why), "routing.on_broken %s", conf_route_name(how));
    if (c->mode != CONF_MODE_REWRITE) {
        put(&o, "route: none: routing.mode is tag, the MTA only gets the %s header.\n",
            c->tag_header);
    } else if (route[0]) {
        put(&o, "route: %s%s sends it to %s.\n",
            v == VERDICT_MX_ERROR && !listed ? "mx-error can only go to the smart host: " : "", why,
            route);
    } else if (!listed && !verdict_is_broken(v)) {
        put(&o, "route: none: the MTA routes it as usual.\n");
    } else if (v == VERDICT_LOCAL_DNS_DOWN) {
        put(&o, "route: none: %s gives none for this domain.\n", why);
    } else if (how == CONF_ROUTE_NONE) {
        put(&o, "route: none: %s leaves it to the MTA.\n", why);
    } else {
        put(&o,
            "route: none: %s needs %s, and there is none (routing.smarthost is empty): the "
            "MTA routes it as usual.\n",
            why,
            how == CONF_ROUTE_PIN_MX ? "A addresses of the MX hosts or a smart host"
                                     : "a smart host");
    }
}
