/*
 * dnsmsg - pure, bounded parser of a DNS reply into the evidence mxdetour
 * needs: rcode, truncation, and the records of one name and type (following
 * a CNAME chain inside the answer section; a chain that comes back to a name
 * it passed, or runs longer than DNSMSG_MAX_CHAIN, is DNS_CNAME_LOOP).
 * No I/O, no allocation.
 *
 * MX: the DNSMSG_MAX_RR records of lowest preference over the whole RRset,
 * sorted by preference, ties in message order, so that neither the order a
 * resolver rotates the RRset into nor a flood of backups decides which hosts
 * are examined.  An exchange "." (RFC 7505 null MX) is never kept: when every
 * MX record has it, the outcome is DNS_ANSWER with null_mx set and no
 * records; among real MX records it is ignored.
 *
 * NS: the name servers (data) of the RRset.  The header's AA bit and the
 * number of NS records in the authority section are kept for every reply
 * with rcode 0 that is not truncated: an answer without AA, or an empty
 * answer with NS records in authority, is a referral or a lame answer when
 * the server was asked as an authoritative one (RFC 4074 section 4.5).
 *
 * TTLs over 2^31 - 1 count as 0 (RFC 2181 section 8).
 */
#ifndef MXD_DNSMSG_H
#define MXD_DNSMSG_H
#include <stddef.h>
#include "verdict.h"

#define DNSMSG_T_A       1
#define DNSMSG_T_NS      2
#define DNSMSG_T_CNAME   5
#define DNSMSG_T_MX      15
#define DNSMSG_T_TXT     16
#define DNSMSG_T_AAAA    28
#define DNSMSG_MAX_RR    PROBE_MAX_MX
#define DNSMSG_MAX_CHAIN 16 /* CNAME hops followed */

struct dnsmsg_rr {
    unsigned pref;  /* MX only */
    char data[256]; /* MX exchange or NS name, or A/AAAA address as text */
};

struct dnsmsg {
    int rcode;
    int truncated;
    struct dnsmsg_rr rr[DNSMSG_MAX_RR];
    unsigned nrr;     /* kept records (more are ignored) */
    int null_mx;      /* MX: only records with the exchange "." */
    int aa;           /* the header's AA bit (any rcode) */
    unsigned auth_ns; /* NS records in the authority section */
    unsigned ttl;     /* DNS_ANSWER: the least TTL (seconds) over the RRset
                       * answered, kept records or not, and the CNAMEs
                       * followed to it: how long the answer holds */
};

/* Classifies buf as the answer to (qname, qtype): DNS_ANSWER with m->rr
 * filled (or null_mx), DNS_NODATA, DNS_NXDOMAIN, an rcode outcome,
 * DNS_MALFORMED, DNS_WRONGTYPE, DNS_BADRDATA or DNS_CNAME_LOOP. */
enum dns_outcome dnsmsg_parse(const unsigned char *buf, size_t len, const char *qname, int qtype,
                              struct dnsmsg *m);
#endif
