#!/bin/sh
# A healthy domain: MX answers, the MX host answers A, AAAA is NODATA (the
# normal case for an IPv4-only host) => healthy, no route, exit 0.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
d=healthy.test
{
    rules_mx1 $d 127.0.0.10
    echo "mx1.$d A answer 127.0.0.11"
    echo "mx1.$d AAAA nodata"
} >"$TMPD/rules"
fakedns_start "$TMPD/rules"
srv=127.0.0.1:$FD_PORT
probe --resolver "$srv" --timeout 500ms --tries 1 $d
expect_rc 0
expect $d verdict = healthy
expect $d route = ""
expect $d host '~' "(mx1\.$d)?"
expect $d confirmed = false
expect $d mx.outcome = answer
expect $d mx.server = "$srv"
expect $d hosts.0.name = mx1.$d
expect $d hosts.0.pref = 10
expect $d hosts.0.a = answer
expect $d hosts.0.aaaa = nodata
expect $d hosts.0.addrs = '["127.0.0.10", "127.0.0.11"]'
expect $d ms '<=' 400
[ "$(queries_for "$FD_LOG" mx1.$d)" -ge 2 ] || fail "no A/AAAA queries for mx1.$d reached the server"
pass
