#!/bin/sh
# fuzz_dnsmsg.sh - run the DNS reply parser fuzzer for a bounded time.
#
# Builds tests/fuzz/fuzz_dnsmsg.c and src/dnsmsg.c with clang
# -fsanitize=fuzzer,address,undefined into a temporary directory, replays
# dnsmsg_corpus, then fuzzes for ${MXD_FUZZ_SECONDS:-30} seconds over a copy
# of it (the checked-in corpus is never modified), and fails on any crash,
# broken invariant, leak or sanitizer report.  A failing input is kept in
# the temporary directory and printed in hex: add it to dnsmsg_corpus/ once
# fixed.  Without a clang that can link -fsanitize=fuzzer it SKIPs (exit 77).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
secs=${MXD_FUZZ_SECONDS:-30}
CLANG=${CLANG:-clang}

case $secs in
'' | *[!0-9]*) echo "FAIL: MXD_FUZZ_SECONDS=$secs is not a number of seconds"; exit 1 ;;
esac
if [ "$secs" -eq 0 ]; then
    echo "SKIP: MXD_FUZZ_SECONDS=0"
    exit 77
fi
if ! command -v "$CLANG" >/dev/null 2>&1; then
    echo "SKIP: $CLANG not found (apt-get install clang)"
    exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz_dnsmsg.XXXXXX") || exit 1
keep=0
# shellcheck disable=SC2317 # called by the trap
cleanup() { [ "$keep" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT

printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' \
    >"$work/probe.c"
if ! "$CLANG" -fsanitize=fuzzer,address,undefined "$work/probe.c" -o "$work/probe" \
    >"$work/probe.log" 2>&1; then
    echo "SKIP: $CLANG cannot link -fsanitize=fuzzer,address,undefined: $(head -n 1 "$work/probe.log")"
    exit 77
fi

s=$top_srcdir/src
if ! "$CLANG" -g -O1 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I"$s" \
    "$top_srcdir/tests/fuzz/fuzz_dnsmsg.c" "$s/dnsmsg.c" -o "$work/fuzz_dnsmsg" \
    >"$work/build.log" 2>&1; then
    cat "$work/build.log"
    echo "FAIL: building the fuzzer"
    exit 1
fi

mkdir "$work/corpus" "$work/crashes"
cp "$top_srcdir"/tests/fuzz/dnsmsg_corpus/* "$work/corpus/" || exit 1
nseeds=$(find "$work/corpus" -type f | wc -l)

report() {
    keep=1
    grep -m 5 -e 'ERROR' -e 'runtime error:' "$1"
    grep -E 'SUMMARY|#[0-9]+ in ' "$1" | head -n 20
    for f in "$work/crashes"/*; do
        [ -f "$f" ] || continue
        echo "input $(basename "$f") (hex, first 512 octets):"
        od -An -tx1 -N512 "$f"
    done
}

# The seeds first: each must pass on its own.
if ! "$work/fuzz_dnsmsg" -runs=0 -artifact_prefix="$work/crashes/" "$work/corpus" \
    >"$work/replay.log" 2>&1; then
    report "$work/replay.log"
    echo "FAIL: fuzz_dnsmsg fails on its corpus; log $work/replay.log"
    exit 1
fi

echo "fuzzing dnsmsg_parse for ${secs}s ($nseeds seed inputs)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$work/fuzz_dnsmsg" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
    -max_len=4096 -dict="$top_srcdir/tests/fuzz/dnsmsg.dict" -print_final_stats=1 \
    -artifact_prefix="$work/crashes/" "$work/corpus" >"$work/fuzz.log" 2>&1
rc=$?
tail -n 12 "$work/fuzz.log"
if [ $rc -ne 0 ] || grep -q -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' \
    -e 'runtime error:' -e 'ERROR: libFuzzer' "$work/fuzz.log" ||
    [ -n "$(ls "$work/crashes")" ]; then
    report "$work/fuzz.log"
    echo "FAIL: fuzz_dnsmsg exit $rc; log $work/fuzz.log, inputs in $work/crashes/"
    exit 1
fi
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log")
if [ -z "$runs" ] || [ "$runs" -eq 0 ]; then
    keep=1
    echo "FAIL: the fuzzer executed no inputs; log $work/fuzz.log"
    exit 1
fi
echo "PASS: $runs inputs in ${secs}s, corpus $nseeds -> $(find "$work/corpus" -type f | wc -l) files, no crash, broken invariant or sanitizer report"
exit 0
