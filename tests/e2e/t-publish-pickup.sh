#!/bin/sh
# t-publish-pickup.sh - how fast Postfix follows a change of the table
# mxdetourd publishes (publish mode: the contrib snippets as shipped,
# transport_maps = lmdb:.../transport).  Issue 5.
#
# flip.test: MX mx.flip.test, A 127.0.0.11; its AAAA rule is rewritten in
# a private copy of zone.rules (fakedns re-reads the file when it changes):
# "drop" (broken: route pinned to smtp:[127.0.0.11]:25, relay= shows
# 127.0.0.11[127.0.0.11]:25) or "nodata" (healthy: no route, relay= shows
# mx.flip.test[127.0.0.11]:25).  T = the table file's mtime, seen by
# polling postmap -c "$PFDIR" -q every 50 ms.
#
#  1. Route appears: a probe of the unknown domain; at T the next message
#     goes by the pinned address.
#  2. Route goes (DNS healthy again, "mxdetour flush flip.test"): at T the
#     next message goes to the domain's own MX.
#     Both messages have a second recipient at healthy.test: two routes, so
#     the milter adds no whole-message route (FILTER) and only the
#     transport table can route the flip.test recipient.
#  3. The same sender and recipient as the last address qmgr resolved
#     before the change (route goes): qmgr's resolver client keeps its
#     last answer (one entry: class, sender, address) for 30 s (Postfix
#     src/global/resolve_clnt.c), so such a message keeps the old route
#     until that answer expires; any other address resolved in between
#     replaces the entry.  A message every 200 ms until one takes the new
#     route: asserted that the first one is stale (what the docs say) and
#     that it converges within 30 s of the last real lookup.  qmgr does not
#     resolve a message that has a content filter (the milter's
#     whole-message route), so the message before the change has two
#     routes too (m0@alpha.test: sorted first, so same@flip.test is the
#     last lookup).
#
# LMDB tables are read in place: trivial-rewrite sees a new table without a
# restart (lmdb_table(5)); a "table ... has changed -- restarting" line, the
# way hash: tables are picked up, is counted and reported, not required.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

PINNED="127.0.0.11[127.0.0.11]:25"
OWN_MX="mx.flip.test[127.0.0.11]:25"
RULES="$TMPD/zone.rules"

flip_rules() { # drop | nodata: the AAAA rule of flip.test's MX host
    {
        cat "$E2E_DIR/zone.rules"
        printf 'flip.test MX answer 10 mx.flip.test\nmx.flip.test A answer 127.0.0.11\nmx.flip.test AAAA %s\n' "$1"
        echo 'alpha.test MX answer 10 mx.healthy.test'
    } >"$RULES.new" && mv "$RULES.new" "$RULES" || fail "cannot write $RULES"
}

now() { # seconds, to the millisecond
    date +%s.%N | cut -c1-14
}

ms_between() { # FROM TO: milliseconds
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 + 0.5 }'
}

# poll (every 50 ms), then T_SEEN = when it held.
poll_fast() { # SECONDS CMD...
    poll "$@" || return 1
    T_SEEN=$(now)
}

published_lacks() { # DOMAIN
    [ -f "$LIB/transport.lmdb" ] && ! postmap -c "$PFDIR" -q "$1" "lmdb:$LIB/transport" >/dev/null 2>&1
}

# postmap writes the lmdb file in place; its mtime is when the change
# was committed.
table_mtime() {
    stat -c %.3Y "$LIB/transport.lmdb"
}

# One message; waits (50 ms polls) for the delivery line of RCPT and
# checks that no milter header turned into a whole-message route.  Sets
# QID, T_SUB (queued), T_DEL (delivery line seen), STATUS, RELAY, DELAY.
send_one() { # RCPT_OF_INTEREST RCPT...
    _r=$1
    shift
    submit_ok "$@"
    T_SUB=$(now)
    poll_fast 30 has_delivery "$QID" "$_r" || fail "no delivery line for $_r (queue id $QID) within 30 s"
    T_DEL=$T_SEEN
    wait_status "$QID" "$_r"
    if grep -q "$QID: milter-header-filter" "$MAILLOG"; then
        fail "$QID ($*) got a whole-message route from the milter: the table was not what routed it"
    fi
}

flip_rules drop
dns_start "$RULES"
sinks_start
mxd_conf
mxd_start
pf_conf mxdetour
pf_start
poll 10 test -f "$LIB/transport.lmdb" || fail "mxdetourd did not publish lmdb:$LIB/transport at start"
if published_has flip.test; then
    fail "flip.test is in the table before any probe"
fi

# ---- 1. the route appears ----
probe_start flip.test
T_PROBE=$(now)
poll_fast 10 published_has flip.test || fail "flip.test not in lmdb:$LIB/transport within 10 s of its probe"
T0=$(table_mtime)
send_one p1@flip.test p1@healthy.test p1@flip.test
expect_eq "$STATUS" sent "route appears: status of p1@flip.test"
expect_eq "$RELAY" "$PINNED" "route appears: relay of p1@flip.test, the first message after the table got the route"
expect_lt "$DELAY" 1 "route appears: delay= of p1@flip.test"
A_DELAY=$DELAY
A_SUB=$(ms_between "$T0" "$T_SUB")
A_DEL=$(ms_between "$T0" "$T_DEL")
A_PUB=$(ms_between "$T_PROBE" "$T0")
wait_status "$QID" p1@healthy.test
expect_eq "$RELAY" "mx.healthy.test[127.0.0.10]:25" "route appears: relay of p1@healthy.test"
note "route appears: probe started -> table changed ${A_PUB} ms; table changed -> next message queued ${A_SUB} ms -> delivered by the new route ${A_DEL} ms (delay=$A_DELAY s); stale messages: 0"
expect_lt "$A_DEL" 5000 "route appears: ms from the table change to the delivery by the new route"

# ---- 2. the route goes ----
flip_rules nodata
cli flush flip.test
expect_eq "$CLI_RC" 0 "mxdetour flush flip.test: exit code ($CLI_OUT)"
T_FLUSH=$(now)
poll_fast 10 published_lacks flip.test || fail "flip.test still in lmdb:$LIB/transport 10 s after mxdetour flush"
T1=$(table_mtime)
send_one q1@flip.test q1@healthy.test q1@flip.test
expect_eq "$STATUS" sent "route goes: status of q1@flip.test"
expect_eq "$RELAY" "$OWN_MX" "route goes: relay of q1@flip.test, the first message after the table lost the route"
expect_lt "$DELAY" 1 "route goes: delay= of q1@flip.test"
B_DELAY=$DELAY
B_SUB=$(ms_between "$T1" "$T_SUB")
B_DEL=$(ms_between "$T1" "$T_DEL")
B_PUB=$(ms_between "$T_FLUSH" "$T1")
wait_verdict flip.test healthy
note "route goes: flush -> table changed ${B_PUB} ms; table changed -> next message queued ${B_SUB} ms -> delivered by the domain's own MX ${B_DEL} ms (delay=$B_DELAY s); stale messages: 0"
expect_lt "$B_DEL" 5000 "route goes: ms from the table change to the delivery by the own MX"

# ---- 3. the same sender and recipient as the last message qmgr resolved ----
flip_rules drop
cli flush flip.test
expect_eq "$CLI_RC" 0 "mxdetour flush flip.test: exit code ($CLI_OUT)"
wait_verdict flip.test aaaa-ignored
poll_fast 10 published_has flip.test || fail "flip.test not back in lmdb:$LIB/transport"
# Two routes, so no content filter; alpha.test sorts first.
send_one same@flip.test m0@alpha.test same@flip.test
T_M0=$T_DEL # qmgr's lookup of same@flip.test was before this
expect_eq "$RELAY" "$PINNED" "same address: relay of same@flip.test before the change"
flip_rules nodata
cli flush flip.test
expect_eq "$CLI_RC" 0 "mxdetour flush flip.test: exit code ($CLI_OUT)"
poll_fast 10 published_lacks flip.test || fail "flip.test still in lmdb:$LIB/transport 10 s after mxdetour flush"
T2=$(table_mtime)
stale=0
first=""
last_stale=""
while :; do
    send_one same@flip.test same@flip.test
    expect_eq "$STATUS" sent "same address: status of message $QID"
    [ -n "$first" ] || first=$RELAY
    [ "$RELAY" != "$OWN_MX" ] || break
    expect_eq "$RELAY" "$PINNED" "same address: relay of message $QID"
    stale=$((stale + 1))
    # qmgr's cached answer lives at most 30 s from its lookup (before
    # T_M0); qmgr may resolve a message a few ms before T_SUB.
    last_stale=$(ms_between "$T_M0" "$T_SUB")
    expect_lt "$last_stale" 30500 "same address: ms from the previous message's delivery to a message still queued with the old route"
    expect_lt "$(ms_between "$T2" "$(now)")" 35000 "same address: ms from the table change with the old route still in use"
    sleep 0.2
done
C_DEL=$(ms_between "$T2" "$T_DEL")
C_FRESH=$(ms_between "$T_M0" "$T_SUB")
note "same sender and recipient as the previous message: $stale messages kept the old route (the last one queued ${last_stale:-?} ms after the previous message was delivered, the first with the new route ${C_FRESH} ms after); table changed -> first delivery by the new route ${C_DEL} ms"
published_lacks flip.test || fail "flip.test came back into the table during the same-address messages"
expect_eq "$first" "$PINNED" "same address: relay of the first message after the change (qmgr's cached answer)"

restarts=$(grep -c 'has changed -- restarting' "$MAILLOG")
note "trivial-rewrite 'table has changed -- restarting' lines: $restarts"
expect_no_log 'status=(deferred|bounced)'
poll 10 pf_queue_empty || fail "mail left in the queue: $(ns postqueue -c "$PFDIR" -p)"
pass "route appears ${A_DEL} ms, goes ${B_DEL} ms, same-address repeat ${C_DEL} ms ($stale stale)"
