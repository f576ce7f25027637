#!/bin/sh
# The local resolver fails while the external one answers => local-dns-down
# (rerouted per routing.on_local_dns_down).  Twice: a local resolver port
# where nothing listens, and a local server that refuses everything; then
# the same without an external resolver, where the canary tells.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
d=ldd.test
rules_mx1 $d 127.0.0.10 >"$TMPD/good"
fakedns_start "$TMPD/good"
ext=127.0.0.1:$FD_PORT
echo "* ANY refused" >"$TMPD/refuse"
fakedns_start "$TMPD/refuse"
refuse=127.0.0.1:$FD_PORT
dead=127.0.0.1:$(dead_port)
write_conf 'routing:
  on_broken: pin-mx
  smarthost: "[127.0.0.99]:25"
  on_local_dns_down: smarthost'

# Control: the external server alone is healthy.
probe --resolver "$ext" --timeout 500ms --tries 1 $d
expect_rc 0
expect $d verdict = healthy

probe --resolver "$refuse" --external "$ext" --timeout 500ms --tries 1 $d
expect_rc 1
expect $d verdict = local-dns-down
expect $d mx.outcome = refused
expect $d mx.server = "$refuse"
expect $d evidence '^' "MX $d REFUSED @$refuse"
expect $d evidence '~' ".*$ext.*"
expect $d route = "smtp:[127.0.0.99]:25"

probe --resolver "$dead" --external "$ext" --timeout 500ms --tries 1 $d
expect_rc 1
expect $d verdict = local-dns-down
expect $d mx.outcome '~' "timeout|failed|refused"
expect $d evidence '^' "MX $d "
expect $d route = "smtp:[127.0.0.99]:25"
expect $d ms '<=' 1500

# No external resolver: the canary (the root zone, asked through the same
# resolver) fails too, so the failure is the resolver's, not the domain's:
# local-dns-down, routed by on_local_dns_down, never mx-error.
for r in "$refuse" "$dead"; do
    probe --resolver "$r" --timeout 500ms --tries 1 $d
    expect_rc 1
    expect $d verdict = local-dns-down
    expect $d evidence '~' "^MX $d .*; canary .*@$r"
    expect $d route = "smtp:[127.0.0.99]:25"
done
pass
