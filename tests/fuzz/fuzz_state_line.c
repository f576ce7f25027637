/*
 * fuzz_state_line - libFuzzer target for one line of the state file
 * (state_parse_line in src/state.c).  Besides "does not crash": an accepted
 * line has a normalised domain, flags of 0 or 1, a time that is not
 * negative, a pin of IPv4 addresses only, and printing the record the way
 * state_save() does parses back to the same record.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "state.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *field(const char *s)
{
    return s[0] ? s : "-";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char line[STATE_LINE_MAX + 64];
    struct state_rec r, again;
    char pin[VERDICT_PIN_MAX];

    if (state_parse_line((const char *)data, size, &r) < 0)
        return 0;
    CHECK(r.vi.confirmed == 0 || r.vi.confirmed == 1);
    CHECK(r.vi.pinnable == 0 || r.vi.pinnable == 1);
    CHECK(r.made_wall >= 0);
    CHECK(r.vi.verdict != VERDICT_UNKNOWN && r.vi.verdict < VERDICT__COUNT);
    memcpy(pin, r.vi.pin, sizeof(pin));
    for (char *save = NULL, *a = strtok_r(pin, " ", &save); a; a = strtok_r(NULL, " ", &save)) {
        struct in_addr in;
        CHECK(inet_pton(AF_INET, a, &in) == 1);
    }
    int n =
        snprintf(line, sizeof(line), "%s\t%s\t%d\t%d\t%lld\t%s\t%s\t%s", r.domain,
                 verdict_name(r.vi.verdict), r.vi.confirmed, r.vi.pinnable, (long long)r.made_wall,
                 field(r.vi.host), field(r.vi.pin), field(r.vi.evidence));
    CHECK(n > 0 && (size_t)n < sizeof(line));
    if (r.vi.pin_ttl && r.vi.pin[0]) /* the optional 9th field, as state_save() writes it */
        n += snprintf(line + n, sizeof(line) - (size_t)n, "\t%u", r.vi.pin_ttl);
    CHECK((size_t)n < sizeof(line));
    if ((size_t)n <= STATE_LINE_MAX) {
        CHECK(state_parse_line(line, (size_t)n, &again) == 0);
        CHECK(memcmp(&r, &again, sizeof(r)) == 0);
    }
    return 0;
}
