/*
 * route - see route.h.  Fallbacks, in writing:
 *  - pin-mx needs A addresses from a probe; without them (mx-error, a host
 *    with AAAA only, a listed domain not probed yet) the smart host is used,
 *    and without a smart host there is no route: mail flows as it would.
 *  - mx-error can only go to the smart host: there is no address to pin,
 *    and an IPv4-only transport would still need the MX lookup.
 *  - local-dns-down with pin-external and no external addresses falls back
 *    to the smart host too.
 *  - healthy, nxdomain, null-mx and unknown never get a route.
 */
#include "route.h"
#include <stdio.h>
#include <string.h>

static int smarthost(const char *transport, const char *host, char *out, size_t size)
{
    if (!host || !host[0])
        return 0;
    snprintf(out, size, "%s:%s", transport, host);
    return 1;
}

static int pin(const char *transport, const char *addrs, char *out, size_t size)
{
    size_t pos;
    const char *p = addrs;

    if (!addrs || !addrs[0])
        return 0;
    pos = (size_t)snprintf(out, size, "%s:", transport);
    size_t empty = pos;
    while (*p && pos < size) {
        size_t n = strcspn(p, " ");
        const char *sep = p == addrs ? "" : ", ";
        int w = snprintf(out + pos, size - pos, "%s[%.*s]:25", sep, (int)n, p);
        if (w < 0 || (size_t)w >= size - pos) {
            /* Never hand out half an address: cut at the last whole hop. */
            out[pos] = '\0';
            break;
        }
        pos += (size_t)w;
        p += n;
        while (*p == ' ')
            p++;
    }
    if (pos == empty) {
        /* "smtp:" alone would mean "the domain's own MX": the broken path. */
        out[0] = '\0';
        return 0;
    }
    return 1;
}

static int apply(enum conf_route how, const char *transport, const char *host,
                 const struct verdict_info *vi, int mx_known, char *out, size_t size)
{
    switch (how) {
    case CONF_ROUTE_NONE:
        return 0;
    case CONF_ROUTE_SMARTHOST:
        return smarthost(transport, host, out, size);
    case CONF_ROUTE_TRANSPORT:
        if (mx_known) {
            snprintf(out, size, "%s:", transport);
            return 1;
        }
        return smarthost(transport, host, out, size);
    case CONF_ROUTE_PIN_MX:
        if (vi && vi->pinnable && pin(transport, vi->pin, out, size))
            return 1;
        return smarthost(transport, host, out, size);
    }
    return 0;
}

int route_build(const struct conf *c, const struct conf_domain *listed,
                const struct verdict_info *vi, char *out, size_t size)
{
    enum verdict v = vi ? vi->verdict : VERDICT_UNKNOWN;
    int r = 0;

    out[0] = '\0';
    if (listed) {
        const char *t = listed->transport ? listed->transport : c->transport;
        const char *h = listed->smarthost ? listed->smarthost : c->smarthost;
        r = apply(listed->route, t, h, vi, v != VERDICT_MX_ERROR, out, size);
    } else if (v == VERDICT_AAAA_IGNORED || v == VERDICT_AAAA_ERROR) {
        r = apply(c->on_broken, c->transport, c->smarthost, vi, 1, out, size);
    } else if (v == VERDICT_MX_ERROR) {
        r = c->on_broken == CONF_ROUTE_NONE ? 0 : smarthost(c->transport, c->smarthost, out, size);
    } else if (v == VERDICT_LOCAL_DNS_DOWN) {
        if (c->on_local_dns_down == CONF_LDD_SMARTHOST)
            r = smarthost(c->transport, c->smarthost, out, size);
        else if (c->on_local_dns_down == CONF_LDD_PIN_EXTERNAL)
            r = (vi->pinnable && pin(c->transport, vi->pin, out, size)) ||
                smarthost(c->transport, c->smarthost, out, size);
    }
    if (!r)
        out[0] = '\0';
    return r;
}
