/*
 * test_fleet_record - the shared verdict record of src/fleet_record.c:
 * what is formatted parses back to the same record, and every field read
 * from Redis is refused when it is not what a node could have written
 * (Redis is shared: a record there is untrusted input).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fleet_record.h"
#include <stdio.h>
#include <string.h>

static struct fleet_record sample(void)
{
    struct fleet_record r;
    memset(&r, 0, sizeof(r));
    strcpy(r.domain, "broken.example");
    strcpy(r.node, "mta-1");
    r.made = 1700000000;
    r.vi.verdict = VERDICT_AAAA_IGNORED;
    r.vi.confirmed = 1;
    r.vi.pinnable = 1;
    strcpy(r.vi.host, "mx1.broken.example");
    strcpy(r.vi.pin, "192.0.2.10 192.0.2.20");
    strcpy(r.vi.evidence, "AAAA mx1.broken.example timeout 2x2000ms at 192.0.2.53");
    return r;
}

static void round_trip(void **state)
{
    struct fleet_record r = sample(), back;
    char buf[FLEET_RECORD_MAX + 1];
    (void)state;

    size_t n = fleet_record_format(&r, buf, sizeof(buf));
    assert_true(n > 0);
    assert_string_equal(buf, "mxd1\tbroken.example\taaaa-ignored\t1\t1\t1700000000\tmta-1\t"
                             "mx1.broken.example\t192.0.2.10 192.0.2.20\t"
                             "AAAA mx1.broken.example timeout 2x2000ms at 192.0.2.53");
    assert_null(fleet_record_parse(buf, n, &back));
    assert_memory_equal(&r, &back, sizeof(r));

    /* Empty fields travel as "-". */
    memset(r.vi.host, 0, sizeof(r.vi.host));
    memset(r.vi.pin, 0, sizeof(r.vi.pin));
    memset(r.vi.evidence, 0, sizeof(r.vi.evidence));
    r.vi.verdict = VERDICT_HEALTHY;
    n = fleet_record_format(&r, buf, sizeof(buf));
    assert_string_equal(buf, "mxd1\tbroken.example\thealthy\t1\t1\t1700000000\tmta-1\t-\t-\t-");
    assert_null(fleet_record_parse(buf, n, &back));
    assert_memory_equal(&r, &back, sizeof(r));
}

static void format_cleans_and_bounds(void **state)
{
    struct fleet_record r = sample(), back;
    char buf[FLEET_RECORD_MAX + 1];
    (void)state;

    strcpy(r.vi.evidence, "tab\there\nnewline");
    size_t n = fleet_record_format(&r, buf, sizeof(buf));
    assert_null(fleet_record_parse(buf, n, &back));
    assert_string_equal(back.vi.evidence, "tab?here?newline");
    assert_int_equal(fleet_record_format(&r, buf, 20), 0);
}

static const struct {
    const char *rec, *why;
} bad[] = {
    {"", "bad length"},
    {"mxd2\tx.example\thealthy\t0\t0\t1\tn\t-\t-\t-", "unknown record version"},
    {"mxd1\tx.example\thealthy\t0\t0\t1\tn\t-\t-", "wrong number of fields"},
    {"mxd1\tx.example\thealthy\t0\t0\t1\tn\t-\t-\t-\t-", "wrong number of fields"},
    {"mxd1\tX.example\thealthy\t0\t0\t1\tn\t-\t-\t-", "bad domain"},
    {"mxd1\tx..example\thealthy\t0\t0\t1\tn\t-\t-\t-", "bad domain"},
    {"mxd1\tx.example.\thealthy\t0\t0\t1\tn\t-\t-\t-", "bad domain"},
    {"mxd1\tx.example\tlisted\t0\t0\t1\tn\t-\t-\t-", "bad verdict"},
    {"mxd1\tx.example\tunknown\t0\t0\t1\tn\t-\t-\t-", "bad verdict"},
    {"mxd1\tx.example\tgreat\t0\t0\t1\tn\t-\t-\t-", "bad verdict"},
    {"mxd1\tx.example\thealthy\t2\t0\t1\tn\t-\t-\t-", "bad flag"},
    {"mxd1\tx.example\thealthy\t0\t01\t1\tn\t-\t-\t-", "bad flag"},
    {"mxd1\tx.example\thealthy\t0\t0\t-1\tn\t-\t-\t-", "bad time"},
    {"mxd1\tx.example\thealthy\t0\t0\t9999999999999\tn\t-\t-\t-", "bad time"},
    {"mxd1\tx.example\thealthy\t0\t0\t\tn\t-\t-\t-", "bad time"},
    {"mxd1\tx.example\thealthy\t0\t0\t1\t\t-\t-\t-", "bad node"},
    {"mxd1\tx.example\thealthy\t0\t0\t1\tmta 1\t-\t-\t-", "bad node"},
    {"mxd1\tx.example\thealthy\t0\t0\t1\tn\tmx\x1b.example\t-\t-", "bad host"},
    {"mxd1\tx.example\taaaa-ignored\t0\t1\t1\tn\t-\t192.0.2.1  192.0.2.2\t-", "bad pin list"},
    {"mxd1\tx.example\taaaa-ignored\t0\t1\t1\tn\t-\t192.0.2.1 \t-", "bad pin list"},
    {"mxd1\tx.example\taaaa-ignored\t0\t1\t1\tn\t-\t2001:db8::1\t-", "bad pin list"},
    {"mxd1\tx.example\taaaa-ignored\t0\t1\t1\tn\t-\t192.0.2.1]:25,[evil\t-", "bad pin list"},
    {"mxd1\tx.example\thealthy\t0\t0\t1\tn\t-\t-\tevidence\xc3\xa9", "bad evidence"},
};

static void refuses(void **state)
{
    struct fleet_record r;
    (void)state;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *why = fleet_record_parse(bad[i].rec, strlen(bad[i].rec), &r);
        if (!why || strcmp(why, bad[i].why) != 0)
            fail_msg("row %zu: got %s, want %s", i, why ? why : "accepted", bad[i].why);
    }
    /* A NUL inside, and a record longer than any node writes. */
    assert_string_equal(fleet_record_parse("mxd1\0x", 6, &r), "NUL in record");
    char big[FLEET_RECORD_MAX + 2];
    memset(big, 'a', sizeof(big));
    assert_string_equal(fleet_record_parse(big, sizeof(big), &r), "bad length");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip),
        cmocka_unit_test(format_cleans_and_bounds),
        cmocka_unit_test(refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
