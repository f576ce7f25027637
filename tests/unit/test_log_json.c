/*
 * test_log_json - log_kv() of src/log.c (quoting, control characters as
 * \xNN, the 200-octet cut marked "~", bounded output) and json_str() /
 * json_raw() of src/json.c (escaping, bounded output).  Table driven: an
 * input and the exact text expected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "json.h"
#include "log.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char a200[201], a201[202], sp300[301], nl200[201];

static void init_long(void)
{
    memset(a200, 'a', 200);
    memset(a201, 'a', 201);
    memset(sp300, 'b', 300);
    sp300[0] = ' ';
    memset(nl200, '\n', 200);
}

static void test_log_kv_table(void **state)
{
    static char want200[300], want201[300], wantsp[300], wantnl[1000];
    const struct {
        const char *what, *prefix, *key, *value, *want;
    } rows[] = {
        {"plain", "", "domain", "example.test", "domain=example.test"},
        {"appended", "a=b", "domain", "example.test", "a=b domain=example.test"},
        {"space quoted", "", "note", "two words", "note=\"two words\""},
        {"empty quoted", "", "route", "", "route=\"\""},
        {"quote escaped and quoted", "", "v", "a\"b", "v=\"a\\\"b\""},
        {"backslash escaped", "", "v", "a\\b", "v=a\\\\b"},
        {"tab", "", "v", "a\tb", "v=\"a\\x09b\""},
        {"newline", "", "v", "a\nb", "v=a\\x0ab"},
        {"forged line", "x=1", "from", "a\nmxdetourd: route=evil",
         "x=1 from=\"a\\x0amxdetourd: route=evil\""},
        {"CR", "", "v", "a\rb", "v=a\\x0db"},
        {"0x01", "", "v", "\x01", "v=\\x01"},
        {"0x1b", "", "v", "\x1b[31m", "v=\\x1b[31m"},
        {"0x1f", "", "v", "a\x1f", "v=a\\x1f"},
        {"DEL", "", "v", "a\x7f", "v=a\\x7f"},
        {"UTF-8 kept", "", "v",
         "b\xc3\xbc"
         "cher",
         "v=b\xc3\xbc"
         "cher"},
        {"high octet kept", "", "v", "\xff", "v=\xff"},
        {"equals kept", "", "v", "a=b", "v=a=b"},
        {"200 octets, no cut", "", "v", a200, want200},
        {"201 octets, cut", "", "v", a201, want201},
        {"300 octets quoted, cut", "", "v", sp300, wantsp},
        {"escapes count as one octet", "", "v", nl200, wantnl},
    };
    int bad = 0;

    (void)state;
    init_long();
    snprintf(want200, sizeof(want200), "v=%s", a200);
    snprintf(want201, sizeof(want201), "v=%.200s~", a201);
    snprintf(wantsp, sizeof(wantsp), "v=\"%.200s~\"", sp300);
    strcpy(wantnl, "v=");
    for (int i = 0; i < 200; i++)
        strcat(wantnl, "\\x0a");
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char buf[2048];
        size_t pos = strlen(rows[i].prefix), got;

        memset(buf, 'z', sizeof(buf));
        memcpy(buf, rows[i].prefix, pos + 1);
        got = log_kv(buf, sizeof(buf), pos, rows[i].key, rows[i].value);
        if (strcmp(buf, rows[i].want) != 0 || got != strlen(rows[i].want)) {
            print_error("%s: got %zu \"%s\", want %zu \"%s\"\n", rows[i].what, got, buf,
                        strlen(rows[i].want), rows[i].want);
            bad = 1;
        }
    }
    assert_int_equal(bad, 0);
}

/* A full buffer cuts the output, terminated, never past size - 1. */
static void test_log_kv_bounds(void **state)
{
    char buf[64];
    size_t n;

    (void)state;
    memset(buf, 'z', sizeof(buf));
    n = log_kv(buf, 8, 0, "key", "value123");
    assert_int_equal(n, 7);
    assert_string_equal(buf, "key=val");
    assert_int_equal(buf[8], 'z');

    memset(buf, 'z', sizeof(buf));
    n = log_kv(buf, 10, 0, "k", "a\nb");
    assert_int_equal(n, 8);
    assert_string_equal(buf, "k=a\\x0ab");
    n = log_kv(buf, 10, n, "more", "x");
    assert_int_equal(n, 9);
    assert_string_equal(buf, "k=a\\x0ab ");
    assert_int_equal(buf[10], 'z');

    memset(buf, 'z', sizeof(buf));
    assert_int_equal(log_kv(buf, 1, 0, "k", "v"), 0);
    assert_int_equal(buf[0], '\0');
    assert_int_equal(buf[1], 'z');

    memset(buf, 'z', sizeof(buf));
    assert_int_equal(log_kv(buf, 0, 0, "k", "v"), 0);
    assert_int_equal(buf[0], 'z');

    /* Every size from 1 up: terminated inside the buffer, a prefix of the
     * full text. */
    for (size_t size = 1; size < 40; size++) {
        char full[64];
        log_kv(full, sizeof(full), 0, "from", "a \"b\"\n");
        memset(buf, 'z', sizeof(buf));
        n = log_kv(buf, size, 0, "from", "a \"b\"\n");
        assert_true(n < size);
        assert_int_equal(strlen(buf), n);
        assert_memory_equal(buf, full, n);
        assert_int_equal(buf[size], 'z');
    }
}

static void test_json_str_table(void **state)
{
    static const struct {
        const char *what, *in, *want;
    } rows[] = {
        {"plain", "example.test", "\"example.test\""},
        {"empty", "", "\"\""},
        {"quote", "a\"b", "\"a\\\"b\""},
        {"backslash", "a\\b", "\"a\\\\b\""},
        {"newline", "a\nb", "\"a\\u000ab\""},
        {"tab", "\t", "\"\\u0009\""},
        {"0x01 0x1f", "\x01\x1f", "\"\\u0001\\u001f\""},
        {"DEL kept", "\x7f", "\"\x7f\""},
        {"UTF-8 kept", "b\xc3\xbc", "\"b\xc3\xbc\""},
        {"evidence", "AAAA mx1.example.test timeout 2x1s @127.0.0.1:5300",
         "\"AAAA mx1.example.test timeout 2x1s @127.0.0.1:5300\""},
        {"slash kept", "a/b", "\"a/b\""},
    };
    int bad = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char buf[256];
        size_t n = json_str(buf, sizeof(buf), 0, rows[i].in);
        if (strcmp(buf, rows[i].want) != 0 || n != strlen(rows[i].want)) {
            print_error("%s: got %zu '%s', want '%s'\n", rows[i].what, n, buf, rows[i].want);
            bad = 1;
        }
    }
    assert_int_equal(bad, 0);
}

static void test_json_compose(void **state)
{
    char buf[256];
    size_t n;

    (void)state;
    n = json_raw(buf, sizeof(buf), 0, "{");
    n = json_str(buf, sizeof(buf), n, "domain");
    n = json_raw(buf, sizeof(buf), n, ":");
    n = json_str(buf, sizeof(buf), n, "ex\"ample");
    n = json_raw(buf, sizeof(buf), n, ",\"ms\":%u}", 3012u);
    assert_string_equal(buf, "{\"domain\":\"ex\\\"ample\",\"ms\":3012}");
    assert_int_equal(n, strlen(buf));
}

static void test_json_bounds(void **state)
{
    char buf[64];
    size_t n;

    (void)state;
    memset(buf, 'z', sizeof(buf));
    n = json_str(buf, 5, 0, "abcdef");
    assert_int_equal(n, 4);
    assert_string_equal(buf, "\"abc");
    assert_int_equal(buf[5], 'z');
    /* Already full: stays at size - 1. */
    assert_int_equal(json_str(buf, 5, n, "x"), 4);
    assert_int_equal(json_raw(buf, 5, 9, "x"), 4);
    assert_int_equal(json_raw(buf, 0, 0, "x"), 0);
    for (size_t size = 1; size < 24; size++) {
        char full[64];
        json_str(full, sizeof(full), 0, "a\"b\n\\c");
        memset(buf, 'z', sizeof(buf));
        n = json_str(buf, size, 0, "a\"b\n\\c");
        assert_true(n < size);
        assert_int_equal(strlen(buf), n);
        assert_memory_equal(buf, full, n);
        assert_int_equal(buf[size], 'z');
    }
}

/* The status/lookup text forms as JSON: one object, typed values. */
static void test_json_from_fields(void **state)
{
    static const struct {
        const char *text, *want;
    } t[] = {
        {"domain: a.example\nverdict: healthy\nprobing: no\n",
         "{\"domain\":\"a.example\",\"verdict\":\"healthy\",\"probing\":false}\n"},
        {"listed domains: 3\nlisteners: milter=off control=unix:/run/x.sock\n",
         "{\"listed_domains\":3,\"listeners\":{\"milter\":\"off\",\"control\":\"unix:/run/"
         "x.sock\"}}\n"},
        {"verdicts: healthy=2 aaaa-ignored=1\nprobing: yes", /* no final newline */
         "{\"verdicts\":{\"healthy\":2,\"aaaa-ignored\":1},\"probing\":true}\n"},
        {"evidence: AAAA \"x\" timeout 2x2s @192.0.2.53\nno colon here\nempty:\n",
         "{\"evidence\":\"AAAA \\\"x\\\" timeout 2x2s @192.0.2.53\",\"empty\":\"\"}\n"},
        {"age: 12s\ncount: 0123456789012345678901\n", /* too long for a number */
         "{\"age\":\"12s\",\"count\":\"0123456789012345678901\"}\n"},
        {"", "{}\n"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        char *got = json_from_fields(t[i].text);
        assert_string_equal(got, t[i].want);
        free(got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_kv_table),   cmocka_unit_test(test_log_kv_bounds),
        cmocka_unit_test(test_json_str_table), cmocka_unit_test(test_json_compose),
        cmocka_unit_test(test_json_bounds),    cmocka_unit_test(test_json_from_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
