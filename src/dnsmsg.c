/*
 * dnsmsg - see dnsmsg.h.  Every read is bounds-checked against len; a
 * compression loop is cut after 64 jumps.  Names compare case-insensitively
 * without the trailing dot.
 */
#include "dnsmsg.h"
#include <arpa/inet.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Expands the name at *pos; advances *pos past it.  -1 on a bad name. */
static int read_name(const unsigned char *buf, size_t len, size_t *pos, char *out, size_t size)
{
    size_t p = *pos, o = 0;
    int jumps = 0, jumped = 0;

    for (;;) {
        if (p >= len)
            return -1;
        unsigned c = buf[p];
        if ((c & 0xc0) == 0xc0) {
            if (p + 1 >= len || ++jumps > 64)
                return -1;
            if (!jumped)
                *pos = p + 2;
            jumped = 1;
            p = ((c & 0x3f) << 8) | buf[p + 1];
            continue;
        }
        if (c & 0xc0)
            return -1;
        if (c == 0) {
            if (!jumped)
                *pos = p + 1;
            break;
        }
        if (p + 1 + c > len || o + c + 2 > size)
            return -1;
        if (o)
            out[o++] = '.';
        for (unsigned i = 0; i < c; i++) {
            unsigned char ch = buf[p + 1 + i];
            /* Keep names printable: they end up in logs and routes. */
            out[o++] = (ch > 0x20 && ch < 0x7f && ch != '"' && ch != '\\') ? (char)ch : '?';
        }
        p += 1 + c;
    }
    out[o] = '\0';
    return 0;
}

static int same_name(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la && a[la - 1] == '.')
        la--;
    if (lb && b[lb - 1] == '.')
        lb--;
    return la == lb && strncasecmp(a, b, la) == 0;
}

static unsigned u16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

/* RFC 2181 section 8: a TTL with the top bit set is read as zero. */
static unsigned ttl_at(const unsigned char *p)
{
    uint32_t t = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return t & 0x80000000u ? 0 : (unsigned)t;
}

/* Inserts rr among the kept MX records, which stay sorted by preference
 * with ties in message order; when all slots are taken the worst goes. */
static void keep_mx(struct dnsmsg *m, const struct dnsmsg_rr *rr)
{
    unsigned at = m->nrr, last;

    while (at > 0 && m->rr[at - 1].pref > rr->pref)
        at--;
    if (at == DNSMSG_MAX_RR)
        return; /* no better than any kept one */
    last = m->nrr < DNSMSG_MAX_RR ? m->nrr++ : DNSMSG_MAX_RR - 1;
    memmove(&m->rr[at + 1], &m->rr[at], (last - at) * sizeof(m->rr[0]));
    m->rr[at] = *rr;
}

/* Stores one record of the wanted type; DNS_BADRDATA when its data cannot be. */
static enum dns_outcome keep(const unsigned char *buf, size_t len, size_t rd, unsigned rdlen,
                             int qtype, struct dnsmsg *m, unsigned *nnull)
{
    if (qtype == DNSMSG_T_NS) {
        size_t p = rd;
        if (m->nrr == DNSMSG_MAX_RR)
            return DNS_ANSWER;
        if (read_name(buf, len, &p, m->rr[m->nrr].data, sizeof(m->rr[0].data)) < 0 ||
            p != rd + rdlen)
            return DNS_BADRDATA;
        m->rr[m->nrr++].pref = 0;
        return DNS_ANSWER;
    }
    if (qtype == DNSMSG_T_MX) {
        struct dnsmsg_rr mx;
        size_t p = rd + 2;
        if (rdlen < 3)
            return DNS_BADRDATA;
        mx.pref = u16(buf + rd);
        if (read_name(buf, len, &p, mx.data, sizeof(mx.data)) < 0 || p != rd + rdlen)
            return DNS_BADRDATA;
        if (mx.data[0])
            keep_mx(m, &mx);
        else
            ++*nnull;
        return DNS_ANSWER;
    }
    if (m->nrr == DNSMSG_MAX_RR)
        return DNS_ANSWER; /* more than we examine: ignored, as the header says */

    struct dnsmsg_rr *rr = &m->rr[m->nrr];
    if (qtype == DNSMSG_T_A || qtype == DNSMSG_T_AAAA) {
        unsigned want = qtype == DNSMSG_T_A ? 4 : 16;
        if (rdlen != want)
            return DNS_BADRDATA;
        inet_ntop(qtype == DNSMSG_T_A ? AF_INET : AF_INET6, buf + rd, rr->data, sizeof(rr->data));
    } else {
        rr->data[0] = '\0';
    }
    m->nrr++;
    return DNS_ANSWER;
}

/* Follows a CNAME to target: -1 when the chain comes back to a name it
 * passed (chain[0] is the qname) or grows past DNSMSG_MAX_CHAIN hops. */
static int follow(char chain[][256], unsigned *hops, const char *target)
{
    for (unsigned i = 0; i <= *hops; i++)
        if (same_name(chain[i], target))
            return -1;
    if (*hops == DNSMSG_MAX_CHAIN)
        return -1;
    snprintf(chain[++*hops], sizeof(chain[0]), "%s", target);
    return 0;
}

/* NS records among the n records at pos (the authority section).  Only a
 * hint: a section that does not parse ends the count, not the parse. */
static unsigned count_ns(const unsigned char *buf, size_t len, size_t pos, unsigned n)
{
    char owner[256];
    unsigned count = 0;

    for (unsigned i = 0; i < n; i++) {
        if (read_name(buf, len, &pos, owner, sizeof(owner)) < 0 || pos + 10 > len ||
            pos + 10 + u16(buf + pos + 8) > len)
            break;
        if (u16(buf + pos) == DNSMSG_T_NS)
            count++;
        pos += 10 + u16(buf + pos + 8);
    }
    return count;
}

enum dns_outcome dnsmsg_parse(const unsigned char *buf, size_t len, const char *qname, int qtype,
                              struct dnsmsg *m)
{
    char owner[256], target[256], chain[DNSMSG_MAX_CHAIN + 1][256];
    size_t pos = 12;
    unsigned qd, an, ns, other = 0, nnull = 0, hops = 0;

    /* Only the header fields: clearing all records costs more than a parse. */
    m->rcode = m->truncated = 0;
    m->nrr = 0;
    m->null_mx = 0;
    m->aa = 0;
    m->auth_ns = 0;
    m->ttl = UINT_MAX;
    if (len < 12 || !(buf[2] & 0x80))
        return DNS_MALFORMED;
    m->aa = (buf[2] & 0x04) != 0;
    m->rcode = buf[3] & 0x0f;
    m->truncated = (buf[2] & 0x02) != 0;
    switch (m->rcode) {
    case 0:
        break;
    case 1:
        return DNS_FORMERR;
    case 2:
        return DNS_SERVFAIL;
    case 3:
        return DNS_NXDOMAIN;
    case 4:
        return DNS_NOTIMP;
    case 5:
        return DNS_REFUSED;
    default:
        return DNS_MALFORMED;
    }
    if (m->truncated)
        return DNS_MALFORMED;
    qd = u16(buf + 4);
    an = u16(buf + 6);
    ns = u16(buf + 8);
    for (unsigned i = 0; i < qd; i++) {
        if (read_name(buf, len, &pos, owner, sizeof(owner)) < 0 || pos + 4 > len)
            return DNS_MALFORMED;
        pos += 4;
    }
    snprintf(chain[0], sizeof(chain[0]), "%s", qname);
    for (unsigned i = 0; i < an; i++) {
        if (read_name(buf, len, &pos, owner, sizeof(owner)) < 0 || pos + 10 > len)
            return DNS_MALFORMED;
        unsigned type = u16(buf + pos), rdlen = u16(buf + pos + 8), ttl = ttl_at(buf + pos + 4);
        size_t rd = pos + 10;
        if (rd + rdlen > len)
            return DNS_MALFORMED;
        pos = rd + rdlen;
        if (!same_name(owner, chain[hops])) {
            other++;
            continue;
        }
        if ((int)type == qtype || type == DNSMSG_T_CNAME)
            m->ttl = ttl < m->ttl ? ttl : m->ttl;
        if ((int)type == qtype) {
            enum dns_outcome o = keep(buf, len, rd, rdlen, qtype, m, &nnull);
            if (o != DNS_ANSWER)
                return o;
        } else if (type == DNSMSG_T_CNAME) {
            size_t p = rd;
            if (read_name(buf, len, &p, target, sizeof(target)) < 0)
                return DNS_MALFORMED;
            /* Resolvers put the chain in order; follow it as glibc does. */
            if (follow(chain, &hops, target) < 0)
                return DNS_CNAME_LOOP;
        } else {
            other++;
        }
    }
    m->auth_ns = count_ns(buf, len, pos, ns);
    if (m->nrr)
        return DNS_ANSWER;
    m->ttl = 0;
    if (nnull) {
        m->null_mx = 1;
        return DNS_ANSWER;
    }
    return other ? DNS_WRONGTYPE : DNS_NODATA;
}
