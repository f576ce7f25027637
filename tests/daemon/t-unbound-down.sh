#!/bin/sh
# t-unbound-down.sh - the local resolver is a real unbound (tests/lib/common.sh
# unbound_start, its test. zone stubbed to fakedns), and it stops:
#  - a domain known as healthy answers routing.on_local_dns_down (the smart
#    host) from the next lookup, socketmap and published table alike, and
#    status says "local resolver: down";
#  - a domain first seen during the outage is probed but keeps no verdict;
#  - unbound started again (same port, cold cache): "state=up", the healthy
#    domain has no route again, and the domain of the outage gets its own
#    verdict from a new probe (aaaa-error), not local-dns-down.
. "${top_srcdir:-.}/tests/daemon/lib.sh"
need_cmd postmap "apt-get install postfix"
need_cmd unbound "apt-get install unbound"

dns_start
unbound_start "127.0.0.1:$DNS_PORT"
d_write_conf 'routing:
  on_broken: pin-mx
  smarthost: "[203.0.113.25]:25"
  on_local_dns_down: smarthost
  publish: "texthash:'"$TMPD"'/transport"'
sed -i "s/^  local: .*/  local: [\"$UB_ADDR:$UB_PORT\"]\n  check_interval: 500ms/" "$CONF"
"$MXD" check-config -c "$CONF" >/dev/null 2>&1 || fail "test config does not load: $("$MXD" check-config -c "$CONF" 2>&1)"
mxd_start
pm 'eve@healthy.test'
wait_verdict healthy.test
expect_eq "$VERDICT" healthy "verdict of healthy.test through unbound"
pm 'eve@healthy.test'
expect_eq "$PM_RC" 1 "healthy.test, unbound up: no route"

unbound_stop
t0=$(now_ms)
poll 5 grep -q 'resolver=local state=down' "$TMPD/daemon.log" ||
    fail "no 'resolver=local state=down' line within 5 s of stopping unbound"
echo "# state=down logged $(($(now_ms) - t0)) ms after unbound stopped"
cli status
expect_match "$CLI_OUT" 'local resolver: down' "status while unbound is stopped"
pm 'eve@healthy.test'
expect_eq "$PM_OUT" "smtp:[203.0.113.25]:25" "healthy.test while unbound is stopped"
poll 5 grep -q '^healthy.test smtp:\[203.0.113.25\]:25$' "$TMPD/transport" ||
    fail "published table lacks healthy.test while down: $(cat "$TMPD/transport")"
probes_started() {
    cli status
    printf '%s\n' "$CLI_OUT" | sed -n 's/^probes: \([0-9]*\) started.*/\1/p'
}
# Probed means: one more probe started, and none running or queued now.
probe_over() {
    [ "$(probes_started)" -gt "$1" ] &&
        printf '%s\n' "$CLI_OUT" | grep -q '^probes: [0-9]* started, 0 running, 0 queued'
}
before=$(probes_started)
pm 'bob@broken2.test'
poll 5 probe_over "$before" || fail "broken2.test was not probed: $CLI_OUT"
lookup_verdict broken2.test
expect_eq "$VERDICT" local-dns-down "broken2.test probed during the outage (label)"
grep -q 'domain=broken2.test .*via=probe' "$TMPD/daemon.log" &&
    fail "a probe during the outage made a verdict: $(grep 'domain=broken2.test' "$TMPD/daemon.log")"

unbound_start "127.0.0.1:$DNS_PORT" "$UB_ADDR" "$UB_PORT"
poll 5 grep -q 'resolver=local state=up' "$TMPD/daemon.log" ||
    fail "no 'resolver=local state=up' line within 5 s of starting unbound again"
cli status
expect_match "$CLI_OUT" 'local resolver: up' "status after unbound is back"
pm 'eve@healthy.test'
expect_eq "$PM_RC" 1 "healthy.test after recovery: no route"
poll 5 sh -c "! grep -q '^healthy.test ' '$TMPD/transport'" ||
    fail "published table keeps healthy.test after recovery"
pm 'bob@broken2.test'
wait_verdict broken2.test
poll 10 sh -c "'$MXD' -c '$CONF' lookup broken2.test | grep -q '^verdict: aaaa-error'" ||
    fail "broken2.test after recovery: $("$MXD" -c "$CONF" lookup broken2.test)"
pm 'bob@broken2.test'
expect_eq "$PM_OUT" "$BROKEN2_ROUTE" "broken2.test after recovery: its own pin"
expect_eq "$(grep -c 'resolver=local state=' "$TMPD/daemon.log")" 2 "state lines (one down, one up)"
mxd_stop
pass
