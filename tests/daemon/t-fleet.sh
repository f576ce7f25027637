#!/bin/sh
# t-fleet.sh - three mxdetourd nodes share one real redis-server (started
# here on a unix socket in the temp dir, no persistence) and one fakedns:
#  - asked for the same new domain at the same moment, one node probes it
#    (the DNS server sees one probe's worth of queries: as many as for a
#    domain that one node probed alone) and all three answer its route: the
#    lease;
#  - a verdict made on one node is answered by the others within a second,
#    without a query of their own: publish/subscribe;
#  - Redis killed: the same answers, never TEMP, a new domain still probed
#    and routed; Redis back: each node logs the reconnection, pushes what it
#    learned meanwhile, and the nodes share again.
. "${top_srcdir:-.}/tests/daemon/lib.sh"
need_cmd postmap "apt-get install postfix"
REDIS=$(command -v redis-server || echo /usr/bin/redis-server)
[ -x "$REDIS" ] || need "redis-server not installed (apt-get install redis-server)"

RSOCK="$TMPD/redis.sock"
REDIS_PID=""
N1_PID="" N2_PID="" N3_PID=""

redis_up() {
    [ -S "$RSOCK" ] && redis-cli -s "$RSOCK" PING 2>/dev/null | grep -q PONG
}

redis_start() {
    "$REDIS" --port 0 --unixsocket "$RSOCK" --unixsocketperm 700 --save '' --appendonly no \
        --daemonize no --dir "$TMPD" >>"$TMPD/redis.log" 2>&1 &
    REDIS_PID=$!
    track "$REDIS_PID"
    poll 10 redis_up || fail "redis-server did not answer within 10 s"
}

redis_kill() {
    kill -KILL "$REDIS_PID"
    wait "$REDIS_PID" 2>/dev/null
    untrack "$REDIS_PID"
    REDIS_PID=""
    rm -f "$RSOCK"
}

# Points CONF, the sockets, STATE and D_PID at node N.
node() { # N
    N=$1
    mkdir -p "$TMPD/n$N"
    CONF="$TMPD/n$N/mxdetour.yaml"
    SM_SOCK="$TMPD/n$N/sm.sock"
    POLICY_SOCK="$TMPD/n$N/policy.sock"
    CONTROL_SOCK="$TMPD/n$N/control.sock"
    STATE="$TMPD/n$N/verdicts"
    eval "D_PID=\$N${N}_PID"
}

node_start() { # N
    node "$1"
    d_write_conf "$D_ROUTING
fleet:
  redis: \"unix:$RSOCK\"
  node: n$1"
    "$MXDD" -f -c "$CONF" 2>>"$TMPD/n$1.log" &
    D_PID=$!
    track "$D_PID"
    eval "N$1_PID=\$D_PID"
    poll 10 mxd_ready || fail "node $1 did not answer within 10 s: $(tail -n 5 "$TMPD/n$1.log")"
}

node_log_count() { # N ERE
    grep -Ec -- "$2" "$TMPD/n$1.log"
}

node_logged() { # N ERE [COUNT]
    [ "$(node_log_count "$1" "$2")" -ge "${3:-1}" ]
}

queries() { # TYPE NAME: how many the DNS server saw
    grep -c " $1 $2\. ->" "$TMPD/dns.log"
}

# postmap on node N answers WANT (a route, or "" for not found), not TEMP.
answers() { # N ADDRESS WANT
    node "$1"
    pm "$2"
    [ "$PM_OUT" = "$3" ] && { [ "$PM_RC" = 0 ] || [ "$PM_RC" = 1 ]; }
}

expect_answer() { # N ADDRESS WANT WHAT
    answers "$1" "$2" "$3" || fail "$4: node $1: postmap -q $2 gave '$PM_OUT' (exit $PM_RC), want '$3'"
}

# Within one second (20 polls of 50 ms, each a postmap run, so a little more).
expect_soon() { # N ADDRESS WANT WHAT
    poll 1 answers "$1" "$2" "$3" ||
        fail "$4: node $1: postmap -q $2 gave '$PM_OUT' (exit $PM_RC) after 1 s, want '$3'"
}

dns_start "$D_DIR/fleet.rules"
redis_start
for n in 1 2 3; do
    node_start $n
    poll 10 node_logged $n 'fleet=redis state=up' || fail "node $n: no fleet=redis state=up logged"
done
node 1
cli status
expect_match "$CLI_OUT" "fleet: up \(unix:$RSOCK, node n1\)" "status of node 1"

# 1. The lease: all three asked at once, one probe.
for n in 1 2 3; do
    node $n
    timeout 20 postmap -c "$PFDIR" -q u@broken-a.test "socketmap:unix:$SM_SOCK:postfix-transport" \
        >/dev/null 2>&1 &
done
wait_all() {
    for n in 1 2 3; do
        answers $n u@broken-a.test "smtp:[127.0.1.1]:25" || return 1
    done
}
poll 10 wait_all || fail "lease: node $N answers '$PM_OUT' for broken-a.test after 10 s"
probed=$(cat "$TMPD"/n?.log | grep -c 'domain=broken-a.test verdict=aaaa-ignored.* via=probe')
shared=$(cat "$TMPD"/n?.log | grep -c 'domain=broken-a.test verdict=aaaa-ignored.* via=fleet')
expect_eq "$probed/$shared" "1/2" "lease: nodes that probed/took the verdict"
# The record in Redis: the verdict, its pins, its node; TTL probe.recheck.
rec=$(redis-cli -s "$RSOCK" GET mxdetour:v:broken-a.test)
expect_match "$rec" "^mxd1	broken-a.test	aaaa-ignored	0	1	[0-9]+	n[123]	mx1.broken-a.test	127.0.1.1	" \
    "record in Redis"
ttl=$(redis-cli -s "$RSOCK" PTTL mxdetour:v:broken-a.test)
[ "$ttl" -gt 3500000 ] && [ "$ttl" -le 3600000 ] || fail "record TTL $ttl ms, want about 1h"

# 2. Publish/subscribe: made on node 2, answered by 1 and 3 within a second.
node 2
pm u@broken-b.test
wait_verdict broken-b.test
expect_soon 1 u@broken-b.test "smtp:[127.0.1.2]:25" "shared verdict"
expect_soon 3 u@broken-b.test "smtp:[127.0.1.2]:25" "shared verdict"
node 3
pm u@healthy-a.test
wait_verdict healthy-a.test
node 1
poll 1 verdict_known healthy-a.test || fail "node 1 does not know healthy-a.test 1 s after node 3"
expect_eq "$VERDICT" healthy "node 1's verdict of healthy-a.test"
expect_eq "$(queries MX healthy-a.test)" 1 "MX queries for healthy-a.test across 3 nodes"

# 3. Redis killed: the same answers, no TEMP, a new domain probed and routed.
redis_kill
for n in 1 2 3; do
    poll 10 node_logged $n 'fleet=redis state=down' || fail "node $n: no state=down logged"
    expect_answer $n u@broken-a.test "smtp:[127.0.1.1]:25" "Redis down"
    expect_answer $n u@broken-b.test "smtp:[127.0.1.2]:25" "Redis down"
    expect_answer $n u@healthy-a.test "" "Redis down"
done
node 3
cli status
expect_match "$CLI_OUT" "fleet: down \(unix:$RSOCK, node n3\) for [0-9]+s \(.*\); answering alone" \
    "status of node 3 while Redis is down"
pm u@broken-c.test
expect_eq "$PM_RC" 1 "new domain while Redis is down: first answer not found (not TEMP)"
wait_verdict broken-c.test
expect_answer 3 u@broken-c.test "smtp:[127.0.1.3]:25" "new domain probed while Redis is down"
expect_eq "$(node_log_count 3 'fleet=redis state=down')" 1 "node 3: one down line per outage"
# One probe's worth of queries (a timed-out AAAA is asked again: two passes).
ONE="$(queries MX broken-c.test)/$(queries A mx1.broken-c.test)"
case $ONE in 0/* | */0) fail "no queries for broken-c.test at the DNS server" ;; esac

# 4. Redis back: reconnect, push what was learned, share again.
redis_start
for n in 1 2 3; do
    poll 20 node_logged $n 'fleet=redis state=up' 2 || fail "node $n: no reconnection within 20 s"
done
expect_log_n3() { node_logged 3 'fleet=redis pushed=1 '; }
expect_log_n3 || fail "node 3 did not push the verdict it made while Redis was down"
expect_soon 1 u@broken-c.test "smtp:[127.0.1.3]:25" "verdict learned during the outage"
expect_soon 2 u@broken-c.test "smtp:[127.0.1.3]:25" "verdict learned during the outage"
expect_eq "$(queries MX broken-c.test)/$(queries A mx1.broken-c.test)" "$ONE" \
    "queries for broken-c.test after the others learned it"
node 1
pm u@broken-d.test
wait_verdict broken-d.test
expect_soon 2 u@broken-d.test "smtp:[127.0.1.4]:25" "shared after reconnecting"
expect_soon 3 u@broken-d.test "smtp:[127.0.1.4]:25" "shared after reconnecting"
for d in a b d; do
    expect_eq "$(queries MX broken-$d.test)/$(queries A mx1.broken-$d.test)" "$ONE" \
        "queries (MX/A) for broken-$d.test across 3 nodes, as for one probe"
done

for n in 1 2 3; do
    node $n
    mxd_stop
    eval "N${n}_PID="
done
pass
