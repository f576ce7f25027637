#!/bin/sh
# No MX records (NODATA): the domain itself is the mail host (RFC 5321
# implicit MX), so its own A and AAAA are probed and hosts[0].name is the
# domain.  One healthy, one whose own AAAA is dropped.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
ok=implicit.test
bad=implicit-drop.test
{
    echo "$ok A answer 127.0.0.20"
    echo "$ok AAAA nodata"
    echo "$bad A answer 127.0.0.21"
    echo "$bad AAAA drop"
} >"$TMPD/rules"
fakedns_start "$TMPD/rules"
srv=127.0.0.1:$FD_PORT
probe --resolver "$srv" --timeout 500ms --tries 1 $ok $bad
expect_rc 1
expect $ok verdict = healthy
expect $ok mx.outcome = nodata
expect $ok hosts.0.name = $ok
expect $ok hosts.0.a = answer
expect $ok hosts.0.aaaa = nodata
expect $ok hosts.0.addrs = '["127.0.0.20"]'
expect $ok route = ""
expect $bad verdict = aaaa-ignored
expect $bad host = $bad
expect $bad mx.outcome = nodata
expect $bad hosts.0.name = $bad
expect $bad hosts.0.aaaa = timeout
expect $bad evidence = "AAAA $bad timeout 1x500ms @$srv; asked twice"
expect $bad route = "smtp:[127.0.0.21]:25"
expect $bad ms '<=' 1400
pass
