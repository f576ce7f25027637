/*
 * test_netstring - table-driven checks of policy/netstring.c: every status
 * netstring_parse() can return, byte by byte arrival, the size limit
 * applied before the payload arrives, and netstring_format()'s snprintf
 * contract.  Failures print "got X, want Y" with the input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "netstring.h"

struct parse_case {
    const char *in;
    size_t len; /* 0: strlen(in) */
    size_t limit;
    enum netstring_status want;
    const char *data; /* want payload on NETSTRING_OK */
    size_t dlen;
    size_t used;
};

static const struct parse_case parse_cases[] = {
    {"", 0, 100, NETSTRING_INCOMPLETE, NULL, 0, 0},
    {"3", 0, 100, NETSTRING_INCOMPLETE, NULL, 0, 0},
    {"12", 0, 100, NETSTRING_INCOMPLETE, NULL, 0, 0},
    {"3:", 0, 100, NETSTRING_INCOMPLETE, NULL, 0, 0},
    {"3:ab", 0, 100, NETSTRING_INCOMPLETE, NULL, 0, 0},
    {"3:abc", 0, 100, NETSTRING_INCOMPLETE, NULL, 0, 0},
    {"3:abc,", 0, 100, NETSTRING_OK, "abc", 3, 6},
    {"0:,", 0, 100, NETSTRING_OK, "", 0, 3},
    {"3:abc,4:next,", 0, 100, NETSTRING_OK, "abc", 3, 6},
    {"5:a\0b\0c,", 8, 100, NETSTRING_OK, "a\0b\0c", 5, 8},
    {"5:a,b,c,", 0, 100, NETSTRING_OK, "a,b,c", 5, 8},
    {"26:postfix-transport user@x.y,", 0, 100, NETSTRING_OK, "postfix-transport user@x.y", 26, 30},
    {"3:abcd", 0, 100, NETSTRING_ERR_FORMAT, NULL, 0, 0},
    {"3:abc;", 0, 100, NETSTRING_ERR_FORMAT, NULL, 0, 0},
    {":abc,", 0, 100, NETSTRING_ERR_FORMAT, NULL, 0, 0},
    {"a:abc,", 0, 100, NETSTRING_ERR_FORMAT, NULL, 0, 0},
    {"3a:abc,", 0, 100, NETSTRING_ERR_FORMAT, NULL, 0, 0},
    {"-3:abc,", 0, 100, NETSTRING_ERR_FORMAT, NULL, 0, 0},
    {" 3:abc,", 0, 100, NETSTRING_ERR_FORMAT, NULL, 0, 0},
    {"+3:abc,", 0, 100, NETSTRING_ERR_FORMAT, NULL, 0, 0},
    {"03:abc,", 0, 100, NETSTRING_ERR_FORMAT, NULL, 0, 0},
    {"00:,", 0, 100, NETSTRING_ERR_FORMAT, NULL, 0, 0},
    {"GET / HTTP/1.0\r\n", 0, 100, NETSTRING_ERR_FORMAT, NULL, 0, 0},
    {"\0", 1, 100, NETSTRING_ERR_FORMAT, NULL, 0, 0},
    {"101:", 0, 100, NETSTRING_ERR_SIZE, NULL, 0, 0},
    {"100:", 0, 100, NETSTRING_INCOMPLETE, NULL, 0, 0},
    {"101", 0, 100, NETSTRING_ERR_SIZE, NULL, 0, 0}, /* before the ':' */
    {"999999999999", 0, 1100, NETSTRING_ERR_SIZE, NULL, 0, 0},
    {"99999999999999999999999999999", 0, (size_t)-1, NETSTRING_ERR_SIZE, NULL, 0, 0},
    {"18446744073709551616:", 0, (size_t)-1, NETSTRING_ERR_SIZE, NULL, 0, 0}, /* 2^64 */
    {"1:a,", 0, 0, NETSTRING_ERR_SIZE, NULL, 0, 0},
    {"0:,", 0, 0, NETSTRING_OK, "", 0, 3},
};

static void test_parse_table(void **state)
{
    size_t i, failed = 0;

    (void)state;
    for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        const struct parse_case *c = &parse_cases[i];
        size_t len = c->len ? c->len : strlen(c->in);
        const char *data = NULL;
        size_t dlen = 0, used = 0;
        enum netstring_status got = netstring_parse(c->in, len, c->limit, &data, &dlen, &used);

        if (got != c->want) {
            print_error("case %zu %.*s: got %s, want %s\n", i, (int)len, c->in,
                        netstring_strerror(got), netstring_strerror(c->want));
            failed++;
            continue;
        }
        if (got != NETSTRING_OK)
            continue;
        if (dlen != c->dlen || used != c->used || memcmp(data, c->data, dlen) != 0 ||
            data < c->in || data + dlen > c->in + len) {
            print_error("case %zu: got payload len %zu used %zu, want %zu used %zu\n", i, dlen,
                        used, c->dlen, c->used);
            failed++;
        }
    }
    assert_int_equal(failed, 0);
}

/* Every proper prefix of a valid netstring is INCOMPLETE, never an error. */
static void test_parse_prefixes(void **state)
{
    static const char ns[] = "31:sendmail-mailertable mx.example,";
    size_t i, used = 0, dlen = 0;
    const char *data = NULL;

    (void)state;
    for (i = 0; i < sizeof(ns) - 1; i++)
        assert_int_equal(netstring_parse(ns, i, 1100, &data, &dlen, &used), NETSTRING_INCOMPLETE);
    assert_int_equal(netstring_parse(ns, sizeof(ns) - 1, 1100, &data, &dlen, &used), NETSTRING_OK);
    assert_int_equal(dlen, 31);
    assert_int_equal(used, sizeof(ns) - 1);
    assert_memory_equal(data, "sendmail-mailertable mx.example", 31);
}

/* Pipelined requests come out one at a time. */
static void test_parse_pipelined(void **state)
{
    static const char two[] = "1:a,2:bc,";
    const char *data = NULL;
    size_t dlen = 0, used = 0, off;

    (void)state;
    assert_int_equal(netstring_parse(two, sizeof(two) - 1, 10, &data, &dlen, &used), NETSTRING_OK);
    assert_int_equal(used, 4);
    off = used;
    assert_int_equal(netstring_parse(two + off, sizeof(two) - 1 - off, 10, &data, &dlen, &used),
                     NETSTRING_OK);
    assert_int_equal(dlen, 2);
    assert_memory_equal(data, "bc", 2);
}

static void test_format(void **state)
{
    char out[32];
    size_t n;

    (void)state;
    n = netstring_format(out, sizeof(out), "OK smtp:[192.0.2.1]:25", 22);
    assert_int_equal(n, 26);
    assert_string_equal(out, "22:OK smtp:[192.0.2.1]:25,");
    n = netstring_format(out, sizeof(out), "NOTFOUND ", 9);
    assert_int_equal(n, 12);
    assert_string_equal(out, "9:NOTFOUND ,");
    n = netstring_format(out, sizeof(out), "", 0);
    assert_int_equal(n, 3);
    assert_string_equal(out, "0:,");
    /* Embedded NUL is framed by length, not cut. */
    n = netstring_format(out, sizeof(out), "a\0b", 3);
    assert_int_equal(n, 6);
    assert_memory_equal(out, "3:a\0b,", 6);
}

static void test_format_too_small(void **state)
{
    char out[16];

    (void)state;
    memset(out, 'x', sizeof(out));
    /* "9:NOTFOUND ," is 12 octets: 12 bytes leave no room for the NUL. */
    assert_int_equal(netstring_format(out, 12, "NOTFOUND ", 9), 12);
    assert_int_equal(out[0], 'x');
    assert_int_equal(netstring_format(out, 0, "NOTFOUND ", 9), 12);
    assert_int_equal(netstring_format(NULL, 0, "abc", 3), 6);
    assert_int_equal(netstring_format(out, 13, "NOTFOUND ", 9), 12);
    assert_string_equal(out, "9:NOTFOUND ,");
}

/* What format writes, parse reads back, for every length 0..600. */
static void test_roundtrip(void **state)
{
    static char data[600], out[700];
    size_t len, dlen = 0, used = 0;
    const char *got = NULL;

    (void)state;
    for (len = 0; len < sizeof(data); len++)
        data[len] = (char)(len * 7);
    for (len = 0; len <= sizeof(data); len++) {
        size_t n = netstring_format(out, sizeof(out), data, len);
        assert_true(n < sizeof(out));
        assert_int_equal(netstring_parse(out, n, 600, &got, &dlen, &used), NETSTRING_OK);
        assert_int_equal(dlen, len);
        assert_int_equal(used, n);
        assert_memory_equal(got, data, len);
    }
}

static void test_strerror(void **state)
{
    (void)state;
    assert_string_equal(netstring_strerror(NETSTRING_OK), "ok");
    assert_non_null(strstr(netstring_strerror(NETSTRING_ERR_SIZE), "long"));
    assert_non_null(strstr(netstring_strerror(NETSTRING_ERR_FORMAT), "format"));
    assert_non_null(netstring_strerror((enum netstring_status)42));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),      cmocka_unit_test(test_parse_prefixes),
        cmocka_unit_test(test_parse_pipelined),  cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_too_small), cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_strerror),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
