/*
 * fuzz_fleet_record - libFuzzer target for src/fleet_record.c: records
 * read from Redis are untrusted.  Besides "does not crash", a record
 * accepted must survive the round trip: formatted again it fits
 * FLEET_RECORD_MAX and parses back to the same fields, and its pin holds
 * only IPv4 addresses and spaces (a forged pin would route mail anywhere).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fleet_record.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fleet_record r, again;
    char buf[FLEET_RECORD_MAX + 1];
    size_t n;

    if (fleet_record_parse((const char *)data, size, &r) != NULL)
        return 0;
    CHECK(strspn(r.vi.pin, "0123456789. ") == strlen(r.vi.pin));
    n = fleet_record_format(&r, buf, sizeof(buf));
    CHECK(n > 0 && n <= FLEET_RECORD_MAX);
    CHECK(fleet_record_parse(buf, n, &again) == NULL);
    CHECK(strcmp(r.domain, again.domain) == 0 && strcmp(r.node, again.node) == 0);
    CHECK(r.made == again.made && r.vi.verdict == again.vi.verdict);
    CHECK(r.vi.confirmed == again.vi.confirmed && r.vi.pinnable == again.vi.pinnable);
    CHECK(strcmp(r.vi.host, again.vi.host) == 0 && strcmp(r.vi.pin, again.vi.pin) == 0);
    CHECK(strcmp(r.vi.evidence, again.vi.evidence) == 0);
    return 0;
}
