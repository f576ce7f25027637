#!/bin/sh
# t-aaaa-dropped.sh - case 1: a domain whose MX host's name servers drop AAAA
# queries.  Plain Postfix (inet_protocols = all) delivers only after waiting
# resolv.conf timeout x attempts for the AAAA answer (about 4 s with the
# timeout:2 attempts:2 used here; 10 s with timeout:5 in doc/mta-facts.md §1).
# With the contrib snippets and mxdetourd, once the domain is probed
# (aaaa-ignored, route pinned to the MX host's A address) the next message
# leaves in well under a second, through the pinned address.  A domain
# listed with route: transport goes through the snippet's smtp-ipv4
# transport, by its MX name, without the wait.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

dns_start
sinks_start

# Before: Postfix alone.
pf_conf plain
pf_start
submit_ok before@slow.test
wait_status "$QID" before@slow.test "" 30
expect_eq "$STATUS" sent "plain Postfix: status of before@slow.test"
expect_eq "$RELAY" "mx.slow.test[127.0.0.11]:25" "plain Postfix: relay of before@slow.test"
expect_ge "$DELAY" 3 "plain Postfix: delay= of before@slow.test (AAAA dropped, timeout:2 attempts:2)"
BEFORE=$DELAY

# After: mxdetourd and the snippets (publish mode).
mxd_conf
mxd_start
pf_conf mxdetour
pf_reload
wait_verdict slow.test aaaa-ignored
expect_eq "$ROUTE" "smtp:[127.0.0.11]:25" "route of slow.test"
wait_published slow.test
submit_ok after@slow.test
wait_status "$QID" after@slow.test "" 30
expect_eq "$STATUS" sent "with mxdetour: status of after@slow.test"
expect_eq "$RELAY" "127.0.0.11[127.0.0.11]:25" "with mxdetour: relay of after@slow.test (the pinned address)"
expect_lt "$DELAY" 1 "with mxdetour: delay= of after@slow.test"
AFTER=$DELAY
grep -q "^X-MXDetour: domain=slow.test verdict=aaaa-ignored route=smtp:\[127.0.0.11\]:25" "$SINKS/127.0.0.11" ||
    fail "the message to slow.test arrived without the milter's X-MXDetour header"
grep -Eq "$QID: domain=slow.test verdict=aaaa-ignored route=smtp:\[127\.0\.0\.11\]:25 via=milter" "$TMPD/daemon.log" ||
    fail "mxdetourd logged no milter decision for $QID"

# Listed with route: transport -> smtp-ipv4 (master.cf.snippet): the MX name
# is kept, AAAA is never asked.
submit_ok user@v4.test
wait_status "$QID" user@v4.test "" 30
expect_eq "$STATUS" sent "status of user@v4.test"
expect_match "$LINE" " postfix/smtp-ipv4/smtp\[" "transport of user@v4.test (syslog_name)"
expect_eq "$RELAY" "mx.v4.test[127.0.0.11]:25" "relay of user@v4.test"
expect_lt "$DELAY" 1 "delay= of user@v4.test"
if grep -q "AAAA mx.v4.test" "$TMPD/dns.log"; then
    fail "smtp-ipv4 asked for AAAA of mx.v4.test"
fi

note "delay= to slow.test (MX host's AAAA dropped): plain Postfix $BEFORE s, with mxdetour $AFTER s"
note "v4.test via smtp-ipv4: delay=$DELAY s"
pass "delay $BEFORE s -> $AFTER s"
