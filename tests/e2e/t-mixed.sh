#!/bin/sh
# t-mixed.sh - case 3: one message for a healthy domain, a domain under a
# listed wildcard (*.tailspin.test, route smarthost) and a probed broken
# domain (slow.test, route pinned to its MX host's address).  Every recipient
# reaches its own destination: healthy.test its own MX (127.0.0.10, the same
# host eu.tailspin.test's MX points at), eu.tailspin.test the smart host,
# slow.test the pinned address.  Routes differ, so the milter adds tag
# headers but no X-MXDetour-Route (no whole-message FILTER): the published
# transport table routes each recipient.  A healthy domain is never rerouted.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

e2e_up mxdetour
probe_start slow.test healthy.test
wait_verdict slow.test aaaa-ignored
wait_verdict healthy.test healthy
expect_eq "$ROUTE" none "route of healthy.test"
wait_published .tailspin.test
wait_published slow.test

submit_ok a@healthy.test b@eu.tailspin.test c@slow.test
wait_status "$QID" a@healthy.test "" 30
expect_eq "$STATUS" sent "status of a@healthy.test"
expect_eq "$RELAY" "mx.healthy.test[127.0.0.10]:25" "relay of a@healthy.test"
wait_status "$QID" b@eu.tailspin.test "" 30
expect_eq "$STATUS" sent "status of b@eu.tailspin.test"
expect_eq "$RELAY" "127.0.0.99[127.0.0.99]:25" "relay of b@eu.tailspin.test"
wait_status "$QID" c@slow.test "" 30
expect_eq "$STATUS" sent "status of c@slow.test"
expect_eq "$RELAY" "127.0.0.11[127.0.0.11]:25" "relay of c@slow.test"
expect_lt "$DELAY" 1 "delay= of c@slow.test"

# Each sink got exactly its own recipient.
for s in "127.0.0.10 a@healthy.test" "127.0.0.99 b@eu.tailspin.test" "127.0.0.11 c@slow.test"; do
    set -- $s
    got=$(sed -n 's/^X-Rcpt-Args: \(<[^>]*>\).*/\1/p' "$SINKS/$1" | tr '\n' ' ')
    expect_eq "$got" "<$2> " "recipients received by the sink at $1"
done
grep -q '^X-MXDetour: domain=eu.tailspin.test verdict=listed route=smtp:\[127.0.0.99\]:25' "$SINKS/127.0.0.10" ||
    fail "no X-MXDetour header for eu.tailspin.test in the message"
grep -q '^X-MXDetour: domain=slow.test verdict=aaaa-ignored' "$SINKS/127.0.0.10" ||
    fail "no X-MXDetour header for slow.test in the message"
if grep -q '^X-MXDetour: domain=healthy.test' "$SINKS/127.0.0.10"; then
    fail "the healthy domain got a tag header"
fi
if grep -qi '^X-MXDetour-Route:' "$SINKS/127.0.0.10" || grep -q "$QID: milter-header-filter" "$MAILLOG"; then
    fail "a message with three routes got a whole-message route"
fi

# Never a route for the healthy domain: not in the table, not in the log.
if published_has healthy.test; then
    fail "healthy.test is in the published table"
fi
cli export
expect_eq "$CLI_RC" 0 "mxdetour export exit code"
if printf '%s\n' "$CLI_OUT" | grep -q '^healthy\.test '; then
    fail "mxdetour export lists healthy.test: $CLI_OUT"
fi
if grep -E 'domain=healthy\.test ' "$TMPD/daemon.log" | grep -qv 'route=none'; then
    fail "mxdetourd logged a route for healthy.test"
fi
expect_no_log 'status=(bounced|deferred)'
pass
