#!/bin/sh
# t-daemon-down.sh - case 4: mxdetourd killed or stopped.
#
# Recommended config (contrib snippets as shipped: milter_default_action =
# accept, transport_maps = the lmdb table mxdetourd publishes): with the
# daemon killed (SIGKILL, stale sockets left behind) and then stopped
# (SIGTERM), mail to a healthy domain still flows, the rerouted domains keep
# their routes from the published table, nothing is deferred or bounced.
#
# Live mode (the snippet's commented proxy:socketmap transport_maps line): works
# while the daemon runs, but with the daemon down every transport lookup
# fails: smtpd answers RCPT TO with 451 4.3.0 "Temporary lookup failure",
# for healthy domains too, and locally submitted mail is deferred
# ("address resolver failure") until the daemon is back (then "postfix
# reload; postqueue -f" sends it at once).  That is why
# publish mode is recommended; this test keeps that statement true.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

e2e_up mxdetour
probe_start slow.test
wait_verdict slow.test aaaa-ignored
wait_published slow.test
wait_published .tailspin.test

three_routes() { # TAG WHAT: one message, three recipients, three routes
    submit_ok "$1@healthy.test" "$1@slow.test" "$1@eu.tailspin.test"
    wait_status "$QID" "$1@healthy.test" "" 30
    expect_eq "$STATUS" sent "$2: status of $1@healthy.test"
    expect_eq "$RELAY" "mx.healthy.test[127.0.0.10]:25" "$2: relay of $1@healthy.test"
    wait_status "$QID" "$1@slow.test" "" 30
    expect_eq "$STATUS" sent "$2: status of $1@slow.test"
    expect_eq "$RELAY" "127.0.0.11[127.0.0.11]:25" "$2: relay of $1@slow.test (published route)"
    expect_lt "$DELAY" 1 "$2: delay= of $1@slow.test"
    wait_status "$QID" "$1@eu.tailspin.test" "" 30
    expect_eq "$STATUS" sent "$2: status of $1@eu.tailspin.test"
    expect_eq "$RELAY" "127.0.0.99[127.0.0.99]:25" "$2: relay of $1@eu.tailspin.test (published route)"
}

# Publish mode, daemon killed.
mxd_kill
three_routes killed "publish mode, mxdetourd killed"
grep -q "warning: connect to Milter service unix:mxdetour/milter.sock" "$MAILLOG" ||
    fail "smtpd never failed to reach the milter: was the daemon really down?"

# Restarted after the kill: the daemon republishes at start, and the table
# must still route slow.test (the state is saved before every publish).
table_ino() { stat -c %i "$LIB/transport" 2>/dev/null; }
ino_before=$(table_ino)
republished() { [ "$(table_ino)" != "$ino_before" ]; }
mxd_start
poll 10 republished || fail "mxdetourd did not republish its table at start"
grep -q '^slow\.test ' "$LIB/transport" ||
    fail "after a restart following SIGKILL, slow.test dropped out of the published table: $(cat "$LIB/transport")"
wait_published slow.test
probe_start slow.test
wait_verdict slow.test aaaa-ignored
wait_published slow.test

# Publish mode, daemon stopped cleanly.
mxd_stop
three_routes stopped "publish mode, mxdetourd stopped"
expect_no_log 'status=(deferred|bounced)'
poll 10 pf_queue_empty || fail "mail left in the queue: $(ns postqueue -c "$PFDIR" -p)"

# Live mode: the snippet's socketmap line instead of the table.
mxd_start
pf_conf live
pf_reload
probe_start slow.test
wait_verdict slow.test aaaa-ignored
submit_ok live@slow.test
wait_status "$QID" live@slow.test "" 30
expect_eq "$RELAY" "127.0.0.11[127.0.0.11]:25" "live mode, daemon up: relay of live@slow.test"
grep -q "domain=slow.test verdict=aaaa-ignored route=smtp:\[127.0.0.11\]:25 via=socketmap" "$TMPD/daemon.log" ||
    fail "live mode: trivial-rewrite did not ask the socketmap"

mxd_kill
submit down@healthy.test
RCPT_REPLY=$(printf '%s\n' "$SUBMIT_OUT" | sed -n 's/^RCPT down@healthy.test //p')
note "live mode, mxdetourd down: RCPT TO:<down@healthy.test> answered '$RCPT_REPLY'"
expect_eq "$QID" "" "live mode, daemon down: queue id of a message to a healthy domain"
expect_match "$RCPT_REPLY" '^451 4\.3\.0 .*Temporary lookup failure' "live mode, daemon down: RCPT reply"
grep -q 'warning: transport_maps lookup failure' "$MAILLOG" ||
    fail "live mode: no transport_maps lookup failure logged"
# Local submission (sendmail -> pickup): accepted, then deferred.
printf 'Subject: live mode, local\n\nx\n' |
    ns timeout 30 sendmail -C "$PFDIR" -f sender@e2e.test local@healthy.test ||
    fail "Postfix sendmail -C failed"
poll 20 has_delivery any local@healthy.test ||
    fail "live mode: no delivery line for local@healthy.test"
expect_match "$LINE" 'status=deferred \(address resolver failure\)' "live mode, daemon down: locally submitted mail"
note "live mode, mxdetourd down: local submission: $(printf '%s\n' "$LINE" | sed 's/.*: to=/to=/')"

# The daemon back.  qmgr caches its last resolver answer (the failure) until
# it resolves another address, so "postqueue -f" alone retried with the
# cached failure (measured); "postfix reload" (a new qmgr) then
# "postqueue -f" delivers at once.
mxd_start
pf_reload
ns postqueue -c "$PFDIR" -f || fail "postqueue -f failed"
poll 20 has_delivery any local@healthy.test sent ||
    fail "live mode: local@healthy.test not delivered after the daemon came back"
expect_match "$LINE" 'relay=mx\.healthy\.test\[127\.0\.0\.10\]:25' "live mode: relay of local@healthy.test"
expect_no_log 'status=bounced'
pass
