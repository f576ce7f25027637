# bench/lib.sh - what the bench scripts share.  Sourced after BENCH (the
# script's name, for messages) is set:
#   die MSG...           print "BENCH: MSG" on stderr, exit 1
#   poll TRIES CMD...    run CMD until it succeeds, 50 ms a try, TRIES at most
#   bench_tmp TAG        T = a new temporary folder, removed on exit
#   track PID            stop PID on exit (TERM, then wait)
#   stop_pid PID         stop it now ("" is a no-op) and forget it
# On exit every tracked process is stopped, by PID, and T is removed.
PIDS=""
T=""

die() {
    echo "$BENCH: $*" >&2
    exit 1
}

poll() {
    _n=$1
    shift
    until "$@"; do
        _n=$((_n - 1))
        [ $_n -gt 0 ] || return 1
        sleep 0.05
    done
}

bench_tmp() {
    T=$(mktemp -d "${TMPDIR:-/tmp}/mxd-$1.XXXXXX") || die mktemp
}

track() {
    PIDS="$PIDS $1"
}

stop_pid() {
    [ -n "$1" ] || return 0
    kill "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    PIDS=$(for _p in $PIDS; do [ "$_p" = "$1" ] || printf ' %s' "$_p"; done)
}

bench_cleanup() {
    for _p in $PIDS; do kill "$_p" 2>/dev/null; done
    for _p in $PIDS; do wait "$_p" 2>/dev/null; done
    [ -z "$T" ] || rm -rf "$T"
}
trap bench_cleanup EXIT
trap 'exit 1' INT TERM HUP
