/*
 * verdict - see verdict.h.  The merge rules, written out:
 *  1. The MX query decides first: NXDOMAIN is nxdomain; any failure other
 *     than NODATA (timeout, rcode, garbage) is mx-error.  A single "MX 0 ."
 *     is null-mx.
 *  2. Then the MX hosts, in preference order: the first host whose AAAA
 *     query failed names the verdict, aaaa-ignored for a timeout (Postfix
 *     waits timeout x attempts for it) and aaaa-error for anything else.
 *     Failures of A alone do not make a verdict: Postfix still delivers over
 *     IPv6 or to the next MX host, so rerouting would change nothing.
 *  3. pinnable says whether any examined host had an A address: without one,
 *     Postfix defers the domain and only a smart host helps (routes.c).
 *  4. With an external resolver: a local failure that the external resolver
 *     does not see is local-dns-down; one it sees too is confirmed; when it
 *     says the domain does not exist (or takes no mail), that is the verdict.
 */
#include "verdict.h"
#include "util.h"
#include <stdio.h>
#include <string.h>

static const char *const verdict_names[VERDICT__COUNT] = {
    "unknown",  "healthy",  "listed",  "aaaa-ignored",   "aaaa-error",
    "mx-error", "nxdomain", "null-mx", "local-dns-down",
};

const char *verdict_name(enum verdict v)
{
    return (unsigned)v < VERDICT__COUNT ? verdict_names[v] : "unknown";
}

int verdict_from_name(const char *s, enum verdict *v)
{
    for (int i = 0; i < VERDICT__COUNT; i++) {
        if (strcmp(s, verdict_names[i]) == 0) {
            *v = (enum verdict)i;
            return 0;
        }
    }
    return -1;
}

int verdict_is_broken(enum verdict v)
{
    return v == VERDICT_AAAA_IGNORED || v == VERDICT_AAAA_ERROR || v == VERDICT_MX_ERROR ||
           v == VERDICT_LOCAL_DNS_DOWN;
}

static int outcome_ok(enum dns_outcome o)
{
    return o == DNS_ANSWER || o == DNS_NODATA;
}

/* What a remote server did wrong to an AAAA query.  DNS_FAILED (our own
 * socket or a cancelled query) and NXDOMAIN are not the domain's fault. */
static int aaaa_broken(enum dns_outcome o)
{
    return o != DNS_PENDING && o != DNS_FAILED && o != DNS_NXDOMAIN && !outcome_ok(o);
}

static void fmt_duration(char *buf, size_t size, unsigned ms)
{
    if (ms % 1000 == 0)
        snprintf(buf, size, "%us", ms / 1000);
    else
        snprintf(buf, size, "%ums", ms);
}

static void evidence(char *buf, size_t size, const char *qtype, const char *qname,
                     const struct dns_result *r, const struct probe_result *p)
{
    char dur[32] = "";

    if (r->outcome == DNS_TIMEOUT) {
        char t[16];
        fmt_duration(t, sizeof(t), p->timeout_ms);
        snprintf(dur, sizeof(dur), " %ux%s", p->tries, t);
    }
    snprintf(buf, size, "%s %s %s%s @%s", qtype, qname, dns_outcome_evidence(r->outcome), dur,
             r->server[0] ? r->server : "?");
}

static void add_pin(struct verdict_info *out, const char *addr)
{
    size_t len = strlen(out->pin);
    char needle[50];

    snprintf(needle, sizeof(needle), " %s ", addr);
    /* Deduplicate: two MX names may share an address. */
    char padded[VERDICT_PIN_MAX + 2];
    snprintf(padded, sizeof(padded), " %s ", out->pin);
    if (strstr(padded, needle))
        return;
    if (len + strlen(addr) + 2 >= sizeof(out->pin))
        return;
    if (len)
        out->pin[len++] = ' ';
    strcpy(out->pin + len, addr);
}

static unsigned slowest(const struct probe_result *r)
{
    unsigned ms = r->mx.ms;
    for (unsigned i = 0; i < r->nhost; i++) {
        if (r->host[i].a.ms > ms)
            ms = r->host[i].a.ms;
        if (r->host[i].aaaa.ms > ms)
            ms = r->host[i].aaaa.ms;
    }
    return ms;
}

enum verdict verdict_of(const struct probe_result *r, struct verdict_info *out)
{
    const struct probe_host *bad = NULL;

    memset(out, 0, sizeof(*out));
    if (r->mx.outcome == DNS_NXDOMAIN) {
        evidence(out->evidence, sizeof(out->evidence), "MX", r->domain, &r->mx, r);
        return out->verdict = VERDICT_NXDOMAIN;
    }
    if (!outcome_ok(r->mx.outcome)) {
        evidence(out->evidence, sizeof(out->evidence), "MX", r->domain, &r->mx, r);
        return out->verdict = VERDICT_MX_ERROR;
    }
    if (r->null_mx) {
        snprintf(out->evidence, sizeof(out->evidence), "MX %s null MX (RFC 7505) @%s", r->domain,
                 r->mx.server);
        return out->verdict = VERDICT_NULL_MX;
    }
    for (unsigned i = 0; i < r->nhost; i++) {
        const struct probe_host *h = &r->host[i];
        if (h->literal)
            continue; /* Postfix ignores numeric MX targets; so do we */
        if (h->a.outcome == DNS_ANSWER) {
            out->pinnable = 1;
            for (unsigned k = 0; k < h->naddr; k++)
                add_pin(out, h->addr[k]);
            if (h->naddr && (!out->pin_ttl || h->a_ttl < out->pin_ttl))
                out->pin_ttl = h->a_ttl ? h->a_ttl : 1;
        }
        if (!bad && aaaa_broken(h->aaaa.outcome))
            bad = h;
    }
    if (bad) {
        util_strlcpy(out->host, bad->name, sizeof(out->host));
        evidence(out->evidence, sizeof(out->evidence), "AAAA", bad->name, &bad->aaaa, r);
        if (bad->a.outcome != DNS_ANSWER) {
            size_t n = strlen(out->evidence);
            snprintf(out->evidence + n, sizeof(out->evidence) - n, "; A %s",
                     dns_outcome_evidence(bad->a.outcome));
        }
        return out->verdict =
                   bad->aaaa.outcome == DNS_TIMEOUT ? VERDICT_AAAA_IGNORED : VERDICT_AAAA_ERROR;
    }
    out->slow_ms = slowest(r);
    snprintf(out->evidence, sizeof(out->evidence), "%u MX host%s answered, slowest %ums", r->nhost,
             r->nhost == 1 ? "" : "s", out->slow_ms);
    return out->verdict = VERDICT_HEALTHY;
}

void verdict_decide(const struct probe_result *local, const struct probe_result *external,
                    struct verdict_info *out)
{
    struct verdict_info ext;

    verdict_of(local, out);
    if (!external || !verdict_is_broken(out->verdict))
        return;
    verdict_of(external, &ext);
    if (verdict_is_broken(ext.verdict)) {
        out->confirmed = 1;
        return;
    }
    size_t n = strlen(out->evidence);
    snprintf(out->evidence + n, sizeof(out->evidence) - n, "; external %s %s", external->mx.server,
             verdict_name(ext.verdict));
    if (ext.verdict == VERDICT_NXDOMAIN || ext.verdict == VERDICT_NULL_MX) {
        /* The world says the domain takes no mail: no route could help,
         * and a smart host must not get mail for a domain that is not. */
        out->verdict = ext.verdict;
        out->host[0] = '\0';
        out->pinnable = 0;
        out->pin[0] = '\0';
        out->pin_ttl = 0;
        return;
    }
    /* The world sees a working domain: the fault is our resolver's. */
    out->verdict = VERDICT_LOCAL_DNS_DOWN;
    out->pinnable = ext.pinnable;
    memcpy(out->pin, ext.pin, sizeof(out->pin));
    out->pin_ttl = ext.pin_ttl;
}
