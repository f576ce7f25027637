#!/bin/sh
# Slow is not broken.  The AAAA query of the MX host gets no answer within
# the first budget, but the server answers it by the time it is asked again,
# as a recursive resolver does once its own slow lookup is done (Debian's
# unbound even sends nothing for a query that took it over 1.9 s, and has
# the answer cached afterwards).  The re-ask makes the verdict healthy, with
# evidence "slow"; a second timeout is aaaa-ignored.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
d=slow.test
drop_rules() {
    rules_mx1 $d 127.0.0.10
    echo "mx1.$d AAAA drop"
}
answer_rules() {
    rules_mx1 $d 127.0.0.10
    echo "mx1.$d AAAA answer 2001:db8::10"
}
drop_rules >"$TMPD/rules"
fakedns_start "$TMPD/rules"
srv=127.0.0.1:$FD_PORT
write_conf 'routing:
  on_broken: pin-mx'

# The answer becomes available 300 ms into the first 1 s try: fakedns
# re-reads its rules file when it changes.
(sleep 0.3 && answer_rules >"$TMPD/rules.new" && mv "$TMPD/rules.new" "$TMPD/rules") &
track $!
probe --resolver "$srv" --timeout 1s --tries 1 $d
expect_rc 0
expect $d verdict = healthy
expect $d route = ""
expect $d evidence '^' "slow: AAAA mx1.$d timeout 1x1s @$srv; answered when asked again"
expect $d hosts.0.aaaa = answer
expect $d ms '>=' 1000
expect $d ms '<=' 1900

# Still dropped when asked again: aaaa-ignored, and the evidence says so.
drop_rules >"$TMPD/rules.new" && mv "$TMPD/rules.new" "$TMPD/rules"
sleep 0.1
probe --resolver "$srv" --timeout 1s --tries 1 $d
expect_rc 1
expect $d verdict = aaaa-ignored
expect $d evidence = "AAAA mx1.$d timeout 1x1s @$srv; asked twice"
expect $d route = "smtp:[127.0.0.10]:25"
expect $d ms '>=' 2000
pass
