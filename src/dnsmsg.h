/*
 * dnsmsg - pure, bounded parser of a DNS reply into the evidence mxdetour
 * needs: rcode, truncation, and the records of one name and type (following
 * a CNAME chain inside the answer section).  No I/O, no allocation.
 */
#ifndef MXD_DNSMSG_H
#define MXD_DNSMSG_H
#include <stddef.h>
#include "verdict.h"

#define DNSMSG_T_A     1
#define DNSMSG_T_NS    2
#define DNSMSG_T_CNAME 5
#define DNSMSG_T_MX    15
#define DNSMSG_T_TXT   16
#define DNSMSG_T_AAAA  28
#define DNSMSG_MAX_RR  PROBE_MAX_MX

struct dnsmsg_rr {
    unsigned pref;  /* MX only */
    char data[256]; /* MX exchange name, or A/AAAA address as text */
};

struct dnsmsg {
    int rcode;
    int truncated;
    struct dnsmsg_rr rr[DNSMSG_MAX_RR];
    unsigned nrr; /* kept records (more are ignored) */
};

/* Classifies buf as the answer to (qname, qtype): DNS_ANSWER with m->rr
 * filled, DNS_NODATA, DNS_NXDOMAIN, an rcode outcome, DNS_MALFORMED,
 * DNS_WRONGTYPE or DNS_BADRDATA. */
enum dns_outcome dnsmsg_parse(const unsigned char *buf, size_t len, const char *qname, int qtype,
                              struct dnsmsg *m);
#endif
