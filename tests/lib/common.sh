# tests/lib/common.sh - what every shell test layer shares (sourced, not run).
#
# Sourced by tests/dns/lib.sh, tests/daemon/lib.sh, tests/milter/lib.sh and
# tests/e2e/lib.sh (and, for need_cmd only, by the lint and fuzz scripts).
# Sourcing defines functions and paths and starts nothing; lib_init does.
#
# Results
#   pass [MSG]            print PASS (the test then ends normally)
#   fail MSG              print FAIL, run lib_dump, exit 1
#   skip MSG              exit 77: only for what the suite cannot provide
#                         (not root, no network namespaces...)
#   need MSG              something tests/suite.sh installs is missing: SKIP,
#                         but FAIL under CI=true, where it must be there
#   need_cmd CMD HINT     need "CMD not installed (HINT)" unless CMD runs
#   need_dnslib           python3 with dnslib (tests/dns/fakedns.py)
#   need_built            src/mxdetour and src/mxdetourd are built
#   lib_dump              a layer's hook: print its logs on failure
# Lifetime
#   lib_init NAME         make TMPD (short: unix socket paths hold 107
#                         octets), set the traps; on exit every tracked PID
#                         is stopped and TMPD removed (kept with KEEP_TMP=1)
#   track PID             stop PID on exit (untrack PID: not any more)
#   stop_pid PID          SIGTERM, SIGKILL after 5 s, reap, untrack
#   lib_cleanup_pre / lib_cleanup_post
#                         a layer's hooks: run before / after the PIDs stop
#   poll SECONDS CMD...   run CMD every 50 ms until it succeeds; 1 after
#                         SECONDS x 20 tries (never sleep-and-hope)
#   now_ms                wall clock in milliseconds
# Processes (inside the test's network namespace when IN_NS is set, e.g.
# IN_NS="ip netns exec NS": it execs the command, so $! is the process)
#   fakedns_start RULES [ADDR [PORT]]
#                         tests/dns/fakedns.py on ADDR:PORT (default
#                         127.0.0.1, a free port); waits until it answers a
#                         query; sets FD_PORT (and DNS_PORT), FD_LOG (the
#                         first server logs to $TMPD/dns.log, then dns2.log...);
#                         FD_OPTS: more fakedns options (FD_OPTS=--no-tcp)
#   unbound_start ZONE_ADDR:PORT [ADDR [PORT]]
#                         Debian's unbound as a real recursive resolver on
#                         ADDR:PORT (default 127.0.0.1, a free port; a
#                         restart passes the old UB_PORT), the test. zone
#                         stubbed to ZONE_ADDR:PORT (a fakedns), the root a
#                         static local zone: not one query leaves
#                         loopback; a private config
#                         ($TMPD/unbound.conf), `unbound -d`, never the
#                         system service; waits until it answers; sets
#                         UB_ADDR UB_PORT UB_PID UB_LOG ($TMPD/unbound.log)
#   unbound_stop          stop it by PID (its cache goes with it)
#   mxd_start             `mxdetourd -f -c $CONF`, stderr appended to
#                         $TMPD/daemon.log, D_PID; waits (10 s) until the
#                         layer's mxd_ready succeeds
#   mxd_stop              SIGTERM; it must exit 0 within 10 s; sets
#                         MXD_STOP_MS
#   mxd_kill              SIGKILL (a crash)
#   mxd_running / mxd_gone / mxd_log_count ERE / expect_log ERE
#   mxd_hup ERE           SIGHUP; waits until one more daemon line matches ERE
#   cli ARGS...           mxdetour -c ${CLI_CONF:-$CONF} ARGS; CLI_OUT CLI_RC
# Postfix
#   pf_private_dir        PFDIR=$TMPD/postfix holding a minimal main.cf,
#                         exported as MAIL_CONFIG: no Postfix command of a
#                         test (nor the postmap mxdetourd runs to publish)
#                         reads /etc/postfix, which a Postfix installed as
#                         "No configuration" does not even have
#   conf_postfix_dir FILE routing.postfix_config: $PFDIR in an mxdetour config
#   need_postfix_lmdb     postconf -c $PFDIR -m lists lmdb
# Assertions
#   expect_eq GOT WANT WHAT / expect_match GOT ERE WHAT
#
# The variables set here are read by the sourcing layers and tests:
# shellcheck disable=SC2034

set -u

PY=/usr/bin/python3
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
MXD="$top_builddir/src/mxdetour"
MXDD="$top_builddir/src/mxdetourd"
FAKEDNS="$top_srcdir/tests/dns/fakedns.py"
TEST_NAME=$(basename "$0" .sh)
# Postfix's commands live in /usr/sbin, not in a plain user's PATH.
case ":$PATH:" in
*:/usr/sbin:*) ;;
*) PATH="$PATH:/usr/sbin:/sbin" ;;
esac

TMPD=""
IN_NS=""
LIB_PIDS=""
D_PID=""
FD_N=0
CLI_CONF=""

# ---- results ----
lib_dump() { :; }

pass() {
    echo "PASS: $TEST_NAME${1:+: $1}"
}

fail() {
    echo "FAIL: $TEST_NAME: $*"
    lib_dump
    exit 1
}

skip() {
    echo "SKIP: $TEST_NAME: $*"
    exit 77
}

# tests/suite.sh installs everything a test needs (contrib/deps.sh,
# tests/e2e/deps.sh), so under CI a missing piece is a broken install, not
# a reason to skip.
need() { # MSG
    if [ "${CI:-}" = true ]; then
        echo "FAIL: $TEST_NAME: $* (CI=true: tests/suite.sh installs it, so it must be there)"
        exit 1
    fi
    skip "$*"
}

need_cmd() { # CMD HINT
    command -v "$1" >/dev/null 2>&1 || need "$1 not installed ($2)"
}

need_dnslib() {
    [ -x "$PY" ] || need "$PY not found (apt-get install python3)"
    "$PY" -c 'import dnslib' 2>/dev/null || need "python3-dnslib not installed (apt-get install python3-dnslib)"
}

need_built() {
    [ -x "$MXDD" ] || fail "$MXDD not built (run make first)"
    [ -x "$MXD" ] || fail "$MXD not built (run make first)"
}

# ---- lifetime ----
lib_cleanup_pre() { :; }
lib_cleanup_post() { :; }

stop_pid() { # PID
    [ -n "$1" ] || return 0
    kill -0 "$1" 2>/dev/null || {
        wait "$1" 2>/dev/null
        untrack "$1"
        return 0
    }
    kill "$1" 2>/dev/null
    _k=0
    while kill -0 "$1" 2>/dev/null && [ $_k -lt 50 ]; do
        sleep 0.1
        _k=$((_k + 1))
    done
    kill -9 "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    untrack "$1"
    return 0
}

track() { # PID
    LIB_PIDS="$LIB_PIDS $1"
}

# A reaped PID may be reused by another process: never signal it on exit.
untrack() { # PID
    LIB_PIDS=$(for _p in $LIB_PIDS; do [ "$_p" = "$1" ] || printf ' %s' "$_p"; done)
}

lib_cleanup() {
    set +e
    lib_cleanup_pre
    for _p in $LIB_PIDS; do
        stop_pid "$_p"
    done
    lib_cleanup_post
    if [ -n "$TMPD" ]; then
        if [ "${KEEP_TMP:-0}" = 1 ]; then
            echo "kept $TMPD"
        else
            rm -rf "$TMPD"
        fi
    fi
}

lib_init() { # NAME
    trap lib_cleanup EXIT
    trap 'exit 1' INT TERM HUP PIPE
    _t=${TMPDIR:-/tmp}
    [ ${#_t} -le 60 ] || _t=/tmp
    TMPD=$(mktemp -d "$_t/mxd-$1.XXXXXX") || fail "mktemp"
}

# local is dynamic in sh: CMD sees (and may set) the caller's locals, so
# the names here are ones no test uses.
poll() { # SECONDS CMD...
    local _poll_max=$(($1 * 20)) _poll_i=0
    shift
    until "$@"; do
        _poll_i=$((_poll_i + 1))
        [ $_poll_i -le $_poll_max ] || return 1
        sleep 0.05
    done
}

now_ms() {
    date +%s%3N
}

# ---- fake DNS ----
# One query; succeeds when a reply with its id comes back within 200 ms.
fakedns_ping() { # ADDR PORT
    $IN_NS "$PY" - "$1" "$2" <<'EOF'
import socket, sys
from dnslib import DNSRecord
q = DNSRecord.question("fakedns-ready.invalid", "A")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.2)
s.sendto(q.pack(), (sys.argv[1], int(sys.argv[2])))
try:
    d, _ = s.recvfrom(4096)
except OSError:
    sys.exit(1)
sys.exit(0 if DNSRecord.parse(d).header.id == q.header.id else 1)
EOF
}

fakedns_up() { # PORTFILE PID
    kill -0 "$2" 2>/dev/null || fail "fakedns exited: $(cat "$FD_LOG")"
    [ -s "$1" ]
}

fakedns_start() { # RULES [ADDR [PORT]]
    local addr="${2:-127.0.0.1}" pf pid
    FD_N=$((FD_N + 1))
    pf="$TMPD/fakedns$FD_N.port"
    FD_LOG="$TMPD/dns.log"
    [ "$FD_N" = 1 ] || FD_LOG="$TMPD/dns$FD_N.log"
    # shellcheck disable=SC2086 # FD_OPTS is a list of options
    $IN_NS "$PY" "$FAKEDNS" ${FD_OPTS:-} --listen "$addr" --port "${3:-0}" --portfile "$pf" --rules "$1" 2>>"$FD_LOG" &
    pid=$!
    track "$pid"
    poll 10 fakedns_up "$pf" "$pid" || fail "fakedns did not start within 10 s: $(cat "$FD_LOG")"
    FD_PORT=$(cat "$pf")
    DNS_PORT=$FD_PORT
    poll 5 fakedns_ping "$addr" "$FD_PORT" || fail "fakedns on $addr port $FD_PORT does not answer"
}

# ---- unbound ----
UB_PID=""

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

unbound_up() { # PID
    kill -0 "$1" 2>/dev/null || fail "unbound exited: $(tail -n 5 "$UB_LOG")"
    fakedns_ping "$UB_ADDR" "$UB_PORT"
}

# The stub zones test. and invalid. (RFC 6761 names, which unbound would
# otherwise answer NXDOMAIN itself; invalid. for the readiness query) go to
# the fake authoritative server, and the root zone is a static local zone:
# the canary (". NS") gets an answer while unbound runs and no query ever
# goes to a root server.  Only the iterator (no validator: the fake zones
# are unsigned), no query name minimisation (a fake server has no empty
# non-terminals: they would be NXDOMAIN), no prefetch, no remote control.
# Debian's discard-timeout (1900 ms) stays: it is what makes a slow server
# hurt.
unbound_start() { # ZONE_ADDR:PORT [ADDR [PORT]]
    need_cmd unbound "apt-get install unbound"
    UB_ADDR=${2:-127.0.0.1}
    UB_PORT=${3:-$(free_port)}
    UB_LOG="$TMPD/unbound.log"
    cat >"$TMPD/unbound.conf" <<EOF
server:
  interface: $UB_ADDR@$UB_PORT
  access-control: 127.0.0.0/8 allow
  username: ""
  chroot: ""
  directory: "$TMPD"
  pidfile: ""
  use-syslog: no
  logfile: ""
  verbosity: 1
  num-threads: 1
  do-ip6: no
  do-not-query-localhost: no
  module-config: "iterator"
  qname-minimisation: no
  prefetch: no
  harden-glue: no
  harden-referral-path: no
  harden-dnssec-stripped: no
  target-fetch-policy: "0 0 0 0 0"
  local-zone: "." static
  local-zone: "test." transparent
  local-zone: "invalid." transparent
remote-control:
  control-enable: no
stub-zone:
  name: "test."
  stub-addr: ${1%:*}@${1##*:}
stub-zone:
  name: "invalid."
  stub-addr: ${1%:*}@${1##*:}
EOF
    $IN_NS unbound -d -c "$TMPD/unbound.conf" 2>>"$UB_LOG" &
    UB_PID=$!
    track "$UB_PID"
    poll 10 unbound_up "$UB_PID" || fail "unbound on $UB_ADDR port $UB_PORT does not answer within 10 s: $(tail -n 5 "$UB_LOG")"
}

unbound_stop() {
    stop_pid "$UB_PID"
    UB_PID=""
}

# ---- mxdetourd ----
mxd_ready() { :; }

mxd_running() {
    [ -n "$D_PID" ] && kill -0 "$D_PID" 2>/dev/null
}

mxd_gone() {
    ! kill -0 "$D_PID" 2>/dev/null
}

mxd_up() {
    mxd_running || fail "mxdetourd exited: $(tail -n 5 "$TMPD/daemon.log")"
    mxd_ready
}

mxd_start() {
    $IN_NS "$MXDD" -f -c "$CONF" 2>>"$TMPD/daemon.log" &
    D_PID=$!
    track "$D_PID"
    poll 10 mxd_up || fail "mxdetourd did not answer within 10 s"
}

mxd_stop() {
    local rc t0
    t0=$(now_ms)
    kill -TERM "$D_PID" 2>/dev/null || fail "mxdetourd is not running"
    poll 10 mxd_gone || fail "mxdetourd still running 10 s after SIGTERM"
    wait "$D_PID"
    rc=$?
    untrack "$D_PID"
    D_PID=""
    [ "$rc" -eq 0 ] || fail "mxdetourd exited $rc after SIGTERM, expected 0"
    MXD_STOP_MS=$(($(now_ms) - t0))
    echo "# mxdetourd stopped in $MXD_STOP_MS ms"
}

mxd_kill() {
    kill -KILL "$D_PID" 2>/dev/null || fail "mxdetourd is not running"
    wait "$D_PID" 2>/dev/null
    untrack "$D_PID"
    D_PID=""
}

mxd_log_count() { # ERE
    grep -Ec -- "$1" "$TMPD/daemon.log"
}

mxd_logged() { # ERE COUNT_BEFORE
    [ "$(mxd_log_count "$1")" -gt "$2" ]
}

mxd_hup() { # ERE of the log line the reload must produce
    local _hup_before
    _hup_before=$(mxd_log_count "$1")
    kill -HUP "$D_PID" || fail "cannot signal mxdetourd"
    poll 10 mxd_logged "$1" "$_hup_before" || fail "no daemon log line /$1/ within 10 s of SIGHUP"
}

# Decision lines go through a log thread (src/logq.c) and may land a
# moment after the answer: wait a little for them.
expect_log() { # ERE
    poll 3 grep -Eq -- "$1" "$TMPD/daemon.log" || fail "no daemon log line matches /$1/"
}

cli() { # ARGS...
    CLI_OUT=$($IN_NS "$MXD" -c "${CLI_CONF:-$CONF}" "$@" 2>&1)
    CLI_RC=$?
}

# ---- Postfix ----
pf_private_dir() {
    PFDIR="$TMPD/postfix"
    if ! mkdir -p "$PFDIR" || ! printf 'compatibility_level = 3.6\n' >"$PFDIR/main.cf"; then
        fail "cannot write $PFDIR/main.cf"
    fi
    MAIL_CONFIG=$PFDIR
    export MAIL_CONFIG
}

# routing.postfix_config in an mxdetour config: mxdetourd's postmap and its
# master.cf check read the private directory too, not /etc/postfix.
conf_postfix_dir() { # FILE
    if grep -q '^routing:$' "$1"; then
        sed -i "s|^routing:\$|routing:\n  postfix_config: \"$PFDIR\"|" "$1"
    else
        printf 'routing:\n  postfix_config: "%s"\n' "$PFDIR" >>"$1"
    fi || fail "cannot set routing.postfix_config in $1"
}

need_postfix_lmdb() {
    need_cmd postconf "apt-get install postfix"
    postconf -c "$PFDIR" -m 2>/dev/null | grep -qx lmdb ||
        need "Postfix has no lmdb: table type (apt-get install postfix-lmdb)"
}

# ---- assertions ----
expect_eq() { # GOT WANT WHAT
    [ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
}

expect_match() { # GOT ERE WHAT
    printf '%s\n' "$1" | grep -Eq -- "$2" || fail "$3: got '$1', want a match of /$2/"
}
