# tests/milter/lib.sh - shared by the milter test runners (sourced, not run).
#
# Each case is t-CASE.sh (this library's caller), CASE.lua (the miltertest
# script: the SMTP side and the header assertions) and CASE.yaml (the
# probe/routing/domains part of the daemon config; default.yaml when there
# is none).  The real daemon runs against fakedns.py serving zone.rules.
#
#   mt_start CASE     fakedns, config = base + CASE.yaml, a stale
#                     socket file where the milter socket goes, then
#                     `mxdetourd -f -c CONF`; waits until it listens
#   mt_run LUA [NAME=VALUE]...
#                     runs miltertest -s LUA -D spec=... -D libdir=...; sets
#                     MT_RC and MT_MS (wall time of the whole run)
#   mt_expect_rc N    the last miltertest exit code
#   mt_expect_log ERE / mt_expect_nolog ERE
#                     a line of the daemon's stderr matches / none does
#   mt_expect_ms_le N / mt_expect_ms_ge N
#   mt_finish         SIGTERM the daemon; it must exit 0 within 10 s;
#                     sets MT_STOP_MS
#   fail MSG / skip MSG / pass [MSG]
#
# Everything started here is stopped by PID on exit; the temp dir is removed
# unless KEEP_TMP=1.  No sleeps-and-hope: every wait is a bounded poll.

set -u

PY=/usr/bin/python3
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
MT_DIR="$top_srcdir/tests/milter"
MXD="$top_builddir/src/mxdetourd"
FAKEDNS="$top_srcdir/tests/dns/fakedns.py"
TEST_NAME=$(basename "$0" .sh)
MT_DAEMON_PID=""
MT_DNS_PID=""
MT_RC=""
MT_MS=0

skip() {
    echo "SKIP: $TEST_NAME: $*"
    exit 77
}

mt_dump() {
    [ -n "${TMPD:-}" ] || return 0
    for f in "$TMPD/daemon.log" "$TMPD/mt.out" "$TMPD/dns.log"; do
        [ -f "$f" ] || continue
        echo "--- $f (last 60 lines):"
        tail -n 60 "$f"
    done
}

fail() {
    echo "FAIL: $TEST_NAME: $*"
    mt_dump
    exit 1
}

pass() {
    echo "PASS: $TEST_NAME${1:+: $1}"
}

command -v miltertest >/dev/null 2>&1 || skip "miltertest not installed (apt-get install miltertest)"
[ -x "$PY" ] || skip "$PY not found"
"$PY" -c 'import dnslib' 2>/dev/null || skip "python3-dnslib not installed (apt-get install python3-dnslib)"
[ -x "$MXD" ] || fail "$MXD not built (run make first)"

# A unix socket path has at most 107 octets: a deep TMPDIR falls back to /tmp.
mt_tmp=${TMPDIR:-/tmp}
[ ${#mt_tmp} -le 60 ] || mt_tmp=/tmp
TMPD=$(mktemp -d "$mt_tmp/mxd-milter.XXXXXX") || fail "mktemp"
SOCK="$TMPD/milter.sock"
MILTER_SPEC="unix:$SOCK" # a runner may set inet:PORT@HOST before mt_start
CONF="$TMPD/mxdetour.yaml"

mt_kill() { # PID
    [ -n "$1" ] || return 0
    kill "$1" 2>/dev/null
    wait "$1" 2>/dev/null
}

mt_cleanup() {
    mt_kill "$MT_DAEMON_PID"
    mt_kill "$MT_DNS_PID"
    if [ "${KEEP_TMP:-0}" = 1 ]; then
        echo "kept $TMPD"
    else
        rm -rf "$TMPD"
    fi
}
trap mt_cleanup EXIT
trap 'exit 1' INT TERM HUP

now_ms() {
    date +%s%3N
}

# Waits (bounded: N tries of 50 ms) until the command succeeds.
mt_poll() { # N CMD...
    local n=$1 i=0
    shift
    until "$@"; do
        i=$((i + 1))
        [ $i -le "$n" ] || return 1
        sleep 0.05
    done
}

mt_dns_start() {
    "$PY" "$FAKEDNS" --listen 127.0.0.1 --port 0 --portfile "$TMPD/dns.port" \
        --rules "$MT_DIR/zone.rules" 2>"$TMPD/dns.log" &
    MT_DNS_PID=$!
    mt_poll 200 test -s "$TMPD/dns.port" || fail "fakedns did not start"
    DNS_PORT=$(cat "$TMPD/dns.port")
}

# A unix socket file nobody listens on, as a crashed daemon leaves behind:
# the milter must replace it.
mt_stale_socket() {
    "$PY" -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.close()' \
        "$SOCK" || fail "cannot create the stale socket $SOCK"
}

mt_write_conf() { # CASE
    cat >"$CONF" <<EOF
# written by tests/milter/lib.sh for $TEST_NAME
listen:
  milter: "$MILTER_SPEC"
  socketmap: ""
  policy: ""
  control: "unix:$TMPD/control.sock"
  socket_mode: "0660"
  socket_group: ""
user: ""
state_file: "$TMPD/verdicts"
resolvers:
  local: ["127.0.0.1:$DNS_PORT"]
  external: []
log:
  level: info
EOF
    local y="$MT_DIR/$1.yaml"
    [ -f "$y" ] || y="$MT_DIR/default.yaml"
    cat "$y" >>"$CONF" || fail "cannot read $y"
}

mt_listening() {
    kill -0 "$MT_DAEMON_PID" 2>/dev/null || fail "mxdetourd exited: $(tail -n 5 "$TMPD/daemon.log")"
    grep -q 'milter: listening on' "$TMPD/daemon.log"
}

mt_start() { # CASE
    mt_dns_start
    mt_write_conf "$1"
    case $MILTER_SPEC in unix:*) mt_stale_socket ;; esac
    "$MXD" -f -c "$CONF" 2>"$TMPD/daemon.log" &
    MT_DAEMON_PID=$!
    mt_poll 200 mt_listening || fail "mxdetourd did not start its milter within 10 s"
}

mt_run() { # LUA [NAME=VALUE]...
    local lua="$1" t0 t1 defs=""
    shift
    for d in "$@"; do
        defs="$defs -D $d"
    done
    t0=$(now_ms)
    # shellcheck disable=SC2086 # defs holds separate words on purpose
    timeout 120 miltertest -s "$MT_DIR/$lua" -D spec="$MILTER_SPEC" -D libdir="$MT_DIR" $defs \
        >"$TMPD/mt.out" 2>&1
    MT_RC=$?
    t1=$(now_ms)
    MT_MS=$((t1 - t0))
    echo "# miltertest -s $lua $* => rc=$MT_RC in ${MT_MS}ms"
    sed 's/^/#   /' "$TMPD/mt.out"
    [ "$MT_RC" -ne 124 ] || fail "miltertest hung (killed after 120 s)"
}

mt_expect_rc() {
    [ "$MT_RC" = "$1" ] || fail "miltertest exit code $MT_RC, expected $1"
}

mt_expect_log() { # ERE
    grep -Eq -- "$1" "$TMPD/daemon.log" || fail "no daemon log line matches: $1"
}

mt_expect_nolog() { # ERE
    if grep -Eq -- "$1" "$TMPD/daemon.log"; then
        fail "a daemon log line matches: $1"
    fi
}

mt_expect_ms_le() {
    [ "$MT_MS" -le "$1" ] || fail "took ${MT_MS} ms, expected <= $1 ms"
}

mt_expect_ms_ge() {
    [ "$MT_MS" -ge "$1" ] || fail "took ${MT_MS} ms, expected >= $1 ms"
}

mt_gone() {
    ! kill -0 "$MT_DAEMON_PID" 2>/dev/null
}

mt_finish() {
    local rc t0
    t0=$(now_ms)
    kill -TERM "$MT_DAEMON_PID" 2>/dev/null || fail "mxdetourd is not running at the end"
    mt_poll 200 mt_gone || fail "mxdetourd still running 10 s after SIGTERM"
    wait "$MT_DAEMON_PID"
    rc=$?
    MT_DAEMON_PID=""
    [ "$rc" -eq 0 ] || fail "mxdetourd exited $rc after SIGTERM"
    MT_STOP_MS=$(($(now_ms) - t0))
    echo "# mxdetourd stopped in $MT_STOP_MS ms"
}
