#!/bin/bash
# tests/sanitize.sh JOB - one of the suite's extra builds, in a copy of the
# tree under /tmp (the source tree itself keeps its -Werror gcc build):
#   clang  clang with --enable-werror: every program and test program builds
#   asan   gcc with AddressSanitizer (LeakSanitizer included) and UBSan:
#          the unit, fuzz-replay, DNS, daemon and milter layers
#   tsan   gcc with ThreadSanitizer: the daemon and milter layers
# Any sanitizer report makes the process exit non-zero (a daemon that must
# exit 0 after SIGTERM, a CLI whose exit code is checked, a unit test), so
# it shows as a failed test.  Prints the layers' PASS/FAIL lines with the job
# name in front and, last, "N passed, N failed, N skipped" for tests/suite.sh.
set -uo pipefail
cd "$(dirname "$0")/.."
job=${1:?usage: tests/sanitize.sh clang|asan|tsan}
src=$PWD
dir=$(mktemp -d "/tmp/mxd-$job.XXXXXX") || exit 1
# Tests run programs as other users (Postfix, Exim): the copy must be readable.
chmod 755 "$dir"
# The copy goes unless a test failed and KEEP_TMP=1 asks to look at it.
keep=0
trap '[ "$keep" = 1 ] && [ "${KEEP_TMP:-0}" = 1 ] && echo "kept $dir" || rm -rf "$dir"' EXIT
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$src" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -C "$dir" -xf -
else
    cp -a "$src/." "$dir/" && rm -f "$dir/config.status"
fi
cd "$dir" || exit 1

san_env() {
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=23
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    # Why each suppression is there: tests/tsan.supp.
    export TSAN_OPTIONS="exitcode=66:halt_on_error=0:second_deadlock_stack=1:suppressions=$dir/tests/tsan.supp"
}

layer() { # GLOB...: the test names make check knows for these files
    for f in "$@"; do
        case $f in
        *.c) printf '%s ' "${f%.c}" ;;
        *) printf '%s ' "$f" ;;
        esac
    done
}

case $job in
clang)
    conf=(CC=clang --enable-werror)
    tests=""
    ;;
asan)
    flags="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"
    conf=(CC=gcc "CFLAGS=$flags" "LDFLAGS=-fsanitize=address,undefined")
    tests=$(layer tests/unit/test_*.c tests/fuzz/*_replay.sh tests/dns/t-*.sh tests/daemon/t-*.sh \
        tests/milter/t-*.sh)
    san_env
    ;;
tsan)
    flags="-O1 -g -fno-omit-frame-pointer -fsanitize=thread"
    conf=(CC=gcc "CFLAGS=$flags" "LDFLAGS=-fsanitize=thread")
    tests=$(layer tests/daemon/t-*.sh tests/milter/t-*.sh)
    san_env
    ;;
*)
    echo "usage: tests/sanitize.sh clang|asan|tsan" >&2
    exit 2
    ;;
esac

if ! { ./autogen.sh && ./configure -q "${conf[@]}" && make -s -j2 && make -s -j2 check TESTS=; } \
    >build.log 2>&1; then
    tail -30 build.log | sed "s/^/$job: /"
    keep=1
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
fi
if [ -z "$tests" ]; then
    echo "PASS: $job: build of every program and test program"
    echo "1 passed, 0 failed, 0 skipped"
    exit 0
fi
# TSan needs the address-space layout it was built for: kernels with more
# mmap randomisation than it knows make it stop at start ("unexpected memory
# mapping"); setarch -R turns the randomisation off for these runs.
run=()
[ "$job" = tsan ] && command -v setarch >/dev/null && run=(setarch "$(uname -m)" -R)
# shellcheck disable=SC2086 # the test list is a word list
"${run[@]}" make -j2 check TESTS="$tests" >check.log 2>&1
status=$?
grep -E '^(PASS|FAIL|SKIP|ERROR|XPASS):' check.log | sed "s/^\([A-Z]*\): /\1: $job: /"
for log in $(grep -lE '^:test-result: (FAIL|ERROR)' $(find tests -name '*.trs') 2>/dev/null); do
    keep=1
    echo "---- $job: ${log%.trs}.log"
    tail -40 "${log%.trs}.log"
done
count() { n=$(sed -n "s/^# $1: *//p" test-suite.log 2>/dev/null | head -1); echo "${n:-0}"; }
pass=$(count PASS)
failed=$(($(count FAIL) + $(count ERROR) + $(count XPASS)))
[ -f test-suite.log ] || { tail -20 check.log; failed=$((failed + 1)); }
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "$pass passed, $failed failed, $(count SKIP) skipped"
[ "$failed" -eq 0 ]
