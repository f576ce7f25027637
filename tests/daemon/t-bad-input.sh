#!/bin/sh
# t-bad-input.sh - bad peers on the socketmap, policy and control sockets.
# After each one the daemon must still run and answer another client
# correctly; requests that no MTA sends close that connection (doc/design.md §6:
# a bad request closes its connection with a warning), while odd but
# possible keys (a space in a quoted local part, an over-long domain)
# answer NOTFOUND and keep it open.
. "${top_srcdir:-.}/tests/daemon/lib.sh"

# PAYLOAD framed as a netstring; the daemon must close the connection.
sm_closes() { # PAYLOAD WHAT
    R=$("$PY" "$CLIENT" smraw "$SM_SOCK" "$1" 5 2>&1)
    expect_eq "$(printf '%s\n' "$R" | tail -n 1)" closed "$2: connection state"
    expect_eq "$(printf '%s\n' "$R" | head -n 1)" "answer=b''" "$2: answer"
    alive "$2"
}

# Raw BYTES on SOCK; the daemon must close the connection without answering.
raw_closes() { # SOCK BYTES WHAT
    R=$("$PY" "$CLIENT" raw "$1" "$2" 5 2>&1)
    expect_eq "$(printf '%s\n' "$R" | tail -n 1)" closed "$3: connection state"
    expect_eq "$(printf '%s\n' "$R" | head -n 1)" "answer=b''" "$3: answer"
    alive "$3"
}

dns_start
d_write_conf
mxd_start

# --- socketmap: framing errors close the connection.
raw_closes "$SM_SOCK" 'hello\r\n' "a line instead of a netstring"
raw_closes "$SM_SOCK" '3:abcd' "a netstring without its ','"
raw_closes "$SM_SOCK" ':abc,' "a netstring without a length"
raw_closes "$SM_SOCK" '03:abc,' "a netstring length with a leading zero"
raw_closes "$SM_SOCK" '99999999999999999999:' "a 20-digit netstring length"
raw_closes "$SM_SOCK" '2101:' "a netstring length above SOCKMAP_REQ_MAX 2100 (before its data)"
raw_closes "$SM_SOCK" "5000:$(head -c 5000 /dev/zero | tr '\0' x)," "a 5000-octet netstring"

# --- socketmap: requests no MTA sends close the connection.
sm_closes 'postfix-transport user@listed.test\r' "a key with CR"
sm_closes 'postfix-transport user@list\ned.test' "a key with LF"
sm_closes 'postfix-transport user@listed.test\x00' "a key with NUL"
sm_closes 'postfix-transport' "a request without a key"
sm_closes ' user@listed.test' "a request without a map name"
sm_closes '' "an empty request"
long=$(head -c 2100 /dev/zero | tr '\0' a)
sm_closes "postfix-transport $long@listed.test" "a request longer than SOCKMAP_REQ_MAX (2100)"
# A local part past RFC 5321's 64 octets is an address Postfix accepts: it
# gets its answer (closing would make Postfix defer the mail).
long310=$(head -c 310 /dev/zero | tr '\0' a)
sm postfix-transport "$long310@listed.test"
expect_eq "$SM_OUT" "OK $LISTED_ROUTE" "a 310-octet local part"

# --- socketmap: odd keys answer NOTFOUND (or the route) and keep the connection.
sm postfix-transport 'user@listed.test x' 'john doe@listed.test' 'a@b@listed.test' 'user@[192.0.2.1]' \
    'user@' 'user@-bad-.test' 'user@listed..test'
expect_eq "$SM_OUT" "NOTFOUND 
OK $LISTED_ROUTE
OK $LISTED_ROUTE
NOTFOUND 
NOTFOUND 
NOTFOUND 
NOTFOUND " "keys with spaces, quoted local parts, literals, bad domains"
label=$(head -c 63 /dev/zero | tr '\0' a)
dom254="$label.$label.$label.$(head -c 57 /dev/zero | tr '\0' b).test"
[ ${#dom254} -eq 254 ] || fail "test bug: domain length ${#dom254}"
dom253="$label.$label.$label.$(head -c 56 /dev/zero | tr '\0' b).test"
[ ${#dom253} -eq 253 ] || fail "test bug: domain length ${#dom253}"
sm postfix-transport "u@$dom254" "u@$dom253"
expect_eq "$SM_OUT" "NOTFOUND 
NOTFOUND " "a domain of 254 octets, then one of 253"
alive "over-long domains"

# --- socketmap: silent and slow clients do not hold up the others.
R=$("$PY" "$CLIENT" idle-then "$SM_SOCK" '' postfix-transport user@listed.test 2>&1)
expect_eq "$R" "OK $LISTED_ROUTE" "answer while another client is connected and silent"
R=$("$PY" "$CLIENT" idle-then "$SM_SOCK" '37:postfix-transport us' postfix-transport user@listed.test 2>&1)
expect_eq "$R" "OK $LISTED_ROUTE" "answer while another client sits on half a request"
R=$("$PY" "$CLIENT" many "$SM_SOCK" 200 postfix-transport user@listed.test 2>&1)
expect_eq "$R" "OK $LISTED_ROUTE" "answer with 200 idle connections open"
# Half a request that never ends is dropped (listen.c: 10 s for one request).
R=$("$PY" "$CLIENT" raw "$SM_SOCK" '37:postfix-transport us' 15 2>&1)
expect_eq "$(printf '%s\n' "$R" | tail -n 1)" closed "half a request, then silence: closed within 15 s"
"$PY" "$CLIENT" raw-drop "$SM_SOCK" '37:postfix-transport us' || fail "raw-drop client failed"
alive "a client that disconnected mid-request"
"$PY" "$CLIENT" raw-drop "$SM_SOCK" '' || fail "raw-drop client failed"
alive "a client that connected and left"

# --- policy: a request without its empty line, then gone; garbage; too long.
"$PY" "$CLIENT" raw-drop "$POLICY_SOCK" 'request=smtpd_access_policy\nprotocol_state=RCPT\ninstance=x\nrecipient=bob@listed.test\n' ||
    fail "raw-drop client failed"
P=$("$PY" "$CLIENT" policy "$POLICY_SOCK" "RCPT,p1,bob@listed.test,0" "END-OF-MESSAGE,p1,,1" 2>&1)
expect_eq "$P" "action=DUNNO
action=FILTER $LISTED_ROUTE" "policy after a client left mid-request"
raw_closes "$POLICY_SOCK" 'GET / HTTP/1.0\r\n\r\n' "policy: an HTTP request"
raw_closes "$POLICY_SOCK" 'Request=smtpd_access_policy\n\n' "policy: an upper-case attribute name"
raw_closes "$POLICY_SOCK" 'request=smtpd\x00access_policy\n\n' "policy: a NUL in a value"
raw_closes "$POLICY_SOCK" "a=$(head -c 4100 /dev/zero | tr '\0' v)" "policy: a 4100-octet value"
lines=$(i=0; while [ $i -lt 200 ]; do printf 'client_name=%s\\n' "$label$label"; i=$((i + 1)); done)
raw_closes "$POLICY_SOCK" "$lines" "policy: 200 attributes, 25 KB, no empty line"
R=$("$PY" "$CLIENT" raw "$POLICY_SOCK" 'request=smtpd_access_policy\nprotocol_state=RCPT\n' 1 2>&1)
expect_eq "$(printf '%s\n' "$R" | tail -n 1)" open "policy: an unfinished request waits for more"
P=$("$PY" "$CLIENT" policy "$POLICY_SOCK" "RCPT,p2,bob@listed.test,0" "END-OF-MESSAGE,p2,,1" 2>&1)
expect_eq "$P" "action=DUNNO
action=FILTER $LISTED_ROUTE" "policy after the bad policy clients"

# --- control: garbage closes, the CLI still works.
R=$("$PY" "$CLIENT" raw "$CONTROL_SOCK" "$(head -c 2000 /dev/zero | tr '\0' z)" 5 2>&1)
expect_eq "$(printf '%s\n' "$R" | tail -n 1)" closed "control: 2000 octets without a newline"
R=$("$PY" "$CLIENT" raw "$CONTROL_SOCK" 'nonsense\n' 5 2>&1)
expect_match "$R" "^answer=b'ERR " "control: an unknown verb"
cli status
expect_eq "$CLI_RC" 0 "mxdetour status after bad control clients"
expect_log 'socketmap: closing connection .*netstring'
mxd_stop
pass
