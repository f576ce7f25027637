#!/bin/sh
# probe.authoritative: after a failure through the resolver, the zone's own
# name servers are asked directly (RD=0, port 53) and the evidence names the
# ones at fault.  Three fakedns servers: the "resolver" on 127.0.0.1 (it
# serves the NS RRset of x.test and the A records of its name servers, and
# misbehaves for mx1.x.test's AAAA as a resolver in front of the zone
# would), and the zone's two authoritative servers ns1 (127.0.0.10) and ns2
# (127.0.0.11), each with its own rules.  Authoritative servers listen on
# port 53, so the test runs in a network namespace of its own.
if [ "${MXD_TEST_NETNS:-}" != 1 ]; then
    [ "$(id -u)" = 0 ] || { echo "SKIP: $(basename "$0"): needs root (a network namespace)"; exit 77; }
    command -v unshare >/dev/null && command -v ip >/dev/null || {
        echo "SKIP: $(basename "$0"): needs unshare and ip (util-linux, iproute2)"
        exit 77
    }
    MXD_TEST_NETNS=1 exec unshare -n sh -c 'ip link set lo up && exec sh "$0"' "$0"
fi
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
d=x.test
mx=mx1.$d

# zone AAAA-ACTION: the authoritative rules of x.test with mx1's AAAA so.
zone() {
    rules_mx1 $d 127.0.0.20
    printf '%s NS answer ns1.%s.\n%s NS answer ns2.%s.\n' $d $d $d $d
    printf 'ns1.%s A answer 127.0.0.10\nns2.%s A answer 127.0.0.11\n' $d $d
    echo "$mx AAAA $1"
}
# set FILE AAAA-ACTION: rewrite a server's rules (fakedns re-reads them).
set_rules() {
    zone "$2" >"$1.new" && mv "$1.new" "$1" || fail "cannot write $1"
}
set_rules "$TMPD/resolver" drop
set_rules "$TMPD/ns1" drop
set_rules "$TMPD/ns2" drop
fakedns_start "$TMPD/resolver"
RES_LOG=$FD_LOG
srv=127.0.0.1:$FD_PORT
fakedns_start "$TMPD/ns1" 127.0.0.10 53
NS1_LOG=$FD_LOG
fakedns_start "$TMPD/ns2" 127.0.0.11 53
NS2_LOG=$FD_LOG
NS2_PID=$!
write_conf 'routing:
  on_broken: pin-mx
probe:
  authoritative: on'
P="--resolver $srv --timeout 300ms --tries 1"

# Both servers drop AAAA: both named, Postfix hurt.
# shellcheck disable=SC2086
probe $P $d
expect_rc 1
expect $d verdict = aaaa-ignored
expect $d evidence = "AAAA $mx timeout 1x300ms @$srv; asked twice; authoritative: ns1.$d (127.0.0.10) drops AAAA, ns2.$d (127.0.0.11) drops AAAA; Postfix is hurt (every server misbehaves)"
expect $d authoritative.0.name = ns1.$d
expect $d authoritative.0.address = 127.0.0.10
expect $d authoritative.0.zone = $d
expect $d authoritative.0.qtype = AAAA
expect $d authoritative.0.outcome = timeout
expect $d authoritative.0.a = answer
expect $d authoritative.0.ms '>=' 300
expect $d authoritative.1.name = ns2.$d
expect $d authoritative.1.outcome = timeout
expect $d route = "smtp:[127.0.0.20]:25"
check_expects
# Asked directly: AAAA and A of mx1 once each at each server, with RD=0.
for log in "$NS1_LOG" "$NS2_LOG"; do
    expect_eq "$(grep -c "AAAA $mx\. -> drop" "$log")" 1 "AAAA queries at $log"
    expect_eq "$(grep -c " A $mx\. -> answer" "$log")" 1 "A queries at $log"
done

# One drops, the other answers: the one named, Postfix hurt intermittently.
set_rules "$TMPD/ns2" "answer 2001:db8::20"
# shellcheck disable=SC2086
probe $P $d
expect $d verdict = aaaa-ignored
expect $d evidence '^' "AAAA $mx timeout 1x300ms @$srv; asked twice; authoritative: ns1.$d (127.0.0.10) drops AAAA, ns2.$d (127.0.0.11) answers; Postfix is hurt intermittently (1 of 2 servers misbehave)"
expect $d authoritative.0.fault = "drops AAAA"
expect $d authoritative.1.outcome = answer
expect $d authoritative.1.fault = answers

# NXDOMAIN for AAAA while A exists (RFC 4074 4.2) at one server, AAAA
# dropped at the other: the resolver, asking both, times out.  (NXDOMAIN
# passed on by the resolver is no verdict at all: Postfix then uses A.)
set_rules "$TMPD/ns1" nxdomain
set_rules "$TMPD/ns2" drop
# shellcheck disable=SC2086
probe $P $d
expect $d verdict = aaaa-ignored
expect $d evidence = "AAAA $mx timeout 1x300ms @$srv; asked twice; authoritative: ns1.$d (127.0.0.10) NXDOMAIN for AAAA while A exists (RFC 4074 4.2), ns2.$d (127.0.0.11) drops AAAA; Postfix is hurt (every server misbehaves)"
expect $d authoritative.0.outcome = nxdomain
expect $d authoritative.0.a = answer

# REFUSED at one server, a referral instead of an answer at the other
# (RFC 4074 4.5); the resolver makes SERVFAIL of it.
set_rules "$TMPD/resolver" servfail
set_rules "$TMPD/ns1" refused
set_rules "$TMPD/ns2" referral
# shellcheck disable=SC2086
probe $P $d
expect $d verdict = aaaa-error
expect $d evidence = "AAAA $mx SERVFAIL @$srv; authoritative: ns1.$d (127.0.0.10) AAAA REFUSED, ns2.$d (127.0.0.11) a referral for AAAA (RFC 4074 4.5); Postfix is hurt (every server misbehaves)"
expect $d authoritative.0.outcome = refused
expect $d authoritative.1.outcome = referral

# TC=1 over UDP and TCP refused (RFC 8906 3.1.5): ns2 again, without TCP;
# ns1 answers over UDP, and the truncated reply is asked over TCP.
stop_pid "$NS2_PID"
set_rules "$TMPD/ns1" "answer 2001:db8::20"
set_rules "$TMPD/ns2" truncated
FD_OPTS=--no-tcp fakedns_start "$TMPD/ns2" 127.0.0.11 53
NS2_LOG=$FD_LOG
# shellcheck disable=SC2086
probe $P $d
expect $d verdict = aaaa-error
expect $d evidence = "AAAA $mx SERVFAIL @$srv; authoritative: ns1.$d (127.0.0.10) answers, ns2.$d (127.0.0.11) TC=1 for AAAA and TCP fails (RFC 8906 3.1.5); Postfix is hurt intermittently (1 of 2 servers misbehave)"
expect $d authoritative.1.outcome = tcp-failed
check_expects
expect_eq "$(grep -c "udp .* AAAA $mx\. -> truncated" "$NS2_LOG")" 1 "AAAA over UDP at ns2"

# Off (the default): not one NS query, nothing sent to the zone's servers.
check_expects
ns_before=$(grep -c " NS " "$RES_LOG")
q1=$(wc -l <"$NS1_LOG")
q2=$(wc -l <"$NS2_LOG")
write_conf 'routing:
  on_broken: pin-mx'
# shellcheck disable=SC2086
probe $P $d
expect $d verdict = aaaa-error
expect $d evidence = "AAAA $mx SERVFAIL @$srv"
expect $d authoritative '=' '[]'
check_expects
expect_eq "$(grep -c " NS " "$RES_LOG")" "$ns_before" "NS queries to the resolver with authoritative off"
expect_eq "$(wc -l <"$NS1_LOG")" "$q1" "queries to ns1 with authoritative off"
expect_eq "$(wc -l <"$NS2_LOG")" "$q2" "queries to ns2 with authoritative off"
pass
