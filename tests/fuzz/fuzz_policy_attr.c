/*
 * fuzz_policy_attr - libFuzzer target for policy/policy_attr.c.  Besides
 * "does not crash", it checks the grammar of policy_attr.h on every
 * accepted request: names are [a-z_]{1,64}, values hold no LF or NUL and
 * at most 4096 octets, at most POLICY_ATTR_MAX attributes, and writing the
 * attributes back as "name=value\n" lines plus "\n" gives exactly the bytes
 * consumed.  An incomplete request is always shorter than POLICY_REQ_MAX.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "policy_attr.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct policy_req req;
    static char again[POLICY_REQ_MAX + 2];
    const char *buf = (const char *)data;
    size_t used = 0, i, pos = 0;
    enum policy_attr_status s = policy_attr_parse(buf, size, &req, &used);

    CHECK(policy_attr_strerror(s) != NULL);
    if (s == POLICY_ATTR_INCOMPLETE)
        CHECK(size < POLICY_REQ_MAX);
    if (s != POLICY_ATTR_OK)
        return 0;
    CHECK(used >= 1 && used <= size && used <= POLICY_REQ_MAX);
    CHECK(buf[used - 1] == '\n');
    CHECK(req.nattr <= POLICY_ATTR_MAX);
    for (i = 0; i < req.nattr; i++) {
        const char *n = req.attr[i].name, *v = req.attr[i].value;
        size_t nl = strlen(n), vl = strlen(v);
        CHECK(nl >= 1 && nl <= 64 && strspn(n, "abcdefghijklmnopqrstuvwxyz_") == nl);
        CHECK(vl <= 4096 && memchr(v, '\n', vl) == NULL);
        CHECK(n >= req.buf && v + vl < req.buf + sizeof(req.buf));
        CHECK(pos + nl + vl + 2 <= POLICY_REQ_MAX);
        memcpy(again + pos, n, nl);
        again[pos + nl] = '=';
        memcpy(again + pos + nl + 1, v, vl);
        again[pos + nl + 1 + vl] = '\n';
        pos += nl + vl + 2;
        CHECK(policy_attr_get(&req, n) != NULL);
    }
    again[pos++] = '\n';
    CHECK(pos == used && memcmp(again, buf, used) == 0);
    return 0;
}
