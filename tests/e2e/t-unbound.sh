#!/bin/sh
# t-unbound.sh - real Postfix behind a real recursive resolver: Debian's
# unbound on 127.0.0.53 (what resolv.conf names) in front of fakedns, the
# authoritative server, on 127.0.0.54.  Both Postfix and mxdetourd
# (resolvers.local: system) ask unbound.
#  - a dropped-AAAA domain is aaaa-ignored through unbound and its mail
#    leaves by the pinned address;
#  - unbound stopped: the daemon logs resolver=local state=down, and mail to
#    a domain known healthy leaves by routing.on_local_dns_down (the smart
#    host) from the next message, where Postfix alone cannot resolve it;
#  - unbound back: state=up, and the same domain's mail goes to its own MX
#    again: nothing learned during the outage remains.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

fakedns_start "$E2E_DIR/zone.rules" 127.0.0.54 53
unbound_start 127.0.0.54:53 127.0.0.53 53
sinks_start
mxd_conf 'routing:
  mode: rewrite
  on_broken: pin-mx
  smarthost: "[127.0.0.99]:25"
  on_local_dns_down: smarthost
  publish: "lmdb:@LIB@/transport"'
sed -i 's/^resolvers:$/resolvers:\n  check_interval: 1s/' "$CONF"
mxd_start
pf_conf mxdetour
pf_start

probe_start slow.test healthy.test
poll 20 verdict_is slow.test aaaa-ignored || fail "slow.test: verdict '${VERDICT:-}' through unbound, want aaaa-ignored"
wait_verdict healthy.test healthy
wait_published slow.test
submit_ok a@slow.test b@healthy.test
wait_status "$QID" a@slow.test "" 30
expect_eq "$STATUS $RELAY" "sent 127.0.0.11[127.0.0.11]:25" "slow.test through unbound (pinned)"
wait_status "$QID" b@healthy.test "" 30
expect_eq "$STATUS $RELAY" "sent mx.healthy.test[127.0.0.10]:25" "healthy.test through unbound"

# The local resolver goes away.
unbound_stop
poll 10 grep -q 'resolver=local state=down' "$TMPD/daemon.log" ||
    fail "no 'resolver=local state=down' within 10 s of stopping unbound"
wait_published healthy.test
submit_ok c@healthy.test
wait_status "$QID" c@healthy.test "" 30
expect_eq "$STATUS $RELAY" "sent 127.0.0.99[127.0.0.99]:25" "healthy.test while the resolver is down (smart host)"

# Back: the normal answers, nothing from the outage.
unbound_start 127.0.0.54:53 127.0.0.53 53
poll 10 grep -q 'resolver=local state=up' "$TMPD/daemon.log" ||
    fail "no 'resolver=local state=up' within 10 s of restarting unbound"
poll 10 sh -c "! postmap -c '$PFDIR' -q healthy.test 'lmdb:$LIB/transport' >/dev/null 2>&1" ||
    fail "the published table keeps healthy.test after the outage"
submit_ok d@healthy.test
wait_status "$QID" d@healthy.test "" 30
expect_eq "$STATUS $RELAY" "sent mx.healthy.test[127.0.0.10]:25" "healthy.test after the outage"
expect_no_log 'status=(deferred|bounced)'
pass
