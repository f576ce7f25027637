/*
 * test_milter_msg - what one message gets from policy/milter_msg.c (the
 * milter without libmilter): which domains the core is asked about at RCPT,
 * the wait for probes at end-of-message, the headers added, the decision
 * lines.  The core is a test double, defined below, that answers from a
 * table (domain -> verdict name, listed, route, still probing) and records
 * every call; routing.mode tag is a switch of the double.  A probing
 * domain's probe "finishes" in core_wait() when its row says so.  The
 * milter over a real socket is tested by tests/milter/.
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
#include "milter_msg.h"

#define R1  "smtp:[192.0.2.25]:25"
#define R2  "smtp:[192.0.2.26]:25"
#define TAG "X-Test-Tag"

/* ---- test double of core.h ------------------------------------------- */

struct row {
    const char *domain;  /* exact, or "*.suffix" for every name below suffix */
    const char *verdict; /* its name; "unknown": not known */
    int listed;          /* on the known-broken list */
    const char *route;   /* "" = none */
    int probing;         /* a probe runs: unknown until core_wait() */
    const char *late;    /* the verdict once that probe is done, or NULL */
    const char *late_route;
};

/* clang-format off */
static const struct row rows[] = {
    {"a.test", "aaaa-ignored", 0, R1, 0, NULL, NULL},
    {"b.test", "aaaa-error", 0, R1, 0, NULL, NULL},
    {"c.test", "aaaa-ignored", 0, R2, 0, NULL, NULL},
    {"h.test", "healthy", 0, "", 0, NULL, NULL},
    {"l.test", "listed", 1, "", 0, NULL, NULL},
    {"lr.test", "listed", 1, R1, 0, NULL, NULL},
    {"slow.test", "unknown", 0, "", 1, "aaaa-ignored", R1},
    {"stuck.test", "unknown", 0, "", 1, NULL, NULL},
    {"nl.test", "aaaa-ignored", 0, R1 "\r\nX-Forged: 1", 0, NULL, NULL},
    {"*.wide.test", "aaaa-ignored", 0, R1, 0, NULL, NULL},
};
/* clang-format on */
#define NROWS (sizeof(rows) / sizeof(rows[0]))

static int fake_rewrite;        /* routing.mode: 1 rewrite, 0 tag */
static unsigned fake_wait_ms;   /* probe.wait */
static int finished[NROWS];     /* the probe of rows[i] is done */
static size_t nlookups;         /* core_lookup() calls */
static char lookups[64][256];   /* the first 64 of them */
static size_t nwaits, wait_n;   /* core_wait() calls; domains of the last */
static unsigned wait_ms;        /* the last one's budget */
static char wait_domains[512];  /* the last one's domains, space-separated */
static size_t ncounts, nmilter; /* core_count() calls; with CORE_MILTER */
static size_t ndecisions;       /* core_log_decision() calls */
static char decisions[16][512]; /* "qid domain verdict via" of the first 16 */
static size_t nheaders;         /* headers added */
static char headers[128][2048]; /* "qid|Name: value" of the first 128 */

static const struct row *fake_row(const char *domain, size_t *index)
{
    size_t i, dl = strlen(domain);

    for (i = 0; i < NROWS; i++) {
        const char *f = rows[i].domain;
        size_t fl = strlen(f);
        if (strcmp(f, domain) == 0 ||
            (f[0] == '*' && dl > fl - 1 && strcmp(domain + dl - (fl - 1), f + 1) == 0)) {
            *index = i;
            return &rows[i];
        }
    }
    return NULL;
}

void core_lookup(const char *domain, struct core_answer *ans)
{
    size_t i = 0;
    const struct row *r = fake_row(domain, &i);

    if (nlookups < sizeof(lookups) / sizeof(lookups[0]))
        snprintf(lookups[nlookups], sizeof(lookups[0]), "%s", domain);
    nlookups++;
    memset(ans, 0, sizeof(*ans));
    ans->rewrite = fake_rewrite;
    ans->verdict = "unknown";
    ans->probing = 1; /* not in the table: the core queues a probe */
    if (r == NULL)
        return;
    if (r->probing && finished[i] && r->late != NULL) {
        ans->verdict = r->late;
        snprintf(ans->route, sizeof(ans->route), "%s", r->late_route);
        ans->probing = 0;
    } else {
        ans->verdict = r->verdict;
        ans->listed = r->listed;
        snprintf(ans->route, sizeof(ans->route), "%s", r->route);
        ans->probing = r->probing && !finished[i];
    }
    ans->known = strcmp(ans->verdict, "unknown") != 0;
}

size_t core_wait(const char *const *domains, size_t n, unsigned ms)
{
    size_t i, pos = 0, still = 0;

    nwaits++;
    wait_n = n;
    wait_ms = ms;
    wait_domains[0] = '\0';
    for (i = 0; i < n; i++) {
        size_t r = 0;
        if (fake_row(domains[i], &r) != NULL && rows[r].probing && rows[r].late != NULL)
            finished[r] = 1;
        else
            still++;
        pos += (size_t)snprintf(wait_domains + pos, sizeof(wait_domains) - pos, "%s%s",
                                i ? " " : "", domains[i]);
        if (pos >= sizeof(wait_domains))
            pos = sizeof(wait_domains) - 1;
    }
    return still;
}

unsigned core_wait_ms(void)
{
    return fake_wait_ms;
}

void core_tag_header(char *buf, size_t size)
{
    snprintf(buf, size, "%s", TAG);
}

void core_count(enum core_frontend f, const struct core_answer *a)
{
    (void)a;
    ncounts++;
    nmilter += f == CORE_MILTER;
}

void core_log_decision(const char *qid, const char *domain, const struct core_answer *a,
                       const char *via)
{
    if (ndecisions < sizeof(decisions) / sizeof(decisions[0]))
        snprintf(decisions[ndecisions], sizeof(decisions[0]), "%s %s %s %s", qid ? qid : "(null)",
                 domain, a->verdict, via);
    ndecisions++;
}

/* milter_msg_add_fn, as policy/milter.c's would call smfi_addheader(). */
static void add_header(void *arg, const char *qid, char *name, char *value)
{
    assert_ptr_equal(arg, &nheaders);
    if (nheaders < sizeof(headers) / sizeof(headers[0]))
        snprintf(headers[nheaders], sizeof(headers[0]), "%s|%s: %s", qid, name, value);
    nheaders++;
}

static int setup(void **state)
{
    (void)state;
    fake_rewrite = 1;
    fake_wait_ms = 0;
    memset(finished, 0, sizeof(finished));
    nlookups = nwaits = wait_n = ncounts = nmilter = ndecisions = nheaders = 0;
    wait_ms = 0;
    wait_domains[0] = '\0';
    return 0;
}

/* One message: each address through RCPT, then end-of-message. */
static struct milter_msg *message(const char *const *rcpts, const char *qid)
{
    struct milter_msg *m = milter_msg_new();

    for (; *rcpts != NULL; rcpts++)
        milter_msg_rcpt(m, *rcpts);
    milter_msg_decide(m, qid, add_header, &nheaders);
    return m;
}

/* ---- what a message gets: headers ------------------------------------ */

#define TAGV(d, v, r) "Q1|" TAG ": domain=" d " verdict=" v " route=" r
#define ROUTE(r)      "Q1|" TAG "-Route: " r

struct mcase {
    const char *what;
    const char *rcpt[6]; /* ends at NULL */
    int tag_mode;        /* routing.mode tag */
    unsigned wait;       /* probe.wait in ms */
    const char *want[6]; /* the headers in order, ends at NULL */
};

/* clang-format off */
static const struct mcase mcases[] = {
    {"one rerouted recipient", {"u@a.test"}, 0, 0,
     {TAGV("a.test", "aaaa-ignored", R1), ROUTE(R1)}},
    {"two recipients of one domain: one tag", {"u@a.test", "v@A.Test."}, 0, 0,
     {TAGV("a.test", "aaaa-ignored", R1), ROUTE(R1)}},
    {"two domains, the same route", {"u@a.test", "u@b.test"}, 0, 0,
     {TAGV("a.test", "aaaa-ignored", R1), TAGV("b.test", "aaaa-error", R1), ROUTE(R1)}},
    {"rerouted and healthy: tag, no route", {"u@a.test", "u@h.test"}, 0, 0,
     {TAGV("a.test", "aaaa-ignored", R1)}},
    {"healthy and rerouted: tag, no route", {"u@h.test", "u@a.test"}, 0, 0,
     {TAGV("a.test", "aaaa-ignored", R1)}},
    {"two routes: tags, no route", {"u@a.test", "u@c.test"}, 0, 0,
     {TAGV("a.test", "aaaa-ignored", R1), TAGV("c.test", "aaaa-ignored", R2)}},
    {"all healthy: nothing", {"u@h.test", "v@h.test"}, 0, 0, {NULL}},
    {"listed without a route: tag only", {"u@l.test"}, 0, 0,
     {TAGV("l.test", "listed", "\"\"")}},
    {"listed with a route", {"u@lr.test"}, 0, 0,
     {TAGV("lr.test", "listed", R1), ROUTE(R1)}},
    {"listed unrouted next to rerouted", {"u@a.test", "u@l.test"}, 0, 0,
     {TAGV("a.test", "aaaa-ignored", R1), TAGV("l.test", "listed", "\"\"")}},
    {"tag mode: tag, never a route", {"u@a.test"}, 1, 0,
     {TAGV("a.test", "aaaa-ignored", R1)}},
    {"tag mode, two domains, one route", {"u@a.test", "u@b.test"}, 1, 0,
     {TAGV("a.test", "aaaa-ignored", R1), TAGV("b.test", "aaaa-error", R1)}},
    {"null recipient <> blocks the route", {"u@a.test", "<>"}, 0, 0,
     {TAGV("a.test", "aaaa-ignored", R1)}},
    {"a bad name blocks the route", {"u@bad_name.test", "u@a.test"}, 0, 0,
     {TAGV("a.test", "aaaa-ignored", R1)}},
    {"a local name blocks the route", {"u@a.test", "postmaster"}, 0, 0,
     {TAGV("a.test", "aaaa-ignored", R1)}},
    {"an address literal blocks the route", {"u@a.test", "u@[192.0.2.1]"}, 0, 0,
     {TAGV("a.test", "aaaa-ignored", R1)}},
    {"probe done within probe.wait: routed", {"u@slow.test"}, 0, 5000,
     {TAGV("slow.test", "aaaa-ignored", R1), ROUTE(R1)}},
    {"probe.wait 0: no wait, nothing", {"u@slow.test"}, 0, 0, {NULL}},
    {"probe still running after the wait", {"u@a.test", "u@stuck.test"}, 0, 5000,
     {TAGV("a.test", "aaaa-ignored", R1)}},
    {"a route that would break the header block: tag only", {"u@nl.test"}, 0, 0,
     {TAGV("nl.test", "aaaa-ignored", "\"" R1 "\\x0d\\x0aX-Forged: 1\"")}},
};
/* clang-format on */

static void test_headers_table(void **state)
{
    size_t i, j, failed = 0;

    (void)state;
    for (i = 0; i < sizeof(mcases) / sizeof(mcases[0]); i++) {
        const struct mcase *c = &mcases[i];
        struct milter_msg *m;

        setup(NULL);
        fake_rewrite = !c->tag_mode;
        fake_wait_ms = c->wait;
        m = message(c->rcpt, "Q1");
        for (j = 0; c->want[j] != NULL || j < nheaders; j++) {
            const char *got = j < nheaders ? headers[j] : "(none)";
            const char *want = c->want[j] ? c->want[j] : "(none)";
            if (strcmp(got, want) != 0) {
                print_error("%s: header %zu: got \"%s\", want \"%s\"\n", c->what, j, got, want);
                failed++;
            }
            if (c->want[j] == NULL)
                break;
        }
        milter_msg_free(m);
    }
    assert_int_equal(failed, 0);
}

/* ---- what the core is asked ------------------------------------------- */

/* RCPT asks once per distinct domain, normalised; at end-of-message each
 * domain is asked again (once more when probe.wait allows a wait). */
static void test_lookups_once_per_domain(void **state)
{
    struct milter_msg *m = milter_msg_new();

    (void)state;
    milter_msg_rcpt(m, "u@a.test");
    milter_msg_rcpt(m, "v@A.TEST.");
    milter_msg_rcpt(m, "<w@a.test>");
    assert_int_equal(nlookups, 1);
    assert_string_equal(lookups[0], "a.test");
    milter_msg_rcpt(m, "u@h.test");
    milter_msg_rcpt(m, "<>");
    milter_msg_rcpt(m, "u@bad_name.test");
    assert_int_equal(nlookups, 2);
    assert_string_equal(lookups[1], "h.test");
    assert_int_equal(m->n, 2);
    milter_msg_decide(m, "Q1", add_header, &nheaders);
    assert_int_equal(nlookups, 4); /* probe.wait 0: no wait, one more lookup each */
    assert_int_equal(nwaits, 0);
    milter_msg_reset(m);
    nlookups = 0;
    fake_wait_ms = 100;
    milter_msg_rcpt(m, "u@a.test");
    milter_msg_decide(m, "Q1", add_header, &nheaders);
    /* RCPT and the decision: a.test was known at RCPT, so the wait does not
     * ask for it (nothing to wait for). */
    assert_int_equal(nlookups, 2);
    assert_int_equal(nwaits, 0);
    milter_msg_free(m);
}

/* A domain still probing at end-of-message makes the milter wait for it
 * (only for it) with probe.wait, then ask for it again. */
static void test_wait_for_probing(void **state)
{
    static const char *const rcpt[] = {"u@a.test", "u@slow.test", "v@stuck.test", NULL};
    struct milter_msg *m;

    (void)state;
    fake_wait_ms = 1234;
    m = message(rcpt, "Q1");
    assert_int_equal(nwaits, 1);
    assert_int_equal(wait_ms, 1234);
    assert_int_equal(wait_n, 2);
    assert_string_equal(wait_domains, "slow.test stuck.test");
    /* RCPT 3, the wait's check of the 2 still probing then, then 3 again
     * after the wait. */
    assert_int_equal(nlookups, 8);
    assert_string_equal(lookups[3], "slow.test");
    assert_string_equal(lookups[4], "stuck.test");
    assert_string_equal(lookups[6], "slow.test");
    assert_int_equal(ndecisions, 3);
    assert_string_equal(decisions[1], "Q1 slow.test aaaa-ignored milter");
    assert_string_equal(decisions[2], "Q1 stuck.test unknown milter");
    milter_msg_free(m);
}

/* ---- limits ------------------------------------------------------------ */

static struct milter_msg *wide_message(size_t domains)
{
    struct milter_msg *m = milter_msg_new();
    char addr[64];
    size_t i;

    for (i = 0; i < domains; i++) {
        snprintf(addr, sizeof(addr), "u@d%zu.wide.test", i);
        milter_msg_rcpt(m, addr);
    }
    return m;
}

/* MLFI_MAX_DOMAINS domains still get the route; one more domain is not
 * remembered (nor asked about) and blocks it. */
static void test_max_domains(void **state)
{
    struct milter_msg *m = wide_message(MLFI_MAX_DOMAINS);

    (void)state;
    assert_int_equal(m->n, MLFI_MAX_DOMAINS);
    assert_int_equal(nlookups, MLFI_MAX_DOMAINS);
    milter_msg_decide(m, "Q1", add_header, &nheaders);
    assert_int_equal(nheaders, MLFI_MAX_TAGS + 1);
    assert_string_equal(headers[MLFI_MAX_TAGS], ROUTE(R1));
    milter_msg_free(m);

    setup(NULL);
    m = wide_message(MLFI_MAX_DOMAINS + 1);
    assert_int_equal(m->n, MLFI_MAX_DOMAINS);
    assert_int_equal(nlookups, MLFI_MAX_DOMAINS);
    assert_int_equal(m->blocked, 1);
    milter_msg_decide(m, "Q1", add_header, &nheaders);
    assert_int_equal(nheaders, MLFI_MAX_TAGS);
    assert_null(strstr(headers[MLFI_MAX_TAGS - 1], "-Route"));
    assert_int_equal(ndecisions, MLFI_MAX_DOMAINS);
    milter_msg_free(m);
}

/* At most MLFI_MAX_TAGS tag headers; every domain still gets its decision
 * line and its count, and the -Route header is not one of the tags. */
static void test_max_tags(void **state)
{
    struct milter_msg *m = wide_message(MLFI_MAX_TAGS + 5);

    (void)state;
    milter_msg_decide(m, "Q1", add_header, &nheaders);
    assert_int_equal(nheaders, MLFI_MAX_TAGS + 1);
    assert_string_equal(headers[0], TAGV("d0.wide.test", "aaaa-ignored", R1));
    assert_string_equal(headers[MLFI_MAX_TAGS - 1], TAGV("d99.wide.test", "aaaa-ignored", R1));
    assert_string_equal(headers[MLFI_MAX_TAGS], ROUTE(R1));
    assert_int_equal(ndecisions, MLFI_MAX_TAGS + 5);
    assert_int_equal(nmilter, MLFI_MAX_TAGS + 5);
    milter_msg_free(m);

    setup(NULL);
    m = wide_message(MLFI_MAX_TAGS);
    milter_msg_decide(m, "Q1", add_header, &nheaders);
    assert_int_equal(nheaders, MLFI_MAX_TAGS + 1); /* exactly the limit: all tags */
    milter_msg_free(m);
}

/* ---- decision lines and the queue ID ----------------------------------- */

/* One line per distinct domain, with the queue ID at end-of-message, via
 * "milter", counted as the milter's; healthy domains too. */
static void test_decision_lines(void **state)
{
    static const char *const rcpt[] = {"u@a.test", "v@a.test", "u@h.test", "u@l.test", NULL};
    struct milter_msg *m;

    (void)state;
    m = message(rcpt, "4XbQ1");
    assert_int_equal(ndecisions, 3);
    assert_string_equal(decisions[0], "4XbQ1 a.test aaaa-ignored milter");
    assert_string_equal(decisions[1], "4XbQ1 h.test healthy milter");
    assert_string_equal(decisions[2], "4XbQ1 l.test listed milter");
    assert_int_equal(ncounts, 3);
    assert_int_equal(nmilter, 3);
    milter_msg_free(m);
}

/* The queue ID seen at RCPT stands in when end-of-message has none; with
 * neither, the lines carry none (NULL) and headers get "". */
static void test_qid_fallback(void **state)
{
    struct milter_msg *m = milter_msg_new();

    (void)state;
    snprintf(m->qid, sizeof(m->qid), "%s", "RCPTQ");
    milter_msg_rcpt(m, "u@a.test");
    milter_msg_decide(m, "", add_header, &nheaders);
    assert_string_equal(decisions[0], "RCPTQ a.test aaaa-ignored milter");
    assert_string_equal(headers[0], "RCPTQ|" TAG ": domain=a.test verdict=aaaa-ignored route=" R1);

    milter_msg_reset(m);
    assert_string_equal(m->qid, "");
    milter_msg_rcpt(m, "u@a.test");
    milter_msg_decide(m, "", add_header, &nheaders);
    assert_string_equal(decisions[1], "(null) a.test aaaa-ignored milter");
    assert_string_equal(headers[2], "|" TAG ": domain=a.test verdict=aaaa-ignored route=" R1);

    milter_msg_reset(m);
    snprintf(m->qid, sizeof(m->qid), "%s", "RCPTQ");
    milter_msg_rcpt(m, "u@a.test");
    milter_msg_decide(m, "EOMQ", add_header, &nheaders);
    assert_string_equal(decisions[2], "EOMQ a.test aaaa-ignored milter");
    milter_msg_free(m);
}

/* ---- the message's state ------------------------------------------------ */

/* A message with no usable domain gets nothing: no wait, no line, no header. */
static void test_no_domain(void **state)
{
    static const char *const rcpt[] = {"<>", "postmaster", NULL};
    struct milter_msg *m;

    (void)state;
    fake_wait_ms = 1000;
    m = message(rcpt, "Q1");
    assert_int_equal(nlookups, 0);
    assert_int_equal(nwaits, 0);
    assert_int_equal(ndecisions, 0);
    assert_int_equal(nheaders, 0);
    milter_msg_free(m);
}

/* Reset (a new MAIL FROM on the same session) forgets the recipients and
 * the block: the next message is judged on its own. */
static void test_reset(void **state)
{
    struct milter_msg *m = milter_msg_new();

    (void)state;
    milter_msg_rcpt(m, "u@c.test");
    milter_msg_rcpt(m, "<>");
    assert_int_equal(m->blocked, 1);
    milter_msg_reset(m);
    assert_int_equal(m->n, 0);
    assert_int_equal(m->blocked, 0);
    milter_msg_decide(m, "Q1", add_header, &nheaders);
    assert_int_equal(ndecisions, 0);
    milter_msg_rcpt(m, "u@a.test");
    assert_int_equal(nlookups, 2); /* a.test is new to this message */
    milter_msg_decide(m, "Q1", add_header, &nheaders);
    assert_int_equal(nheaders, 2);
    assert_string_equal(headers[1], ROUTE(R1));
    milter_msg_reset(NULL);
    milter_msg_free(m);
    milter_msg_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_headers_table, setup),
        cmocka_unit_test_setup(test_lookups_once_per_domain, setup),
        cmocka_unit_test_setup(test_wait_for_probing, setup),
        cmocka_unit_test_setup(test_max_domains, setup),
        cmocka_unit_test_setup(test_max_tags, setup),
        cmocka_unit_test_setup(test_decision_lines, setup),
        cmocka_unit_test_setup(test_qid_fallback, setup),
        cmocka_unit_test_setup(test_no_domain, setup),
        cmocka_unit_test_setup(test_reset, setup),
    };

    log_open("test_milter_msg", LOG_MAIL, LOG_ERR, 0);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
