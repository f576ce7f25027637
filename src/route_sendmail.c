/*
 * route_sendmail - see route_sendmail.h.  The conversion:
 *   - transport "smtp" becomes mailer "esmtp"; any other transport name is
 *     kept (the admin names a Sendmail mailer in routing.transport);
 *   - next hops are joined with ':', Sendmail's host list separator:
 *     "smtp:[192.0.2.1]:25, [192.0.2.2]:25" -> "esmtp:[192.0.2.1]:[192.0.2.2]";
 *   - a port is dropped when it is 25 (or "smtp"): a mailertable host takes
 *     no port.  Any other port cannot be said to Sendmail (ROUTE_SENDMAIL_PORT);
 *   - a bracketed IPv6 address gets Sendmail's "IPv6:" tag;
 *   - an empty next hop (the `transport` route: same MX routing, another
 *     transport) becomes the domain itself, unbracketed, so Sendmail still
 *     looks up its MX: "smtp-ipv4:" -> "smtp-ipv4:example.com".
 */
#include "route_sendmail.h"
#include <string.h>
#include <strings.h>

/* Appends n octets of s at *pos; 0, or -1 when out is too small. */
static int put(char *out, size_t size, size_t *pos, const char *s, size_t n)
{
    if (*pos + n >= size)
        return ROUTE_SENDMAIL_BAD;
    memcpy(out + *pos, s, n);
    *pos += n;
    out[*pos] = '\0';
    return 0;
}

/* Appends one Postfix next hop (hop[0..n)) in Sendmail form. */
static int hop_out(const char *hop, size_t n, char *out, size_t size, size_t *pos)
{
    const char *port = NULL;
    size_t hlen = n;
    int v6 = 0;

    if (hop[0] == '[') {
        const char *close = memchr(hop, ']', n);
        if (close == NULL)
            return ROUTE_SENDMAIL_BAD;
        hlen = (size_t)(close - hop) + 1;
        if (hlen < n) {
            if (close[1] != ':')
                return ROUTE_SENDMAIL_BAD;
            port = close + 2;
        }
        v6 = memchr(hop, ':', hlen) != NULL && strncasecmp(hop + 1, "ipv6:", 5) != 0;
    } else {
        const char *colon = memchr(hop, ':', n);
        if (colon != NULL) {
            hlen = (size_t)(colon - hop);
            port = colon + 1;
        }
    }
    if (port != NULL) {
        size_t plen = n - (size_t)(port - hop);
        if (!((plen == 2 && memcmp(port, "25", 2) == 0) ||
              (plen == 4 && memcmp(port, "smtp", 4) == 0)))
            return ROUTE_SENDMAIL_PORT;
    }
    if (hlen == 0)
        return ROUTE_SENDMAIL_BAD;
    if (v6)
        return put(out, size, pos, "[IPv6:", 6) || put(out, size, pos, hop + 1, hlen - 1)
                   ? ROUTE_SENDMAIL_BAD
                   : 0;
    return put(out, size, pos, hop, hlen);
}

static int convert(const char *route, const char *domain, char *out, size_t size)
{
    const char *colon = strchr(route, ':'), *p;
    size_t pos = 0, nhops = 0;

    if (colon == NULL || colon == route)
        return ROUTE_SENDMAIL_BAD;
    if (colon - route == 4 && memcmp(route, "smtp", 4) == 0) {
        if (put(out, size, &pos, "esmtp", 5))
            return ROUTE_SENDMAIL_BAD;
    } else if (put(out, size, &pos, route, (size_t)(colon - route))) {
        return ROUTE_SENDMAIL_BAD;
    }
    if (put(out, size, &pos, ":", 1))
        return ROUTE_SENDMAIL_BAD;
    for (p = colon + 1;;) {
        size_t n;
        p += strspn(p, ", \t");
        if (*p == '\0')
            break;
        n = strcspn(p, ", \t");
        if (nhops++ > 0 && put(out, size, &pos, ":", 1))
            return ROUTE_SENDMAIL_BAD;
        int rc = hop_out(p, n, out, size, &pos);
        if (rc != 0)
            return rc;
        p += n;
    }
    if (nhops == 0)
        return put(out, size, &pos, domain, strlen(domain));
    return 0;
}

int route_sendmail(const char *route, const char *domain, char *out, size_t size)
{
    int rc;

    if (size == 0)
        return ROUTE_SENDMAIL_BAD;
    out[0] = '\0';
    rc = convert(route, domain, out, size);
    if (rc != 0)
        out[0] = '\0';
    return rc;
}
