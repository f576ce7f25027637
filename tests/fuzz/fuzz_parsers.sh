#!/bin/sh
# fuzz_parsers.sh - the netstring, policy-attribute and state-line parsers under
# libFuzzer, ASan and UBSan, ${MXD_FUZZ_SECONDS:-30} s each over
# netstring_corpus/, policy_corpus/ and state_corpus/.  See lib.sh.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/fuzz/lib.sh"
fuzz_seconds 30
fuzz_init
fuzz_target netstring "$secs" 2048 netstring_corpus - "policy/netstring.c"
fuzz_target policy_attr "$secs" 20000 policy_corpus - "policy/policy_attr.c"
fuzz_target state_line "$secs" 2100 state_corpus - "src/state.c src/cache.c src/atomic.c \
src/dname.c src/log.c src/log_syslog.c src/verdict.c src/dns_outcome.c src/util.c" -lidn2 -lpthread
exit $FUZZ_FAILED
