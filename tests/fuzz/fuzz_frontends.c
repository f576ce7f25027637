/*
 * fuzz_frontends - libFuzzer target for the request semantics behind the
 * listeners: sockmap_answer() (policy/sockmap.c), policy_answer() with its
 * instance table (policy/policy.c; the table lives across inputs, as in
 * the daemon), control_answer() (src/control.c) and the milter's message
 * (policy/milter_msg.c: one RCPT address a line, then end-of-message).
 * The first octet picks the front-end, the rest is one request as
 * src/listen.c (or libmilter) hands it over.
 * The core is a double, defined below, that answers from a hash of the
 * name and checks that every name it is given is normalised.  Checked
 * besides "does not crash": a socketmap answer is "OK route" or
 * "NOTFOUND " and fits; a policy answer is one "action=...\n\n" block; a
 * control answer ends with a newline; a milter header is the tag or
 * the -Route header, its value printable, at most one -Route.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "control.h"
#include "core.h"
#include "dname.h"
#include "explain_store.h"
#include "milter_msg.h"
#include "policy.h"
#include "policy_attr.h"
#include "sockmap.h"
#include "util.h"
#include "verdict.h"
#include "fuzz_check.h"

static void one_header(void *arg, const char *qid, char *name, char *value)
{
    int *routes = arg;

    (void)qid;
    if (strcmp(name, "X-MXDetour-Route") == 0)
        CHECK(++*routes == 1);
    else
        CHECK(strcmp(name, "X-MXDetour") == 0);
    for (const char *v = value; *v; v++)
        CHECK((unsigned char)*v >= 0x20 && *v != 0x7f);
}

static void one_milter(const char *req, size_t len)
{
    struct milter_msg *m = milter_msg_new();
    char addr[1024];
    int routes = 0;

    while (len > 0) {
        const char *nl = memchr(req, '\n', len);
        size_t n = nl ? (size_t)(nl - req) : len;
        /* As libmilter hands an address over: a C string. */
        if (n < sizeof(addr) && !memchr(req, '\0', n)) {
            memcpy(addr, req, n);
            addr[n] = '\0';
            milter_msg_rcpt(m, addr);
        }
        req += n + (nl != NULL);
        len -= n + (nl != NULL);
    }
    milter_msg_decide(m, "4AbC12", one_header, &routes);
    milter_msg_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- test double of core.h and explain_store.h ---- */

static void check_normalized(const char *domain)
{
    char again[DNAME_MAX + 1];
    CHECK(dname_normalize(domain, again, sizeof(again)) == NULL && strcmp(again, domain) == 0);
}

void core_lookup(const char *domain, struct core_answer *ans)
{
    static const char *const routes[] = {"", "smtp:[203.0.113.25]:25",
                                         "smtp:[192.0.2.1]:25, [192.0.2.2]:25",
                                         "smtp-ipv4:", "smtp:[relay.example]:587"};
    unsigned h = 5381;

    check_normalized(domain);
    for (const char *p = domain; *p; p++)
        h = h * 33 + (unsigned char)*p;
    memset(ans, 0, sizeof(*ans));
    ans->rewrite = (h >> 8) & 1;
    enum verdict v = (enum verdict)(h % VERDICT__COUNT);
    ans->verdict = verdict_name(v);
    ans->known = v != VERDICT_UNKNOWN;
    ans->listed = v == VERDICT_LISTED;
    ans->probing = !ans->known;
    snprintf(ans->route, sizeof(ans->route), "%s", routes[(h >> 4) % 5]);
}

size_t core_wait(const char *const *domains, size_t n, unsigned ms)
{
    (void)ms;
    for (size_t i = 0; i < n; i++)
        check_normalized(domains[i]);
    return 0;
}

unsigned core_wait_ms(void)
{
    return 0;
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
    (void)qid;
    (void)a;
    check_normalized(domain);
    CHECK(via != NULL);
}

char *core_status_text(void)
{
    return xstrdup("mode: rewrite\n");
}

char *core_lookup_text(const char *domain)
{
    check_normalized(domain);
    return xstrdup("verdict: unknown\n");
}

size_t core_flush(const char *domain)
{
    if (domain)
        check_normalized(domain);
    return 0;
}

char *core_export_text(int rows)
{
    return xstrdup(rows ? "a.example\tsmtp-ipv4:\t-\n" : "a.example smtp-ipv4:\n");
}

char *explain_store_text(const char *domain)
{
    check_normalized(domain);
    return xstrdup("no probe of that domain remembered\n");
}

/* ---- the three front-ends ---- */

static void one_sockmap(const char *req, size_t len)
{
    char ans[2048];

    if (len > SOCKMAP_REQ_MAX || sockmap_answer(req, len, ans, sizeof(ans)) < 0)
        return;
    CHECK(strncmp(ans, "OK ", 3) == 0 || strcmp(ans, "NOTFOUND ") == 0);
    CHECK(strchr(ans, '\n') == NULL);
}

static void one_policy(const char *req, size_t len, uint64_t now)
{
    static struct policy_table *t;
    static struct policy_req pr;
    char ans[2048];
    size_t used;

    if (!t)
        t = policy_table_new();
    if (policy_attr_parse(req, len, &pr, &used) != POLICY_ATTR_OK)
        return;
    CHECK(policy_answer(t, &pr, now, ans, sizeof(ans)) == 0);
    size_t n = strlen(ans);
    CHECK(strncmp(ans, "action=", 7) == 0 && n >= 9 && strcmp(ans + n - 2, "\n\n") == 0);
    CHECK(strchr(ans, '\n') == ans + n - 2);
    if (now % 64 == 0)
        policy_table_expire(t, now, 300000);
}

static void one_control(const char *req, size_t len)
{
    char line[1024];
    char *ans;

    /* As src/listen.c: one line, no NUL, shorter than 1024. */
    if (len >= sizeof(line) || memchr(req, '\0', len) || memchr(req, '\n', len))
        return;
    memcpy(line, req, len);
    line[len] = '\0';
    ans = control_answer(line);
    CHECK(ans != NULL && ans[0] != '\0' && ans[strlen(ans) - 1] == '\n');
    free(ans);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint64_t now = 1000000;

    if (size < 1)
        return 0;
    now += 1000 * (data[0] >> 2); /* the policy table ages between inputs */
    switch (data[0] & 3) {
    case 0:
        one_sockmap((const char *)data + 1, size - 1);
        break;
    case 1:
        one_policy((const char *)data + 1, size - 1, now);
        break;
    case 2:
        one_control((const char *)data + 1, size - 1);
        break;
    default:
        one_milter((const char *)data + 1, size - 1);
        break;
    }
    return 0;
}
