/*
 * test_explain - the words of `mxdetour explain` from fixed probe results:
 * each query is listed, the verdict's meaning names the host, outcome and
 * server, a long probe is cut before the verdict's words, and the route
 * sentence names the config that made it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "conf.h"
#include "explain.h"

static void dns(struct dns_result *d, enum dns_outcome o, unsigned ms)
{
    d->outcome = o;
    d->ms = ms;
    strcpy(d->server, "127.0.0.53");
}

static void one_host(struct probe_result *r, struct verdict_info *vi, enum dns_outcome aaaa,
                     enum verdict v)
{
    memset(r, 0, sizeof(*r));
    memset(vi, 0, sizeof(*vi));
    strcpy(r->domain, "example.com");
    dns(&r->mx, DNS_ANSWER, 3);
    r->nhost = 1;
    strcpy(r->host[0].name, "mx1.example.com");
    dns(&r->host[0].a, DNS_ANSWER, 2);
    dns(&r->host[0].aaaa, aaaa, 4000);
    r->timeout_ms = 2000;
    r->tries = 2;
    r->ms = 4005;
    vi->verdict = v;
    strcpy(vi->host, "mx1.example.com");
}

static void test_probe_words(void **state)
{
    static const struct {
        enum dns_outcome aaaa;
        enum verdict v;
        const char *want;
    } t[] = {
        {DNS_TIMEOUT, VERDICT_AAAA_IGNORED,
         "because: AAAA of mx1.example.com timed out (2x2s) at 127.0.0.53 while A answered"},
        {DNS_SERVFAIL, VERDICT_AAAA_ERROR,
         "because: AAAA of mx1.example.com answered servfail at 127.0.0.53: Postfix defers"},
        {DNS_NODATA, VERDICT_HEALTHY, "because: every query answered (NODATA for AAAA is normal)"},
    };
    struct probe_result r;
    struct verdict_info vi;
    char out[EXPLAIN_MAX];
    (void)state;
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        one_host(&r, &vi, t[i].aaaa, t[i].v);
        explain_probe(&r, &vi, out, sizeof(out));
        assert_non_null(strstr(out, "  MX   example.com @127.0.0.53 answer 3ms\n"));
        assert_non_null(strstr(out, "  A    mx1.example.com @127.0.0.53 answer 2ms\n"));
        assert_non_null(strstr(out, "  AAAA mx1.example.com @127.0.0.53 "));
        assert_non_null(strstr(out, t[i].want));
    }
}

/* 16 MX hosts with long names do not fit: the tail is cut, the verdict stays. */
static void test_probe_cut(void **state)
{
    struct probe_result r;
    struct verdict_info vi;
    char out[4096];
    (void)state;
    one_host(&r, &vi, DNS_TIMEOUT, VERDICT_AAAA_IGNORED);
    r.nhost = PROBE_MAX_MX;
    for (unsigned i = 0; i < PROBE_MAX_MX; i++) {
        r.host[i] = r.host[0];
        snprintf(r.host[i].name, sizeof(r.host[i].name), "mx%u.a-rather-long-name.example.com", i);
    }
    explain_probe(&r, &vi, out, sizeof(out));
    assert_true(strlen(out) < EXPLAIN_MAX);
    assert_non_null(strstr(out, "more MX hosts not shown)\n"));
    assert_non_null(strstr(out, "\nbecause: AAAA of "));
}

static void test_route_words(void **state)
{
    struct conf *c = conf_defaults();
    struct conf_domain d = {0};
    char out[1024];
    (void)state;
    c->on_broken = CONF_ROUTE_PIN_MX;
    explain_route(c, NULL, VERDICT_AAAA_IGNORED, "smtp:[192.0.2.10]:25", out, sizeof(out));
    assert_string_equal(out, "route: routing.on_broken pin-mx sends it to smtp:[192.0.2.10]:25.\n");
    explain_route(c, NULL, VERDICT_HEALTHY, "", out, sizeof(out));
    assert_string_equal(out, "route: none: the MTA routes it as usual.\n");
    explain_route(c, NULL, VERDICT_MX_ERROR, "", out, sizeof(out));
    assert_non_null(strstr(out, "needs A addresses of the MX hosts or a smart host"));
    d.route = CONF_ROUTE_SMARTHOST;
    d.line = 7;
    explain_route(c, &d, VERDICT_LISTED, "smtp:[203.0.113.25]:25", out, sizeof(out));
    assert_non_null(strstr(out, ":7 (route smarthost) sends it to smtp:[203.0.113.25]:25.\n"));
    conf_unref(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe_words),
        cmocka_unit_test(test_probe_cut),
        cmocka_unit_test(test_route_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
