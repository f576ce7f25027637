#!/bin/sh
# The AAAA answer arrives 300 ms late, inside the 1 s budget: healthy, and
# the probe's ms shows it waited.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
d=slow.test
{
    rules_mx1 $d 127.0.0.10
    echo "mx1.$d AAAA delay 300 answer 2001:db8::10"
} >"$TMPD/rules"
fakedns_start "$TMPD/rules"
srv=127.0.0.1:$FD_PORT
probe --resolver "$srv" --timeout 1s --tries 1 $d
expect_rc 0
expect $d verdict = healthy
expect $d route = ""
expect $d hosts.0.a = answer
expect $d hosts.0.aaaa = answer
expect $d ms '>=' 300
expect $d ms '<=' 1000
pass
