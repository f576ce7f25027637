# tests/milter/lib.sh - shared by the milter test runners (sourced, not run).
#
# Each case is t-CASE.sh (this library's caller), CASE.lua (the miltertest
# script: the SMTP side and the header assertions) and CASE.yaml (the
# probe/routing/domains part of the daemon config; default.yaml when there
# is none).  The real daemon runs against fakedns.py serving zone.rules.
# The generic helpers (results, need, poll, fakedns, mxd_stop...) are
# tests/lib/common.sh's.
#
#   mt_start CASE     fakedns, config = base + CASE.yaml, a stale
#                     socket file where the milter socket goes, then
#                     `mxdetourd -f -c CONF`; waits until it listens
#   mt_run LUA [NAME=VALUE]...
#                     runs miltertest -s LUA -D spec=... -D libdir=...; sets
#                     MT_RC and MT_MS (wall time of the whole run)
#   mt_expect_rc N    the last miltertest exit code
#   mt_expect_nolog ERE
#                     no line of the daemon's stderr matches (expect_log:
#                     one does)
#   mt_expect_ms_le N / mt_expect_ms_ge N
#   mxd_stop          (common) SIGTERM the daemon; it must exit 0 within
#                     10 s; sets MXD_STOP_MS
#
# Everything started here is stopped by PID on exit; the temp dir is removed
# unless KEEP_TMP=1.  No sleeps-and-hope: every wait is a bounded poll.

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
MT_DIR="$top_srcdir/tests/milter"
MT_RC=""
MT_MS=0

lib_dump() {
    [ -n "$TMPD" ] || return 0
    for f in "$TMPD/daemon.log" "$TMPD/mt.out" "$TMPD/dns.log"; do
        [ -f "$f" ] || continue
        echo "--- $f (last 60 lines):"
        tail -n 60 "$f"
    done
}

need_cmd miltertest "apt-get install miltertest"
need_dnslib
need_built

lib_init milter
SOCK="$TMPD/milter.sock"
MILTER_SPEC="unix:$SOCK" # a runner may set inet:PORT@HOST before mt_start
CONF="$TMPD/mxdetour.yaml"
pf_private_dir

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
    conf_postfix_dir "$CONF"
}

mxd_ready() {
    grep -q 'milter: listening on' "$TMPD/daemon.log"
}

mt_start() { # CASE
    fakedns_start "$MT_DIR/zone.rules"
    mt_write_conf "$1"
    case $MILTER_SPEC in unix:*) mt_stale_socket ;; esac
    mxd_start
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
