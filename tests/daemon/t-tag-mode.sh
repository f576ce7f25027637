#!/bin/sh
# t-tag-mode.sh - routing.mode tag: the daemon detects and tags but never
# reroutes.  The socketmap answers NOTFOUND for a listed domain and for a
# learned broken one; the policy service never answers FILTER, only the
# PREPEND tag at DATA.
. "${top_srcdir:-.}/tests/daemon/lib.sh"
need_cmd postmap "apt-get install postfix"

dns_start
d_write_conf 'routing:
  mode: tag
  on_broken: pin-mx
  smarthost: "[203.0.113.25]:25"
domains:
  - domain: listed.test
    route: smarthost'
mxd_start

pm 'user@listed.test'
expect_eq "$PM_RC" 1 "tag mode: postmap -q user@listed.test exit code"
expect_eq "$PM_OUT" "" "tag mode: postmap -q user@listed.test"
pm 'user@broken.test'
wait_verdict broken.test
expect_eq "$VERDICT" aaaa-ignored "tag mode: broken.test is still detected"
pm 'user@broken.test'
expect_eq "$PM_RC" 1 "tag mode: postmap -q user@broken.test after its probe: exit code"
sm sendmail-mailertable listed.test broken.test
expect_eq "$SM_OUT" "NOTFOUND 
NOTFOUND " "tag mode: sendmail-mailertable"

P_OUT=$("$PY" "$CLIENT" policy "$POLICY_SOCK" "RCPT,t1,bob@listed.test,0" \
    "DATA,t1,bob@listed.test,1" "END-OF-MESSAGE,t1,bob@listed.test,1") ||
    fail "policy client: $P_OUT"
expect_eq "$(printf '%s\n' "$P_OUT" | sed -n 1p)" "action=DUNNO" "tag mode: policy RCPT"
expect_match "$(printf '%s\n' "$P_OUT" | sed -n 2p)" \
    '^action=PREPEND X-MXDetour: domain=listed\.test verdict=listed route=' "tag mode: policy DATA"
expect_eq "$(printf '%s\n' "$P_OUT" | sed -n 3p)" "action=DUNNO" "tag mode: policy END-OF-MESSAGE"
case $P_OUT in
*FILTER*) fail "tag mode: the policy service answered FILTER: $P_OUT" ;;
esac
cli lookup listed.test
expect_match "$CLI_OUT" '^route: none$' "tag mode: mxdetour lookup listed.test"
# mxdetour(1): in tag mode export prints no route, only the format's comments.
cli export
expect_eq "$(printf '%s\n' "$CLI_OUT" | grep -v '^#')" "" "tag mode: mxdetour export"
mxd_stop
pass
