#!/bin/sh
# t-policy.sh - the snippet's policy-service alternative (its two commented
# check_policy_service lines instead of the milter lines): a message whose
# recipients share one route gets FILTER route at DATA; a message with a
# healthy and a rerouted recipient gets no FILTER (each recipient goes by
# the transport table) but the tag header (PREPEND); with mxdetourd
# killed, default_action=DUNNO keeps mail flowing.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

e2e_up policy
if grep -Eq '^(smtpd_milters|non_smtpd_milters) =' "$PFDIR/main.cf"; then
    fail "test bug: milter lines still active in policy mode"
fi
probe_start slow.test healthy.test
wait_verdict slow.test aaaa-ignored
wait_verdict healthy.test healthy
wait_published slow.test

# One route: FILTER at DATA.
submit_ok one@slow.test
wait_status "$QID" one@slow.test "" 30
expect_eq "$STATUS $RELAY" "sent 127.0.0.11[127.0.0.11]:25" "one@slow.test"
grep -q "filter: DATA from .*triggers FILTER smtp:\[127\.0\.0\.11\]:25; .*to=<one@slow.test>" "$MAILLOG" ||
    fail "no FILTER from the policy service for the message to one@slow.test"

# Two routes: no FILTER; per recipient by the table.
submit_ok two@healthy.test two@slow.test
wait_status "$QID" two@healthy.test "" 30
expect_eq "$STATUS $RELAY" "sent mx.healthy.test[127.0.0.10]:25" "two@healthy.test"
wait_status "$QID" two@slow.test "" 30
expect_eq "$STATUS $RELAY" "sent 127.0.0.11[127.0.0.11]:25" "two@slow.test"
if grep -q "filter: .*to=<two@" "$MAILLOG"; then
    fail "a message with two routes got a whole-message FILTER: $(grep "filter: .*to=<two@" "$MAILLOG")"
fi
grep -q '^X-MXDetour: domain=slow.test verdict=aaaa-ignored route=smtp:\[127.0.0.11\]:25' "$SINKS/127.0.0.10" ||
    fail "no X-MXDetour header (PREPEND) in the message to two@healthy.test two@slow.test"

# mxdetourd killed: DUNNO by default_action, mail flows.
mxd_kill
submit_ok three@healthy.test three@slow.test
wait_status "$QID" three@healthy.test "" 30
expect_eq "$STATUS $RELAY" "sent mx.healthy.test[127.0.0.10]:25" "three@healthy.test, daemon down"
wait_status "$QID" three@slow.test "" 30
expect_eq "$STATUS $RELAY" "sent 127.0.0.11[127.0.0.11]:25" "three@slow.test, daemon down (published route)"
grep -q "warning: .*policy.sock" "$MAILLOG" || fail "smtpd never failed to reach the policy service"
expect_no_log 'status=(deferred|bounced)|NOQUEUE: reject'
pass
