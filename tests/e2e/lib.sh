# tests/e2e/lib.sh - shared by the end-to-end tests (sourced, not run).
#
# A real Postfix (a private instance: its own config dir, queue, log) and the
# real mxdetourd, in a network namespace this library creates, so nothing
# leaves loopback and nothing touches the host's own Postfix:
#
#   namespace mxd-e2e-PID      lo up; 127.0.0.0/8 is local there, so every
#                              127.0.0.x below needs no extra address
#   127.0.0.53:53              tests/dns/fakedns.py serving tests/e2e/zone.rules;
#                              /etc/netns/NS/resolv.conf (bind-mounted over
#                              /etc/resolv.conf by `ip netns exec`) points the
#                              libc resolver at it with timeout:2 attempts:2
#   127.0.0.10:25, .11:25      smtp-sink: the MX hosts
#   127.0.0.99:25              smtp-sink: the smart host
#   127.0.0.1:25               the private Postfix's smtpd
#
# The Postfix instance is a minimal main.cf + master.cf (no chroot, so its
# smtp client reads the namespace's resolv.conf; inet_protocols = all, the
# default, so it asks for AAAA), then contrib/postfix/main.cf.snippet and
# contrib/postfix/master.cf.snippet appended verbatim.  The only edit is
# where they name files: /run/mxdetour/, /var/spool/postfix/mxdetour/,
# /var/lib/mxdetour/ and
# /etc/postfix/mxdetour_milter_header_checks become paths in the temp dir
# (sed, see pf_conf).  mxdetourd uses `resolvers.local: system`, i.e. the
# same resolv.conf as Postfix.
#
#   ns CMD...                 run CMD inside the namespace
#   dns_start / sinks_start   fakedns, the three smtp-sinks
#   pf_conf plain|mxdetour|live|policy
#                             plain: no mxdetour lines; mxdetour: + the
#                             snippets as shipped (publish mode); live: the
#                             same, with the snippet's commented live-mode
#                             transport_maps line instead; policy: its
#                             commented policy lines instead of the milter
#   pf_start / pf_reload / pf_stop
#   mxd_conf [YAML]           daemon config: fixed part + YAML (default $MXD_ROUTING)
#   mxd_start / mxd_stop / mxd_kill / mxd_hup [WANT_ERE]
#   cli ARGS...               mxdetour -c $CONF ARGS; CLI_OUT, CLI_RC
#   probe_start DOMAIN...     `mxdetour lookup` each: starts their probes
#   wait_verdict DOMAIN ERE   `mxdetour lookup` (which starts a probe) until the
#                             verdict matches; sets VERDICT, ROUTE
#   wait_published DOMAIN     the published lmdb table has DOMAIN
#   submit RCPT...            one message over SMTP to 127.0.0.1:25; sets QID
#                             (empty if not queued), SUBMIT_OUT (the replies)
#   traffic_start FILE N PAUSE DOMAIN...
#                             N messages in the background (TRAFFIC_PID)
#   wait_status QID RCPT [STATUS] [SECONDS]
#                             the last delivery line of RCPT has a final status
#                             (or STATUS); sets LINE STATUS RELAY DELAY
#   expect_eq / expect_match / expect_lt / expect_ge / fail / skip / pass
#
# Every process started here is stopped by PID on exit (also on failure and
# on INT/TERM); the namespace and /etc/netns/NS are removed; the temp dir too
# unless KEEP_TMP=1.  Every wait is a bounded poll.  The generic helpers
# (results, need, poll, track, fakedns, mxd_*, cli, expect_eq/expect_match)
# are tests/lib/common.sh's, run in the namespace through IN_NS.

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"
E2E_DIR="$top_srcdir/tests/e2e"
CONTRIB="$top_srcdir/contrib"

# What Postfix sees in resolv.conf.  doc/mta-facts.md §1 measured timeout:5
# attempts:2 (10 s per dropped AAAA query); 2 x 2 keeps the suite short and
# still shows the same effect (about 4 s).
RESOLV_TIMEOUT=2
RESOLV_ATTEMPTS=2
SMARTHOST=127.0.0.99
MXD_ROUTING='routing:
  mode: rewrite
  on_broken: pin-mx
  smarthost: "[127.0.0.99]:25"
  publish: "lmdb:@LIB@/transport"
domains:
  - domain: "*.tailspin.test"
    route: smarthost
  - domain: v4.test
    route: transport
    transport: smtp-ipv4'

NS=""
PF_STARTED=0
RUN_OUTSIDE=""

lib_dump() {
    [ -n "$TMPD" ] || return 0
    for f in "$TMPD/maillog" "$TMPD/daemon.log" "$TMPD/dns.log" "$TMPD/extra.log"; do
        [ -s "$f" ] || continue
        echo "--- $f (last 40 lines):"
        tail -n 40 "$f"
    done
}

note() { # what the test measured, for the log of `make check`
    echo "# $TEST_NAME: $*"
}

# ---- preconditions ----
# The suite runs as root; a developer's plain `make check` does not.
[ "$(id -u)" = 0 ] || skip "needs root (network namespace, Postfix instance)"
need_cmd ip "apt-get install iproute2; see tests/e2e/deps.sh"
for p in postfix postconf postmap postqueue smtp-sink; do
    need_cmd "$p" "apt-get install postfix; see tests/e2e/deps.sh"
done
need_dnslib
[ -f "$FAKEDNS" ] || fail "$FAKEDNS missing"
getent passwd postfix >/dev/null 2>&1 || need "no postfix user (apt-get install postfix)"
need_built

# ---- cleanup hooks: Postfix first, then (after every tracked PID) the
# namespace and what was made for it ----
lib_cleanup_pre() {
    [ "$PF_STARTED" = 1 ] && pf_stop_quiet
}

lib_cleanup_post() {
    # Anything still in our namespace was started by this test (children of
    # the processes above, e.g. a Postfix daemon a killed master left behind).
    if [ -n "$NS" ] && ip netns pids "$NS" >/dev/null 2>&1; then
        for p in $(ip netns pids "$NS" 2>/dev/null); do
            kill -9 "$p" 2>/dev/null
        done
        ip netns del "$NS" 2>/dev/null
    fi
    if [ -n "$NS" ]; then
        rm -rf "/etc/netns/$NS"
        # /etc/netns itself goes when a test made it and no test uses it now.
        if [ -f /etc/netns/.mxd-e2e-made ] && [ "$(ls -A /etc/netns)" = .mxd-e2e-made ]; then
            rm -f /etc/netns/.mxd-e2e-made
            rmdir /etc/netns 2>/dev/null
        fi
    fi
    [ -n "$RUN_OUTSIDE" ] && rm -rf "$RUN_OUTSIDE"
    return 0
}

# ---- temp dir and namespace ----
lib_init e2e
# Postfix (user postfix) reads and writes below it: traversable by all.
chmod 755 "$TMPD"
pf_private_dir          # PFDIR: the private Postfix's config directory
need_postfix_lmdb
RUN="$TMPD/run"         # stands for /run/mxdetour (the control socket)
LIB="$TMPD/lib"         # stands for /var/lib/mxdetour
SPOOL="$TMPD/spool"     # its queue_directory
SINKS="$TMPD/sinks"     # smtp-sink dump files
MAILLOG="$TMPD/maillog" # its maillog_file
# The MTA-facing sockets: /var/spool/postfix/mxdetour, i.e. "mxdetour/" in
# the queue directory, the name the snippets use; mxdetourd makes it.
MTA="$SPOOL/mxdetour"
CONF="$TMPD/mxdetour.yaml"
mkdir -p "$RUN" "$LIB" "$SPOOL" "$SINKS" "$TMPD/data" || fail "mkdir"
chmod 755 "$RUN" "$LIB" "$PFDIR" "$SPOOL"
chown postfix "$SINKS" "$TMPD/data"
: >"$MAILLOG"

NS="mxd-e2e-$$"
ip netns add "$NS" 2>"$TMPD/extra.log" || {
    NS_ERR=$(cat "$TMPD/extra.log")
    NS=""
    skip "cannot create a network namespace: $NS_ERR"
}
IN_NS="ip netns exec $NS"
if [ ! -d /etc/netns ]; then
    mkdir -p /etc/netns && : >/etc/netns/.mxd-e2e-made
fi
mkdir -p "/etc/netns/$NS" || fail "mkdir /etc/netns/$NS"
printf 'nameserver 127.0.0.53\noptions timeout:%s attempts:%s\n' \
    "$RESOLV_TIMEOUT" "$RESOLV_ATTEMPTS" >"/etc/netns/$NS/resolv.conf"
# The host's own name resolves to a qualified name without DNS (Sendmail
# sleeps 60 s at start-up when it cannot qualify it).
printf '127.0.0.1 localhost\n127.0.0.1 mta.e2e.test %s\n::1 localhost mta.e2e.test %s\n' "$(hostname)" "$(hostname)" \
    >"/etc/netns/$NS/hosts"
ip netns exec "$NS" ip link set lo up || skip "cannot bring lo up in a network namespace"
# The resolver bind mount must really happen, or Postfix would ask the host's.
ip netns exec "$NS" cat /etc/resolv.conf | grep -q '^nameserver 127.0.0.53$' ||
    skip "ip netns exec does not bind-mount /etc/netns/$NS/resolv.conf"

ns() {
    ip netns exec "$NS" "$@"
}

# Sendmail refuses a socket below a world-writable directory (/tmp): put
# the sockets (RUN and MTA) in a root-owned directory under /run instead;
# call before mxd_conf.
run_outside_tmp() {
    RUN_OUTSIDE="/run/mxd-e2e-$$"
    mkdir -m 755 "$RUN_OUTSIDE" || fail "mkdir $RUN_OUTSIDE"
    RUN=$RUN_OUTSIDE
    MTA=$RUN_OUTSIDE
}

# ---- DNS and SMTP sinks ----
tcp_open() { # ADDR PORT: something accepts TCP connections there (inside NS)
    ns "$PY" -c 'import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 1).close()' \
        "$1" "$2" 2>/dev/null
}

dns_start() { # [RULES]
    fakedns_start "${1:-$E2E_DIR/zone.rules}" 127.0.0.53 53
}

sinks_start() {
    for a in 127.0.0.10 127.0.0.11 "$SMARTHOST"; do
        # -D: every message received is appended to the file (headers show
        # which route it took: X-Rcpt-Args, X-MXDetour...).
        ip netns exec "$NS" smtp-sink -u postfix -h "sink-$a" -D "$SINKS/$a" "$a:25" 100 2>>"$TMPD/extra.log" &
        track $!
    done
    for a in 127.0.0.10 127.0.0.11 "$SMARTHOST"; do
        poll 10 tcp_open "$a" 25 || fail "smtp-sink on $a:25 did not start"
    done
}

# ---- the private Postfix ----
# A shipped file (snippet, example config) with its file locations moved
# into the temp dir; nothing else changes.
relocate() { # FILE
    sed -e "s#/run/mxdetour/#$RUN/#g" -e "s#/var/spool/postfix/mxdetour/#$MTA/#g" \
        -e "s#/var/lib/mxdetour/#$LIB/#g" \
        -e "s#/etc/postfix/mxdetour_milter_header_checks#$PFDIR/mxdetour_milter_header_checks#g" "$1"
}

# What Debian's postfix start-up copies into the chroot (resolv.conf: the
# namespace's, i.e. the test DNS), for a master.cf that chroots.
pf_chroot_etc() {
    mkdir -p "$SPOOL/etc"
    for _f in resolv.conf hosts services nsswitch.conf host.conf localtime; do
        ns cat "/etc/$_f" >"$SPOOL/etc/$_f" 2>/dev/null
    done
}

pf_conf() { # plain | mxdetour | live
    cat >"$PFDIR/main.cf" <<EOF
# Written by tests/e2e/lib.sh for $TEST_NAME: a private Postfix instance.
compatibility_level = 3.6
queue_directory = $SPOOL
data_directory = $TMPD/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mta.e2e.test
mydomain = e2e.test
myorigin = \$myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = all
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
alias_maps =
alias_database =
local_recipient_maps =
maillog_file = $MAILLOG
maillog_file_prefixes = $TMPD
smtp_connect_timeout = 5s
delay_warning_time = 0
# Deferred mail is retried by "postqueue -f" only, during a test.
queue_run_delay = 1h
minimal_backoff_time = 1h
maximal_backoff_time = 1h
EOF
    # No chroot (5th column n): smtp reads the namespace's /etc/resolv.conf.
    cat >"$PFDIR/master.cf" <<'EOF'
# Written by tests/e2e/lib.sh: Debian's master.cf, trimmed, nothing chrooted.
smtp      inet  n       -       n       -       -       smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
        -o syslog_name=postfix/$service_name
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
    [ "$1" = plain ] && return 0
    # The contrib snippets, verbatim but for the file locations.
    cp "$CONTRIB/postfix/milter_header_checks" "$PFDIR/mxdetour_milter_header_checks" ||
        fail "contrib/postfix/milter_header_checks missing"
    { echo "# ---- contrib/postfix/main.cf.snippet (file locations moved to $TMPD)"; relocate "$CONTRIB/postfix/main.cf.snippet"; } >>"$PFDIR/main.cf" ||
        fail "contrib/postfix/main.cf.snippet missing"
    { echo "# ---- contrib/postfix/master.cf.snippet"; relocate "$CONTRIB/postfix/master.cf.snippet"; } >>"$PFDIR/master.cf" ||
        fail "contrib/postfix/master.cf.snippet missing"
    if [ "$1" = policy ]; then
        # The snippet's other alternative: the milter lines commented out,
        # the two policy lines enabled.
        grep -q '^#smtpd_data_restrictions = check_policy_service' "$PFDIR/main.cf" ||
            fail "main.cf.snippet has no commented policy lines"
        sed -i -e 's/^\(smtpd_milters\|non_smtpd_milters\) = /#&/' \
            -e 's/^#\(smtpd_recipient_restrictions = check_policy_service\)/\1/' \
            -e 's/^#\(smtpd_data_restrictions = check_policy_service\)/\1/' "$PFDIR/main.cf"
    fi
    if [ "$1" = live ]; then
        # The snippet's alternative, as an admin would switch to it: the
        # publish-mode line commented out, the live-mode line enabled.
        grep -q '^#transport_maps = proxy:socketmap:' "$PFDIR/main.cf" ||
            fail "main.cf.snippet has no commented live-mode transport_maps line"
        sed -i -e 's/^transport_maps = lmdb:/#&/' \
            -e 's/^#\(transport_maps = proxy:socketmap:\)/\1/' "$PFDIR/main.cf"
    fi
    return 0
}

pf_pid() {
    sed -n 's/^ *\([0-9][0-9]*\).*/\1/p' "$SPOOL/pid/master.pid" 2>/dev/null
}

pf_running() {
    _p=$(pf_pid)
    [ -n "$_p" ] && kill -0 "$_p" 2>/dev/null
}

pf_start() {
    # "postfix start" runs "postfix check" (and creates the queue) itself.
    PF_STARTED=1
    ns timeout 30 postfix -c "$PFDIR" start >>"$TMPD/extra.log" 2>&1 ||
        fail "postfix start failed: $(tail -n 3 "$TMPD/extra.log")"
    poll 10 pf_running || fail "Postfix master not running 10 s after start"
    poll 10 tcp_open 127.0.0.1 25 || fail "Postfix smtpd not listening on 127.0.0.1:25"
}

pf_reload() {
    _n=$(grep -c 'reload -- version' "$MAILLOG")
    ns postfix -c "$PFDIR" reload >>"$TMPD/extra.log" 2>&1 || fail "postfix reload failed"
    poll 10 pf_reloaded "$_n" || fail "Postfix did not log its reload"
}

pf_reloaded() {
    [ "$(grep -c 'reload -- version' "$MAILLOG")" -gt "$1" ]
}

pf_stop_quiet() {
    _p=$(pf_pid)
    ns timeout 20 postfix -c "$PFDIR" stop >>"$TMPD/extra.log" 2>&1
    if [ -n "$_p" ]; then
        poll 10 pf_gone "$_p" || kill -9 "$_p" 2>/dev/null
    fi
    PF_STARTED=0
}

pf_gone() {
    ! kill -0 "$1" 2>/dev/null
}

pf_queue_empty() {
    [ -z "$(ns postqueue -c "$PFDIR" -j 2>/dev/null)" ]
}

# ---- mxdetourd ----
mxd_conf() { # [YAML]
    cat >"$CONF" <<EOF
# written by tests/e2e/lib.sh for $TEST_NAME
listen:
  milter: "unix:$MTA/milter.sock"
  socketmap: "unix:$MTA/socketmap.sock"
  policy: "unix:$MTA/policy.sock"
  control: "unix:$RUN/control.sock"
  socket_mode: "0660"
  socket_group: postfix
user: ""
state_file: "$LIB/verdicts"
resolvers:
  local: system
  external: []
probe:
  timeout: 1s
  tries: 1
  wait: 1s
log:
  level: debug
EOF
    printf '%s\n' "${1:-$MXD_ROUTING}" | sed "s#@LIB@#$LIB#g" >>"$CONF"
    conf_postfix_dir "$CONF"
}

mxd_ready() {
    _ms=$(sed -n 's/^  milter: "unix:\(.*\)"$/\1/p' "$CONF")
    [ -S "${_ms:-$MTA/milter.sock}" ] && [ -S "$MTA/socketmap.sock" ] &&
        ns "$MXD" -c "${CLI_CONF:-$CONF}" status >/dev/null 2>&1
}

verdict_is() { # DOMAIN ERE
    cli lookup "$1"
    VERDICT=$(printf '%s\n' "$CLI_OUT" | sed -n 's/^verdict: //p')
    ROUTE=$(printf '%s\n' "$CLI_OUT" | sed -n 's/^route: //p')
    printf '%s\n' "$VERDICT" | grep -Eqx -- "$2"
}

probe_start() { # DOMAIN...: `mxdetour lookup` starts a probe of an unknown domain
    for _d in "$@"; do
        cli lookup "$_d"
        [ "$CLI_RC" = 0 ] || fail "mxdetour lookup $_d: exit $CLI_RC: $CLI_OUT"
    done
}

wait_verdict() { # DOMAIN ERE
    poll 15 verdict_is "$1" "$2" || fail "$1: verdict '${VERDICT:-}' after 15 s, want /$2/"
}

published_has() { # DOMAIN
    [ -f "$LIB/transport.lmdb" ] && postmap -c "$PFDIR" -q "$1" "lmdb:$LIB/transport" >/dev/null 2>&1
}

wait_published() { # DOMAIN
    poll 10 published_has "$1" || fail "$1 not in the published table lmdb:$LIB/transport within 10 s"
}

pm() { # KEY: postmap -q KEY through the socketmap, as trivial-rewrite asks
    PM_OUT=$(ns timeout 20 postmap -c "$PFDIR" -q "$1" "socketmap:unix:$MTA/socketmap.sock:postfix-transport" 2>&1)
    PM_RC=$?
}

# ---- mail ----
# One message, one SMTP session; prints one line per reply, then QID.
submit() { # RCPT...
    SUBMIT_OUT=$(ns timeout 60 "$PY" - "$TEST_NAME" "$@" 2>&1 <<'EOF'
import re, smtplib, sys, time
test, rcpts = sys.argv[1], sys.argv[2:]
s = smtplib.SMTP("127.0.0.1", 25, timeout=50)
s.ehlo("client.e2e.test")
code, text = s.mail("sender@client.e2e.test")
print("MAIL %d %s" % (code, text.decode(errors="replace")))
ok = 0
for r in rcpts:
    code, text = s.rcpt(r)
    print("RCPT %s %d %s" % (r, code, text.decode(errors="replace")))
    ok += code < 300
qid = ""
if ok:
    msg = ("From: sender@client.e2e.test\r\nTo: %s\r\nSubject: %s %.3f\r\n\r\nmxdetour e2e\r\n"
           % (", ".join(rcpts), test, time.time()))
    code, text = s.data(msg.encode())
    text = text.decode(errors="replace")
    print("DATA %d %s" % (code, text))
    # Postfix: "250 2.0.0 Ok: queued as QID"; Sendmail: "250 2.0.0 QID Message accepted..."
    m = re.search(r"queued as ([0-9A-Za-z]+)|^(?:2\.0\.0 )?([0-9A-Za-z]+) Message accepted", text)
    qid = (m.group(1) or m.group(2)) if m else ""
s.quit()
print("QID %s" % qid)
EOF
)
    QID=$(printf '%s\n' "$SUBMIT_OUT" | sed -n 's/^QID //p')
}

# Background traffic: N messages, one SMTP session each, every PAUSE
# seconds; message I goes to tI@DOMAIN for each DOMAIN.  One line per
# message in FILE: "I QID", or "I ERR reason".
traffic_start() { # FILE N PAUSE DOMAIN...
    _tf=$1
    shift
    : >"$_tf"
    ip netns exec "$NS" "$PY" - "$@" >"$_tf" 2>>"$TMPD/extra.log" <<'EOF2' &
import re, smtplib, sys, time
n, pause, domains = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
for i in range(n):
    try:
        s = smtplib.SMTP("127.0.0.1", 25, timeout=50)
        s.ehlo("client.e2e.test")
        s.mail("sender@client.e2e.test")
        for d in domains:
            code, text = s.rcpt("t%d@%s" % (i, d))
            if code != 250:
                raise Exception("RCPT t%d@%s: %d %s" % (i, d, code, text.decode()))
        code, text = s.data(b"Subject: traffic %d\r\n\r\nx\r\n" % i)
        m = re.search(r"queued as ([0-9A-Za-z]+)", text.decode())
        if code != 250 or not m:
            raise Exception("DATA: %d %s" % (code, text.decode()))
        s.quit()
        print("%d %s" % (i, m.group(1)), flush=True)
    except Exception as e:
        print("%d ERR %s" % (i, e), flush=True)
    time.sleep(pause)
EOF2
    TRAFFIC_PID=$!
    track "$TRAFFIC_PID"
}

submit_ok() { # RCPT...
    submit "$@"
    [ -n "$QID" ] || fail "message to $* not queued: $SUBMIT_OUT"
}

delivery_line() { # QID RCPT [STATUS]; QID "any" matches every queue id
    _pat="$1: to=<$2>,"
    [ "$1" = any ] && _pat=": to=<$2>,"
    grep -F "$_pat" "$MAILLOG" | grep -E "status=${3:-(sent|deferred|bounced|expired)} " | tail -n 1
}

has_delivery() { # QID RCPT [STATUS]
    LINE=$(delivery_line "$@")
    [ -n "$LINE" ]
}

wait_status() { # QID RCPT [STATUS] [SECONDS]
    poll "${4:-20}" has_delivery "$1" "$2" "${3:-}" ||
        fail "no delivery line for $2 (queue id $1${3:+, status=$3}) within ${4:-20} s"
    STATUS=$(printf '%s\n' "$LINE" | sed -n 's/.*, status=\([a-z]*\).*/\1/p')
    RELAY=$(printf '%s\n' "$LINE" | sed -n 's/.*, relay=\([^,]*\),.*/\1/p')
    DELAY=$(printf '%s\n' "$LINE" | sed -n 's/.*, delay=\([0-9.]*\),.*/\1/p')
}

# ---- assertions ----
expect_lt() { # NUMBER LIMIT WHAT (decimals)
    awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }' || fail "$3: $1, want < $2"
}

expect_ge() { # NUMBER LIMIT WHAT
    awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }' || fail "$3: $1, want >= $2"
}

expect_no_log() { # ERE: no Postfix log line matches
    if grep -Eq -- "$1" "$MAILLOG"; then
        fail "Postfix logged /$1/: $(grep -E -- "$1" "$MAILLOG" | head -n 3)"
    fi
}

# Common start: DNS, sinks, daemon (started before Postfix: the milter socket
# is there when smtpd first connects), Postfix with the snippets.
e2e_up() { # plain | mxdetour | live
    dns_start
    sinks_start
    if [ "$1" != plain ]; then
        mxd_conf
        mxd_start
    fi
    pf_conf "$1"
    pf_start
}
