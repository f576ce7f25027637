/*
 * policy_io - see policy_io.h.
 */
#include "policy_io.h"
#include "policy.h"
#include "policy_attr.h"
#include "util.h"

static struct policy_table *tab;

void policy_io_start(void)
{
    if (!tab)
        tab = policy_table_new();
}

void policy_io_expire(uint64_t now_ms, uint64_t max_idle_ms)
{
    if (tab)
        policy_table_expire(tab, now_ms, max_idle_ms);
}

long policy_io_one(const char *in, size_t inlen, char *out, size_t size, const char **why)
{
    static struct policy_req req; /* large; the loop thread is the only user */
    size_t used;
    enum policy_attr_status s = policy_attr_parse(in, inlen, &req, &used);

    if (s == POLICY_ATTR_INCOMPLETE)
        return 0;
    if (s != POLICY_ATTR_OK) {
        *why = policy_attr_strerror(s);
        return -1;
    }
    policy_answer(tab, &req, util_now_ms(), out, size);
    return (long)used;
}
