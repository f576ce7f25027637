#!/bin/sh
# "MX 0 ." (RFC 7505): the domain accepts no mail => null-mx, no A/AAAA
# queries, not rerouted, exit 0.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
d=nomail.test
{
    echo "$d MX answer 0 ."
    echo "$d A answer 127.0.0.10"
} >"$TMPD/rules"
fakedns_start "$TMPD/rules"
srv=127.0.0.1:$FD_PORT
probe --resolver "$srv" --timeout 500ms --tries 1 $d
expect_rc 0
expect $d verdict = null-mx
expect $d route = ""
expect $d mx.outcome = answer
expect $d mx.server = "$srv"
expect $d evidence '^' "MX $d"
[ "$(grep -v fakedns-ready "$FD_LOG" | grep -c ' A \| AAAA ')" -eq 0 ] || fail "address queries sent for a null MX domain"
pass
