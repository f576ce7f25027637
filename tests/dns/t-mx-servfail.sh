#!/bin/sh
# The MX query is answered SERVFAIL => mx-error at once, routed to the
# smart host.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
d=mxsf.test
{
    echo "$d MX servfail"
    echo "$d A answer 127.0.0.10"
} >"$TMPD/rules"
fakedns_start "$TMPD/rules"
srv=127.0.0.1:$FD_PORT
write_conf 'routing:
  on_broken: pin-mx
  smarthost: "[127.0.0.99]:25"'
probe --resolver "$srv" --timeout 500ms --tries 1 $d
expect_rc 1
expect $d verdict = mx-error
expect $d mx.outcome = servfail
expect $d mx.server = "$srv"
expect $d evidence = "MX $d SERVFAIL @$srv"
expect $d route = "smtp:[127.0.0.99]:25"
expect $d ms '<=' 400
pass
