#!/bin/sh
# A dual-stack MX host: A and AAAA both answer with records => healthy.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
d=dual.test
{
    rules_mx1 $d 127.0.0.10
    echo "mx1.$d AAAA answer 2001:db8::10"
} >"$TMPD/rules"
fakedns_start "$TMPD/rules"
srv=127.0.0.1:$FD_PORT
probe --resolver "$srv" --timeout 500ms --tries 1 $d
expect_rc 0
expect $d verdict = healthy
expect $d route = ""
expect $d mx.outcome = answer
expect $d mx.server = "$srv"
expect $d hosts.0.name = mx1.$d
expect $d hosts.0.a = answer
expect $d hosts.0.aaaa = answer
expect $d hosts.0.addrs = '["127.0.0.10"]'
pass
