#!/bin/sh
# t-reload.sh - case 5: SIGHUP with a broken config while mail flows.  The
# daemon rejects the file (FILE:LINE:COLUMN logged), keeps running with the
# old config: the socketmap, asked as trivial-rewrite asks it (postmap -q),
# still answers the old routes, the published table keeps them, and every
# message of the traffic running meanwhile is delivered by its own route:
# nothing deferred, bounced or lost.  A good file afterwards takes effect.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

N=20
e2e_up mxdetour
probe_start slow.test
wait_verdict slow.test aaaa-ignored
wait_published slow.test
wait_published .tailspin.test
cp "$CONF" "$TMPD/good.yaml"
CLI_CONF="$TMPD/good.yaml" # the CLI reads the file too (for the control socket)

traffic_start "$TMPD/traffic" "$N" 0.3 healthy.test slow.test eu.tailspin.test
traffic_sent() { # N: at least N messages done
    [ "$(wc -l <"$TMPD/traffic")" -ge "$1" ]
}
poll 20 traffic_sent 3 || fail "traffic did not start: $(cat "$TMPD/traffic")"

# The broken file would move the smart host; it must not take effect.
sed -e 's/127\.0\.0\.99/127.0.0.98/' -e 's/^  on_broken: pin-mx$/  on_broken: sideways/' \
    "$TMPD/good.yaml" >"$CONF"
line=$(grep -n '^  on_broken: sideways$' "$CONF" | cut -d: -f1)
mxd_hup "reload of .* failed"
grep -Eq "$CONF:$line:[0-9]+: " "$TMPD/daemon.log" || fail "the rejection names no $CONF:$line:COLUMN"
mxd_running || fail "mxdetourd exited after SIGHUP with a broken config"
pm user@slow.test
expect_eq "$PM_OUT" "smtp:[127.0.0.11]:25" "socketmap answer for user@slow.test after the failed reload"
pm user@eu.tailspin.test
expect_eq "$PM_OUT" "smtp:[127.0.0.99]:25" "socketmap answer for user@eu.tailspin.test after the failed reload"
pm user@healthy.test
expect_eq "$PM_RC" 1 "socketmap answer for user@healthy.test after the failed reload (1 = not found)"

# A YAML syntax error, during the same traffic.
printf 'routing:\n  mode: [rewrite\n' >"$CONF"
mxd_hup "reload of .* failed"
mxd_running || fail "mxdetourd exited after SIGHUP with a YAML error"
traffic_sent "$N" && fail "test bug: the traffic was over before the second reload"

poll 60 pf_gone "$TRAFFIC_PID" || fail "traffic still running after 60 s"
expect_eq "$(wc -l <"$TMPD/traffic")" "$N" "messages the traffic generator finished"
if grep -q ERR "$TMPD/traffic"; then
    fail "Postfix refused traffic: $(grep ERR "$TMPD/traffic" | head -n 3)"
fi
while read -r i qid; do
    wait_status "$qid" "t$i@healthy.test" "" 30
    expect_eq "$STATUS $RELAY" "sent mx.healthy.test[127.0.0.10]:25" "message $i to t$i@healthy.test"
    wait_status "$qid" "t$i@slow.test" "" 30
    expect_eq "$STATUS $RELAY" "sent 127.0.0.11[127.0.0.11]:25" "message $i to t$i@slow.test"
    wait_status "$qid" "t$i@eu.tailspin.test" "" 30
    expect_eq "$STATUS $RELAY" "sent 127.0.0.99[127.0.0.99]:25" "message $i to t$i@eu.tailspin.test"
done <"$TMPD/traffic"
expect_no_log 'status=(deferred|bounced)'
poll 10 pf_queue_empty || fail "mail left in the queue: $(ns postqueue -c "$PFDIR" -p)"
got=$(postmap -c "$PFDIR" -q .tailspin.test "lmdb:$LIB/transport")
expect_eq "$got" "smtp:[127.0.0.99]:25" "published route of .tailspin.test after the failed reloads"

# A good file takes effect: mxfail.test listed with its own smart host.
cp "$TMPD/good.yaml" "$CONF"
printf '  - domain: mxfail.test\n    route: smarthost\n    smarthost: "[127.0.0.10]:25"\n' >>"$CONF"
mxd_hup "reloaded .*: 3 listed domains"
pm user@mxfail.test
expect_eq "$PM_OUT" "smtp:[127.0.0.10]:25" "socketmap answer for the newly listed mxfail.test"
pm user@slow.test
expect_eq "$PM_OUT" "smtp:[127.0.0.11]:25" "socketmap answer for user@slow.test after a good reload"
wait_published mxfail.test
pass "$N messages x 3 routes delivered across two rejected reloads"
