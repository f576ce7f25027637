/*
 * sockmap - see sockmap.h.  One request payload "NAME KEY" in, one answer
 * payload out; the caller (src/listen.c) does the netstring framing and
 * closes the connection when sockmap_answer() returns -1.
 *
 * Requests that close the connection (-1): longer than SOCKMAP_REQ_MAX, a
 * CR, LF or NUL anywhere, no space, or an empty map name.  No MTA sends
 * these; a peer that does is not an MTA we understand.  A long but valid
 * key (a local part past RFC 5321's 64 octets, which Postfix accepts) is
 * answered: closing would make Postfix defer the mail.
 *
 * Everything else gets an answer, and only two kinds: "OK route" when the
 * core has a route for the domain and routing.mode is rewrite, "NOTFOUND "
 * otherwise.  Never TEMP or PERM: dict_sockmap(3) turns TEMP into a deferral
 * and PERM into a configuration error, and not knowing is not an error
 * (DESIGN.md 6, STYLE.md 3).  So an unknown map name is NOTFOUND too, with a
 * warning logged once per process.
 *
 * Maps:
 *   postfix-transport     Postfix transport_maps.  Postfix treats a socketmap
 *                         as a pattern table: keys are full addresses
 *                         ("user@example.com") and "*".  The domain is taken
 *                         after the last '@' (a quoted local part may hold
 *                         '@' or spaces: "john doe@example.com" is a valid
 *                         internal-form key), "@domain" works the same way.
 *                         Angle brackets around the whole key are accepted
 *                         in pairs only ("<user@domain>"; not "<user@domain").
 *                         Keys without '@' ("*", a bare local part) have no
 *                         domain: NOTFOUND.
 *   sendmail-mailertable  Sendmail mailertable (also under the name
 *   mailertable           "mailertable", which Sendmail sends when the map is
 *                         declared by FEATURE(`mailertable', `socket ...')).
 *                         Keys are host names, then parent domains with a
 *                         leading dot (".example.com"), then ".".  A key with
 *                         a leading dot answers NOTFOUND without a lookup:
 *                         Sendmail always asks for the exact host first, and
 *                         the core resolves that one completely (a listed
 *                         "*.example.com" already matched it), so a parent
 *                         key could only widen a route to hosts it was not
 *                         decided for.
 *
 * Sendmail values are "mailer:host", converted from the Postfix route
 * "transport:nexthop[, nexthop...]" (DESIGN.md 5):
 *   - transport "smtp" becomes mailer "esmtp"; any other transport name is
 *     kept (the admin names a Sendmail mailer in routing.transport);
 *   - next hops are joined with ':', Sendmail's host list separator:
 *     "smtp:[192.0.2.1]:25, [192.0.2.2]:25" -> "esmtp:[192.0.2.1]:[192.0.2.2]";
 *   - a port is dropped when it is 25 (or "smtp"): a mailertable host takes
 *     no port.  Any other port cannot be said to Sendmail, so such a route
 *     answers NOTFOUND (the mail goes the usual way) with a warning logged
 *     once;
 *   - a bracketed IPv6 address gets Sendmail's "IPv6:" tag;
 *   - an empty next hop (the `transport` route: same MX routing, another
 *     transport) becomes the domain itself, unbracketed, so Sendmail still
 *     looks up its MX: "smtp-ipv4:" -> "smtp-ipv4:example.com".
 *
 * One decision line is logged per answered route (core_log_decision); a
 * NOTFOUND is logged at debug level only, to keep the hot path cheap.
 * Thread-safety: none needed beyond core.h's; the once-only warnings use
 * atomics.
 */
#include "sockmap.h"
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "core.h"
#include "dname.h"
#include "log.h"
#include "util.h"

#define SOCKMAP_KEY_MAX  SOCKMAP_REQ_MAX
#define SOCKMAP_NOTFOUND "NOTFOUND "

enum sockmap_map {
    SOCKMAP_UNKNOWN,
    SOCKMAP_POSTFIX,
    SOCKMAP_SENDMAIL,
};

static atomic_int sockmap_warned_map;
static atomic_int sockmap_warned_port;

static enum sockmap_map sockmap_map_of(const char *name, size_t len)
{
    static const struct {
        const char *name;
        enum sockmap_map map;
    } maps[] = {
        {"postfix-transport", SOCKMAP_POSTFIX},
        {"sendmail-mailertable", SOCKMAP_SENDMAIL},
        {"mailertable", SOCKMAP_SENDMAIL},
    };
    size_t i;

    for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
        if (strlen(maps[i].name) == len && memcmp(maps[i].name, name, len) == 0)
            return maps[i].map;
    }
    return SOCKMAP_UNKNOWN;
}

static int sockmap_answer_notfound(char *out, size_t size)
{
    util_strlcpy(out, SOCKMAP_NOTFOUND, size);
    return 0;
}

/* Appends n octets of s at *pos; 0, or -1 when out is too small. */
static int sockmap_put(char *out, size_t size, size_t *pos, const char *s, size_t n)
{
    if (*pos + n >= size)
        return -1;
    memcpy(out + *pos, s, n);
    *pos += n;
    out[*pos] = '\0';
    return 0;
}

/* Appends one Postfix next hop (hop[0..n)) in Sendmail form.  0, or -1 when
 * it cannot be expressed or does not fit. */
static int sockmap_sendmail_hop(const char *hop, size_t n, char *out, size_t size, size_t *pos)
{
    const char *host = hop, *port = NULL;
    size_t hlen = n;
    int v6 = 0;

    if (hop[0] == '[') {
        const char *close = memchr(hop, ']', n);
        if (close == NULL)
            return -1;
        hlen = (size_t)(close - hop) + 1;
        if (hlen < n) {
            if (close[1] != ':')
                return -1;
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
              (plen == 4 && memcmp(port, "smtp", 4) == 0))) {
            if (atomic_exchange(&sockmap_warned_port, 1) == 0)
                log_warn("socketmap: a Sendmail mailertable host takes no port; routes with a "
                         "port other than 25 answer NOTFOUND");
            return -1;
        }
    }
    if (hlen == 0)
        return -1;
    if (v6)
        return sockmap_put(out, size, pos, "[IPv6:", 6) ||
               sockmap_put(out, size, pos, host + 1, hlen - 1);
    return sockmap_put(out, size, pos, host, hlen);
}

/* Converts a Postfix route into a Sendmail mailertable value (see the top
 * of this file).  0, or -1 when it cannot be expressed or does not fit. */
static int sockmap_sendmail_route(const char *route, const char *domain, char *out, size_t size)
{
    const char *colon = strchr(route, ':'), *p;
    size_t pos = 0, nhops = 0;

    out[0] = '\0';
    if (colon == NULL || colon == route)
        return -1;
    if (colon - route == 4 && memcmp(route, "smtp", 4) == 0) {
        if (sockmap_put(out, size, &pos, "esmtp", 5))
            return -1;
    } else if (sockmap_put(out, size, &pos, route, (size_t)(colon - route))) {
        return -1;
    }
    if (sockmap_put(out, size, &pos, ":", 1))
        return -1;
    for (p = colon + 1;;) {
        size_t n;
        p += strspn(p, ", \t");
        if (*p == '\0')
            break;
        n = strcspn(p, ", \t");
        if (nhops++ > 0 && sockmap_put(out, size, &pos, ":", 1))
            return -1;
        if (sockmap_sendmail_hop(p, n, out, size, &pos))
            return -1;
        p += n;
    }
    if (nhops == 0)
        return sockmap_put(out, size, &pos, domain, strlen(domain));
    return 0;
}

/* The normalised domain of a key, or NULL when it has none we can use. */
static const char *sockmap_domain(enum sockmap_map map, const char *key, char *dom, size_t size)
{
    const char *err;

    if (map == SOCKMAP_POSTFIX) {
        if (strchr(key, '@') == NULL)
            return NULL; /* "*", or a local part alone */
        /* The whole key: dname_from_address() pairs its angle brackets
         * and takes the domain after the last '@'. */
        err = dname_from_address(key, 0, dom, size);
    } else {
        if (key[0] == '.' || key[0] == '\0')
            return NULL; /* a parent domain: see the top of this file */
        err = dname_from_address(key, 1, dom, size);
    }
    if (err != NULL) {
        log_debug("socketmap: key without a usable domain: %s", err);
        return NULL;
    }
    return dom;
}

int sockmap_answer(const char *req, size_t len, char *out, size_t size)
{
    char key[SOCKMAP_KEY_MAX + 1], dom[DNAME_MAX + 1], value[CORE_ROUTE_MAX + 64];
    const char *sp, *domain;
    struct core_answer ans;
    enum sockmap_map map;
    size_t nlen, klen;

    if (len > SOCKMAP_REQ_MAX || memchr(req, '\0', len) || memchr(req, '\r', len) ||
        memchr(req, '\n', len))
        return -1;
    sp = memchr(req, ' ', len);
    if (sp == NULL || sp == req)
        return -1;
    nlen = (size_t)(sp - req);
    klen = len - nlen - 1;
    if (klen > SOCKMAP_KEY_MAX)
        return -1;
    memcpy(key, sp + 1, klen);
    key[klen] = '\0';

    map = sockmap_map_of(req, nlen);
    if (map == SOCKMAP_UNKNOWN) {
        if (atomic_exchange(&sockmap_warned_map, 1) == 0) {
            char name[256];
            size_t n = nlen < sizeof(name) ? nlen : sizeof(name) - 1;
            char line[512];
            memcpy(name, req, n);
            name[n] = '\0';
            log_kv(line, sizeof(line), 0, "map", name);
            log_warn("socketmap: unknown map name, answering NOTFOUND (logged once): %s", line);
        }
        return sockmap_answer_notfound(out, size);
    }
    domain = sockmap_domain(map, key, dom, sizeof(dom));
    if (domain == NULL)
        return sockmap_answer_notfound(out, size);

    core_lookup(domain, &ans);
    if (!ans.rewrite || ans.route[0] == '\0') {
        log_debug("socketmap: domain=%s verdict=%s: NOTFOUND", domain, verdict_name(ans.verdict));
        return sockmap_answer_notfound(out, size);
    }
    if (map == SOCKMAP_SENDMAIL) {
        if (sockmap_sendmail_route(ans.route, domain, value, sizeof(value)))
            return sockmap_answer_notfound(out, size);
    } else {
        util_strlcpy(value, ans.route, sizeof(value));
    }
    if ((size_t)snprintf(out, size, "OK %s", value) >= size)
        return sockmap_answer_notfound(out, size);
    core_log_decision(NULL, domain, &ans, "socketmap");
    return 0;
}
