#!/bin/sh
# t-sendmail.sh - case 6: Sendmail (Debian's sendmail-bin, unpacked into a
# private prefix by tests/e2e/deps.sh, since it conflicts with postfix) with
# a sendmail.cf built by m4 from sendmail-cf and contrib/sendmail/mxdetour.mc.
# The mailertable socket map reroutes the broken domains (mxdrop.test: MX
# query dropped -> smart host; slow.test: AAAA dropped -> pinned address;
# *.tailspin.test listed -> smart host) and leaves the healthy domain alone;
# the milter tags the message.
#
# Sendmail logs only to syslog, and there is none in the test environment,
# so the assertions use Sendmail's own address test mode (-bv: the mailer
# and host it would deliver to), which smtp-sink received which recipient,
# the headers of the delivered message, and mxdetourd's decision log.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

SMP=${MXD_E2E_SENDMAIL:-/var/cache/mxdetour-e2e/sendmail}
SMBIN="$SMP/usr/libexec/sendmail/sendmail"
SMCFDIR="$SMP/usr/share/sendmail/cf"
[ -x "$SMBIN" ] && [ -f "$SMCFDIR/m4/cf.m4" ] ||
    need "no unpacked Sendmail in $SMP (run tests/e2e/deps.sh)"
need_cmd m4 "see tests/e2e/deps.sh"
# (inside the namespace: its hosts file qualifies the host name at once)
ns timeout 30 "$SMBIN" -d0.1 -bt </dev/null 2>/dev/null | grep -q SOCKETMAP ||
    need "$SMBIN: not built with SOCKETMAP, or does not run (missing libraries? see tests/e2e/deps.sh)"

run_outside_tmp
SM="$TMPD/sendmail"
mkdir -p "$SM/queue" && chmod 700 "$SM/queue" || fail "mkdir $SM"

# sendmail.cf: a minimal test .mc, then contrib/sendmail/mxdetour.mc
# unchanged but for /run/mxdetour/ (moved to the temp dir), then MAILER().
Q='`'
U="'"
{
    cat <<MC
divert(0)dnl
VERSIONID(${Q}mxdetour e2e $TEST_NAME${U})dnl
OSTYPE(${Q}linux${U})dnl
define(${Q}confDOMAIN_NAME${U}, ${Q}mta.e2e.test${U})dnl
define(${Q}QUEUE_DIR${U}, ${Q}$SM/queue${U})dnl
define(${Q}confPID_FILE${U}, ${Q}$SM/sendmail.pid${U})dnl
define(${Q}STATUS_FILE${U}, ${Q}$SM/sendmail.st${U})dnl
define(${Q}ALIAS_FILE${U}, ${Q}${U})dnl
define(${Q}confDONT_PROBE_INTERFACES${U}, ${Q}True${U})dnl
define(${Q}confTO_CONNECT${U}, ${Q}5s${U})dnl
define(${Q}confTO_ICONNECT${U}, ${Q}5s${U})dnl
dnl Recipient domains are not canonified by DNS: the routing under test is
dnl the mailertable's, and canonify would wait on the broken domains first.
FEATURE(${Q}nocanonify${U})dnl
DAEMON_OPTIONS(${Q}Port=25, Addr=127.0.0.1, Name=MTA${U})dnl
MC
    sed -e "s#/run/mxdetour/#$RUN/#g" "$CONTRIB/sendmail/mxdetour.mc"
    printf 'MAILER(%slocal%s)dnl\nMAILER(%ssmtp%s)dnl\n' "$Q" "$U" "$Q" "$U"
} >"$SM/test.mc"
[ -f "$CONTRIB/sendmail/mxdetour.mc" ] || fail "contrib/sendmail/mxdetour.mc missing"
m4 -D_CF_DIR_="$SMCFDIR/" "$SMCFDIR/m4/cf.m4" "$SM/test.mc" >"$SM/sendmail.cf" 2>"$SM/m4.err" ||
    fail "m4 failed: $(cat "$SM/m4.err")"
grep -q "^Kmailertable socket -o unix:$RUN/socketmap.sock" "$SM/sendmail.cf" ||
    fail "sendmail.cf has no mailertable socket map"
grep -q "^Xmxdetour, S=unix:$RUN/milter.sock" "$SM/sendmail.cf" || fail "sendmail.cf has no mxdetour milter"

dns_start
sinks_start
mxd_conf
mxd_start
probe_start slow.test mxdrop.test healthy.test
wait_verdict slow.test aaaa-ignored
wait_verdict mxdrop.test mx-error
wait_verdict healthy.test healthy

sm() { # ARGS: the private Sendmail, inside the namespace
    ns timeout 60 "$SMBIN" -C "$SM/sendmail.cf" "$@"
}

# Sendmail's own routing decision (address test mode, no delivery).
bv() { # ADDRESS WANT_ERE
    BV=$(sm -bv "$1" 2>&1)
    expect_match "$BV" "$2" "sendmail -bv $1"
}
bv a@healthy.test 'deliverable: mailer esmtp, host healthy\.test\.?,'
bv b@mxdrop.test 'deliverable: mailer esmtp, host \[127\.0\.0\.99\],'
bv c@slow.test 'deliverable: mailer esmtp, host \[127\.0\.0\.11\],'
bv d@eu.tailspin.test 'deliverable: mailer esmtp, host \[127\.0\.0\.99\],'
grep -Eq 'domain=mxdrop\.test verdict=mx-error route=smtp:\[127\.0\.0\.99\]:25 via=socketmap' "$TMPD/daemon.log" ||
    fail "mxdetourd logged no socketmap decision for mxdrop.test"

# The daemon: one message over SMTP, four recipients, three destinations.
ip netns exec "$NS" "$SMBIN" -C "$SM/sendmail.cf" -bD -q1h >>"$TMPD/extra.log" 2>&1 &
SM_PID=$!
track "$SM_PID"
poll 20 tcp_open 127.0.0.1 25 || fail "Sendmail did not listen on 127.0.0.1:25 within 20 s"
submit_ok a@healthy.test b@mxdrop.test c@slow.test d@eu.tailspin.test
note "Sendmail queue id $QID"

received() { # SINK RCPT
    grep -q "^X-Rcpt-Args: <$2>" "$SINKS/$1" 2>/dev/null
}
for s in "127.0.0.10 a@healthy.test" "127.0.0.99 b@mxdrop.test" "127.0.0.11 c@slow.test" \
    "127.0.0.99 d@eu.tailspin.test"; do
    set -- $s
    poll 30 received "$1" "$2" || fail "$2 never reached the sink at $1"
done
for s in 127.0.0.10 127.0.0.11 127.0.0.99; do
    got=$(grep -c '^X-Rcpt-Args:' "$SINKS/$s")
    case $s in 127.0.0.99) want=2 ;; *) want=1 ;; esac
    expect_eq "$got" "$want" "recipients received by the sink at $s"
done
grep -q '^X-MXDetour: domain=mxdrop.test verdict=mx-error route=smtp:\[127.0.0.99\]:25' "$SINKS/127.0.0.10" ||
    fail "the message has no milter tag for mxdrop.test"
if grep -q '^X-MXDetour: domain=healthy.test' "$SINKS/127.0.0.10"; then
    fail "the healthy domain got a tag header"
fi
grep -Eq "$QID: domain=slow\.test verdict=aaaa-ignored .*via=milter" "$TMPD/daemon.log" ||
    fail "mxdetourd logged no milter decision for Sendmail queue id $QID"

# mxdetourd killed (its sockets left behind, refusing): the optional map
# (-o) answers nothing, the milter is skipped (F=): Sendmail routes as
# usual.  mxdrop.test's MX query times out, so its mail waits in the queue.
in_progress() { # QID: Sendmail is still working on it (-bp marks it '*')
    sm -bp 2>/dev/null | grep -q "^$1\*"
}
mxd_kill
[ -S "$RUN/socketmap.sock" ] || fail "test bug: the killed daemon's socket is gone"
bv b@mxdrop.test 'deliverable: mailer esmtp, host mxdrop\.test\.?,'
submit_ok down@healthy.test down@mxdrop.test
DOWN_QID=$QID
poll 30 received 127.0.0.10 down@healthy.test || fail "down@healthy.test not delivered while mxdetourd was down"
poll 30 sh -c "! ip netns exec $NS $SMBIN -C $SM/sendmail.cf -bp 2>/dev/null | grep -q '^$DOWN_QID\*'" ||
    fail "Sendmail still delivering $DOWN_QID after 30 s"
QUEUED=$(sm -bp 2>&1)
expect_match "$QUEUED" "down@mxdrop\.test" "Sendmail's queue while mxdetourd is down"
if received 127.0.0.99 down@mxdrop.test; then
    fail "down@mxdrop.test reached the smart host while mxdetourd was down"
fi
note "mxdetourd down: healthy mail delivered, down@mxdrop.test queued: $(printf '%s\n' "$QUEUED" | sed -n 's/^[[:space:]]*(\(.*\))$/\1/p' | head -n 1)"

# mxdetourd back (probing again: a verdict younger than the state file's
# save delay dies with SIGKILL): the long-running Sendmail daemon uses the
# map again, and a queue run rescues the queued mail.
mxd_start
probe_start mxdrop.test
wait_verdict mxdrop.test mx-error
submit_ok back@mxdrop.test
poll 30 received 127.0.0.99 back@mxdrop.test || fail "back@mxdrop.test not rerouted after mxdetourd came back"
sm -q >>"$TMPD/extra.log" 2>&1
poll 30 received 127.0.0.99 down@mxdrop.test || fail "the queued down@mxdrop.test not delivered by the queue run"
pass
