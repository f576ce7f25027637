#!/bin/sh
# Domains on the known-broken list are answered from the config, without
# any DNS query: verdict listed, route from the entry.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
{
    rules_mx1 listed.test 127.0.0.10
    rules_mx1 plain.test 127.0.0.11
    rules_mx1 sub.wild.test 127.0.0.12
} >"$TMPD/rules"
fakedns_start "$TMPD/rules"
srv=127.0.0.1:$FD_PORT
write_conf 'routing:
  on_broken: smarthost
  smarthost: "[127.0.0.99]:25"
domains:
  - plain.test
  - domain: Listed.Test.
    route: smarthost
    smarthost: "[127.0.0.98]:25"
    note: "drops AAAA"
  - domain: "*.wild.test"
    route: transport
    transport: smtp-ipv4'
probe --resolver "$srv" --timeout 500ms --tries 1 listed.test plain.test sub.wild.test
expect_rc 0
expect listed.test verdict = listed
expect listed.test route = "smtp:[127.0.0.98]:25"
expect listed.test evidence "~" "listed at .*mxdetour.yaml:[0-9]+: drops AAAA"
expect plain.test verdict = listed
expect plain.test route = "smtp:[127.0.0.99]:25"
expect sub.wild.test verdict = listed
expect sub.wild.test route = "smtp-ipv4:"
n=$(grep -c 'listed.test\|plain.test\|wild.test' "$FD_LOG")
[ "$n" -eq 0 ] || fail "$n DNS queries sent for listed domains"
pass
