/*
 * dns_outcome - what one DNS query came back with, as the probe engine
 * (probe_dns.c, dnsmsg.c) records it and the verdict rules (verdict.c),
 * the evidence, the explain text and the state file read it.
 */
#ifndef MXD_DNS_OUTCOME_H
#define MXD_DNS_OUTCOME_H

/* What one query came back with. */
enum dns_outcome {
    DNS_PENDING, /* not asked (yet) */
    DNS_ANSWER,  /* records of the wanted name and type */
    DNS_NODATA,  /* NOERROR, no records of that type */
    DNS_NXDOMAIN,
    DNS_TIMEOUT, /* no answer within timeout and tries */
    DNS_SERVFAIL,
    DNS_FORMERR,
    DNS_NOTIMP,
    DNS_REFUSED,
    DNS_MALFORMED,  /* packet that does not parse, or truncated without retry */
    DNS_WRONGTYPE,  /* answer records of the wrong name or type only */
    DNS_BADRDATA,   /* e.g. a 3-byte AAAA */
    DNS_CNAME_LOOP, /* the answer's CNAME chain loops (or is too long to follow) */
    DNS_FAILED,     /* any other local failure (socket, cancelled) */
    DNS__COUNT
};

struct dns_result {
    enum dns_outcome outcome;
    unsigned ms;     /* from send to outcome */
    char server[56]; /* "192.0.2.53" or "[2001:db8::1]:5353"; "" unknown */
};

const char *dns_outcome_name(enum dns_outcome o);
/* The outcome as evidence text spells it: rcodes as dig does ("SERVFAIL"). */
const char *dns_outcome_evidence(enum dns_outcome o);
#endif
