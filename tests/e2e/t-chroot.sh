#!/bin/sh
# t-chroot.sh - the snippet's "Chroot" paragraph: Postfix daemons chrooted
# as in Debian's master.cf (smtpd, cleanup, trivial-rewrite, smtp, ...), the
# milter socket inside the queue directory (listen.milter there, and the
# snippet's "smtpd_milters = unix:mxdetour/milter.sock", a name relative to
# the queue directory), the publish table as shipped.  Mail submitted over SMTP and
# locally is tagged by the milter, and each recipient of a message with
# four routes reaches its own destination (the chrooted smtp-ipv4 of
# master.cf.snippet included): the table, opened before the chroot, is
# re-read by the chrooted trivial-rewrite after each publish.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

dns_start
sinks_start
mxd_conf
mxd_start
[ -S "$SPOOL/mxdetour/milter.sock" ] || fail "no milter socket in the queue directory"

pf_conf mxdetour
grep -q '^smtpd_milters = unix:mxdetour/milter.sock$' "$PFDIR/main.cf" ||
    fail "the snippet's smtpd_milters line does not name the socket relative to the queue directory"
# Debian's chroot column: y for all but qmgr, proxymap, proxywrite, local, postlog.
awk '/^[a-z]/ && $1 !~ /^(qmgr|proxymap|proxywrite|local|postlog)$/ { $5 = "y" } { print }' \
    "$PFDIR/master.cf" >"$PFDIR/master.cf.new" && mv "$PFDIR/master.cf.new" "$PFDIR/master.cf"
grep -Eq '^rewrite +unix +- +- +y ' "$PFDIR/master.cf" || fail "test bug: rewrite not chrooted"
pf_chroot_etc
pf_start

probe_start slow.test healthy.test
wait_verdict slow.test aaaa-ignored
wait_verdict healthy.test healthy
wait_published slow.test

submit_ok a@healthy.test b@eu.tailspin.test c@slow.test d@v4.test
wait_status "$QID" a@healthy.test "" 30
expect_eq "$STATUS $RELAY" "sent mx.healthy.test[127.0.0.10]:25" "a@healthy.test"
wait_status "$QID" b@eu.tailspin.test "" 30
expect_eq "$STATUS $RELAY" "sent 127.0.0.99[127.0.0.99]:25" "b@eu.tailspin.test"
wait_status "$QID" c@slow.test "" 30
expect_eq "$STATUS $RELAY" "sent 127.0.0.11[127.0.0.11]:25" "c@slow.test"
expect_lt "$DELAY" 1 "delay= of c@slow.test"
wait_status "$QID" d@v4.test "" 30
expect_eq "$STATUS $RELAY" "sent mx.v4.test[127.0.0.11]:25" "d@v4.test (chrooted smtp-ipv4)"
expect_match "$LINE" " postfix/smtp-ipv4/smtp\[" "transport of d@v4.test"
expect_lt "$DELAY" 1 "delay= of d@v4.test"
grep -q "^X-MXDetour: domain=slow.test verdict=aaaa-ignored" "$SINKS/127.0.0.10" ||
    fail "chrooted smtpd: no milter tag"

# Local submission: the chrooted cleanup runs the milter (non_smtpd_milters).
printf 'Subject: chroot, local\n\nx\n' |
    ns timeout 30 sendmail -C "$PFDIR" -f sender@e2e.test local@slow.test ||
    fail "Postfix sendmail -C failed"
poll 20 has_delivery any local@slow.test || fail "no delivery line for local@slow.test"
expect_match "$LINE" 'relay=127\.0\.0\.11\[127\.0\.0\.11\]:25, .*status=sent' "local@slow.test"
grep -q 'milter-header-filter: header X-MXDetour-Route: smtp:\[127.0.0.11\]:25 from localhost\[127.0.0.1\]; from=<sender@e2e.test> to=<local@slow.test>' "$MAILLOG" ||
    fail "chrooted cleanup: no milter route header for the local submission"
expect_no_log 'warning: connect to Milter|status=(deferred|bounced)'
pass
