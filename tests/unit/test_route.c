/*
 * test_route - route_build() of src/route.c (doc/design.md §5), table
 * driven: each row is a routing config, an optional known-broken entry and
 * a verdict, and the exact route expected ("" = none).  Every row is run in
 * rewrite and in tag mode: the mode decides whether the route is used, not
 * what it is, so route_build must ignore it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "route.h"
#include <stdio.h>
#include <string.h>

#define SH     "[203.0.113.25]:25"
#define PIN2   "192.0.2.10 192.0.2.20"
#define ROUTE2 "smtp:[192.0.2.10]:25, [192.0.2.20]:25"

struct lrow {
    int on;                /* 0: domain not listed */
    enum conf_route route; /* the entry's route */
    const char *smarthost, *transport;
};

struct rrow {
    const char *what;
    enum conf_route on_broken;
    enum conf_ldd ldd;
    const char *smarthost; /* routing.smarthost */
    const char *transport; /* NULL: "smtp" */
    struct lrow listed;
    int probed; /* 0: vi is NULL */
    enum verdict verdict;
    int pinnable;
    const char *pin;
    const char *want; /* "" = no route */
};

/* Not listed; listed with its route, smart host and transport. */
/* clang-format off */
#define NL         {0, CONF_ROUTE_NONE, NULL, NULL}
#define L(r, s, t) {1, r, s, t}
/* clang-format on */

static const struct rrow rows[] = {
    /* aaaa-ignored / aaaa-error: on_broken decides. */
    {"ignored smarthost", CONF_ROUTE_SMARTHOST, CONF_LDD_NONE, SH, NULL, NL, 1,
     VERDICT_AAAA_IGNORED, 1, PIN2, "smtp:" SH},
    {"ignored pin-mx", CONF_ROUTE_PIN_MX, CONF_LDD_NONE, SH, NULL, NL, 1, VERDICT_AAAA_IGNORED, 1,
     PIN2, ROUTE2},
    {"error pin-mx", CONF_ROUTE_PIN_MX, CONF_LDD_NONE, SH, NULL, NL, 1, VERDICT_AAAA_ERROR, 1, PIN2,
     ROUTE2},
    {"pin-mx one address", CONF_ROUTE_PIN_MX, CONF_LDD_NONE, "", NULL, NL, 1, VERDICT_AAAA_IGNORED,
     1, "192.0.2.10", "smtp:[192.0.2.10]:25"},
    {"pin-mx three addresses", CONF_ROUTE_PIN_MX, CONF_LDD_NONE, "", "smtp-ipv4", NL, 1,
     VERDICT_AAAA_ERROR, 1, "192.0.2.1 192.0.2.10 198.51.100.7",
     "smtp-ipv4:[192.0.2.1]:25, [192.0.2.10]:25, [198.51.100.7]:25"},
    {"ignored transport", CONF_ROUTE_TRANSPORT, CONF_LDD_NONE, SH, NULL, NL, 1,
     VERDICT_AAAA_IGNORED, 1, PIN2, "smtp:"},
    {"error transport smtp-ipv4", CONF_ROUTE_TRANSPORT, CONF_LDD_NONE, SH, "smtp-ipv4", NL, 1,
     VERDICT_AAAA_ERROR, 0, "", "smtp-ipv4:"},
    {"ignored none", CONF_ROUTE_NONE, CONF_LDD_SMARTHOST, SH, NULL, NL, 1, VERDICT_AAAA_IGNORED, 1,
     PIN2, ""},
    {"error smarthost", CONF_ROUTE_SMARTHOST, CONF_LDD_NONE, SH, NULL, NL, 1, VERDICT_AAAA_ERROR, 0,
     "", "smtp:" SH},
    {"smarthost without smarthost", CONF_ROUTE_SMARTHOST, CONF_LDD_NONE, "", NULL, NL, 1,
     VERDICT_AAAA_IGNORED, 1, PIN2, ""},
    {"pin-mx not pinnable: smarthost", CONF_ROUTE_PIN_MX, CONF_LDD_NONE, SH, NULL, NL, 1,
     VERDICT_AAAA_IGNORED, 0, "", "smtp:" SH},
    {"pin-mx not pinnable, no smarthost: none", CONF_ROUTE_PIN_MX, CONF_LDD_NONE, "", NULL, NL, 1,
     VERDICT_AAAA_IGNORED, 0, "", ""},
    {"pin-mx pinnable but empty pin: smarthost", CONF_ROUTE_PIN_MX, CONF_LDD_NONE, SH, NULL, NL, 1,
     VERDICT_AAAA_ERROR, 1, "", "smtp:" SH},
    {"pin-mx smarthost with smtp-ipv4", CONF_ROUTE_PIN_MX, CONF_LDD_NONE, "relay.example:587",
     "smtp-ipv4", NL, 1, VERDICT_AAAA_ERROR, 0, "", "smtp-ipv4:relay.example:587"},
    /* mx-error: the smart host or nothing. */
    {"mx-error smarthost", CONF_ROUTE_SMARTHOST, CONF_LDD_NONE, SH, NULL, NL, 1, VERDICT_MX_ERROR,
     0, "", "smtp:" SH},
    {"mx-error pin-mx", CONF_ROUTE_PIN_MX, CONF_LDD_NONE, SH, NULL, NL, 1, VERDICT_MX_ERROR, 0, "",
     "smtp:" SH},
    {"mx-error pin-mx with a stray pin", CONF_ROUTE_PIN_MX, CONF_LDD_NONE, SH, NULL, NL, 1,
     VERDICT_MX_ERROR, 1, PIN2, "smtp:" SH},
    {"mx-error transport", CONF_ROUTE_TRANSPORT, CONF_LDD_NONE, SH, "smtp-ipv4", NL, 1,
     VERDICT_MX_ERROR, 0, "", "smtp-ipv4:" SH},
    {"mx-error none", CONF_ROUTE_NONE, CONF_LDD_SMARTHOST, SH, NULL, NL, 1, VERDICT_MX_ERROR, 0, "",
     ""},
    {"mx-error no smarthost", CONF_ROUTE_PIN_MX, CONF_LDD_NONE, "", NULL, NL, 1, VERDICT_MX_ERROR,
     0, "", ""},
    {"mx-error transport no smarthost", CONF_ROUTE_TRANSPORT, CONF_LDD_NONE, "", NULL, NL, 1,
     VERDICT_MX_ERROR, 0, "", ""},
    /* local-dns-down: on_local_dns_down decides, on_broken does not. */
    {"ldd none", CONF_ROUTE_PIN_MX, CONF_LDD_NONE, SH, NULL, NL, 1, VERDICT_LOCAL_DNS_DOWN, 1, PIN2,
     ""},
    {"ldd smarthost", CONF_ROUTE_NONE, CONF_LDD_SMARTHOST, SH, NULL, NL, 1, VERDICT_LOCAL_DNS_DOWN,
     1, PIN2, "smtp:" SH},
    {"ldd smarthost without smarthost", CONF_ROUTE_PIN_MX, CONF_LDD_SMARTHOST, "", NULL, NL, 1,
     VERDICT_LOCAL_DNS_DOWN, 1, PIN2, ""},
    {"ldd pin-external", CONF_ROUTE_NONE, CONF_LDD_PIN_EXTERNAL, SH, NULL, NL, 1,
     VERDICT_LOCAL_DNS_DOWN, 1, PIN2, ROUTE2},
    {"ldd pin-external not pinnable", CONF_ROUTE_PIN_MX, CONF_LDD_PIN_EXTERNAL, "", NULL, NL, 1,
     VERDICT_LOCAL_DNS_DOWN, 0, "", ""},
    {"ldd pin-external not pinnable falls back to the smart host", CONF_ROUTE_PIN_MX,
     CONF_LDD_PIN_EXTERNAL, SH, NULL, NL, 1, VERDICT_LOCAL_DNS_DOWN, 0, "", "smtp:" SH},
    /* Verdicts that never get a route. */
    {"healthy", CONF_ROUTE_PIN_MX, CONF_LDD_SMARTHOST, SH, NULL, NL, 1, VERDICT_HEALTHY, 1, PIN2,
     ""},
    {"healthy smarthost", CONF_ROUTE_SMARTHOST, CONF_LDD_SMARTHOST, SH, NULL, NL, 1,
     VERDICT_HEALTHY, 1, PIN2, ""},
    {"healthy transport", CONF_ROUTE_TRANSPORT, CONF_LDD_SMARTHOST, SH, NULL, NL, 1,
     VERDICT_HEALTHY, 1, PIN2, ""},
    {"nxdomain", CONF_ROUTE_SMARTHOST, CONF_LDD_SMARTHOST, SH, NULL, NL, 1, VERDICT_NXDOMAIN, 0, "",
     ""},
    {"null-mx", CONF_ROUTE_SMARTHOST, CONF_LDD_SMARTHOST, SH, NULL, NL, 1, VERDICT_NULL_MX, 0, "",
     ""},
    {"unknown", CONF_ROUTE_SMARTHOST, CONF_LDD_SMARTHOST, SH, NULL, NL, 1, VERDICT_UNKNOWN, 0, "",
     ""},
    {"not probed", CONF_ROUTE_SMARTHOST, CONF_LDD_SMARTHOST, SH, NULL, NL, 0, VERDICT_UNKNOWN, 0,
     "", ""},
    {"listed verdict without entry", CONF_ROUTE_SMARTHOST, CONF_LDD_SMARTHOST, SH, NULL, NL, 1,
     VERDICT_LISTED, 0, "", ""},
    /* Listed entries: their own route, smart host and transport win. */
    {"listed smarthost, own", CONF_ROUTE_NONE, CONF_LDD_NONE, SH, NULL,
     L(CONF_ROUTE_SMARTHOST, "[198.51.100.25]:587", NULL), 0, VERDICT_UNKNOWN, 0, "",
     "smtp:[198.51.100.25]:587"},
    {"listed smarthost, default", CONF_ROUTE_NONE, CONF_LDD_NONE, SH, "smtp-ipv4",
     L(CONF_ROUTE_SMARTHOST, NULL, NULL), 0, VERDICT_UNKNOWN, 0, "", "smtp-ipv4:" SH},
    {"listed smarthost, own transport", CONF_ROUTE_NONE, CONF_LDD_NONE, SH, NULL,
     L(CONF_ROUTE_SMARTHOST, NULL, "relay"), 1, VERDICT_HEALTHY, 1, PIN2, "relay:" SH},
    {"listed smarthost, none configured", CONF_ROUTE_PIN_MX, CONF_LDD_NONE, "", NULL,
     L(CONF_ROUTE_SMARTHOST, NULL, NULL), 0, VERDICT_UNKNOWN, 0, "", ""},
    {"listed transport, not probed", CONF_ROUTE_NONE, CONF_LDD_NONE, SH, NULL,
     L(CONF_ROUTE_TRANSPORT, NULL, "smtp-ipv4"), 0, VERDICT_UNKNOWN, 0, "", "smtp-ipv4:"},
    {"listed transport, healthy", CONF_ROUTE_NONE, CONF_LDD_NONE, SH, NULL,
     L(CONF_ROUTE_TRANSPORT, NULL, "smtp-ipv4"), 1, VERDICT_HEALTHY, 1, PIN2, "smtp-ipv4:"},
    {"listed transport, mx-error: smarthost", CONF_ROUTE_NONE, CONF_LDD_NONE, SH, NULL,
     L(CONF_ROUTE_TRANSPORT, NULL, "smtp-ipv4"), 1, VERDICT_MX_ERROR, 0, "", "smtp-ipv4:" SH},
    {"listed transport, mx-error, own smarthost", CONF_ROUTE_NONE, CONF_LDD_NONE, SH, NULL,
     L(CONF_ROUTE_TRANSPORT, "[198.51.100.25]", "smtp-ipv4"), 1, VERDICT_MX_ERROR, 0, "",
     "smtp-ipv4:[198.51.100.25]"},
    {"listed pin-mx, not probed: smarthost", CONF_ROUTE_NONE, CONF_LDD_NONE, SH, NULL,
     L(CONF_ROUTE_PIN_MX, NULL, NULL), 0, VERDICT_UNKNOWN, 0, "", "smtp:" SH},
    {"listed pin-mx, not probed, own smarthost", CONF_ROUTE_NONE, CONF_LDD_NONE, SH, NULL,
     L(CONF_ROUTE_PIN_MX, "[198.51.100.25]:25", NULL), 0, VERDICT_UNKNOWN, 0, "",
     "smtp:[198.51.100.25]:25"},
    {"listed pin-mx, not probed, no smarthost", CONF_ROUTE_NONE, CONF_LDD_NONE, "", NULL,
     L(CONF_ROUTE_PIN_MX, NULL, NULL), 0, VERDICT_UNKNOWN, 0, "", ""},
    {"listed pin-mx, probed", CONF_ROUTE_NONE, CONF_LDD_NONE, SH, NULL,
     L(CONF_ROUTE_PIN_MX, NULL, "smtp-ipv4"), 1, VERDICT_HEALTHY, 1, PIN2,
     "smtp-ipv4:[192.0.2.10]:25, [192.0.2.20]:25"},
    {"listed pin-mx, not pinnable", CONF_ROUTE_NONE, CONF_LDD_NONE, SH, NULL,
     L(CONF_ROUTE_PIN_MX, NULL, NULL), 1, VERDICT_AAAA_IGNORED, 0, "", "smtp:" SH},
    {"listed none", CONF_ROUTE_PIN_MX, CONF_LDD_SMARTHOST, SH, NULL, L(CONF_ROUTE_NONE, NULL, NULL),
     1, VERDICT_AAAA_IGNORED, 1, PIN2, ""},
};

static void fill(const struct rrow *r, enum conf_mode mode, struct conf *c, struct conf_domain *d,
                 struct verdict_info *vi)
{
    memset(c, 0, sizeof(*c));
    c->mode = mode;
    c->on_broken = r->on_broken;
    c->on_local_dns_down = r->ldd;
    c->smarthost = (char *)r->smarthost;
    c->transport = (char *)(r->transport ? r->transport : "smtp");
    memset(d, 0, sizeof(*d));
    d->name = (char *)"listed.example";
    d->route = r->listed.route;
    d->smarthost = (char *)r->listed.smarthost;
    d->transport = (char *)r->listed.transport;
    memset(vi, 0, sizeof(*vi));
    vi->verdict = r->verdict;
    vi->pinnable = r->pinnable;
    snprintf(vi->pin, sizeof(vi->pin), "%s", r->pin);
}

static void test_route_table(void **state)
{
    static const enum conf_mode modes[] = {CONF_MODE_REWRITE, CONF_MODE_TAG};
    int bad = 0;

    (void)state;
    for (size_t m = 0; m < 2; m++)
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
            const struct rrow *r = &rows[i];
            struct conf c;
            struct conf_domain d;
            struct verdict_info vi;
            char out[1024];
            int rc;

            fill(r, modes[m], &c, &d, &vi);
            memset(out, 'x', sizeof(out));
            rc =
                route_build(&c, r->listed.on ? &d : NULL, r->probed ? &vi : NULL, out, sizeof(out));
            if (strcmp(out, r->want) != 0 || rc != (r->want[0] != '\0')) {
                print_error("%s (mode %s): got %d \"%s\", want %d \"%s\"\n", r->what,
                            m ? "tag" : "rewrite", rc, out, r->want[0] != '\0', r->want);
                bad = 1;
            }
        }
    assert_int_equal(bad, 0);
}

/* A pin list that does not fit is cut at a whole hop, never mid-address. */
static void test_route_cut(void **state)
{
    static const struct {
        size_t size;
        const char *smarthost;
        const char *want;
    } cuts[] = {
        {1024, "", "smtp:[192.0.2.10]:25, [192.0.2.20]:25, [192.0.2.30]:25"},
        {55, "", "smtp:[192.0.2.10]:25, [192.0.2.20]:25, [192.0.2.30]:25"},
        {54, "", "smtp:[192.0.2.10]:25, [192.0.2.20]:25"},
        {40, "", "smtp:[192.0.2.10]:25, [192.0.2.20]:25"},
        {38, "", "smtp:[192.0.2.10]:25, [192.0.2.20]:25"},
        {37, "", "smtp:[192.0.2.10]:25"},
        {21, "", "smtp:[192.0.2.10]:25"},
        /* Not even one hop fits: "smtp:" would be the domain's own MX
         * routing, the very thing that is broken; no route instead. */
        {20, "", ""},
        {8, "", ""},
    };
    int bad = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        struct conf c;
        struct verdict_info vi;
        char out[1100];
        int rc;

        memset(&c, 0, sizeof(c));
        c.on_broken = CONF_ROUTE_PIN_MX;
        c.smarthost = (char *)cuts[i].smarthost;
        c.transport = (char *)"smtp";
        memset(&vi, 0, sizeof(vi));
        vi.verdict = VERDICT_AAAA_IGNORED;
        vi.pinnable = 1;
        snprintf(vi.pin, sizeof(vi.pin), "192.0.2.10 192.0.2.20 192.0.2.30");
        memset(out, 'x', sizeof(out));
        rc = route_build(&c, NULL, &vi, out, cuts[i].size);
        if (strcmp(out, cuts[i].want) != 0 || rc != (cuts[i].want[0] != '\0') ||
            out[cuts[i].size] != 'x') {
            print_error("size %zu: got %d \"%.*s\", want \"%s\"\n", cuts[i].size, rc,
                        (int)cuts[i].size, out, cuts[i].want);
            bad = 1;
        }
    }
    assert_int_equal(bad, 0);
}

/* The longest pin list a verdict holds fits the routes that callers keep. */
static void test_route_long_pin(void **state)
{
    struct conf c;
    struct verdict_info vi;
    char out[1024], want[1024];
    size_t n = 0, w;
    int hops = 0;

    (void)state;
    memset(&c, 0, sizeof(c));
    c.on_broken = CONF_ROUTE_PIN_MX;
    c.smarthost = (char *)"";
    c.transport = (char *)"smtp";
    memset(&vi, 0, sizeof(vi));
    vi.verdict = VERDICT_AAAA_ERROR;
    vi.pinnable = 1;
    w = (size_t)snprintf(want, sizeof(want), "smtp:");
    while (n + 16 < sizeof(vi.pin)) {
        char a[16];
        snprintf(a, sizeof(a), "255.255.%d.%d", 100 + hops / 100, 100 + hops % 100);
        n += (size_t)snprintf(vi.pin + n, sizeof(vi.pin) - n, "%s%s", n ? " " : "", a);
        w += (size_t)snprintf(want + w, sizeof(want) - w, "%s[%s]:25", hops ? ", " : "", a);
        hops++;
    }
    assert_true(strlen(vi.pin) > 480);
    assert_int_equal(route_build(&c, NULL, &vi, out, sizeof(out)), 1);
    assert_string_equal(out, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_table),
        cmocka_unit_test(test_route_cut),
        cmocka_unit_test(test_route_long_pin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
