/*
 * fuzz_check - the fuzz targets' invariant check: abort() (which libFuzzer
 * and replay.c report with the input) when x is false, in every build.
 */
#ifndef MXD_FUZZ_CHECK_H
#define MXD_FUZZ_CHECK_H
#include <stdlib.h>

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if (!(x))                                                                                  \
            abort();                                                                               \
    } while (0)
#endif
