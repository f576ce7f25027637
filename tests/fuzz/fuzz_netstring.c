/*
 * fuzz_netstring - libFuzzer target for policy/netstring.c.  Besides "does
 * not crash", it checks what the parser promises: an OK payload lies inside
 * the input and within the limit, re-formatting it gives back exactly the
 * bytes consumed (the encoding is canonical: no leading zeros), and every
 * proper prefix of an accepted netstring asks for more bytes.  The first
 * input byte picks the limit so small limits are exercised too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "netstring.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf, *payload = NULL;
    size_t limit, len, dlen = 0, used = 0, i;
    enum netstring_status s;

    if (size == 0)
        return 0;
    limit = data[0] < 200 ? data[0] : (size_t)1100 << (data[0] - 200) % 4; /* up to 8800 */
    buf = (const char *)data + 1;
    len = size - 1;
    s = netstring_parse(buf, len, limit, &payload, &dlen, &used);
    CHECK(s == NETSTRING_OK || s == NETSTRING_INCOMPLETE || s == NETSTRING_ERR_FORMAT ||
          s == NETSTRING_ERR_SIZE);
    CHECK(netstring_strerror(s) != NULL);
    if (s != NETSTRING_OK)
        return 0;
    CHECK(used <= len && used >= 3);
    CHECK(dlen <= limit);
    CHECK(payload > buf && payload + dlen + 1 == buf + used);
    CHECK(buf[used - 1] == ',');
    if (dlen <= 4096) {
        static char out[4096 + 32];
        size_t n = netstring_format(out, sizeof(out), payload, dlen);
        CHECK(n == used && memcmp(out, buf, used) == 0 && out[n] == '\0');
        CHECK(netstring_format(out, n, payload, dlen) == n); /* too small: nothing */
    }
    for (i = 0; i < used && i < 64; i++) {
        const char *p2 = NULL;
        size_t d2 = 0, u2 = 0;
        CHECK(netstring_parse(buf, i, limit, &p2, &d2, &u2) == NETSTRING_INCOMPLETE);
    }
    return 0;
}
