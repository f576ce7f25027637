#!/bin/sh
# Exit codes of `mxdetour probe`: 0 all healthy (nxdomain and null-mx
# count as fine), 1 some domain broken or a bad name (a --file line of any
# length is one name), 2 usage error, 78 bad config; and the plain
# (non-JSON) output line.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dns/lib.sh"
{
    rules_mx1 good.test 127.0.0.10
    rules_mx1 bad.test 127.0.0.11
    echo "mx1.bad.test AAAA servfail"
    echo "nomail.test MX answer 0 ."
} >"$TMPD/rules"
fakedns_start "$TMPD/rules"
srv=127.0.0.1:$FD_PORT
T="--timeout 500ms --tries 1"

probe --resolver "$srv" $T good.test
expect_rc 0
probe --resolver "$srv" $T good.test gone.test nomail.test
expect_rc 0
expect gone.test verdict = nxdomain
expect nomail.test verdict = null-mx
probe --resolver "$srv" $T bad.test
expect_rc 1
probe --resolver "$srv" $T good.test bad.test
expect_rc 1
expect good.test verdict = healthy
expect bad.test verdict = aaaa-error

# Usage errors.
probe --resolver "$srv" $T
expect_rc 2
probe --resolver "$srv" --no-such-option good.test
expect_rc 2
probe --resolver "$srv" --timeout fast good.test
expect_rc 2
probe --resolver "$srv" --tries 0 good.test
expect_rc 2
probe --resolver "not-an-ip" good.test
expect_rc 2

# Bad config: unknown key, wrong value.
write_conf 'probe:
  timeot: 2s'
probe --resolver "$srv" $T good.test
expect_rc 78
grep -q 'mxdetour.yaml:2:' "$OUT.err" || fail "no FILE:LINE in the config error"
write_conf 'routing:
  on_broken: teleport'
probe --resolver "$srv" $T good.test
expect_rc 78
rm -f "$CONF"
probe --resolver "$srv" $T good.test
expect_rc 78

# Plain output: one line per domain.
write_conf
plain_probe --resolver "$srv" $T bad.test
[ "$RC" -eq 1 ] || fail "plain probe exit $RC"
line='bad.test verdict=aaaa-error host=mx1.bad.test route=smtp:[127.0.0.11]:25 evidence="AAAA mx1.bad.test SERVFAIL @'$srv'"'
[ "$(cat "$OUT")" = "$line" ] || fail "plain output: expected: $line"

# --file: a line is one name whatever its length; one of 1,500 octets is
# one bad name (too long), not two.
long=$(printf 'a%.0s' $(seq 1 1500))
printf 'good.test\n%s.test\n' "$long" >"$TMPD/names"
plain_probe --resolver "$srv" $T --file "$TMPD/names"
expect_rc 1
[ "$(wc -l <"$OUT")" -eq 2 ] || fail "--file with a 1,500-octet line: $(wc -l <"$OUT") results, want 2"
grep -q "^good.test verdict=healthy" "$OUT" || fail "--file: good.test not probed"
grep -q "^a*\.test error=\"name longer than 253\"$" "$OUT" || fail "--file: the long line is not one name, too long"
pass
