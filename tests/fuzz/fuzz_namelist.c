/*
 * fuzz_namelist - libFuzzer target for src/namelist.c (mxdetour probe
 * --file).  Every name returned is one whole line of the input: no
 * newline, not empty, not a comment, and no more names than lines.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "namelist.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n, lines = 1;
    FILE *f;
    char **v;

    if (size == 0)
        return 0;
    f = fmemopen((void *)(uintptr_t)data, size, "r");
    CHECK(f != NULL);
    v = namelist_read(f, &n);
    fclose(f);
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    CHECK(v != NULL && n <= lines);
    for (size_t i = 0; i < n; i++) {
        CHECK(v[i][0] != '\0' && v[i][0] != '#');
        CHECK(strchr(v[i], '\n') == NULL && strchr(v[i], '\r') == NULL);
        CHECK(memmem(data, size, v[i], strlen(v[i])) != NULL);
        free(v[i]);
    }
    free(v);
    return 0;
}
