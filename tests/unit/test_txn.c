/*
 * test_txn - the whole-message rule of src/txn.c, table driven: each row is
 * a message (its recipient domains with the core's answer for each, and
 * whether a recipient could not be considered) and what must follow: the
 * route for the whole message or none, which recipients get a tag header,
 * the first rerouted recipient, and the tag text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "txn.h"
#include "verdict.h"

#define H  VERDICT_HEALTHY
#define L  VERDICT_LISTED
#define AI VERDICT_AAAA_IGNORED
#define U  VERDICT_UNKNOWN
#define R1 "smtp:[192.0.2.25]:25"
#define R2 "smtp:[192.0.2.26]:25"

struct rcpt {
    const char *domain;
    enum verdict verdict;
    const char *route;
};

struct row {
    const char *what;
    struct rcpt r[4];       /* ends at the first NULL domain */
    int tag_mode;           /* routing.mode tag: no answer allows rewriting */
    int blocked;            /* a recipient without a usable domain */
    const char *want_route; /* NULL: no whole-message route */
    const char *want_tags;  /* one '1' or '0' per recipient: tag header or not */
    const char *want_first; /* first rerouted domain, NULL for none */
};

/* clang-format off */
static const struct row rows[] = {
    {"one rerouted", {{"a.test", AI, R1}}, 0, 0, R1, "1", "a.test"},
    {"all same route", {{"a.test", AI, R1}, {"b.test", L, R1}, {"c.test", AI, R1}}, 0, 0, R1,
     "111", "a.test"},
    {"mixed routes", {{"a.test", AI, R1}, {"b.test", AI, R2}}, 0, 0, NULL, "11", "a.test"},
    {"healthy with a rerouted one", {{"h.test", H, ""}, {"a.test", AI, R1}}, 0, 0, NULL, "01",
     "a.test"},
    {"rerouted then healthy", {{"a.test", AI, R1}, {"h.test", H, ""}}, 0, 0, NULL, "10",
     "a.test"},
    {"all healthy", {{"h.test", H, ""}, {"i.test", H, ""}}, 0, 0, NULL, "00", NULL},
    {"listed without a route", {{"l.test", L, ""}}, 0, 0, NULL, "1", NULL},
    {"listed unrouted next to rerouted", {{"l.test", L, ""}, {"a.test", AI, R1}}, 0, 0, NULL,
     "11", "a.test"},
    {"unknown next to rerouted", {{"u.test", U, ""}, {"a.test", AI, R1}}, 0, 0, NULL, "01",
     "a.test"},
    {"unknown alone", {{"u.test", U, ""}}, 0, 0, NULL, "0", NULL},
    {"same route, one recipient blocked", {{"a.test", AI, R1}, {"b.test", AI, R1}}, 0, 1, NULL,
     "11", "a.test"},
    {"tag mode, same route", {{"a.test", AI, R1}, {"b.test", AI, R1}}, 1, 0, NULL, "11",
     "a.test"},
    {"tag mode, listed", {{"l.test", L, R1}}, 1, 0, NULL, "1", "l.test"},
    {"no recipients", {{NULL, U, ""}}, 0, 0, NULL, "", NULL},
};
/* clang-format on */

static void fill(struct core_answer *a, const struct rcpt *r, int tag_mode)
{
    memset(a, 0, sizeof(*a));
    a->verdict = verdict_name(r->verdict);
    a->known = r->verdict != VERDICT_UNKNOWN;
    a->listed = r->verdict == VERDICT_LISTED;
    a->rewrite = !tag_mode;
    a->probing = r->verdict == U;
    snprintf(a->route, sizeof(a->route), "%s", r->route);
    snprintf(a->evidence, sizeof(a->evidence), "evidence of %s", r->domain);
}

static void test_rule_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *w = &rows[i];
        struct core_txn t;
        struct core_answer a;
        char tags[8] = "";
        const char *route, *first_dom = NULL;
        const struct core_answer *first;
        size_t n;

        core_txn_init(&t);
        if (w->blocked)
            core_txn_block(&t);
        for (n = 0; n < 4 && w->r[n].domain != NULL; n++) {
            fill(&a, &w->r[n], w->tag_mode);
            tags[n] = core_txn_add(&t, w->r[n].domain, &a) ? '1' : '0';
        }
        route = core_txn_route(&t);
        first = core_txn_first(&t, &first_dom);
        print_message("row: %s\n", w->what);
        if (w->want_route == NULL)
            assert_null(route);
        else
            assert_string_equal(route, w->want_route);
        assert_string_equal(tags, w->want_tags);
        if (w->want_first == NULL) {
            assert_null(first);
            continue;
        }
        assert_non_null(first);
        assert_string_equal(first_dom, w->want_first);
        {
            char ev[64];
            snprintf(ev, sizeof(ev), "evidence of %s", w->want_first);
            assert_string_equal(first->evidence, ev);
        }
    }
}

/* The tag text: alone (a milter header value) and after a prefix (a policy
 * PREPEND), escaped like a log line. */
static void test_tag_text(void **state)
{
    struct core_answer a;
    struct rcpt r = {"a.test", AI, R1};
    char buf[512];
    size_t pos;

    (void)state;
    fill(&a, &r, 0);
    pos = core_txn_tag(buf, sizeof(buf), 0, "a.test", &a);
    assert_string_equal(buf, "domain=a.test verdict=aaaa-ignored route=" R1);
    assert_int_equal(pos, strlen(buf));

    snprintf(buf, sizeof(buf), "X-MXDetour:");
    core_txn_tag(buf, sizeof(buf), strlen(buf), "l.test", &a);
    assert_string_equal(buf, "X-MXDetour: domain=l.test verdict=aaaa-ignored route=" R1);

    a.route[0] = '\0';
    core_txn_tag(buf, sizeof(buf), 0, "b\"c.test", &a);
    assert_string_equal(buf, "domain=\"b\\\"c.test\" verdict=aaaa-ignored route=\"\"");
}

/* The first rerouted recipient keeps its whole answer (the policy service
 * logs its evidence), whatever comes after it. */
static void test_first_kept(void **state)
{
    struct core_txn t;
    struct core_answer a;
    struct rcpt r1 = {"a.test", AI, R1}, r2 = {"b.test", AI, R2};
    const char *d = NULL;
    const struct core_answer *f;

    (void)state;
    core_txn_init(&t);
    fill(&a, &r1, 0);
    core_txn_add(&t, "a.test", &a);
    fill(&a, &r2, 0);
    core_txn_add(&t, "b.test", &a);
    f = core_txn_first(&t, &d);
    assert_non_null(f);
    assert_string_equal(d, "a.test");
    assert_string_equal(f->route, R1);
    assert_string_equal(f->evidence, "evidence of a.test");
    assert_int_equal(t.routed, 2);
    assert_int_equal(t.n, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_table),
        cmocka_unit_test(test_tag_text),
        cmocka_unit_test(test_first_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
