/*
 * milter_msg - one message's recipient domains and its end-of-message
 * decision, for the milter; see milter_msg.h.
 *
 * At end-of-message the headers are
 *   TAG: domain=D verdict=V route=R      one per rerouted or listed domain
 *   TAG-Route: R                         mode rewrite only, and only when
 *                                        every recipient has the same route
 * where TAG is routing.tag_header.  Postfix turns TAG-Route into FILTER
 * with contrib/postfix/milter_header_checks.  Which headers to add is
 * decided by the transaction rule of txn.h, shared with the policy
 * service.  Limits: at most MLFI_MAX_DOMAINS distinct domains per message
 * (later ones are not remembered, and the message then gets no -Route
 * header) and at most MLFI_MAX_TAGS tag headers.
 */
#include "milter_msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "dname.h"
#include "log.h"
#include "txn.h"
#include "util.h"

#define MLFI_HDR_MAX (CORE_ROUTE_MAX + 512)

/* ------------------------------------------------------------------ */
/* Per-message state.                                                  */

struct milter_msg *milter_msg_new(void)
{
    return xcalloc(1, sizeof(struct milter_msg));
}

void milter_msg_reset(struct milter_msg *m)
{
    size_t i;

    if (m == NULL)
        return;
    for (i = 0; i < m->n; i++)
        free(m->dom[i]);
    m->n = 0;
    m->blocked = 0;
    m->qid[0] = '\0';
}

void milter_msg_free(struct milter_msg *m)
{
    if (m == NULL)
        return;
    milter_msg_reset(m);
    free(m->dom);
    free(m->pending);
    free(m);
}

/* 1 when domain is new to this message and was remembered. */
static int milter_msg_add(struct milter_msg *m, const char *domain)
{
    size_t i;

    for (i = 0; i < m->n; i++)
        if (strcmp(m->dom[i], domain) == 0)
            return 0;
    if (m->n == MLFI_MAX_DOMAINS) {
        m->blocked = 1;
        return 0;
    }
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 8;
        m->dom = xrealloc(m->dom, m->cap * sizeof(*m->dom));
        m->pending = xrealloc(m->pending, m->cap * sizeof(*m->pending));
    }
    m->pending[m->n] = 0;
    m->dom[m->n++] = xstrdup(domain);
    return 1;
}

void milter_msg_rcpt(struct milter_msg *m, const char *addr)
{
    char domain[DNAME_MAX + 1];
    struct core_answer ans;

    if (dname_from_address(addr, 0, domain, sizeof(domain)) != NULL)
        m->blocked = 1; /* "<>", a local name, garbage: routed by the MTA alone */
    else if (milter_msg_add(m, domain)) {
        core_lookup(domain, &ans);
        m->pending[m->n - 1] = !ans.known && ans.probing;
    }
}

/* ------------------------------------------------------------------ */
/* End of message.                                                     */

/* A header value must not break the header block: printable, no CR/LF. */
static int milter_msg_clean(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

static void milter_msg_header(const char *qid, const char *name, const char *value,
                              milter_msg_add_fn *add, void *arg)
{
    char n[256], v[MLFI_HDR_MAX];

    if (util_strlcpy(n, name, sizeof(n)) >= sizeof(n) ||
        util_strlcpy(v, value, sizeof(v)) >= sizeof(v) || !milter_msg_clean(v)) {
        log_warn("%s%smilter: header %.64s not added: value too long or not printable", qid,
                 *qid ? ": " : "", name);
        return;
    }
    add(arg, qid, n, v);
}

/* Waits (bounded by probe.wait) for the domains whose verdict is still
 * unknown while their probe runs.  Only those that were so at RCPT are
 * asked again here: a known verdict stays known (a stale one is answered
 * while it is probed again), so the others have nothing to wait for. */
static void milter_msg_wait(const struct milter_msg *m, unsigned wait_ms)
{
    const char **pending;
    struct core_answer ans;
    size_t i, n = 0;

    if (wait_ms == 0)
        return;
    pending = xcalloc(m->n, sizeof(*pending));
    for (i = 0; i < m->n; i++) {
        if (!m->pending[i])
            continue;
        core_lookup(m->dom[i], &ans);
        if (!ans.known && ans.probing)
            pending[n++] = m->dom[i];
    }
    if (n > 0)
        core_wait(pending, n, wait_ms);
    free(pending);
}

static void milter_msg_route_header(const char *qid, const char *tag_header,
                                    const struct core_txn *txn, milter_msg_add_fn *add, void *arg)
{
    const char *route = core_txn_route(txn);
    char name[256];

    if (route == NULL)
        return;
    if ((size_t)snprintf(name, sizeof(name), "%s-Route", tag_header) >= sizeof(name))
        return;
    milter_msg_header(qid, name, route, add, arg);
}

void milter_msg_decide(struct milter_msg *m, const char *eom_qid, milter_msg_add_fn *add, void *arg)
{
    struct core_answer ans;
    struct core_txn txn;
    char value[MLFI_HDR_MAX], tag_header[128];
    const char *qid = eom_qid[0] ? eom_qid : m->qid;
    size_t i, tags = 0;

    if (m->n == 0)
        return;
    core_tag_header(tag_header, sizeof(tag_header));
    milter_msg_wait(m, core_wait_ms());
    core_txn_init(&txn);
    if (m->blocked)
        core_txn_block(&txn);
    for (i = 0; i < m->n; i++) {
        core_lookup(m->dom[i], &ans);
        core_log_decision(qid[0] ? qid : NULL, m->dom[i], &ans, "milter");
        core_count(CORE_MILTER, &ans);
        if (!core_txn_add(&txn, m->dom[i], &ans) || tags++ >= MLFI_MAX_TAGS)
            continue;
        core_txn_tag(value, sizeof(value), 0, m->dom[i], &ans);
        milter_msg_header(qid, tag_header, value, add, arg);
    }
    if (tags > MLFI_MAX_TAGS)
        log_notice("%s%smilter: %zu tag headers not added (limit %d)", qid, qid[0] ? ": " : "",
                   tags - MLFI_MAX_TAGS, MLFI_MAX_TAGS);
    milter_msg_route_header(qid, tag_header, &txn, add, arg);
}
