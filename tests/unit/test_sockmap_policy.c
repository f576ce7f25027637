/*
 * test_sockmap_policy - the request -> answer logic of policy/sockmap.c and
 * policy/policy.c, against a test double of the three core.h calls they
 * make (core_lookup, core_tag_header, core_log_decision), defined below.  The
 * double answers from a small table that a test can change between two
 * requests (a probe that finished), and records every lookup and decision
 * line.  The real daemon is exercised by tests/daemon/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core.h"
#include "log.h"
#include "policy.h"
#include "policy_attr.h"
#include "sockmap.h"
#include "verdict.h"

/* ---- test double of core.h ------------------------------------------- */

struct fake {
    char domain[256]; /* exact, or "*.suffix" for every name below suffix */
    enum verdict verdict;
    char route[CORE_ROUTE_MAX];
};

static struct fake fakes[32];
static size_t nfakes;
static int fake_rewrite = 1;
static size_t nlookups;
static char last_lookup[256];
static size_t ndecisions;
static char last_qid[64], last_domain[256], last_via[32], last_route[CORE_ROUTE_MAX];

static void fake_set(const char *domain, enum verdict v, const char *route)
{
    size_t i;

    for (i = 0; i < nfakes; i++) {
        if (strcmp(fakes[i].domain, domain) == 0)
            break;
    }
    if (i == nfakes) {
        assert_true(nfakes < sizeof(fakes) / sizeof(fakes[0]));
        nfakes++;
    }
    snprintf(fakes[i].domain, sizeof(fakes[i].domain), "%s", domain);
    fakes[i].verdict = v;
    snprintf(fakes[i].route, sizeof(fakes[i].route), "%s", route);
}

void core_lookup(const char *domain, struct core_answer *ans)
{
    size_t i, dl = strlen(domain);

    memset(ans, 0, sizeof(*ans));
    ans->rewrite = fake_rewrite;
    nlookups++;
    snprintf(last_lookup, sizeof(last_lookup), "%s", domain);
    for (i = 0; i < nfakes; i++) {
        const char *f = fakes[i].domain;
        size_t fl = strlen(f);
        int hit = strcmp(f, domain) == 0;
        if (!hit && f[0] == '*' && dl > fl - 1)
            hit = strcmp(domain + dl - (fl - 1), f + 1) == 0;
        if (hit) {
            ans->verdict = verdict_name(fakes[i].verdict);
            ans->known = fakes[i].verdict != VERDICT_UNKNOWN;
            ans->listed = fakes[i].verdict == VERDICT_LISTED;
            snprintf(ans->route, sizeof(ans->route), "%s", fakes[i].route);
            snprintf(ans->evidence, sizeof(ans->evidence), "AAAA mx1.%s timeout", domain);
            return;
        }
    }
    ans->verdict = verdict_name(VERDICT_UNKNOWN);
    ans->probing = 1;
}

size_t core_wait(const char *const *domains, size_t n, unsigned ms)
{
    (void)domains;
    (void)ms;
    return n;
}

void core_count(enum core_frontend f, const struct core_answer *a)
{
    (void)f, (void)a;
}

void core_tag_header(char *buf, size_t size)
{
    snprintf(buf, size, "%s", "X-MXDetour");
}

void core_log_decision(const char *qid, const char *domain, const struct core_answer *a,
                       const char *via)
{
    ndecisions++;
    snprintf(last_qid, sizeof(last_qid), "%s", qid ? qid : "(null)");
    snprintf(last_domain, sizeof(last_domain), "%s", domain);
    snprintf(last_via, sizeof(last_via), "%s", via);
    snprintf(last_route, sizeof(last_route), "%s", a->route);
}

#define SMARTHOST "smtp:[203.0.113.25]:25"
#define PINNED    "smtp:[192.0.2.1]:25, [192.0.2.2]:25"

static int setup(void **state)
{
    (void)state;
    nfakes = 0;
    fake_rewrite = 1;
    nlookups = ndecisions = 0;
    last_lookup[0] = last_qid[0] = last_domain[0] = last_via[0] = last_route[0] = '\0';
    fake_set("listed.example", VERDICT_LISTED, SMARTHOST);
    fake_set("pinned.example", VERDICT_AAAA_IGNORED, PINNED);
    fake_set("healthy.example", VERDICT_HEALTHY, "");
    fake_set("nxdomain.example", VERDICT_NXDOMAIN, "");
    fake_set("ipv4t.example", VERDICT_AAAA_ERROR, "smtp-ipv4:");
    fake_set("port587.example", VERDICT_AAAA_ERROR, "smtp:[relay.example]:587");
    fake_set("relay.example", VERDICT_AAAA_ERROR, "relay:relay.example");
    fake_set("hostport.example", VERDICT_AAAA_ERROR, "smtp:relay.example:25");
    fake_set("v6.example", VERDICT_AAAA_ERROR, "smtp:[2001:db8::1]:25");
    fake_set("other.example", VERDICT_AAAA_IGNORED, "smtp:[198.51.100.7]:25");
    fake_set("*.tailspin.example", VERDICT_LISTED, "smtp-ipv4:");
    return 0;
}

/* ---- socketmap -------------------------------------------------------- */

static int ask(const char *req, size_t len, char *out, size_t size)
{
    return sockmap_answer(req, len ? len : strlen(req), out, size);
}

struct sm_case {
    const char *req;
    const char *want; /* NULL: -1, the connection is closed */
    int lookup;       /* 1: the core was asked (a probe may start) */
};

static const struct sm_case sm_cases[] = {
    {"postfix-transport user@listed.example", "OK " SMARTHOST, 1},
    {"postfix-transport USER@Listed.EXAMPLE.", "OK " SMARTHOST, 1},
    {"postfix-transport @listed.example", "OK " SMARTHOST, 1},
    {"postfix-transport john doe@listed.example", "OK " SMARTHOST, 1},
    {"postfix-transport a@b@listed.example", "OK " SMARTHOST, 1},
    {"postfix-transport user@pinned.example", "OK " PINNED, 1},
    {"postfix-transport user@mail.tailspin.example", "OK smtp-ipv4:", 1},
    {"postfix-transport *", "NOTFOUND ", 0},
    {"postfix-transport ", "NOTFOUND ", 0},
    {"postfix-transport listed.example", "NOTFOUND ", 0}, /* Postfix never sends a bare domain */
    {"postfix-transport user", "NOTFOUND ", 0},
    {"postfix-transport user@", "NOTFOUND ", 0},
    {"postfix-transport user@[192.0.2.1]", "NOTFOUND ", 0},
    {"postfix-transport user@bad_domain.example", "NOTFOUND ", 0},
    {"postfix-transport user@listed.example x", "NOTFOUND ", 0}, /* space in the domain */
    /* Angle brackets are checked over the whole key: both or neither. */
    {"postfix-transport <user@listed.example>", "OK " SMARTHOST, 1},
    {"postfix-transport <user@listed.example", "NOTFOUND ", 0},
    {"postfix-transport user@listed.example>", "NOTFOUND ", 0},
    {"postfix-transport <@listed.example>", "OK " SMARTHOST, 1},
    {"postfix-transport user@healthy.example", "NOTFOUND ", 1},
    {"postfix-transport user@nxdomain.example", "NOTFOUND ", 1},
    {"postfix-transport user@unknown.example", "NOTFOUND ", 1},
    {"sendmail-mailertable listed.example", "OK esmtp:[203.0.113.25]", 1},
    {"mailertable listed.example", "OK esmtp:[203.0.113.25]", 1},
    {"sendmail-mailertable LISTED.example.", "OK esmtp:[203.0.113.25]", 1},
    {"sendmail-mailertable pinned.example", "OK esmtp:[192.0.2.1]:[192.0.2.2]", 1},
    {"sendmail-mailertable ipv4t.example", "OK smtp-ipv4:ipv4t.example", 1},
    {"sendmail-mailertable relay.example", "OK relay:relay.example", 1},
    {"sendmail-mailertable hostport.example", "OK esmtp:relay.example", 1},
    {"sendmail-mailertable v6.example", "OK esmtp:[IPv6:2001:db8::1]", 1},
    {"sendmail-mailertable port587.example", "NOTFOUND ", 1},
    {"sendmail-mailertable mx.tailspin.example", "OK smtp-ipv4:mx.tailspin.example", 1},
    {"sendmail-mailertable .tailspin.example", "NOTFOUND ", 0},
    {"sendmail-mailertable .example", "NOTFOUND ", 0},
    {"sendmail-mailertable .", "NOTFOUND ", 0},
    {"sendmail-mailertable [192.0.2.1]", "NOTFOUND ", 0},
    {"sendmail-mailertable user@listed.example", "OK esmtp:[203.0.113.25]", 1},
    {"sendmail-mailertable healthy.example", "NOTFOUND ", 1},
    {"sendmail-mailertable *", "NOTFOUND ", 0},
    {"no-such-map user@listed.example", "NOTFOUND ", 0},
    {"Postfix-Transport user@listed.example", "NOTFOUND ", 0}, /* map names are exact */
    {"postfix-transport", NULL, 0},
    {" user@listed.example", NULL, 0},
    {"", NULL, 0},
    {"postfix-transport user@listed.example\r", NULL, 0},
    {"postfix-transport user@listed.example\n", NULL, 0},
    {"postfix-transport user@\nlisted.example", NULL, 0},
};

static void test_sockmap_table(void **state)
{
    size_t i, failed = 0;
    char out[2048];

    (void)state;
    for (i = 0; i < sizeof(sm_cases) / sizeof(sm_cases[0]); i++) {
        const struct sm_case *c = &sm_cases[i];
        size_t before = nlookups;
        int rc = sockmap_answer(c->req, strlen(c->req), strcpy(out, "unset"), sizeof(out));
        if (c->want == NULL ? rc != -1 : (rc != 0 || strcmp(out, c->want) != 0)) {
            print_error("\"%s\": got %d \"%s\", want %s\n", c->req, rc, rc ? "" : out,
                        c->want ? c->want : "-1");
            failed++;
        } else if ((nlookups != before) != c->lookup) {
            print_error("\"%s\": core asked %zu times, want %s\n", c->req, nlookups - before,
                        c->lookup ? "once" : "never");
            failed++;
        }
    }
    assert_int_equal(failed, 0);
}

static void test_sockmap_nul(void **state)
{
    static const char req[] = "postfix-transport user@listed.example\0x";
    char out[256];

    (void)state;
    assert_int_equal(sockmap_answer(req, sizeof(req) - 1, out, sizeof(out)), -1);
    assert_int_equal(sockmap_answer("postfix-transport \0", 19, out, sizeof(out)), -1);
    assert_int_equal(sockmap_answer("\0postfix-transport x@y.z", 24, out, sizeof(out)), -1);
    assert_int_equal(nlookups, 0);
}

static void test_sockmap_lengths(void **state)
{
    char req[SOCKMAP_REQ_MAX + 64], out[256];
    size_t n;

    (void)state;
    /* The longest key an address can be: 64 + '@' + 253 octets. */
    n = (size_t)sprintf(req, "postfix-transport %064d@", 0);
    memset(req + n, 'a', 253);
    for (size_t i = n + 63; i < n + 253; i += 64)
        req[i] = '.';
    n += 253;
    assert_int_equal(ask(req, n, out, sizeof(out)), 0);
    assert_string_equal(out, "NOTFOUND ");
    assert_int_equal(nlookups, 1); /* a valid 253-octet domain was looked up */
    /* A local part past 64 octets (Postfix accepts it) is still answered. */
    n = (size_t)sprintf(req, "postfix-transport %0900d@listed.test", 0);
    assert_int_equal(ask(req, n, out, sizeof(out)), 0);

    /* A domain of 254 octets fits the key limit but is no domain. */
    n = (size_t)sprintf(req, "postfix-transport u@");
    memset(req + n, 'a', 254);
    for (size_t i = n + 63; i < n + 254; i += 64)
        req[i] = '.';
    assert_int_equal(ask(req, n + 254, out, sizeof(out)), 0);
    assert_string_equal(out, "NOTFOUND ");

    /* Exactly SOCKMAP_REQ_MAX octets with a valid map name is answered. */
    n = (size_t)sprintf(req, "postfix-transport ");
    memset(req + n, 'l', SOCKMAP_REQ_MAX - n - 12);
    memcpy(req + SOCKMAP_REQ_MAX - 12, "@listed.test", 12);
    assert_int_equal(ask(req, SOCKMAP_REQ_MAX, out, sizeof(out)), 0);

    /* Above SOCKMAP_REQ_MAX the request is refused whatever it holds. */
    memset(req, 'x', sizeof(req));
    memcpy(req, "no-such-map ", 12);
    assert_int_equal(ask(req, SOCKMAP_REQ_MAX + 1, out, sizeof(out)), -1);
    assert_int_equal(ask(req, SOCKMAP_REQ_MAX, out, sizeof(out)), 0); /* unknown map */
    assert_string_equal(out, "NOTFOUND ");
}

/* routing.mode tag: the socketmap never answers a route. */
static void test_sockmap_tag_mode(void **state)
{
    char out[256];

    (void)state;
    fake_rewrite = 0;
    assert_int_equal(ask("postfix-transport user@listed.example", 0, out, sizeof(out)), 0);
    assert_string_equal(out, "NOTFOUND ");
    assert_int_equal(ask("sendmail-mailertable listed.example", 0, out, sizeof(out)), 0);
    assert_string_equal(out, "NOTFOUND ");
    assert_int_equal(ndecisions, 0);
}

/* A probe that finishes turns the next answer into a route. */
static void test_sockmap_learned(void **state)
{
    char out[256];

    (void)state;
    assert_int_equal(ask("postfix-transport user@late.example", 0, out, sizeof(out)), 0);
    assert_string_equal(out, "NOTFOUND ");
    assert_string_equal(last_lookup, "late.example");
    fake_set("late.example", VERDICT_AAAA_IGNORED, SMARTHOST);
    assert_int_equal(ask("postfix-transport user@late.example", 0, out, sizeof(out)), 0);
    assert_string_equal(out, "OK " SMARTHOST);
}

/* One decision line per route answered, none for NOTFOUND. */
static void test_sockmap_logging(void **state)
{
    char out[256];

    (void)state;
    ask("postfix-transport user@healthy.example", 0, out, sizeof(out));
    ask("postfix-transport *", 0, out, sizeof(out));
    assert_int_equal(ndecisions, 0);
    ask("postfix-transport user@listed.example", 0, out, sizeof(out));
    assert_int_equal(ndecisions, 1);
    assert_string_equal(last_qid, "(null)");
    assert_string_equal(last_domain, "listed.example");
    assert_string_equal(last_via, "socketmap");
    assert_string_equal(last_route, SMARTHOST);
}

/* An answer that does not fit the caller's buffer falls back to NOTFOUND. */
static void test_sockmap_small_out(void **state)
{
    char out[16];

    (void)state;
    assert_int_equal(ask("postfix-transport user@listed.example", 0, out, sizeof(out)), 0);
    assert_string_equal(out, "NOTFOUND ");
    assert_int_equal(ndecisions, 0);
}

/* ---- policy ------------------------------------------------------------ */

static struct policy_req preq;
static char pout[4096];

/* A request with the attribute set of Postfix 3.7. */
static const char *policy(struct policy_table *t, const char *state, const char *instance,
                          const char *rcpt, const char *count, uint64_t now)
{
    char buf[4096];
    size_t used = 0;
    int n = snprintf(buf, sizeof(buf),
                     "request=smtpd_access_policy\nprotocol_state=%s\nprotocol_name=ESMTP\n"
                     "helo_name=client.example.org\nqueue_id=4XbQ1234\nsender=a@example.org\n"
                     "recipient=%s\nrecipient_count=%s\nclient_address=192.0.2.10\n"
                     "client_name=client.example.org\nreverse_client_name=client.example.org\n"
                     "instance=%s\nsasl_method=\nsasl_username=\nsasl_sender=\nsize=1234\n"
                     "ccert_subject=\nccert_issuer=\nccert_fingerprint=\n"
                     "ccert_pubkey_fingerprint=\nencryption_protocol=\nencryption_cipher=\n"
                     "encryption_keysize=0\netype=\nstress=\nclient_port=40000\n"
                     "policy_context=\nserver_address=192.0.2.1\nserver_port=25\n\n",
                     state, rcpt, count, instance);
    assert_true(n > 0 && (size_t)n < sizeof(buf));
    assert_int_equal(policy_attr_parse(buf, (size_t)n, &preq, &used), POLICY_ATTR_OK);
    assert_int_equal(policy_answer(t, &preq, now, pout, sizeof(pout)), 0);
    /* Whatever happens: one action line, then the empty line; never refuse mail. */
    assert_int_equal(strncmp(pout, "action=", 7), 0);
    assert_non_null(strstr(pout, "\n\n"));
    assert_int_equal(strlen(strstr(pout, "\n\n")), 2);
    assert_ptr_equal(strchr(pout, '\n'), strstr(pout, "\n\n"));
    assert_null(strstr(pout, "REJECT"));
    assert_null(strstr(pout, "DEFER"));
    return pout;
}

#define DUNNO "action=DUNNO\n\n"

static void test_policy_single_broken(void **state)
{
    struct policy_table *t = policy_table_new();

    (void)state;
    assert_string_equal(policy(t, "RCPT", "i1", "bob@listed.example", "0", 1), DUNNO);
    assert_string_equal(last_lookup, "listed.example");
    assert_int_equal(policy_table_size(t), 1);
    assert_int_equal(ndecisions, 0);
    assert_string_equal(policy(t, "END-OF-MESSAGE", "i1", "bob@listed.example", "1", 2),
                        "action=FILTER " SMARTHOST "\n\n");
    assert_int_equal(policy_table_size(t), 0);
    assert_int_equal(ndecisions, 1);
    assert_string_equal(last_qid, "4XbQ1234");
    assert_string_equal(last_domain, "listed.example");
    assert_string_equal(last_via, "policy");
    /* Forgotten: the same instance again knows nothing. */
    assert_string_equal(policy(t, "END-OF-MESSAGE", "i1", "", "0", 3), DUNNO);
    policy_table_free(t);
}

static void test_policy_data_state(void **state)
{
    struct policy_table *t = policy_table_new();

    (void)state;
    policy(t, "RCPT", "i1", "bob@pinned.example", "0", 1);
    policy(t, "RCPT", "i1", "carol@pinned.example", "1", 1);
    assert_string_equal(policy(t, "DATA", "i1", "", "2", 2), "action=FILTER " PINNED "\n\n");
    assert_int_equal(policy_table_size(t), 1); /* kept for END-OF-MESSAGE */
    assert_string_equal(policy(t, "END-OF-MESSAGE", "i1", "", "2", 3),
                        "action=FILTER " PINNED "\n\n");
    assert_int_equal(ndecisions, 1); /* one line per instance */
    assert_int_equal(policy_table_size(t), 0);
    policy_table_free(t);
}

static void test_policy_mixed(void **state)
{
    struct policy_table *t = policy_table_new();

    (void)state;
    policy(t, "RCPT", "m", "bob@listed.example", "0", 1);
    policy(t, "RCPT", "m", "eve@healthy.example", "1", 1);
    /* PREPEND is refused by Postfix at END-OF-MESSAGE: only DATA gets it. */
    assert_string_equal(policy(t, "DATA", "m", "", "2", 2),
                        "action=PREPEND X-MXDetour: domain=listed.example verdict=listed "
                        "route=" SMARTHOST "\n\n");
    assert_string_equal(policy(t, "END-OF-MESSAGE", "m", "", "2", 3), DUNNO);
    assert_int_equal(ndecisions, 1);
    assert_string_equal(last_domain, "listed.example");
    policy_table_free(t);
}

static void test_policy_mixed_routes(void **state)
{
    struct policy_table *t = policy_table_new();

    (void)state;
    policy(t, "RCPT", "r", "bob@listed.example", "0", 1);
    policy(t, "RCPT", "r", "eve@other.example", "1", 1);
    assert_string_equal(policy(t, "END-OF-MESSAGE", "r", "", "2", 3), DUNNO);
    /* Two domains with one route: FILTER. */
    fake_set("other.example", VERDICT_AAAA_IGNORED, SMARTHOST);
    policy(t, "RCPT", "r2", "bob@listed.example", "0", 1);
    policy(t, "RCPT", "r2", "eve@other.example", "1", 1);
    assert_string_equal(policy(t, "END-OF-MESSAGE", "r2", "", "2", 3),
                        "action=FILTER " SMARTHOST "\n\n");
    policy_table_free(t);
}

/* A route containing ", " is quoted in the tag header. */
static void test_policy_prepend_quoting(void **state)
{
    struct policy_table *t = policy_table_new();

    (void)state;
    policy(t, "RCPT", "q", "x@healthy.example", "0", 1);
    policy(t, "RCPT", "q", "y@pinned.example", "1", 1);
    assert_string_equal(policy(t, "DATA", "q", "", "2", 2),
                        "action=PREPEND X-MXDetour: domain=pinned.example verdict=aaaa-ignored "
                        "route=\"" PINNED "\"\n\n");
    policy_table_free(t);
}

static void test_policy_learned_after_rcpt(void **state)
{
    struct policy_table *t = policy_table_new();

    (void)state;
    assert_string_equal(policy(t, "RCPT", "l", "bob@late.example", "0", 1), DUNNO);
    assert_string_equal(last_lookup, "late.example"); /* the probe was asked for */
    fake_set("late.example", VERDICT_AAAA_IGNORED, SMARTHOST);
    assert_string_equal(policy(t, "END-OF-MESSAGE", "l", "bob@late.example", "1", 2),
                        "action=FILTER " SMARTHOST "\n\n");
    policy_table_free(t);
}

static void test_policy_tag_mode(void **state)
{
    struct policy_table *t = policy_table_new();

    (void)state;
    fake_rewrite = 0;
    policy(t, "RCPT", "t", "bob@listed.example", "0", 1);
    assert_string_equal(policy(t, "DATA", "t", "bob@listed.example", "1", 2),
                        "action=PREPEND X-MXDetour: domain=listed.example verdict=listed "
                        "route=" SMARTHOST "\n\n");
    assert_string_equal(policy(t, "END-OF-MESSAGE", "t", "bob@listed.example", "1", 3), DUNNO);
    policy_table_free(t);
}

static void test_policy_healthy(void **state)
{
    struct policy_table *t = policy_table_new();

    (void)state;
    policy(t, "RCPT", "h", "bob@healthy.example", "0", 1);
    policy(t, "RCPT", "h", "eve@unknown.example", "1", 1);
    assert_string_equal(policy(t, "DATA", "h", "", "2", 2), DUNNO);
    assert_string_equal(policy(t, "END-OF-MESSAGE", "h", "", "2", 3), DUNNO);
    assert_int_equal(ndecisions, 0);
    policy_table_free(t);
}

static void test_policy_other_states(void **state)
{
    static const char *const states[] = {"CONNECT", "EHLO", "HELO", "MAIL",
                                         "VRFY",    "ETRN", "BDAT", ""};
    struct policy_table *t = policy_table_new();
    size_t i, before;

    (void)state;
    policy(t, "RCPT", "o", "bob@listed.example", "0", 1);
    before = nlookups;
    for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
        assert_string_equal(policy(t, states[i], "o", "bob@listed.example", "1", 2), DUNNO);
    assert_int_equal(nlookups, before);
    assert_int_equal(policy_table_size(t), 1);
    policy_table_free(t);
}

static void test_policy_not_a_policy_request(void **state)
{
    struct policy_table *t = policy_table_new();
    size_t used = 0;
    static const char other[] = "request=other\nprotocol_state=END-OF-MESSAGE\ninstance=x\n\n";
    static const char empty[] = "\n";

    (void)state;
    assert_int_equal(policy_attr_parse(other, sizeof(other) - 1, &preq, &used), POLICY_ATTR_OK);
    policy_answer(t, &preq, 1, pout, sizeof(pout));
    assert_string_equal(pout, DUNNO);
    assert_int_equal(policy_attr_parse(empty, 1, &preq, &used), POLICY_ATTR_OK);
    policy_answer(t, &preq, 1, pout, sizeof(pout));
    assert_string_equal(pout, DUNNO);
    assert_int_equal(policy_table_size(t), 0);
    policy_table_free(t);
}

/* A recipient without a usable domain means the message is not all rerouted. */
static void test_policy_no_domain(void **state)
{
    struct policy_table *t = policy_table_new();

    (void)state;
    policy(t, "RCPT", "n", "bob@listed.example", "0", 1);
    policy(t, "RCPT", "n", "postmaster", "1", 1);
    assert_string_equal(policy(t, "END-OF-MESSAGE", "n", "", "2", 2), DUNNO);
    policy(t, "RCPT", "n2", "bob@listed.example", "0", 1);
    policy(t, "RCPT", "n2", "bob@[192.0.2.1]", "1", 1);
    assert_string_equal(policy(t, "END-OF-MESSAGE", "n2", "", "2", 2), DUNNO);
    policy_table_free(t);
}

/* recipient_count above the recipients seen: some were missed, no FILTER. */
static void test_policy_missed_recipients(void **state)
{
    struct policy_table *t = policy_table_new();

    (void)state;
    policy(t, "RCPT", "c", "bob@listed.example", "0", 1);
    assert_string_equal(policy(t, "END-OF-MESSAGE", "c", "", "2", 2), DUNNO);
    /* Duplicates and rejected recipients may make us see more: fine. */
    policy(t, "RCPT", "c2", "bob@listed.example", "0", 1);
    policy(t, "RCPT", "c2", "bob@listed.example", "1", 1);
    policy(t, "RCPT", "c2", "eve@listed.example", "1", 1);
    assert_string_equal(policy(t, "END-OF-MESSAGE", "c2", "", "1", 2),
                        "action=FILTER " SMARTHOST "\n\n");
    policy_table_free(t);
}

/* Called only after RCPT: Postfix names a single recipient at DATA/EOM. */
static void test_policy_eom_only(void **state)
{
    struct policy_table *t = policy_table_new();

    (void)state;
    assert_string_equal(policy(t, "END-OF-MESSAGE", "e", "bob@listed.example", "1", 1),
                        "action=FILTER " SMARTHOST "\n\n");
    assert_string_equal(policy(t, "END-OF-MESSAGE", "e2", "bob@healthy.example", "1", 1), DUNNO);
    /* Several recipients, none named: nothing known, nothing done. */
    assert_string_equal(policy(t, "END-OF-MESSAGE", "e3", "", "3", 1), DUNNO);
    assert_int_equal(policy_table_size(t), 0);
    policy_table_free(t);
}

static void test_policy_no_instance(void **state)
{
    struct policy_table *t = policy_table_new();

    (void)state;
    assert_string_equal(policy(t, "RCPT", "", "bob@listed.example", "0", 1), DUNNO);
    assert_string_equal(last_lookup, "listed.example");
    assert_int_equal(policy_table_size(t), 0);
    assert_string_equal(policy(t, "END-OF-MESSAGE", "", "", "1", 2), DUNNO);
    policy_table_free(t);
}

static void test_policy_interleaved(void **state)
{
    struct policy_table *t = policy_table_new();

    (void)state;
    policy(t, "RCPT", "a", "x@listed.example", "0", 1);
    policy(t, "RCPT", "b", "x@healthy.example", "0", 1);
    policy(t, "RCPT", "a", "y@listed.example", "1", 1);
    policy(t, "RCPT", "b", "y@listed.example", "1", 1);
    assert_int_equal(policy_table_size(t), 2);
    assert_string_equal(policy(t, "END-OF-MESSAGE", "b", "", "2", 2), DUNNO);
    assert_string_equal(policy(t, "END-OF-MESSAGE", "a", "", "2", 2),
                        "action=FILTER " SMARTHOST "\n\n");
    assert_int_equal(policy_table_size(t), 0);
    policy_table_free(t);
}

static void test_policy_expire(void **state)
{
    struct policy_table *t = policy_table_new();
    char inst[32];
    int i;

    (void)state;
    for (i = 0; i < 1000; i++) {
        snprintf(inst, sizeof(inst), "inst%d", i);
        policy(t, "RCPT", inst, "bob@listed.example", "0", i < 500 ? 1000 : 5000);
    }
    assert_int_equal(policy_table_size(t), 1000);
    policy_table_expire(t, 6000, 2000); /* idle 5000 ms: gone; idle 1000 ms: kept */
    assert_int_equal(policy_table_size(t), 500);
    assert_string_equal(policy(t, "END-OF-MESSAGE", "inst1", "", "1", 6000), DUNNO);
    assert_string_equal(policy(t, "END-OF-MESSAGE", "inst999", "", "1", 6000),
                        "action=FILTER " SMARTHOST "\n\n");
    /* Activity refreshes an instance. */
    policy(t, "RCPT", "inst998", "eve@listed.example", "1", 9000);
    policy_table_expire(t, 10000, 2000);
    assert_int_equal(policy_table_size(t), 1);
    /* A clock that went backwards expires nothing. */
    policy_table_expire(t, 10, 0);
    assert_int_equal(policy_table_size(t), 1);
    policy_table_expire(t, 20000, 0);
    assert_int_equal(policy_table_size(t), 0);
    policy_table_free(t);
}

/* Past POLICY_RCPT_MAX recipients the instance counts as mixed. */
static void test_policy_recipient_limit(void **state)
{
    struct policy_table *t = policy_table_new();
    int i;

    (void)state;
    for (i = 0; i < 10000; i++)
        policy(t, "RCPT", "big", "bob@listed.example", "0", 1);
    assert_string_equal(policy(t, "DATA", "big", "", "10000", 2),
                        "action=FILTER " SMARTHOST "\n\n");
    policy(t, "RCPT", "big", "bob@listed.example", "0", 3);
    assert_string_equal(policy(t, "END-OF-MESSAGE", "big", "", "10001", 4), DUNNO);
    policy_table_free(t);
}

/* Past the distinct-domain limit too. */
static void test_policy_domain_limit(void **state)
{
    struct policy_table *t = policy_table_new();
    char rcpt[64];
    int i;

    (void)state;
    for (i = 0; i < 1000; i++) {
        snprintf(rcpt, sizeof(rcpt), "u@d%d.tailspin.example", i);
        policy(t, "RCPT", "wide", rcpt, "0", 1);
    }
    assert_string_equal(policy(t, "DATA", "wide", "", "1000", 2), "action=FILTER smtp-ipv4:\n\n");
    policy(t, "RCPT", "wide", "u@d1000.tailspin.example", "0", 3);
    assert_string_equal(policy(t, "END-OF-MESSAGE", "wide", "", "1001", 4), DUNNO);
    policy_table_free(t);
}

/* Many instances: the table grows and finds each one. */
static void test_policy_many_instances(void **state)
{
    struct policy_table *t = policy_table_new();
    char inst[32];
    int i;

    (void)state;
    for (i = 0; i < 20000; i++) {
        snprintf(inst, sizeof(inst), "%d.%d", i, i * 7);
        policy(t, "RCPT", inst, i % 2 ? "a@listed.example" : "a@healthy.example", "0", 1);
    }
    assert_int_equal(policy_table_size(t), 20000);
    for (i = 0; i < 20000; i++) {
        snprintf(inst, sizeof(inst), "%d.%d", i, i * 7);
        assert_string_equal(policy(t, "END-OF-MESSAGE", inst, "", "1", 2),
                            i % 2 ? "action=FILTER " SMARTHOST "\n\n" : DUNNO);
    }
    assert_int_equal(policy_table_size(t), 0);
    policy_table_free(t);
}

/* A flood of invented instances past POLICY_INSTANCES_MAX (65536) forgets
 * the least recently used ones: a real transaction afterwards, and one
 * under way that keeps talking, still get their FILTER. */
static void test_policy_instance_flood(void **state)
{
    struct policy_table *t = policy_table_new();
    char inst[32];
    int i;

    (void)state;
    policy(t, "RCPT", "busy", "bob@listed.example", "0", 1);
    for (i = 0; i < 200000; i++) {
        snprintf(inst, sizeof(inst), "flood%d", i);
        policy(t, "RCPT", inst, "a@healthy.example", "0", 2);
        if (i % 60000 == 0) /* "busy" is still talking: recently used */
            policy(t, "RCPT", "busy", "eve@listed.example", "1", 2);
    }
    assert_int_equal(policy_table_size(t), 65536);
    assert_string_equal(policy(t, "RCPT", "real", "bob@pinned.example", "0", 3), DUNNO);
    assert_string_equal(policy(t, "END-OF-MESSAGE", "real", "bob@pinned.example", "1", 4),
                        "action=FILTER " PINNED "\n\n");
    assert_string_equal(policy(t, "END-OF-MESSAGE", "busy", "", "2", 4),
                        "action=FILTER " SMARTHOST "\n\n");
    /* The oldest invented ones went first. */
    assert_string_equal(policy(t, "END-OF-MESSAGE", "flood0", "", "1", 5), DUNNO);
    assert_int_equal(policy_table_size(t), 65534);
    policy_table_free(t);
}

/* The queue_id comes from the peer: CR, ESC and spaces would forge a log
 * line.  It reaches the decision line the way the milter's queue ID does:
 * only what queue IDs are made of. */
static void test_policy_queue_id_escaped(void **state)
{
    static const char eom[] = "request=smtpd_access_policy\nprotocol_state=END-OF-MESSAGE\n"
                              "instance=q\nrecipient=bob@listed.example\nrecipient_count=1\n"
                              "queue_id=4XbQ\r\033[2Jmxdetourd: forged line\n\n";
    struct policy_table *t = policy_table_new();
    size_t used = 0;

    (void)state;
    assert_int_equal(policy_attr_parse(eom, sizeof(eom) - 1, &preq, &used), POLICY_ATTR_OK);
    policy_answer(t, &preq, 1, pout, sizeof(pout));
    assert_string_equal(pout, "action=FILTER " SMARTHOST "\n\n");
    assert_int_equal(ndecisions, 1);
    assert_string_equal(last_qid, "4XbQ2Jmxdetourdforgedline");
    policy_table_free(t);
}

/* The answer never overruns the caller's buffer. */
static void test_policy_small_out(void **state)
{
    struct policy_table *t = policy_table_new();
    char out[20];

    (void)state;
    policy(t, "RCPT", "s", "bob@listed.example", "0", 1);
    {
        size_t used = 0;
        static const char eom[] = "request=smtpd_access_policy\nprotocol_state=END-OF-MESSAGE\n"
                                  "instance=s\nrecipient_count=1\n\n";
        assert_int_equal(policy_attr_parse(eom, sizeof(eom) - 1, &preq, &used), POLICY_ATTR_OK);
    }
    memset(out, 'x', sizeof(out));
    policy_answer(t, &preq, 2, out, sizeof(out));
    assert_string_equal(out, DUNNO);
    policy_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_sockmap_table, setup),
        cmocka_unit_test_setup(test_sockmap_nul, setup),
        cmocka_unit_test_setup(test_sockmap_lengths, setup),
        cmocka_unit_test_setup(test_sockmap_tag_mode, setup),
        cmocka_unit_test_setup(test_sockmap_learned, setup),
        cmocka_unit_test_setup(test_sockmap_logging, setup),
        cmocka_unit_test_setup(test_sockmap_small_out, setup),
        cmocka_unit_test_setup(test_policy_single_broken, setup),
        cmocka_unit_test_setup(test_policy_data_state, setup),
        cmocka_unit_test_setup(test_policy_mixed, setup),
        cmocka_unit_test_setup(test_policy_mixed_routes, setup),
        cmocka_unit_test_setup(test_policy_prepend_quoting, setup),
        cmocka_unit_test_setup(test_policy_learned_after_rcpt, setup),
        cmocka_unit_test_setup(test_policy_tag_mode, setup),
        cmocka_unit_test_setup(test_policy_healthy, setup),
        cmocka_unit_test_setup(test_policy_other_states, setup),
        cmocka_unit_test_setup(test_policy_not_a_policy_request, setup),
        cmocka_unit_test_setup(test_policy_no_domain, setup),
        cmocka_unit_test_setup(test_policy_missed_recipients, setup),
        cmocka_unit_test_setup(test_policy_eom_only, setup),
        cmocka_unit_test_setup(test_policy_no_instance, setup),
        cmocka_unit_test_setup(test_policy_interleaved, setup),
        cmocka_unit_test_setup(test_policy_expire, setup),
        cmocka_unit_test_setup(test_policy_recipient_limit, setup),
        cmocka_unit_test_setup(test_policy_domain_limit, setup),
        cmocka_unit_test_setup(test_policy_many_instances, setup),
        cmocka_unit_test_setup(test_policy_instance_flood, setup),
        cmocka_unit_test_setup(test_policy_queue_id_escaped, setup),
        cmocka_unit_test_setup(test_policy_small_out, setup),
    };
    int rc;

    log_open("test_sockmap_policy", LOG_MAIL, LOG_WARNING, 0);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    return rc;
}
