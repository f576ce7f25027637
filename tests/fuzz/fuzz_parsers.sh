#!/bin/sh
# fuzz_parsers.sh - builds the netstring and policy-attribute fuzz targets
# (tests/fuzz/fuzz_netstring.c, fuzz_policy_attr.c) with clang's libFuzzer,
# ASan and UBSan, replays their corpus (tests/fuzz/netstring_corpus/,
# policy_corpus/), then fuzzes each for ${MXD_FUZZ_SECONDS:-30} seconds.
# A crash or a broken invariant fails the test and prints the input (hex);
# add that file to the corpus once fixed.  The corpus in the source tree is
# never written: new inputs go to a temporary copy.
# SKIP (77) when clang or its fuzzer runtime is missing.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
secs=${MXD_FUZZ_SECONDS:-30}
clang=${MXD_FUZZ_CC:-clang}

if ! command -v "$clang" >/dev/null 2>&1; then
    echo "SKIP: $clang not found (apt-get install clang)"
    exit 77
fi
case $secs in
'' | *[!0-9]*) echo "FAIL: MXD_FUZZ_SECONDS must be a number of seconds, got '$secs'"; exit 1 ;;
esac
if [ "$secs" -eq 0 ]; then
    echo "SKIP: MXD_FUZZ_SECONDS=0"
    exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mxd-fuzz.XXXXXX") || exit 1
keep=0
cleanup() { [ "$keep" = 1 ] || rm -rf "$tmp"; }
trap cleanup EXIT

flags="-g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$tmp/probe.c"
# shellcheck disable=SC2086
if ! "$clang" $flags "$tmp/probe.c" -o "$tmp/probe" >"$tmp/probe.log" 2>&1; then
    echo "SKIP: $clang cannot build with -fsanitize=fuzzer,address,undefined:"
    sed 's/^/  /' "$tmp/probe.log" | head -5
    exit 77
fi

failed=0
# target  source-under-test  corpus  max input length
for spec in "netstring policy/netstring.c netstring_corpus 2048" \
    "policy_attr policy/policy_attr.c policy_corpus 20000"; do
    # shellcheck disable=SC2086
    set -- $spec
    name=$1 src=$2 corpus=$3 maxlen=$4
    bin="$tmp/fuzz_$name"
    # shellcheck disable=SC2086
    if ! "$clang" $flags -Wall -Wextra -Werror -I"$top_srcdir/src" -I"$top_srcdir/policy" \
        "$top_srcdir/tests/fuzz/fuzz_$name.c" "$top_srcdir/$src" -o "$bin" >"$tmp/build_$name.log" 2>&1; then
        echo "FAIL: fuzz_$name does not build:"
        cat "$tmp/build_$name.log"
        failed=1
        continue
    fi
    nseeds=$(find "$top_srcdir/tests/fuzz/$corpus" -type f | wc -l)
    if [ "$nseeds" -eq 0 ]; then
        echo "FAIL: empty corpus tests/fuzz/$corpus"
        failed=1
        continue
    fi
    mkdir -p "$tmp/corpus_$name" "$tmp/crash_$name"
    cp "$top_srcdir/tests/fuzz/$corpus"/* "$tmp/corpus_$name/"
    # The corpus itself first: every file a past crash, every one must pass.
    if ! "$bin" -runs=0 -artifact_prefix="$tmp/crash_$name/" "$tmp/corpus_$name" >"$tmp/replay_$name.log" 2>&1; then
        echo "FAIL: fuzz_$name fails on its corpus:"
        tail -n 30 "$tmp/replay_$name.log"
        failed=1
        continue
    fi
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$bin" -max_total_time="$secs" -max_len="$maxlen" -timeout=10 -rss_limit_mb=1024 \
        -print_final_stats=1 -artifact_prefix="$tmp/crash_$name/" \
        "$tmp/corpus_$name" >"$tmp/fuzz_$name.log" 2>&1
    rc=$?
    if [ $rc -ne 0 ] || grep -q -e 'runtime error:' -e 'ERROR: AddressSanitizer' \
        -e 'ERROR: LeakSanitizer' -e 'ERROR: libFuzzer' "$tmp/fuzz_$name.log" ||
        [ -n "$(ls "$tmp/crash_$name")" ]; then
        keep=1
        echo "FAIL: fuzz_$name (exit $rc) found a failing input; log and inputs kept in $tmp:"
        grep -m 5 -e 'ERROR' -e 'runtime error:' "$tmp/fuzz_$name.log"
        grep -E 'SUMMARY|#[0-9]+ in ' "$tmp/fuzz_$name.log" | head -n 20
        for f in "$tmp/crash_$name"/*; do
            [ -f "$f" ] || continue
            echo "input $(basename "$f") (hex, first 512 octets):"
            od -An -tx1 -N512 "$f"
        done
        failed=1
        continue
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/fuzz_$name.log")
    now=$(find "$tmp/corpus_$name" -type f | wc -l)
    if [ -z "$runs" ] || [ "$runs" -eq 0 ]; then
        echo "FAIL: fuzz_$name ran no inputs"
        tail -n 20 "$tmp/fuzz_$name.log"
        failed=1
        continue
    fi
    echo "ok: fuzz_$name: $runs inputs in ${secs}s, corpus $nseeds -> $now files, no failure"
done
exit $failed
