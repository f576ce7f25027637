#!/bin/bash
# The whole test suite: installs the Debian packages the build and the tests
# need, builds with -Werror, runs `make check` (unit, fuzz, DNS, daemon,
# milter, end-to-end and lint layers) and prints the automake totals as its
# last line: "N passed, N failed, N skipped".  Run as root from the source tree.
# Under CI=true nothing may be skipped: this script installs everything the
# tests need, so a skipped test is printed with its reason and the suite
# exits non-zero (the tests themselves fail instead of skipping when
# something the suite installs is missing: need in tests/lib/common.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
. contrib/deps.sh
if ! mxd_apt_install $BUILD_DEPS $TEST_DEPS; then
    echo "suite: apt-get install failed" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
[ -x tests/e2e/deps.sh ] && { bash tests/e2e/deps.sh || echo "suite: e2e deps failed" >&2; }
build() {
    ./autogen.sh >/dev/null 2>&1 && ./configure -q --enable-werror && make -s -j2
}
if ! build >build.log 2>&1; then
    tail -40 build.log
    echo "0 passed, 1 failed"
    exit 1
fi
make -j2 check >check.log 2>&1
status=$?
grep -E '^(PASS|FAIL|SKIP|ERROR|XPASS|XFAIL):' check.log
for log in $(grep -lE '^:test-result: (FAIL|ERROR)' $(find tests -name '*.trs') 2>/dev/null); do
    echo "---- ${log%.trs}.log"
    tail -30 "${log%.trs}.log"
done
count() { sed -n "s/^# $1: *//p" test-suite.log | head -1; }
pass=$(count PASS); fail=$(count FAIL); err=$(count ERROR); xpass=$(count XPASS); skip=$(count SKIP)
failed=$(( ${fail:-0} + ${err:-0} + ${xpass:-0} ))
if [ -z "$pass" ]; then
    tail -40 check.log
    echo "0 passed, 1 failed"
    exit 1
fi
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
# The sanitizer and clang builds (tests/sanitize.sh), each counted like the
# tests above; MXD_SANITIZE=0 leaves them out of a quick local run.
if [ "${MXD_SANITIZE:-1}" != 0 ]; then
    for job in clang asan tsan; do
        bash tests/sanitize.sh "$job" >"sanitize-$job.log" 2>&1
        grep -E '^(PASS|FAIL|SKIP|ERROR|XPASS): ' "sanitize-$job.log"
        grep -qE '^(FAIL|ERROR)' "sanitize-$job.log" && sed -n '/^---- /,$p' "sanitize-$job.log" | head -80
        line=$(tail -n 1 "sanitize-$job.log")
        if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
            pass=$((pass + BASH_REMATCH[1]))
            failed=$((failed + BASH_REMATCH[2]))
            skip=$((${skip:-0} + BASH_REMATCH[3]))
        else
            echo "suite: tests/sanitize.sh $job ended without a summary: $line"
            failed=$((failed + 1))
        fi
    done
fi
skip_forbidden=0
if [ "${CI:-}" = true ] && [ "${skip:-0}" -ne 0 ]; then
    skip_forbidden=1
    echo "suite: CI=true and ${skip} tests skipped; every test must run here:"
    for log in $(grep -lE '^:test-result: SKIP' $(find tests -name '*.trs') 2>/dev/null); do
        echo "  ${log%.trs}: $(grep -m 1 -E '^SKIP: ' "${log%.trs}.log")"
    done
fi
echo "${pass} passed, ${failed} failed, ${skip:-0} skipped"
[ "$failed" -eq 0 ] && [ "$skip_forbidden" -eq 0 ]
