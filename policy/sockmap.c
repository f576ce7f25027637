/*
 * sockmap - see sockmap.h.  One request payload "NAME KEY" in, one answer
 * payload out; the caller (sockmap_io.c) does the netstring framing and
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
 * (doc/design.md §6, doc/mta-facts.md §2).  So an unknown map name is NOTFOUND too, with a
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
 * Sendmail values are "mailer:host", converted from the Postfix route by
 * route_sendmail() (src/route_sendmail.c, shared with `mxdetour export`); a
 * route it cannot express (a port other than 25) answers NOTFOUND, so the
 * mail goes the usual way, with a warning logged once.
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
#include "route_sendmail.h"
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
    core_count(CORE_SOCKETMAP, &ans);
    if (!ans.rewrite || ans.route[0] == '\0') {
        log_debug("socketmap: domain=%s verdict=%s: NOTFOUND", domain, ans.verdict);
        return sockmap_answer_notfound(out, size);
    }
    if (map == SOCKMAP_SENDMAIL) {
        int rc = route_sendmail(ans.route, domain, value, sizeof(value));
        if (rc == ROUTE_SENDMAIL_PORT && atomic_exchange(&sockmap_warned_port, 1) == 0)
            log_warn("socketmap: a Sendmail mailertable host takes no port; routes with a "
                     "port other than 25 answer NOTFOUND");
        if (rc != 0)
            return sockmap_answer_notfound(out, size);
    } else {
        util_strlcpy(value, ans.route, sizeof(value));
    }
    if ((size_t)snprintf(out, size, "OK %s", value) >= size)
        return sockmap_answer_notfound(out, size);
    core_log_decision(NULL, domain, &ans, "socketmap");
    return 0;
}
