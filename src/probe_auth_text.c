/*
 * probe_auth_text - what probe_auth found, in words (see probe_auth.h):
 * one phrase per server, and the summary appended to a verdict's evidence.
 * Pure: no I/O, so the evidence a job ends with is the same text the
 * control socket, the logs and `mxdetour probe` show.
 */
#include "dnsmsg.h"
#include "probe_auth.h"
#include "util.h"
#include <stdio.h>
#include <string.h>

static const char *type_name(int qtype)
{
    switch (qtype) {
    case DNSMSG_T_MX:
        return "MX";
    case DNSMSG_T_A:
        return "A";
    default:
        return "AAAA";
    }
}

const char *pauth_outcome(const struct probe_auth_server *sv)
{
    if (sv->tcp_failed)
        return "tcp-failed";
    if (sv->referral)
        return "referral";
    if (sv->lame)
        return "lame";
    return dns_outcome_name(sv->q.outcome);
}

/* NXDOMAIN for one type while the name has records of another: the server
 * says the name does not exist, and Postfix stops there (RFC 4074 4.2). */
static const char *nxdomain_fault(const char *t, enum dns_outcome a, char *buf, size_t size)
{
    if (a == DNS_ANSWER)
        snprintf(buf, size, "NXDOMAIN for %s while A exists (RFC 4074 4.2)", t);
    else if (a == DNS_NODATA)
        snprintf(buf, size, "NXDOMAIN for %s while the name exists (RFC 4074 4.2)", t);
    else
        snprintf(buf, size, "%s NXDOMAIN", t);
    return buf;
}

const char *pauth_fault(const struct probe_auth *a, const struct probe_auth_server *sv, char *buf,
                        size_t size)
{
    const char *t = type_name(a->qtype);
    enum dns_outcome q = sv->q.outcome, ao = sv->a.outcome;

    if (!sv->addr[0])
        snprintf(buf, size, "has no address");
    else if (sv->tcp_failed)
        snprintf(buf, size, "TC=1 for %s and TCP fails (RFC 8906 3.1.5)", t);
    else if (sv->lame)
        snprintf(buf, size, "%s for %s (RFC 4074 4.5)", sv->referral ? "a referral" : "lame, no AA",
                 t);
    else if (q == DNS_ANSWER || q == DNS_NODATA)
        snprintf(buf, size, "answers");
    else if (q == DNS_TIMEOUT && ao == DNS_TIMEOUT)
        snprintf(buf, size, "does not answer");
    else if (q == DNS_TIMEOUT)
        snprintf(buf, size, "drops %s", t);
    else if (q == DNS_NXDOMAIN)
        return nxdomain_fault(t, ao, buf, size);
    else
        snprintf(buf, size, "%s %s", t, dns_outcome_evidence(q));
    return buf;
}

/* Servers asked (with an address), and how many of them misbehave. */
static void count(const struct probe_auth *a, unsigned *asked, unsigned *bad)
{
    char why[160];

    *asked = *bad = 0;
    for (unsigned i = 0; i < a->nserver; i++) {
        if (!a->server[i].addr[0])
            continue;
        ++*asked;
        if (strcmp(pauth_fault(a, &a->server[i], why, sizeof(why)), "answers") != 0)
            ++*bad;
    }
}

/* "ns1.x.test (192.0.2.1) drops AAAA, ..."; bad_only lists the misbehaving
 * ones and counts the rest. */
static void list(const struct probe_auth *a, int bad_only, char *buf, size_t size)
{
    size_t n = 0;
    unsigned fine = 0;
    char why[160];

    buf[0] = '\0';
    for (unsigned i = 0; i < a->nserver && n < size; i++) {
        const struct probe_auth_server *sv = &a->server[i];
        const char *f = pauth_fault(a, sv, why, sizeof(why));
        if (bad_only && (!sv->addr[0] || strcmp(f, "answers") == 0)) {
            fine += sv->addr[0] != '\0';
            continue;
        }
        n += (size_t)snprintf(buf + n, size - n, "%s%s (%s) %s", n ? ", " : "", sv->name,
                              sv->addr[0] ? sv->addr : "-", f);
    }
    if (fine && n < size)
        snprintf(buf + n, size - n, ", %u more answer%s", fine, fine == 1 ? "s" : "");
}

void pauth_evidence(const struct probe_auth *a, char *ev, size_t size)
{
    size_t used = strlen(ev), room = size - used;
    unsigned asked, bad;
    char tail[96], servers[1024], out[1200];

    if (!a->qtype || used + 1 >= size)
        return;
    count(a, &asked, &bad);
    if (!asked) {
        snprintf(ev + used, room, "; authoritative: %s", a->note[0] ? a->note : "none asked");
        return;
    }
    if (bad == asked)
        snprintf(tail, sizeof(tail), "; Postfix is hurt (every server misbehaves)");
    else if (bad)
        snprintf(tail, sizeof(tail),
                 "; Postfix is hurt intermittently (%u of %u servers misbehave)", bad, asked);
    else
        snprintf(tail, sizeof(tail), "; every server of %s answers it directly", a->zone);
    for (int level = 0; level < 3; level++) {
        if (level < 2)
            list(a, level, servers, sizeof(servers));
        else
            snprintf(servers, sizeof(servers), "%u of %u servers of %s misbehave", bad, asked,
                     a->zone);
        snprintf(out, sizeof(out), "; authoritative: %s%s", servers, tail);
        if (strlen(out) < room || level == 2)
            break;
    }
    util_strlcpy(ev + used, out, room);
}
