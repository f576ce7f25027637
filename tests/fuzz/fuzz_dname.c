/*
 * fuzz_dname - libFuzzer target for dname_normalize() and
 * dname_from_address() on their own (not through config values).  Input:
 * the first octet picks the call (and bare_ok), the rest is the name or
 * address.  Besides "does not crash", a name accepted is checked: at most
 * DNAME_MAX octets, lower-case LDH and dots only, no empty label, no
 * trailing dot, and normalising it again gives it back unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dname.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_name(const char *d)
{
    char again[DNAME_MAX + 1];
    size_t n = strlen(d);

    CHECK(n >= 1 && n <= DNAME_MAX);
    CHECK(strspn(d, "abcdefghijklmnopqrstuvwxyz0123456789-._") == n);
    CHECK(d[0] != '.' && d[n - 1] != '.' && strstr(d, "..") == NULL);
    CHECK(dname_normalize(d, again, sizeof(again)) == NULL);
    CHECK(strcmp(again, d) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char in[4096], out[DNAME_MAX + 1];
    const char *err;

    if (size < 1 || size > sizeof(in))
        return 0;
    memcpy(in, data + 1, size - 1);
    in[size - 1] = '\0'; /* the callers pass C strings: a NUL ends the input */
    if (data[0] & 1)
        err = dname_normalize(in, out, sizeof(out));
    else
        err = dname_from_address(in, (data[0] >> 1) & 1, out, sizeof(out));
    if (err == NULL)
        check_name(out);
    else
        CHECK(err[0] != '\0');
    return 0;
}
