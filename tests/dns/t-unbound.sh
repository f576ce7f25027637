#!/bin/sh
# Verdicts through a real recursive resolver: Debian's unbound, started by
# the test (tests/lib/common.sh unbound_start), its test. zone stubbed to
# fakedns as the authoritative server.  What the fake server alone cannot
# show:
#  - slow: the MX host's server answers AAAA after 1.5 s.  unbound retries
#    it, takes 4-6 s for the cold lookup and sends nothing at all for a
#    query that took it over 1.9 s (discard-timeout), so both c-ares tries
#    time out; asked once more, unbound answers from its cache: healthy, no
#    route (before the re-ask: aaaa-ignored, pinned for an hour);
#  - dropped AAAA: aaaa-ignored and pinned to the A records;
#  - unbound stopped, with and without an external resolver:
#    local-dns-down either way (routed by on_local_dns_down), never
#    mx-error; started again: healthy.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
need_cmd unbound "apt-get install unbound"
slow=slow.ub.test
drop=drop.ub.test
ok=ok.ub.test
{
    rules_mx1 $slow 127.0.0.10
    echo "mx1.$slow AAAA delay 1500 answer 2001:db8::10"
    rules_mx1 $drop 127.0.0.11
    echo "mx1.$drop AAAA drop"
    rules_mx1 $ok 127.0.0.12
} >"$TMPD/rules"
fakedns_start "$TMPD/rules"
auth=127.0.0.1:$FD_PORT
unbound_start "$auth"
ub=$UB_ADDR:$UB_PORT
write_conf 'routing:
  on_broken: pin-mx
  smarthost: "[127.0.0.99]:25"
  on_local_dns_down: smarthost'

# The default budget (2 s, 2 tries), as a real installation has it.
probe --resolver "$ub" $slow
expect_rc 0
expect $slow verdict = healthy
expect $slow route = ""
expect $slow hosts.0.aaaa = answer
expect $slow mx.server = "$ub"

probe --resolver "$ub" --timeout 1s --tries 1 $drop
expect_rc 1
expect $drop verdict = aaaa-ignored
expect $drop hosts.0.a = answer
expect $drop route = "smtp:[127.0.0.11]:25"
expect $drop evidence '^' "AAAA mx1.$drop "

probe --resolver "$ub" --timeout 1s --tries 1 $ok
expect_rc 0
expect $ok verdict = healthy
expect $ok route = ""

# unbound stopped: nothing listens on its port any more.
unbound_stop
probe --resolver "$ub" --external "$auth" --timeout 500ms --tries 1 $ok
expect_rc 1
expect $ok verdict = local-dns-down
expect $ok evidence '^' "MX $ok "
expect $ok route = "smtp:[127.0.0.99]:25"
probe --resolver "$ub" --timeout 500ms --tries 1 $ok
expect_rc 1
expect $ok verdict = local-dns-down
expect $ok evidence '~' "^MX $ok .*; canary .*@$ub"
expect $ok route = "smtp:[127.0.0.99]:25"

# Recovery: the same address and port again, a cold cache.
unbound_start "$auth" "$UB_ADDR" "$UB_PORT"
probe --resolver "$ub" --timeout 1s --tries 1 $ok
expect_rc 0
expect $ok verdict = healthy
expect $ok route = ""
pass
