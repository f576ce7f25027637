#!/bin/sh
# t-ops.sh - the operator verbs against the running daemon: `VERB -h` prints
# that verb's usage on stdout and exits 0 (for every verb); flush without a
# domain needs --all (exit 2); a bad domain is a usage error (2); status
# --json and lookup --json are one JSON object each (Python's json parses
# them); explain names every query of the last probe and says how verdict
# and route follow; explain of a domain never probed exits 1 and points to
# `mxdetour probe`; export --format sendmail|exim|exchange say the same
# routes; an unknown format exits 2.
. "${top_srcdir:-.}/tests/daemon/lib.sh"

for verb in probe check-config status lookup explain flush export; do
    for h in -h --help; do
        OUT=$("$MXD" -c "$CONF" $verb $h 2>"$TMPD/err")
        expect_eq "$?" 0 "mxdetour $verb $h: exit code"
        expect_match "$OUT" "^usage: mxdetour .*\] $verb( |\$)" "mxdetour $verb $h: its usage on stdout"
        [ -s "$TMPD/err" ] && fail "mxdetour $verb $h wrote to stderr: $(cat "$TMPD/err")"
    done
done

dns_start
d_write_conf
mxd_start

cli flush
expect_eq "$CLI_RC" 2 "mxdetour flush without a domain or --all"
expect_match "$CLI_OUT" 'name a DOMAIN, or --all' "mxdetour flush without a domain: why"
cli flush --all listed.test
expect_eq "$CLI_RC" 2 "mxdetour flush --all DOMAIN"
cli lookup 'not a domain!'
expect_eq "$CLI_RC" 2 "mxdetour lookup of a bad name"
cli lookup
expect_eq "$CLI_RC" 2 "mxdetour lookup without a domain"
cli status --bogus
expect_eq "$CLI_RC" 2 "mxdetour status --bogus"
cli export --format nope
expect_eq "$CLI_RC" 2 "mxdetour export --format nope"
expect_match "$CLI_OUT" 'unknown format "nope"' "mxdetour export --format nope: why"

cli explain broken.test
expect_eq "$CLI_RC" 1 "mxdetour explain of a domain never probed"
expect_match "$CLI_OUT" 'mxdetour probe --explain broken\.test' "explain never probed: the way out"

wait_verdict broken.test
wait_verdict broken2.test
wait_verdict healthy.test

json() { # TEXT PYEXPR -> prints the expression over the parsed object
    printf '%s' "$1" | "$PY" -c "import json,sys; o=json.load(sys.stdin); print($2)" 2>&1
}
cli status --json
expect_eq "$CLI_RC" 0 "mxdetour status --json exit code"
expect_eq "$(printf '%s\n' "$CLI_OUT" | wc -l)" 1 "mxdetour status --json: one line"
expect_eq "$(json "$CLI_OUT" 'o["mode"], o["listed_domains"], o["listeners"]["control"]')" \
    "rewrite 1 unix:$CONTROL_SOCK" "mxdetour status --json: fields"
expect_eq "$(json "$CLI_OUT" 'o["verdicts"]["aaaa-ignored"], o["verdicts"]["healthy"]')" \
    "1 1" "mxdetour status --json: verdict counts"
cli lookup --json broken.test
expect_eq "$CLI_RC" 0 "mxdetour lookup --json exit code"
expect_eq "$(json "$CLI_OUT" 'o["domain"], o["verdict"], o["route"], o["probing"]')" \
    "broken.test aaaa-ignored $BROKEN_ROUTE False" "mxdetour lookup --json"
cli lookup broken.test
expect_match "$CLI_OUT" '^verdict: aaaa-ignored$' "mxdetour lookup: the text form is unchanged"

cli explain broken.test
expect_eq "$CLI_RC" 0 "mxdetour explain broken.test exit code"
expect_match "$CLI_OUT" "^  MX   broken\.test @127\.0\.0\.1:$DNS_PORT answer [0-9]+ms$" "explain: the MX query"
expect_match "$CLI_OUT" "^  A    mx1\.broken\.test @127\.0\.0\.1:$DNS_PORT answer [0-9]+ms$" "explain: the A query"
expect_match "$CLI_OUT" "^  AAAA mx1\.broken\.test @127\.0\.0\.1:$DNS_PORT timeout [0-9]+ms$" "explain: the AAAA query"
expect_match "$CLI_OUT" '^verdict: aaaa-ignored' "explain: verdict"
expect_match "$CLI_OUT" '^because: AAAA of mx1\.broken\.test timed out .* while A answered: Postfix waits' \
    "explain: why the verdict"
expect_match "$CLI_OUT" "^route: routing\.on_broken pin-mx sends it to smtp:\[127\.0\.0\.11\]:25\.$" \
    "explain: why the route"
cli explain healthy.test
expect_match "$CLI_OUT" '^route: none: the MTA routes it as usual\.$' "explain healthy.test: no route"
cli explain listed.test
expect_eq "$CLI_RC" 0 "mxdetour explain listed.test exit code"
expect_match "$CLI_OUT" 'known-broken entry at .*mxdetour\.yaml:[0-9]+ \(route smarthost\) sends it to smtp:\[203\.0\.113\.25\]:25' \
    "explain listed.test: the entry"

# probe --explain: the same words from the CLI's own probe, no daemon needed
OUT=$("$MXD" -c "$CONF" probe --explain broken2.test 2>&1)
expect_match "$OUT" '^because: AAAA of mx1\.broken2\.test answered servfail at ' "probe --explain: why"
expect_match "$OUT" '^route: routing\.on_broken pin-mx sends it to smtp:\[127\.0\.0\.14\]:25\.$' \
    "probe --explain: the route"

# export: the same routes in every format
cli export --format sendmail
expect_eq "$CLI_RC" 0 "mxdetour export --format sendmail exit code"
expect_eq "$CLI_OUT" "broken.test esmtp:[127.0.0.11]
broken2.test esmtp:[127.0.0.14]
listed.test esmtp:[203.0.113.25]" "mxdetour export --format sendmail"
cli export --format exim
expect_match "$CLI_OUT" '^broken\.test: 127\.0\.0\.11$' "export exim: broken.test"
expect_match "$CLI_OUT" '^mx1\.broken\.test:$' "export exim: the MX host for dns_ipv4_lookup"
cli export --format exchange
expect_match "$CLI_OUT" "New-SendConnector -Name \\\$name -AddressSpaces 'SMTP:broken2\.test;1' -SmartHosts '127\.0\.0\.14' -Port 25 -DNSRoutingEnabled \\\$false -SmartHostAuthMechanism None" \
    "export exchange: broken2.test"
expect_eq "$(printf '%s\n' "$CLI_OUT" | grep -c '^    New-SendConnector')" 3 "export exchange: one connector per domain"
cli export
expect_eq "$(printf '%s\n' "$CLI_OUT" | sort)" "broken.test $BROKEN_ROUTE
broken2.test $BROKEN2_ROUTE
listed.test $LISTED_ROUTE" "mxdetour export (postfix) unchanged"

cli flush --all
expect_eq "$CLI_RC" 0 "mxdetour flush --all"
mxd_stop
cli status --json
expect_eq "$CLI_RC" 69 "mxdetour status --json without a daemon"
pass
