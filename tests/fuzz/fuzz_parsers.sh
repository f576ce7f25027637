#!/bin/sh
# fuzz_parsers.sh - the netstring and policy-attribute parsers under
# libFuzzer, ASan and UBSan, ${MXD_FUZZ_SECONDS:-30} s each over
# netstring_corpus/ and policy_corpus/.  See lib.sh.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/fuzz/lib.sh"
fuzz_seconds 30
fuzz_init
fuzz_target netstring "$secs" 2048 netstring_corpus - "policy/netstring.c"
fuzz_target policy_attr "$secs" 20000 policy_corpus - "policy/policy_attr.c"
exit $FUZZ_FAILED
