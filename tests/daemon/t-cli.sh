#!/bin/sh
# t-cli.sh - `mxdetour -c CONF status|lookup D|flush D|--all|export` against the
# running daemon; export output is a transport table postmap(1) accepts and
# answers from; every verb exits 69 (EX_UNAVAILABLE) once the daemon is gone.
. "${top_srcdir:-.}/tests/daemon/lib.sh"
need_cmd postmap "apt-get install postfix"

dns_start
# A note of 200 characters (the config takes up to 256): shown whole, not
# cut to the 127 that an answer once held.
NOTE=$(printf 'ticket-%0193d' 42)
d_write_conf "$D_ROUTING
    note: \"$NOTE\""
mxd_start

cli status
expect_eq "$CLI_RC" 0 "mxdetour status exit code"
expect_match "$CLI_OUT" '^mode: rewrite$' "mxdetour status: mode"
expect_match "$CLI_OUT" '^listed domains: 1$' "mxdetour status: listed domains"
expect_match "$CLI_OUT" "socketmap=unix:$SM_SOCK" "mxdetour status: listeners"
expect_match "$CLI_OUT" '^decision lines dropped: 0$' "mxdetour status: the log queue's drops"
# -s reaches the daemon without reading any config (here: a missing file).
S_OUT=$("$MXD" -c /nonexistent/mxdetour.yaml -s "unix:$CONTROL_SOCK" status 2>&1)
expect_eq "$?" 0 "mxdetour -s status exit code"
expect_match "$S_OUT" '^listed domains: 1$' "mxdetour -s status"
"$MXD" -c /nonexistent/mxdetour.yaml status >/dev/null 2>&1
expect_eq "$?" 78 "mxdetour status with a config that does not load"

cli lookup listed.test
expect_eq "$CLI_RC" 0 "mxdetour lookup listed.test exit code"
expect_match "$CLI_OUT" '^verdict: listed$' "mxdetour lookup listed.test: verdict"
expect_match "$CLI_OUT" "^route: smtp:\[203\.0\.113\.25\]:25$" "mxdetour lookup listed.test: route"
expect_match "$CLI_OUT" "^note: $NOTE\$" "mxdetour lookup listed.test: the whole 200-character note"
cli lookup LISTED.Test.
expect_match "$CLI_OUT" '^domain: listed\.test$' "mxdetour lookup normalises the name"

# lookup starts the probe of an unknown domain; it ends with a verdict.
cli lookup broken.test
expect_eq "$CLI_RC" 0 "mxdetour lookup broken.test exit code"
expect_match "$CLI_OUT" '^verdict: unknown$' "first mxdetour lookup of broken.test"
wait_verdict broken.test
expect_eq "$VERDICT" aaaa-ignored "verdict of broken.test"
cli lookup broken.test
expect_match "$CLI_OUT" "^route: smtp:\[127\.0\.0\.11\]:25$" "mxdetour lookup broken.test: route"
expect_match "$CLI_OUT" '^evidence: AAAA mx1\.broken\.test timeout' "mxdetour lookup broken.test: evidence"
wait_verdict broken2.test
expect_eq "$VERDICT" aaaa-error "verdict of broken2.test"
wait_verdict healthy.test
expect_eq "$VERDICT" healthy "verdict of healthy.test"

cli lookup 'not a domain!'
if [ "$CLI_RC" -eq 0 ] || [ "$CLI_RC" -eq 69 ]; then
    fail "mxdetour lookup of a bad name: exit $CLI_RC, want an error other than 69"
fi

# export: the current reroutes as a transport table, accepted by postmap.
cli export
expect_eq "$CLI_RC" 0 "mxdetour export exit code"
printf '%s\n' "$CLI_OUT" >"$TMPD/transport"
expect_eq "$(sort "$TMPD/transport")" "broken.test $BROKEN_ROUTE
broken2.test $BROKEN2_ROUTE
listed.test $LISTED_ROUTE" "mxdetour export"
postmap -c "$PFDIR" "hash:$TMPD/transport" >"$TMPD/postmap.err" 2>&1 ||
    fail "postmap refused the export: $(cat "$TMPD/postmap.err")"
[ -s "$TMPD/postmap.err" ] && fail "postmap warned about the export: $(cat "$TMPD/postmap.err")"
expect_eq "$(postmap -c "$PFDIR" -q broken.test "hash:$TMPD/transport")" "$BROKEN_ROUTE" \
    "postmap -q broken.test on the exported table"
expect_eq "$(postmap -c "$PFDIR" -q listed.test "hash:$TMPD/transport")" "$LISTED_ROUTE" \
    "postmap -q listed.test on the exported table"
postmap -c "$PFDIR" -q healthy.test "hash:$TMPD/transport" && fail "healthy.test in the export"

# flush one domain: forgotten, then probed again.
cli flush broken.test
expect_eq "$CLI_RC" 0 "mxdetour flush broken.test exit code"
expect_eq "$CLI_OUT" "flushed 1 verdict of broken.test" "mxdetour flush broken.test"
wait_verdict broken.test
expect_eq "$VERDICT" aaaa-ignored "verdict of broken.test after flush and re-probe"
cli flush --all
expect_eq "$CLI_RC" 0 "mxdetour flush exit code"
expect_match "$CLI_OUT" '^flushed [3-9] verdicts$' "mxdetour flush (all)"
cli export
expect_eq "$CLI_OUT" "listed.test $LISTED_ROUTE" "mxdetour export after flush"

mxd_stop
for verb in status "lookup listed.test" "flush --all" export "explain listed.test"; do
    # shellcheck disable=SC2086 # verb holds the verb and its argument
    cli $verb
    expect_eq "$CLI_RC" 69 "mxdetour $verb without a daemon: exit code"
done
pass
