#!/bin/sh
# t-check-config.sh - `mxdetour check-config` and `mxdetourd -t` share the
# loader: the example config passes (exit 0, one summary line), a config with
# an unknown key on line 7 column 3 and a bad duration prints every error as
# FILE:LINE:COLUMN and exits 78 (EX_CONFIG), a usage error exits 2.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MXD="$top_builddir/src/mxdetour"
MXDD="$top_builddir/src/mxdetourd"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mxd-check.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

out=$("$MXD" check-config -c "$top_srcdir/contrib/mxdetour.yaml" 2>&1)
[ $? -eq 0 ] || fail "check-config of contrib/mxdetour.yaml: $out"
echo "$out" | grep -Eq '^.*contrib/mxdetour\.yaml: ok, [0-9]+ domains' ||
    fail "check-config summary: $out"
# Past the summary only warnings, and the example sets no smart host, which
# leaves mx-error domains unrouted: check-config must say so, and still pass.
echo "$out" | sed 1d | grep -v '^warning: ' && fail "check-config printed more than a summary and warnings: $out"
echo "$out" | grep -q '^warning: routing.smarthost is not set: .*mx-error' ||
    fail "check-config gave no warning for the missing smart host: $out"
printf 'user: no-such-user-mxd\nrouting:\n  smarthost: "[192.0.2.1]"\n' >"$tmp/warn.yaml"
out=$("$MXD" check-config -c "$tmp/warn.yaml" 2>&1)
[ $? -eq 0 ] || fail "check-config with warnings must exit 0: $out"
echo "$out" | grep -q '^warning: user "no-such-user-mxd" does not exist' ||
    fail "check-config gave no warning for a missing user: $out"
for prog in "$MXD" "$MXDD"; do
    out=$("$prog" --version 2>&1) || fail "$prog --version failed: $out"
    echo "$out" | grep -Eq "^${prog##*/} [0-9]+\.[0-9]+\.[0-9]+\$" || fail "$prog --version: $out"
done
out=$("$MXDD" -t -c "$top_srcdir/contrib/mxdetour.yaml" 2>&1)
[ $? -eq 0 ] || fail "mxdetourd -t of contrib/mxdetour.yaml: $out"
# mxdetour(1): mxdetourd -t prints the summary only, no warnings.
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "mxdetourd -t printed more than its summary: $out"

cat >"$tmp/bad.yaml" <<'YAML'
listen:
  milter: ""
user: ""
probe:
  timeout: 2x
log:
  levl: info
YAML
want="$tmp/bad.yaml:5:12: probe.timeout: bad duration \"2x\" (use 500ms, 2s, 10m, 1h, 1d)
$tmp/bad.yaml:7:3: unknown key \"levl\" in log"
for cmd in "$MXD check-config -c" "$MXDD -t -c"; do
    # shellcheck disable=SC2086 # cmd is a word list
    out=$($cmd "$tmp/bad.yaml" 2>&1)
    rc=$?
    [ $rc -eq 78 ] || fail "$cmd bad.yaml: exit $rc, want 78"
    [ "$out" = "$want" ] || fail "$cmd bad.yaml printed:
$out
want:
$want"
done

"$MXD" check-config -c "$tmp/bad.yaml" extra >/dev/null 2>&1
[ $? -eq 2 ] || fail "check-config with an extra argument: want exit 2"
"$MXDD" -x >/dev/null 2>&1
[ $? -eq 2 ] || fail "mxdetourd -x: want exit 2"
"$MXD" check-config -c "$tmp/missing.yaml" >/dev/null 2>&1
[ $? -eq 78 ] || fail "check-config of a missing file: want exit 78"
echo "PASS: check-config and mxdetourd -t"
