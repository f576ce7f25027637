#!/bin/sh
# t-resolver-down.sh - the local resolver is a state of the daemon, not a
# verdict of each domain.  With the resolver refusing everything (no
# external resolver configured):
#  - one log line "resolver=local state=down", and status says so;
#  - a domain known as healthy from before answers routing.on_local_dns_down
#    (here the smart host) from the next lookup, socketmap and table alike;
#  - a domain probed during the outage gets no verdict in the cache (before
#    this, every such domain became mx-error, routed and saved for an hour);
#  - when the resolver answers again: "state=up", the healthy domain has no
#    route again, and nothing learned during the outage remains.
. "${top_srcdir:-.}/tests/daemon/lib.sh"
need_cmd postmap "apt-get install postfix"

# A private copy of the zone that the test can switch to "refuse all".
cp "$D_DIR/zone.rules" "$TMPD/zone.rules"
fakedns_start "$TMPD/zone.rules"
rules() { # FILE: replace the served zone atomically
    cp "$1" "$TMPD/zone.new" && mv "$TMPD/zone.new" "$TMPD/zone.rules"
}
# The root zone answers (the canary); the refusing zone refuses it too.
{ cat "$D_DIR/zone.rules"; echo ". NS answer a.root.test"; } >"$TMPD/up.rules"
echo "* ANY refused" >"$TMPD/down.rules"
echo ". ANY refused" >>"$TMPD/down.rules"
rules "$TMPD/up.rules"

d_write_conf 'routing:
  on_broken: pin-mx
  smarthost: "[203.0.113.25]:25"
  on_local_dns_down: smarthost
  publish: "texthash:'"$TMPD"'/transport"'
sed -i 's/^resolvers:$/resolvers:\n  check_interval: 500ms/' "$CONF"
"$MXD" check-config -c "$CONF" >/dev/null 2>&1 || fail "test config does not load: $("$MXD" check-config -c "$CONF" 2>&1)"
mxd_start
pm 'eve@healthy.test'
wait_verdict healthy.test
expect_eq "$VERDICT" healthy "verdict of healthy.test"
pm 'eve@healthy.test'
expect_eq "$PM_RC" 1 "healthy.test, resolver up: no route"

rules "$TMPD/down.rules"
poll 5 grep -q 'resolver=local state=down' "$TMPD/daemon.log" ||
    fail "no 'resolver=local state=down' line within 5 s"
cli status
expect_match "$CLI_OUT" 'local resolver: down' "status while down"
pm 'eve@healthy.test'
expect_eq "$PM_OUT" "smtp:[203.0.113.25]:25" "healthy.test while the resolver is down"
poll 5 grep -q '^healthy.test smtp:\[203.0.113.25\]:25$' "$TMPD/transport" ||
    fail "published table lacks healthy.test while down: $(cat "$TMPD/transport")"
# A domain first seen during the outage: probed, but no verdict is kept.
pm 'bob@broken2.test'
sleep 2
lookup_verdict broken2.test
expect_eq "$VERDICT" local-dns-down "broken2.test probed during the outage (label)"
grep -q 'MX broken2.test' "$TMPD/dns.log" || fail "broken2.test was not probed"
# A verdict that enters the cache is logged "via=probe": none may be.
grep -q 'domain=broken2.test .*via=probe' "$TMPD/daemon.log" &&
    fail "a probe during the outage made a verdict: $(grep 'domain=broken2.test' "$TMPD/daemon.log")"

rules "$TMPD/up.rules"
poll 5 grep -q 'resolver=local state=up' "$TMPD/daemon.log" ||
    fail "no 'resolver=local state=up' line within 5 s"
cli status
expect_match "$CLI_OUT" 'local resolver: up' "status after recovery"
pm 'eve@healthy.test'
expect_eq "$PM_RC" 1 "healthy.test after recovery: no route"
poll 5 sh -c "! grep -q '^healthy.test ' '$TMPD/transport'" ||
    fail "published table keeps healthy.test after recovery"
expect_eq "$(grep -c 'resolver=local state=' "$TMPD/daemon.log")" 2 "state lines (one down, one up)"
mxd_stop
pass
