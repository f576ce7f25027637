#!/bin/sh
# t-publish.sh - routing.publish: the reroutes land in a Postfix lmdb table
# that Postfix's own postmap -q reads, a healthy domain never does, a flush
# takes a route back out, and the table outlives the daemon.
. "${top_srcdir:-.}/tests/daemon/lib.sh"
need_cmd postmap "apt-get install postfix"
need_postfix_lmdb

dns_start
TABLE="$TMPD/transport"
d_write_conf "routing:
  mode: rewrite
  on_broken: pin-mx
  smarthost: \"[203.0.113.25]:25\"
  publish: \"lmdb:$TABLE\"
domains:
  - domain: listed.test
    route: smarthost
  - domain: \"*.tailspin.test\"
    route: smarthost"
mxd_start

published() { # KEY WANT
    [ "$(postmap -c "$PFDIR" -q "$1" "lmdb:$TABLE" 2>/dev/null)" = "$2" ]
}
poll 5 published listed.test "$LISTED_ROUTE" ||
    fail "listed.test not published: $(cat "$TABLE" 2>&1)"
# transport(5) matches ".tailspin.test" for every subdomain, not the apex.
expect_eq "$(postmap -c "$PFDIR" -q .tailspin.test "lmdb:$TABLE")" "$LISTED_ROUTE" "wildcard entry"

pm user@broken.test
pm user@healthy.test
wait_verdict broken.test
wait_verdict healthy.test
poll 5 published broken.test "$BROKEN_ROUTE" ||
    fail "broken.test not published after its probe: $(cat "$TABLE" 2>&1)"
postmap -c "$PFDIR" -q healthy.test "lmdb:$TABLE" >/dev/null && fail "healthy.test was published"
grep -q healthy "$TABLE" && fail "healthy.test is in the text table"

cli flush broken.test
expect_match "$CLI_OUT" '^flushed 1 verdict of broken\.test$' "flush"
wait_verdict broken.test
poll 5 published broken.test "$BROKEN_ROUTE" || fail "broken.test lost after flush and re-probe"

mxd_stop
expect_eq "$(postmap -c "$PFDIR" -q broken.test "lmdb:$TABLE")" "$BROKEN_ROUTE" "the table after the daemon stopped"
pass
