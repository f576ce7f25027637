/*
 * test_policy_attr - checks of policy/policy_attr.c: a full request as
 * Postfix 3.7 sends it, every prefix of it, each limit at and one past its
 * bound, and the format errors, table-driven ("got X, want Y").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "policy_attr.h"

/* The attribute set of Postfix 3.7 (SMTPD_POLICY_README), RCPT stage. */
static const char postfix37[] = "request=smtpd_access_policy\n"
                                "protocol_state=RCPT\n"
                                "protocol_name=ESMTP\n"
                                "helo_name=client.example.org\n"
                                "queue_id=4XbQ1234\n"
                                "sender=alice@example.org\n"
                                "recipient=bob@fabrikam.example\n"
                                "recipient_count=0\n"
                                "client_address=192.0.2.10\n"
                                "client_name=client.example.org\n"
                                "reverse_client_name=client.example.org\n"
                                "instance=1a2b.64f0c1d2.3e4f5.0\n"
                                "sasl_method=\n"
                                "sasl_username=\n"
                                "sasl_sender=\n"
                                "size=12345\n"
                                "ccert_subject=\n"
                                "ccert_issuer=\n"
                                "ccert_fingerprint=\n"
                                "ccert_pubkey_fingerprint=\n"
                                "encryption_protocol=TLSv1.3\n"
                                "encryption_cipher=TLS_AES_256_GCM_SHA384\n"
                                "encryption_keysize=256\n"
                                "etype=\n"
                                "stress=\n"
                                "client_port=40000\n"
                                "policy_context=\n"
                                "server_address=192.0.2.1\n"
                                "server_port=25\n"
                                "\n";

static struct policy_req req; /* 16 KiB: not on the stack */

static void test_postfix37(void **state)
{
    size_t used = 0, len = sizeof(postfix37) - 1;

    (void)state;
    assert_int_equal(policy_attr_parse(postfix37, len, &req, &used), POLICY_ATTR_OK);
    assert_int_equal(used, len);
    assert_int_equal(req.nattr, 29);
    assert_string_equal(policy_attr_get(&req, "request"), "smtpd_access_policy");
    assert_string_equal(policy_attr_get(&req, "protocol_state"), "RCPT");
    assert_string_equal(policy_attr_get(&req, "recipient"), "bob@fabrikam.example");
    assert_string_equal(policy_attr_get(&req, "instance"), "1a2b.64f0c1d2.3e4f5.0");
    assert_string_equal(policy_attr_get(&req, "sasl_method"), "");
    assert_string_equal(policy_attr_get(&req, "server_port"), "25");
    assert_null(policy_attr_get(&req, "mail_version"));
    assert_null(policy_attr_get(&req, "RECIPIENT"));
    assert_string_equal(req.attr[0].name, "request");
    assert_string_equal(req.attr[28].name, "server_port");
}

/* A request read in pieces: every proper prefix asks for more. */
static void test_prefixes(void **state)
{
    size_t i, used, len = sizeof(postfix37) - 1;

    (void)state;
    for (i = 0; i < len; i++) {
        used = 12345;
        enum policy_attr_status s = policy_attr_parse(postfix37, i, &req, &used);
        if (s != POLICY_ATTR_INCOMPLETE)
            fail_msg("prefix %zu: got %s, want incomplete", i, policy_attr_strerror(s));
        assert_int_equal(used, 12345); /* untouched unless OK */
    }
}

/* Bytes after the empty line belong to the next request. */
static void test_pipelined(void **state)
{
    static const char two[] = "a=1\n\nb=2\n\n";
    size_t used = 0;

    (void)state;
    assert_int_equal(policy_attr_parse(two, sizeof(two) - 1, &req, &used), POLICY_ATTR_OK);
    assert_int_equal(used, 5);
    assert_int_equal(req.nattr, 1);
    assert_int_equal(policy_attr_parse(two + used, sizeof(two) - 1 - used, &req, &used),
                     POLICY_ATTR_OK);
    assert_string_equal(policy_attr_get(&req, "b"), "2");
    assert_null(policy_attr_get(&req, "a"));
}

static void test_last_wins(void **state)
{
    static const char dup[] = "recipient=a@x.example\nrecipient=b@y.example\n\n";
    size_t used = 0;

    (void)state;
    assert_int_equal(policy_attr_parse(dup, sizeof(dup) - 1, &req, &used), POLICY_ATTR_OK);
    assert_string_equal(policy_attr_get(&req, "recipient"), "b@y.example");
}

struct err_case {
    const char *in;
    size_t len; /* 0: strlen */
    enum policy_attr_status want;
};

static const struct err_case err_cases[] = {
    {"\n", 0, POLICY_ATTR_OK},
    {"a=\n\n", 0, POLICY_ATTR_OK},
    {"a==b\n\n", 0, POLICY_ATTR_OK},       /* value "=b" */
    {"a=b c\td\r\n\n", 0, POLICY_ATTR_OK}, /* CR, spaces, tabs are value octets */
    {"a=\xff\xfe\n\n", 0, POLICY_ATTR_OK}, /* any octet */
    {"", 0, POLICY_ATTR_INCOMPLETE},
    {"request", 0, POLICY_ATTR_INCOMPLETE},
    {"request=smtpd", 0, POLICY_ATTR_INCOMPLETE},
    {"request=smtpd\n", 0, POLICY_ATTR_INCOMPLETE},
    {"=value\n\n", 0, POLICY_ATTR_ERR_FORMAT},
    {"=", 0, POLICY_ATTR_ERR_FORMAT},
    {"novalue\n\n", 0, POLICY_ATTR_ERR_FORMAT},
    {"Request=x\n\n", 0, POLICY_ATTR_ERR_FORMAT},
    {"R", 0, POLICY_ATTR_ERR_FORMAT}, /* proven bad before the line ends */
    {"name1=x\n\n", 0, POLICY_ATTR_ERR_FORMAT},
    {"na-me=x\n\n", 0, POLICY_ATTR_ERR_FORMAT},
    {" a=x\n\n", 0, POLICY_ATTR_ERR_FORMAT},
    {"\r\n", 0, POLICY_ATTR_ERR_FORMAT}, /* CRLF empty line is not one */
    {"a=x\r\n\r\n", 0, POLICY_ATTR_ERR_FORMAT},
    {"a=b\0c\n\n", 7, POLICY_ATTR_ERR_FORMAT},
    {"a=b\0", 4, POLICY_ATTR_ERR_FORMAT}, /* NUL seen before the LF */
    {"a\0=b\n\n", 6, POLICY_ATTR_ERR_FORMAT},
    {"\0", 1, POLICY_ATTR_ERR_FORMAT},
    {"GET / HTTP/1.0\r\n\r\n", 0, POLICY_ATTR_ERR_FORMAT},
};

static void test_errors(void **state)
{
    size_t i, failed = 0;

    (void)state;
    for (i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
        const struct err_case *c = &err_cases[i];
        size_t used = 0, len = c->len ? c->len : strlen(c->in);
        enum policy_attr_status got = policy_attr_parse(c->in, len, &req, &used);
        if (got != c->want) {
            print_error("case %zu: got %s, want %s\n", i, policy_attr_strerror(got),
                        policy_attr_strerror(c->want));
            failed++;
        }
    }
    assert_int_equal(failed, 0);
}

static char *repeat(char ch, size_t n)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    memset(s, ch, n);
    s[n] = '\0';
    return s;
}

static enum policy_attr_status parse_str(const char *s)
{
    size_t used = 0;
    return policy_attr_parse(s, strlen(s), &req, &used);
}

static void test_name_limit(void **state)
{
    char *name = repeat('n', 65), buf[128];

    (void)state;
    snprintf(buf, sizeof(buf), "%.64s=v\n\n", name);
    assert_int_equal(parse_str(buf), POLICY_ATTR_OK);
    assert_int_equal(strlen(req.attr[0].name), 64);
    snprintf(buf, sizeof(buf), "%s=v\n\n", name);
    assert_int_equal(parse_str(buf), POLICY_ATTR_ERR_FORMAT);
    /* Too long is known before '=' arrives. */
    buf[65] = '\0';
    assert_int_equal(parse_str(buf), POLICY_ATTR_ERR_FORMAT);
    free(name);
}

static void test_value_limit(void **state)
{
    char *value = repeat('v', 4097), buf[4200];

    (void)state;
    snprintf(buf, sizeof(buf), "a=%.4096s\n\n", value);
    assert_int_equal(parse_str(buf), POLICY_ATTR_OK);
    assert_int_equal(strlen(policy_attr_get(&req, "a")), 4096);
    snprintf(buf, sizeof(buf), "a=%s\n\n", value);
    assert_int_equal(parse_str(buf), POLICY_ATTR_ERR_SIZE);
    /* Known before the LF arrives. */
    snprintf(buf, sizeof(buf), "a=%s", value);
    assert_int_equal(parse_str(buf), POLICY_ATTR_ERR_SIZE);
    free(value);
}

static void test_count_limit(void **state)
{
    static char buf[POLICY_ATTR_MAX * 8 + 16];
    size_t i, pos = 0;

    (void)state;
    for (i = 0; i < POLICY_ATTR_MAX; i++)
        pos += (size_t)sprintf(buf + pos, "a=%zu\n", i);
    strcpy(buf + pos, "\n");
    assert_int_equal(parse_str(buf), POLICY_ATTR_OK);
    assert_int_equal(req.nattr, POLICY_ATTR_MAX);
    assert_string_equal(policy_attr_get(&req, "a"), "127");
    strcpy(buf + pos, "a=x\n\n");
    assert_int_equal(parse_str(buf), POLICY_ATTR_ERR_SIZE);
    strcpy(buf + pos, "a");
    assert_int_equal(parse_str(buf), POLICY_ATTR_ERR_SIZE);
}

/* The whole request (through the empty line) is at most POLICY_REQ_MAX. */
static void test_total_limit(void **state)
{
    static char buf[POLICY_REQ_MAX + 64];
    size_t pos = 0, used = 0, pad;

    (void)state;
    while (pos + 1003 <= POLICY_REQ_MAX - 200) { /* "a=" 1000 octets "\n" */
        memcpy(buf + pos, "a=", 2);
        memset(buf + pos + 2, 'x', 1000);
        buf[pos + 1002] = '\n';
        pos += 1003;
    }
    /* One more line so that the request is exactly POLICY_REQ_MAX octets. */
    pad = POLICY_REQ_MAX - pos - 3 - 1; /* "b=" pad "\n", then "\n" */
    memcpy(buf + pos, "b=", 2);
    memset(buf + pos + 2, 'y', pad);
    pos += 2 + pad;
    buf[pos++] = '\n';
    buf[pos++] = '\n';
    assert_int_equal(pos, POLICY_REQ_MAX);
    assert_int_equal(policy_attr_parse(buf, pos, &req, &used), POLICY_ATTR_OK);
    assert_int_equal(used, POLICY_REQ_MAX);
    assert_int_equal(strlen(policy_attr_get(&req, "b")), pad);

    /* One octet more in the last value: too long, known without the end. */
    memmove(buf + pos - 2, buf + pos - 3, 3);
    pos++;
    assert_int_equal(policy_attr_parse(buf, pos, &req, &used), POLICY_ATTR_ERR_SIZE);
    assert_int_equal(policy_attr_parse(buf, pos - 1, &req, &used), POLICY_ATTR_ERR_SIZE);

    /* Short valid lines that never end are refused once past the limit. */
    for (pos = 0; pos + 200 <= sizeof(buf); pos += 200) {
        memcpy(buf + pos, "a=", 2);
        memset(buf + pos + 2, 'x', 197);
        buf[pos + 199] = '\n';
    }
    assert_int_equal(policy_attr_parse(buf, POLICY_REQ_MAX - 200, &req, &used),
                     POLICY_ATTR_INCOMPLETE);
    assert_int_equal(policy_attr_parse(buf, POLICY_REQ_MAX, &req, &used), POLICY_ATTR_ERR_SIZE);
    assert_int_equal(policy_attr_parse(buf, pos, &req, &used), POLICY_ATTR_ERR_SIZE);
}

static void test_strerror(void **state)
{
    (void)state;
    assert_string_equal(policy_attr_strerror(POLICY_ATTR_OK), "ok");
    assert_non_null(strstr(policy_attr_strerror(POLICY_ATTR_ERR_SIZE), "long"));
    assert_non_null(strstr(policy_attr_strerror(POLICY_ATTR_ERR_FORMAT), "format"));
    assert_non_null(policy_attr_strerror((enum policy_attr_status)42));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_postfix37),   cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_pipelined),   cmocka_unit_test(test_last_wins),
        cmocka_unit_test(test_errors),      cmocka_unit_test(test_name_limit),
        cmocka_unit_test(test_value_limit), cmocka_unit_test(test_count_limit),
        cmocka_unit_test(test_total_limit), cmocka_unit_test(test_strerror),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
