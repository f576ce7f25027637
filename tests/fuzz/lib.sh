# tests/fuzz/lib.sh - shared by the fuzz run scripts (sourced, not run).
#
#   fuzz_init               check clang's libFuzzer; SKIP (77) without it,
#                           FAIL under CI=true (the suite installs clang)
#   fuzz_target NAME SECS MAXLEN CORPUS DICT SOURCES [CFLAGS...]
#       builds tests/fuzz/fuzz_NAME.c with SOURCES (paths from top_srcdir)
#       under -fsanitize=fuzzer,address,undefined, replays CORPUS (each file
#       must pass on its own), then fuzzes a temporary copy of it for SECS
#       seconds; a crash, a broken invariant, a leak or a sanitizer report
#       fails it and prints the input in hex (add it to CORPUS once fixed).
#       DICT may be "-".  Returns 0 or 1; FUZZ_FAILED is set to 1 on failure.
#   fuzz_seconds DEFAULT    MXD_FUZZ_SECONDS or DEFAULT; 0 SKIPs
#
# The checked-in corpus is never written; a failing run keeps its temp dir.
. "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
CLANG=${CLANG:-clang}
FUZZ_FLAGS="-g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
FUZZ_FAILED=0
fuzz_keep=0
fuzz_tmp=$(mktemp -d "${TMPDIR:-/tmp}/mxd-fuzz.XXXXXX") || exit 1
# shellcheck disable=SC2317 # called by the trap
fuzz_cleanup() { [ "$fuzz_keep" = 1 ] || rm -rf "$fuzz_tmp"; }
trap fuzz_cleanup EXIT

fuzz_seconds() { # DEFAULT
    secs=${MXD_FUZZ_SECONDS:-$1}
    case $secs in
    '' | *[!0-9]*) echo "FAIL: MXD_FUZZ_SECONDS=$secs is not a number of seconds"; exit 1 ;;
    esac
    if [ "$secs" -eq 0 ]; then
        echo "SKIP: MXD_FUZZ_SECONDS=0"
        exit 77
    fi
}

fuzz_init() {
    need_cmd "$CLANG" "apt-get install clang"
    printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
        >"$fuzz_tmp/probe.c"
    # shellcheck disable=SC2086 # FUZZ_FLAGS is a word list
    if ! "$CLANG" $FUZZ_FLAGS "$fuzz_tmp/probe.c" -o "$fuzz_tmp/probe" >"$fuzz_tmp/probe.log" 2>&1; then
        need "$CLANG cannot link -fsanitize=fuzzer,address,undefined: $(head -n 1 "$fuzz_tmp/probe.log")"
    fi
}

fuzz_report() { # LOG CRASHDIR
    fuzz_keep=1
    FUZZ_FAILED=1
    grep -m 5 -e 'ERROR' -e 'runtime error:' "$1"
    grep -E 'SUMMARY|#[0-9]+ in ' "$1" | head -n 20
    for f in "$2"/*; do
        [ -f "$f" ] || continue
        echo "input $(basename "$f") (hex, first 512 octets):"
        od -An -tx1 -N512 "$f"
    done
}

fuzz_target() { # NAME SECS MAXLEN CORPUS DICT SOURCES [CFLAGS...]
    name=$1 fsecs=$2 maxlen=$3 corpus=$4 dict=$5 sources=$6
    shift 6
    bin="$fuzz_tmp/fuzz_$name" work="$fuzz_tmp/$name"
    mkdir -p "$work/corpus" "$work/crashes"
    extra="$*" # libraries: after the sources, for --as-needed linkers
    set -- "$top_srcdir/tests/fuzz/fuzz_$name.c"
    for src in $sources; do
        set -- "$@" "$top_srcdir/$src"
    done
    # shellcheck disable=SC2086 # FUZZ_FLAGS and extra are word lists
    if ! "$CLANG" $FUZZ_FLAGS -Wall -Wextra -Werror -I"$top_srcdir/src" -I"$top_srcdir/policy" \
        "$@" $extra -o "$bin" >"$work/build.log" 2>&1; then
        cat "$work/build.log"
        echo "FAIL: fuzz_$name does not build"
        FUZZ_FAILED=1
        return 1
    fi
    cp "$top_srcdir/tests/fuzz/$corpus"/* "$work/corpus/" || { FUZZ_FAILED=1; return 1; }
    nseeds=$(find "$work/corpus" -type f | wc -l)
    if ! "$bin" -runs=0 -artifact_prefix="$work/crashes/" "$work/corpus" >"$work/replay.log" 2>&1; then
        fuzz_report "$work/replay.log" "$work/crashes"
        echo "FAIL: fuzz_$name fails on its corpus; log $work/replay.log"
        return 1
    fi
    set -- -max_total_time="$fsecs" -max_len="$maxlen" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$work/crashes/"
    [ "$dict" = - ] || set -- "$@" -dict="$top_srcdir/tests/fuzz/$dict"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$bin" "$@" "$work/corpus" >"$work/fuzz.log" 2>&1
    rc=$?
    tail -n 4 "$work/fuzz.log"
    if [ $rc -ne 0 ] || grep -q -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' \
        -e 'runtime error:' -e 'ERROR: libFuzzer' "$work/fuzz.log" ||
        [ -n "$(ls "$work/crashes")" ]; then
        fuzz_report "$work/fuzz.log" "$work/crashes"
        echo "FAIL: fuzz_$name exit $rc; log $work/fuzz.log, inputs in $work/crashes/"
        return 1
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log")
    if [ -z "$runs" ] || [ "$runs" -eq 0 ]; then
        fuzz_keep=1
        FUZZ_FAILED=1
        echo "FAIL: fuzz_$name executed no inputs; log $work/fuzz.log"
        return 1
    fi
    echo "ok: fuzz_$name: $runs inputs in ${fsecs}s, corpus $nseeds -> $(find "$work/corpus" -type f | wc -l) files, no failure"
}
