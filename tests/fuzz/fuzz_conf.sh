#!/bin/sh
# fuzz_conf.sh - run the config-loader fuzzer for a bounded time.
#
# Builds tests/fuzz/fuzz_conf.c and the config sources with clang
# -fsanitize=fuzzer,address,undefined into a temporary directory, runs it
# for ${MXD_FUZZ_SECONDS:-60} seconds over a copy of conf_corpus (the
# checked-in corpus is never modified), and fails on any crash, leak or
# sanitizer report.  A crashing input is kept in the temporary directory
# and its path printed: copy it into conf_corpus/ once fixed.
# Without a clang that can link -fsanitize=fuzzer it SKIPs (exit 77).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
secs=${MXD_FUZZ_SECONDS:-60}
CLANG=${CLANG:-clang}

case $secs in
'' | *[!0-9]*) echo "FAIL: MXD_FUZZ_SECONDS=$secs is not a number of seconds"; exit 1 ;;
esac
if [ "$secs" -eq 0 ]; then
    echo "SKIP: MXD_FUZZ_SECONDS=0"
    exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz_conf.XXXXXX") || exit 1
keep=0
# shellcheck disable=SC2317 # called by the trap
cleanup() { [ "$keep" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT

if ! command -v "$CLANG" >/dev/null 2>&1; then
    echo "SKIP: $CLANG not found (apt-get install clang)"
    exit 77
fi
printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' \
    >"$work/probe.c"
if ! "$CLANG" -fsanitize=fuzzer,address,undefined "$work/probe.c" -o "$work/probe" \
    >"$work/probe.log" 2>&1; then
    echo "SKIP: $CLANG cannot link -fsanitize=fuzzer,address,undefined: $(head -n 1 "$work/probe.log")"
    exit 77
fi
if ! flags=$(pkg-config --cflags --libs yaml-0.1 libidn2 2>/dev/null); then
    echo "SKIP: pkg-config cannot find yaml-0.1 and libidn2"
    exit 77
fi

s=$top_srcdir/src
# shellcheck disable=SC2086 # flags is a word list by design
if ! "$CLANG" -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -I"$s" \
    "$top_srcdir/tests/fuzz/fuzz_conf.c" "$s/conf.c" "$s/conf_yaml.c" "$s/dname.c" \
    "$s/domlist.c" "$s/util.c" $flags -o "$work/fuzz_conf" >"$work/build.log" 2>&1; then
    cat "$work/build.log"
    echo "FAIL: building the fuzzer"
    exit 1
fi

mkdir "$work/corpus" "$work/crashes"
cp "$top_srcdir"/tests/fuzz/conf_corpus/* "$work/corpus/" || exit 1

echo "fuzzing conf_load_buf for ${secs}s ($(find "$work/corpus" -type f | wc -l) seed inputs)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$work/fuzz_conf" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -dict="$top_srcdir/tests/fuzz/conf.dict" -print_final_stats=1 \
    -artifact_prefix="$work/crashes/" "$work/corpus" >"$work/fuzz.log" 2>&1
rc=$?
tail -n 12 "$work/fuzz.log"
if [ $rc -ne 0 ] || grep -q -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' \
    -e 'runtime error:' -e 'ERROR: libFuzzer' "$work/fuzz.log" ||
    [ -n "$(ls "$work/crashes")" ]; then
    keep=1
    grep -m 5 -e 'ERROR:' -e 'runtime error:' "$work/fuzz.log"
    echo "FAIL: fuzz_conf exit $rc; log $work/fuzz.log, inputs in $work/crashes/"
    exit 1
fi
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log")
if [ -z "$runs" ] || [ "$runs" -eq 0 ]; then
    keep=1
    echo "FAIL: the fuzzer executed no inputs; log $work/fuzz.log"
    exit 1
fi
echo "PASS: $runs inputs in ${secs}s, no crash or sanitizer report"
exit 0
