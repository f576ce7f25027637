#!/bin/sh
# t-socketmap.sh - the socketmap as Postfix and Sendmail use it, against the
# real daemon: Postfix's own postmap(1) asks postfix-transport with a full
# address and with "*" (a pattern table, doc/mta-facts.md §2); a listed domain
# answers its route at once, an unknown broken domain answers NOTFOUND and
# then, once its probe finished, its pinned route; a healthy domain never
# gets one.  Sendmail's mailertable map answers "mailer:host".
. "${top_srcdir:-.}/tests/daemon/lib.sh"
need_cmd postmap "apt-get install postfix"

dns_start
d_write_conf
mxd_start

pm 'user@listed.test'
expect_eq "$PM_RC" 0 "postmap -q user@listed.test exit code"
expect_eq "$PM_OUT" "$LISTED_ROUTE" "postmap -q user@listed.test"
expect_log "domain=listed.test verdict=listed route=smtp:\[203\.0\.113\.25\]:25 via=socketmap"
pm 'First.Last@LISTED.Test'
expect_eq "$PM_OUT" "$LISTED_ROUTE" "postmap -q First.Last@LISTED.Test"

# The wildcard key Postfix sends after the address: never a route.
pm '*'
expect_eq "$PM_RC" 1 "postmap -q '*' exit code (1 = not found)"
expect_eq "$PM_OUT" "" "postmap -q '*' output"

# Unknown and broken: NOTFOUND at once (no waiting on DNS), then the route.
pm 'bob@broken.test'
expect_eq "$PM_RC" 1 "first lookup of unknown broken.test: exit code"
expect_eq "$PM_OUT" "" "first lookup of unknown broken.test"
wait_verdict broken.test
expect_eq "$VERDICT" aaaa-ignored "verdict of broken.test"
pm 'bob@broken.test'
expect_eq "$PM_RC" 0 "lookup of broken.test after its probe: exit code"
expect_eq "$PM_OUT" "$BROKEN_ROUTE" "lookup of broken.test after its probe"

# Healthy: NOTFOUND before and after its probe.
pm 'eve@healthy.test'
expect_eq "$PM_RC" 1 "first lookup of healthy.test: exit code"
wait_verdict healthy.test
expect_eq "$VERDICT" healthy "verdict of healthy.test"
pm 'eve@healthy.test'
expect_eq "$PM_RC" 1 "lookup of healthy.test after its probe: exit code"
expect_eq "$PM_OUT" "" "lookup of healthy.test after its probe"

# Several requests on one connection, as Postfix keeps it open.
sm postfix-transport user@listed.test '*' user@healthy.test user@broken.test @listed.test
expect_eq "$SM_OUT" "OK $LISTED_ROUTE
NOTFOUND 
NOTFOUND 
OK $BROKEN_ROUTE
OK $LISTED_ROUTE" "pipelined postfix-transport answers"

# Two requests in one write: both answered, in order.
R=$("$PY" "$CLIENT" raw "$SM_SOCK" '31:postfix-transport u@listed.test,19:postfix-transport *,' 1)
expect_eq "$(printf '%s\n' "$R" | head -n 1)" "answer=b'25:OK $LISTED_ROUTE,9:NOTFOUND ,'" \
    "two requests in one write"

# Sendmail mailertable: host keys, then parent keys with a leading dot.
sm sendmail-mailertable listed.test mx.listed.test .listed.test .test . broken.test healthy.test
expect_eq "$SM_OUT" "OK esmtp:[203.0.113.25]
NOTFOUND 
NOTFOUND 
NOTFOUND 
NOTFOUND 
OK esmtp:[127.0.0.11]
NOTFOUND " "sendmail-mailertable answers"

# An unknown map name is not an error to the MTA: NOTFOUND, never PERM/TEMP.
sm no-such-map user@listed.test
expect_eq "$SM_OUT" "NOTFOUND " "unknown map name"
pm 'user@listed.test' no-such-map
expect_eq "$PM_RC" 1 "postmap on an unknown map name: exit code"
alive "all of the above"
mxd_stop
pass
