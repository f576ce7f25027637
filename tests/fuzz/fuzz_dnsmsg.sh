#!/bin/sh
# fuzz_dnsmsg.sh - the DNS reply parser (dnsmsg_parse) under libFuzzer, ASan
# and UBSan for ${MXD_FUZZ_SECONDS:-30} s over dnsmsg_corpus/.  See lib.sh.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/fuzz/lib.sh"
fuzz_seconds 30
fuzz_init
fuzz_target dnsmsg "$secs" 4096 dnsmsg_corpus dnsmsg.dict "src/dnsmsg.c"
exit $FUZZ_FAILED
