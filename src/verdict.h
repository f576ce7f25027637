/*
 * verdict - the pure rules that turn DNS evidence into a verdict of
 * doc/design.md §4.  No I/O: probe.c fills a struct probe_result, and
 * verdict_decide() reads it.  Table-driven tests live in tests/unit.
 */
#ifndef MXD_VERDICT_H
#define MXD_VERDICT_H
#include <stdint.h>
#include "dns_outcome.h"

#define PROBE_MAX_MX         16
#define PROBE_MAX_ADDR       8
#define VERDICT_EVIDENCE_MAX 256
#define VERDICT_PIN_MAX      512

enum verdict {
    VERDICT_UNKNOWN,
    VERDICT_HEALTHY,
    VERDICT_LISTED,
    VERDICT_AAAA_IGNORED,
    VERDICT_AAAA_ERROR,
    VERDICT_MX_ERROR,
    VERDICT_NXDOMAIN,
    VERDICT_NULL_MX,
    VERDICT_LOCAL_DNS_DOWN,
    VERDICT__COUNT
};

struct probe_host {
    char name[256];
    unsigned pref;
    int literal; /* MX target was an IP literal: no A/AAAA queries */
    struct dns_result a, aaaa;
    char addr[PROBE_MAX_ADDR][46]; /* IPv4 addresses from A, in answer order */
    unsigned naddr;
    unsigned a_ttl; /* a.outcome DNS_ANSWER: least TTL of the A RRset, seconds */
};

#define PROBE_MAX_AUTH 4 /* authoritative servers asked at most */

/* What one authoritative server of the zone said when asked directly
 * (RD=0) the query that failed through the resolver, and A of the same name. */
struct probe_auth_server {
    char name[256];         /* the NS host */
    char addr[46];          /* its first IPv4 address; "" none */
    struct dns_result q, a; /* q: the failing query; a: A of the same name */
    int lame;               /* q answered without AA (RFC 4074 section 4.5) */
    int referral;           /* ... and with NS records in authority */
    int tcp_failed;         /* q: TC=1 over UDP, and no answer over TCP */
};

struct probe_auth {
    int qtype;      /* the failing query's type; 0: the servers were not asked */
    char name[256]; /* its name: the MX host, or the domain for MX */
    char zone[256]; /* the name whose NS RRset answered; "" none */
    struct probe_auth_server server[PROBE_MAX_AUTH];
    unsigned nserver;
    char note[128]; /* why no server could be asked */
};

struct probe_result {
    char domain[256];
    struct dns_result mx;
    int implicit_mx; /* no MX records: the domain itself is the host */
    int null_mx;     /* "MX 0 ." */
    struct probe_host host[PROBE_MAX_MX];
    unsigned nhost;
    unsigned ms;                /* whole probe */
    int local_down;             /* the local resolver failed the canary: no verdict */
    unsigned timeout_ms, tries; /* for evidence text */
    struct probe_auth auth;     /* probe.authoritative: what the zone's servers said */
};

struct verdict_info {
    enum verdict verdict;
    int confirmed;    /* an external resolver saw the same */
    int pinnable;     /* some MX host has an A address: pin-mx possible */
    unsigned slow_ms; /* slowest answer of a healthy probe */
    char host[256];   /* the MX host the verdict is about, "" none */
    char evidence[VERDICT_EVIDENCE_MAX];
    char pin[VERDICT_PIN_MAX]; /* "a b c": A addresses in preference order */
    unsigned pin_ttl;          /* least TTL of the A records the pin holds, seconds;
                                * 0 without a pin (the pin is re-probed by then) */
};

const char *verdict_name(enum verdict v);
int verdict_from_name(const char *s, enum verdict *v);
/* 1 for verdicts that the routing config may reroute. */
int verdict_is_broken(enum verdict v);

/* Decide from the local probe, and the external one when it ran (NULL
 * otherwise).  Fills *out completely. */
void verdict_decide(const struct probe_result *local, const struct probe_result *external,
                    struct verdict_info *out);
/* Verdict of one probe alone. */
enum verdict verdict_of(const struct probe_result *r, struct verdict_info *out);
#endif
