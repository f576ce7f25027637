#!/bin/sh
# t-pin-ttl.sh - pins follow the A records.  pin.test's MX host drops AAAA
# (aaaa-ignored, pinned to its A address) and its A record has a TTL of
# 2 s (fakedns "ttl 2").  The address changes: the route follows within
# TTL + one probe, long before probe.recheck (1 h).  Then the AAAA answers:
# healthy, and the route is gone at the next probe.  The state file keeps
# the pin's TTL.  Before, a pin stayed until probe.recheck, whatever the
# TTL said.  The config has no smart host: its warning is logged at start
# and at a reload.
. "${top_srcdir:-.}/tests/daemon/lib.sh"
need_cmd postmap "apt-get install postfix"

zone() { # ADDR AAAA-ACTION
    printf 'pin.test MX answer 10 mx1.pin.test\nmx1.pin.test A ttl 2 answer %s\nmx1.pin.test AAAA %s\n' "$1" "$2" >"$TMPD/zone.new" &&
        mv "$TMPD/zone.new" "$TMPD/zone.rules"
}
zone 127.0.0.31 drop
fakedns_start "$TMPD/zone.rules"
d_write_conf 'routing:
  on_broken: pin-mx'
mxd_start
# No smart host here: check-config's warning is in the log at start, and
# again after a reload (an admin reloading such a config is told too).
expect_log 'config: routing\.smarthost is not set'
mxd_hup 'config: routing\.smarthost is not set'
pm 'eve@pin.test'
wait_verdict pin.test
expect_eq "$VERDICT" aaaa-ignored "verdict of pin.test"
pm 'eve@pin.test'
expect_eq "$PM_OUT" "smtp:[127.0.0.31]:25" "pin.test pinned"

route_is() { # ROUTE
    pm 'eve@pin.test'
    [ "$PM_OUT" = "$1" ]
}
# A probe here takes two budgets (the timeout is asked again): 1 s.
t0=$(now_ms)
zone 127.0.0.32 drop
poll 6 route_is "smtp:[127.0.0.32]:25" || fail "pin.test still routed to '$PM_OUT' 6 s after its A record (TTL 2 s) changed"
ms=$(($(now_ms) - t0))
echo "# the route followed the new address in $ms ms"
[ "$ms" -le 4000 ] || fail "the route followed after $ms ms, want at most TTL 2 s + a 1 s probe + 1 s"

mxd_stop
grep -q "^pin.test	aaaa-ignored	.*	127.0.0.32	.*	2\$" "$STATE" ||
    fail "the state file lacks pin.test's TTL: $(cat "$STATE")"
mxd_start
pm 'eve@pin.test'
expect_eq "$PM_OUT" "smtp:[127.0.0.32]:25" "pin.test after a restart"

t0=$(now_ms)
zone 127.0.0.32 "answer 2001:db8::32"
poll 6 route_is "" || fail "pin.test still routed to '$PM_OUT' 6 s after its AAAA answers"
echo "# the route went away in $(($(now_ms) - t0)) ms"
lookup_verdict pin.test
expect_eq "$VERDICT" healthy "pin.test once its AAAA answers"
mxd_stop
pass
