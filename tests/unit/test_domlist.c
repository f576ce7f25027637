/*
 * test_domlist - the known-broken list index: exact and wildcard entries,
 * precedence, case, trailing dot, growth past many entries.  Table driven:
 * each row is a queried name and the entry that must answer ("" = none).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "conf.h"
#include "domlist.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct conf_domain entries[] = {
    {.name = "example.com"},
    {.name = "example.com", .wildcard = 1},
    {.name = "sub.example.com", .wildcard = 1},
    {.name = "exact.sub.example.com"},
    {.name = "tailspin.example", .wildcard = 1},
    {.name = "xn--bcher-kva.example"},
    {.name = "com.example"}, /* reversed labels must not confuse suffixes */
    {.name = "a"},
};

/* The list as a string "name" or "*.name" for messages. */
static const char *show(const struct conf_domain *d, char *buf, size_t size)
{
    if (d == NULL)
        return "";
    snprintf(buf, size, "%s%s", d->wildcard ? "*." : "", d->name);
    return buf;
}

static struct domlist *build(void)
{
    struct domlist *dl = domlist_new(2); /* small hint: forces growth */
    size_t i;
    for (i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
        assert_null(domlist_add(dl, &entries[i]));
    assert_int_equal(domlist_count(dl), sizeof(entries) / sizeof(entries[0]));
    return dl;
}

static void test_match_table(void **state)
{
    static const struct {
        const char *query;
        const char *want;
    } cases[] = {
        {"example.com", "example.com"},                /* exact beats wildcard */
        {"mx.example.com", "*.example.com"},           /* wildcard below the apex */
        {"a.b.c.example.com", "*.example.com"},        /* any depth */
        {"sub.example.com", "*.example.com"},          /* *.sub does not cover sub itself */
        {"mx.sub.example.com", "*.sub.example.com"},   /* most specific wildcard */
        {"a.mx.sub.example.com", "*.sub.example.com"}, /* ... at any depth */
        {"exact.sub.example.com", "exact.sub.example.com"},
        {"x.exact.sub.example.com", "*.sub.example.com"},
        {"tailspin.example", ""}, /* apex not matched by "*." */
        {"mx.tailspin.example", "*.tailspin.example"},
        {"MX.TailSpin.EXAMPLE", "*.tailspin.example"},  /* case-insensitive */
        {"mx.tailspin.example.", "*.tailspin.example"}, /* trailing dot ignored */
        {"Example.COM.", "example.com"},
        {"xn--bcher-kva.example", "xn--bcher-kva.example"},
        {"XN--BCHER-KVA.EXAMPLE", "xn--bcher-kva.example"},
        {"example.org", ""},
        {"com", ""},
        {"notexample.com", ""}, /* suffix at a label boundary only */
        {"example.com.evil", ""},
        {"com.example", "com.example"},
        {"x.com.example", ""},
        {"a", "a"},
        {"b.a", ""},
        {"", ""},
        {".", ""},
        {"..", ""},
    };
    struct domlist *dl = build();
    size_t i;
    int bad = 0;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[300];
        const char *got = show(domlist_match(dl, cases[i].query), buf, sizeof(buf));
        if (strcmp(got, cases[i].want) != 0) {
            print_error("match \"%s\": got \"%s\", want \"%s\"\n", cases[i].query, got,
                        cases[i].want);
            bad++;
        }
    }
    domlist_free(dl);
    assert_int_equal(bad, 0);
}

static void test_add_duplicate(void **state)
{
    struct domlist *dl = build();
    struct conf_domain again = {.name = "EXAMPLE.com"};
    struct conf_domain wild = {.name = "tailspin.example", .wildcard = 1};
    struct conf_domain apex = {.name = "tailspin.example"};

    (void)state;
    assert_ptr_equal(domlist_add(dl, &again), &entries[0]);
    assert_ptr_equal(domlist_add(dl, &wild), &entries[4]);
    assert_null(domlist_add(dl, &apex)); /* the apex is another key than the wildcard */
    assert_ptr_equal(domlist_match(dl, "tailspin.example"), &apex);
    assert_int_equal(domlist_count(dl), sizeof(entries) / sizeof(entries[0]) + 1);
    domlist_free(dl);
}

static void test_empty_and_null(void **state)
{
    struct domlist *dl = domlist_new(0);
    (void)state;
    assert_int_equal(domlist_count(dl), 0);
    assert_null(domlist_match(dl, "example.com"));
    assert_null(domlist_match(NULL, "example.com"));
    assert_null(domlist_match(dl, NULL));
    assert_int_equal(domlist_count(NULL), 0);
    domlist_free(dl);
    domlist_free(NULL);
}

/* 100,000 entries: every one is found, and names off the list are not. */
static void test_many(void **state)
{
    size_t n = 100000, i;
    struct conf_domain *d = calloc(n, sizeof(*d));
    struct domlist *dl = domlist_new(0);
    char name[64];

    (void)state;
    for (i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "d%zu.example", i);
        d[i].name = strdup(name);
        d[i].wildcard = (i % 3) == 0;
        assert_null(domlist_add(dl, &d[i]));
    }
    assert_int_equal(domlist_count(dl), n);
    for (i = 0; i < n; i++) {
        const struct conf_domain *got;
        snprintf(name, sizeof(name), "%sd%zu.example", d[i].wildcard ? "mx." : "", i);
        got = domlist_match(dl, name);
        if (got != &d[i])
            fail_msg("match \"%s\": got %s, want entry %zu", name, got ? got->name : "none", i);
        snprintf(name, sizeof(name), "%sd%zu.example", d[i].wildcard ? "" : "mx.", i);
        if (domlist_match(dl, name) != NULL)
            fail_msg("match \"%s\": got a match, want none", name);
    }
    domlist_free(dl);
    for (i = 0; i < n; i++)
        free(d[i].name);
    free(d);
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match_table),
        cmocka_unit_test(test_add_duplicate),
        cmocka_unit_test(test_empty_and_null),
        cmocka_unit_test(test_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
