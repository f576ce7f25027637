#!/bin/sh
# The local and the external resolver both see AAAA dropped => aaaa-ignored,
# confirmed; with a working external view of the same domain the fault is
# local: local-dns-down.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
d=conf.test
{
    rules_mx1 $d 127.0.0.10
    echo "mx1.$d AAAA drop"
} >"$TMPD/bad"
fakedns_start "$TMPD/bad"
loc=127.0.0.1:$FD_PORT
fakedns_start "$TMPD/bad"
ext=127.0.0.1:$FD_PORT
probe --resolver "$loc" --external "$ext" --timeout 500ms --tries 1 $d
expect_rc 1
expect $d verdict = aaaa-ignored
expect $d confirmed = true
expect $d evidence '^' "AAAA mx1.$d timeout 1x500ms @$loc"
expect $d route = "smtp:[127.0.0.10]:25"
[ "$(queries_for "$FD_LOG" mx1.$d)" -ge 1 ] || fail "the external resolver was not asked"
expect $d ms '<=' 1900
pass
