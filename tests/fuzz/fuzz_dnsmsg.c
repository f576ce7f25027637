/*
 * fuzz_dnsmsg - libFuzzer target for src/dnsmsg.c: the input is a DNS reply
 * packet, parsed as the answer to "example.test" for A, AAAA and MX.
 * Besides "does not crash or read past the input", it checks what the
 * parser promises: a known outcome, the rcode of the header, kept records
 * within bounds, terminated and printable (they end up in logs and routes),
 * A/AAAA data that is an address, MX sorted by preference without a "."
 * exchange, null MX only as an MX answer, no records with NODATA or wrong-type,
 * and the same result for the qname written with a trailing dot and in
 * another case.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dnsmsg.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_name(const char *s)
{
    const char *end = memchr(s, '\0', sizeof(((struct dnsmsg_rr *)0)->data));
    CHECK(end != NULL);
    for (; *s; s++)
        CHECK(*s > 0x20 && *s < 0x7f && *s != '"' && *s != '\\');
}

static void one(const uint8_t *data, size_t size, int qtype)
{
    static struct dnsmsg m, m2;
    enum dns_outcome o, o2;

    o = dnsmsg_parse(data, size, "example.test", qtype, &m);
    switch (o) {
    case DNS_ANSWER:
    case DNS_NODATA:
    case DNS_NXDOMAIN:
    case DNS_SERVFAIL:
    case DNS_FORMERR:
    case DNS_NOTIMP:
    case DNS_REFUSED:
    case DNS_MALFORMED:
    case DNS_WRONGTYPE:
    case DNS_BADRDATA:
    case DNS_CNAME_LOOP:
        break;
    default:
        abort();
    }
    CHECK(m.nrr <= DNSMSG_MAX_RR);
    CHECK(m.truncated == 0 || m.truncated == 1);
    CHECK(m.rcode >= 0 && m.rcode <= 15);
    CHECK(m.aa == (size >= 12 && (data[2] & 0x80) && (data[2] & 0x04)));
    if (size >= 12)
        CHECK(m.auth_ns <= (unsigned)(data[8] << 8 | data[9]));
    if (size >= 12 && (data[2] & 0x80))
        CHECK(m.rcode == (data[3] & 0x0f));
    if (o == DNS_NXDOMAIN || o == DNS_SERVFAIL || o == DNS_FORMERR || o == DNS_NOTIMP ||
        o == DNS_REFUSED)
        CHECK(size >= 12 && (data[2] & 0x80));
    if (o == DNS_ANSWER)
        CHECK((m.nrr >= 1) != m.null_mx && m.rcode == 0 && !m.truncated);
    CHECK(!m.null_mx || (o == DNS_ANSWER && qtype == DNSMSG_T_MX));
    if (o == DNS_NODATA || o == DNS_WRONGTYPE)
        CHECK(m.nrr == 0 && m.rcode == 0 && !m.truncated);
    for (unsigned i = 0; o == DNS_ANSWER && i < m.nrr; i++) {
        unsigned char addr[16];
        const char *d = m.rr[i].data;
        check_name(d);
        if (qtype == DNSMSG_T_A)
            CHECK(inet_pton(AF_INET, d, addr) == 1);
        else if (qtype == DNSMSG_T_AAAA)
            CHECK(inet_pton(AF_INET6, d, addr) == 1);
        else if (qtype == DNSMSG_T_NS)
            CHECK(m.rr[i].pref == 0); /* any name, the root too */
        else                          /* kept sorted by preference; a "." exchange never kept */
            CHECK(m.rr[i].pref <= 0xffff && m.rr[i].data[0] &&
                  (i == 0 || m.rr[i - 1].pref <= m.rr[i].pref));
    }
    /* Names compare case-insensitively, with or without the final dot. */
    o2 = dnsmsg_parse(data, size, "EXAMPLE.Test.", qtype, &m2);
    CHECK(o2 == o && m2.nrr == m.nrr && m2.rcode == m.rcode && m2.null_mx == m.null_mx &&
          m2.aa == m.aa && m2.auth_ns == m.auth_ns);
    for (unsigned i = 0; o == DNS_ANSWER && i < m.nrr; i++)
        CHECK(strcmp(m.rr[i].data, m2.rr[i].data) == 0 && m.rr[i].pref == m2.rr[i].pref);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one(data, size, DNSMSG_T_A);
    one(data, size, DNSMSG_T_AAAA);
    one(data, size, DNSMSG_T_MX);
    one(data, size, DNSMSG_T_NS);
    return 0;
}
