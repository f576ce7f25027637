/*
 * test_export_fmt - `mxdetour export --format`: each format from fixed
 * rows (table cases), the Exchange script against a golden file, and
 * route_sendmail() (shared with the socketmap) on its own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "export_fmt.h"
#include "route_sendmail.h"

static char *render(enum export_format f, const struct export_row *rows, size_t n, size_t *bad)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    *bad = export_write(out, f, rows, n);
    fclose(out);
    return buf;
}

/* Everything after the header comments. */
static const char *body(const char *s)
{
    while (s[0] == '#') {
        const char *nl = strchr(s, '\n');
        if (!nl)
            break;
        s = nl + 1;
    }
    return s;
}

static const struct export_row rows[] = {
    {"pinned.example", "smtp:[192.0.2.10]:25, [192.0.2.11]:25", "mx1.pinned.example"},
    {".tail.example", "smtp:[203.0.113.25]:25", ""},
    {"ipv4.example", "smtp-ipv4:", "mx.ipv4.example"},
    {"relay.example", "relay:relay.example.net", ""},
    {"port.example", "smtp:[192.0.2.12]:2525", ""},
    {"v6.example", "smtp:[2001:db8::1]:25", ""},
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

static const struct {
    enum export_format f;
    const char *want;
    size_t bad;
} cases[] = {
    {EXPORT_POSTFIX,
     "ipv4.example smtp-ipv4:\n"
     "pinned.example smtp:[192.0.2.10]:25, [192.0.2.11]:25\n"
     "port.example smtp:[192.0.2.12]:2525\n"
     "relay.example relay:relay.example.net\n"
     ".tail.example smtp:[203.0.113.25]:25\n"
     "v6.example smtp:[2001:db8::1]:25\n",
     0},
    {EXPORT_SENDMAIL,
     "ipv4.example smtp-ipv4:ipv4.example\n"
     "pinned.example esmtp:[192.0.2.10]:[192.0.2.11]\n"
     "# port.example (smtp:[192.0.2.12]:2525): a mailertable host takes no port\n"
     "relay.example relay:relay.example.net\n"
     ".tail.example esmtp:[203.0.113.25]\n"
     "v6.example esmtp:[IPv6:2001:db8::1]\n",
     1},
    {EXPORT_EXIM,
     "ipv4.example: ipv4.example/MX bydns ipv4_only\n"
     "pinned.example: 192.0.2.10:192.0.2.11\n"
     "port.example: <;192.0.2.12:2525\n"
     "relay.example: relay.example.net/MX\n"
     "*.tail.example: 203.0.113.25\n"
     "v6.example: <;2001:db8::1\n"
     "tail.example:\n"
     "mx.ipv4.example:\n"
     "mx1.pinned.example:\n",
     0},
};

static void test_formats(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t bad;
        char *got = render(cases[i].f, rows, NROWS, &bad);
        assert_string_equal(body(got), cases[i].want);
        assert_int_equal(bad, cases[i].bad);
        free(got);
    }
}

static void test_exchange_golden(void **state)
{
    char path[4096], *want;
    size_t bad, len;
    const char *dir = getenv("top_srcdir");
    (void)state;
    snprintf(path, sizeof(path), "%s/tests/unit/golden/export.ps1", dir ? dir : ".");
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    want = calloc(1, 65536);
    len = fread(want, 1, 65535, f);
    fclose(f);
    want[len] = '\0';
    char *got = render(EXPORT_EXCHANGE, rows, NROWS, &bad);
    if (getenv("MXD_WRITE_GOLDEN")) /* regenerate after a deliberate change */
        fputs(got, stdout);
    assert_string_equal(got, want);
    /* the transport route (no smart host) cannot be a send connector */
    assert_int_equal(bad, 1);
    free(got);
    free(want);
}

static void test_format_names(void **state)
{
    enum export_format f;
    (void)state;
    assert_int_equal(export_format_from_name("exim", &f), 0);
    assert_int_equal(f, EXPORT_EXIM);
    assert_int_equal(export_format_from_name("exchange", &f), 0);
    assert_int_equal(f, EXPORT_EXCHANGE);
    assert_int_equal(export_format_from_name("Exim", &f), -1);
    assert_int_equal(export_format_from_name("", &f), -1);
}

static void test_rows_parse(void **state)
{
    char text[] = "a.example\tsmtp:[192.0.2.1]:25\tmx.a.example\n"
                  "garbage line\n"
                  ".b.example\tsmtp:[192.0.2.2]:25, [192.0.2.3]:25\t-\n";
    size_t n;
    (void)state;
    struct export_row *r = export_rows_parse(text, &n);
    assert_int_equal(n, 2);
    assert_string_equal(r[0].domain, "a.example");
    assert_string_equal(r[0].host, "mx.a.example");
    assert_string_equal(r[1].route, "smtp:[192.0.2.2]:25, [192.0.2.3]:25");
    assert_string_equal(r[1].host, "");
    free(r);
}

static void test_route_sendmail(void **state)
{
    static const struct {
        const char *route, *want;
        int rc;
    } t[] = {
        {"smtp:[192.0.2.1]:25, [192.0.2.2]:25", "esmtp:[192.0.2.1]:[192.0.2.2]", 0},
        {"smtp-ipv4:", "smtp-ipv4:d.example", 0},
        {"smtp:relay.example:smtp", "esmtp:relay.example", 0},
        {"smtp:[2001:db8::1]", "esmtp:[IPv6:2001:db8::1]", 0},
        {"smtp:[192.0.2.1]:2525", "", ROUTE_SENDMAIL_PORT},
        {"smtp:[192.0.2.1", "", ROUTE_SENDMAIL_BAD},
        {"nocolon", "", ROUTE_SENDMAIL_BAD},
    };
    char out[256];
    (void)state;
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        assert_int_equal(route_sendmail(t[i].route, "d.example", out, sizeof(out)), t[i].rc);
        assert_string_equal(out, t[i].want);
    }
    /* too small: nothing, never half a value */
    assert_int_equal(route_sendmail("smtp:[192.0.2.1]", "d", out, 8), ROUTE_SENDMAIL_BAD);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats),        cmocka_unit_test(test_exchange_golden),
        cmocka_unit_test(test_format_names),   cmocka_unit_test(test_rows_parse),
        cmocka_unit_test(test_route_sendmail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
