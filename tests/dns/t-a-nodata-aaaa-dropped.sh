#!/bin/sh
# The only MX host answers A with NODATA and drops AAAA: Postfix defers
# this domain.  aaaa-ignored, but there is no A address to pin, so the
# route must be the smart host even with on_broken pin-mx.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
d=v6only.test
{
    echo "$d MX answer 10 mx1.$d"
    echo "mx1.$d A nodata"
    echo "mx1.$d AAAA drop"
} >"$TMPD/rules"
fakedns_start "$TMPD/rules"
srv=127.0.0.1:$FD_PORT
write_conf 'routing:
  on_broken: pin-mx
  smarthost: "[127.0.0.99]:25"'
probe --resolver "$srv" --timeout 500ms --tries 1 $d
expect_rc 1
expect $d verdict = aaaa-ignored
expect $d host = mx1.$d
expect $d hosts.0.a = nodata
expect $d hosts.0.aaaa = timeout
expect $d hosts.0.addrs = '[]'
expect $d evidence '^' "AAAA mx1.$d timeout 1x500ms @$srv"
expect $d route = "smtp:[127.0.0.99]:25"
expect $d ms '<=' 1400 # asked twice
pass
