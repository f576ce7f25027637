#!/bin/sh
# t-restart.sh - SIGTERM saves the learned verdicts to state_file and a
# restart loads them: the first socketmap answer after the restart is
# already the route (an unknown domain would answer NOTFOUND), and no domain
# is probed again (fakedns sees no new query).
. "${top_srcdir:-.}/tests/daemon/lib.sh"
need_cmd postmap "apt-get install postfix"

dns_start
d_write_conf
mxd_start
pm 'bob@broken.test'
pm 'eve@healthy.test'
wait_verdict broken.test
expect_eq "$VERDICT" aaaa-ignored "verdict of broken.test"
wait_verdict healthy.test
expect_eq "$VERDICT" healthy "verdict of healthy.test"
pm 'bob@broken.test'
expect_eq "$PM_OUT" "$BROKEN_ROUTE" "route of broken.test before the restart"
mxd_stop
[ -s "$STATE" ] || fail "no state file $STATE after SIGTERM"
queries=$(grep -c 'broken\.test\.\|healthy\.test\.' "$TMPD/dns.log")

mxd_start
pm 'bob@broken.test'
expect_eq "$PM_RC" 0 "first lookup of broken.test after the restart: exit code"
expect_eq "$PM_OUT" "$BROKEN_ROUTE" "first lookup of broken.test after the restart"
lookup_verdict healthy.test
expect_eq "$VERDICT" healthy "first mxdetour lookup of healthy.test after the restart"
pm 'eve@healthy.test'
expect_eq "$PM_RC" 1 "healthy.test after the restart: exit code"
expect_eq "$(grep -c 'broken\.test\.\|healthy\.test\.' "$TMPD/dns.log")" "$queries" \
    "DNS queries for the learned domains after the restart"
mxd_stop
pass
