/*
 * test_dnsmsg - dnsmsg_parse() of src/dnsmsg.c over reply packets built by
 * hand here, byte by byte: answers, NODATA, rcodes, TC, garbage, packets cut
 * inside a record, compression pointers (also a loop), CNAME chains (also
 * loops), wrong types, bad RDATA, MX sets larger than what is kept, null MX.  Each row is a packet
 * builder, the question and the expected outcome with every kept record.
 * test_authority: the AA bit, NS names and the NS records of the authority
 * section that tell a referral or a lame answer (RFC 4074 section 4.5).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dnsmsg.h"
#include <stdio.h>
#include <string.h>

#define T_A     DNSMSG_T_A
#define T_AAAA  DNSMSG_T_AAAA
#define T_MX    DNSMSG_T_MX
#define T_CNAME DNSMSG_T_CNAME
#define T_TXT   DNSMSG_T_TXT
#define T_SOA   6
#define T_NS    DNSMSG_T_NS
#define QNAME   "example.test"
#define QOFF    12 /* offset of the question name: target of 0xc00c */
/* clang-format off */
#define RR(...) {__VA_ARGS__} /* the expected records of a row */
/* clang-format on */

struct pkt {
    unsigned char b[2048];
    size_t n;
};

static void put8(struct pkt *p, unsigned v)
{
    p->b[p->n++] = (unsigned char)v;
}

static void put16(struct pkt *p, unsigned v)
{
    put8(p, v >> 8);
    put8(p, v & 0xff);
}

static void putraw(struct pkt *p, const void *d, size_t n)
{
    memcpy(p->b + p->n, d, n);
    p->n += n;
}

/* Uncompressed name; "" is the root. */
static void putname(struct pkt *p, const char *name)
{
    while (*name) {
        size_t n = strcspn(name, ".");
        put8(p, (unsigned)n);
        putraw(p, name, n);
        name += n;
        if (*name == '.')
            name++;
    }
    put8(p, 0);
}

/* Header with QR set, the question for QNAME/qtype. */
static void head(struct pkt *p, unsigned flags, unsigned rcode, unsigned an, int qtype)
{
    p->n = 0;
    put16(p, 0x1234);
    put16(p, 0x8180 | flags | rcode);
    put16(p, 1);
    put16(p, an);
    put16(p, 0);
    put16(p, 0);
    putname(p, QNAME);
    put16(p, (unsigned)qtype);
    put16(p, 1);
}

/* RR header with the owner as a pointer to the question name. */
static void rrq(struct pkt *p, unsigned type, unsigned rdlen)
{
    put16(p, 0xc000 | QOFF);
    put16(p, type);
    put16(p, 1);
    put16(p, 0);
    put16(p, 300);
    put16(p, rdlen);
}

static void rrname(struct pkt *p, const char *owner, unsigned type, unsigned rdlen)
{
    putname(p, owner);
    put16(p, type);
    put16(p, 1);
    put16(p, 0);
    put16(p, 300);
    put16(p, rdlen);
}

static void a_rr(struct pkt *p, unsigned a, unsigned b, unsigned c, unsigned d)
{
    rrq(p, T_A, 4);
    put8(p, a);
    put8(p, b);
    put8(p, c);
    put8(p, d);
}

static void mx_rr(struct pkt *p, unsigned pref, const char *exchange)
{
    rrq(p, T_MX, (unsigned)(2 + strlen(exchange) + (exchange[0] ? 2 : 1)));
    put16(p, pref);
    putname(p, exchange);
}

/* --- packet builders, one per row ---------------------------------------- */

static void b_a2(struct pkt *p)
{
    head(p, 0, 0, 2, T_A);
    a_rr(p, 192, 0, 2, 1);
    a_rr(p, 192, 0, 2, 2);
}

static void b_aaaa(struct pkt *p)
{
    static const unsigned char a6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                         0,    0,    0,    0,    0, 0, 0, 1};
    head(p, 0, 0, 1, T_AAAA);
    rrq(p, T_AAAA, 16);
    putraw(p, a6, 16);
}

/* Exchanges "mx1" + pointer to the question name, "mx2.example.net". */
static void b_mx(struct pkt *p)
{
    head(p, 0, 0, 2, T_MX);
    rrq(p, T_MX, 2 + 4 + 2);
    put16(p, 10);
    put8(p, 3);
    putraw(p, "mx1", 3);
    put16(p, 0xc000 | QOFF);
    mx_rr(p, 20, "mx2.example.net");
}

static void b_mx_root(struct pkt *p)
{
    head(p, 0, 0, 1, T_MX);
    mx_rr(p, 0, "");
}

static void b_nodata(struct pkt *p)
{
    head(p, 0, 0, 0, T_AAAA);
}

/* NODATA with the SOA in the authority section, as servers send it. */
static void b_nodata_soa(struct pkt *p)
{
    head(p, 0x0400, 0, 0, T_AAAA);
    p->b[9] = 1; /* nscount */
    rrq(p, T_SOA, 4 + 3 + 20);
    putname(p, "ns");
    putname(p, "h");
    for (unsigned i = 0; i < 5; i++) {
        put16(p, 0);
        put16(p, 300);
    }
}

static void b_nxdomain(struct pkt *p)
{
    head(p, 0x0400, 3, 0, T_A);
}

static void b_rc1(struct pkt *p)
{
    head(p, 0, 1, 0, T_AAAA);
}

static void b_rc2(struct pkt *p)
{
    head(p, 0, 2, 0, T_AAAA);
}

static void b_rc4(struct pkt *p)
{
    head(p, 0, 4, 0, T_AAAA);
}

static void b_rc5(struct pkt *p)
{
    head(p, 0, 5, 0, T_AAAA);
}

static void b_rc6(struct pkt *p)
{
    head(p, 0, 6, 0, T_AAAA);
}

static void b_rc9(struct pkt *p)
{
    head(p, 0, 9, 0, T_AAAA);
}

static void b_rc15(struct pkt *p)
{
    head(p, 0, 15, 0, T_AAAA);
}

/* SERVFAIL with an answer: the rcode wins. */
static void b_servfail_answer(struct pkt *p)
{
    head(p, 0, 2, 1, T_A);
    a_rr(p, 192, 0, 2, 1);
}

static void b_tc(struct pkt *p)
{
    head(p, 0x0200, 0, 0, T_AAAA);
}

static void b_tc_answer(struct pkt *p)
{
    head(p, 0x0200, 0, 1, T_A);
    a_rr(p, 192, 0, 2, 1);
}

static void b_query(struct pkt *p)
{
    head(p, 0, 0, 1, T_A);
    a_rr(p, 192, 0, 2, 1);
    p->b[2] &= 0x7f; /* QR clear: a query, not a reply */
}

static void b_empty(struct pkt *p)
{
    p->n = 0;
}

static void b_short(struct pkt *p)
{
    p->n = 0;
    putraw(p, "\x12\x34\x81\x80\0\1\0\0\0\0\0", 11);
}

static void b_garbage(struct pkt *p)
{
    p->n = 0;
    putraw(p, "\x12\x34\x81\x80\0\1\0\1\0\0\0\0\xde\xad\xbe\xef\xff\xfe\xfd\x01\x02", 21);
}

/* Header claims 3 answers, only one follows. */
static void b_short_an(struct pkt *p)
{
    head(p, 0, 0, 3, T_A);
    a_rr(p, 192, 0, 2, 1);
}

static void b_rdlen_past_end(struct pkt *p)
{
    head(p, 0, 0, 1, T_A);
    rrq(p, T_A, 200);
    putraw(p, "\xc0\0\2\1", 4);
}

static void b_ptr_loop_self(struct pkt *p)
{
    head(p, 0, 0, 1, T_A);
    put16(p, 0xc000 | (unsigned)p->n); /* owner points at itself */
    put16(p, T_A);
    put16(p, 1);
    put16(p, 0);
    put16(p, 300);
    put16(p, 4);
    putraw(p, "\xc0\0\2\1", 4);
}

static void b_ptr_loop_two(struct pkt *p)
{
    size_t at;

    head(p, 0, 0, 1, T_A);
    at = p->n;
    put8(p, 1);
    put8(p, 'x');
    put16(p, 0xc000 | (unsigned)(at + 4)); /* -> the next pointer */
    put16(p, 0xc000 | (unsigned)at);       /* -> back to "x" */
    put16(p, T_A);
    put16(p, 1);
    put16(p, 0);
    put16(p, 300);
    put16(p, 4);
    putraw(p, "\xc0\0\2\1", 4);
}

static void b_ptr_past_end(struct pkt *p)
{
    head(p, 0, 0, 1, T_A);
    put16(p, 0xc000 | 0x3fff);
    put16(p, T_A);
    put16(p, 1);
    put16(p, 0);
    put16(p, 300);
    put16(p, 4);
    putraw(p, "\xc0\0\2\1", 4);
}

/* Pointer byte as the very last byte: the offset octet is missing. */
static void b_ptr_half(struct pkt *p)
{
    head(p, 0, 0, 1, T_A);
    put8(p, 0xc0);
}

/* Label types 0x40 and 0x80 are not names. */
static void b_label_ext(struct pkt *p)
{
    head(p, 0, 0, 1, T_A);
    put8(p, 0x41);
    put8(p, 'x');
    put8(p, 0);
    put16(p, T_A);
    put16(p, 1);
    put16(p, 0);
    put16(p, 300);
    put16(p, 4);
    putraw(p, "\xc0\0\2\1", 4);
}

/* The second record's owner points at the first's owner pointer. */
static void b_ptr_chain(struct pkt *p)
{
    size_t first;

    head(p, 0, 0, 2, T_A);
    first = p->n;
    a_rr(p, 192, 0, 2, 1);
    put16(p, 0xc000 | (unsigned)first);
    put16(p, T_A);
    put16(p, 1);
    put16(p, 0);
    put16(p, 300);
    put16(p, 4);
    putraw(p, "\xc0\0\2\2", 4);
}

/* Owner in upper case and uncompressed. */
static void b_case(struct pkt *p)
{
    head(p, 0, 0, 1, T_A);
    rrname(p, "EXAMPLE.Test", T_A, 4);
    putraw(p, "\xc0\0\2\1", 4);
}

static void b_cname_chain(struct pkt *p)
{
    head(p, 0, 0, 3, T_A);
    rrq(p, T_CNAME, 20);
    putname(p, "alias.example.test");
    rrname(p, "alias.example.test", T_CNAME, 18);
    putname(p, "real.example.net");
    rrname(p, "Real.Example.NET", T_A, 4);
    putraw(p, "\xc0\0\2\7", 4);
}

/* CNAME to a name without records of the type: NODATA for the target. */
static void b_cname_dangling(struct pkt *p)
{
    head(p, 0, 0, 1, T_AAAA);
    rrq(p, T_CNAME, 20);
    putname(p, "alias.example.test");
}

static void b_cname_bad(struct pkt *p)
{
    head(p, 0, 0, 1, T_A);
    rrq(p, T_CNAME, 2);
    put16(p, 0xc000 | 0x3fff);
}

static void b_wrong_type(struct pkt *p)
{
    head(p, 0, 0, 1, T_AAAA);
    rrq(p, T_TXT, 4);
    putraw(p, "\3abc", 4);
}

static void b_wrong_name(struct pkt *p)
{
    head(p, 0, 0, 1, T_A);
    rrname(p, "other.test", T_A, 4);
    putraw(p, "\xc0\0\2\1", 4);
}

static void b_extra_type(struct pkt *p)
{
    head(p, 0, 0, 2, T_A);
    rrq(p, T_TXT, 4);
    putraw(p, "\3abc", 4);
    a_rr(p, 192, 0, 2, 1);
}

/* AAAA query answered with an A record. */
static void b_a_for_aaaa(struct pkt *p)
{
    head(p, 0, 0, 1, T_AAAA);
    a_rr(p, 192, 0, 2, 1);
}

static void b_aaaa3(struct pkt *p)
{
    head(p, 0, 0, 1, T_AAAA);
    rrq(p, T_AAAA, 3);
    putraw(p, "\x20\x01\x0d", 3);
}

static void b_a5(struct pkt *p)
{
    head(p, 0, 0, 1, T_A);
    rrq(p, T_A, 5);
    putraw(p, "\xc0\0\2\1\1", 5);
}

static void b_mx2(struct pkt *p)
{
    head(p, 0, 0, 1, T_MX);
    rrq(p, T_MX, 2);
    put16(p, 10);
}

/* The exchange name runs past RDLENGTH. */
static void b_mx_overrun(struct pkt *p)
{
    head(p, 0, 0, 1, T_MX);
    rrq(p, T_MX, 5);
    put16(p, 10);
    putname(p, "mx1");
}

/* RDLENGTH longer than the exchange name. */
static void b_mx_slack(struct pkt *p)
{
    head(p, 0, 0, 1, T_MX);
    rrq(p, T_MX, 8);
    put16(p, 10);
    putname(p, "mx1");
    put8(p, 0);
}

/* Bytes that would forge a log line or a route become '?'. */
static void b_mx_unprintable(struct pkt *p)
{
    head(p, 0, 0, 1, T_MX);
    rrq(p, T_MX, 2 + 9 + 5);
    put16(p, 5);
    put8(p, 8);
    putraw(p, "m x\"\\\n\1\x7f", 8);
    putname(p, "tst");
}

static void b_qd0(struct pkt *p)
{
    p->n = 0;
    putraw(p, "\x12\x34\x81\x80\0\0\0\1\0\0\0\0", 12);
    rrname(p, QNAME, T_A, 4);
    putraw(p, "\xc0\0\2\x2a", 4);
}

/* More records than DNSMSG_MAX_RR: the first ones are kept. */
static void b_many(struct pkt *p)
{
    head(p, 0, 0, DNSMSG_MAX_RR + 4, T_A);
    for (unsigned i = 1; i <= DNSMSG_MAX_RR + 4; i++)
        a_rr(p, 192, 0, 2, i);
}

/* A name of 4 x 63-octet labels (255 characters) still fits. */
static void b_mx_long(struct pkt *p)
{
    char name[300];
    memset(name, 'a', sizeof(name));
    for (int i = 63; i < 255; i += 64)
        name[i] = '.';
    name[255] = '\0';
    head(p, 0, 0, 1, T_MX);
    mx_rr(p, 1, name);
}

static void b_mx_too_long(struct pkt *p)
{
    char name[400];
    memset(name, 'a', sizeof(name));
    for (int i = 63; i < 319; i += 64)
        name[i] = '.';
    name[319] = '\0';
    head(p, 0, 0, 1, T_MX);
    mx_rr(p, 1, name);
}

/* 19 backups (MX 20) before the primary (MX 10), more than DNSMSG_MAX_RR. */
static void b_mx_backups_first(struct pkt *p)
{
    head(p, 0, 0, 20, T_MX);
    for (unsigned i = 1; i <= 19; i++) {
        char name[32];
        snprintf(name, sizeof(name), "b%u.example.net", i);
        mx_rr(p, 20, name);
    }
    mx_rr(p, 10, "mx.example.net");
}

/* RFC 7505: a "." exchange among real ones is not a null MX. */
static void b_mx_root_after(struct pkt *p)
{
    head(p, 0, 0, 2, T_MX);
    mx_rr(p, 10, "mx1.example.net");
    mx_rr(p, 0, "");
}

static void b_mx_root_before(struct pkt *p)
{
    head(p, 0, 0, 2, T_MX);
    mx_rr(p, 0, "");
    mx_rr(p, 10, "mx1.example.net");
}

static void b_mx_root_twice(struct pkt *p)
{
    head(p, 0, 0, 2, T_MX);
    mx_rr(p, 0, "");
    mx_rr(p, 0, "");
}

/* example.test -> alias.example.test -> example.test, as a server that
 * follows a loop a few times answers it. */
static void b_cname_loop(struct pkt *p)
{
    head(p, 0, 0, 3, T_MX);
    rrq(p, T_CNAME, 20);
    putname(p, "alias.example.test");
    rrname(p, "alias.example.test", T_CNAME, 14);
    putname(p, QNAME);
    rrq(p, T_CNAME, 20);
    putname(p, "alias.example.test");
}

static void b_cname_self(struct pkt *p)
{
    head(p, 0, 0, 1, T_A);
    rrq(p, T_CNAME, 2);
    put16(p, 0xc000 | QOFF);
}

/* A chain of hops CNAMEs c1.test -> c2.test ... then an A record. */
static void cname_hops(struct pkt *p, unsigned hops)
{
    char name[16], next[16];

    head(p, 0, 0, hops + 1, T_A);
    rrq(p, T_CNAME, 9);
    putname(p, "c1.test");
    for (unsigned i = 1; i < hops; i++) {
        snprintf(name, sizeof(name), "c%u.test", i);
        snprintf(next, sizeof(next), "c%u.test", i + 1);
        rrname(p, name, T_CNAME, (unsigned)strlen(next) + 2);
        putname(p, next);
    }
    snprintf(name, sizeof(name), "c%u.test", hops);
    rrname(p, name, T_A, 4);
    putraw(p, "\xc0\0\2\1", 4);
}

static void b_cname_longest(struct pkt *p)
{
    cname_hops(p, DNSMSG_MAX_CHAIN);
}

static void b_cname_too_long(struct pkt *p)
{
    cname_hops(p, DNSMSG_MAX_CHAIN + 1);
}

struct row {
    const char *what;
    void (*build)(struct pkt *);
    const char *qname;
    int qtype;
    enum dns_outcome want;
    int rcode, truncated;
    unsigned nrr;
    const char *rr[3]; /* data of the first records, "PREF name" for MX */
};

static const struct row rows[] = {
    {"A answer", b_a2, QNAME, T_A, DNS_ANSWER, 0, 0, 2, RR("192.0.2.1", "192.0.2.2")},
    {"A answer, qname with dot", b_a2, "Example.TEST.", T_A, DNS_ANSWER, 0, 0, 2,
     RR("192.0.2.1", "192.0.2.2")},
    {"AAAA answer", b_aaaa, QNAME, T_AAAA, DNS_ANSWER, 0, 0, 1, RR("2001:db8::1")},
    {"MX answer", b_mx, QNAME, T_MX, DNS_ANSWER, 0, 0, 2,
     RR("10 mx1.example.test", "20 mx2.example.net")},
    {"MX 0 .", b_mx_root, QNAME, T_MX, DNS_ANSWER, 0, 0, 0, RR(NULL)},
    {"MX 0 . twice", b_mx_root_twice, QNAME, T_MX, DNS_ANSWER, 0, 0, 0, RR(NULL)},
    {"MX 0 . after a real MX", b_mx_root_after, QNAME, T_MX, DNS_ANSWER, 0, 0, 1,
     RR("10 mx1.example.net")},
    {"MX 0 . before a real MX", b_mx_root_before, QNAME, T_MX, DNS_ANSWER, 0, 0, 1,
     RR("10 mx1.example.net")},
    {"19 backups before the primary", b_mx_backups_first, QNAME, T_MX, DNS_ANSWER, 0, 0,
     DNSMSG_MAX_RR, RR("10 mx.example.net", "20 b1.example.net", "20 b2.example.net")},
    {"NODATA", b_nodata, QNAME, T_AAAA, DNS_NODATA, 0, 0, 0, RR(NULL)},
    {"NODATA with SOA", b_nodata_soa, QNAME, T_AAAA, DNS_NODATA, 0, 0, 0, RR(NULL)},
    {"NXDOMAIN", b_nxdomain, QNAME, T_A, DNS_NXDOMAIN, 3, 0, 0, RR(NULL)},
    {"FORMERR", b_rc1, QNAME, T_AAAA, DNS_FORMERR, 1, 0, 0, RR(NULL)},
    {"SERVFAIL", b_rc2, QNAME, T_AAAA, DNS_SERVFAIL, 2, 0, 0, RR(NULL)},
    {"NOTIMP", b_rc4, QNAME, T_AAAA, DNS_NOTIMP, 4, 0, 0, RR(NULL)},
    {"REFUSED", b_rc5, QNAME, T_AAAA, DNS_REFUSED, 5, 0, 0, RR(NULL)},
    {"rcode 6", b_rc6, QNAME, T_AAAA, DNS_MALFORMED, 6, 0, 0, RR(NULL)},
    {"rcode 9", b_rc9, QNAME, T_AAAA, DNS_MALFORMED, 9, 0, 0, RR(NULL)},
    {"rcode 15", b_rc15, QNAME, T_AAAA, DNS_MALFORMED, 15, 0, 0, RR(NULL)},
    {"SERVFAIL with an answer", b_servfail_answer, QNAME, T_A, DNS_SERVFAIL, 2, 0, 0, RR(NULL)},
    {"TC", b_tc, QNAME, T_AAAA, DNS_MALFORMED, 0, 1, 0, RR(NULL)},
    {"TC with an answer", b_tc_answer, QNAME, T_A, DNS_MALFORMED, 0, 1, 0, RR(NULL)},
    {"QR clear", b_query, QNAME, T_A, DNS_MALFORMED, 0, 0, 0, RR(NULL)},
    {"empty", b_empty, QNAME, T_A, DNS_MALFORMED, 0, 0, 0, RR(NULL)},
    {"11 bytes", b_short, QNAME, T_A, DNS_MALFORMED, 0, 0, 0, RR(NULL)},
    {"garbage", b_garbage, QNAME, T_A, DNS_MALFORMED, 0, 0, 0, RR(NULL)},
    {"fewer answers than ancount", b_short_an, QNAME, T_A, DNS_MALFORMED, 0, 0, 0, RR(NULL)},
    {"rdlength past the end", b_rdlen_past_end, QNAME, T_A, DNS_MALFORMED, 0, 0, 0, RR(NULL)},
    {"pointer to itself", b_ptr_loop_self, QNAME, T_A, DNS_MALFORMED, 0, 0, 0, RR(NULL)},
    {"pointer loop of two", b_ptr_loop_two, QNAME, T_A, DNS_MALFORMED, 0, 0, 0, RR(NULL)},
    {"pointer past the end", b_ptr_past_end, QNAME, T_A, DNS_MALFORMED, 0, 0, 0, RR(NULL)},
    {"half a pointer", b_ptr_half, QNAME, T_A, DNS_MALFORMED, 0, 0, 0, RR(NULL)},
    {"extended label type", b_label_ext, QNAME, T_A, DNS_MALFORMED, 0, 0, 0, RR(NULL)},
    {"pointer to a pointer", b_ptr_chain, QNAME, T_A, DNS_ANSWER, 0, 0, 2,
     RR("192.0.2.1", "192.0.2.2")},
    {"owner case", b_case, QNAME, T_A, DNS_ANSWER, 0, 0, 1, RR("192.0.2.1")},
    {"CNAME chain", b_cname_chain, QNAME, T_A, DNS_ANSWER, 0, 0, 1, RR("192.0.2.7")},
    {"CNAME dangling", b_cname_dangling, QNAME, T_AAAA, DNS_NODATA, 0, 0, 0, RR(NULL)},
    {"CNAME loop", b_cname_loop, QNAME, T_MX, DNS_CNAME_LOOP, 0, 0, 0, RR(NULL)},
    {"CNAME to itself", b_cname_self, QNAME, T_A, DNS_CNAME_LOOP, 0, 0, 0, RR(NULL)},
    {"CNAME chain of the longest followed", b_cname_longest, QNAME, T_A, DNS_ANSWER, 0, 0, 1,
     RR("192.0.2.1")},
    {"CNAME chain too long", b_cname_too_long, QNAME, T_A, DNS_CNAME_LOOP, 0, 0, 0, RR(NULL)},
    {"CNAME with a bad target", b_cname_bad, QNAME, T_A, DNS_MALFORMED, 0, 0, 0, RR(NULL)},
    {"wrong type only", b_wrong_type, QNAME, T_AAAA, DNS_WRONGTYPE, 0, 0, 0, RR(NULL)},
    {"wrong name only", b_wrong_name, QNAME, T_A, DNS_WRONGTYPE, 0, 0, 0, RR(NULL)},
    {"A for AAAA", b_a_for_aaaa, QNAME, T_AAAA, DNS_WRONGTYPE, 0, 0, 0, RR(NULL)},
    {"extra type beside the answer", b_extra_type, QNAME, T_A, DNS_ANSWER, 0, 0, 1,
     RR("192.0.2.1")},
    {"3-byte AAAA", b_aaaa3, QNAME, T_AAAA, DNS_BADRDATA, 0, 0, 0, RR(NULL)},
    {"5-byte A", b_a5, QNAME, T_A, DNS_BADRDATA, 0, 0, 0, RR(NULL)},
    {"2-byte MX", b_mx2, QNAME, T_MX, DNS_BADRDATA, 0, 0, 0, RR(NULL)},
    {"MX name past rdlength", b_mx_overrun, QNAME, T_MX, DNS_BADRDATA, 0, 0, 0, RR(NULL)},
    {"MX rdlength past the name", b_mx_slack, QNAME, T_MX, DNS_BADRDATA, 0, 0, 0, RR(NULL)},
    {"MX unprintable", b_mx_unprintable, QNAME, T_MX, DNS_ANSWER, 0, 0, 1, RR("5 m?x?????.tst")},
    {"no question section", b_qd0, QNAME, T_A, DNS_ANSWER, 0, 0, 1, RR("192.0.2.42")},
    {"more records than kept", b_many, QNAME, T_A, DNS_ANSWER, 0, 0, DNSMSG_MAX_RR,
     RR("192.0.2.1", "192.0.2.2", "192.0.2.3")},
    {"MX name of 255 characters", b_mx_long, QNAME, T_MX, DNS_ANSWER, 0, 0, 1, RR(NULL)},
    {"MX name too long", b_mx_too_long, QNAME, T_MX, DNS_BADRDATA, 0, 0, 0, RR(NULL)},
};

static int check_buf(const struct row *r, const unsigned char *buf, size_t len)
{
    struct dnsmsg m;
    enum dns_outcome o;
    int bad = 0;

    memset(&m, 0x5a, sizeof(m));
    o = dnsmsg_parse(buf, len, r->qname, r->qtype, &m);
    if (o != r->want || m.rcode != r->rcode || m.truncated != r->truncated) {
        print_error("%s: got %s rcode %d tc %d, want %s rcode %d tc %d\n", r->what,
                    dns_outcome_name(o), m.rcode, m.truncated, dns_outcome_name(r->want), r->rcode,
                    r->truncated);
        bad = 1;
    }
    if (o == DNS_ANSWER && m.nrr != r->nrr) {
        print_error("%s: %u records, want %u\n", r->what, m.nrr, r->nrr);
        bad = 1;
    }
    if (o == DNS_ANSWER && r->qtype == T_MX && m.null_mx != (r->nrr == 0)) {
        print_error("%s: null_mx %d with %u records\n", r->what, m.null_mx, m.nrr);
        bad = 1;
    }
    for (unsigned i = 0; o == DNS_ANSWER && i < 3 && r->rr[i]; i++) {
        char got[300];
        if (r->qtype == T_MX)
            snprintf(got, sizeof(got), "%u %s", m.rr[i].pref, m.rr[i].data);
        else
            snprintf(got, sizeof(got), "%s", m.rr[i].data);
        if (strcmp(got, r->rr[i]) != 0) {
            print_error("%s: record %u \"%s\", want \"%s\"\n", r->what, i, got, r->rr[i]);
            bad = 1;
        }
    }
    return bad;
}

static void test_rows(void **state)
{
    int bad = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct pkt p;
        memset(&p, 0, sizeof(p));
        rows[i].build(&p);
        bad |= check_buf(&rows[i], p.b, p.n);
    }
    assert_int_equal(bad, 0);
}

/* Every proper prefix of a good reply (cut inside the question or inside
 * any record) is malformed; the parser never reads past len. */
static void test_cut(void **state)
{
    static const struct row cut = {"cut", NULL, QNAME, 0, DNS_MALFORMED, 0, 0, 0, {NULL}};
    void (*const builders[])(struct pkt *) = {b_a2, b_aaaa, b_mx, b_cname_chain, b_mx_root};
    static const int types[] = {T_A, T_AAAA, T_MX, T_A, T_MX};
    int bad = 0;

    (void)state;
    for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
        struct pkt p;
        struct row r = cut;
        builders[k](&p);
        r.qtype = types[k];
        for (size_t len = 0; len < p.n; len++) {
            /* An exact-size copy, so a sanitizer would see an overread. */
            unsigned char *q = test_malloc(len ? len : 1);
            memcpy(q, p.b, len);
            if (check_buf(&r, q, len)) {
                print_error("  builder %zu cut at %zu of %zu\n", k, len, p.n);
                bad = 1;
            }
            test_free(q);
        }
    }
    assert_int_equal(bad, 0);
}

/* The records kept when there are more than DNSMSG_MAX_RR are the first
 * DNSMSG_MAX_RR, in order ("more are ignored"). */
static void test_many(void **state)
{
    struct pkt p;
    struct dnsmsg m;

    (void)state;
    b_many(&p);
    assert_int_equal(dnsmsg_parse(p.b, p.n, QNAME, T_A, &m), DNS_ANSWER);
    assert_int_equal(m.nrr, DNSMSG_MAX_RR);
    for (unsigned i = 0; i < DNSMSG_MAX_RR; i++) {
        char want[32];
        snprintf(want, sizeof(want), "192.0.2.%u", i + 1);
        assert_string_equal(m.rr[i].data, want);
    }
}

/* MX: the best DNSMSG_MAX_RR by preference over the whole RRset, sorted,
 * ties in message order; worse ones than all kept are dropped. */
static void test_mx_best(void **state)
{
    static const unsigned prefs[] = {40, 5,  39, 5,  38, 37, 36, 35, 34, 33, 32,
                                     31, 30, 29, 28, 27, 3,  26, 25, 5,  41};
    static const unsigned want[DNSMSG_MAX_RR] = {3,  5,  5,  5,  25, 26, 27, 28,
                                                 29, 30, 31, 32, 33, 34, 35, 36};
    const unsigned n = sizeof(prefs) / sizeof(prefs[0]);
    struct pkt p;
    struct dnsmsg m;
    char name[32];

    (void)state;
    head(&p, 0, 0, n, T_MX);
    for (unsigned i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "h%u.example.net", i);
        mx_rr(&p, prefs[i], name);
    }
    assert_int_equal(dnsmsg_parse(p.b, p.n, QNAME, T_MX, &m), DNS_ANSWER);
    assert_int_equal(m.nrr, DNSMSG_MAX_RR);
    for (unsigned i = 0; i < DNSMSG_MAX_RR; i++)
        assert_int_equal(m.rr[i].pref, want[i]);
    /* The three MX 5, in the order of the message: records 1, 3, 19. */
    assert_string_equal(m.rr[1].data, "h1.example.net");
    assert_string_equal(m.rr[2].data, "h3.example.net");
    assert_string_equal(m.rr[3].data, "h19.example.net");
    assert_string_equal(m.rr[0].data, "h16.example.net");
}

static void test_long_name(void **state)
{
    struct pkt p;
    struct dnsmsg m;

    (void)state;
    b_mx_long(&p);
    assert_int_equal(dnsmsg_parse(p.b, p.n, QNAME, T_MX, &m), DNS_ANSWER);
    assert_int_equal(strlen(m.rr[0].data), 255);
    assert_int_equal(m.rr[0].data[63], '.');
    assert_int_equal(m.rr[0].data[254], 'a');
}

/* NS RRset of the question name, AA set, the second name compressed. */
static void b_ns2(struct pkt *p)
{
    head(p, 0x0400, 0, 2, T_NS);
    rrq(p, T_NS, 3 + 1 + 2);
    put8(p, 3);
    putraw(p, "ns1", 3);
    put16(p, 0xc000 | QOFF);
    rrq(p, T_NS, (unsigned)strlen("ns2.example.net") + 2);
    putname(p, "ns2.example.net");
}

/* A referral: no AA, no answer, the NS records of a zone in authority
 * (and the glue of one in additional, which nothing reads). */
static void b_referral(struct pkt *p)
{
    head(p, 0, 0, 0, T_AAAA);
    p->b[9] = 2;  /* nscount */
    p->b[11] = 1; /* arcount */
    rrname(p, "test", T_NS, (unsigned)strlen("a.nic.test") + 2);
    putname(p, "a.nic.test");
    rrname(p, "test", T_NS, (unsigned)strlen("b.nic.test") + 2);
    putname(p, "b.nic.test");
    rrname(p, "a.nic.test", T_A, 4);
    put16(p, 0xc000);
    put16(p, 0x0201);
}

static void test_authority(void **state)
{
    struct pkt p;
    struct dnsmsg m;

    (void)state;
    b_ns2(&p);
    assert_int_equal(dnsmsg_parse(p.b, p.n, QNAME, T_NS, &m), DNS_ANSWER);
    assert_int_equal(m.nrr, 2);
    assert_string_equal(m.rr[0].data, "ns1.example.test");
    assert_string_equal(m.rr[1].data, "ns2.example.net");
    assert_int_equal(m.aa, 1);
    assert_int_equal(m.auth_ns, 0);

    b_referral(&p);
    assert_int_equal(dnsmsg_parse(p.b, p.n, QNAME, T_AAAA, &m), DNS_NODATA);
    assert_int_equal(m.aa, 0);
    assert_int_equal(m.auth_ns, 2);
    /* An authority section cut short (here inside the second NS record)
     * counts the records before the cut and does not make the reply
     * malformed: it is only a hint. */
    assert_int_equal(dnsmsg_parse(p.b, p.n - 30, QNAME, T_AAAA, &m), DNS_NODATA);
    assert_int_equal(m.auth_ns, 1);

    /* NODATA from the zone itself: AA, SOA (not NS) in authority. */
    b_nodata_soa(&p);
    assert_int_equal(dnsmsg_parse(p.b, p.n, QNAME, T_AAAA, &m), DNS_NODATA);
    assert_int_equal(m.aa, 1);
    assert_int_equal(m.auth_ns, 0);
    /* NXDOMAIN keeps AA too: RFC 4074 4.2 needs to know it came from the zone. */
    b_nxdomain(&p);
    assert_int_equal(dnsmsg_parse(p.b, p.n, QNAME, T_A, &m), DNS_NXDOMAIN);
    assert_int_equal(m.aa, 1);
    b_nodata(&p);
    assert_int_equal(dnsmsg_parse(p.b, p.n, QNAME, T_AAAA, &m), DNS_NODATA);
    assert_int_equal(m.aa, 0);
}

/* Sets the TTL of the A record just appended (16 octets with a pointer owner). */
static void last_a_ttl(struct pkt *p, uint32_t ttl)
{
    unsigned char *t = p->b + p->n - 16 + 6;
    t[0] = (unsigned char)(ttl >> 24);
    t[1] = (unsigned char)(ttl >> 16);
    t[2] = (unsigned char)(ttl >> 8);
    t[3] = (unsigned char)ttl;
}

/* The answer holds for the least TTL of its RRset (a pin made from it is
 * re-probed by then), the records past DNSMSG_MAX_RR and the CNAMEs on the
 * way included; a TTL with the top bit set counts as 0 (RFC 2181 8). */
static void test_ttl(void **state)
{
    struct pkt p;
    struct dnsmsg m;

    (void)state;
    head(&p, 0, 0, 3, T_A);
    a_rr(&p, 192, 0, 2, 1);
    last_a_ttl(&p, 3600);
    a_rr(&p, 192, 0, 2, 2);
    last_a_ttl(&p, 60);
    a_rr(&p, 192, 0, 2, 3);
    last_a_ttl(&p, 120);
    assert_int_equal(dnsmsg_parse(p.b, p.n, QNAME, T_A, &m), DNS_ANSWER);
    assert_int_equal(m.ttl, 60);

    head(&p, 0, 0, DNSMSG_MAX_RR + 1, T_A);
    for (unsigned i = 0; i < DNSMSG_MAX_RR + 1; i++)
        a_rr(&p, 192, 0, 2, i);
    last_a_ttl(&p, 5); /* not kept, still part of the RRset */
    assert_int_equal(dnsmsg_parse(p.b, p.n, QNAME, T_A, &m), DNS_ANSWER);
    assert_int_equal(m.nrr, DNSMSG_MAX_RR);
    assert_int_equal(m.ttl, 5);

    head(&p, 0, 0, 2, T_A);
    a_rr(&p, 192, 0, 2, 1);
    last_a_ttl(&p, 0x80000000u);
    a_rr(&p, 192, 0, 2, 2);
    assert_int_equal(dnsmsg_parse(p.b, p.n, QNAME, T_A, &m), DNS_ANSWER);
    assert_int_equal(m.ttl, 0);

    b_cname_chain(&p); /* every record 300 s; the first CNAME made 200 s */
    {
        size_t ttl_lo = 12 + strlen(QNAME) + 2 + 4 + 6 + 2; /* question, then owner, type, class */
        p.b[ttl_lo] = 0;
        p.b[ttl_lo + 1] = 200;
    }
    assert_int_equal(dnsmsg_parse(p.b, p.n, QNAME, T_A, &m), DNS_ANSWER);
    assert_int_equal(m.ttl, 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),      cmocka_unit_test(test_cut),
        cmocka_unit_test(test_many),      cmocka_unit_test(test_mx_best),
        cmocka_unit_test(test_long_name), cmocka_unit_test(test_authority),
        cmocka_unit_test(test_ttl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
