# tests/daemon/lib.sh - shared by the daemon tests (sourced, not run).
#
# Runs the real mxdetourd in the foreground with a config in a temporary
# directory: every listener a unix socket there, no milter, no privilege
# drop, the state file there, and tests/dns/fakedns.py serving
# tests/daemon/zone.rules as the only resolver.  Peers are Postfix's own
# postmap(1) and tests/daemon/client.py (socketmap and policy as Postfix
# speaks them, and as broken peers do).
#
#   d_dns_start [RULES]       start fakedns on a free loopback port (DNS_PORT),
#                             serving RULES (default tests/daemon/zone.rules)
#   d_write_conf [YAML]       write $CONF: the fixed part, then YAML (routing,
#                             domains...; default: $D_ROUTING)
#   d_start                   start `mxdetourd -f -c $CONF`, wait until the
#                             socketmap, policy and control sockets answer
#   d_stop                    SIGTERM; it must exit 0 within 10 s
#   d_hup                     SIGHUP, wait until the daemon logged the reload
#   sm MAP KEY...             client.py sm: answers, one a line, into $SM_OUT
#   pm KEY [MAP]              postmap -q KEY socketmap:unix:$SM_SOCK:MAP
#                             (default postfix-transport); sets PM_OUT PM_RC
#   cli ARGS...               mxdetour -c $CONF ARGS; sets CLI_OUT CLI_RC
#   wait_verdict DOMAIN       poll `mxdetour lookup` (bounded) until the
#                             verdict is not unknown; sets VERDICT
#   expect_eq GOT WANT WHAT   / expect_match GOT ERE WHAT
#   expect_log ERE            a daemon stderr line matches
#   alive                     the daemon still runs and answers a good request
#   fail MSG / skip MSG / pass [MSG]
#
# Everything started here is stopped by PID on exit; the temp dir is removed
# unless KEEP_TMP=1.  Every wait is a bounded poll.
#
# The variables set here (routes, *_OUT, *_RC) are read by the sourcing test:
# shellcheck disable=SC2034

set -u

PY=/usr/bin/python3
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
D_DIR="$top_srcdir/tests/daemon"
MXDD="$top_builddir/src/mxdetourd"
MXD="$top_builddir/src/mxdetour"
FAKEDNS="$top_srcdir/tests/dns/fakedns.py"
CLIENT="$D_DIR/client.py"
TEST_NAME=$(basename "$0" .sh)
D_PID=""
DNS_PID=""

# Routes the zone and config below lead to.
LISTED_ROUTE="smtp:[203.0.113.25]:25"
BROKEN_ROUTE="smtp:[127.0.0.11]:25"
BROKEN2_ROUTE="smtp:[127.0.0.14]:25"
D_ROUTING='routing:
  mode: rewrite
  on_broken: pin-mx
  smarthost: "[203.0.113.25]:25"
domains:
  - domain: listed.test
    route: smarthost'

skip() {
    echo "SKIP: $TEST_NAME: $*"
    exit 77
}

d_dump() {
    [ -n "${TMPD:-}" ] || return 0
    for f in "$TMPD/daemon.log" "$TMPD/dns.log"; do
        [ -f "$f" ] || continue
        echo "--- $f (last 40 lines):"
        tail -n 40 "$f"
    done
}

fail() {
    echo "FAIL: $TEST_NAME: $*"
    d_dump
    exit 1
}

pass() {
    echo "PASS: $TEST_NAME${1:+: $1}"
}

[ -x "$PY" ] || skip "$PY not found"
"$PY" -c 'import dnslib' 2>/dev/null || skip "python3-dnslib not installed (apt-get install python3-dnslib)"
[ -f "$FAKEDNS" ] || skip "$FAKEDNS missing"
[ -x "$MXDD" ] || fail "$MXDD not built (run make first)"
[ -x "$MXD" ] || fail "$MXD not built (run make first)"

TMPD=$(mktemp -d "${TMPDIR:-/tmp}/mxd-d.XXXXXX") || fail "mktemp"
CONF="$TMPD/mxdetour.yaml"
SM_SOCK="$TMPD/sm.sock"
POLICY_SOCK="$TMPD/policy.sock"
CONTROL_SOCK="$TMPD/control.sock"
STATE="$TMPD/verdicts"
PFDIR="$TMPD/postfix" # a config directory for postmap -c: no system main.cf needed
if ! mkdir "$PFDIR" || ! printf 'compatibility_level = 3.6\n' >"$PFDIR/main.cf"; then
    fail "cannot write $PFDIR"
fi

d_kill() { # PID
    [ -n "$1" ] || return 0
    kill "$1" 2>/dev/null
    wait "$1" 2>/dev/null
}

d_cleanup() {
    d_kill "$D_PID"
    d_kill "$DNS_PID"
    if [ "${KEEP_TMP:-0}" = 1 ]; then
        echo "kept $TMPD"
    else
        rm -rf "$TMPD"
    fi
}
trap d_cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

# Waits (bounded: N tries of 50 ms) until the command succeeds.
poll() { # N CMD...
    _pn=$1
    _pi=0
    shift
    until "$@"; do
        _pi=$((_pi + 1))
        [ $_pi -le "$_pn" ] || return 1
        sleep 0.05
    done
}

d_dns_start() {
    "$PY" "$FAKEDNS" --listen 127.0.0.1 --port 0 --portfile "$TMPD/dns.port" \
        --pidfile "$TMPD/dns.pid" --rules "${1:-$D_DIR/zone.rules}" 2>"$TMPD/dns.log" &
    DNS_PID=$!
    poll 200 test -s "$TMPD/dns.pid" || fail "fakedns did not start within 10 s"
    DNS_PORT=$(cat "$TMPD/dns.port")
}

d_write_conf() { # [YAML]
    cat >"$CONF" <<EOF
# written by tests/daemon/lib.sh for $TEST_NAME
listen:
  milter: ""
  socketmap: "unix:$SM_SOCK"
  policy: "unix:$POLICY_SOCK"
  control: "unix:$CONTROL_SOCK"
  socket_mode: "0660"
  socket_group: ""
user: ""
state_file: "$STATE"
resolvers:
  local: ["127.0.0.1:$DNS_PORT"]
  external: []
probe:
  timeout: 500ms
  tries: 1
log:
  level: debug
EOF
    printf '%s\n' "${1:-$D_ROUTING}" >>"$CONF"
}

d_running() {
    [ -n "$D_PID" ] && kill -0 "$D_PID" 2>/dev/null
}

d_ready() {
    d_running || fail "mxdetourd exited: $(tail -n 5 "$TMPD/daemon.log")"
    [ -S "$SM_SOCK" ] && [ -S "$POLICY_SOCK" ] && [ -S "$CONTROL_SOCK" ] &&
        "$MXD" -c "$CONF" status >/dev/null 2>&1
}

d_start() {
    "$MXDD" -f -c "$CONF" 2>>"$TMPD/daemon.log" &
    D_PID=$!
    poll 200 d_ready || fail "mxdetourd did not answer on its sockets within 10 s"
}

d_gone() {
    ! kill -0 "$D_PID" 2>/dev/null
}

d_stop() {
    kill -TERM "$D_PID" 2>/dev/null || fail "mxdetourd is not running at the end"
    poll 200 d_gone || fail "mxdetourd still running 10 s after SIGTERM"
    wait "$D_PID"
    rc=$?
    D_PID=""
    [ "$rc" -eq 0 ] || fail "mxdetourd exited $rc after SIGTERM, expected 0"
}

d_log_count() { # ERE
    grep -Ec -- "$1" "$TMPD/daemon.log"
}

d_hup() {
    before=$(d_log_count 'reload')
    kill -HUP "$D_PID" || fail "cannot signal mxdetourd"
    poll 200 d_reloaded "$before" || fail "no reload logged within 10 s of SIGHUP"
}

d_reloaded() { # COUNT_BEFORE
    [ "$(d_log_count 'reload')" -gt "$1" ]
}

sm() { # MAP KEY...
    SM_OUT=$("$PY" "$CLIENT" sm "$SM_SOCK" "$@" 2>&1)
    SM_RC=$?
}

pm() { # KEY [MAP]
    PM_OUT=$(timeout 20 postmap -c "$PFDIR" -q "$1" "socketmap:unix:$SM_SOCK:${2:-postfix-transport}" 2>&1)
    PM_RC=$?
}

cli() { # ARGS...
    CLI_OUT=$("$MXD" -c "$CONF" "$@" 2>&1)
    CLI_RC=$?
}

lookup_verdict() { # DOMAIN -> VERDICT
    VERDICT=$("$MXD" -c "$CONF" lookup "$1" 2>/dev/null | sed -n 's/^verdict: //p')
}

verdict_known() { # DOMAIN
    lookup_verdict "$1"
    [ -n "$VERDICT" ] && [ "$VERDICT" != unknown ]
}

wait_verdict() { # DOMAIN
    poll 200 verdict_known "$1" || fail "$1: verdict still '${VERDICT:-}' after 10 s"
}

expect_eq() { # GOT WANT WHAT
    [ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
}

expect_match() { # GOT ERE WHAT
    printf '%s\n' "$1" | grep -Eq -- "$2" || fail "$3: got '$1', want a match of /$2/"
}

expect_log() { # ERE
    grep -Eq -- "$1" "$TMPD/daemon.log" || fail "no daemon log line matches /$1/"
}

# The daemon still runs and answers a good request correctly.
alive() { # WHAT
    d_running || fail "mxdetourd died after $1"
    sm postfix-transport user@listed.test
    expect_eq "$SM_OUT" "OK $LISTED_ROUTE" "socketmap answer after $1"
}

command -v postmap >/dev/null 2>&1 || PATH="$PATH:/usr/sbin"
