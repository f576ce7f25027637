#!/bin/sh
# MX hosts that are CNAMEs, as an authoritative server answers them (the
# chain and the target's records in one answer): the addresses behind the
# chain count, and a target that drops AAAA is aaaa-ignored.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
ok=cname.test
bad=cname-drop.test
{
    echo "$ok MX answer 10 mx1.$ok"
    echo "mx1.$ok CNAME answer real.$ok."
    echo "real.$ok A answer 127.0.0.30"
    echo "real.$ok AAAA nodata"
    echo "$bad MX answer 10 mx1.$bad"
    echo "mx1.$bad CNAME answer real.$bad."
    echo "real.$bad A answer 127.0.0.31"
    echo "real.$bad AAAA drop"
} >"$TMPD/rules"
fakedns_start "$TMPD/rules"
srv=127.0.0.1:$FD_PORT
probe --resolver "$srv" --timeout 500ms --tries 1 $ok $bad
expect_rc 1
expect $ok verdict = healthy
expect $ok hosts.0.name = mx1.$ok
expect $ok hosts.0.a = answer
expect $ok hosts.0.aaaa = nodata
expect $ok hosts.0.addrs = '["127.0.0.30"]'
expect $bad verdict = aaaa-ignored
expect $bad host = mx1.$bad
expect $bad hosts.0.a = answer
expect $bad hosts.0.aaaa = timeout
expect $bad evidence = "AAAA mx1.$bad timeout 1x500ms @$srv; asked twice"
expect $bad route = "smtp:[127.0.0.31]:25"
pass
