#!/bin/sh
# More MX records than a probe examines: 19 backups (MX 20) listed before
# the primary (MX 10).
# The primary is chosen by preference over the whole RRset, so it is the
# first host, its dropped AAAA names the verdict, and the pin starts with
# its address (before: the first 16 records in message order were kept, the
# primary never examined, and the domain called healthy from the backups).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
d=many.test
{
    i=1
    while [ $i -le 19 ]; do
        echo "$d MX answer 20 b$i.$d"
        echo "b$i.$d A answer 127.0.1.$i"
        echo "b$i.$d AAAA nodata"
        i=$((i + 1))
    done
    echo "$d MX answer 10 mx.$d"
    echo "mx.$d A answer 127.0.0.10"
    echo "mx.$d AAAA drop"
} >"$TMPD/rules"
fakedns_start "$TMPD/rules"
srv=127.0.0.1:$FD_PORT
probe --resolver "$srv" --timeout 500ms --tries 1 $d
expect_rc 1
expect $d mx.outcome = answer
expect $d verdict = aaaa-ignored
expect $d host = mx.$d
expect $d evidence = "AAAA mx.$d timeout 1x500ms @$srv; asked twice"
expect $d hosts.0.name = mx.$d
expect $d hosts.0.pref = 10
expect $d hosts.1.name = b1.$d
expect $d hosts.1.pref = 20
expect $d route ^ "smtp:[127.0.0.10]:25, [127.0.1.1]:25"
pass
