#!/bin/sh
# The MX query itself is dropped => mx-error.  No address to pin, so the
# route is the smart host (pin-mx falls back to it), and without a smart
# host there is no route at all.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
d=mxdrop.test
{
    echo "$d MX drop"
    echo "$d A answer 127.0.0.10"
} >"$TMPD/rules"
fakedns_start "$TMPD/rules"
srv=127.0.0.1:$FD_PORT
write_conf 'routing:
  on_broken: pin-mx
  smarthost: "[127.0.0.99]:25"'
probe --resolver "$srv" --timeout 500ms --tries 2 $d
expect_rc 1
expect $d verdict = mx-error
expect $d mx.outcome = timeout
expect $d mx.server = "$srv"
expect $d evidence = "MX $d timeout 2x500ms @$srv; asked twice"
expect $d route = "smtp:[127.0.0.99]:25"
expect $d hosts = '[]'
# c-ares backs off: 500 ms + 1000 ms; the re-ask is one more try of 500 ms.
budget=$(($(budget_ms 500 2) + 500))
expect $d ms '>=' $((budget - 100))
expect $d ms '<=' $((budget + 400))
[ "$WALL_MS" -le $((budget + 2000)) ] || fail "probe took ${WALL_MS}ms for a ${budget}ms budget"

write_conf 'routing:
  on_broken: pin-mx'
probe --resolver "$srv" --timeout 500ms --tries 1 $d
expect_rc 1
expect $d verdict = mx-error
expect $d evidence = "MX $d timeout 1x500ms @$srv; asked twice"
expect $d route = ""
pass
