#!/bin/sh
# Two MX hosts, listed out of preference order; the backup (MX 20) drops
# AAAA.  Hosts come back in preference order, the verdict names the broken
# host, and pin-mx pins both A addresses in preference order.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
d=twomx.test
{
    echo "$d MX answer 20 mx2.$d"
    echo "$d MX answer 10 mx1.$d"
    echo "mx1.$d A answer 127.0.0.10"
    echo "mx1.$d AAAA nodata"
    echo "mx2.$d A answer 127.0.0.20"
    echo "mx2.$d AAAA drop"
} >"$TMPD/rules"
fakedns_start "$TMPD/rules"
srv=127.0.0.1:$FD_PORT
probe --resolver "$srv" --timeout 500ms --tries 1 $d
expect_rc 1
expect $d verdict = aaaa-ignored
expect $d host = mx2.$d
expect $d evidence = "AAAA mx2.$d timeout 1x500ms @$srv; asked twice"
expect $d hosts.0.name = mx1.$d
expect $d hosts.0.pref = 10
expect $d hosts.0.aaaa = nodata
expect $d hosts.1.name = mx2.$d
expect $d hosts.1.pref = 20
expect $d hosts.1.aaaa = timeout
expect $d route = "smtp:[127.0.0.10]:25, [127.0.0.20]:25"
expect $d ms '<=' 1400
pass
