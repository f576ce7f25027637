# tests/daemon/lib.sh - shared by the daemon tests (sourced, not run).
#
# Runs the real mxdetourd in the foreground with a config in a temporary
# directory: every listener a unix socket there, no milter, no privilege
# drop, the state file there, and tests/dns/fakedns.py serving
# tests/daemon/zone.rules as the only resolver.  Peers are Postfix's own
# postmap(1) (with a private config directory, $PFDIR) and
# tests/daemon/client.py (socketmap and policy as Postfix speaks them, and
# as broken peers do).  The generic helpers (results, need, poll, fakedns,
# mxd_start/mxd_stop/mxd_hup, cli, expect_*) are tests/lib/common.sh's.
#
#   dns_start [RULES]         fakedns serving RULES (default
#                             tests/daemon/zone.rules); sets DNS_PORT
#   d_write_conf [YAML]       write $CONF: the fixed part, then YAML (routing,
#                             domains...; default: $D_ROUTING)
#   mxd_start                 (common) waits until the socketmap, policy and
#                             control sockets answer
#   sm MAP KEY...             client.py sm: answers, one a line, into $SM_OUT
#   pm KEY [MAP]              postmap -q KEY socketmap:unix:$SM_SOCK:MAP
#                             (default postfix-transport); sets PM_OUT PM_RC
#   wait_verdict DOMAIN       poll `mxdetour lookup` (bounded) until the
#                             verdict is not unknown; sets VERDICT
#   alive                     the daemon still runs and answers a good request
#
# The variables set here (routes, *_OUT, *_RC) are read by the sourcing test:
# shellcheck disable=SC2034

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
D_DIR="$top_srcdir/tests/daemon"
CLIENT="$D_DIR/client.py"

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

lib_dump() {
    [ -n "$TMPD" ] || return 0
    for f in "$TMPD/daemon.log" "$TMPD/dns.log"; do
        [ -f "$f" ] || continue
        echo "--- $f (last 40 lines):"
        tail -n 40 "$f"
    done
}

need_dnslib
[ -f "$FAKEDNS" ] || fail "$FAKEDNS missing"
need_built

lib_init d
CONF="$TMPD/mxdetour.yaml"
SM_SOCK="$TMPD/sm.sock"
POLICY_SOCK="$TMPD/policy.sock"
CONTROL_SOCK="$TMPD/control.sock"
STATE="$TMPD/verdicts"
pf_private_dir

dns_start() { # [RULES]
    fakedns_start "${1:-$D_DIR/zone.rules}"
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
    conf_postfix_dir "$CONF"
}

mxd_ready() {
    [ -S "$SM_SOCK" ] && [ -S "$POLICY_SOCK" ] && [ -S "$CONTROL_SOCK" ] &&
        "$MXD" -c "$CONF" status >/dev/null 2>&1
}

sm() { # MAP KEY...
    SM_OUT=$("$PY" "$CLIENT" sm "$SM_SOCK" "$@" 2>&1)
    SM_RC=$?
}

pm() { # KEY [MAP]
    PM_OUT=$(timeout 20 postmap -c "$PFDIR" -q "$1" "socketmap:unix:$SM_SOCK:${2:-postfix-transport}" 2>&1)
    PM_RC=$?
}

lookup_verdict() { # DOMAIN -> VERDICT
    VERDICT=$("$MXD" -c "$CONF" lookup "$1" 2>/dev/null | sed -n 's/^verdict: //p')
}

verdict_known() { # DOMAIN
    lookup_verdict "$1"
    [ -n "$VERDICT" ] && [ "$VERDICT" != unknown ]
}

wait_verdict() { # DOMAIN
    poll 10 verdict_known "$1" || fail "$1: verdict still '${VERDICT:-}' after 10 s"
}

# The daemon still runs and answers a good request correctly.
alive() { # WHAT
    mxd_running || fail "mxdetourd died after $1"
    sm postfix-transport user@listed.test
    expect_eq "$SM_OUT" "OK $LISTED_ROUTE" "socketmap answer after $1"
}

