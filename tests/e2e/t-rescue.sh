#!/bin/sh
# t-rescue.sh - routing.rescue: deferred mail leaves by a new route with no
# admin action.  Mail to two domains whose MX query fails (mxfail.test:
# SERVFAIL, mxdrop.test: dropped) is deferred by plain Postfix before
# mxdetour knows them.  Then mxdetourd (rescue on) and the snippets come in,
# mxfail.test is probed (verdict mx-error, route the smart host): its
# deferred message reaches the smart host without a postqueue -f; the test
# measures the time from the decision log line to the delivery line.
# Negative control: with rescue off (SIGHUP), mxdrop.test gets the same
# kind of route and its deferred message stays deferred over a longer
# interval (45 s: both rescue passes, 0 s and 31 s, would have run).
# Postfix retries deferred mail only when told to here (queue_run_delay
# and the backoff times are 1h, see lib.sh).
. "${top_srcdir:-.}/tests/e2e/lib.sh"

SMART="127.0.0.99[127.0.0.99]:25"

# mxdrop2.test: a second domain whose MX query is dropped, for phase 2.
{ cat "$E2E_DIR/zone.rules"; echo 'mxdrop2.test MX drop'; } >"$TMPD/zone.rules"
dns_start "$TMPD/zone.rules"
sinks_start
pf_conf plain
pf_start

for d in mxfail.test mxdrop.test; do
    submit_ok "old@$d"
    eval "QID_$(echo "$d" | tr . _)=\$QID"
    wait_status "$QID" "old@$d" "" 30
    expect_eq "$STATUS" deferred "plain Postfix: status of old@$d"
done

# mxdetourd runs as root with user "" here, like every e2e test: Postfix's
# set-gid postqueue accepts -c DIR from another account only when DIR is
# listed in alternate_config_directories of the default main.cf, and this
# private instance must not touch /etc/postfix (README, "Deferred-mail rescue").
ROUTING_ON=$(printf '%s\n' "$MXD_ROUTING" | sed 's/^routing:$/routing:\n  rescue: on/')
mxd_conf "$ROUTING_ON"
grep -q '^  rescue: on$' "$CONF" || fail "config has no rescue: on"
mxd_start
pf_conf mxdetour
pf_reload

decided() { # DOMAIN
    grep -q "domain=$1 verdict=mx-error route=smtp:\[127.0.0.99\]:25 via=probe" "$TMPD/daemon.log"
}

# ---- rescue on ----
probe_start mxfail.test
poll 15 decided mxfail.test || fail "no decision line for mxfail.test"
t0=$(now_ms)
wait_status "$QID_mxfail_test" old@mxfail.test sent 45
t1=$(now_ms)
expect_eq "$RELAY" "$SMART" "relay of the rescued old@mxfail.test"
expect_log "domain=mxfail.test rescue queue_ids=\"$QID_mxfail_test\" route=smtp:\[127.0.0.99\]:25 pass=1"
RESCUE_MS=$((t1 - t0))
note "rescue on: decision line to delivery: $RESCUE_MS ms (queue id $QID_mxfail_test)"
# Only the domain with the new route: mxdrop.test's message was not touched.
has_delivery "$QID_mxdrop_test" old@mxdrop.test sent && fail "old@mxdrop.test left too"

# ---- rescue on, the route appears during the first delivery attempt ----
# New mail to an unknown domain: the milter starts the probe; Postfix's own
# MX lookup (dropped: timeout x attempts = 4 s) is still running when the
# verdict lands, so the first pass finds nothing deferred and qmgr has just
# resolved this recipient; the second pass, 31 s later, sends it.
submit_ok old@mxdrop2.test
Q2=$QID
poll 15 decided mxdrop2.test || fail "no decision line for mxdrop2.test"
t0=$(now_ms)
wait_status "$Q2" old@mxdrop2.test "" 30
note "mxdrop2.test: first attempt: $STATUS relay=$RELAY delay=$DELAY"
wait_status "$Q2" old@mxdrop2.test sent 45
t1=$(now_ms)
expect_eq "$RELAY" "$SMART" "relay of old@mxdrop2.test"
note "route appeared during the first attempt: decision line to delivery: $((t1 - t0)) ms"
grep 'domain=mxdrop2.test rescue' "$TMPD/daemon.log" | sed 's/^/# /'

# ---- rescue off: the same kind of route, no retry ----
mxd_conf
mxd_hup 'reloaded '
probe_start mxdrop.test
poll 15 decided mxdrop.test || fail "no decision line for mxdrop.test"
sleep 45
if has_delivery "$QID_mxdrop_test" old@mxdrop.test sent; then
    fail "rescue off: old@mxdrop.test was delivered: $LINE"
fi
ns postqueue -c "$PFDIR" -j | grep -q "\"queue_name\": *\"deferred\", *\"queue_id\": *\"$QID_mxdrop_test\"" ||
    fail "rescue off: $QID_mxdrop_test is not in the deferred queue: $(ns postqueue -c "$PFDIR" -p)"
grep -q 'domain=mxdrop.test rescue' "$TMPD/daemon.log" && fail "rescue off, yet a rescue was logged"
note "rescue off: old@mxdrop.test still deferred 45 s after its route appeared"
pass
