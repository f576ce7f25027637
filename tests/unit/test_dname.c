/*
 * test_dname - name normalisation (case, trailing dot, IDN to A-labels,
 * host-name rules) and domain extraction from addresses.  Table driven:
 * each row is an input and either the normalised name or the error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dname.h"
#include <stdio.h>
#include <string.h>

struct row {
    const char *in;
    const char *want; /* normalised name, or NULL when err is expected */
    const char *err;  /* exact error, or NULL */
};

static int check(const char *what, const struct row *r, const char *err, const char *out)
{
    if (r->want != NULL && (err != NULL || strcmp(out, r->want) != 0)) {
        print_error("%s \"%s\": got %s%s%s, want \"%s\"\n", what, r->in, err ? "error " : "\"",
                    err ? err : out, err ? "" : "\"", r->want);
        return 1;
    }
    if (r->want == NULL && (err == NULL || strcmp(err, r->err) != 0)) {
        print_error("%s \"%s\": got %s%s, want error \"%s\"\n", what, r->in, err ? "error " : "ok ",
                    err ? err : out, r->err);
        return 1;
    }
    return 0;
}

static void test_normalize(void **state)
{
    static const char l63[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    static char l64[80], n253[300], n254[300];
    static const struct row rows[] = {
        {"example.com", "example.com", NULL},
        {"Example.COM", "example.com", NULL},
        {"example.com.", "example.com", NULL},
        {"EXAMPLE.com.", "example.com", NULL},
        {"bücher.example", "xn--bcher-kva.example", NULL},
        {"BÜCHER.Example.", "xn--bcher-kva.example", NULL},
        {"xn--bcher-kva.example", "xn--bcher-kva.example", NULL},
        {"XN--BCHER-KVA.example", "xn--bcher-kva.example", NULL},
        {"faß.de", "xn--fa-hia.de", NULL},    /* non-transitional: ß kept */
        {"xn--ls8h.la", "xn--ls8h.la", NULL}, /* emoji: transitional fallback */
        {"☃.net", "xn--n3h.net", NULL},       /* IDNA2003 name still resolves */
        {"例え.テスト", "xn--r8jz45g.xn--zckzah", NULL},
        {"a\xe3\x80\x82"
         "b",
         "a.b", NULL}, /* U+3002 ideographic full stop */
        {"localhost", "localhost", NULL},
        {"a-b.c-d.example", "a-b.c-d.example", NULL},
        {"1.2.3.example", "1.2.3.example", NULL},
        {"3com.com", "3com.com", NULL},
        {"", NULL, "empty name"},
        {".", NULL, "empty name"},
        {"..", NULL, "empty label"},
        {"a..b", NULL, "empty label"},
        {".a.b", NULL, "empty label"},
        {"a.b..", NULL, "empty label"},
        {"-a.example", NULL, "label starts or ends with '-'"},
        {"a-.example", NULL, "label starts or ends with '-'"},
        {"a_b.example", NULL, "invalid character (letters, digits, '-' and '.' only)"},
        {"a b.example", NULL, "invalid character (letters, digits, '-' and '.' only)"},
        {"a*.example", NULL, "invalid character (letters, digits, '-' and '.' only)"},
        {"*.example", NULL, "invalid character (letters, digits, '-' and '.' only)"},
        {"[192.0.2.1]", NULL, "invalid character (letters, digits, '-' and '.' only)"},
        {"192.0.2.1", NULL, "numeric top-level label"},
        {"xn--zz.example", NULL, "invalid IDN: bad punycode in an xn-- label"},
        {"\xff\xfe.example", NULL, "invalid IDN: not valid UTF-8"},
        {"\xcc\x81x.example", NULL, "invalid IDN: label starts with a combining mark"},
        {l63, l63, NULL},
        {l64, NULL, "label longer than 63"},
        {n253, n253, NULL},
        {n254, NULL, "name longer than 253"},
    };
    char out[DNAME_MAX + 1];
    size_t i;
    int bad = 0;

    (void)state;
    memset(l64, 'a', 64);
    /* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 */
    snprintf(n253, sizeof(n253), "%s.%s.%s.%.61s", l63, l63, l63, l63);
    snprintf(n254, sizeof(n254), "%s.%s.%s.%.62s", l63, l63, l63, l63);
    assert_int_equal(strlen(n253), 253);
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const char *err;
        out[0] = '\0';
        err = dname_normalize(rows[i].in, out, sizeof(out));
        bad += check("normalize", &rows[i], err, out);
    }
    assert_string_equal(dname_normalize("example.com", out, 5), "name longer than the buffer");
    assert_string_equal(dname_normalize(NULL, out, sizeof(out)), "empty name");
    assert_int_equal(bad, 0);
}

static void test_from_address(void **state)
{
    static const struct row rows[] = {
        {"user@Example.COM", "example.com", NULL},
        {"<user@example.com>", "example.com", NULL},
        {"@example.com", "example.com", NULL},
        {"user@example.com.", "example.com", NULL},
        {"\"a@b\"@example.net", "example.net", NULL}, /* the LAST '@' */
        {"a@b@example.org", "example.org", NULL},
        {"user@bücher.example", "xn--bcher-kva.example", NULL},
        {"example.com", NULL, "no domain (not an address)"}, /* bare_ok = 0 */
        {"", NULL, "empty address"},
        {"<>", NULL, "empty address"},
        {"<user@example.com", NULL, "unbalanced angle brackets"},
        {"user@example.com>", NULL, "unbalanced angle brackets"},
        {"user@", NULL, "no domain"},
        {"*", NULL, "no domain (not an address)"},
        {"user@*", NULL, "no domain ('*')"},
        {"user@[192.0.2.1]", NULL, "address literal (no domain to probe)"},
        {"user@[IPv6:2001:db8::1]", NULL, "address literal (no domain to probe)"},
        {"user@exa mple.com", NULL, "space or control character in domain"},
        {"user@example.com\r\n", NULL, "space or control character in domain"},
        {"user@example.com\n", NULL, "space or control character in domain"},
        {"user@exam\tple.com", NULL, "space or control character in domain"},
        {"user@exam\x7fple.com", NULL, "space or control character in domain"},
        {"user@a..example", NULL, "empty label"},
        {"user@-x.example", NULL, "label starts or ends with '-'"},
    };
    char out[DNAME_MAX + 1], longaddr[400];
    size_t i;
    int bad = 0;

    (void)state;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const char *err;
        out[0] = '\0';
        err = dname_from_address(rows[i].in, 0, out, sizeof(out));
        bad += check("from_address", &rows[i], err, out);
    }
    assert_int_equal(bad, 0);

    /* bare_ok: a bare domain is the domain, '*' still is not. */
    assert_null(dname_from_address("Example.COM", 1, out, sizeof(out)));
    assert_string_equal(out, "example.com");
    assert_null(dname_from_address("<x@a.example>", 1, out, sizeof(out)));
    assert_string_equal(out, "a.example");
    assert_string_equal(dname_from_address("*", 1, out, sizeof(out)), "no domain ('*')");
    assert_string_equal(dname_from_address("[192.0.2.1]", 1, out, sizeof(out)),
                        "address literal (no domain to probe)");
    assert_string_equal(dname_from_address(NULL, 1, out, sizeof(out)), "empty address");

    /* Longer than 253 before any conversion. */
    memset(longaddr, 0, sizeof(longaddr));
    memcpy(longaddr, "u@", 2);
    memset(longaddr + 2, 'a', 254);
    longaddr[2 + 100] = '.';
    longaddr[2 + 200] = '.';
    assert_string_equal(dname_from_address(longaddr, 0, out, sizeof(out)),
                        "domain longer than 253");
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_from_address),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
