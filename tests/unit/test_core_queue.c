/*
 * test_core_queue - the work queue and flood guard of src/core_queue.c,
 * with the time passed in: which domain starts first (the first lane
 * before the new one, each in order), what max_pending refuses, how many
 * probes the token bucket lets start and when the next one is due, that a
 * domain needing no probe costs no token, and that skips are reported at
 * most once a minute with their count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core_queue.h"

static char started[16][32];
static size_t nstarted;
static const char *free_one; /* start() says this domain needs no probe */

static int start(const char *domain)
{
    if (free_one && strcmp(domain, free_one) == 0)
        return 0;
    assert_true(nstarted < 16);
    snprintf(started[nstarted++], sizeof(started[0]), "%s", domain);
    return 1;
}

static int setup(void **state)
{
    (void)state;
    nstarted = 0;
    free_one = NULL;
    cq_reset(100, 0);
    return 0;
}

static void test_lanes_in_order(void **state)
{
    (void)state;
    assert_int_equal(cq_push("n1.test", CQ_NEW, 10), 0);
    assert_int_equal(cq_push("f1.test", CQ_FIRST, 10), 0);
    assert_int_equal(cq_push("n2.test", CQ_NEW, 10), 0);
    assert_int_equal(cq_push("f2.test", CQ_FIRST, 10), 0);
    assert_int_equal(cq_len(), 4);
    assert_int_equal(cq_drain(100, 1000, 0, start), -1);
    assert_int_equal(nstarted, 4);
    assert_string_equal(started[0], "f1.test");
    assert_string_equal(started[1], "f2.test");
    assert_string_equal(started[2], "n1.test");
    assert_string_equal(started[3], "n2.test");
    assert_int_equal(cq_len(), 0);
}

/* Each lane holds max: a full new lane does not refuse a re-probe. */
static void test_max_pending_per_lane(void **state)
{
    (void)state;
    assert_int_equal(cq_push("a.test", CQ_NEW, 2), 0);
    assert_int_equal(cq_push("b.test", CQ_NEW, 2), 0);
    assert_int_equal(cq_push("c.test", CQ_NEW, 2), -1);
    assert_int_equal(cq_push("d.test", CQ_FIRST, 2), 0);
    assert_int_equal(cq_len(), 3);
    cq_reset(100, 0);
    assert_int_equal(cq_len(), 0);
}

/* probe.rate 2 per 1000 ms: two start at once, the third 500 ms later. */
static void test_rate(void **state)
{
    (void)state;
    cq_reset(2, 0);
    for (int i = 0; i < 4; i++) {
        char d[16];
        snprintf(d, sizeof(d), "d%d.test", i);
        assert_int_equal(cq_push(d, CQ_NEW, 10), 0);
    }
    assert_int_equal(cq_drain(2, 1000, 0, start), 501);
    assert_int_equal(nstarted, 2);
    assert_int_equal(cq_drain(2, 1000, 250, start), 251);
    assert_int_equal(nstarted, 2);
    assert_int_equal(cq_drain(2, 1000, 500, start), 501);
    assert_int_equal(nstarted, 3);
    assert_string_equal(started[2], "d2.test");
    /* A long pause fills the bucket up to rate_count only. */
    assert_int_equal(cq_push("e.test", CQ_NEW, 10), 0);
    assert_int_equal(cq_push("f.test", CQ_NEW, 10), 0);
    assert_int_equal(cq_drain(2, 1000, 100000, start), 501);
    assert_int_equal(nstarted, 5);
    assert_int_equal(cq_len(), 1);
}

/* The second copy of a promoted domain (start returns 0) is free. */
static void test_free_copy(void **state)
{
    (void)state;
    cq_reset(1, 0);
    free_one = "dup.test";
    assert_int_equal(cq_push("dup.test", CQ_FIRST, 10), 0);
    assert_int_equal(cq_push("x.test", CQ_NEW, 10), 0);
    assert_int_equal(cq_drain(1, 1000, 0, start), -1);
    assert_int_equal(nstarted, 1);
    assert_string_equal(started[0], "x.test");
}

static void test_skip_reports(void **state)
{
    (void)state;
    unsigned long before = cq_skipped();
    assert_int_equal(cq_note_skip(1000), 1);  /* the first: at once */
    assert_int_equal(cq_note_skip(2000), 0);  /* then silent */
    assert_int_equal(cq_note_skip(30000), 0); /* for a minute */
    assert_int_equal(cq_note_skip(61000), 3); /* with the count since */
    assert_int_equal(cq_note_skip(62000), 0);
    assert_int_equal(cq_skipped() - before, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_lanes_in_order, setup),
        cmocka_unit_test_setup(test_max_pending_per_lane, setup),
        cmocka_unit_test_setup(test_rate, setup),
        cmocka_unit_test_setup(test_free_copy, setup),
        cmocka_unit_test_setup(test_skip_reports, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
