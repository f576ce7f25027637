#!/bin/sh
# t-policy.sh - Postfix policy delegation against the real daemon, with the
# full attribute sets Postfix 3.7 sends (tests/daemon/client.py), several
# requests per connection as Postfix keeps it open:
#   one broken recipient    RCPT -> DUNNO, END-OF-MESSAGE -> FILTER <route>
#   broken + healthy        no FILTER (doc/design.md §5); PREPEND only at DATA
#   unknown at RCPT         the probe starts there; learned by
#                           END-OF-MESSAGE -> FILTER
#   two broken, two routes  no FILTER
. "${top_srcdir:-.}/tests/daemon/lib.sh"

policy() { # STEP...
    P_OUT=$("$PY" "$CLIENT" policy "$POLICY_SOCK" "$@" 2>&1)
    P_RC=$?
    [ "$P_RC" -eq 0 ] || fail "policy client exit $P_RC: $P_OUT"
}

dns_start
d_write_conf
mxd_start

policy "RCPT,m1,bob@listed.test,0" "END-OF-MESSAGE,m1,bob@listed.test,1"
expect_eq "$P_OUT" "action=DUNNO
action=FILTER $LISTED_ROUTE" "single listed recipient: RCPT, END-OF-MESSAGE"
expect_log "4XbQ1234: domain=listed.test verdict=listed route=smtp:\[203\.0\.113\.25\]:25 via=policy"

# The instance was forgotten after END-OF-MESSAGE: nothing left to filter.
policy "END-OF-MESSAGE,m1,,1"
expect_eq "$P_OUT" "action=DUNNO" "END-OF-MESSAGE of a finished instance"

# Mixed healthy + broken, one message: never a whole-message FILTER.
policy "RCPT,m2,bob@listed.test,0" "RCPT,m2,eve@healthy.test,1" "DATA,m2,,2" \
    "END-OF-MESSAGE,m2,,2"
expect_eq "$P_OUT" "action=DUNNO
action=DUNNO
action=PREPEND X-MXDetour: domain=listed.test verdict=listed route=$LISTED_ROUTE
action=DUNNO" "listed + healthy recipients: RCPT, RCPT, DATA, END-OF-MESSAGE"

# Unknown at RCPT: the probe runs while the message is received.
policy "RCPT,m3,carol@broken.test,0"
expect_eq "$P_OUT" "action=DUNNO" "RCPT of unknown broken.test"
wait_verdict broken.test
policy "END-OF-MESSAGE,m3,carol@broken.test,1"
expect_eq "$P_OUT" "action=FILTER $BROKEN_ROUTE" "END-OF-MESSAGE after broken.test was learned"

# Two broken domains with different routes: no FILTER either.
policy "RCPT,m4,bob@listed.test,0" "RCPT,m4,carol@broken.test,1" "END-OF-MESSAGE,m4,,2"
expect_eq "$P_OUT" "action=DUNNO
action=DUNNO
action=DUNNO" "listed + broken (two routes)"

# Interleaved transactions on two instances, one connection.
policy "RCPT,a,x@broken.test,0" "RCPT,b,x@healthy.test,0" "RCPT,a,y@broken.test,1" \
    "END-OF-MESSAGE,b,x@healthy.test,1" "END-OF-MESSAGE,a,,2"
expect_eq "$P_OUT" "action=DUNNO
action=DUNNO
action=DUNNO
action=DUNNO
action=FILTER $BROKEN_ROUTE" "interleaved instances"

# Two requests in one write (RCPT, END-OF-MESSAGE): both answered, in order.
req='request=smtpd_access_policy\nprotocol_state=RCPT\ninstance=w\nrecipient=bob@listed.test\n\n'
req="${req}request=smtpd_access_policy\\nprotocol_state=END-OF-MESSAGE\\ninstance=w\\nrecipient_count=1\\n\\n"
R=$("$PY" "$CLIENT" raw "$POLICY_SOCK" "$req" 1)
expect_eq "$(printf '%s\n' "$R" | head -n 1)" \
    "answer=b'action=DUNNO\\n\\naction=FILTER $LISTED_ROUTE\\n\\n'" "two policy requests in one write"

# Other protocol states never decide anything.
policy "CONNECT,c,,0" "MAIL,c,,0" "VRFY,c,bob@listed.test,0"
expect_eq "$P_OUT" "action=DUNNO
action=DUNNO
action=DUNNO" "CONNECT, MAIL, VRFY"
alive "policy requests"
mxd_stop
pass
