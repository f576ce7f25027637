/*
 * test_verdict - the verdict rules of src/verdict.c (doc/design.md §4),
 * table driven.  A row describes a probe (MX outcome, up to three MX hosts
 * with their A/AAAA outcomes and A addresses) and the whole expected
 * verdict_info: verdict, host, exact evidence text, pin list, pinnable,
 * confirmed and slow_ms.  verdict_decide rows add an external probe.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "verdict.h"
#include <stdio.h>
#include <string.h>

#define SERVER "192.0.2.53"
#define EXT    "198.51.100.53"

struct hrow {
    const char *name; /* NULL ends the list */
    enum dns_outcome a, aaaa;
    const char *addrs; /* space-separated A addresses */
    int literal;
    unsigned ms; /* of the AAAA answer */
};

struct prow {
    enum dns_outcome mx;
    int null_mx, implicit;
    const char *server; /* NULL: SERVER */
    unsigned timeout_ms, tries;
    struct hrow h[4];
};

struct want {
    enum verdict verdict;
    int pinnable, confirmed;
    unsigned slow_ms;
    const char *host, *evidence, *pin;
};

struct vrow {
    const char *what;
    struct prow local;
    struct want want;
};

static void build(const struct prow *p, const char *domain, struct probe_result *r)
{
    memset(r, 0, sizeof(*r));
    snprintf(r->domain, sizeof(r->domain), "%s", domain);
    r->mx.outcome = p->mx;
    r->mx.ms = 3;
    snprintf(r->mx.server, sizeof(r->mx.server), "%s", p->server ? p->server : SERVER);
    r->null_mx = p->null_mx;
    r->implicit_mx = p->implicit;
    r->timeout_ms = p->timeout_ms ? p->timeout_ms : 2000;
    r->tries = p->tries ? p->tries : 2;
    for (unsigned i = 0; i < 4 && p->h[i].name; i++) {
        struct probe_host *h = &r->host[r->nhost++];
        const char *s = p->h[i].addrs ? p->h[i].addrs : "";
        snprintf(h->name, sizeof(h->name), "%s", p->h[i].name);
        h->pref = 10 * (i + 1);
        h->literal = p->h[i].literal;
        h->a.outcome = p->h[i].a;
        h->aaaa.outcome = p->h[i].aaaa;
        h->a.ms = 2;
        h->aaaa.ms = p->h[i].ms ? p->h[i].ms : 2;
        snprintf(h->a.server, sizeof(h->a.server), "%s", r->mx.server);
        snprintf(h->aaaa.server, sizeof(h->aaaa.server), "%s", r->mx.server);
        while (*s && h->naddr < PROBE_MAX_ADDR) {
            size_t n = strcspn(s, " ");
            snprintf(h->addr[h->naddr++], sizeof(h->addr[0]), "%.*s", (int)n, s);
            s += n;
            s += strspn(s, " ");
        }
    }
}

static int compare(const char *what, const struct verdict_info *vi, const struct want *w)
{
    int bad = 0;

    if (vi->verdict != w->verdict) {
        print_error("%s: verdict %s, want %s\n", what, verdict_name(vi->verdict),
                    verdict_name(w->verdict));
        bad = 1;
    }
    if (strcmp(vi->evidence, w->evidence) != 0) {
        print_error("%s: evidence \"%s\", want \"%s\"\n", what, vi->evidence, w->evidence);
        bad = 1;
    }
    if (strcmp(vi->host, w->host ? w->host : "") != 0) {
        print_error("%s: host \"%s\", want \"%s\"\n", what, vi->host, w->host ? w->host : "");
        bad = 1;
    }
    if (strcmp(vi->pin, w->pin ? w->pin : "") != 0) {
        print_error("%s: pin \"%s\", want \"%s\"\n", what, vi->pin, w->pin ? w->pin : "");
        bad = 1;
    }
    if (vi->pinnable != w->pinnable || vi->confirmed != w->confirmed) {
        print_error("%s: pinnable %d confirmed %d, want %d %d\n", what, vi->pinnable, vi->confirmed,
                    w->pinnable, w->confirmed);
        bad = 1;
    }
    if (vi->slow_ms != w->slow_ms) {
        print_error("%s: slow_ms %u, want %u\n", what, vi->slow_ms, w->slow_ms);
        bad = 1;
    }
    return bad;
}

/* A struct initializer: one MX host, a list of them, a probe.  The rows
 * leave trailing fields out on purpose (zero: not asked, no address). */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
/* clang-format off */
#define H(...)  {__VA_ARGS__}
#define HL(...) {__VA_ARGS__}
#define P(...)  {__VA_ARGS__}
/* clang-format on */
#define MX1   "mx1.example.test"
#define MX2   "mx2.example.test"
#define MX3   "mx3.example.test"
#define A1    "192.0.2.10"
#define A2    "192.0.2.20"
#define OK1   H(MX1, DNS_ANSWER, DNS_NODATA, A1, 0, 0)
#define AAAA1 "AAAA " MX1 " "

static const struct vrow rows[] = {
    /* Rule 1: the MX query decides first. */
    {"nxdomain",
     {DNS_NXDOMAIN, 0, 0, NULL, 0, 0, HL(H(NULL))},
     {VERDICT_NXDOMAIN, 0, 0, 0, NULL, "MX example.test NXDOMAIN @" SERVER, NULL}},
    {"mx timeout",
     {DNS_TIMEOUT, 0, 0, NULL, 0, 0, HL(H(NULL))},
     {VERDICT_MX_ERROR, 0, 0, 0, NULL, "MX example.test timeout 2x2s @" SERVER, NULL}},
    {"mx timeout 3x1500ms",
     {DNS_TIMEOUT, 0, 0, "127.0.0.1:5300", 1500, 3, HL(H(NULL))},
     {VERDICT_MX_ERROR, 0, 0, 0, NULL, "MX example.test timeout 3x1500ms @127.0.0.1:5300", NULL}},
    {"mx servfail",
     {DNS_SERVFAIL, 0, 0, NULL, 0, 0, HL(H(NULL))},
     {VERDICT_MX_ERROR, 0, 0, 0, NULL, "MX example.test SERVFAIL @" SERVER, NULL}},
    {"mx formerr",
     {DNS_FORMERR, 0, 0, NULL, 0, 0, HL(H(NULL))},
     {VERDICT_MX_ERROR, 0, 0, 0, NULL, "MX example.test FORMERR @" SERVER, NULL}},
    {"mx notimp",
     {DNS_NOTIMP, 0, 0, NULL, 0, 0, HL(H(NULL))},
     {VERDICT_MX_ERROR, 0, 0, 0, NULL, "MX example.test NOTIMP @" SERVER, NULL}},
    {"mx refused",
     {DNS_REFUSED, 0, 0, NULL, 0, 0, HL(H(NULL))},
     {VERDICT_MX_ERROR, 0, 0, 0, NULL, "MX example.test REFUSED @" SERVER, NULL}},
    {"mx malformed",
     {DNS_MALFORMED, 0, 0, NULL, 0, 0, HL(H(NULL))},
     {VERDICT_MX_ERROR, 0, 0, 0, NULL, "MX example.test malformed @" SERVER, NULL}},
    {"mx wrong-type",
     {DNS_WRONGTYPE, 0, 0, NULL, 0, 0, HL(H(NULL))},
     {VERDICT_MX_ERROR, 0, 0, 0, NULL, "MX example.test wrong-type @" SERVER, NULL}},
    {"mx bad-rdata",
     {DNS_BADRDATA, 0, 0, NULL, 0, 0, HL(H(NULL))},
     {VERDICT_MX_ERROR, 0, 0, 0, NULL, "MX example.test bad-rdata @" SERVER, NULL}},
    {"mx failed",
     {DNS_FAILED, 0, 0, NULL, 0, 0, HL(H(NULL))},
     {VERDICT_MX_ERROR, 0, 0, 0, NULL, "MX example.test failed @" SERVER, NULL}},
    {"mx servfail, server unknown",
     {DNS_SERVFAIL, 0, 0, "", 0, 0, HL(H(NULL))},
     {VERDICT_MX_ERROR, 0, 0, 0, NULL, "MX example.test SERVFAIL @?", NULL}},
    {"null mx",
     {DNS_ANSWER, 1, 0, NULL, 0, 0, HL(H(NULL))},
     {VERDICT_NULL_MX, 0, 0, 0, NULL, "MX example.test null MX (RFC 7505) @" SERVER, NULL}},
    /* Healthy probes. */
    {"implicit mx",
     {DNS_NODATA, 0, 1, NULL, 0, 0, HL(H("example.test", DNS_ANSWER, DNS_NODATA, A1, 0, 0))},
     {VERDICT_HEALTHY, 1, 0, 3, NULL, "1 MX host answered, slowest 3ms", A1}},
    {"healthy, AAAA nodata",
     {DNS_ANSWER, 0, 0, NULL, 0, 0, HL(OK1)},
     {VERDICT_HEALTHY, 1, 0, 3, NULL, "1 MX host answered, slowest 3ms", A1}},
    {"healthy, AAAA answer",
     {DNS_ANSWER, 0, 0, NULL, 0, 0, HL(H(MX1, DNS_ANSWER, DNS_ANSWER, A1, 0, 0))},
     {VERDICT_HEALTHY, 1, 0, 3, NULL, "1 MX host answered, slowest 3ms", A1}},
    {"healthy, slow AAAA",
     {DNS_ANSWER, 0, 0, NULL, 0, 0, HL(OK1, H(MX2, DNS_ANSWER, DNS_NODATA, A2, 0, 1500))},
     {VERDICT_HEALTHY, 1, 0, 1500, NULL, "2 MX hosts answered, slowest 1500ms", A1 " " A2}},
    {"healthy, AAAA nxdomain is no failure",
     {DNS_ANSWER, 0, 0, NULL, 0, 0, HL(H(MX1, DNS_ANSWER, DNS_NXDOMAIN, A1, 0, 0))},
     {VERDICT_HEALTHY, 1, 0, 3, NULL, "1 MX host answered, slowest 3ms", A1}},
    {"healthy, AAAA failed locally (our socket) is no failure of the domain",
     {DNS_ANSWER, 0, 0, NULL, 0, 0, HL(H(MX1, DNS_ANSWER, DNS_FAILED, A1, 0, 0))},
     {VERDICT_HEALTHY, 1, 0, 3, NULL, "1 MX host answered, slowest 3ms", A1}},
    {"A failure alone makes no verdict",
     {DNS_ANSWER, 0, 0, NULL, 0, 0, HL(H(MX1, DNS_TIMEOUT, DNS_ANSWER, NULL, 0, 0))},
     {VERDICT_HEALTHY, 0, 0, 3, NULL, "1 MX host answered, slowest 3ms", NULL}},
    /* Rule 2: AAAA failures. */
    {"aaaa-ignored",
     {DNS_ANSWER, 0, 0, NULL, 0, 0, HL(H(MX1, DNS_ANSWER, DNS_TIMEOUT, A1, 0, 4000))},
     {VERDICT_AAAA_IGNORED, 1, 0, 0, MX1, "AAAA mx1.example.test timeout 2x2s @192.0.2.53", A1}},
    {"aaaa servfail",
     {DNS_ANSWER, 0, 0, NULL, 0, 0, HL(H(MX1, DNS_ANSWER, DNS_SERVFAIL, A1, 0, 0))},
     {VERDICT_AAAA_ERROR, 1, 0, 0, MX1, AAAA1 "SERVFAIL @" SERVER, A1}},
    {"aaaa formerr",
     {DNS_ANSWER, 0, 0, NULL, 0, 0, HL(H(MX1, DNS_ANSWER, DNS_FORMERR, A1, 0, 0))},
     {VERDICT_AAAA_ERROR, 1, 0, 0, MX1, AAAA1 "FORMERR @" SERVER, A1}},
    {"aaaa notimp",
     {DNS_ANSWER, 0, 0, NULL, 0, 0, HL(H(MX1, DNS_ANSWER, DNS_NOTIMP, A1, 0, 0))},
     {VERDICT_AAAA_ERROR, 1, 0, 0, MX1, AAAA1 "NOTIMP @" SERVER, A1}},
    {"aaaa refused",
     {DNS_ANSWER, 0, 0, NULL, 0, 0, HL(H(MX1, DNS_ANSWER, DNS_REFUSED, A1, 0, 0))},
     {VERDICT_AAAA_ERROR, 1, 0, 0, MX1, AAAA1 "REFUSED @" SERVER, A1}},
    {"aaaa malformed",
     {DNS_ANSWER, 0, 0, NULL, 0, 0, HL(H(MX1, DNS_ANSWER, DNS_MALFORMED, A1, 0, 0))},
     {VERDICT_AAAA_ERROR, 1, 0, 0, MX1, AAAA1 "malformed @" SERVER, A1}},
    {"aaaa wrong-type",
     {DNS_ANSWER, 0, 0, NULL, 0, 0, HL(H(MX1, DNS_ANSWER, DNS_WRONGTYPE, A1, 0, 0))},
     {VERDICT_AAAA_ERROR, 1, 0, 0, MX1, AAAA1 "wrong-type @" SERVER, A1}},
    {"aaaa bad-rdata",
     {DNS_ANSWER, 0, 0, NULL, 0, 0, HL(H(MX1, DNS_ANSWER, DNS_BADRDATA, A1, 0, 0))},
     {VERDICT_AAAA_ERROR, 1, 0, 0, MX1, AAAA1 "bad-rdata @" SERVER, A1}},
    {"two hosts, second broken",
     {DNS_ANSWER, 0, 0, NULL, 0, 0, HL(OK1, H(MX2, DNS_ANSWER, DNS_TIMEOUT, A2, 0, 0))},
     {VERDICT_AAAA_IGNORED, 1, 0, 0, MX2, "AAAA mx2.example.test timeout 2x2s @" SERVER,
      A1 " " A2}},
    {"two hosts broken, the first names the verdict",
     {DNS_ANSWER, 0, 0, NULL, 0, 0,
      HL(H(MX1, DNS_ANSWER, DNS_SERVFAIL, A1, 0, 0), H(MX2, DNS_ANSWER, DNS_TIMEOUT, A2, 0, 0))},
     {VERDICT_AAAA_ERROR, 1, 0, 0, MX1, AAAA1 "SERVFAIL @" SERVER, A1 " " A2}},
    {"A nodata + AAAA timeout",
     {DNS_ANSWER, 0, 0, NULL, 0, 0, HL(H(MX1, DNS_NODATA, DNS_TIMEOUT, NULL, 0, 0))},
     {VERDICT_AAAA_IGNORED, 0, 0, 0, MX1, AAAA1 "timeout 2x2s @" SERVER "; A nodata", NULL}},
    {"A servfail + AAAA refused",
     {DNS_ANSWER, 0, 0, NULL, 0, 0, HL(H(MX1, DNS_SERVFAIL, DNS_REFUSED, NULL, 0, 0))},
     {VERDICT_AAAA_ERROR, 0, 0, 0, MX1, AAAA1 "REFUSED @" SERVER "; A SERVFAIL", NULL}},
    {"A-less broken host, second host pinnable",
     {DNS_ANSWER, 0, 0, NULL, 0, 0,
      HL(H(MX1, DNS_NODATA, DNS_TIMEOUT, NULL, 0, 0), H(MX2, DNS_ANSWER, DNS_NODATA, A2, 0, 0))},
     {VERDICT_AAAA_IGNORED, 1, 0, 0, MX1, AAAA1 "timeout 2x2s @" SERVER "; A nodata", A2}},
    /* Literal MX targets: Postfix ignores them, so do the rules. */
    {"literal target ignored",
     {DNS_ANSWER, 0, 0, NULL, 0, 0,
      HL(H("192.0.2.99", DNS_PENDING, DNS_PENDING, "192.0.2.99", 1, 0), OK1)},
     {VERDICT_HEALTHY, 1, 0, 3, NULL, "2 MX hosts answered, slowest 3ms", A1}},
    {"literal target only",
     {DNS_ANSWER, 0, 0, NULL, 0, 0, HL(H("192.0.2.99", DNS_PENDING, DNS_PENDING, NULL, 1, 0))},
     {VERDICT_HEALTHY, 0, 0, 3, NULL, "1 MX host answered, slowest 3ms", NULL}},
    /* Pin list: preference order, each address once, no prefix confusion. */
    {"pin order and dedup",
     {DNS_ANSWER, 0, 0, NULL, 0, 0,
      HL(H(MX1, DNS_ANSWER, DNS_NODATA, "192.0.2.1 192.0.2.10", 0, 0),
         H(MX2, DNS_ANSWER, DNS_NODATA, "192.0.2.10 192.0.2.100 192.0.2.1", 0, 0),
         H(MX3, DNS_ANSWER, DNS_TIMEOUT, "192.0.2.2 192.0.2.100", 0, 0))},
     {VERDICT_AAAA_IGNORED, 1, 0, 0, MX3, "AAAA mx3.example.test timeout 2x2s @" SERVER,
      "192.0.2.1 192.0.2.10 192.0.2.100 192.0.2.2"}},
};

static void test_verdict_of(void **state)
{
    int bad = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct probe_result r;
        struct verdict_info vi;
        enum verdict v;

        build(&rows[i].local, "example.test", &r);
        memset(&vi, 0x5a, sizeof(vi)); /* verdict_of must fill it completely */
        v = verdict_of(&r, &vi);
        if (v != vi.verdict) {
            print_error("%s: returned %s, stored %s\n", rows[i].what, verdict_name(v),
                        verdict_name(vi.verdict));
            bad = 1;
        }
        bad |= compare(rows[i].what, &vi, &rows[i].want);
        /* Without an external probe, decide is verdict_of. */
        verdict_decide(&r, NULL, &vi);
        bad |= compare(rows[i].what, &vi, &rows[i].want);
    }
    assert_int_equal(bad, 0);
}

struct drow {
    const char *what;
    struct prow local, external;
    struct want want;
};

#define P_HEALTHY                                                                                  \
    P(DNS_ANSWER, 0, 0, EXT, 0, 0, HL(H(MX1, DNS_ANSWER, DNS_NODATA, "198.51.100.10", 0, 0)))
#define P_IGNORED  P(DNS_ANSWER, 0, 0, NULL, 0, 0, HL(H(MX1, DNS_ANSWER, DNS_TIMEOUT, A1, 0, 0)))
#define P_MXTIME   P(DNS_TIMEOUT, 0, 0, NULL, 0, 0, HL(H(NULL)))
#define EV_IGNORED AAAA1 "timeout 2x2s @" SERVER

static const struct drow drows[] = {
    {"external confirms aaaa-ignored",
     P_IGNORED,
     {DNS_ANSWER, 0, 0, EXT, 0, 0, HL(H(MX1, DNS_ANSWER, DNS_TIMEOUT, "198.51.100.10", 0, 0))},
     {VERDICT_AAAA_IGNORED, 1, 1, 0, MX1, EV_IGNORED, A1}},
    {"external aaaa-error confirms aaaa-ignored",
     P_IGNORED,
     {DNS_ANSWER, 0, 0, EXT, 0, 0, HL(H(MX1, DNS_ANSWER, DNS_SERVFAIL, "198.51.100.10", 0, 0))},
     {VERDICT_AAAA_IGNORED, 1, 1, 0, MX1, EV_IGNORED, A1}},
    {"external confirms mx-error",
     P_MXTIME,
     {DNS_SERVFAIL, 0, 0, EXT, 0, 0, HL(H(NULL))},
     {VERDICT_MX_ERROR, 0, 1, 0, NULL, "MX example.test timeout 2x2s @" SERVER, NULL}},
    {"external healthy: aaaa-ignored is local-dns-down",
     P_IGNORED,
     P_HEALTHY,
     {VERDICT_LOCAL_DNS_DOWN, 1, 0, 0, MX1, EV_IGNORED "; external " EXT " healthy",
      "198.51.100.10"}},
    {"external healthy: mx-error is local-dns-down",
     P_MXTIME,
     P_HEALTHY,
     {VERDICT_LOCAL_DNS_DOWN, 1, 0, 0, NULL,
      "MX example.test timeout 2x2s @" SERVER "; external " EXT " healthy", "198.51.100.10"}},
    {"external healthy without A: local-dns-down, not pinnable",
     P_MXTIME,
     {DNS_ANSWER, 0, 0, EXT, 0, 0, HL(H(MX1, DNS_NODATA, DNS_ANSWER, NULL, 0, 0))},
     {VERDICT_LOCAL_DNS_DOWN, 0, 0, 0, NULL,
      "MX example.test timeout 2x2s @" SERVER "; external " EXT " healthy", NULL}},
    {"external nxdomain: the domain does not exist, whatever the local resolver did",
     P_IGNORED,
     {DNS_NXDOMAIN, 0, 0, EXT, 0, 0, HL(H(NULL))},
     {VERDICT_NXDOMAIN, 0, 0, 0, NULL, EV_IGNORED "; external " EXT " nxdomain", NULL}},
    {"local healthy: external not consulted",
     {DNS_ANSWER, 0, 0, NULL, 0, 0, HL(OK1)},
     P_MXTIME,
     {VERDICT_HEALTHY, 1, 0, 3, NULL, "1 MX host answered, slowest 3ms", A1}},
    {"local nxdomain: external not consulted",
     {DNS_NXDOMAIN, 0, 0, NULL, 0, 0, HL(H(NULL))},
     P_HEALTHY,
     {VERDICT_NXDOMAIN, 0, 0, 0, NULL, "MX example.test NXDOMAIN @" SERVER, NULL}},
    {"local null-mx: external not consulted",
     {DNS_ANSWER, 1, 0, NULL, 0, 0, HL(H(NULL))},
     P_MXTIME,
     {VERDICT_NULL_MX, 0, 0, 0, NULL, "MX example.test null MX (RFC 7505) @" SERVER, NULL}},
};

static void test_verdict_decide(void **state)
{
    int bad = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(drows) / sizeof(drows[0]); i++) {
        struct probe_result l, e;
        struct verdict_info vi;

        build(&drows[i].local, "example.test", &l);
        build(&drows[i].external, "example.test", &e);
        memset(&vi, 0x5a, sizeof(vi));
        verdict_decide(&l, &e, &vi);
        bad |= compare(drows[i].what, &vi, &drows[i].want);
    }
    assert_int_equal(bad, 0);
}

/* More addresses than the pin list holds: it stops at a whole address. */
static void test_pin_full(void **state)
{
    struct probe_result r;
    struct verdict_info vi;
    char all[PROBE_MAX_MX * PROBE_MAX_ADDR * 16] = "";
    size_t len;

    (void)state;
    memset(&r, 0, sizeof(r));
    snprintf(r.domain, sizeof(r.domain), "example.test");
    r.mx.outcome = DNS_ANSWER;
    for (unsigned i = 0; i < PROBE_MAX_MX; i++) {
        struct probe_host *h = &r.host[r.nhost++];
        snprintf(h->name, sizeof(h->name), "mx%u.example.test", i);
        h->a.outcome = DNS_ANSWER;
        h->aaaa.outcome = DNS_NODATA;
        for (unsigned k = 0; k < PROBE_MAX_ADDR; k++) {
            snprintf(h->addr[h->naddr++], sizeof(h->addr[0]), "203.0.%u.%u", 100 + i, 100 + k);
            len = strlen(all);
            snprintf(all + len, sizeof(all) - len, "%s%s", len ? " " : "", h->addr[k]);
        }
    }
    assert_int_equal(verdict_of(&r, &vi), VERDICT_HEALTHY);
    len = strlen(vi.pin);
    assert_true(len > 0 && len < VERDICT_PIN_MAX);
    /* A prefix of the full list, cut at an address boundary... */
    assert_memory_equal(vi.pin, all, len);
    assert_int_equal(all[len], ' ');
    /* ...and nothing more would fit. */
    assert_true(len + 1 + strlen("203.0.100.100") + 1 > VERDICT_PIN_MAX - 1);
}

/* The pin holds for the least TTL of the A records it was made of (the
 * daemon re-probes it by then); hosts without A addresses do not count; a
 * TTL of 0 is 1 s (0 means "no pin"); local-dns-down takes the external
 * pass's pin and its TTL; no pin, no TTL. */
static void test_pin_ttl(void **state)
{
    static const struct prow two =
        P(DNS_ANSWER, 0, 0, NULL, 0, 0,
          HL(H("mx1.example.test", DNS_ANSWER, DNS_TIMEOUT, "192.0.2.10", 0, 0),
             H("mx2.example.test", DNS_ANSWER, DNS_NODATA, "192.0.2.20", 0, 0),
             H("mx3.example.test", DNS_NODATA, DNS_NODATA, NULL, 0, 0)));
    static const struct prow ext = P_HEALTHY, mxtime = P_MXTIME, nx = {DNS_NXDOMAIN};
    struct probe_result l, e;
    struct verdict_info vi;

    (void)state;
    build(&two, "example.test", &l);
    l.host[0].a_ttl = 300;
    l.host[1].a_ttl = 60;
    l.host[2].a_ttl = 5; /* no address: not in the pin */
    assert_int_equal(verdict_of(&l, &vi), VERDICT_AAAA_IGNORED);
    assert_string_equal(vi.pin, "192.0.2.10 192.0.2.20");
    assert_int_equal(vi.pin_ttl, 60);
    l.host[1].a_ttl = 0;
    verdict_of(&l, &vi);
    assert_int_equal(vi.pin_ttl, 1);

    build(&mxtime, "example.test", &l);
    build(&ext, "example.test", &e);
    e.host[0].a_ttl = 42;
    verdict_decide(&l, &e, &vi);
    assert_int_equal(vi.verdict, VERDICT_LOCAL_DNS_DOWN);
    assert_int_equal(vi.pin_ttl, 42);

    build(&two, "example.test", &l);
    l.host[0].a_ttl = 300;
    build(&nx, "example.test", &e);
    verdict_decide(&l, &e, &vi);
    assert_int_equal(vi.verdict, VERDICT_NXDOMAIN);
    assert_string_equal(vi.pin, "");
    assert_int_equal(vi.pin_ttl, 0);
}

static void test_names(void **state)
{
    static const char *const vn[] = {"unknown",      "healthy",    "listed",
                                     "aaaa-ignored", "aaaa-error", "mx-error",
                                     "nxdomain",     "null-mx",    "local-dns-down"};
    static const char *const on[] = {
        "pending", "answer",  "nodata",    "nxdomain",   "timeout",   "servfail",   "formerr",
        "notimp",  "refused", "malformed", "wrong-type", "bad-rdata", "cname-loop", "failed"};
    static const int broken[] = {0, 0, 0, 1, 1, 1, 0, 0, 1};
    enum verdict v;

    (void)state;
    assert_int_equal(sizeof(vn) / sizeof(vn[0]), VERDICT__COUNT);
    assert_int_equal(sizeof(on) / sizeof(on[0]), DNS__COUNT);
    for (int i = 0; i < VERDICT__COUNT; i++) {
        assert_string_equal(verdict_name((enum verdict)i), vn[i]);
        assert_int_equal(verdict_from_name(vn[i], &v), 0);
        assert_int_equal(v, i);
        assert_int_equal(verdict_is_broken((enum verdict)i), broken[i]);
    }
    for (int i = 0; i < DNS__COUNT; i++)
        assert_string_equal(dns_outcome_name((enum dns_outcome)i), on[i]);
    assert_string_equal(verdict_name(VERDICT__COUNT), "unknown");
    assert_string_equal(dns_outcome_name(DNS__COUNT), "failed");
    assert_int_equal(verdict_from_name("Healthy", &v), -1);
    assert_int_equal(verdict_from_name("", &v), -1);
    assert_int_equal(verdict_from_name("aaaa", &v), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdict_of), cmocka_unit_test(test_verdict_decide),
        cmocka_unit_test(test_pin_full),   cmocka_unit_test(test_pin_ttl),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
