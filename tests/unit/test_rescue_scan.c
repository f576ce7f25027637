/*
 * test_rescue_scan - one line of `postqueue -j` in, the matching domains
 * and the queue ID out.  Lines in the format postqueue(1) documents (as
 * Postfix 3.7 prints them: one object, members separated by ", ").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "rescue_scan.h"

static const char *const doms[] = {"mxfail.test", "*.tailspin.test", "other.test"};

struct row {
    const char *line;
    uint64_t mask;
    const char *qid; /* when mask != 0 */
};

#define DEFERRED(id) "{\"queue_name\": \"deferred\", \"queue_id\": \"" id "\", "
#define TAIL         "\"arrival_time\": 1764639096, \"message_size\": 374, \"forced_expire\": false, "

static const struct row rows[] = {
    /* the line Postfix printed for t-rescue's message */
    {DEFERRED("A464EA72B34") TAIL "\"sender\": \"sender@client.e2e.test\", \"recipients\": "
                                  "[{\"address\": \"old@mxfail.test\", \"delay_reason\": \"Host or "
                                  "domain name not found. Name service error for name=mxfail.test "
                                  "type=MX: Host not found, try again\"}]}",
     1, "A464EA72B34"},
    /* case and a final dot do not matter; several domains in one message */
    {DEFERRED("B1") "\"recipients\": [{\"address\": \"x@MXFAIL.Test.\"}, {\"address\": "
                    "\"y@a.b.tailspin.test\"}]}",
     3, "B1"},
    /* a wildcard matches subdomains, not the apex (transport(5) ".x") */
    {DEFERRED("C1") "\"recipients\": [{\"address\": \"y@tailspin.test\"}]}", 0, NULL},
    /* a subdomain of a plain entry is another domain */
    {DEFERRED("C2") "\"recipients\": [{\"address\": \"y@sub.mxfail.test\"}]}", 0, NULL},
    /* only the deferred queue: active mail is being delivered already */
    {"{\"queue_name\": \"active\", \"queue_id\": \"D1\", \"recipients\": [{\"address\": "
     "\"a@mxfail.test\"}]}",
     0, NULL},
    {"{\"queue_name\": \"hold\", \"queue_id\": \"D2\", \"recipients\": [{\"address\": "
     "\"a@mxfail.test\"}]}",
     0, NULL},
    /* a quoted local part with an escaped quote and an '@' in it */
    {DEFERRED("E1") "\"recipients\": [{\"address\": \"\\\"a\\\\\\\"@b\\\"@other.test\"}]}", 4,
     "E1"},
    /* members in another order, unknown members of every type, spaces */
    {"{ \"recipients\" : [ { \"delay_reason\" : \"x\" , \"address\" : \"q@other.test\" , "
     "\"new\": [1, {\"k\": null}, true] } ] , \"queue_id\" : \"F1\" , \"queue_name\" : "
     "\"deferred\" , \"extra\": {\"a\": [\"]\"]} }",
     4, "F1"},
    /* not an object, cut short, a queue ID that is not one */
    {"postqueue: warning: something", 0, NULL},
    {DEFERRED("G1") "\"recipients\": [{\"address\": \"a@mxfail.test\"}", 0, NULL},
    {DEFERRED("-o/x") "\"recipients\": [{\"address\": \"a@mxfail.test\"}]}", 0, NULL},
    {"", 0, NULL},
};

static void test_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char qid[RESCUE_QID_MAX];
        uint64_t got = rescue_scan_line(rows[i].line, doms, 3, qid);
        if (got != rows[i].mask)
            fail_msg("row %zu: mask %llu, want %llu: %s", i, (unsigned long long)got,
                     (unsigned long long)rows[i].mask, rows[i].line);
        if (got)
            assert_string_equal(qid, rows[i].qid);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_rows)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
