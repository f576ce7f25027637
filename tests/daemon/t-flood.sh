#!/bin/sh
# t-flood.sh - the flood guard: probe.rate lets one new probe start, the
# queue holds probe.max_pending more, and every domain past that is skipped:
# it answers at once as unknown (NOTFOUND), is counted in `status`, is not
# kept in the cache, and the skips are logged in one line a minute with
# their count.
. "${top_srcdir:-.}/tests/daemon/lib.sh"

dns_start
d_write_conf
# One token, refilled once an hour; two places in the queue.
sed -i 's/^  tries: 1$/  tries: 1\n  max_pending: 2\n  rate: 1\/h/' "$CONF"
grep -q 'max_pending: 2' "$CONF" || fail "could not set probe.max_pending"
mxd_start

sm postfix-transport u@f1.flood.test u@f2.flood.test u@f3.flood.test u@f4.flood.test \
    u@f5.flood.test u@f5.flood.test
expect_eq "$SM_OUT" "NOTFOUND 
NOTFOUND 
NOTFOUND 
NOTFOUND 
NOTFOUND 
NOTFOUND " "every unknown domain answers NOTFOUND at once"
wait_verdict f1.flood.test
expect_eq "$VERDICT" nxdomain "the first domain got its probe"
cli status
expect_match "$CLI_OUT" 'probes: 1 started, 0 running, 2 queued, 2 skipped' "status counts"
expect_log 'domain=f4\.flood\.test verdict=unknown reason="probe skipped: max_pending 2 reached" skipped=1$'
n=$(grep -c 'reason="probe skipped' "$TMPD/daemon.log")
expect_eq "$n" 1 "the skips of a minute are one log line"
expect_match "$CLI_OUT" 'cached domains: 3 ' "skipped domains are not cached"
cli lookup f3.flood.test
expect_match "$CLI_OUT" '^verdict: unknown$' "a queued domain is unknown"
expect_match "$CLI_OUT" '^probing: yes$' "a queued domain is waiting for its probe"
alive "the flood"
mxd_stop
pass
