/*
 * txn - see txn.h.  The milter and the policy service both answer for a
 * whole message; keeping the rule here means a fix to it reaches both.
 */
#include "txn.h"
#include <string.h>
#include "log.h"
#include "util.h"

void core_txn_init(struct core_txn *t)
{
    memset(t, 0, sizeof(*t));
    t->rewrite = 1;
    t->same = 1;
}

void core_txn_block(struct core_txn *t)
{
    t->blocked = 1;
}

int core_txn_add(struct core_txn *t, const char *domain, const struct core_answer *a)
{
    if (!a->rewrite)
        t->rewrite = 0;
    if (t->n++ == 0)
        util_strlcpy(t->route, a->route, sizeof(t->route));
    else if (strcmp(t->route, a->route) != 0)
        t->same = 0;
    if (a->route[0] != '\0' && t->routed++ == 0) {
        util_strlcpy(t->first_domain, domain, sizeof(t->first_domain));
        t->first = *a;
    }
    return a->route[0] != '\0' || a->listed;
}

const char *core_txn_route(const struct core_txn *t)
{
    if (t->n == 0 || t->blocked || !t->rewrite || !t->same || t->route[0] == '\0')
        return NULL;
    return t->route;
}

const struct core_answer *core_txn_first(const struct core_txn *t, const char **domain)
{
    if (t->routed == 0)
        return NULL;
    if (domain != NULL)
        *domain = t->first_domain;
    return &t->first;
}

size_t core_txn_tag(char *buf, size_t size, size_t pos, const char *domain,
                    const struct core_answer *a)
{
    pos = log_kv(buf, size, pos, "domain", domain);
    pos = log_kv(buf, size, pos, "verdict", a->verdict);
    return log_kv(buf, size, pos, "route", a->route);
}
