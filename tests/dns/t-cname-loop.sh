#!/bin/sh
# A CNAME loop (loop.test -> loop2.test -> loop.test), answered as a server
# that follows it a few times: the MX query is cname-loop, so the domain is
# mx-error (before: the chain was followed round and round, the missing MX
# records read as NODATA, and the domain itself called a healthy host).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
d=loop.test
{
    echo "$d CNAME answer loop2.test."
    echo "loop2.test CNAME answer $d."
} >"$TMPD/rules"
fakedns_start "$TMPD/rules"
srv=127.0.0.1:$FD_PORT
probe --resolver "$srv" --timeout 500ms --tries 1 $d
expect_rc 1
expect $d mx.outcome = cname-loop
expect $d verdict = mx-error
expect $d evidence = "MX $d cname-loop @$srv"
pass
