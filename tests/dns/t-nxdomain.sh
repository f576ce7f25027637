#!/bin/sh
# The domain does not exist => nxdomain, not rerouted, exit 0.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
echo "other.test MX answer 10 mx1.other.test" >"$TMPD/rules"
fakedns_start "$TMPD/rules"
srv=127.0.0.1:$FD_PORT
d=missing.test
probe --resolver "$srv" --timeout 500ms --tries 1 $d
expect_rc 0
expect $d verdict = nxdomain
expect $d route = ""
expect $d mx.outcome = nxdomain
expect $d mx.server = "$srv"
expect $d evidence = "MX $d NXDOMAIN @$srv"
expect $d hosts = '[]'
pass
