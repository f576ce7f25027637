#!/bin/sh
# t-deferred.sh - case 2: the domains plain Postfix defers (doc/mta-facts.md §1):
#   v6only.test   its MX host has no A record, the AAAA query is dropped
#   afail.test    its MX host's A query gets SERVFAIL, AAAA is dropped
#   mxdrop.test   the MX query is dropped
#   mxfail.test   the MX query gets SERVFAIL
# Mail queued before mxdetour knew them is deferred.  Once mxdetourd has
# probed them (there is no A address to pin, so the route is the smart
# host), the admin's "postqueue -f" delivers all of it to the smart host:
# Postfix looks the transport up again on every retry.  mxdetour never
# flushes the queue itself; without postqueue -f the mail would leave at the
# next queue run.  New mail to these domains then leaves at once.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

DOMAINS="v6only.test afail.test mxdrop.test mxfail.test"

dns_start
sinks_start
pf_conf plain
pf_start

# Before: one message per domain, all deferred.
for d in $DOMAINS; do
    submit_ok "old@$d"
    eval "QID_$(echo "$d" | tr . _)=\$QID"
done
for d in $DOMAINS; do
    eval "q=\$QID_$(echo "$d" | tr . _)"
    wait_status "$q" "old@$d" "" 30
    expect_eq "$STATUS" deferred "plain Postfix: status of old@$d"
    note "plain Postfix: old@$d deferred after delay=$DELAY s: $(printf '%s\n' "$LINE" | sed 's/.*status=deferred //')"
done

# mxdetourd and the snippets; the probes start with `mxdetour lookup`.
mxd_conf
mxd_start
pf_conf mxdetour
pf_reload
probe_start $DOMAINS
for d in $DOMAINS; do
    wait_verdict "$d" 'aaaa-ignored|aaaa-error|mx-error'
    expect_eq "$ROUTE" "smtp:[127.0.0.99]:25" "route of $d"
    note "$d: verdict $VERDICT, route $ROUTE"
done
for d in $DOMAINS; do
    wait_published "$d"
done

# The deferred mail: retried by the admin, delivered to the smart host.
ns postqueue -c "$PFDIR" -f || fail "postqueue -f failed"
for d in $DOMAINS; do
    eval "q=\$QID_$(echo "$d" | tr . _)"
    wait_status "$q" "old@$d" sent 30
    expect_eq "$RELAY" "127.0.0.99[127.0.0.99]:25" "relay of old@$d after postqueue -f"
done
grep -c '^X-Rcpt-Args: <old@' "$SINKS/127.0.0.99" | grep -qx 4 ||
    fail "the smart host did not receive the 4 deferred messages"

# New mail to all four in one message: one route, delivered at once.
submit_ok $(for d in $DOMAINS; do printf 'new@%s ' "$d"; done)
for d in $DOMAINS; do
    wait_status "$QID" "new@$d" "" 30
    expect_eq "$STATUS" sent "status of new@$d"
    expect_eq "$RELAY" "127.0.0.99[127.0.0.99]:25" "relay of new@$d"
    expect_lt "$DELAY" 2 "delay= of new@$d"
done
expect_no_log 'status=bounced'
poll 10 pf_queue_empty || fail "mail left in the queue: $(ns postqueue -c "$PFDIR" -p)"
pass
